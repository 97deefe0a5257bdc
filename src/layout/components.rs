//! Disconnected pieces: splits the graph into components laid out on their own, then packs the finished pieces
//! side by side (across the ranks, tops aligned, `nodesep` apart) in order of their first node.
//!
//! A group and everything in it count as connected, so a group's box never spans two pieces. Owns splitting and
//! packing; what happens inside a piece is `mod.rs`'s pipeline.

use petgraph::unionfind::UnionFind;

use super::graph::Graph;

/// One component, by global indices.
#[derive(Debug, Default)]
pub(crate) struct Component {
    pub nodes: Vec<usize>,
    /// Edges between its nodes, self-loops included, in input order.
    pub edges: Vec<usize>,
    /// Groups with at least one member here, in global order.
    pub groups: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct Components {
    pub list: Vec<Component>,
    /// Index of each node within its component's `nodes`.
    pub local_node: Vec<usize>,
    /// Index of each non-empty group within its component's `groups` (unused for empty groups).
    pub local_group: Vec<usize>,
}

pub(crate) fn split(graph: &Graph) -> Components {
    let n = graph.node_count();
    let mut sets: UnionFind<usize> = UnionFind::new(n);
    for e in &graph.edges {
        sets.union(e.from, e.to);
    }
    // Every member of a top-level group joins that group's first member.
    let mut first_member: Vec<Option<usize>> = vec![None; graph.group_parent.len()];
    for v in 0..n {
        if let Some(grp) = graph.node_group[v] {
            let top = graph.top_group(grp);
            match first_member[top] {
                Some(first) => {
                    sets.union(first, v);
                }
                None => first_member[top] = Some(v),
            }
        }
    }

    let mut component_of_root: Vec<usize> = vec![usize::MAX; n];
    let mut component_of: Vec<usize> = vec![0; n];
    let mut list: Vec<Component> = Vec::new();
    let mut local_node = vec![0; n];
    for v in 0..n {
        let root = sets.find(v);
        if component_of_root[root] == usize::MAX {
            component_of_root[root] = list.len();
            list.push(Component::default());
        }
        let c = component_of_root[root];
        component_of[v] = c;
        local_node[v] = list[c].nodes.len();
        list[c].nodes.push(v);
    }
    for (i, e) in graph.edges.iter().enumerate() {
        list[component_of[e.from]].edges.push(i);
    }

    // A group belongs where its members are; ancestors of a member's group are groups there too.
    let group_count = graph.group_parent.len();
    let mut group_component: Vec<Option<usize>> = vec![None; group_count];
    for (&own, &component) in graph.node_group.iter().zip(&component_of) {
        let mut grp = own;
        while let Some(current) = grp {
            if group_component[current].is_some() {
                break;
            }
            group_component[current] = Some(component);
            grp = graph.group_parent[current];
        }
    }
    let mut local_group = vec![usize::MAX; group_count];
    for (grp, c) in group_component.iter().enumerate() {
        if let Some(c) = *c {
            local_group[grp] = list[c].groups.len();
            list[c].groups.push(grp);
        }
    }
    Components { list, local_node, local_group }
}

/// x offset of each piece when packed left to right, given each piece's width.
pub(crate) fn pack(widths: &[f64], gap: f64) -> Vec<f64> {
    let mut offset = 0.0;
    widths
        .iter()
        .map(|&w| {
            let at = offset;
            offset += w + gap;
            at
        })
        .collect()
}
