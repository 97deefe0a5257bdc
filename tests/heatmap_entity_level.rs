//! `snapshot({ level: 'entity' })`: every telemetry service an entity claims merged into one node per catalog
//! entity (merged sketches, summed counts), calls inside an entity dropped, calls between entities merged and
//! carrying the APIs the catalog declares them through (`viaApis`).

mod heatmap_support;

use heatmap_support::{at, edge, edge_ids, exact_quantile, node, Traces};
use latency_heatmap::catalog::{Level, Percentile};
use latency_heatmap::evaluate::{Status, ThresholdSource};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::telemetry::Format;

/// frontend consumes api:orders, which backend provides; backend is two telemetry services (`orders-api`,
/// `orders-worker`) with its own 900 ms SLO. `legacy` is unknown to the catalog.
const CATALOG: &str = r#"[
  {"kind":"API","metadata":{"name":"orders"},"spec":{"type":"openapi"}},
  {"kind":"Component","metadata":{"name":"frontend"},"spec":{"consumesApis":["orders"]}},
  {"kind":"Component","metadata":{"name":"backend","title":"Orders backend",
   "annotations":{"latencyheatmap/service-name":"orders-api, orders-worker","latencyheatmap/latency-slo":"900ms"}},
   "spec":{"providesApis":["orders"]}}
]"#;

const BACKEND: &str = "component:default/backend";
const FRONTEND: &str = "component:default/frontend";

/// The server-span samples of backend's two services, to compute the union's quantiles from.
struct Recorded {
    api: Vec<f64>,
    worker: Vec<f64>,
}

