//! Prometheus `/api/v1/query` answers, read as they stream: the envelope and an instant vector.
//!
//! Owns the envelope (`status`, `data.resultType`, `data.result`, `errorType`, `error`, `warnings`, `infos`, in any
//! key order), vector entries (`metric` labels with `value: [t, "v"]` or a native `histogram: [t, {count, sum,
//! buckets}]`), and grouping float samples that carry `le` into classic histograms. Bytes go through the crate's
//! pull reader (`telemetry/json.rs`), so no whole-document tree is built; kept text is cut as `telemetry/limits.rs`
//! cuts it. A malformed entry is skipped with a typed, counted warning and the rest are kept; an error envelope is a
//! typed error. It does not know which query was asked, nor what the labels mean.

use std::collections::BTreeMap;

use thiserror::Error;

use super::histogram::{
    check_count, parse_bound, parse_count, parse_float, Bucket, BucketError, BucketHistogram, NativeBucket,
    NativeHistogram,
};
use crate::quote;
use crate::telemetry::json::{self, Kind, Number, Reader};
use crate::telemetry::limits::{bounded_text, keep_first, read_bounded_map};

/// Labels kept per entry; more are dropped and counted as cut (a service-graph series has under ten).
pub const MAX_LABELS: usize = 64;
pub use crate::telemetry::limits::MAX_DESCRIBED;
/// `warnings` and `infos` kept from the envelope, each.
pub const MAX_NOTES: usize = 16;

/// A label set: name → value, as given (`failed="true"`, `__metrics_gen_instance`, `__name__` included).
pub type Labels = BTreeMap<String, String>;

/// One series' value at the query's time.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleValue {
    /// `value: [t, "v"]`; `"NaN"`, `"+Inf"` and `"-Inf"` are read as such.
    Float(f64),
    /// `histogram: [t, {…}]`.
    Histogram(NativeHistogram),
}

/// One entry of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// Seconds since the Unix epoch, as Prometheus writes it.
    pub time: f64,
    pub value: SampleValue,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.get(name).map(String::as_str)
    }
}

/// Why one entry of `data.result` was skipped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EntryProblem {
    #[error("not an object")]
    NotAnObject,
    #[error("`metric` is not an object of strings")]
    BadMetric,
    #[error("neither `value` nor `histogram`")]
    NoValue,
    #[error("both `value` and `histogram`")]
    BothValues,
    #[error("`{0}` is not [time, value]")]
    BadPair(&'static str),
    #[error("value {} is not a number", quote::quoted(.0))]
    BadValue(String),
    #[error("histogram: {0}")]
    BadHistogramShape(&'static str),
    #[error("histogram: {0}")]
    BadBucket(BucketError),
}

impl EntryProblem {
    /// Stable, for warnings.
    pub fn code(&self) -> &'static str {
        match self {
            EntryProblem::NotAnObject => "prometheus.entry-not-object",
            EntryProblem::BadMetric => "prometheus.bad-metric",
            EntryProblem::NoValue => "prometheus.no-value",
            EntryProblem::BothValues => "prometheus.both-values",
            EntryProblem::BadPair(_) => "prometheus.bad-sample",
            EntryProblem::BadValue(_) => "prometheus.bad-value",
            EntryProblem::BadHistogramShape(_) => "prometheus.bad-histogram",
            EntryProblem::BadBucket(error) => error.code(),
        }
    }
}

/// A skipped entry: its index in `data.result` and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedEntry {
    pub index: usize,
    pub problem: EntryProblem,
}

impl std::fmt::Display for SkippedEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "data.result[{}] skipped: {}", self.index, self.problem)
    }
}

/// A successful instant-query answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstantVector {
    pub samples: Vec<Sample>,
    /// Prometheus's own `warnings` and `infos` (at most [`MAX_NOTES`] each, each cut to 200 characters).
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
    /// The first [`MAX_DESCRIBED`] skipped entries; `skipped_total` counts them all.
    pub skipped: Vec<SkippedEntry>,
    pub skipped_total: usize,
    /// Label names and values cut to 256 characters, and labels past [`MAX_LABELS`] dropped.
    pub truncated: u32,
}

