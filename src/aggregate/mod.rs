//! Spans (or service-graph metrics) → latency state: pairing spans into calls, the per-service and per-edge latency
//! kept across polls, self time, critical paths and entry points, and the [`LatencySnapshot`] built from them.
//!
//! Owns [`LatencyState`], the one object the `HeatMap` holds: `ingest` streams a document through a telemetry
//! reader straight into pairing (no span list is built), `snapshot` reads. Everything runs in event time (the
//! newest span end seen, short of spans from fast clocks: `event_time.rs`), never reading a clock, so it behaves
//! the same on wasm32 and in recorded replays; a live caller may pass its wall clock in as the reference.
//! Knows nothing of the catalog, thresholds, colours, layout or wasm.

mod calls;
mod config;
mod critical_path;
mod event_time;
mod metrics;
mod pairing;
mod pending;
mod seen;
mod snapshot;
mod state;
mod stats;
mod trace;
mod warning;

use serde::{Deserialize, Serialize};

use crate::telemetry::{self, Format, ReadLimits, RejectReason, Span, SpanSink};

pub use calls::{CallKind, CallObservation, EdgeKey, USER_NODE};
pub use config::{AggregateConfig, ConfigError, DurationValue, Settings, DEFAULT_MAX_KEYS};
pub use event_time::{FutureSpans, MAX_REPORTED_SERVICES};
pub use metrics::ServiceGraphReport;
pub use pairing::PairingCounts;
pub use snapshot::{EdgeSnapshot, EntryPointSnapshot, LatencySnapshot, NodeSnapshot, SnapshotWindow};
pub use state::{EdgeState, EntryPointState, KeyRef, NodeState};
pub use stats::{LatencyStats, MetricsReading, StatsSettings, StatsView, SLICES_PER_WINDOW};
pub use warning::AggregateWarning;

/// Rejections listed in one report (all are counted).
pub const MAX_REPORTED_REJECTIONS: usize = 20;

/// One rejected span and where it was in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub location: String,
    pub reason: String,
}

/// What one `ingest` call did. Pairing figures are for this call; `pending` is what waits now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestReport {
    /// Absent when spans were handed over directly rather than read from a document.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub format: Option<Format>,
    pub spans_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// The first [`MAX_REPORTED_REJECTIONS`] rejections.
    pub rejections: Vec<Rejection>,
    pub paired: u64,
    pub inferred: u64,
    pub pending: u64,
    pub expired: u64,
    pub dropped: u64,
    /// Service names and attribute values cut to [`telemetry::MAX_VALUE_CHARS`] characters in this document.
    pub truncated: u64,
    /// Spans skipped because the same (trace id, span id) was taken before: repeated in the document, re-polled,
    /// or arriving after their trace was analysed. They are included in `accepted`.
    pub duplicates: u64,
    /// Services whose spans ended more than `maxClockSkew` ahead (their host clock is probably fast), at most
    /// [`MAX_REPORTED_SERVICES`], most spans first. Those spans were recorded as ending at the reference time.
    pub future_spans: Vec<FutureSpans>,
    /// Why the document could not be read to its end (spans before that point were still taken).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

impl IngestReport {
    fn empty(format: Option<Format>) -> Self {
        IngestReport {
            format,
            spans_read: 0,
            accepted: 0,
            rejected: 0,
            rejections: Vec::new(),
            paired: 0,
            inferred: 0,
            pending: 0,
            expired: 0,
            dropped: 0,
            truncated: 0,
            duplicates: 0,
            future_spans: Vec::new(),
            error: None,
        }
    }
}

/// Latency state kept across polls, for the life of a `HeatMap`.
pub struct LatencyState {
    settings: Settings,
    limits: ReadLimits,
    pairing: pairing::Pairing,
    keys: state::KeyedStats,
    /// What the latest service-graph round could not tell (`metrics.rs`), shown in every snapshot until the next.
    metrics_warnings: Vec<AggregateWarning>,
}

/// Feeds a reader's output into pairing and the report.
struct IngestSink<'a> {
    state: &'a mut LatencyState,
    report: &'a mut IngestReport,
}

impl SpanSink for IngestSink<'_> {
    fn span(&mut self, span: Span) {
        self.report.accepted += 1;
        self.state.pairing.add(span, &self.state.settings, &mut self.state.keys);
    }

    fn reject(&mut self, location: String, reason: RejectReason) {
        self.report.rejected += 1;
        if self.report.rejections.len() < MAX_REPORTED_REJECTIONS {
            self.report.rejections.push(Rejection { location, reason: reason.to_string() });
        }
    }

    fn truncated(&mut self, values: u32) {
        self.report.truncated += u64::from(values);
    }
}

