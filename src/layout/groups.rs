//! Group boxes: after Brandes–Köpf has placed the nodes, moves them just enough that every group's box holds its
//! members (and nested groups) with padding, keeps other nodes of the ranks it spans outside it, and keeps
//! sibling boxes that overlap vertically apart. Boxes are the result.
//!
//! Works as one left-to-right pass over a constraint graph (x of a right thing ≥ x of a left thing + gap), each
//! variable starting from its Brandes–Köpf position: nodes only move right, and only when a box needs room. This
//! relies on ordering (`ordering.rs`) keeping groups contiguous in each rank with one sibling order throughout.
//! Owns the boxes; knows nothing of how the order was found.

use super::normalize::{GroupTree, Layered};
use super::position::Spacing;

/// A group's box as edges: left, right, top, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GroupBox {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// One thing in a rank, left to right: a node, or a group's left or right border.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Node(usize),
    Left(usize),
    Right(usize),
}

struct Constraints {
    succ: Vec<Vec<(usize, f64)>>,
    preds: Vec<usize>,
}

impl Constraints {
    fn add(&mut self, from: usize, to: usize, gap: f64) {
        self.succ[from].push((to, gap));
        self.preds[to] += 1;
    }
}

/// Moves `x` (layout-node centres) so group boxes fit, and returns the boxes. `group_keys` is the sibling order
/// ordering used (lower key = further left). `y` holds centre y per layout node.
pub(crate) fn fit_boxes(
    g: &Layered,
    groups: &GroupTree,
    group_keys: &[f64],
    x: &mut [f64],
    y: &[f64],
    spacing: Spacing,
    padding: f64,
) -> Vec<GroupBox> {
    let count = groups.parent.len();
    let n = g.len();
    let var = |slot: Slot| match slot {
        Slot::Node(v) => v,
        Slot::Left(grp) => n + 2 * grp,
        Slot::Right(grp) => n + 2 * grp + 1,
    };
    let half_gap = |v: usize| if g.is_dummy(v) { spacing.edgesep / 2.0 } else { spacing.nodesep / 2.0 };
    // Gap between the reference points of two slots side by side, `left` before `right`.
    let gap = |left: Slot, right: Slot| -> f64 {
        match (left, right) {
            (Slot::Node(u), Slot::Node(v)) => spacing.between(g, u, v),
            (Slot::Node(u), Slot::Left(_)) => g.width[u] / 2.0 + half_gap(u) + spacing.nodesep / 2.0,
            (Slot::Right(_), Slot::Node(v)) => spacing.nodesep / 2.0 + half_gap(v) + g.width[v] / 2.0,
            (Slot::Right(_), Slot::Left(_)) => spacing.nodesep,
            (Slot::Left(_), Slot::Node(v)) => padding + g.width[v] / 2.0,
            (Slot::Node(u), Slot::Right(_)) => g.width[u] / 2.0 + padding,
            (Slot::Left(_), Slot::Left(_)) | (Slot::Right(_), Slot::Right(_)) => padding,
            (Slot::Left(_), Slot::Right(_)) => 2.0 * padding,
        }
    };
    let mut c = Constraints { succ: vec![Vec::new(); n + 2 * count], preds: vec![0; n + 2 * count] };

    for layer in &g.layers {
        let mut open: Vec<usize> = Vec::new();
        let mut last: Option<Slot> = None;
        let place = |slot: Slot, last: &mut Option<Slot>, c: &mut Constraints| {
            if let Some(prev) = *last {
                c.add(var(prev), var(slot), gap(prev, slot));
            }
            *last = Some(slot);
        };
        for &v in layer {
            let chain = groups.chain(g.group[v]);
            let common = open.iter().zip(chain).take_while(|(a, b)| a == b).count();
            while open.len() > common {
                if let Some(grp) = open.pop() {
                    place(Slot::Right(grp), &mut last, &mut c);
                }
            }
            for &grp in &chain[common..] {
                place(Slot::Left(grp), &mut last, &mut c);
                open.push(grp);
            }
            place(Slot::Node(v), &mut last, &mut c);
        }
        while let Some(grp) = open.pop() {
            place(Slot::Right(grp), &mut last, &mut c);
        }
    }

    // Vertical extents and preferred left borders, innermost groups first so parents see their children.
    let mut boxes =
        vec![GroupBox { left: f64::INFINITY, right: f64::NEG_INFINITY, top: f64::INFINITY, bottom: f64::NEG_INFINITY }; count];
    for v in 0..n {
        if let Some(grp) = g.group[v] {
            let b = &mut boxes[grp];
            b.left = b.left.min(x[v] - g.width[v] / 2.0);
            b.top = b.top.min(y[v] - g.height[v] / 2.0);
            b.bottom = b.bottom.max(y[v] + g.height[v] / 2.0);
        }
    }
    let mut innermost_first: Vec<usize> = (0..count).collect();
    innermost_first.sort_by_key(|&grp| std::cmp::Reverse(groups.path[grp].len()));
    for &grp in &innermost_first {
        let b = &mut boxes[grp];
        b.left -= padding;
        b.top -= padding;
        b.bottom += padding;
        let inner = *b;
        if let Some(parent) = groups.parent[grp] {
            let p = &mut boxes[parent];
            p.left = p.left.min(inner.left);
            p.top = p.top.min(inner.top);
            p.bottom = p.bottom.max(inner.bottom);
        }
    }

    // Siblings whose boxes share some height must not share any width.
    let mut siblings: Vec<Vec<usize>> = vec![Vec::new(); count + 1];
    for grp in 0..count {
        siblings[groups.parent[grp].unwrap_or(count)].push(grp);
    }
    for family in &mut siblings {
        family.sort_by(|&a, &b| group_keys[a].total_cmp(&group_keys[b]).then(a.cmp(&b)));
        for (i, &a) in family.iter().enumerate() {
            for &b in &family[i + 1..] {
                if boxes[a].top < boxes[b].bottom && boxes[b].top < boxes[a].bottom {
                    c.add(var(Slot::Right(a)), var(Slot::Left(b)), spacing.nodesep);
                }
            }
        }
    }

    let mut value: Vec<f64> = x.to_vec();
    for (grp, b) in boxes.iter().enumerate() {
        value.push(b.left);
        value.push(f64::NEG_INFINITY);
        debug_assert_eq!(value.len(), n + 2 * grp + 2);
    }
    if !longest_path(&mut c, &mut value) {
        // A cycle would mean ordering broke its promise; keep Brandes–Köpf's x rather than fail.
        for (grp, b) in boxes.iter_mut().enumerate() {
            b.right = (0..n)
                .filter(|&v| groups.chain(g.group[v]).contains(&grp))
                .map(|v| x[v] + g.width[v] / 2.0 + padding)
                .fold(f64::NEG_INFINITY, f64::max);
        }
        return boxes;
    }
    x.copy_from_slice(&value[..n]);
    for (grp, b) in boxes.iter_mut().enumerate() {
        b.left = value[var(Slot::Left(grp))];
        b.right = value[var(Slot::Right(grp))];
    }
    boxes
}

