//! `HeatMap`: the pipeline object that the bindings export. It holds the catalog, the latency state and the
//! configuration, and turns them into a [`Snapshot`]: latency per service and call (or per entity, System or
//! Domain), mapped onto catalog entities, judged against their thresholds and coloured, with alerts, a scorecard,
//! drift between catalog and traces, the cumulative view of each entry point, and optionally a layout.
//!
//! Owns the order of the steps; each step lives in its own file beside this one (`views`, `judgement`, `firing`,
//! `entry_points`, `drift`, `graph_layout`, `query_values`; the shapes in `options` and `snapshot`; the caps in `warnings`) and its
//! logic in its own module (`aggregate`, `catalog`, `evaluate`, `alertmanager`, `color`, `layout`). Besides the
//! latency state it remembers between snapshots when each alert began (`evaluate::BreachLog`) and the latest
//! Alertmanager answer's firing alerts (`firing`) and a Prometheus source's extra query values (`query_values`).

mod drift;
mod entry_points;
mod firing;
mod graph_layout;
mod judgement;
mod options;
mod overrides;
mod query_values;
mod snapshot;
mod views;
mod warnings;

use thiserror::Error;

use crate::aggregate::{ConfigError, IngestReport, LatencyState, ServiceGraphReport, SLICES_PER_WINDOW};
use crate::catalog::{Catalog, Level};
use crate::color::{ColorError, Palette, StatusSwatches};
use crate::alertmanager::mapping::MappingConfig;
use crate::evaluate::{merge_alerts, BreachLog, BreachScope, EvaluateConfig, Scorecard, ScorecardEntry};
use crate::layout::LayoutError;
use crate::options::{OptionError, UnknownKey};
use crate::prometheus::service_graph::ServiceGraph;
use crate::telemetry::Format;
use graph_layout::lay_out;
use firing::FiringList;
use query_values::QueryValues;
use judgement::Findings;
use views::ServiceEntities;
use warnings::WarningList;

pub use firing::{AlertsReport, MAX_NAMED_UNMAPPED};
pub use query_values::QueryValue;
pub use options::{HeatMapConfig, SnapshotLayout, SnapshotOptions};
pub use snapshot::{CatalogReport, HeatEdge, HeatEntryPoint, HeatNode, Judgement, Snapshot, Warning};

