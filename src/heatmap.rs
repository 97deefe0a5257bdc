//! `HeatMap`: the pipeline object that the bindings export. It holds the catalog, the latency state and the
//! configuration, and turns them into a [`Snapshot`]: latency per service and call, mapped onto catalog entities,
//! judged against their thresholds and coloured, optionally laid out.
//!
//! Owns the order of the steps and the snapshot's shape; each step's logic lives in its own module
//! (`aggregate`, `catalog`, `evaluate`, `color`, `layout`).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::aggregate::{
    AggregateConfig, ConfigError, EntryPointSnapshot, IngestReport, LatencyState, LatencyStats, NodeSnapshot,
    EdgeSnapshot, SnapshotWindow,
};
use crate::catalog::{Catalog, EntityRef, Percentile};
use crate::color::{swatch, ColorError, Palette, PaletteChoice, Swatch};
use crate::evaluate::{
    evaluate, resolve_edge_threshold, resolve_node_threshold, EvaluateConfig, Evaluation, Metric, NodeMetric,
    ResolvedThreshold, Status, ThresholdSource,
};
use crate::layout::{layout_graph, EdgeInput, Layout, LayoutError, LayoutInput, LayoutOptions, NodeInput};
use crate::telemetry::Format;

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

#[derive(Debug, Error)]
pub enum HeatMapError {
    #[error("config: {0}")]
    Aggregate(#[from] ConfigError),
    #[error("config: palette: {0}")]
    Palette(#[from] ColorError),
    #[error("snapshot layout: {0}")]
    Layout(#[from] LayoutError),
}

/// `snapshot(options)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotOptions {
    /// Lay the nodes out (layered, in Rust) and include positions and edge routes as `layout`.
    pub layout: Option<SnapshotLayout>,
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

/// A problem worth showing a person, from any step. `code` is stable, `message` is for humans.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// What `setCatalog` read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReport {
    pub entities: usize,
    pub warnings: Vec<Warning>,
}

/// The judgement of one node or edge against its effective threshold.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Judgement {
    /// What was compared: `latencySlo` or `processingTime` for nodes, `edgeSlo` for edges (null: no threshold).
    pub metric: Option<Metric>,
    pub percentile: Percentile,
    /// The observed latency at `percentile` for `metric`.
    pub observed_ms: Option<f64>,
    pub threshold_ms: Option<f64>,
    pub threshold_source: ThresholdSource,
    /// observed / threshold.
    pub score: Option<f64>,
    pub status: Status,
    pub color: Swatch,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatNode {
    #[serde(flatten)]
    pub latency: NodeSnapshot,
    /// The catalog entity this telemetry service belongs to; null when it is unknown to the catalog.
    pub entity_ref: Option<String>,
    /// The entity's title or name, for labels (plain text, never markup).
    pub label: String,
    #[serde(flatten)]
    pub judgement: Judgement,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatEdge {
    #[serde(flatten)]
    pub latency: EdgeSnapshot,
    pub from_entity_ref: Option<String>,
    pub to_entity_ref: Option<String>,
    #[serde(flatten)]
    pub judgement: Judgement,
}

/// `snapshot()`: everything the UI draws.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub generated_at: Option<f64>,
    pub window: SnapshotWindow,
    pub nodes: Vec<HeatNode>,
    pub edges: Vec<HeatEdge>,
    pub entry_points: Vec<EntryPointSnapshot>,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}

pub struct HeatMap {
    evaluate: EvaluateConfig,
    palette: Palette,
    catalog: Catalog,
    catalog_warnings: Vec<Warning>,
    state: LatencyState,
}

impl HeatMap {
    pub fn new(config: HeatMapConfig) -> Result<HeatMap, HeatMapError> {
        Ok(HeatMap {
            palette: Palette::from_choice(&config.palette)?,
            state: LatencyState::new(config.aggregate)?,
            evaluate: config.evaluate,
            catalog: Catalog::default(),
            catalog_warnings: Vec::new(),
        })
    }

    /// Replaces the catalog (entities as the catalog API returns them: an array or `{ items }`). Entities that
    /// cannot be read are reported and skipped; the rest load.
    pub fn set_catalog(&mut self, entities_json: &[u8]) -> CatalogReport {
        let (catalog, warnings) = Catalog::from_json(entities_json);
        self.catalog = catalog;
        self.catalog_warnings =
            warnings.iter().map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }).collect();
        CatalogReport { entities: self.catalog.len(), warnings: self.catalog_warnings.clone() }
    }

    /// Reads one telemetry document and adds it to the latency state kept across calls.
    pub fn ingest(&mut self, format: Format, bytes: &[u8]) -> IngestReport {
        self.state.ingest(format, bytes)
    }

    /// Forgets all latency state (the catalog and config stay).
    pub fn reset(&mut self) {
        self.state.reset();
    }

