//! Why an input was refused. Each variant says where (node, edge or group index and id) so a JavaScript caller
//! learns "edge 17 (\"a\" -> \"x\"): target \"x\" is not a node" instead of "invalid input".
//!
//! Owns the error type only; `graph.rs` decides when to return it.

use thiserror::Error;

use super::graph::MAX_EXTENT;

/// A refused input. Layout itself never fails once the input is valid.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LayoutError {
    #[error("node {index} ({id:?}): duplicate id, already used by node {first}")]
    DuplicateNode { index: usize, id: String, first: usize },
    #[error("node {index} ({id:?}): {dimension} is {value:?}; sizes must be finite, from 0 to {max}", max = MAX_EXTENT)]
    InvalidSize { index: usize, id: String, dimension: &'static str, value: f64 },
    #[error("edge {index} ({from:?} -> {to:?}): {end} {id:?} is not a node")]
    UnknownEndpoint { index: usize, from: String, to: String, end: &'static str, id: String },
    #[error("edge {index} ({from:?} -> {to:?}): duplicate id {id:?}, already used by edge {first}")]
    DuplicateEdge { index: usize, from: String, to: String, id: String, first: usize },
    #[error("edge {index} ({from:?} -> {to:?}): weight {weight} must be finite and zero or more")]
    InvalidWeight { index: usize, from: String, to: String, weight: f64 },
    #[error("edge {index} ({from:?} -> {to:?}): minlen {minlen} is more than {max} ranks")]
    MinlenTooLarge { index: usize, from: String, to: String, minlen: u32, max: u32 },
    #[error("group {index} ({id:?}): duplicate group id")]
    DuplicateGroup { index: usize, id: String },
    #[error("group {index} ({id:?}): parent {parent:?} is not a group")]
    UnknownGroup { index: usize, id: String, parent: String },
    #[error("group {id:?} contains itself (parent chain: {chain})")]
    GroupCycle { id: String, chain: String },
    #[error("option {name} is {value:?}; it must be finite, from 0 to {max}", max = MAX_EXTENT)]
    InvalidOption { name: &'static str, value: f64 },
}
