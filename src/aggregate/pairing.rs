//! Pairing spans into calls between services, and the bounded store of what still waits for its other side.
//!
//! Spans are buffered per trace until the end of the batch finds the trace *closed* (every parent it names is in
//! it or waits in the call store below, and it has a root or such a caller), its TTL passes in event time, or the
//! store is full; then the trace is analysed at once: CLIENT↔SERVER (sync),
//! PRODUCER↔CONSUMER by parent and by span links (async), inferred edges for any other parent→child pair in
//! different services, database edges, `user` → root SERVER spans, service entry spans with self time, and the
//! critical path. CLIENT spans left without a server, and every PRODUCER (batch consumers may still link to it),
//! wait in a second store keyed by (trace id, span id) until a late server/consumer arrives or the TTL passes; on
//! expiry a CLIENT/PRODUCER becomes an edge to a virtual node named from its attributes. Both stores are capped at
//! `maxPending` spans; what is forced out early is counted as dropped, what times out as expired.

use foldhash::HashMap;
use std::collections::VecDeque;

use super::config::Settings;
use super::critical_path::CriticalPath;
use super::state::{CallObservation, EdgeKey, EdgeKind, KeyRef, KeyedStats};
use super::trace::{SelfTimeScratch, TraceTree};
use crate::telemetry::{Span, SpanId, SpanKind, TraceId};

/// The client of root SERVER spans (requests from outside the traced system).
pub const USER_NODE: &str = "user";

/// Counts since the state was created or reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairingCounts {
    /// Calls paired from both sides (CLIENT↔SERVER, PRODUCER↔CONSUMER).
    pub paired: u64,
    /// Edges inferred from a parent→child pair in different services without the matching kinds.
    pub inferred: u64,
    /// Spans that waited past the TTL (their partner never came).
    pub expired: u64,
    /// Spans forced out of a full store before their TTL.
    pub dropped: u64,
    /// Spans ignored because their trace already had a span with the same id.
    pub duplicates: u64,
}

struct TraceBuffer {
    spans: Vec<Span>,
    newest_end_ns: u64,
    /// The trace has a span without parent (so it may be closed once every named parent is here).
    has_root: bool,
    /// Received spans in the current batch: checked for closure at its end.
    touched: bool,
}

/// Why something left a store before its partner came.
#[derive(Clone, Copy)]
enum Cause {
    Expired,
    Dropped,
}

/// A CLIENT or PRODUCER span waiting for its server/consumer (or, for producers, for links to it).
struct WaitingCall {
    span: Span,
    /// Already paired at least once (a producer kept only for links).
    matched: bool,
    expires_at_ns: u64,
}

/// A batch CONSUMER whose linked producer was not seen yet.
struct WaitingConsumer {
    span: Span,
    expires_at_ns: u64,
}

#[derive(Default)]
pub struct Pairing {
    traces: HashMap<TraceId, TraceBuffer>,
    /// Trace ids in arrival order: eviction order when the store is full (stale ids are skipped).
    arrival: VecDeque<TraceId>,
    /// Spans in `traces` and `staging`.
    buffered_spans: usize,
    /// The latest run of consecutive spans of one trace, not yet moved into `traces`.
    staging: Vec<Span>,
    calls: HashMap<(TraceId, SpanId), WaitingCall>,
    call_arrival: VecDeque<(TraceId, SpanId)>,
    consumers: HashMap<(TraceId, SpanId), Vec<WaitingConsumer>>,
    waiting_consumers: usize,
    pub counts: PairingCounts,
    /// Working memory of `analyse` and `is_closed`, kept across traces.
    work: Work,
}

