//! The latency state of one key (a service, an edge, an entry point): count, errors, cumulative moving average,
//! event-time EWMA, the last K samples, and a DDSketch per time slice for p50/p95/p99 over a sliding window.
//!
//! Owns recording samples, pruning slices that left the window, merging two keys' stats (for System/Domain groups,
//! done by the evaluation layer) and the serialisable [`StatsView`]. Memory is O(slices) per key whatever the
//! number of samples. A key fed by metrics instead holds a [`MetricsReading`] (the latest round's histogram and
//! rates): its view, quantiles and merges then read that, so nothing downstream asks where the figures came from.
//! Knows nothing of spans or of what a key means.

mod metrics;
mod sketch;

use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

pub use metrics::MetricsReading;
use sketch::Sketch;

/// How stats are kept; the same for every key of one `LatencyState`, so it is passed in rather than stored per key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatsSettings {
    /// The sliding window in ms, or `None` for "all" (one slice kept forever).
    pub window_ms: Option<f64>,
    /// How many of the newest slices quantiles, window counts, error rates and rates read: `SLICES_PER_WINDOW`
    /// (the whole window) unless a snapshot asks for a shorter window ([`StatsSettings::reading`]). Recording and
    /// pruning always keep the whole window.
    pub read_slices: u32,
    pub half_life_ms: f64,
    pub recent_samples: usize,
}

/// Slices per window: p95 over "the last 5 minutes" moves in 30 s steps.
pub const SLICES_PER_WINDOW: u32 = 10;

/// Recent samples a key makes room for with its first one (the default keeps 10).
const RECENT_RESERVED: usize = 16;

impl StatsSettings {
    /// Width of one slice in ms (`None`: one slice for "all").
    pub fn slice_ms(&self) -> Option<f64> {
        let window_ms = self.window_ms?;
        Some((window_ms / f64::from(SLICES_PER_WINDOW)).max(1.0))
    }

    fn slice_of(&self, at_ms: f64) -> i64 {
        match self.slice_ms() {
            // `as` saturates for out-of-range floats; event times are bounded by u64 ns anyway.
            Some(width) => (at_ms / width).floor() as i64,
            None => 0,
        }
    }

    /// These settings reading only the newest `slices` slices (at least one, at most the whole window).
    pub fn reading(self, slices: u32) -> StatsSettings {
        StatsSettings { read_slices: slices.clamp(1, SLICES_PER_WINDOW), ..self }
    }

    /// What quantiles and rates are read over in ms: the whole window, or the newest `read_slices` slices of it
    /// (`None` for "all").
    pub fn read_window_ms(&self) -> Option<f64> {
        let window_ms = self.window_ms?;
        match self.slice_ms() {
            Some(slice_ms) if self.read_slices < SLICES_PER_WINDOW => Some(slice_ms * f64::from(self.read_slices)),
            _ => Some(window_ms),
        }
    }

    /// The oldest slice quantiles and rates read at `watermark_ms` (the oldest live one unless reading fewer).
    fn first_read_slice(&self, watermark_ms: f64) -> i64 {
        match self.read_window_ms() {
            Some(window) => self.slice_of(watermark_ms - window) + 1,
            None => i64::MIN,
        }
    }

    /// The oldest slice still inside the window ending at `watermark_ms`.
    fn first_live_slice(&self, watermark_ms: f64) -> i64 {
        match self.window_ms {
            Some(window) => self.slice_of(watermark_ms - window) + 1,
            None => i64::MIN,
        }
    }

    /// Whether a sample at `at_ms` is still in the window ending at `watermark_ms`, to the slice (as quantiles and
    /// pruning see it); always with the window "all".
    pub fn in_window(&self, at_ms: f64, watermark_ms: f64) -> bool {
        self.slice_of(at_ms) >= self.first_live_slice(watermark_ms)
    }
}

/// When a sample happened, placed in the window: worked out once for all the stats one observation updates.
#[derive(Debug, Clone)]
pub struct SampleTime {
    at_ms: f64,
    slice: i64,
    first_live_slice: i64,
    /// The last (age, half-life, decay factor): stats recorded together (a node's latency and self time; an
    /// edge's latency, server time and gap) usually decay by the same age, and `exp` is costly in wasm.
    last_decay: Cell<(f64, f64, f64)>,
}

