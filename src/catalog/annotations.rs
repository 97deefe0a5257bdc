//! The `latencyheatmap/*` annotations an entity may carry, read into typed per-entity threshold settings.
//!
//! Owns the annotation names and turning their string values into durations and percentiles, keeping the raw
//! text and the parse error beside each value. It does not decide which value wins or warn about bad ones: that
//! is threshold resolution in `evaluate/`, which knows the next source to fall back to and can say so.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::warning::MAX_TEXT_CHARS;
use crate::alertmanager::selector::{Selector, SelectorError};
use crate::duration::{parse_duration_ms, DurationError};
use crate::quote::{prefix, quoted};
use crate::spelling::nearest_name;

/// Every annotation this crate reads starts with this prefix.
pub const PREFIX: &str = "latencyheatmap/";
/// Telemetry service name(s) of the entity, comma-separated; defaults to `metadata.name`.
pub const SERVICE_NAME: &str = "latencyheatmap/service-name";
/// Self (processing) time of one request inside this entity.
pub const PROCESSING_THRESHOLD: &str = "latencyheatmap/processingthreshold";
/// End-to-end latency of calls served by this entity.
pub const LATENCY_SLO: &str = "latencyheatmap/latency-slo";
/// Which percentile the thresholds above are judged on.
pub const PERCENTILE: &str = "latencyheatmap/percentile";
/// Alertmanager label matchers (`team=checkout,severity=~critical|warning`): alerts they match belong to the entity.
pub const ALERT_SELECTOR: &str = "latencyheatmap/alert-selector";
/// `latencyheatmap/edge-slo.<target-ref-or-name>`: latency of one outgoing call.
pub const EDGE_SLO_PREFIX: &str = "latencyheatmap/edge-slo.";

/// The percentile a threshold is compared against. Higher percentiles are stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Percentile {
    P50,
    P90,
    #[default]
    P95,
    P99,
}

impl Percentile {
    /// Accepts `p95`, `P95` and `95`.
    pub fn parse(text: &str) -> Option<Percentile> {
        let text = text.trim().to_ascii_lowercase();
        Some(match text.strip_prefix('p').unwrap_or(&text) {
            "50" => Percentile::P50,
            "90" => Percentile::P90,
            "95" => Percentile::P95,
            "99" => Percentile::P99,
            _ => return None,
        })
    }

    /// The quantile as a fraction, for the aggregation's sketches.
    pub fn quantile(self) -> f64 {
        match self {
            Percentile::P50 => 0.50,
            Percentile::P90 => 0.90,
            Percentile::P95 => 0.95,
            Percentile::P99 => 0.99,
        }
    }
}

impl fmt::Display for Percentile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Percentile::P50 => "p50",
            Percentile::P90 => "p90",
            Percentile::P95 => "p95",
            Percentile::P99 => "p99",
        };
        f.write_str(text)
    }
}

/// Why an annotation value was not usable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnnotationError {
    #[error(transparent)]
    Duration(#[from] DurationError),
    #[error(transparent)]
    Selector(#[from] SelectorError),
    #[error("a threshold must be greater than zero")]
    NotPositive,
    #[error("{} is not a percentile (use p50, p90, p95 or p99)", quoted(.0))]
    UnknownPercentile(String),
    /// Refused rather than cut: the first 256 characters of a value are not the value that was written.
    #[error("it is {chars} characters long; at most {MAX_TEXT_CHARS} are read")]
    TooLong { chars: usize },
}

/// One annotation as written and as understood.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationValue<T> {
    /// The annotation key as written on the entity.
    pub key: String,
    /// As written, or its first [`MAX_TEXT_CHARS`] characters when it was longer (`parsed` is then `TooLong`).
    pub raw: String,
    pub parsed: Result<T, AnnotationError>,
}

impl<T> AnnotationValue<T> {
    /// Parses `raw` unless it is longer than [`MAX_TEXT_CHARS`]; only that many characters of it are kept.
    fn read(key: &str, raw: &str, parse: impl Fn(&str) -> Result<T, AnnotationError>) -> AnnotationValue<T> {
        let kept = prefix(raw, MAX_TEXT_CHARS);
        let parsed = match kept.len() < raw.len() {
            true => Err(AnnotationError::TooLong { chars: raw.chars().count() }),
            false => parse(raw),
        };
        AnnotationValue { key: key.to_owned(), raw: kept.to_owned(), parsed }
    }
}

/// The known annotation nearest to a misspelt `key` under [`PREFIX`]: `edge-slo.<target>` keys are compared by
/// their head and keep their target.
pub fn nearest_annotation(key: &str) -> Option<String> {
    let edge_head = &EDGE_SLO_PREFIX[..EDGE_SLO_PREFIX.len() - 1];
    if let Some((head, target)) = key.split_once('.') {
        if nearest_name(head, [edge_head]).is_some() {
            return Some(format!("{EDGE_SLO_PREFIX}{target}"));
        }
    }
    nearest_name(key, [PROCESSING_THRESHOLD, LATENCY_SLO, PERCENTILE, SERVICE_NAME, ALERT_SELECTOR]).map(str::to_owned)
}

