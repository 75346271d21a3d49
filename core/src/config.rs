//! Client configuration: credentials, marketplace, environment, user agent and policies.

use std::fmt;
use std::time::Duration;

use sha2::{Digest, Sha256};
use url::Url;

use crate::error::ConfigError;
use crate::place::{Environment, Marketplace};
use crate::redact::Secrets;
use crate::secret::Secret;

/// The LWA credentials of one application acting for one customer.
#[derive(Clone)]
pub struct Credentials {
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
}

impl Credentials {
    /// Credentials from the application's client id and secret and the customer's refresh
    /// token. An empty value is an error naming the field.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        let client_id = client_id.into().trim().to_owned();
        let client_secret = client_secret.into();
        let refresh_token = refresh_token.into();
        if client_id.is_empty() {
            return Err(ConfigError::new(
                "client_id",
                "is empty; expected the LWA client id (amzn1.application-oa2-client.…)",
            ));
        }
        if client_secret.is_blank() {
            return Err(ConfigError::new("client_secret", "is empty; expected the LWA client secret"));
        }
        if refresh_token.is_blank() {
            return Err(ConfigError::new(
                "refresh_token",
                "is empty; expected the customer's refresh token (Atzr|…)",
            ));
        }
        Ok(Credentials { client_id, client_secret, refresh_token })
    }

    /// The LWA client id (not secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret.
    pub fn client_secret(&self) -> &Secret {
        &self.client_secret
    }

    /// The refresh token.
    pub fn refresh_token(&self) -> &Secret {
        &self.refresh_token
    }

    /// The client secret and refresh token as a [`Secrets`] set for masking by value; add the
    /// current access token (and an authorization code) with [`Secrets::with`].
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets::new().with(&self.client_secret).with(&self.refresh_token)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

/// Identifies one (application, customer) pair in token caches and rate buckets without
/// containing any secret: the client id and a SHA-256 fingerprint of the refresh token.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialKey(String);

impl CredentialKey {
    /// The key for a client id and refresh token.
    pub fn new(client_id: &str, refresh_token: &Secret) -> Self {
        let digest = Sha256::digest(refresh_token.expose().as_bytes());
        let fp: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        CredentialKey(format!("{client_id}/{fp}"))
    }

    /// The key as text, suitable as a key in an external store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The application's client id this key belongs to.
    pub fn client_id(&self) -> &str {
        self.0.rsplit_once('/').map_or(self.0.as_str(), |(id, _)| id)
    }
}

impl fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialKey({})", self.0)
    }
}

/// A proxy URL whose credentials never show: `Display` and `Debug` print
/// `http://***@proxy.corp:3128/` for `http://user:pass@proxy.corp:3128`.
///
/// It dereferences to the [`Url`] (so `proxy.as_str()`, `proxy.host_str()` work), but mind
/// that the `Url`'s own `Display` shows the credentials: print the `ProxyUrl`, not the `Url`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(Url);

impl ProxyUrl {
    /// The URL, credentials included. Hand it to the HTTP stack; never print it.
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// True when the URL carries a user name or a password.
    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty() || self.0.password().is_some()
    }
}

impl std::ops::Deref for ProxyUrl {
    type Target = Url;
    fn deref(&self) -> &Url {
        &self.0
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_url_credentials(self.0.as_str()))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({:?})", mask_url_credentials(self.0.as_str()))
    }
}

/// `url` with the user and password of its authority replaced by `***`, for printing a URL
/// (valid or not) that may carry credentials: `http://u:p@h:1/` becomes `http://***@h:1/`.
pub fn mask_url_credentials(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// When and how often a failed call is tried again.
///
/// Start from [`RetryPolicy::default`] (or [`RetryPolicy::none`]) and change what you need;
/// the fields are readable, and new ones may be added, so the struct is not built literally:
///
/// ```
/// use std::time::Duration;
/// use amazon_business_blocking::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_attempts(3).base_delay(Duration::from_millis(100));
/// assert_eq!(policy.max_attempts, 3);
/// ```
///
/// ```compile_fail
/// # use std::time::Duration;
/// # use amazon_business_blocking::RetryPolicy;
/// // Not possible: the struct may grow fields.
/// let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// How many times a request may be sent in all (1 disables retries).
    pub max_attempts: u32,
    /// The first backoff delay; each retry doubles it.
    pub base_delay: Duration,
    /// The largest backoff delay.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client will wait by itself; a longer one fails the call
    /// with `QuotaExceeded` carrying the delay, so the caller decides.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// How many times a request may be sent in all (at least 1; 1 disables retries).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// The first backoff delay; each retry doubles it.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff delay.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits by itself.
    #[must_use]
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }
}

