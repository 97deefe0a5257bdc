//! The check every telemetry fuzz target runs, for its one format: arbitrary bytes are ingested twice (so pairing
//! across batches, waiting stores and expiry run), flushed, and snapshotted; nothing may panic, hang or grow
//! unbounded, and no figure may be NaN or infinite. Included by `otlp.rs`, `jaeger.rs` and `zipkin.rs`.

use latency_heatmap::aggregate::{AggregateConfig, LatencyState, StatsView};
use latency_heatmap::telemetry::Format;

pub fn check(format: Format, data: &[u8]) {
    let config = AggregateConfig { max_pending: 64, ..AggregateConfig::default() };
    let Ok(mut state) = LatencyState::new(config) else { return };
    let report = state.ingest(format, data);
    assert_eq!(report.spans_read, report.accepted + report.rejected);
    assert!(report.rejections.len() <= 20);
    let half = data.len() / 2;
    let _ = state.ingest(format, &data[half..]);
    let _ = state.flush_pending();
    assert_eq!(state.pending(), 0);
    let snapshot = state.snapshot();
    for stats in snapshot.nodes.iter().map(|n| &n.stats).chain(snapshot.edges.iter().map(|e| &e.stats)) {
        assert!(finite(stats), "{stats:?}");
    }
}

fn finite(stats: &StatsView) -> bool {
    let figures = [stats.error_rate, stats.rate_per_sec, stats.mean_ms, stats.ewma_ms, stats.p50_ms, stats.p95_ms, stats.p99_ms];
    figures.iter().flatten().chain(&stats.recent_ms).all(|v| v.is_finite())
}