/// An `edge-slo.<target>` annotation: `target` is the text after the dot, matched against the call's target.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeSlo {
    pub target: String,
    pub value: AnnotationValue<f64>,
}

/// The threshold settings one entity declares. Absent annotations are `None`; bad ones keep their error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThresholdAnnotations {
    pub processing_threshold: Option<AnnotationValue<f64>>,
    pub latency_slo: Option<AnnotationValue<f64>>,
    pub percentile: Option<AnnotationValue<Percentile>>,
    pub edge_slos: Vec<EdgeSlo>,
    /// Not a threshold, but read here with the others so one pass finds every known key.
    pub alert_selector: Option<AnnotationValue<Selector>>,
}

impl ThresholdAnnotations {
    /// Reads the `latencyheatmap/*` keys (case-insensitively) and returns the settings plus the keys under the
    /// prefix that mean nothing to us, so the catalog can point at likely typos.
    pub fn read(annotations: &BTreeMap<String, String>) -> (ThresholdAnnotations, Vec<String>) {
        let mut settings = ThresholdAnnotations::default();
        let mut unknown = Vec::new();
        for (key, raw) in annotations {
            let lower = key.to_ascii_lowercase();
            if !lower.starts_with(PREFIX) {
                continue;
            }
            if lower == PROCESSING_THRESHOLD {
                settings.processing_threshold = Some(AnnotationValue::read(key, raw, parse_threshold_ms));
            } else if lower == LATENCY_SLO {
                settings.latency_slo = Some(AnnotationValue::read(key, raw, parse_threshold_ms));
            } else if lower == PERCENTILE {
                let parse =
                    |raw: &str| Percentile::parse(raw).ok_or_else(|| AnnotationError::UnknownPercentile(raw.to_owned()));
                settings.percentile = Some(AnnotationValue::read(key, raw, parse));
            } else if let Some(target) = key.get(EDGE_SLO_PREFIX.len()..).filter(|_| lower.starts_with(EDGE_SLO_PREFIX))
            {
                let value = AnnotationValue::read(key, raw, parse_threshold_ms);
                settings.edge_slos.push(EdgeSlo { target: target.to_owned(), value });
            } else if lower == ALERT_SELECTOR {
                let parse = |raw: &str| Selector::parse(raw).map_err(AnnotationError::from);
                settings.alert_selector = Some(AnnotationValue::read(key, raw, parse));
            } else if lower != SERVICE_NAME {
                unknown.push(key.clone());
            }
        }
        (settings, unknown)
    }
}

/// A threshold is a duration greater than zero: a zero threshold would make every observation infinitely late.
pub fn parse_threshold_ms(raw: &str) -> Result<f64, AnnotationError> {
    let ms = parse_duration_ms(raw)?;
    if ms > 0.0 {
        Ok(ms)
    } else {
        Err(AnnotationError::NotPositive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> (ThresholdAnnotations, Vec<String>) {
        let map = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        ThresholdAnnotations::read(&map)
    }

    #[test]
    fn reads_typed_settings() {
        let (settings, unknown) = read(&[
            ("latencyheatmap/processingThreshold", "120ms"),
            ("latencyheatmap/latency-slo", "300 ms"),
            ("latencyheatmap/percentile", "p99"),
            ("latencyheatmap/edge-slo.payments", "1.5s"),
            ("latencyheatmap/service-name", "a,b"),
            ("backstage.io/techdocs-ref", "dir:."),
        ]);
        assert!(unknown.is_empty(), "{unknown:?}");
        assert_eq!(settings.processing_threshold.map(|v| v.parsed), Some(Ok(120.0)));
        assert_eq!(settings.latency_slo.map(|v| v.parsed), Some(Ok(300.0)));
        assert_eq!(settings.percentile.map(|v| v.parsed), Some(Ok(Percentile::P99)));
        assert_eq!(settings.edge_slos.len(), 1);
        assert_eq!(
            settings.edge_slos.first().map(|e| (e.target.as_str(), e.value.parsed.clone())),
            Some(("payments", Ok(1500.0)))
        );
    }

    #[test]
    fn keeps_bad_values_with_their_error() {
        let (settings, unknown) = read(&[
            ("latencyheatmap/latency-slo", "fast"),
            ("latencyheatmap/processingthreshold", "0ms"),
            ("latencyheatmap/percentile", "p75"),
            ("latencyheatmap/latency-sol", "300ms"),
        ]);
        assert!(matches!(settings.latency_slo.map(|v| v.parsed), Some(Err(AnnotationError::Duration(_)))));
        assert_eq!(settings.processing_threshold.map(|v| v.parsed), Some(Err(AnnotationError::NotPositive)));
        assert!(matches!(settings.percentile.map(|v| v.parsed), Some(Err(AnnotationError::UnknownPercentile(_)))));
        assert_eq!(unknown, ["latencyheatmap/latency-sol"]);
    }

    #[test]
    fn percentiles_order_by_strictness() {
        assert!(Percentile::P99 > Percentile::P95 && Percentile::P95 > Percentile::P50);
        assert_eq!(Percentile::parse("95"), Some(Percentile::P95));
        assert_eq!(Percentile::P90.to_string(), "p90");
    }
}
