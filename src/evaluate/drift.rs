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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::RefContext;

    fn r(text: &str) -> EntityRef {
        EntityRef::parse(text, RefContext::default()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn only_active_callers_are_judged_and_unprovided_apis_are_skipped() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"a"},"spec":{"dependsOn":["component:b"],"consumesApis":["orphan"]}},
            {"kind":"Component","metadata":{"name":"b"},"spec":{}},
            {"kind":"Component","metadata":{"name":"c"},"spec":{"dependsOn":["component:b"]}},
            {"kind":"API","metadata":{"name":"orphan"},"spec":{}}
        ]"#;
        let (catalog, _) = Catalog::from_json(json.as_bytes());
        let (a, b) = (r("component:a"), r("component:b"));
        let observed = [
            ObservedCall { from: &b, to: &a, edge_id: "b→a:sync" },
            ObservedCall { from: &a, to: &a, edge_id: "a→a:sync" },
        ];
        let active: HashSet<&EntityRef> = [&a, &b].into_iter().collect();
        let drift = drift(&catalog, &observed, &active);
        // b → a is not declared; a calling itself is not drift.
        assert_eq!(drift.undeclared.iter().map(|u| u.edge_id.as_str()).collect::<Vec<_>>(), ["b→a:sync"]);
        // a → b was never seen; c → b belongs to a caller without telemetry; a → orphan has no provider.
        assert_eq!(drift.unobserved, [UnobservedCall { from: a.to_string(), to: b.to_string() }]);
    }
}
