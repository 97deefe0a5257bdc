//! Fuzzes the Zipkin reader and everything behind it: arbitrary bytes are ingested twice (so pairing across
//! batches, waiting stores and expiry run), flushed, and snapshotted; nothing may panic, hang or grow unbounded.
#![no_main]

use latency_heatmap::aggregate::{AggregateConfig, LatencyState};
use latency_heatmap::telemetry::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = AggregateConfig { max_pending: 64, ..AggregateConfig::default() };
    let Ok(mut state) = LatencyState::new(config) else { return };
    let report = state.ingest(Format::Zipkin, data);
    assert_eq!(report.spans_read, report.accepted + report.rejected);
    assert!(report.rejections.len() <= 20);
    let half = data.len() / 2;
    let _ = state.ingest(Format::Zipkin, &data[half..]);
    let _ = state.flush_pending();
    assert_eq!(state.pending(), 0);
    let snapshot = state.snapshot();
    for stats in snapshot.nodes.iter().map(|n| &n.stats).chain(snapshot.edges.iter().map(|e| &e.stats)) {
        assert!(finite(stats), "{stats:?}");
    }
});

/// No NaN or infinity in any figure.
fn finite(stats: &latency_heatmap::aggregate::StatsView) -> bool {
    let figures = [stats.error_rate, stats.rate_per_sec, stats.mean_ms, stats.ewma_ms, stats.p50_ms, stats.p95_ms, stats.p99_ms];
    figures.iter().flatten().chain(&stats.recent_ms).all(|v| v.is_finite())
}
