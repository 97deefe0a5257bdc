//! When a failed request is tried again, and after how long: exponential backoff with jitter, bounded, and never
//! sooner than the backend's `Retry-After`.
//!
//! Owns the policy only. What failed is a [`FailureReason`]; network errors, timeouts, 429 and 5xx may pass and
//! are retried, any other status (a 4xx: wrong URL, no permission) or an unreadable answer would fail the same way
//! again and is not. A backend asking for more than the longest delay is left alone for this round (the next round
//! asks again, one poll interval later). The random draw is the caller's, so the delays are testable; the waiting
//! is `wasm/poll.rs`'s.

use super::config::SourceConfig;
use super::report::FailureReason;

/// Retries of one request and the delays between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Further tries after the first.
    pub retries: u32,
    /// Delay before the first retry, before jitter (ms); doubled for each further one.
    pub base_ms: f64,
    /// Longest delay (ms).
    pub cap_ms: f64,
}

/// What to do after a try.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attempt {
    /// Try again after this many ms.
    RetryAfter(f64),
    /// Give up: a failure entry.
    GiveUp,
}

impl RetryPolicy {
    /// The policy of a source: its `retries`, 250 ms doubling up to 4 s.
    pub fn of(config: &SourceConfig) -> RetryPolicy {
        RetryPolicy { retries: config.retries, base_ms: 250.0, cap_ms: 4_000.0 }
    }

    /// After try number `tried` (1 for the first) failed for `reason`: wait and retry, or give up. `jitter` is a
    /// uniform draw in `[0, 1)`; the delay is between half and all of `base · 2^(tried-1)` ("equal jitter"), capped,
    /// so many clients failing together do not retry together and none waits for nothing; at least the answer's
    /// `Retry-After`, and no retry this round when that is longer than the cap.
    pub fn after(&self, tried: u32, reason: &FailureReason, jitter: f64) -> Attempt {
        if !reason.may_pass() || tried > self.retries {
            return Attempt::GiveUp;
        }
        let asked = match reason {
            FailureReason::Status { retry_after_ms: Some(ms), .. } if *ms > self.cap_ms => return Attempt::GiveUp,
            FailureReason::Status { retry_after_ms: Some(ms), .. } => *ms,
            _ => 0.0,
        };
        let exponent = tried.saturating_sub(1).min(30) as i32;
        let full = (self.base_ms * 2f64.powi(exponent)).min(self.cap_ms);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        Attempt::RetryAfter((full / 2.0 + full / 2.0 * jitter).max(asked))
    }
}

impl FailureReason {
    /// Whether the same request may succeed if tried again.
    pub fn may_pass(&self) -> bool {
        match self {
            FailureReason::Network(_) | FailureReason::Timeout { .. } => true,
            FailureReason::Status { status, .. } => *status == 429 || (500..600).contains(status),
            FailureReason::Unreadable(_) | FailureReason::ApiError(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy { retries: 3, base_ms: 250.0, cap_ms: 600.0 };

    fn status(status: u16) -> FailureReason {
        FailureReason::Status { status, retry_after_ms: None, detail: None }
    }

    #[test]
    fn network_errors_timeouts_429_and_5xx_are_retried() {
        let retried = |reason: FailureReason| POLICY.after(1, &reason, 0.0) != Attempt::GiveUp;
        assert!(retried(FailureReason::Network("TypeError: fetch failed".into())));
        assert!(retried(FailureReason::Timeout { ms: 10_000.0 }));
        assert!(retried(status(429)));
        assert!(retried(status(500)));
        assert!(retried(status(503)));
        assert!(retried(status(599)));
    }

    #[test]
    fn client_errors_other_statuses_and_unreadable_answers_are_not() {
        for code in [400, 401, 403, 404, 418, 304, 600] {
            assert_eq!(POLICY.after(1, &status(code), 0.5), Attempt::GiveUp, "{code}");
        }
        assert_eq!(POLICY.after(1, &FailureReason::Unreadable("EOF".into()), 0.5), Attempt::GiveUp);
    }

    #[test]
    fn delays_double_with_equal_jitter_up_to_the_cap_and_stop_after_the_retries() {
        let reason = status(502);
        assert_eq!(POLICY.after(1, &reason, 0.0), Attempt::RetryAfter(125.0));
        assert_eq!(POLICY.after(1, &reason, 0.5), Attempt::RetryAfter(187.5));
        assert_eq!(POLICY.after(2, &reason, 0.999), Attempt::RetryAfter(250.0 + 250.0 * 0.999));
        assert_eq!(POLICY.after(3, &reason, 1.0), Attempt::RetryAfter(600.0));
        assert_eq!(POLICY.after(4, &reason, 0.0), Attempt::GiveUp);
        assert_eq!(RetryPolicy { retries: 100, ..POLICY }.after(90, &reason, 0.0), Attempt::RetryAfter(300.0));
    }

    #[test]
    fn a_broken_draw_cannot_make_a_delay_outside_its_bounds() {
        let reason = status(500);
        assert_eq!(POLICY.after(1, &reason, f64::NAN), Attempt::RetryAfter(125.0));
        assert_eq!(POLICY.after(1, &reason, 7.0), Attempt::RetryAfter(250.0));
        assert_eq!(POLICY.after(1, &reason, -1.0), Attempt::RetryAfter(125.0));
    }

    #[test]
    fn no_retries_means_one_try() {
        let policy = RetryPolicy { retries: 0, ..POLICY };
        assert_eq!(policy.after(1, &status(500), 0.0), Attempt::GiveUp);
    }

    #[test]
    fn retry_after_is_waited_for_and_a_longer_one_ends_the_round() {
        let asked = |ms| FailureReason::Status { status: 429, retry_after_ms: Some(ms), detail: None };
        assert_eq!(POLICY.after(1, &asked(500.0), 0.0), Attempt::RetryAfter(500.0));
        // The backoff is longer than the hint: the backoff.
        assert_eq!(POLICY.after(3, &asked(100.0), 1.0), Attempt::RetryAfter(600.0));
        assert_eq!(POLICY.after(1, &asked(600.0), 0.0), Attempt::RetryAfter(600.0));
        assert_eq!(POLICY.after(1, &asked(601.0), 0.0), Attempt::GiveUp);
        // A 4xx with the header is still not retried.
        assert_eq!(POLICY.after(1, &FailureReason::Status { status: 403, retry_after_ms: Some(1.0), detail: None }, 0.0), Attempt::GiveUp);
    }
}
