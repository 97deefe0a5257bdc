//! The per-key latency state kept across polls: one entry per service (node), per `client→server` call kind
//! (edge) and per entry point, each holding [`LatencyStats`].
//!
//! Owns key identity (stable ids), what each observation updates, critical-path shares and the cap on the number
//! of keys (hostile input cannot grow the map without bound). Knows nothing of spans or formats: pairing hands it
//! finished observations.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::stats::{LatencyStats, StatsSettings};

/// Most nodes, edges and entry points kept (each); observations of further new keys are counted and dropped.
pub const MAX_KEYS: usize = 10_000;

/// Distinct critical paths remembered per entry point (the most frequent one is shown).
const MAX_PATHS_PER_ENTRY_POINT: usize = 16;

/// What kind of call an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    Sync,
    Async,
    Database,
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EdgeKind::Sync => "sync",
            EdgeKind::Async => "async",
            EdgeKind::Database => "database",
        })
    }
}

/// An edge's identity: caller, callee, kind. Its id is `from→to:kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeKey {
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub kind: EdgeKind,
}

impl EdgeKey {
    pub fn id(&self) -> String {
        format!("{}→{}:{}", self.from, self.to, self.kind)
    }
}

/// A node or an edge, as critical-path time is attributed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyRef {
    Node(Arc<str>),
    Edge(EdgeKey),
}

impl KeyRef {
    pub fn id(&self) -> String {
        match self {
            KeyRef::Node(service) => service.to_string(),
            KeyRef::Edge(edge) => edge.id(),
        }
    }
}

/// One call between services, paired (or inferred) from spans. Times in ns.
#[derive(Debug, Clone, PartialEq)]
pub struct CallObservation {
    pub key: EdgeKey,
    /// The callee is not an instrumented service but named from the caller's attributes (or is `user`).
    pub virtual_target: bool,
    pub inferred: bool,
    /// What the caller waits: the CLIENT span (sync, database), consumer end − producer start (async), or the
    /// child's duration (inferred).
    pub latency_ns: u64,
    pub server_ns: Option<u64>,
    pub gap_ns: Option<u64>,
    pub queue_ns: Option<u64>,
    pub error: bool,
    /// Event time of the observation (the later end).
    pub at_ns: u64,
}

/// A service's state: its SERVER/CONSUMER (entry) span durations and their self time.
#[derive(Debug, Clone, Default)]
pub struct NodeState {
    pub latency: LatencyStats,
    pub self_time: LatencyStats,
    /// Only ever seen as the target of calls (`peer.service`, a database, `user`), never by its own spans.
    pub is_virtual: bool,
    pub critical_ns: f64,
}

/// An edge's state.
#[derive(Debug, Clone, Default)]
pub struct EdgeState {
    pub latency: LatencyStats,
    pub server: LatencyStats,
    pub gap: LatencyStats,
    pub queue_delay: LatencyStats,
    /// Every observation so far was inferred (no CLIENT/SERVER or PRODUCER/CONSUMER pair behind it).
    pub inferred: bool,
    pub critical_ns: f64,
}

/// An entry point (a trace's root service): end-to-end latency and its critical paths.
#[derive(Debug, Clone, Default)]
pub struct EntryPointState {
    pub latency: LatencyStats,
    paths: Vec<(Vec<String>, u64)>,
}

impl EntryPointState {
    /// The critical path seen most often (ids of nodes and edges in time order).
    pub fn usual_path(&self) -> &[String] {
        self.paths.iter().max_by_key(|(_, n)| *n).map(|(p, _)| p.as_slice()).unwrap_or(&[])
    }
}

/// Every key's state plus the event-time watermark.
#[derive(Debug, Clone, Default)]
pub struct KeyedStats {
    pub(crate) nodes: HashMap<Arc<str>, NodeState>,
    pub(crate) edges: HashMap<EdgeKey, EdgeState>,
    pub(crate) entry_points: HashMap<Arc<str>, EntryPointState>,
    pub(crate) critical_total_ns: f64,
    /// Newest span end seen (ns since the epoch): "now" for windows and TTLs.
    pub(crate) watermark_ns: u64,
    /// Oldest span end seen, for the rate when the window is "all".
    pub(crate) first_ns: Option<u64>,
    pub(crate) dropped_keys: u64,
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// Inserts a key unless the map is full. `None` when full and the key is new.
fn entry<'a, K: std::hash::Hash + Eq, V: Default>(
    map: &'a mut HashMap<K, V>,
    key: K,
    dropped: &mut u64,
) -> Option<&'a mut V> {
    if map.len() >= MAX_KEYS && !map.contains_key(&key) {
        *dropped += 1;
        return None;
    }
    Some(map.entry(key).or_default())
}

impl KeyedStats {
    pub fn watermark_ms(&self) -> f64 {
        ms(self.watermark_ns)
    }

    pub fn observe_time(&mut self, end_ns: u64) {
        self.watermark_ns = self.watermark_ns.max(end_ns);
        self.first_ns = Some(self.first_ns.map_or(end_ns, |f| f.min(end_ns)));
    }

