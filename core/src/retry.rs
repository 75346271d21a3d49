//! Retry decisions: reading `Retry-After`, exponential backoff with jitter, and which failures
//! may be tried again.

use std::time::{Duration, SystemTime};

use crate::config::RetryPolicy;
use crate::error::TransportError;

/// Reads a `Retry-After` value: delta seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, relative to `now`). A date in the past means no wait;
/// anything else unreadable gives `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `Retry-After` of a response, if present and readable.
pub fn retry_after_header(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
}

/// The delay before retry number `retry` (1 for the first retry): the exponential step
/// `base × 2^(retry-1)`, capped at `max_delay`, of which a `jitter`-sized part (0.0–1.0) is
/// taken from the second half, so the delay lies between half the step and the step.
pub fn backoff(policy: &RetryPolicy, retry: u32, jitter: f64) -> Duration {
    let exp = retry.saturating_sub(1).min(30);
    let step = policy.base_delay.saturating_mul(1u32 << exp).min(policy.max_delay);
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    step / 2 + step.mul_f64(jitter) / 2
}

/// Statuses worth retrying for an operation that may be sent twice.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Whether a transport failure may be retried for an operation with the given safety.
pub fn may_retry_transport(error: &TransportError, retry_safe: bool) -> bool {
    retry_safe || error.request_never_left()
}

/// A small deterministic generator turning a seed supplied by the caller into jitter values
/// (SplitMix64). The core draws no randomness of its own.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Jitter(seed)
    }

    /// The next value in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;
    use proptest::prelude::*;

    #[test]
    fn retry_after_both_forms_and_garbage() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        for garbage in ["", "soon", "-5", "1.5", "99999999999999999999999", "Wed, 32 Oct 2015 07:28:07 GMT"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        assert_eq!(backoff(&p, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(&p, 1, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(&p, 2, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(&p, 3, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(&p, 5, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(&p, 50, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(&p, 50, f64::NAN), Duration::from_millis(500));
    }

    #[test]
    fn which_failures_are_retried() {
        for s in [500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [400, 401, 403, 404, 429, 501] {
            assert!(!is_retryable_status(s));
        }
        let connect = TransportError::new(TransportErrorKind::Connect, "refused");
        let reset = TransportError::new(TransportErrorKind::Reset, "reset");
        assert!(may_retry_transport(&connect, false));
        assert!(!may_retry_transport(&reset, false));
        assert!(may_retry_transport(&reset, true));
    }

    proptest! {
        #[test]
        fn backoff_stays_within_bounds(retry in 1u32..100, jitter in -1.0f64..2.0, base_ms in 1u64..5_000, cap_ms in 1u64..60_000) {
            let p = RetryPolicy { base_delay: Duration::from_millis(base_ms), max_delay: Duration::from_millis(cap_ms), ..RetryPolicy::default() };
            let d = backoff(&p, retry, jitter);
            prop_assert!(d <= p.max_delay);
            prop_assert!(d <= p.base_delay.saturating_mul(1u32 << (retry - 1).min(30)));
        }

        #[test]
        fn jitter_is_in_unit_range(seed in any::<u64>()) {
            let mut j = Jitter::new(seed);
            for _ in 0..10 {
                let v = j.next_unit();
                prop_assert!((0.0..1.0).contains(&v));
            }
        }

        #[test]
        fn retry_after_never_panics(s in ".*") {
            let _ = parse_retry_after(&s, SystemTime::UNIX_EPOCH);
        }
    }
}
