//! What `snapshot()` and `setCatalog()` return: the serialised shapes the UI draws (nodes, edges, entry points,
//! alerts, scorecard, drift, warnings, layout) and the catalog report.
//!
//! Owns those shapes (camelCase JSON, stable names) and what a judgement reports to the alert list and the
//! scorecard. Building them is the pipeline's (`heatmap/mod.rs` and the files beside it); the figures inside come
//! from `aggregate`, `evaluate`, `color` and `layout`.

use serde::Serialize;

use crate::aggregate::{EdgeSnapshot, EntryPointSnapshot, NodeSnapshot, SnapshotWindow};
use crate::catalog::{Level, Percentile};
use crate::color::{StatusSwatches, Swatch};
use crate::evaluate::{
    Alert, CumulativePath, Drift, Evaluation, JudgedLatency, Metric, Scorecard, ScorecardEntry, Status,
    ThresholdSource,
};
use crate::layout::Layout;
use super::query_values::QueryValue;

/// A problem worth showing a person, from any step. `code` is stable, `message` is for humans.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// What `setCatalog` read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReport {
    pub entities: usize,
    /// The telemetry service names the entities claim (`latencyheatmap/service-name`, else a Component's or
    /// Resource's name), sorted: what to poll a tracing backend for.
    pub services: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// The judgement of one node or edge against its effective threshold.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Judgement {
    /// What was compared: `latencySlo` or `processingTime` for nodes, `edgeSlo` for edges (null: no threshold).
    pub metric: Option<Metric>,
    pub percentile: Percentile,
    /// The observed latency at `percentile` for `metric`.
    pub observed_ms: Option<f64>,
    pub threshold_ms: Option<f64>,
    pub threshold_source: ThresholdSource,
    /// observed / threshold.
    pub score: Option<f64>,
    pub status: Status,
    pub color: Swatch,
}

impl Judgement {
    pub(super) fn evaluation(&self) -> Evaluation {
        Evaluation { score: self.score, status: self.status }
    }

    /// What an alert about this judgement reports.
    pub(super) fn judged(&self) -> JudgedLatency {
        JudgedLatency {
            metric: self.metric,
            percentile: self.percentile,
            observed_ms: self.observed_ms,
            threshold_ms: self.threshold_ms,
            evaluation: self.evaluation(),
        }
    }

    /// This judgement as a scorecard check result at event time `checked_at`.
    pub(super) fn scorecard_entry(&self, checked_at: f64) -> ScorecardEntry {
        ScorecardEntry {
            status: self.status,
            score: self.score,
            threshold_ms: self.threshold_ms,
            observed_ms: self.observed_ms,
            percentile: self.percentile,
            metric: self.metric,
            checked_at,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatNode {
    #[serde(flatten)]
    pub latency: NodeSnapshot,
    /// The catalog entity this node stands for (a System or Domain when collapsed); null when it is unknown to
    /// the catalog.
    pub entity_ref: Option<String>,
    /// The entity's title or name, for labels (plain text, never markup).
    pub label: String,
    /// The telemetry services drawn as this node: itself at `component` level, the group's services above it.
    pub members: Vec<String>,
    #[serde(flatten)]
    pub judgement: Judgement,
    /// Alertmanager alerts firing on this node's entity (at System/Domain level, on the group or its members);
    /// the judgement's status is at least what their severities force.
    pub firing_alerts: usize,
    /// A Prometheus source's extra `queries`, per member service, at `component` and `entity` level (empty above,
    /// and when none are configured).
    pub queries: Vec<QueryValue>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatEdge {
    #[serde(flatten)]
    pub latency: EdgeSnapshot,
    pub from_entity_ref: Option<String>,
    pub to_entity_ref: Option<String>,
    /// The catalog declares this call (`dependsOn`, or `consumesApi` of an API the callee provides); when
    /// collapsed, true if any member call is declared.
    pub declared: bool,
    /// The API entities through which the catalog declares this call (the caller `consumesApi` an API the callee
    /// `providesApi`), sorted refs; when collapsed, those of every member call. Empty when none.
    pub via_apis: Vec<String>,
    /// Seen in the window (the edge may be held with only older samples).
    pub observed: bool,
    /// Service-level edge ids drawn as this edge: itself at `component` level, the merged calls above it.
    pub members: Vec<String>,
    #[serde(flatten)]
    pub judgement: Judgement,
}

/// An entry point with its latency budget and its critical path summed hop by hop. Entry points stay per service
/// at every level: a critical path is a sequence of service-level spans.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatEntryPoint {
    #[serde(flatten)]
    pub latency: EntryPointSnapshot,
    pub entity_ref: Option<String>,
    /// The entry point's latency SLO (its entity's annotation, else the config default): the budget the
    /// cumulative sum is compared against.
    pub budget_ms: Option<f64>,
    /// The percentile each hop's latency is taken at.
    pub percentile: Percentile,
    #[serde(flatten)]
    pub path: CumulativePath,
}

/// `snapshot()`: everything the UI draws.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub generated_at: Option<f64>,
    pub level: Level,
    pub window: SnapshotWindow,
    pub nodes: Vec<HeatNode>,
    pub edges: Vec<HeatEdge>,
    pub entry_points: Vec<HeatEntryPoint>,
    /// Amber and red nodes and edges, one per breached metric (`source: latency`), and the Alertmanager alerts
    /// firing on entities (`source: alertmanager`, one per entity it maps to); red first, then by score.
    pub alerts: Vec<Alert>,
    /// Per entity ref of this level's nodes: the worst judgement of its services.
    pub scorecard: Scorecard,
    /// Calls the catalog and the traces disagree on (entity to entity, whatever the level).
    pub drift: Drift,
    /// The palette's swatch at each status's band, for an entity that has a status but no node: one whose
    /// Alertmanager alerts fire and that has no telemetry (its `scorecard` entry holds the status).
    pub status_swatches: StatusSwatches,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}
