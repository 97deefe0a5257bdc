//! The snapshot's optional `layout`: the nodes and edges of one level handed to the layered layout.
//!
//! Owns what the layout is given (one box per node at the requested size, each edge once, weight 1). Does not
//! know how positions and routes are found (`layout/`).

use super::options::SnapshotLayout;
use super::snapshot::{HeatEdge, HeatNode};
use crate::layout::{layout_graph, EdgeInput, Layout, LayoutError, LayoutInput, NodeInput};

pub(super) fn lay_out(nodes: &[HeatNode], edges: &[HeatEdge], layout: &SnapshotLayout) -> Result<Layout, LayoutError> {
    let input = LayoutInput {
        nodes: nodes
            .iter()
            .map(|node| NodeInput {
                id: node.latency.id.clone(),
                width: layout.node_width,
                height: layout.node_height,
                group: None,
            })
            .collect(),
        edges: edges
            .iter()
            .map(|edge| EdgeInput {
                id: Some(edge.latency.id.clone()),
                from: edge.latency.from.clone(),
                to: edge.latency.to.clone(),
                weight: 1.0,
                minlen: 1,
            })
            .collect(),
        groups: Vec::new(),
    };
    layout_graph(&input, &layout.options)
}
