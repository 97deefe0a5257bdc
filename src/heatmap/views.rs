//! The nodes and edges drawn at a level: one per service and call at `component`, services merged into their
//! catalog entity at `entity`, into their System or Domain above it.
//!
//! Owns which nodes and edges a level has, which entities they stand for, which services and calls they are
//! drawn for, and whether the catalog declares each call. Walks the latency state directly (each key's snapshot
//! with its own state); judging each node and edge is `judgement.rs`'s, merging groups is `evaluate/levels.rs`'s.

use std::collections::HashMap;

use foldhash::HashMapExt;

use super::judgement::Findings;
use super::overrides::Judging;
use super::snapshot::{HeatEdge, HeatNode};
use super::HeatMap;
use crate::aggregate::{EdgeSnapshot, LatencySnapshot, NodeSnapshot};
use crate::catalog::{EntityRef, Level};
use crate::evaluate::collapse;

impl HeatMap {
    /// One node per service and one edge per call, as the latency state keeps them: the snapshot's nodes and
    /// edges, taken out of `latency` and judged beside their states.
    pub(super) fn component_view(
        &self,
        judging: &Judging<'_>,
        latency: &mut LatencySnapshot,
        entities: &ServiceEntities<'_>,
        findings: &mut Findings,
    ) -> (Vec<HeatNode>, Vec<HeatEdge>) {
        let nodes = std::mem::take(&mut latency.nodes)
            .into_iter()
            .zip(self.state.node_states())
            .map(|(latency, state)| {
                let entity = entities.get(&latency.service);
                let members = vec![latency.service.clone()];
                self.heat_node(judging, latency, entity, state, members, findings)
            })
            .collect();
        let edges = std::mem::take(&mut latency.edges)
            .into_iter()
            .zip(self.state.edge_states())
            .map(|(latency, state)| {
                let (from, to) = (entities.get(&latency.from), entities.get(&latency.to));
                let declaration = self.declaration([(from.0, to.0)]);
                let members = vec![latency.id.clone()];
                self.heat_edge(judging, latency, from, to, state, declaration, members, findings)
            })
            .collect();
        (nodes, edges)
    }

    /// Services merged into their entity, System or Domain, judged against that entity's own thresholds.
    pub(super) fn group_view(
        &self,
        judging: &Judging<'_>,
        level: Level,
        latency: &LatencySnapshot,
        findings: &mut Findings,
    ) -> (Vec<HeatNode>, Vec<HeatEdge>) {
        let collapsed = collapse(&self.state, &self.catalog, level);
        let settings = &judging.stats;
        let (watermark, observed) = (self.state.watermark_ms(), self.state.observed_ms());
        // What each group's critical-path share is a share of: the same total as at component level.
        let total = self.state.critical_total_ms(settings);
        let edge_ends: HashMap<&str, (&str, &str)> =
            latency.edges.iter().map(|e| (e.id.as_str(), (e.from.as_str(), e.to.as_str()))).collect();
        let nodes = collapsed
            .nodes
            .iter()
            .map(|group| {
                let id = group.placement.node_id.as_str();
                let snapshot =
                    NodeSnapshot::from_state(id.to_owned(), &group.state, settings, watermark, observed, total);
                let entity = with_text(group.placement.entity.as_ref());
                self.heat_node(judging, snapshot, entity, &group.state, group.members.clone(), findings)
            })
            .collect();
        let edges = collapsed
            .edges
            .iter()
            .map(|group| {
                let snapshot = EdgeSnapshot::from_state(group.key.id(), &group.key, &group.state, settings, watermark, observed, total);
                let calls = group.members.iter().filter_map(|id| edge_ends.get(id.as_str())).map(|(from, to)| {
                    (self.catalog.entity_for_service(from), self.catalog.entity_for_service(to))
                });
                let declaration = self.declaration(calls);
                let (from, to) = (with_text(group.from.entity.as_ref()), with_text(group.to.entity.as_ref()));
                self.heat_edge(judging, snapshot, from, to, &group.state, declaration, group.members.clone(), findings)
            })
            .collect();
        (nodes, edges)
    }
}

/// An entity with its reference as text.
fn with_text(entity: Option<&EntityRef>) -> (Option<&EntityRef>, Option<String>) {
    (entity, entity.map(EntityRef::to_string))
}

/// Each service's catalog entity and its reference as text, looked up once per snapshot: the component view
/// needs them for every node and both ends of every edge, and each lookup lower-cases the name and each reference
/// is formatted anew.
pub(super) struct ServiceEntities<'a> {
    heat_map: &'a HeatMap,
    by_service: foldhash::HashMap<&'a str, (Option<&'a EntityRef>, Option<String>)>,
}

impl<'a> ServiceEntities<'a> {
    pub(super) fn new(heat_map: &'a HeatMap) -> Self {
        let mut by_service = foldhash::HashMap::with_capacity(heat_map.state.key_count());
        for (service, _) in heat_map.state.nodes() {
            by_service.insert(service, with_text(heat_map.catalog.entity_for_service(service)));
        }
        ServiceEntities { heat_map, by_service }
    }

    /// The entity `service` stands for, if the catalog knows it.
    pub(super) fn entity(&self, service: &str) -> Option<&'a EntityRef> {
        match self.by_service.get(service) {
            Some((entity, _)) => *entity,
            None => self.heat_map.catalog.entity_for_service(service),
        }
    }

    /// The entity `service` stands for (if the catalog knows it) and its reference as text.
    pub(super) fn get(&self, service: &str) -> (Option<&'a EntityRef>, Option<String>) {
        match self.by_service.get(service) {
            Some((entity, text)) => (*entity, text.clone()),
            None => with_text(self.heat_map.catalog.entity_for_service(service)),
        }
    }
}
