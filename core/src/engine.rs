//! The shared state of a client: configuration, the current client secret and the in-process
//! store (tokens and pacing buckets). Transports hold one [`Engine`] and start a [`Call`] per
//! operation.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use url::Url;

use crate::call::Call;
use crate::config::{Config, CredentialKey};
use crate::error::ConfigError;
use crate::error::Error;
use crate::lwa::AccessToken;
use crate::operation::{Operation, RequestContext};
use crate::redact::Secrets;
use crate::secret::Secret;
use crate::store::MemoryStore;

/// The current time, as the transport reads it: a monotonic instant for waits and buckets and
/// the wall clock for token expiry and HTTP dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic time.
    pub instant: Instant,
    /// Wall-clock time.
    pub wall: SystemTime,
}

impl Now {
    /// Both clocks at once.
    pub fn new(instant: Instant, wall: SystemTime) -> Self {
        Now { instant, wall }
    }

    /// `d` later on both clocks.
    pub fn after(self, d: Duration) -> Self {
        Now { instant: self.instant + d, wall: self.wall + d }
    }
}

pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) api_base: Url,
    pub(crate) lwa_url: Url,
    pub(crate) client_secret: RwLock<Secret>,
    pub(crate) store: MemoryStore,
    pub(crate) lease: Duration,
    /// The configured user agent as a header value, made once (not once per request).
    pub(crate) user_agent: Option<http::HeaderValue>,
    /// The state the calls' jitter seeds are drawn from (see [`Engine::mix_entropy`]).
    pub(crate) seeds: AtomicU64,
}

/// The protocol engine behind a client. Cheap to clone; clones share caches.
#[derive(Clone)]
pub struct Engine {
    pub(crate) shared: Arc<Shared>,
    pub(crate) refresh_token: Secret,
    pub(crate) key: CredentialKey,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.shared.config)
            .field("credential", &self.key)
            .finish_non_exhaustive()
    }
}

/// How long a token exchange may stay in flight before another call takes it over.
pub const TOKEN_LEASE: Duration = Duration::from_secs(120);

