//! The per-key latency state kept across polls: one entry per service (node), per `client→server` call kind
//! (edge) and per entry point, each holding [`LatencyStats`].
//!
//! Owns key identity (stable ids), what each observation updates, the critical-path time per key and in total (for
//! the shares) and the cap on the number of keys (`maxKeys` of each kind: hostile input cannot grow the map without
//! bound). A full kind first evicts every key with nothing left in the window, so junk names from the past cannot
//! keep the real system out; only when none has is a new key refused. Knows nothing of spans or formats: pairing
//! hands it finished observations ([`CallObservation`] says what a call is).
//!
//! Eviction never leaves an id dangling. Ids are held outside only while one trace is analysed, and every key
//! looked up or recorded is stamped with the watermark then, which no key stamped "now" is evicted at. Edges stamp
//! their two nodes and entry points their root, and each remembered critical path is stamped with the trace that
//! last took it, so anything that refers to a key is no older than it, and leaves with it or before it. Freed
//! slots are reused.

use foldhash::HashMap;
use std::sync::Arc;

use super::calls::{CallKind, CallObservation, EdgeKey};
use super::config::{Settings, DEFAULT_MAX_KEYS};
use super::stats::{LatencyStats, SampleTime, StatsSettings};
use super::warning::{refused_name, AggregateWarning, REFUSED_NAMES};

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
    paths: Vec<SeenPath>,
    /// Event time it was last recorded at (what eviction goes by).
    seen_ns: u64,
}

/// One distinct critical path of an entry point.
#[derive(Debug, Clone)]
struct SeenPath {
    keys: Vec<KeyRef>,
    count: u64,
    /// The watermark when a trace last took it; its keys were stamped then too.
    seen_ns: u64,
}

