//! OTLP/JSON traces, as the OTel Collector's `otlphttp`/file exporters and Tempo write them.
//!
//! Owns the document shapes `{ "resourceSpans": [...] }`, Tempo's `{ "batches": [...] }` and
//! `{ "trace": { "resourceSpans" | "batches": [...] } }`, the older `instrumentationLibrarySpans` name, ids in hex
//! (or base64, as protobuf's JSON mapping writes them), int64 nanoseconds as strings or numbers, `kind` as number
//! or `SPAN_KIND_*` name. Streams: each span goes to the sink as soon as its resource's `service.name` is known.
//! Knows nothing of what happens to spans afterwards.

use std::sync::Arc;

use super::attributes::{kind_from_name, AttributeSinks};
use super::json::{self, Kind, Reader};
use super::scalar::{self, Scalar};
use super::{
    read_time, unknown_service, ReadLimits, RejectReason, Span, SpanFields, SpanKind, SpanLink, SpanSink, MAX_LINKS_PER_SPAN,
};

/// Reads one document.
pub(crate) fn read(json: &mut Reader<'_>, limits: &ReadLimits, sink: &mut dyn SpanSink) -> json::Result<()> {
    read_document(json, limits, sink, false)
}

/// `{ "resourceSpans" | "batches": [...] }`, or (not `nested`) Tempo's `{ "trace": { ... } }` around it.
fn read_document(json: &mut Reader<'_>, limits: &ReadLimits, sink: &mut dyn SpanSink, nested: bool) -> json::Result<()> {
    if !json.begin_object()? {
        return Err(json.shape("an OTLP traces object with resourceSpans"));
    }
    while let Some(key) = json.next_key()? {
        match (&*key, nested) {
            (b"resourceSpans", false) => read_resource_spans_list(json, limits, sink, "resourceSpans")?,
            (b"resourceSpans", true) => read_resource_spans_list(json, limits, sink, "trace.resourceSpans")?,
            (b"batches", false) => read_resource_spans_list(json, limits, sink, "batches")?,
            (b"batches", true) => read_resource_spans_list(json, limits, sink, "trace.batches")?,
            // Tempo's wrapper nests one level; deeper `trace` keys are not a format we know.
            (b"trace", false) => read_document(json, limits, sink, true)?,
            _ => json.skip()?,
        }
    }
    Ok(())
}

fn read_resource_spans_list(
    json: &mut Reader<'_>,
    limits: &ReadLimits,
    sink: &mut dyn SpanSink,
    name: &'static str,
) -> json::Result<()> {
    if !json.begin_array()? {
        return Err(json.shape(&format!("{name} as an array")));
    }
    let mut path = Path { name, resource: 0, scope: 0, span: 0 };
    while json.next_element()? {
        let mut resource = ResourceSink { sink: &mut *sink, limits, service: None, held: Vec::new() };
        read_resource_spans(json, &mut resource, path)?;
        resource.flush();
        path.resource += 1;
    }
    Ok(())
}

/// Where a span sits in the document, formatted only when a span is rejected.
#[derive(Clone, Copy)]
struct Path {
    name: &'static str,
    resource: usize,
    scope: usize,
    span: usize,
}

impl Path {
    fn span_location(&self) -> String {
        format!("{}[{}].scopeSpans[{}].spans[{}]", self.name, self.resource, self.scope, self.span)
    }
    fn resource_location(&self) -> String {
        format!("{}[{}]", self.name, self.resource)
    }
}

/// Holds a resource's spans until its `service.name` is known (JSON objects are unordered: `resource` may come
/// after `scopeSpans`). When `resource` comes first, as every exporter writes it, nothing is held.
struct ResourceSink<'s> {
    sink: &'s mut dyn SpanSink,
    limits: &'s ReadLimits,
    service: Option<Arc<str>>,
    held: Vec<Span>,
}