/// Why an answer gave no vector.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResponseError {
    /// `status: "error"`: Prometheus's `errorType` (e.g. `bad_data`, `execution`, `timeout`) and `error` text, cut.
    #[error("Prometheus answered {error_type}: {error}")]
    Api { error_type: String, error: String },
    #[error("Prometheus answer is not valid JSON (line {line}, column {column}): {message}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("Prometheus answer ends early (line {line}, column {column})")]
    Truncated { line: usize, column: usize },
    #[error("Prometheus answer does not have the expected shape (line {line}, column {column}): {message}")]
    Shape { line: usize, column: usize, message: String },
    #[error("Prometheus answer has no `status`")]
    NoStatus,
    #[error("Prometheus answer has status {}, expected \"success\" or \"error\"", quote::quoted(.0))]
    UnknownStatus(String),
    /// An instant query always answers a vector for the queries we plan; a scalar, string or matrix means the
    /// query text was not ours.
    #[error("Prometheus answered a {}, expected a vector", quote::shortened(.0))]
    NotVector(String),
}

impl ResponseError {
    /// Stable, for warnings and poll failures.
    pub fn code(&self) -> &'static str {
        match self {
            ResponseError::Api { .. } => "prometheus.api-error",
            ResponseError::Syntax { .. } | ResponseError::Truncated { .. } | ResponseError::Shape { .. } => {
                "prometheus.unreadable"
            }
            ResponseError::NoStatus | ResponseError::UnknownStatus(_) => "prometheus.bad-envelope",
            ResponseError::NotVector(_) => "prometheus.not-vector",
        }
    }

    fn from_json(bytes: &[u8], error: json::JsonError) -> Self {
        let (line, column) = error.line_column(bytes);
        match error {
            json::JsonError::Eof { .. } => ResponseError::Truncated { line, column },
            json::JsonError::Syntax { message, .. } => ResponseError::Syntax { line, column, message: message.into() },
            json::JsonError::Shape { message, .. } => ResponseError::Shape { line, column, message },
        }
    }
}

/// Reads one `/api/v1/query` answer.
pub fn read_instant(bytes: &[u8]) -> Result<InstantVector, ResponseError> {
    let mut json = Reader::new(bytes);
    let mut envelope = Envelope::default();
    envelope.read(&mut json).map_err(|error| ResponseError::from_json(bytes, error))?;
    if json.more() {
        let error = json.shape("the end of the answer");
        return Err(ResponseError::from_json(bytes, error));
    }
    match envelope.status.as_deref() {
        None => Err(ResponseError::NoStatus),
        Some("error") => Err(ResponseError::Api {
            error_type: envelope.error_type.unwrap_or_else(|| "an error".to_owned()),
            error: envelope.error.unwrap_or_default(),
        }),
        Some("success") => match envelope.result_type.as_deref() {
            Some("vector") => Ok(envelope.vector),
            // No `resultType` but a result: only a vector's entries would have been kept.
            None if envelope.seen_result => Ok(envelope.vector),
            Some(other) => Err(ResponseError::NotVector(other.to_owned())),
            None => Err(ResponseError::NotVector("answer without data".to_owned())),
        },
        Some(other) => Err(ResponseError::UnknownStatus(other.to_owned())),
    }
}

#[derive(Default)]
struct Envelope {
    status: Option<String>,
    result_type: Option<String>,
    error_type: Option<String>,
    error: Option<String>,
    seen_result: bool,
    vector: InstantVector,
}

