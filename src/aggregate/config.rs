//! `AggregateConfig`: the JS-facing knobs of the latency state (`window`, `ttl`, `maxPending`, `recentSamples`,
//! `ewmaHalfLife`, `maxSpanDuration`, `maxClockSkew`, `maxSeenSpans`, `maxKeys`) and their validation into
//! [`Settings`] and the readers' [`ReadLimits`].
//!
//! Owns defaults and the typed [`ConfigError`] naming the bad field. Durations go through
//! [`crate::duration::parse_duration_ms`]; numbers are milliseconds.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::stats::{StatsSettings, SLICES_PER_WINDOW};
pub use crate::duration::DurationValue;
use crate::duration::{parse_duration_ms, DurationError};
use crate::telemetry::ReadLimits;

/// Configuration of [`super::LatencyState`], as given to `new HeatMap(config)`. Every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AggregateConfig {
    /// Sliding window for quantiles, error rate and rate: a duration or `"all"` (default 5 min).
    pub window: DurationValue,
    /// How long (event time) an unpaired span waits for its other side (default 30 s).
    pub ttl: DurationValue,
    /// Most spans held waiting for their trace or partner (default 100 000).
    pub max_pending: usize,
    /// Last samples kept per key (default 10).
    pub recent_samples: usize,
    /// Half-life of the exponentially weighted average (default 1 min).
    pub ewma_half_life: DurationValue,
    /// Longest span accepted (default 1 h); longer ones are rejected with their location. One span of decades
    /// (a start time of 0) would otherwise own a service's quantiles for the whole window.
    pub max_span_duration: DurationValue,
    /// How far a span may end ahead of the others (or of the wall clock) before it counts as a future span whose
    /// host clock is fast (default 1 min).
    pub max_clock_skew: DurationValue,
    /// Most (trace id, span id) pairs remembered to skip re-polled spans (default 1 000 000, about 30 bytes each).
    pub max_seen_spans: usize,
    /// Most services, calls and entry points kept, each (default 10 000). When one kind is full, keys with nothing
    /// left in the window are evicted; only when none has, observations of new keys are ignored (with the
    /// `aggregate.key-limit` warning). With the window "all" nothing leaves, so a full map refuses.
    pub max_keys: usize,
}

impl Default for AggregateConfig {
    fn default() -> Self {
        AggregateConfig {
            window: DurationValue::Text("5m".into()),
            ttl: DurationValue::Text("30s".into()),
            max_pending: 100_000,
            recent_samples: 10,
            ewma_half_life: DurationValue::Text("1m".into()),
            max_span_duration: DurationValue::Text("1h".into()),
            max_clock_skew: DurationValue::Text("1m".into()),
            max_seen_spans: 1_000_000,
            max_keys: DEFAULT_MAX_KEYS,
        }
    }
}