impl ResourceSink<'_> {
    /// A span read with [`ResourceSink::placeholder`] as its service.
    fn span(&mut self, span: Span) {
        match self.service {
            Some(_) => self.sink.span(span),
            None => self.held.push(span),
        }
    }

    /// The service for the spans of a list: the resource's if it came first, else one to be replaced at the flush.
    fn placeholder(&self) -> Arc<str> {
        self.service.clone().unwrap_or_else(unknown_service)
    }

    fn flush(&mut self) {
        let service = self.service.get_or_insert_with(unknown_service).clone();
        for mut span in self.held.drain(..) {
            span.service = service.clone();
            self.sink.span(span);
        }
    }
}

/// One `resourceSpans` entry; anything but an object is skipped.
fn read_resource_spans(json: &mut Reader<'_>, out: &mut ResourceSink<'_>, path: Path) -> json::Result<()> {
    if !json.object_or_skip()? {
        return Ok(());
    }
    while let Some(key) = json.next_key()? {
        match &*key {
            b"resource" => {
                let mut truncated = 0;
                let name = read_resource(json, &mut truncated)?;
                if truncated > 0 {
                    out.sink.truncated(truncated);
                }
                out.service = Some(name.map_or_else(unknown_service, Arc::from));
            }
            b"scopeSpans" | b"instrumentationLibrarySpans" => read_scope_spans_list(json, out, path)?,
            _ => json.skip()?,
        }
    }
    Ok(())
}

