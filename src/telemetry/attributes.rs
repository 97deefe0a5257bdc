//! The few span attributes pairing and virtual nodes need, read from OTLP attributes, Jaeger tags and Zipkin tags.
//!
//! Owns which attribute keys we keep (current semantic conventions and the older names still in the wild) and
//! what counts as an error. Everything else in a span's attributes is skipped while reading.

use super::scalar::Scalar;
use super::SpanKind;

/// Attributes kept from a span. The names (rare: only calls to other systems carry them) sit behind one box, so
/// a span that has none stays small and cheap to move.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanAttributes {
    pub names: Option<Box<AttributeNames>>,
    pub http_status: Option<i64>,
    pub grpc_status: Option<i64>,
    /// Status ERROR (OTLP `status.code`, Jaeger/Zipkin `error` tag, `otel.status_code`).
    pub status_error: bool,
    /// The span carries a database statement (`db.statement`, `db.query.text`, Brave's `sql.query`): a database
    /// call even without `db.system`.
    pub db_query: bool,
}

/// The attributes that name what a span called: where virtual nodes get their names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeNames {
    pub peer_service: Option<String>,
    pub db_system: Option<String>,
    pub db_name: Option<String>,
    pub server_address: Option<String>,
    pub messaging_destination: Option<String>,
}

/// Attribute values longer than this are cut: names of virtual nodes, not payloads.
const MAX_VALUE_CHARS: usize = 256;

fn keep(value: &Scalar<'_>) -> Option<String> {
    let text = value.to_text()?;
    let cut = match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((i, _)) => &text[..i],
        None => &text,
    };
    (!cut.is_empty()).then(|| cut.to_owned())
}

impl SpanAttributes {
    pub fn peer_service(&self) -> Option<&str> {
        self.names.as_ref()?.peer_service.as_deref()
    }
    pub fn db_system(&self) -> Option<&str> {
        self.names.as_ref()?.db_system.as_deref()
    }
    pub fn db_name(&self) -> Option<&str> {
        self.names.as_ref()?.db_name.as_deref()
    }
    pub fn server_address(&self) -> Option<&str> {
        self.names.as_ref()?.server_address.as_deref()
    }
    pub fn messaging_destination(&self) -> Option<&str> {
        self.names.as_ref()?.messaging_destination.as_deref()
    }

    /// The names, boxed on first use.
    pub fn names_mut(&mut self) -> &mut AttributeNames {
        self.names.get_or_insert_with(Box::default)
    }

    /// Applies one attribute/tag. Returns the span kind if the key is Jaeger/OpenTracing's `span.kind` tag.
    pub(crate) fn apply(&mut self, key: &str, value: &Scalar<'_>) -> Option<SpanKind> {
        match key {
            "peer.service" => self.names_mut().peer_service = keep(value),
            "db.system" | "db.system.name" | "db.type" => self.names_mut().db_system = keep(value),
            "db.name" | "db.namespace" | "db.instance" => self.names_mut().db_name = keep(value),
            "server.address" | "net.peer.name" | "peer.hostname" if self.server_address().is_none() => {
                self.names_mut().server_address = keep(value)
            }
            "messaging.destination.name" | "messaging.destination" | "message_bus.destination" => {
                self.names_mut().messaging_destination = keep(value)
            }
            "db.statement" | "db.query.text" | "sql.query" => self.db_query = true,
            "http.response.status_code" | "http.status_code" => self.http_status = value.as_i64(),
            "rpc.grpc.status_code" => self.grpc_status = value.as_i64(),
            // Zipkin marks failures by the tag's presence (its value is a message, often empty); Jaeger by `true`.
            "error" => {
                self.status_error |= match value {
                    Scalar::Str(s) => !s.eq_ignore_ascii_case("false"),
                    other => other.truthy(),
                }
            }
            "otel.status_code" => self.status_error |= value.as_str() == Some("ERROR"),
            "span.kind" => return value.as_str().map(kind_from_name),
            _ => {}
        }
        None
    }

    /// Status ERROR, HTTP ≥ 500 or a non-OK gRPC status.
    pub fn is_error(&self) -> bool {
        self.status_error
            || self.http_status.is_some_and(|s| s >= 500)
            || self.grpc_status.is_some_and(|s| s != 0)
    }
}

