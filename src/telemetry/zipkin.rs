//! Zipkin v2 JSON: an array of spans (`/api/v2/trace/{id}`) or an array of traces (`/api/v2/traces`).
//!
//! Owns Zipkin span objects: hex `traceId`/`id`/`parentId`, `kind`, µs `timestamp`/`duration`,
//! `localEndpoint.serviceName` (the span's service), `remoteEndpoint.serviceName` (kept as `peer.service` when the
//! span names no peer), `tags` (an object), and B3 "shared" spans, where a SERVER span reuses its CLIENT's id: it
//! gets a derived id of its own and the client as parent, so pairing sees the usual parent → child shape.

use std::borrow::Cow;

use super::attributes::{kind_from_name, read_service_name_object, AttributeSinks};
use super::json::{self, Kind, Reader};
use super::scalar::{self, Scalar};
use super::{read_time, unknown_service, ReadLimits, RejectReason, ServiceNames, SpanFields, SpanId, SpanKind, SpanSink};

const FIELD_NAMES: [&str; 4] = ["traceId", "id", "timestamp", "duration"];

/// Mixed into a shared SERVER span's id to give it one distinct from its CLIENT's.
const SHARED_SERVER_ID_MARK: u64 = 0x5a5a_5a5a_5a5a_5a5a;

/// The derived id given to a B3-shared SERVER span whose CLIENT has `client` as id.
pub fn shared_server_id(client: SpanId) -> SpanId {
    SpanId(client.0 ^ SHARED_SERVER_ID_MARK)
}

/// Reads one document: `[span, …]` or `[[span, …], …]`.
pub(crate) fn read(json: &mut Reader<'_>, limits: &ReadLimits, sink: &mut dyn SpanSink) -> json::Result<()> {
    if !json.begin_array()? {
        return Err(json.shape("an array of Zipkin spans"));
    }
    let mut names = ServiceNames::default();
    read_span_list(json, limits, sink, &mut names, None)
}

/// The elements of a span list whose `[` was read. At the top level (`trace` is `None`) an element may itself be a
/// trace's array; `trace` is then its index, for locations.
fn read_span_list(
    json: &mut Reader<'_>,
    limits: &ReadLimits,
    sink: &mut dyn SpanSink,
    names: &mut ServiceNames,
    trace: Option<usize>,
) -> json::Result<()> {
    let location = |index: usize| match trace {
        Some(trace) => format!("[{trace}][{index}]"),
        None => format!("[{index}]"),
    };
    let mut index = 0usize;
    while json.next_element()? {
        let read = match json.peek()? {
            Kind::Array if trace.is_none() => {
                json.begin_array()?;
                read_span_list(json, limits, sink, names, Some(index))?;
                index += 1;
                continue;
            }
            Kind::Object => read_span(json, names)?,
            _ => {
                json.skip()?;
                Err(RejectReason::Missing("span object"))
            }
        };
        if let Ok((fields, _)) = &read {
            fields.report_truncated(sink);
        }
        match read.and_then(|(fields, service)| fields.finish(service, FIELD_NAMES, limits)) {
            Ok(span) => sink.span(span),
            Err(reason) => sink.reject(location(index), reason),
        }
        index += 1;
    }
    Ok(())
}

/// One span object (the cursor is on it) and its service.
fn read_span(json: &mut Reader<'_>, names: &mut ServiceNames) -> json::Result<Result<(SpanFields, std::sync::Arc<str>), RejectReason>> {
    json.begin_object()?;
    let mut fields = SpanFields::new();
    let (mut timestamp, mut duration) = (None, None);
    let (mut service, mut remote): (Option<Cow<'_, str>>, _) = (None, None);
    let mut shared = false;
    // Counted only if the remote name is kept.
    let mut remote_truncated = 0;
    while let Some(key) = json.next_key()? {
        let outcome = match &*key {
            b"traceId" => fields.read_trace_id("traceId", &Scalar::read(json)?),
            b"id" => fields.read_span_id("id", &Scalar::read(json)?),
            b"parentId" => fields.read_parent_id("parentId", &Scalar::read(json)?),
            b"kind" => {
                let kind = Scalar::read(json)?;
                match kind.as_bytes().map(kind_from_name) {
                    Some(SpanKind::Unspecified) | None if !matches!(kind, Scalar::Null) => {
                        Err(RejectReason::BadKind(match &kind {
                            Scalar::Str(name) => scalar::prefix(name.as_bytes()),
                            other => format!("{other:?}"),
                        }))
                    }
                    found => {
                        fields.kind = found.unwrap_or_default();
                        Ok(())
                    }
                }
            }
            b"timestamp" => read_time("timestamp", &Scalar::read(json)?, 1000).map(|v| timestamp = Some(v)),
            b"duration" => read_time("duration", &Scalar::read(json)?, 1000).map(|v| duration = Some(v)),
            b"localEndpoint" => {
                service = read_service_name_object(json, &mut fields.truncated)?;
                Ok(())
            }
            b"remoteEndpoint" => {
                remote = read_service_name_object(json, &mut remote_truncated)?;
                Ok(())
            }
            b"tags" => {
                let attributes = Some(&mut fields.attributes);
                AttributeSinks { attributes, kind: None, service: None, truncated: &mut fields.truncated }.read(json).map(Ok)?
            }
            b"shared" => {
                shared = Scalar::read(json)?.truthy();
                Ok(())
            }
            _ => json.skip().map(Ok)?,
        };
        fields.note(outcome);
    }
    fields.start_ns = timestamp;
    fields.end_after("duration", duration);
    // A shared root (no parentId) had no client in the trace: it stays the root.
    if shared && fields.kind == SpanKind::Server && fields.parent_id.is_some() {
        if let Some(id) = fields.span_id {
            fields.parent_id = Some(id);
            fields.span_id = Some(shared_server_id(id));
        }
    }
    if matches!(fields.kind, SpanKind::Client | SpanKind::Producer) && fields.attributes.peer_service().is_none() {
        if let Some(remote) = remote {
            fields.attributes.names_mut().peer_service = Some(remote.into_owned());
            fields.truncated += remote_truncated;
        }
    }
    let service = service.map_or_else(unknown_service, |name| names.get(&name));
    Ok(Ok((fields, service)))
}
