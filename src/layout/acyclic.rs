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
    let mut peeling = Peeling::new(n, edges);
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::new();
    while left.len() + right.len() < n {
        if let Some(v) = peeling.sinks.pop() {
            if !peeling.removed[v] {
                peeling.remove(v);
                right.push(v);
            }
        } else if let Some(v) = peeling.sources.pop() {
            if !peeling.removed[v] {
                peeling.remove(v);
                left.push(v);
            }
        } else if let Some((delta, Reverse(v))) = peeling.heap.pop() {
            if !peeling.removed[v] && delta == peeling.delta(v) {
                peeling.remove(v);
                left.push(v);
            } // else a stale entry
        } else {
            break;
        }
    }
    right.reverse();
    left.extend(right);
    left
}

/// The shrinking graph: degrees among the nodes not yet removed, and where to find the next node to take.
struct Peeling {
    outs: Vec<Vec<usize>>,
    ins: Vec<Vec<usize>>,
    out_degree: Vec<i64>,
    in_degree: Vec<i64>,
    removed: Vec<bool>,
    sinks: Vec<usize>,
    sources: Vec<usize>,
    /// (out-degree − in-degree, node), lazily updated: entries whose delta is out of date are skipped.
    heap: BinaryHeap<(i64, Reverse<usize>)>,
}

impl Peeling {
    fn new(n: usize, edges: &[(usize, usize)]) -> Self {
        let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(u, v) in edges {
            outs[u].push(v);
            ins[v].push(u);
        }
        let out_degree: Vec<i64> = outs.iter().map(|o| o.len() as i64).collect();
        let in_degree: Vec<i64> = ins.iter().map(|i| i.len() as i64).collect();
        let sinks = (0..n).rev().filter(|&v| out_degree[v] == 0).collect();
        let sources = (0..n).rev().filter(|&v| in_degree[v] == 0 && out_degree[v] > 0).collect();
        let heap = (0..n).map(|v| (out_degree[v] - in_degree[v], Reverse(v))).collect();
        Peeling { outs, ins, out_degree, in_degree, removed: vec![false; n], sinks, sources, heap }
    }

    fn delta(&self, v: usize) -> i64 {
        self.out_degree[v] - self.in_degree[v]
    }

    fn remove(&mut self, v: usize) {
        self.removed[v] = true;
        for i in 0..self.outs[v].len() {
            let w = self.outs[v][i];
            if !self.removed[w] {
                self.in_degree[w] -= 1;
                if self.in_degree[w] == 0 {
                    self.sources.push(w);
                }
                self.heap.push((self.delta(w), Reverse(w)));
            }
        }
        for i in 0..self.ins[v].len() {
            let u = self.ins[v][i];
            if !self.removed[u] {
                self.out_degree[u] -= 1;
                if self.out_degree[u] == 0 {
                    self.sinks.push(u);
                }
                self.heap.push((self.delta(u), Reverse(u)));
            }
        }
    }
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
