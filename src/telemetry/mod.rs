//! Telemetry input formats → one normalised [`Span`].
//!
//! Owns reading OTLP/JSON, Jaeger query-API JSON and Zipkin v2 JSON, streamed: each reader pulls the document
//! through [`json::Reader`] and hands every span (or the reason it was rejected, with its location in the
//! document) to a [`SpanSink`] as soon as it is read, so no whole-document tree is ever built and one bad span
//! never costs its batch. Knows nothing of pairing, statistics, the catalog or wasm.

mod attributes;
mod detect;
pub mod jaeger;
pub(crate) mod json;
pub(crate) mod limits;
pub mod otlp;
mod scalar;
pub mod zipkin;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use thiserror::Error;

pub use attributes::{AttributeNames, SpanAttributes};
pub use detect::{detect, Detected};
pub use limits::{ReadLimits, EARLIEST_NS, MAX_VALUE_CHARS};

/// The input formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    Otlp,
    Jaeger,
    Zipkin,
}

impl Format {
    /// The `HeatMap` method that reads this format, for messages that tell a caller which one to use.
    pub fn ingest_method(self) -> &'static str {
        match self {
            Format::Otlp => "ingestOtlp",
            Format::Jaeger => "ingestJaeger",
            Format::Zipkin => "ingestZipkin",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Otlp => "OTLP",
            Format::Jaeger => "Jaeger",
            Format::Zipkin => "Zipkin",
        })
    }
}

/// A 128-bit trace id (64-bit ids from Zipkin/Jaeger are zero-extended, as those systems do themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub u128);

/// A 64-bit span id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub u64);

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// What role a span plays in a call, as OTel defines it. `Unspecified` covers spans from clients that never set
/// one (older OpenTracing/Jaeger instrumentation): pairing infers edges for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

/// A span link (OTLP `links[]`, Jaeger `FOLLOWS_FROM` references to other traces): how batch consumers name the
/// producers whose messages they handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanLink {
    pub trace_id: TraceId,
    pub span_id: SpanId,
}

/// One span, normalised from any input format. Times are nanoseconds since the Unix epoch, at least
/// [`EARLIEST_NS`], with `end_ns >= start_ns` and a duration within [`ReadLimits`] (readers reject spans where that
/// does not hold). Its service name and attribute values are at most [`MAX_VALUE_CHARS`] characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent_id: Option<SpanId>,
    pub links: Vec<SpanLink>,
    /// Shared between the spans of one resource/process, so a batch does not allocate the name per span.
    pub service: Arc<str>,
    pub kind: SpanKind,
    pub start_ns: u64,
    pub end_ns: u64,
    pub attributes: SpanAttributes,
}

impl Span {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// Whether the span failed: status ERROR, HTTP ≥ 500 or a non-OK gRPC status.
    pub fn is_error(&self) -> bool {
        self.attributes.is_error()
    }
}

/// Spans read per document are capped so no field can make a reader keep more than this many links.
pub const MAX_LINKS_PER_SPAN: usize = 128;

/// Receives what a reader reads, one span at a time.
pub trait SpanSink {
    fn span(&mut self, span: Span);
    /// `location` is a path into the document such as `resourceSpans[3].scopeSpans[0].spans[17]`.
    fn reject(&mut self, location: String, reason: RejectReason);
    /// `values` kept strings (service names, attribute values) were cut to [`MAX_VALUE_CHARS`] characters.
    fn truncated(&mut self, values: u32);
}

