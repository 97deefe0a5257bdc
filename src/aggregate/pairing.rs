//! Per-trace analysis: what one trace's spans say once it can be analysed, and the pairing of callers that waited
//! across batches.
//!
//! Spans are buffered per trace (`pending.rs`) until the end of the batch finds the trace closed, its TTL passes in
//! event time, or the store is full; then the trace is analysed at once: parent→child pairs in different services
//! and PRODUCER↔CONSUMER span links become calls (`calls.rs` says which kind), root SERVER spans are called by
//! `user`, service entry spans are recorded with their self time, and each root's critical path is attributed to
//! the nodes and edges it ran through. CLIENT spans left without a server, and every PRODUCER (batch consumers may
//! still link to it), wait in the call store until a late server/consumer arrives or the TTL passes; on expiry a
//! CLIENT/PRODUCER becomes a call to a virtual node. What is forced out of a full store early is counted as dropped,
//! what times out as expired.
//!
//! Every span is first checked against the memory of spans already taken (`seen.rs`): a repeat is counted as a
//! duplicate and goes no further, whether it came in the same document, a later poll, or after its trace was
//! analysed. Event time comes from `event_time.rs`: a span's end moves the watermark once its batch ends, unless
//! it lies more than `maxClockSkew` ahead of the batch's reference, and such a future span is analysed shifted
//! back to the reference.

use super::calls::{call_between, call_from_user, call_to_virtual, is_database, CallObservation};
use super::config::Settings;
use super::critical_path::CriticalPath;
use super::event_time::EventClock;
use super::pending::{CallStore, ConsumerStore, TraceStore, WaitingCall};
use super::seen::SeenSpans;
use super::state::{KeyRef, KeyedStats};
use super::trace::{SelfTimeScratch, TraceTree};
use crate::telemetry::{Span, SpanKind};

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
    /// Spans ignored because a span with the same trace and span id was taken before.
    pub duplicates: u64,
}

/// Why something left a store before its partner came.
#[derive(Clone, Copy)]
enum Cause {
    Expired,
    Dropped,
}

/// Pairing across batches: the stores of what waits, the counts so far, and the analysis' working memory.
#[derive(Default)]
pub struct Pairing {
    traces: TraceStore,
    calls: CallStore,
    consumers: ConsumerStore,
    pub counts: PairingCounts,
    scratch: AnalysisScratch,
    seen: SeenSpans,
    pub clock: EventClock,
}

/// What analysing a trace needs besides its spans, kept across traces so that, once grown, analysing one
/// allocates nothing.
#[derive(Default)]
struct AnalysisScratch {
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
}

/// `user` → root SERVER calls, and every service entry span with its self time.
fn record_entries(scratch: &mut AnalysisScratch, settings: &Settings, out: &mut KeyedStats) {
    let tree = &scratch.tree;
    for (i, span) in tree.spans.iter().enumerate() {
        if let Some(call) = call_from_user(span, |name| out.intern(name)) {
            out.record_call(&settings.stats, &call);
        }
        if tree.is_entry(i) {
            let self_ns = tree.self_time_ns_with(i, &mut scratch.self_time);
            let (at_ns, duration_ns, error) = (span.end_ns, span.duration_ns(), span.is_error());
            out.record_service(&settings.stats, &span.service, at_ns, duration_ns, self_ns, error);
        }
    }
}

