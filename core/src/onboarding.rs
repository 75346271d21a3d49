//! Onboarding a customer: the consent URLs, the `state` that protects the redirect, reading the
//! redirect, and the authorization-code exchange that yields the customer's refresh token.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use amazon_business_blocking::onboarding::{business_consent_url, read_redirect, IssuedState};
//! use amazon_business_blocking::Marketplace;
//!
//! // 1. Send the admin to the consent page with a fresh, unguessable state (the random bytes
//! //    come from your CSPRNG: the core draws no randomness of its own).
//! let issued = IssuedState::new([7u8; 32], SystemTime::now());
//! let url = business_consent_url(
//!     Marketplace::UnitedStates,
//!     "amzn1.sp.solution.example",
//!     "https://app.example.com/amazon/callback",
//!     &issued,
//! )?;
//! assert!(url.as_str().starts_with("https://www.amazon.com/b2b/abws/oauth?"));
//!
//! // 2. Amazon redirects back with ?code=…&state=…; check it (once) before exchanging the code.
//! let query = format!("code=ANcode123&state={}", issued.value().expose());
//! let code = read_redirect(&query, &issued, SystemTime::now(), Duration::from_secs(600))?;
//! assert_eq!(code.expose(), "ANcode123");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Then exchange the code within its five minutes with
//! [`lwa::authorization_code_request`](crate::lwa::authorization_code_request) and read the
//! answer with [`lwa::parse_token_response`](crate::lwa::parse_token_response) (the clients'
//! `exchange_authorization_code` does both); the refresh token in the answer is the customer's.
//! Keep each issued state until it is used once, and serve the callback page with
//! `Referrer-Policy: no-referrer`.
//!
//! # A whole onboarding
//!
//! The pieces a consent web application needs, all sans-IO (time and randomness are inputs):
//!
//! * [`OnboardingClient`]: the code exchange with the application's client id and secret
//!   alone, answering [`Onboarded`] (the customer's refresh token and a first access token
//!   that [`Onboarded::seed`] puts in the customer's client).
//! * [`PendingState`] and a [`StateStore`] ([`MemoryStateStore`] by default): issued states,
//!   single use, serialisable for applications that keep them in their own session store.
//!   Several web servers share them on Redis with each client's `RedisStateStore` (feature
//!   `redis`; protocol in [`redis`]); async servers use the [`AsyncStateStore`] form and
//!   [`read_callback_async`].
//! * [`read_callback`]: reads the callback URL, checks the state (constant time, once, age)
//!   before anything else, and tells forged, replayed and expired states, Amazon's errors and
//!   a missing code apart ([`OnboardingError`]).
//! * [`AppCenterLogin`]: the App Center workflow (login-URI request, acknowledgement POST,
//!   completion redirect).
//! * [`access`]: which roles the customer's token can use, one harmless read per role.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use amazon_business_blocking::onboarding::{
//!     business_consent_url, read_callback, MemoryStateStore, OnboardingError, PendingState, StateStore,
//! };
//! use amazon_business_blocking::Marketplace;
//!
//! let store = MemoryStateStore::default();
//! let now = SystemTime::now();
//! let redirect_uri = "https://app.example.com/oauth/callback";
//! let pending = PendingState::new([42u8; 32], now, redirect_uri); // bytes from your CSPRNG
//! let url = business_consent_url(Marketplace::UnitedStates, "amzn1.sp.solution.x", redirect_uri, &pending.issued())?;
//! let value = pending.value();
//! store.put(pending, now)?;
//! // … the browser comes back to the callback:
//! let callback_url = format!("{redirect_uri}?code=ANcode&state={}", value.expose());
//! let callback = read_callback(&callback_url, &store, now, Duration::from_secs(600))?;
//! assert_eq!(callback.code.expose(), "ANcode");
//! // The same callback again is a replay.
//! let again = read_callback(&callback_url, &store, now, Duration::from_secs(600));
//! assert!(matches!(again, Err(OnboardingError::ReplayedState)));
//! # let _ = url;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use url::{form_urlencoded, Url};

use crate::error::ConfigError;
use crate::place::Marketplace;
use crate::secret::Secret;

pub mod access;
mod app_center;
mod callback;
mod exchange;
pub mod redis;
mod state;

pub use app_center::AppCenterLogin;
pub use callback::{read_callback, read_callback_async, Callback, CallbackQuery};
pub use exchange::{Onboarded, OnboardingClient};
pub use state::{state_key, AsyncStateStore, MemoryStateStore, PendingState, StateStore, Taken};

/// The query part of a full URL, of a path with a query, or of a bare query.
pub(crate) fn query_of(url_or_query: &str) -> &str {
    match url_or_query.split_once('?') {
        Some((_, query)) => query,
        None if url_or_query.contains("://") => "",
        None => url_or_query,
    }
    .split('#')
    .next()
    .unwrap_or_default()
}