/// What analysing a trace needs besides its spans, kept across traces so that, once grown, analysing one
/// allocates nothing.
#[derive(Default)]
struct Work {
    tree: TraceTree,
    self_time: SelfTimeScratch,
    path: CriticalPath,
    /// Per span: a callee answered it (so it needs no virtual node).
    matched: Vec<bool>,
    /// Per caller span: the edge it formed, to attribute its critical-path time.
    edge_of: Vec<Option<u32>>,
    /// One root's critical path as (node or edge, ns).
    keyed_path: Vec<(KeyRef, u64)>,
    /// Per unanswered database client span: its call, made for the critical path and recorded as the span leaves.
    database_call: Vec<Option<CallObservation>>,
    /// A buffered trace's span ids (`is_closed`).
    ids: Vec<SpanId>,
}

fn virtual_name(span: &Span) -> Option<&str> {
    let a = &span.attributes;
    a.peer_service()
        .or(a.db_name())
        .or(a.db_system())
        .or(a.server_address())
        .or(a.messaging_destination())
}

fn is_database(span: &Span) -> bool {
    span.attributes.db_system().is_some() || span.attributes.db_query
}

/// The call formed by `caller` (CLIENT/PRODUCER or any parent) and `callee` in another service.
fn call_between(caller: &Span, callee: &Span) -> (CallObservation, bool) {
    let at_ns = caller.end_ns.max(callee.end_ns);
    let error = caller.is_error() || callee.is_error();
    let key = |kind| EdgeKey { from: caller.service.clone(), to: callee.service.clone(), kind };
    let observation = match (caller.kind, callee.kind) {
        (SpanKind::Client, SpanKind::Server) => CallObservation {
            key: key(if is_database(caller) { EdgeKind::Database } else { EdgeKind::Sync }),
            virtual_target: false,
            inferred: false,
            latency_ns: caller.duration_ns(),
            server_ns: Some(callee.duration_ns()),
            gap_ns: Some(caller.duration_ns().saturating_sub(callee.duration_ns())),
            queue_ns: None,
            error,
            at_ns,
        },
        (SpanKind::Producer, SpanKind::Consumer) => CallObservation {
            key: key(EdgeKind::Async),
            virtual_target: false,
            inferred: false,
            latency_ns: callee.end_ns.saturating_sub(caller.start_ns),
            server_ns: Some(callee.duration_ns()),
            gap_ns: None,
            queue_ns: Some(callee.start_ns.saturating_sub(caller.end_ns)),
            error,
            at_ns,
        },
        (caller_kind, callee_kind) => {
            let asynchronous = caller_kind == SpanKind::Producer || callee_kind == SpanKind::Consumer;
            CallObservation {
                key: key(if asynchronous { EdgeKind::Async } else { EdgeKind::Sync }),
                virtual_target: false,
                inferred: true,
                latency_ns: callee.duration_ns(),
                server_ns: None,
                gap_ns: None,
                queue_ns: None,
                error,
                at_ns,
            }
        }
    };
    let inferred = observation.inferred;
    (observation, inferred)
}

/// The edge a CLIENT/PRODUCER that never met its partner becomes: to a virtual node named from its attributes.
fn call_to_virtual(caller: &Span, out: &KeyedStats) -> Option<CallObservation> {
    // A peer named like the caller's own service is a call within it, not an edge.
    let to = out.intern(virtual_name(caller).filter(|name| *name != &*caller.service)?);
    let kind = match caller.kind {
        SpanKind::Producer => EdgeKind::Async,
        _ if is_database(caller) => EdgeKind::Database,
        _ => EdgeKind::Sync,
    };
    Some(CallObservation {
        key: EdgeKey { from: caller.service.clone(), to, kind },
        virtual_target: true,
        inferred: false,
        latency_ns: caller.duration_ns(),
        server_ns: None,
        gap_ns: None,
        queue_ns: None,
        error: caller.is_error(),
        at_ns: caller.end_ns,
    })
}

/// Traces up to this many spans find parents by scanning their spans; larger ones sort their ids first.
const SCAN_FOR_PARENTS: usize = 32;

