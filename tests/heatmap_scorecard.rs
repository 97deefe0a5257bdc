//! `snapshot().scorecard`: one stable entry per catalog entity with telemetry, for scorecard tools, the worst of
//! its services when several map to it.

mod heatmap_support;

use heatmap_support::Traces;
use latency_heatmap::evaluate::{Metric, Percentile, Status};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::telemetry::Format;

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json");
const OTLP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/otlp.json");

fn heat_map(config: &str, catalog: &[u8]) -> HeatMap {
    let config: HeatMapConfig = serde_json::from_str(config).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(catalog);
    map
}

#[test]
fn one_entry_per_entity_with_telemetry_in_a_stable_shape() {
    let mut map = heat_map(
        r#"{ "window": "all", "defaults": { "latencySlo": "500ms" } }"#,
        &std::fs::read(CATALOG).expect("catalog"),
    );
    map.ingest(Format::Otlp, &std::fs::read(OTLP).expect("traces"));
    let snapshot = map.snapshot(&SnapshotOptions::default()).expect("snapshot");
    let refs: Vec<&str> = snapshot.scorecard.0.keys().map(String::as_str).collect();
    assert_eq!(
        refs,
        [
            "component:default/cart",
            "component:default/checkout",
            "component:default/email",
            "component:default/frontend",
            "component:default/inventory",
            "component:default/payment",
            "component:default/shipping",
            "resource:default/cart-cache",
            "resource:default/orders-db",
        ],
        "currency-api and user are unknown to the catalog; recommendations has no telemetry"
    );
    let checkout = snapshot.scorecard.get("component:default/checkout").expect("checkout");
    assert_eq!(checkout.status, Status::Amber);
    assert_eq!(
        (checkout.threshold_ms, checkout.percentile, checkout.metric),
        (Some(50.0), Percentile::P95, Some(Metric::LatencySlo))
    );
    assert_eq!(Some(checkout.checked_at), snapshot.generated_at);

    let json = serde_json::to_value(&snapshot.scorecard).expect("json");
    let entry = &json["component:default/checkout"];
    let mut keys: Vec<&str> = entry.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["checkedAt", "metric", "observedMs", "percentile", "score", "status", "thresholdMs"]);
    assert_eq!(entry["status"], "amber");
    assert_eq!(entry["metric"], "latencySlo");
    // A database only seen as a call target has nothing of its own to judge: unknown, with nulls, never NaN.
    assert_eq!(json["resource:default/orders-db"]["status"], "unknown");
    assert!(json["resource:default/orders-db"]["score"].is_null());
}

#[test]
fn an_entity_with_several_services_gets_the_worst() {
    let catalog = r#"[{"kind":"Component","metadata":{"name":"pay",
        "annotations":{"latencyheatmap/service-name":"pay-eu, pay-us","latencyheatmap/latency-slo":"100ms"}},"spec":{}}]"#;
    let mut map = heat_map(r#"{ "window": "all" }"#, catalog.as_bytes());
    let mut traces = Traces::new();
    for i in 0..10 {
        traces.request("pay-eu", f64::from(i), 20.0, false);
        traces.request("pay-us", f64::from(i), 130.0, false);
    }
    map.ingest(Format::Otlp, &traces.otlp());
    let snapshot = map.snapshot(&SnapshotOptions::default()).expect("snapshot");
    assert_eq!(snapshot.scorecard.0.len(), 1);
    let pay = snapshot.scorecard.get("component:default/pay").expect("pay");
    assert_eq!((pay.status, pay.observed_ms), (Status::Red, Some(130.0)));
}