#[derive(Debug, Error)]
pub enum HeatMapError {
    #[error("config: {0}")]
    Options(#[from] OptionError),
    #[error("config: {0}")]
    Aggregate(#[from] ConfigError),
    #[error("config: palette: {0}")]
    Palette(#[from] ColorError),
    /// A `snapshot(options)` value that reads as its type but cannot be used here (a window longer than the
    /// config's, a palette with a bad colour).
    #[error("snapshot options: {0}")]
    SnapshotOption(OptionError),
    #[error("snapshot layout: {0}")]
    Layout(#[from] LayoutError),
}

pub struct HeatMap {
    evaluate: EvaluateConfig,
    palette: Palette,
    catalog: Catalog,
    /// Capped once per `setCatalog`; listed again (with what was left out) in every snapshot.
    catalog_warnings: WarningList,
    /// Unknown config keys, shown in every snapshot.
    config_warnings: Vec<Warning>,
    state: LatencyState,
    /// When each alert began, carried from one snapshot to the next.
    breaches: BreachLog,
    /// How Alertmanager alerts find their entities (the config's `alerts`).
    alert_mapping: MappingConfig,
    /// The latest Alertmanager answer's firing alerts.
    firing: FiringList,
    /// A Prometheus source's extra query values, per service.
    query_values: QueryValues,
}

impl HeatMap {
    pub fn new(config: HeatMapConfig) -> Result<HeatMap, HeatMapError> {
        Ok(HeatMap {
            palette: Palette::from_choice(&config.palette)?,
            state: LatencyState::new(config.aggregate)?,
            evaluate: config.evaluate,
            catalog: Catalog::default(),
            catalog_warnings: WarningList::default(),
            config_warnings: config.unknown_keys.iter().map(|key| unknown_key_warning("config", key)).collect(),
            breaches: BreachLog::default(),
            alert_mapping: MappingConfig::from(&config.alerts),
            firing: FiringList::default(),
            query_values: QueryValues::default(),
        })
    }

    /// Replaces the catalog (entities as the catalog API returns them: an array or `{ items }`). Entities that
    /// cannot be read are reported and skipped; the rest load.
    pub fn set_catalog(&mut self, entities_json: &[u8]) -> CatalogReport {
        let (catalog, warnings) = Catalog::from_json(entities_json);
        self.catalog = catalog;
        self.catalog_warnings =
            WarningList::capped(warnings.iter().map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }));
        CatalogReport {
            entities: self.catalog.len(),
            services: self.catalog.service_names(),
            warnings: self.catalog_warnings.clone().into_warnings(),
        }
    }

    /// Reads one telemetry document and adds it to the latency state kept across calls.
    pub fn ingest(&mut self, format: Format, bytes: &[u8]) -> IngestReport {
        self.state.ingest(format, bytes)
    }

    /// Reads one telemetry document whose format is told by its shape (`ingest(payload)` in JS).
    pub fn ingest_detected(&mut self, bytes: &[u8]) -> IngestReport {
        self.state.ingest_detected(bytes)
    }

    /// Takes one finished round of Prometheus service-graph metrics, evaluated at `at_ms` (ms since the epoch):
    /// its figures replace the previous round's, and the snapshot judges them as it judges spans.
    pub fn ingest_service_graph(&mut self, graph: &ServiceGraph, at_ms: f64) -> ServiceGraphReport {
        self.state.ingest_service_graph(graph, at_ms)
    }

    /// Treats every span still waiting for its partner as if its TTL had passed: the end of a recorded replay.
    /// Callers whose callee never reported become calls to virtual nodes.
    pub fn flush_pending(&mut self) -> IngestReport {
        self.state.flush_pending()
    }

    /// The latency state's `window` (ms), `None` for `"all"`: a Prometheus source's default `rateWindow`.
    pub fn window_ms(&self) -> Option<f64> {
        self.state.window_ms()
    }

    /// Live use: the caller's wall-clock now (ms since the epoch), against which spans count as ending too far
    /// ahead; `None` for recorded replays. Call it before each poll's ingest.
    pub fn set_wall_clock(&mut self, now_ms: Option<f64>) {
        self.state.set_wall_clock(now_ms);
    }

    /// Forgets all latency state, when alerts began, the firing Alertmanager alerts and the extra query values
    /// (the catalog and config stay).
    pub fn reset(&mut self) {
        self.state.reset();
        self.breaches.clear();
        self.firing.clear();
        self.query_values.clear();
    }

    /// Judges the current state. Also records which breaches are new, so each alert's `since` is the event time
    /// of the first snapshot that saw it.
    pub fn snapshot(&mut self, options: &SnapshotOptions) -> Result<Snapshot, HeatMapError> {
        let judging = self.judging(options)?;
        let mut latency = self.state.snapshot_reading(&judging.stats);
        let now_ms = self.state.watermark_ms();
        let catalog_warnings = self.catalog_warnings.listed().iter().cloned().collect();
        let mut findings = Findings { warnings: catalog_warnings, breaches: Vec::new() };
        findings.warnings.extend(
            latency.warnings.iter().map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }),
        );
        findings.warnings.extend(self.config_warnings.iter().cloned());
        findings.warnings.extend(options.unknown_keys.iter().map(|key| unknown_key_warning("snapshot options", key)));
        let entities = ServiceEntities::new(self);
        let drift = self.drift(&latency, &entities);
        let (mut nodes, edges) = match options.level {
            Level::Component => self.component_view(&judging, &mut latency, &entities, &mut findings),
            level => self.group_view(&judging, level, &latency, &mut findings),
        };
        let (firing, unmapped, alerted_without_node) = self.join_firing(options.level, &judging.palette, &mut nodes);
        self.join_query_values(options.level, &mut nodes);
        findings.warnings.extend(unmapped);
        let entry_points = latency
            .entry_points
            .into_iter()
            .filter(|_| options.entry_points)
            .map(|entry| self.entry_point(&judging, entry, &mut findings.warnings))
            .collect();
        let mut scorecard: Scorecard = nodes
            .iter()
            .filter_map(|node| Some((node.entity_ref.clone()?, node.judgement.scorecard_entry(now_ms))))
            .collect();
        // An entity without telemetry whose alerts fire is what they force, with no figures of its own.
        for (entity_ref, status) in alerted_without_node {
            let percentile = judging.percentile(self.evaluate.percentile);
            let entry = ScorecardEntry {
                status,
                score: None,
                threshold_ms: None,
                observed_ms: None,
                percentile,
                metric: None,
                checked_at: now_ms,
            };
            scorecard.0.entry(entity_ref).or_insert(entry);
        }
        let layout = options.layout.as_ref().map(|layout| lay_out(&nodes, &edges, layout)).transpose()?;
        let status_swatches = StatusSwatches::of(&judging.palette);
        // Last, so a snapshot that fails does not count as having seen its breaches.
        let scope = BreachScope {
            level: options.level,
            percentile: options.percentile,
            tolerance: options.tolerance,
            read_slices: Some(judging.stats.read_slices).filter(|&slices| slices < SLICES_PER_WINDOW),
        };
        let alerts = merge_alerts(self.breaches.observe(scope, findings.breaches, now_ms), firing);
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
            status_swatches,
            warnings: WarningList::capped(findings.warnings).and_unlisted_of(&self.catalog_warnings).into_warnings(),
            layout,
        })
    }
}

/// `config.unknown-key`, naming which object had the key.
fn unknown_key_warning(object: &str, key: &UnknownKey) -> Warning {
    Warning { code: key.code().to_owned(), message: format!("{object}: {key}") }
}
