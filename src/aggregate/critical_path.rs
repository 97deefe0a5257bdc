//! The critical path of a trace: which spans the end-to-end time actually waited on.
//!
//! Owns the walk (from the root's end, repeatedly into the last-finishing child that started before the current
//! point, as Jaeger's critical-path view does) and clock-skew tolerance: a server span whose host clock puts it
//! outside its client's interval is shifted (with its subtree) to sit centred inside it, as Zipkin's skew
//! correction does, when it is no longer than the client. Knows nothing of what the path is recorded as.

use std::cmp::Reverse;

use super::trace::TraceTree;
use crate::telemetry::SpanKind;

/// Deeper subtrees are attributed to the span at this depth (keeps recursion off a deep stack).
const MAX_DEPTH: usize = 256;

/// Time the path spent in span `span` (not in any of its children), starting at `start_ns` (skew-adjusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub span: usize,
    pub start_ns: i128,
    pub ns: u64,
}

/// Working memory of critical paths, kept across roots and traces: once grown, a walk allocates nothing.
#[derive(Default)]
pub struct CriticalPath {
    /// The children of the spans the walk is in, each level's after its parent's.
    children: Vec<Placed>,
    segments: Vec<Segment>,
}

/// A span with its skew-adjusted interval and the clock offset its children inherit.
#[derive(Clone, Copy)]
struct Placed {
    span: usize,
    start: i128,
    end: i128,
    offset: i128,
}

impl CriticalPath {
    /// The critical path from `root`, as segments in time order (valid until the next call).
    pub fn compute(&mut self, tree: &TraceTree, root: usize) -> &[Segment] {
        self.segments.clear();
        self.children.clear();
        let span = &tree.spans[root];
        let root = Placed { span: root, start: i128::from(span.start_ns), end: i128::from(span.end_ns), offset: 0 };
        Walk { tree, children: &mut self.children, segments: &mut self.segments }.walk(root, root.end, 0);
        // `walk` emits segments latest first (each before the ones it recursed into, each child's before the
        // earlier children's): reversed, they are in time order.
        self.segments.reverse();
        &self.segments
    }
}

/// Span `child` of `parent` with its interval on the parent's clock: shifted by the parent's offset and, when it
/// runs in another service outside the parent's interval, centred inside it.
fn adjusted(tree: &TraceTree, parent: &Placed, child: usize) -> Placed {
    let (p, c) = (&tree.spans[parent.span], &tree.spans[child]);
    let (cs, ce) = (i128::from(c.start_ns) + parent.offset, i128::from(c.end_ns) + parent.offset);
    let (ps, pe) = (parent.start, parent.end);
    let other_clock = p.service != c.service && c.kind != SpanKind::Consumer && p.kind != SpanKind::Producer;
    let mut shift = 0;
    if other_clock && (cs < ps || ce > pe) && ce - cs <= pe - ps {
        shift = ps + ((pe - ps) - (ce - cs)) / 2 - cs;
    }
    Placed { span: child, start: cs + shift, end: ce + shift, offset: parent.offset + shift }
}

/// One walk down a trace, adjusting the intervals of the children it considers.
struct Walk<'a> {
    tree: &'a TraceTree,
    children: &'a mut Vec<Placed>,
    segments: &'a mut Vec<Segment>,
}

impl Walk<'_> {
    fn push(&mut self, span: usize, from: i128, to: i128) {
        if to > from {
            let ns = u64::try_from(to - from).unwrap_or(u64::MAX);
            self.segments.push(Segment { span, start_ns: from, ns });
        }
    }

    fn walk(&mut self, node: Placed, limit: i128, depth: usize) {
        let start = node.start;
        let mut cursor = node.end.min(limit);
        if cursor <= start {
            return;
        }
        let kids = self.tree.children(node.span);
        if depth < MAX_DEPTH && !kids.is_empty() {
            // This span's children, last-finishing first, on top of the lists of the spans above it.
            let from = self.children.len();
            self.children.extend(kids.iter().map(|&c| adjusted(self.tree, &node, c)));
            let to = self.children.len();
            if to - from > 1 {
                self.children[from..].sort_by_key(|c| Reverse(c.end));
            }
            for at in from..to {
                let child = self.children[at];
                if child.start >= cursor || child.end <= start {
                    continue; // ran in parallel with a later child, or outside the span (async)
                }
                let child_end = child.end.min(cursor);
                self.push(node.span, child_end, cursor);
                self.walk(child, child_end, depth + 1);
                cursor = child.start.max(start);
                if cursor <= start {
                    break;
                }
            }
            self.children.truncate(from);
        }
        self.push(node.span, start, cursor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use SpanKind::*;

    fn critical_path(tree: &TraceTree, root: usize) -> Vec<Segment> {
        let mut path = CriticalPath::default();
        path.compute(tree, root);
        path.segments
    }

    fn path(tree: &TraceTree) -> Vec<(u64, u64)> {
        critical_path(tree, 0).iter().map(|s| (tree.spans[s.span].span_id.0, s.ns / 1_000_000)).collect()
    }

    #[test]
    fn follows_the_last_finishing_child_and_skips_parallel_ones() {
        let tree = TraceTree::build(vec![
            span(1, None, "a", Server, 0, 100),
            span(2, Some(1), "a", Client, 10, 50), // parallel with 3, finishes first: off the path
            span(3, Some(1), "a", Client, 10, 60),
            span(4, Some(3), "b", Server, 15, 55),
            span(5, Some(1), "a", Client, 70, 90),
        ]);
        assert_eq!(path(&tree), vec![(1, 10), (3, 5), (4, 40), (3, 5), (1, 10), (5, 20), (1, 10)]);
    }

    #[test]
    fn server_spans_outside_their_client_are_shifted_inside() {
        // b's clock is 1 s ahead: its server span starts after the client ended.
        let tree = TraceTree::build(vec![
            span(1, None, "a", Server, 0, 100),
            span(2, Some(1), "a", Client, 20, 80),
            span(3, Some(2), "b", Server, 1030, 1070),
            span(4, Some(3), "b", Client, 1040, 1060),
        ]);
        assert_eq!(path(&tree), vec![(1, 20), (2, 10), (3, 10), (4, 20), (3, 10), (2, 10), (1, 20)]);
        let total: u64 = critical_path(&tree, 0).iter().map(|s| s.ns).sum();
        assert_eq!(total, 100_000_000);
    }

    #[test]
    fn a_cycle_in_parent_links_stays_bounded() {
        // Not reachable from a root (a root has no parent), but the walk still ends when started inside one.
        let tree = TraceTree::build(vec![span(1, Some(2), "a", Server, 0, 100), span(2, Some(1), "b", Client, 0, 100)]);
        let total: u64 = critical_path(&tree, 0).iter().map(|s| s.ns).sum();
        assert_eq!(total, 100_000_000);
    }
}