impl EntryPointState {
    /// The critical path seen most often.
    pub fn usual_path(&self) -> &[KeyRef] {
        self.paths.iter().max_by_key(|p| p.count).map(|p| p.keys.as_slice()).unwrap_or(&[])
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

/// A service: its name, its state, and the event time it was last looked up or recorded at.
#[derive(Debug, Clone)]
struct NodeSlot {
    name: Arc<str>,
    state: NodeState,
    seen_ns: u64,
}

/// A call kind between two services, and the event time it was last looked up or recorded at.
#[derive(Debug, Clone)]
struct EdgeSlot {
    key: EdgeKey,
    state: EdgeState,
    seen_ns: u64,
}

/// The cap on keys, and what eviction needs: the window keys age out of, and what was refused.
#[derive(Debug, Clone)]
struct KeyCap {
    max_keys: usize,
    /// `None`: nothing ever leaves (a state without a window to age out of, as pairing's own tests keep).
    window: Option<StatsSettings>,
    /// No key was last seen before this (set by each sweep; stamps only rise, new keys are stamped "now"). While
    /// it is in the window no key can be evicted and a full kind refuses at once; a sweep evicts every key out of
    /// the window, so the next one needs the window to have moved on by a slice: at most one O(keys) sweep per
    /// slice of event time, however many observations are refused.
    oldest_seen_ns: u64,
    /// Sweeps run so far (what the amortisation above is checked by).
    sweeps: u64,
    refused: u64,
    /// The first few distinct refused names, cut short.
    refused_names: Vec<String>,
}

impl Default for KeyCap {
    fn default() -> Self {
        KeyCap {
            max_keys: DEFAULT_MAX_KEYS,
            window: None,
            oldest_seen_ns: 0,
            sweeps: 0,
            refused: 0,
            refused_names: Vec::new(),
        }
    }
}

impl KeyCap {
    /// Whether a key last seen at `seen_ns` has nothing left in the window ending at `now_ns`. A key seen at
    /// `now_ns` never has, whatever the window: ids handed out while a trace is analysed stay valid.
    fn is_stale(&self, seen_ns: u64, now_ns: u64) -> bool {
        self.window.as_ref().is_some_and(|s| seen_ns < now_ns && !s.in_window(ms(seen_ns), ms(now_ns)))
    }

    /// Counts a refused observation, and keeps its name if it is one of the first few distinct ones.
    fn refuse(&mut self, name: impl FnOnce() -> String) {
        self.refused += 1;
        if self.refused_names.len() < REFUSED_NAMES {
            let name = refused_name(&name());
            if !self.refused_names.contains(&name) {
                self.refused_names.push(name);
            }
        }
    }
}

/// Every key's state plus the event-time watermark. Keys are interned: nodes and edges live in vectors indexed
/// by small integers, so recording a sample costs no string hashing in the common case. A slot is `None` once
/// its key was evicted, until a new key reuses it.
#[derive(Debug, Clone, Default)]
pub struct KeyedStats {
    nodes: Vec<Option<NodeSlot>>,
    free_nodes: Vec<u32>,
    name_index: HashMap<Arc<str>, u32>,
    name_cache: [Option<(Arc<str>, u32)>; NAME_CACHE],
    edges: Vec<Option<EdgeSlot>>,
    free_edges: Vec<u32>,
    edge_index: HashMap<(u32, u32, CallKind), u32>,
    entry_points: HashMap<u32, EntryPointState>,
    /// Newest span end seen (ns since the epoch): "now" for windows and TTLs.
    pub(crate) watermark_ns: u64,
    /// Oldest span end seen, for the rate when the window is "all".
    pub(crate) first_ns: Option<u64>,
    cap: KeyCap,
    /// Working memory of `record_trace`: the path's keys, and its ns per key.
    path_keys: Vec<KeyRef>,
    path_totals: Vec<(KeyRef, u64)>,
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// Puts `item` in a free slot of `slots`, or a new one; returns its index.
fn occupy<T>(slots: &mut Vec<Option<T>>, free: &mut Vec<u32>, item: T) -> u32 {
    match free.pop() {
        Some(id) => {
            slots[id as usize] = Some(item);
            id
        }
        None => {
            slots.push(Some(item));
            (slots.len() - 1) as u32
        }
    }
}

impl KeyedStats {
    /// An empty state capped at `settings.max_keys` of each kind, whose keys age out of `settings`' window.
    pub fn new(settings: &Settings) -> Self {
        let cap = KeyCap { max_keys: settings.max_keys, window: Some(settings.stats), ..KeyCap::default() };
        KeyedStats { cap, ..KeyedStats::default() }
    }

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

    fn node_mut(&mut self, id: u32) -> Option<&mut NodeSlot> {
        self.nodes.get_mut(id as usize).and_then(Option::as_mut)
    }

    fn edge_mut(&mut self, id: u32) -> Option<&mut EdgeSlot> {
        self.edges.get_mut(id as usize).and_then(Option::as_mut)
    }

    /// Marks node `id` as seen at `at_ns` (or later, if it already was).
    fn stamp_node(&mut self, id: u32, at_ns: u64) {
        if let Some(node) = self.node_mut(id) {
            node.seen_ns = node.seen_ns.max(at_ns);
        }
    }

    /// The node of `service`, created (as virtual until its own spans are seen) if new; `None` when full.
    pub fn node_id(&mut self, service: &Arc<str>) -> Option<u32> {
        let now = self.watermark_ns;
        let slot = cache_slot(service);
        if let Some((name, id)) = &self.name_cache[slot] {
            if Arc::ptr_eq(name, service) {
                let id = *id;
                self.stamp_node(id, now);
                return Some(id);
            }
        }
        let id = match self.name_index.get(service) {
            Some(&id) => {
                self.stamp_node(id, now);
                id
            }
            None => {
                if !self.make_room(|keys| keys.nodes.len() - keys.free_nodes.len() < keys.cap.max_keys) {
                    self.cap.refuse(|| service.to_string());
                    return None;
                }
                let state = NodeState { is_virtual: true, ..NodeState::default() };
                let node = NodeSlot { name: service.clone(), state, seen_ns: now };
                let id = occupy(&mut self.nodes, &mut self.free_nodes, node);
                self.name_index.insert(service.clone(), id);
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
        let now = self.watermark_ns;
        let out = self.nodes.get(from as usize).and_then(Option::as_ref).map_or(&[][..], |n| &n.state.out_edges);
        let found = if out.len() <= SCAN_OUT_EDGES {
            out.iter().find(|&&(t, k, _)| t == to && k == key.kind).map(|&(_, _, id)| id)
        } else {
            self.edge_index.get(&(from, to, key.kind)).copied()
        };
        if let Some(id) = found {
            if let Some(edge) = self.edge_mut(id) {
                edge.seen_ns = edge.seen_ns.max(now);
            }
            return Some((id, from, to));
        }
        // A sweep cannot take `from` or `to`: both were stamped now.
        if !self.make_room(|keys| keys.edges.len() - keys.free_edges.len() < keys.cap.max_keys) {
            self.cap.refuse(|| key.id());
            return None;
        }
        let state = EdgeState { inferred: true, ..EdgeState::default() };
        let id = occupy(&mut self.edges, &mut self.free_edges, EdgeSlot { key: key.clone(), state, seen_ns: now });
        self.edge_index.insert((from, to, key.kind), id);
        if let Some(node) = self.node_mut(from) {
            node.state.out_edges.push((to, key.kind, id));
        }
        Some((id, from, to))
    }

    /// The edge of `key`, created if new (with its nodes); `None` when full.
    pub fn edge_id(&mut self, key: &EdgeKey) -> Option<u32> {
        self.edge_ids(key).map(|(id, _, _)| id)
    }

    pub fn record_service(&mut self, s: &StatsSettings, service: &Arc<str>, at_ns: u64, duration_ns: u64, self_ns: u64, error: bool) {
        let time = SampleTime::new(s, ms(at_ns), self.watermark_ms());
        let Some(id) = self.node_id(service) else { return };
        let Some(node) = self.node_mut(id) else { return };
        node.seen_ns = node.seen_ns.max(at_ns);
        let node = &mut node.state;
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
        // callee is real unless named from attributes, and gets its own stats from its spans. A sample later than
        // the watermark keeps the edge, so its nodes too.
        for (node, stays_virtual) in [(from, call.external_caller), (to, call.virtual_target)] {
            if let Some(node) = self.node_mut(node) {
                node.state.is_virtual &= stays_virtual;
                node.seen_ns = node.seen_ns.max(call.at_ns);
            }
        }
        let edge = self.edge_mut(id)?;
        edge.seen_ns = edge.seen_ns.max(call.at_ns);
        let edge = &mut edge.state;
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
        // The trace's own time when it is ahead of the watermark (which moves at the end of a batch): what this
        // trace recorded is in the window until then.
        let now = self.watermark_ns.max(at_ns);
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
            // Stamped with the path, which the entry point remembers: no key leaves before a path naming it.
            let stats = match key {
                KeyRef::Node(id) => self.nodes.get_mut(id as usize).and_then(Option::as_mut).map(|n| {
                    n.seen_ns = n.seen_ns.max(now);
                    &mut n.state.critical
                }),
                KeyRef::Edge(id) => self.edges.get_mut(id as usize).and_then(Option::as_mut).map(|e| {
                    e.seen_ns = e.seen_ns.max(now);
                    &mut e.state.critical
                }),
            };
            if let Some(stats) = stats {
                stats.record_at(s, &time, ms(ns), false);
            }
        }
        let root_name = root;
        let Some(root) = self.node_id(root_name) else { return };
        self.stamp_node(root, at_ns);
        if !self.entry_points.contains_key(&root)
            && !self.make_room(|keys| keys.entry_points.len() < keys.cap.max_keys)
        {
            self.cap.refuse(|| root_name.to_string());
            return;
        }
        let entry_point = self.entry_points.entry(root).or_default();
        entry_point.seen_ns = entry_point.seen_ns.max(now);
        entry_point.latency.record_at(s, &time, ms(duration_ns), error);
        let full = entry_point.paths.len() >= MAX_PATHS_PER_ENTRY_POINT;
        match entry_point.paths.iter_mut().find(|p| p.keys == self.path_keys) {
            Some(seen) => {
                seen.count += 1;
                seen.seen_ns = seen.seen_ns.max(now);
            }
            None if !full => entry_point.paths.push(SeenPath { keys: self.path_keys.clone(), count: 1, seen_ns: now }),
            None => {}
        }
    }

    /// Whether there is room for one more key of a kind (`has_room`), after evicting every stale key if there was
    /// none.
    fn make_room(&mut self, has_room: impl Fn(&Self) -> bool) -> bool {
        if has_room(self) {
            return true;
        }
        self.evict_stale();
        has_room(self)
    }

    /// Evicts every node, edge, entry point and remembered path with nothing left in the window, unless the last
    /// sweep showed that none can have yet. Whatever refers to a key is stamped no later than the key, so it is
    /// evicted with it or before it: no id is left dangling.
    fn evict_stale(&mut self) {
        let now = self.watermark_ns;
        if !self.cap.is_stale(self.cap.oldest_seen_ns, now) {
            return;
        }
        self.cap.sweeps += 1;
        let cap = &self.cap;
        let stale = |seen_ns: u64| cap.is_stale(seen_ns, now);
        let mut oldest = now;
        self.entry_points.retain(|_, entry| {
            entry.paths.retain(|path| !stale(path.seen_ns));
            let keep = !stale(entry.seen_ns);
            if keep {
                oldest = entry.paths.iter().map(|path| path.seen_ns).fold(oldest.min(entry.seen_ns), u64::min);
            }
            keep
        });
        for (id, slot) in self.edges.iter_mut().enumerate() {
            let Some(edge) = slot else { continue };
            if stale(edge.seen_ns) {
                *slot = None;
                self.free_edges.push(id as u32);
            } else {
                oldest = oldest.min(edge.seen_ns);
            }
        }
        let edges = &self.edges;
        let live_edge = |id: u32| edges.get(id as usize).is_some_and(Option::is_some);
        self.edge_index.retain(|_, id| live_edge(*id));
        for (id, slot) in self.nodes.iter_mut().enumerate() {
            let Some(node) = slot else { continue };
            if stale(node.seen_ns) {
                self.name_index.remove(&node.name);
                *slot = None;
                self.free_nodes.push(id as u32);
            } else {
                oldest = oldest.min(node.seen_ns);
                node.state.out_edges.retain(|&(_, _, edge)| live_edge(edge));
            }
        }
        // Cached ids may be freed ones.
        self.name_cache = Default::default();
        self.cap.oldest_seen_ns = oldest;
    }

    /// The `aggregate.key-limit` warning, once an observation of a new key was refused.
    pub fn key_limit_warning(&self) -> Option<AggregateWarning> {
        let KeyCap { refused, max_keys, refused_names, .. } = &self.cap;
        (*refused > 0).then(|| AggregateWarning::KeyLimit {
            observations: *refused,
            max_keys: *max_keys,
            names: refused_names.clone(),
        })
    }

    /// Critical-path time in the window, in ms, over every node and edge: what each one's share is a part of.
    pub fn critical_total_ms(&self, s: &StatsSettings) -> f64 {
        let watermark = self.watermark_ms();
        let nodes: f64 = self.nodes().map(|(_, n)| n.critical.window_sum(s, watermark)).sum();
        let edges: f64 = self.edges().map(|(_, e)| e.critical.window_sum(s, watermark)).sum();
        nodes + edges
    }

    /// The id a snapshot shows for a key.
    pub fn key_name(&self, key: KeyRef) -> String {
        match key {
            KeyRef::Node(id) => self.node_slot(id).map(|n| n.name.to_string()).unwrap_or_default(),
            KeyRef::Edge(id) => self.edge_slot(id).map(|e| e.key.id()).unwrap_or_default(),
        }
    }

    fn node_slot(&self, id: u32) -> Option<&NodeSlot> {
        self.nodes.get(id as usize).and_then(Option::as_ref)
    }

    fn edge_slot(&self, id: u32) -> Option<&EdgeSlot> {
        self.edges.get(id as usize).and_then(Option::as_ref)
    }

    /// The usual critical path of the entry point `service`, each key's name with its critical-path stats.
    pub fn critical_path_hops(&self, service: &str) -> Vec<(String, &LatencyStats)> {
        let Some(entry_point) = self.name_index.get(service).and_then(|id| self.entry_points.get(id)) else {
            return Vec::new();
        };
        let critical = |key: KeyRef| match key {
            KeyRef::Node(id) => self.node_slot(id).map(|n| &n.state.critical),
            KeyRef::Edge(id) => self.edge_slot(id).map(|e| &e.state.critical),
        };
        entry_point.usual_path().iter().filter_map(|&key| Some((self.key_name(key), critical(key)?))).collect()
    }

    pub fn nodes(&self) -> impl Iterator<Item = (&Arc<str>, &NodeState)> {
        self.nodes.iter().flatten().map(|n| (&n.name, &n.state))
    }

    pub fn node(&self, service: &str) -> Option<&NodeState> {
        self.name_index.get(service).and_then(|id| self.node_slot(*id)).map(|n| &n.state)
    }

    pub fn edges(&self) -> impl Iterator<Item = (&EdgeKey, &EdgeState)> {
        self.edges.iter().flatten().map(|e| (&e.key, &e.state))
    }

    pub fn entry_points(&self) -> impl Iterator<Item = (&Arc<str>, &EntryPointState)> {
        self.entry_points.iter().filter_map(|(id, e)| self.node_slot(*id).map(|n| (&n.name, e)))
    }

    /// Drops window slices that fell out of the window.
    pub fn prune(&mut self, s: &StatsSettings) {
        let watermark = self.watermark_ms();
        let nodes = self.nodes.iter_mut().flatten().flat_map(|n| n.state.stats_mut());
        let edges = self.edges.iter_mut().flatten().flat_map(|e| e.state.stats_mut());
        let entry_points = self.entry_points.values_mut().map(|e| &mut e.latency);
        for stats in nodes.chain(edges).chain(entry_points) {
            stats.prune(s, watermark);
        }
    }

    /// Node `id`'s state, for setting figures read from metrics.
    pub fn node_state_mut(&mut self, id: u32) -> Option<&mut NodeState> {
        self.node_mut(id).map(|node| &mut node.state)
    }

    /// Edge `id`'s state, for setting figures read from metrics.
    pub fn edge_state_mut(&mut self, id: u32) -> Option<&mut EdgeState> {
        self.edge_mut(id).map(|edge| &mut edge.state)
    }

    /// Forgets every key's metrics figures: a new round replaces them all.
    pub fn clear_metrics(&mut self) {
        let nodes = self.nodes.iter_mut().flatten().flat_map(|n| n.state.stats_mut());
        let edges = self.edges.iter_mut().flatten().flat_map(|e| e.state.stats_mut());
        for stats in nodes.chain(edges) {
            stats.set_metrics(None);
        }
    }

    /// Window slices held over all keys: what memory grows with (O(keys · slices)).
    pub fn slice_count(&self) -> usize {
        let nodes = self.nodes().flat_map(|(_, n)| n.stats());
        let edges = self.edges().flat_map(|(_, e)| e.stats());
        let entry_points = self.entry_points.values().map(|e| &e.latency);
        nodes.chain(edges).chain(entry_points).map(LatencyStats::slice_count).sum()
    }

    /// Services + calls + entry points held (evicted ones are not).
    pub fn key_count(&self) -> usize {
        (self.nodes.len() - self.free_nodes.len()) + (self.edges.len() - self.free_edges.len()) + self.entry_points.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::stats::SLICES_PER_WINDOW;
    use crate::aggregate::calls::{call_between, CallObservation};
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::SpanKind::*;

    const MS: u64 = 1_000_000;

    /// The state's settings from the default config, for the fields a test does not set.
    fn default_settings() -> Settings {
        crate::aggregate::AggregateConfig::default().validate().expect("the default config is valid")
    }

    fn settings() -> StatsSettings {
        StatsSettings { window_ms: Some(10_000.0), read_slices: SLICES_PER_WINDOW, half_life_ms: 60_000.0, recent_samples: 10 }
    }

    fn call(at_ms: u64) -> CallObservation {
        let client = span(1, None, "a", Client, at_ms - 10, at_ms);
        call_between(&client, &span(2, Some(1), "b", Server, at_ms - 8, at_ms - 2))
    }

    /// Keys capped at `max_keys` of each kind, aging out of a 10 s window (1 s slices).
    fn capped(max_keys: usize) -> KeyedStats {
        KeyedStats::new(&Settings { stats: settings(), max_keys, ..default_settings() })
    }

    /// A sync call `from→to` ending at `at_ms`, with the watermark moved there first.
    fn call_at(keys: &mut KeyedStats, from: &str, to: &str, at_ms: u64) -> Option<u32> {
        keys.observe_time(at_ms * MS);
        let key = EdgeKey { from: Arc::from(from), to: Arc::from(to), kind: CallKind::Sync };
        keys.record_call(&settings(), &CallObservation { key, ..call(at_ms) })
    }

    fn node_names(keys: &KeyedStats) -> Vec<&str> {
        keys.nodes().map(|(name, _)| &**name).collect()
    }

    fn edge_names(keys: &KeyedStats) -> Vec<String> {
        keys.edges().map(|(key, _)| key.id()).collect()
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

    #[test]
    fn a_full_kind_evicts_what_left_the_window_and_reuses_its_slots() {
        let mut keys = capped(3);
        call_at(&mut keys, "a", "b", 1_000);
        call_at(&mut keys, "a", "c", 1_000);
        assert_eq!(node_names(&keys), ["a", "b", "c"]);
        // 29 s later b and c have nothing in the 10 s window: d takes a freed slot, and a (stamped by this very
        // call before d was looked up) stays.
        let edge = call_at(&mut keys, "a", "d", 30_000).expect("room after eviction");
        assert_eq!(node_names(&keys), ["a", "d"]);
        assert_eq!(edge_names(&keys), ["a→d:sync"]);
        assert_eq!(keys.key_name(KeyRef::Edge(edge)), "a→d:sync");
        assert_eq!((keys.node("b").is_none(), keys.key_count()), (true, 3));
        // a's list of outgoing edges lost the evicted ones: a→b is a new edge, not the freed id of the old one.
        let again = call_at(&mut keys, "a", "b", 30_000).expect("room for b");
        assert_ne!(again, edge);
        assert_eq!(edge_names(&keys), ["a→b:sync", "a→d:sync"]);
        assert_eq!(keys.edges().map(|(_, e)| e.latency.count()).collect::<Vec<_>>(), [1, 1]);
        assert_eq!(keys.key_limit_warning(), None);
    }

    #[test]
    fn keys_still_in_the_window_are_refused_and_named() {
        let mut keys = capped(2);
        call_at(&mut keys, "a", "b", 1_000);
        // 9 s later b's call is still in the window: nothing can be evicted.
        assert_eq!(call_at(&mut keys, "a", "c", 10_000), None);
        assert_eq!(call_at(&mut keys, "d", "a", 10_000), None);
        assert_eq!(call_at(&mut keys, "a", "c", 10_500), None);
        assert_eq!(node_names(&keys), ["a", "b"]);
        let warning = keys.key_limit_warning().expect("a warning");
        assert_eq!(
            warning,
            AggregateWarning::KeyLimit { observations: 3, max_keys: 2, names: vec!["c".into(), "d".into()] }
        );
        // Once the window has moved past b, the next new key makes room.
        assert!(call_at(&mut keys, "a", "c", 11_000).is_some());
        assert_eq!(node_names(&keys), ["a", "c"]);
    }

    #[test]
    fn a_remembered_path_through_an_evicted_edge_leaves_with_it() {
        let s = settings();
        let mut keys = capped(2);
        let edge = call_at(&mut keys, "a", "b", 1_000).expect("room");
        let a = keys.node_id(&Arc::from("a")).expect("a");
        keys.record_trace(&s, &Arc::from("a"), 1_000 * MS, 10 * MS, false, &[(KeyRef::Node(a), 4 * MS), (KeyRef::Edge(edge), 6 * MS)]);
        assert_eq!(keys.critical_path_hops("a").iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["a", "a→b:sync"]);
        keys.observe_time(30_000 * MS);
        keys.record_trace(&s, &Arc::from("a"), 30_000 * MS, 10 * MS, false, &[(KeyRef::Node(a), 10 * MS)]);
        keys.record_trace(&s, &Arc::from("a"), 30_000 * MS, 10 * MS, false, &[(KeyRef::Node(a), 10 * MS)]);
        // The old path was taken once, the new one twice: a→c reuses a→b's slot, which the old path must not name.
        let reused = call_at(&mut keys, "a", "c", 30_000).expect("room after eviction");
        assert_eq!(reused, edge);
        assert_eq!(keys.critical_path_hops("a").iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(keys.entry_points().map(|(name, e)| (&**name, e.paths.len())).collect::<Vec<_>>(), [("a", 1)]);
    }

    #[test]
    fn entry_points_leave_with_their_root() {
        let s = settings();
        let mut keys = capped(2);
        for (root, at_ms) in [("a", 1_000), ("b", 1_000), ("a", 30_000), ("c", 30_000)] {
            keys.observe_time(at_ms * MS);
            keys.record_trace(&s, &Arc::from(root), at_ms * MS, 10 * MS, false, &[]);
        }
        let mut entry_points: Vec<(&str, u64)> = keys.entry_points().map(|(n, e)| (&**n, e.latency.count())).collect();
        entry_points.sort();
        assert_eq!(entry_points, [("a", 2), ("c", 1)]);
        assert_eq!(keys.key_count(), 2 + 2);
    }

    #[test]
    fn with_the_window_all_nothing_leaves_and_the_cap_refuses() {
        let all = StatsSettings { window_ms: None, ..settings() };
        let mut keys = KeyedStats::new(&Settings { stats: all, max_keys: 2, ..default_settings() });
        call_at(&mut keys, "a", "b", 1_000);
        assert_eq!(call_at(&mut keys, "a", "c", 1_000_000), None);
        assert_eq!(node_names(&keys), ["a", "b"]);
        assert_eq!(keys.key_limit_warning().map(|w| w.to_string().starts_with("1 observations")), Some(true));
    }

    #[test]
    fn full_calls_evict_stale_calls_while_their_services_stay() {
        let mut keys = capped(3);
        for (from, to) in [("a", "b"), ("b", "c"), ("c", "a")] {
            call_at(&mut keys, from, to, 1_000);
        }
        // The services are full too, but b→a needs no new one: the calls' cap makes the room. c is evicted as well
        // (nothing in the window), a and b were just looked up.
        assert!(call_at(&mut keys, "b", "a", 30_000).is_some());
        assert_eq!(node_names(&keys), ["a", "b"]);
        assert_eq!(edge_names(&keys), ["b→a:sync"]);
        assert_eq!(keys.key_count(), 3);
    }

    #[test]
    fn refusals_within_one_slice_cost_one_sweep() {
        let mut keys = capped(2);
        call_at(&mut keys, "a", "b", 100_000);
        // 1 000 new callers over the next 9 s, while a and b are still in the 10 s window: the first refusal
        // sweeps and finds nothing; the rest know from its bound that nothing can have aged out yet.
        for i in 0..1_000 {
            assert_eq!(call_at(&mut keys, &format!("x{i}"), "a", 100_000 + i * 9), None);
        }
        assert_eq!((keys.cap.sweeps, keys.cap.refused), (1, 1_000));
        // Once a and b's slice has left the window, one more sweep makes room.
        assert!(call_at(&mut keys, "y", "z", 110_000).is_some());
        assert_eq!((keys.cap.sweeps, node_names(&keys)), (2, vec!["z", "y"]));
    }
}
