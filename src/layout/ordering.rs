//! Crossing reduction: the left-to-right order of each rank, by alternating down and up sweeps (barycenter and
//! median keys) with adjacent-pair transposition, keeping the best order seen and stopping after four sweeps
//! without improvement.
//!
//! Owns the order only (positions come later). Groups stay contiguous in every rank and sibling groups keep one
//! left-to-right order across all ranks, so their boxes can be drawn without overlap: within a sweep a group sorts
//! as one element keyed by the mean relative position of everything in it. Keys are relative positions in
//! [0, 1] so nodes and groups from ranks of different lengths compare fairly.

use std::cmp::Ordering;

use super::crossings::CrossingCounter;
use super::normalize::{GroupTree, Layered};

/// The outcome of crossing reduction besides the order itself (which is left in `Layered::layers`).
#[derive(Debug)]
pub(crate) struct Ordered {
    pub crossings: u64,
    /// Per group, the key its siblings were sorted by in the chosen order (lower = further left).
    pub group_keys: Vec<f64>,
}

/// How a sweep turns neighbour positions into a sort key.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Heuristic {
    /// Weighted mean: smooth, best on small drawings.
    Barycenter,
    /// Median with Gansner's interpolation for even counts: robust to a far neighbour, best on large ones.
    Median,
}

/// Which heuristic each sweep uses.
#[derive(Debug, Clone, Copy)]
enum Schedule {
    Barycenter,
    /// Two sweeps (down and up) of median, then two of barycenter, and so on.
    Alternating,
}

impl Schedule {
    fn heuristic(self, sweep: u32) -> Heuristic {
        match self {
            Schedule::Barycenter => Heuristic::Barycenter,
            Schedule::Alternating if (sweep / 2) % 2 == 0 => Heuristic::Median,
            Schedule::Alternating => Heuristic::Barycenter,
        }
    }
}

/// Orders `g.layers` in place. Small drawings try both schedules from the same start and keep the better
/// (neither wins everywhere on the benchmark graphs, and small ones are cheap); large ones alternate.
pub(crate) fn order(g: &mut Layered, groups: &GroupTree, max_sweeps: u32) -> Ordered {
    initial_order(g);
    let schedules: &[Schedule] = if g.len() <= THOROUGH_TRANSPOSE_LIMIT {
        &[Schedule::Barycenter, Schedule::Alternating]
    } else {
        &[Schedule::Alternating]
    };
    let start = g.layers.clone();
    let mut best: Option<(Vec<Vec<usize>>, Ordered)> = None;
    for &schedule in schedules {
        g.layers.clone_from(&start);
        let ordered = sweep(g, groups, max_sweeps, schedule);
        if best.as_ref().is_none_or(|(_, b)| ordered.crossings < b.crossings) {
            best = Some((g.layers.clone(), ordered));
        }
    }
    match best {
        Some((layers, ordered)) => {
            g.layers = layers;
            ordered
        }
        None => Ordered { crossings: 0, group_keys: vec![0.0; groups.parent.len()] },
    }
}

/// Sweeps from the order in `g.layers`, leaving the best order found there.
fn sweep(g: &mut Layered, groups: &GroupTree, max_sweeps: u32, schedule: Schedule) -> Ordered {
    let mut pos = vec![0usize; g.len()];
    let mut sorter = Sorter::new(g, groups);
    refresh_positions(g, &mut pos);
    sorter.group_keys(g, &pos);
    for r in 0..g.layers.len() {
        sorter.own_keys(g, &pos, r);
        sorter.sort(g, &mut pos, r);
    }
    let mut counter = CrossingCounter::default();
    let mut best = g.layers.clone();
    let mut best_crossings = counter.total(g, &pos);
    let mut best_keys = sorter.group_key.clone();
    let mut since_best = 0;
    for sweep in 0..max_sweeps {
        if best_crossings == 0 {
            break;
        }
        let downward = sweep % 2 == 0;
        sorter.group_keys(g, &pos);
        let ranks: Vec<usize> =
            if downward { (0..g.layers.len()).collect() } else { (0..g.layers.len()).rev().collect() };
        for (i, &r) in ranks.iter().enumerate() {
            if i == 0 {
                // Re-sorted by its own positions so it follows this sweep's group order too.
                sorter.own_keys(g, &pos, r);
            } else {
                sorter.neighbour_keys(g, &pos, r, downward, schedule.heuristic(sweep));
            }
            sorter.sort(g, &mut pos, r);
        }
        let passes = if g.len() <= THOROUGH_TRANSPOSE_LIMIT { 4 } else { 1 };
        transpose(g, &mut pos, passes);
        let crossings = counter.total(g, &pos);
        if crossings < best_crossings {
            best_crossings = crossings;
            best.clone_from(&g.layers);
            best_keys.clone_from(&sorter.group_key);
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= 4 {
                break;
            }
        }
    }
    g.layers = best;
    if g.len() > THOROUGH_TRANSPOSE_LIMIT && best_crossings > 0 {
        // Large drawings got one pass per sweep; polish the chosen order once.
        refresh_positions(g, &mut pos);
        transpose(g, &mut pos, FINAL_TRANSPOSE_PASSES);
        best_crossings = counter.total(g, &pos);
    }
    Ordered { crossings: best_crossings, group_keys: best_keys }
}

