//! Reading the consent callback: state first, then the code.

use std::time::{Duration, SystemTime};

use url::form_urlencoded;

use super::{query_of, OnboardingError, PendingState, StateStore, Taken};
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

/// Reads a consent callback (the full URL, a path with its query, or the query alone). The
/// state is looked up first — taken from `store`, so it works once — and its age checked
/// against `max_age`; only then are Amazon's `error` and the `code` looked at.
pub fn read_callback(
    url_or_query: &str,
    store: &dyn StateStore,
    now: SystemTime,
    max_age: Duration,
) -> Result<Callback, OnboardingError> {
    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (k, v) in form_urlencoded::parse(query_of(url_or_query).as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    let Some(state) = state.filter(|s| !s.is_empty()) else {
        return Err(OnboardingError::ForgedState);
    };
    let pending = match store.take(&Secret::new(state), now) {
        Taken::Pending(p) => p,
        Taken::Used => return Err(OnboardingError::ReplayedState),
        Taken::Unknown => return Err(OnboardingError::ForgedState),
    };
    let age = now.duration_since(pending.issued_at()).unwrap_or(Duration::ZERO);
    if age > max_age {
        return Err(OnboardingError::ExpiredState { age, max_age });
    }
    if let Some(error) = error {
        return Err(OnboardingError::Denied { error, description });
    }
    match code.filter(|c| !c.is_empty()) {
        Some(code) => Ok(Callback { state: pending, code: Secret::new(code) }),
        None => Err(OnboardingError::MissingCode),
    }
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
        store.put(s.clone(), at(1000));
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
}
