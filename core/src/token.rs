//! The in-process access-token state: tokens per credential and the single-flight rule that
//! keeps one LWA exchange per credential under way ([`MemoryTokens`]). Calls never reach it
//! directly: they ask for token steps ([`StoreOp`](crate::store::StoreOp)) that a driver runs
//! against it (or against a store shared by many processes).
//!
//! ```text
//!              acquire(key)
//!                  │
//!   fresh token stored? ──yes──▶ Ready(token)
//!                  │ no
//!   refresh token refused by LWA (invalid_grant, remembered)? ──yes──▶ Failed(error)
//!                  │ no
//!   exchange in flight (lease not expired)? ──yes──▶ Wait(generation)   (wait for the generation to change)
//!                  │ no
//!   did the flight I waited on fail? ──yes──▶ Failed(error)
//!                  │ no
//!                  ▼
//!            Lead(flight) ── the caller sends the LWA request, then complete() or abandon()
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use crate::config::CredentialKey;
use crate::error::Error;
use crate::lwa::AccessToken;

/// Identifies one LWA exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlightId(pub u64);

/// What a caller that needs a token should do.
#[derive(Debug, Clone)]
pub enum TokenDecision {
    /// Use this token.
    Ready(AccessToken),
    /// You lead: send the LWA request, then complete (or abandon) the flight.
    Lead(FlightId),
    /// Another caller is exchanging; wait until the store's generation differs from
    /// `generation`, then ask again.
    Wait {
        /// The exchange being waited on.
        flight: FlightId,
        /// The generation observed now.
        generation: u64,
    },
    /// The exchange you waited on failed with this error.
    Failed(Error),
}

/// How long before expiry a token is refreshed.
pub const REFRESH_SKEW: Duration = Duration::from_secs(60);

struct Flight {
    id: FlightId,
    started: Instant,
}

#[derive(Default)]
struct State {
    tokens: HashMap<CredentialKey, AccessToken>,
    flights: HashMap<CredentialKey, Flight>,
    failures: HashMap<CredentialKey, (FlightId, Error)>,
    /// Refresh tokens LWA refused (`invalid_grant`): every later call fails with the error at
    /// once, without an exchange, until a token is put or the client secret rotated.
    refused: HashMap<CredentialKey, Error>,
    /// Everyone waiting for the generation to change; all are woken at once.
    waiters: Vec<Waker>,
}

/// Access tokens of this process, with single-flight refreshes and any number of waiters.
pub struct MemoryTokens {
    state: Mutex<State>,
    generation: AtomicU64,
    next_flight: AtomicU64,
}

impl Default for MemoryTokens {
    fn default() -> Self {
        MemoryTokens {
            state: Mutex::default(),
            generation: AtomicU64::new(0),
            next_flight: AtomicU64::new(1),
        }
    }
}

impl fmt::Debug for MemoryTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MemoryTokens")
            .field("tokens", &s.tokens.len())
            .field("flights", &s.flights.len())
            .field("refused", &s.refused.len())
            .field("generation", &self.generation())
            .finish()
    }
}

impl MemoryTokens {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A counter that changes every time an exchange ends.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Decides what a caller needing a token for `key` does. `waited_on` is the flight the
    /// caller was told to wait for, if any; a flight older than `lease` is taken over.
    pub fn acquire(
        &self,
        key: &CredentialKey,
        waited_on: Option<FlightId>,
        lease: Duration,
        now: Instant,
        wall: SystemTime,
    ) -> TokenDecision {
        let mut state = self.lock();
        if let Some(token) = state.tokens.get(key).filter(|t| t.is_fresh(wall, REFRESH_SKEW)) {
            return TokenDecision::Ready(token.clone());
        }
        if let Some(error) = state.refused.get(key) {
            return TokenDecision::Failed(error.clone());
        }
        if let Some(flight) = state.flights.get(key) {
            if now.saturating_duration_since(flight.started) < lease {
                return TokenDecision::Wait { flight: flight.id, generation: self.generation() };
            }
        }
        if let Some(waited) = waited_on {
            if let Some((failed, err)) = state.failures.get(key) {
                if *failed == waited {
                    return TokenDecision::Failed(err.clone());
                }
            }
        }
        let id = FlightId(self.next_flight.fetch_add(1, Ordering::SeqCst));
        state.flights.insert(key.clone(), Flight { id, started: now });
        TokenDecision::Lead(id)
    }

    /// Ends an exchange: stores the token, or records the failure for the waiters.
    pub fn complete(&self, key: &CredentialKey, flight: FlightId, result: Result<AccessToken, Error>) {
        let mut state = self.lock();
        if state.flights.get(key).is_some_and(|f| f.id == flight) {
            state.flights.remove(key);
        }
        match result {
            Ok(token) => {
                state.failures.remove(key);
                state.refused.remove(key);
                state.tokens.insert(key.clone(), token);
            }
            Err(e) => {
                if e.is_refused_grant() {
                    state.refused.insert(key.clone(), e.clone());
                }
                state.failures.insert(key.clone(), (flight, e));
            }
        }
        self.bump(state);
    }

