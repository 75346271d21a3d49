//! Client-side pacing: a token bucket per (credential, operation), so that a busy client waits
//! before sending instead of collecting 429s. Calls reach the buckets only through store steps
//! ([`StoreOp::Reserve`](crate::store::StoreOp::Reserve) and its kin) that a driver runs
//! against [`MemoryBuckets`] or a store shared by many processes.
//!
//! The bucket is a GCRA (generic cell rate algorithm) with reservations: asking for a slot
//! returns how long to wait and books the slot, so concurrent callers queue up fairly. It is
//! seeded from the operation's usage plan, its rate is corrected by `x-amzn-RateLimit-Limit`,
//! and a 429 empties it.
//!
//! **Re-reservation.** A booking carries the bucket's *revision* (how many times its rate
//! changed). When the rate changes, the bucket forgets every slot not yet reached and rescales
//! what was already sent to the new rate; a caller holding a forgotten slot finds out with
//! [`MemoryBuckets::recheck`] and books again. So the first calls of a process, booked at the
//! model's plan (say 2/s) before any answer, move up as soon as an answer says 20/s instead of
//! serving their long waits in full. The caller's side of the protocol, which
//! [`Call`](crate::Call) follows:
//! - a [`Reservation`] with no wait: send;
//! - otherwise sleep, then [`recheck`](MemoryBuckets::recheck) before sending: `None` means
//!   the booking stands (send once its time has come), `Some` is a new booking to follow the
//!   same way. While a booking is [`provisional`](Reservation::provisional) (the rate is still
//!   the model's), the sleep is cut into slices that start at [`RECHECK_FIRST`] and double,
//!   so that a rate learned meanwhile is seen early.

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

#[derive(Debug, Clone, Default)]
struct Bucket {
    /// Theoretical arrival time of the next request at the sustained rate.
    tat: Option<Instant>,
    /// A rate Amazon reported, overriding the plan's.
    learned_rate: Option<f64>,
    /// How many times the rate in force changed; bookings of an older revision are void.
    revision: u64,
}

/// A booked slot: how long to wait, and what the caller needs to [recheck](MemoryBuckets::recheck)
/// it before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// How long to wait before sending.
    pub wait: Duration,
    /// The bucket's revision when the slot was booked.
    pub revision: u64,
    /// True while the rate in force is the model's plan, not one Amazon announced: the rate is
    /// likely to change soon, so a waiting caller rechecks early and often.
    pub provisional: bool,
}

impl Reservation {
    /// A slot for now, of no bucket (pacing off, or no plan).
    pub const NOW: Reservation = Reservation { wait: Duration::ZERO, revision: 0, provisional: false };
}

/// The first slice of a provisional wait; each later slice is twice the one before.
pub const RECHECK_FIRST: Duration = Duration::from_millis(25);

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

/// The longest interval between two requests the pacer imposes, whatever rate is announced
/// (an absurdly low one must not overflow the clock).
const MAX_INTERVAL: Duration = Duration::from_secs(3600);

fn interval(rate: f64) -> Duration {
    Duration::try_from_secs_f64(1.0 / (rate * PACE_MARGIN)).map_or(MAX_INTERVAL, |d| d.min(MAX_INTERVAL))
}

/// `d × factor`, saturating at a day instead of overflowing.
fn scaled(d: Duration, factor: f64) -> Duration {
    const DAY: Duration = Duration::from_secs(86_400);
    Duration::try_from_secs_f64(d.as_secs_f64() * factor).map_or(DAY, |d| d.min(DAY))
}

fn valid(plan: Option<UsagePlan>) -> Option<UsagePlan> {
    plan.filter(|p| p.rate.is_finite() && p.rate > 0.0)
}

impl Bucket {
    /// Books the next slot at `now`.
    fn book(&mut self, plan: Option<UsagePlan>, now: Instant) -> Reservation {
        let mut reservation = Reservation {
            wait: Duration::ZERO,
            revision: self.revision,
            provisional: self.learned_rate.is_none(),
        };
        let Some(plan) = valid(effective(plan, self.learned_rate)) else {
            return reservation;
        };
        let t = interval(plan.rate);
        let tolerance = t * plan.burst.max(1).saturating_sub(1);
        let tat = self.tat.map_or(now, |tat| tat.max(now));
        let allowed_at = tat.checked_sub(tolerance).unwrap_or(now).max(now);
        self.tat = Some(tat + t);
        reservation.wait = allowed_at - now;
        reservation
    }
}

