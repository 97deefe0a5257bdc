//! The bounded stores of what still waits, in event time: spans buffered per trace until their trace can be
//! analysed, CLIENT/PRODUCER spans waiting for a late server or consumer, and batch CONSUMERs waiting for a
//! linked producer not seen yet.
//!
//! Owns arrival order (the eviction order when a store is full), TTL expiry and when a buffered trace counts as
//! closed. Each store hands back what leaves it; what that means (analysis, a call to a virtual node, a dropped
//! count) is pairing's. Knows nothing of calls or recorded state.

use foldhash::HashMap;
use std::collections::VecDeque;

use crate::telemetry::{Span, SpanId, TraceId};

/// Whether something that expires at `expires_at_ns` is due at `now_ns` (`u64::MAX`: everything is).
fn due(expires_at_ns: u64, now_ns: u64) -> bool {
    expires_at_ns < now_ns || now_ns == u64::MAX
}

struct TraceBuffer {
    spans: Vec<Span>,
    newest_end_ns: u64,
    /// The trace has a span without parent (so it may be closed once every named parent is here).
    has_root: bool,
    /// Received spans in the current batch: checked for closure at its end.
    touched: bool,
}

/// Spans buffered per trace, in trace arrival order.
#[derive(Default)]
pub struct TraceStore {
    traces: HashMap<TraceId, TraceBuffer>,
    /// Trace ids in arrival order: eviction order when the store is full (stale ids are skipped).
    arrival: VecDeque<TraceId>,
    /// Spans in `traces` and `staging`.
    spans: usize,
    /// The latest run of consecutive spans of one trace, not yet moved into `traces`.
    staging: Vec<Span>,
    /// A buffered trace's span ids (working memory of `is_closed`).
    ids: Vec<SpanId>,
}

/// Traces up to this many spans find parents by scanning their spans; larger ones sort their ids first.
const SCAN_FOR_PARENTS: usize = 32;

impl TraceStore {
    /// Spans held.
    pub fn len(&self) -> usize {
        self.spans
    }

    /// Takes one span into its trace's buffer.
    pub fn push(&mut self, span: Span) {
        if self.staging.last().is_some_and(|last| last.trace_id != span.trace_id) {
            self.unstage();
        }
        self.staging.push(span);
        self.spans += 1;
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

    /// Removes a buffered trace.
    fn take(&mut self, trace_id: TraceId) -> Option<Vec<Span>> {
        let buffer = self.traces.remove(&trace_id)?;
        self.spans -= buffer.spans.len();
        Some(buffer.spans)
    }

    /// The trace that arrived first, forced out (the store is full).
    pub fn evict_oldest(&mut self) -> Option<Vec<Span>> {
        if self.arrival.is_empty() {
            self.unstage();
        }
        while let Some(oldest) = self.arrival.pop_front() {
            if let Some(spans) = self.take(oldest) {
                return Some(spans);
            }
        }
        None
    }

    /// Ends a batch: takes out, in arrival order, the traces it touched that are now closed — every parent they
    /// name is in them or waits in `calls` (a caller from an earlier batch), and they have a root or such a caller.
    pub fn take_closed(&mut self, calls: &CallStore) -> Vec<Vec<Span>> {
        self.unstage();
        let mut closed = Vec::new();
        for trace_id in &self.arrival {
            let Some(buffer) = self.traces.get(trace_id) else { continue };
            if buffer.touched && is_closed(buffer, calls, &mut self.ids) {
                closed.push(*trace_id);
            }
        }
        let closed = closed.into_iter().filter_map(|trace_id| self.take(trace_id)).collect();
        self.arrival.retain(|id| self.traces.contains_key(id));
        for buffer in self.traces.values_mut() {
            buffer.touched = false;
        }
        closed
    }

    /// Takes out, in arrival order, the traces whose newest span ended more than `ttl_ns` before `now_ns`.
    pub fn take_expired(&mut self, now_ns: u64, ttl_ns: u64) -> Vec<Vec<Span>> {
        let mut stale: Vec<TraceId> = self
            .traces
            .iter()
            .filter(|(_, b)| due(b.newest_end_ns.saturating_add(ttl_ns), now_ns))
            .map(|(id, _)| *id)
            .collect();
        if stale.is_empty() {
            return Vec::new();
        }
        // In arrival order, so expiry is deterministic.
        stale.sort_unstable();
        let in_order: Vec<TraceId> =
            self.arrival.iter().filter(|id| stale.binary_search(id).is_ok()).copied().collect();
        let expired = in_order.into_iter().filter_map(|trace_id| self.take(trace_id)).collect();
        self.arrival.retain(|id| self.traces.contains_key(id));
        expired
    }
}

fn is_closed(buffer: &TraceBuffer, calls: &CallStore, ids: &mut Vec<SpanId>) -> bool {
    let spans = &buffer.spans;
    let scan = spans.len() <= SCAN_FOR_PARENTS;
    if !scan {
        ids.clear();
        ids.extend(spans.iter().map(|s| s.span_id));
        ids.sort_unstable();
    }
    let present =
        |id: SpanId| if scan { spans.iter().any(|s| s.span_id == id) } else { ids.binary_search(&id).is_ok() };
    let mut anchored = buffer.has_root;
    for span in spans {
        let Some(parent) = span.parent_id else { continue };
        if present(parent) {
            continue;
        }
        if !calls.contains(&(span.trace_id, parent)) {
            return false;
        }
        anchored = true;
    }
    anchored
}

/// A CLIENT or PRODUCER span waiting for its server/consumer (or, for producers, for links to it).
pub struct WaitingCall {
    pub span: Span,
    /// Already paired at least once (a producer kept only for links).
    pub matched: bool,
    expires_at_ns: u64,
}

/// A span's key in the call and consumer stores.
pub type SpanKey = (TraceId, SpanId);

/// Callers waiting for their partner, by (trace id, span id), in arrival order.
#[derive(Default)]
pub struct CallStore {
    calls: HashMap<SpanKey, WaitingCall>,
    /// Eviction and expiry order (ids of calls removed since are skipped).
    arrival: VecDeque<SpanKey>,
}

impl CallStore {
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn contains(&self, key: &SpanKey) -> bool {
        self.calls.contains_key(key)
    }

