//! Jaeger query-API JSON: `{ "data": [trace, …] }` as `/api/traces` returns it, a bare array of traces, or one
//! trace object.
//!
//! Owns trace objects (`traceID`, `spans[]`, `processes{}`), spans (`references` CHILD_OF → parent, FOLLOWS_FROM →
//! link, µs `startTime`/`duration`, `tags` incl. `span.kind` and `error`, `processID` or an inline `process`).
//! The `processes` map usually follows `spans`, so a trace's spans are held until its object ends unless their
//! process is already known; the hold is bounded by the trace object in the input.

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::HashMap;

use super::attributes::{read_service_name_object, AttributeSinks};
use super::json::{self, Kind, Reader};
use super::scalar::{self, Scalar};
use super::{
    read_time, unknown_service, RejectReason, ServiceNames, Span, SpanFields, SpanKind, SpanLink, SpanSink, MAX_LINKS_PER_SPAN,
};

const FIELD_NAMES: [&str; 4] = ["traceID", "spanID", "startTime", "duration"];

/// Processes a trace may declare; more are ignored (their spans are rejected as having no process).
const MAX_PROCESSES: usize = 4096;

/// Reads one document: the query response (`data`), an array of traces, or one trace (`spans`, `processes`).
pub(crate) fn read(json: &mut Reader<'_>, sink: &mut dyn SpanSink) -> json::Result<()> {
    let mut names = ServiceNames::default();
    match json.peek()? {
        Kind::Array => read_trace_list(json, sink, &mut names, "")?,
        Kind::Object => {
            let mut trace = TraceState::default();
            read_trace_object(json, &mut trace, sink, &mut names, true)?;
            trace.flush(sink);
        }
        _ => return Err(json.shape("a Jaeger response {\"data\": [...]}, an array of traces or one trace")),
    }
    Ok(())
}

/// An array of trace objects (`"data": null` is what Jaeger returns for none), each flushed when it ends.
fn read_trace_list(
    json: &mut Reader<'_>,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
    name: &'static str,
) -> json::Result<()> {
    if !json.array_or_skip()? {
        return Ok(());
    }
    let mut trace = TraceState { prefix: Some((name, 0)), ..TraceState::default() };
    let mut index = 0;
    while json.next_element()? {
        trace.prefix = Some((name, index));
        read_trace_object(json, &mut trace, sink, names, false)?;
        trace.flush(sink);
        index += 1;
    }
    Ok(())
}

/// What is known about one trace object while it is read.
#[derive(Default)]
struct TraceState {
    /// The list name and index of this trace (`data[3]`), `None` for a trace that is the whole document.
    prefix: Option<(&'static str, usize)>,
    processes: HashMap<String, Arc<str>>,
    /// Spans whose `processID` was not yet declared, with their index in `spans[]`.
    held: Vec<(Span, String, usize)>,
}

impl TraceState {
    fn location(&self, index: usize) -> String {
        match self.prefix {
            None => format!("spans[{index}]"),
            Some((name, trace)) => format!("{name}[{trace}].spans[{index}]"),
        }
    }

    /// Hands the held spans to the sink and forgets this trace's processes.
    fn flush(&mut self, sink: &mut dyn SpanSink) {
        for (mut span, process, index) in std::mem::take(&mut self.held) {
            match self.processes.get(&process) {
                Some(service) => {
                    span.service = service.clone();
                    sink.span(span);
                }
                None => sink.reject(self.location(index), RejectReason::Missing("process for processID")),
            }
        }
        self.processes.clear();
    }
}

/// A trace object (`spans`, `processes`); anything but an object is skipped. The document itself (`top`) may
/// instead be the query response, whose `data` lists the traces.
fn read_trace_object(
    json: &mut Reader<'_>,
    trace: &mut TraceState,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
    top: bool,
) -> json::Result<()> {
    if !json.object_or_skip()? {
        return Ok(());
    }
    while let Some(key) = json.next_key()? {
        match &*key {
            b"spans" => read_span_list(json, trace, sink, names)?,
            b"processes" => read_processes(json, trace, names)?,
            b"data" if top => read_trace_list(json, sink, names, "data")?,
            _ => json.skip()?,
        }
    }
    Ok(())
}

/// `processes: { "p1": { "serviceName": … }, … }`.
fn read_processes(json: &mut Reader<'_>, trace: &mut TraceState, names: &mut ServiceNames) -> json::Result<()> {
    if json.object_or_skip()? {
        while let Some(id) = json.next_key()? {
            let service = read_service_name_object(json)?;
            if let Some(service) = service {
                if trace.processes.len() < MAX_PROCESSES {
                    trace.processes.insert(String::from_utf8_lossy(&id).into_owned(), names.get(&service));
                }
            }
        }
    }
    Ok(())
}

fn read_span_list(
    json: &mut Reader<'_>,
    trace: &mut TraceState,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
) -> json::Result<()> {
    if !json.array_or_skip()? {
        return Ok(());
    }
    // Every span gets its process's service below; this one only fills the field until then.
    let placeholder = unknown_service();
    let mut index = 0usize;
    while json.next_element()? {
        let read = read_span(json, names)?;
        match read.and_then(|read| Ok((read.fields.finish(placeholder.clone(), FIELD_NAMES)?, read.process))) {
            Err(reason) => sink.reject(trace.location(index), reason),
            Ok((mut span, Process::Inline(service))) => {
                span.service = service;
                sink.span(span);
            }
            Ok((mut span, Process::Id(id))) => match trace.processes.get(id.as_ref()) {
                Some(service) => {
                    span.service = service.clone();
                    sink.span(span);
                }
                None => trace.held.push((span, id.into_owned(), index)),
            },
            Ok((_, Process::None)) => sink.reject(trace.location(index), RejectReason::Missing("processID")),
        }
        index += 1;
    }
    Ok(())
}

/// Which process a span names: an inline `process` object wins over a `processID`.
enum Process<'a> {
    Inline(Arc<str>),
    Id(Cow<'a, str>),
    None,
}

struct JaegerSpanRead<'a> {
    fields: SpanFields,
    process: Process<'a>,
}

