//! `snapshot().drift` and each edge's `declared`/`observed` flags on the OpenTelemetry SDK shop and its catalog:
//! checkout → email is traced but not declared, frontend → recommendations is declared but never traced.

use latency_heatmap::catalog::Level;
use latency_heatmap::evaluate::{Drift, UndeclaredCall, UnobservedCall};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json");
const OTLP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/otlp.json");

fn shop(level: Level) -> Snapshot {
    let config: HeatMapConfig = serde_json::from_str(r#"{ "window": "all" }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(&std::fs::read(CATALOG).expect("catalog fixture"));
    map.ingest(Format::Otlp, &std::fs::read(OTLP).expect("trace fixture"));
    map.snapshot(&SnapshotOptions { level, ..SnapshotOptions::default() }).expect("snapshot")
}

#[test]
fn drift_lists_undeclared_and_unobserved_calls_by_entity() {
    let snapshot = shop(Level::Component);
    let expected = Drift {
        undeclared: vec![UndeclaredCall {
            from: "component:default/checkout".into(),
            to: "component:default/email".into(),
            edge_id: "checkout→email:async".into(),
        }],
        unobserved: vec![UnobservedCall {
            from: "component:default/frontend".into(),
            to: "component:default/recommendations".into(),
        }],
    };
    assert_eq!(snapshot.drift, expected);
    let json = serde_json::to_value(&snapshot.drift).expect("json");
    assert_eq!(json["undeclared"][0]["edgeId"], "checkout→email:async");
    // Drift is entity to entity: the same whatever level the map is drawn at.
    assert_eq!(shop(Level::System).drift, expected);
}

#[test]
fn every_edge_says_whether_it_is_declared_and_observed() {
    let snapshot = shop(Level::Component);
    let flags = |id: &str| {
        let edge = snapshot.edges.iter().find(|e| e.latency.id == id).unwrap_or_else(|| panic!("no edge {id}"));
        (edge.declared, edge.observed)
    };
    // Through checkout-api, which checkout provides.
    assert_eq!(flags("frontend→checkout:sync"), (true, true));
    // To orders-db through its service-name annotation.
    assert_eq!(flags("checkout→orders:database"), (true, true));
    assert_eq!(flags("checkout→email:async"), (false, true));
    // currency-api is unknown to the catalog: nothing declares it.
    assert_eq!(flags("frontend→currency-api:sync"), (false, true));
    assert!(snapshot.edges.iter().all(|e| e.observed), "window \"all\": everything held was observed");
}
