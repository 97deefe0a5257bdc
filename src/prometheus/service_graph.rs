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
use super::response::{read_instant, EntryProblem, Labels, SampleValue, MAX_DESCRIBED};

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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerReport {
    /// Entries in `data.result` (skipped ones included).
    pub samples: usize,
    /// Edges the answer gave figures for.
    pub edges: usize,
    /// Samples skipped (every one counted), the first [`MAX_DESCRIBED`] described.
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
        self.skipped += 1;
        if self.problems.len() < MAX_DESCRIBED {
            self.problems.push(SkippedSample { code: problem.code(), message: problem.to_string() });
        }
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
