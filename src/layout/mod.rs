//! Layered (Sugiyama) layout of the catalog graph: node positions, edge routes and group boxes, in one call,
//! [`layout_graph`].
//!
//! Owns the pipeline and its order, one module per phase: `graph` checks the input, `components` splits it,
//! then per component `acyclic` breaks cycles, `ranking` assigns ranks (network simplex), `budget` picks the
//! edges that may bend, `normalize` splits those long edges, `ordering` reduces crossings (counted by `crossings`), `position` assigns coordinates (Brandes–Köpf),
//! `groups` fits group boxes, `routes` draws edges; finally `components` packs the pieces and `orientation` turns
//! the picture for `BT`, `LR` and `RL`. `rows` is the flat adjacency the sweeps walk; `testing` (hidden) generates
//! graphs for tests and benchmarks.
//!
//! `stats.crossings` counts, between each pair of adjacent ranks, the pairs of route segments whose ends are in
//! opposite orders (Barth–Jünger–Mutzel on the final order). Every route segment joins adjacent ranks, so this
//! is the crossing count of the drawn routes, except that crossings falling inside a node's box (clipped away at
//! the border) and those between parallel edges sharing one polyline are still counted.
//!
//! The work has a budget (`budget.rs`): long edges add one bend point per rank they cross, and dense or hub-shaped
//! graphs would need millions (n³/6 for a complete graph). Past `LayoutOptions::max_bends` (default 32 per node,
//! at least 40 000) the longest edges are drawn as one straight segment from border to border, possibly across
//! the nodes of the ranks between, and take no part in crossing reduction; `stats.straightEdges` counts them (0
//! means nothing was simplified) and `stats.crossings` leaves their crossings out. Every node is still placed
//! without overlaps and every edge still runs from its source's border to its target's.
//!
//! Knows nothing of telemetry, colours or JavaScript; has no clock, threads or randomness, so the same input
//! always gives the same output, natively and on wasm32.

mod acyclic;
mod budget;
mod components;
mod crossings;
mod error;
mod graph;
mod groups;
mod input;
mod normalize;
mod orientation;
mod ordering;
mod output;
mod position;
mod ranking;
mod routes;
mod rows;
#[doc(hidden)]
pub mod testing;

use std::collections::HashMap;

pub use error::LayoutError;
pub use input::{Direction, EdgeInput, GroupInput, LayoutInput, LayoutOptions, NodeInput};
pub use output::{Layout, LayoutStats, PlacedGroup, PlacedNode, Point, RoutedEdge};

use components::{Component, Components};
use graph::Graph;
use groups::GroupBox;
use normalize::{GroupTree, RankedEdge};
use position::Spacing;
use ranking::RankEdge;
use routes::NodeBox;

/// Lays out `input`: nodes placed by centre, edges routed border to border, groups boxed around their members.
///
/// Fails only on invalid input (see [`LayoutError`]); self-loops and parallel edges are fine.
pub fn layout_graph(input: &LayoutInput, options: &LayoutOptions) -> Result<Layout, LayoutError> {
    let graph = graph::build(input, options)?;
    let split = components::split(&graph);
    let pieces: Vec<Piece> = split.list.iter().map(|c| lay_out_component(&graph, c, &split, options)).collect();
    let offsets = components::pack(&pieces.iter().map(|p| p.width).collect::<Vec<_>>(), options.nodesep);

    let mut layout = Layout {
        nodes: input
            .nodes
            .iter()
            .map(|n| PlacedNode { id: n.id.clone(), x: 0.0, y: 0.0, width: 0.0, height: 0.0 })
            .collect(),
        edges: input
            .edges
            .iter()
            .zip(&graph.edge_ids)
            .map(|(e, id)| RoutedEdge {
                id: id.clone(),
                from: e.from.clone(),
                to: e.to.clone(),
                points: Vec::new(),
                reversed: false,
            })
            .collect(),
        ..Layout::default()
    };
    let mut placed_groups: Vec<(usize, PlacedGroup)> = Vec::new();
    for ((component, piece), dx) in split.list.iter().zip(pieces).zip(offsets) {
        for (local, &v) in component.nodes.iter().enumerate() {
            let node = &mut layout.nodes[v];
            (node.x, node.y) = (piece.x[local] + dx, piece.y[local]);
            (node.width, node.height) = (graph.width[v], graph.height[v]);
        }
        for ((&e, mut points), reversed) in component.edges.iter().zip(piece.routes).zip(piece.reversed) {
            points.iter_mut().for_each(|p| p.x += dx);
            layout.edges[e].points = points;
            layout.edges[e].reversed = reversed;
        }
        for (&grp, b) in component.groups.iter().zip(piece.boxes) {
            placed_groups.push((
                grp,
                PlacedGroup {
                    id: graph.group_ids[grp].clone(),
                    x: (b.left + b.right) / 2.0 + dx,
                    y: (b.top + b.bottom) / 2.0,
                    width: b.right - b.left,
                    height: b.bottom - b.top,
                },
            ));
        }
        layout.width = layout.width.max(dx + piece.width);
        layout.height = layout.height.max(piece.height);
        layout.stats.crossings += piece.crossings;
        layout.stats.layers = layout.stats.layers.max(piece.layers);
        layout.stats.dummies += piece.dummies;
        layout.stats.straight_edges += piece.straight_edges;
    }
    placed_groups.sort_by_key(|(grp, _)| *grp);
    layout.groups = placed_groups.into_iter().map(|(_, g)| g).collect();
    orientation::orient(&mut layout, options.direction);
    Ok(layout)
}

