//! `LatencySnapshot`: the serialised view of the latency state that the UI, the evaluation layer and scorecard
//! consumers read (camelCase JSON, stable names).
//!
//! Owns the output shapes and building them from [`KeyedStats`]; nothing here mutates state or reads a clock
//! (`generatedAt` is event time: the newest span end seen).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::calls::{CallKind, EdgeKey};
use super::state::{EdgeState, KeyedStats, NodeState};
use super::stats::{LatencyStats, StatsSettings, StatsView};
use super::warning::AggregateWarning;
use super::LatencyState;

/// The window as configured: milliseconds (a number in JSON), or everything since the state began (`"all"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SnapshotWindow {
    All,
    #[serde(untagged)]
    Millis(f64),
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
    pub warnings: Vec<AggregateWarning>,
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
    /// Share of all critical-path time in the window spent in this service's own spans (for a System/Domain
    /// group: in its services' spans and the calls between them), 0..1; `null` while no critical path is in the
    /// window.
    pub critical_path_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeSnapshot {
    /// `from→to:kind`.
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: CallKind,
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
    /// Share of all critical-path time in the window spent waiting on this call beyond the callee's own spans,
    /// 0..1; `null` while no critical path is in the window.
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

/// The part of `critical_total_ms` (the window's critical-path time over all nodes and edges) that `critical` holds.
fn critical_share(
    critical: &LatencyStats,
    settings: &StatsSettings,
    watermark_ms: f64,
    critical_total_ms: f64,
) -> Option<f64> {
    (critical_total_ms > 0.0).then(|| critical.window_sum(settings, watermark_ms) / critical_total_ms)
}

impl NodeSnapshot {
    /// The view of one node's state; also used for System/Domain groups whose state was merged from members
    /// (`id` and `service` are then the group's reference). `observed_ms` is the event time "all" covers;
    /// `critical_total_ms` is [`super::LatencyState::critical_total_ms`].
    pub fn from_state(
        id: String,
        node: &NodeState,
        settings: &StatsSettings,
        watermark_ms: f64,
        observed_ms: f64,
        critical_total_ms: f64,
    ) -> Self {
        let mut stats = node.latency.view(settings, watermark_ms, observed_ms);
        stats.self_p95_ms = node.self_time.quantile(settings, watermark_ms, 0.95);
        let critical_path_share = critical_share(&node.critical, settings, watermark_ms, critical_total_ms);
        NodeSnapshot { service: id.clone(), id, is_virtual: node.is_virtual, stats, critical_path_share }
    }
}

impl EdgeSnapshot {
    /// The view of one edge's state (or of several edges merged into one between two groups), as `id`
    /// (its key's [`EdgeKey::id`], which callers that sort by it have already made).
    pub fn from_state(
        id: String,
        key: &EdgeKey,
        edge: &EdgeState,
        settings: &StatsSettings,
        watermark_ms: f64,
        observed_ms: f64,
        critical_total_ms: f64,
    ) -> Self {
        let view = |stats: &LatencyStats| stats.view(settings, watermark_ms, observed_ms);
        EdgeSnapshot {
            id,
            from: key.from.to_string(),
            to: key.to.to_string(),
            kind: key.kind,
            inferred: edge.inferred,
            stats: view(&edge.latency),
            server_stats: (edge.server.count() > 0).then(|| view(&edge.server)),
            gap_p95_ms: edge.gap.quantile(settings, watermark_ms, 0.95),
            queue_delay_p95_ms: edge.queue_delay.quantile(settings, watermark_ms, 0.95),
            critical_path_share: critical_share(&edge.critical, settings, watermark_ms, critical_total_ms),
        }
    }
}

/// Every service with its state, sorted by name: the snapshot's order. (References are sorted, not the views: a
/// view is a few hundred bytes, and sorting 8 000 of them was a tenth of a snapshot.)
fn sorted_nodes(keys: &KeyedStats) -> Vec<(&Arc<str>, &NodeState)> {
    let mut nodes: Vec<_> = keys.nodes().collect();
    nodes.sort_by(|a, b| a.0.cmp(b.0));
    nodes
}

/// Every call with its id and state, sorted by id: the snapshot's order.
fn sorted_edges(keys: &KeyedStats) -> Vec<(String, &EdgeKey, &EdgeState)> {
    let mut edges: Vec<_> = keys.edges().map(|(key, edge)| (key.id(), key, edge)).collect();
    edges.sort_by(|a, b| a.0.cmp(&b.0));
    edges
}

fn node_snapshots(keys: &KeyedStats, settings: &StatsSettings, critical_total_ms: f64) -> Vec<NodeSnapshot> {
    let (watermark, observed) = (keys.watermark_ms(), keys.observed_ms());
    sorted_nodes(keys)
        .into_iter()
        .map(|(service, node)| {
            NodeSnapshot::from_state(service.to_string(), node, settings, watermark, observed, critical_total_ms)
        })
        .collect()
}

fn edge_snapshots(keys: &KeyedStats, settings: &StatsSettings, critical_total_ms: f64) -> Vec<EdgeSnapshot> {
    let (watermark, observed) = (keys.watermark_ms(), keys.observed_ms());
    sorted_edges(keys)
        .into_iter()
        .map(|(id, key, edge)| {
            EdgeSnapshot::from_state(id, key, edge, settings, watermark, observed, critical_total_ms)
        })
        .collect()
}

/// Every service's snapshot with the state it was built from, sorted by id.
pub(crate) fn node_views<'a>(keys: &'a KeyedStats, settings: &StatsSettings) -> Vec<(NodeSnapshot, &'a NodeState)> {
    let total = keys.critical_total_ms(settings);
    let states = sorted_nodes(keys).into_iter().map(|(_, node)| node);
    node_snapshots(keys, settings, total).into_iter().zip(states).collect()
}

