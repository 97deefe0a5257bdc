//! latency-heatmap: a system latency heat map over Backstage's catalog graph.
//!
//! The core is plain Rust with no browser types; data flows one way, in the order of the modules below
//! (see the README's "Architecture" section). Only `wasm/` knows about JavaScript.

pub mod quote;
pub mod duration;
pub mod spelling;
pub mod options;
pub mod catalog;
pub mod sources;
pub mod telemetry;
pub mod prometheus;
pub mod alertmanager;
pub mod aggregate;
pub mod evaluate;
pub mod color;
pub mod layout;
pub mod heatmap;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