impl Envelope {
    fn read(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.begin_object()? {
            return Err(json.shape("a Prometheus answer {\"status\": …}"));
        }
        while let Some(key) = json.next_key()? {
            match &*key {
                b"status" => self.status = short_string(json, quote::QUOTED_CHARS)?,
                b"errorType" => self.error_type = short_string(json, quote::QUOTED_CHARS)?,
                b"error" => self.error = short_string(json, quote::MESSAGE_CHARS)?,
                b"warnings" => read_notes(json, &mut self.vector.warnings)?,
                b"infos" => read_notes(json, &mut self.vector.infos)?,
                b"data" => self.read_data(json)?,
                _ => json.skip()?,
            }
        }
        Ok(())
    }

    fn read_data(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.object_or_skip()? {
            return Ok(());
        }
        while let Some(key) = json.next_key()? {
            match &*key {
                b"resultType" => self.result_type = short_string(json, quote::QUOTED_CHARS)?,
                b"result" => {
                    self.seen_result = true;
                    self.read_result(json)?;
                }
                _ => json.skip()?,
            }
        }
        Ok(())
    }

    fn read_result(&mut self, json: &mut Reader<'_>) -> json::Result<()> {
        if !json.array_or_skip()? {
            return Ok(());
        }
        let mut index = 0;
        while json.next_element()? {
            match read_entry(json, &mut self.vector.truncated)? {
                Ok(sample) => self.vector.samples.push(sample),
                Err(problem) => {
                    keep_first(&mut self.vector.skipped, &mut self.vector.skipped_total, SkippedEntry { index, problem })
                }
            }
            index += 1;
        }
        Ok(())
    }
}

/// A string cut to `max_chars` (through the 256-character cut every kept string takes); `None` if not a string.
fn short_string(json: &mut Reader<'_>, max_chars: usize) -> json::Result<Option<String>> {
    if json.peek()? != Kind::String {
        json.skip()?;
        return Ok(None);
    }
    let bytes = json.string_bytes()?;
    let (text, _) = bounded_text(&bytes);
    Ok(Some(quote::cut(&text, max_chars).into_owned()))
}

/// `warnings` / `infos`: an array of strings, at most [`MAX_NOTES`] kept.
fn read_notes(json: &mut Reader<'_>, notes: &mut Vec<String>) -> json::Result<()> {
    if !json.array_or_skip()? {
        return Ok(());
    }
    while json.next_element()? {
        match short_string(json, quote::MESSAGE_CHARS)? {
            Some(note) if notes.len() < MAX_NOTES => notes.push(note),
            _ => {}
        }
    }
    Ok(())
}

/// Skips what is left of the array the cursor is in.
fn drain_array(json: &mut Reader<'_>) -> json::Result<()> {
    while json.next_element()? {
        json.skip()?;
    }
    Ok(())
}

