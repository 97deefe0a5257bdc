//! A source's extra PromQL (`queries: [{ name, query, serviceLabel }]`, moolen/statusgraph's shape): each answer
//! read into one number per telemetry service, the service named by the sample's `serviceLabel` label.
//!
//! Owns reading those answers (a sample without the label, a second sample for the same service or a histogram is
//! skipped, counted and described like the service graph's; NaN and ±Inf become `None`) and keeping, of a round,
//! only the services it knows. It does not plan the queries (`sources/prometheus.rs`), nor put the values on nodes
//! (`heatmap/query_values.rs`).

use std::collections::BTreeMap;

use thiserror::Error;

use super::response::{read_instant, SampleValue};
use super::service_graph::{AnswerReport, SkippedSample};

/// Extra queries a source may configure: each is one more request per poll round.
pub const MAX_EXTRA_QUERIES: usize = 20;

/// One query's values: telemetry service → its value (`None` for NaN or ±Inf).
pub type ServiceValues = BTreeMap<String, Option<f64>>;

/// Why a sample of an extra query's answer was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueProblem {
    #[error("no `{0}` label: the sample names no service")]
    NoServiceLabel(String),
    #[error("a second sample for service {}: the first is kept", crate::quote::quoted(.0))]
    DuplicateService(String),
    #[error("a histogram where a number was asked")]
    Histogram,
}

impl ValueProblem {
    /// Stable, for reports.
    pub fn code(&self) -> &'static str {
        match self {
            ValueProblem::NoServiceLabel(_) => "metrics.no-service-label",
            ValueProblem::DuplicateService(_) => "metrics.duplicate-service",
            ValueProblem::Histogram => "metrics.histogram-for-value",
        }
    }
}

/// The extra queries' answers of one round, by the queries' order in the config.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraRound {
    names: Vec<String>,
    /// `None` until the query's answer was read.
    values: Vec<Option<ServiceValues>>,
}

/// A finished round: each configured query's name with its values, `None` when it was not answered.
pub type ExtraValues = Vec<(String, Option<ServiceValues>)>;

impl ExtraRound {
    /// A round asking the queries named `names`, in config order.
    pub fn new(names: Vec<String>) -> Self {
        let values = vec![None; names.len()];
        ExtraRound { names, values }
    }

    /// Reads the answer to query `index` whose samples name their service in `service_label`. Never fails: an
    /// unreadable answer is reported in `error` and the query counts as not answered.
    pub fn add_answer(&mut self, index: usize, service_label: &str, bytes: &[u8]) -> AnswerReport {
        let mut report = AnswerReport::default();
        let vector = match read_instant(bytes) {
            Ok(vector) => vector,
            Err(error) => {
                report.error = Some(SkippedSample { code: error.code(), message: error.to_string() });
                return report;
            }
        };
        report.samples = vector.samples.len() + vector.skipped_total;
        report.warnings = vector.warnings;
        for skipped in &vector.skipped {
            report.skip_described(skipped.problem.code(), skipped.problem.to_string());
        }
        report.skipped = vector.skipped_total;
        let mut values = ServiceValues::new();
        for sample in vector.samples {
            let problem = match (sample.labels.get(service_label).filter(|v| !v.is_empty()), &sample.value) {
                (_, SampleValue::Histogram(_)) => ValueProblem::Histogram,
                (None, _) => ValueProblem::NoServiceLabel(service_label.to_owned()),
                (Some(service), _) if values.contains_key(service) => ValueProblem::DuplicateService(service.clone()),
                (Some(service), SampleValue::Float(value)) => {
                    values.insert(service.clone(), Some(*value).filter(|v| v.is_finite()));
                    continue;
                }
            };
            report.skip_described(problem.code(), problem.to_string());
        }
        report.edges = values.len();
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(values);
        }
        report
    }

    /// Each query's values, only for the services `known` says the round knows.
    pub fn finish(self, known: impl Fn(&str) -> bool) -> ExtraValues {
        self.names
            .into_iter()
            .zip(self.values)
            .map(|(name, values)| (name, values.map(|v| v.into_iter().filter(|(service, _)| known(service)).collect())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_become_one_value_per_known_service() {
        let mut round = ExtraRound::new(vec!["rps".into(), "up".into()]);
        let answer = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"server":"cart"},"value":[1,"2.5"]},
            {"metric":{"server":"pay"},"value":[1,"NaN"]},
            {"metric":{"server":"ads"},"value":[1,"+Inf"]},
            {"metric":{"server":"cart"},"value":[1,"9"]},
            {"metric":{"job":"x"},"value":[1,"1"]},
            {"metric":{"server":"gone"},"value":[1,"4"]},
            {"metric":{"server":"bad"},"value":[1,"fast"]}]}}"#;
        let report = round.add_answer(0, "server", answer);
        assert_eq!((report.samples, report.edges, report.skipped), (7, 4, 3));
        assert_eq!(
            report.problems.iter().map(|p| format!("{} {}", p.code, p.message)).collect::<Vec<_>>(),
            [
                "prometheus.bad-value value \"fast\" is not a number",
                "metrics.duplicate-service a second sample for service \"cart\": the first is kept",
                "metrics.no-service-label no `server` label: the sample names no service",
            ]
        );
        let unread = round.add_answer(1, "server", b"<html>");
        assert_eq!(unread.error.map(|e| e.code), Some("prometheus.unreadable"));
        let values = round.finish(|service| service != "gone");
        assert_eq!(
            values,
            vec![
                (
                    "rps".to_owned(),
                    Some(ServiceValues::from([
                        ("ads".to_owned(), None),
                        ("cart".to_owned(), Some(2.5)),
                        ("pay".to_owned(), None)
                    ]))
                ),
                ("up".to_owned(), None),
            ]
        );
    }
}
