//! The whole snapshot of the otel-shop fixture, pinned byte for byte at every level: a refactor of the pipeline
//! must not change a single figure, label, colour, warning or route. The expected JSON is
//! `tests/fixtures/snapshots/otel-shop.json`; when a change of output is intended, rewrite it with
//! `UPDATE_SNAPSHOTS=1 cargo test --test heatmap_golden` and review the diff.

use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::telemetry::Format;
use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const CONFIG: &str = r#"{ "window": "all", "tolerance": "moderate",
    "defaults": { "latencySlo": "500ms", "processingThreshold": "40ms", "errorRate": 0.05 } }"#;

/// Snapshots of the shop at each level (component with a layout), from one map, in the order a UI switching
/// levels would take them, so alert memory across levels is part of what is pinned. Serialised straight from
/// the `Snapshot` (not through a `Value`), so field order is pinned too.
fn shop_snapshots() -> String {
    let config: HeatMapConfig = serde_json::from_str(CONFIG).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    let catalog = std::fs::read(format!("{ROOT}/tests/fixtures/catalog/otel-shop.json")).expect("catalog fixture");
    map.set_catalog(&catalog);
    let traces = std::fs::read(format!("{ROOT}/tests/fixtures/otel-sdk/otlp.json")).expect("trace fixture");
    let report = map.ingest(Format::Otlp, &traces);
    assert_eq!((report.accepted, report.rejected), (608, 0));
    let mut snapshot = |options: Value| {
        let options: SnapshotOptions = serde_json::from_value(options).expect("snapshot options");
        serde_json::to_string_pretty(&map.snapshot(&options).expect("snapshot")).expect("snapshot as JSON")
    };
    let levels = [json!({ "layout": {} }), json!({ "level": "system" }), json!({ "level": "domain" }), json!({})];
    let snapshots: Vec<String> = levels.into_iter().map(&mut snapshot).collect();
    format!("[\n{}\n]\n", snapshots.join(",\n"))
}

#[test]
fn the_otel_shop_snapshot_is_pinned_at_every_level() {
    let path = format!("{ROOT}/tests/fixtures/snapshots/otel-shop.json");
    let got = shop_snapshots();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write the pinned snapshot");
    }
    let want = std::fs::read_to_string(&path).expect("pinned snapshot (UPDATE_SNAPSHOTS=1 writes it)");
    if let Some((line, (got, want))) = got.lines().zip(want.lines()).enumerate().find(|(_, (g, w))| g != w) {
        panic!("snapshot differs at line {}: got {got:?}, pinned {want:?}", line + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count(), "snapshot length differs from the pinned one");
}