impl LatencyState {
    pub fn new(config: AggregateConfig) -> Result<Self, ConfigError> {
        let settings = config.validate()?;
        let keys = state::KeyedStats::new(&settings);
        Ok(LatencyState {
            settings,
            limits: config.read_limits()?,
            pairing: pairing::Pairing::default(),
            keys,
            metrics_warnings: Vec::new(),
        })
    }

    /// The `window` (ms), `None` for `"all"`.
    pub fn window_ms(&self) -> Option<f64> {
        self.settings.stats.window_ms
    }

    /// Live use: the caller's wall-clock now in ms since the epoch, the reference against which spans count as
    /// ending too far ahead (more than `maxClockSkew`). `None` (or a value that is not a finite, non-negative
    /// number) goes back to the recorded-replay reference: the 0.99 quantile of each document's span ends, never
    /// behind the watermark.
    pub fn set_wall_clock(&mut self, now_ms: Option<f64>) {
        // `as` saturates: a wall clock of centuries is just "far ahead".
        self.pairing.clock.wall_ns = now_ms.filter(|ms| ms.is_finite() && *ms >= 0.0).map(|ms| (ms * 1e6) as u64);
    }

    /// Reads one document and records what it says. Never fails: a document that breaks off is reported in
    /// `error`, with everything read before the break kept.
    pub fn ingest(&mut self, format: Format, bytes: &[u8]) -> IngestReport {
        let limits = self.limits;
        self.batch(Some(format), |sink| telemetry::read(format, bytes, &limits, sink).err().map(|e| e.to_string()))
    }

    /// Reads a document whose format is told by its shape ([`telemetry::detect`]); the report says which format
    /// it read, or why it could not tell.
    pub fn ingest_detected(&mut self, bytes: &[u8]) -> IngestReport {
        match telemetry::detect(bytes) {
            Some(detected) => self.ingest(detected.format, bytes),
            None => self.batch(None, |_| Some(telemetry::IngestError::UnknownFormat.to_string())),
        }
    }

    /// Records spans handed over directly (tests, benchmarks, other readers), as one batch.
    pub fn ingest_spans(&mut self, spans: impl IntoIterator<Item = Span>) -> IngestReport {
        self.batch(None, |sink| {
            for span in spans {
                sink.span(span);
            }
            None
        })
    }

    fn batch(&mut self, format: Option<Format>, read: impl FnOnce(&mut dyn SpanSink) -> Option<String>) -> IngestReport {
        let before = self.pairing.counts;
        let mut report = IngestReport::empty(format);
        report.error = read(&mut IngestSink { state: self, report: &mut report });
        self.pairing.end_batch(&self.settings, &mut self.keys);
        self.keys.prune(&self.settings.stats);
        self.fill_counts(&mut report, before);
        report
    }

    fn fill_counts(&mut self, report: &mut IngestReport, before: PairingCounts) {
        let now = self.pairing.counts;
        report.spans_read = report.accepted + report.rejected;
        report.future_spans = self.pairing.clock.take_batch();
        report.paired = now.paired - before.paired;
        report.inferred = now.inferred - before.inferred;
        report.expired = now.expired - before.expired;
        report.dropped = now.dropped - before.dropped;
        report.pending = self.pairing.pending() as u64;
        report.duplicates = now.duplicates - before.duplicates;
    }

    /// Analyses everything still waiting as if its TTL had passed: the end of a recorded replay. Unpaired
    /// callers become edges to virtual nodes. Returns the counts as an ingest report without format.
    pub fn flush_pending(&mut self) -> IngestReport {
        let before = self.pairing.counts;
        let mut report = IngestReport::empty(None);
        self.pairing.flush(&self.settings, &mut self.keys);
        self.keys.prune(&self.settings.stats);
        self.fill_counts(&mut report, before);
        report
    }

    pub fn reset(&mut self) {
        // The wall clock is the caller's, not state: it survives the reset.
        let wall_ns = self.pairing.clock.wall_ns;
        self.pairing = pairing::Pairing::default();
        self.pairing.clock.wall_ns = wall_ns;
        self.keys = state::KeyedStats::new(&self.settings);
        self.metrics_warnings.clear();
    }

    pub fn snapshot(&self) -> LatencySnapshot {
        self.snapshot_reading(&self.settings.stats)
    }