/// A kind name in any of the spellings we meet: OTLP `SPAN_KIND_SERVER`, Zipkin `SERVER`, Jaeger `server`.
pub(crate) fn kind_from_name(name: &str) -> SpanKind {
    let bare = name.strip_prefix("SPAN_KIND_").unwrap_or(name);
    match bare.to_ascii_lowercase().as_str() {
        "server" => SpanKind::Server,
        "client" => SpanKind::Client,
        "producer" => SpanKind::Producer,
        "consumer" => SpanKind::Consumer,
        "internal" => SpanKind::Internal,
        _ => SpanKind::Unspecified,
    }
}

/// One `{ "key": …, "value": … }` entry, as OTLP attributes (`value` an `AnyValue` object) and Jaeger tags
/// (`value` a plain JSON scalar, beside a `type`) both write it. Either order of fields is accepted.
pub(crate) struct KeyValue<'de> {
    pub key: Option<std::borrow::Cow<'de, str>>,
    pub value: Scalar<'de>,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum KeyValueField {
    Key,
    Value,
    #[serde(other)]
    Other,
}

impl<'de> serde::Deserialize<'de> for KeyValue<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyValue<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key/value object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = KeyValue { key: None, value: Scalar::Null };
                while let Some(field) = map.next_key::<KeyValueField>()? {
                    match field {
                        KeyValueField::Key => {
                            out.key = match map.next_value::<Scalar<'de>>()? {
                                Scalar::Str(s) => Some(s),
                                _ => None,
                            }
                        }
                        KeyValueField::Value => out.value = map.next_value_seed(super::scalar::AnyValue)?,
                        KeyValueField::Other => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
            // Anything else in a tag list is skipped, not fatal.
            super::scalar::visit_non_objects!(KeyValue { key: None, value: Scalar::Null });
        }
        deserializer.deserialize_any(V)
    }
}

/// A list of [`KeyValue`]s applied to `attributes` as it is read (no list is collected). `kind` receives a
/// `span.kind` tag; `service` receives `service.name` (resources, Jaeger process tags).
pub(crate) struct KeyValueList<'a> {
    pub attributes: &'a mut SpanAttributes,
    pub kind: Option<&'a mut SpanKind>,
    pub service: Option<&'a mut Option<String>>,
}

super::scalar::seed_via_visitor!(KeyValueList<'_>);

impl<'de> serde::de::Visitor<'de> for KeyValueList<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of key/value objects")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(kv) = seq.next_element::<KeyValue<'de>>()? {
            let Some(key) = kv.key else { continue };
            if key == "service.name" {
                if let (Some(slot), Some(name)) = (self.service.as_deref_mut(), kv.value.as_str()) {
                    *slot = Some(name.to_owned());
                }
                continue;
            }
            if let Some(kind) = self.attributes.apply(&key, &kv.value) {
                if let Some(slot) = self.kind.as_deref_mut() {
                    *slot = kind;
                }
            }
        }
        Ok(())
    }
    // Zipkin writes tags as an object; a wrong type elsewhere is skipped rather than failing the document.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Scalar<'de>>()? {
            let value = map.next_value::<Scalar<'de>>()?;
            if let Some(key) = key.as_str() {
                self.attributes.apply(key, &value);
            }
        }
        Ok(())
    }
    super::scalar::visit_scalars!(());
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ServiceNameField {
    ServiceName,
    #[serde(other)]
    Other,
}

/// An object naming a service in `serviceName`: a Jaeger process, a Zipkin endpoint. Empty names are no names.
pub(crate) struct ServiceNameObject;

super::scalar::seed_via_visitor!(ServiceNameObject);

impl<'de> serde::de::Visitor<'de> for ServiceNameObject {
    type Value = Option<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with serviceName")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        let mut service = None;
        while let Some(field) = map.next_key::<ServiceNameField>()? {
            match field {
                ServiceNameField::ServiceName => {
                    service = map.next_value::<Scalar>()?.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
                }
                ServiceNameField::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(service)
    }
    super::scalar::visit_non_objects!(None);
}