/// Why an onboarding step failed. Each variant says what happened and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnboardingError {
    /// The callback's `state` was not issued here: the request may be forged (CSRF). Its code
    /// was not touched.
    #[error("the callback's state was not issued by this application (a forged or foreign request); its code was not used; start the consent again from the application")]
    ForgedState,
    /// The callback's `state` was already used once: a replay (or a reload of the page).
    #[error(
        "the callback's state was already used (a replayed or reloaded callback); start the consent again"
    )]
    ReplayedState,
    /// The callback's `state` is older than allowed.
    #[error("the callback's state expired ({}s old, at most {}s allowed); start the consent again", age.as_secs(), max_age.as_secs())]
    ExpiredState {
        /// How old it was.
        age: Duration,
        /// The limit.
        max_age: Duration,
    },
    /// Amazon redirected with `error` (the admin declined, or the request was refused).
    #[error("Amazon refused the consent: {error}{}; start the consent again", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Denied {
        /// Amazon's `error`.
        error: String,
        /// Amazon's `error_description`.
        description: Option<String>,
    },
    /// The callback had a good state but no `code`.
    #[error("the callback carries no authorization code")]
    MissingCode,
    /// LWA refused the code (`invalid_grant`).
    #[error("LWA refused the authorization code (invalid_grant{}): a code works once and only within five minutes of the consent; start the consent again and exchange the new code at once", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    CodeRefused {
        /// LWA's `error_description`.
        description: Option<String>,
    },
    /// The exchange failed otherwise (credentials, network, LWA down).
    #[error("the code exchange failed: {0}")]
    Exchange(crate::error::Error),
    /// An App Center login request or URI is unusable.
    #[error("App Center: {0}")]
    AppCenterRequest(String),
    /// The state store did not answer (a shared store that is down or too slow): the state
    /// was neither checked nor kept.
    #[error("the onboarding state store did not answer ({0}); nothing was checked or kept: check that the store (e.g. Redis) is reachable, then try again")]
    StateStore(String),
}

/// A `state` value handed out with a consent URL, and when.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedState {
    value: Secret,
    issued_at: SystemTime,
}

impl IssuedState {
    /// A state made of 32 random bytes from the caller's cryptographic random source.
    pub fn new(random: [u8; 32], issued_at: SystemTime) -> Self {
        let value: String = random.iter().map(|b| format!("{b:02x}")).collect();
        IssuedState { value: Secret::new(value), issued_at }
    }

    /// A state from its value and issue time (one restored from a store).
    pub fn from_parts(value: Secret, issued_at: SystemTime) -> Self {
        IssuedState { value, issued_at }
    }

    /// The state as it travels.
    pub fn value(&self) -> &Secret {
        &self.value
    }

    /// When it was issued.
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }
}

impl fmt::Debug for IssuedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedState").field("value", &self.value).field("issued_at", &self.issued_at).finish()
    }
}

/// Why a redirect was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedirectError {
    /// The customer declined, or Amazon reported an error (`error`, `error_description`).
    #[error("consent was not given: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Denied {
        /// Amazon's error code.
        error: String,
        /// Amazon's description.
        description: Option<String>,
    },
    /// The `state` is missing or is not the one issued: the redirect may be forged.
    #[error("the redirect's state does not match the one issued; do not exchange its code")]
    StateMismatch,
    /// The state is older than allowed.
    #[error(
        "the redirect's state expired ({age:?} old, at most {max_age:?} allowed); start the consent again"
    )]
    StateExpired {
        /// How old it is.
        age: Duration,
        /// The limit.
        max_age: Duration,
    },
    /// No `code` in the redirect.
    #[error("the redirect carries no authorization code")]
    MissingCode,
}

fn check_redirect_uri(redirect_uri: &str) -> Result<(), ConfigError> {
    let url = Url::parse(redirect_uri)
        .map_err(|e| ConfigError::new("redirect_uri", format!("{redirect_uri:?} is not a URL: {e}")))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() == "https" || (url.scheme() == "http" && loopback) {
        Ok(())
    } else {
        Err(ConfigError::new(
            "redirect_uri",
            format!("{redirect_uri:?} must be https (it must also match the registered URI exactly)"),
        ))
    }
}

/// The Amazon Business consent URL for `marketplace`'s store: it takes the Solution Provider
/// Portal application id (`amzn1.sp.solution.…`), not the LWA client id, and no scope.
pub fn business_consent_url(
    marketplace: Marketplace,
    application_id: &str,
    redirect_uri: &str,
    state: &IssuedState,
) -> Result<Url, ConfigError> {
    if application_id.trim().is_empty() {
        return Err(ConfigError::new(
            "application_id",
            "is empty; expected the Solution Provider Portal application id (amzn1.sp.solution.…)",
        ));
    }
    check_redirect_uri(redirect_uri)?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("state", state.value.expose())
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("applicationId", application_id)
        .finish();
    Url::parse(&format!("https://www.{}/b2b/abws/oauth?{query}", marketplace.domain()))
        .map_err(|e| ConfigError::new("consent_url", e.to_string()))
}

