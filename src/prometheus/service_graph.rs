//! One poll round's answers gathered into the service graph they describe: per edge (client, server, connection
//! type) its server, client and messaging histograms and its request and failed-request rates.
//!
//! Owns reading each answer by what its query asked ([`QueryKind`]), mapping labels to an edge (`serviceLabels`,
//! `connection_type`, OTel's optional `virtual_node`), summing series that differ only in other labels (OTel's
//! `failed`, Tempo's `__metrics_gen_instance`, should a query not have summed them away), and taking an edge once
//! when two neighbourhood chunks both answer it. Malformed samples are skipped, counted and described; the rest is
//! kept. It does not know what an edge becomes in the latency state (`aggregate/metrics.rs`), nor how the
//! answers were fetched.

use std::collections::BTreeMap;

use serde::Serialize;
use thiserror::Error;

use super::histogram::{check_count, Histogram, MergeError};
use super::queries::QueryKind;
use super::response::{read_instant, EntryProblem, Labels, SampleValue};
use crate::telemetry::limits::keep_first;

/// Which labels name an edge's two services (`serviceLabels`; both emitters write `client` and `server`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLabels {
    pub client: String,
    pub server: String,
}

impl Default for ServiceLabels {
    fn default() -> Self {
        ServiceLabels { client: "client".to_owned(), server: "server".to_owned() }
    }
}

/// The label the emitters put the call kind in; absent for a plain call (an empty value vanishes in Prometheus).
pub const CONNECTION_TYPE: &str = "connection_type";
/// OTel's optional label naming the virtual side of a `virtual_node` edge (`client` or `server`).
pub const VIRTUAL_NODE: &str = "virtual_node";

/// An edge as the series label it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeLabels {
    pub client: String,
    pub server: String,
    /// `messaging_system`, `database`, `virtual_node`, or `None`.
    pub connection_type: Option<String>,
    /// `client` / `server` where OTel's `virtual_node_extra_label` is on.
    pub virtual_node: Option<String>,
}

/// One edge's figures from a round. Rates are per second over the rate window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeFigures {
    pub server: Option<Histogram>,
    pub client: Option<Histogram>,
    pub messaging: Option<Histogram>,
    pub requests: Option<f64>,
    pub failed: Option<f64>,
}

impl EdgeFigures {
    fn slot(&mut self, kind: QueryKind) -> Slot<'_> {
        match kind {
            QueryKind::ServerLatency => Slot::Histogram(&mut self.server),
            QueryKind::ClientLatency => Slot::Histogram(&mut self.client),
            QueryKind::MessagingLatency => Slot::Histogram(&mut self.messaging),
            QueryKind::Requests => Slot::Rate(&mut self.requests),
            QueryKind::FailedRequests => Slot::Rate(&mut self.failed),
        }
    }
}

enum Slot<'a> {
    Histogram(&'a mut Option<Histogram>),
    Rate(&'a mut Option<f64>),
}

/// Why a sample of an answer was skipped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SampleProblem {
    /// The entry itself was malformed, or could not be a bucket.
    #[error("{0}")]
    Entry(EntryProblem),
    #[error("no `{0}` label: the series names no service")]
    NoServiceLabel(String),
    #[error("a histogram where a rate was asked")]
    HistogramForRate,
    #[error("a float without `le` where a histogram was asked")]
    RateForHistogram,
    #[error("{0}")]
    Merge(MergeError),
}

impl SampleProblem {
    /// Stable, for reports.
    pub fn code(&self) -> &'static str {
        match self {
            SampleProblem::Entry(problem) => problem.code(),
            SampleProblem::NoServiceLabel(_) => "metrics.no-service-label",
            SampleProblem::HistogramForRate => "metrics.histogram-for-rate",
            SampleProblem::RateForHistogram => "metrics.rate-for-histogram",
            SampleProblem::Merge(error) => error.code(),
        }
    }
}

/// A skipped sample, as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedSample {
    pub code: &'static str,
    pub message: String,
}

