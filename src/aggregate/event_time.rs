//! Event time that one clock cannot hijack: the reference "now" a batch is judged against, and the spans that end
//! too far ahead of it (their host clock is fast).
//!
//! The reference is the caller's wall clock when it gives one (live polling), otherwise the larger of the
//! watermark before the batch and the 0.99 quantile of the batch's span ends (recorded replays: a replay moving
//! forward moves it, one or a few outliers cannot). A span ending more than `maxClockSkew` after the reference is a
//! future span: it is still analysed, its duration intact, but shifted back so that it ends at the reference, and
//! counted per service. The watermark then only advances to ends within the skew. Owns the reference, the shift and
//! the counts; knows nothing of pairing, keys or stats beyond the watermark it is handed.

use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::telemetry::Span;

/// The quantile of a batch's span ends that stands for its "now": robust to the top 1 %.
const REFERENCE_QUANTILE: f64 = 0.99;

/// Services listed in one report (all are counted).
pub const MAX_REPORTED_SERVICES: usize = 20;

/// Services named in the warning.
const MAX_WARNED_SERVICES: usize = 3;

/// Services with future spans remembered by name since creation or reset; later ones are counted only.
const MAX_TRACKED_SERVICES: usize = 1000;

/// One service's spans that ended too far ahead of the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FutureSpans {
    pub service: String,
    pub spans: u64,
    /// How far the farthest of them ended ahead of the reference, in ms.
    pub ahead_ms: u64,
}

#[derive(Clone, Copy, Default)]
struct Tally {
    spans: u64,
    ahead_ns: u64,
}

impl Tally {
    fn add(&mut self, ahead_ns: u64) {
        self.spans += 1;
        self.ahead_ns = self.ahead_ns.max(ahead_ns);
    }
}

/// The reference now, and the newest end that is not a future span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub reference_ns: u64,
    pub limit_ns: u64,
}

/// Event-time bookkeeping across batches.
#[derive(Default)]
pub struct EventClock {
    /// The caller's wall-clock now (ns since the epoch), for live use.
    pub wall_ns: Option<u64>,
    /// Ends of the spans taken in the batch under way.
    batch_ends: Vec<u64>,
    /// A reference worked out from `batch_ends` while it had this many entries: worked out again only once the
    /// batch has doubled, so traces analysed early (a full store) cost amortised O(1) each.
    running: Option<(usize, u64)>,
    /// The bounds the last batch ended with: what traces analysed after it (at its end, or at a flush) use.
    settled: Option<Bounds>,
    scratch: Vec<u64>,
    batch: HashMap<Arc<str>, Tally>,
    total: HashMap<Arc<str>, Tally>,
    /// Future spans since creation or reset, including those of services past `MAX_TRACKED_SERVICES`.
    total_spans: u64,
}

fn bounds(reference_ns: u64, skew_ns: u64) -> Bounds {
    Bounds { reference_ns, limit_ns: reference_ns.saturating_add(skew_ns) }
}

impl EventClock {
    /// A span of the batch under way ended at `end_ns`.
    pub fn note(&mut self, end_ns: u64) {
        self.settled = None;
        self.batch_ends.push(end_ns);
    }

    /// The bounds to judge a span by now; `watermark_ns` is the watermark before the batch.
    pub fn bounds(&mut self, watermark_ns: u64, skew_ns: u64) -> Bounds {
        if let Some(wall_ns) = self.wall_ns {
            return bounds(wall_ns, skew_ns);
        }
        if self.batch_ends.is_empty() {
            return self.settled.unwrap_or_else(|| bounds(watermark_ns, skew_ns));
        }
        let n = self.batch_ends.len();
        let quantile = match self.running {
            Some((at, quantile)) if n < 2 * at => quantile,
            _ => {
                let quantile = self.quantile_of_batch();
                self.running = Some((n, quantile));
                quantile
            }
        };
        bounds(watermark_ns.max(quantile), skew_ns)
    }

