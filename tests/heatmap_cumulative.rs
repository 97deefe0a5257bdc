//! The cumulative view of each entry point: its critical path hop by hop (a service's own processing time, a
//! call's time outside its callee), summed in order, and the first hop where the sum passes the entry point's SLO.

mod heatmap_support;

use heatmap_support::Traces;
use latency_heatmap::heatmap::{HeatEntryPoint, HeatMap, HeatMapConfig, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;

fn snapshot(catalog: &str, traces: &[u8]) -> Snapshot {
    let config: HeatMapConfig =
        serde_json::from_str(r#"{ "window": "all", "defaults": { "latencySlo": "1s" } }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(catalog.as_bytes());
    map.ingest(Format::Otlp, traces);
    map.snapshot(&SnapshotOptions::default()).expect("snapshot")
}

/// The OTel SDK shop with its catalog.
fn shop() -> Snapshot {
    let catalog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json"))
            .expect("catalog");
    let traces =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/otlp.json")).expect("traces");
    snapshot(&catalog, &traces)
}

fn entry<'a>(snapshot: &'a Snapshot, id: &str) -> &'a HeatEntryPoint {
    snapshot.entry_points.iter().find(|e| e.latency.id == id).unwrap_or_else(|| panic!("no entry point {id}"))
}

fn hops(entry: &HeatEntryPoint) -> Vec<(&str, Option<f64>, f64, bool)> {
    entry
        .path
        .hops
        .iter()
        .map(|h| {
            (
                h.id.as_str(),
                h.ms.map(|ms| (ms * 1000.0).round() / 1000.0),
                (h.cumulative_ms * 1000.0).round() / 1000.0,
                h.exceeded,
            )
        })
        .collect()
}

/// a serves 100 ms and calls b for 60 ms of it; b's server span takes 50 ms: a's own time is 40 ms, the call's
/// time outside b 10 ms, b's own 50 ms.
fn a_calls_b() -> Vec<u8> {
    let mut traces = Traces::new();
    for i in 0..20 {
        traces.call("a", "b", f64::from(i) * 1000.0, 100.0, 60.0, 50.0);
    }
    traces.otlp()
}

#[test]
fn hops_sum_in_order_and_the_first_past_the_slo_is_named() {
    let catalog = r#"[{"kind":"Component","metadata":{"name":"a","annotations":{"latencyheatmap/latency-slo":"80ms"}},"spec":{}}]"#;
    let snapshot = snapshot(catalog, &a_calls_b());
    let a = entry(&snapshot, "a");
    assert_eq!(a.entity_ref.as_deref(), Some("component:default/a"));
    assert_eq!(a.budget_ms, Some(80.0));
    assert_eq!(
        hops(a),
        [("a", Some(40.0), 40.0, false), ("a→b:sync", Some(10.0), 50.0, false), ("b", Some(50.0), 100.0, true)]
    );
    assert_eq!(a.path.first_exceeded.as_deref(), Some("b"));
    let json = serde_json::to_value(a).expect("json");
    assert_eq!(json["firstExceeded"], "b");
    assert_eq!(json["cumulative"][1]["cumulativeMs"], 50.0);
    assert_eq!(json["cumulative"][1]["budgetMs"], 80.0);
}

#[test]
fn without_an_annotation_the_default_slo_is_the_budget() {
    let snapshot = snapshot("[]", &a_calls_b());
    let a = entry(&snapshot, "a");
    assert_eq!((a.entity_ref.as_deref(), a.budget_ms), (None, Some(1000.0)));
    assert_eq!(a.path.first_exceeded, None);
    assert!(a.path.hops.iter().all(|h| !h.exceeded));
}

#[test]
fn the_shop_frontend_path_is_a_running_sum() {
    let snapshot = shop();
    let frontend = entry(&snapshot, "frontend");
    assert_eq!(frontend.budget_ms, Some(150.0), "frontend's own latency SLO");
    let mut sum = 0.0;
    let mut first = None;
    for hop in &frontend.path.hops {
        sum += hop.ms.unwrap_or(0.0);
        assert!((hop.cumulative_ms - sum).abs() < 1e-9);
        assert_eq!(hop.exceeded, sum > 150.0);
        if hop.exceeded && first.is_none() {
            first = Some(hop.id.as_str());
        }
    }
    assert_eq!(frontend.path.first_exceeded.as_deref(), first);
    assert_eq!(frontend.path.hops.first().map(|h| h.id.as_str()), Some("frontend"));
}

/// checkout publishes an order and returns; shipping consumes it later. The frontend never waits for delivery, so
/// the async hop on its path is the publish (under a millisecond), not the queue delay or delivery latency, and
/// the whole path adds up to about the frontend's own end-to-end latency: a little more, as p95s of the parts sum
/// to more than the p95 of the whole (with the ~40 ms queue delay counted it came to 150 ms against 107 ms).
#[test]
fn an_async_hop_counts_its_publish_not_the_delivery() {
    let snapshot = shop();
    let frontend = entry(&snapshot, "frontend");
    let publish = frontend.path.hops.iter().find(|h| h.id == "checkout→shipping:async").expect("async hop on the path");
    let publish_ms = publish.ms.expect("measured");
    let queue_ms = snapshot
        .edges
        .iter()
        .find(|e| e.latency.id == "checkout→shipping:async")
        .and_then(|e| e.latency.queue_delay_p95_ms)
        .expect("queue delay");
    assert!(publish_ms < 2.0 && queue_ms > 10.0, "publish {publish_ms} ms, queue delay {queue_ms} ms");
    let total = frontend.path.hops.last().map(|h| h.cumulative_ms).expect("hops");
    let end_to_end = frontend.latency.p95_ms.expect("p95");
    assert!(
        total >= 0.9 * end_to_end && total <= 1.25 * end_to_end,
        "path {total} ms vs end-to-end p95 {end_to_end} ms"
    );
}

/// `entryPoints: false` leaves the entry points out and changes nothing else.
#[test]
fn entry_points_can_be_left_out() {
    let catalog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json"))
            .expect("catalog");
    let traces =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/otlp.json")).expect("traces");
    let config: HeatMapConfig =
        serde_json::from_str(r#"{ "window": "all", "defaults": { "latencySlo": "1s" } }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(catalog.as_bytes());
    map.ingest(Format::Otlp, &traces);
    let options: SnapshotOptions = serde_json::from_str(r#"{ "entryPoints": false }"#).expect("options");
    let without = map.snapshot(&options).expect("snapshot");
    let with = map.snapshot(&SnapshotOptions::default()).expect("snapshot");
    assert_eq!(with.entry_points.len(), 2);
    assert!(without.entry_points.is_empty());
    let json = |s: &Snapshot| {
        let mut value = serde_json::to_value(s).expect("JSON");
        value["entryPoints"] = serde_json::Value::Null;
        value
    };
    assert_eq!(json(&without), json(&with));
}