/// Each root's end-to-end latency and critical path.
fn record_critical_paths(scratch: &mut AnalysisScratch, settings: &Settings, out: &mut KeyedStats) {
    let AnalysisScratch { tree, path, edge_of, keyed_path, matched, database_call, .. } = scratch;
    // Callers still without a partner: their time on the critical path goes to the edge they become (a
    // database now, a virtual node at expiry) rather than to their own service.
    for (i, span) in tree.spans.iter().enumerate() {
        if span.kind == SpanKind::Client && !matched[i] {
            let call = call_to_virtual(span, |name| out.intern(name));
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
        self.traces.len() + self.calls.len() + self.consumers.len()
    }

    /// Spans remembered as taken (for de-duplication).
    pub fn seen(&self) -> usize {
        self.seen.len()
    }

    /// Takes one span, unless it was taken before.
    pub fn add(&mut self, span: Span, settings: &Settings, out: &mut KeyedStats) {
        if !self.seen.first_sight(span.trace_id, span.span_id, span.end_ns, settings.max_seen_spans) {
            self.counts.duplicates += 1;
            return;
        }
        self.clock.note(span.end_ns);
        self.traces.push(span);
        while self.traces.len() > settings.max_pending {
            let Some(oldest) = self.traces.evict_oldest() else { break };
            // Forced out early: still analysed for what it holds, so a full store loses pairs, not spans.
            self.counts.dropped += oldest.len() as u64;
            self.analyse(oldest, settings, out);
        }
    }

    /// Ends a batch: moves the watermark to its newest end that is no future span, analyses the traces it closed
    /// (in arrival order), then expires what waited past the TTL and forgets spans that left the window.
    pub fn end_batch(&mut self, settings: &Settings, out: &mut KeyedStats) {
        let (_, ends) = self.clock.settle(out.watermark_ns, settings.max_clock_skew_ns);
        if let Some((newest, oldest)) = ends {
            out.observe_time(oldest);
            out.observe_time(newest);
        }
        if let Some(window_ms) = settings.stats.window_ms {
            // A span older than both the window and the TTL can change nothing if counted again.
            let memory_ns = ((window_ms * 1e6) as u64).max(settings.ttl_ns);
            self.seen.forget_before(out.watermark_ns.saturating_sub(memory_ns));
        }
        for spans in self.traces.take_closed(&self.calls) {
            self.analyse(spans, settings, out);
        }
        self.expire(settings, out, out.watermark_ns);
    }

    /// Analyses and expires everything still waiting, as if the TTL had passed (end of a recorded replay).
    pub fn flush(&mut self, settings: &Settings, out: &mut KeyedStats) {
        self.end_batch(settings, out);
        self.expire(settings, out, u64::MAX);
    }

    /// Everything whose TTL ended before `now_ns` (`u64::MAX`: everything) leaves the stores.
    fn expire(&mut self, settings: &Settings, out: &mut KeyedStats, now_ns: u64) {
        for spans in self.traces.take_expired(now_ns, settings.ttl_ns) {
            self.counts.expired += spans.len() as u64;
            self.analyse(spans, settings, out);
        }
        for call in self.calls.take_expired(now_ns) {
            self.finish_call(call, settings, out, Cause::Expired);
        }
        self.counts.expired += self.consumers.expire(now_ns) as u64;
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
        if let Some(observation) = call_to_virtual(&call.span, |name| out.intern(name)) {
            out.record_call(&settings.stats, &observation);
        }
    }

    fn wait_for_partner(&mut self, span: Span, matched: bool, settings: &Settings, out: &mut KeyedStats) {
        if let Some(oldest) = self.calls.insert(span, matched, settings.ttl_ns, settings.max_pending) {
            self.finish_call(oldest, settings, out, Cause::Dropped);
        }
    }

    fn record_pair(&mut self, caller: &Span, callee: &Span, settings: &Settings, out: &mut KeyedStats) -> Option<u32> {
        let call = call_between(caller, callee);
        if call.inferred {
            self.counts.inferred += 1;
        } else {
            self.counts.paired += 1;
        }
        out.record_call(&settings.stats, &call)
    }

    /// Everything one trace's spans say.
    fn analyse(&mut self, mut spans: Vec<Span>, settings: &Settings, out: &mut KeyedStats) {
        let bounds = self.clock.bounds(out.watermark_ns, settings.max_clock_skew_ns);
        self.clock.shift_future(&mut spans, bounds);
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.tree.rebuild(spans);
        self.counts.duplicates += scratch.tree.duplicates as u64;
        let n = scratch.tree.spans.len();
        scratch.matched.clear();
        scratch.matched.resize(n, false);
        scratch.edge_of.clear();
        scratch.edge_of.resize(n, None);
        scratch.database_call.clear();
        scratch.database_call.resize(n, None);
        self.pair_in_trace(&mut scratch, settings, out);
        record_entries(&mut scratch, settings, out);
        record_critical_paths(&mut scratch, settings, out);
        let spans = std::mem::take(&mut scratch.tree.spans);
        self.leave_callers(spans, &scratch.matched, &mut scratch.database_call, settings, out);
        self.scratch = scratch;
    }

    /// Calls between the trace's spans, and from callers waiting in the store.
    fn pair_in_trace(&mut self, scratch: &mut AnalysisScratch, settings: &Settings, out: &mut KeyedStats) {
        let tree = &scratch.tree;
        for i in 0..tree.spans.len() {
            let span = &tree.spans[i];
            match tree.parent[i] {
                Some(p) if tree.spans[p].service != span.service => {
                    let key = self.record_pair(&tree.spans[p], span, settings, out);
                    scratch.matched[p] = true;
                    if matches!(tree.spans[p].kind, SpanKind::Client | SpanKind::Producer) {
                        scratch.edge_of[p] = key;
                    }
                }
                // A call within one service is no edge, but its caller was answered (no virtual node for it).
                Some(p) => scratch.matched[p] |= matches!(span.kind, SpanKind::Server | SpanKind::Consumer),
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
                    let waiting = self.consumers.take(&(span.trace_id, span.span_id));
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
            if !self.consumers.push(key, consumer.clone(), settings.ttl_ns, settings.max_pending) {
                self.counts.dropped += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::stats::{StatsSettings, SLICES_PER_WINDOW};
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::{AttributeNames, SpanLink, SpanId, SpanKind::*, TraceId};

    const TTL_NS: u64 = 30_000_000_000;

    fn settings(max_pending: usize) -> Settings {
        let stats = StatsSettings { window_ms: None, read_slices: SLICES_PER_WINDOW, half_life_ms: 60_000.0, recent_samples: 10 };
        Settings {
            stats,
            ttl_ns: TTL_NS,
            max_pending,
            max_clock_skew_ns: 60_000_000_000,
            max_seen_spans: 1_000_000,
            max_keys: 10_000,
        }
    }

    fn in_trace(trace: u128, mut span: Span) -> Span {
        span.trace_id = TraceId(trace);
        span
    }

    fn naming(mut span: Span, names: AttributeNames) -> Span {
        span.attributes.names = Some(Box::new(names));
        span
    }

    /// Pairing and its recorded state, fed one batch at a time.
    struct Run {
        pairing: Pairing,
        keys: KeyedStats,
        settings: Settings,
    }

    impl Run {
        fn new(max_pending: usize) -> Self {
            Run { pairing: Pairing::default(), keys: KeyedStats::default(), settings: settings(max_pending) }
        }

        fn batch(&mut self, spans: Vec<Span>) {
            for span in spans {
                self.pairing.add(span, &self.settings, &mut self.keys);
            }
            self.pairing.end_batch(&self.settings, &mut self.keys);
        }

        /// (edge id, calls recorded), sorted.
        fn edges(&self) -> Vec<(String, u64)> {
            let mut edges: Vec<(String, u64)> = self.keys.edges().map(|(k, e)| (k.id(), e.latency.count())).collect();
            edges.sort();
            edges
        }

        fn is_virtual(&self, service: &str) -> Option<bool> {
            self.keys.node(service).map(|n| n.is_virtual)
        }
    }

    #[test]
    fn a_closed_trace_yields_its_calls_entries_and_critical_path() {
        let mut run = Run::new(100);
        let database = AttributeNames {
            db_system: Some("postgresql".into()),
            db_name: Some("orders".into()),
            ..Default::default()
        };
        run.batch(vec![
            span(1, None, "front", Server, 0, 100),
            span(2, Some(1), "front", Client, 10, 60),
            span(3, Some(2), "back", Server, 15, 55),
            naming(span(4, Some(3), "back", Client, 20, 30), database),
            span(5, Some(1), "front", Internal, 60, 90),
            span(6, Some(5), "audit", Unspecified, 65, 85),
        ]);
        let expected =
            [("back→orders:database", 1), ("front→audit:sync", 1), ("front→back:sync", 1), ("user→front:sync", 1)];
        assert_eq!(run.edges(), expected.map(|(id, n)| (id.to_owned(), n)));
        assert_eq!((run.pairing.counts.paired, run.pairing.counts.inferred), (1, 1));
        // The database client needs no partner: nothing waits.
        assert_eq!(run.pairing.pending(), 0);
        assert_eq!(
            [run.is_virtual("front"), run.is_virtual("back"), run.is_virtual("orders"), run.is_virtual("user")],
            [Some(false), Some(false), Some(true), Some(true)]
        );
        // Self time of front: 100 − (10..60 ∪ 65..85) ms; one critical-path sample for the trace it is root of.
        let front = run.keys.node("front").expect("front");
        assert_eq!((front.latency.count(), front.self_time.count(), front.critical.count()), (1, 1, 1));
        assert_eq!(front.self_time.quantile(&run.settings.stats, 100.0, 0.5), Some(30.0));
        let entry_points: Vec<&str> = run.keys.entry_points().map(|(name, _)| &**name).collect();
        assert_eq!(entry_points, ["front"]);
    }

    #[test]
    fn a_client_waits_for_a_server_in_a_later_batch_or_becomes_a_call_to_a_virtual_node() {
        let mut run = Run::new(100);
        let billing = AttributeNames { peer_service: Some("billing".into()), ..Default::default() };
        run.batch(vec![
            span(1, None, "a", Server, 0, 100),
            span(2, Some(1), "a", Client, 10, 50),
            naming(span(3, Some(1), "a", Client, 60, 80), billing),
        ]);
        assert_eq!(run.pairing.pending(), 2);
        run.batch(vec![span(4, Some(2), "b", Server, 12, 48)]);
        assert_eq!((run.pairing.counts.paired, run.pairing.pending()), (1, 1));
        run.pairing.flush(&run.settings, &mut run.keys);
        assert_eq!((run.pairing.counts.expired, run.pairing.pending()), (1, 0));
        let expected = [("a→b:sync", 1), ("a→billing:sync", 1), ("user→a:sync", 1)];
        assert_eq!(run.edges(), expected.map(|(id, n)| (id.to_owned(), n)));
        assert_eq!(run.is_virtual("billing"), Some(true));
    }

    #[test]
    fn consumers_pair_with_linked_producers_whichever_comes_first() {
        let mut run = Run::new(100);
        let link = |trace: u128, span: u64| SpanLink { trace_id: TraceId(trace), span_id: SpanId(span) };
        // Producer first: it waits in the call store, the consumer's link finds it.
        run.batch(vec![in_trace(1, span(10, None, "shop", Producer, 0, 5))]);
        let mut consumer = in_trace(2, span(20, None, "mailer", Consumer, 40, 70));
        consumer.links.push(link(1, 10));
        run.batch(vec![consumer]);
        // Consumer first: it waits for the producer.
        let mut early = in_trace(3, span(30, None, "mailer", Consumer, 140, 150));
        early.links.push(link(4, 40));
        run.batch(vec![early]);
        assert_eq!(run.pairing.consumers.len(), 1);
        run.batch(vec![in_trace(4, span(40, None, "shop", Producer, 100, 110))]);
        assert_eq!(run.pairing.consumers.len(), 0);
        assert_eq!(run.pairing.counts.paired, 2);
        assert_eq!(run.edges(), [("shop→mailer:async".to_owned(), 2)]);
        // Both producers were answered: expiring them makes no virtual node and counts nothing.
        run.pairing.flush(&run.settings, &mut run.keys);
        assert_eq!((run.pairing.counts.expired, run.pairing.pending()), (0, 0));
    }

    #[test]
    fn a_full_trace_store_analyses_its_oldest_trace_early_and_counts_it_dropped() {
        let mut run = Run::new(2);
        // Three orphans, each in its own trace, waiting for a parent that never comes.
        let orphans = (0..3).map(|i| in_trace(100 + i, span(i as u64 + 1, Some(99), "b", Server, 0, 10))).collect();
        run.batch(orphans);
        assert_eq!((run.pairing.counts.dropped, run.pairing.pending()), (1, 2));
        // The dropped one was still analysed: its span counts.
        assert_eq!(run.keys.node("b").map(|n| n.latency.count()), Some(1));
    }
}