/// Raises each value to satisfy every constraint, in topological order. False if the constraints have a cycle.
fn longest_path(c: &mut Constraints, value: &mut [f64]) -> bool {
    let mut stack: Vec<usize> = (0..value.len()).rev().filter(|&v| c.preds[v] == 0).collect();
    let mut done = 0;
    while let Some(v) = stack.pop() {
        done += 1;
        for i in 0..c.succ[v].len() {
            let (w, gap) = c.succ[v][i];
            value[w] = value[w].max(value[v] + gap);
            c.preds[w] -= 1;
            if c.preds[w] == 0 {
                stack.push(w);
            }
        }
    }
    done == value.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::normalize::split_long_edges;

    #[test]
    fn box_holds_members_and_keeps_a_stranger_out() {
        // Rank 0: 0 (group 0), 1 (no group), 2 (group 0) — ordering would never produce this, so give it a
        // contiguous order: 0, 2 in the group, then 1.
        let groups = GroupTree::new(vec![None]);
        let mut g = split_long_edges(&[40.0; 3], &[20.0; 3], &[Some(0), None, Some(0)], &groups, &[0, 0, 0], &[]);
        g.layers = vec![vec![0, 2, 1]];
        let mut x = vec![0.0, 60.0, 30.0];
        let y = vec![10.0; 3];
        let spacing = Spacing { nodesep: 50.0, edgesep: 10.0 };
        let boxes = fit_boxes(&g, &groups, &[0.5], &mut x, &y, spacing, 16.0);
        let b = boxes[0];
        for v in [0, 2] {
            assert!(b.left <= x[v] - 20.0 - 16.0 + 1e-9 && x[v] + 20.0 + 16.0 <= b.right + 1e-9);
        }
        assert!(x[1] - 20.0 >= b.right);
        assert!(x[2] - x[0] >= 40.0 + 50.0 - 1e-9);
    }
}