/// What reading one answer did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerReport {
    /// Entries in `data.result` (skipped ones included).
    pub samples: usize,
    /// Edges the answer gave figures for (for an extra query: services it gave a value for).
    pub edges: usize,
    /// Samples skipped (every one counted), the first
    /// [`MAX_DESCRIBED`](crate::telemetry::limits::MAX_DESCRIBED) described.
    pub skipped: usize,
    pub problems: Vec<SkippedSample>,
    /// Prometheus's own `warnings`.
    pub warnings: Vec<String>,
    /// Why the answer could not be read at all (then nothing of it was taken and its figure counts as not
    /// answered); `code` is the error's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<SkippedSample>,
}

impl AnswerReport {
    fn skip(&mut self, problem: SampleProblem) {
        self.skip_described(problem.code(), problem.to_string());
    }

    /// One more skipped sample, described while fewer than
    /// [`MAX_DESCRIBED`](crate::telemetry::limits::MAX_DESCRIBED) are ([`keep_first`]).
    pub(super) fn skip_described(&mut self, code: &'static str, message: String) {
        keep_first(&mut self.problems, &mut self.skipped, SkippedSample { code, message });
    }
}

/// Which figures the round answered (a figure not answered is unknown, not zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answered {
    pub server: bool,
    pub client: bool,
    pub messaging: bool,
    pub requests: bool,
    pub failed: bool,
}

impl Answered {
    fn mark(&mut self, kind: QueryKind) {
        *match kind {
            QueryKind::ServerLatency => &mut self.server,
            QueryKind::ClientLatency => &mut self.client,
            QueryKind::MessagingLatency => &mut self.messaging,
            QueryKind::Requests => &mut self.requests,
            QueryKind::FailedRequests => &mut self.failed,
        } = true;
    }
}

/// A finished round: every edge's figures, sorted by labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceGraph {
    pub edges: Vec<(EdgeLabels, EdgeFigures)>,
    pub answered: Answered,
    /// The window the `rate()`s cover, in ms.
    pub rate_window_ms: f64,
}

/// Answers of one poll round, gathered as they arrive.
#[derive(Debug, Clone)]
pub struct ServiceGraphRound {
    labels: ServiceLabels,
    rate_window_ms: f64,
    edges: BTreeMap<EdgeLabels, EdgeFigures>,
    answered: Answered,
}

impl ServiceGraphRound {
    /// A round whose `rate()`s cover `rate_window_ms`.
    pub fn new(labels: ServiceLabels, rate_window_ms: f64) -> Self {
        ServiceGraphRound { labels, rate_window_ms, edges: BTreeMap::new(), answered: Answered::default() }
    }

    /// Reads the answer to a query of `kind` (any chunk). Never fails: an unreadable answer is reported, and the
    /// figure then counts as not answered unless another chunk's answer was read.
    pub fn add_answer(&mut self, kind: QueryKind, bytes: &[u8]) -> AnswerReport {
        let mut report =
            AnswerReport { samples: 0, edges: 0, skipped: 0, problems: Vec::new(), warnings: Vec::new(), error: None };
        let vector = match read_instant(bytes) {
            Ok(vector) => vector,
            Err(error) => {
                report.error = Some(SkippedSample { code: error.code(), message: error.to_string() });
                return report;
            }
        };
        self.answered.mark(kind);
        report.samples = vector.samples.len() + vector.skipped_total;
        report.warnings = vector.warnings.clone();
        for skipped in &vector.skipped {
            report.skip(SampleProblem::Entry(skipped.problem.clone()));
        }
        // Described or not, every skipped entry counts.
        report.skipped = vector.skipped_total;
        let mut answer: BTreeMap<EdgeLabels, EdgeFigures> = BTreeMap::new();
        let mut add = |labels: &Labels, value: Value, report: &mut AnswerReport| {
            let edge = match self.edge_labels(labels) {
                Ok(edge) => edge,
                Err(problem) => return report.skip(problem),
            };
            let figures = answer.entry(edge).or_default();
            match (figures.slot(kind), value) {
                (Slot::Rate(rate), Value::Rate(value)) => *rate = Some(rate.unwrap_or(0.0) + value),
                (Slot::Histogram(slot), Value::Histogram(histogram)) => match slot {
                    Some(mine) => {
                        if let Err(error) = mine.merge(&histogram) {
                            report.skip(SampleProblem::Merge(error));
                        }
                    }
                    None => *slot = Some(histogram),
                },
                (Slot::Rate(_), Value::Histogram(_)) => report.skip(SampleProblem::HistogramForRate),
                (Slot::Histogram(_), Value::Rate(_)) => report.skip(SampleProblem::RateForHistogram),
            }
        };
        let latency = !matches!(kind, QueryKind::Requests | QueryKind::FailedRequests);
        if latency {
            // Float samples with `le` are buckets; group them first (by every label but `le`), then sum by edge.
            let buckets = vector.bucket_series();
            for (_, problem) in buckets.skipped.iter().filter(|(index, _)| is_float(&vector.samples[*index].value)) {
                report.skip(SampleProblem::Entry(problem.clone()));
            }
            for (labels, histogram) in buckets.histograms {
                add(&labels, Value::Histogram(Histogram::Classic(histogram)), &mut report);
            }
        }
        for sample in &vector.samples {
            match (&sample.value, latency) {
                (SampleValue::Histogram(native), true) => {
                    add(&sample.labels, Value::Histogram(Histogram::Native(native.clone())), &mut report)
                }
                (SampleValue::Histogram(_), false) => report.skip(SampleProblem::HistogramForRate),
                (SampleValue::Float(_), true) => {} // a bucket, read above
                (SampleValue::Float(value), false) => match check_count(*value) {
                    Ok(rate) => add(&sample.labels, Value::Rate(rate), &mut report),
                    Err(error) => report.skip(SampleProblem::Entry(EntryProblem::BadBucket(error))),
                },
            }
        }
        report.edges = answer.len();
        for (edge, mut figures) in answer {
            let mine = self.edges.entry(edge).or_default();
            // A neighbourhood's chunks overlap on edges between their services: each answers the same figure.
            match (mine.slot(kind), figures.slot(kind)) {
                (Slot::Histogram(slot @ None), Slot::Histogram(value)) => *slot = value.take(),
                (Slot::Rate(slot @ None), Slot::Rate(value)) => *slot = value.take(),
                _ => {}
            }
        }
        report
    }

