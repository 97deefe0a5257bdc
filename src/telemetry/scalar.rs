//! Lenient JSON scalars and what every format builds from them: hex/base64 ids, integer timestamps.
//!
//! Owns reading a field of *any* JSON type without failing the document: a span whose `startTimeUnixNano` is an
//! object is one rejected span, not a parse error for the batch. Knows nothing of which field means what.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

use super::{SpanId, TraceId};

/// Any JSON value; arrays and objects are consumed (bounded by serde_json's recursion limit) and not kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Str(Cow<'de, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    Null,
    Compound,
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor { typed_objects: false })
    }
}

/// A plain [`Scalar`] as a seed (objects inside `AnyValue` are not unwrapped again).
struct ScalarSeed;

impl<'de> serde::de::DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar<'de>, D::Error> {
        Scalar::deserialize(deserializer)
    }
}

/// OTLP's `AnyValue` (`{"stringValue": "x"}`, `{"intValue": "5"}`) or a bare scalar (Jaeger tags); arrays,
/// kvlists and bytes are consumed and read as [`Scalar::Compound`].
pub(crate) struct AnyValue;

impl<'de> serde::de::DeserializeSeed<'de> for AnyValue {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar<'de>, D::Error> {
        deserializer.deserialize_any(ScalarVisitor { typed_objects: true })
    }
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum AnyValueField {
    StringValue,
    IntValue,
    DoubleValue,
    BoolValue,
    #[serde(other)]
    Other,
}

struct ScalarVisitor {
    /// Read `{"stringValue": …}`-style objects as the value inside.
    typed_objects: bool,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Scalar::Compound;
        while let Some(field) = map.next_key::<AnyValueField>()? {
            match field {
                AnyValueField::StringValue
                | AnyValueField::IntValue
                | AnyValueField::DoubleValue
                | AnyValueField::BoolValue
                    if self.typed_objects =>
                {
                    out = map.next_value_seed(ScalarSeed)?
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

impl Scalar<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A whole number, from a JSON number or a decimal string (OTLP writes int64 as strings).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::U64(v) => i64::try_from(*v).ok(),
            Scalar::I64(v) => Some(*v),
            Scalar::F64(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 => Some(*v as i64),
            Scalar::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A non-negative whole number (timestamps, durations).
    pub fn as_u64(&self) -> Result<u64, String> {
        match self {
            Scalar::U64(v) => Ok(*v),
            Scalar::I64(v) => Err(format!("negative value {v}")),
            Scalar::F64(v) if v.is_finite() && *v >= 0.0 && *v < 1.8e19 => Ok(*v as u64),
            Scalar::F64(v) => Err(format!("{v} is out of range")),
            Scalar::Str(s) => {
                let t = s.trim();
                t.parse::<u64>().map_err(|_| {
                    if t.starts_with('-') {
                        format!("negative value {t:?}")
                    } else {
                        format!("{:?} is not a non-negative integer", truncate(t))
                    }
                })
            }
            Scalar::Bool(_) => Err("a boolean".into()),
            Scalar::Null => Err("null".into()),
            Scalar::Compound => Err("an array or object".into()),
        }
    }

    /// The value as text for attributes: strings as they are, numbers and booleans printed.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Scalar::Str(s) => Some(Cow::Borrowed(s)),
            Scalar::U64(v) => Some(Cow::Owned(v.to_string())),
            Scalar::I64(v) => Some(Cow::Owned(v.to_string())),
            Scalar::F64(v) if v.is_finite() => Some(Cow::Owned(v.to_string())),
            Scalar::Bool(v) => Some(Cow::Borrowed(if *v { "true" } else { "false" })),
            _ => None,
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Scalar::Bool(b) => *b,
            Scalar::Str(s) => !s.is_empty() && !s.eq_ignore_ascii_case("false") && s.as_ref() != "0",
            Scalar::U64(v) => *v != 0,
            Scalar::I64(v) => *v != 0,
            _ => false,
        }
    }
}

/// Cuts long input before quoting it in a reason, so a rejection cannot carry a megabyte of text.
pub(crate) fn truncate(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Converts a count in `unit_ns` nanoseconds to nanoseconds, rejecting overflow.
pub(crate) fn to_ns(value: u64, unit_ns: u64) -> Result<u64, String> {
    value.checked_mul(unit_ns).ok_or_else(|| format!("{value} is out of range"))
}

fn hex_value(text: &str, max_digits: usize) -> Result<u128, String> {
    if text.is_empty() {
        return Err("empty".into());
    }
    if text.len() > max_digits {
        return Err(format!("{} hex digits, at most {max_digits} allowed", text.len()));
    }
    u128::from_str_radix(text, 16).map_err(|_| format!("{:?} is not hex", truncate(text)))
}

/// Standard base64 (as protobuf's JSON mapping writes `bytes`, e.g. Tempo's API) of exactly `len` bytes.
fn base64_bytes(text: &str, len: usize) -> Option<u128> {
    let trimmed = text.trim_end_matches('=');
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out: u128 = 0;
    let mut produced = 0;
    for c in trimmed.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out = (out << 8) | u128::from((bits >> nbits) & 0xff);
            produced += 1;
            if produced > len {
                return None;
            }
        }
    }
    (produced == len).then_some(out)
}

fn id_text<'a>(value: &'a Scalar<'_>) -> Result<Option<&'a str>, String> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Str(s) if s.is_empty() => Ok(None),
        Scalar::Str(s) => Ok(Some(s)),
        _ => Err("not a string".into()),
    }
}