/// Network time limits, applied by the transports.
///
/// Build them with [`Timeouts::new`] or change the defaults with the setters; the fields are
/// readable, and new ones may be added, so the struct is not built literally:
///
/// ```
/// use std::time::Duration;
/// use amazon_business_blocking::Timeouts;
///
/// let t = Timeouts::new(Duration::from_secs(5), Duration::from_secs(30));
/// assert_eq!(t, Timeouts::default().connect(Duration::from_secs(5)).request(Duration::from_secs(30)));
/// ```
///
/// ```compile_fail
/// # use std::time::Duration;
/// # use amazon_business_blocking::Timeouts;
/// // Not possible: the struct may grow fields.
/// let t = Timeouts { connect: Duration::from_secs(5), request: Duration::from_secs(30) };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time to establish a connection (including TLS).
    pub connect: Duration,
    /// Time for a whole exchange, from sending to the end of the response.
    pub request: Duration,
}

impl Timeouts {
    /// Limits of `connect` to establish a connection and `request` for a whole exchange.
    /// Zero, sub-millisecond or absurd values are refused when the configuration is built.
    pub fn new(connect: Duration, request: Duration) -> Self {
        Timeouts { connect, request }
    }

    /// The time to establish a connection (including TLS).
    #[must_use]
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// The time for a whole exchange, from sending to the end of the response.
    #[must_use]
    pub fn request(mut self, limit: Duration) -> Self {
        self.request = limit;
        self
    }

    /// The longest connect timeout a configuration accepts.
    pub const MAX_CONNECT: Duration = Duration::from_secs(60 * 60);
    /// The longest request timeout a configuration accepts.
    pub const MAX_REQUEST: Duration = Duration::from_secs(24 * 60 * 60);

    /// Refuses limits under which every call fails (zero, under a millisecond) or that no
    /// one means (a connect timeout over an hour, a request timeout over a day).
    fn check(&self) -> Result<(), ConfigError> {
        let default = Timeouts::default();
        for (field, value, max, default) in [
            ("timeouts.connect", self.connect, Timeouts::MAX_CONNECT, default.connect),
            ("timeouts.request", self.request, Timeouts::MAX_REQUEST, default.request),
        ] {
            if value < Duration::from_millis(1) {
                return Err(ConfigError::new(
                    field,
                    format!(
                        "is {value:?}, so every call would time out; give at least 1 ms (the default is {default:?})"
                    ),
                ));
            }
            if value > max {
                return Err(ConfigError::new(field, format!("is {value:?}; at most {max:?} is accepted")));
            }
        }
        Ok(())
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(10), request: Duration::from_secs(60) }
    }
}

/// Everything a client needs to know. Build it with [`Config::builder`] or
/// [`Config::from_lookup`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) credentials: Credentials,
    pub(crate) marketplace: Marketplace,
    pub(crate) environment: Environment,
    pub(crate) user_agent: String,
    pub(crate) user_email: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) pacing: bool,
    pub(crate) timeouts: Timeouts,
    pub(crate) proxy: Option<ProxyUrl>,
    pub(crate) debug: bool,
}

impl Config {
    /// Starts a configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
    /// The marketplace.
    pub fn marketplace(&self) -> Marketplace {
        self.marketplace
    }
    /// The environment.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }
    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// The default `x-amz-user-email`.
    pub fn user_email(&self) -> Option<&str> {
        self.user_email.as_deref()
    }
    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
    /// Whether the client paces itself to the usage plans.
    pub fn pacing(&self) -> bool {
        self.pacing
    }
    /// The network time limits.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }
    /// The HTTP(S) proxy, if any; it prints with its credentials masked.
    pub fn proxy(&self) -> Option<&ProxyUrl> {
        self.proxy.as_ref()
    }
    /// Whether transports log redacted request and response dumps.
    pub fn debug(&self) -> bool {
        self.debug
    }
    /// The API base URL.
    pub fn api_base(&self) -> Url {
        self.environment.api_base(self.marketplace)
    }