/// The generic Login with Amazon consent URL (`scope=profile`, `response_type=code`).
pub fn lwa_consent_url(client_id: &str, redirect_uri: &str, state: &IssuedState) -> Result<Url, ConfigError> {
    if client_id.trim().is_empty() {
        return Err(ConfigError::new("client_id", "is empty"));
    }
    check_redirect_uri(redirect_uri)?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("scope", "profile")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state.value.expose())
        .finish();
    Url::parse(&format!("https://www.amazon.com/ap/oa?{query}"))
        .map_err(|e| ConfigError::new("consent_url", e.to_string()))
}

/// Reads the query string Amazon redirected to (`code=…&state=…` or `error=…`), checking the
/// state in constant time against the one issued and its age against `max_age`. Returns the
/// authorization code, to exchange within five minutes.
pub fn read_redirect(
    query: &str,
    issued: &IssuedState,
    now: SystemTime,
    max_age: Duration,
) -> Result<Secret, RedirectError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    // The state is checked first, so that a forged redirect learns nothing else.
    let sent = Secret::new(state.unwrap_or_default());
    if !sent.ct_eq(&issued.value) {
        return Err(RedirectError::StateMismatch);
    }
    let age = now.duration_since(issued.issued_at).unwrap_or(Duration::ZERO);
    if age > max_age {
        return Err(RedirectError::StateExpired { age, max_age });
    }
    if let Some(error) = error {
        return Err(RedirectError::Denied { error, description });
    }
    code.filter(|c| !c.is_empty()).map(Secret::new).ok_or(RedirectError::MissingCode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued() -> IssuedState {
        IssuedState::new([0xab; 32], SystemTime::UNIX_EPOCH + Duration::from_secs(1000))
    }

    #[test]
    fn consent_urls() {
        let s = issued();
        let url = business_consent_url(
            Marketplace::Germany,
            "amzn1.sp.solution.x",
            "https://app.example/cb?a=1",
            &s,
        )
        .unwrap();
        assert_eq!(url.host_str(), Some("www.amazon.de"));
        assert_eq!(url.path(), "/b2b/abws/oauth");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("state".into(), "ab".repeat(32)),
                ("redirect_uri".into(), "https://app.example/cb?a=1".into()),
                ("applicationId".into(), "amzn1.sp.solution.x".into())
            ]
        );
        let lwa = lwa_consent_url("amzn1.application-oa2-client.x", "https://app.example/cb", &s).unwrap();
        assert!(lwa.as_str().starts_with("https://www.amazon.com/ap/oa?client_id=amzn1.application-oa2-client.x&scope=profile&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state="));
        assert_eq!(
            business_consent_url(Marketplace::Japan, "", "https://x", &s).unwrap_err().field,
            "application_id"
        );
        assert_eq!(
            business_consent_url(Marketplace::Japan, "a", "http://app.example/cb", &s).unwrap_err().field,
            "redirect_uri"
        );
        assert!(!format!("{s:?}").contains("abab"));
    }

    #[test]
    fn redirects() {
        let s = issued();
        let now = s.issued_at() + Duration::from_secs(60);
        let max = Duration::from_secs(600);
        let good = format!("code=AN123&state={}", "ab".repeat(32));
        assert_eq!(read_redirect(&good, &s, now, max).unwrap().expose(), "AN123");
        assert_eq!(read_redirect(&format!("?{good}"), &s, now, max).unwrap().expose(), "AN123");
        let forged = format!("code=AN123&state={}", "ac".repeat(32));
        assert_eq!(read_redirect(&forged, &s, now, max).unwrap_err(), RedirectError::StateMismatch);
        assert_eq!(read_redirect("code=AN123", &s, now, max).unwrap_err(), RedirectError::StateMismatch);
        let late = s.issued_at() + Duration::from_secs(601);
        assert!(matches!(
            read_redirect(&good, &s, late, max).unwrap_err(),
            RedirectError::StateExpired { .. }
        ));
        let denied = format!("error=access_denied&error_description=User+declined&state={}", "ab".repeat(32));
        let err = read_redirect(&denied, &s, now, max).unwrap_err();
        assert_eq!(
            err,
            RedirectError::Denied {
                error: "access_denied".into(),
                description: Some("User declined".into())
            }
        );
        let empty = format!("code=&state={}", "ab".repeat(32));
        assert_eq!(read_redirect(&empty, &s, now, max).unwrap_err(), RedirectError::MissingCode);
    }
}
