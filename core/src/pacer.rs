//! Client-side pacing: a token bucket per (credential, operation), so that a busy client waits
//! before sending instead of collecting 429s. Calls reach the buckets only through store steps
//! ([`StoreOp::Reserve`](crate::store::StoreOp::Reserve) and its kin) that a driver runs
//! against [`MemoryBuckets`] or a store shared by many processes.
//!
//! The bucket is a GCRA (generic cell rate algorithm) with reservations: asking for a slot
//! returns how long to wait and books the slot, so concurrent callers queue up fairly. It is
//! seeded from the operation's usage plan, its rate is corrected by `x-amzn-RateLimit-Limit`,
//! and a 429 empties it.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::config::CredentialKey;
use crate::operation::UsagePlan;

/// Identifies one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BucketKey {
    /// The credential the calls are made with.
    pub credential: CredentialKey,
    /// The operation's `operationId`.
    pub operation: &'static str,
}

#[derive(Debug, Clone)]
struct Bucket {
    /// Theoretical arrival time of the next request at the sustained rate.
    tat: Option<Instant>,
    /// A rate Amazon reported, overriding the plan's.
    learned_rate: Option<f64>,
}

/// The buckets of this process.
#[derive(Default)]
pub struct MemoryBuckets {
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

impl fmt::Debug for MemoryBuckets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBuckets").field("buckets", &self.lock().len()).finish()
    }
}

impl MemoryBuckets {
    fn lock(&self) -> MutexGuard<'_, HashMap<BucketKey, Bucket>> {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The plan in force: the learned rate (with the plan's burst, or a burst of one when the
/// model states no plan — a conservative start, since nothing says more is allowed) or the
/// model's plan.
fn effective(plan: Option<UsagePlan>, learned: Option<f64>) -> Option<UsagePlan> {
    match (learned, plan) {
        (Some(rate), Some(p)) => Some(UsagePlan::new(rate, p.burst)),
        (Some(rate), None) => Some(UsagePlan::new(rate, 1)),
        (None, p) => p,
    }
}

/// The share of the announced rate the pacer uses. Pacing exactly at the limit collects a 429
/// whenever a request reaches the server a hair early (network jitter, clocks that tick
/// differently); 2 % under it keeps clear and still achieves at least 0.97 of the plan.
pub const PACE_MARGIN: f64 = 0.98;

fn interval(rate: f64) -> Duration {
    Duration::from_secs_f64(1.0 / (rate * PACE_MARGIN))
}

impl MemoryBuckets {
    /// Books the next slot for `key` and returns how long to wait before sending. `plan` is the
    /// operation's default plan (`None` when the model states none).
    pub fn reserve(&self, key: &BucketKey, plan: Option<UsagePlan>, now: Instant) -> Duration {
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_insert(Bucket { tat: None, learned_rate: None });
        let Some(plan) = effective(plan, bucket.learned_rate) else {
            return Duration::ZERO;
        };
        if !(plan.rate.is_finite() && plan.rate > 0.0) {
            return Duration::ZERO;
        }
        let t = interval(plan.rate);
        let tolerance = t * plan.burst.max(1).saturating_sub(1);
        let tat = bucket.tat.map_or(now, |tat| tat.max(now));
        let allowed_at = tat.checked_sub(tolerance).unwrap_or(now).max(now);
        bucket.tat = Some(tat + t);
        allowed_at - now
    }

    /// Amazon said (in `x-amzn-RateLimit-Limit`) which rate it applies to `key`.
    pub fn observe_rate(&self, key: &BucketKey, plan: Option<UsagePlan>, rate: f64, now: Instant) {
        if !(rate.is_finite() && rate > 0.0) {
            return;
        }
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_insert(Bucket { tat: None, learned_rate: None });
        let old = effective(plan, bucket.learned_rate).map(|p| p.rate);
        bucket.learned_rate = Some(rate);
        // A backlog booked at the old rate: at a slower rate it is stretched to the new one; at
        // a faster rate the slots already handed out stay booked (their callers are waiting for
        // them), so the next slot follows the last booked one at the new interval. (Shrinking
        // the whole backlog would hand out slots among the booked ones, and the two streams
        // together would exceed the new rate.)
        if let (Some(old), Some(tat)) = (old, bucket.tat) {
            if tat > now {
                if old > rate {
                    bucket.tat = Some(now + (tat - now).mul_f64(old / rate));
                } else if old < rate {
                    let last = tat.checked_sub(interval(old)).unwrap_or(tat);
                    bucket.tat = Some(last.max(now) + interval(rate));
                }
            }
        }
    }

