//! Histograms as Prometheus answers them, and their quantiles by `histogram_quantile`'s own rules.
//!
//! Owns the classic bucket histogram ([`BucketHistogram`]: `(le, cumulative count)` pairs, `le` parsed from the
//! strings Prometheus sends and sorted numerically), the native histogram ([`NativeHistogram`]: sparse buckets with
//! their boundary rules), merging each kind, and `quantile(q)` following `promql/quantile.go` — `bucketQuantile` for
//! classic buckets, and for native ones the linear `histogramQuantile` of Prometheus 2.42 (the version the tests run
//! against; 3.x interpolates exponentially). `None` is Prometheus's NaN: no data, never zero. It does not know which
//! series a histogram came from, nor what a quantile is used for.

use std::cmp::Ordering;

use thiserror::Error;

use crate::quote;

/// Prometheus's tolerance for float noise between neighbouring cumulative counts (`correctPrecisionErrors`).
const PRECISION_TOLERANCE: f64 = 1e-12;

/// Why a bucket could not be read. Carries the offending text, bounded for messages.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BucketError {
    /// An `le` (or native bucket bound) that is not a number: garbage, or NaN, which orders nowhere.
    #[error("bucket bound {} is not a number", quote::quoted(.0))]
    BadBound(String),
    /// A count that is not a non-negative number (a rate is never negative or NaN).
    #[error("bucket count {} is not a non-negative number", quote::quoted(.0))]
    BadCount(String),
    /// A native bucket whose boundary rule is not 0–3.
    #[error("native bucket boundary rule {0} is not 0, 1, 2 or 3")]
    BadBoundaryRule(u64),
    /// A native bucket whose lower bound is above its upper bound.
    #[error("native bucket lower bound {lower} is above its upper bound {upper}")]
    InvertedBucket { lower: f64, upper: f64 },
}

impl BucketError {
    /// Stable, for warnings.
    pub fn code(&self) -> &'static str {
        match self {
            BucketError::BadBound(_) => "prometheus.bad-bucket-bound",
            BucketError::BadCount(_) => "prometheus.bad-bucket-count",
            BucketError::BadBoundaryRule(_) => "prometheus.bad-boundary-rule",
            BucketError::InvertedBucket { .. } => "prometheus.inverted-bucket",
        }
    }
}

/// A float as Prometheus writes one (`"0.002"`, `"1.0"`, `"+Inf"`, `"-Inf"`, `"NaN"`, `"1e-3"`); `None` for text
/// that is no number. Go's `ParseFloat` and Rust's agree on these (both also take `inf`, `infinity` in any case).
pub fn parse_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

/// A bucket bound: a number that is not NaN.
pub fn parse_bound(text: &str) -> Result<f64, BucketError> {
    parse_float(text)
        .filter(|bound| !bound.is_nan())
        .ok_or_else(|| BucketError::BadBound(quote::prefix(text, 256).to_owned()))
}

/// A bucket count: a finite number, at least 0.
pub fn parse_count(text: &str) -> Result<f64, BucketError> {
    parse_float(text)
        .filter(|count| is_count(*count))
        .ok_or_else(|| BucketError::BadCount(quote::prefix(text, 256).to_owned()))
}

/// A count already read as a number (a sample value): finite, at least 0.
pub fn check_count(count: f64) -> Result<f64, BucketError> {
    if is_count(count) {
        Ok(count)
    } else {
        Err(BucketError::BadCount(prometheus_text(count)))
    }
}

fn is_count(count: f64) -> bool {
    count.is_finite() && count >= 0.0
}

/// A float as Prometheus writes it (`+Inf`, `-Inf`, `NaN`, the shortest decimal), for messages.
fn prometheus_text(value: f64) -> String {
    match value {
        f64::INFINITY => "+Inf".to_owned(),
        f64::NEG_INFINITY => "-Inf".to_owned(),
        value => format!("{value}"),
    }
}

/// One classic bucket: observations at most `le`, counted cumulatively (a rate when it comes from `rate()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub le: f64,
    pub cumulative: f64,
}

/// A classic histogram: its buckets sorted by `le`, one bucket per bound (equal bounds are summed, as Prometheus's
/// `coalesceBuckets` does). The cumulative counts are kept as given — a non-monotonic input is fixed up only inside
/// [`BucketHistogram::quantile`], as Prometheus does, so merging stays a plain sum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BucketHistogram {
    buckets: Vec<Bucket>,
}

