//! The layout's work budget: how many bend points (dummy nodes) long edges may add, and which edges are drawn
//! straight when the drawing would need more.
//!
//! Every rank an edge crosses costs a dummy that crossing reduction and coordinate assignment then carry like a
//! node. On service graphs that is affordable (14–16 per node), but dense or hub-shaped graphs need about n³/6
//! (the complete graph: 4.5 million at 300 nodes) or n²/2 (a hub calling every node of a long chain). So the
//! longest edges give up their bends first: they keep their place in ranking and their direction, but are left out
//! of crossing reduction and coordinates and drawn as one straight segment from border to border, possibly across
//! nodes in the ranks between. Among edges of equal span the earlier ones (in input order) keep their bends first,
//! so the choice is deterministic.
//!
//! Owns the budget and the choice only; it knows nothing of orders or coordinates.

use super::normalize::RankedEdge;

/// Bend points allowed per node of the graph by default. The generated service graphs of the benchmarks need
/// 14–16 per node (16 000 at 1 000 nodes, 70 000 at 5 000), so they stay within it with room to spare; a bend
/// costs crossing reduction and coordinates about what a node costs.
const BENDS_PER_NODE: usize = 32;

/// Bend points a graph may always use by default, whatever its size, so a small drawing with long edges (a chain
/// of a few hundred nodes with shortcuts) keeps all its bends.
const BENDS_FLOOR: usize = 40_000;

/// Bend points a component of `nodes` nodes may add when the graph has `total` nodes: its share, by node count,
/// of `max_bends` (default: 32 per node of the graph, at least 40 000).
pub(crate) fn bend_budget(nodes: usize, total: usize, max_bends: Option<u32>) -> usize {
    let whole = max_bends.map_or((BENDS_PER_NODE * total).max(BENDS_FLOOR), |m| m as usize);
    (whole as f64 * nodes as f64 / total.max(1) as f64) as usize
}

/// Per ranked edge, whether it gets its dummy chain (`true`) or is drawn straight (`false`): edges are kept from
/// the shortest span up while the bends they need fit in `budget`.
pub(crate) fn chained_edges(ranks: &[i32], edges: &[RankedEdge], budget: usize) -> Vec<bool> {
    let bends = |e: &RankedEdge| (ranks[e.head] - ranks[e.tail] - 1).max(0) as usize;
    let total: usize = edges.iter().map(bends).sum();
    if total <= budget {
        return vec![true; edges.len()];
    }
    let mut by_span: Vec<usize> = (0..edges.len()).collect();
    by_span.sort_by_key(|&i| (bends(&edges[i]), i));
    let mut chained = vec![false; edges.len()];
    let mut spent = 0usize;
    for i in by_span {
        let need = bends(&edges[i]);
        if spent + need > budget {
            break;
        }
        spent += need;
        chained[i] = true;
    }
    chained
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(tail: usize, head: usize) -> RankedEdge {
        RankedEdge { tail, head, multiplicity: 1, straight: false }
    }

    #[test]
    fn the_longest_edges_go_straight_first() {
        let ranks = [0, 1, 2, 3];
        // Within the budget every edge bends.
        assert_eq!(chained_edges(&ranks, &[edge(0, 3), edge(0, 1)], 2), vec![true, true]);
        // Spans 3, 1, 2 need 2, 0 and 1 bends; a budget of 2 keeps the two shortest.
        assert_eq!(chained_edges(&ranks, &[edge(0, 3), edge(0, 1), edge(1, 3)], 2), vec![false, true, true]);
    }

    #[test]
    fn equal_spans_are_kept_in_input_order() {
        let ranks = [0, 1, 2, 0];
        assert_eq!(chained_edges(&ranks, &[edge(3, 2), edge(0, 2)], 1), vec![true, false]);
    }

    #[test]
    fn budget_is_shared_by_component_size() {
        assert_eq!(bend_budget(10, 10, None), 40_000);
        assert_eq!(bend_budget(10, 100, None), 4_000);
        assert_eq!(bend_budget(10_000, 10_000, None), 320_000);
        assert_eq!(bend_budget(2_500, 10_000, None), 80_000);
        assert_eq!(bend_budget(3, 4, Some(100)), 75);
    }
}
