//! Lenient JSON scalars and what every format builds from them: hex/base64 ids, integer timestamps.
//!
//! Owns reading a field of *any* JSON type without failing the document: a span whose `startTimeUnixNano` is an
//! object is one rejected span, not a parse error for the batch. Knows nothing of which field means what.

use std::borrow::Cow;

use super::json::{self, Kind, Number, Reader};
use super::limits::bounded_text;
use super::{SpanId, TraceId};

/// Any JSON value; arrays and objects are skipped (checked, bounded by the reader's depth limit) and not kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Str(Text<'de>),
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    Null,
    Compound,
}

impl<'a> Scalar<'a> {
    /// Reads the next value, whatever its type.
    pub fn read(json: &mut Reader<'a>) -> json::Result<Self> {
        Ok(match json.peek()? {
            Kind::String => Scalar::Str(Text(json.string_bytes()?)),
            Kind::Number => match json.number()? {
                Number::U64(v) => Scalar::U64(v),
                Number::I64(v) => Scalar::I64(v),
                Number::F64(v) => Scalar::F64(v),
            },
            Kind::Bool | Kind::Null => json.literal()?.map_or(Scalar::Null, Scalar::Bool),
            Kind::Object | Kind::Array => {
                json.skip()?;
                Scalar::Compound
            }
        })
    }

    /// Reads OTLP's `AnyValue` (`{"stringValue": "x"}`, `{"intValue": "5"}`) as the value inside, or a bare
    /// scalar (Jaeger tags); arrays, kvlists and bytes are skipped and read as [`Scalar::Compound`].
    pub fn read_any_value(json: &mut Reader<'a>) -> json::Result<Self> {
        if !json.begin_object()? {
            return Scalar::read(json);
        }
        let mut out = Scalar::Compound;
        while let Some(field) = json.next_key()? {
            match &*field {
                b"stringValue" | b"intValue" | b"doubleValue" | b"boolValue" => out = Scalar::read(json)?,
                _ => json.skip()?,
            }
        }
        Ok(out)
    }
}

/// A JSON string, unescaped but not yet checked as UTF-8: ids and numbers are read from the bytes, and only text
/// that is kept (names, kinds) is decoded, invalid sequences becoming U+FFFD.
#[derive(Clone, PartialEq)]
pub(crate) struct Text<'de>(pub Cow<'de, [u8]>);

impl<'de> Text<'de> {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    pub fn into_str(self) -> Cow<'de, str> {
        json::utf8_lossy(self.0)
    }

    /// The text cut to [`super::MAX_VALUE_CHARS`] characters (see [`bounded_text`]), and whether it was cut.
    pub fn into_bounded(self) -> (Cow<'de, str>, bool) {
        match self.0 {
            Cow::Borrowed(bytes) => bounded_text(bytes),
            Cow::Owned(bytes) => {
                let (text, cut) = bounded_text(&bytes);
                (Cow::Owned(text.into_owned()), cut)
            }
        }
    }
}

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_str())
    }
}

impl Scalar<'_> {
    /// The string's bytes, if the value is a string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Scalar::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// Whether the value is the string `text`.
    pub fn is_text(&self, text: &str) -> bool {
        self.as_bytes() == Some(text.as_bytes())
    }

    /// A whole number, from a JSON number or a decimal string (OTLP writes int64 as strings).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::U64(v) => i64::try_from(*v).ok(),
            Scalar::I64(v) => Some(*v),
            Scalar::F64(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 => Some(*v as i64),
            Scalar::Str(s) => {
                let t = s.as_bytes().trim_ascii();
                match t.strip_prefix(b"-") {
                    Some(magnitude) => 0i64.checked_sub_unsigned(json::decimal_u64(magnitude)?),
                    None => i64::try_from(json::decimal_u64(t)?).ok(),
                }
            }
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
                let t = s.as_bytes().trim_ascii();
                json::decimal_u64(t).ok_or_else(|| {
                    if t.starts_with(b"-") {
                        format!("negative value {}", quoted(t))
                    } else {
                        format!("{} is not a non-negative integer", quoted(t))
                    }
                })
            }
            Scalar::Bool(_) => Err("a boolean".into()),
            Scalar::Null => Err("null".into()),
            Scalar::Compound => Err("an array or object".into()),
        }
    }

    /// The value as text for attributes, and whether it was cut: strings cut to [`super::MAX_VALUE_CHARS`] characters
    /// (see [`bounded_text`]), numbers and booleans printed.
    pub fn to_bounded_text(&self) -> Option<(Cow<'_, str>, bool)> {
        let text = match self {
            Scalar::Str(s) => return Some(bounded_text(s.as_bytes())),
            Scalar::U64(v) => Cow::Owned(v.to_string()),
            Scalar::I64(v) => Cow::Owned(v.to_string()),
            Scalar::F64(v) if v.is_finite() => Cow::Owned(v.to_string()),
            Scalar::Bool(v) => Cow::Borrowed(if *v { "true" } else { "false" }),
            _ => return None,
        };
        Some((text, false))
    }

    pub fn truthy(&self) -> bool {
        match self {
            Scalar::Bool(b) => *b,
            Scalar::Str(s) => !s.is_empty() && !s.as_bytes().eq_ignore_ascii_case(b"false") && s.as_bytes() != b"0",
            Scalar::U64(v) => *v != 0,
            Scalar::I64(v) => *v != 0,
            _ => false,
        }
    }
}