/// A trace can be analysed once every parent it names is in it or waits in the call store (a caller from an
/// earlier batch), and it has a root or such a caller. `ids` is working memory.
fn is_closed(buffer: &TraceBuffer, calls: &HashMap<(TraceId, SpanId), WaitingCall>, ids: &mut Vec<SpanId>) -> bool {
    let spans = &buffer.spans;
    let scan = spans.len() <= SCAN_FOR_PARENTS;
    if !scan {
        ids.clear();
        ids.extend(spans.iter().map(|s| s.span_id));
        ids.sort_unstable();
    }
    let present = |id: SpanId| if scan { spans.iter().any(|s| s.span_id == id) } else { ids.binary_search(&id).is_ok() };
    let mut anchored = buffer.has_root;
    for span in spans {
        let Some(parent) = span.parent_id else { continue };
        if present(parent) {
            continue;
        }
        if !calls.contains_key(&(span.trace_id, parent)) {
            return false;
        }
        anchored = true;
    }
    anchored
}

/// `user` → root SERVER calls, and every service entry span with its self time.
fn record_entries(work: &mut Work, settings: &Settings, out: &mut KeyedStats) {
    let tree = &work.tree;
    for (i, span) in tree.spans.iter().enumerate() {
        if span.parent_id.is_none() && span.kind == SpanKind::Server {
            let call = CallObservation {
                key: EdgeKey { from: out.intern(USER_NODE), to: span.service.clone(), kind: EdgeKind::Sync },
                virtual_target: true,
                inferred: false,
                latency_ns: span.duration_ns(),
                server_ns: None,
                gap_ns: None,
                queue_ns: None,
                error: span.is_error(),
                at_ns: span.end_ns,
            };
            out.record_call(&settings.stats, &call);
        }
        if tree.is_entry(i) {
            let self_ns = tree.self_time_ns_with(i, &mut work.self_time);
            let (at_ns, duration_ns, error) = (span.end_ns, span.duration_ns(), span.is_error());
            out.record_service(&settings.stats, &span.service, at_ns, duration_ns, self_ns, error);
        }
    }
}

/// Each root's end-to-end latency and critical path.
fn record_critical_paths(work: &mut Work, settings: &Settings, out: &mut KeyedStats) {
    let Work { tree, path, edge_of, keyed_path, matched, database_call, .. } = work;
    // Callers still without a partner: their time on the critical path goes to the edge they become (a
    // database now, a virtual node at expiry) rather than to their own service.
    for (i, span) in tree.spans.iter().enumerate() {
        if span.kind == SpanKind::Client && !matched[i] {
            let call = call_to_virtual(span, out);
            edge_of[i] = call.as_ref().and_then(|call| out.edge_id(&call.key));
            if is_database(span) {
                database_call[i] = call;
            }
        }
    }
    for root in (0..tree.spans.len()).filter(|&i| tree.spans[i].parent_id.is_none()) {
        keyed_path.clear();
        for segment in path.compute(tree, root) {
            let key = match edge_of[segment.span] {
                Some(edge) => KeyRef::Edge(edge),
                None => match out.node_id(&tree.spans[segment.span].service) {
                    Some(node) => KeyRef::Node(node),
                    None => continue,
                },
            };
            keyed_path.push((key, segment.ns));
        }
        let span = &tree.spans[root];
        out.record_trace(&settings.stats, &span.service, span.end_ns, span.duration_ns(), span.is_error(), keyed_path);
    }
}

impl Pairing {
    /// Spans held in any store.
    pub fn pending(&self) -> usize {
        self.buffered_spans + self.calls.len() + self.waiting_consumers
    }

    /// Takes one span.
    pub fn add(&mut self, span: Span, settings: &Settings, out: &mut KeyedStats) {
        out.observe_time(span.end_ns);
        if self.staging.last().is_some_and(|last| last.trace_id != span.trace_id) {
            self.unstage();
        }
        self.staging.push(span);
        self.buffered_spans += 1;
        while self.buffered_spans > settings.max_pending {
            if self.arrival.is_empty() {
                self.unstage();
            }
            let Some(oldest) = self.arrival.pop_front() else { break };
            // Forced out early: still analysed for what it holds, so a full store loses pairs, not spans.
            self.analyse_buffered(oldest, settings, out, Some(Cause::Dropped));
        }
    }

