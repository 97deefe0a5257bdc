//! What a caller hands to the layout: nodes with sizes, edges with optional weight and minimum length, optional
//! groups, and the options. These serde shapes are the JavaScript API (camelCase), so they change only on purpose.
//!
//! Owns the shapes and their defaults; checking them is `graph.rs`'s job.

use serde::{Deserialize, Serialize};

/// The graph to lay out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutInput {
    pub nodes: Vec<NodeInput>,
    #[serde(default)]
    pub edges: Vec<EdgeInput>,
    /// Declared groups. A group named only by a node's `group` is created implicitly (as a top-level group).
    #[serde(default)]
    pub groups: Vec<GroupInput>,
}

/// One box to place. `width` and `height` are as drawn, whatever the direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeInput {
    pub id: String,
    pub width: f64,
    pub height: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A directed edge. Self-loops and parallel edges are allowed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeInput {
    /// Names the edge in [`RoutedEdge::id`](super::RoutedEdge::id), so a caller finds its route by id (two calls
    /// between the same pair are two edges). Unique within the graph. Optional: when absent the edge's index in
    /// `edges` ("0", "1", …) stands in, so callers that read routes by position keep working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub from: String,
    pub to: String,
    /// How hard ranking tries to keep this edge short (default 1).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Minimum number of ranks between the ends (default 1, at most 1 000; 0 is treated as 1 because same-rank
    /// edges are not supported).
    #[serde(default = "default_minlen")]
    pub minlen: u32,
}

/// A compound node (e.g. a C4 System box) drawn around its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInput {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Accepted for the caller's convenience; the layout reserves no space for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

fn default_weight() -> f64 {
    1.0
}

fn default_minlen() -> u32 {
    1
}

/// Which way ranks run: `TB` puts sources on top (Backstage's default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    #[default]
    #[serde(rename = "TB")]
    TopToBottom,
    #[serde(rename = "BT")]
    BottomToTop,
    #[serde(rename = "LR")]
    LeftToRight,
    #[serde(rename = "RL")]
    RightToLeft,
}

/// Spacing and effort. Defaults match Backstage's dagre settings (nodesep 50, ranksep 50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LayoutOptions {
    pub direction: Direction,
    /// Gap between neighbouring nodes in a rank. This and the other spacings must lie in 0..=1 000 000 (pixels),
    /// like node sizes, so coordinates stay finite.
    pub nodesep: f64,
    /// Gap between ranks (with groups, at least `groupPadding` × their nesting depth, so boxes clear the ranks
    /// around them).
    pub ranksep: f64,
    /// Gap between neighbouring edge bends (dummy nodes) in a rank.
    pub edgesep: f64,
    /// Space between a group's border and what it contains.
    pub group_padding: f64,
    /// Upper bound on crossing-reduction sweeps (they also stop after four sweeps without improvement). The
    /// default 12 was measured on the Node benchmark's service graphs: against 24 it costs 0.5–2 % more crossings
    /// at 1 000–5 000 nodes (still 8–14 % fewer than elkjs and dagre) and saves 15–30 % of the time.
    pub max_sweeps: u32,
    /// Most bend points (dummy nodes) long edges may add, for the whole graph. Unset (the default) means 32 per
    /// node, at least 40 000, which the service graphs of the benchmarks stay well within. Past it the longest edges
    /// are drawn straight and counted in `stats.straightEdges` (see the module docs of `layout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bends: Option<u32>,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            direction: Direction::TopToBottom,
            nodesep: 50.0,
            ranksep: 50.0,
            edgesep: 10.0,
            group_padding: 16.0,
            max_sweeps: 12,
            max_bends: None,
        }
    }
}
