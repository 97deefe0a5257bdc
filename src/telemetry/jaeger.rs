//! Jaeger query-API JSON: `{ "data": [trace, …] }` as `/api/traces` returns it, a bare array of traces, or one
//! trace object.
//!
//! Owns trace objects (`traceID`, `spans[]`, `processes{}`), spans (`references` CHILD_OF → parent, FOLLOWS_FROM →
//! link, µs `startTime`/`duration`, `tags` incl. `span.kind` and `error`, `processID` or an inline `process`).
//! The `processes` map usually follows `spans`, so a trace's spans are held until its object ends unless their
//! process is already known; the hold is bounded by the trace object in the input.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::attributes::{KeyValueList, ServiceNameObject};
use super::scalar::{self, seed_via_visitor, visit_non_arrays, visit_non_objects, Scalar};
use super::{
    read_time, unknown_service, Link, RejectReason, ServiceNames, Span, SpanFields, SpanKind, SpanSink, MAX_LINKS_PER_SPAN,
};

const FIELD_NAMES: [&str; 4] = ["traceID", "spanID", "startTime", "duration"];

/// Processes a trace may declare; more are ignored (their spans are rejected as having no process).
const MAX_PROCESSES: usize = 4096;

pub(crate) struct Document<'s> {
    pub sink: &'s mut dyn SpanSink,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut names = ServiceNames::default();
        deserializer.deserialize_any(Top { sink: self.sink, names: &mut names })
    }
}

#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum TopField {
    #[serde(rename = "data")]
    Data,
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(other)]
    Other,
}

struct Top<'s, 'n> {
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger response {\"data\": [...]}, an array of traces or one trace")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        TraceList { sink: self.sink, names: self.names, name: "" }.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A top-level object is either the query response (`data`) or one trace (`spans`, `processes`).
        let mut trace = TraceState::new("");
        while let Some(field) = map.next_key::<TopField>()? {
            match field {
                TopField::Data => map.next_value_seed(TraceList {
                    sink: &mut *self.sink,
                    names: &mut *self.names,
                    name: "data",
                })?,
                TopField::Spans => {
                    map.next_value_seed(SpanList { trace: &mut trace, sink: &mut *self.sink, names: &mut *self.names })?
                }
                TopField::Processes => map.next_value_seed(Processes { trace: &mut trace, names: &mut *self.names })?,
                TopField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        trace.flush(self.sink);
        Ok(())
    }
}

struct TraceList<'s, 'n> {
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
    name: &'static str,
}

seed_via_visitor!(TraceList<'_, '_>);

impl<'de> Visitor<'de> for TraceList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Jaeger traces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let prefix = format!("{}[{index}]", self.name);
            let mut trace = TraceState::new(&prefix);
            let seed = TraceObject { trace: &mut trace, sink: &mut *self.sink, names: &mut *self.names };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            trace.flush(self.sink);
            index += 1;
        }
        Ok(())
    }
    // `"data": null` is what Jaeger returns for no traces.
    visit_non_arrays!(());
}

/// What is known about one trace object while it is read.
struct TraceState {
    prefix: String,
    processes: HashMap<String, Arc<str>>,
    /// Spans whose `processID` was not yet declared, with their index in `spans[]`.
    held: Vec<(Span, String, usize)>,
}

impl TraceState {
    fn new(prefix: &str) -> Self {
        TraceState { prefix: prefix.to_owned(), processes: HashMap::new(), held: Vec::new() }
    }

    fn location(&self, index: usize) -> String {
        if self.prefix.is_empty() {
            format!("spans[{index}]")
        } else {
            format!("{}.spans[{index}]", self.prefix)
        }
    }

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
    }
}

#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum TraceField {
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(other)]
    Other,
}

struct TraceObject<'t, 's, 'n> {
    trace: &'t mut TraceState,
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
}

seed_via_visitor!(TraceObject<'_, '_, '_>);

impl<'de> Visitor<'de> for TraceObject<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = map.next_key::<TraceField>()? {
            match field {
                TraceField::Spans => map.next_value_seed(SpanList {
                    trace: &mut *self.trace,
                    sink: &mut *self.sink,
                    names: &mut *self.names,
                })?,
                TraceField::Processes => {
                    map.next_value_seed(Processes { trace: &mut *self.trace, names: &mut *self.names })?
                }
                TraceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    visit_non_objects!(());
}

struct Processes<'t, 'n> {
    trace: &'t mut TraceState,
    names: &'n mut ServiceNames,
}

seed_via_visitor!(Processes<'_, '_>);

impl<'de> Visitor<'de> for Processes<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a processes object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<Scalar>()? {
            let service = map.next_value_seed(ServiceNameObject)?;
            if let (Some(id), Some(service)) = (id.as_str(), service) {
                if self.trace.processes.len() < MAX_PROCESSES {
                    self.trace.processes.insert(id.to_owned(), self.names.get(&service));
                }
            }
        }
        Ok(())
    }
    visit_non_objects!(());
}

struct SpanList<'t, 's, 'n> {
    trace: &'t mut TraceState,
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
}

seed_via_visitor!(SpanList<'_, '_, '_>);

impl<'de> Visitor<'de> for SpanList<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("spans as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while let Some(read) = seq.next_element_seed(JaegerSpan { names: &mut *self.names })? {
            match read {
                Err(reason) => self.sink.reject(self.trace.location(index), reason),
                Ok(read) => match read.fields.finish(unknown_service(), FIELD_NAMES) {
                    Err(reason) => self.sink.reject(self.trace.location(index), reason),
                    Ok(mut span) => match (read.process, read.process_id) {
                        (Some(service), _) => {
                            span.service = service;
                            self.sink.span(span);
                        }
                        (None, Some(id)) => match self.trace.processes.get(&id) {
                            Some(service) => {
                                span.service = service.clone();
                                self.sink.span(span);
                            }
                            None => self.trace.held.push((span, id, index)),
                        },
                        (None, None) => self.sink.reject(self.trace.location(index), RejectReason::Missing("processID")),
                    },
                },
            }
            index += 1;
        }
        Ok(())
    }
    visit_non_arrays!(());
}