    /// Moves the staged run of one trace's spans into its buffer: one map lookup per run, not per span.
    fn unstage(&mut self) {
        let Some(trace_id) = self.staging.first().map(|s| s.trace_id) else { return };
        let buffer = self.traces.entry(trace_id).or_insert_with(|| {
            self.arrival.push_back(trace_id);
            TraceBuffer { spans: Vec::new(), newest_end_ns: 0, has_root: false, touched: false }
        });
        buffer.touched = true;
        for span in &self.staging {
            buffer.newest_end_ns = buffer.newest_end_ns.max(span.end_ns);
            buffer.has_root |= span.parent_id.is_none();
        }
        if buffer.spans.is_empty() {
            // The run becomes the buffer; the next run likely has as many spans.
            let next = Vec::with_capacity(self.staging.len());
            buffer.spans = std::mem::replace(&mut self.staging, next);
        } else {
            buffer.spans.append(&mut self.staging);
        }
    }

    /// Ends a batch: analyses the traces it closed (in arrival order), then expires what waited past the TTL.
    pub fn end_batch(&mut self, settings: &Settings, out: &mut KeyedStats) {
        self.unstage();
        let mut closed: Vec<TraceId> = Vec::new();
        for trace_id in &self.arrival {
            let Some(buffer) = self.traces.get(trace_id) else { continue };
            if buffer.touched && is_closed(buffer, &self.calls, &mut self.work.ids) {
                closed.push(*trace_id);
            }
        }
        for trace_id in closed {
            self.analyse_buffered(trace_id, settings, out, None);
        }
        self.arrival.retain(|id| self.traces.contains_key(id));
        for buffer in self.traces.values_mut() {
            buffer.touched = false;
        }
        self.expire(settings, out, out.watermark_ns);
    }

    /// Analyses and expires everything still waiting, as if the TTL had passed (end of a recorded replay).
    pub fn flush(&mut self, settings: &Settings, out: &mut KeyedStats) {
        self.end_batch(settings, out);
        self.expire(settings, out, u64::MAX);
    }

    /// Removes a buffered trace and analyses it; `cause` counts its spans as expired or dropped.
    fn analyse_buffered(&mut self, trace_id: TraceId, settings: &Settings, out: &mut KeyedStats, cause: Option<Cause>) {
        let Some(buffer) = self.traces.remove(&trace_id) else { return };
        let n = buffer.spans.len();
        self.buffered_spans -= n;
        match cause {
            Some(Cause::Expired) => self.counts.expired += n as u64,
            Some(Cause::Dropped) => self.counts.dropped += n as u64,
            None => {}
        }
        self.analyse(buffer.spans, settings, out);
    }

    /// Everything whose TTL ended before `now_ns` (`u64::MAX`: everything) leaves the stores.
    fn expire(&mut self, settings: &Settings, out: &mut KeyedStats, now_ns: u64) {
        let due = |expires_at_ns: u64| expires_at_ns < now_ns || now_ns == u64::MAX;
        let ttl = settings.ttl_ns;
        let mut stale: Vec<TraceId> = self
            .traces
            .iter()
            .filter(|(_, b)| due(b.newest_end_ns.saturating_add(ttl)))
            .map(|(id, _)| *id)
            .collect();
        if !stale.is_empty() {
            // In arrival order, so expiry is deterministic.
            stale.sort_unstable();
            let stale_ids: Vec<TraceId> =
                self.arrival.iter().filter(|id| stale.binary_search(id).is_ok()).copied().collect();
            for trace_id in stale_ids {
                self.analyse_buffered(trace_id, settings, out, Some(Cause::Expired));
            }
            self.arrival.retain(|id| self.traces.contains_key(id));
        }

        let calls: Vec<(TraceId, SpanId)> =
            self.call_arrival.iter().filter(|k| self.calls.get(k).is_some_and(|c| due(c.expires_at_ns))).copied().collect();
        for key in calls {
            if let Some(call) = self.calls.remove(&key) {
                self.finish_call(call, settings, out, Cause::Expired);
            }
        }
        self.call_arrival.retain(|k| self.calls.contains_key(k));

        let mut expired_consumers = 0u64;
        self.consumers.retain(|_, waiting| {
            let before = waiting.len();
            waiting.retain(|c| !due(c.expires_at_ns));
            expired_consumers += (before - waiting.len()) as u64;
            !waiting.is_empty()
        });
        self.waiting_consumers -= expired_consumers as usize;
        self.counts.expired += expired_consumers;
    }

