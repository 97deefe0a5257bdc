//! OTLP/JSON traces, as the OTel Collector's `otlphttp`/file exporters and Tempo write them.
//!
//! Owns the document shapes `{ "resourceSpans": [...] }`, Tempo's `{ "batches": [...] }` and
//! `{ "trace": { "resourceSpans" | "batches": [...] } }`, the older `instrumentationLibrarySpans` name, ids in hex
//! (or base64, as protobuf's JSON mapping writes them), int64 nanoseconds as strings or numbers, `kind` as number
//! or `SPAN_KIND_*` name. Streams: each span goes to the sink as soon as its resource's `service.name` is known.
//! Knows nothing of what happens to spans afterwards.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::Arc;

use super::attributes::{kind_from_name, KeyValueList};
use super::scalar::{self, seed_via_visitor, visit_non_arrays, visit_non_objects, visit_scalars, Scalar};
use super::{read_time, unknown_service, Link, RejectReason, Span, SpanFields, SpanKind, SpanSink, MAX_LINKS_PER_SPAN};

/// The whole document.
pub(crate) struct Document<'s> {
    pub sink: &'s mut dyn SpanSink,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum DocumentField {
    ResourceSpans,
    Batches,
    Trace,
    #[serde(other)]
    Other,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(DocumentVisitor { sink: self.sink, prefix: "" })
    }
}

struct DocumentVisitor<'s> {
    sink: &'s mut dyn SpanSink,
    prefix: &'static str,
}

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OTLP traces object with resourceSpans")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = map.next_key::<DocumentField>()? {
            match field {
                DocumentField::ResourceSpans => {
                    let name = if self.prefix.is_empty() { "resourceSpans" } else { "trace.resourceSpans" };
                    map.next_value_seed(ResourceSpansList { sink: &mut *self.sink, name })?
                }
                DocumentField::Batches => {
                    let name = if self.prefix.is_empty() { "batches" } else { "trace.batches" };
                    map.next_value_seed(ResourceSpansList { sink: &mut *self.sink, name })?
                }
                // Tempo's wrapper nests one level; deeper `trace` keys are not a format we know.
                DocumentField::Trace if self.prefix.is_empty() => {
                    map.next_value_seed(NestedDocument { sink: &mut *self.sink })?
                }
                DocumentField::Trace | DocumentField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct NestedDocument<'s> {
    sink: &'s mut dyn SpanSink,
}

impl<'de> DeserializeSeed<'de> for NestedDocument<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(DocumentVisitor { sink: self.sink, prefix: "trace." })
    }
}

struct ResourceSpansList<'s> {
    sink: &'s mut dyn SpanSink,
    name: &'static str,
}

impl<'de> DeserializeSeed<'de> for ResourceSpansList<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourceSpansList<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as an array", self.name)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let mut resource = ResourceSink { sink: &mut *self.sink, service: None, held: Vec::new() };
            let path = Path { name: self.name, resource: index, scope: 0, span: 0 };
            let seed = ResourceSpans { out: &mut resource, path };
            match seq.next_element_seed(seed)? {
                Some(()) => resource.flush(),
                None => break,
            }
            index += 1;
        }
        Ok(())
    }
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
    service: Option<Arc<str>>,
    held: Vec<Span>,
}