    /// Reads a configuration from variables, e.g. `Config::from_lookup(|k| std::env::var(k).ok())`:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `AB_CLIENT_ID`, `AB_CLIENT_SECRET`, `AB_REFRESH_TOKEN` | credentials (required) |
    /// | `AB_MARKETPLACE` | marketplace ID or country code (default `US`) |
    /// | `AB_SANDBOX` | `1`/`true` for Amazon's sandbox |
    /// | `AB_ENDPOINT`, `AB_LWA_ENDPOINT` | a custom API base URL and LWA token URL (both together) |
    /// | `AB_USER_EMAIL` | default `x-amz-user-email` |
    /// | `AB_PROXY` | proxy URL |
    /// | `AB_DEBUG` | `1`/`true` to log redacted dumps |
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let flag = |k: &str| {
            get(k).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
        };
        let required = |k: &'static str, field: &'static str| {
            get(k).ok_or_else(|| ConfigError::new(field, format!("is not set; set {k}")))
        };
        let credentials = Credentials::new(
            required("AB_CLIENT_ID", "client_id")?,
            required("AB_CLIENT_SECRET", "client_secret")?,
            required("AB_REFRESH_TOKEN", "refresh_token")?,
        )?;
        let mut b = Config::builder().credentials(credentials);
        if let Some(m) = get("AB_MARKETPLACE") {
            b = b.marketplace(m.parse()?);
        }
        match (get("AB_ENDPOINT"), get("AB_LWA_ENDPOINT")) {
            (Some(api), Some(lwa)) => b = b.environment(Environment::custom(&api, &lwa)?),
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "lwa_endpoint",
                    "AB_ENDPOINT is set but AB_LWA_ENDPOINT is not; set both",
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "endpoint",
                    "AB_LWA_ENDPOINT is set but AB_ENDPOINT is not; set both",
                ))
            }
            (None, None) if flag("AB_SANDBOX") => b = b.environment(Environment::Sandbox),
            (None, None) => {}
        }
        if let Some(e) = get("AB_USER_EMAIL") {
            b = b.user_email(e);
        }
        if let Some(p) = get("AB_PROXY") {
            b = b.proxy(&p)?;
        }
        b.debug(flag("AB_DEBUG")).build()
    }
}

/// Builds a [`Config`].
#[derive(Debug, Default)]
pub struct ConfigBuilder {
    credentials: Option<Credentials>,
    marketplace: Option<Marketplace>,
    environment: Option<Environment>,
    app: Option<(String, String)>,
    user_email: Option<String>,
    retry: Option<RetryPolicy>,
    pacing: Option<bool>,
    timeouts: Option<Timeouts>,
    proxy: Option<ProxyUrl>,
    debug: bool,
}

impl ConfigBuilder {
    /// The credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// The marketplace (default: United States).
    pub fn marketplace(mut self, marketplace: Marketplace) -> Self {
        self.marketplace = Some(marketplace);
        self
    }
    /// The environment (default: production).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }
    /// Your application's name and version, which lead the `User-Agent`.
    pub fn app(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.app = Some((name.into(), version.into()));
        self
    }
    /// The default `x-amz-user-email`: a user of the business account.
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }
    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }
    /// Whether to pace requests to the usage plans (default: on).
    pub fn pacing(mut self, on: bool) -> Self {
        self.pacing = Some(on);
        self
    }
    /// Network time limits.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }
    /// An HTTP proxy, e.g. `http://proxy.corp:3128` or `http://user:password@proxy.corp:3128`
    /// (the credentials never appear in `Debug`, `Display` or errors).
    pub fn proxy(mut self, url: &str) -> Result<Self, ConfigError> {
        let shown = mask_url_credentials(url);
        let u = Url::parse(url)
            .map_err(|e| ConfigError::new("proxy", format!("{shown:?} is not a valid URL: {e}")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(ConfigError::new(
                "proxy",
                format!("{shown:?}: only http and https proxies are supported"),
            ));
        }
        if u.host_str().is_none_or(str::is_empty) {
            return Err(ConfigError::new("proxy", format!("{shown:?} names no host")));
        }
        self.proxy = Some(ProxyUrl(u));
        Ok(self)
    }
    /// Log redacted request and response dumps at debug level.
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = on;
        self
    }

    /// Checks and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let credentials = self.credentials.ok_or_else(|| {
            ConfigError::new("credentials", "are required; call .credentials(Credentials::new(…)?)")
        })?;
        let user_agent = user_agent(self.app.as_ref().map(|(n, v)| (n.as_str(), v.as_str())))?;
        if let Some(e) = &self.user_email {
            if !e.contains('@') || e.trim().len() != e.len() || e.chars().any(|c| c.is_control()) {
                return Err(ConfigError::new("user_email", format!("{e:?} is not an email address")));
            }
        }
        let retry = self.retry.unwrap_or_default();
        if retry.max_attempts == 0 {
            return Err(ConfigError::new("retry.max_attempts", "must be at least 1 (1 disables retries)"));
        }
        let timeouts = self.timeouts.unwrap_or_default();
        timeouts.check()?;
        Ok(Config {
            credentials,
            marketplace: self.marketplace.unwrap_or(Marketplace::UnitedStates),
            environment: self.environment.unwrap_or(Environment::Production),
            user_agent,
            user_email: self.user_email,
            retry,
            pacing: self.pacing.unwrap_or(true),
            timeouts,
            proxy: self.proxy,
            debug: self.debug,
        })
    }
}