    /// A waiting call leaves the store: unmatched, it becomes an edge to a virtual node.
    fn finish_call(&mut self, call: WaitingCall, settings: &Settings, out: &mut KeyedStats, cause: Cause) {
        if call.matched {
            return;
        }
        match cause {
            Cause::Expired => self.counts.expired += 1,
            Cause::Dropped => self.counts.dropped += 1,
        }
        if let Some(observation) = call_to_virtual(&call.span, out) {
            out.record_call(&settings.stats, &observation);
        }
    }

    fn wait_for_partner(&mut self, span: Span, matched: bool, settings: &Settings, out: &mut KeyedStats) {
        let key = (span.trace_id, span.span_id);
        let expires_at_ns = span.end_ns.saturating_add(settings.ttl_ns);
        if self.calls.insert(key, WaitingCall { span, matched, expires_at_ns }).is_none() {
            self.call_arrival.push_back(key);
        }
        while self.calls.len() > settings.max_pending {
            let Some(oldest) = self.call_arrival.pop_front() else { break };
            if let Some(call) = self.calls.remove(&oldest) {
                self.finish_call(call, settings, out, Cause::Dropped);
            }
        }
    }

    fn record_pair(&mut self, caller: &Span, callee: &Span, settings: &Settings, out: &mut KeyedStats) -> Option<u32> {
        let (observation, inferred) = call_between(caller, callee);
        if inferred {
            self.counts.inferred += 1;
        } else {
            self.counts.paired += 1;
        }
        out.record_call(&settings.stats, &observation)
    }

    /// Everything one trace's spans say.
    fn analyse(&mut self, spans: Vec<Span>, settings: &Settings, out: &mut KeyedStats) {
        let mut work = std::mem::take(&mut self.work);
        work.tree.rebuild(spans);
        self.counts.duplicates += work.tree.duplicates as u64;
        let n = work.tree.spans.len();
        work.matched.clear();
        work.matched.resize(n, false);
        work.edge_of.clear();
        work.edge_of.resize(n, None);
        work.database_call.clear();
        work.database_call.resize(n, None);
        self.pair_in_trace(&mut work, settings, out);
        record_entries(&mut work, settings, out);
        record_critical_paths(&mut work, settings, out);
        let spans = std::mem::take(&mut work.tree.spans);
        self.leave_callers(spans, &work.matched, &mut work.database_call, settings, out);
        self.work = work;
    }

    /// Calls between the trace's spans, and from callers waiting in the store.
    fn pair_in_trace(&mut self, work: &mut Work, settings: &Settings, out: &mut KeyedStats) {
        let tree = &work.tree;
        for i in 0..tree.spans.len() {
            let span = &tree.spans[i];
            match tree.parent[i] {
                Some(p) if tree.spans[p].service != span.service => {
                    let key = self.record_pair(&tree.spans[p], span, settings, out);
                    work.matched[p] = true;
                    if matches!(tree.spans[p].kind, SpanKind::Client | SpanKind::Producer) {
                        work.edge_of[p] = key;
                    }
                }
                // A call within one service is no edge, but its caller was answered (no virtual node for it).
                Some(p) => work.matched[p] |= matches!(span.kind, SpanKind::Server | SpanKind::Consumer),
                None => self.pair_with_waiting_parent(span, settings, out),
            }
            if span.kind == SpanKind::Consumer {
                self.pair_links(tree, i, settings, out);
            }
        }
    }

