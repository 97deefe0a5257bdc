//! The per-key latency state kept across polls: one entry per service (node), per `client→server` call kind
//! (edge) and per entry point, each holding [`LatencyStats`].
//!
//! Owns key identity (stable ids), what each observation updates, the critical-path time per key and in total (for
//! the shares) and the cap on the number of keys (hostile input cannot grow the map without bound). Knows nothing
//! of spans or formats: pairing hands it finished observations ([`CallObservation`] says what a call is).

use foldhash::HashMap;
use std::sync::Arc;

use super::calls::{CallKind, CallObservation, EdgeKey};
use super::stats::{LatencyStats, SampleTime, StatsSettings};

/// Most nodes, edges and entry points kept (each); observations of further new keys are counted and dropped.
pub const MAX_KEYS: usize = 10_000;

/// Distinct critical paths remembered per entry point (the most frequent one is shown).
const MAX_PATHS_PER_ENTRY_POINT: usize = 16;

/// Keys kept of one critical path (a path through more hops than this is cut; the share figures still count
/// every segment).
const MAX_PATH_KEYS: usize = 256;

/// A node or an edge by its index in [`KeyedStats`], as critical-path time is attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRef {
    Node(u32),
    Edge(u32),
}

/// A service's state: its SERVER/CONSUMER (entry) span durations and their self time.
#[derive(Debug, Clone, Default)]
pub struct NodeState {
    pub latency: LatencyStats,
    pub self_time: LatencyStats,
    /// Only ever seen as the target of calls (`peer.service`, a database, `user`), never by its own spans.
    pub is_virtual: bool,
    /// Per trace whose critical path ran through this service: the ms the path spent in its own spans.
    pub critical: LatencyStats,
    /// (callee, kind, edge index) of this node's outgoing edges, scanned before hashing for small out-degrees.
    out_edges: Vec<(u32, CallKind, u32)>,
}

impl NodeState {
    /// Every [`LatencyStats`] the node keeps — latency, self time, critical — for what treats them alike (pruning,
    /// slice counts, merging into a group). The pattern names every field, so a new one cannot be missed here.
    pub fn stats(&self) -> [&LatencyStats; 3] {
        let NodeState { latency, self_time, critical, is_virtual: _, out_edges: _ } = self;
        [latency, self_time, critical]
    }

    /// [`NodeState::stats`], mutable.
    pub fn stats_mut(&mut self) -> [&mut LatencyStats; 3] {
        let NodeState { latency, self_time, critical, is_virtual: _, out_edges: _ } = self;
        [latency, self_time, critical]
    }
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
    /// Per trace whose critical path ran through this call: the ms the path spent in it outside the callee's spans
    /// (the client − server gap, the whole call to a database or uninstrumented peer, the publish of an async one).
    pub critical: LatencyStats,
}

impl EdgeState {
    /// Every [`LatencyStats`] the edge keeps — latency, server, gap, queue delay, critical — for what treats them
    /// alike (pruning, slice counts, merging into a group). The pattern names every field, so a new one cannot be
    /// missed here.
    pub fn stats(&self) -> [&LatencyStats; 5] {
        let EdgeState { latency, server, gap, queue_delay, critical, inferred: _ } = self;
        [latency, server, gap, queue_delay, critical]
    }