    /// Event time covered so far, in ms (the "all" window's length).
    pub fn observed_ms(&self) -> f64 {
        self.first_ns.map_or(0.0, |first| ms(self.watermark_ns.saturating_sub(first)))
    }

    fn node(&mut self, service: &Arc<str>) -> Option<&mut NodeState> {
        let fresh = !self.nodes.contains_key(service);
        let node = entry(&mut self.nodes, service.clone(), &mut self.dropped_keys)?;
        if fresh {
            node.is_virtual = true;
        }
        Some(node)
    }

    pub fn record_service(&mut self, s: &StatsSettings, service: &Arc<str>, at_ns: u64, duration_ns: u64, self_ns: u64, error: bool) {
        let watermark = self.watermark_ms();
        if let Some(node) = self.node(service) {
            node.is_virtual = false;
            node.latency.record(s, ms(at_ns), ms(duration_ns), error, watermark);
            node.self_time.record(s, ms(at_ns), ms(self_ns), error, watermark);
        }
    }

    pub fn record_call(&mut self, s: &StatsSettings, call: &CallObservation) {
        let watermark = self.watermark_ms();
        // Both ends are nodes. The caller ran spans (a real service) unless it is `user`; the callee is real
        // unless named from attributes, and gets its own stats from its spans.
        let user_call = &*call.key.from == super::pairing::USER_NODE;
        if let Some(caller) = self.node(&call.key.from) {
            caller.is_virtual &= user_call;
        }
        if let Some(callee) = self.node(&call.key.to) {
            callee.is_virtual &= call.virtual_target && !user_call;
        }
        let fresh = !self.edges.contains_key(&call.key);
        let Some(edge) = entry(&mut self.edges, call.key.clone(), &mut self.dropped_keys) else { return };
        edge.inferred = call.inferred && (fresh || edge.inferred);
        let at = ms(call.at_ns);
        edge.latency.record(s, at, ms(call.latency_ns), call.error, watermark);
        for (stats, value) in [(&mut edge.server, call.server_ns), (&mut edge.gap, call.gap_ns), (&mut edge.queue_delay, call.queue_ns)] {
            if let Some(ns) = value {
                stats.record(s, at, ms(ns), call.error, watermark);
            }
        }
    }

    /// One trace's end-to-end latency at its root service, and its critical path as (key, ns on the path) in
    /// time order.
    pub fn record_trace(&mut self, s: &StatsSettings, root: &Arc<str>, at_ns: u64, duration_ns: u64, error: bool, path: &[(KeyRef, u64)]) {
        let watermark = self.watermark_ms();
        for (key, ns) in path {
            let share = *ns as f64;
            // Keys may not exist yet: a call waiting for its partner is attributed to the edge it will become.
            let slot = match key {
                KeyRef::Node(service) => self.node(service).map(|node| &mut node.critical_ns),
                KeyRef::Edge(edge) => {
                    entry(&mut self.edges, edge.clone(), &mut self.dropped_keys).map(|edge| &mut edge.critical_ns)
                }
            };
            if let Some(critical_ns) = slot {
                *critical_ns += share;
            }
            self.critical_total_ns += share;
        }
        let Some(entry_point) = entry(&mut self.entry_points, root.clone(), &mut self.dropped_keys) else { return };
        entry_point.latency.record(s, ms(at_ns), ms(duration_ns), error, watermark);
        let mut ids: Vec<String> = Vec::new();
        for (key, _) in path {
            let id = key.id();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        let full = entry_point.paths.len() >= MAX_PATHS_PER_ENTRY_POINT;
        match entry_point.paths.iter_mut().find(|(p, _)| *p == ids) {
            Some((_, n)) => *n += 1,
            None if !full => entry_point.paths.push((ids, 1)),
            None => {}
        }
    }

    /// Drops window slices that fell out of the window.
    pub fn prune(&mut self, s: &StatsSettings) {
        let watermark = self.watermark_ms();
        for node in self.nodes.values_mut() {
            node.latency.prune(s, watermark);
            node.self_time.prune(s, watermark);
        }
        for edge in self.edges.values_mut() {
            for stats in [&mut edge.latency, &mut edge.server, &mut edge.gap, &mut edge.queue_delay] {
                stats.prune(s, watermark);
            }
        }
        for entry_point in self.entry_points.values_mut() {
            entry_point.latency.prune(s, watermark);
        }
    }

    /// Window slices held over all keys: what memory grows with (O(keys · slices)).
    pub fn slice_count(&self) -> usize {
        let nodes: usize = self.nodes.values().map(|n| n.latency.slice_count() + n.self_time.slice_count()).sum();
        let edges: usize = self
            .edges
            .values()
            .map(|e| e.latency.slice_count() + e.server.slice_count() + e.gap.slice_count() + e.queue_delay.slice_count())
            .sum();
        let entries: usize = self.entry_points.values().map(|e| e.latency.slice_count()).sum();
        nodes + edges + entries
    }

    pub fn key_count(&self) -> usize {
        self.nodes.len() + self.edges.len() + self.entry_points.len()
    }
}