impl SampleTime {
    /// A sample ending at event time `at_ms`, with the window ending at `watermark_ms`.
    pub fn new(settings: &StatsSettings, at_ms: f64, watermark_ms: f64) -> Self {
        SampleTime {
            at_ms,
            slice: settings.slice_of(at_ms),
            first_live_slice: settings.first_live_slice(watermark_ms),
            last_decay: Cell::new((f64::NAN, f64::NAN, f64::NAN)),
        }
    }

    /// `decay(age_ms, half_life_ms)`, remembered for the next stats of the observation.
    fn decay(&self, age_ms: f64, half_life_ms: f64) -> f64 {
        if age_ms == 0.0 {
            return 1.0; // what `decay` gives, and the common case of the newest sample
        }
        let (age, half_life, factor) = self.last_decay.get();
        if age == age_ms && half_life == half_life_ms {
            return factor;
        }
        let factor = decay(age_ms, half_life_ms);
        self.last_decay.set((age_ms, half_life_ms, factor));
        factor
    }
}

#[derive(Clone)]
struct Slice {
    index: i64,
    count: u64,
    errors: u64,
    sketch: Sketch,
}

/// The slices of one window merged: what quantiles are read from.
#[derive(Clone)]
struct Window {
    first_live_slice: i64,
    sketch: Sketch,
    count: u64,
    errors: u64,
}

/// One key's latency state. Values are milliseconds; event times are ms since the Unix epoch.
#[derive(Clone)]
pub struct LatencyStats {
    count: u64,
    errors: u64,
    /// Samples that were not a finite, non-negative number: counted, not recorded.
    malformed: u64,
    mean_ms: f64,
    /// Event-time EWMA as a decayed weighted sum: order-independent, so out-of-order spans weigh by their time.
    ewma_sum: f64,
    ewma_weight: f64,
    ewma_at_ms: f64,
    recent: VecDeque<f64>,
    /// Ordered by `index`, at most `SLICES_PER_WINDOW + 1` long.
    slices: VecDeque<Slice>,
    newest_at_ms: f64,
    /// The merged window last read, until the slices change: a snapshot reads one key's window several times (its
    /// view, its judgement, every critical path through it), and merging ten sketches each time was half its cost.
    window: RefCell<Option<Window>>,
    /// The latest metrics round's figures for this key; when present, they are what the key shows.
    metrics: Option<Box<MetricsReading>>,
}

impl std::fmt::Debug for LatencyStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyStats")
            .field("count", &self.count)
            .field("errors", &self.errors)
            .field("mean_ms", &self.mean_ms)
            .field("slices", &self.slices.len())
            .field("metrics", &self.metrics)
            .finish_non_exhaustive()
    }
}

impl Default for LatencyStats {
    fn default() -> Self {
        LatencyStats {
            count: 0,
            errors: 0,
            malformed: 0,
            mean_ms: 0.0,
            ewma_sum: 0.0,
            ewma_weight: 0.0,
            ewma_at_ms: f64::NEG_INFINITY,
            recent: VecDeque::new(),
            slices: VecDeque::new(),
            newest_at_ms: f64::NEG_INFINITY,
            window: RefCell::new(None),
            metrics: None,
        }
    }
}

/// Weight factor for something `age_ms` older than the reference time.
fn decay(age_ms: f64, half_life_ms: f64) -> f64 {
    if half_life_ms <= 0.0 {
        return if age_ms <= 0.0 { 1.0 } else { 0.0 };
    }
    (-(age_ms / half_life_ms) * std::f64::consts::LN_2).exp()
}

impl LatencyStats {
    /// Records one sample of `value_ms` that ended at event time `at_ms`, pruning against `watermark_ms`.
    pub fn record(&mut self, settings: &StatsSettings, at_ms: f64, value_ms: f64, error: bool, watermark_ms: f64) {
        self.record_at(settings, &SampleTime::new(settings, at_ms, watermark_ms), value_ms, error);
    }

