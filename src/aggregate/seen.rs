//! The memory of spans already taken, so re-polled and repeated spans count once: a bounded set of
//! (trace id, span id) fingerprints, oldest first, that ages out with the window.
//!
//! Owns what "seen before" means and how long it is remembered; pairing asks it about every span before anything
//! else, so a span repeated in one document, re-polled in the next, or arriving after its trace was analysed is
//! skipped the same way. Knows nothing of traces, calls or stats.
//!
//! Each entry is a 64-bit fingerprint of (trace id, span id) plus its span's end time: 16 bytes in the arrival
//! queue and about 9–18 in the set (load factor), so about 30 bytes per remembered span — 30 MB at the default
//! cap of 1 000 000. Two different spans are taken for one only when their fingerprints collide: with a million
//! spans remembered, a chance of about 1 in 2·10¹³ per span.

use foldhash::HashSet;
use std::collections::VecDeque;
use std::hash::BuildHasher;

use crate::telemetry::{SpanId, TraceId};

/// Fixed, so a replay de-duplicates the same way on every run and platform.
const FINGERPRINT: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x5eed_0000_0000_0001);

fn fingerprint(trace_id: TraceId, span_id: SpanId) -> u64 {
    FINGERPRINT.hash_one((trace_id.0, span_id.0))
}

/// Spans taken, remembered until they leave the window or the cap forces the oldest out.
#[derive(Default)]
pub struct SeenSpans {
    fingerprints: HashSet<u64>,
    /// (span end ns, fingerprint) in arrival order: what ages out first.
    arrival: VecDeque<(u64, u64)>,
}

impl SeenSpans {
    /// Spans remembered.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Remembers the span and says whether it is new; when that takes the memory past `max`, the span
    /// remembered first is forgotten.
    pub fn first_sight(&mut self, trace_id: TraceId, span_id: SpanId, end_ns: u64, max: usize) -> bool {
        let print = fingerprint(trace_id, span_id);
        if !self.fingerprints.insert(print) {
            return false;
        }
        self.arrival.push_back((end_ns, print));
        while self.arrival.len() > max {
            self.forget_oldest();
        }
        true
    }

    /// Forgets, in arrival order, the spans that ended before `horizon_ns` (they are outside the window, so
    /// counting one again could no longer change it). Stops at the first newer one: arrival is roughly time
    /// order, and the cap bounds what an out-of-order span keeps.
    pub fn forget_before(&mut self, horizon_ns: u64) {
        while self.arrival.front().is_some_and(|&(end_ns, _)| end_ns < horizon_ns) {
            self.forget_oldest();
        }
    }

    fn forget_oldest(&mut self) {
        if let Some((_, print)) = self.arrival.pop_front() {
            self.fingerprints.remove(&print);
        }
        if self.arrival.capacity() > 4 * self.arrival.len().max(1024) {
            // Memory follows a burst back down.
            self.arrival.shrink_to(2 * self.arrival.len().max(1024));
            self.fingerprints.shrink_to(2 * self.fingerprints.len().max(1024));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_new_once_until_it_ages_out_or_the_cap_forces_it_out() {
        let mut seen = SeenSpans::default();
        assert!(seen.first_sight(TraceId(1), SpanId(1), 100, 3));
        assert!(!seen.first_sight(TraceId(1), SpanId(1), 100, 3), "same trace and span id");
        assert!(seen.first_sight(TraceId(2), SpanId(1), 100, 3), "same span id in another trace");
        assert!(seen.first_sight(TraceId(1), SpanId(2), 200, 3));
        assert_eq!(seen.len(), 3);
        // Over the cap: the first one is forgotten, so it is new again.
        assert!(seen.first_sight(TraceId(1), SpanId(3), 300, 3));
        assert_eq!(seen.len(), 3);
        assert!(seen.first_sight(TraceId(1), SpanId(1), 100, 3));
        // Out of the window: (1, 2) at 200 leaves; (1, 1) at 100 arrived after (1, 3) at 300, so it waits behind it.
        seen.forget_before(250);
        assert_eq!(seen.len(), 2);
        assert!(seen.first_sight(TraceId(1), SpanId(2), 200, 3));
        assert!(!seen.first_sight(TraceId(1), SpanId(3), 300, 3));
    }
}