    /// The batch's end at rank ⌊0.99·(n − 1)⌋: below the largest end once the batch has two spans, so a lone
    /// outlier never sets it.
    fn quantile_of_batch(&mut self) -> u64 {
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.batch_ends);
        let rank = ((self.scratch.len() - 1) as f64 * REFERENCE_QUANTILE) as usize;
        *self.scratch.select_nth_unstable(rank).1
    }

    /// Ends the batch: fixes its bounds and returns them with the newest end that may move the watermark (future
    /// spans count as ending at the reference), and the oldest end. `None` for an empty batch.
    pub fn settle(&mut self, watermark_ns: u64, skew_ns: u64) -> (Bounds, Option<(u64, u64)>) {
        let settled = self.bounds(watermark_ns, skew_ns);
        let clamp = |end: u64| if end > settled.limit_ns { settled.reference_ns } else { end };
        let newest = self.batch_ends.iter().map(|&end| clamp(end)).max();
        let oldest = self.batch_ends.iter().map(|&end| clamp(end)).min();
        self.batch_ends.clear();
        self.running = None;
        self.settled = Some(settled);
        (settled, newest.zip(oldest))
    }

    /// Shifts each future span of one trace back to end at the reference (keeping its duration) and counts it.
    pub fn shift_future(&mut self, spans: &mut [Span], bounds: Bounds) {
        for span in spans.iter_mut().filter(|span| span.end_ns > bounds.limit_ns) {
            let ahead_ns = span.end_ns - bounds.reference_ns;
            span.end_ns = bounds.reference_ns;
            span.start_ns = span.start_ns.saturating_sub(ahead_ns);
            self.batch.entry(span.service.clone()).or_default().add(ahead_ns);
            self.total_spans += 1;
            if let Some(tally) = self.total.get_mut(&span.service) {
                tally.add(ahead_ns);
            } else if self.total.len() < MAX_TRACKED_SERVICES {
                self.total.entry(span.service.clone()).or_default().add(ahead_ns);
            }
        }
    }

    /// The future spans since the last call, most first, for one report.
    pub fn take_batch(&mut self) -> Vec<FutureSpans> {
        let batch = std::mem::replace(&mut self.batch, HashMap::new());
        listed(batch.into_iter(), MAX_REPORTED_SERVICES).0
    }

    /// Every future span since creation or reset: the total, the services with the most, and how many services
    /// are left unnamed. `None` when there were none.
    pub fn totals(&self) -> Option<(u64, Vec<FutureSpans>, usize)> {
        if self.total_spans == 0 {
            return None;
        }
        let (services, unnamed) = listed(self.total.iter().map(|(k, v)| (k.clone(), *v)), MAX_WARNED_SERVICES);
        Some((self.total_spans, services, unnamed))
    }
}

/// The first `max` services by spans (then name), and how many were left out.
fn listed(tallies: impl Iterator<Item = (Arc<str>, Tally)>, max: usize) -> (Vec<FutureSpans>, usize) {
    let mut all: Vec<FutureSpans> = tallies
        .map(|(service, tally)| FutureSpans {
            service: service.to_string(),
            spans: tally.spans,
            ahead_ms: tally.ahead_ns / 1_000_000,
        })
        .collect();
    all.sort_by(|a, b| b.spans.cmp(&a.spans).then_with(|| a.service.cmp(&b.service)));
    let unnamed = all.len().saturating_sub(max);
    all.truncate(max);
    (all, unnamed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::SpanKind::*;

    const S: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * S;

    #[test]
    fn one_outlier_cannot_set_the_reference_but_a_batch_moving_forward_does() {
        let mut clock = EventClock::default();
        // 100 spans ending 0..99 s, and one 10 min ahead.
        for end in (0..100).map(|i| i * S).chain([109 * MINUTE]) {
            clock.note(end);
        }
        let (settled, range) = clock.settle(0, MINUTE);
        assert_eq!(settled, Bounds { reference_ns: 99 * S, limit_ns: 159 * S });
        // The outlier counts as ending at the reference: the watermark moves to the newest real end.
        assert_eq!(range, Some((99 * S, 0)));
        // The next batch is 10 min later as a whole: it moves the reference.
        for end in (0..10).map(|i| 10 * MINUTE + i * S) {
            clock.note(end);
        }
        assert_eq!(clock.settle(99 * S, MINUTE).0.reference_ns, 10 * MINUTE + 8 * S);
        // An empty batch (a flush) keeps the last bounds.
        assert_eq!(clock.bounds(10 * MINUTE + 9 * S, MINUTE).reference_ns, 10 * MINUTE + 8 * S);
    }

    #[test]
    fn the_wall_clock_is_the_reference_when_given() {
        let mut clock = EventClock { wall_ns: Some(5 * MINUTE), ..EventClock::default() };
        clock.note(7 * MINUTE);
        assert_eq!(clock.bounds(0, MINUTE), Bounds { reference_ns: 5 * MINUTE, limit_ns: 6 * MINUTE });
        assert_eq!(clock.settle(0, MINUTE).1, Some((5 * MINUTE, 5 * MINUTE)));
    }

    #[test]
    fn future_spans_end_at_the_reference_with_their_duration_and_are_counted_per_service() {
        let mut clock = EventClock::default();
        let bounds = Bounds { reference_ns: 1000 * S, limit_ns: 1060 * S };
        let mut spans = vec![
            span(1, None, "pay", Server, 1_500_000, 1_600_000),
            span(2, Some(1), "pay", Client, 1_100_000, 1_200_000),
            span(3, None, "cart", Server, 1_050_000, 1_060_000),
        ];
        clock.shift_future(&mut spans, bounds);
        let times: Vec<(u64, u64)> = spans.iter().map(|s| (s.start_ns / S, s.end_ns / S)).collect();
        assert_eq!(times, [(900, 1000), (900, 1000), (1050, 1060)]);
        let pay = FutureSpans { service: "pay".into(), spans: 2, ahead_ms: 600_000 };
        assert_eq!(clock.take_batch(), std::slice::from_ref(&pay));
        assert_eq!(clock.take_batch(), []);
        assert_eq!(clock.totals(), Some((2, vec![pay], 0)));
    }
}
