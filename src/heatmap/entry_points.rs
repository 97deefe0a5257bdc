//! Entry points on the map: each trace root's critical path summed hop by hop against its latency SLO.
//!
//! Owns what a hop's share of the end-to-end time is (the critical-path time spent in it, at the entry point's
//! percentile) and which hops count (a service once, however often the path returns to it). Does not know how
//! critical paths are found (`aggregate`) nor how the sum is judged (`evaluate::cumulative`).

use std::collections::{BTreeSet, HashSet};

use super::judgement::note_warnings;
use super::overrides::Judging;
use super::snapshot::{HeatEntryPoint, Warning};
use super::HeatMap;
use crate::aggregate::{EntryPointSnapshot, LatencyStats};
use crate::catalog::{EntityRef, Percentile};
use crate::evaluate::{cumulative, resolve_node_threshold, NodeMetric};

impl HeatMap {
    /// The entry point's critical path summed against its latency SLO, at its percentile.
    pub(super) fn entry_point(
        &self,
        judging: &Judging<'_>,
        latency: EntryPointSnapshot,
        warnings: &mut BTreeSet<Warning>,
    ) -> HeatEntryPoint {
        let entity = self.catalog.entity_for_service(&latency.id);
        let threshold = resolve_node_threshold(&self.catalog, entity, NodeMetric::LatencySlo, &judging.evaluate);
        note_warnings(judging, &threshold, warnings);
        let percentile = judging.percentile(threshold.percentile);
        let path = self.state.critical_path_hops(&latency.id);
        let mut seen = HashSet::new();
        // A service comes back on the path after each call it makes; its self time counts once.
        let hops = path
            .iter()
            .filter(|(id, _)| seen.insert(id.as_str()))
            .map(|(id, critical)| (id.clone(), self.hop_ms(judging, critical, percentile)));
        let path = cumulative(hops, threshold.threshold_ms);
        HeatEntryPoint {
            entity_ref: entity.map(EntityRef::to_string),
            budget_ms: threshold.threshold_ms,
            percentile,
            path,
            latency,
        }
    }

    /// A hop's own part of the end-to-end time, so the sum along a path counts nothing twice: the chosen
    /// percentile, over the traces whose critical path ran through it, of the time the path spent in it (a
    /// service's own spans; a call outside its callee's spans). An async call thus counts its publish, not the
    /// delivery nobody waited for.
    fn hop_ms(&self, judging: &Judging<'_>, critical: &LatencyStats, percentile: Percentile) -> Option<f64> {
        critical.quantile(&judging.stats, self.state.watermark_ms(), percentile.quantile())
    }
}
