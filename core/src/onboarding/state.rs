//! Issued consent states and where they wait for their callback.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::app_center::AppCenterLogin;
use super::{IssuedState, OnboardingError};
use crate::drive::BoxFuture;
use crate::secret::Secret;

/// A state handed out with a consent URL, with what the callback needs to finish: the exact
/// `redirect_uri` the consent URL carried and, in the App Center flow, where to send the
/// customer back. Serialisable, for applications that keep it in their own session store.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingState {
    value: String,
    issued_at: SystemTime,
    /// The `redirect_uri` of the consent URL (the code exchange must repeat it exactly).
    pub redirect_uri: String,
    /// The App Center request this consent answers, if it came from App Center.
    pub app_center: Option<AppCenterLogin>,
}

impl fmt::Debug for PendingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingState")
            .field("value", &"***")
            .field("issued_at", &self.issued_at)
            .field("redirect_uri", &self.redirect_uri)
            .field("app_center", &self.app_center)
            .finish()
    }
}

impl PendingState {
    /// A state made of 32 random bytes from the caller's cryptographic random source, issued
    /// at `issued_at` for a consent that returns to `redirect_uri`.
    pub fn new(random: [u8; 32], issued_at: SystemTime, redirect_uri: impl Into<String>) -> Self {
        let issued = IssuedState::new(random, issued_at);
        PendingState {
            value: issued.value().expose().to_owned(),
            issued_at,
            redirect_uri: redirect_uri.into(),
            app_center: None,
        }
    }

    /// The same state, answering an App Center login request.
    pub fn for_app_center(mut self, login: AppCenterLogin) -> Self {
        self.app_center = Some(login);
        self
    }

    /// The state as it travels (in the consent URL, and back in the callback).
    pub fn value(&self) -> Secret {
        Secret::new(self.value.clone())
    }

    /// When it was issued.
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    /// The state as an [`IssuedState`], for the consent URL builders.
    pub fn issued(&self) -> IssuedState {
        IssuedState::from_parts(Secret::new(self.value.clone()), self.issued_at)
    }

    /// A key naming this state in a store without revealing it: the hex SHA-256 of its value.
    pub fn key(&self) -> String {
        state_key(&self.value())
    }

    /// The state as a store that keys it by [`state_key`] keeps it: JSON of everything but
    /// the value (the callback brings the value back).
    pub(crate) fn to_stored(&self) -> String {
        let stored = Stored {
            issued_at: self.issued_at,
            redirect_uri: self.redirect_uri.clone(),
            app_center: self.app_center.clone(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// The state whose value is `value`, from what [`PendingState::to_stored`] wrote.
    pub(crate) fn from_stored(value: &Secret, json: &[u8]) -> Option<PendingState> {
        let Stored { issued_at, redirect_uri, app_center } = serde_json::from_slice(json).ok()?;
        Some(PendingState { value: value.expose().to_owned(), issued_at, redirect_uri, app_center })
    }
}

/// What a shared store keeps of a pending state: no value.
#[derive(Serialize, Deserialize)]
struct Stored {
    issued_at: SystemTime,
    redirect_uri: String,
    app_center: Option<AppCenterLogin>,
}

/// The store key of a state value: hex SHA-256, so that a store (or its logs) never holds
/// the value itself and lookups do not compare secrets byte by byte.
pub fn state_key(value: &Secret) -> String {
    Sha256::digest(value.expose().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a store knows of a state value a callback brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Issued and not used before; it is now marked used.
    Pending(PendingState),
    /// Issued, and already used by an earlier callback.
    Used,
    /// Never issued here (or forgotten long ago).
    Unknown,
}

/// Where issued states wait for their callback. `take` must be atomic: of two callbacks with
/// the same state, exactly one gets [`Taken::Pending`]. A store that cannot answer (a network
/// store that is down) says so with [`OnboardingError::StateStore`]. Shared by several web
/// servers: each client's `RedisStateStore` (feature `redis`; the protocol is
/// [`onboarding::redis`](super::redis)).
pub trait StateStore: Send + Sync {
    /// Keeps `state` (issued at `now`) until it is taken or forgotten.
    fn put(&self, state: PendingState, now: SystemTime) -> Result<(), OnboardingError>;
    /// Takes the state whose value is `value`, marking it used.
    fn take(&self, value: &Secret, now: SystemTime) -> Result<Taken, OnboardingError>;
}

/// A [`StateStore`] for async servers: the same two atomic operations as futures, so that a
/// store on the network (the async client's `RedisStateStore`) never blocks the executor.
/// Every [`StateStore`] is one, answering at once: fit for stores that do not block, such as
/// [`MemoryStateStore`]. Read callbacks from it with
/// [`read_callback_async`](super::read_callback_async).
pub trait AsyncStateStore: Send + Sync {
    /// Keeps `state` (issued at `now`) until it is taken or forgotten.
    fn put_async(&self, state: PendingState, now: SystemTime) -> BoxFuture<'_, Result<(), OnboardingError>>;
    /// Takes the state whose value is `value`, marking it used.
    fn take_async<'a>(
        &'a self,
        value: &'a Secret,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<Taken, OnboardingError>>;
}

impl<S: StateStore + ?Sized> AsyncStateStore for S {
    fn put_async(&self, state: PendingState, now: SystemTime) -> BoxFuture<'_, Result<(), OnboardingError>> {
        Box::pin(std::future::ready(self.put(state, now)))
    }

    fn take_async<'a>(
        &'a self,
        value: &'a Secret,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<Taken, OnboardingError>> {
        Box::pin(std::future::ready(self.take(value, now)))
    }
}

enum Entry {
    Pending(PendingState),
    Used,
}

/// A [`StateStore`] in this process's memory. It remembers states (and used states, to tell a
/// replay from a forgery) for `retention`; a callback older than the TTL the callback reader
/// applies is refused as expired.
pub struct MemoryStateStore {
    retention: Duration,
    entries: Mutex<HashMap<String, (SystemTime, Entry)>>,
}

impl fmt::Debug for MemoryStateStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        f.debug_struct("MemoryStateStore").field("retention", &self.retention).field("entries", &n).finish()
    }
}