impl ResourceSink<'_> {
    fn span(&mut self, mut span: Span) {
        match &self.service {
            Some(service) => {
                span.service = service.clone();
                self.sink.span(span)
            }
            None => self.held.push(span),
        }
    }

    fn flush(&mut self) {
        let service = self.service.get_or_insert_with(unknown_service).clone();
        for mut span in self.held.drain(..) {
            span.service = service.clone();
            self.sink.span(span);
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResourceSpansField {
    Resource,
    ScopeSpans,
    InstrumentationLibrarySpans,
    #[serde(other)]
    Other,
}

struct ResourceSpans<'r, 's> {
    out: &'r mut ResourceSink<'s>,
    path: Path,
}

seed_via_visitor!(ResourceSpans<'_, '_>);

impl<'de> Visitor<'de> for ResourceSpans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resourceSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = map.next_key::<ResourceSpansField>()? {
            match field {
                ResourceSpansField::Resource => {
                    let mut name = None;
                    map.next_value_seed(Resource { service: &mut name })?;
                    self.out.service = Some(name.map_or_else(unknown_service, Arc::from));
                }
                ResourceSpansField::ScopeSpans | ResourceSpansField::InstrumentationLibrarySpans => {
                    map.next_value_seed(ScopeSpansList { out: &mut *self.out, path: self.path })?
                }
                ResourceSpansField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    visit_non_objects!(());
}

struct Resource<'a> {
    service: &'a mut Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResourceField {
    Attributes,
    #[serde(other)]
    Other,
}

seed_via_visitor!(Resource<'_>);

impl<'de> Visitor<'de> for Resource<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut ignored = super::SpanAttributes::default();
        while let Some(field) = map.next_key::<ResourceField>()? {
            match field {
                ResourceField::Attributes => map.next_value_seed(KeyValueList {
                    attributes: &mut ignored,
                    kind: None,
                    service: Some(&mut *self.service),
                })?,
                ResourceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    visit_non_objects!(());
}

struct ScopeSpansList<'r, 's> {
    out: &'r mut ResourceSink<'s>,
    path: Path,
}

seed_via_visitor!(ScopeSpansList<'_, '_>);

impl<'de> Visitor<'de> for ScopeSpansList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("scopeSpans as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut path = self.path;
        while seq.next_element_seed(ScopeSpans { out: &mut *self.out, path })?.is_some() {
            path.scope += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.out.sink.reject(self.path.resource_location(), RejectReason::Missing("scopeSpans array"));
        Ok(())
    }
    visit_scalars!(());
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ScopeSpansField {
    Spans,
    #[serde(other)]
    Other,
}

struct ScopeSpans<'r, 's> {
    out: &'r mut ResourceSink<'s>,
    path: Path,
}

seed_via_visitor!(ScopeSpans<'_, '_>);

impl<'de> Visitor<'de> for ScopeSpans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scopeSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = map.next_key::<ScopeSpansField>()? {
            match field {
                ScopeSpansField::Spans => map.next_value_seed(SpanList { out: &mut *self.out, path: self.path })?,
                ScopeSpansField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    visit_non_objects!(());
}

struct SpanList<'r, 's> {
    out: &'r mut ResourceSink<'s>,
    path: Path,
}

impl<'de> DeserializeSeed<'de> for SpanList<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SpanList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("spans as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut path = self.path;
        while let Some(read) = seq.next_element_seed(OtlpSpan)? {
            match read {
                Ok(fields) => match fields.finish(unknown_service(), FIELD_NAMES) {
                    Ok(span) => self.out.span(span),
                    Err(reason) => self.out.sink.reject(path.span_location(), reason),
                },
                Err(reason) => self.out.sink.reject(path.span_location(), reason),
            }
            path.span += 1;
        }
        Ok(())
    }
}

const FIELD_NAMES: [&str; 4] = ["traceId", "spanId", "startTimeUnixNano", "endTimeUnixNano"];

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum SpanField {
    TraceId,
    SpanId,
    ParentSpanId,
    Kind,
    StartTimeUnixNano,
    EndTimeUnixNano,
    Attributes,
    Status,
    Links,
    #[serde(other)]
    Other,
}

/// One span object. A field of the wrong type makes the span a rejection; the rest of the object is still read.
struct OtlpSpan;

seed_via_visitor!(OtlpSpan);

fn kind_from_scalar(value: &Scalar<'_>) -> Result<SpanKind, RejectReason> {
    match value {
        Scalar::Str(name) => match kind_from_name(name) {
            SpanKind::Unspecified if !name.ends_with("UNSPECIFIED") && !name.is_empty() => {
                Err(RejectReason::BadKind(scalar::truncate(name).to_owned()))
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

impl<'de> Visitor<'de> for OtlpSpan {
    type Value = Result<SpanFields, RejectReason>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = SpanFields::new();
        let mut problem: Option<RejectReason> = None;
        while let Some(field) = map.next_key::<SpanField>()? {
            let outcome = match field {
                SpanField::TraceId => fields.read_trace_id("traceId", &map.next_value()?),
                SpanField::SpanId => fields.read_span_id("spanId", &map.next_value()?),
                SpanField::ParentSpanId => fields.read_parent_id("parentSpanId", &map.next_value()?),
                SpanField::Kind => kind_from_scalar(&map.next_value()?).map(|k| fields.kind = k),
                SpanField::StartTimeUnixNano => {
                    read_time("startTimeUnixNano", &map.next_value()?, 1).map(|v| fields.start_ns = Some(v))
                }
                SpanField::EndTimeUnixNano => {
                    read_time("endTimeUnixNano", &map.next_value()?, 1).map(|v| fields.end_ns = Some(v))
                }
                SpanField::Attributes => {
                    map.next_value_seed(KeyValueList { attributes: &mut fields.attributes, kind: None, service: None })?;
                    Ok(())
                }
                SpanField::Status => {
                    fields.attributes.status_error |= map.next_value_seed(Status)?;
                    Ok(())
                }
                SpanField::Links => {
                    map.next_value_seed(Links { links: &mut fields.links })?;
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
        Ok(match problem {
            Some(reason) => Err(reason),
            None => Ok(fields),
        })
    }
    visit_non_objects!(Err(RejectReason::Missing("span object")));
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum StatusField {
    Code,
    #[serde(other)]
    Other,
}

/// `status` → whether it is ERROR (`2` or `"STATUS_CODE_ERROR"`).
struct Status;

seed_via_visitor!(Status);

impl<'de> Visitor<'de> for Status {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a status object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut error = false;
        while let Some(field) = map.next_key::<StatusField>()? {
            match field {
                StatusField::Code => {
                    let code: Scalar = map.next_value()?;
                    error = code.as_i64() == Some(2) || code.as_str() == Some("STATUS_CODE_ERROR");
                }
                StatusField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(error)
    }
    visit_non_objects!(false);
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum LinkField {
    TraceId,
    SpanId,
    #[serde(other)]
    Other,
}

/// `links[]`; links with bad ids are skipped (a link is a hint, not the span), and at most
/// [`MAX_LINKS_PER_SPAN`] are kept.
struct Links<'a> {
    links: &'a mut Vec<Link>,
}

seed_via_visitor!(Links<'_>);

impl<'de> Visitor<'de> for Links<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("links as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(link) = seq.next_element_seed(OneLink)? {
            if let Some(link) = link {
                if self.links.len() < MAX_LINKS_PER_SPAN {
                    self.links.push(link);
                }
            }
        }
        Ok(())
    }
    visit_non_arrays!(());
}

struct OneLink;

seed_via_visitor!(OneLink);

impl<'de> Visitor<'de> for OneLink {
    type Value = Option<Link>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a link object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Link>, A::Error> {
        let (mut trace, mut span) = (None, None);
        while let Some(field) = map.next_key::<LinkField>()? {
            match field {
                LinkField::TraceId => trace = scalar::trace_id(&map.next_value()?).ok().flatten(),
                LinkField::SpanId => span = scalar::span_id(&map.next_value()?).ok().flatten(),
                LinkField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(trace.zip(span).map(|(trace_id, span_id)| Link { trace_id, span_id }))
    }
    visit_non_objects!(None);
}
