//! One host with a fast clock cannot move the event-time window: its spans are counted (durations intact) as
//! ending at the reference, named in a warning, and the map keeps showing the real data. Replays moving forward
//! still move the window; with the wall clock given, it is the reference.

mod common;

use common::*;
use latency_heatmap::aggregate::{FutureSpans, LatencyState};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;
use serde_json::{json, Value};

const CONFIG: &str = r#"{ "window": "5m", "tolerance": "moderate",
    "defaults": { "latencySlo": "500ms", "processingThreshold": "40ms", "errorRate": 0.05 } }"#;
const MINUTE_NS: u64 = 60_000_000_000;

fn shop_map() -> HeatMap {
    let config: HeatMapConfig = serde_json::from_str(CONFIG).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(&fixture("catalog/otel-shop.json"));
    map
}

/// A `service` server span of `ms` ending at `end_ns`, in a trace of its own (trace and span id `id`), appended
/// to an OTLP document.
fn with_span(doc: &mut Value, id: u64, service: &str, end_ns: u64, ms: u64) {
    let span = json!({
        "traceId": format!("{id:032x}"), "spanId": format!("{id:016x}"), "name": "GET /", "kind": 2,
        "startTimeUnixNano": (end_ns - ms * 1_000_000).to_string(), "endTimeUnixNano": end_ns.to_string(),
    });
    let resource = json!({
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": service } }] },
        "scopeSpans": [{ "spans": [span] }],
    });
    doc["resourceSpans"].as_array_mut().expect("resourceSpans").push(resource);
}

/// (id, status) of every node and (id, metric, status) of every alert, sorted (scores, and so the order of
/// alerts, move with the one more sample).
type Picture = (Vec<(String, String)>, Vec<(String, String, String)>);

fn picture(snapshot: &Snapshot) -> Picture {
    let text = |v: Value| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
    let nodes = snapshot
        .nodes
        .iter()
        .map(|n| (n.latency.id.clone(), text(serde_json::to_value(n.judgement.status).expect("status"))))
        .collect();
    let alerts = snapshot
        .alerts
        .iter()
        .map(|a| {
            let metric = text(serde_json::to_value(a.breach.metric).expect("metric"));
            (a.breach.id.clone(), metric, text(serde_json::to_value(a.breach.evaluation.status).expect("status")))
        })
        .collect::<Vec<_>>();
    let mut alerts = alerts;
    alerts.sort();
    (nodes, alerts)
}

/// The end at rank ⌊0.99·(n − 1)⌋ of `ends`: the reference of a document without wall clock.
fn reference_of(mut ends: Vec<u64>) -> u64 {
    ends.sort_unstable();
    ends[((ends.len() - 1) as f64 * 0.99) as usize]
}

#[test]
fn a_span_from_a_fast_clock_leaves_statuses_and_alerts_as_they_were_and_is_named_in_a_warning() {
    let bytes = fixture("otel-sdk/otlp.json");
    let mut baseline = shop_map();
    baseline.ingest(Format::Otlp, &bytes);
    let expected = baseline.snapshot(&SnapshotOptions::default()).expect("snapshot");
    assert!(!expected.alerts.is_empty());

    // One payment span ending exactly 10 min after the document's reference.
    let mut ends: Vec<u64> = raw_otlp(&bytes).iter().map(|s| s.end).collect();
    ends.push(u64::MAX);
    let reference = reference_of(ends);
    let mut doc: Value = serde_json::from_slice(&bytes).expect("fixture");
    with_span(&mut doc, 0xfa57, "payment", reference + 10 * MINUTE_NS, 120);
    let mut map = shop_map();
    let report = map.ingest(Format::Otlp, &serde_json::to_vec(&doc).expect("json"));
    assert_eq!(report.future_spans, [FutureSpans { service: "payment".into(), spans: 1, ahead_ms: 600_000 }]);
    let got = map.snapshot(&SnapshotOptions::default()).expect("snapshot");

    assert_eq!(picture(&got), picture(&expected));
    assert_eq!(got.generated_at, expected.generated_at, "the window ends where the real data does");
    let payment = |s: &Snapshot| {
        let stats = &s.nodes.iter().find(|n| n.latency.id == "payment").expect("payment").latency.stats;
        (stats.count, stats.window_count, stats.p50_ms.map(|ms| ms > 100.0))
    };
    // Its duration still counts, inside the window.
    assert_eq!((payment(&expected), payment(&got)), ((40, 40, Some(false)), (41, 41, Some(false))));
    let warning = got.warnings.iter().find(|w| w.code == "aggregate.future-spans").expect("warning");
    assert_eq!(
        warning.message,
        "payment: 1 span ended up to 10m 0s ahead of the other spans; its host clock is probably fast. Spans more \
         than maxClockSkew 1m 0s ahead are counted as ending now (durations kept) and do not move the window"
    );
    assert!(expected.warnings.iter().all(|w| w.code != "aggregate.future-spans"));
}