/// The first [`QUOTED_CHARS`](crate::quote::QUOTED_CHARS) characters of input text, for a reason. Only as many
/// bytes as they can take are decoded, so a megabyte value costs nothing.
pub(crate) fn prefix(text: &[u8]) -> String {
    crate::quote::prefix(&head(text), crate::quote::QUOTED_CHARS).to_owned()
}

/// At most the bytes that [`crate::quote::QUOTED_CHARS`] characters can take (plus one, so a cut shows), decoded.
fn head(text: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&text[..text.len().min(4 * crate::quote::QUOTED_CHARS + 1)])
}

/// Converts a count in `unit_ns` nanoseconds to nanoseconds, rejecting overflow.
pub(crate) fn to_ns(value: u64, unit_ns: u64) -> Result<u64, String> {
    // Not `checked_mul`: its overflow check is a 128-bit multiply in wasm, once per timestamp.
    if unit_ns == 0 || value <= u64::MAX / unit_ns {
        Ok(value * unit_ns)
    } else {
        Err(format!("{value} is out of range"))
    }
}

/// The value of each byte as a hex digit, or [`NOT_HEX`].
const HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const NOT_HEX: u8 = 0xff;

/// Up to 16 hex digits (all of them checked) as a `u64`: shifts, not `from_str_radix`, whose overflow check is a
/// 128-bit multiply in wasm, and `u64` halves, since every `u128` shift is a library call there. Branch-free:
/// every digit is looked up, and one check at the end tells whether any was not hex.
fn hex_u64(digits: &[u8]) -> Option<u64> {
    let (value, seen) = digits.iter().fold((0u64, 0u8), |(value, seen), &b| {
        let digit = HEX_DIGITS[usize::from(b)];
        (value << 4 | u64::from(digit & 0xf), seen | digit)
    });
    (seen & 0xf0 == 0).then_some(value)
}

fn hex_value(text: &[u8], max_digits: usize) -> Result<u128, String> {
    if text.is_empty() {
        return Err("empty".into());
    }
    if text.len() > max_digits {
        return Err(format!("{} hex digits, at most {max_digits} allowed", text.len()));
    }
    let (high, low) = text.split_at(text.len().saturating_sub(16));
    hex_u64(high)
        .zip(hex_u64(low))
        .map(|(high, low)| u128::from(high) << 64 | u128::from(low))
        .ok_or_else(|| format!("{} is not hex", quoted(text)))
}

/// Standard base64 (as protobuf's JSON mapping writes `bytes`, e.g. Tempo's API) of exactly `len` bytes.
fn base64_bytes(text: &[u8], len: usize) -> Option<u128> {
    let trimmed = &text[..text.iter().rposition(|&c| c != b'=').map_or(0, |last| last + 1)];
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out: u128 = 0;
    let mut produced = 0;
    for &c in trimmed {
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

/// Text from the input, cut and quoted for a reason (`"abc…"`).
pub(crate) fn quoted(text: &[u8]) -> String {
    crate::quote::quoted(&head(text))
}

fn id_text<'a>(value: &'a Scalar<'_>) -> Result<Option<&'a [u8]>, String> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Str(s) if s.is_empty() => Ok(None),
        Scalar::Str(s) => Ok(Some(s.as_bytes())),
        _ => Err("not a string".into()),
    }
}

/// A trace id: 32 (or 16, zero-extended) hex digits, or 24 base64 characters. `Ok(None)` for empty or all-zero.
pub(crate) fn trace_id(value: &Scalar<'_>) -> Result<Option<TraceId>, String> {
    let Some(text) = id_text(value)? else { return Ok(None) };
    let v = if text.len() == 24 && text.ends_with(b"==") {
        base64_bytes(text, 16).ok_or_else(|| format!("{} is not hex or base64", quoted(text)))?
    } else {
        hex_value(text, 32)?
    };
    Ok((v != 0).then_some(TraceId(v)))
}

/// A span id: up to 16 hex digits, or 12 base64 characters. `Ok(None)` for empty or all-zero.
pub(crate) fn span_id(value: &Scalar<'_>) -> Result<Option<SpanId>, String> {
    let Some(text) = id_text(value)? else { return Ok(None) };
    let v = if text.len() == 12 && text.ends_with(b"=") {
        base64_bytes(text, 8).ok_or_else(|| format!("{} is not hex or base64", quoted(text)))?
    } else {
        hex_value(text, 16)?
    };
    // hex_value allowed at most 16 digits, so this fits.
    Ok((v != 0).then_some(SpanId(v as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Scalar<'_> {
        Scalar::Str(Text(Cow::Borrowed(text.as_bytes())))
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