impl BucketHistogram {
    /// From `(le, cumulative count)` pairs as Prometheus sends them: strings, in any order.
    pub fn from_strings<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, BucketError> {
        let mut buckets = Vec::new();
        for (le, count) in pairs {
            buckets.push(Bucket { le: parse_bound(le)?, cumulative: parse_count(count)? });
        }
        Ok(Self::from_buckets(buckets))
    }

    /// From buckets already parsed (any order; bounds must not be NaN — [`parse_bound`] sees to that).
    pub fn from_buckets(mut buckets: Vec<Bucket>) -> Self {
        buckets.sort_by(|a, b| a.le.partial_cmp(&b.le).unwrap_or(Ordering::Equal));
        let mut histogram = BucketHistogram { buckets: Vec::with_capacity(buckets.len()) };
        for bucket in buckets {
            histogram.add_bucket(bucket);
        }
        histogram
    }

    /// Adds `bucket` to the (sorted) buckets: summed into the one with the same bound, or inserted in order.
    fn add_bucket(&mut self, bucket: Bucket) {
        match self.buckets.binary_search_by(|probe| probe.le.partial_cmp(&bucket.le).unwrap_or(Ordering::Equal)) {
            Ok(at) => self.buckets[at].cumulative += bucket.cumulative,
            Err(at) => self.buckets.insert(at, bucket),
        }
    }

    /// The buckets, sorted by `le`.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// The observations counted: the `+Inf` bucket's cumulative count, `None` without one.
    pub fn count(&self) -> Option<f64> {
        self.buckets.last().filter(|last| last.le == f64::INFINITY).map(|last| last.cumulative)
    }

    /// Whether `other` has exactly the same bucket bounds.
    pub fn same_layout(&self, other: &BucketHistogram) -> bool {
        self.buckets.len() == other.buckets.len() && self.buckets.iter().zip(&other.buckets).all(|(a, b)| a.le == b.le)
    }

    /// Adds `other` into this histogram: cumulative counts summed per bound, exactly as PromQL's
    /// `sum by (…, le)` sums the series of equal `le`.
    ///
    /// With the same layout (see [`BucketHistogram::same_layout`]) this is the exact histogram of both sets of
    /// observations. With different layouts it is still what Prometheus computes for the same series — a bound
    /// only one side has gets nothing from the other, so the cumulative counts may dip and the quantile's
    /// monotonic fix-up applies — but that is not the true merged distribution; callers should warn.
    pub fn merge(&mut self, other: &BucketHistogram) {
        for bucket in &other.buckets {
            self.add_bucket(*bucket);
        }
    }

    /// The `q`-quantile as `histogram_quantile(q, …)` computes it over these buckets (Prometheus's
    /// `bucketQuantile`); `None` where Prometheus says NaN: no buckets, q NaN, no `+Inf` bucket, fewer than two
    /// buckets, no observations.
    ///
    /// q < 0 is −∞ and q > 1 is +∞. Otherwise the rank `q · count` falls in the first bucket whose cumulative
    /// count reaches it, and the value is interpolated linearly inside that bucket — from 0 in the lowest bucket
    /// when its bound is above 0 (its bound itself when not); a rank in the `+Inf` bucket is the highest finite
    /// bound. Counts within 1e-12 (relative) of their neighbour are made equal, and then any remaining dip is
    /// raised to the running maximum, as Prometheus fixes non-monotonic input.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.buckets.is_empty() || q.is_nan() {
            return None;
        }
        if q < 0.0 {
            return Some(f64::NEG_INFINITY);
        }
        if q > 1.0 {
            return Some(f64::INFINITY);
        }
        // No +Inf bucket: NaN in Prometheus.
        self.count()?;
        let mut buckets = self.buckets.clone();
        correct_precision_errors(&mut buckets);
        ensure_monotonic(&mut buckets);
        if buckets.len() < 2 {
            return None;
        }
        let observations = buckets[buckets.len() - 1].cumulative;
        if observations == 0.0 {
            return None;
        }
        let mut rank = q * observations;
        let last = buckets.len() - 1;
        // First bucket below +Inf whose count reaches the rank (Go's sort.Search over all but the last).
        let b = buckets[..last].partition_point(|bucket| bucket.cumulative < rank);
        if b == last {
            return Some(buckets[last - 1].le);
        }
        if b == 0 && buckets[0].le <= 0.0 {
            return Some(buckets[0].le);
        }
        let (mut start, end, mut count) = (0.0, buckets[b].le, buckets[b].cumulative);
        if b > 0 {
            start = buckets[b - 1].le;
            count -= buckets[b - 1].cumulative;
            rank -= buckets[b - 1].cumulative;
        }
        let value = start + (end - start) * (rank / count);
        (!value.is_nan()).then_some(value)
    }
}

