//! Helpers shared by the integration tests: loading fixtures, running a state over them, and exact figures
//! computed from raw OTLP spans (with `serde_json::Value`, in tests only) to check the sketches against.

#![allow(dead_code)]

use latency_heatmap::aggregate::{
    AggregateConfig, DurationValue, EdgeSnapshot, IngestReport, LatencySnapshot, LatencyState, NodeSnapshot,
};
use latency_heatmap::telemetry::Format;
use serde_json::Value;
use std::collections::HashMap;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Public sample data, found beside the repository as CI lays it out (`../shared/data/`).
pub fn shared(name: &str) -> Vec<u8> {
    let path = format!("{}/../shared/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn state_with(window: &str) -> LatencyState {
    let config = AggregateConfig { window: DurationValue::Text(window.into()), ..AggregateConfig::default() };
    LatencyState::new(config).unwrap_or_else(|e| panic!("{e}"))
}

/// Ingests one document into a fresh state (window "all"), then flushes what waits, as a replay ends.
pub fn replay(format: Format, bytes: &[u8]) -> (IngestReport, IngestReport, LatencySnapshot) {
    let mut state = state_with("all");
    let report = state.ingest(format, bytes);
    let flushed = state.flush_pending();
    (report, flushed, state.snapshot())
}

pub fn node<'a>(snapshot: &'a LatencySnapshot, id: &str) -> &'a NodeSnapshot {
    snapshot.nodes.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("no node {id}"))
}

pub fn edge<'a>(snapshot: &'a LatencySnapshot, id: &str) -> &'a EdgeSnapshot {
    snapshot.edges.iter().find(|e| e.id == id).unwrap_or_else(|| panic!("no edge {id}: {:?}", ids(snapshot)))
}

pub fn ids(snapshot: &LatencySnapshot) -> Vec<String> {
    snapshot.edges.iter().map(|e| e.id.clone()).collect()
}

/// `sorted[floor(q·(n−1))]`, the rank DDSketch targets.
pub fn exact_quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[(q * (sorted.len() - 1) as f64) as usize]
}

pub fn assert_within_1pct(got: Option<f64>, exact: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    assert!((got - exact).abs() <= 0.01 * exact.abs() + 1e-9, "{what}: {got} vs exact {exact}");
}

/// A span as the raw OTLP file has it.
#[derive(Debug, Clone)]
pub struct RawSpan {
    pub trace: String,
    pub id: String,
    pub parent: String,
    pub service: String,
    pub kind: i64,
    pub start: u64,
    pub end: u64,
    pub links: Vec<(String, String)>,
}

impl RawSpan {
    pub fn ms(&self) -> f64 {
        (self.end - self.start) as f64 / 1e6
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("fixture: expected a string, got {v}")).to_owned()
}

/// Root spans have no `parentSpanId`: empty, as the reader treats it.
fn parent(v: &Value) -> String {
    if v.is_null() { String::new() } else { text(v) }
}

fn nanos(v: &Value) -> u64 {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_u64()).unwrap_or_else(|| panic!("fixture: not nanoseconds: {v}"))
}

pub fn raw_otlp(bytes: &[u8]) -> Vec<RawSpan> {
    let doc: Value = serde_json::from_slice(bytes).expect("OTLP fixture");
    let mut out = Vec::new();
    for rs in doc["resourceSpans"].as_array().into_iter().flatten() {
        let service = rs["resource"]["attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["key"] == "service.name")
            .map(|a| text(&a["value"]["stringValue"]))
            .expect("fixture: a resource without service.name");
        for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
            for s in ss["spans"].as_array().into_iter().flatten() {
                out.push(RawSpan {
                    trace: text(&s["traceId"]),
                    id: text(&s["spanId"]),
                    parent: parent(&s["parentSpanId"]),
                    service: service.clone(),
                    kind: s["kind"].as_i64().expect("fixture: a span without kind"),
                    start: nanos(&s["startTimeUnixNano"]),
                    end: nanos(&s["endTimeUnixNano"]),
                    links: s["links"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|l| (text(&l["traceId"]), text(&l["spanId"])))
                        .collect(),
                })
            }
        }
    }
    out
}

pub const SERVER: i64 = 2;
pub const CLIENT: i64 = 3;
pub const PRODUCER: i64 = 4;
pub const CONSUMER: i64 = 5;

pub fn by_id(spans: &[RawSpan]) -> HashMap<(String, String), &RawSpan> {
    spans.iter().map(|s| ((s.trace.clone(), s.id.clone()), s)).collect()
}
