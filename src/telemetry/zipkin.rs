//! Zipkin v2 JSON: an array of spans (`/api/v2/trace/{id}`) or an array of traces (`/api/v2/traces`).
//!
//! Owns Zipkin span objects: hex `traceId`/`id`/`parentId`, `kind`, µs `timestamp`/`duration`,
//! `localEndpoint.serviceName` (the span's service), `remoteEndpoint.serviceName` (kept as `peer.service` when the
//! span names no peer), `tags` (an object), and B3 "shared" spans, where a SERVER span reuses its CLIENT's id: it
//! gets a derived id of its own and the client as parent, so pairing sees the usual parent → child shape.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::Arc;

use super::attributes::{kind_from_name, KeyValueList, ServiceNameObject};
use super::scalar::{seed_via_visitor, visit_non_arrays, visit_scalars, Scalar};
use super::{read_time, unknown_service, RejectReason, ServiceNames, SpanFields, SpanId, SpanKind, SpanSink};

const FIELD_NAMES: [&str; 4] = ["traceId", "id", "timestamp", "duration"];

/// Mixed into a shared SERVER span's id to give it one distinct from its CLIENT's.
const SHARED_SERVER_ID_MARK: u64 = 0x5a5a_5a5a_5a5a_5a5a;

/// The derived id given to a B3-shared SERVER span whose CLIENT has `client` as id.
pub fn shared_server_id(client: SpanId) -> SpanId {
    SpanId(client.0 ^ SHARED_SERVER_ID_MARK)
}

pub(crate) struct Document<'s> {
    pub sink: &'s mut dyn SpanSink,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut names = ServiceNames::default();
        deserializer.deserialize_seq(SpanList { sink: self.sink, names: &mut names, prefix: None })
    }
}

/// `[span, …]`, or at the top level also `[[span, …], …]`.
struct SpanList<'s, 'n> {
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
    /// The trace's index when inside a list of traces.
    prefix: Option<usize>,
}

seed_via_visitor!(SpanList<'_, '_>);

impl<'de> Visitor<'de> for SpanList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Zipkin spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        let location = |index: usize| match self.prefix {
            Some(trace) => format!("[{trace}][{index}]"),
            None => format!("[{index}]"),
        };
        loop {
            let seed = Element {
                sink: &mut *self.sink,
                names: &mut *self.names,
                trace_index: self.prefix.is_none().then_some(index),
            };
            match seq.next_element_seed(seed)? {
                None => break,
                Some(Read::Span(Ok(read))) => match read.fields.finish(read.service, FIELD_NAMES) {
                    Ok(span) => self.sink.span(span),
                    Err(reason) => self.sink.reject(location(index), reason),
                },
                Some(Read::Span(Err(reason))) => self.sink.reject(location(index), reason),
                Some(Read::Trace) => {}
            }
            index += 1;
        }
        Ok(())
    }
    visit_non_arrays!(());
}

// Returned by value once per element and matched at once; boxing would allocate per span.
#[allow(clippy::large_enum_variant)]
enum Read {
    Span(Result<ZipkinSpanRead, RejectReason>),
    /// A nested list of spans, already handed to the sink.
    Trace,
}

struct ZipkinSpanRead {
    fields: SpanFields,
    service: Arc<str>,
}

/// An element of a span list: a span, or (only at the top level, where `trace_index` is set) a trace's array.
struct Element<'s, 'n> {
    sink: &'s mut dyn SpanSink,
    names: &'n mut ServiceNames,
    trace_index: Option<usize>,
}

seed_via_visitor!(Element<'_, '_>);

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum SpanField {
    TraceId,
    Id,
    ParentId,
    Kind,
    Timestamp,
    Duration,
    LocalEndpoint,
    RemoteEndpoint,
    Tags,
    Shared,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for Element<'_, '_> {
    type Value = Read;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Zipkin span object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Read, A::Error> {
        match self.trace_index {
            Some(trace) => {
                SpanList { sink: self.sink, names: self.names, prefix: Some(trace) }.visit_seq(seq)?;
                Ok(Read::Trace)
            }
            None => {
                IgnoredAny.visit_seq(seq)?;
                Ok(Read::Span(Err(RejectReason::Missing("span object"))))
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let mut fields = SpanFields::new();
        let mut problem: Option<RejectReason> = None;
        let (mut timestamp, mut duration) = (None, None);
        let (mut service, mut remote) = (None, None);
        let mut shared = false;
        while let Some(field) = map.next_key::<SpanField>()? {
            let outcome = match field {
                SpanField::TraceId => fields.read_trace_id("traceId", &map.next_value()?),
                SpanField::Id => fields.read_span_id("id", &map.next_value()?),
                SpanField::ParentId => fields.read_parent_id("parentId", &map.next_value()?),
                SpanField::Kind => {
                    let kind: Scalar = map.next_value()?;
                    match kind.as_str().map(kind_from_name) {
                        Some(SpanKind::Unspecified) | None if !matches!(kind, Scalar::Null) => {
                            Err(RejectReason::BadKind(format!("{kind:?}")))
                        }
                        found => {
                            fields.kind = found.unwrap_or_default();
                            Ok(())
                        }
                    }
                }
                SpanField::Timestamp => read_time("timestamp", &map.next_value()?, 1000).map(|v| timestamp = Some(v)),
                SpanField::Duration => read_time("duration", &map.next_value()?, 1000).map(|v| duration = Some(v)),
                SpanField::LocalEndpoint => {
                    service = map.next_value_seed(ServiceNameObject)?;
                    Ok(())
                }
                SpanField::RemoteEndpoint => {
                    remote = map.next_value_seed(ServiceNameObject)?;
                    Ok(())
                }
                SpanField::Tags => {
                    map.next_value_seed(KeyValueList { attributes: &mut fields.attributes, kind: None, service: None })?;
                    Ok(())
                }
                SpanField::Shared => {
                    shared = map.next_value::<Scalar>()?.truthy();
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
            return Ok(Read::Span(Err(reason)));
        }
        fields.start_ns = timestamp;
        if let Err(reason) = fields.end_after("duration", duration) {
            return Ok(Read::Span(Err(reason)));
        }
        // A shared root (no parentId) had no client in the trace: it stays the root.
        if shared && fields.kind == SpanKind::Server && fields.parent_id.is_some() {
            if let Some(id) = fields.span_id {
                fields.parent_id = Some(id);
                fields.span_id = Some(shared_server_id(id));
            }
        }
        if matches!(fields.kind, SpanKind::Client | SpanKind::Producer) && fields.attributes.peer_service().is_none() {
            if let Some(remote) = remote {
                fields.attributes.names_mut().peer_service = Some(remote);
            }
        }
        let service = service.map_or_else(unknown_service, |name| self.names.get(&name));
        Ok(Read::Span(Ok(ZipkinSpanRead { fields, service })))
    }
    visit_scalars!(Read::Span(Err(RejectReason::Missing("span object"))));
}