#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum SpanField {
    #[serde(rename = "traceID")]
    TraceId,
    #[serde(rename = "spanID")]
    SpanId,
    #[serde(rename = "parentSpanID")]
    ParentSpanId,
    #[serde(rename = "references")]
    References,
    #[serde(rename = "startTime")]
    StartTime,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "processID")]
    ProcessId,
    #[serde(rename = "process")]
    Process,
    #[serde(other)]
    Other,
}

struct JaegerSpanRead {
    fields: SpanFields,
    process_id: Option<String>,
    process: Option<Arc<str>>,
}

struct JaegerSpan<'n> {
    names: &'n mut ServiceNames,
}

seed_via_visitor!(JaegerSpan<'_>);

impl<'de> Visitor<'de> for JaegerSpan<'_> {
    type Value = Result<JaegerSpanRead, RejectReason>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = SpanFields::new();
        let mut read_process_id = None;
        let mut process = None;
        let mut problem: Option<RejectReason> = None;
        let mut duration_ns: Option<u64> = None;
        let mut references = References { parent: None, follows: None, links: Vec::new() };
        let mut kind = SpanKind::Unspecified;
        while let Some(field) = map.next_key::<SpanField>()? {
            let outcome = match field {
                SpanField::TraceId => fields.read_trace_id("traceID", &map.next_value()?),
                SpanField::SpanId => fields.read_span_id("spanID", &map.next_value()?),
                SpanField::ParentSpanId => fields.read_parent_id("parentSpanID", &map.next_value()?),
                SpanField::References => {
                    map.next_value_seed(&mut references)?;
                    Ok(())
                }
                SpanField::StartTime => read_time("startTime", &map.next_value()?, 1000).map(|v| fields.start_ns = Some(v)),
                SpanField::Duration => read_time("duration", &map.next_value()?, 1000).map(|v| duration_ns = Some(v)),
                SpanField::Tags => {
                    map.next_value_seed(KeyValueList {
                        attributes: &mut fields.attributes,
                        kind: Some(&mut kind),
                        service: None,
                    })?;
                    Ok(())
                }
                SpanField::ProcessId => {
                    read_process_id = map.next_value::<Scalar>()?.as_str().map(str::to_owned);
                    Ok(())
                }
                SpanField::Process => {
                    process = map.next_value_seed(ServiceNameObject)?.map(|name| self.names.get(&name));
                    Ok(())
                }
                SpanField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    Ok(())
                }
            };
            if let Err(reason) = outcome {
                problem.get_or_insert(reason);
            }
        }
        if let Some(reason) = problem {
            return Ok(Err(reason));
        }
        fields.kind = kind;
        if let Err(reason) = fields.end_after("duration", duration_ns) {
            return Ok(Err(reason));
        }
        // OpenTracing's async children name their parent with FOLLOWS_FROM only; same-trace ones are parents.
        fields.parent_id = fields.parent_id.or(references.parent).or(references.follows.filter(|(t, _)| Some(*t) == fields.trace_id).map(|(_, s)| s));
        fields.links = references.links;
        Ok(Ok(JaegerSpanRead { fields, process_id: read_process_id, process }))
    }
    visit_non_objects!(Err(RejectReason::Missing("span object")));
}

/// `references[]`: the first CHILD_OF is the parent; FOLLOWS_FROM references are links.
struct References {
    parent: Option<super::SpanId>,
    follows: Option<(super::TraceId, super::SpanId)>,
    links: Vec<Link>,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum ReferenceField {
    #[serde(rename = "refType")]
    RefType,
    #[serde(rename = "traceID")]
    TraceId,
    #[serde(rename = "spanID")]
    SpanId,
    #[serde(other)]
    Other,
}

seed_via_visitor!(&mut References);

impl<'de> Visitor<'de> for &mut References {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("references as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(reference) = seq.next_element_seed(Reference)? {
            let Some((child_of, trace_id, span_id)) = reference else { continue };
            if child_of && self.parent.is_none() {
                self.parent = Some(span_id);
            } else if !child_of {
                self.follows.get_or_insert((trace_id, span_id));
                if self.links.len() < MAX_LINKS_PER_SPAN {
                    self.links.push(Link { trace_id, span_id });
                }
            }
        }
        Ok(())
    }
    visit_non_arrays!(());
}

struct Reference;

seed_via_visitor!(Reference);

impl<'de> Visitor<'de> for Reference {
    type Value = Option<(bool, super::TraceId, super::SpanId)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reference object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut child_of, mut trace, mut span) = (true, None, None);
        while let Some(field) = map.next_key::<ReferenceField>()? {
            match field {
                ReferenceField::RefType => child_of = map.next_value::<Scalar>()?.as_str() != Some("FOLLOWS_FROM"),
                ReferenceField::TraceId => trace = scalar::trace_id(&map.next_value()?).ok().flatten(),
                ReferenceField::SpanId => span = scalar::span_id(&map.next_value()?).ok().flatten(),
                ReferenceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(trace.zip(span).map(|(t, s)| (child_of, t, s)))
    }
    visit_non_objects!(None);
}
