//! Blocking client for the Amazon Business API, driven by [ureq](https://docs.rs/ureq).
//!
//! All protocol knowledge (requests, responses, LWA tokens, retries, pacing) lives in
//! [`amazon_business_core`], re-exported here; this crate only moves bytes, sleeps and waits.
//!
//! ```no_run
//! use amazon_business_blocking::{Client, Config, Credentials, Marketplace, DateTime};
//!
//! let config = Config::builder()
//!     .credentials(Credentials::new("amzn1.application-oa2-client.…", "client-secret", "Atzr|…")?)
//!     .marketplace(Marketplace::UnitedStates)
//!     .build()?;
//! let client = Client::new(config)?;
//! let page = client
//!     .reporting_legacy()
//!     .get_orders_by_order_date(DateTime::parse("2024-05-01T00:00:00Z")?, DateTime::parse("2024-05-02T00:00:00Z")?)
//!     .map(|op| op.include_line_items(true))
//!     .send()?;
//! for order in &page.orders {
//!     println!("{} {}", order.order_id, order.order_date);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The HTTP stack is pluggable: any function from request to response will do, which also
//! makes a client easy to test. This example runs as it is, with a stand-in for Amazon and LWA:
//!
//! ```
//! use amazon_business_blocking::{Client, Config, Credentials, Environment};
//!
//! let config = Config::builder()
//!     .credentials(Credentials::new("amzn1.application-oa2-client.demo", "secret", "Atzr|demo")?)
//!     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
//!     .build()?;
//! let client = Client::with_sender(config, |request: http::Request<Vec<u8>>| {
//!     let body = if request.uri().path() == "/auth/o2/token" {
//!         r#"{"access_token":"Atza|demo","token_type":"bearer","expires_in":3600}"#
//!     } else {
//!         assert_eq!(request.headers()["x-amz-access-token"], "Atza|demo");
//!         r#"{"reportId":"ID323","reportType":"GET_FLAT_FILE","createdTime":"2024-05-01T10:00:00Z","processingStatus":"DONE"}"#
//!     };
//!     Ok::<_, std::io::Error>(http::Response::new(body.as_bytes().to_vec()))
//! });
//! let report = client.documents().get_report("ID323").send()?;
//! assert_eq!(report.report_id, "ID323");
//! assert_eq!(report.processing_status.as_str(), "DONE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

pub use amazon_business_core::apis::*;
use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind};
pub use amazon_business_core::*;

mod report_download;
pub use report_download::ReportDownload;

/// Sends one HTTP request and returns the whole response. Implement it (or pass a closure) to
/// use your own HTTP stack; the default is [`UreqSender`].
///
/// ```
/// use amazon_business_blocking::{Client, Config, Credentials, Environment};
/// use amazon_business_blocking::error::TransportError;
///
/// let config = Config::builder()
///     .credentials(Credentials::new("id", "secret", "Atzr|token")?)
///     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
///     .build()?;
/// let client = Client::with_sender(config, |req: http::Request<Vec<u8>>| {
///     // Hand the request to any HTTP library here.
///     Err::<http::Response<Vec<u8>>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
/// });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait HttpSend: Send + Sync {
    /// Sends `request`; network failures are reported as [`TransportError`].
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>;
}

impl<F, E> HttpSend for F
where
    F: Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, E> + Send + Sync,
    E: Into<TransportError>,
{
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        self(request).map_err(Into::into)
    }
}

/// The largest API response body read into memory (report documents are streamed instead).
pub const MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// The default [`HttpSend`]: a ureq agent with rustls and Mozilla's root certificates
/// (certificate verification always on), the configured timeouts and proxy, no redirects.
#[derive(Debug, Clone)]
pub struct UreqSender {
    agent: ureq::Agent,
}

impl UreqSender {
    /// An agent for `config`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(UreqSender { agent: agent(config, 0)? })
    }
}

pub(crate) fn agent(config: &Config, max_redirects: u32) -> Result<ureq::Agent, Error> {
    let proxy = match config.proxy() {
        Some(url) => Some(
            ureq::Proxy::new(url.as_str())
                .map_err(|e| Error::Config(ConfigError::new("proxy", format!("{url}: {e}"))))?,
        ),
        None => None,
    };
    let timeouts = config.timeouts();
    let agent_config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(max_redirects)
        .timeout_connect(Some(timeouts.connect))
        .timeout_global(Some(timeouts.request))
        .proxy(proxy)
        .user_agent(config.user_agent())
        .build();
    Ok(agent_config.into())
}