impl Engine {
    /// An engine for `config`, with an empty in-process store.
    pub fn new(config: Config) -> Self {
        let refresh_token = config.credentials.refresh_token().clone();
        let key = CredentialKey::new(config.credentials.client_id(), &refresh_token);
        let lease = TOKEN_LEASE.max(config.timeouts.request * 2);
        let shared = Shared {
            api_base: config.api_base(),
            lwa_url: config.environment.lwa_url(),
            client_secret: RwLock::new(config.credentials.client_secret().clone()),
            store: MemoryStore::default(),
            lease,
            user_agent: http::HeaderValue::from_str(&config.user_agent).ok(),
            seeds: AtomicU64::new(0),
            config,
        };
        Engine { shared: Arc::new(shared), refresh_token, key }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The in-process store: the default executor of the calls' store steps, and the fallback
    /// of a shared one. Engines made with [`Engine::with_refresh_token`] share it.
    pub fn store(&self) -> &MemoryStore {
        &self.shared.store
    }

    /// Puts a token obtained elsewhere (the first access token of an onboarding exchange) in
    /// the in-process store for this engine's customer, so the first call needs no exchange.
    pub fn seed_token(&self, token: AccessToken) {
        self.shared.store.tokens.put(&self.key, token);
    }

    /// The key of the credential this engine calls with.
    pub fn credential_key(&self) -> &CredentialKey {
        &self.key
    }

    /// An engine sharing this one's caches and application credentials, acting for another
    /// customer (another refresh token).
    pub fn with_refresh_token(&self, refresh_token: impl Into<Secret>) -> Result<Engine, ConfigError> {
        let refresh_token = refresh_token.into();
        if refresh_token.is_blank() {
            return Err(ConfigError::new("refresh_token", "is empty"));
        }
        let key = CredentialKey::new(self.shared.config.credentials.client_id(), &refresh_token);
        Ok(Engine { shared: self.shared.clone(), refresh_token, key })
    }

    /// Swaps in a new client secret (after `rotateApplicationClientSecret` delivered one) and
    /// drops the cached tokens of every customer of this application, so the next calls
    /// exchange with the new secret.
    pub fn rotate_client_secret(&self, new_secret: impl Into<Secret>) -> Result<(), ConfigError> {
        let new_secret = new_secret.into();
        if new_secret.is_blank() {
            return Err(ConfigError::new("client_secret", "the new client secret is empty"));
        }
        *self.shared.client_secret.write().unwrap_or_else(|p| p.into_inner()) = new_secret;
        self.shared.store.tokens.forget_client(self.shared.config.credentials.client_id());
        Ok(())
    }

    /// The LWA request that exchanges an onboarding authorization code (see
    /// [`onboarding`](crate::onboarding)) for the customer's tokens; read the answer with
    /// [`lwa::parse_token_response`](crate::lwa::parse_token_response). Codes are single-use
    /// and live five minutes, so the request is sent once, never retried.
    pub fn authorization_code_request(&self, code: &Secret, redirect_uri: &str) -> http::Request<Vec<u8>> {
        let shared = &self.shared;
        let secret = shared.client_secret.read().unwrap_or_else(|p| p.into_inner()).clone();
        crate::lwa::authorization_code_request(
            &shared.lwa_url,
            &shared.config.user_agent,
            shared.config.credentials.client_id(),
            &secret,
            code,
            redirect_uri,
        )
    }

    /// Reads the outcome of [`Engine::authorization_code_request`] at wall time `wall`, with
    /// the code (and every other secret) masked in any error.
    pub fn authorization_code_outcome(
        &self,
        code: &Secret,
        outcome: Result<http::Response<Vec<u8>>, crate::error::TransportError>,
        wall: SystemTime,
    ) -> Result<crate::lwa::TokenResponse, Error> {
        let result = outcome.map_err(Error::from).and_then(|r| crate::lwa::parse_token_response(&r, wall));
        result.map_err(|e| self.mask(e, Some(code)))
    }

    /// The LWA request that exchanges this engine's refresh token for an access token.
    pub fn refresh_request(&self) -> http::Request<Vec<u8>> {
        let shared = &self.shared;
        let secret = shared.client_secret.read().unwrap_or_else(|p| p.into_inner()).clone();
        crate::lwa::refresh_request(
            &shared.lwa_url,
            &shared.config.user_agent,
            shared.config.credentials.client_id(),
            &secret,
            &self.refresh_token,
        )
    }

    /// Runs `f` with every secret this engine holds: the client secret (current and
    /// configured), the refresh token, the stored access token of this customer, and `extra`.
    fn with_secrets<R>(&self, extra: Option<&Secret>, f: impl FnOnce(&Secrets<'_>) -> R) -> R {
        let current = self.shared.client_secret.read().unwrap_or_else(|p| p.into_inner()).clone();
        let stored = self.shared.store.tokens.get(&self.key);
        let secrets = self
            .shared
            .config
            .credentials
            .secrets()
            .with(&current)
            .with(&self.refresh_token)
            .with_opt(stored.as_ref().map(|t| t.value()))
            .with_opt(extra);
        f(&secrets)
    }

    /// Masks, by value, every secret this engine holds (and `token`) wherever `error` would
    /// show it: a server may echo a token back in an error message.
    pub fn mask(&self, error: Error, token: Option<&Secret>) -> Error {
        self.with_secrets(token, |s| error.redacted(s))
    }

    /// A request rendered for logs, secrets masked by name and by value.
    pub fn render_request(&self, request: &http::Request<Vec<u8>>) -> String {
        self.with_secrets(None, |s| crate::redact::request_with(request, s))
    }

    /// A response rendered for logs, secrets masked by name and by value.
    pub fn render_response(&self, response: &http::Response<Vec<u8>>) -> String {
        self.with_secrets(None, |s| crate::redact::response_with(response, s))
    }

    /// `text` with every secret this engine holds masked.
    pub fn mask_text(&self, text: &str) -> String {
        self.with_secrets(None, |s| s.mask(text).into_owned())
    }

    /// The context operations build their requests in.
    pub fn request_context(&self) -> RequestContext<'_> {
        RequestContext {
            base_url: &self.shared.api_base,
            marketplace: self.shared.config.marketplace,
            user_email: self.shared.config.user_email.as_deref(),
        }
    }

    /// Mixes a random value supplied by the caller (a transport draws one when it builds a
    /// client) into the state the calls' backoff jitter is seeded from, so that processes do
    /// not back off in lockstep. The core draws no randomness of its own.
    pub fn mix_entropy(&self, random: u64) {
        self.shared.seeds.fetch_xor(random, Ordering::Relaxed);
    }

    /// The seed for the next call's jitter.
    pub fn next_seed(&self) -> u64 {
        self.shared.seeds.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
    }

    /// Starts one logical call of `op`. `seed` feeds the jitter of its backoff delays; pass a
    /// random value.
    pub fn call<'a, O: Operation>(&'a self, op: &'a O, seed: u64) -> Call<'a, O> {
        Call::new(self, op, seed)
    }
}