/// Depth-first order from the top ranks down (as dagre's `initOrder`): connected nodes start near each other.
fn initial_order(g: &mut Layered) {
    let mut seen = vec![false; g.len()];
    let mut starts: Vec<usize> = (0..g.len()).collect();
    starts.sort_by_key(|&v| g.rank[v]);
    for layer in &mut g.layers {
        layer.clear();
    }
    let mut stack = Vec::new();
    for s in starts {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        stack.push(s);
        while let Some(v) = stack.pop() {
            g.layers[g.rank[v]].push(v);
            for &(w, _) in g.down[v].iter().rev() {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
    }
}

fn refresh_positions(g: &Layered, pos: &mut [usize]) {
    for layer in &g.layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
}

fn relative(pos: usize, len: usize) -> f64 {
    (pos as f64 + 0.5) / len.max(1) as f64
}

struct Sorter<'a> {
    groups: &'a GroupTree,
    key: Vec<f64>,
    group_key: Vec<f64>,
}

impl<'a> Sorter<'a> {
    fn new(g: &Layered, groups: &'a GroupTree) -> Self {
        Sorter { groups, key: vec![0.0; g.len()], group_key: vec![0.0; groups.parent.len()] }
    }

    fn group_keys(&mut self, g: &Layered, pos: &[usize]) {
        if self.groups.is_empty() {
            return;
        }
        let mut count = vec![0usize; self.group_key.len()];
        self.group_key.iter_mut().for_each(|k| *k = 0.0);
        for layer in &g.layers {
            for &v in layer {
                for &grp in self.groups.chain(g.group[v]) {
                    self.group_key[grp] += relative(pos[v], layer.len());
                    count[grp] += 1;
                }
            }
        }
        for (k, c) in self.group_key.iter_mut().zip(count) {
            *k /= c.max(1) as f64;
        }
    }

    fn own_keys(&mut self, g: &Layered, pos: &[usize], r: usize) {
        let len = g.layers[r].len();
        for &v in &g.layers[r] {
            self.key[v] = relative(pos[v], len);
        }
    }

    /// Each node's key from its neighbours in the rank just swept; nodes without any keep their place.
    fn neighbour_keys(&mut self, g: &Layered, pos: &[usize], r: usize, downward: bool, heuristic: Heuristic) {
        let fixed_len = if downward { g.layers[r - 1].len() } else { g.layers[r + 1].len() };
        let len = g.layers[r].len();
        let mut at: Vec<f64> = Vec::new();
        for &v in &g.layers[r] {
            let neighbours = if downward { &g.up[v] } else { &g.down[v] };
            self.key[v] = if neighbours.is_empty() {
                relative(pos[v], len)
            } else if heuristic == Heuristic::Barycenter {
                let (mut sum, mut weight) = (0.0, 0.0);
                for &(u, w) in neighbours {
                    sum += f64::from(w) * relative(pos[u], fixed_len);
                    weight += f64::from(w);
                }
                if weight > 0.0 { sum / weight } else { relative(pos[v], len) }
            } else {
                at.clear();
                at.extend(neighbours.iter().map(|&(u, _)| relative(pos[u], fixed_len)));
                at.sort_by(f64::total_cmp);
                interpolated_median(&at)
            };
        }
    }

    fn sort(&self, g: &mut Layered, pos: &mut [usize], r: usize) {
        let mut layer = std::mem::take(&mut g.layers[r]);
        if self.groups.is_empty() {
            // Sorting (key, position, node) records keeps comparisons in cache instead of looking keys up.
            let mut records: Vec<(f64, usize, usize)> = layer.iter().map(|&v| (self.key[v], pos[v], v)).collect();
            records.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layer.clear();
            layer.extend(records.iter().map(|rec| rec.2));
        } else {
            layer.sort_unstable_by(|&a, &b| self.compare_grouped(g, pos, a, b));
        }
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
        g.layers[r] = layer;
    }

    /// Compares the elements where the two group chains part: a group by its group key, a node by its own key.
    fn compare_grouped(&self, g: &Layered, pos: &[usize], a: usize, b: usize) -> Ordering {
        let (ca, cb) = (self.groups.chain(g.group[a]), self.groups.chain(g.group[b]));
        let mut i = 0;
        while i < ca.len() && i < cb.len() && ca[i] == cb[i] {
            i += 1;
        }
        // (key, 0 for a group / 1 for a node, tie-breaker) makes a total order.
        let element = |chain: &[usize], v: usize| match chain.get(i) {
            Some(&grp) => (self.group_key[grp], 0, grp),
            None => (self.key[v], 1, pos[v]),
        };
        let (ea, eb) = (element(ca, a), element(cb, b));
        ea.0.total_cmp(&eb.0).then(ea.1.cmp(&eb.1)).then(ea.2.cmp(&eb.2))
    }
}

/// Layout nodes (real and dummy) up to which every sweep's transpose repeats passes (up to four) until nothing
/// improves: small drawings are the common case and cheap, so they get the extra polish. Above it one pass per
/// sweep (on the benchmark graphs more passes cost as much again per pass and gained nothing measurable, because
/// the next sweep transposes again anyway), then a thorough transpose of the final order.
const THOROUGH_TRANSPOSE_LIMIT: usize = 4_000;

/// Passes of the final transpose of large drawings (it stops early once a pass swaps nothing).
const FINAL_TRANSPOSE_PASSES: usize = 8;

/// Swaps neighbours in a rank where that lowers the crossings of their links (both sides). Only neighbours in
/// the same innermost group swap, which keeps groups contiguous.
fn transpose(g: &mut Layered, pos: &mut [usize], passes: usize) {
    let mut scratch = (Vec::new(), Vec::new());
    // A rank needs another look only if it or a neighbouring rank changed in the last pass.
    let mut dirty = vec![true; g.layers.len()];
    for _ in 0..passes {
        let mut next = vec![false; g.layers.len()];
        let mut improved = false;
        for r in (0..g.layers.len()).filter(|&r| dirty[r]) {
            let mut swapped = false;
            for i in 1..g.layers[r].len() {
                let (v, w) = (g.layers[r][i - 1], g.layers[r][i]);
                if g.group[v] != g.group[w] {
                    continue;
                }
                let (keep_up, swap_up) = pair_crossings(&g.up[v], &g.up[w], pos, &mut scratch);
                let (keep_down, swap_down) = pair_crossings(&g.down[v], &g.down[w], pos, &mut scratch);
                if swap_up + swap_down < keep_up + keep_down {
                    g.layers[r].swap(i - 1, i);
                    pos[v] = i;
                    pos[w] = i - 1;
                    swapped = true;
                }
            }
            if swapped {
                improved = true;
                for d in r.saturating_sub(1)..(r + 2).min(next.len()) {
                    next[d] = true;
                }
            }
        }
        if !improved {
            break;
        }
        dirty = next;
    }
}

/// Gansner's median of sorted positions: the middle one, the mean of two, or for other even counts the two
/// middle ones weighted towards the side where neighbours are packed tighter.
fn interpolated_median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    let m = n / 2;
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[m],
        2 => (sorted[0] + sorted[1]) / 2.0,
        _ => {
            let (left, right) = (sorted[m - 1] - sorted[0], sorted[n - 1] - sorted[m]);
            if left + right > 0.0 {
                (sorted[m - 1] * right + sorted[m] * left) / (left + right)
            } else {
                sorted[m]
            }
        }
    }
}