pub(crate) fn map_ureq_error(e: ureq::Error) -> TransportError {
    use ureq::Timeout as T;
    let kind = match &e {
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Tls(_) => {
            TransportErrorKind::Connect
        }
        ureq::Error::Rustls(_) => TransportErrorKind::Connect,
        ureq::Error::Timeout(T::Connect | T::Resolve) => TransportErrorKind::Connect,
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::Io(io) => return TransportError::from(std::io::Error::new(io.kind(), e.to_string())),
        ureq::Error::Protocol(_) | ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::Protocol,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, e.to_string())
}

impl HttpSend for UreqSender {
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let response = self.agent.run(request).map_err(map_ureq_error)?;
        let (parts, body) = response.into_parts();
        let bytes = body.into_with_config().limit(MAX_RESPONSE_BODY).read_to_vec().map_err(map_ureq_error)?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

/// Wakes threads waiting for a token another thread is fetching.
#[derive(Default)]
struct TokenWaiters {
    lock: Mutex<()>,
    changed: Condvar,
}

struct Inner {
    sender: Box<dyn HttpSend>,
    waiters: Arc<TokenWaiters>,
    seeds: AtomicU64,
    random: RandomState,
}

/// A blocking Amazon Business client. Cheap to clone; clones share the token cache, the pacer
/// and the connection pool, and can be used from many threads at once.
#[derive(Clone)]
pub struct Client {
    engine: Engine,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("engine", &self.engine).finish_non_exhaustive()
    }
}

fn now() -> Now {
    Now::new(Instant::now(), SystemTime::now())
}

impl Client {
    /// A client over ureq.
    pub fn new(config: Config) -> Result<Client, Error> {
        let sender = UreqSender::new(&config)?;
        Ok(Client::with_sender(config, sender))
    }

    /// A client configured from `AB_*` environment variables (see [`Config::from_lookup`]).
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_lookup(|k| std::env::var(k).ok())?)
    }

    /// A client over your own [`HttpSend`].
    pub fn with_sender(config: Config, sender: impl HttpSend + 'static) -> Client {
        Client::with_engine(Engine::new(config), sender)
    }

    /// A client over an engine you built (with shared token or bucket stores, say).
    pub fn with_engine(engine: Engine, sender: impl HttpSend + 'static) -> Client {
        let waiters = Arc::new(TokenWaiters::default());
        let w = waiters.clone();
        engine.tokens().set_listener(move || {
            let _guard = w.lock.lock().unwrap_or_else(|p| p.into_inner());
            w.changed.notify_all();
        });
        let inner =
            Inner { sender: Box::new(sender), waiters, seeds: AtomicU64::new(0), random: RandomState::new() };
        Client { engine, inner: Arc::new(inner) }
    }

    /// The protocol engine (configuration, caches).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.engine.config()
    }

    /// A client acting for another customer (another refresh token), sharing this one's
    /// caches, pacer and connections.
    pub fn with_refresh_token(&self, refresh_token: impl Into<Secret>) -> Result<Client, Error> {
        Ok(Client { engine: self.engine.with_refresh_token(refresh_token)?, inner: self.inner.clone() })
    }

    /// Swaps in a new client secret and drops the cached token; see
    /// [`Engine::rotate_client_secret`].
    pub fn rotate_client_secret(&self, new_secret: impl Into<Secret>) -> Result<(), Error> {
        Ok(self.engine.rotate_client_secret(new_secret)?)
    }

    /// Completes onboarding: exchanges the authorization code Amazon's redirect carried (see
    /// [`onboarding::read_redirect`]) for the customer's tokens. The answer's
    /// `refresh_token` is the customer's; use it with [`Client::with_refresh_token`]. Codes are
    /// single-use and live five minutes, so this is sent once and never retried.
    pub fn exchange_authorization_code(
        &self,
        code: &Secret,
        redirect_uri: &str,
    ) -> Result<lwa::TokenResponse, Error> {
        let request = self.engine.authorization_code_request(code, redirect_uri);
        let response = self.inner.sender.send(request)?;
        lwa::parse_token_response(&response, SystemTime::now())
    }

    fn seed(&self) -> u64 {
        let mut h = self.inner.random.build_hasher();
        h.write_u64(self.inner.seeds.fetch_add(1, AtomicOrdering::Relaxed));
        h.finish()
    }

    fn wait_for_token(&self, generation: u64) {
        let w = &self.inner.waiters;
        let mut guard = w.lock.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.engine.tokens().generation() == generation {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // The core re-decides on the next poll (a stale exchange is taken over).
                break;
            }
            guard = w.changed.wait_timeout(guard, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// Sends one operation and returns its output, with token exchanges, retries and pacing
    /// done along the way.
    pub fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let debug = self.engine.config().debug();
        let mut call = self.engine.call(op, self.seed());
        loop {
            match call.poll(now()) {
                Step::Send { request, target } => {
                    if debug {
                        tracing::debug!(operation = O::ID, ?target, "request\n{}", redact::request(&request));
                    }
                    let started = Instant::now();
                    let outcome = self.inner.sender.send(request);
                    match &outcome {
                        Ok(r) => {
                            tracing::debug!(
                                operation = O::ID,
                                ?target,
                                status = r.status().as_u16(),
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                "response"
                            );
                            if debug {
                                tracing::debug!(
                                    operation = O::ID,
                                    ?target,
                                    "response\n{}",
                                    redact::response(r)
                                );
                            }
                        }
                        Err(e) => {
                            tracing::debug!(operation = O::ID, ?target, error = %e, "transport failure")
                        }
                    }
                    call.receive(outcome, now());
                }
                Step::Sleep(d) => {
                    tracing::debug!(operation = O::ID, wait_ms = d.as_millis() as u64, "waiting");
                    std::thread::sleep(d);
                }
                Step::AwaitToken { generation } => self.wait_for_token(generation),
                Step::Done(result) => {
                    if let Err(e) = &result {
                        tracing::debug!(operation = O::ID, error = %e, "call failed");
                    }
                    return result;
                }
            }
        }
    }

    /// The pages of a paginated operation, fetched one by one as the iterator advances. After
    /// an error the iterator ends.
    pub fn pages<O: Paginated>(&self, first: O) -> Pages<'_, O> {
        Pages { client: self, next: Some(first), remaining: None }
    }

    /// Fetches every page (at most `max_pages` when given) and returns them in order.
    pub fn all<O: Paginated>(&self, first: O, max_pages: Option<usize>) -> Result<Vec<O::Output>, Error> {
        let mut pages = self.pages(first);
        pages.remaining = max_pages;
        pages.collect()
    }

    /// Downloads a report document from the URL `getReportDocument` returned, as a reader that
    /// gunzips when `compressed` and holds only a small buffer in memory.
    pub fn download_report(&self, url: &str, compressed: bool) -> Result<ReportDownload, Error> {
        report_download::open(self.engine.config(), url, compressed)
    }
}