/// Every call's snapshot with the state it was built from, sorted by id.
pub(crate) fn edge_views<'a>(keys: &'a KeyedStats, settings: &StatsSettings) -> Vec<(EdgeSnapshot, &'a EdgeState)> {
    let total = keys.critical_total_ms(settings);
    let states = sorted_edges(keys).into_iter().map(|(_, _, edge)| edge);
    edge_snapshots(keys, settings, total).into_iter().zip(states).collect()
}

impl LatencyState {
    /// Each service's state, in the order of [`LatencySnapshot::nodes`]: a view that judges the snapshot's nodes
    /// on their stats walks the two side by side rather than building every node's view a second time.
    pub fn node_states(&self) -> Vec<&NodeState> {
        sorted_nodes(&self.keys).into_iter().map(|(_, node)| node).collect()
    }

    /// Each call's state, in the order of [`LatencySnapshot::edges`].
    pub fn edge_states(&self) -> Vec<&EdgeState> {
        sorted_edges(&self.keys).into_iter().map(|(_, _, edge)| edge).collect()
    }
}

impl LatencySnapshot {
    pub(crate) fn build(keys: &KeyedStats, settings: &StatsSettings, warnings: Vec<AggregateWarning>) -> Self {
        let watermark = keys.watermark_ms();
        let observed = keys.observed_ms();
        let total = keys.critical_total_ms(settings);
        let nodes = node_snapshots(keys, settings, total);
        let edges = edge_snapshots(keys, settings, total);
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
            window: match settings.read_window_ms() {
                Some(ms) => SnapshotWindow::Millis(ms),
                None => SnapshotWindow::All,
            },
            nodes,
            edges,
            entry_points,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use crate::aggregate::{AggregateConfig, DurationValue, LatencyState};
    use crate::telemetry::{SpanKind::*, TraceId};

    fn new_state(window: &str) -> LatencyState {
        let config = AggregateConfig { window: DurationValue::Text(window.into()), ..AggregateConfig::default() };
        LatencyState::new(config).expect("a valid config")
    }

    /// One trace: `service` serving a request alone, ending at `end_ms`.
    fn request(trace: u128, service: &str, end_ms: u64) -> Vec<crate::telemetry::Span> {
        let mut root = span(1, None, service, Server, end_ms - 20, end_ms);
        root.trace_id = TraceId(trace);
        vec![root]
    }

    fn share(snapshot: &LatencySnapshot, id: &str) -> Option<f64> {
        snapshot.nodes.iter().find(|n| n.id == id).and_then(|n| n.critical_path_share)
    }

    #[test]
    fn a_critical_path_seen_before_the_window_no_longer_counts() {
        let mut state = new_state("10s");
        assert_eq!(share(&state.snapshot(), "a"), None);
        state.ingest_spans(request(1, "a", 1_000));
        state.flush_pending();
        assert_eq!(share(&state.snapshot(), "a"), Some(1.0));
        assert_eq!(state.critical_total_ms(&state.settings().stats), 20.0);
        state.ingest_spans(request(2, "b", 5_000));
        state.flush_pending();
        let snapshot = state.snapshot();
        assert_eq!((share(&snapshot, "a"), share(&snapshot, "b")), (Some(0.5), Some(0.5)));
        // A minute later a's path has left the 10 s window; b's new one is all there is.
        state.ingest_spans(request(3, "b", 61_000));
        state.flush_pending();
        let snapshot = state.snapshot();
        assert_eq!((share(&snapshot, "a"), share(&snapshot, "b")), (Some(0.0), Some(1.0)));
        assert_eq!(state.critical_total_ms(&state.settings().stats), 20.0);
        // With the window "all", nothing leaves.
        let mut all = new_state("all");
        for (trace, service, end_ms) in [(1, "a", 1_000), (2, "b", 61_000)] {
            all.ingest_spans(request(trace, service, end_ms));
        }
        all.flush_pending();
        assert_eq!((share(&all.snapshot(), "a"), share(&all.snapshot(), "b")), (Some(0.5), Some(0.5)));
    }

    #[test]
    fn the_window_serialises_as_milliseconds_or_all() {
        assert_eq!(serde_json::to_string(&new_state("all").snapshot().window).expect("json"), r#""all""#);
        assert_eq!(serde_json::to_string(&new_state("10s").snapshot().window).expect("json"), "10000.0");
        assert_eq!(serde_json::from_str::<SnapshotWindow>(r#""all""#).expect("reads back"), SnapshotWindow::All);
        assert_eq!(serde_json::from_str::<SnapshotWindow>("250").expect("reads back"), SnapshotWindow::Millis(250.0));
    }
}
