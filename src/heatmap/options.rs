//! What a `HeatMap` is built with (`new HeatMap(config)`, the `latencyHeatmap:` app-config section) and what one
//! `snapshot(options)` asks for: their serde shapes and defaults.
//!
//! Owns those shapes and reading them from JSON (errors with their path, unknown keys kept for warnings). Validating the sections is each owner's (`aggregate`, `evaluate`, `color`); what the
//! options make the pipeline do is `heatmap/mod.rs`'s.

use serde::Deserialize;

use crate::aggregate::AggregateConfig;
use crate::alertmanager::mapping::AlertsConfig;
use crate::catalog::{Level, Percentile};
use crate::color::PaletteChoice;
use crate::duration::DurationValue;
use crate::evaluate::{EvaluateConfig, Tolerance};
use crate::layout::LayoutOptions;
use crate::options::{self, KeySet, OptionError, UnknownKey};

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
    /// How Alertmanager alerts find their entities and what their severities force.
    #[serde(default)]
    pub alerts: AlertsConfig,
    /// Keys [`HeatMapConfig::from_json`] did not know; shown in every snapshot's warnings.
    #[serde(skip)]
    pub unknown_keys: Vec<UnknownKey>,
}

/// The `alerts` key alone, read as its own section of the config object.
#[derive(Deserialize)]
struct AlertsSection {
    #[serde(default)]
    alerts: AlertsConfig,
}

/// The `palette` key alone, read as its own section of the config object.
#[derive(Deserialize)]
struct PaletteSection {
    #[serde(default)]
    palette: PaletteChoice,
}

impl HeatMapConfig {
    /// Reads a config object section by section (so errors keep their path, which `flatten` loses): bad values
    /// name their field (`defaults.latencySlo: …`), unknown keys are kept as warnings.
    pub fn from_json(json: &[u8]) -> Result<HeatMapConfig, OptionError> {
        let value = options::object(json)?;
        let keys = KeySet::of::<AggregateConfig>()
            .and(EvaluateConfig::keys())
            .and(KeySet::of::<PaletteSection>())
            .and(KeySet::of::<AlertsSection>().nest("alerts", KeySet::of::<AlertsConfig>()));
        Ok(HeatMapConfig {
            aggregate: options::section(&value)?,
            evaluate: options::section(&value)?,
            palette: options::section::<PaletteSection>(&value)?.palette,
            alerts: options::section::<AlertsSection>(&value)?.alerts,
            unknown_keys: keys.unknown(&value),
        })
    }
}

/// `snapshot(options)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotOptions {
    /// Lay the nodes out (layered, in Rust) and include positions and edge routes as `layout`.
    pub layout: Option<SnapshotLayout>,
    /// `component` (default: one node per service), `entity` (services merged into the catalog entity that claims
    /// them), `system` or `domain` (services merged into their group).
    pub level: Level,
    /// `false`: `entryPoints` is empty and their critical paths are not summed (a map that only draws nodes and
    /// edges saves a sixth of a large snapshot).
    pub entry_points: bool,
    /// Judge every node, edge and entry point at this percentile: the viewer's choice, over entity annotations
    /// (`latencyheatmap/percentile`) and the config's `percentile`.
    pub percentile: Option<Percentile>,
    /// The tolerance profile for this snapshot instead of the config's.
    pub tolerance: Option<Tolerance>,
    /// The palette for this snapshot instead of the config's (a name or 2 to 8 anchor colours).
    pub palette: Option<PaletteChoice>,
    /// Read quantiles, counts in the window, rates and error rates over only the newest part of the config's
    /// window: a duration no longer than it, rounded up to whole slices (`snapshot.window` says what was read).
    pub window: Option<DurationValue>,
    /// Keys [`SnapshotOptions::from_json`] did not know; shown in this snapshot's warnings.
    #[serde(skip)]
    pub unknown_keys: Vec<UnknownKey>,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            layout: None,
            level: Level::default(),
            entry_points: true,
            percentile: None,
            tolerance: None,
            palette: None,
            window: None,
            unknown_keys: Vec::new(),
        }
    }
}

impl SnapshotOptions {
    /// Reads `snapshot(options)`: errors name their path, unknown keys are kept as warnings.
    pub fn from_json(json: &[u8]) -> Result<SnapshotOptions, OptionError> {
        // `layout` flattens the layout options beside the box size, so its keys are both sets.
        let layout = KeySet::of::<LayoutOptions>().and(KeySet::of::<NodeSize>());
        let (mut options, unknown_keys) =
            options::read::<SnapshotOptions>(json, &KeySet::of::<SnapshotOptions>().nest("layout", layout))?;
        options.unknown_keys = unknown_keys;
        Ok(options)
    }
}

/// The box size keys of `snapshot({ layout })`, for [`SnapshotOptions::from_json`]'s key check.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct NodeSize {
    node_width: f64,
    node_height: f64,
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