    /// Gives up an exchange without a result (its caller was dropped); a waiter takes over.
    pub fn abandon(&self, key: &CredentialKey, flight: FlightId) {
        let mut state = self.lock();
        if state.flights.get(key).is_some_and(|f| f.id == flight) {
            state.flights.remove(key);
            self.bump(state);
        }
    }

    /// Stores a token obtained elsewhere (the first access token of an onboarding exchange).
    pub fn put(&self, key: &CredentialKey, token: AccessToken) {
        let mut state = self.lock();
        state.refused.remove(key);
        state.tokens.insert(key.clone(), token);
        self.bump(state);
    }

    /// The refusal remembered for `key`'s refresh token (LWA's `invalid_grant`), if any.
    pub fn refused(&self, key: &CredentialKey) -> Option<Error> {
        self.lock().refused.get(key).cloned()
    }

    /// A 401 answered a request made with `failed`: forget it, unless it was already replaced.
    pub fn invalidate(&self, key: &CredentialKey, failed: &AccessToken) {
        let mut state = self.lock();
        if state.tokens.get(key).is_some_and(|t| t.value().ct_eq(failed.value())) {
            state.tokens.remove(key);
        }
    }

    /// Forgets every token of the application `client_id`, and every refusal remembered for
    /// its refresh tokens (after a client-secret rotation).
    pub fn forget_client(&self, client_id: &str) {
        let mut state = self.lock();
        state.tokens.retain(|key, _| key.client_id() != client_id);
        state.refused.retain(|key, _| key.client_id() != client_id);
    }

    /// The token stored for `key`, fresh or not.
    pub fn get(&self, key: &CredentialKey) -> Option<AccessToken> {
        self.lock().tokens.get(key).cloned()
    }

    /// How many credentials have a token stored.
    pub fn len(&self) -> usize {
        self.lock().tokens.len()
    }

    /// True when no token is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A future that completes once the generation differs from `generation`. Any number of
    /// callers may wait at once; each end of an exchange wakes them all.
    pub fn changed(&self, generation: u64) -> Changed<'_> {
        Changed { tokens: self, generation }
    }

    fn bump(&self, mut state: MutexGuard<'_, State>) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        for w in waiters {
            w.wake();
        }
    }
}

/// The future of [`MemoryTokens::changed`].
#[derive(Debug)]
#[must_use = "a future does nothing unless polled"]
pub struct Changed<'a> {
    tokens: &'a MemoryTokens,
    generation: u64,
}