fn read_span<'a>(json: &mut Reader<'a>, names: &mut ServiceNames) -> json::Result<Result<JaegerSpanRead<'a>, RejectReason>> {
    if !json.object_or_skip()? {
        return Ok(Err(RejectReason::Missing("span object")));
    }
    let mut fields = SpanFields::new();
    let mut process_id = None;
    let mut process = None;
    let mut duration_ns: Option<u64> = None;
    let mut references = References { parent: None, follows: None, links: Vec::new() };
    let mut kind = SpanKind::Unspecified;
    while let Some(key) = json.next_key()? {
        let outcome = match &*key {
            b"traceID" => fields.read_trace_id("traceID", &Scalar::read(json)?),
            b"spanID" => fields.read_span_id("spanID", &Scalar::read(json)?),
            b"parentSpanID" => fields.read_parent_id("parentSpanID", &Scalar::read(json)?),
            b"references" => references.read(json).map(Ok)?,
            b"startTime" => read_time("startTime", &Scalar::read(json)?, 1000).map(|v| fields.start_ns = Some(v)),
            b"duration" => read_time("duration", &Scalar::read(json)?, 1000).map(|v| duration_ns = Some(v)),
            b"tags" => AttributeSinks { attributes: &mut fields.attributes, kind: Some(&mut kind), service: None }.read(json).map(Ok)?,
            b"processID" => {
                process_id = match Scalar::read(json)? {
                    Scalar::Str(id) => Some(id.into_str()),
                    _ => None,
                };
                Ok(())
            }
            b"process" => {
                process = read_service_name_object(json)?.map(|name| names.get(&name));
                Ok(())
            }
            _ => json.skip().map(Ok)?,
        };
        fields.note(outcome);
    }
    fields.kind = kind;
    fields.end_after("duration", duration_ns);
    // OpenTracing's async children name their parent with FOLLOWS_FROM only; same-trace ones are parents.
    let same_trace_follows = references.follows.filter(|(t, _)| Some(*t) == fields.trace_id).map(|(_, s)| s);
    fields.parent_id = fields.parent_id.or(references.parent).or(same_trace_follows);
    fields.links = references.links;
    let process = match (process, process_id) {
        (Some(service), _) => Process::Inline(service),
        (None, Some(id)) => Process::Id(id),
        (None, None) => Process::None,
    };
    Ok(Ok(JaegerSpanRead { fields, process }))
}

/// `references[]`: the first CHILD_OF is the parent; FOLLOWS_FROM references are links.
struct References {
    parent: Option<super::SpanId>,
    follows: Option<(super::TraceId, super::SpanId)>,
    links: Vec<SpanLink>,
}

impl References {
    fn read(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.array_or_skip()? {
            return Ok(());
        }
        while json.next_element()? {
            let Some((child_of, trace_id, span_id)) = read_reference(json)? else { continue };
            if child_of && self.parent.is_none() {
                self.parent = Some(span_id);
            } else if !child_of {
                self.follows.get_or_insert((trace_id, span_id));
                if self.links.len() < MAX_LINKS_PER_SPAN {
                    self.links.push(SpanLink { trace_id, span_id });
                }
            }
        }
        Ok(())
    }
}

/// One reference: (is CHILD_OF, trace id, span id), or `None` if its ids are unusable.
fn read_reference(json: &mut Reader<'_>) -> json::Result<Option<(bool, super::TraceId, super::SpanId)>> {
    let (mut child_of, mut trace, mut span) = (true, None, None);
    if json.object_or_skip()? {
        while let Some(key) = json.next_key()? {
            match &*key {
                b"refType" => child_of = !Scalar::read(json)?.is_text("FOLLOWS_FROM"),
                b"traceID" => trace = scalar::trace_id(&Scalar::read(json)?).ok().flatten(),
                b"spanID" => span = scalar::span_id(&Scalar::read(json)?).ok().flatten(),
                _ => json.skip()?,
            }
        }
    }
    Ok(trace.zip(span).map(|(t, s)| (child_of, t, s)))
}