/// Iterator over the pages of a paginated operation; see [`Client::pages`].
#[derive(Debug)]
pub struct Pages<'c, O: Paginated> {
    client: &'c Client,
    next: Option<O>,
    remaining: Option<usize>,
}

impl<O: Paginated> Pages<'_, O> {
    /// Stops after `n` more pages.
    pub fn limit(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }
}

impl<O: Paginated> Iterator for Pages<'_, O> {
    type Item = Result<O::Output, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == Some(0) {
            return None;
        }
        let op = self.next.take()?;
        if let Some(n) = &mut self.remaining {
            *n -= 1;
        }
        match self.client.send(&op) {
            Ok(output) => {
                self.next = op.next_page(&output);
                Some(Ok(output))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// An operation bound to a client, ready to send. Add optional arguments with
/// [`Request::map`].
#[derive(Debug)]
pub struct Request<'c, O> {
    client: &'c Client,
    op: O,
}

impl<'c, O: Operation> Request<'c, O> {
    /// Binds `op` to `client`.
    pub fn new(client: &'c Client, op: O) -> Self {
        Request { client, op }
    }

    /// Changes the operation, typically with its optional-argument setters:
    /// `.map(|op| op.include_line_items(true))`.
    pub fn map(self, f: impl FnOnce(O) -> O) -> Self {
        Request { client: self.client, op: f(self.op) }
    }

    /// The operation.
    pub fn op(&self) -> &O {
        &self.op
    }

    /// Sends it.
    pub fn send(self) -> Result<O::Output, Error> {
        self.client.send(&self.op)
    }
}

impl<'c, O: Paginated> Request<'c, O> {
    /// Its pages, as an iterator.
    pub fn pages(self) -> Pages<'c, O> {
        self.client.pages(self.op)
    }

    /// All its pages (at most `max_pages`).
    pub fn all(self, max_pages: Option<usize>) -> Result<Vec<O::Output>, Error> {
        self.client.all(self.op, max_pages)
    }
}

amazon_business_core::accessors!();

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn the_client_is_shared_across_threads() {
        is_send_sync_clone::<Client>();
    }

    #[test]
    fn a_refused_connection_is_retried_then_reported() {
        let config = Config::builder()
            .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
            .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/t").unwrap())
            .retry(RetryPolicy::default().max_attempts(2).base_delay(std::time::Duration::from_millis(1)))
            .build()
            .unwrap();
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = calls.clone();
        let client = Client::with_sender(config, move |_req: http::Request<Vec<u8>>| {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Err::<http::Response<Vec<u8>>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
        });
        let err = client.documents().get_report("x").send().unwrap_err();
        // The LWA exchange never connects: tried twice (the retry policy), then reported.
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