    /// [`EdgeState::stats`], mutable.
    pub fn stats_mut(&mut self) -> [&mut LatencyStats; 5] {
        let EdgeState { latency, server, gap, queue_delay, critical, inferred: _ } = self;
        [latency, server, gap, queue_delay, critical]
    }
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
    edge_index: HashMap<(u32, u32, CallKind), u32>,
    edges: Vec<(EdgeKey, EdgeState)>,
    entry_points: HashMap<u32, EntryPointState>,
    /// Newest span end seen (ns since the epoch): "now" for windows and TTLs.
    pub(crate) watermark_ns: u64,
    /// Oldest span end seen, for the rate when the window is "all".
    pub(crate) first_ns: Option<u64>,
    pub(crate) dropped_keys: u64,
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
        let time = SampleTime::new(s, ms(at_ns), self.watermark_ms());
        let Some(id) = self.node_id(service) else { return };
        let node = &mut self.nodes[id as usize];
        node.is_virtual = false;
        // Critical-path time is recorded per trace (`record_trace`).
        let [latency, self_time, _critical] = node.stats_mut();
        latency.record_at(s, &time, ms(duration_ns), error);
        self_time.record_at(s, &time, ms(self_ns), error);
    }

    /// Records one call; returns its edge.
    pub fn record_call(&mut self, s: &StatsSettings, call: &CallObservation) -> Option<u32> {
        let time = SampleTime::new(s, ms(call.at_ns), self.watermark_ms());
        let (id, from, to) = self.edge_ids(&call.key)?;
        // Both ends are nodes. The caller ran spans (a real service) unless it is outside the traced system; the
        // callee is real unless named from attributes, and gets its own stats from its spans.
        self.nodes[from as usize].is_virtual &= call.external_caller;
        self.nodes[to as usize].is_virtual &= call.virtual_target;
        let edge = &mut self.edges[id as usize].1;
        edge.inferred &= call.inferred;
        // Critical-path time is recorded per trace (`record_trace`).
        let [latency, server, gap, queue_delay, _critical] = edge.stats_mut();
        latency.record_at(s, &time, ms(call.latency_ns), call.error);
        for (stats, value) in [(server, call.server_ns), (gap, call.gap_ns), (queue_delay, call.queue_ns)] {
            if let Some(ns) = value {
                stats.record_at(s, &time, ms(ns), call.error);
            }
        }
        Some(id)
    }

    /// One trace's end-to-end latency at its root service, and its critical path as (key, ns on the path) in
    /// time order.
    pub fn record_trace(&mut self, s: &StatsSettings, root: &Arc<str>, at_ns: u64, duration_ns: u64, error: bool, path: &[(KeyRef, u64)]) {
        let time = SampleTime::new(s, ms(at_ns), self.watermark_ms());
        self.path_keys.clear();
        // One critical-path sample per key and trace: a service comes back on the path after each call it makes.
        self.path_totals.clear();
        for &(key, ns) in path {
            if self.path_keys.last() != Some(&key) && self.path_keys.len() < MAX_PATH_KEYS {
                self.path_keys.push(key);
            }
            match self.path_totals.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => *total = total.saturating_add(ns),
                None => self.path_totals.push((key, ns)),
            }
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
        let Some(root) = self.node_id(root) else { return };
        if self.entry_points.len() >= MAX_KEYS && !self.entry_points.contains_key(&root) {
            self.dropped_keys += 1;
            return;
        }
        let entry_point = self.entry_points.entry(root).or_default();
        entry_point.latency.record_at(s, &time, ms(duration_ns), error);
        let full = entry_point.paths.len() >= MAX_PATHS_PER_ENTRY_POINT;
        match entry_point.paths.iter_mut().find(|(p, _)| *p == self.path_keys) {
            Some((_, n)) => *n += 1,
            None if !full => entry_point.paths.push((self.path_keys.clone(), 1)),
            None => {}
        }
    }

    /// Critical-path time in the window, in ms, over every node and edge: what each one's share is a part of.
    pub fn critical_total_ms(&self, s: &StatsSettings) -> f64 {
        let watermark = self.watermark_ms();
        let nodes: f64 = self.nodes.iter().map(|n| n.critical.window_sum(s, watermark)).sum();
        let edges: f64 = self.edges.iter().map(|(_, e)| e.critical.window_sum(s, watermark)).sum();
        nodes + edges
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
        let nodes = self.nodes.iter_mut().flat_map(NodeState::stats_mut);
        let edges = self.edges.iter_mut().flat_map(|(_, e)| e.stats_mut());
        let entry_points = self.entry_points.values_mut().map(|e| &mut e.latency);
        for stats in nodes.chain(edges).chain(entry_points) {
            stats.prune(s, watermark);
        }
    }

    /// Window slices held over all keys: what memory grows with (O(keys · slices)).
    pub fn slice_count(&self) -> usize {
        let nodes = self.nodes.iter().flat_map(NodeState::stats);
        let edges = self.edges.iter().flat_map(|(_, e)| e.stats());
        let entry_points = self.entry_points.values().map(|e| &e.latency);
        nodes.chain(edges).chain(entry_points).map(LatencyStats::slice_count).sum()
    }

    pub fn key_count(&self) -> usize {
        self.nodes.len() + self.edges.len() + self.entry_points.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::calls::{call_between, CallObservation};
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::SpanKind::*;

    const MS: u64 = 1_000_000;

    fn settings() -> StatsSettings {
        StatsSettings { window_ms: Some(10_000.0), half_life_ms: 60_000.0, recent_samples: 10 }
    }

    fn call(at_ms: u64) -> CallObservation {
        let client = span(1, None, "a", Client, at_ms - 10, at_ms);
        call_between(&client, &span(2, Some(1), "b", Server, at_ms - 8, at_ms - 2))
    }

    #[test]
    fn prune_drops_every_stats_of_nodes_and_edges_including_the_critical_path() {
        let s = settings();
        let mut keys = KeyedStats::default();
        keys.observe_time(100 * MS);
        let edge = keys.record_call(&s, &call(100)).expect("room for the edge");
        let a = keys.node_id(&Arc::from("a")).expect("a is a node");
        keys.record_service(&s, &Arc::from("a"), 100 * MS, 10 * MS, 4 * MS, false);
        let path = [(KeyRef::Node(a), 4 * MS), (KeyRef::Edge(edge), 6 * MS)];
        keys.record_trace(&s, &Arc::from("a"), 100 * MS, 10 * MS, false, &path);
        // Node a: latency, self time, critical; node b: none (no spans of its own); edge: latency, server, gap,
        // critical; the entry point: latency.
        assert_eq!(keys.slice_count(), 3 + 4 + 1);
        assert_eq!(keys.critical_total_ms(&s), 10.0);
        keys.observe_time(60_000 * MS);
        keys.prune(&s);
        assert_eq!(keys.slice_count(), 0);
        assert_eq!(keys.node("a").map(|n| n.critical.slice_count()), Some(0));
        assert_eq!(keys.critical_total_ms(&s), 0.0);
    }

    #[test]
    fn the_outside_user_stays_virtual_and_so_does_a_callee_named_from_attributes() {
        let s = settings();
        let mut keys = KeyedStats::default();
        let user = EdgeKey { from: Arc::from("user"), ..call(50).key };
        keys.record_call(&s, &CallObservation { external_caller: true, key: user, ..call(50) });
        let billing = EdgeKey { to: Arc::from("billing"), ..call(50).key };
        keys.record_call(&s, &CallObservation { virtual_target: true, key: billing, ..call(50) });
        let virtual_nodes: Vec<(&str, bool)> = keys.nodes().map(|(name, n)| (&**name, n.is_virtual)).collect();
        assert_eq!(virtual_nodes, [("user", true), ("b", false), ("a", false), ("billing", true)]);
    }
}
