//! Small OTLP/JSON documents for the pipeline tests, with every duration chosen by the test, so expected
//! quantiles, sums and breaches can be computed exactly. Not a fixture of any real system: `tests/fixtures/` has
//! those.

#![allow(dead_code)] // each test file uses part of it

use latency_heatmap::catalog::Level;
use latency_heatmap::heatmap::{HeatEdge, HeatMap, HeatNode, Snapshot, SnapshotOptions};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// Event time zero of the documents: 2023-11-14T22:13:20Z, in ms.
pub const T0_MS: f64 = 1_700_000_000_000.0;

/// Trace and span ids are unique across documents: the latency state skips a (trace id, span id) it has taken
/// before, so two documents reusing ids would be one re-polled document.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Default)]
pub struct Traces {
    spans: Vec<(String, Value)>,
}

impl Traces {
    pub fn new() -> Self {
        Traces::default()
    }

    fn id(&mut self) -> u64 {
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    }

    #[allow(clippy::too_many_arguments)]
    fn span(
        &mut self,
        trace: u64,
        parent: Option<u64>,
        service: &str,
        kind: u8,
        start_ms: f64,
        ms: f64,
        error: bool,
    ) -> u64 {
        let id = self.id();
        // Integer ns: 1.7e18 is past an f64's exact range.
        let ns = |at_ms: f64| format!("{}", T0_MS as u128 * 1_000_000 + (at_ms * 1e6).round() as u128);
        let mut span = json!({
            "traceId": format!("{trace:032x}"),
            "spanId": format!("{id:016x}"),
            "name": format!("{service} span {id}"),
            "kind": kind,
            "startTimeUnixNano": ns(start_ms),
            "endTimeUnixNano": ns(start_ms + ms),
            "status": if error { json!({ "code": 2 }) } else { json!({}) },
        });
        if let Some(parent) = parent {
            span["parentSpanId"] = json!(format!("{parent:016x}"));
        }
        self.spans.push((service.to_owned(), span));
        id
    }

    /// A request served by `service` with no caller, starting at `start_ms` (after [`T0_MS`]) and taking `ms`.
    pub fn request(&mut self, service: &str, start_ms: f64, ms: f64, error: bool) {
        let trace = self.id();
        self.span(trace, None, service, 2, start_ms, ms, error);
    }

    /// A request to `caller` (`caller_ms` long) that calls `callee` once: the client span takes `client_ms`,
    /// starting 1 ms in, and the callee's server span `server_ms`, centred inside it.
    pub fn call(&mut self, caller: &str, callee: &str, start_ms: f64, caller_ms: f64, client_ms: f64, server_ms: f64) {
        let trace = self.id();
        let root = self.span(trace, None, caller, 2, start_ms, caller_ms, false);
        let client_start = start_ms + 1.0;
        let client = self.span(trace, Some(root), caller, 3, client_start, client_ms, false);
        self.span(trace, Some(client), callee, 2, client_start + (client_ms - server_ms) / 2.0, server_ms, false);
    }

    /// The spans so far as one OTLP/JSON document (one resource per span, which readers must accept).
    pub fn otlp(&self) -> Vec<u8> {
        let resource_spans: Vec<Value> = self
            .spans
            .iter()
            .map(|(service, span)| {
                json!({
                    "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": service } }] },
                    "scopeSpans": [{ "scope": { "name": "test" }, "spans": [span] }],
                })
            })
            .collect();
        serde_json::to_vec(&json!({ "resourceSpans": resource_spans })).expect("OTLP document as JSON")
    }
}

/// Exact quantile as the sketch tests define it: the sample at rank q·(n − 1) of the sorted samples.
pub fn exact_quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get((q * (sorted.len().saturating_sub(1)) as f64) as usize).copied().unwrap_or(f64::NAN)
}

/// The snapshot at `level`, with the other options at their defaults.
pub fn at(map: &mut HeatMap, level: Level) -> Snapshot {
    map.snapshot(&SnapshotOptions { level, ..SnapshotOptions::default() }).expect("snapshot")
}

pub fn node<'a>(snapshot: &'a Snapshot, id: &str) -> &'a HeatNode {
    snapshot.nodes.iter().find(|n| n.latency.id == id).unwrap_or_else(|| panic!("no node {id}"))
}

pub fn edge_ids(snapshot: &Snapshot) -> Vec<&str> {
    snapshot.edges.iter().map(|e| e.latency.id.as_str()).collect()
}

pub fn edge<'a>(snapshot: &'a Snapshot, id: &str) -> &'a HeatEdge {
    snapshot
        .edges
        .iter()
        .find(|e| e.latency.id == id)
        .unwrap_or_else(|| panic!("no edge {id} in {:?}", edge_ids(snapshot)))
}
