//! Judging one node or edge of the map: its threshold resolved, its latency at that percentile scored and
//! coloured, its breaches and threshold warnings collected.
//!
//! Owns what a node or an edge is judged on (a node: latency SLO and processing time, the worse shown; an edge:
//! its edge SLO; both: error rate) and how a judgement is assembled. Does not know which nodes and edges exist at
//! a level (`views.rs`), nor how thresholds resolve, scores fall or alerts are built (`evaluate`).

use std::collections::BTreeSet;

use super::overrides::Judging;
use super::snapshot::{HeatEdge, HeatNode, Judgement, Warning};
use super::HeatMap;
use crate::aggregate::{EdgeSnapshot, EdgeState, LatencyStats, NodeSnapshot, NodeState};
use crate::catalog::EntityRef;
use crate::color::swatch;
use crate::evaluate::{
    add_breaches, evaluate, resolve_edge_threshold, resolve_node_threshold, AlertKind, Breach, BreachSubject,
    EvaluateWarning, Evaluation, NodeMetric, ResolvedThreshold,
};

/// What the catalog says of an edge's calls: declared at all, and through which APIs (sorted refs).
#[derive(Debug, Default)]
pub(super) struct Declaration {
    pub(super) declared: bool,
    pub(super) via_apis: Vec<String>,
}

/// What judging turns up besides the judgements: threshold warnings and breaches for the alert list.
pub(super) struct Findings {
    pub(super) warnings: BTreeSet<Warning>,
    pub(super) breaches: Vec<Breach>,
}

impl HeatMap {
    /// A node is judged on end-to-end latency (its server spans) and on processing (self) time; the worse is
    /// shown. Both, and its error rate, can raise alerts.
    pub(super) fn heat_node(
        &self,
        judging: &Judging<'_>,
        latency: NodeSnapshot,
        (entity, entity_ref): (Option<&EntityRef>, Option<String>),
        state: &NodeState,
        members: Vec<String>,
        findings: &mut Findings,
    ) -> HeatNode {
        let mut judge = |metric: NodeMetric, stats: &LatencyStats| {
            let threshold = resolve_node_threshold(&self.catalog, entity, metric, &judging.evaluate);
            self.judge(judging, threshold, stats, &mut findings.warnings)
        };
        let slo = judge(NodeMetric::LatencySlo, &state.latency);
        let processing = judge(NodeMetric::ProcessingTime, &state.self_time);
        let subject = BreachSubject {
            kind: AlertKind::Node,
            id: latency.id.clone(),
            entity_ref: entity_ref.clone().unwrap_or_else(|| latency.id.clone()),
            target_ref: None,
        };
        let (judged, rate) = ([slo.judged(), processing.judged()], latency.stats.error_rate);
        add_breaches(&subject, &judged, rate, &judging.evaluate, &mut findings.breaches);
        let label = entity
            .and_then(|r| self.catalog.entity(r))
            .map_or_else(|| latency.id.clone(), |e| e.entity.display_name().to_owned());
        let judgement =
            if slo.evaluation().worst(processing.evaluation()) == slo.evaluation() { slo } else { processing };
        HeatNode { entity_ref, label, members, judgement, latency, firing_alerts: 0, queries: Vec::new() }
    }

    #[allow(clippy::too_many_arguments)] // one call per view; a struct for them would only rename the list
    pub(super) fn heat_edge(
        &self,
        judging: &Judging<'_>,
        latency: EdgeSnapshot,
        (from, from_entity_ref): (Option<&EntityRef>, Option<String>),
        (to, to_entity_ref): (Option<&EntityRef>, Option<String>),
        state: &EdgeState,
        Declaration { declared, via_apis }: Declaration,
        members: Vec<String>,
        findings: &mut Findings,
    ) -> HeatEdge {
        let threshold = resolve_edge_threshold(&self.catalog, from, to, &judging.evaluate);
        let judgement = self.judge(judging, threshold, &state.latency, &mut findings.warnings);
        let subject = BreachSubject {
            kind: AlertKind::Edge,
            id: latency.id.clone(),
            entity_ref: from_entity_ref.clone().unwrap_or_else(|| latency.id.clone()),
            target_ref: Some(to_entity_ref.clone().unwrap_or_else(|| latency.to.clone())),
        };
        let rate = latency.stats.error_rate;
        add_breaches(&subject, &[judgement.judged()], rate, &judging.evaluate, &mut findings.breaches);
        HeatEdge {
            observed: latency.stats.window_count > 0,
            declared,
            via_apis,
            from_entity_ref,
            to_entity_ref,
            members,
            judgement,
            latency,
        }
    }

    /// Whether the catalog declares any of `calls` (entity pairs of service-level calls), and the APIs it
    /// declares them through.
    pub(super) fn declaration<'e>(
        &self,
        calls: impl IntoIterator<Item = (Option<&'e EntityRef>, Option<&'e EntityRef>)>,
    ) -> Declaration {
        let mut declaration = Declaration::default();
        let mut apis = BTreeSet::new();
        for (from, to) in calls {
            if let (Some(from), Some(to)) = (from, to) {
                declaration.declared |= self.catalog.is_declared(from, to);
                apis.extend(self.catalog.apis_between(from, to).into_iter().map(EntityRef::to_string));
            }
        }
        declaration.via_apis = apis.into_iter().collect();
        declaration
    }

    fn judge(
        &self,
        judging: &Judging<'_>,
        threshold: ResolvedThreshold,
        stats: &LatencyStats,
        warnings: &mut BTreeSet<Warning>,
    ) -> Judgement {
        note_warnings(judging, &threshold, warnings);
        let percentile = judging.percentile(threshold.percentile);
        let observed_ms = stats.quantile(&judging.stats, self.state.watermark_ms(), percentile.quantile());
        let tolerance = judging.evaluate.tolerance;
        let Evaluation { score, status } = evaluate(observed_ms, &threshold, tolerance);
        Judgement {
            metric: threshold.threshold_ms.map(|_| threshold.metric),
            percentile,
            observed_ms,
            threshold_ms: threshold.threshold_ms,
            threshold_source: threshold.source,
            score,
            status,
            color: swatch(score, status, &judging.palette, tolerance.bands()),
        }
    }
}

/// The threshold's warnings (unusable or looser annotations) for the snapshot's list. A looser percentile
/// annotation is not reported when the snapshot chose the percentile: the viewer's choice replaced it, not the
/// enforced default the warning would name.
pub(super) fn note_warnings(judging: &Judging<'_>, threshold: &ResolvedThreshold, warnings: &mut BTreeSet<Warning>) {
    let replaced = |w: &&EvaluateWarning| {
        judging.percentile.is_some() && matches!(w, EvaluateWarning::LooserPercentile { .. })
    };
    let kept = threshold.warnings.iter().filter(|w| !replaced(w));
    warnings.extend(kept.map(|w| Warning { code: w.code().to_owned(), message: w.to_string() }));
}
