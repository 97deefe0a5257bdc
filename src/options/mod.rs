//! Reading the option objects callers hand the pipeline — `new HeatMap(config)`, `snapshot(options)`,
//! `layoutGraph(graph, options)` — from JSON, all in one way.
//!
//! Owns that way: a value of the wrong type or one that cannot be used is an [`OptionError`] naming its path
//! (`defaults.latencySlo: …`), and a key the object does not have is an [`UnknownKey`] naming the nearest known key
//! — a warning, never an error, so a typo neither takes the map down nor passes silently. Keys are checked against
//! a [`KeySet`] built from the serde types themselves (`#[serde(flatten)]` hides keys from serde's own unknown-key
//! handling, so sections are read side by side from one object instead). It does not know what any option means.

mod keys;

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use crate::quote::bounded_message;

pub use keys::{KeySet, UnknownKey};

/// An option object that cannot be used. `Display` starts with the path of the bad value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OptionError {
    /// Only reachable from native callers: the bindings hand over what `JSON.stringify` wrote.
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("expected an object, found {0}")]
    NotAnObject(&'static str),
    /// A value its declared type does not allow: the wrong JSON type (`"ewmaHalfLife": [1]`) or a name outside
    /// the list (`"tolerance": "lenient"`) — what the TypeScript types already rule out.
    #[error("{path}: {message}")]
    WrongType { path: String, message: String },
    /// A value of the right type that means nothing usable (`"latencySlo": "fast"`, `"errorRate": 5`).
    #[error("{path}: {message}")]
    BadValue { path: String, message: String },
}

/// The object in `json`; an empty input or `null` is an empty object (no options given).
pub fn object(json: &[u8]) -> Result<Value, OptionError> {
    if json.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(json) {
        Ok(Value::Null) => Ok(Value::Object(Default::default())),
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(other) => Err(OptionError::NotAnObject(crate::quote::json_type(&other))),
        Err(error) => Err(OptionError::NotJson(error.to_string())),
    }
}

/// Reads `T` from `value`, ignoring keys `T` does not have (other sections of the same object, or unknown keys,
/// which [`KeySet::unknown`] reports). Errors carry the path of the bad value.
pub fn section<T: DeserializeOwned>(value: &Value) -> Result<T, OptionError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = match error.path().to_string() {
            root if root == "." => "(the object)".to_owned(),
            path => path,
        };
        // serde quotes a bad string whole: cut, so a megabyte value is not a megabyte error.
        let message = bounded_message(error.into_inner().to_string());
        // serde's own wording for a value outside the type; every other message is about the value itself.
        if ["invalid type:", "invalid length", "unknown variant"].iter().any(|start| message.starts_with(start)) {
            OptionError::WrongType { path, message }
        } else {
            OptionError::BadValue { path, message }
        }
    })
}

/// Reads an object of one type: the value and the keys it did not know.
pub fn read<T: DeserializeOwned>(json: &[u8], keys: &KeySet) -> Result<(T, Vec<UnknownKey>), OptionError> {
    let value = object(json)?;
    Ok((section(&value)?, keys.unknown(&value)))
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    struct Inner {
        max_sweeps: u32,
        #[serde(deserialize_with = "positive")]
        gap: f64,
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    struct Outer {
        level: Option<String>,
        inner: Inner,
    }

    fn positive<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value > 0.0 {
            Ok(value)
        } else {
            Err(serde::de::Error::custom(format!("{value} is not above zero")))
        }
    }

    fn keys() -> KeySet {
        KeySet::of::<Outer>().nest("inner", KeySet::of::<Inner>())
    }

    fn read_outer(json: &str) -> Result<(Outer, Vec<String>), String> {
        read::<Outer>(json.as_bytes(), &keys())
            .map(|(value, unknown)| (value, unknown.iter().map(ToString::to_string).collect()))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn empty_input_and_null_are_no_options() {
        assert_eq!(read_outer(""), Ok((Outer::default(), vec![])));
        assert_eq!(read_outer(" null "), Ok((Outer::default(), vec![])));
        assert_eq!(read_outer("{}"), Ok((Outer::default(), vec![])));
    }

    #[test]
    fn errors_name_the_path_and_say_whether_the_type_or_the_value_is_wrong() {
        let outer = |json: &str| read::<Outer>(json.as_bytes(), &keys()).map(|(value, _)| value);
        assert_eq!(
            outer(r#"{"inner":{"gap":-1}}"#),
            Err(OptionError::BadValue { path: "inner.gap".into(), message: "-1 is not above zero".into() })
        );
        assert_eq!(
            outer(r#"{"inner":{"maxSweeps":[1]}}"#),
            Err(OptionError::WrongType {
                path: "inner.maxSweeps".into(),
                message: "invalid type: sequence, expected u32".into()
            })
        );
        assert_eq!(
            outer(r#"{"inner":3}"#),
            Err(OptionError::WrongType { path: "inner".into(), message: "invalid type: integer `3`, expected struct Inner".into() })
        );
        assert_eq!(outer("[1]"), Err(OptionError::NotAnObject("an array")));
        assert_eq!(outer("\"fast\""), Err(OptionError::NotAnObject("a string")));
        assert_eq!(outer("{").map_err(|e| e.to_string()), Err("not JSON: EOF while parsing an object at line 1 column 1".into()));
    }

    #[test]
    fn unknown_keys_are_reported_with_their_path_and_the_nearest_known_key() {
        let (value, unknown) =
            read_outer(r#"{"levl":"x","inner":{"maxSweep":3,"gap":2,"colour":1},"other":{"deep":1}}"#).expect("reads");
        assert_eq!(value, Outer { level: None, inner: Inner { max_sweeps: 0, gap: 2.0 } });
        assert_eq!(
            unknown,
            vec![
                "unknown key \"inner.colour\" is ignored",
                "unknown key \"inner.maxSweep\" is ignored (did you mean \"inner.maxSweeps\"?)",
                "unknown key \"levl\" is ignored (did you mean \"level\"?)",
                "unknown key \"other\" is ignored",
            ]
        );
    }
}
