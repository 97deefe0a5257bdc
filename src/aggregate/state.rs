//! The per-key latency state kept across polls: one entry per service (node), per `client→server` call kind
//! (edge) and per entry point, each holding [`LatencyStats`].
//!
//! Owns key identity (stable ids), what each observation updates, critical-path shares and the cap on the number
//! of keys (hostile input cannot grow the map without bound). Knows nothing of spans or formats: pairing hands it
//! finished observations.

use serde::{Deserialize, Serialize};
use foldhash::HashMap;
use std::fmt;
use std::sync::Arc;

use super::stats::{LatencyStats, SampleTime, StatsSettings};

/// Most nodes, edges and entry points kept (each); observations of further new keys are counted and dropped.
pub const MAX_KEYS: usize = 10_000;

/// Distinct critical paths remembered per entry point (the most frequent one is shown).
const MAX_PATHS_PER_ENTRY_POINT: usize = 16;

/// Keys kept of one critical path (a path through more hops than this is cut; the share figures still count
/// every segment).
const MAX_PATH_KEYS: usize = 256;

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

/// A node or an edge by its index in [`KeyedStats`], as critical-path time is attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRef {
    Node(u32),
    Edge(u32),
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
    /// Per trace whose critical path ran through this service: the ms the path spent in its own spans.
    pub critical: LatencyStats,
    /// (callee, kind, edge index) of this node's outgoing edges, scanned before hashing for small out-degrees.
    out_edges: Vec<(u32, EdgeKind, u32)>,
}

/// Outgoing edges scanned linearly per node; past this the edge index is hashed.
const SCAN_OUT_EDGES: usize = 16;

/// An edge's state.
#[derive(Debug, Clone, Default)]
pub struct EdgeState {
    pub latency: LatencyStats,
    pub server: LatencyStats,
    pub gap: LatencyStats,
    pub queue_delay: LatencyStats,
    /// Every observation so far was inferred (no CLIENT/SERVER or PRODUCER/CONSUMER pair behind it); true
    /// before the first one.
    pub inferred: bool,
    pub critical_ns: f64,
    /// Per trace whose critical path ran through this call: the ms the path spent in it outside the callee's spans
    /// (the client − server gap, the whole call to a database or uninstrumented peer, the publish of an async one).
    pub critical: LatencyStats,
}

/// An entry point (a trace's root service): end-to-end latency and its critical paths.
#[derive(Debug, Clone, Default)]
pub struct EntryPointState {
    pub latency: LatencyStats,
    /// Distinct critical paths (keys in time order, consecutive repeats removed) and how often each was seen.
    paths: Vec<(Vec<KeyRef>, u64)>,
}

impl EntryPointState {
    /// The critical path seen most often.
    pub fn usual_path(&self) -> &[KeyRef] {
        self.paths.iter().max_by_key(|(_, n)| *n).map(|(p, _)| p.as_slice()).unwrap_or(&[])
    }
}

/// Service names seen lately, compared by pointer: readers share one `Arc<str>` per resource/process, so most
/// lookups skip hashing the name. Direct-mapped by address (a power of two): one comparison per lookup.
const NAME_CACHE: usize = 32;

/// The name cache slot of `name`: the top bits of its address, Fibonacci-hashed.
fn cache_slot(name: &Arc<str>) -> usize {
    let address = Arc::as_ptr(name).cast::<u8>() as usize as u64;
    (address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - NAME_CACHE.trailing_zeros())) as usize
}

/// Every key's state plus the event-time watermark. Keys are interned: nodes and edges live in vectors indexed
/// by small integers, so recording a sample costs no string hashing in the common case.
#[derive(Debug, Clone, Default)]
pub struct KeyedStats {
    names: Vec<Arc<str>>,
    name_index: HashMap<Arc<str>, u32>,
    name_cache: [Option<(Arc<str>, u32)>; NAME_CACHE],
    nodes: Vec<NodeState>,
    edge_index: HashMap<(u32, u32, EdgeKind), u32>,
    edges: Vec<(EdgeKey, EdgeState)>,
    entry_points: HashMap<u32, EntryPointState>,
    pub(crate) critical_total_ns: f64,
    /// Newest span end seen (ns since the epoch): "now" for windows and TTLs.
    pub(crate) watermark_ns: u64,
    /// Oldest span end seen, for the rate when the window is "all".
    pub(crate) first_ns: Option<u64>,
    pub(crate) dropped_keys: u64,
    /// Pair and look keys up but record no samples: the benchmark's "parse+pair" stage.
    pub(crate) skip_samples: bool,
    /// Working memory of `record_trace`: the path's keys, and its ns per key.
    path_keys: Vec<KeyRef>,
    path_totals: Vec<(KeyRef, u64)>,
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
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