    pub fn get(&self, key: &SpanKey) -> Option<&WaitingCall> {
        self.calls.get(key)
    }

    pub fn get_mut(&mut self, key: &SpanKey) -> Option<&mut WaitingCall> {
        self.calls.get_mut(key)
    }

    pub fn remove(&mut self, key: &SpanKey) -> Option<WaitingCall> {
        self.calls.remove(key)
    }

    /// Makes `span` wait until `ttl_ns` after its end; returns the oldest call when that takes the store past
    /// `max_pending`.
    pub fn insert(&mut self, span: Span, matched: bool, ttl_ns: u64, max_pending: usize) -> Option<WaitingCall> {
        let key = (span.trace_id, span.span_id);
        let expires_at_ns = span.end_ns.saturating_add(ttl_ns);
        if self.calls.insert(key, WaitingCall { span, matched, expires_at_ns }).is_none() {
            self.arrival.push_back(key);
        }
        while self.calls.len() > max_pending {
            let oldest = self.arrival.pop_front()?;
            if let Some(call) = self.calls.remove(&oldest) {
                return Some(call);
            }
        }
        None
    }

    /// Takes out, in arrival order, every call whose TTL ended before `now_ns` (`u64::MAX`: every call).
    pub fn take_expired(&mut self, now_ns: u64) -> Vec<WaitingCall> {
        let keys: Vec<SpanKey> = self
            .arrival
            .iter()
            .filter(|k| self.calls.get(k).is_some_and(|c| due(c.expires_at_ns, now_ns)))
            .copied()
            .collect();
        let expired = keys.iter().filter_map(|key| self.calls.remove(key)).collect();
        self.arrival.retain(|k| self.calls.contains_key(k));
        expired
    }
}

/// A batch CONSUMER whose linked producer was not seen yet.
pub struct WaitingConsumer {
    pub span: Span,
    expires_at_ns: u64,
}

/// Consumers waiting for a linked producer, by the producer's (trace id, span id).
#[derive(Default)]
pub struct ConsumerStore {
    waiting: HashMap<SpanKey, Vec<WaitingConsumer>>,
    len: usize,
}

impl ConsumerStore {
    pub fn len(&self) -> usize {
        self.len
    }

    /// Makes `consumer` wait for `producer` until `ttl_ns` after its end; `false` (and nothing kept) when
    /// `max_pending` consumers already wait.
    pub fn push(&mut self, producer: SpanKey, consumer: Span, ttl_ns: u64, max_pending: usize) -> bool {
        if self.len >= max_pending {
            return false;
        }
        let expires_at_ns = consumer.end_ns.saturating_add(ttl_ns);
        self.waiting.entry(producer).or_default().push(WaitingConsumer { span: consumer, expires_at_ns });
        self.len += 1;
        true
    }

    /// The consumers waiting for `producer`, taken out.
    pub fn take(&mut self, producer: &SpanKey) -> Vec<WaitingConsumer> {
        let waiting = self.waiting.remove(producer).unwrap_or_default();
        self.len -= waiting.len();
        waiting
    }

