//! Reading the consent callback: state first, then the code.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use url::form_urlencoded;

use super::{query_of, AsyncStateStore, OnboardingError, PendingState, StateStore, Taken};
use crate::secret::Secret;

/// A callback whose state checked out: the pending state it matched and the code to
/// exchange (within five minutes of its issue, once).
#[derive(Debug, Clone)]
pub struct Callback {
    /// The state the callback matched, now used.
    pub state: PendingState,
    /// The authorization code.
    pub code: Secret,
}

/// A callback's query, read but not yet checked: the state to take from a store, then
/// [`CallbackQuery::finish`] with what the store answered. [`read_callback`] and
/// [`read_callback_async`] are this with a store; use it directly for a store of your own
/// that neither fits [`StateStore`] nor [`AsyncStateStore`].
#[derive(Debug, Clone)]
pub struct CallbackQuery {
    state: Option<Secret>,
    code: Option<String>,
    error: Option<String>,
    description: Option<String>,
}

impl CallbackQuery {
    /// Reads the full callback URL, a path with its query, or the query alone.
    pub fn parse(url_or_query: &str) -> Self {
        let mut q = CallbackQuery { state: None, code: None, error: None, description: None };
        for (k, v) in form_urlencoded::parse(query_of(url_or_query).as_bytes()) {
            let v = Some(v.into_owned());
            match k.as_ref() {
                "code" => q.code = v,
                "state" => q.state = v.filter(|s| !s.is_empty()).map(Secret::new),
                "error" => q.error = v,
                "error_description" => q.description = v,
                _ => {}
            }
        }
        q
    }

    /// The state the callback carries (`None`: it carries none, which is forged).
    pub fn state(&self) -> Option<&Secret> {
        self.state.as_ref()
    }

    /// Checks the callback at `now` given what the store answered for its state: forged,
    /// replayed, older than `max_age`, Amazon's error, no code — or the code to exchange.
    pub fn finish(
        self,
        taken: Taken,
        now: SystemTime,
        max_age: Duration,
    ) -> Result<Callback, OnboardingError> {
        let pending = match (&self.state, taken) {
            (Some(_), Taken::Pending(p)) => p,
            (Some(_), Taken::Used) => return Err(OnboardingError::ReplayedState),
            _ => return Err(OnboardingError::ForgedState),
        };
        let age = now.duration_since(pending.issued_at()).unwrap_or(Duration::ZERO);
        if age > max_age {
            return Err(OnboardingError::ExpiredState { age, max_age });
        }
        if let Some(error) = self.error {
            return Err(OnboardingError::Denied { error, description: self.description });
        }
        match self.code.filter(|c| !c.is_empty()) {
            Some(code) => Ok(Callback { state: pending, code: Secret::new(code) }),
            None => Err(OnboardingError::MissingCode),
        }
    }
}

/// Reads a consent callback (the full URL, a path with its query, or the query alone). The
/// state is looked up first — taken from `store`, so it works once — and its age checked
/// against `max_age`; only then are Amazon's `error` and the `code` looked at.
pub fn read_callback<S: StateStore + ?Sized>(
    url_or_query: &str,
    store: &S,
    now: SystemTime,
    max_age: Duration,
) -> Result<Callback, OnboardingError> {
    // A StateStore's futures are ready at once: one poll reads the callback.
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(read_callback_async(url_or_query, store, now, max_age)).poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => {
            Err(OnboardingError::StateStore("the synchronous store did not answer at once".into()))
        }
    }
}