    /// Amazon answered 429 for `key`: treat the bucket as empty.
    pub fn throttled(&self, key: &BucketKey, plan: Option<UsagePlan>, now: Instant) {
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_insert(Bucket { tat: None, learned_rate: None });
        if let Some(plan) =
            effective(plan, bucket.learned_rate).filter(|p| p.rate.is_finite() && p.rate > 0.0)
        {
            let t = interval(plan.rate);
            let full = t * plan.burst.max(1);
            bucket.tat = Some(bucket.tat.map_or(now, |tat| tat.max(now)).max(now + full));
        }
    }
}

/// Reads `x-amzn-RateLimit-Limit` (requests per second).
pub fn rate_limit_header(headers: &http::HeaderMap) -> Option<f64> {
    headers
        .get("x-amzn-ratelimit-limit")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|r| r.is_finite() && *r > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn key(op: &'static str) -> BucketKey {
        BucketKey { credential: CredentialKey::new("c", &Secret::new("r")), operation: op }
    }

    /// `wait` is `nominal` at the announced rate, stretched by the pacing margin.
    fn assert_paced(wait: Duration, nominal: Duration) {
        let want = nominal.div_f64(PACE_MARGIN);
        let diff = wait.abs_diff(want);
        assert!(
            diff < Duration::from_micros(1),
            "waited {wait:?}, expected {want:?} ({nominal:?} / {PACE_MARGIN})"
        );
    }

    #[test]
    fn burst_then_the_sustained_rate() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(0.5, 10));
        let waits: Vec<Duration> = (0..12).map(|_| s.reserve(&key("op"), plan, now)).collect();
        assert!(waits[..10].iter().all(|w| w.is_zero()), "{waits:?}");
        assert_paced(waits[10], Duration::from_secs(2));
        assert_paced(waits[11], Duration::from_secs(4));
        // Buckets are per operation.
        assert!(s.reserve(&key("other"), plan, now).is_zero());
    }

    #[test]
    fn the_bucket_refills_with_time() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(2.0, 2));
        assert!(s.reserve(&key("op"), plan, now).is_zero());
        assert!(s.reserve(&key("op"), plan, now).is_zero());
        assert_paced(s.reserve(&key("op"), plan, now), Duration::from_millis(500));
        // 10 s later the bucket is full again.
        let later = now + Duration::from_secs(10);
        assert!(s.reserve(&key("op"), plan, later).is_zero());
        assert!(s.reserve(&key("op"), plan, later).is_zero());
        assert!(!s.reserve(&key("op"), plan, later).is_zero());
    }

    #[test]
    fn the_header_corrects_the_rate() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(0.5, 1));
        s.observe_rate(&key("op"), plan, 4.0, now);
        assert!(s.reserve(&key("op"), plan, now).is_zero());
        assert_paced(s.reserve(&key("op"), plan, now), Duration::from_millis(250));
        // No plan and nothing learned: no pacing.
        assert!(s.reserve(&key("free"), None, now).is_zero());
        assert!(s.reserve(&key("free"), None, now).is_zero());
        // A backlog booked at 0.5 rps: when Amazon says 5 rps, the next slot follows the last
        // booked one (at 2 s) by the new interval, instead of 4 s later at the old rate.
        let slow = Some(UsagePlan::new(0.5, 1));
        assert!(s.reserve(&key("b"), slow, now).is_zero());
        assert_paced(s.reserve(&key("b"), slow, now), Duration::from_secs(2));
        s.observe_rate(&key("b"), slow, 5.0, now);
        assert_paced(s.reserve(&key("b"), slow, now), Duration::from_millis(2200));
        // And when Amazon says 0.25 rps, the backlog stretches to the slower rate.
        let c = Some(UsagePlan::new(1.0, 1));
        assert!(s.reserve(&key("c"), c, now).is_zero());
        assert_paced(s.reserve(&key("c"), c, now), Duration::from_secs(1));
        s.observe_rate(&key("c"), c, 0.25, now);
        assert_paced(s.reserve(&key("c"), c, now), Duration::from_secs(8));
    }

    #[test]
    fn a_429_empties_the_bucket() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(1.0, 5));
        s.throttled(&key("op"), plan, now);
        assert_paced(s.reserve(&key("op"), plan, now), Duration::from_secs(1));
    }

    #[test]
    fn reads_the_rate_limit_header() {
        let mut h = http::HeaderMap::new();
        assert_eq!(rate_limit_header(&h), None);
        h.insert("x-amzn-RateLimit-Limit", "0.5".parse().unwrap());
        assert_eq!(rate_limit_header(&h), Some(0.5));
        h.insert("x-amzn-RateLimit-Limit", "fast".parse().unwrap());
        assert_eq!(rate_limit_header(&h), None);
        h.insert("x-amzn-RateLimit-Limit", "-1".parse().unwrap());
        assert_eq!(rate_limit_header(&h), None);
    }

    /// One thing that happens to a bucket, `gap_ms` after the previous one.
    #[derive(Debug, Clone)]
    enum Event {
        Reserve { gap_ms: u64 },
        Learn { gap_ms: u64, rate: f64 },
        Throttled { gap_ms: u64 },
    }

    fn event() -> impl proptest::strategy::Strategy<Value = Event> {
        use proptest::prelude::*;
        prop_oneof![
            8 => (0u64..1500).prop_map(|gap_ms| Event::Reserve { gap_ms }),
            1 => ((0u64..1500), 0.05f64..40.0).prop_map(|(gap_ms, rate)| Event::Learn { gap_ms, rate }),
            1 => (0u64..1500).prop_map(|gap_ms| Event::Throttled { gap_ms }),
        ]
    }

    /// How many cases the pacer property runs (each up to 150 events).
    const PACER_CASES: u32 = 2048;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: PACER_CASES, ..Default::default() })]

        /// For any arrival pattern, learned rates and 429s: in every window `[a, b]` of the
        /// send times the bucket hands out, at most `burst + rate × (b − a)` requests go, with
        /// `rate` the highest rate in force during the run (a relative slack of 10⁻⁶ absorbs the
        /// nanosecond rounding of the interval).
        #[test]
        fn no_window_lets_through_more_than_burst_plus_rate_times_window(
            plan_rate in 0.05f64..40.0,
            burst in 1u32..20,
            events in proptest::collection::vec(event(), 1..150),
        ) {
            let s = MemoryBuckets::default();
            let plan = Some(UsagePlan::new(plan_rate, burst));
            let start = Instant::now();
            let mut now = start;
            let mut max_rate = plan_rate;
            let mut sends: Vec<Duration> = Vec::new();
            for e in events {
                match e {
                    Event::Reserve { gap_ms } => {
                        now += Duration::from_millis(gap_ms);
                        let wait = s.reserve(&key("op"), plan, now);
                        sends.push(now + wait - start);
                    }
                    Event::Learn { gap_ms, rate } => {
                        now += Duration::from_millis(gap_ms);
                        s.observe_rate(&key("op"), plan, rate, now);
                        max_rate = max_rate.max(rate);
                    }
                    Event::Throttled { gap_ms } => {
                        now += Duration::from_millis(gap_ms);
                        s.throttled(&key("op"), plan, now);
                    }
                }
            }
            sends.sort();
            for i in 0..sends.len() {
                for j in i..sends.len() {
                    let window = (sends[j] - sends[i]).as_secs_f64();
                    let count = (j - i + 1) as f64;
                    let bound = f64::from(burst) + max_rate * window;
                    proptest::prop_assert!(
                        count <= bound * (1.0 + 1e-6),
                        "{count} sends within {window:.6} s; bound {bound:.6} (burst {burst}, rate {max_rate})"
                    );
                }
            }
        }
    }
}