    /// [`LatencyState::snapshot`] read with `stats`: the state's own settings, possibly reading fewer slices (a
    /// snapshot's shorter window, [`StatsSettings::reading`]).
    pub fn snapshot_reading(&self, stats: &StatsSettings) -> LatencySnapshot {
        let counts = self.pairing.counts;
        let mut warnings = Vec::new();
        if counts.dropped > 0 {
            let max_pending = self.settings.max_pending;
            warnings.push(AggregateWarning::DroppedSpans { spans: counts.dropped, max_pending });
        }
        if counts.duplicates > 0 {
            warnings.push(AggregateWarning::DuplicateSpans { spans: counts.duplicates });
        }
        warnings.extend(self.keys.key_limit_warning());
        if let Some((spans, services, others)) = self.pairing.clock.totals() {
            let max_clock_skew_ms = self.settings.max_clock_skew_ns / 1_000_000;
            warnings.push(AggregateWarning::FutureSpans { spans, services, others, max_clock_skew_ms });
        }
        warnings.extend(self.metrics_warnings.iter().cloned());
        LatencySnapshot::build(&self.keys, stats, warnings)
    }

    /// The settings every key's stats are kept with (needed to merge or view them).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Event time "now": the newest span end seen, in ms since the Unix epoch (0 before any span), short of
    /// future spans (more than `maxClockSkew` ahead of the reference). Windows and quantiles are taken relative to
    /// it.
    pub fn watermark_ms(&self) -> f64 {
        self.keys.watermark_ms()
    }

    /// Event time covered so far in ms (newest − oldest span end): what a rate over the `"all"` window divides by.
    pub fn observed_ms(&self) -> f64 {
        self.keys.observed_ms()
    }

    /// Critical-path time in the window over every service and call, in ms: what a `criticalPathShare` is a
    /// share of (also for System/Domain groups, whose merged state is divided by the same total).
    pub fn critical_total_ms(&self, stats: &StatsSettings) -> f64 {
        self.keys.critical_total_ms(stats)
    }

    /// Pairing counts since creation or the last reset.
    pub fn counts(&self) -> PairingCounts {
        self.pairing.counts
    }

    /// A service's state, for merging nodes into System/Domain groups (`LatencyStats::merge`).
    pub fn stats_for_node(&self, id: &str) -> Option<&NodeState> {
        self.keys.node(id)
    }

    /// Each service's snapshot (as [`LatencyState::snapshot`] lists it) with its state, sorted by id: what a view
    /// that judges nodes on their stats walks.
    pub fn node_views(&self) -> Vec<(NodeSnapshot, &NodeState)> {
        snapshot::node_views(&self.keys, &self.settings.stats)
    }

    /// Each call's snapshot (as [`LatencyState::snapshot`] lists it) with its state, sorted by id.
    pub fn edge_views(&self) -> Vec<(EdgeSnapshot, &EdgeState)> {
        snapshot::edge_views(&self.keys, &self.settings.stats)
    }

    /// The usual critical path of the entry point `service` (its snapshot's `criticalPath`), each hop's id with
    /// its critical-path stats; empty when `service` is no entry point.
    pub fn critical_path_hops(&self, service: &str) -> Vec<(String, &LatencyStats)> {
        self.keys.critical_path_hops(service)
    }

    /// An edge's state by its id (`from→to:kind`).
    pub fn stats_for_edge(&self, id: &str) -> Option<&EdgeState> {
        self.keys.edges().find(|(key, _)| key.id() == id).map(|(_, edge)| edge)
    }

    pub fn nodes(&self) -> impl Iterator<Item = (&str, &NodeState)> {
        self.keys.nodes().map(|(k, v)| (&**k, v))
    }

    pub fn edges(&self) -> impl Iterator<Item = (&EdgeKey, &EdgeState)> {
        self.keys.edges()
    }

    /// Spans waiting in the pending stores.
    pub fn pending(&self) -> usize {
        self.pairing.pending()
    }

    /// Spans remembered as taken, to skip them when they come again (at most `maxSeenSpans`).
    pub fn seen_spans(&self) -> usize {
        self.pairing.seen()
    }

    /// Nodes + edges + entry points held.
    pub fn key_count(&self) -> usize {
        self.keys.key_count()
    }

    /// Window slices held over all keys: memory is proportional to this (O(keys · slices)).
    pub fn slice_count(&self) -> usize {
        self.keys.slice_count()
    }
}
