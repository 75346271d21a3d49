//! Retry decisions. Classification is separate from action: [`classify`] is one pure function
//! from (leg, outcome, safety, attempt) to an [`Action`], with one delay rule —
//! the server's `Retry-After` when it sent one (delta seconds or HTTP date), else exponential
//! backoff with jitter; a `Retry-After` beyond the policy's `max_retry_after` is not waited
//! out but reported. The call state machine classifies every answer and applies the action.
//!
//! | leg | outcome | retry-safe | has probe | action |
//! |---|---|---|---|---|
//! | any | 2xx | | | `Accept` |
//! | API, probe | 401, first time | | | `RefreshToken` |
//! | API | 429 | | | `Retry` (until attempts run out, then `Fail(Exhausted)`) |
//! | API | 500/502/503/504 | yes | | `Retry` |
//! | API | 500/502/503/504 | no | yes | `Probe` |
//! | API | connect failure (never left) | | | `Retry` |
//! | API | timeout, reset, cut-short body | yes | | `Retry` |
//! | API | timeout, reset, cut-short body | no | yes | `Probe` |
//! | API | response over the size cap | | | `Fail(Final)` |
//! | API, LWA | anything else | | | `Fail(Final)` |
//! | LWA | 429, 5xx, any network failure | | | `Retry` |
//! | probe | 429, 5xx, any network failure | | | `Retry`, then `Fail(Unknown)` |
//! | probe | any other status | | | `Accept` (the operation reads it) |

use std::time::{Duration, SystemTime};

use crate::config::RetryPolicy;
use crate::error::{TransportError, TransportErrorKind};

/// Which exchange an outcome belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// The operation's own request.
    Api,
    /// The LWA token exchange.
    Lwa,
    /// The read-only probe that settles an ambiguous outcome (placeOrder → orderDetails).
    Probe,
}

/// What came back from one exchange, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// An HTTP answer, with its `Retry-After` if readable.
    Status {
        /// The status code.
        status: u16,
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// No (complete) answer.
    Transport(&'a TransportError),
}

/// What the call may do about the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Safety {
    /// Sending the request twice is harmless.
    pub retry_safe: bool,
    /// The operation has a read-only probe.
    pub has_probe: bool,
}

/// Where the call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// How many times this leg's request has been sent (1 after the first send).
    pub sent: u32,
    /// Whether a 401 has already been answered by a fresh token.
    pub auth_retried: bool,
}

/// Why a call stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The answer is final: retrying cannot change it.
    Final,
    /// Worth retrying, but the attempts allowed are used up.
    Exhausted,
    /// The server asked to wait longer than `max_retry_after`.
    WaitTooLong(Duration),
    /// The probe could not tell whether the ambiguous attempt took effect.
    Unknown,
}

/// What to do after an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A success (or, for a probe, an answer the operation reads).
    Accept,
    /// Wait, then send again.
    Retry {
        /// How long to wait.
        after: Duration,
    },
    /// Drop the token that was refused and send again with a fresh one (once per call).
    RefreshToken,
    /// Find out with the probe whether the attempt took effect, before anything else.
    Probe,
    /// Stop with the failure.
    Fail(Failure),
}