/// Prometheus's `correctPrecisionErrors`: a count within the tolerance of the previous kept one takes its value.
fn correct_precision_errors(buckets: &mut [Bucket]) {
    let Some(first) = buckets.first() else { return };
    let mut previous = first.cumulative;
    for bucket in &mut buckets[1..] {
        let delta = (bucket.cumulative - previous).abs();
        if delta == 0.0 {
            continue;
        }
        if delta / bucket.cumulative <= PRECISION_TOLERANCE {
            bucket.cumulative = previous;
        } else {
            previous = bucket.cumulative;
        }
    }
}

/// Prometheus's `ensureMonotonic`: every count raised to the largest count below it.
fn ensure_monotonic(buckets: &mut [Bucket]) {
    let mut max = f64::NEG_INFINITY;
    for bucket in buckets {
        if bucket.cumulative > max {
            max = bucket.cumulative;
        } else {
            bucket.cumulative = max;
        }
    }
}

/// Which ends of a native bucket are inside it (the first element of each bucket in the API's JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryRule {
    /// 0: `(lower, upper]`, the positive buckets.
    OpenLeft,
    /// 1: `[lower, upper)`, the negative buckets.
    OpenRight,
    /// 2: `(lower, upper)`.
    OpenBoth,
    /// 3: `[lower, upper]`, the zero bucket.
    ClosedBoth,
}

impl BoundaryRule {
    pub fn from_code(code: u64) -> Result<Self, BucketError> {
        match code {
            0 => Ok(BoundaryRule::OpenLeft),
            1 => Ok(BoundaryRule::OpenRight),
            2 => Ok(BoundaryRule::OpenBoth),
            3 => Ok(BoundaryRule::ClosedBoth),
            other => Err(BucketError::BadBoundaryRule(other)),
        }
    }
}

/// One bucket of a native histogram: its observations (not cumulative) between `lower` and `upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeBucket {
    pub rule: BoundaryRule,
    pub lower: f64,
    pub upper: f64,
    pub count: f64,
}

impl NativeBucket {
    /// From the API's `[rule, "lower", "upper", "count"]`.
    pub fn from_strings(rule: u64, lower: &str, upper: &str, count: &str) -> Result<Self, BucketError> {
        let (lower, upper) = (parse_bound(lower)?, parse_bound(upper)?);
        if lower > upper {
            return Err(BucketError::InvertedBucket { lower, upper });
        }
        Ok(NativeBucket { rule: BoundaryRule::from_code(rule)?, lower, upper, count: parse_count(count)? })
    }

    /// The zero bucket is the one straddling 0.
    fn is_zero_bucket(&self) -> bool {
        self.lower < 0.0 && self.upper > 0.0
    }
}

/// Why two native histograms cannot be merged bucket by bucket.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NativeMergeError {
    /// Different schemas (or zero thresholds): Prometheus would first reduce both to the coarser schema, which the
    /// API's JSON does not name. Merging overlapping buckets by bound would misplace observations, so we do not.
    #[error("native histogram buckets ({a_lower}, {a_upper}] and ({b_lower}, {b_upper}] overlap: different schemas cannot be merged")]
    Overlap { a_lower: f64, a_upper: f64, b_lower: f64, b_upper: f64 },
}

impl NativeMergeError {
    pub fn code(&self) -> &'static str {
        "prometheus.native-layout-mismatch"
    }
}

/// A native (sparse) histogram as the query API writes it: `count`, `sum` and its non-empty buckets, sorted by
/// bound. `count` may exceed the buckets' total (NaN observations count but sit in no bucket).
#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogram {
    pub count: f64,
    pub sum: f64,
    buckets: Vec<NativeBucket>,
}

