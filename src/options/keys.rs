//! Which keys an option object has, taken from its serde type, and the keys a given object has beyond them.
//!
//! Owns asking a derived `Deserialize` for its field names (the names serde itself matches, renames applied), so a
//! field added to a config struct is known here without a second list, and the walk that reports unknown keys with
//! their path. Types with `#[serde(flatten)]` do not tell their names: their sections are combined with
//! [`KeySet::and`] instead.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::Value;
use thiserror::Error;

use crate::quote::quoted;
use crate::spelling::{did_you_mean, nearest_name};

/// The keys of an option object, and of the objects nested under some of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySet {
    names: Vec<&'static str>,
    nested: Vec<(&'static str, KeySet)>,
}

/// A key an option object does not have; ignored, and worth a warning (a typo would otherwise pass silently).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown key {} is ignored{}", quoted(.path), did_you_mean(.nearest))]
pub struct UnknownKey {
    /// Dotted from the object's top (`defaults.latencySLO`).
    pub path: String,
    /// The known key at the same place that is closest to it, with its path.
    pub nearest: Option<String>,
}

impl UnknownKey {
    /// Stable identifier of the warning.
    pub const CODE: &'static str = "config.unknown-key";

    pub fn code(&self) -> &'static str {
        Self::CODE
    }
}

impl KeySet {
    /// The field names of a struct deriving `Deserialize` (empty for anything else, e.g. a flattened struct).
    pub fn of<'de, T: Deserialize<'de>>() -> KeySet {
        let mut names = FieldNames(&[]);
        // The probe always fails after noting the names: nothing is deserialized.
        let _ = T::deserialize(&mut names);
        KeySet { names: names.0.to_vec(), nested: Vec::new() }
    }

    /// Both sets of keys: sections flattened into one object.
    pub fn and(mut self, other: KeySet) -> KeySet {
        self.names.extend(other.names);
        self.nested.extend(other.nested);
        self
    }

    /// The value under `key` is an object with `keys`.
    pub fn nest(mut self, key: &'static str, keys: KeySet) -> KeySet {
        self.nested.push((key, keys));
        self
    }

    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// The keys of `value` (and of its nested objects) that are not in this set, in sorted key order.
    pub fn unknown(&self, value: &Value) -> Vec<UnknownKey> {
        let mut found = Vec::new();
        self.collect_unknown(value, "", &mut found);
        found
    }

    fn collect_unknown(&self, value: &Value, prefix: &str, found: &mut Vec<UnknownKey>) {
        let Value::Object(object) = value else { return };
        for (key, value) in object {
            if let Some((_, nested)) = self.nested.iter().find(|(name, _)| name == key) {
                nested.collect_unknown(value, &format!("{prefix}{key}."), found);
            } else if !self.names.contains(&key.as_str()) {
                let nearest = nearest_name(key, self.names.iter().copied()).map(|name| format!("{prefix}{name}"));
                found.push(UnknownKey { path: format!("{prefix}{key}"), nearest });
            }
        }
    }
}

/// A deserializer that only notes the field names a derived struct asks for, then stops.
struct FieldNames(&'static [&'static str]);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(de::Error::custom("field names noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Probe {
        max_pending: u32,
        #[serde(rename = "ttl")]
        time_to_live: u32,
    }

    #[test]
    fn field_names_come_from_serde_with_renames() {
        assert_eq!(KeySet::of::<Probe>().names(), ["maxPending", "ttl"]);
        assert_eq!(KeySet::of::<u32>().names(), [] as [&str; 0]);
        assert_eq!(KeySet::of::<Probe>().and(KeySet::of::<u32>()).names(), ["maxPending", "ttl"]);
    }

    #[test]
    fn an_unknown_key_is_quoted_as_a_short_prefix() {
        let long = "k".repeat(1 << 20);
        let object = serde_json::json!({ "maxPendng": 1, long.clone(): 2 });
        let unknown: Vec<String> = KeySet::of::<Probe>().unknown(&object).iter().map(ToString::to_string).collect();
        assert_eq!(
            unknown,
            [
                format!("unknown key \"{}\"… is ignored", "k".repeat(40)),
                r#"unknown key "maxPendng" is ignored (did you mean "maxPending"?)"#.to_owned(),
            ]
        );
    }
}
