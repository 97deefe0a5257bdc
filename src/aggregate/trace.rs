//! One trace's spans as a tree: duplicates removed, parents resolved, B3-shared server spans made the parents of
//! their service's children, and each service entry span's self (processing) time.
//!
//! Owns the shape of a trace, not what is recorded from it (pairing does that) nor its critical path
//! (`critical_path.rs`). Every walk is iterative and bounded by the span count, so cycles in parent links and
//! deep traces cannot hang or overflow the stack.

use crate::telemetry::{Span, SpanId, SpanKind};

/// A trace's spans and their parent/child links. [`TraceTree::rebuild`] reuses the index vectors of the previous
/// trace, so pairing builds one tree after another without allocating once they have grown.
#[derive(Default)]
pub struct TraceTree {
    pub spans: Vec<Span>,
    /// Index of each span's parent within this trace (`None`: a root, or a parent not (yet) seen).
    pub parent: Vec<Option<usize>>,
    /// Children of every span, grouped by parent: span `i`'s are `child_list[child_start[i]..child_start[i + 1]]`
    /// (two vectors per trace instead of one per parent).
    child_list: Vec<usize>,
    child_start: Vec<usize>,
    /// (span id, index) sorted by id: lookups by binary search, no hashing.
    by_id: Vec<(SpanId, usize)>,
    /// The first SERVER child of each CLIENT span (working memory of `rebuild`).
    server_of_client: Vec<Option<usize>>,
    /// Spans dropped because an earlier span of the trace had the same id.
    pub duplicates: usize,
}

/// Working memory of [`TraceTree::self_time_ns_with`], kept across spans and traces.
#[derive(Default)]
pub struct SelfTimeScratch {
    calls: Vec<(u64, u64)>,
    stack: Vec<usize>,
}

/// The index of the span with id `id` in `by_id` (sorted by id).
fn find_in(by_id: &[(SpanId, usize)], id: SpanId) -> Option<usize> {
    by_id.binary_search_by(|&(probe, _)| probe.cmp(&id)).ok().map(|at| by_id[at].1)
}

impl TraceTree {
    #[cfg(test)]
    pub fn build(spans: Vec<Span>) -> Self {
        let mut tree = TraceTree::default();
        tree.rebuild(spans);
        tree
    }

    /// Makes this the tree of `spans` (the previous spans are dropped; take them out first to keep them).
    pub fn rebuild(&mut self, spans: Vec<Span>) {
        self.spans = spans;
        self.remove_duplicates();
        self.resolve_parents();
        self.group_children();
    }

    fn index_ids(&mut self) {
        self.by_id.clear();
        self.by_id.extend(self.spans.iter().enumerate().map(|(i, s)| (s.span_id, i)));
        self.by_id.sort_unstable();
    }

    /// Duplicate ids: keeps the first of each (sorting by (id, index) puts it first among equal ids).
    fn remove_duplicates(&mut self) {
        self.index_ids();
        let before = self.spans.len();
        self.by_id.dedup_by_key(|&mut (id, _)| id);
        self.duplicates = before - self.by_id.len();
        if self.duplicates > 0 {
            let mut keep = vec![false; before];
            for &(_, i) in &self.by_id {
                keep[i] = true;
            }
            let mut position = 0;
            self.spans.retain(|_| {
                position += 1;
                keep[position - 1]
            });
            self.index_ids();
        }
    }

    fn resolve_parents(&mut self) {
        let TraceTree { spans, parent, by_id, server_of_client, .. } = self;
        parent.clear();
        for span in spans.iter() {
            parent.push(span.parent_id.and_then(|id| find_in(by_id, id)));
        }

        // A child of a CLIENT span that runs in another service, and is no SERVER itself, belongs under the SERVER
        // span of its own service: B3 shared spans (Zipkin) name the client's id as everyone's parent.
        server_of_client.clear();
        server_of_client.resize(spans.len(), None);
        for (i, span) in spans.iter().enumerate() {
            if let Some(p) = parent[i] {
                if span.kind == SpanKind::Server && spans[p].kind == SpanKind::Client && server_of_client[p].is_none() {
                    server_of_client[p] = Some(i);
                }
            }
        }
        for i in 0..spans.len() {
            let Some(p) = parent[i] else { continue };
            let span = &spans[i];
            if matches!(span.kind, SpanKind::Server | SpanKind::Consumer) || spans[p].kind != SpanKind::Client {
                continue;
            }
            if let Some(server) = server_of_client[p] {
                if server != i && spans[server].service == span.service && span.service != spans[p].service {
                    parent[i] = Some(server);
                }
            }
        }
    }