impl Default for MemoryStateStore {
    /// Remembers states for an hour.
    fn default() -> Self {
        MemoryStateStore::new(Duration::from_secs(3600))
    }
}

impl MemoryStateStore {
    /// A store that forgets states `retention` after they were issued (or used). Make it
    /// longer than the callback TTL, so an expired state is reported as expired.
    pub fn new(retention: Duration) -> Self {
        MemoryStateStore { retention, entries: Mutex::new(HashMap::new()) }
    }

    /// How many states (pending or used) it holds.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn purge(&self, map: &mut HashMap<String, (SystemTime, Entry)>, now: SystemTime) {
        let retention = self.retention;
        map.retain(|_, (since, _)| now.duration_since(*since).map(|age| age <= retention).unwrap_or(true));
    }
}

impl StateStore for MemoryStateStore {
    fn put(&self, state: PendingState, now: SystemTime) -> Result<(), OnboardingError> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.purge(&mut map, now);
        map.insert(state.key(), (state.issued_at.min(now), Entry::Pending(state)));
        Ok(())
    }

    fn take(&self, value: &Secret, now: SystemTime) -> Result<Taken, OnboardingError> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.purge(&mut map, now);
        let key = state_key(value);
        Ok(match map.get_mut(&key) {
            None => Taken::Unknown,
            Some((_, Entry::Used)) => Taken::Used,
            Some(slot) => {
                let Entry::Pending(state) = std::mem::replace(&mut slot.1, Entry::Used) else {
                    unreachable!("matched above")
                };
                slot.0 = now;
                // The hash matched; compare the values too, in constant time.
                if state.value().ct_eq(value) {
                    Taken::Pending(state)
                } else {
                    Taken::Unknown
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn single_use_and_retention() {
        let store = MemoryStateStore::new(Duration::from_secs(100));
        let s = PendingState::new([1; 32], at(1000), "https://app.example/cb");
        store.put(s.clone(), at(1000)).unwrap();
        assert_eq!(store.take(&Secret::new("nope"), at(1001)).unwrap(), Taken::Unknown);
        assert_eq!(store.take(&s.value(), at(1001)).unwrap(), Taken::Pending(s.clone()));
        assert_eq!(store.take(&s.value(), at(1002)).unwrap(), Taken::Used);
        // Forgotten after the retention: a very late replay looks unknown.
        assert_eq!(store.take(&s.value(), at(1200)).unwrap(), Taken::Unknown);
        assert!(store.is_empty());
    }

    #[test]
    fn serialises_without_showing_the_value_in_debug() {
        let s = PendingState::new([0xcd; 32], at(5), "https://app.example/cb");
        let json = serde_json::to_string(&s).unwrap();
        let back: PendingState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(!format!("{s:?}").contains("cdcd"));
        assert_eq!(s.key().len(), 64);
        assert!(!s.key().contains("cdcd"));
        // What a shared store keeps leaves the value out, and comes back whole with it.
        let stored = s.to_stored();
        assert!(!stored.contains("cdcd"), "{stored}");
        assert_eq!(PendingState::from_stored(&s.value(), stored.as_bytes()), Some(s.clone()));
        assert_eq!(PendingState::from_stored(&s.value(), b"{not json"), None);
    }
}