/// One entry of `data.result`; the whole value is consumed whatever its problem.
fn read_entry(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Result<Sample, EntryProblem>> {
    if !json.object_or_skip()? {
        return Ok(Err(EntryProblem::NotAnObject));
    }
    let mut labels = Ok(Labels::new());
    let mut float = None;
    let mut histogram = None;
    while let Some(key) = json.next_key()? {
        match &*key {
            b"metric" => labels = read_labels(json, truncated)?,
            b"value" => float = Some(read_float_pair(json)?),
            b"histogram" => histogram = Some(read_histogram_pair(json)?),
            _ => json.skip()?,
        }
    }
    let labels = match labels {
        Ok(labels) => labels,
        Err(problem) => return Ok(Err(problem)),
    };
    let (time, value) = match (float, histogram) {
        (Some(_), Some(_)) => return Ok(Err(EntryProblem::BothValues)),
        (None, None) => return Ok(Err(EntryProblem::NoValue)),
        (Some(Ok((time, value))), None) => (time, SampleValue::Float(value)),
        (None, Some(Ok((time, histogram)))) => (time, SampleValue::Histogram(histogram)),
        (Some(Err(problem)), None) | (None, Some(Err(problem))) => return Ok(Err(problem)),
    };
    Ok(Ok(Sample { labels, time, value }))
}

/// `metric: {name: value, …}`, names and values cut to 256 characters.
fn read_labels(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Result<Labels, EntryProblem>> {
    Ok(read_bounded_map(json, MAX_LABELS, truncated)?.ok_or(EntryProblem::BadMetric))
}

/// The time of a `[t, …]` pair: a JSON number of seconds.
fn read_time(json: &mut Reader<'_>) -> json::Result<Option<f64>> {
    if json.peek()? != Kind::Number {
        json.skip()?;
        return Ok(None);
    }
    Ok(Some(match json.number()? {
        Number::U64(v) => v as f64,
        Number::I64(v) => v as f64,
        Number::F64(v) => v,
    }))
}

/// `[t, second]` with `second` read by `read_second`; any other shape is [`EntryProblem::BadPair`].
fn read_pair<T>(
    json: &mut Reader<'_>,
    field: &'static str,
    read_second: impl FnOnce(&mut Reader<'_>) -> json::Result<Result<T, EntryProblem>>,
) -> json::Result<Result<(f64, T), EntryProblem>> {
    if !json.array_or_skip()? {
        return Ok(Err(EntryProblem::BadPair(field)));
    }
    let time = if json.next_element()? { read_time(json)? } else { return Ok(Err(EntryProblem::BadPair(field))) };
    let second = if json.next_element()? { read_second(json)? } else { return Ok(Err(EntryProblem::BadPair(field))) };
    if json.next_element()? {
        json.skip()?;
        drain_array(json)?;
        return Ok(Err(EntryProblem::BadPair(field)));
    }
    Ok(match (time, second) {
        (None, _) => Err(EntryProblem::BadPair(field)),
        (Some(time), second) => second.map(|second| (time, second)),
    })
}

/// A string holding a number, kept as text for the check that follows; a non-string is `None`.
fn number_text(json: &mut Reader<'_>) -> json::Result<Option<String>> {
    if json.peek()? != Kind::String {
        json.skip()?;
        return Ok(None);
    }
    let bytes = json.string_bytes()?;
    Ok(Some(bounded_text(&bytes).0.into_owned()))
}

fn read_float_pair(json: &mut Reader<'_>) -> json::Result<Result<(f64, f64), EntryProblem>> {
    read_pair(json, "value", |json| {
        Ok(match number_text(json)? {
            None => Err(EntryProblem::BadPair("value")),
            Some(text) => parse_float(&text).ok_or(EntryProblem::BadValue(text)),
        })
    })
}

fn read_histogram_pair(json: &mut Reader<'_>) -> json::Result<Result<(f64, NativeHistogram), EntryProblem>> {
    read_pair(json, "histogram", read_histogram)
}

/// `{count, sum, buckets: [[rule, "lower", "upper", "count"], …]}`; `buckets` may be absent (no observations).
fn read_histogram(json: &mut Reader<'_>) -> json::Result<Result<NativeHistogram, EntryProblem>> {
    if !json.object_or_skip()? {
        return Ok(Err(EntryProblem::BadHistogramShape("not an object")));
    }
    let (mut count, mut sum) = (None, None);
    let mut buckets = Ok(Vec::new());
    while let Some(key) = json.next_key()? {
        match &*key {
            b"count" => count = Some(number_text(json)?),
            b"sum" => sum = Some(number_text(json)?),
            b"buckets" => buckets = read_native_buckets(json)?,
            _ => json.skip()?,
        }
    }
    let count = match count {
        None | Some(None) => return Ok(Err(EntryProblem::BadHistogramShape("`count` is not a string"))),
        Some(Some(text)) => match parse_count(&text) {
            Ok(count) => count,
            Err(error) => return Ok(Err(EntryProblem::BadBucket(error))),
        },
    };
    let sum = match sum {
        None | Some(None) => return Ok(Err(EntryProblem::BadHistogramShape("`sum` is not a string"))),
        Some(Some(text)) => match parse_float(&text) {
            Some(sum) => sum,
            None => return Ok(Err(EntryProblem::BadValue(text))),
        },
    };
    Ok(buckets.map(|buckets| NativeHistogram::new(count, sum, buckets)))
}

fn read_native_buckets(json: &mut Reader<'_>) -> json::Result<Result<Vec<NativeBucket>, EntryProblem>> {
    if !json.array_or_skip()? {
        return Ok(Err(EntryProblem::BadHistogramShape("`buckets` is not an array")));
    }
    let mut buckets = Ok(Vec::new());
    while json.next_element()? {
        let bucket = read_native_bucket(json)?;
        if let (Ok(list), Ok(bucket)) = (&mut buckets, &bucket) {
            list.push(*bucket);
        } else if let (Ok(_), Err(problem)) = (&buckets, bucket) {
            buckets = Err(problem);
        }
    }
    Ok(buckets)
}

/// `[rule, "lower", "upper", "count"]`.
fn read_native_bucket(json: &mut Reader<'_>) -> json::Result<Result<NativeBucket, EntryProblem>> {
    const SHAPE: EntryProblem = EntryProblem::BadHistogramShape("a bucket is not [rule, lower, upper, count]");
    if !json.array_or_skip()? {
        return Ok(Err(SHAPE));
    }
    if !json.next_element()? {
        return Ok(Err(SHAPE));
    }
    let rule = if json.peek()? == Kind::Number {
        match json.number()? {
            Number::U64(rule) => Some(rule),
            _ => None,
        }
    } else {
        json.skip()?;
        None
    };
    let mut texts = Vec::with_capacity(3);
    while json.next_element()? {
        if texts.len() < 4 {
            texts.push(number_text(json)?);
        } else {
            json.skip()?;
        }
    }
    Ok(match (rule, texts.as_slice()) {
        (Some(rule), [Some(lower), Some(upper), Some(count)]) => {
            NativeBucket::from_strings(rule, lower, upper, count).map_err(EntryProblem::BadBucket)
        }
        _ => Err(SHAPE),
    })
}

/// Classic histograms from the float samples of a `… by (…, le)` query: one per label set without `le`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BucketSeries {
    /// Each label set (without `le`) with its buckets, in label order.
    pub histograms: Vec<(Labels, BucketHistogram)>,
    /// Samples that could not be a bucket: no `le`, a bad `le`, a bad count, or a native histogram. Each with its
    /// index in the samples.
    pub skipped: Vec<(usize, EntryProblem)>,
}

impl InstantVector {
    /// Groups the samples into classic histograms by their labels other than `le`. A sample that cannot be a
    /// bucket is left out of its histogram, the rest kept — as `histogram_quantile` ignores a bucket whose `le`
    /// does not parse.
    pub fn bucket_series(&self) -> BucketSeries {
        // Keyed by borrowed labels (sorted, as the map iterates): one copy per histogram, not per bucket.
        let mut groups: BTreeMap<Vec<(&str, &str)>, Vec<Bucket>> = BTreeMap::new();
        let mut skipped = Vec::new();
        for (index, sample) in self.samples.iter().enumerate() {
            match bucket_of(sample) {
                Ok(bucket) => {
                    let key = sample.labels.iter().filter(|(name, _)| *name != "le");
                    groups.entry(key.map(|(n, v)| (n.as_str(), v.as_str())).collect()).or_default().push(bucket);
                }
                Err(problem) => skipped.push((index, problem)),
            }
        }
        let histograms = groups
            .into_iter()
            .map(|(key, buckets)| {
                let labels = key.into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
                (labels, BucketHistogram::from_buckets(buckets))
            })
            .collect();
        BucketSeries { histograms, skipped }
    }
}

/// A bucket sample's bucket.
fn bucket_of(sample: &Sample) -> Result<Bucket, EntryProblem> {
    let SampleValue::Float(value) = sample.value else {
        return Err(EntryProblem::BadHistogramShape("a native histogram where buckets were asked"));
    };
    let le = sample.label("le").ok_or(EntryProblem::BadHistogramShape("no `le` label"))?;
    Ok(Bucket {
        le: parse_bound(le).map_err(EntryProblem::BadBucket)?,
        cumulative: check_count(value).map_err(EntryProblem::BadBucket)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> InstantVector {
        read_instant(text.as_bytes()).expect("a vector")
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_the_live_vector_answer() {
        let answer = read(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"frontend","server":"cart"},"value":[1796255520,"0.2"]},{"metric":{"client":"frontend","server":"db","connection_type":"database"},"value":[1796255520.5,"NaN"]},{"metric":{},"value":[1796255520,"+Inf"]},{"metric":{},"value":[1796255520,"-Inf"]}]}}"#,
        );
        assert_eq!(answer.samples.len(), 4);
        assert_eq!(
            answer.samples[0],
            Sample {
                labels: labels(&[("client", "frontend"), ("server", "cart")]),
                time: 1796255520.0,
                value: SampleValue::Float(0.2)
            }
        );
        // An empty connection_type vanishes in Prometheus: absent, not "".
        assert_eq!(answer.samples[0].label("connection_type"), None);
        assert_eq!(answer.samples[1].label("connection_type"), Some("database"));
        assert_eq!(answer.samples[1].time, 1796255520.5);
        assert!(matches!(answer.samples[1].value, SampleValue::Float(v) if v.is_nan()));
        assert_eq!(answer.samples[2].value, SampleValue::Float(f64::INFINITY));
        assert_eq!(answer.samples[3].value, SampleValue::Float(f64::NEG_INFINITY));
        assert_eq!((answer.skipped_total, answer.truncated, answer.warnings.len()), (0, 0, 0));
    }

    #[test]
    fn keys_come_in_any_order_with_warnings_and_infos() {
        let answer = read(
            r#"{"infos":["PromQL info: metric might not be a counter"],"data":{"result":[{"value":[1,"3"],"metric":{"__metrics_gen_instance":"tempo-gen-0","failed":"true","client":"a","server":"b"}}],"resultType":"vector"},"warnings":["PromQL warning: x"],"status":"success"}"#,
        );
        assert_eq!(answer.infos, ["PromQL info: metric might not be a counter"]);
        assert_eq!(answer.warnings, ["PromQL warning: x"]);
        assert_eq!(
            answer.samples[0].labels,
            labels(&[("__metrics_gen_instance", "tempo-gen-0"), ("client", "a"), ("failed", "true"), ("server", "b")])
        );
    }

    #[test]
    fn an_empty_result_is_an_empty_vector() {
        assert_eq!(
            read(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
            InstantVector::default()
        );
    }

    #[test]
    fn reads_native_histograms() {
        let answer = read(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"a","server":"b"},"histogram":[1796255520,{"count":"10","sum":"1.55","buckets":[[0,"0.5","1","1"],[0,"0.03125","0.0625","5"],[0,"0.125","0.25","4"]]}]},{"metric":{},"histogram":[1,{"count":"0","sum":"0"}]}]}}"#,
        );
        let SampleValue::Histogram(histogram) = &answer.samples[0].value else { panic!("a histogram") };
        assert_eq!((histogram.count, histogram.sum, histogram.buckets().len()), (10.0, 1.55, 3));
        assert_eq!(histogram.buckets()[0].upper, 0.0625);
        assert_eq!(histogram.quantile(0.95), Some(0.75));
        let SampleValue::Histogram(empty) = &answer.samples[1].value else { panic!("a histogram") };
        assert_eq!((empty.count, empty.buckets().len(), empty.quantile(0.5)), (0.0, 0, None));
    }

    #[test]
    fn malformed_entries_are_skipped_counted_and_typed() {
        let answer = read(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                7,
                {"metric":{"a":1},"value":[1,"1"]},
                {"metric":{}},
                {"metric":{},"value":[1,"1"],"histogram":[1,{"count":"1","sum":"1"}]},
                {"metric":{},"value":["1","1"]},
                {"metric":{},"value":[1,"1",2]},
                {"metric":{},"value":[1,"fast"]},
                {"metric":{},"histogram":[1,{"count":"1","sum":"1","buckets":[[7,"0","1","1"]]}]},
                {"metric":{},"histogram":[1,{"count":"1","sum":"1","buckets":[[0,"0","1"]]}]},
                {"metric":{},"histogram":[1,{"sum":"1"}]},
                {"metric":{"ok":"yes"},"value":[1,"2"]}
            ]}}"#,
        );
        assert_eq!(answer.samples.len(), 1);
        assert_eq!(answer.samples[0].labels, labels(&[("ok", "yes")]));
        let described: Vec<String> = answer.skipped.iter().map(|s| format!("{} {s}", s.problem.code())).collect();
        assert_eq!(
            described,
            [
                "prometheus.entry-not-object data.result[0] skipped: not an object",
                "prometheus.bad-metric data.result[1] skipped: `metric` is not an object of strings",
                "prometheus.no-value data.result[2] skipped: neither `value` nor `histogram`",
                "prometheus.both-values data.result[3] skipped: both `value` and `histogram`",
                "prometheus.bad-sample data.result[4] skipped: `value` is not [time, value]",
                "prometheus.bad-sample data.result[5] skipped: `value` is not [time, value]",
                "prometheus.bad-value data.result[6] skipped: value \"fast\" is not a number",
                "prometheus.bad-boundary-rule data.result[7] skipped: histogram: native bucket boundary rule 7 is not 0, 1, 2 or 3",
                "prometheus.bad-histogram data.result[8] skipped: histogram: a bucket is not [rule, lower, upper, count]",
                "prometheus.bad-histogram data.result[9] skipped: histogram: `count` is not a string",
            ]
        );
        assert_eq!(answer.skipped_total, 10);
    }

    #[test]
    fn skipped_entries_beyond_the_cap_are_only_counted() {
        let entries = vec!["1"; MAX_DESCRIBED + 5].join(",");
        let answer = read(&format!(r#"{{"status":"success","data":{{"resultType":"vector","result":[{entries}]}}}}"#));
        assert_eq!((answer.skipped.len(), answer.skipped_total), (MAX_DESCRIBED, MAX_DESCRIBED + 5));
    }

    #[test]
    fn long_labels_are_cut_and_counted() {
        let long = "s".repeat(300);
        let answer = read(&format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"server":"{long}","{long}":"x"}},"value":[1,"1"]}}]}}}}"#
        ));
        let kept = &answer.samples[0].labels;
        assert_eq!(kept.get("server").map(String::len), Some(256));
        assert_eq!(kept.get(&"s".repeat(256)).map(String::as_str), Some("x"));
        assert_eq!(answer.truncated, 2);
    }

    #[test]
    fn an_error_envelope_is_a_typed_error_with_bounded_text() {
        let error = read_instant(
            br#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected \"}\""}"#,
        )
        .expect_err("an error answer");
        assert_eq!(
            error,
            ResponseError::Api {
                error_type: "bad_data".into(),
                error: r#"invalid parameter "query": 1:5: parse error: unexpected "}""#.into()
            }
        );
        assert_eq!(error.code(), "prometheus.api-error");
        assert_eq!(
            error.to_string(),
            r#"Prometheus answered bad_data: invalid parameter "query": 1:5: parse error: unexpected "}""#
        );
        let huge =
            format!(r#"{{"status":"error","errorType":"{}","error":"{}"}}"#, "t".repeat(100), "e".repeat(1 << 20));
        let Err(ResponseError::Api { error_type, error }) = read_instant(huge.as_bytes()) else {
            panic!("an error answer")
        };
        assert_eq!(error_type, format!("{}…", "t".repeat(quote::QUOTED_CHARS)));
        assert_eq!(error, format!("{}…", "e".repeat(quote::MESSAGE_CHARS)));
    }

    #[test]
    fn other_answers_are_typed_errors() {
        let error = |text: &str| read_instant(text.as_bytes()).expect_err("not a vector");
        assert_eq!(
            error(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#),
            ResponseError::NotVector("scalar".into())
        );
        assert_eq!(
            error(r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"]]}]}}"#)
                .to_string(),
            "Prometheus answered a matrix, expected a vector"
        );
        assert_eq!(error(r#"{"data":{"resultType":"vector","result":[]}}"#), ResponseError::NoStatus);
        assert_eq!(
            error(r#"{"status":"maybe"}"#).to_string(),
            r#"Prometheus answer has status "maybe", expected "success" or "error""#
        );
        assert_eq!(
            error(r#"{"status":"success","data":{"resultType":"vector","result":[{"#),
            ResponseError::Truncated { line: 1, column: 62 }
        );
        assert_eq!(
            error("[]"),
            ResponseError::Shape {
                line: 1,
                column: 1,
                message: "expected a Prometheus answer {\"status\": …}, found an array".into()
            }
        );
        assert_eq!(
            error(r#"{"status":"success"} {}"#),
            ResponseError::Shape {
                line: 1,
                column: 22,
                message: "expected the end of the answer, found an object".into()
            }
        );
        assert_eq!(error(r#"{"status":"success",}"#).code(), "prometheus.unreadable");
    }

    #[test]
    fn bucket_samples_group_into_histograms_whatever_the_le_order() {
        let answer = read(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"client":"a","server":"b","le":"+Inf"},"value":[1,"1"]},
                {"metric":{"client":"a","server":"b","le":"0.2"},"value":[1,"0.95"]},
                {"metric":{"client":"a","server":"c","connection_type":"database","le":"1.0"},"value":[1,"2"]},
                {"metric":{"client":"a","server":"b","le":"0.1"},"value":[1,"0.9"]},
                {"metric":{"client":"a","server":"c","connection_type":"database","le":"+Inf"},"value":[1,"2"]},
                {"metric":{"client":"a","server":"d","le":"NaN"},"value":[1,"2"]},
                {"metric":{"client":"a","server":"e"},"value":[1,"2"]},
                {"metric":{"client":"a","server":"b","le":"0.4"},"value":[1,"NaN"]},
                {"metric":{"client":"a","server":"b"},"histogram":[1,{"count":"0","sum":"0"}]}
            ]}}"#,
        );
        let series = answer.bucket_series();
        assert_eq!(series.histograms.len(), 2);
        // In label order: `connection_type` sorts before `server`.
        let (ab_labels, ab) = &series.histograms[1];
        assert_eq!(ab_labels, &labels(&[("client", "a"), ("server", "b")]));
        assert_eq!(ab.quantile(0.95), Some(0.2));
        let (ac_labels, ac) = &series.histograms[0];
        assert_eq!(ac_labels.get("connection_type").map(String::as_str), Some("database"));
        assert_eq!(ac.buckets().iter().map(|b| b.le).collect::<Vec<_>>(), [1.0, f64::INFINITY]);
        let skipped: Vec<String> = series.skipped.iter().map(|(i, p)| format!("{i} {} {p}", p.code())).collect();
        assert_eq!(
            skipped,
            [
                "5 prometheus.bad-bucket-bound histogram: bucket bound \"NaN\" is not a number",
                "6 prometheus.bad-histogram histogram: no `le` label",
                "7 prometheus.bad-bucket-count histogram: bucket count \"NaN\" is not a non-negative number",
                "8 prometheus.bad-histogram histogram: a native histogram where buckets were asked",
            ]
        );
    }
}