/// Why one span was rejected; its batch is still read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RejectReason {
    #[error("missing {0}")]
    Missing(&'static str),
    #[error("{field} is not a valid id: {detail}")]
    BadId { field: &'static str, detail: String },
    #[error("{field} is not a timestamp: {detail}")]
    BadTime { field: &'static str, detail: String },
    #[error("{end} before {start}")]
    EndBeforeStart { start: &'static str, end: &'static str },
    /// A time before [`EARLIEST_NS`]: an unset field or one in the wrong unit.
    #[error("{field} is {ns} ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)")]
    BeforeEarliest { field: &'static str, ns: u64 },
    /// A span longer than [`ReadLimits::max_span_duration_ns`].
    #[error("lasts {} s, longer than maxSpanDuration ({} s)", seconds(*.duration_ns), seconds(*.max_ns))]
    TooLong { duration_ns: u64, max_ns: u64 },
    #[error("unknown span kind {0:?}")]
    BadKind(String),
}

/// Nanoseconds as seconds, for reasons: `7200`, `0.25`.
fn seconds(ns: u64) -> f64 {
    ns as f64 / 1e9
}

/// A document that could not be read to its end: not JSON, truncated, or not the shape of the format. Spans read
/// before the failure have already reached the sink.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IngestError {
    #[error("{format} input is not valid JSON (line {line}, column {column}): {message}")]
    Syntax { format: Format, line: usize, column: usize, message: String },
    #[error("{format} input ends early (line {line}, column {column})")]
    Truncated { format: Format, line: usize, column: usize },
    #[error("{format} input does not have the expected shape (line {line}, column {column}): {message}")]
    Shape { format: Format, line: usize, column: usize, message: String },
    /// The document is plainly another format: nothing is read (it would read as zero spans and say nothing).
    #[error("this looks like {} ({}); use {}", .found.format, .found.evidence, .found.format.ingest_method())]
    WrongFormat { asked: Format, found: Detected },
    #[error("not a trace document this package reads: expected OTLP (resourceSpans, batches), Jaeger (data, or traces) or Zipkin (an array of spans)")]
    UnknownFormat,
}

impl IngestError {
    fn from_json(format: Format, bytes: &[u8], error: json::JsonError) -> Self {
        let (line, column) = error.line_column(bytes);
        match error {
            json::JsonError::Eof { .. } => IngestError::Truncated { format, line, column },
            json::JsonError::Syntax { message, .. } => IngestError::Syntax { format, line, column, message: message.into() },
            json::JsonError::Shape { message, .. } => IngestError::Shape { format, line, column, message },
        }
    }
}

/// Reads one document of `format` from `bytes`, handing every span to `sink`; spans outside `limits` are
/// rejected.
///
/// A document whose start shows it is another format is not read: [`IngestError::WrongFormat`] says which.
/// Nesting deeper than [`json::MAX_DEPTH`] (128) is an error, never a stack overflow.
///
/// Several documents one after another (JSON Lines, as the Collector's file exporter writes one request per
/// line) are read in turn. Errors name the line and column in the whole input.
pub fn read(format: Format, bytes: &[u8], limits: &ReadLimits, sink: &mut dyn SpanSink) -> Result<(), IngestError> {
    if let Some(found) = detect(bytes).filter(|found| found.format != format) {
        return Err(IngestError::WrongFormat { asked: format, found });
    }
    let mut json = json::Reader::new(bytes);
    loop {
        let read = match format {
            Format::Otlp => otlp::read(&mut json, limits, sink),
            Format::Jaeger => jaeger::read(&mut json, limits, sink),
            Format::Zipkin => zipkin::read(&mut json, limits, sink),
        };
        read.map_err(|error| IngestError::from_json(format, bytes, error))?;
        if !json.more() {
            return Ok(());
        }
    }
}

/// Builds a [`Span`] from the fields every reader collects, checking what all formats have in common.
pub(crate) struct SpanFields {
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    pub parent_id: Option<SpanId>,
    pub links: Vec<SpanLink>,
    pub kind: SpanKind,
    pub start_ns: Option<u64>,
    pub end_ns: Option<u64>,
    pub attributes: SpanAttributes,
    /// The first field that could not be read: the span is rejected for it, after the rest is read.
    pub problem: Option<RejectReason>,
    /// Values of this span cut to [`MAX_VALUE_CHARS`] (its attributes, and its service when the span names it).
    pub truncated: u32,
}

impl SpanFields {
    pub fn new() -> Self {
        SpanFields {
            trace_id: None,
            span_id: None,
            parent_id: None,
            links: Vec::new(),
            kind: SpanKind::Unspecified,
            start_ns: None,
            end_ns: None,
            attributes: SpanAttributes::default(),
            problem: None,
            truncated: 0,
        }
    }

    /// Keeps the first problem met while reading the span's fields.
    #[inline]
    pub fn note(&mut self, outcome: Result<(), RejectReason>) {
        if let Err(reason) = outcome {
            self.problem.get_or_insert(reason);
        }
    }

    pub fn read_trace_id(&mut self, field: &'static str, value: &scalar::Scalar<'_>) -> Result<(), RejectReason> {
        self.trace_id = scalar::trace_id(value).map_err(|detail| RejectReason::BadId { field, detail })?;
        Ok(())
    }

    pub fn read_span_id(&mut self, field: &'static str, value: &scalar::Scalar<'_>) -> Result<(), RejectReason> {
        self.span_id = scalar::span_id(value).map_err(|detail| RejectReason::BadId { field, detail })?;
        Ok(())
    }

    pub fn read_parent_id(&mut self, field: &'static str, value: &scalar::Scalar<'_>) -> Result<(), RejectReason> {
        let parent = scalar::span_id(value).map_err(|detail| RejectReason::BadId { field, detail })?;
        // The first parent named wins (Jaeger may name one in `parentSpanID` and again in `references`).
        self.parent_id = self.parent_id.or(parent);
        Ok(())
    }

    /// Sets the end from a duration (Jaeger, Zipkin), once the start is known; an end out of range is a problem.
    pub fn end_after(&mut self, field: &'static str, duration_ns: Option<u64>) {
        if let (Some(start), Some(duration)) = (self.start_ns, duration_ns) {
            match start.checked_add(duration) {
                Some(end) => self.end_ns = Some(end),
                None => {
                    let detail = format!("{duration} ns after the start is out of range");
                    self.note(Err(RejectReason::BadTime { field, detail }));
                }
            }
        }
    }

    /// Tells `sink` how many of this span's values were cut, if any.
    #[inline]
    pub fn report_truncated(&self, sink: &mut dyn SpanSink) {
        if self.truncated > 0 {
            sink.truncated(self.truncated);
        }
    }

    /// `names` are the format's own field names for trace id, span id, start and end, used in reasons.
    pub fn finish(self, service: Arc<str>, names: [&'static str; 4], limits: &ReadLimits) -> Result<Span, RejectReason> {
        if let Some(reason) = self.problem {
            return Err(reason);
        }
        let [trace, span, start, end] = names;
        let trace_id = self.trace_id.ok_or(RejectReason::Missing(trace))?;
        let span_id = self.span_id.ok_or(RejectReason::Missing(span))?;
        let start_ns = self.start_ns.ok_or(RejectReason::Missing(start))?;
        let end_ns = self.end_ns.ok_or(RejectReason::Missing(end))?;
        limits.check_times((start, start_ns), (end, end_ns))?;
        // A span that names itself as parent would make a one-span cycle; treat it as a root.
        let parent_id = self.parent_id.filter(|p| *p != span_id);
        Ok(Span {
            trace_id,
            span_id,
            parent_id,
            links: self.links,
            service,
            kind: self.kind,
            start_ns,
            end_ns,
            attributes: self.attributes,
        })
    }
}

/// A timestamp or duration in units of `unit_ns` nanoseconds, converted to nanoseconds.
pub(crate) fn read_time(field: &'static str, value: &scalar::Scalar<'_>, unit_ns: u64) -> Result<u64, RejectReason> {
    value.as_u64().and_then(|v| scalar::to_ns(v, unit_ns)).map_err(|detail| RejectReason::BadTime { field, detail })
}

/// The service name used when a span's resource/process names none (the OTel SDK's own default).
pub(crate) fn unknown_service() -> Arc<str> {
    Arc::from("unknown_service")
}

/// Shares one `Arc<str>` per distinct service name within a document, capped so hostile input cannot grow it.
/// Names come here already cut to [`MAX_VALUE_CHARS`].
#[derive(Default)]
pub(crate) struct ServiceNames {
    names: foldhash::HashMap<String, Arc<str>>,
}

impl ServiceNames {
    const MAX: usize = 4096;

    pub fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(found) = self.names.get(name) {
            return found.clone();
        }
        let shared: Arc<str> = Arc::from(name);
        if self.names.len() < Self::MAX {
            self.names.insert(name.to_owned(), shared.clone());
        }
        shared
    }
}

#[cfg(test)]
mod tests;
