//! The access-token cache: where tokens live ([`TokenStore`]) and the single-flight logic that
//! makes sure only one LWA exchange per credential is under way ([`TokenCache`]).
//!
//! ```text
//!              acquire(key)
//!                  │
//!   fresh token in store? ──yes──▶ Ready(token)
//!                  │ no
//!   exchange in flight? ──yes──▶ Wait(generation)   (the caller waits for the generation to change)
//!                  │ no
//!   did the flight I waited on fail? ──yes──▶ Failed(error)
//!                  │ no
//!                  ▼
//!            Lead(flight) ── the caller sends the LWA request, then complete() or abandon()
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::config::CredentialKey;
use crate::error::Error;
use crate::lwa::AccessToken;
use crate::secret::Secret;

/// Where access tokens are kept. The default is in memory; an implementation backed by a
/// shared store (Redis, a database) lets many processes share one token per customer.
///
/// Implementations must be cheap and must not call back into the cache.
pub trait TokenStore: Send + Sync {
    /// The stored token for `key`, if any (fresh or not).
    fn get(&self, key: &CredentialKey) -> Option<AccessToken>;
    /// Stores a token for `key`, replacing any other.
    fn put(&self, key: &CredentialKey, token: AccessToken);
    /// Removes the token for `key` only if it is still `failed` (another caller may already
    /// have stored a newer one).
    fn invalidate(&self, key: &CredentialKey, failed: &Secret);
    /// Removes the token for `key` whatever it is.
    fn remove(&self, key: &CredentialKey);
    /// Removes every token of the application `client_id`, for every customer (after its
    /// client secret was rotated).
    fn remove_client(&self, client_id: &str);
}

/// A [`TokenStore`] in this process's memory.
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<CredentialKey, AccessToken>>,
}

impl MemoryTokenStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<CredentialKey, AccessToken>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTokenStore").field("tokens", &self.lock().len()).finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn get(&self, key: &CredentialKey) -> Option<AccessToken> {
        self.lock().get(key).cloned()
    }
    fn put(&self, key: &CredentialKey, token: AccessToken) {
        self.lock().insert(key.clone(), token);
    }
    fn invalidate(&self, key: &CredentialKey, failed: &Secret) {
        let mut map = self.lock();
        if map.get(key).is_some_and(|t| t.value().ct_eq(failed)) {
            map.remove(key);
        }
    }
    fn remove(&self, key: &CredentialKey) {
        self.lock().remove(key);
    }
    fn remove_client(&self, client_id: &str) {
        self.lock().retain(|key, _| key.client_id() != client_id);
    }
}

/// Identifies one LWA exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlightId(u64);