    /// [`LatencyStats::record`] at a time already placed in the window.
    pub fn record_at(&mut self, settings: &StatsSettings, time: &SampleTime, value_ms: f64, error: bool) {
        let at_ms = time.at_ms;
        if !value_ms.is_finite() || value_ms < 0.0 || !at_ms.is_finite() {
            self.malformed += 1;
            return;
        }
        self.count += 1;
        self.errors += u64::from(error);
        self.mean_ms += (value_ms - self.mean_ms) / self.count as f64;
        self.add_ewma(at_ms, value_ms, 1.0, |age| time.decay(age, settings.half_life_ms));
        if settings.recent_samples > 0 {
            if self.recent.len() >= settings.recent_samples {
                self.recent.pop_front();
            } else if self.recent.capacity() == 0 {
                // Room for the usual few at once rather than growing 4, 8, 16.
                self.recent.reserve_exact(settings.recent_samples.min(RECENT_RESERVED));
            }
            self.recent.push_back(value_ms);
        }
        self.newest_at_ms = self.newest_at_ms.max(at_ms);
        if time.slice < time.first_live_slice {
            return; // Late: already outside the window; counted above, not in the window's quantiles.
        }
        let slice = self.slice_mut(time.slice);
        slice.count += 1;
        slice.errors += u64::from(error);
        slice.sketch.add(value_ms);
        // Only a new slice can take the count past the window's; older ones leave then (and at every batch end).
        if self.slices.len() > SLICES_PER_WINDOW as usize + 1 {
            self.drop_slices_before(time.first_live_slice);
        }
    }

    fn add_ewma(&mut self, at_ms: f64, value_ms: f64, weight: f64, decay: impl Fn(f64) -> f64) {
        if self.ewma_weight == 0.0 || at_ms > self.ewma_at_ms {
            let factor = if self.ewma_weight == 0.0 { 0.0 } else { decay(at_ms - self.ewma_at_ms) };
            self.ewma_sum *= factor;
            self.ewma_weight *= factor;
            self.ewma_at_ms = at_ms;
        }
        let w = weight * decay(self.ewma_at_ms - at_ms);
        self.ewma_sum += w * value_ms;
        self.ewma_weight += w;
    }

    fn slice_mut(&mut self, index: i64) -> &mut Slice {
        *self.window.get_mut() = None;
        // Most samples land in the newest slice.
        if self.slices.back().is_some_and(|s| s.index == index) {
            let last = self.slices.len() - 1;
            return &mut self.slices[last];
        }
        let position = self.slices.partition_point(|s| s.index < index);
        if self.slices.get(position).is_none_or(|s| s.index != index) {
            self.slices.insert(position, Slice { index, count: 0, errors: 0, sketch: Sketch::default() });
        }
        // Present: found or inserted just above.
        &mut self.slices[position]
    }

    /// Drops slices that left the window ending at `watermark_ms`.
    pub fn prune(&mut self, settings: &StatsSettings, watermark_ms: f64) {
        self.drop_slices_before(settings.first_live_slice(watermark_ms));
    }

    fn drop_slices_before(&mut self, first: i64) {
        while self.slices.front().is_some_and(|s| s.index < first) {
            self.slices.pop_front();
            *self.window.get_mut() = None;
        }
    }

