//! Re-polled spans count once: the same document twice, overlapping halves, and spans coming back after their
//! trace was analysed or while its callers still wait, on the OpenTelemetry SDK fixtures in every format.

mod common;

use common::*;
use latency_heatmap::aggregate::{LatencySnapshot, LatencyState};
use latency_heatmap::telemetry::Format;
use serde_json::{json, Value};

const FORMATS: [(Format, &str); 3] =
    [(Format::Otlp, "otel-sdk/otlp.json"), (Format::Jaeger, "otel-sdk/jaeger.json"), (Format::Zipkin, "otel-sdk/zipkin.json")];

/// (id, count, window count, errors, ratePerSec, p95) of every node and edge.
type Figures = Vec<(String, u64, u64, u64, Option<f64>, Option<f64>)>;

fn figures(snapshot: &LatencySnapshot) -> Figures {
    let nodes = snapshot.nodes.iter().map(|n| (n.id.clone(), &n.stats));
    let edges = snapshot.edges.iter().map(|e| (e.id.clone(), &e.stats));
    nodes.chain(edges).map(|(id, s)| (id, s.count, s.window_count, s.errors, s.rate_per_sec, s.p95_ms)).collect()
}

fn figure(figures: &Figures, id: &str) -> (u64, u64) {
    let f = figures.iter().find(|f| f.0 == id).unwrap_or_else(|| panic!("no {id}"));
    (f.1, f.3)
}

#[test]
fn the_same_document_twice_counts_as_once_in_every_format() {
    for (format, path) in FORMATS {
        let bytes = fixture(path);
        let (_, _, once) = replay(format, &bytes);

        // Twice before the flush (callers still wait for their partners), and once more after it.
        let mut state = state_with("all");
        let first = state.ingest(format, &bytes);
        let second = state.ingest(format, &bytes);
        assert_eq!((first.accepted, first.duplicates), (608, 0), "{path}");
        assert_eq!((second.accepted, second.duplicates, second.paired, second.inferred), (608, 608, 0, 0), "{path}");
        assert_eq!(second.pending, first.pending, "{path}: nothing new waits");
        state.flush_pending();
        let third = state.ingest(format, &bytes);
        assert_eq!((third.duplicates, third.paired, third.expired, third.pending), (608, 0, 0, 0), "{path}");
        let twice = state.snapshot();
        assert_eq!(figures(&twice), figures(&once), "{path}");

        // The figures the fixture's README gives: 40 orders, 5 failing at payment.
        let got = figures(&twice);
        for (id, expected) in [("frontend", (40, 5)), ("payment", (40, 5)), ("checkout→payment:sync", (40, 5))] {
            assert_eq!(figure(&got, id), expected, "{path} {id}");
        }
        let frontend = twice.nodes.iter().find(|n| n.id == "frontend").expect("frontend");
        // 40 requests over the 39.x s the fixture covers.
        let rate = frontend.stats.rate_per_sec.expect("rate");
        assert!((1.0..1.1).contains(&rate), "{path}: frontend rate {rate}");

        let warning = twice.warnings.iter().find(|w| w.code() == "aggregate.duplicate-spans").expect("warning");
        assert_eq!(warning.to_string(), "1216 spans were ignored: their trace already had a span with the same id");
    }
}

#[test]
fn the_frontend_p95_of_a_twice_read_document_is_the_exact_p95_of_its_spans() {
    let bytes = fixture("otel-sdk/otlp.json");
    let frontend: Vec<f64> =
        raw_otlp(&bytes).iter().filter(|s| s.service == "frontend" && s.kind == SERVER).map(|s| s.ms()).collect();
    assert_eq!(frontend.len(), 40);
    let mut state = state_with("all");
    state.ingest(Format::Otlp, &bytes);
    state.ingest(Format::Otlp, &bytes);
    state.flush_pending();
    let snapshot = state.snapshot();
    assert_eq!(node(&snapshot, "frontend").stats.count, 40);
    assert_within_1pct(node(&snapshot, "frontend").stats.p95_ms, exact_quantile(&frontend, 0.95), "frontend p95");
}

/// The Jaeger document with only `traces` of its traces (Jaeger's query API returns whole traces).
fn jaeger_part(doc: &Value, traces: std::ops::Range<usize>) -> Vec<u8> {
    let data = doc["data"].as_array().expect("data");
    serde_json::to_vec(&json!({ "data": data[traces].to_vec() })).expect("json")
}

#[test]
fn overlapping_polls_count_each_span_once() {
    let bytes = fixture("otel-sdk/jaeger.json");
    let doc: Value = serde_json::from_slice(&bytes).expect("fixture");
    let traces = doc["data"].as_array().expect("data").len();
    assert_eq!(traces, 48);
    let (_, _, whole) = replay(Format::Jaeger, &bytes);

    // Two polls whose lookbacks overlap by a third of the traces.
    let mut state = state_with("all");
    let first = state.ingest(Format::Jaeger, &jaeger_part(&doc, 0..32));
    let second = state.ingest(Format::Jaeger, &jaeger_part(&doc, 16..48));
    state.flush_pending();
    assert_eq!(first.duplicates, 0);
    // The 16 shared traces' spans, counted from the document itself.
    let shared: usize = doc["data"].as_array().expect("data")[16..32]
        .iter()
        .map(|t| t["spans"].as_array().expect("spans").len())
        .sum();
    assert_eq!(second.duplicates, shared as u64);
    assert_eq!(first.accepted + second.accepted - second.duplicates, 608);
    assert_eq!(figures(&state.snapshot()), figures(&whole));
}

#[test]
fn a_span_repeated_within_one_document_counts_once() {
    let bytes = fixture("otel-sdk/otlp.json");
    let mut doc: Value = serde_json::from_slice(&bytes).expect("fixture");
    // The first resource's spans twice over, in the same document.
    let spans = doc["resourceSpans"][0]["scopeSpans"][0]["spans"].as_array().expect("spans").clone();
    let repeated = spans.len() as u64;
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"].as_array_mut().expect("spans").extend(spans);
    let (report, _, snapshot) = replay(Format::Otlp, &serde_json::to_vec(&doc).expect("json"));
    assert_eq!((report.accepted, report.duplicates), (608 + repeated, repeated));
    let (_, _, once) = replay(Format::Otlp, &bytes);
    assert_eq!(figures(&snapshot), figures(&once));
}

#[test]
fn the_memory_of_taken_spans_is_capped_and_ages_out_with_the_window() {
    let bytes = fixture("otel-sdk/otlp.json");
    let capped = latency_heatmap::aggregate::AggregateConfig { max_seen_spans: 100, ..Default::default() };
    let mut state = LatencyState::new(capped).expect("config");
    state.ingest(Format::Otlp, &bytes);
    assert_eq!(state.seen_spans(), 100);
    // Only the last 100 spans taken are remembered. Read again in the same order, the first 508 are new and push
    // those 100 out before the second pass reaches them: nothing is recognised.
    let again = state.ingest(Format::Otlp, &bytes);
    assert_eq!((again.duplicates, state.seen_spans()), (0, 100));

    // A 10 s window with the 30 s TTL: spans that ended more than 30 s before the newest are forgotten.
    let mut state = state_with("10s");
    state.ingest(Format::Otlp, &bytes);
    let newest = raw_otlp(&bytes).iter().map(|s| s.end).max().expect("spans");
    let remembered = raw_otlp(&bytes).iter().filter(|s| s.end >= newest - 30_000_000_000).count();
    assert!(state.seen_spans() >= remembered && state.seen_spans() < 608, "{} vs {remembered}", state.seen_spans());
}