impl NativeHistogram {
    /// From the API's fields, buckets in any order.
    pub fn new(count: f64, sum: f64, mut buckets: Vec<NativeBucket>) -> Self {
        buckets.sort_by(|a, b| a.upper.partial_cmp(&b.upper).unwrap_or(Ordering::Equal));
        NativeHistogram { count, sum, buckets }
    }

    pub fn buckets(&self) -> &[NativeBucket] {
        &self.buckets
    }

    /// Adds `other`: counts, sums, and the counts of buckets with equal bounds. Buckets that overlap without being
    /// equal (two schemas) are an error and leave `self` unchanged.
    pub fn merge(&mut self, other: &NativeHistogram) -> Result<(), NativeMergeError> {
        for b in &other.buckets {
            if let Some(a) = self
                .buckets
                .iter()
                .find(|a| (a.lower, a.upper) != (b.lower, b.upper) && a.lower < b.upper && b.lower < a.upper)
            {
                return Err(NativeMergeError::Overlap {
                    a_lower: a.lower,
                    a_upper: a.upper,
                    b_lower: b.lower,
                    b_upper: b.upper,
                });
            }
        }
        for b in &other.buckets {
            match self.buckets.iter_mut().find(|a| (a.lower, a.upper) == (b.lower, b.upper)) {
                Some(a) => a.count += b.count,
                None => self.buckets.push(*b),
            }
        }
        self.buckets.sort_by(|a, b| a.upper.partial_cmp(&b.upper).unwrap_or(Ordering::Equal));
        self.count += other.count;
        self.sum += other.sum;
        Ok(())
    }

    /// The `q`-quantile as Prometheus 2.42's `histogramQuantile` computes it: the rank `q · count` is found by
    /// walking the buckets upwards, then interpolated **linearly** inside its bucket. The zero bucket starts at 0
    /// when the histogram has only positive buckets (ends at 0 with only negative ones); a rank the buckets never
    /// reach (NaN observations) is the highest bucket's upper bound. `None` for no observations or q NaN.
    ///
    /// Prometheus 3.0 changed this to exponential interpolation inside a bucket (#14677): on the same data it gives
    /// a different value (≈0.707 where this gives 0.75). Only the 2.42 rule is implemented here.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if q < 0.0 {
            return Some(f64::NEG_INFINITY);
        }
        if q > 1.0 {
            return Some(f64::INFINITY);
        }
        if self.count == 0.0 || q.is_nan() || self.buckets.is_empty() {
            return None;
        }
        let rank = q * self.count;
        let mut count = 0.0;
        let mut bucket = self.buckets[0];
        for candidate in &self.buckets {
            bucket = *candidate;
            count += bucket.count;
            if count >= rank {
                break;
            }
        }
        if bucket.is_zero_bucket() {
            // Which sides exist, read off the non-empty buckets the API lists.
            let positive = self.buckets.iter().any(|b| !b.is_zero_bucket() && b.lower >= 0.0);
            let negative = self.buckets.iter().any(|b| !b.is_zero_bucket() && b.upper <= 0.0);
            match (negative, positive) {
                (false, true) => bucket.lower = 0.0,
                (true, false) => bucket.upper = 0.0,
                _ => {}
            }
        }
        let count = count.min(self.count);
        if count < rank {
            return Some(bucket.upper);
        }
        let rank = rank - (count - bucket.count);
        let value = bucket.lower + (bucket.upper - bucket.lower) * (rank / bucket.count);
        (!value.is_nan()).then_some(value)
    }
}

/// One series' latency histogram in whichever form Prometheus answered it: classic buckets or native.
#[derive(Debug, Clone, PartialEq)]
pub enum Histogram {
    Classic(BucketHistogram),
    Native(NativeHistogram),
}

/// Why two histograms could not be added.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MergeError {
    #[error("a classic and a native histogram cannot be merged")]
    MixedKinds,
    #[error(transparent)]
    Native(#[from] NativeMergeError),
}

impl MergeError {
    /// Stable, for warnings.
    pub fn code(&self) -> &'static str {
        match self {
            MergeError::MixedKinds => "prometheus.mixed-histogram-kinds",
            MergeError::Native(error) => error.code(),
        }
    }
}