fn heat_map() -> (HeatMap, Recorded) {
    let config: HeatMapConfig =
        serde_json::from_str(r#"{ "window": "all", "defaults": { "latencySlo": "5s" } }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    let report = map.set_catalog(CATALOG.as_bytes());
    assert_eq!(report.warnings, [], "{report:?}");
    let mut traces = Traces::new();
    let mut recorded = Recorded { api: Vec::new(), worker: Vec::new() };
    // orders-api fast (1..80 ms), orders-worker slow (500..579 ms): the union's p95 is rank 189 of 200: 579 ms.
    for i in 0..80 {
        let at = f64::from(i) * 1000.0;
        traces.request("orders-api", at, f64::from(i + 1), false);
        recorded.api.push(f64::from(i + 1));
        traces.request("orders-worker", at, 500.0 + f64::from(i), false);
        recorded.worker.push(500.0 + f64::from(i));
    }
    for i in 0..10 {
        let at = 100_000.0 + f64::from(i) * 1000.0;
        // frontend → orders-api and frontend → orders-worker (both frontend → backend), orders-api →
        // orders-worker (inside backend).
        traces.call("frontend", "orders-api", at, 40.0, 30.0, 20.0);
        traces.call("frontend", "orders-worker", at + 300.0, 700.0, 650.0, 600.0);
        traces.call("orders-api", "orders-worker", at + 600.0, 90.0, 70.0, 60.0);
        recorded.api.extend([20.0, 90.0]);
        recorded.worker.extend([600.0, 60.0]);
    }
    traces.request("legacy", 0.0, 7.0, false);
    let report = map.ingest(Format::Otlp, &traces.otlp());
    assert_eq!(report.rejected, 0, "{report:?}");
    (map, recorded)
}

#[test]
fn the_entity_level_is_named_entity() {
    let options: SnapshotOptions = serde_json::from_str(r#"{ "level": "entity" }"#).expect("options");
    assert_eq!(options.level, Level::Entity);
    let (mut map, _) = heat_map();
    let json = serde_json::to_value(at(&mut map, Level::Entity)).expect("snapshot as JSON");
    assert_eq!(json["level"], "entity");
}

#[test]
fn an_entity_merges_its_services_sketches_and_sums_their_counts() {
    let (mut map, recorded) = heat_map();
    let components = at(&mut map, Level::Component);
    let snapshot = at(&mut map, Level::Entity);
    let backend = node(&snapshot, BACKEND);
    assert_eq!(backend.entity_ref.as_deref(), Some(BACKEND));
    assert_eq!(backend.label, "Orders backend");
    assert_eq!(backend.members, ["orders-api", "orders-worker"]);
    // 80 + 20 samples of orders-api, 80 + 20 of orders-worker.
    assert_eq!(backend.latency.stats.count, 200);
    let member_count = |id| node(&components, id).latency.stats.count;
    assert_eq!(backend.latency.stats.count, member_count("orders-api") + member_count("orders-worker"));

    let union: Vec<f64> = recorded.api.iter().chain(&recorded.worker).copied().collect();
    assert_eq!(union.len(), 200);
    let exact = exact_quantile(&union, 0.95);
    assert_eq!(exact, 579.0);
    let merged = backend.latency.stats.p95_ms.expect("merged p95");
    assert!((merged - exact).abs() <= 0.01 * exact, "merged p95 {merged} vs exact {exact}");
    // Judged at p95 against the entity's own 900 ms, not the 5 s default.
    let judgement = &backend.judgement;
    assert_eq!(judgement.percentile, Percentile::P95);
    assert_eq!(judgement.observed_ms, Some(merged));
    assert_eq!((judgement.threshold_source, judgement.threshold_ms), (ThresholdSource::EntityAnnotation, Some(900.0)));
    assert_eq!(judgement.status, Status::Green);

    // One node per entity; a service the catalog does not know stays one node under its own name (as does the
    // virtual `user` that roots requests).
    let ids: Vec<&str> = snapshot.nodes.iter().map(|n| n.latency.id.as_str()).collect();
    assert_eq!(ids, [BACKEND, FRONTEND, "legacy", "user"]);
    let legacy = node(&snapshot, "legacy");
    assert_eq!((legacy.entity_ref.as_deref(), legacy.members.as_slice()), (None, ["legacy".to_owned()].as_slice()));
    // The scorecard is per entity.
    let refs: Vec<&str> = snapshot.scorecard.0.keys().map(String::as_str).collect();
    assert_eq!(refs, [BACKEND, FRONTEND]);
    assert_eq!(snapshot.scorecard.get(BACKEND).and_then(|e| e.observed_ms), Some(merged));
}

#[test]
fn calls_between_entities_merge_and_calls_inside_one_disappear() {
    let (mut map, _) = heat_map();
    let components = at(&mut map, Level::Component);
    let snapshot = at(&mut map, Level::Entity);
    let between: Vec<&str> = edge_ids(&snapshot).into_iter().filter(|id| !id.starts_with("user→")).collect();
    assert_eq!(between, [format!("{FRONTEND}→{BACKEND}:sync")]);
    let call = edge(&snapshot, &format!("{FRONTEND}→{BACKEND}:sync"));
    assert_eq!(call.members, ["frontend→orders-api:sync", "frontend→orders-worker:sync"]);
    assert_eq!(call.latency.stats.count, 20);
    let member_count = |id| edge(&components, id).latency.stats.count;
    assert_eq!(call.latency.stats.count, member_count("frontend→orders-api:sync") + member_count("frontend→orders-worker:sync"));
    assert_eq!((call.from_entity_ref.as_deref(), call.to_entity_ref.as_deref()), (Some(FRONTEND), Some(BACKEND)));
    assert!(call.declared && call.observed);
    assert_eq!(call.via_apis, ["api:default/orders"]);
    // The internal call is still drawn at component level.
    assert!(edge_ids(&components).contains(&"orders-api→orders-worker:sync"));
}

#[test]
fn edges_name_the_apis_the_catalog_declares_them_through() {
    let (mut map, _) = heat_map();
    let snapshot = at(&mut map, Level::Component);
    assert_eq!(edge(&snapshot, "frontend→orders-api:sync").via_apis, ["api:default/orders"]);
    assert_eq!(edge(&snapshot, "frontend→orders-worker:sync").via_apis, ["api:default/orders"]);
    // A call the catalog does not declare (inside one entity) goes through no API, and says so in JSON too.
    let internal = edge(&snapshot, "orders-api→orders-worker:sync");
    assert!(!internal.declared);
    assert_eq!(internal.via_apis, Vec::<String>::new());
    let json = serde_json::to_value(internal).expect("edge as JSON");
    assert_eq!(json["viaApis"], serde_json::json!([]));
}
