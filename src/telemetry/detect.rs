//! Which format a telemetry document is, told from its top-level shape.
//!
//! Owns the telltale keys of each format: OTLP's `resourceSpans` / Tempo's `batches` and `trace`, Jaeger's `data`
//! and trace objects (`traceID`, `spans`, `processes`), Zipkin's arrays of spans (`traceId`, `id`, …) or of traces.
//! Cheap by design: it looks at the first few keys of the top object, or at the first element of a top array, and
//! never reads the rest of the document. It does not read spans.

use super::json::{Kind, Reader};
use super::Format;

/// A format and what gave it away, for messages ("this looks like OTLP (resourceSpans)").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub format: Format,
    pub evidence: &'static str,
}

/// Top-level keys looked at before giving up: the telltale key comes first in everything we have seen, and
/// skipping many unknown values would cost a read of the document.
const KEYS_LOOKED_AT: usize = 4;

/// The format of `bytes`, or `None` when its start does not say (not JSON, an empty array, unknown keys).
pub fn detect(bytes: &[u8]) -> Option<Detected> {
    let mut json = Reader::new(bytes);
    match json.peek().ok()? {
        Kind::Object => first_telling_key(&mut json, top_level_key),
        Kind::Array => {
            json.begin_array().ok()?;
            if !json.next_element().ok()? {
                return None;
            }
            match json.peek().ok()? {
                Kind::Array => Some(Detected { format: Format::Zipkin, evidence: "an array of traces" }),
                Kind::Object => first_telling_key(&mut json, list_element_key),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Reads the keys of the object at the cursor until one tells the format, skipping the values of others.
fn first_telling_key(json: &mut Reader<'_>, tells: fn(&[u8]) -> Option<Detected>) -> Option<Detected> {
    json.begin_object().ok()?;
    for _ in 0..KEYS_LOOKED_AT {
        let key = json.next_key().ok()??;
        if let Some(detected) = tells(&key) {
            return Some(detected);
        }
        json.skip().ok()?;
    }
    None
}

fn top_level_key(key: &[u8]) -> Option<Detected> {
    let (format, evidence) = match key {
        b"resourceSpans" => (Format::Otlp, "resourceSpans"),
        b"batches" => (Format::Otlp, "batches"),
        b"trace" => (Format::Otlp, "trace"),
        b"data" => (Format::Jaeger, "data"),
        b"traceID" | b"spans" | b"processes" => (Format::Jaeger, "a trace object"),
        // A Zipkin span alone is not a document Zipkin's API returns, but it is what a caller mixing formats sends.
        b"traceId" | b"localEndpoint" | b"remoteEndpoint" => (Format::Zipkin, "a span object"),
        _ => return None,
    };
    Some(Detected { format, evidence })
}

/// The first element of a top-level array: a Jaeger trace or a Zipkin span.
fn list_element_key(key: &[u8]) -> Option<Detected> {
    let (format, evidence) = match key {
        b"traceID" | b"spans" | b"processes" => (Format::Jaeger, "an array of traces"),
        b"traceId" | b"id" | b"parentId" | b"localEndpoint" | b"remoteEndpoint" | b"timestamp" | b"kind" | b"name"
        | b"shared" => (Format::Zipkin, "an array of spans"),
        _ => return None,
    };
    Some(Detected { format, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(json: &str) -> Option<(Format, &'static str)> {
        detect(json.as_bytes()).map(|d| (d.format, d.evidence))
    }

    #[test]
    fn tells_each_shape_by_its_first_keys() {
        assert_eq!(format(r#" {"resourceSpans": []}"#), Some((Format::Otlp, "resourceSpans")));
        assert_eq!(format(r#"{"batches": [{}]}"#), Some((Format::Otlp, "batches")));
        assert_eq!(format(r#"{"trace": {"batches": []}}"#), Some((Format::Otlp, "trace")));
        assert_eq!(format(r#"{"total": 0, "limit": 0, "data": null}"#), Some((Format::Jaeger, "data")));
        assert_eq!(format(r#"{"traceID": "1", "spans": []}"#), Some((Format::Jaeger, "a trace object")));
        assert_eq!(format(r#"[{"traceID": "1", "spans": []}]"#), Some((Format::Jaeger, "an array of traces")));
        assert_eq!(format(r#"[{"traceId": "1", "id": "2"}]"#), Some((Format::Zipkin, "an array of spans")));
        assert_eq!(format(r#"[[{"traceId": "1"}]]"#), Some((Format::Zipkin, "an array of traces")));
        assert_eq!(format(r#"{"traceId": "1", "id": "2"}"#), Some((Format::Zipkin, "a span object")));
    }

    #[test]
    fn says_nothing_when_the_start_does_not_tell() {
        for json in ["", "[]", "{}", "42", "not json", r#"{"a":1,"b":2,"c":3,"d":4,"data":[]}"#, r#"[{"x":1}]"#, "[1]", "{\"data\""] {
            assert_eq!(format(json), None, "{json}");
        }
    }
}
