//! Jaeger query-API JSON: `{ "data": [trace, …] }` as `/api/traces` returns it, a bare array of traces, or one
//! trace object.
//!
//! Owns trace objects (`traceID`, `spans[]`, `processes{}`), spans (`references`: CHILD_OF in the span's own trace
//! → parent, FOLLOWS_FROM and CHILD_OF to another trace → link; µs `startTime`/`duration`, `tags` incl.
//! `span.kind` and `error`, `processID` or an inline `process`).
//! The `processes` map usually follows `spans`, so a trace's spans are held until its object ends unless their
//! process is already known; the hold is bounded by the trace object in the input.

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::HashMap;

use super::attributes::{read_service_name_object, AttributeSinks};
use super::json::{self, Kind, Reader};
use super::scalar::{self, Scalar};
use super::{
    read_time, unknown_service, ReadLimits, RejectReason, ServiceNames, Span, SpanFields, SpanId, SpanKind, SpanLink, SpanSink,
    TraceId, MAX_LINKS_PER_SPAN,
};

const FIELD_NAMES: [&str; 4] = ["traceID", "spanID", "startTime", "duration"];

/// Processes a trace may declare; more are ignored (their spans are rejected as having no process).
const MAX_PROCESSES: usize = 4096;

/// Reads one document: the query response (`data`), an array of traces, or one trace (`spans`, `processes`).
pub(crate) fn read(json: &mut Reader<'_>, limits: &ReadLimits, sink: &mut dyn SpanSink) -> json::Result<()> {
    let mut names = ServiceNames::default();
    match json.peek()? {
        Kind::Array => read_trace_list(json, limits, sink, &mut names, "")?,
        Kind::Object => {
            let mut trace = TraceState { prefix: None, limits, processes: HashMap::default(), held: Vec::new() };
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
    limits: &ReadLimits,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
    name: &'static str,
) -> json::Result<()> {
    if !json.array_or_skip()? {
        return Ok(());
    }
    let mut trace = TraceState { prefix: Some((name, 0)), limits, processes: HashMap::default(), held: Vec::new() };
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
struct TraceState<'l> {
    /// The list name and index of this trace (`data[3]`), `None` for a trace that is the whole document.
    prefix: Option<(&'static str, usize)>,
    limits: &'l ReadLimits,
    processes: HashMap<String, Arc<str>>,
    /// Spans whose `processID` was not yet declared, with their index in `spans[]`.
    held: Vec<(Span, String, usize)>,
}

impl TraceState<'_> {
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
            b"processes" => read_processes(json, trace, sink, names)?,
            b"data" if top => read_trace_list(json, trace.limits, sink, names, "data")?,
            _ => json.skip()?,
        }
    }
    Ok(())
}

/// `processes: { "p1": { "serviceName": … }, … }`.
fn read_processes(
    json: &mut Reader<'_>,
    trace: &mut TraceState,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
) -> json::Result<()> {
    if json.object_or_skip()? {
        while let Some(id) = json.next_key()? {
            let mut truncated = 0;
            let service = read_service_name_object(json, &mut truncated)?;
            if truncated > 0 {
                sink.truncated(truncated);
            }
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
        if let Ok(read) = &read {
            read.fields.report_truncated(sink);
        }
        let limits = trace.limits;
        match read.and_then(|read| Ok((read.fields.finish(placeholder.clone(), FIELD_NAMES, limits)?, read.process))) {
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
    let mut references = References::default();
    let mut kind = SpanKind::Unspecified;
    while let Some(key) = json.next_key()? {
        let outcome = match &*key {
            b"traceID" => fields.read_trace_id("traceID", &Scalar::read(json)?),
            b"spanID" => fields.read_span_id("spanID", &Scalar::read(json)?),
            b"parentSpanID" => fields.read_parent_id("parentSpanID", &Scalar::read(json)?),
            b"references" => references.read(json).map(Ok)?,
            b"startTime" => read_time("startTime", &Scalar::read(json)?, 1000).map(|v| fields.start_ns = Some(v)),
            b"duration" => read_time("duration", &Scalar::read(json)?, 1000).map(|v| duration_ns = Some(v)),
            b"tags" => {
                let attributes = Some(&mut fields.attributes);
                AttributeSinks { attributes, kind: Some(&mut kind), service: None, truncated: &mut fields.truncated }
                    .read(json)
                    .map(Ok)?
            }
            b"processID" => {
                process_id = match Scalar::read(json)? {
                    Scalar::Str(id) => Some(id.into_str()),
                    _ => None,
                };
                Ok(())
            }
            b"process" => {
                process = read_service_name_object(json, &mut fields.truncated)?.map(|name| names.get(&name));
                Ok(())
            }
            _ => json.skip().map(Ok)?,
        };
        fields.note(outcome);
    }
    fields.kind = kind;
    fields.end_after("duration", duration_ns);
    let (parent, links) = references.resolve(fields.trace_id);
    fields.parent_id = fields.parent_id.or(parent);
    fields.links = links;
    let process = match (process, process_id) {
        (Some(service), _) => Process::Inline(service),
        (None, Some(id)) => Process::Id(id),
        (None, None) => Process::None,
    };
    Ok(Ok(JaegerSpanRead { fields, process }))
}

/// `references[]`, kept in order (at most [`MAX_LINKS_PER_SPAN`]) until the span's own trace id is known: the span
/// object's fields come in any order.
#[derive(Default)]
struct References {
    /// (is CHILD_OF, the span referred to).
    refs: Vec<(bool, SpanLink)>,
}

impl References {
    fn read(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.array_or_skip()? {
            return Ok(());
        }
        while json.next_element()? {
            let Some((child_of, trace_id, span_id)) = read_reference(json)? else { continue };
            if self.refs.len() < MAX_LINKS_PER_SPAN {
                self.refs.push((child_of, SpanLink { trace_id, span_id }));
            }
        }
        Ok(())
    }

    /// The parent and the links of a span in trace `trace_id`. The parent is the first CHILD_OF in the span's own
    /// trace, else its first same-trace FOLLOWS_FROM (OpenTracing's async children name their parent only so).
    /// A reference to another trace — FOLLOWS_FROM, or CHILD_OF as some bridges write for a batch or a message —
    /// is a link, as an OTLP link would be: a parent id outside the trace would tie the span to whatever span of
    /// its own trace happens to carry that id, and leave it waiting for a parent that never comes.
    fn resolve(self, trace_id: Option<TraceId>) -> (Option<SpanId>, Vec<SpanLink>) {
        let same_trace = |link: &SpanLink| Some(link.trace_id) == trace_id;
        let parent = [true, false]
            .into_iter()
            .find_map(|child_of| self.refs.iter().find(|(c, link)| *c == child_of && same_trace(link)))
            .map(|(_, link)| link.span_id);
        let links = self
            .refs
            .into_iter()
            .filter(|(child_of, link)| !child_of || !same_trace(link))
            .map(|(_, link)| link)
            .collect();
        (parent, links)
    }
}

/// One reference: (is CHILD_OF, trace id, span id), or `None` if its ids are unusable.
fn read_reference(json: &mut Reader<'_>) -> json::Result<Option<(bool, TraceId, SpanId)>> {
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
