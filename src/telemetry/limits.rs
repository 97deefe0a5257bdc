//! What a reader will keep from a document: the plausible time range of a span and the length of kept text.
//!
//! Owns the time floor, the span-duration limit ([`ReadLimits`], from the `maxSpanDuration` config key) and the
//! one cut every kept string goes through ([`bounded_text`]): service names and the attribute values that name
//! called systems, and the label sets of the metric and alert readers ([`read_bounded_map`]); and how many skipped
//! entries of an answer are described one by one ([`keep_first`]). Knows nothing of which field a value came from
//! or of how a caller reports what was cut.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::json::{self, Kind, Reader};
use super::RejectReason;

/// Skipped entries of one answer (Prometheus samples, Alertmanager alerts) described one by one; beyond this they
/// are only counted.
pub const MAX_DESCRIBED: usize = 100;

/// Counts one more skipped entry and keeps its description while fewer than [`MAX_DESCRIBED`] are kept.
pub fn keep_first<T>(described: &mut Vec<T>, counted: &mut usize, item: T) {
    *counted += 1;
    if described.len() < MAX_DESCRIBED {
        described.push(item);
    }
}

/// Kept text (service names, attribute values) is cut to this many characters: names, not payloads. The same
/// rule `peer.service` always had.
pub const MAX_VALUE_CHARS: usize = 256;

/// 2000-01-01T00:00:00Z in ns since the Unix epoch. No tracing system these formats come from existed before it,
/// so an earlier time is an unset field (`0`, `-0`) or one written in the wrong unit (milliseconds where Zipkin
/// wants microseconds read as 1970): accepted, it would be a span of decades.
pub const EARLIEST_NS: u64 = 946_684_800_000_000_000;

/// The limits one read applies to every span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Longest span accepted, in ns (`maxSpanDuration`, default 1 h).
    pub max_span_duration_ns: u64,
}

impl ReadLimits {
    /// The default of `maxSpanDuration`.
    pub const DEFAULT_MAX_SPAN_DURATION_NS: u64 = 3_600_000_000_000;

    /// Checks a span's times; `start` and `end` are the format's own field names, for the reason.
    pub(crate) fn check_times(
        &self,
        (start, start_ns): (&'static str, u64),
        (end, end_ns): (&'static str, u64),
    ) -> Result<(), RejectReason> {
        for (field, ns) in [(start, start_ns), (end, end_ns)] {
            if ns < EARLIEST_NS {
                return Err(RejectReason::BeforeEarliest { field, ns });
            }
        }
        if end_ns < start_ns {
            return Err(RejectReason::EndBeforeStart { start, end });
        }
        let duration_ns = end_ns - start_ns;
        if duration_ns > self.max_span_duration_ns {
            return Err(RejectReason::TooLong { duration_ns, max_ns: self.max_span_duration_ns });
        }
        Ok(())
    }
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits { max_span_duration_ns: Self::DEFAULT_MAX_SPAN_DURATION_NS }
    }
}

/// A string from the input (UTF-8 not yet checked) as text of at most [`MAX_VALUE_CHARS`] characters, cut on a
/// character boundary, and whether it was cut. Only the first `4 × MAX_VALUE_CHARS` bytes are decoded (no
/// character takes more), so a megabyte value is never copied: valid UTF-8 stays borrowed from the input.
pub(crate) fn bounded_text(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let head = &bytes[..bytes.len().min(4 * MAX_VALUE_CHARS)];
    let text = String::from_utf8_lossy(head);
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((i, _)) => (cut(text, i), true),
        // More bytes than were decoded means more characters than the limit.
        None => (text, head.len() < bytes.len()),
    }
}

/// An object of strings (`{name: "value", …}`, e.g. labels) as text: at most `max` entries, the rest counted in
/// `truncated`, names and values through [`bounded_text`], each cut counted. `None` when it is not an object or a
/// value is not a string; the whole value is consumed either way.
pub(crate) fn read_bounded_map(
    json: &mut Reader<'_>,
    max: usize,
    truncated: &mut u32,
) -> json::Result<Option<BTreeMap<String, String>>> {
    if !json.object_or_skip()? {
        return Ok(None);
    }
    let mut map = BTreeMap::new();
    let mut bad = false;
    while let Some(name) = json.next_key()? {
        if json.peek()? != Kind::String {
            json.skip()?;
            bad = true;
            continue;
        }
        let value = json.string_bytes()?;
        if map.len() >= max {
            *truncated += 1;
            continue;
        }
        let (name, name_cut) = bounded_text(&name);
        let (value, value_cut) = bounded_text(&value);
        *truncated += u32::from(name_cut) + u32::from(value_cut);
        map.insert(name.into_owned(), value.into_owned());
    }
    Ok((!bad).then_some(map))
}

fn cut(text: Cow<'_, str>, at: usize) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(&text[..at]),
        Cow::Owned(mut text) => {
            text.truncate(at);
            Cow::Owned(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_cuts_on_a_character_boundary_without_copying() {
        let ascii = "a".repeat(1_000_000);
        let (kept, cut) = bounded_text(ascii.as_bytes());
        assert_eq!((kept.len(), cut), (256, true));
        assert!(matches!(kept, Cow::Borrowed(_)));
        let wide = "é".repeat(300);
        let (kept, cut) = bounded_text(wide.as_bytes());
        assert_eq!((kept.as_ref(), cut), ("é".repeat(256).as_str(), true));
        // Four-byte characters: exactly 256 of them fill the decoded head and are not cut.
        let emoji = "😀".repeat(256);
        assert_eq!(bounded_text(emoji.as_bytes()), (Cow::Borrowed(emoji.as_str()), false));
        let emoji = "😀".repeat(257);
        assert_eq!(bounded_text(emoji.as_bytes()), (Cow::Borrowed(&emoji[..1024]), true));
        assert_eq!(bounded_text(b"orders"), (Cow::Borrowed("orders"), false));
        assert_eq!(bounded_text(b"\xffx"), (Cow::Owned("\u{fffd}x".to_owned()), false));
    }
}
