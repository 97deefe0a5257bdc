//! Evaluation: who decides what is green, and how a number becomes green, amber, red or unknown.
//!
//! Owns the evaluation config, tolerance profiles, threshold resolution per node and edge (annotations and
//! defaults), scores and statuses. Inputs are the catalog and plain observed numbers; it knows nothing of how
//! latency is aggregated, of colour, layout or wasm. Alerts, drift and the scorecard are assembled later by the
//! pipeline from these pieces.

mod config;
mod score;
mod status;
mod thresholds;
mod tolerance;
mod warning;

pub use crate::catalog::Percentile;
pub use config::{Defaults, EvaluateConfig};
pub use score::{evaluate, evaluate_error_rate, score, Evaluation, MAX_SCORE};
pub use status::Status;
pub use thresholds::{
    resolve_edge_threshold, resolve_node_threshold, Metric, NodeMetric, ResolvedThreshold, ThresholdSource,
};
pub use tolerance::{Bands, Tolerance};
pub use warning::EvaluateWarning;
