//! The checked, indexed form of a [`LayoutInput`]: nodes, edges and groups by position instead of by id, sizes
//! already turned for the direction (so every later phase lays out top to bottom).
//!
//! Owns validation: every refusal in [`LayoutError`] is decided here, so the phases after it can index freely.
//! It does not own orientation of the output (see `orientation.rs`).

use std::collections::HashMap;

use super::error::LayoutError;
use super::input::{LayoutInput, LayoutOptions};
use super::orientation::across_and_along;

/// Longest `minlen` accepted: each rank an edge spans costs a bend point, so an absurd value from a typo would
/// otherwise cost memory instead of an error.
pub(crate) const MAX_MINLEN: u32 = 1_000;

/// Largest node size and spacing (`nodesep`, `ranksep`, `edgesep`, `groupPadding`) accepted, in pixels: a
/// thousand screens wide, yet small enough that sums over every node and rank stay finite (`ranksep: 1e308`
/// would otherwise give infinite coordinates).
pub(crate) const MAX_EXTENT: f64 = 1e6;

/// A size or spacing the layout can add up without overflowing.
fn in_range(value: f64) -> bool {
    (0.0..=MAX_EXTENT).contains(&value)
}

/// One edge by node index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub weight: f64,
    pub minlen: u32,
}

#[derive(Debug)]
pub(crate) struct Graph {
    /// Extent across the ranks (x while laying out) per node.
    pub width: Vec<f64>,
    /// Extent along the ranks (y while laying out) per node.
    pub height: Vec<f64>,
    pub edges: Vec<Edge>,
    /// Per edge, its id as given or its index.
    pub edge_ids: Vec<String>,
    /// Innermost group of each node.
    pub node_group: Vec<Option<usize>>,
    pub group_parent: Vec<Option<usize>>,
    /// Group ids: declared ones first, then implicit ones in order of first mention.
    pub group_ids: Vec<String>,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.width.len()
    }

    /// The outermost group containing `group`.
    pub fn top_group(&self, group: usize) -> usize {
        let mut g = group;
        // Bounded by validation (no cycles), but a bound costs nothing and keeps this total.
        for _ in 0..self.group_parent.len() {
            match self.group_parent[g] {
                Some(p) => g = p,
                None => break,
            }
        }
        g
    }
}

pub(crate) fn check_options(options: &LayoutOptions) -> Result<(), LayoutError> {
    let spacings = [
        ("nodesep", options.nodesep),
        ("ranksep", options.ranksep),
        ("edgesep", options.edgesep),
        ("groupPadding", options.group_padding),
    ];
    for (name, value) in spacings {
        if !in_range(value) {
            return Err(LayoutError::InvalidOption { name, value });
        }
    }
    Ok(())
}

pub(crate) fn build(input: &LayoutInput, options: &LayoutOptions) -> Result<Graph, LayoutError> {
    check_options(options)?;
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(input.nodes.len());
    let mut width = Vec::with_capacity(input.nodes.len());
    let mut height = Vec::with_capacity(input.nodes.len());
    for (i, node) in input.nodes.iter().enumerate() {
        if let Some(&first) = index.get(node.id.as_str()) {
            return Err(LayoutError::DuplicateNode { index: i, id: node.id.clone(), first });
        }
        for (dimension, value) in [("width", node.width), ("height", node.height)] {
            if !in_range(value) {
                return Err(LayoutError::InvalidSize { index: i, id: node.id.clone(), dimension, value });
            }
        }
        index.insert(node.id.as_str(), i);
        let (across, along) = across_and_along(options.direction, node.width, node.height);
        width.push(across);
        height.push(along);
    }

    let mut edges = Vec::with_capacity(input.edges.len());
    let mut edge_ids = Vec::with_capacity(input.edges.len());
    let mut edge_index: HashMap<String, usize> = HashMap::with_capacity(input.edges.len());
    for (i, edge) in input.edges.iter().enumerate() {
        let endpoint = |end: &'static str, id: &str| {
            index.get(id).copied().ok_or_else(|| LayoutError::UnknownEndpoint {
                index: i,
                from: edge.from.clone(),
                to: edge.to.clone(),
                end,
                id: id.to_string(),
            })
        };
        let from = endpoint("source", &edge.from)?;
        let to = endpoint("target", &edge.to)?;
        if !edge.weight.is_finite() || edge.weight < 0.0 {
            return Err(LayoutError::InvalidWeight {
                index: i,
                from: edge.from.clone(),
                to: edge.to.clone(),
                weight: edge.weight,
            });
        }
        if edge.minlen > MAX_MINLEN {
            return Err(LayoutError::MinlenTooLarge {
                index: i,
                from: edge.from.clone(),
                to: edge.to.clone(),
                minlen: edge.minlen,
                max: MAX_MINLEN,
            });
        }
        let id = edge.id.clone().unwrap_or_else(|| i.to_string());
        if let Some(&first) = edge_index.get(&id) {
            return Err(LayoutError::DuplicateEdge { index: i, from: edge.from.clone(), to: edge.to.clone(), id, first });
        }
        edge_index.insert(id.clone(), i);
        edge_ids.push(id);
        edges.push(Edge { from, to, weight: edge.weight, minlen: edge.minlen.max(1) });
    }

    let (group_ids, group_parent, node_group) = build_groups(input)?;
    Ok(Graph { width, height, edges, edge_ids, node_group, group_parent, group_ids })
}

type Groups = (Vec<String>, Vec<Option<usize>>, Vec<Option<usize>>);

fn build_groups(input: &LayoutInput) -> Result<Groups, LayoutError> {
    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, group) in input.groups.iter().enumerate() {
        if index.insert(group.id.as_str(), i).is_some() {
            return Err(LayoutError::DuplicateGroup { index: i, id: group.id.clone() });
        }
        ids.push(group.id.clone());
    }
    let mut parent = Vec::with_capacity(ids.len());
    for (i, group) in input.groups.iter().enumerate() {
        parent.push(match &group.parent {
            None => None,
            Some(p) => Some(*index.get(p.as_str()).ok_or_else(|| LayoutError::UnknownGroup {
                index: i,
                id: group.id.clone(),
                parent: p.clone(),
            })?),
        });
    }
    check_group_cycles(&ids, &parent)?;

    let mut node_group = Vec::with_capacity(input.nodes.len());
    for node in &input.nodes {
        node_group.push(node.group.as_ref().map(|name| match index.get(name.as_str()) {
            Some(&g) => g,
            None => {
                let g = ids.len();
                ids.push(name.clone());
                parent.push(None);
                index.insert(name.as_str(), g);
                g
            }
        }));
    }
    Ok((ids, parent, node_group))
}

fn check_group_cycles(ids: &[String], parent: &[Option<usize>]) -> Result<(), LayoutError> {
    // 0 = unseen, 1 = on the current chain, 2 = known to reach a root.
    let mut state = vec![0u8; parent.len()];
    for start in 0..parent.len() {
        let mut chain = Vec::new();
        let mut g = Some(start);
        while let Some(current) = g {
            match state[current] {
                2 => break,
                1 => {
                    let names: Vec<&str> = chain.iter().map(|&c: &usize| ids[c].as_str()).collect();
                    return Err(LayoutError::GroupCycle {
                        id: ids[current].clone(),
                        chain: format!("{} -> {}", names.join(" -> "), ids[current]),
                    });
                }
                _ => {
                    state[current] = 1;
                    chain.push(current);
                    g = parent[current];
                }
            }
        }
        for c in chain {
            state[c] = 2;
        }
    }
    Ok(())
}
