//! Live sources: what to ask a tracing backend (Jaeger, Zipkin, Tempo, an OTLP URL) or a Prometheus holding
//! service-graph metrics in one poll round, how often to try again, and how the round is reported.
//!
//! Owns the source config (`map.poll(source)`), the request plan of a round, the retry policy and the
//! [`PollReport`] shape — all pure and tested natively. It performs no I/O and knows no `JsValue`: `wasm/poll.rs`
//! fetches what the plan lists, waits what the policy says, and hands each response's bytes to
//! [`crate::heatmap::HeatMap::ingest`] with the format the plan names. Reading spans is `telemetry`'s.

mod config;
mod plan;
mod prometheus;
mod report;
mod retry;
mod retry_after;
mod url;

pub use config::{SourceConfig, SourceKind};
pub use plan::{plan_queries, plan_trace_fetches, read_tempo_search, Planned, Step, TempoSearchError};
pub use prometheus::{figure, known_services, plan_prometheus, take_answer, ExtraQuery, HistogramsChoice, PrometheusPlan, PrometheusSource, PrometheusView, ServiceLabelsConfig, FALLBACK_RATE_WINDOW_MS};
pub use report::{FailureReason, IngestTotals, PollFailure, PollReport};
pub use retry::{Attempt, RetryPolicy};
pub(crate) use retry_after::days_from_civil;
pub use retry_after::retry_after_ms;
pub use url::{encode_component, encoded_len};
