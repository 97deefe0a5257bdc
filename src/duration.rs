//! Human durations as written in `catalog-info.yaml` annotations and in config (`300ms`, `1.5s`, `250us`, `5m`).
//!
//! Owns parsing and nothing else: every module that reads a duration from people (thresholds, the latency window,
//! the pairing TTL) goes through [`parse_duration_ms`], so `"300 ms"` means the same everywhere and `"fast"`,
//! `"-5ms"` or `""` are rejected with the same typed error.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::quote::quoted;

/// A duration in config as JS passes it: text for [`parse_duration_ms`] (`"5m"`, `"300ms"`) or a number of
/// milliseconds. Each field decides what it accepts beyond that (`window` also takes `"all"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DurationValue {
    Millis(f64),
    Text(String),
}

/// By hand rather than `untagged`, so a value of another type says what was expected instead of "did not match
/// any variant".
impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = DurationValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"300ms\" or a number of milliseconds")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<DurationValue, E> {
                Ok(DurationValue::Text(text.to_owned()))
            }
            fn visit_f64<E: de::Error>(self, ms: f64) -> Result<DurationValue, E> {
                Ok(DurationValue::Millis(ms))
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<DurationValue, E> {
                Ok(DurationValue::Millis(ms as f64))
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> Result<DurationValue, E> {
                Ok(DurationValue::Millis(ms as f64))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}

/// Why a duration string was rejected. `Display` is written for the person who typed the annotation, quoting a
/// short prefix of what they typed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DurationError {
    #[error("empty duration")]
    Empty,
    #[error("negative duration {}: durations must be zero or more", quoted(.0))]
    Negative(String),
    #[error("{} has no number (expected e.g. 300ms, 1.5s, 250us)", quoted(.0))]
    NoNumber(String),
    #[error("{} has unknown unit {} (use ns, us, ms, s, m or h)", quoted(.value), quoted(.unit))]
    UnknownUnit { value: String, unit: String },
    #[error("{} is missing a unit (expected e.g. 300ms, 1.5s, 250us)", quoted(.0))]
    MissingUnit(String),
    #[error("{} is too large", quoted(.0))]
    TooLarge(String),
}

/// Parses `300ms`, `1.5s`, `250us` (also `µs`), `100ns`, `5m`, `1h`, with optional spaces between number and
/// unit (`300 ms`), into milliseconds. A bare `0` is accepted; any other bare number is rejected because its unit
/// would be a guess.
pub fn parse_duration_ms(input: &str) -> Result<f64, DurationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if text.starts_with('-') {
        return Err(DurationError::Negative(text.to_owned()));
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| DurationError::NoNumber(text.to_owned()))?;
    let factor = match unit.trim_start() {
        "" if value == 0.0 => 1.0,
        "" => return Err(DurationError::MissingUnit(text.to_owned())),
        "ns" => 1e-6,
        "us" | "µs" | "μs" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "m" | "min" => 60e3,
        "h" => 3_600e3,
        other => {
            return Err(DurationError::UnknownUnit { value: text.to_owned(), unit: other.to_owned() })
        }
    };
    let ms = value * factor;
    if ms.is_finite() {
        Ok(ms)
    } else {
        Err(DurationError::TooLarge(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_into_milliseconds() {
        assert_eq!(parse_duration_ms("300ms"), Ok(300.0));
        assert_eq!(parse_duration_ms("1.5s"), Ok(1500.0));
        assert_eq!(parse_duration_ms("250us"), Ok(0.25));
        assert_eq!(parse_duration_ms("250µs"), Ok(0.25));
        assert_eq!(parse_duration_ms("5m"), Ok(300_000.0));
        assert_eq!(parse_duration_ms("1h"), Ok(3_600_000.0));
        assert_eq!(parse_duration_ms("2000000ns"), Ok(2.0));
        assert_eq!(parse_duration_ms("0"), Ok(0.0));
    }

    #[test]
    fn tolerates_space_between_number_and_unit() {
        assert_eq!(parse_duration_ms("300 ms"), Ok(300.0));
        assert_eq!(parse_duration_ms("  1.5 s "), Ok(1500.0));
    }

    #[test]
    fn rejects_what_people_should_not_write() {
        assert_eq!(parse_duration_ms(""), Err(DurationError::Empty));
        assert_eq!(parse_duration_ms("   "), Err(DurationError::Empty));
        assert_eq!(parse_duration_ms("-5ms"), Err(DurationError::Negative("-5ms".into())));
        assert_eq!(parse_duration_ms("fast"), Err(DurationError::NoNumber("fast".into())));
        assert_eq!(parse_duration_ms("300"), Err(DurationError::MissingUnit("300".into())));
        assert!(matches!(parse_duration_ms("3 weeks"), Err(DurationError::UnknownUnit { .. })));
        assert!(matches!(parse_duration_ms("1.2.3ms"), Err(DurationError::NoNumber(_))));
        assert!(matches!(parse_duration_ms(&format!("{}h", "9".repeat(400))), Err(DurationError::NoNumber(_) | DurationError::TooLarge(_))));
    }

    #[test]
    fn config_durations_are_text_or_milliseconds_and_nothing_else() {
        let read = |json: &str| {
            let value: serde_json::Value = serde_json::from_str(json).expect("test JSON");
            serde_json::from_value::<DurationValue>(value).map_err(|e| e.to_string())
        };
        assert_eq!(read("\"300ms\""), Ok(DurationValue::Text("300ms".into())));
        assert_eq!(read("1500"), Ok(DurationValue::Millis(1500.0)));
        assert_eq!(read("-2.5"), Ok(DurationValue::Millis(-2.5)));
        assert_eq!(
            read("[1]"),
            Err("invalid type: sequence, expected a duration such as \"300ms\" or a number of milliseconds".into())
        );
    }

    #[test]
    fn error_messages_name_the_value() {
        let message = parse_duration_ms("fast").unwrap_err().to_string();
        assert!(message.contains("\"fast\""), "{message}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_returns_non_finite(input in "\\PC{0,24}") {
            if let Ok(ms) = parse_duration_ms(&input) {
                proptest::prop_assert!(ms.is_finite() && ms >= 0.0);
            }
        }
    }
}