    /// Merges `other` into `self` (both kept with the same settings): counts add, means weigh by count, sketches
    /// of the same slice merge, recent samples keep the last K of both.
    pub fn merge(&mut self, other: &LatencyStats, settings: &StatsSettings) {
        let total = self.count + other.count;
        if total > 0 {
            self.mean_ms = (self.mean_ms * self.count as f64 + other.mean_ms * other.count as f64) / total as f64;
        }
        self.count = total;
        self.errors += other.errors;
        self.malformed += other.malformed;
        if other.ewma_weight > 0.0 {
            let scale = other.ewma_weight;
            self.add_ewma(other.ewma_at_ms, other.ewma_sum / scale, scale, |age| decay(age, settings.half_life_ms));
        }
        self.recent.extend(other.recent.iter().copied());
        while self.recent.len() > settings.recent_samples {
            self.recent.pop_front();
        }
        for slice in &other.slices {
            let mine = self.slice_mut(slice.index);
            mine.count += slice.count;
            mine.errors += slice.errors;
            mine.sketch.merge(&slice.sketch);
        }
        self.newest_at_ms = self.newest_at_ms.max(other.newest_at_ms);
        match (&mut self.metrics, &other.metrics) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => self.metrics = Some(theirs.clone()),
            _ => {}
        }
    }

    /// Replaces the metrics figures (`None`: this key had none in the latest round).
    pub fn set_metrics(&mut self, reading: Option<MetricsReading>) {
        self.metrics = reading.map(Box::new);
    }

    pub fn metrics(&self) -> Option<&MetricsReading> {
        self.metrics.as_deref()
    }

    /// Samples recorded, or with a metrics reading the requests estimated in its rate window.
    pub fn count(&self) -> u64 {
        self.count + self.metrics.as_ref().map_or(0, |m| m.window_count())
    }

    pub fn errors(&self) -> u64 {
        self.errors + self.metrics.as_ref().map_or(0, |m| m.window_errors())
    }

    /// Slices currently held (memory is proportional to this, never to the sample count).
    pub fn slice_count(&self) -> usize {
        self.slices.len()
    }

    /// `read` on the merged sketch of the window ending at `watermark_ms`, with its count and errors; merged once
    /// and kept until a sample, a merge or a prune changes the slices.
    fn with_window<R>(
        &self,
        settings: &StatsSettings,
        watermark_ms: f64,
        read: impl FnOnce(&Sketch, u64, u64) -> R,
    ) -> R {
        let first = settings.first_read_slice(watermark_ms);
        let mut cached = self.window.borrow_mut();
        let window = match cached.take() {
            Some(window) if window.first_live_slice == first => window,
            _ => {
                let live = || self.slices.iter().filter(|s| s.index >= first);
                Window {
                    first_live_slice: first,
                    sketch: Sketch::merged(live().map(|s| &s.sketch)),
                    count: live().map(|s| s.count).sum(),
                    errors: live().map(|s| s.errors).sum(),
                }
            }
        };
        let result = read(&window.sketch, window.count, window.errors);
        *cached = Some(window);
        result
    }

    /// The sum of the samples in the window ending at `watermark_ms` (each slice's sketch keeps its exact sum).
    pub fn window_sum(&self, settings: &StatsSettings, watermark_ms: f64) -> f64 {
        let first = settings.first_read_slice(watermark_ms);
        // `fold` from +0.0: `Iterator::sum` of no floats is -0.0, which would reach the snapshot as `-0`.
        self.slices.iter().filter(|s| s.index >= first).filter_map(|s| s.sketch.sum()).fold(0.0, |a, b| a + b)
    }

    /// The quantile `q` over the window, `None` without data.
    pub fn quantile(&self, settings: &StatsSettings, watermark_ms: f64, q: f64) -> Option<f64> {
        if let Some(metrics) = &self.metrics {
            return metrics.quantile_ms(q);
        }
        self.with_window(settings, watermark_ms, |sketch, _, _| quantile_of(sketch, q))
    }

    /// What the snapshot shows. `observed_ms` is how much event time "all" covers, for its rate.
    pub fn view(&self, settings: &StatsSettings, watermark_ms: f64, observed_ms: f64) -> StatsView {
        if let Some(metrics) = &self.metrics {
            return metrics_view(metrics);
        }
        let (mut p50, mut p95, mut p99, window_count, window_errors) =
            self.with_window(settings, watermark_ms, |sketch, count, errors| {
                let q = |q: f64| quantile_of(sketch, q);
                (q(0.5), q(0.95), q(0.99), count, errors)
            });
        // No sample in the window but some before: show the latest sample, flagged, rather than nothing.
        let fallback = p50.is_none() && !self.recent.is_empty();
        if fallback {
            let last = self.recent.back().copied();
            (p50, p95, p99) = (last, last, last);
        }
        let seconds = settings.read_window_ms().unwrap_or(observed_ms) / 1000.0;
        StatsView {
            count: self.count,
            errors: self.errors,
            window_count,
            error_rate: (window_count > 0).then(|| window_errors as f64 / window_count as f64),
            rate_per_sec: finite((seconds > 0.0).then(|| window_count as f64 / seconds)),
            mean_ms: finite((self.count > 0).then_some(self.mean_ms)),
            ewma_ms: finite((self.ewma_weight > 0.0).then(|| self.ewma_sum / self.ewma_weight)),
            p50_ms: p50,
            p95_ms: p95,
            p99_ms: p99,
            self_p95_ms: None,
            recent_ms: self.recent.iter().copied().collect(),
            fallback,
            malformed: self.malformed,
        }
    }
}