/// The SDK's own name and version, as it appears in the `User-Agent`.
pub const SDK_NAME: &str = concat!("amazon-business-rs/", env!("CARGO_PKG_VERSION"));

fn user_agent(app: Option<(&str, &str)>) -> Result<String, ConfigError> {
    let (name, version) = app.unwrap_or(("amazon-business-rs", env!("CARGO_PKG_VERSION")));
    for (field, v) in [("app name", name), ("app version", version)] {
        if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control() || "/();".contains(c)) {
            return Err(ConfigError::new(
                "user_agent",
                format!("{field} {v:?} must be non-empty, without spaces, '/', '(', ')' or ';'"),
            ));
        }
    }
    let ua = format!(
        "{name}/{version} (Language=Rust/{}; Platform={}-{}; SDK={SDK_NAME})",
        env!("AB_RUSTC_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
    );
    if ua.len() > 500 {
        return Err(ConfigError::new(
            "user_agent",
            format!("is {} characters; Amazon allows at most 500", ua.len()),
        ));
    }
    Ok(ua)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn creds() -> Credentials {
        Credentials::new("amzn1.application-oa2-client.abc", "shh-secret", "Atzr|refresh-secret").unwrap()
    }

    #[test]
    fn empty_credentials_name_the_field() {
        let e = Credentials::new("", "s", "r").unwrap_err();
        assert_eq!(e.field, "client_id");
        let e = Credentials::new("id", " ", "r").unwrap_err();
        assert_eq!(e.field, "client_secret");
        let e = Credentials::new("id", "s", "").unwrap_err();
        assert_eq!(e.field, "refresh_token");
        let e = Config::builder().build().unwrap_err();
        assert_eq!(e.field, "credentials");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let config = Config::builder().credentials(creds()).build().unwrap();
        let dump = format!("{config:?} {:?}", CredentialKey::new("id", creds().refresh_token()));
        assert!(!dump.contains("shh-secret"), "{dump}");
        assert!(!dump.contains("refresh-secret"), "{dump}");
        assert!(dump.contains("amzn1.application-oa2-client.abc"));
    }

    #[test]
    fn proxy_credentials_never_show() {
        let c = Config::builder()
            .credentials(creds())
            .proxy("http://alice:pr0xy-pa55@proxy.corp:3128")
            .unwrap()
            .build()
            .unwrap();
        let proxy = c.proxy().unwrap();
        let shown = format!("{c:?} {c:#?} {proxy} {proxy:?}");
        assert!(!shown.contains("pr0xy-pa55") && !shown.contains("alice"), "{shown}");
        assert!(shown.contains("http://***@proxy.corp:3128/"), "{shown}");
        // The HTTP stack still gets the credentials.
        assert_eq!(proxy.password(), Some("pr0xy-pa55"));
        assert!(proxy.as_str().contains("alice:pr0xy-pa55@") && proxy.has_credentials());
        // Errors about a proxy URL mask them too, valid URL or not.
        for bad in [
            "socks5://alice:pr0xy-pa55@proxy.corp:1080",
            "http://alice:pr0xy-pa55@[::1",
            "alice:pr0xy-pa55@proxy",
        ] {
            let e = Config::builder().proxy(bad).unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("pr0xy-pa55"), "{shown}");
        }
        assert_eq!(mask_url_credentials("http://proxy:1/a@b"), "http://proxy:1/a@b");
    }

    #[test]
    fn policies_are_built_with_setters() {
        let p = RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(5))
            .max_delay(Duration::from_secs(1))
            .max_retry_after(Duration::from_secs(2));
        assert_eq!(
            (p.max_attempts, p.base_delay, p.max_delay, p.max_retry_after),
            (3, Duration::from_millis(5), Duration::from_secs(1), Duration::from_secs(2))
        );
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        let t = Timeouts::default().request(Duration::from_secs(9));
        assert_eq!((t.connect, t.request), (Duration::from_secs(10), Duration::from_secs(9)));
        let e = Config::builder().credentials(creds()).retry(RetryPolicy::default().max_attempts(0)).build();
        assert_eq!(e.unwrap_err().field, "retry.max_attempts");
    }

    #[test]
    fn zero_and_absurd_timeouts_are_refused() {
        let build = |connect, request| {
            Config::builder().credentials(creds()).timeouts(Timeouts::new(connect, request)).build()
        };
        let e = build(Duration::ZERO, Duration::ZERO).unwrap_err();
        assert_eq!(e.field, "timeouts.connect");
        assert!(e.message.contains("every call would time out"), "{e}");
        let e = build(Duration::from_secs(5), Duration::ZERO).unwrap_err();
        assert_eq!(e.field, "timeouts.request");
        let e = build(Duration::from_secs(5), Duration::from_nanos(10)).unwrap_err();
        assert_eq!(e.field, "timeouts.request");
        let e = build(Duration::from_secs(7200), Duration::from_secs(60)).unwrap_err();
        assert!(e.to_string().contains("timeouts.connect") && e.message.contains("at most"), "{e}");
        assert!(build(Duration::from_secs(5), Duration::from_secs(365 * 86400)).is_err());
        assert!(build(Duration::from_millis(1), Duration::from_secs(86400)).is_ok());
    }

    #[test]
    fn user_agent_has_amazons_form() {
        let c = Config::builder().credentials(creds()).app("AcmeProcurement", "2.3.1").build().unwrap();
        let ua = c.user_agent();
        assert!(ua.starts_with("AcmeProcurement/2.3.1 (Language=Rust/"), "{ua}");
        assert!(ua.contains("; Platform="), "{ua}");
        assert!(ua.len() <= 500);
        let e = Config::builder().credentials(creds()).app("Acme Procurement", "1").build().unwrap_err();
        assert_eq!(e.field, "user_agent");
        let e = Config::builder().credentials(creds()).app("A".repeat(600), "1").build().unwrap_err();
        assert!(e.message.contains("500"), "{e}");
    }

    #[test]
    fn keys_separate_customers_without_revealing_tokens() {
        let a = CredentialKey::new("id", &Secret::new("Atzr|one"));
        let b = CredentialKey::new("id", &Secret::new("Atzr|two"));
        assert_ne!(a, b);
        assert_eq!(a, CredentialKey::new("id", &Secret::new("Atzr|one")));
        assert!(!a.as_str().contains("Atzr"));
    }

    #[test]
    fn from_lookup_reads_variables() {
        let vars: HashMap<&str, &str> = [
            ("AB_CLIENT_ID", "id"),
            ("AB_CLIENT_SECRET", "secret"),
            ("AB_REFRESH_TOKEN", "Atzr|x"),
            ("AB_MARKETPLACE", "A1PA6795UKMFR9"),
            ("AB_SANDBOX", "true"),
            ("AB_USER_EMAIL", "buyer@example.com"),
        ]
        .into();
        let c = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.marketplace(), Marketplace::Germany);
        assert_eq!(c.api_base().as_str(), "https://sandbox.eu.business-api.amazon.com/");
        assert_eq!(c.user_email(), Some("buyer@example.com"));

        let e = Config::from_lookup(|k| (k != "AB_REFRESH_TOKEN").then(|| "x".to_string())).unwrap_err();
        assert!(e.to_string().contains("AB_REFRESH_TOKEN"), "{e}");
        let e = Config::from_lookup(|k| match k {
            "AB_ENDPOINT" => Some("http://127.0.0.1:1".into()),
            "AB_LWA_ENDPOINT" | "AB_MARKETPLACE" => None,
            _ => Some("x".into()),
        })
        .unwrap_err();
        assert_eq!(e.field, "lwa_endpoint");
    }
}