/// [`read_callback`] over an [`AsyncStateStore`], for async servers (the async client's
/// `RedisStateStore`, or any [`StateStore`]).
pub async fn read_callback_async<S: AsyncStateStore + ?Sized>(
    url_or_query: &str,
    store: &S,
    now: SystemTime,
    max_age: Duration,
) -> Result<Callback, OnboardingError> {
    let query = CallbackQuery::parse(url_or_query);
    let taken = match query.state() {
        Some(state) => store.take_async(state, now).await?,
        None => Taken::Unknown,
    };
    query.finish(taken, now, max_age)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onboarding::MemoryStateStore;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    fn setup() -> (MemoryStateStore, PendingState) {
        let store = MemoryStateStore::new(Duration::from_secs(3600));
        let s = PendingState::new([9; 32], at(1000), "https://app.example/cb");
        store.put(s.clone(), at(1000)).unwrap();
        (store, s)
    }

    const TTL: Duration = Duration::from_secs(600);

    #[test]
    fn full_url_path_or_query() {
        for prefix in ["https://app.example/cb?", "/cb?", "?", ""] {
            let (store, s) = setup();
            let url = format!("{prefix}code=AN1&state={}", s.value().expose());
            let cb = read_callback(&url, &store, at(1010), TTL).unwrap();
            assert_eq!(cb.code.expose(), "AN1");
            assert_eq!(cb.state, s);
        }
    }

    #[test]
    fn distinct_errors() {
        let (store, s) = setup();
        let v = s.value().expose().to_owned();
        let forged = read_callback(&format!("code=AN1&state={}", "ff".repeat(32)), &store, at(1010), TTL);
        assert!(matches!(forged, Err(OnboardingError::ForgedState)));
        assert!(matches!(
            read_callback("code=AN1", &store, at(1010), TTL),
            Err(OnboardingError::ForgedState)
        ));
        read_callback(&format!("code=AN1&state={v}"), &store, at(1010), TTL).unwrap();
        let replay = read_callback(&format!("code=AN1&state={v}"), &store, at(1011), TTL);
        assert!(matches!(replay, Err(OnboardingError::ReplayedState)));

        let (store, s) = setup();
        let late = read_callback(&format!("code=AN1&state={}", s.value().expose()), &store, at(1601), TTL);
        assert!(matches!(late, Err(OnboardingError::ExpiredState { .. })), "{late:?}");

        let (store, s) = setup();
        let denied = read_callback(
            &format!("error=access_denied&error_description=User+declined&state={}", s.value().expose()),
            &store,
            at(1010),
            TTL,
        )
        .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "Amazon refused the consent: access_denied: User declined; start the consent again"
        );

        let (store, s) = setup();
        let empty = read_callback(&format!("code=&state={}", s.value().expose()), &store, at(1010), TTL);
        assert!(matches!(empty, Err(OnboardingError::MissingCode)));
    }

    /// A store that cannot answer.
    struct Down;

    impl StateStore for Down {
        fn put(&self, _: PendingState, _: SystemTime) -> Result<(), OnboardingError> {
            Err(OnboardingError::StateStore("connection refused".into()))
        }
        fn take(&self, _: &Secret, _: SystemTime) -> Result<Taken, OnboardingError> {
            Err(OnboardingError::StateStore("connection refused".into()))
        }
    }

    fn ready<T>(future: impl std::future::Future<Output = T>) -> T {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("a memory store answers at once"),
        }
    }

    #[test]
    fn the_async_reader_tells_the_same_outcomes() {
        let (store, s) = setup();
        let url = format!("code=AN1&state={}", s.value().expose());
        let cb = ready(read_callback_async(&url, &store, at(1010), TTL)).unwrap();
        assert_eq!(cb.state, s);
        let replay = ready(read_callback_async(&url, &store, at(1011), TTL));
        assert!(matches!(replay, Err(OnboardingError::ReplayedState)), "{replay:?}");
        let forged = ready(read_callback_async("code=AN1&state=abc", &store, at(1011), TTL));
        assert!(matches!(forged, Err(OnboardingError::ForgedState)), "{forged:?}");
    }

    #[test]
    fn a_store_that_cannot_answer_is_not_a_forgery() {
        let url = "code=AN1&state=abc";
        let err = read_callback(url, &Down, at(1010), TTL).unwrap_err();
        assert!(matches!(err, OnboardingError::StateStore(_)), "{err:?}");
        assert!(err.to_string().contains("connection refused"), "{err}");
        assert!(err.to_string().contains("try again"), "{err}");
        // Without a state there is nothing to look up: forged, whatever the store.
        assert!(matches!(read_callback("code=AN1", &Down, at(1010), TTL), Err(OnboardingError::ForgedState)));
    }
}
