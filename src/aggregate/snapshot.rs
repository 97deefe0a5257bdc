//! `LatencySnapshot`: the serialised view of the latency state that the UI, the evaluation layer and scorecard
//! consumers read (camelCase JSON, stable names).
//!
//! Owns the output shapes and building them from [`KeyedStats`]; nothing here mutates state or reads a clock
//! (`generatedAt` is event time: the newest span end seen).

use serde::{Deserialize, Serialize};

use super::state::{EdgeKey, EdgeKind, EdgeState, KeyedStats, NodeState};
use super::stats::{StatsSettings, StatsView};

/// The window as configured: milliseconds, or `"all"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SnapshotWindow {
    Millis(f64),
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LatencySnapshot {
    /// Newest span end seen, ms since the Unix epoch (`null` before any span).
    pub generated_at: Option<f64>,
    pub window: SnapshotWindow,
    pub nodes: Vec<NodeSnapshot>,
    pub edges: Vec<EdgeSnapshot>,
    pub entry_points: Vec<EntryPointSnapshot>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSnapshot {
    pub id: String,
    pub service: String,
    /// Known only as a call target (`peer.service`, a database, a queue, `user`).
    #[serde(rename = "virtual", skip_serializing_if = "std::ops::Not::not", default)]
    pub is_virtual: bool,
    pub stats: StatsView,
    /// Share of all critical-path time spent in this service's own processing (0..1).
    pub critical_path_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeSnapshot {
    /// `from→to:kind`.
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub inferred: bool,
    /// What the caller waits (CLIENT duration; for async, consumer end − producer start).
    pub stats: StatsView,
    /// Server-side (or consumer) span durations, when both sides were seen.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server_stats: Option<StatsView>,
    /// p95 of client − server duration (network, queueing in front of the server).
    pub gap_p95_ms: Option<f64>,
    /// p95 of consumer start − producer end.
    pub queue_delay_p95_ms: Option<f64>,
    /// Share of all critical-path time spent waiting on this call beyond the callee's own spans (0..1).
    pub critical_path_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryPointSnapshot {
    /// The root service of the traces.
    pub id: String,
    pub p95_ms: Option<f64>,
    /// Node and edge ids on the most frequent critical path, in time order.
    pub critical_path: Vec<String>,
    pub stats: StatsView,
}

impl NodeSnapshot {
    /// The view of one node's state; also used for System/Domain groups whose state was merged from members
    /// (`id` and `service` are then the group's reference). `observed_ms` is the event time "all" covers.
    pub fn from_state(
        id: String,
        node: &NodeState,
        settings: &StatsSettings,
        watermark_ms: f64,
        observed_ms: f64,
        critical_path_share: Option<f64>,
    ) -> Self {
        let mut stats = node.latency.view(settings, watermark_ms, observed_ms);
        stats.self_p95_ms = node.self_time.quantile(settings, watermark_ms, 0.95);
        NodeSnapshot { service: id.clone(), id, is_virtual: node.is_virtual, stats, critical_path_share }
    }
}

impl EdgeSnapshot {
    /// The view of one edge's state (or of several edges merged into one between two groups).
    pub fn from_state(
        key: &EdgeKey,
        edge: &EdgeState,
        settings: &StatsSettings,
        watermark_ms: f64,
        observed_ms: f64,
        critical_path_share: Option<f64>,
    ) -> Self {
        let view = |stats: &super::stats::LatencyStats| stats.view(settings, watermark_ms, observed_ms);
        EdgeSnapshot {
            id: key.id(),
            from: key.from.to_string(),
            to: key.to.to_string(),
            kind: key.kind,
            inferred: edge.inferred,
            stats: view(&edge.latency),
            server_stats: (edge.server.count() > 0).then(|| view(&edge.server)),
            gap_p95_ms: edge.gap.quantile(settings, watermark_ms, 0.95),
            queue_delay_p95_ms: edge.queue_delay.quantile(settings, watermark_ms, 0.95),
            critical_path_share,
        }
    }
}

/// Share of all critical-path time that `ns` is (none before any critical path).
fn share(keys: &KeyedStats, ns: f64) -> Option<f64> {
    (keys.critical_total_ns > 0.0).then(|| ns / keys.critical_total_ns)
}

/// Every service's snapshot with the state it was built from, sorted by id.
pub(crate) fn node_views<'a>(keys: &'a KeyedStats, settings: &StatsSettings) -> Vec<(NodeSnapshot, &'a NodeState)> {
    let (watermark, observed) = (keys.watermark_ms(), keys.observed_ms());
    let mut nodes: Vec<(NodeSnapshot, &NodeState)> = keys
        .nodes()
        .map(|(service, node)| {
            let view = NodeSnapshot::from_state(service.to_string(), node, settings, watermark, observed, share(keys, node.critical_ns));
            (view, node)
        })
        .collect();
    nodes.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    nodes
}

/// Every call's snapshot with the state it was built from, sorted by id.
pub(crate) fn edge_views<'a>(keys: &'a KeyedStats, settings: &StatsSettings) -> Vec<(EdgeSnapshot, &'a EdgeState)> {
    let (watermark, observed) = (keys.watermark_ms(), keys.observed_ms());
    let mut edges: Vec<(EdgeSnapshot, &EdgeState)> = keys
        .edges()
        .map(|(key, edge)| (EdgeSnapshot::from_state(key, edge, settings, watermark, observed, share(keys, edge.critical_ns)), edge))
        .collect();
    edges.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    edges
}

impl LatencySnapshot {
    pub(crate) fn build(keys: &KeyedStats, settings: &StatsSettings, warnings: Vec<String>) -> Self {
        let watermark = keys.watermark_ms();
        let observed = keys.observed_ms();
        let nodes = node_views(keys, settings).into_iter().map(|(node, _)| node).collect();
        let edges = edge_views(keys, settings).into_iter().map(|(edge, _)| edge).collect();
        let mut entry_points: Vec<EntryPointSnapshot> = keys
            .entry_points()
            .map(|(service, entry)| EntryPointSnapshot {
                id: service.to_string(),
                p95_ms: entry.latency.quantile(settings, watermark, 0.95),
                critical_path: entry.usual_path().iter().map(|key| keys.key_name(*key)).collect(),
                stats: entry.latency.view(settings, watermark, observed),
            })
            .collect();
        entry_points.sort_by(|a, b| a.id.cmp(&b.id));
        LatencySnapshot {
            generated_at: keys.first_ns.map(|_| watermark),
            window: match settings.window_ms {
                Some(ms) => SnapshotWindow::Millis(ms),
                None => SnapshotWindow::Named("all".into()),
            },
            nodes,
            edges,
            entry_points,
            warnings,
        }
    }
}