#[test]
fn a_replay_moving_forward_still_moves_the_window() {
    let bytes = fixture("otel-sdk/otlp.json");
    let mut state = state_with("5m");
    state.ingest(Format::Otlp, &bytes);
    let newest = raw_otlp(&bytes).iter().map(|s| s.end).max().expect("spans");
    assert_eq!(state.watermark_ms(), newest as f64 / 1e6);
    // The next poll is 10 min later as a whole (three requests): the window follows it.
    let mut later = json!({ "resourceSpans": [] });
    for i in 0..3 {
        with_span(&mut later, 0xf00 + i, "frontend", newest + 10 * MINUTE_NS + i * 1_000_000_000, 50);
    }
    let report = state.ingest(Format::Otlp, &serde_json::to_vec(&later).expect("json"));
    assert_eq!((report.accepted, report.future_spans.len()), (3, 0));
    assert_eq!(state.watermark_ms(), (newest + 10 * MINUTE_NS + 2_000_000_000) as f64 / 1e6);
    let frontend = state.snapshot().nodes.into_iter().find(|n| n.id == "frontend").expect("frontend");
    assert_eq!((frontend.stats.count, frontend.stats.window_count), (43, 3), "only the new requests are in the window");
}

#[test]
fn with_the_wall_clock_given_a_span_ahead_of_it_is_a_future_span() {
    let bytes = fixture("otel-sdk/otlp.json");
    let newest = raw_otlp(&bytes).iter().map(|s| s.end).max().expect("spans");
    // A lone span, 5 min after the data: a replay cannot tell it from a step forward, the wall clock can.
    let mut lone = json!({ "resourceSpans": [] });
    with_span(&mut lone, 0xca27, "cart", newest + 5 * MINUTE_NS, 30);
    let lone = serde_json::to_vec(&lone).expect("json");

    let mut replayed = state_with("5m");
    replayed.ingest(Format::Otlp, &bytes);
    assert!(replayed.ingest(Format::Otlp, &lone).future_spans.is_empty());
    assert_eq!(replayed.watermark_ms(), (newest + 5 * MINUTE_NS) as f64 / 1e6);

    let mut live: LatencyState = state_with("5m");
    let wall_ms = newest as f64 / 1e6 + 2_000.0;
    live.set_wall_clock(Some(wall_ms));
    live.ingest(Format::Otlp, &bytes);
    let report = live.ingest(Format::Otlp, &lone);
    assert_eq!(report.future_spans, [FutureSpans { service: "cart".into(), spans: 1, ahead_ms: 298_000 }]);
    // The future span counts as ending at the wall clock: the window ends there, the real data stays in it.
    assert!((live.watermark_ms() - wall_ms).abs() < 1e-3, "{} vs {wall_ms}", live.watermark_ms());
    let snapshot = live.snapshot();
    assert_eq!(node(&snapshot, "cart").stats.window_count, 41);
    assert_eq!(node(&snapshot, "frontend").stats.window_count, 40);
    // Back to replay mode: the next document is judged by its own spans again.
    live.set_wall_clock(None);
    let mut later = json!({ "resourceSpans": [] });
    with_span(&mut later, 0xca28, "cart", newest + 9 * MINUTE_NS, 30);
    assert!(live.ingest(Format::Otlp, &serde_json::to_vec(&later).expect("json")).future_spans.is_empty());
}