impl Histogram {
    /// Observations (per second, for rates) counted: the `+Inf` bucket or the native count; `None` for classic
    /// buckets without `+Inf`.
    pub fn count(&self) -> Option<f64> {
        match self {
            Histogram::Classic(histogram) => histogram.count(),
            Histogram::Native(histogram) => Some(histogram.count),
        }
    }

    /// `histogram_quantile(q, …)` of this histogram, by the rules of its kind; `None` is NaN.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        match self {
            Histogram::Classic(histogram) => histogram.quantile(q),
            Histogram::Native(histogram) => histogram.quantile(q),
        }
    }

    /// Adds `other` bucket by bucket (see [`BucketHistogram::merge`], [`NativeHistogram::merge`]); on an error
    /// `self` is unchanged.
    pub fn merge(&mut self, other: &Histogram) -> Result<(), MergeError> {
        match (self, other) {
            (Histogram::Classic(a), Histogram::Classic(b)) => {
                a.merge(b);
                Ok(())
            }
            (Histogram::Native(a), Histogram::Native(b)) => Ok(a.merge(b)?),
            _ => Err(MergeError::MixedKinds),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classic(pairs: &[(&str, &str)]) -> BucketHistogram {
        BucketHistogram::from_strings(pairs.iter().copied()).expect("valid buckets")
    }

    /// OTel's default layout with `cumulative` counts (fractions of 1) at the given bounds, the rest carried up.
    fn otel(cumulative: &[(f64, f64)]) -> BucketHistogram {
        let bounds =
            [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.4, 2.0, 5.0, 10.0, 15.0, f64::INFINITY];
        let mut running = 0.0;
        let buckets = bounds
            .iter()
            .map(|&le| {
                if let Some(&(_, count)) = cumulative.iter().find(|(bound, _)| *bound == le) {
                    running = count;
                }
                Bucket { le, cumulative: if le == f64::INFINITY { 1.0 } else { running } }
            })
            .collect();
        BucketHistogram::from_buckets(buckets)
    }

    #[test]
    fn the_live_checked_values_of_the_research_notes() {
        // p95 over cum {0.1: 0.9, 0.2: 0.95} = 0.2.
        let h = classic(&[("0.1", "0.9"), ("0.2", "0.95"), ("+Inf", "1")]);
        assert_eq!(h.quantile(0.95), Some(0.2));
        // p01 with 50 % in le=0.002: rank 0.01 of 0.5 across [0, 0.002] = 0.00004.
        let h = otel(&[(0.002, 0.5), (0.004, 1.0)]);
        assert_eq!(h.quantile(0.01), Some(0.00004));
        // 20 % above 15 s: p85 and p95 are in +Inf → the highest finite bound.
        let h = otel(&[(0.01, 0.3), (10.0, 0.8), (15.0, 0.8)]);
        assert_eq!(h.quantile(0.95), Some(15.0));
        assert_eq!(h.quantile(0.85), Some(15.0));
        // cum(10) = 0.5 exactly: the first bucket reaching the rank is le=10, at its top.
        let h = otel(&[(5.0, 0.2), (10.0, 0.5), (15.0, 0.9)]);
        assert_eq!(h.quantile(0.5), Some(10.0));
    }

    #[test]
    fn bounds_arrive_as_strings_in_any_order() {
        let h = classic(&[("+Inf", "10"), ("1.0", "8"), ("0.002", "1"), ("10", "9"), ("1e-1", "4")]);
        let bounds: Vec<f64> = h.buckets().iter().map(|b| b.le).collect();
        assert_eq!(bounds, [0.002, 0.1, 1.0, 10.0, f64::INFINITY]);
        assert_eq!(h.count(), Some(10.0));
        // Equal bounds written differently are one bucket ("1" and "1.0", as Prometheus 3 normalises).
        let h = classic(&[("1", "2"), ("1.0", "3"), ("+Inf", "5")]);
        assert_eq!(h.buckets(), [Bucket { le: 1.0, cumulative: 5.0 }, Bucket { le: f64::INFINITY, cumulative: 5.0 }]);
    }

    #[test]
    fn bad_bounds_and_counts_are_typed_errors() {
        let err = |pairs: &[(&str, &str)]| BucketHistogram::from_strings(pairs.iter().copied()).expect_err("bad input");
        assert_eq!(err(&[("NaN", "1")]), BucketError::BadBound("NaN".into()));
        assert_eq!(err(&[("fast", "1")]).to_string(), r#"bucket bound "fast" is not a number"#);
        assert_eq!(err(&[("1", "-1")]).to_string(), r#"bucket count "-1" is not a non-negative number"#);
        assert_eq!(err(&[("1", "NaN")]).code(), "prometheus.bad-bucket-count");
        assert_eq!(err(&[("1", "+Inf")]), BucketError::BadCount("+Inf".into()));
        assert_eq!(err(&[("", "1")]), BucketError::BadBound(String::new()));
        assert_eq!(check_count(2.5), Ok(2.5));
        assert_eq!(check_count(f64::NAN), Err(BucketError::BadCount("NaN".into())));
        assert_eq!(check_count(f64::INFINITY), Err(BucketError::BadCount("+Inf".into())));
        assert_eq!(check_count(-0.5), Err(BucketError::BadCount("-0.5".into())));
    }

    #[test]
    fn what_prometheus_calls_nan_is_no_data() {
        // No +Inf bucket.
        assert_eq!(classic(&[("0.1", "1"), ("0.2", "2")]).quantile(0.5), None);
        // Only the +Inf bucket.
        assert_eq!(classic(&[("+Inf", "2")]).quantile(0.5), None);
        // No observations.
        assert_eq!(classic(&[("0.1", "0"), ("+Inf", "0")]).quantile(0.5), None);
        assert_eq!(BucketHistogram::default().quantile(0.5), None);
        assert_eq!(classic(&[("0.1", "1"), ("+Inf", "2")]).quantile(f64::NAN), None);
        // q = 0 in an empty lowest bucket: 0/0 inside Prometheus too.
        assert_eq!(classic(&[("0.1", "0"), ("+Inf", "2")]).quantile(0.0), None);
    }

    #[test]
    fn out_of_range_quantiles_are_infinite() {
        let h = classic(&[("0.1", "1"), ("+Inf", "2")]);
        assert_eq!(h.quantile(-0.1), Some(f64::NEG_INFINITY));
        assert_eq!(h.quantile(1.1), Some(f64::INFINITY));
        // As in Prometheus, before the bucket checks.
        assert_eq!(classic(&[("0.1", "1")]).quantile(2.0), Some(f64::INFINITY));
    }

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a value");
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    #[test]
    fn interpolates_linearly_and_from_zero_in_the_lowest_bucket() {
        let h = classic(&[("0.1", "2"), ("0.5", "6"), ("1", "10"), ("+Inf", "10")]);
        assert_eq!(h.quantile(0.1), Some(0.05)); // rank 1 of 2 in [0, 0.1]
        close(h.quantile(0.5), 0.4); // rank 5: 3 of 4 in [0.1, 0.5]
        close(h.quantile(0.95), 0.9375); // rank 9.5: 3.5 of 4 in [0.5, 1]
        assert_eq!(h.quantile(1.0), Some(1.0));
        assert_eq!(h.quantile(0.0), Some(0.0));
        // A lowest bound at or below 0 is returned as it is, not interpolated.
        let h = classic(&[("-1", "2"), ("1", "4"), ("+Inf", "4")]);
        assert_eq!(h.quantile(0.25), Some(-1.0));
        assert_eq!(h.quantile(0.75), Some(0.0));
    }

    #[test]
    fn non_monotonic_counts_are_fixed_up_as_prometheus_does() {
        // A dip is raised to the running maximum.
        let h = classic(&[("0.1", "5"), ("0.2", "3"), ("0.4", "8"), ("+Inf", "8")]);
        close(h.quantile(0.5), 0.08);
        close(h.quantile(0.7), 0.24);
        // The stored counts stay as given: merging stays a plain sum.
        assert_eq!(h.buckets()[1].cumulative, 3.0);
        // Float noise within 1e-12 of the previous count is that count: rank 1 + 5e-14 is past both finite buckets
        // (without the tolerance it would interpolate to 0.15 inside the 0.2 bucket).
        let h = BucketHistogram::from_buckets(vec![
            Bucket { le: 0.1, cumulative: 1.0 },
            Bucket { le: 0.2, cumulative: 1.0 + 1e-13 },
            Bucket { le: f64::INFINITY, cumulative: 2.0 },
        ]);
        assert_eq!(h.quantile((1.0 + 5e-14) / 2.0), Some(0.2));
    }

    #[test]
    fn merging_sums_cumulative_counts_per_bound() {
        let mut a = classic(&[("0.1", "1"), ("0.2", "3"), ("+Inf", "4")]);
        let b = classic(&[("+Inf", "6"), ("0.2", "5"), ("0.1", "2")]);
        assert!(a.same_layout(&b));
        a.merge(&b);
        assert_eq!(a, classic(&[("0.1", "3"), ("0.2", "8"), ("+Inf", "10")]));
        close(a.quantile(0.5), 0.14); // rank 5: 2 of 5 in [0.1, 0.2]
                                      // Merging never averages quantiles: p50 of a alone was 0.15, of b 0.175; merged 0.14.
        close(classic(&[("0.1", "1"), ("0.2", "3"), ("+Inf", "4")]).quantile(0.5), 0.15);
    }

    #[test]
    fn merging_different_layouts_is_what_prometheus_sums() {
        // Tempo's 0.1/0.2/0.4 layout and a 0.1/0.3 one: `sum by (le)` gives each bound what the series with that
        // bound carry.
        let mut a = classic(&[("0.1", "2"), ("0.2", "4"), ("0.4", "6"), ("+Inf", "6")]);
        let b = classic(&[("0.1", "1"), ("0.3", "3"), ("+Inf", "4")]);
        assert!(!a.same_layout(&b));
        a.merge(&b);
        assert_eq!(a, classic(&[("0.1", "3"), ("0.2", "4"), ("0.3", "3"), ("0.4", "6"), ("+Inf", "10")]));
        // The dip at 0.3 is raised to 4 for the quantile; p70 (rank 7) then lies above 0.4: in +Inf.
        assert_eq!(a.quantile(0.7), Some(0.4));
        close(a.quantile(0.5), 0.35); // rank 5: 1 of 2 in [0.3, 0.4] after the fix-up
        let mut empty = BucketHistogram::default();
        empty.merge(&b);
        assert_eq!(empty, b);
    }

    /// The research notes' live native histogram: count 10, sum 1.55.
    fn live_native() -> NativeHistogram {
        let buckets = [(0, "0.03125", "0.0625", "5"), (0, "0.125", "0.25", "4"), (0, "0.5", "1", "1")].map(
            |(rule, lower, upper, count)| NativeBucket::from_strings(rule, lower, upper, count).expect("valid bucket"),
        );
        NativeHistogram::new(10.0, 1.55, buckets.into())
    }

    #[test]
    fn native_quantiles_interpolate_linearly_as_prometheus_2_42() {
        let h = live_native();
        assert_eq!(h.quantile(0.95), Some(0.75));
        assert_eq!(h.quantile(0.5), Some(0.0625)); // rank 5: top of the first bucket
        close(h.quantile(0.7), 0.1875); // rank 7: 2 of 4 in (0.125, 0.25]
        assert_eq!(h.quantile(-1.0), Some(f64::NEG_INFINITY));
        assert_eq!(h.quantile(2.0), Some(f64::INFINITY));
        assert_eq!(NativeHistogram::new(0.0, 0.0, Vec::new()).quantile(0.5), None);
        assert_eq!(h.quantile(f64::NAN), None);
    }

    #[test]
    fn native_zero_bucket_and_nan_observations() {
        let zero = NativeBucket { rule: BoundaryRule::ClosedBoth, lower: -0.001, upper: 0.001, count: 2.0 };
        let positive = NativeBucket { rule: BoundaryRule::OpenLeft, lower: 1.0, upper: 2.0, count: 2.0 };
        let negative = NativeBucket { rule: BoundaryRule::OpenRight, lower: -2.0, upper: -1.0, count: 2.0 };
        // Only positive buckets: the zero bucket starts at 0.
        assert_eq!(NativeHistogram::new(4.0, 3.0, vec![positive, zero]).quantile(0.25), Some(0.0005));
        // Only negative: it ends at 0.
        assert_eq!(NativeHistogram::new(4.0, -3.0, vec![zero, negative]).quantile(0.75), Some(-0.0005));
        // Both sides: it keeps its bounds (rank 3 is the middle of [-0.001, 0.001]).
        assert_eq!(NativeHistogram::new(6.0, 0.0, vec![negative, zero, positive]).quantile(0.5), Some(0.0));
        // Two NaN observations count but sit in no bucket: the rank of p90 (5.4 of 6) is never reached.
        assert_eq!(NativeHistogram::new(6.0, f64::NAN, vec![positive, zero]).quantile(0.9), Some(2.0));
    }

    #[test]
    fn native_buckets_are_checked() {
        assert_eq!(NativeBucket::from_strings(4, "0", "1", "1"), Err(BucketError::BadBoundaryRule(4)));
        assert_eq!(NativeBucket::from_strings(0, "NaN", "1", "1"), Err(BucketError::BadBound("NaN".into())));
        assert_eq!(
            NativeBucket::from_strings(0, "2", "1", "1").map_err(|e| e.to_string()),
            Err("native bucket lower bound 2 is above its upper bound 1".into())
        );
        assert_eq!(NativeBucket::from_strings(0, "1", "2", "x"), Err(BucketError::BadCount("x".into())));
    }

    #[test]
    fn native_histograms_merge_bucket_by_bucket_within_one_schema() {
        let mut a = live_native();
        a.merge(&live_native()).expect("same schema");
        assert_eq!((a.count, a.sum, a.buckets()[0].count, a.buckets().len()), (20.0, 3.1, 10.0, 3));
        assert_eq!(a.quantile(0.95), Some(0.75));
        let other = NativeHistogram::new(
            1.0,
            0.3,
            vec![NativeBucket { rule: BoundaryRule::OpenLeft, lower: 0.25, upper: 0.5, count: 1.0 }],
        );
        a.merge(&other).expect("disjoint bucket");
        assert_eq!(a.buckets().iter().map(|b| b.upper).collect::<Vec<_>>(), [0.0625, 0.25, 0.5, 1.0]);
        // Schema 1 splits (0.5, 1] at 0.7071…: overlapping buckets are refused, and nothing changes.
        let finer = NativeHistogram::new(
            1.0,
            0.6,
            vec![NativeBucket {
                rule: BoundaryRule::OpenLeft,
                lower: 0.5,
                upper: std::f64::consts::FRAC_1_SQRT_2,
                count: 1.0,
            }],
        );
        let before = a.clone();
        let error = a.merge(&finer).expect_err("overlap");
        assert_eq!(error.code(), "prometheus.native-layout-mismatch");
        assert_eq!(
            error.to_string(),
            "native histogram buckets (0.5, 1] and (0.5, 0.7071067811865476] overlap: different schemas cannot be merged"
        );
        assert_eq!(a, before);
    }

    /// Tempo's default layout with `counts` per bucket (not cumulative), the last one in +Inf.
    fn tempo(counts: &[u16]) -> BucketHistogram {
        let bounds = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, f64::INFINITY];
        let mut running = 0.0;
        let buckets = bounds
            .iter()
            .zip(counts)
            .map(|(&le, &count)| {
                running += f64::from(count);
                Bucket { le, cumulative: running }
            })
            .collect();
        BucketHistogram::from_buckets(buckets)
    }

    proptest::proptest! {
        /// A higher quantile is never lower, and every finite one lies between 0 and the highest finite bound.
        #[test]
        fn quantiles_rise_with_q(counts in proptest::collection::vec(0u16..50, 9), a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let h = tempo(&counts);
            let (low, high) = (a.min(b), a.max(b));
            if let (Some(x), Some(y)) = (h.quantile(low), h.quantile(high)) {
                proptest::prop_assert!(x <= y, "q{low} = {x} > q{high} = {y}");
                proptest::prop_assert!((0.0..=12.8).contains(&x) && (0.0..=12.8).contains(&y));
            }
            let total: u32 = counts.iter().map(|&c| u32::from(c)).sum();
            proptest::prop_assert_eq!(h.quantile(high).is_none(), total == 0 || (high == 0.0 && counts[0] == 0));
        }

        /// Merging two histograms of one layout is the histogram of the summed bucket counts.
        #[test]
        fn merging_one_layout_sums_the_distributions(
            a in proptest::collection::vec(0u16..1000, 9),
            b in proptest::collection::vec(0u16..1000, 9),
        ) {
            let mut merged = tempo(&a);
            merged.merge(&tempo(&b));
            let summed: Vec<u16> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
            proptest::prop_assert_eq!(merged, tempo(&summed));
        }
    }
}
