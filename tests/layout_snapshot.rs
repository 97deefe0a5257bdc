//! Layout through `HeatMap::snapshot({ layout })`: every route carries the id of the snapshot edge it draws, so a
//! caller (the demo, the card) matches routes to edges by id rather than by position. Read through the serialized
//! snapshot, the shape JavaScript sees.

use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::telemetry::Format;
use serde_json::Value;

const TRACES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/otlp.json");

#[test]
fn snapshot_routes_carry_their_edge_ids() {
    let config: HeatMapConfig = serde_json::from_str(r#"{ "window": "all" }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.ingest(Format::Otlp, &std::fs::read(TRACES).expect("trace fixture"));
    let options: SnapshotOptions = serde_json::from_str(r#"{ "layout": {} }"#).expect("options");
    let snapshot = serde_json::to_value(map.snapshot(&options).expect("snapshot")).expect("serializes");

    let ids = |list: &Value| -> Vec<String> {
        list.as_array().expect("array").iter().map(|e| e["id"].as_str().expect("string id").to_owned()).collect()
    };
    let edge_ids = ids(&snapshot["edges"]);
    let route_ids = ids(&snapshot["layout"]["edges"]);
    assert_eq!(edge_ids.len(), 10, "{edge_ids:?}");
    assert_eq!(edge_ids[1], "checkout→email:async");
    assert_eq!(route_ids, edge_ids);
    assert_eq!(snapshot["layout"]["stats"]["straightEdges"], 0);
}
