//! `HeatMap`: the pipeline object that the bindings export. It holds the catalog, the latency state and the
//! configuration, and turns them into a [`Snapshot`]: latency per service and call (or per System/Domain), mapped
//! onto catalog entities, judged against their thresholds and coloured, with alerts, a scorecard, drift between
//! catalog and traces, the cumulative view of each entry point, and optionally a layout.
//!
//! Owns the order of the steps and the snapshot's shape; each step's logic lives in its own module
//! (`aggregate`, `catalog`, `evaluate`, `color`, `layout`). The one thing it remembers between snapshots is when
//! each alert began (`evaluate::BreachLog`).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::aggregate::{
    AggregateConfig, ConfigError, EdgeKey, EdgeSnapshot, EdgeState, EntryPointSnapshot, IngestReport, LatencySnapshot,
    LatencyState, LatencyStats, NodeSnapshot, NodeState, SnapshotWindow,
};
use crate::catalog::{Catalog, EntityRef, Percentile};
use crate::color::{swatch, ColorError, Palette, PaletteChoice, Swatch};
use crate::evaluate::{
    collapse, cumulative, evaluate, evaluate_error_rate, resolve_edge_threshold, resolve_node_threshold, Alert,
    AlertKind, Breach, BreachLog, CumulativePath, Drift, EvaluateConfig, Evaluation, Metric, NodeMetric, ObservedCall,
    ResolvedThreshold, Scorecard, ScorecardEntry, Status, ThresholdSource, ViewLevel,
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
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotOptions {
    /// Lay the nodes out (layered, in Rust) and include positions and edge routes as `layout`.
    pub layout: Option<SnapshotLayout>,
    /// `component` (default: one node per service), `system` or `domain` (services merged into their group).
    pub level: ViewLevel,
    /// `false`: `entryPoints` is empty and their critical paths are not summed (a map that only draws nodes and
    /// edges saves a sixth of a large snapshot).
    pub entry_points: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions { layout: None, level: ViewLevel::default(), entry_points: true }
    }
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

impl Judgement {
    fn evaluation(&self) -> Evaluation {
        Evaluation { score: self.score, status: self.status }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatNode {
    #[serde(flatten)]
    pub latency: NodeSnapshot,
    /// The catalog entity this node stands for (a System or Domain when collapsed); null when it is unknown to
    /// the catalog.
    pub entity_ref: Option<String>,
    /// The entity's title or name, for labels (plain text, never markup).
    pub label: String,
    /// The telemetry services drawn as this node: itself at `component` level, the group's services above it.
    pub members: Vec<String>,
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
    /// The catalog declares this call (`dependsOn`, or `consumesApi` of an API the callee provides); when
    /// collapsed, true if any member call is declared.
    pub declared: bool,
    /// Seen in the window (the edge may be held with only older samples).
    pub observed: bool,
    /// Service-level edge ids drawn as this edge: itself at `component` level, the merged calls above it.
    pub members: Vec<String>,
    #[serde(flatten)]
    pub judgement: Judgement,
}

/// An entry point with its latency budget and its critical path summed hop by hop. Entry points stay per service
/// at every level: a critical path is a sequence of service-level spans.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatEntryPoint {
    #[serde(flatten)]
    pub latency: EntryPointSnapshot,
    pub entity_ref: Option<String>,
    /// The entry point's latency SLO (its entity's annotation, else the config default): the budget the
    /// cumulative sum is compared against.
    pub budget_ms: Option<f64>,
    /// The percentile each hop's latency is taken at.
    pub percentile: Percentile,
    #[serde(flatten)]
    pub path: CumulativePath,
}

/// `snapshot()`: everything the UI draws.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub generated_at: Option<f64>,
    pub level: ViewLevel,
    pub window: SnapshotWindow,
    pub nodes: Vec<HeatNode>,
    pub edges: Vec<HeatEdge>,
    pub entry_points: Vec<HeatEntryPoint>,
    /// Amber and red nodes and edges, one per breached metric, red first then by score.
    pub alerts: Vec<Alert>,
    /// Per entity ref of this level's nodes: the worst judgement of its services.
    pub scorecard: Scorecard,
    /// Calls the catalog and the traces disagree on (entity to entity, whatever the level).
    pub drift: Drift,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}

/// What judging turns up besides the judgements: threshold warnings and breaches for the alert list.
struct Findings {
    warnings: BTreeSet<Warning>,
    breaches: Vec<Breach>,
}

/// Edges of the latency state by id, with their keys.
type EdgeIndex<'a> = HashMap<String, (&'a EdgeKey, &'a EdgeState)>;

pub struct HeatMap {
    evaluate: EvaluateConfig,
    palette: Palette,
    catalog: Catalog,
    catalog_warnings: Vec<Warning>,
    state: LatencyState,
    /// When each alert began, carried from one snapshot to the next.
    breaches: BreachLog,
}

impl HeatMap {
    pub fn new(config: HeatMapConfig) -> Result<HeatMap, HeatMapError> {
        Ok(HeatMap {
            palette: Palette::from_choice(&config.palette)?,
            state: LatencyState::new(config.aggregate)?,
            evaluate: config.evaluate,
            catalog: Catalog::default(),
            catalog_warnings: Vec::new(),
            breaches: BreachLog::default(),
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

    /// Treats every span still waiting for its partner as if its TTL had passed: the end of a recorded replay.
    /// Callers whose callee never reported become calls to virtual nodes.
    pub fn flush_pending(&mut self) -> IngestReport {
        self.state.flush_pending()
    }

    /// Forgets all latency state and when alerts began (the catalog and config stay).
    pub fn reset(&mut self) {
        self.state.reset();
        self.breaches.clear();
    }

    /// Judges the current state. Also records which breaches are new, so each alert's `since` is the event time
    /// of the first snapshot that saw it.
    pub fn snapshot(&mut self, options: &SnapshotOptions) -> Result<Snapshot, HeatMapError> {
        let latency = self.state.snapshot();
        let now_ms = self.state.watermark_ms();
        let mut findings = Findings { warnings: self.catalog_warnings.iter().cloned().collect(), breaches: Vec::new() };
        findings.warnings.extend(
            latency.warnings.iter().map(|message| Warning { code: "telemetry".into(), message: message.clone() }),
        );
        let edge_index: EdgeIndex<'_> = self.state.edges().map(|(key, edge)| (key.id(), (key, edge))).collect();
        let drift = self.drift(&latency);
        let (nodes, edges) = match options.level {
            ViewLevel::Component => self.component_view(&latency, &edge_index, &mut findings),
            level => self.group_view(level, &latency, &mut findings),
        };
        let entry_points = latency
            .entry_points
            .into_iter()
            .filter(|_| options.entry_points)
            .map(|entry| self.entry_point(entry, &edge_index, &mut findings.warnings))
            .collect();
        let scorecard = scorecard(&nodes, now_ms);
        let layout = options.layout.as_ref().map(|layout| lay_out(&nodes, &edges, layout)).transpose()?;
        // Last, so a snapshot that fails does not count as having seen its breaches.
        let alerts = self.breaches.observe(options.level, findings.breaches, now_ms);
        Ok(Snapshot {
            generated_at: latency.generated_at,
            level: options.level,
            window: latency.window,
            nodes,
            edges,
            entry_points,
            alerts,
            scorecard,
            drift,
            warnings: findings.warnings.into_iter().collect(),
            layout,
        })
    }

    /// One node per service and one edge per call, as the latency state keeps them.
    fn component_view(
        &self,
        latency: &LatencySnapshot,
        edge_index: &EdgeIndex<'_>,
        findings: &mut Findings,
    ) -> (Vec<HeatNode>, Vec<HeatEdge>) {
        let nodes = latency
            .nodes
            .iter()
            .map(|node| {
                let entity = self.catalog.entity_for_service(&node.service);
                let state = self.state.stats_for_node(&node.id);
                self.heat_node(node.clone(), entity, state, vec![node.service.clone()], findings)
            })
            .collect();
        let edges = latency
            .edges
            .iter()
            .map(|edge| {
                let from = self.catalog.entity_for_service(&edge.from);
                let to = self.catalog.entity_for_service(&edge.to);
                let state = edge_index.get(&edge.id).map(|(_, state)| *state);
                let declared = self.is_declared(from, to);
                self.heat_edge(edge.clone(), from, to, state, declared, vec![edge.id.clone()], findings)
            })
            .collect();
        (nodes, edges)
    }

    /// Services merged into their System or Domain, judged against the group entity's own thresholds.
    fn group_view(
        &self,
        level: ViewLevel,
        latency: &LatencySnapshot,
        findings: &mut Findings,
    ) -> (Vec<HeatNode>, Vec<HeatEdge>) {
        let collapsed = collapse(&self.state, &self.catalog, level);
        let settings = &self.state.settings().stats;
        let (watermark, observed) = (self.state.watermark_ms(), self.state.observed_ms());
        let node_shares: HashMap<&str, f64> =
            latency.nodes.iter().filter_map(|n| Some((n.id.as_str(), n.critical_path_share?))).collect();
        let edge_shares: HashMap<&str, f64> =
            latency.edges.iter().filter_map(|e| Some((e.id.as_str(), e.critical_path_share?))).collect();
        let edge_ends: HashMap<&str, (&str, &str)> =
            latency.edges.iter().map(|e| (e.id.as_str(), (e.from.as_str(), e.to.as_str()))).collect();
        // Critical-path shares add up: a group's is its members', plus the calls inside it (time in the group).
        let sum = |ids: &[String], shares: &HashMap<&str, f64>| {
            ids.iter().filter_map(|id| shares.get(id.as_str()).copied()).reduce(|a, b| a + b)
        };
        let nodes = collapsed
            .nodes
            .iter()
            .map(|group| {
                let id = group.placement.node_id.as_str();
                let share = [sum(&group.members, &node_shares), sum(&group.internal_edges, &edge_shares)]
                    .into_iter()
                    .flatten()
                    .reduce(|a, b| a + b);
                let snapshot =
                    NodeSnapshot::from_state(id.to_owned(), &group.state, settings, watermark, observed, share);
                let entity = group.placement.entity.as_ref();
                self.heat_node(snapshot, entity, Some(&group.state), group.members.clone(), findings)
            })
            .collect();
        let edges = collapsed
            .edges
            .iter()
            .map(|group| {
                let share = sum(&group.members, &edge_shares);
                let snapshot = EdgeSnapshot::from_state(&group.key, &group.state, settings, watermark, observed, share);
                let declared = group.members.iter().filter_map(|id| edge_ends.get(id.as_str())).any(|(from, to)| {
                    self.is_declared(self.catalog.entity_for_service(from), self.catalog.entity_for_service(to))
                });
                let (from, to) = (group.from.entity.as_ref(), group.to.entity.as_ref());
                self.heat_edge(snapshot, from, to, Some(&group.state), declared, group.members.clone(), findings)
            })
            .collect();
        (nodes, edges)
    }

    /// A node is judged on end-to-end latency (its server spans) and on processing (self) time; the worse is
    /// shown. Both, and its error rate, can raise alerts.
    fn heat_node(
        &self,
        latency: NodeSnapshot,
        entity: Option<&EntityRef>,
        state: Option<&NodeState>,
        members: Vec<String>,
        findings: &mut Findings,
    ) -> HeatNode {
        let mut judge = |metric: NodeMetric, stats: Option<&LatencyStats>| {
            self.judge(self.node_threshold(entity, metric), stats, &mut findings.warnings)
        };
        let slo = judge(NodeMetric::LatencySlo, state.map(|s| &s.latency));
        let processing = judge(NodeMetric::ProcessingTime, state.map(|s| &s.self_time));
        let entity_ref = entity.map(EntityRef::to_string);
        let subject = Breach {
            kind: AlertKind::Node,
            id: latency.id.clone(),
            entity_ref: entity_ref.clone().unwrap_or_else(|| latency.id.clone()),
            target_ref: None,
            ..self.error_rate_breach(latency.stats.error_rate)
        };
        self.add_breaches(subject, &[&slo, &processing], &mut findings.breaches);
        let label = entity
            .and_then(|r| self.catalog.entity(r))
            .map_or_else(|| latency.id.clone(), |e| e.entity.display_name().to_owned());
        let judgement =
            if slo.evaluation().worst(processing.evaluation()) == slo.evaluation() { slo } else { processing };
        HeatNode { entity_ref, label, members, judgement, latency }
    }

    #[allow(clippy::too_many_arguments)] // one call per view; a struct for them would only rename the list
    fn heat_edge(
        &self,
        latency: EdgeSnapshot,
        from: Option<&EntityRef>,
        to: Option<&EntityRef>,
        state: Option<&EdgeState>,
        declared: bool,
        members: Vec<String>,
        findings: &mut Findings,
    ) -> HeatEdge {
        let threshold = match (from, to) {
            (Some(from), Some(to)) => resolve_edge_threshold(&self.catalog, from, to, &self.evaluate),
            _ => ResolvedThreshold { metric: Metric::EdgeSlo, ..self.default_threshold(NodeMetric::LatencySlo) },
        };
        let judgement = self.judge(threshold, state.map(|s| &s.latency), &mut findings.warnings);
        let (from_entity_ref, to_entity_ref) = (from.map(EntityRef::to_string), to.map(EntityRef::to_string));
        let subject = Breach {
            kind: AlertKind::Edge,
            id: latency.id.clone(),
            entity_ref: from_entity_ref.clone().unwrap_or_else(|| latency.id.clone()),
            target_ref: Some(to_entity_ref.clone().unwrap_or_else(|| latency.to.clone())),
            ..self.error_rate_breach(latency.stats.error_rate)
        };
        self.add_breaches(subject, &[&judgement], &mut findings.breaches);
        HeatEdge {
            observed: latency.stats.window_count > 0,
            declared,
            from_entity_ref,
            to_entity_ref,
            members,
            judgement,
            latency,
        }
    }

    /// The error-rate judgement of a node or edge as a breach (who it is about is filled in by the caller).
    fn error_rate_breach(&self, rate: Option<f64>) -> Breach {
        Breach {
            kind: AlertKind::Node,
            id: String::new(),
            entity_ref: String::new(),
            target_ref: None,
            metric: Metric::ErrorRate,
            percentile: None,
            observed_ms: None,
            threshold_ms: None,
            observed_rate: rate,
            threshold_rate: self.evaluate.defaults.error_rate,
            evaluation: evaluate_error_rate(rate, &self.evaluate),
        }
    }

    /// Adds the amber/red ones among `judgements` (latency metrics) and the error rate held in `subject`.
    fn add_breaches(&self, subject: Breach, judgements: &[&Judgement], breaches: &mut Vec<Breach>) {
        for judgement in judgements.iter().filter(|j| j.status.is_alert()) {
            if let Some(metric) = judgement.metric {
                breaches.push(Breach {
                    metric,
                    percentile: Some(judgement.percentile),
                    observed_ms: judgement.observed_ms,
                    threshold_ms: judgement.threshold_ms,
                    observed_rate: None,
                    threshold_rate: None,
                    evaluation: judgement.evaluation(),
                    ..subject.clone()
                });
            }
        }
        if subject.evaluation.status.is_alert() {
            breaches.push(subject);
        }
    }

    fn is_declared(&self, from: Option<&EntityRef>, to: Option<&EntityRef>) -> bool {
        matches!((from, to), (Some(from), Some(to)) if self.catalog.is_declared(from, to))
    }

    /// Drift at the service level: calls in the window between two entities, and which entities called anything.
    fn drift(&self, latency: &LatencySnapshot) -> Drift {
        let entity = |service: &str| self.catalog.entity_for_service(service);
        let active: HashSet<&EntityRef> = latency
            .nodes
            .iter()
            .filter(|n| !n.is_virtual && n.stats.window_count > 0)
            .filter_map(|n| entity(&n.service))
            .collect();
        let observed: Vec<ObservedCall<'_>> = latency
            .edges
            .iter()
            .filter(|e| e.stats.window_count > 0)
            .filter_map(|e| Some(ObservedCall { from: entity(&e.from)?, to: entity(&e.to)?, edge_id: &e.id }))
            .collect();
        crate::evaluate::drift(&self.catalog, &observed, &active)
    }

    /// The entry point's critical path summed against its latency SLO, at its percentile.
    fn entry_point(
        &self,
        latency: EntryPointSnapshot,
        edge_index: &EdgeIndex<'_>,
        warnings: &mut BTreeSet<Warning>,
    ) -> HeatEntryPoint {
        let entity = self.catalog.entity_for_service(&latency.id);
        let threshold = self.node_threshold(entity, NodeMetric::LatencySlo);
        note_warnings(&threshold, warnings);
        let mut seen = HashSet::new();
        // A service comes back on the path after each call it makes; its self time counts once.
        let hops = latency
            .critical_path
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| (id.clone(), self.hop_ms(id, edge_index, threshold.percentile)));
        let path = cumulative(hops, threshold.threshold_ms);
        HeatEntryPoint {
            entity_ref: entity.map(EntityRef::to_string),
            budget_ms: threshold.threshold_ms,
            percentile: threshold.percentile,
            path,
            latency,
        }
    }

    /// A hop's own part of the end-to-end time, so the sum along a path counts nothing twice: the chosen
    /// percentile, over the traces whose critical path ran through it, of the time the path spent in it (a
    /// service's own spans; a call outside its callee's spans). An async call thus counts its publish, not the
    /// delivery nobody waited for.
    fn hop_ms(&self, id: &str, edge_index: &EdgeIndex<'_>, percentile: Percentile) -> Option<f64> {
        let critical = match self.state.stats_for_node(id) {
            Some(node) => &node.critical,
            None => &edge_index.get(id)?.1.critical,
        };
        critical.quantile(&self.state.settings().stats, self.state.watermark_ms(), percentile.quantile())
    }

    /// The entity's threshold (annotation, else config default), or the config default for a service the catalog
    /// does not know.
    fn node_threshold(&self, entity: Option<&EntityRef>, metric: NodeMetric) -> ResolvedThreshold {
        match entity {
            Some(entity) => resolve_node_threshold(&self.catalog, entity, metric, &self.evaluate),
            None => self.default_threshold(metric),
        }
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

    fn judge(
        &self,
        threshold: ResolvedThreshold,
        stats: Option<&LatencyStats>,
        warnings: &mut BTreeSet<Warning>,
    ) -> Judgement {
        note_warnings(&threshold, warnings);
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

fn note_warnings(threshold: &ResolvedThreshold, warnings: &mut BTreeSet<Warning>) {
    warnings.extend(threshold.warnings.iter().map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }));
}

/// One entry per entity ref among the nodes, the worst node of each (several services may map to one entity).
fn scorecard(nodes: &[HeatNode], checked_at: f64) -> Scorecard {
    let mut card = Scorecard::default();
    for node in nodes {
        let Some(entity_ref) = &node.entity_ref else { continue };
        let j = &node.judgement;
        card.add(
            entity_ref.clone(),
            ScorecardEntry {
                status: j.status,
                score: j.score,
                threshold_ms: j.threshold_ms,
                observed_ms: j.observed_ms,
                percentile: j.percentile,
                metric: j.metric,
                checked_at,
            },
        );
    }
    card
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
            .map(|edge| EdgeInput {
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
