//! Drift: where the catalog and the traces disagree about who calls whom.
//!
//! Owns the two lists: calls observed in the window between two catalog entities that the catalog does not
//! declare, and declared calls (API hops folded, as `Catalog::declared_calls` gives them) whose caller was active
//! in the window but never made them. A caller without telemetry says nothing either way, so its declared calls
//! are not listed. Drift is judged entity to entity, whatever level the map is drawn at.

use std::collections::HashSet;

use serde::Serialize;

use crate::catalog::{Catalog, EntityRef, Kind};

/// One call seen in the window, between the entities of its two services.
#[derive(Debug, Clone, Copy)]
pub struct ObservedCall<'a> {
    pub from: &'a EntityRef,
    pub to: &'a EntityRef,
    /// The service-level edge id (`from→to:kind`).
    pub edge_id: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UndeclaredCall {
    pub from: String,
    pub to: String,
    pub edge_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnobservedCall {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// Observed between two catalog entities, not declared. Sorted by edge id.
    pub undeclared: Vec<UndeclaredCall>,
    /// Declared, caller active in the window, never observed. Sorted by (from, to).
    pub unobserved: Vec<UnobservedCall>,
}

/// `active_callers`: entities with spans of their own in the window.
pub fn drift(catalog: &Catalog, observed: &[ObservedCall<'_>], active_callers: &HashSet<&EntityRef>) -> Drift {
    let mut undeclared: Vec<UndeclaredCall> = observed
        .iter()
        .filter(|call| call.from != call.to && !catalog.is_declared(call.from, call.to))
        .map(|call| UndeclaredCall {
            from: call.from.to_string(),
            to: call.to.to_string(),
            edge_id: call.edge_id.to_owned(),
        })
        .collect();
    undeclared.sort_by(|a, b| a.edge_id.cmp(&b.edge_id));
    let seen: HashSet<(&EntityRef, &EntityRef)> = observed.iter().map(|call| (call.from, call.to)).collect();
    // An API nobody provides stays as consumer → API: no service answers for it, so it cannot be observed.
    let is_api = |r: &EntityRef| Kind::parse(r.kind()) == Some(Kind::Api);
    let unobserved = catalog
        .declared_calls()
        .into_iter()
        .filter(|(from, to)| active_callers.contains(from) && !is_api(to) && !seen.contains(&(from, to)))
        .map(|(from, to)| UnobservedCall { from: from.to_string(), to: to.to_string() })
        .collect();
    Drift { undeclared, unobserved }
}