    /// Counting sort of spans by parent, in arrival order.
    fn group_children(&mut self) {
        let n = self.spans.len();
        let start = &mut self.child_start;
        // Counts shifted by two, summed: `start[p + 1]` is where span p's children begin. Filling advances it to
        // where they end, which is where span p + 1's begin.
        start.clear();
        start.resize(n + 2, 0);
        for &p in &self.parent {
            if let Some(p) = p {
                start[p + 2] += 1;
            }
        }
        for i in 2..start.len() {
            start[i] += start[i - 1];
        }
        self.child_list.clear();
        self.child_list.resize(start[n + 1], 0);
        for (i, p) in self.parent.iter().enumerate() {
            if let Some(p) = p {
                self.child_list[start[p + 1]] = i;
                start[p + 1] += 1;
            }
        }
        start.truncate(n + 1);
    }

    /// The children of span `i`, in arrival order.
    pub fn children(&self, i: usize) -> &[usize] {
        match self.child_start.get(i..i + 2) {
            Some(&[from, to]) => self.child_list.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The index of the span with id `id`.
    pub fn find(&self, id: SpanId) -> Option<usize> {
        find_in(&self.by_id, id)
    }

    /// Whether span `i` is where a request enters its service: a SERVER/CONSUMER span, or a span with no parent in
    /// its own service that is not itself an outgoing call (kind-less and INTERNAL roots, inferred callees).
    pub fn is_entry(&self, i: usize) -> bool {
        let span = &self.spans[i];
        match span.kind {
            SpanKind::Server | SpanKind::Consumer => true,
            SpanKind::Client | SpanKind::Producer => false,
            SpanKind::Internal | SpanKind::Unspecified => {
                self.parent[i].is_none_or(|p| self.spans[p].service != span.service)
            }
        }
    }

    /// Self time of entry span `entry`: its duration minus the union of its service's outgoing calls under it
    /// (CLIENT/PRODUCER spans of the service, and direct children in other services), clipped to the span.
    #[cfg(test)]
    pub fn self_time_ns(&self, entry: usize) -> u64 {
        self.self_time_ns_with(entry, &mut SelfTimeScratch::default())
    }

    /// [`TraceTree::self_time_ns`] with working memory kept by the caller.
    pub fn self_time_ns_with(&self, entry: usize, scratch: &mut SelfTimeScratch) -> u64 {
        let span = &self.spans[entry];
        let SelfTimeScratch { calls, stack } = scratch;
        calls.clear();
        stack.clear();
        stack.extend_from_slice(self.children(entry));
        let mut steps = 0usize;
        while let Some(i) = stack.pop() {
            steps += 1;
            if steps > self.spans.len() {
                break; // a cycle in parent links: nothing more to learn
            }
            let child = &self.spans[i];
            if child.service != span.service || matches!(child.kind, SpanKind::Client | SpanKind::Producer) {
                let (start, end) = (child.start_ns.max(span.start_ns), child.end_ns.min(span.end_ns));
                if start < end {
                    calls.push((start, end));
                }
            } else if !matches!(child.kind, SpanKind::Server | SpanKind::Consumer) {
                stack.extend_from_slice(self.children(i));
            }
        }
        span.duration_ns().saturating_sub(union_ns(calls))
    }
}

/// Total length covered by intervals.
fn union_ns(intervals: &mut [(u64, u64)]) -> u64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut current: Option<(u64, u64)> = None;
    for &(start, end) in intervals.iter() {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    total + current.map_or(0, |(s, e)| e - s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::telemetry::{SpanAttributes, TraceId};
    use std::sync::Arc;

    pub fn span(id: u64, parent: Option<u64>, service: &str, kind: SpanKind, start_ms: u64, end_ms: u64) -> Span {
        Span {
            trace_id: TraceId(1),
            span_id: SpanId(id),
            parent_id: parent.map(SpanId),
            links: Vec::new(),
            service: Arc::from(service),
            kind,
            start_ns: start_ms * 1_000_000,
            end_ns: end_ms * 1_000_000,
            attributes: SpanAttributes::default(),
        }
    }

    #[test]
    fn self_time_subtracts_the_union_of_outgoing_calls() {
        use SpanKind::*;
        let tree = TraceTree::build(vec![
            span(1, None, "a", Server, 0, 100),
            span(2, Some(1), "a", Internal, 5, 90),
            span(3, Some(2), "a", Client, 10, 40),
            span(4, Some(2), "a", Client, 30, 60),
            span(5, Some(1), "b", Unspecified, 70, 80),
            span(6, Some(3), "c", Server, 12, 38),
            span(6, Some(3), "c", Server, 12, 38),
        ]);
        assert_eq!(tree.duplicates, 1);
        assert_eq!(tree.self_time_ns(0), 40_000_000); // 100 − (10..60 ∪ 70..80)
        assert!(tree.is_entry(0) && tree.is_entry(4) && tree.is_entry(5) && !tree.is_entry(1));
    }

    #[test]
    fn cycles_terminate() {
        use SpanKind::*;
        let tree = TraceTree::build(vec![span(1, Some(2), "a", Server, 0, 10), span(2, Some(1), "a", Internal, 0, 10)]);
        assert!(tree.self_time_ns(0) <= 10_000_000);
    }
}
