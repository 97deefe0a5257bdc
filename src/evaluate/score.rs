//! Scoring: how far an observation is from its threshold, and the status that follows.
//!
//! Owns `score = observed / threshold` and the guarantee that no NaN or infinity ever leaves this module (scores
//! are capped at [`MAX_SCORE`]; missing, negative or non-finite inputs give no score and status `unknown`).
//! Inputs are plain numbers so this does not depend on how latency is aggregated.

use serde::Serialize;

use super::config::EvaluateConfig;
use super::status::Status;
use super::thresholds::ResolvedThreshold;
use super::tolerance::Tolerance;

/// Scores above this are reported as this: "a million times the threshold" is already off every scale.
pub const MAX_SCORE: f64 = 1e6;

/// The judgement on one metric of one node or edge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub score: Option<f64>,
    pub status: Status,
}

impl Evaluation {
    pub const UNKNOWN: Evaluation = Evaluation { score: None, status: Status::Unknown };

    /// The more severe of two evaluations (the higher score on a tie), e.g. latency vs error rate of a node.
    pub fn worst(self, other: Evaluation) -> Evaluation {
        let key = |e: &Evaluation| (e.status, e.score.unwrap_or(-1.0));
        if key(&other) > key(&self) {
            other
        } else {
            self
        }
    }
}

/// `observed / threshold`, finite and at least zero, or `None` when either is missing or unusable.
pub fn score(observed: f64, threshold: f64) -> Option<f64> {
    if !(observed.is_finite() && observed >= 0.0 && threshold.is_finite() && threshold > 0.0) {
        return None;
    }
    let ratio = observed / threshold;
    Some(if ratio.is_finite() { ratio.min(MAX_SCORE) } else { MAX_SCORE })
}

/// Judges an observation (milliseconds at the threshold's percentile) against a resolved threshold.
pub fn evaluate(observed_ms: Option<f64>, threshold: &ResolvedThreshold, tolerance: Tolerance) -> Evaluation {
    evaluate_ratio(observed_ms, threshold.threshold_ms, tolerance)
}

/// Judges an error rate (0.0–1.0) against `defaults.errorRate`.
pub fn evaluate_error_rate(rate: Option<f64>, config: &EvaluateConfig) -> Evaluation {
    evaluate_ratio(rate, config.defaults.error_rate, config.tolerance)
}

fn evaluate_ratio(observed: Option<f64>, threshold: Option<f64>, tolerance: Tolerance) -> Evaluation {
    let score = observed.zip(threshold).and_then(|(observed, threshold)| score(observed, threshold));
    Evaluation { score, status: Status::from_score(score, tolerance.bands()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_is_the_ratio_and_never_nan_or_infinite() {
        assert_eq!(score(150.0, 300.0), Some(0.5));
        assert_eq!(score(0.0, 300.0), Some(0.0));
        assert_eq!(score(1.0, 0.0), None);
        assert_eq!(score(f64::NAN, 1.0), None);
        assert_eq!(score(-1.0, 1.0), None);
        assert_eq!(score(1.0, f64::INFINITY), None);
        assert_eq!(score(f64::MAX, f64::MIN_POSITIVE), Some(MAX_SCORE));
    }

    #[test]
    fn worst_prefers_severity_then_score() {
        let amber = Evaluation { score: Some(0.9), status: Status::Amber };
        let red = Evaluation { score: Some(1.1), status: Status::Red };
        assert_eq!(amber.worst(red), red);
        assert_eq!(red.worst(Evaluation::UNKNOWN), red);
        assert_eq!(Evaluation::UNKNOWN.worst(amber), amber);
    }
}
