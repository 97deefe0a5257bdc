//! The few span attributes pairing and virtual nodes need, read from OTLP attributes, Jaeger tags and Zipkin tags.
//!
//! Owns which attribute keys we keep (current semantic conventions and the older names still in the wild) and
//! what counts as an error. Everything else in a span's attributes is skipped while reading.

use std::borrow::Cow;

use super::json::{self, Kind, Reader};
use super::limits::bounded_text;
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

/// A value kept as a name, cut to [`super::MAX_VALUE_CHARS`] (names of virtual nodes, not payloads); a cut is
/// counted in `truncated`.
fn keep(value: &Scalar<'_>, truncated: &mut u32) -> Option<String> {
    let (text, cut) = value.to_bounded_text()?;
    *truncated += u32::from(cut);
    (!text.is_empty()).then(|| text.into_owned())
}

/// An attribute key we use, in any of its spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attribute {
    ServiceName,
    SpanKind,
    PeerService,
    DbSystem,
    DbName,
    ServerAddress,
    MessagingDestination,
    DbQuery,
    HttpStatus,
    GrpcStatus,
    Error,
    OtelStatus,
}

impl Attribute {
    /// The role of a key, compared as bytes (keys are never decoded); `None` for every key we skip.
    pub fn from_key(key: &[u8]) -> Option<Attribute> {
        Some(match key {
            b"service.name" => Attribute::ServiceName,
            b"span.kind" => Attribute::SpanKind,
            b"peer.service" => Attribute::PeerService,
            b"db.system" | b"db.system.name" | b"db.type" => Attribute::DbSystem,
            b"db.name" | b"db.namespace" | b"db.instance" => Attribute::DbName,
            b"server.address" | b"net.peer.name" | b"peer.hostname" => Attribute::ServerAddress,
            b"messaging.destination.name" | b"messaging.destination" | b"message_bus.destination" => {
                Attribute::MessagingDestination
            }
            b"db.statement" | b"db.query.text" | b"sql.query" => Attribute::DbQuery,
            b"http.response.status_code" | b"http.status_code" => Attribute::HttpStatus,
            b"rpc.grpc.status_code" => Attribute::GrpcStatus,
            // Zipkin marks failures by the tag's presence (its value is a message, often empty); Jaeger by `true`.
            b"error" => Attribute::Error,
            b"otel.status_code" => Attribute::OtelStatus,
            _ => return None,
        })
    }
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

    /// Applies one attribute or tag (`service.name` and `span.kind` are the caller's: see [`AttributeSinks`]);
    /// a kept value that is cut is counted in `truncated`.
    fn apply(&mut self, attribute: Attribute, value: &Scalar<'_>, truncated: &mut u32) {
        match attribute {
            Attribute::PeerService => self.names_mut().peer_service = keep(value, truncated),
            Attribute::DbSystem => self.names_mut().db_system = keep(value, truncated),
            Attribute::DbName => self.names_mut().db_name = keep(value, truncated),
            Attribute::ServerAddress if self.server_address().is_none() => {
                self.names_mut().server_address = keep(value, truncated)
            }
            Attribute::MessagingDestination => self.names_mut().messaging_destination = keep(value, truncated),
            Attribute::DbQuery => self.db_query = true,
            Attribute::HttpStatus => self.http_status = value.as_i64(),
            Attribute::GrpcStatus => self.grpc_status = value.as_i64(),
            Attribute::Error => {
                self.status_error |= match value {
                    Scalar::Str(s) => !s.as_bytes().eq_ignore_ascii_case(b"false"),
                    other => other.truthy(),
                }
            }
            Attribute::OtelStatus => self.status_error |= value.is_text("ERROR"),
            Attribute::ServerAddress | Attribute::ServiceName | Attribute::SpanKind => {}
        }
    }

    /// Status ERROR, HTTP ≥ 500 or a non-OK gRPC status.
    pub fn is_error(&self) -> bool {
        self.status_error
            || self.http_status.is_some_and(|s| s >= 500)
            || self.grpc_status.is_some_and(|s| s != 0)
    }
}

/// A kind name in any of the spellings we meet: OTLP `SPAN_KIND_SERVER`, Zipkin `SERVER`, Jaeger `server`.
pub(crate) fn kind_from_name(name: &[u8]) -> SpanKind {
    let bare = name.strip_prefix(b"SPAN_KIND_").unwrap_or(name);
    [
        ("server", SpanKind::Server),
        ("client", SpanKind::Client),
        ("producer", SpanKind::Producer),
        ("consumer", SpanKind::Consumer),
        ("internal", SpanKind::Internal),
    ]
    .into_iter()
    .find_map(|(spelling, kind)| bare.eq_ignore_ascii_case(spelling.as_bytes()).then_some(kind))
    .unwrap_or(SpanKind::Unspecified)
}

