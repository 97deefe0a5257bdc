//! Drift on the map: the calls seen in the window, between the entities their services stand for, handed to
//! `evaluate::drift` to compare with the catalog's declared calls.
//!
//! Owns which observations count (calls and active services in the window, at service level whatever the level
//! drawn). Does not know what counts as declared or how drift is reported (`evaluate/drift.rs`).

use std::collections::HashSet;

use super::views::ServiceEntities;
use super::HeatMap;
use crate::aggregate::LatencySnapshot;
use crate::catalog::EntityRef;
use crate::evaluate::{Drift, ObservedCall};

impl HeatMap {
    /// Drift at the service level: calls in the window between two entities, and which entities called anything.
    pub(super) fn drift(&self, latency: &LatencySnapshot, entities: &ServiceEntities<'_>) -> Drift {
        let entity = |service: &str| entities.entity(service);
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
}
