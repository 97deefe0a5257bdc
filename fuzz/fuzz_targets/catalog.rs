//! Fuzz target: the catalog reader and everything derived from a loaded catalog (graph, groups, services,
//! threshold resolution) must not panic on any input bytes.
#![no_main]

use latency_heatmap::catalog::{Catalog, Level};
use latency_heatmap::evaluate::{resolve_edge_threshold, resolve_node_threshold, EvaluateConfig, NodeMetric};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (catalog, warnings) = Catalog::from_json(data);
    for warning in &warnings {
        let _ = warning.to_string();
    }
    let config = EvaluateConfig { enforce_defaults: data.len() % 2 == 0, ..EvaluateConfig::default() };
    let refs: Vec<_> = catalog.entities().map(|e| e.entity_ref.clone()).take(16).collect();
    for entity in &refs {
        for level in [Level::Domain, Level::System, Level::Component] {
            let _ = catalog.group_of(entity, level);
        }
        let _ = resolve_node_threshold(&catalog, Some(entity), NodeMetric::LatencySlo, &config);
        for to in &refs {
            let _ = resolve_edge_threshold(&catalog, Some(entity), Some(to), &config);
        }
        for service in catalog.services_of(entity) {
            let _ = catalog.entity_for_service(service);
        }
    }
    let _ = catalog.declared_calls();
});