impl Future for Changed<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.tokens.generation() != self.generation {
            return Poll::Ready(());
        }
        let mut state = self.tokens.lock();
        // Checked again under the lock: a bump between the two checks is not missed.
        if self.tokens.generation() != self.generation {
            return Poll::Ready(());
        }
        if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            state.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{LwaError, LwaErrorCode};
    use crate::secret::Secret;
    use std::sync::Arc;
    use std::task::Wake;

    fn key(n: &str) -> CredentialKey {
        CredentialKey::new("client", &Secret::new(n))
    }

    fn token(v: &str, expires: SystemTime) -> AccessToken {
        AccessToken::new(Secret::new(v), expires)
    }

    const LEASE: Duration = Duration::from_secs(30);
    const T0: SystemTime = SystemTime::UNIX_EPOCH;

    #[test]
    fn one_leader_many_waiters() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let lead = match c.acquire(&k, None, LEASE, now, T0) {
            TokenDecision::Lead(f) => f,
            other => panic!("{other:?}"),
        };
        for _ in 0..100 {
            assert!(
                matches!(c.acquire(&k, None, LEASE, now, T0), TokenDecision::Wait { flight, .. } if flight == lead)
            );
        }
        // Another credential is independent.
        assert!(matches!(c.acquire(&key("b"), None, LEASE, now, T0), TokenDecision::Lead(_)));
        let g = c.generation();
        c.complete(&k, lead, Ok(token("t1", T0 + Duration::from_secs(3600))));
        assert_ne!(c.generation(), g);
        assert!(
            matches!(c.acquire(&k, Some(lead), LEASE, now, T0), TokenDecision::Ready(t) if t.value().expose() == "t1")
        );
    }

    #[test]
    fn refreshes_sixty_seconds_before_expiry() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        c.complete(&k, f, Ok(token("t1", T0 + Duration::from_secs(3600))));
        assert!(matches!(
            c.acquire(&k, None, LEASE, now, T0 + Duration::from_secs(3539)),
            TokenDecision::Ready(_)
        ));
        assert!(matches!(
            c.acquire(&k, None, LEASE, now, T0 + Duration::from_secs(3540)),
            TokenDecision::Lead(_)
        ));
    }

    #[test]
    fn waiters_see_the_leaders_failure_once() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        let TokenDecision::Wait { flight, .. } = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        // A failure that is not a refused refresh token (those are remembered, see below).
        let err = Error::Lwa(LwaError { code: LwaErrorCode::InvalidClient, status: 401, description: None });
        c.complete(&k, f, Err(err));
        assert!(matches!(c.acquire(&k, Some(flight), LEASE, now, T0), TokenDecision::Failed(Error::Lwa(_))));
        // A new caller (not waiting on that flight) tries again.
        assert!(matches!(c.acquire(&k, None, LEASE, now, T0), TokenDecision::Lead(_)));
    }

    #[test]
    fn a_refused_refresh_token_is_remembered_until_replaced_or_rotated() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        let refused = Error::token_exchange(
            "api.amazon.com",
            1,
            Error::Lwa(LwaError { code: LwaErrorCode::InvalidGrant, status: 400, description: None }),
        );
        c.complete(&k, f, Err(refused.clone()));
        // Every new caller fails at once, with the same error, and none leads an exchange.
        for _ in 0..3 {
            match c.acquire(&k, None, LEASE, now, T0) {
                TokenDecision::Failed(e) => assert_eq!(e.to_string(), refused.to_string()),
                other => panic!("{other:?}"),
            }
        }
        assert!(c.refused(&k).is_some());
        // Another refresh token (another customer, or the replaced one) is not affected.
        assert!(matches!(c.acquire(&key("b"), None, LEASE, now, T0), TokenDecision::Lead(_)));
        // A rotated client secret forgets the refusal.
        c.forget_client("client");
        assert!(matches!(c.acquire(&k, None, LEASE, now, T0), TokenDecision::Lead(_)));
        // A transient failure is not remembered.
        let k2 = key("c");
        let TokenDecision::Lead(f) = c.acquire(&k2, None, LEASE, now, T0) else { panic!() };
        let outage = Error::Lwa(LwaError { code: LwaErrorCode::ServerError, status: 500, description: None });
        c.complete(&k2, f, Err(outage));
        assert!(matches!(c.acquire(&k2, None, LEASE, now, T0), TokenDecision::Lead(_)));
    }

    #[test]
    fn abandoned_or_stale_flights_are_taken_over() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        let g = c.generation();
        c.abandon(&k, f);
        assert_ne!(g, c.generation());
        let g = c.generation();
        c.abandon(&k, f); // Not ours any more: no second wake-up.
        assert_eq!(g, c.generation());
        let TokenDecision::Lead(f2) = c.acquire(&k, Some(f), LEASE, now, T0) else { panic!() };
        assert_ne!(f, f2);
        // A flight older than the lease is taken over.
        assert!(matches!(
            c.acquire(&k, None, LEASE, now + Duration::from_secs(29), T0),
            TokenDecision::Wait { .. }
        ));
        assert!(matches!(
            c.acquire(&k, None, LEASE, now + Duration::from_secs(31), T0),
            TokenDecision::Lead(_)
        ));
    }

    #[test]
    fn invalidate_only_the_token_that_failed() {
        let c = MemoryTokens::default();
        let now = Instant::now();
        let k = key("a");
        let far = T0 + Duration::from_secs(3600);
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        c.complete(&k, f, Ok(token("old", far)));
        let TokenDecision::Ready(old) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        // Someone else already replaced the token: a late 401 for "old" must not remove "new".
        c.put(&k, token("new", far));
        c.invalidate(&k, &old);
        assert!(
            matches!(c.acquire(&k, None, LEASE, now, T0), TokenDecision::Ready(t) if t.value().expose() == "new")
        );
        let TokenDecision::Ready(new) = c.acquire(&k, None, LEASE, now, T0) else { panic!() };
        c.invalidate(&k, &new);
        assert!(matches!(c.acquire(&k, None, LEASE, now, T0), TokenDecision::Lead(_)));
    }

    struct Count(AtomicU64);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn every_waiter_is_woken_by_one_end() {
        let c = MemoryTokens::default();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, LEASE, Instant::now(), T0) else { panic!() };
        let g = c.generation();
        let counters: Vec<Arc<Count>> = (0..3).map(|_| Arc::new(Count(AtomicU64::new(0)))).collect();
        let mut futures: Vec<_> = (0..3).map(|_| Box::pin(c.changed(g))).collect();
        for (fut, n) in futures.iter_mut().zip(&counters) {
            let waker = Waker::from(n.clone());
            assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        }
        c.complete(&k, f, Ok(token("t", T0 + Duration::from_secs(3600))));
        for (fut, n) in futures.iter_mut().zip(&counters) {
            assert_eq!(n.0.load(Ordering::SeqCst), 1, "each of the three waiters woken once");
            let waker = Waker::from(n.clone());
            assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_ready());
        }
    }
}
