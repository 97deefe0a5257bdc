//! Evaluation settings from the `HeatMap` constructor / the `latencyHeatmap:` app-config section.
//!
//! Owns their serde shape (camelCase, every field optional) and reading durations written as `"300ms"` or as a
//! number of milliseconds. What the settings mean when combined with annotations is `thresholds.rs`'s job.

use serde::{Deserialize, Deserializer, Serialize};

use super::tolerance::Tolerance;
use crate::catalog::{parse_threshold_ms, AnnotationError, Percentile};
use crate::duration::DurationValue;
use crate::options::KeySet;

/// ```json
/// { "defaults": { "latencySlo": "500ms", "processingThreshold": 100, "errorRate": 0.01 },
///   "percentile": "p95", "tolerance": "moderate", "enforceDefaults": false }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EvaluateConfig {
    pub defaults: Defaults,
    /// Percentile thresholds are judged on unless an entity says otherwise. Default p95.
    pub percentile: Percentile,
    pub tolerance: Tolerance,
    /// When true, entity annotations may only tighten the defaults (lower thresholds, higher percentiles).
    pub enforce_defaults: bool,
}

impl EvaluateConfig {
    /// The keys this section reads, `defaults` with its own.
    pub fn keys() -> KeySet {
        KeySet::of::<EvaluateConfig>().nest("defaults", KeySet::of::<Defaults>())
    }
}

/// Organisation-wide thresholds; durations in milliseconds once read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Defaults {
    #[serde(deserialize_with = "duration_ms")]
    pub latency_slo: Option<f64>,
    #[serde(deserialize_with = "duration_ms")]
    pub processing_threshold: Option<f64>,
    /// Share of failed calls (0.01 = 1 %) at which error rate reaches its threshold.
    #[serde(deserialize_with = "fraction")]
    pub error_rate: Option<f64>,
}

/// `"300ms"`, `"1.5s"` or a plain number of milliseconds; must be greater than zero. Messages are worded as the
/// aggregate section's (`window`), so every config error reads the same.
fn duration_ms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let value = Option::<DurationValue>::deserialize(deserializer)?;
    match value {
        None => Ok(None),
        Some(DurationValue::Millis(ms)) if ms.is_finite() && ms > 0.0 => Ok(Some(ms)),
        Some(DurationValue::Millis(ms)) => {
            Err(serde::de::Error::custom(format!("{ms} is not a positive finite number of milliseconds")))
        }
        Some(DurationValue::Text(text)) => parse_threshold_ms(&text).map(Some).map_err(|error| match error {
            AnnotationError::Duration(duration) => serde::de::Error::custom(duration),
            other => serde::de::Error::custom(format!("{text:?}: {other}")),
        }),
    }
}

fn fraction<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    match Option::<f64>::deserialize(deserializer)? {
        Some(rate) if !(rate > 0.0 && rate <= 1.0) => {
            Err(serde::de::Error::custom(format!("error rate {rate} must be a fraction above 0 and at most 1")))
        }
        rate => Ok(rate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_optional() {
        let config: EvaluateConfig = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config, EvaluateConfig::default());
        assert_eq!(config.percentile, Percentile::P95);
        assert_eq!(config.tolerance, Tolerance::Moderate);
    }

    #[test]
    fn reads_durations_as_text_or_milliseconds() {
        let json = r#"{"defaults":{"latencySlo":"1.5s","processingThreshold":120,"errorRate":0.02},
                       "percentile":"p99","tolerance":"conservative","enforceDefaults":true}"#;
        let config: EvaluateConfig = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.defaults.latency_slo, Some(1500.0));
        assert_eq!(config.defaults.processing_threshold, Some(120.0));
        assert_eq!(config.defaults.error_rate, Some(0.02));
        assert_eq!(
            (config.percentile, config.tolerance, config.enforce_defaults),
            (Percentile::P99, Tolerance::Conservative, true)
        );
    }

    #[test]
    fn rejects_unusable_config_with_a_message() {
        for json in [
            r#"{"defaults":{"latencySlo":"fast"}}"#,
            r#"{"defaults":{"latencySlo":-5}}"#,
            r#"{"defaults":{"latencySlo":"0ms"}}"#,
            r#"{"defaults":{"errorRate":5}}"#,
            r#"{"percentile":"p75"}"#,
            r#"{"tolerance":"reckless"}"#,
        ] {
            assert!(serde_json::from_str::<EvaluateConfig>(json).is_err(), "{json}");
        }
    }
}