    fn edge_labels(&self, labels: &Labels) -> Result<EdgeLabels, SampleProblem> {
        let service = |name: &str| {
            labels
                .get(name)
                .filter(|value| !value.is_empty())
                .cloned()
                .ok_or_else(|| SampleProblem::NoServiceLabel(name.to_owned()))
        };
        Ok(EdgeLabels {
            client: service(&self.labels.client)?,
            server: service(&self.labels.server)?,
            connection_type: labels.get(CONNECTION_TYPE).filter(|v| !v.is_empty()).cloned(),
            virtual_node: labels.get(VIRTUAL_NODE).filter(|v| !v.is_empty()).cloned(),
        })
    }

    /// The round's service graph.
    pub fn finish(self) -> ServiceGraph {
        ServiceGraph {
            edges: self.edges.into_iter().collect(),
            answered: self.answered,
            rate_window_ms: self.rate_window_ms,
        }
    }
}

enum Value {
    Rate(f64),
    Histogram(Histogram),
}

fn is_float(value: &SampleValue) -> bool {
    matches!(value, SampleValue::Float(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prometheus::histogram::{BucketHistogram, NativeBucket, NativeHistogram};

    fn answer(entries: &str) -> String {
        format!(r#"{{"status":"success","data":{{"resultType":"vector","result":[{entries}]}}}}"#)
    }

    fn round() -> ServiceGraphRound {
        ServiceGraphRound::new(ServiceLabels::default(), 60_000.0)
    }

    const NATIVE: &str = r#"{"metric":{"client":"a","server":"b"},"histogram":[1796255520,{"count":"10","sum":"1.55","buckets":[[0,"0.03125","0.0625","5"],[0,"0.125","0.25","4"],[0,"0.5","1","1"]]}]}"#;

    #[test]
    fn native_histograms_are_read_and_summed_per_edge() {
        let mut round = round();
        let other_instance = NATIVE.replace(r#""server":"b""#, r#""server":"b","__metrics_gen_instance":"g2""#);
        let report =
            round.add_answer(QueryKind::ServerLatency, answer(&format!("{NATIVE},{other_instance}")).as_bytes());
        assert_eq!((report.samples, report.edges, report.skipped), (2, 1, 0));
        let graph = round.finish();
        let bucket = |lower, upper, count| NativeBucket::from_strings(0, lower, upper, count).expect("valid");
        let expected = NativeHistogram::new(
            20.0,
            3.1,
            vec![bucket("0.03125", "0.0625", "10"), bucket("0.125", "0.25", "8"), bucket("0.5", "1", "2")],
        );
        assert_eq!(graph.edges[0].1.server, Some(Histogram::Native(expected)));
        assert_eq!(graph.edges[0].1.server.as_ref().and_then(|h| h.quantile(0.95)), Some(0.75));
        assert!(graph.answered.server && !graph.answered.client);
    }

    #[test]
    fn overlapping_chunks_give_an_edge_once() {
        let mut round = round();
        let requests = answer(r#"{"metric":{"client":"a","server":"b"},"value":[1,"4"]}"#);
        let bucket =
            |le: &str, v: &str| format!(r#"{{"metric":{{"client":"a","server":"b","le":"{le}"}},"value":[1,"{v}"]}}"#);
        let buckets = answer(&[bucket("0.1", "1"), bucket("+Inf", "4")].join(","));
        for _ in 0..2 {
            round.add_answer(QueryKind::Requests, requests.as_bytes());
            round.add_answer(QueryKind::ClientLatency, buckets.as_bytes());
        }
        let graph = round.finish();
        assert_eq!(graph.edges.len(), 1);
        let expected = BucketHistogram::from_strings([("0.1", "1"), ("+Inf", "4")]).expect("valid");
        assert_eq!(
            (graph.edges[0].1.requests, &graph.edges[0].1.client),
            (Some(4.0), &Some(Histogram::Classic(expected)))
        );
    }

    #[test]
    fn labels_name_the_edge_and_odd_samples_are_counted() {
        let mut round = ServiceGraphRound::new(
            ServiceLabels { client: "client_service".into(), server: "server_service".into() },
            60_000.0,
        );
        let entries = [
            r#"{"metric":{"client_service":"a","server_service":"b","connection_type":"virtual_node","virtual_node":"server"},"value":[1,"2"]}"#,
            r#"{"metric":{"client":"a","server":"b"},"value":[1,"2"]}"#,
            r#"{"metric":{"client_service":"a","server_service":"b"},"value":[1,"-1"]}"#,
            &NATIVE.replace("client", "client_service").replace("server", "server_service"),
            r#"{"metric":{"client_service":"a","server_service":""},"value":[1,"2"]}"#,
        ];
        let report = round.add_answer(QueryKind::Requests, answer(&entries.join(",")).as_bytes());
        assert_eq!((report.samples, report.edges, report.skipped), (5, 1, 4));
        assert_eq!(
            report.problems.iter().map(|p| (p.code, p.message.as_str())).collect::<Vec<_>>(),
            [
                ("metrics.no-service-label", "no `client_service` label: the series names no service"),
                ("prometheus.bad-bucket-count", r#"histogram: bucket count "-1" is not a non-negative number"#),
                ("metrics.histogram-for-rate", "a histogram where a rate was asked"),
                ("metrics.no-service-label", "no `server_service` label: the series names no service"),
            ]
        );
        let graph = round.finish();
        let labels = &graph.edges[0].0;
        assert_eq!(
            (labels.connection_type.as_deref(), labels.virtual_node.as_deref()),
            (Some("virtual_node"), Some("server"))
        );
        // A float without `le` where buckets were asked.
        let mut round = self::round();
        let report = round.add_answer(
            QueryKind::ServerLatency,
            answer(r#"{"metric":{"client":"a","server":"b"},"value":[1,"2"]}"#).as_bytes(),
        );
        assert_eq!((report.skipped, report.problems[0].code), (1, "prometheus.bad-histogram"));
    }

    #[test]
    fn an_unreadable_answer_is_reported_and_leaves_its_figure_unanswered() {
        let mut round = round();
        let report = round.add_answer(
            QueryKind::FailedRequests,
            br#"{"status":"error","errorType":"execution","error":"query timed out"}"#,
        );
        assert_eq!(
            report.error,
            Some(SkippedSample {
                code: "prometheus.api-error",
                message: "Prometheus answered execution: query timed out".into()
            })
        );
        let report =
            round.add_answer(QueryKind::Requests, br#"{"status":"success","data":{"resultType":"vector","result":[{"#);
        assert_eq!(report.error.map(|e| e.code), Some("prometheus.unreadable"));
        assert_eq!(round.finish().answered, Answered::default());
    }
}