    /// Callers left without a partner: databases need none; the rest wait for a late one. Only callers are
    /// moved out of the trace (highest index first, so `swap_remove` leaves the lower indices in place).
    fn leave_callers(
        &mut self,
        mut spans: Vec<Span>,
        matched: &[bool],
        database_call: &mut [Option<CallObservation>],
        settings: &Settings,
        out: &mut KeyedStats,
    ) {
        for i in (0..spans.len()).rev() {
            if !matches!(spans[i].kind, SpanKind::Client | SpanKind::Producer) {
                continue;
            }
            let span = spans.swap_remove(i);
            match span.kind {
                SpanKind::Client if !matched[i] && is_database(&span) => {
                    if let Some(observation) = database_call[i].take() {
                        out.record_call(&settings.stats, &observation);
                    }
                }
                SpanKind::Client if !matched[i] => self.wait_for_partner(span, false, settings, out),
                SpanKind::Producer => {
                    let waiting = self.consumers.remove(&(span.trace_id, span.span_id)).unwrap_or_default();
                    self.waiting_consumers -= waiting.len();
                    let paired = matched[i] || !waiting.is_empty();
                    for consumer in waiting {
                        self.record_pair(&span, &consumer.span, settings, out);
                    }
                    self.wait_for_partner(span, paired, settings, out);
                }
                _ => {}
            }
        }
    }

    /// A SERVER/CONSUMER whose parent was not in its trace: maybe a caller from an earlier batch still waits.
    fn pair_with_waiting_parent(&mut self, span: &Span, settings: &Settings, out: &mut KeyedStats) {
        let Some(parent_id) = span.parent_id else { return };
        if !matches!(span.kind, SpanKind::Server | SpanKind::Consumer) {
            return;
        }
        let key = (span.trace_id, parent_id);
        let Some(call) = self.calls.get(&key) else { return };
        if call.span.service == span.service {
            return;
        }
        let caller = call.span.clone();
        self.record_pair(&caller, span, settings, out);
        match caller.kind {
            // Producers stay for links; clients are done.
            SpanKind::Producer => {
                if let Some(call) = self.calls.get_mut(&key) {
                    call.matched = true;
                }
            }
            _ => {
                self.calls.remove(&key);
            }
        }
    }

    /// A CONSUMER's links to producers: in its own trace, waiting in the store, or not seen yet (then it waits).
    fn pair_links(&mut self, tree: &TraceTree, i: usize, settings: &Settings, out: &mut KeyedStats) {
        let consumer = &tree.spans[i];
        for link in &consumer.links {
            if link.trace_id == consumer.trace_id && Some(link.span_id) == consumer.parent_id {
                continue; // already paired by parent
            }
            let local = (link.trace_id == consumer.trace_id).then(|| tree.find(link.span_id)).flatten();
            if let Some(p) = local {
                let producer = &tree.spans[p];
                if producer.kind == SpanKind::Producer && producer.service != consumer.service {
                    self.record_pair(producer, consumer, settings, out);
                }
                continue;
            }
            let key = (link.trace_id, link.span_id);
            if let Some(call) = self.calls.get_mut(&key) {
                if call.span.kind == SpanKind::Producer && call.span.service != consumer.service {
                    call.matched = true;
                    let producer = call.span.clone();
                    self.record_pair(&producer, consumer, settings, out);
                }
                continue;
            }
            if self.waiting_consumers < settings.max_pending {
                let expires_at_ns = consumer.end_ns.saturating_add(settings.ttl_ns);
                self.consumers.entry(key).or_default().push(WaitingConsumer { span: consumer.clone(), expires_at_ns });
                self.waiting_consumers += 1;
            } else {
                self.counts.dropped += 1;
            }
        }
    }
}