/// A trace id: 32 (or 16, zero-extended) hex digits, or 24 base64 characters. `Ok(None)` for empty or all-zero.
pub(crate) fn trace_id(value: &Scalar<'_>) -> Result<Option<TraceId>, String> {
    let Some(text) = id_text(value)? else { return Ok(None) };
    let v = if text.len() == 24 && text.ends_with("==") {
        base64_bytes(text, 16).ok_or_else(|| format!("{:?} is not hex or base64", truncate(text)))?
    } else {
        hex_value(text, 32)?
    };
    Ok((v != 0).then_some(TraceId(v)))
}

/// A span id: up to 16 hex digits, or 12 base64 characters. `Ok(None)` for empty or all-zero.
pub(crate) fn span_id(value: &Scalar<'_>) -> Result<Option<SpanId>, String> {
    let Some(text) = id_text(value)? else { return Ok(None) };
    let v = if text.len() == 12 && text.ends_with('=') {
        base64_bytes(text, 8).ok_or_else(|| format!("{:?} is not hex or base64", truncate(text)))?
    } else {
        hex_value(text, 16)?
    };
    // hex_value allowed at most 16 digits, so this fits.
    Ok((v != 0).then_some(SpanId(v as u64)))
}

/// Visitor methods for every JSON scalar, each returning `$value`: how readers skip an element of the wrong type
/// (and report it) instead of failing the whole document.
macro_rules! visit_scalars {
    ($value:expr) => {
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// [`visit_scalars`] plus arrays (consumed): for visitors that only want an object.
macro_rules! visit_non_objects {
    ($value:expr) => {
        $crate::telemetry::scalar::visit_scalars!($value);
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
}

/// [`visit_scalars`] plus objects (consumed): for visitors that only want an array.
macro_rules! visit_non_arrays {
    ($value:expr) => {
        $crate::telemetry::scalar::visit_scalars!($value);
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
}

/// `DeserializeSeed` for a seed that is its own `Visitor` of any JSON type (the visitor decides what it accepts).
macro_rules! seed_via_visitor {
    ($ty:ty) => {
        impl<'de> serde::de::DeserializeSeed<'de> for $ty {
            type Value = <Self as serde::de::Visitor<'de>>::Value;
            fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                deserializer.deserialize_any(self)
            }
        }
    };
}
pub(crate) use {seed_via_visitor, visit_non_arrays, visit_non_objects, visit_scalars};

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Scalar<'_> {
        Scalar::Str(Cow::Borrowed(text))
    }

    #[test]
    fn ids_accept_hex_and_base64() {
        assert_eq!(span_id(&s("00f067aa0ba902b7")), Ok(Some(SpanId(0x00f0_67aa_0ba9_02b7))));
        assert_eq!(span_id(&s("APBnqgupArc=")), Ok(Some(SpanId(0x00f0_67aa_0ba9_02b7))));
        assert_eq!(trace_id(&s("5b8efff798038103d269b633813fc60c")), Ok(Some(TraceId(0x5b8efff798038103d269b633813fc60c))));
        assert_eq!(trace_id(&s("W47/95gDgQPSabYzgT/GDA==")), Ok(Some(TraceId(0x5b8efff798038103d269b633813fc60c))));
        assert_eq!(span_id(&s("")), Ok(None));
        assert_eq!(span_id(&s("0000000000000000")), Ok(None));
        assert!(span_id(&s("00f067aa0ba902b7aa")).is_err());
        assert!(span_id(&s("xyz")).is_err());
        assert!(trace_id(&Scalar::U64(5)).is_err());
    }

    #[test]
    fn integers_from_numbers_and_strings() {
        assert_eq!(s("1700000000000000000").as_u64(), Ok(1_700_000_000_000_000_000));
        assert!(s("-5").as_u64().is_err());
        assert!(Scalar::I64(-5).as_u64().is_err());
        assert!(Scalar::F64(1e300).as_u64().is_err());
        assert!(to_ns(u64::MAX / 10, 1000).is_err());
        assert_eq!(s("14").as_i64(), Some(14));
    }
}