/// What a key fed by metrics shows: the round's figures over its rate window (a snapshot's shorter window cannot
/// re-slice a rate Prometheus already took). No mean, EWMA or recent samples: metrics carry no single requests.
fn metrics_view(metrics: &MetricsReading) -> StatsView {
    let window_count = metrics.window_count();
    StatsView {
        count: window_count,
        errors: metrics.window_errors(),
        window_count,
        error_rate: metrics.error_rate(),
        rate_per_sec: metrics.rate_per_sec(),
        mean_ms: None,
        ewma_ms: None,
        p50_ms: metrics.quantile_ms(0.5),
        p95_ms: metrics.quantile_ms(0.95),
        p99_ms: metrics.quantile_ms(0.99),
        self_p95_ms: None,
        recent_ms: Vec::new(),
        fallback: false,
        malformed: 0,
    }
}

/// A sketch quantile clamped to the exact min and max the sketch keeps (a bucket's representative value may lie
/// just outside them; clamping makes single samples and extremes exact).
fn quantile_of(sketch: &Sketch, q: f64) -> Option<f64> {
    let value = finite(sketch.quantile(q))?;
    Some(match (sketch.min(), sketch.max()) {
        (Some(min), Some(max)) if min <= max => value.clamp(min, max),
        _ => value,
    })
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// One key's figures as the UI and scorecards read them. No NaN or ∞: a figure without data is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    /// Samples ever recorded for this key (since the last reset).
    pub count: u64,
    pub errors: u64,
    /// Samples inside the window (what `errorRate`, `ratePerSec` and the quantiles are computed over).
    pub window_count: u64,
    pub error_rate: Option<f64>,
    pub rate_per_sec: Option<f64>,
    /// Cumulative moving average over every sample.
    pub mean_ms: Option<f64>,
    /// Exponentially weighted average with the configured half-life, in event time.
    pub ewma_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub self_p95_ms: Option<f64>,
    pub recent_ms: Vec<f64>,
    /// The quantiles are the latest sample alone: nothing of this key fell inside the window.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub fallback: bool,
    /// Samples that were not a finite, non-negative latency (ignored).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub malformed: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(window_ms: Option<f64>) -> StatsSettings {
        StatsSettings { window_ms, read_slices: SLICES_PER_WINDOW, half_life_ms: 60_000.0, recent_samples: 3 }
    }

    #[test]
    fn quantiles_within_one_percent_of_exact() {
        let s = settings(None);
        let mut stats = LatencyStats::default();
        let mut values: Vec<f64> = (1..=10_000).map(|i| (i as f64 * 7.31) % 997.0 + 0.5).collect();
        for (i, v) in values.iter().enumerate() {
            stats.record(&s, i as f64, *v, false, i as f64);
        }
        values.sort_by(f64::total_cmp);
        for q in [0.5, 0.95, 0.99] {
            let exact = values[(q * (values.len() - 1) as f64) as usize];
            let got = stats.quantile(&s, 10_000.0, q).unwrap_or(f64::NAN);
            assert!((got - exact).abs() <= 0.01 * exact, "q{q}: {got} vs {exact}");
        }
    }

    #[test]
    fn window_slides_in_event_time_and_memory_stays_bounded() {
        let s = settings(Some(10_000.0));
        let mut stats = LatencyStats::default();
        for t in 0..100_000u32 {
            stats.record(&s, f64::from(t), if t < 90_000 { 1000.0 } else { 10.0 }, t % 10 == 0, f64::from(t));
            assert!(stats.slice_count() <= SLICES_PER_WINDOW as usize + 1);
        }
        let view = stats.view(&s, 99_999.0, 0.0);
        assert_eq!(view.count, 100_000);
        assert_eq!(view.p99_ms.map(|v| (v - 10.0).abs() < 0.1), Some(true), "{view:?}");
        assert!(view.window_count <= 10_000 && view.window_count >= 9_000);
        assert_eq!(view.recent_ms, vec![10.0, 10.0, 10.0]);
        assert_eq!(view.error_rate.map(|r| (r - 0.1).abs() < 0.01), Some(true));
    }

    #[test]
    fn the_kept_window_follows_new_samples_merges_prunes_and_the_watermark() {
        let s = settings(Some(10_000.0));
        let mut stats = LatencyStats::default();
        stats.record(&s, 500.0, 10.0, false, 500.0);
        assert_eq!(stats.quantile(&s, 500.0, 0.99), Some(10.0));
        stats.record(&s, 600.0, 50.0, true, 600.0);
        let view = stats.view(&s, 600.0, 0.0);
        assert_eq!((view.window_count, view.error_rate), (2, Some(0.5)));
        assert_eq!(stats.quantile(&s, 600.0, 1.0), Some(50.0));
        let mut other = LatencyStats::default();
        other.record(&s, 9_500.0, 90.0, false, 9_500.0);
        stats.merge(&other, &s);
        assert_eq!(stats.quantile(&s, 9_500.0, 1.0), Some(90.0));
        // The watermark moves past the first slice: read again, not from the kept window.
        assert_eq!(stats.view(&s, 10_100.0, 0.0).window_count, 1);
        assert_eq!(stats.quantile(&s, 10_100.0, 0.0), Some(90.0));
        assert_eq!(stats.quantile(&s, 600.0, 0.0), Some(10.0));
        stats.prune(&s, 10_100.0);
        assert_eq!(stats.quantile(&s, 600.0, 0.0), Some(90.0));
    }

    #[test]
    fn moving_averages_and_fallback() {
        let s = settings(Some(1000.0));
        let mut stats = LatencyStats::default();
        stats.record(&s, 0.0, 10.0, false, 0.0);
        stats.record(&s, 60_000.0, 30.0, false, 60_000.0);
        let view = stats.view(&s, 60_000.0, 0.0);
        assert_eq!(view.mean_ms, Some(20.0));
        // One half-life later the first sample weighs half: (10·½ + 30) / 1.5.
        assert!((view.ewma_ms.unwrap_or(0.0) - 35.0 / 1.5).abs() < 1e-9, "{view:?}");
        let later = stats.view(&s, 900_000.0, 0.0);
        assert!(later.fallback);
        assert_eq!(later.p95_ms, Some(30.0));
        stats.record(&s, 1.0, f64::NAN, false, 1.0);
        stats.record(&s, 1.0, -1.0, false, 1.0);
        let json = serde_json::to_string(&stats.view(&s, 60_000.0, 0.0)).expect("a view serialises");
        assert!(json.contains("\"malformed\":2") && !json.contains("NaN"), "{json}");
    }

    #[test]
    fn window_sum_counts_only_samples_in_the_window() {
        let s = settings(Some(10_000.0));
        let mut stats = LatencyStats::default();
        stats.record(&s, 0.0, 4.0, false, 0.0);
        stats.record(&s, 5_000.0, 2.5, false, 5_000.0);
        assert_eq!(stats.window_sum(&s, 5_000.0), 6.5);
        stats.record(&s, 15_000.0, 1.0, false, 15_000.0);
        // Slices are 1 s wide. At 14 s the window keeps the slices from 5 s on: the sample at 0 s has left.
        assert_eq!(stats.window_sum(&s, 14_000.0), 3.5);
        // At 20 s only the slice from 11 s on count: the sample at 15 s alone.
        assert_eq!(stats.window_sum(&s, 20_000.0), 1.0);
        assert!(LatencyStats::default().window_sum(&s, 0.0).to_bits() == 0.0f64.to_bits(), "+0, not -0");
    }

    #[test]
    fn merge_equals_recording_everything_in_one() {
        let s = settings(Some(60_000.0));
        let (mut a, mut b, mut both) = (LatencyStats::default(), LatencyStats::default(), LatencyStats::default());
        for i in 0..1000u32 {
            let (t, v) = (f64::from(i) * 50.0, f64::from(i % 97) + 1.0);
            if i % 3 == 0 { &mut a } else { &mut b }.record(&s, t, v, i % 5 == 0, t);
            both.record(&s, t, v, i % 5 == 0, t);
        }
        a.merge(&b, &s);
        let (va, vb) = (a.view(&s, 49_950.0, 0.0), both.view(&s, 49_950.0, 0.0));
        assert_eq!((va.count, va.errors, va.window_count), (vb.count, vb.errors, vb.window_count));
        assert_eq!((va.p50_ms, va.p95_ms, va.p99_ms), (vb.p50_ms, vb.p95_ms, vb.p99_ms));
        assert!((va.mean_ms.unwrap_or(0.0) - vb.mean_ms.unwrap_or(1.0)).abs() < 1e-9);
        assert!((va.ewma_ms.unwrap_or(0.0) - vb.ewma_ms.unwrap_or(1.0)).abs() < 1e-6);
    }
}