/// A config value that cannot be used; `Display` names the field as JS spells it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    #[error("{field}: {source}")]
    Duration { field: &'static str, source: DurationError },
    #[error("{field}: {value} is not a positive finite number of milliseconds")]
    Number { field: &'static str, value: f64 },
    #[error("{field}: must be at least {min}, got {value}")]
    TooSmall { field: &'static str, min: usize, value: usize },
    #[error("{field}: must be at most {max}, got {value}")]
    TooLarge { field: &'static str, max: usize, value: usize },
}

/// The validated configuration the state runs with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub stats: StatsSettings,
    pub ttl_ns: u64,
    pub max_pending: usize,
    pub max_clock_skew_ns: u64,
    pub max_seen_spans: usize,
    pub max_keys: usize,
}

/// More recent samples than this per key would make "last K" a memory knob; the UI shows a sparkline.
const MAX_RECENT_SAMPLES: usize = 1000;

/// `maxKeys` unless configured: far above a real system's services and calls, far below what junk names reach.
pub const DEFAULT_MAX_KEYS: usize = 10_000;

/// Largest `maxKeys`: keys are u32 ids, and each holds up to a few hundred KiB of sketches, so a million is
/// already more memory than a browser tab has.
const MAX_MAX_KEYS: usize = 1_000_000;

fn millis(field: &'static str, value: &DurationValue, zero_ok: bool) -> Result<f64, ConfigError> {
    let ms = match value {
        DurationValue::Millis(ms) => *ms,
        DurationValue::Text(text) => {
            parse_duration_ms(text).map_err(|source| ConfigError::Duration { field, source })?
        }
    };
    if ms.is_finite() && (ms > 0.0 || (zero_ok && ms == 0.0)) {
        Ok(ms)
    } else {
        Err(ConfigError::Number { field, value: ms })
    }
}

impl AggregateConfig {
    pub fn validate(&self) -> Result<Settings, ConfigError> {
        let window_ms = match &self.window {
            DurationValue::Text(text) if text.trim().eq_ignore_ascii_case("all") => None,
            other => Some(millis("window", other, false)?),
        };
        let ttl_ms = millis("ttl", &self.ttl, true)?;
        let half_life_ms = millis("ewmaHalfLife", &self.ewma_half_life, false)?;
        self.read_limits()?;
        if self.max_pending < 1 {
            return Err(ConfigError::TooSmall { field: "maxPending", min: 1, value: self.max_pending });
        }
        let max_clock_skew_ms = millis("maxClockSkew", &self.max_clock_skew, false)?;
        if self.max_seen_spans < 1 {
            return Err(ConfigError::TooSmall { field: "maxSeenSpans", min: 1, value: self.max_seen_spans });
        }
        if self.recent_samples > MAX_RECENT_SAMPLES {
            return Err(ConfigError::TooLarge {
                field: "recentSamples",
                max: MAX_RECENT_SAMPLES,
                value: self.recent_samples,
            });
        }
        if self.max_keys < 1 {
            return Err(ConfigError::TooSmall { field: "maxKeys", min: 1, value: self.max_keys });
        }
        if self.max_keys > MAX_MAX_KEYS {
            return Err(ConfigError::TooLarge { field: "maxKeys", max: MAX_MAX_KEYS, value: self.max_keys });
        }
        Ok(Settings {
            stats: StatsSettings {
                window_ms,
                read_slices: SLICES_PER_WINDOW,
                half_life_ms,
                recent_samples: self.recent_samples,
            },
            // `as` saturates: a TTL of centuries is just "forever".
            ttl_ns: (ttl_ms * 1e6) as u64,
            max_pending: self.max_pending,
            max_clock_skew_ns: (max_clock_skew_ms * 1e6) as u64,
            max_seen_spans: self.max_seen_spans,
            max_keys: self.max_keys,
        })
    }

    /// The limits the telemetry readers apply to every span (`maxSpanDuration`).
    pub fn read_limits(&self) -> Result<ReadLimits, ConfigError> {
        let max_ms = millis("maxSpanDuration", &self.max_span_duration, false)?;
        // `as` saturates: a limit of centuries is just "no limit".
        Ok(ReadLimits { max_span_duration_ns: (max_ms * 1e6) as u64 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Settings, String> {
        let config: AggregateConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        config.validate().map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_spellings() {
        let settings = parse("{}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.stats.window_ms, Some(300_000.0));
        assert_eq!(settings.ttl_ns, 30_000_000_000);
        assert_eq!(settings.max_pending, 100_000);
        assert_eq!(settings.stats.recent_samples, 10);
        assert_eq!(settings.stats.half_life_ms, 60_000.0);
        assert_eq!((settings.max_clock_skew_ns, settings.max_seen_spans), (60_000_000_000, 1_000_000));
        let settings = parse(r#"{"window":"all","ttl":1500,"ewmaHalfLife":"10s"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.stats.window_ms, None);
        assert_eq!(settings.ttl_ns, 1_500_000_000);
        assert_eq!(parse(r#"{"window":60000}"#).map(|s| s.stats.window_ms), Ok(Some(60_000.0)));
    }

    fn limits(json: &str) -> Result<ReadLimits, String> {
        let config: AggregateConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        config.read_limits().map_err(|e| e.to_string())
    }

    #[test]
    fn max_span_duration_defaults_to_an_hour_and_is_checked_like_the_other_durations() {
        assert_eq!(limits("{}"), Ok(ReadLimits { max_span_duration_ns: 3_600_000_000_000 }));
        assert_eq!(limits(r#"{"maxSpanDuration":"2h"}"#), Ok(ReadLimits { max_span_duration_ns: 7_200_000_000_000 }));
        assert_eq!(limits(r#"{"maxSpanDuration":1500}"#), Ok(ReadLimits { max_span_duration_ns: 1_500_000_000 }));
        assert_eq!(parse(r#"{"maxSpanDuration":"long"}"#).unwrap_err(), "maxSpanDuration: \"long\" has no number (expected e.g. 300ms, 1.5s, 250us)");
        assert_eq!(parse(r#"{"maxSpanDuration":0}"#).unwrap_err(), "maxSpanDuration: 0 is not a positive finite number of milliseconds");
        assert_eq!(parse(r#"{"maxSpanDuration":"-1h"}"#).unwrap_err(), "maxSpanDuration: negative duration \"-1h\": durations must be zero or more");
    }

    #[test]
    fn bad_values_name_their_field() {
        assert_eq!(parse(r#"{"window":"fast"}"#).unwrap_err(), "window: \"fast\" has no number (expected e.g. 300ms, 1.5s, 250us)");
        assert!(parse(r#"{"ttl":"-5s"}"#).unwrap_err().starts_with("ttl: negative duration"));
        assert!(parse(r#"{"window":0}"#).unwrap_err().starts_with("window: 0 is not a positive"));
        assert!(parse(r#"{"ewmaHalfLife":"0"}"#).unwrap_err().starts_with("ewmaHalfLife"));
        assert!(parse(r#"{"maxPending":0}"#).unwrap_err().starts_with("maxPending"));
        assert!(parse(r#"{"recentSamples":100000}"#).unwrap_err().starts_with("recentSamples"));
        assert_eq!(parse(r#"{"maxClockSkew":0}"#).unwrap_err(), "maxClockSkew: 0 is not a positive finite number of milliseconds");
        assert_eq!(parse(r#"{"maxSeenSpans":0}"#).unwrap_err(), "maxSeenSpans: must be at least 1, got 0");
    }

    #[test]
    fn max_keys_defaults_to_ten_thousand_and_is_bounded() {
        assert_eq!(parse("{}").map(|s| s.max_keys), Ok(10_000));
        assert_eq!(parse(r#"{"maxKeys":1}"#).map(|s| s.max_keys), Ok(1));
        assert_eq!(parse(r#"{"maxKeys":1000000}"#).map(|s| s.max_keys), Ok(1_000_000));
        assert_eq!(parse(r#"{"maxKeys":0}"#).unwrap_err(), "maxKeys: must be at least 1, got 0");
        assert_eq!(parse(r#"{"maxKeys":1000001}"#).unwrap_err(), "maxKeys: must be at most 1000000, got 1000001");
        assert_eq!(parse(r#"{"maxKeys":-1}"#).unwrap_err(), "invalid value: integer `-1`, expected usize at line 1 column 13");
    }
}
