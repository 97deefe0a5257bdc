//! What one poll round did ([`PollReport`]): requests, bytes, retries, time, the requests that failed and why, and
//! the ingest reports of its answers summed.
//!
//! Owns that shape (it crosses to JS as `PollReport`, documented in `js/src/core/types.ts`) and the summing. It
//! does not decide what failed or when to retry ([`super::retry`]).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::aggregate::{IngestReport, ServiceGraphReport};
use crate::heatmap::{AlertsReport, Warning};
use crate::options::UnknownKey;

/// `await map.poll(source)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollReport {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Prometheus instant queries the round planned (0 for the trace sources): its query budget.
    pub queries: u64,
    /// Bytes of the answers received (bodies of successful answers).
    pub bytes: u64,
    /// Requests sent again after a failure that may pass.
    pub retries: u64,
    /// Wall time of the round.
    pub ms: f64,
    /// The requests that failed after their retries, each once; the others' spans were ingested.
    pub failures: Vec<PollFailure>,
    /// The ingest reports of every answer, summed (trace sources).
    pub ingest: IngestTotals,
    /// What taking a Prometheus round's service graph did; `null` for the trace sources and for a round none of
    /// whose queries was answered (the state was left as it was).
    pub metrics: Option<ServiceGraphReport>,
    /// What taking an Alertmanager answer did (firing, mapped, left out); `null` for the other sources and for a
    /// round whose answer did not come or could not be read (the previous list is kept).
    pub alerts: Option<AlertsReport>,
    /// Unknown keys of the source object (`config.unknown-key`), and for Prometheus the answers' skipped samples
    /// and Prometheus's own warnings (`prometheus.*`, each naming its query's figure).
    pub warnings: Vec<Warning>,
}

impl PollReport {
    /// An empty report of a round, warning about the source object's unknown keys.
    pub fn for_source(unknown: &[UnknownKey]) -> PollReport {
        let warnings = unknown
            .iter()
            .map(|key| Warning { code: key.code().to_owned(), message: format!("poll source: {key}") })
            .collect();
        PollReport { warnings, ..PollReport::default() }
    }
}

/// A request that failed: `{ url, code, reason }` in JSON, `code` the stable [`FailureReason::code`].
#[derive(Debug, Clone, PartialEq)]
pub struct PollFailure {
    pub url: String,
    pub reason: FailureReason,
}

impl Serialize for PollFailure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut failure = serializer.serialize_struct("PollFailure", 3)?;
        failure.serialize_field("url", &self.url)?;
        failure.serialize_field("code", self.reason.code())?;
        failure.serialize_field("reason", &self.reason)?;
        failure.end()
    }
}

/// Why a request failed. Written for people (`HTTP 503`, `no answer within 10000 ms`).
#[derive(Debug, Clone, PartialEq)]
pub enum FailureReason {
    /// The backend answered with a status other than 2xx, and with how long its `Retry-After` asked to wait (ms),
    /// and what its body said when it was an API error envelope (Prometheus's `errorType: error`).
    Status { status: u16, retry_after_ms: Option<f64>, detail: Option<String> },
    /// No complete answer within the source's `timeout`; the request was aborted.
    Timeout { ms: f64 },
    /// `fetch` failed: connection refused, DNS, CORS, an invalid URL.
    Network(String),
    /// The answer was read up to a point it could not be (malformed JSON, not the expected shape); spans before that
    /// point were ingested.
    Unreadable(String),
    /// A 2xx answer that is an API error envelope (Prometheus's `status: "error"`), with what it said.
    ApiError(String),
}

impl FailureReason {
    /// Stable; a card switches on it (the `reason` text is for people).
    pub fn code(&self) -> &'static str {
        match self {
            FailureReason::Status { .. } => "poll.http-status",
            FailureReason::Timeout { .. } => "poll.timeout",
            FailureReason::Network(_) => "poll.network",
            FailureReason::Unreadable(_) => "poll.unreadable",
            FailureReason::ApiError(_) => "poll.api-error",
        }
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Status { status, retry_after_ms, detail } => {
                write!(f, "HTTP {status}")?;
                if let Some(ms) = retry_after_ms {
                    write!(f, ", asked to retry after {} s", (ms / 1000.0).ceil())?;
                }
                match detail {
                    Some(detail) => write!(f, ": {detail}"),
                    None => Ok(()),
                }
            }
            FailureReason::Timeout { ms } => write!(f, "no answer within {ms} ms"),
            FailureReason::Network(message) => write!(f, "network error: {message}"),
            FailureReason::Unreadable(message) => write!(f, "unreadable answer: {message}"),
            FailureReason::ApiError(message) => write!(f, "{message}"),
        }
    }
}

