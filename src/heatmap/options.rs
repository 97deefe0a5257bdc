//! What a `HeatMap` is built with (`new HeatMap(config)`, the `latencyHeatmap:` app-config section) and what one
//! `snapshot(options)` asks for: their serde shapes and defaults.
//!
//! Owns those shapes only. Validating the sections is each owner's (`aggregate`, `evaluate`, `color`); what the
//! options make the pipeline do is `heatmap/mod.rs`'s.

use serde::Deserialize;

use crate::aggregate::AggregateConfig;
use crate::catalog::Level;
use crate::color::PaletteChoice;
use crate::evaluate::EvaluateConfig;
use crate::layout::LayoutOptions;

/// `new HeatMap(config)`: one flat object, as in the `latencyHeatmap:` app-config section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatMapConfig {
    #[serde(flatten)]
    pub aggregate: AggregateConfig,
    #[serde(flatten)]
    pub evaluate: EvaluateConfig,
    #[serde(default)]
    pub palette: PaletteChoice,
}

/// `snapshot(options)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotOptions {
    /// Lay the nodes out (layered, in Rust) and include positions and edge routes as `layout`.
    pub layout: Option<SnapshotLayout>,
    /// `component` (default: one node per service), `system` or `domain` (services merged into their group).
    pub level: Level,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotLayout {
    #[serde(flatten)]
    pub options: LayoutOptions,
    pub node_width: f64,
    pub node_height: f64,
}

impl Default for SnapshotLayout {
    fn default() -> Self {
        SnapshotLayout { options: LayoutOptions::default(), node_width: 180.0, node_height: 64.0 }
    }
}