/// Decides what to do about `outcome` on `leg`. `jitter` (0.0–1.0) spreads backoff delays;
/// the caller draws it from its seed. Pure: the same inputs give the same action.
pub fn classify(
    leg: Leg,
    outcome: Outcome<'_>,
    safety: Safety,
    attempt: Attempt,
    policy: &RetryPolicy,
    jitter: f64,
) -> Action {
    let again = |retry_after: Option<Duration>, exhausted: Failure| -> Action {
        if attempt.sent >= policy.max_attempts {
            return Action::Fail(exhausted);
        }
        match retry_after {
            Some(asked) if asked > policy.max_retry_after => Action::Fail(Failure::WaitTooLong(asked)),
            Some(asked) => Action::Retry { after: asked },
            None => Action::Retry { after: backoff(policy, attempt.sent, jitter) },
        }
    };
    match (leg, outcome) {
        (_, Outcome::Status { status: 200..=299, .. }) => Action::Accept,
        (Leg::Api | Leg::Probe, Outcome::Status { status: 401, .. }) if !attempt.auth_retried => {
            Action::RefreshToken
        }
        (Leg::Lwa, Outcome::Status { status, retry_after }) if status == 429 || status >= 500 => {
            again(retry_after, Failure::Exhausted)
        }
        (Leg::Lwa, Outcome::Transport(t)) if t.kind != TransportErrorKind::TooLarge => {
            again(None, Failure::Exhausted)
        }
        (Leg::Lwa, _) => Action::Fail(Failure::Final),
        (Leg::Probe, Outcome::Status { status, retry_after })
            if status == 429 || is_retryable_status(status) =>
        {
            again(retry_after, Failure::Unknown)
        }
        (Leg::Probe, Outcome::Status { .. }) => Action::Accept,
        (Leg::Probe, Outcome::Transport(_)) => again(None, Failure::Unknown),
        (Leg::Api, Outcome::Status { status: 429, retry_after }) => again(retry_after, Failure::Exhausted),
        (Leg::Api, Outcome::Status { status, retry_after }) if is_retryable_status(status) => {
            if safety.retry_safe {
                again(retry_after, Failure::Exhausted)
            } else if safety.has_probe {
                Action::Probe
            } else {
                Action::Fail(Failure::Final)
            }
        }
        (Leg::Api, Outcome::Status { .. }) => Action::Fail(Failure::Final),
        (Leg::Api, Outcome::Transport(t)) => {
            if t.kind == TransportErrorKind::TooLarge {
                Action::Fail(Failure::Final)
            } else if safety.retry_safe || t.request_never_left() {
                again(None, Failure::Exhausted)
            } else if safety.has_probe {
                Action::Probe
            } else {
                Action::Fail(Failure::Final)
            }
        }
    }
}

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

    fn t(kind: TransportErrorKind) -> TransportError {
        TransportError::new(kind, "x")
    }

    /// Every status class, header form and transport-failure kind, on every leg, for every kind
    /// of operation: the whole decision table.
    #[test]
    fn the_classification_table() {
        let p = RetryPolicy::default();
        let s = |status: u16, ra: Option<u64>| Outcome::Status {
            status,
            retry_after: ra.map(Duration::from_secs),
        };
        let safe = Safety { retry_safe: true, has_probe: false };
        let unsafe_probed = Safety { retry_safe: false, has_probe: true };
        let unsafe_bare = Safety { retry_safe: false, has_probe: false };
        let first = Attempt { sent: 1, auth_retried: false };
        let last = Attempt { sent: p.max_attempts, auth_retried: true };
        let backoff1 = Action::Retry { after: backoff(&p, 1, 0.5) };
        let wait = |secs| Action::Retry { after: Duration::from_secs(secs) };
        let connect = t(TransportErrorKind::Connect);
        let timeout = t(TransportErrorKind::Timeout);
        let reset = t(TransportErrorKind::Reset);
        let protocol = t(TransportErrorKind::Protocol);
        let large = t(TransportErrorKind::TooLarge);
        use Action::*;
        use Failure::*;
        let table: Vec<(Leg, Outcome<'_>, Safety, Attempt, Action)> = vec![
            (Leg::Api, s(200, None), safe, first, Accept),
            (Leg::Api, s(204, Some(3)), unsafe_bare, first, Accept),
            (Leg::Api, s(401, None), safe, first, RefreshToken),
            (Leg::Api, s(401, None), safe, Attempt { auth_retried: true, ..first }, Fail(Final)),
            (Leg::Api, s(400, None), safe, first, Fail(Final)),
            (Leg::Api, s(403, None), safe, first, Fail(Final)),
            (Leg::Api, s(404, None), safe, first, Fail(Final)),
            (Leg::Api, s(413, None), safe, first, Fail(Final)),
            (Leg::Api, s(501, None), safe, first, Fail(Final)),
            (Leg::Api, s(429, None), safe, first, backoff1),
            (Leg::Api, s(429, Some(7)), unsafe_bare, first, wait(7)),
            (Leg::Api, s(429, Some(61)), safe, first, Fail(WaitTooLong(Duration::from_secs(61)))),
            (Leg::Api, s(429, Some(1)), safe, last, Fail(Exhausted)),
            (Leg::Api, s(503, Some(2)), safe, first, wait(2)),
            (Leg::Api, s(500, None), unsafe_probed, first, Probe),
            (Leg::Api, s(502, None), unsafe_bare, first, Fail(Final)),
            (Leg::Api, s(504, None), safe, last, Fail(Exhausted)),
            (Leg::Api, Outcome::Transport(&connect), unsafe_bare, first, backoff1),
            (Leg::Api, Outcome::Transport(&connect), safe, last, Fail(Exhausted)),
            (Leg::Api, Outcome::Transport(&timeout), safe, first, backoff1),
            (Leg::Api, Outcome::Transport(&timeout), unsafe_probed, first, Probe),
            (Leg::Api, Outcome::Transport(&reset), unsafe_bare, first, Fail(Final)),
            (Leg::Api, Outcome::Transport(&protocol), unsafe_probed, first, Probe),
            (Leg::Api, Outcome::Transport(&large), safe, first, Fail(Final)),
            (Leg::Lwa, s(200, None), safe, first, Accept),
            (Leg::Lwa, s(400, None), safe, first, Fail(Final)),
            (Leg::Lwa, s(401, None), safe, first, Fail(Final)),
            (Leg::Lwa, s(429, Some(4)), safe, first, wait(4)),
            (Leg::Lwa, s(503, None), safe, first, backoff1),
            (Leg::Lwa, s(500, None), safe, last, Fail(Exhausted)),
            (Leg::Lwa, Outcome::Transport(&reset), safe, first, backoff1),
            (Leg::Lwa, Outcome::Transport(&large), safe, first, Fail(Final)),
            (Leg::Probe, s(200, None), safe, first, Accept),
            (Leg::Probe, s(404, None), safe, first, Accept),
            (Leg::Probe, s(401, None), safe, first, RefreshToken),
            (Leg::Probe, s(429, Some(3)), safe, first, wait(3)),
            (Leg::Probe, s(503, None), safe, last, Fail(Unknown)),
            (Leg::Probe, Outcome::Transport(&timeout), safe, first, backoff1),
            (Leg::Probe, Outcome::Transport(&timeout), safe, last, Fail(Unknown)),
        ];
        for (i, (leg, outcome, safety, attempt, want)) in table.into_iter().enumerate() {
            let got = classify(leg, outcome, safety, attempt, &p, 0.5);
            assert_eq!(got, want, "row {i}: {leg:?} {outcome:?} {safety:?} {attempt:?}");
        }
    }

    proptest! {
        /// Whatever the inputs, a retry never waits beyond the larger of the bounds, and a
        /// call never retries once its attempts are used up.
        #[test]
        fn classify_is_bounded(status in 100u16..600, ra in proptest::option::of(0u64..200), sent in 1u32..8, auth in any::<bool>(), safe in any::<bool>(), probe in any::<bool>(), jitter in 0.0f64..1.0) {
            let p = RetryPolicy::default();
            let outcome = Outcome::Status { status, retry_after: ra.map(Duration::from_secs) };
            for leg in [Leg::Api, Leg::Lwa, Leg::Probe] {
                let a = classify(leg, outcome, Safety { retry_safe: safe, has_probe: probe }, Attempt { sent, auth_retried: auth }, &p, jitter);
                if let Action::Retry { after } = a {
                    prop_assert!(sent < p.max_attempts);
                    prop_assert!(after <= p.max_retry_after.max(p.max_delay));
                }
            }
        }


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