/// One component laid out top to bottom with its own origin at 0,0.
struct Piece {
    /// Centres per component-local node.
    x: Vec<f64>,
    y: Vec<f64>,
    /// Per component edge, in the component's edge order.
    routes: Vec<Vec<Point>>,
    reversed: Vec<bool>,
    /// Per component group.
    boxes: Vec<GroupBox>,
    width: f64,
    height: f64,
    crossings: u64,
    layers: u32,
    dummies: u32,
    straight_edges: u32,
}

/// Weights become integers in hundredths so network simplex compares cut values exactly; capped at a million
/// so sums over every edge stay far from overflow.
fn weight_units(weight: f64) -> i64 {
    (weight.min(1e6) * 100.0).round() as i64
}

fn lay_out_component(graph: &Graph, component: &Component, split: &Components, options: &LayoutOptions) -> Piece {
    let n = component.nodes.len();
    let local_group = |g: usize| split.local_group.get(g).copied().filter(|&l| l < component.groups.len());
    let width: Vec<f64> = component.nodes.iter().map(|&v| graph.width[v]).collect();
    let height: Vec<f64> = component.nodes.iter().map(|&v| graph.height[v]).collect();
    let node_group: Vec<Option<usize>> =
        component.nodes.iter().map(|&v| graph.node_group[v].and_then(local_group)).collect();
    let tree = GroupTree::new(
        component.groups.iter().map(|&g| graph.group_parent[g].and_then(local_group)).collect(),
    );

    // Local endpoints of every edge; self-loops take no part in ranking or ordering.
    let ends: Vec<(usize, usize)> = component
        .edges
        .iter()
        .map(|&e| {
            let edge = graph.edges[e];
            (split.local_node[edge.from], split.local_node[edge.to])
        })
        .collect();
    let proper: Vec<usize> = (0..ends.len()).filter(|&i| ends[i].0 != ends[i].1).collect();
    let flip = acyclic::reversed_edges(n, &proper.iter().map(|&i| ends[i]).collect::<Vec<_>>());
    let mut reversed = vec![false; ends.len()];

    // Parallel edges (after reversal) merge into one ranked edge: weights add, the longest minlen wins.
    let mut merged: HashMap<(usize, usize), usize> = HashMap::new();
    let mut rank_edges: Vec<RankEdge> = Vec::new();
    let mut ranked: Vec<RankedEdge> = Vec::new();
    let mut edge_chain: Vec<Option<usize>> = vec![None; ends.len()];
    for (&i, &flipped) in proper.iter().zip(&flip) {
        let (u, v) = ends[i];
        let (tail, head) = if flipped { (v, u) } else { (u, v) };
        reversed[i] = flipped;
        let edge = graph.edges[component.edges[i]];
        let m = *merged.entry((tail, head)).or_insert_with(|| {
            rank_edges.push(RankEdge { tail, head, minlen: 0, weight: 0 });
            ranked.push(RankedEdge { tail, head, multiplicity: 0, straight: false });
            rank_edges.len() - 1
        });
        rank_edges[m].weight = rank_edges[m].weight.saturating_add(weight_units(edge.weight));
        rank_edges[m].minlen = rank_edges[m].minlen.max(edge.minlen.min(i32::MAX as u32) as i32);
        ranked[m].multiplicity += 1;
        edge_chain[i] = Some(m);
    }
    let ranks = ranking::rank(n, &rank_edges);
    let budget = budget::bend_budget(n, graph.node_count(), options.max_bends);
    let chained = budget::chained_edges(&ranks, &ranked, budget);
    for (edge, chained) in ranked.iter_mut().zip(chained) {
        edge.straight = !chained;
    }
    let straight_edges = edge_chain.iter().filter(|m| m.is_some_and(|m| ranked[m].straight)).count();

    let mut g = normalize::split_long_edges(&width, &height, &node_group, &tree, &ranks, &ranked);
    let ordered = ordering::order(&mut g, &tree, options.max_sweeps);
    let spacing = Spacing { nodesep: options.nodesep, edgesep: options.edgesep };
    // A box reaches `group_padding` beyond its members per nesting level; ranks at least that far apart keep
    // it clear of the nodes in the ranks above and below.
    let depth = tree.path.iter().map(Vec::len).max().unwrap_or(0);
    let rank_y = position::rank_y(&g, options.ranksep.max(options.group_padding * depth as f64));
    let y: Vec<f64> = g.rank.iter().map(|&r| rank_y[r]).collect();
    let mut x = position::x_coordinates(&g, spacing);
    let mut boxes = if tree.is_empty() {
        Vec::new()
    } else {
        groups::fit_boxes(&g, &tree, &ordered.group_keys, &mut x, &y, spacing, options.group_padding)
    };

    let node_box = |v: usize| NodeBox { x: x[v], y: y[v], width: g.width[v], height: g.height[v] };
    let loop_size = (options.nodesep / 3.0).max(4.0);
    let mut routes: Vec<Vec<Point>> = (0..ends.len())
        .map(|i| match edge_chain[i] {
            None => routes::self_loop(node_box(ends[i].0), loop_size),
            Some(m) => {
                let chain = &g.chains[m];
                let bends: Vec<Point> =
                    chain[1..chain.len() - 1].iter().map(|&d| Point { x: x[d], y: y[d] }).collect();
                let (tail, head) = (chain[0], chain[chain.len() - 1]);
                let mut points = routes::route(node_box(tail), &bends, node_box(head));
                if reversed[i] {
                    points.reverse();
                }
                points
            }
        })
        .collect();

    // Move the piece so its bounding box (nodes, bends, loops, boxes) starts at 0,0.
    let (mut left, mut right, mut top, mut bottom) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    let mut grow = |l: f64, r: f64, t: f64, b: f64| {
        (left, right, top, bottom) = (left.min(l), right.max(r), top.min(t), bottom.max(b));
    };
    for v in 0..g.len() {
        grow(x[v] - g.width[v] / 2.0, x[v] + g.width[v] / 2.0, y[v] - g.height[v] / 2.0, y[v] + g.height[v] / 2.0);
    }
    for p in routes.iter().flatten() {
        grow(p.x, p.x, p.y, p.y);
    }
    for b in &boxes {
        grow(b.left, b.right, b.top, b.bottom);
    }
    if !left.is_finite() {
        (left, right, top, bottom) = (0.0, 0.0, 0.0, 0.0);
    }
    for p in routes.iter_mut().flatten() {
        p.x -= left;
        p.y -= top;
    }
    for b in &mut boxes {
        (b.left, b.right, b.top, b.bottom) = (b.left - left, b.right - left, b.top - top, b.bottom - top);
    }
    Piece {
        x: x[..n].iter().map(|v| v - left).collect(),
        y: y[..n].iter().map(|v| v - top).collect(),
        routes,
        reversed,
        boxes,
        width: right - left,
        height: bottom - top,
        crossings: ordered.crossings,
        layers: g.layers.len() as u32,
        dummies: g.bends as u32,
        straight_edges: straight_edges as u32,
    }
}