/// How long a caller holding a booking sleeps before it rechecks, with `remaining` until the
/// booked time: all of it, or while the booking is provisional at most `slice` (the caller
/// doubles the slice after each one, starting at [`RECHECK_FIRST`]).
pub fn recheck_after(remaining: Duration, provisional: bool, slice: Duration) -> Duration {
    if provisional {
        remaining.min(slice)
    } else {
        remaining
    }
}

impl MemoryBuckets {
    /// Books the next slot for `key`: how long to wait before sending, and the booking to
    /// [recheck](MemoryBuckets::recheck) before sending if that is not zero. `plan` is the
    /// operation's default plan (`None` when the model states none).
    pub fn reserve(&self, key: &BucketKey, plan: Option<UsagePlan>, now: Instant) -> Reservation {
        self.lock().entry(key.clone()).or_default().book(plan, now)
    }

    /// Before sending on a booking of `revision`: `None` while the booking stands, or — when
    /// the bucket's rate changed since, which voided the booking — a new one, booked at `now`
    /// at the rate in force.
    pub fn recheck(
        &self,
        key: &BucketKey,
        plan: Option<UsagePlan>,
        revision: u64,
        now: Instant,
    ) -> Option<Reservation> {
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_default();
        (bucket.revision != revision).then(|| bucket.book(plan, now))
    }

    /// Amazon said (in `x-amzn-RateLimit-Limit`) which rate it applies to `key`.
    ///
    /// When that changes the rate in force, the bucket's revision moves on: the slots booked
    /// beyond `now` are forgotten (their callers recheck before sending and book again), and
    /// the requests already let through are rescaled to the new rate, so that the next slot
    /// comes as soon as the new rate allows, whether it is faster or slower.
    pub fn observe_rate(&self, key: &BucketKey, plan: Option<UsagePlan>, rate: f64, now: Instant) {
        if !(rate.is_finite() && rate > 0.0) {
            return;
        }
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_default();
        let old = valid(effective(plan, bucket.learned_rate));
        bucket.learned_rate = Some(rate);
        if old.is_some_and(|p| p.rate == rate) {
            return;
        }
        bucket.revision += 1;
        if let (Some(old), Some(tat)) = (old, bucket.tat) {
            if tat > now {
                // A slot let through at or before `now` left the bucket's state at most one
                // burst of intervals past it (`allowed + tolerance + interval`); anything later
                // is a forgotten booking.
                let horizon = now + interval(old.rate) * old.burst.max(1);
                let kept = tat.min(horizon);
                bucket.tat = Some(now + scaled(kept - now, old.rate / rate));
            }
        }
    }

    /// Amazon answered 429 for `key`: treat the bucket as empty.
    pub fn throttled(&self, key: &BucketKey, plan: Option<UsagePlan>, now: Instant) {
        let mut map = self.lock();
        let bucket = map.entry(key.clone()).or_default();
        if let Some(plan) = valid(effective(plan, bucket.learned_rate)) {
            let t = interval(plan.rate);
            let full = t * plan.burst.max(1);
            bucket.tat = Some(bucket.tat.map_or(now, |tat| tat.max(now)).max(now + full));
        }
    }
}

