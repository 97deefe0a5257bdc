//! A key's latency read from metrics rather than recorded from spans: the latest poll's histogram (bucket rates
//! over the rate window) with the request and failed-request rates of the same round.
//!
//! Owns what such a reading shows — quantiles by Prometheus's `histogram_quantile` rules (seconds → ms), the rate,
//! the error rate, and window counts estimated as rate × rate window — and merging two readings for
//! System/Domain/entity groups: buckets summed (never percentiles averaged), rates summed. It does not know which
//! query or labels the figures came from (`aggregate/metrics.rs` does), nor the span-recorded figures beside it.

use crate::prometheus::histogram::Histogram;

/// One key's figures from one metrics round.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsReading {
    /// The latency histogram (seconds), `None` when the round had none for this key (rates only). After a merge
    /// that could not add two histograms (a classic and a native one, or two native schemas), `None` too: a
    /// quantile of half the members would be wrong, so there is no figure rather than a misleading one.
    pub histogram: Option<Histogram>,
    /// `rate(…_request_total)`, `None` when the round did not answer it (the histogram's count stands in).
    pub requests_per_sec: Option<f64>,
    /// `rate(…_request_failed_total)`: `Some(0.0)` when the round answered and this key had no series (an absent
    /// failed counter means none failed); `None` when the round did not answer it (error rate unknown).
    pub failed_per_sec: Option<f64>,
    /// The rate window the round's `rate()`s cover, in ms.
    pub rate_window_ms: f64,
    /// Histograms that could not be merged into this one (see `histogram`).
    pub unmerged: u32,
}

impl MetricsReading {
    /// Requests per second: the request counter's rate, else the histogram's count.
    pub fn rate_per_sec(&self) -> Option<f64> {
        self.requests_per_sec.or_else(|| self.histogram.as_ref().and_then(Histogram::count)).filter(|r| r.is_finite())
    }

    /// Failed / total, `None` without a rate or when the failed counter was not answered.
    pub fn error_rate(&self) -> Option<f64> {
        let total = self.rate_per_sec().filter(|rate| *rate > 0.0)?;
        let failed = self.failed_per_sec?;
        Some((failed / total).clamp(0.0, 1.0))
    }

    /// Requests in the rate window, estimated as rate × window; at least 1 when the rate is positive (a counter
    /// only rises when something happened).
    pub fn window_count(&self) -> u64 {
        estimate(self.rate_per_sec(), self.rate_window_ms)
    }

    /// Failed requests in the rate window, estimated as the window count is.
    pub fn window_errors(&self) -> u64 {
        estimate(self.failed_per_sec, self.rate_window_ms).min(self.window_count())
    }

    /// The `q`-quantile in ms, `None` where Prometheus says NaN (no data, never zero) or the value is not finite.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        let seconds = self.histogram.as_ref()?.quantile(q)?;
        Some(seconds * 1000.0).filter(|ms| ms.is_finite())
    }

    /// Adds `other`: histograms bucket by bucket, rates summed. A figure only one side has is unknown in the sum
    /// (a group's rate is not its members' who answered).
    pub fn merge(&mut self, other: &MetricsReading) {
        self.histogram = match (self.histogram.take(), &other.histogram) {
            (Some(mut mine), Some(theirs)) => match mine.merge(theirs) {
                Ok(()) => Some(mine),
                Err(_) => {
                    self.unmerged += 1;
                    None
                }
            },
            (None, Some(theirs)) if self.unmerged == 0 => Some(theirs.clone()),
            (mine, _) => mine,
        };
        self.unmerged += other.unmerged;
        if other.unmerged > 0 {
            self.histogram = None;
        }
        self.requests_per_sec = sum(self.requests_per_sec, other.requests_per_sec);
        self.failed_per_sec = sum(self.failed_per_sec, other.failed_per_sec);
        self.rate_window_ms = self.rate_window_ms.max(other.rate_window_ms);
    }
}

fn sum(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? + b?)
}

