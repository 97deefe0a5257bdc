//! Cycle breaking: which edges to turn around so the graph becomes acyclic, by the greedy feedback-arc-set
//! heuristic of Eades, Lin and Smyth (1993): peel sinks to the right, sources to the left, otherwise the node with
//! the largest out-degree minus in-degree to the left; edges that then point leftwards are reversed.
//!
//! Owns only the choice of reversed edges (the caller remembers them to flag routes); it knows nothing of ranks.
//! Runs in O((V + E) log V) with a lazy heap; ties go to the lower index, so the choice is deterministic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// For each edge `(from, to)` (no self-loops), whether to reverse it.
pub(crate) fn reversed_edges(node_count: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let order = greedy_order(node_count, edges);
    let mut position = vec![0usize; node_count];
    for (i, &v) in order.iter().enumerate() {
        position[v] = i;
    }
    edges.iter().map(|&(u, v)| position[u] > position[v]).collect()
}

fn greedy_order(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(u, v) in edges {
        outs[u].push(v);
        ins[v].push(u);
    }
    let mut out_degree: Vec<i64> = outs.iter().map(|o| o.len() as i64).collect();
    let mut in_degree: Vec<i64> = ins.iter().map(|i| i.len() as i64).collect();
    let mut removed = vec![false; n];
    let mut sinks: Vec<usize> = (0..n).rev().filter(|&v| out_degree[v] == 0).collect();
    let mut sources: Vec<usize> = (0..n).rev().filter(|&v| in_degree[v] == 0 && out_degree[v] > 0).collect();
    let mut heap: BinaryHeap<(i64, Reverse<usize>)> =
        (0..n).map(|v| (out_degree[v] - in_degree[v], Reverse(v))).collect();
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::new();

    let remove = |v: usize,
                      removed: &mut Vec<bool>,
                      out_degree: &mut Vec<i64>,
                      in_degree: &mut Vec<i64>,
                      sinks: &mut Vec<usize>,
                      sources: &mut Vec<usize>,
                      heap: &mut BinaryHeap<(i64, Reverse<usize>)>| {
        removed[v] = true;
        for &w in &outs[v] {
            if !removed[w] {
                in_degree[w] -= 1;
                if in_degree[w] == 0 {
                    sources.push(w);
                }
                heap.push((out_degree[w] - in_degree[w], Reverse(w)));
            }
        }
        for &u in &ins[v] {
            if !removed[u] {
                out_degree[u] -= 1;
                if out_degree[u] == 0 {
                    sinks.push(u);
                }
                heap.push((out_degree[u] - in_degree[u], Reverse(u)));
            }
        }
    };

    while left.len() + right.len() < n {
        if let Some(v) = sinks.pop() {
            if !removed[v] {
                remove(v, &mut removed, &mut out_degree, &mut in_degree, &mut sinks, &mut sources, &mut heap);
                right.push(v);
            }
            continue;
        }
        if let Some(v) = sources.pop() {
            if !removed[v] {
                remove(v, &mut removed, &mut out_degree, &mut in_degree, &mut sinks, &mut sources, &mut heap);
                left.push(v);
            }
            continue;
        }
        match heap.pop() {
            Some((delta, Reverse(v))) => {
                if removed[v] || delta != out_degree[v] - in_degree[v] {
                    continue; // stale entry
                }
                remove(v, &mut removed, &mut out_degree, &mut in_degree, &mut sinks, &mut sources, &mut heap);
                left.push(v);
            }
            None => break,
        }
    }
    right.reverse();
    left.extend(right);
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dag_keeps_every_edge() {
        let edges = [(0, 1), (1, 2), (0, 2), (3, 2)];
        assert!(reversed_edges(4, &edges).iter().all(|r| !r));
    }

    #[test]
    fn a_cycle_loses_exactly_one_edge() {
        let edges = [(0, 1), (1, 2), (2, 0)];
        assert_eq!(reversed_edges(3, &edges).iter().filter(|r| **r).count(), 1);
    }

    #[test]
    fn two_cycle_reverses_one_direction() {
        let edges = [(0, 1), (1, 0), (0, 1)];
        let reversed = reversed_edges(2, &edges);
        assert_eq!(reversed[0], reversed[2]);
        assert_ne!(reversed[0], reversed[1]);
    }
}