/// Reads `x-amzn-RateLimit-Limit` (requests per second).
pub fn rate_limit_header(headers: &http::HeaderMap) -> Option<f64> {
    // A name made at compile time: looking up by `&str` parses and checks it on every answer.
    const RATE_LIMIT: http::HeaderName = http::HeaderName::from_static("x-amzn-ratelimit-limit");
    headers
        .get(RATE_LIMIT)
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
        let waits: Vec<Duration> = (0..12).map(|_| s.reserve(&key("op"), plan, now).wait).collect();
        assert!(waits[..10].iter().all(|w| w.is_zero()), "{waits:?}");
        assert_paced(waits[10], Duration::from_secs(2));
        assert_paced(waits[11], Duration::from_secs(4));
        // Buckets are per operation.
        assert!(s.reserve(&key("other"), plan, now).wait.is_zero());
    }

    #[test]
    fn the_bucket_refills_with_time() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(2.0, 2));
        assert!(s.reserve(&key("op"), plan, now).wait.is_zero());
        assert!(s.reserve(&key("op"), plan, now).wait.is_zero());
        assert_paced(s.reserve(&key("op"), plan, now).wait, Duration::from_millis(500));
        // 10 s later the bucket is full again.
        let later = now + Duration::from_secs(10);
        assert!(s.reserve(&key("op"), plan, later).wait.is_zero());
        assert!(s.reserve(&key("op"), plan, later).wait.is_zero());
        assert!(!s.reserve(&key("op"), plan, later).wait.is_zero());
    }

    #[test]
    fn the_header_corrects_the_rate() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(0.5, 1));
        s.observe_rate(&key("op"), plan, 4.0, now);
        assert!(s.reserve(&key("op"), plan, now).wait.is_zero());
        assert_paced(s.reserve(&key("op"), plan, now).wait, Duration::from_millis(250));
        // No plan and nothing learned: no pacing.
        assert!(s.reserve(&key("free"), None, now).wait.is_zero());
        assert!(s.reserve(&key("free"), None, now).wait.is_zero());
        // A backlog booked at 0.5 rps: when Amazon says 5 rps, the slot booked at 2 s is
        // forgotten and the one request sent is rescaled to the new rate, so the next slot is
        // 0.2 s away; the caller of the forgotten slot rechecks and books again after it.
        let slow = Some(UsagePlan::new(0.5, 1));
        assert!(s.reserve(&key("b"), slow, now).wait.is_zero());
        let booked = s.reserve(&key("b"), slow, now);
        assert_paced(booked.wait, Duration::from_secs(2));
        assert!(booked.provisional, "booked at the model's plan");
        s.observe_rate(&key("b"), slow, 5.0, now);
        assert_paced(s.reserve(&key("b"), slow, now).wait, Duration::from_millis(200));
        let again = s.recheck(&key("b"), slow, booked.revision, now).expect("the booking was voided");
        assert_paced(again.wait, Duration::from_millis(400));
        assert!(!again.provisional);
        assert_eq!(s.recheck(&key("b"), slow, again.revision, now), None, "the new booking stands");
        // And when Amazon says 0.25 rps, the backlog stretches to the slower rate.
        let c = Some(UsagePlan::new(1.0, 1));
        assert!(s.reserve(&key("c"), c, now).wait.is_zero());
        let booked = s.reserve(&key("c"), c, now);
        assert_paced(booked.wait, Duration::from_secs(1));
        s.observe_rate(&key("c"), c, 0.25, now);
        assert_paced(s.reserve(&key("c"), c, now).wait, Duration::from_secs(4));
        let again = s.recheck(&key("c"), c, booked.revision, now).expect("voided");
        assert_paced(again.wait, Duration::from_secs(8));
        // The same rate again changes nothing: bookings stand.
        s.observe_rate(&key("c"), c, 0.25, now);
        assert_eq!(s.recheck(&key("c"), c, again.revision, now), None);
    }

    /// The case the re-reservation exists for: the first calls book at the model's plan (2/s,
    /// burst 2) before any answer; the first answer, 1 ms later, says 20/s. A call booked with
    /// a 1.5 s wait gets a short one when it rechecks, instead of serving 1.5 s.
    #[test]
    fn a_call_booked_at_the_plans_rate_moves_up_when_a_faster_rate_is_learned() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(2.0, 2));
        let first: Vec<Reservation> = (0..5).map(|_| s.reserve(&key("op"), plan, now)).collect();
        assert!(first[0].wait.is_zero() && first[1].wait.is_zero());
        assert_paced(first[4].wait, Duration::from_millis(1500));
        assert!(first[4].provisional);
        let learned = now + Duration::from_millis(1);
        s.observe_rate(&key("op"), plan, 20.0, learned);
        // Rechecked 25 ms after booking (the first provisional slice), in booking order.
        let at = now + RECHECK_FIRST;
        let rebooked: Vec<Duration> = first[2..]
            .iter()
            .map(|r| s.recheck(&key("op"), plan, r.revision, at).expect("voided").wait)
            .collect();
        // Two requests went at 0 with burst 2: at 20/s (with the margin) the next is allowed
        // one interval after the answer, then one every interval.
        let interval = Duration::from_millis(50).div_f64(PACE_MARGIN);
        for (k, got) in (1u32..).zip(&rebooked) {
            let want = interval * k + Duration::from_millis(1) - RECHECK_FIRST;
            assert!(got.abs_diff(want) < Duration::from_micros(2), "{rebooked:?}: #{k} should be {want:?}");
        }
        assert!(rebooked[2] < Duration::from_millis(200), "instead of 1.5 s");
    }

    #[test]
    fn a_429_empties_the_bucket() {
        let s = MemoryBuckets::default();
        let now = Instant::now();
        let plan = Some(UsagePlan::new(1.0, 5));
        s.throttled(&key("op"), plan, now);
        assert_paced(s.reserve(&key("op"), plan, now).wait, Duration::from_secs(1));
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
        // Bursts (no gap) and quick succession are common, so that rate changes land on
        // booked backlogs.
        let gap = || prop_oneof![2 => Just(0u64), 1 => 0u64..50, 3 => 0u64..1500];
        prop_oneof![
            8 => gap().prop_map(|gap_ms| Event::Reserve { gap_ms }),
            1 => (gap(), 0.05f64..40.0).prop_map(|(gap_ms, rate)| Event::Learn { gap_ms, rate }),
            1 => gap().prop_map(|gap_ms| Event::Throttled { gap_ms }),
        ]
    }

    /// How many cases the pacer property runs (each up to 150 events).
    const PACER_CASES: u32 = 2048;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: PACER_CASES, ..Default::default() })]

        /// For any arrival pattern, learned rates and 429s, with every caller following the
        /// protocol (send at once on no wait; otherwise sleep, recheck, and book again when
        /// the booking was voided): in every window `[a, b]` of the send times, at most
        /// `burst + rate × (b − a)` requests go, with `rate` the highest rate in force during
        /// the run (a relative slack of 10⁻⁶ absorbs the nanosecond rounding of the interval).
        /// And every caller sends in the end.
        #[test]
        fn no_window_lets_through_more_than_burst_plus_rate_times_window(
            plan_rate in 0.05f64..40.0,
            burst in 1u32..20,
            events in proptest::collection::vec(event(), 1..150),
        ) {
            /// A caller between booking and sending; times are offsets from the start.
            struct Waiter { wake: Duration, deadline: Duration, revision: u64, provisional: bool, slice: Duration }
            fn follow(r: Reservation, t: Duration, sends: &mut Vec<Duration>, waiters: &mut Vec<Waiter>) {
                if r.wait.is_zero() {
                    sends.push(t);
                } else {
                    let wake = t + recheck_after(r.wait, r.provisional, RECHECK_FIRST);
                    waiters.push(Waiter {
                        wake,
                        deadline: t + r.wait,
                        revision: r.revision,
                        provisional: r.provisional,
                        slice: RECHECK_FIRST * 2,
                    });
                }
            }
            let s = MemoryBuckets::default();
            let plan = Some(UsagePlan::new(plan_rate, burst));
            let start = Instant::now();
            let mut now = Duration::ZERO;
            let mut max_rate = plan_rate;
            let mut sends: Vec<Duration> = Vec::new();
            let mut waiters: Vec<Waiter> = Vec::new();
            let mut callers = 0usize;
            // Wakes every waiter due by `until`, in time order.
            let run_until = |until: Duration, sends: &mut Vec<Duration>, waiters: &mut Vec<Waiter>| {
                let due = |waiters: &[Waiter]| {
                    (0..waiters.len()).filter(|&i| waiters[i].wake <= until).min_by_key(|&i| waiters[i].wake)
                };
                while let Some(i) = due(waiters) {
                    let mut w = waiters.swap_remove(i);
                    let t = w.wake;
                    match s.recheck(&key("op"), plan, w.revision, start + t) {
                        Some(r) => follow(r, t, sends, waiters),
                        None if t >= w.deadline => sends.push(t),
                        None => {
                            w.wake = t + recheck_after(w.deadline - t, w.provisional, w.slice);
                            w.slice *= 2;
                            waiters.push(w);
                        }
                    }
                }
            };
            for e in events {
                match e {
                    Event::Reserve { gap_ms } => {
                        now += Duration::from_millis(gap_ms);
                        run_until(now, &mut sends, &mut waiters);
                        callers += 1;
                        let r = s.reserve(&key("op"), plan, start + now);
                        follow(r, now, &mut sends, &mut waiters);
                    }
                    Event::Learn { gap_ms, rate } => {
                        now += Duration::from_millis(gap_ms);
                        run_until(now, &mut sends, &mut waiters);
                        s.observe_rate(&key("op"), plan, rate, start + now);
                        max_rate = max_rate.max(rate);
                    }
                    Event::Throttled { gap_ms } => {
                        now += Duration::from_millis(gap_ms);
                        run_until(now, &mut sends, &mut waiters);
                        s.throttled(&key("op"), plan, start + now);
                    }
                }
            }
            run_until(Duration::MAX, &mut sends, &mut waiters);
            proptest::prop_assert_eq!(sends.len(), callers, "every caller sends");
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