impl Serialize for FailureReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The counts of the round's ingest reports: each summed, except `pending`, which is what waits after the last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestTotals {
    /// Answers ingested.
    pub documents: u64,
    pub spans_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Spans taken in an earlier answer or round (overlapping lookbacks, a trace found for two services).
    pub duplicates: u64,
    pub paired: u64,
    pub inferred: u64,
    pub expired: u64,
    pub dropped: u64,
    pub truncated: u64,
    pub pending: u64,
}

impl IngestTotals {
    pub fn add(&mut self, report: &IngestReport) {
        self.documents += 1;
        self.spans_read += report.spans_read;
        self.accepted += report.accepted;
        self.rejected += report.rejected;
        self.duplicates += report.duplicates;
        self.paired += report.paired;
        self.inferred += report.inferred;
        self.expired += report.expired;
        self.dropped += report.dropped;
        self.truncated += report.truncated;
        self.pending = report.pending;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heatmap::{HeatMap, HeatMapConfig};
    use crate::telemetry::Format;

    #[test]
    fn reasons_read_as_sentences() {
        let reasons = [
            FailureReason::Status { status: 503, retry_after_ms: None, detail: None },
            FailureReason::Status { status: 429, retry_after_ms: Some(119_400.0), detail: None },
            FailureReason::Timeout { ms: 10_000.0 },
            FailureReason::Timeout { ms: 2.5 },
            FailureReason::Network("TypeError: fetch failed".into()),
            FailureReason::Unreadable("EOF while parsing a value at offset 12".into()),
            FailureReason::Status {
                status: 400,
                retry_after_ms: None,
                detail: Some("Prometheus answered bad_data: 1:5: parse error: unexpected \"}\"".into()),
            },
            FailureReason::Status {
                status: 503,
                retry_after_ms: Some(1_500.0),
                detail: Some("Prometheus answered timeout: query timed out".into()),
            },
            FailureReason::ApiError("Prometheus answered execution: many-to-many matching not allowed".into()),
        ];
        assert_eq!(reasons.iter().map(FailureReason::code).collect::<Vec<_>>()[6..], ["poll.http-status", "poll.http-status", "poll.api-error"]);
        assert_eq!(
            reasons.map(|reason| reason.to_string()),
            [
                "HTTP 503",
                "HTTP 429, asked to retry after 120 s",
                "no answer within 10000 ms",
                "no answer within 2.5 ms",
                "network error: TypeError: fetch failed",
                "unreadable answer: EOF while parsing a value at offset 12",
                "HTTP 400: Prometheus answered bad_data: 1:5: parse error: unexpected \"}\"",
                "HTTP 503, asked to retry after 2 s: Prometheus answered timeout: query timed out",
                "Prometheus answered execution: many-to-many matching not allowed",
            ]
        );
    }

    #[test]
    fn totals_sum_every_count_and_keep_the_last_pending() {
        let jaeger = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/jaeger.json"))
            .expect("fixture");
        let mut map = HeatMap::new(HeatMapConfig::default()).expect("map");
        let first = map.ingest(Format::Jaeger, &jaeger);
        let again = map.ingest(Format::Jaeger, &jaeger);
        let mut totals = IngestTotals::default();
        totals.add(&first);
        totals.add(&again);
        assert_eq!(first.spans_read, 608);
        assert_eq!(
            totals,
            IngestTotals {
                documents: 2,
                spans_read: 1216,
                accepted: 1216,
                rejected: 0,
                duplicates: 608,
                paired: first.paired,
                inferred: first.inferred,
                expired: first.expired + again.expired,
                dropped: 0,
                truncated: 0,
                pending: again.pending,
            }
        );
    }

    #[test]
    fn the_report_serialises_in_camel_case_with_reasons_as_text() {
        let report = PollReport {
            requests: 3,
            queries: 0,
            bytes: 1024,
            retries: 1,
            ms: 12.5,
            failures: vec![PollFailure { url: "http://h/api/traces?service=a".into(), reason: FailureReason::Status { status: 500, retry_after_ms: None, detail: None } }],
            ingest: IngestTotals { documents: 1, spans_read: 4, accepted: 4, ..IngestTotals::default() },
            metrics: None,
            alerts: None,
            warnings: vec![],
        };
        assert_eq!(
            serde_json::to_string(&report).expect("serialises"),
            r#"{"requests":3,"queries":0,"bytes":1024,"retries":1,"ms":12.5,"failures":[{"url":"http://h/api/traces?service=a","code":"poll.http-status","reason":"HTTP 500"}],"ingest":{"documents":1,"spansRead":4,"accepted":4,"rejected":0,"duplicates":0,"paired":0,"inferred":0,"expired":0,"dropped":0,"truncated":0,"pending":0},"metrics":null,"alerts":null,"warnings":[]}"#
        );
    }
}