    /// Forgets consumers whose TTL ended before `now_ns` (`u64::MAX`: all); returns how many.
    pub fn expire(&mut self, now_ns: u64) -> usize {
        let mut expired = 0;
        self.waiting.retain(|_, waiting| {
            let before = waiting.len();
            waiting.retain(|c| !due(c.expires_at_ns, now_ns));
            expired += before - waiting.len();
            !waiting.is_empty()
        });
        self.len -= expired;
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::SpanKind::*;

    const MS: u64 = 1_000_000;

    fn in_trace(trace: u128, mut span: Span) -> Span {
        span.trace_id = TraceId(trace);
        span
    }

    fn first_ids(traces: &[Vec<Span>]) -> Vec<u64> {
        traces.iter().map(|spans| spans[0].span_id.0).collect()
    }

    #[test]
    fn a_full_trace_store_evicts_traces_in_arrival_order() {
        let mut store = TraceStore::default();
        store.push(in_trace(2, span(20, None, "a", Server, 0, 10)));
        store.push(in_trace(1, span(10, None, "a", Server, 0, 10)));
        store.push(in_trace(2, span(21, Some(20), "a", Client, 1, 9)));
        store.push(in_trace(3, span(30, None, "a", Server, 0, 10)));
        assert_eq!(store.len(), 4);
        // Trace 2 came first (its second run joins its buffer), then 1; trace 3 is still staged.
        let oldest = store.evict_oldest().expect("trace 2");
        assert_eq!(oldest.iter().map(|s| s.span_id.0).collect::<Vec<_>>(), [20, 21]);
        assert_eq!(store.len(), 2);
        assert_eq!(first_ids(&[store.evict_oldest().expect("trace 1")]), [10]);
        assert_eq!(first_ids(&[store.evict_oldest().expect("trace 3, unstaged")]), [30]);
        assert!(store.evict_oldest().is_none());
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn a_trace_is_closed_when_every_parent_it_names_is_here_or_waits_as_a_call() {
        let (mut store, mut calls) = (TraceStore::default(), CallStore::default());
        store.push(in_trace(1, span(10, None, "a", Server, 0, 10)));
        store.push(in_trace(1, span(11, Some(10), "a", Client, 1, 9)));
        store.push(in_trace(2, span(21, Some(20), "b", Server, 1, 9)));
        assert_eq!(first_ids(&store.take_closed(&calls)), [10]);
        // Trace 2 names a parent nobody holds: it waits, and is not checked again until it gets spans.
        assert_eq!(store.len(), 1);
        calls.insert(in_trace(2, span(20, None, "a", Client, 0, 10)), false, 30 * MS, 10);
        assert!(store.take_closed(&calls).is_empty());
        store.push(in_trace(2, span(22, Some(21), "b", Internal, 2, 8)));
        assert_eq!(first_ids(&store.take_closed(&calls)), [21]);
    }

    #[test]
    fn traces_expire_a_ttl_after_their_newest_span_in_arrival_order() {
        let mut store = TraceStore::default();
        store.push(in_trace(9, span(90, Some(1), "a", Server, 0, 50)));
        store.push(in_trace(5, span(50, Some(1), "a", Server, 0, 20)));
        store.push(in_trace(7, span(70, Some(1), "a", Server, 0, 100)));
        assert!(store.take_closed(&CallStore::default()).is_empty());
        // TTL 30 ms: at 85 ms the traces ending at 50 and 20 ms are past it (arrival order: 9 before 5).
        assert_eq!(first_ids(&store.take_expired(85 * MS, 30 * MS)), [90, 50]);
        assert!(store.take_expired(130 * MS, 30 * MS).is_empty(), "due only after the TTL has passed");
        assert_eq!(first_ids(&store.take_expired(u64::MAX, 30 * MS)), [70]);
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn the_call_store_overflows_oldest_first_and_expires_in_arrival_order() {
        let mut calls = CallStore::default();
        assert!(calls.insert(span(1, None, "a", Client, 0, 10), false, 30 * MS, 2).is_none());
        assert!(calls.insert(span(2, None, "a", Client, 0, 30), false, 30 * MS, 2).is_none());
        // A caller paired meanwhile leaves; its stale arrival entry is skipped.
        assert!(calls.remove(&(TraceId(1), SpanId(1))).is_some());
        assert!(calls.insert(span(3, None, "a", Producer, 0, 5), true, 30 * MS, 2).is_none());
        let evicted = calls.insert(span(4, None, "a", Client, 0, 20), false, 30 * MS, 2).expect("over maxPending");
        assert_eq!(evicted.span.span_id, SpanId(2));
        assert_eq!(calls.len(), 2);
        let expired = calls.take_expired(40 * MS);
        assert_eq!(expired.iter().map(|c| (c.span.span_id.0, c.matched)).collect::<Vec<_>>(), [(3, true)]);
        let rest = calls.take_expired(u64::MAX);
        assert_eq!(rest.iter().map(|c| c.span.span_id.0).collect::<Vec<_>>(), [4]);
        assert_eq!(calls.len(), 0);
    }

    #[test]
    fn the_consumer_store_refuses_past_max_pending_and_expires_by_ttl() {
        let mut consumers = ConsumerStore::default();
        let producer = (TraceId(1), SpanId(7));
        assert!(consumers.push(producer, span(1, None, "b", Consumer, 0, 10), 30 * MS, 2));
        assert!(consumers.push((TraceId(1), SpanId(8)), span(2, None, "b", Consumer, 0, 50), 30 * MS, 2));
        assert!(!consumers.push(producer, span(3, None, "b", Consumer, 0, 50), 30 * MS, 2));
        assert_eq!(consumers.len(), 2);
        assert_eq!(consumers.expire(60 * MS), 1);
        assert!(consumers.take(&producer).is_empty());
        let waiting = consumers.take(&(TraceId(1), SpanId(8)));
        assert_eq!(waiting.iter().map(|c| c.span.span_id.0).collect::<Vec<_>>(), [2]);
        assert_eq!(consumers.len(), 0);
    }
}
