//! Evaluation: who decides what is green, and how a number becomes green, amber, red or unknown.
//!
//! Owns the evaluation config, tolerance profiles, threshold resolution per node and edge (annotations and
//! defaults), scores and statuses, and what is built from judgements: alerts (with their memory across
//! snapshots), the scorecard, drift between the catalog and the traces, C4 levels (merging the aggregate's stats
//! into System/Domain groups, the one place this module reads latency state) and the cumulative view of entry
//! points. Knows nothing of colour, layout or wasm; the pipeline (`heatmap/`) decides what is judged and when.

mod alerts;
mod config;
mod cumulative;
mod drift;
mod levels;
mod score;
mod scorecard;
mod status;
mod thresholds;
mod tolerance;
mod warning;

pub use crate::catalog::Percentile;
pub use alerts::{
    add_breaches, merge_alerts, Alert, AlertKind, AlertSource, Breach, BreachLog, BreachScope, BreachSubject,
    FiringDetails, JudgedLatency,
};
pub use config::{Defaults, EvaluateConfig};
pub use cumulative::{cumulative, CumulativeHop, CumulativePath};
pub use drift::{drift, Drift, ObservedCall, UndeclaredCall, UnobservedCall};
pub use levels::{collapse, place, Collapsed, GroupEdge, GroupNode, Placement};
pub use score::{evaluate, evaluate_error_rate, score, Evaluation, MAX_SCORE};
pub use scorecard::{Scorecard, ScorecardEntry};
pub use status::Status;
pub use thresholds::{
    resolve_edge_threshold, resolve_node_threshold, Metric, NodeMetric, ResolvedThreshold, ThresholdSource,
};
pub use tolerance::{Bands, Tolerance};
pub use warning::EvaluateWarning;