    /// The node of `service`, created (as virtual until its own spans are seen) if new; `None` when full.
    pub fn node_id(&mut self, service: &Arc<str>) -> Option<u32> {
        let slot = cache_slot(service);
        if let Some((name, id)) = &self.name_cache[slot] {
            if Arc::ptr_eq(name, service) {
                return Some(*id);
            }
        }
        let id = match self.name_index.get(service) {
            Some(id) => *id,
            None if self.nodes.len() >= MAX_KEYS => {
                self.dropped_keys += 1;
                return None;
            }
            None => {
                let id = self.nodes.len() as u32;
                self.names.push(service.clone());
                self.name_index.insert(service.clone(), id);
                self.nodes.push(NodeState { is_virtual: true, ..NodeState::default() });
                id
            }
        };
        self.name_cache[slot] = Some((service.clone(), id));
        Some(id)
    }

    /// The shared name for `name` (the one nodes are keyed by, so later lookups hit the pointer cache).
    pub fn intern(&self, name: &str) -> Arc<str> {
        match self.name_index.get_key_value(name) {
            Some((shared, _)) => shared.clone(),
            None => Arc::from(name),
        }
    }

    /// The edge of `key` and its two nodes, created if new; `None` when full.
    fn edge_ids(&mut self, key: &EdgeKey) -> Option<(u32, u32, u32)> {
        let from = self.node_id(&key.from)?;
        let to = self.node_id(&key.to)?;
        let out = &self.nodes[from as usize].out_edges;
        let found = if out.len() <= SCAN_OUT_EDGES {
            out.iter().find(|&&(t, k, _)| t == to && k == key.kind).map(|&(_, _, id)| id)
        } else {
            self.edge_index.get(&(from, to, key.kind)).copied()
        };
        if let Some(id) = found {
            return Some((id, from, to));
        }
        if self.edges.len() >= MAX_KEYS {
            self.dropped_keys += 1;
            return None;
        }
        let id = self.edges.len() as u32;
        self.edge_index.insert((from, to, key.kind), id);
        self.nodes[from as usize].out_edges.push((to, key.kind, id));
        self.edges.push((key.clone(), EdgeState { inferred: true, ..EdgeState::default() }));
        Some((id, from, to))
    }

    /// The edge of `key`, created if new (with its nodes); `None` when full.
    pub fn edge_id(&mut self, key: &EdgeKey) -> Option<u32> {
        self.edge_ids(key).map(|(id, _, _)| id)
    }

    pub fn record_service(&mut self, s: &StatsSettings, service: &Arc<str>, at_ns: u64, duration_ns: u64, self_ns: u64, error: bool) {
        let watermark = self.watermark_ms();
        let Some(id) = self.node_id(service) else { return };
        let node = &mut self.nodes[id as usize];
        node.is_virtual = false;
        if self.skip_samples {
            return;
        }
        let time = SampleTime::new(s, ms(at_ns), watermark);
        node.latency.record_at(s, &time, ms(duration_ns), error);
        node.self_time.record_at(s, &time, ms(self_ns), error);
    }

    /// Records one call; returns its edge.
    pub fn record_call(&mut self, s: &StatsSettings, call: &CallObservation) -> Option<u32> {
        let watermark = self.watermark_ms();
        let (id, from, to) = self.edge_ids(&call.key)?;
        // Both ends are nodes. The caller ran spans (a real service) unless it is `user`; the callee is real
        // unless named from attributes, and gets its own stats from its spans.
        let user_call = &*call.key.from == super::pairing::USER_NODE;
        self.nodes[from as usize].is_virtual &= user_call;
        self.nodes[to as usize].is_virtual &= call.virtual_target && !user_call;
        let edge = &mut self.edges[id as usize].1;
        edge.inferred &= call.inferred;
        if self.skip_samples {
            return Some(id);
        }
        let time = SampleTime::new(s, ms(call.at_ns), watermark);
        edge.latency.record_at(s, &time, ms(call.latency_ns), call.error);
        for (stats, value) in [(&mut edge.server, call.server_ns), (&mut edge.gap, call.gap_ns), (&mut edge.queue_delay, call.queue_ns)] {
            if let Some(ns) = value {
                stats.record_at(s, &time, ms(ns), call.error);
            }
        }
        Some(id)
    }

