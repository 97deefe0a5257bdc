//! Coordinates: y per rank (each rank as tall as its tallest node, `ranksep` apart) and x by Brandes and Köpf,
//! "Fast and Simple Horizontal Coordinate Assignment" (2001): four vertical alignments (up/down × left/right)
//! that respect inner-segment conflicts, each compacted horizontally, then balanced by taking the mean of the two
//! median candidates per node after aligning all four to the narrowest.
//!
//! Owns coordinates of layout nodes; group boxes are `groups.rs`'s, routes are `routes.rs`'s. Follows dagre's
//! reading of the paper (`bk.js`), on index arrays instead of string maps.

use super::normalize::{Layered, Links};
use super::rows::Rows;

/// Separation rules across a rank.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spacing {
    pub nodesep: f64,
    pub edgesep: f64,
}

impl Spacing {
    /// Minimum distance between the centres of neighbours `u` and `v` in a rank.
    pub fn between(&self, g: &Layered, u: usize, v: usize) -> f64 {
        let half_gap = |x: usize| if g.is_dummy(x) { self.edgesep / 2.0 } else { self.nodesep / 2.0 };
        g.width[u] / 2.0 + half_gap(u) + half_gap(v) + g.width[v] / 2.0
    }
}

/// Centre y of each rank.
pub(crate) fn rank_y(g: &Layered, ranksep: f64) -> Vec<f64> {
    let mut y = Vec::with_capacity(g.layers.len());
    let mut top = 0.0;
    for layer in &g.layers {
        let height = layer.iter().map(|&v| g.height[v]).fold(0.0, f64::max);
        y.push(top + height / 2.0);
        top += height + ranksep;
    }
    y
}

/// Balanced Brandes–Köpf x coordinates for every layout node.
pub(crate) fn x_coordinates(g: &Layered, spacing: Spacing) -> Vec<f64> {
    let n = g.len();
    if n == 0 {
        return Vec::new();
    }
    let conflicts = type1_conflicts(g);
    let mut candidates: Vec<Vec<f64>> = Vec::with_capacity(4);
    for upward in [true, false] {
        for rightward in [false, true] {
            let mut layering: Vec<Vec<usize>> = g.layers.clone();
            if !upward {
                layering.reverse();
            }
            if rightward {
                for layer in &mut layering {
                    layer.reverse();
                }
            }
            let neighbours = if upward { &g.up } else { &g.down };
            let root = vertical_alignment(n, &layering, &conflicts, neighbours);
            let mut xs = horizontal_compaction(g, &layering, &root, spacing);
            if rightward {
                xs.iter_mut().for_each(|x| *x = -*x);
            }
            candidates.push(xs);
        }
    }
    balance(g, candidates)
}

/// Links, as (smaller, larger) node pairs, that alignment must not use.
struct Conflicts(Vec<(usize, usize)>);

impl Conflicts {
    fn contains(&self, a: usize, b: usize) -> bool {
        self.0.binary_search(&(a.min(b), a.max(b))).is_ok()
    }
}

/// Marks links that cross an inner segment (a link between two dummies); alignment then never uses them, so long
/// edges stay straight. A sorted vector: looked up once per alignment candidate, and cheaper than hashing.
fn type1_conflicts(g: &Layered) -> Conflicts {
    let mut conflicts = Vec::new();
    let mut pos = vec![0usize; g.len()];
    for layer in &g.layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    for r in 1..g.layers.len() {
        let (prev_len, layer) = (g.layers[r - 1].len(), &g.layers[r]);
        let (mut k0, mut scan) = (0usize, 0usize);
        for (i, &v) in layer.iter().enumerate() {
            let inner = if g.is_dummy(v) { g.up[v].iter().find(|&&(u, _)| g.is_dummy(u)).map(|&(u, _)| u) } else { None };
            let k1 = inner.map_or(prev_len, |u| pos[u]);
            if inner.is_some() || i + 1 == layer.len() {
                for &s in &layer[scan..=i] {
                    for &(u, _) in &g.up[s] {
                        let p = pos[u];
                        if (p < k0 || k1 < p) && !(g.is_dummy(u) && g.is_dummy(s)) {
                            conflicts.push((u.min(s), u.max(s)));
                        }
                    }
                }
                scan = i + 1;
                k0 = k1;
            }
        }
    }
    conflicts.sort_unstable();
    conflicts.dedup();
    Conflicts(conflicts)
}