/// Reusable buffers for [`pair_crossings`]: the two neighbours' links as (position, multiplicity).
type PairScratch = (Vec<(usize, u32)>, Vec<(usize, u32)>);

/// Crossings between the links of two neighbours as (with `left`'s node first, with `right`'s node first): pairs
/// whose other ends are in the opposite order. Small cases count pairs directly; hubs use a sorted merge, so they
/// cost O(d log d), not O(d²).
fn pair_crossings(
    left: &[(usize, u32)],
    right: &[(usize, u32)],
    pos: &[usize],
    scratch: &mut PairScratch,
) -> (u64, u64) {
    if left.len() * right.len() <= 16 {
        // Few pairs (dummies, ordinary services): counting them directly beats sorting.
        let (mut keep, mut swap) = (0u64, 0u64);
        for &(a, wa) in left {
            for &(b, wb) in right {
                let w = u64::from(wa) * u64::from(wb);
                match pos[a].cmp(&pos[b]) {
                    Ordering::Greater => keep += w,
                    Ordering::Less => swap += w,
                    Ordering::Equal => {}
                }
            }
        }
        return (keep, swap);
    }
    let (a, b) = scratch;
    a.clear();
    b.clear();
    a.extend(left.iter().map(|&(u, w)| (pos[u], w)));
    b.extend(right.iter().map(|&(u, w)| (pos[u], w)));
    a.sort_unstable();
    b.sort_unstable();
    let total_b: u64 = b.iter().map(|&(_, w)| u64::from(w)).sum();
    // For each link of `left`: weight of `right` links ending strictly before it (they cross when
    // `left` comes first) and strictly after it (they cross when `right` comes first).
    let (mut before, mut not_after, mut j, mut k) = (0u64, 0u64, 0, 0);
    let (mut keep, mut swap) = (0u64, 0u64);
    for &(p, w) in a.iter() {
        while j < b.len() && b[j].0 < p {
            before += u64::from(b[j].1);
            j += 1;
        }
        while k < b.len() && b[k].0 <= p {
            not_after += u64::from(b[k].1);
            k += 1;
        }
        keep += before * u64::from(w);
        swap += (total_b - not_after) * u64::from(w);
    }
    (keep, swap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::normalize::{split_long_edges, RankedEdge};

    #[test]
    fn untangles_a_crossed_pair() {
        // 0 -> 3, 1 -> 2 with 2 placed before 3 crosses once; ordering must find zero.
        let edges = [RankedEdge { tail: 0, head: 3, multiplicity: 1, straight: false }, RankedEdge { tail: 1, head: 2, multiplicity: 1, straight: false }];
        let groups = GroupTree::default();
        let mut g = split_long_edges(&[1.0; 4], &[1.0; 4], &[None; 4], &groups, &[0, 0, 1, 1], &edges);
        assert_eq!(order(&mut g, &groups, 8).crossings, 0);
    }

    #[test]
    fn median_interpolates_even_counts() {
        assert_eq!(interpolated_median(&[0.1, 0.5, 0.9]), 0.5);
        assert!((interpolated_median(&[0.2, 0.4]) - 0.3).abs() < 1e-12);
        // Tight on the left (0.0..0.1), loose on the right (0.2..1.0): lean left.
        let m = interpolated_median(&[0.0, 0.1, 0.2, 1.0]);
        assert!(m > 0.1 && m < 0.15, "{m}");
    }

    #[test]
    fn pair_crossings_counts_inversions() {
        let pos = [0, 1, 2, 3];
        let mut scratch = (Vec::new(), Vec::new());
        assert_eq!(pair_crossings(&[(2, 1), (3, 1)], &[(0, 1), (1, 1)], &pos, &mut scratch), (4, 0));
        assert_eq!(pair_crossings(&[(0, 1)], &[(2, 1)], &pos, &mut scratch), (0, 1));
        assert_eq!(pair_crossings(&[(0, 1), (2, 1)], &[(1, 1), (2, 2)], &pos, &mut scratch), (1, 3));
    }

    #[test]
    fn pair_crossings_of_hubs_match_direct_counting() {
        let pos: Vec<usize> = (0..10).collect();
        let left: Vec<(usize, u32)> = vec![(1, 1), (3, 2), (4, 1), (7, 1), (9, 1)];
        let right: Vec<(usize, u32)> = vec![(0, 1), (3, 1), (5, 3), (8, 1)];
        let (mut keep, mut swap) = (0, 0);
        for &(a, wa) in &left {
            for &(b, wb) in &right {
                let w = u64::from(wa * wb);
                keep += if a > b { w } else { 0 };
                swap += if a < b { w } else { 0 };
            }
        }
        assert_eq!(pair_crossings(&left, &right, &pos, &mut (Vec::new(), Vec::new())), (keep, swap));
    }

    #[test]
    fn keeps_groups_contiguous() {
        // Nodes 0 and 2 in group 0; node 1 outside. Edges pull 1 between them, groups must not allow it.
        let groups = GroupTree::new(vec![None]);
        let edges = [
            RankedEdge { tail: 3, head: 0, multiplicity: 1, straight: false },
            RankedEdge { tail: 4, head: 1, multiplicity: 1, straight: false },
            RankedEdge { tail: 5, head: 2, multiplicity: 1, straight: false },
        ];
        let node_group = [Some(0), None, Some(0), None, None, None];
        let mut g = split_long_edges(&[1.0; 6], &[1.0; 6], &node_group, &groups, &[1, 1, 1, 0, 0, 0], &edges);
        order(&mut g, &groups, 8);
        let layer = &g.layers[1];
        let at = |v| layer.iter().position(|&x| x == v).unwrap_or(usize::MAX);
        assert_eq!(at(0).abs_diff(at(2)), 1);
    }
}
