//! Memory is O(keys · window slices), independent of the span count: 10 M synthetic spans streamed in chunks
//! straight into the aggregator (no JSON, so the test measures the state, not the parser), asserting on the
//! state's own sizes rather than the process's RSS.

use latency_heatmap::aggregate::{AggregateConfig, DurationValue, LatencyState, SLICES_PER_WINDOW};
use latency_heatmap::telemetry::{Span, SpanAttributes, SpanId, SpanKind, TraceId};
use std::sync::Arc;

const SERVICES: usize = 8;
const SPANS_PER_TRACE: u64 = 10;
const TOTAL_SPANS: u64 = 10_000_000;
const CHUNK_TRACES: u64 = 10_000;

/// Trace `t`, shaped like real ones (most spans are internal work): a SERVER root in service t%8 with three
/// INTERNAL spans and a CLIENT call to service (t+1)%8, whose SERVER span has two INTERNAL spans, a database
/// query and one more INTERNAL span. Traces start 12.5 µs apart in event time, so 10 M spans cover 12.5 s and
/// the 1 s window slides twelve times.
fn trace(t: u64, services: &[Arc<str>], db: &SpanAttributes, out: &mut Vec<Span>) {
    let start = 1_700_000_000_000_000_000 + t * 12_500;
    let jitter = (t * 7919) % 5_000_000; // up to 5 ms of variety for the sketches
    let a = &services[(t as usize) % SERVICES];
    let b = &services[(t as usize + 1) % SERVICES];
    let span = |n: u64, parent: Option<u64>, service: &Arc<str>, kind, s: u64, e: u64| Span {
        trace_id: TraceId(u128::from(t) + 1),
        span_id: SpanId(n),
        parent_id: parent.map(SpanId),
        links: Vec::new(),
        service: service.clone(),
        kind,
        start_ns: start + s,
        end_ns: start + e + jitter,
        attributes: SpanAttributes::default(),
    };
    use SpanKind::*;
    out.push(span(1, None, a, Server, 0, 10_000_000));
    out.push(span(2, Some(1), a, Internal, 100_000, 900_000));
    out.push(span(3, Some(1), a, Internal, 200_000, 800_000));
    out.push(span(4, Some(3), a, Internal, 300_000, 700_000));
    out.push(span(5, Some(1), a, Client, 1_000_000, 9_000_000));
    out.push(span(6, Some(5), b, Server, 1_500_000, 8_000_000));
    out.push(span(7, Some(6), b, Internal, 1_600_000, 1_900_000));
    out.push(span(8, Some(7), b, Internal, 1_700_000, 1_800_000));
    let mut query = span(9, Some(6), b, Client, 2_000_000, 6_000_000);
    query.attributes = db.clone();
    out.push(query);
    out.push(span(10, Some(6), b, Internal, 6_500_000, 7_000_000));
}

#[test]
fn ten_million_spans_keep_the_state_bounded() {
    let config = AggregateConfig { window: DurationValue::Text("1s".into()), ..AggregateConfig::default() };
    let mut state = LatencyState::new(config).unwrap_or_else(|e| panic!("{e}"));
    let services: Vec<Arc<str>> = (0..SERVICES).map(|i| Arc::from(format!("svc-{i}"))).collect();
    let mut db = SpanAttributes::default();
    db.names_mut().db_system = Some("postgresql".into());
    let traces = TOTAL_SPANS / SPANS_PER_TRACE;
    let (mut accepted, mut paired) = (0, 0);
    let mut first_keys = None;
    let mut max_slices = 0;
    let mut spans = Vec::with_capacity((CHUNK_TRACES * SPANS_PER_TRACE) as usize);
    for chunk in 0..traces / CHUNK_TRACES {
        for t in chunk * CHUNK_TRACES..(chunk + 1) * CHUNK_TRACES {
            trace(t, &services, &db, &mut spans);
        }
        let report = state.ingest_spans(spans.drain(..));
        accepted += report.accepted;
        paired += report.paired;
        // Every trace closes within its chunk: nothing is left waiting.
        assert_eq!(report.pending, 0);
        assert_eq!((report.expired, report.dropped), (0, 0));
        let keys = state.key_count();
        max_slices = max_slices.max(state.slice_count());
        if chunk == 0 {
            first_keys = Some(keys);
        }
        assert_eq!(Some(keys), first_keys, "keys grew at chunk {chunk}");
    }
    assert_eq!(accepted, TOTAL_SPANS);
    assert_eq!(paired, traces); // one CLIENT↔SERVER pair per trace
    // 8 services, 8 service→service edges, 8 database edges (and their 8 virtual... one shared `postgresql`
    // node), 8 user edges, `user`, 8 entry points.
    assert_eq!(state.key_count(), 8 + 1 + 1 + 8 + 8 + 8 + 8);
    // Each key holds at most (slices per window + 1) slices in each of its sketches (an edge has the most five:
    // latency, server, gap, queue delay, critical-path time), whatever the spans.
    let per_key_bound = 5 * (SLICES_PER_WINDOW as usize + 1);
    assert!(max_slices <= state.key_count() * per_key_bound, "{max_slices}");
    assert_eq!(state.pending(), 0);
    let snapshot = state.snapshot();
    let node = snapshot.nodes.iter().find(|n| n.id == "svc-0").map(|n| n.stats.clone());
    let stats = node.unwrap_or_else(|| panic!("svc-0 missing"));
    // Counts are totals; the window holds the last 1 s (±1 slice of 0.1 s) of svc-0's entries: it is the root
    // of one trace in 8 and the callee of another, at 80 000 traces per second of event time.
    assert_eq!(stats.count, 2 * traces / SERVICES as u64);
    let per_second = 2.0 * 80_000.0 / SERVICES as f64;
    let window_count = stats.window_count as f64;
    assert!(window_count >= 0.9 * per_second && window_count <= 1.1 * per_second, "{window_count}");
}