    pub fn snapshot(&self, options: &SnapshotOptions) -> Result<Snapshot, HeatMapError> {
        let latency = self.state.snapshot();
        let mut warnings: BTreeSet<Warning> = self.catalog_warnings.iter().cloned().collect();
        warnings.extend(latency.warnings.iter().map(|message| Warning { code: "telemetry".into(), message: message.clone() }));

        let nodes: Vec<HeatNode> = latency
            .nodes
            .into_iter()
            .map(|node| {
                let entity = self.catalog.entity_for_service(&node.service);
                let judgement = self.judge_node(&node, entity, &mut warnings);
                let label = entity
                    .and_then(|r| self.catalog.entity(r))
                    .map_or_else(|| node.service.clone(), |e| e.entity.display_name().to_owned());
                HeatNode { entity_ref: entity.map(EntityRef::to_string), label, judgement, latency: node }
            })
            .collect();
        let edges: Vec<HeatEdge> = latency
            .edges
            .into_iter()
            .map(|edge| {
                let from = self.catalog.entity_for_service(&edge.from);
                let to = self.catalog.entity_for_service(&edge.to);
                let judgement = self.judge_edge(&edge, from, to, &mut warnings);
                HeatEdge {
                    from_entity_ref: from.map(EntityRef::to_string),
                    to_entity_ref: to.map(EntityRef::to_string),
                    judgement,
                    latency: edge,
                }
            })
            .collect();
        let layout = options.layout.as_ref().map(|layout| lay_out(&nodes, &edges, layout)).transpose()?;
        Ok(Snapshot {
            generated_at: latency.generated_at,
            window: latency.window,
            nodes,
            edges,
            entry_points: latency.entry_points,
            warnings: warnings.into_iter().collect(),
            layout,
        })
    }

    /// A node is judged on end-to-end latency (its server spans) and on processing (self) time; the worse wins.
    fn judge_node(&self, node: &NodeSnapshot, entity: Option<&EntityRef>, warnings: &mut BTreeSet<Warning>) -> Judgement {
        let state = self.state.stats_for_node(&node.id);
        let judge = |metric: NodeMetric, stats: Option<&LatencyStats>, warnings: &mut BTreeSet<Warning>| {
            let threshold = match entity {
                Some(entity) => resolve_node_threshold(&self.catalog, entity, metric, &self.evaluate),
                None => self.default_threshold(metric),
            };
            self.judge(threshold, stats, warnings)
        };
        let latency = judge(NodeMetric::LatencySlo, state.map(|s| &s.latency), warnings);
        let processing = judge(NodeMetric::ProcessingTime, state.map(|s| &s.self_time), warnings);
        let evaluation = |j: &Judgement| Evaluation { score: j.score, status: j.status };
        if evaluation(&latency).worst(evaluation(&processing)) == evaluation(&latency) {
            latency
        } else {
            processing
        }
    }

    fn judge_edge(
        &self,
        edge: &EdgeSnapshot,
        from: Option<&EntityRef>,
        to: Option<&EntityRef>,
        warnings: &mut BTreeSet<Warning>,
    ) -> Judgement {
        let threshold = match (from, to) {
            (Some(from), Some(to)) => resolve_edge_threshold(&self.catalog, from, to, &self.evaluate),
            _ => ResolvedThreshold { metric: Metric::EdgeSlo, ..self.default_threshold(NodeMetric::LatencySlo) },
        };
        let stats = self.state.stats_for_edge(&edge.id).map(|s| &s.latency);
        self.judge(threshold, stats, warnings)
    }

    /// The config default for services and calls the catalog does not know.
    fn default_threshold(&self, metric: NodeMetric) -> ResolvedThreshold {
        let (metric, threshold_ms) = match metric {
            NodeMetric::LatencySlo => (Metric::LatencySlo, self.evaluate.defaults.latency_slo),
            NodeMetric::ProcessingTime => (Metric::ProcessingTime, self.evaluate.defaults.processing_threshold),
        };
        ResolvedThreshold {
            metric,
            threshold_ms,
            source: if threshold_ms.is_some() { ThresholdSource::ConfigDefault } else { ThresholdSource::None },
            source_ref: None,
            annotation: None,
            percentile: self.evaluate.percentile,
            warnings: Vec::new(),
        }
    }

    fn judge(&self, threshold: ResolvedThreshold, stats: Option<&LatencyStats>, warnings: &mut BTreeSet<Warning>) -> Judgement {
        warnings.extend(threshold.warnings.iter().map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }));
        let settings = &self.state.settings().stats;
        let observed_ms =
            stats.and_then(|s| s.quantile(settings, self.state.watermark_ms(), threshold.percentile.quantile()));
        let Evaluation { score, status } = evaluate(observed_ms, &threshold, self.evaluate.tolerance);
        Judgement {
            metric: threshold.threshold_ms.map(|_| threshold.metric),
            percentile: threshold.percentile,
            observed_ms,
            threshold_ms: threshold.threshold_ms,
            threshold_source: threshold.source,
            score,
            status,
            color: swatch(score, status, &self.palette, self.evaluate.tolerance.bands()),
        }
    }
}

fn lay_out(nodes: &[HeatNode], edges: &[HeatEdge], layout: &SnapshotLayout) -> Result<Layout, LayoutError> {
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
            .map(|edge| EdgeInput { from: edge.latency.from.clone(), to: edge.latency.to.clone(), weight: 1.0, minlen: 1 })
            .collect(),
        groups: Vec::new(),
    };
    layout_graph(&input, &layout.options)
}