/// Aligns each node with a median neighbour in the previous rank of `layering`, into blocks sharing one x;
/// returns each node's block root.
fn vertical_alignment(
    n: usize,
    layering: &[Vec<usize>],
    conflicts: &Conflicts,
    neighbours: &Links,
) -> Vec<usize> {
    let mut root: Vec<usize> = (0..n).collect();
    let mut align: Vec<usize> = (0..n).collect();
    let mut pos = vec![0usize; n];
    for layer in layering {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut ws: Vec<usize> = Vec::new();
    for layer in layering {
        let mut prev: Option<usize> = None;
        for &v in layer {
            ws.clear();
            ws.extend(neighbours[v].iter().map(|&(w, _)| w));
            if ws.is_empty() {
                continue;
            }
            ws.sort_by_key(|&w| pos[w]);
            ws.dedup();
            let len = ws.len();
            for &w in &ws[(len - 1) / 2..=len / 2] {
                if align[v] == v
                    && prev.is_none_or(|p| p < pos[w])
                    && !conflicts.contains(v, w)
                {
                    align[w] = v;
                    root[v] = root[w];
                    align[v] = root[v];
                    prev = Some(pos[w]);
                }
            }
        }
    }
    root
}

/// Places blocks as far left as separation allows (longest path over the block graph), then pulls each block
/// right towards its successors where there is room, as dagre does.
fn horizontal_compaction(
    g: &Layered,
    layering: &[Vec<usize>],
    root: &[usize],
    spacing: Spacing,
) -> Vec<f64> {
    let n = g.len();
    // Block graph: edge root(u) -> root(v) for neighbours u, v (u left of v) with the separation they need.
    let mut forward: Vec<(usize, (usize, f64))> = Vec::with_capacity(n);
    let mut backward: Vec<(usize, (usize, f64))> = Vec::with_capacity(n);
    for layer in layering {
        for pair in layer.windows(2) {
            let (u, v) = (pair[0], pair[1]);
            let sep = spacing.between(g, u, v);
            forward.push((root[u], (root[v], sep)));
            backward.push((root[v], (root[u], sep)));
        }
    }
    let (succ, pred) = (Rows::from_pairs(n, &forward), Rows::from_pairs(n, &backward));
    let order = block_order(n, root, &succ, &pred);
    let mut xs = vec![0.0f64; n];
    for &b in &order {
        xs[b] = pred[b].iter().map(|&(p, sep)| xs[p] + sep).fold(0.0, f64::max);
    }
    for &b in order.iter().rev() {
        let min = succ[b].iter().map(|&(s, sep)| xs[s] - sep).fold(f64::INFINITY, f64::min);
        if min.is_finite() {
            xs[b] = xs[b].max(min);
        }
    }
    (0..n).map(|v| xs[root[v]]).collect()
}

/// Topological order of the block roots (the block graph is acyclic because alignment respects rank order).
fn block_order(n: usize, root: &[usize], succ: &Rows<(usize, f64)>, pred: &Rows<(usize, f64)>) -> Vec<usize> {
    let mut pending: Vec<usize> = (0..n).map(|v| pred[v].len()).collect();
    let mut stack: Vec<usize> = (0..n).rev().filter(|&v| root[v] == v && pending[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(b) = stack.pop() {
        order.push(b);
        for &(s, _) in &succ[b] {
            pending[s] -= 1;
            if pending[s] == 0 {
                stack.push(s);
            }
        }
    }
    order
}

/// Shifts the four candidates onto the narrowest one and takes, per node, the mean of the two middle values.
fn balance(g: &Layered, mut candidates: Vec<Vec<f64>>) -> Vec<f64> {
    let extent = |xs: &[f64]| {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (v, &x) in xs.iter().enumerate() {
            lo = lo.min(x - g.width[v] / 2.0);
            hi = hi.max(x + g.width[v] / 2.0);
        }
        (lo, hi)
    };
    let narrowest = (0..candidates.len())
        .min_by(|&a, &b| {
            let (ea, eb) = (extent(&candidates[a]), extent(&candidates[b]));
            (ea.1 - ea.0).total_cmp(&(eb.1 - eb.0))
        })
        .unwrap_or(0);
    let min_max = |xs: &[f64]| xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let (target_min, target_max) = min_max(&candidates[narrowest]);
    for (i, xs) in candidates.iter_mut().enumerate() {
        if i == narrowest {
            continue;
        }
        let (lo, hi) = min_max(xs);
        // Candidates 0 and 2 are the left-aligned ones.
        let delta = if i % 2 == 0 { target_min - lo } else { target_max - hi };
        xs.iter_mut().for_each(|x| *x += delta);
    }
    (0..g.len())
        .map(|v| {
            let mut four = [candidates[0][v], candidates[1][v], candidates[2][v], candidates[3][v]];
            four.sort_by(f64::total_cmp);
            (four[1] + four[2]) / 2.0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::normalize::{split_long_edges, GroupTree, RankedEdge};

    fn spacing() -> Spacing {
        Spacing { nodesep: 50.0, edgesep: 10.0 }
    }

    #[test]
    fn neighbours_in_a_rank_keep_their_distance() {
        let groups = GroupTree::default();
        let edges = [RankedEdge { tail: 0, head: 1, multiplicity: 1, straight: false }, RankedEdge { tail: 0, head: 2, multiplicity: 1, straight: false }];
        let g = split_long_edges(&[100.0, 80.0, 60.0], &[40.0; 3], &[None; 3], &groups, &[0, 1, 1], &edges);
        let x = x_coordinates(&g, spacing());
        let (a, b) = (g.layers[1][0], g.layers[1][1]);
        assert!((x[b] - x[a]).abs() >= spacing().between(&g, a, b) - 1e-9);
    }

    #[test]
    fn a_chain_is_straight() {
        let groups = GroupTree::default();
        let edges = [RankedEdge { tail: 0, head: 1, multiplicity: 1, straight: false }, RankedEdge { tail: 1, head: 2, multiplicity: 1, straight: false }];
        let g = split_long_edges(&[100.0, 80.0, 60.0], &[40.0; 3], &[None; 3], &groups, &[0, 1, 2], &edges);
        let x = x_coordinates(&g, spacing());
        assert_eq!(x[0], x[1]);
        assert_eq!(x[1], x[2]);
    }

    #[test]
    fn ranks_are_ranksep_apart() {
        let groups = GroupTree::default();
        let edges = [RankedEdge { tail: 0, head: 1, multiplicity: 1, straight: false }];
        let g = split_long_edges(&[10.0, 10.0], &[40.0, 20.0], &[None; 2], &groups, &[0, 1], &edges);
        assert_eq!(rank_y(&g, 50.0), vec![20.0, 40.0 + 50.0 + 10.0]);
    }
}
