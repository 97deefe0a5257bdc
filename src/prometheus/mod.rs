//! Prometheus service-graph metrics as a source: the histograms the OTel Collector's `servicegraph` connector and
//! Tempo's metrics-generator write, the PromQL that asks for them in one poll, and the reading of the answers.
//!
//! Owns five pure parts — [`histogram`] (bucket and native histograms, merging, `histogram_quantile`'s rules),
//! [`response`] (streaming reader for `/api/v1/query` answers), [`queries`] (the bounded query set of a poll) and
//! [`service_graph`] (one round's answers gathered per edge) — tested natively. Performs no I/O and knows nothing of the heat map's state, the catalog or wasm.

pub mod extra_queries;
pub mod histogram;
pub mod queries;
pub mod response;
pub mod service_graph;