fn estimate(rate: Option<f64>, window_ms: f64) -> u64 {
    match rate {
        // `as` saturates; a positive rate rounds to at least one request.
        Some(rate) if rate > 0.0 && rate.is_finite() => ((rate * window_ms / 1000.0).round() as u64).max(1),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prometheus::histogram::BucketHistogram;

    fn classic(pairs: &[(&str, &str)]) -> Histogram {
        Histogram::Classic(BucketHistogram::from_strings(pairs.iter().copied()).expect("valid buckets"))
    }

    fn reading(histogram: Option<Histogram>, requests: Option<f64>, failed: Option<f64>) -> MetricsReading {
        MetricsReading {
            histogram,
            requests_per_sec: requests,
            failed_per_sec: failed,
            rate_window_ms: 300_000.0,
            unmerged: 0,
        }
    }

    #[test]
    fn figures_of_one_reading() {
        let r =
            reading(Some(classic(&[("0.1", "2"), ("0.5", "6"), ("1", "10"), ("+Inf", "10")])), Some(10.0), Some(0.5));
        assert_eq!(r.quantile_ms(0.1), Some(50.0));
        assert_eq!((r.rate_per_sec(), r.error_rate()), (Some(10.0), Some(0.05)));
        assert_eq!((r.window_count(), r.window_errors()), (3000, 150));
        // No request counter: the histogram's count is the rate; no failed answer: the error rate is unknown.
        let r = reading(Some(classic(&[("0.1", "2"), ("+Inf", "4")])), None, None);
        assert_eq!((r.rate_per_sec(), r.error_rate(), r.window_count()), (Some(4.0), None, 1200));
        // A tiny rate is still one request in the window; no rate, none.
        assert_eq!(reading(None, Some(0.0001), Some(0.0)).window_count(), 1);
        assert_eq!(reading(None, Some(0.0), Some(0.0)).window_count(), 0);
        assert_eq!(reading(None, Some(0.0), Some(0.0)).error_rate(), None);
    }

    #[test]
    fn merging_sums_buckets_and_rates() {
        let mut a = reading(Some(classic(&[("0.1", "1"), ("0.2", "3"), ("+Inf", "4")])), Some(4.0), Some(1.0));
        a.merge(&reading(Some(classic(&[("0.1", "2"), ("0.2", "5"), ("+Inf", "6")])), Some(6.0), Some(0.0)));
        assert_eq!(a.histogram, Some(classic(&[("0.1", "3"), ("0.2", "8"), ("+Inf", "10")])));
        assert_eq!((a.requests_per_sec, a.failed_per_sec, a.error_rate()), (Some(10.0), Some(1.0), Some(0.1)));
        // Into an empty group: a copy.
        let mut empty = reading(None, Some(0.0), Some(0.0));
        empty.merge(&a);
        assert_eq!(empty.histogram, a.histogram);
        // One side without a failed answer: the group's error rate is unknown.
        a.merge(&reading(None, Some(1.0), None));
        assert_eq!((a.failed_per_sec, a.error_rate()), (None, None));
    }

    #[test]
    fn histograms_that_cannot_be_added_leave_no_quantile() {
        use crate::prometheus::histogram::{NativeBucket, NativeHistogram};
        let native =
            NativeHistogram::new(1.0, 0.1, vec![NativeBucket::from_strings(0, "0.0625", "0.125", "1").expect("valid")]);
        let mut a = reading(Some(classic(&[("0.1", "1"), ("+Inf", "1")])), Some(1.0), Some(0.0));
        a.merge(&reading(Some(Histogram::Native(native)), Some(1.0), Some(0.0)));
        assert_eq!((a.histogram.clone(), a.unmerged, a.quantile_ms(0.5)), (None, 1, None));
        // Later members do not bring a partial histogram back.
        a.merge(&reading(Some(classic(&[("0.1", "1"), ("+Inf", "1")])), Some(1.0), Some(0.0)));
        assert_eq!((a.histogram, a.requests_per_sec), (None, Some(3.0)));
        let mut b = reading(None, Some(0.0), Some(0.0));
        b.merge(&reading(None, Some(0.0), Some(0.0)));
        b.merge(&MetricsReading { unmerged: 2, ..reading(Some(classic(&[("+Inf", "1")])), Some(1.0), Some(0.0)) });
        assert_eq!((b.histogram, b.unmerged), (None, 2));
    }
}