/// Where a list of attributes or tags goes: the span's attributes, and the two keys its reader handles itself.
pub(crate) struct AttributeSinks<'t> {
    /// `None` where only the two keys below are wanted (an OTLP resource): the others are read and dropped.
    pub attributes: Option<&'t mut SpanAttributes>,
    /// Receives a `span.kind` tag (Jaeger, OpenTracing).
    pub kind: Option<&'t mut SpanKind>,
    /// Receives `service.name` (OTLP resources).
    pub service: Option<&'t mut Option<String>>,
    /// Counts the values cut to [`super::MAX_VALUE_CHARS`].
    pub truncated: &'t mut u32,
}

impl AttributeSinks<'_> {
    fn apply(&mut self, attribute: Attribute, value: &Scalar<'_>) {
        match attribute {
            Attribute::ServiceName => {
                if let (Some(slot), Scalar::Str(name)) = (self.service.as_deref_mut(), value) {
                    let (name, cut) = bounded_text(name.as_bytes());
                    *self.truncated += u32::from(cut);
                    *slot = Some(name.into_owned());
                }
            }
            Attribute::SpanKind => {
                if let (Some(slot), Some(name)) = (self.kind.as_deref_mut(), value.as_bytes()) {
                    *slot = kind_from_name(name);
                }
            }
            _ => {
                if let Some(attributes) = self.attributes.as_deref_mut() {
                    attributes.apply(attribute, value, self.truncated);
                }
            }
        }
    }

    /// Reads a list of `{ "key": …, "value": … }` entries (OTLP attributes, whose `value` is an `AnyValue`; Jaeger
    /// tags, whose `value` is a plain scalar beside a `type`) or an object of tags (Zipkin), applying the keys we use
    /// as they are read and skipping the values of all others undecoded. A value of any other type is skipped.
    pub fn read(mut self, json: &mut Reader<'_>) -> json::Result<()> {
        match json.peek()? {
            Kind::Array => {
                json.begin_array()?;
                while json.next_element()? {
                    self.read_key_value(json)?;
                }
            }
            Kind::Object => {
                json.begin_object()?;
                while let Some(key) = json.next_key()? {
                    match Attribute::from_key(&key) {
                        Some(attribute) => self.apply(attribute, &Scalar::read(json)?),
                        None => json.skip()?,
                    }
                }
            }
            _ => json.skip()?,
        }
        Ok(())
    }

    /// One `{ "key": …, "value": … }` entry, fields in either order; anything but an object is skipped.
    fn read_key_value(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.object_or_skip()? {
            return Ok(());
        }
        // `None` until the key is read; then the attribute it names, if we use it.
        let mut attribute: Option<Option<Attribute>> = None;
        let mut value = None;
        while let Some(field) = json.next_key()? {
            match &*field {
                b"key" => {
                    attribute = Some(match json.peek()? {
                        Kind::String => Attribute::from_key(&json.string_bytes()?),
                        _ => {
                            json.skip()?;
                            None
                        }
                    })
                }
                b"value" if attribute == Some(None) => json.skip()?,
                b"value" => value = Some(Scalar::read_any_value(json)?),
                _ => json.skip()?,
            }
        }
        if let (Some(Some(attribute)), Some(value)) = (attribute, value) {
            self.apply(attribute, &value);
        }
        Ok(())
    }
}

/// An object naming a service in `serviceName`: a Jaeger process, a Zipkin endpoint. Empty names are no names;
/// anything but an object is skipped. The name is cut to [`super::MAX_VALUE_CHARS`], a cut counted in `truncated`.
pub(crate) fn read_service_name_object<'a>(
    json: &mut Reader<'a>,
    truncated: &mut u32,
) -> json::Result<Option<Cow<'a, str>>> {
    let mut service = None;
    if json.object_or_skip()? {
        while let Some(field) = json.next_key()? {
            match &*field {
                b"serviceName" => match Scalar::read(json)? {
                    Scalar::Str(name) if !name.is_empty() => {
                        let (name, cut) = name.into_bounded();
                        *truncated += u32::from(cut);
                        service = Some(name);
                    }
                    _ => service = None,
                },
                _ => json.skip()?,
            }
        }
    }
    Ok(service)
}
