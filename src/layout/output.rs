//! What the layout hands back: centres and sizes of nodes and groups, edge routes as polylines, and a few figures.
//! These serde shapes are the JavaScript API (camelCase).
//!
//! Owns the shapes only; they are filled by the phases in `mod.rs`.

use serde::{Deserialize, Serialize};

/// A finished drawing. Coordinates start at 0,0 (top left) and grow right and down.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// In input order.
    pub nodes: Vec<PlacedNode>,
    /// In input order, self-loops and parallel edges included.
    pub edges: Vec<RoutedEdge>,
    /// Groups that have at least one member, in declaration order (then implicit ones as first named).
    pub groups: Vec<PlacedGroup>,
    pub stats: LayoutStats,
}

/// A node's centre (like dagre) and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedNode {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// An edge's route from `from`'s border to `to`'s border, through one bend per rank it crosses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutedEdge {
    /// The input edge's `id` (its index in `edges` when it had none).
    pub id: String,
    pub from: String,
    pub to: String,
    pub points: Vec<Point>,
    /// True when the edge was turned around to break a cycle, so it runs against the direction.
    pub reversed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A group's box (centre and size), around its members and nested groups plus padding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedGroup {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Figures about the drawing. `ms` stays 0 here: the core has no clock (none that works on wasm32), so the
/// caller that has one fills it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutStats {
    /// Edge crossings of the drawn routes.
    pub crossings: u64,
    /// Ranks of the tallest component.
    pub layers: u32,
    /// Bend points added for edges spanning more than one rank.
    pub dummies: u32,
    /// Input edges drawn as one straight segment from border to border, without bend points, because the drawing
    /// would otherwise have needed more bend points than the layout's budget (see the module docs). 0 means the
    /// budget did not kick in and every edge bends through the ranks it crosses.
    pub straight_edges: u32,
    pub ms: f64,
}