    /// One trace's end-to-end latency at its root service, and its critical path as (key, ns on the path) in
    /// time order.
    pub fn record_trace(&mut self, s: &StatsSettings, root: &Arc<str>, at_ns: u64, duration_ns: u64, error: bool, path: &[(KeyRef, u64)]) {
        let watermark = self.watermark_ms();
        self.path_keys.clear();
        // One critical-path sample per key and trace: a service comes back on the path after each call it makes.
        self.path_totals.clear();
        for &(key, ns) in path {
            let share = ns as f64;
            let slot = match key {
                KeyRef::Node(id) => self.nodes.get_mut(id as usize).map(|n| &mut n.critical_ns),
                KeyRef::Edge(id) => self.edges.get_mut(id as usize).map(|(_, e)| &mut e.critical_ns),
            };
            if let Some(critical_ns) = slot {
                *critical_ns += share;
            }
            self.critical_total_ns += share;
            if self.path_keys.last() != Some(&key) && self.path_keys.len() < MAX_PATH_KEYS {
                self.path_keys.push(key);
            }
            match self.path_totals.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => *total = total.saturating_add(ns),
                None => self.path_totals.push((key, ns)),
            }
        }
        let Some(root) = self.node_id(root) else { return };
        if self.entry_points.len() >= MAX_KEYS && !self.entry_points.contains_key(&root) {
            self.dropped_keys += 1;
            return;
        }
        let entry_point = self.entry_points.entry(root).or_default();
        if self.skip_samples {
            return;
        }
        let time = SampleTime::new(s, ms(at_ns), watermark);
        entry_point.latency.record_at(s, &time, ms(duration_ns), error);
        let full = entry_point.paths.len() >= MAX_PATHS_PER_ENTRY_POINT;
        match entry_point.paths.iter_mut().find(|(p, _)| *p == self.path_keys) {
            Some((_, n)) => *n += 1,
            None if !full => entry_point.paths.push((self.path_keys.clone(), 1)),
            None => {}
        }
        for &(key, ns) in &self.path_totals {
            let stats = match key {
                KeyRef::Node(id) => self.nodes.get_mut(id as usize).map(|n| &mut n.critical),
                KeyRef::Edge(id) => self.edges.get_mut(id as usize).map(|(_, e)| &mut e.critical),
            };
            if let Some(stats) = stats {
                stats.record_at(s, &time, ms(ns), false);
            }
        }
    }

    /// The id a snapshot shows for a key.
    pub fn key_name(&self, key: KeyRef) -> String {
        match key {
            KeyRef::Node(id) => self.names.get(id as usize).map(|n| n.to_string()).unwrap_or_default(),
            KeyRef::Edge(id) => self.edges.get(id as usize).map(|(k, _)| k.id()).unwrap_or_default(),
        }
    }

    /// The usual critical path of the entry point `service`, each key's name with its critical-path stats.
    pub fn critical_path_hops(&self, service: &str) -> Vec<(String, &LatencyStats)> {
        let Some(entry_point) = self.name_index.get(service).and_then(|id| self.entry_points.get(id)) else {
            return Vec::new();
        };
        let critical = |key: KeyRef| match key {
            KeyRef::Node(id) => self.nodes.get(id as usize).map(|n| &n.critical),
            KeyRef::Edge(id) => self.edges.get(id as usize).map(|(_, e)| &e.critical),
        };
        entry_point.usual_path().iter().filter_map(|&key| Some((self.key_name(key), critical(key)?))).collect()
    }

    pub fn nodes(&self) -> impl Iterator<Item = (&Arc<str>, &NodeState)> {
        self.names.iter().zip(&self.nodes)
    }

    pub fn node(&self, service: &str) -> Option<&NodeState> {
        self.name_index.get(service).and_then(|id| self.nodes.get(*id as usize))
    }

    pub fn edges(&self) -> impl Iterator<Item = (&EdgeKey, &EdgeState)> {
        self.edges.iter().map(|(k, e)| (k, e))
    }

    pub fn entry_points(&self) -> impl Iterator<Item = (&Arc<str>, &EntryPointState)> {
        self.entry_points.iter().filter_map(|(id, e)| self.names.get(*id as usize).map(|name| (name, e)))
    }

    /// Drops window slices that fell out of the window.
    pub fn prune(&mut self, s: &StatsSettings) {
        let watermark = self.watermark_ms();
        for node in &mut self.nodes {
            node.latency.prune(s, watermark);
            node.self_time.prune(s, watermark);
        }
        for (_, edge) in &mut self.edges {
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
        let nodes: usize =
            self.nodes.iter().map(|n| n.latency.slice_count() + n.self_time.slice_count() + n.critical.slice_count()).sum();
        let edges: usize = self
            .edges
            .iter()
            .map(|(_, e)| {
                [&e.latency, &e.server, &e.gap, &e.queue_delay, &e.critical].iter().map(|s| s.slice_count()).sum::<usize>()
            })
            .sum();
        let entries: usize = self.entry_points.values().map(|e| e.latency.slice_count()).sum();
        nodes + edges + entries
    }

    pub fn key_count(&self) -> usize {
        self.nodes.len() + self.edges.len() + self.entry_points.len()
    }
}