/// A resource's `service.name` (cut, and counted in `truncated`, like every kept value).
fn read_resource(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Option<String>> {
    let mut name = None;
    if json.object_or_skip()? {
        while let Some(key) = json.next_key()? {
            match &*key {
                b"attributes" => AttributeSinks { attributes: None, kind: None, service: Some(&mut name), truncated }.read(json)?,
                _ => json.skip()?,
            }
        }
    }
    Ok(name)
}

fn read_scope_spans_list(json: &mut Reader<'_>, out: &mut ResourceSink<'_>, mut path: Path) -> json::Result<()> {
    match json.peek()? {
        Kind::Array => {
            json.begin_array()?;
            while json.next_element()? {
                read_scope_spans(json, out, path)?;
                path.scope += 1;
            }
        }
        Kind::Object => {
            json.skip()?;
            out.sink.reject(path.resource_location(), RejectReason::Missing("scopeSpans array"));
        }
        _ => json.skip()?,
    }
    Ok(())
}

/// One `scopeSpans` entry; anything but an object is skipped.
fn read_scope_spans(json: &mut Reader<'_>, out: &mut ResourceSink<'_>, path: Path) -> json::Result<()> {
    if !json.object_or_skip()? {
        return Ok(());
    }
    while let Some(key) = json.next_key()? {
        match &*key {
            b"spans" => read_span_list(json, out, path)?,
            _ => json.skip()?,
        }
    }
    Ok(())
}

fn read_span_list(json: &mut Reader<'_>, out: &mut ResourceSink<'_>, mut path: Path) -> json::Result<()> {
    if !json.begin_array()? {
        return Err(json.shape("spans as an array"));
    }
    let service = out.placeholder();
    while json.next_element()? {
        let read = read_span(json)?;
        if let Ok(fields) = &read {
            fields.report_truncated(out.sink);
        }
        match read.and_then(|fields| fields.finish(service.clone(), FIELD_NAMES, out.limits)) {
            Ok(span) => out.span(span),
            Err(reason) => out.sink.reject(path.span_location(), reason),
        }
        path.span += 1;
    }
    Ok(())
}

const FIELD_NAMES: [&str; 4] = ["traceId", "spanId", "startTimeUnixNano", "endTimeUnixNano"];

fn kind_from_scalar(value: &Scalar<'_>) -> Result<SpanKind, RejectReason> {
    match value {
        Scalar::Str(name) => match kind_from_name(name.as_bytes()) {
            SpanKind::Unspecified if !name.as_bytes().ends_with(b"UNSPECIFIED") && !name.is_empty() => {
                Err(RejectReason::BadKind(scalar::prefix(name.as_bytes())))
            }
            kind => Ok(kind),
        },
        Scalar::Null => Ok(SpanKind::Unspecified),
        other => match other.as_i64() {
            Some(0) => Ok(SpanKind::Unspecified),
            Some(1) => Ok(SpanKind::Internal),
            Some(2) => Ok(SpanKind::Server),
            Some(3) => Ok(SpanKind::Client),
            Some(4) => Ok(SpanKind::Producer),
            Some(5) => Ok(SpanKind::Consumer),
            _ => Err(RejectReason::BadKind(format!("{other:?}"))),
        },
    }
}

/// One span object. A field of the wrong type makes the span a rejection; the rest of the object is still read.
fn read_span(json: &mut Reader<'_>) -> json::Result<Result<SpanFields, RejectReason>> {
    if !json.object_or_skip()? {
        return Ok(Err(RejectReason::Missing("span object")));
    }
    let mut fields = SpanFields::new();
    while let Some(key) = json.next_key()? {
        let outcome = match &*key {
            b"traceId" => fields.read_trace_id("traceId", &Scalar::read(json)?),
            b"spanId" => fields.read_span_id("spanId", &Scalar::read(json)?),
            b"parentSpanId" => fields.read_parent_id("parentSpanId", &Scalar::read(json)?),
            b"kind" => kind_from_scalar(&Scalar::read(json)?).map(|k| fields.kind = k),
            b"startTimeUnixNano" => {
                read_time("startTimeUnixNano", &Scalar::read(json)?, 1).map(|v| fields.start_ns = Some(v))
            }
            b"endTimeUnixNano" => read_time("endTimeUnixNano", &Scalar::read(json)?, 1).map(|v| fields.end_ns = Some(v)),
            b"attributes" => {
                let attributes = Some(&mut fields.attributes);
                AttributeSinks { attributes, kind: None, service: None, truncated: &mut fields.truncated }.read(json)?;
                Ok(())
            }
            b"status" => {
                fields.attributes.status_error |= read_status_is_error(json)?;
                Ok(())
            }
            b"links" => read_links(json, &mut fields.links).map(Ok)?,
            _ => json.skip().map(Ok)?,
        };
        fields.note(outcome);
    }
    Ok(Ok(fields))
}

/// `status` → whether it is ERROR (`2` or `"STATUS_CODE_ERROR"`).
fn read_status_is_error(json: &mut Reader<'_>) -> json::Result<bool> {
    let mut error = false;
    if json.object_or_skip()? {
        while let Some(key) = json.next_key()? {
            match &*key {
                b"code" => {
                    let code = Scalar::read(json)?;
                    error = code.as_i64() == Some(2) || code.is_text("STATUS_CODE_ERROR");
                }
                _ => json.skip()?,
            }
        }
    }
    Ok(error)
}

/// `links[]`; links with bad ids are skipped (a link is a hint, not the span), and at most
/// [`MAX_LINKS_PER_SPAN`] are kept.
fn read_links(json: &mut Reader<'_>, links: &mut Vec<SpanLink>) -> json::Result<()> {
    if json.array_or_skip()? {
        while json.next_element()? {
            if let Some(link) = read_link(json)? {
                if links.len() < MAX_LINKS_PER_SPAN {
                    links.push(link);
                }
            }
        }
    }
    Ok(())
}

fn read_link(json: &mut Reader<'_>) -> json::Result<Option<SpanLink>> {
    let (mut trace, mut span) = (None, None);
    if json.object_or_skip()? {
        while let Some(key) = json.next_key()? {
            match &*key {
                b"traceId" => trace = scalar::trace_id(&Scalar::read(json)?).ok().flatten(),
                b"spanId" => span = scalar::span_id(&Scalar::read(json)?).ok().flatten(),
                _ => json.skip()?,
            }
        }
    }
    Ok(trace.zip(span).map(|(trace_id, span_id)| SpanLink { trace_id, span_id }))
}
