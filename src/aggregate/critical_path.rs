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

/// Skew-adjusted intervals of the spans reachable from `root` (`None` for the others).
fn adjusted_intervals(tree: &TraceTree, root: usize) -> Vec<Option<(i128, i128)>> {
    let mut adjusted = vec![None; tree.spans.len()];
    let interval = |i: usize, offset: i128| {
        let s = &tree.spans[i];
        (i128::from(s.start_ns) + offset, i128::from(s.end_ns) + offset)
    };
    adjusted[root] = Some(interval(root, 0));
    let mut stack = vec![(root, 0i128)];
    while let Some((parent, offset)) = stack.pop() {
        let Some((ps, pe)) = adjusted[parent] else { continue };
        for &child in tree.children(parent) {
            if adjusted[child].is_some() {
                continue; // reached twice only through a cycle
            }
            let (cs, ce) = interval(child, offset);
            let (p, c) = (&tree.spans[parent], &tree.spans[child]);
            let other_clock = p.service != c.service && c.kind != SpanKind::Consumer && p.kind != SpanKind::Producer;
            let mut shift = 0;
            if other_clock && (cs < ps || ce > pe) && ce - cs <= pe - ps {
                shift = ps + ((pe - ps) - (ce - cs)) / 2 - cs;
            }
            adjusted[child] = Some((cs + shift, ce + shift));
            stack.push((child, offset + shift));
        }
    }
    adjusted
}

/// The critical path from `root`, as segments in time order.
pub fn critical_path(tree: &TraceTree, root: usize) -> Vec<Segment> {
    let adjusted = adjusted_intervals(tree, root);
    let mut segments = Vec::new();
    if let Some((_, end)) = adjusted[root] {
        walk(tree, &adjusted, root, end, 0, &mut segments);
    }
    // `walk` emits segments latest first (each before the ones it recursed into, each child's before the
    // earlier children's): reversed, they are in time order.
    segments.reverse();
    segments
}

fn push(segments: &mut Vec<Segment>, span: usize, from: i128, to: i128) {
    if to > from {
        let ns = u64::try_from(to - from).unwrap_or(u64::MAX);
        segments.push(Segment { span, start_ns: from, ns });
    }
}

fn walk(
    tree: &TraceTree,
    adjusted: &[Option<(i128, i128)>],
    span: usize,
    limit: i128,
    depth: usize,
    segments: &mut Vec<Segment>,
) {
    let Some((start, end)) = adjusted[span] else { return };
    let mut cursor = end.min(limit);
    if cursor <= start {
        return;
    }
    if depth < MAX_DEPTH {
        let with_interval = |&c: &usize| adjusted[c].map(|(s, e)| (c, s, e));
        let kids = tree.children(span);
        // Leaves and single children (most spans) need no list of their own.
        let mut single = [(0, 0, 0)];
        let mut several = Vec::new();
        let children: &[(usize, i128, i128)] = match kids {
            [] => &[],
            [only] => match with_interval(only) {
                Some(found) => {
                    single[0] = found;
                    &single
                }
                None => &[],
            },
            _ => {
                several.extend(kids.iter().filter_map(with_interval));
                several.sort_by_key(|&(_, _, e)| Reverse(e));
                &several
            }
        };
        for &(child, child_start, child_end) in children {
            if child_start >= cursor || child_end <= start {
                continue; // ran in parallel with a later child, or outside the span (async)
            }
            let child_end = child_end.min(cursor);
            push(segments, span, child_end, cursor);
            walk(tree, adjusted, child, child_end, depth + 1, segments);
            cursor = child_start.max(start);
            if cursor <= start {
                break;
            }
        }
    }
    push(segments, span, start, cursor);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use SpanKind::*;

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
}