/// What a caller that needs a token should do.
#[derive(Debug)]
pub enum TokenDecision {
    /// Use this token.
    Ready(AccessToken),
    /// You lead: send the LWA request, then call [`TokenCache::complete`] (or
    /// [`TokenCache::abandon`] if you give up).
    Lead(FlightId),
    /// Another caller is exchanging; wait until [`TokenCache::generation`] differs from
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

struct Flight {
    id: FlightId,
    started: Instant,
}

#[derive(Default)]
struct State {
    flights: HashMap<CredentialKey, Flight>,
    failures: HashMap<CredentialKey, (FlightId, Error)>,
}

type Listener = Arc<dyn Fn() + Send + Sync>;

/// Single-flight access-token cache over a [`TokenStore`].
pub struct TokenCache {
    store: Arc<dyn TokenStore>,
    state: Mutex<State>,
    generation: AtomicU64,
    next_flight: AtomicU64,
    listener: Mutex<Option<Listener>>,
    skew: Duration,
    lease: Duration,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("generation", &self.generation())
            .field("skew", &self.skew)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// How long before expiry a token is refreshed.
pub const REFRESH_SKEW: Duration = Duration::from_secs(60);

impl TokenCache {
    /// A cache over `store` that refreshes [`REFRESH_SKEW`] before expiry and lets another
    /// caller take over an exchange that has been in flight longer than `lease` (a leader that
    /// vanished without reporting).
    pub fn new(store: Arc<dyn TokenStore>, lease: Duration) -> Self {
        TokenCache {
            store,
            state: Mutex::new(State::default()),
            generation: AtomicU64::new(0),
            next_flight: AtomicU64::new(1),
            listener: Mutex::new(None),
            skew: REFRESH_SKEW,
            lease,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers the function called whenever an exchange ends (a transport wakes its waiters
    /// with it). It is called without any lock of the cache held.
    pub fn set_listener(&self, listener: impl Fn() + Send + Sync + 'static) {
        *self.listener.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(listener));
    }

    /// A counter that changes every time an exchange ends.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Decides what a caller needing a token for `key` does. `waited_on` is the flight the
    /// caller was told to wait for, if any.
    pub fn acquire(
        &self,
        key: &CredentialKey,
        waited_on: Option<FlightId>,
        now: Instant,
        wall: SystemTime,
    ) -> TokenDecision {
        let mut state = self.lock();
        if let Some(token) = self.store.get(key).filter(|t| t.is_fresh(wall, self.skew)) {
            return TokenDecision::Ready(token);
        }
        if let Some(flight) = state.flights.get(key) {
            if now.saturating_duration_since(flight.started) < self.lease {
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
        {
            let mut state = self.lock();
            if state.flights.get(key).is_some_and(|f| f.id == flight) {
                state.flights.remove(key);
            }
            match result {
                Ok(token) => {
                    state.failures.remove(key);
                    self.store.put(key, token);
                }
                Err(e) => {
                    state.failures.insert(key.clone(), (flight, e));
                }
            }
        }
        self.bump();
    }

    /// Gives up an exchange without a result (the caller was dropped); a waiter takes over.
    pub fn abandon(&self, key: &CredentialKey, flight: FlightId) {
        let removed = {
            let mut state = self.lock();
            if state.flights.get(key).is_some_and(|f| f.id == flight) {
                state.flights.remove(key);
                true
            } else {
                false
            }
        };
        if removed {
            self.bump();
        }
    }

    /// A 401 answered a request made with `failed`: forget it, unless it was already replaced.
    pub fn invalidate(&self, key: &CredentialKey, failed: &AccessToken) {
        let _state = self.lock();
        self.store.invalidate(key, failed.value());
    }

    /// Forgets the token for `key`.
    pub fn clear(&self, key: &CredentialKey) {
        let _state = self.lock();
        self.store.remove(key);
    }

    /// Forgets every token of the application `client_id` (after a client-secret rotation).
    pub fn clear_client(&self, client_id: &str) {
        let _state = self.lock();
        self.store.remove_client(client_id);
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let listener = self.listener.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(l) = listener {
            l();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{LwaError, LwaErrorCode};

    fn key(n: &str) -> CredentialKey {
        CredentialKey::new("client", &Secret::new(n))
    }

    fn token(v: &str, expires: SystemTime) -> AccessToken {
        AccessToken::new(Secret::new(v), expires)
    }

    fn cache() -> TokenCache {
        TokenCache::new(Arc::new(MemoryTokenStore::default()), Duration::from_secs(30))
    }

    const T0: SystemTime = SystemTime::UNIX_EPOCH;

    #[test]
    fn one_leader_many_waiters() {
        let c = cache();
        let now = Instant::now();
        let k = key("a");
        let lead = match c.acquire(&k, None, now, T0) {
            TokenDecision::Lead(f) => f,
            other => panic!("{other:?}"),
        };
        for _ in 0..100 {
            assert!(
                matches!(c.acquire(&k, None, now, T0), TokenDecision::Wait { flight, .. } if flight == lead)
            );
        }
        // Another credential is independent.
        assert!(matches!(c.acquire(&key("b"), None, now, T0), TokenDecision::Lead(_)));
        let g = c.generation();
        c.complete(&k, lead, Ok(token("t1", T0 + Duration::from_secs(3600))));
        assert_ne!(c.generation(), g);
        assert!(
            matches!(c.acquire(&k, Some(lead), now, T0), TokenDecision::Ready(t) if t.value().expose() == "t1")
        );
    }

    #[test]
    fn refreshes_sixty_seconds_before_expiry() {
        let c = cache();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        c.complete(&k, f, Ok(token("t1", T0 + Duration::from_secs(3600))));
        assert!(matches!(c.acquire(&k, None, now, T0 + Duration::from_secs(3539)), TokenDecision::Ready(_)));
        assert!(matches!(c.acquire(&k, None, now, T0 + Duration::from_secs(3540)), TokenDecision::Lead(_)));
    }

    #[test]
    fn waiters_see_the_leaders_failure_once() {
        let c = cache();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        let TokenDecision::Wait { flight, .. } = c.acquire(&k, None, now, T0) else { panic!() };
        let err = Error::Lwa(LwaError { code: LwaErrorCode::InvalidGrant, status: 400, description: None });
        c.complete(&k, f, Err(err));
        assert!(matches!(c.acquire(&k, Some(flight), now, T0), TokenDecision::Failed(Error::Lwa(_))));
        // A new caller (not waiting on that flight) tries again.
        assert!(matches!(c.acquire(&k, None, now, T0), TokenDecision::Lead(_)));
    }

    #[test]
    fn abandoned_or_stale_flights_are_taken_over() {
        let c = cache();
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        let g = c.generation();
        c.abandon(&k, f);
        assert_ne!(g, c.generation());
        let TokenDecision::Lead(f2) = c.acquire(&k, Some(f), now, T0) else { panic!() };
        assert_ne!(f, f2);
        // A flight older than the lease is taken over.
        assert!(matches!(c.acquire(&k, None, now + Duration::from_secs(29), T0), TokenDecision::Wait { .. }));
        assert!(matches!(c.acquire(&k, None, now + Duration::from_secs(31), T0), TokenDecision::Lead(_)));
    }

    #[test]
    fn invalidate_only_the_token_that_failed() {
        let c = cache();
        let now = Instant::now();
        let k = key("a");
        let far = T0 + Duration::from_secs(3600);
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        c.complete(&k, f, Ok(token("old", far)));
        let TokenDecision::Ready(old) = c.acquire(&k, None, now, T0) else { panic!() };
        // Someone else already replaced the token: a late 401 for "old" must not remove "new".
        c.store.put(&k, token("new", far));
        c.invalidate(&k, &old);
        assert!(
            matches!(c.acquire(&k, None, now, T0), TokenDecision::Ready(t) if t.value().expose() == "new")
        );
        let TokenDecision::Ready(new) = c.acquire(&k, None, now, T0) else { panic!() };
        c.invalidate(&k, &new);
        assert!(matches!(c.acquire(&k, None, now, T0), TokenDecision::Lead(_)));
    }

    #[test]
    fn listener_fires_on_every_end() {
        let c = cache();
        let hits = Arc::new(AtomicU64::new(0));
        let h = hits.clone();
        c.set_listener(move || {
            h.fetch_add(1, Ordering::SeqCst);
        });
        let now = Instant::now();
        let k = key("a");
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        c.abandon(&k, f);
        c.abandon(&k, f); // Not ours any more: no second wake-up.
        let TokenDecision::Lead(f) = c.acquire(&k, None, now, T0) else { panic!() };
        c.complete(&k, f, Ok(token("t", T0 + Duration::from_secs(3600))));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }
}
