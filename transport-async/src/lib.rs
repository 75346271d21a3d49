//! Async client for the Amazon Business API, driven by hyper 1 and rustls on tokio.
//!
//! All protocol knowledge (requests, responses, LWA tokens, retries, pacing) lives in
//! [`amazon_business_core`], re-exported here; this crate only moves bytes, sleeps and waits.
//!
//! ```no_run
//! use amazon_business_async::{Client, Config, Credentials, Marketplace, DateTime};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::builder()
//!     .credentials(Credentials::new("amzn1.application-oa2-client.…", "client-secret", "Atzr|…")?)
//!     .marketplace(Marketplace::UnitedStates)
//!     .build()?;
//! let client = Client::new(config)?;
//! let page = client
//!     .reporting_legacy()
//!     .get_orders_by_order_date(DateTime::parse("2024-05-01T00:00:00Z")?, DateTime::parse("2024-05-02T00:00:00Z")?)
//!     .map(|op| op.include_line_items(true))
//!     .await?;
//! println!("{} orders", page.orders.len());
//! # Ok(()) }
//! ```
//!
//! The HTTP stack and the runtime are pluggable: any function from request to a future of the
//! response will do, which also makes a client easy to test. This example runs as it is, with
//! a stand-in for Amazon and LWA:
//!
//! ```
//! use amazon_business_async::{Client, Config, Credentials, Environment};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::builder()
//!     .credentials(Credentials::new("amzn1.application-oa2-client.demo", "secret", "Atzr|demo")?)
//!     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
//!     .build()?;
//! let client = Client::with_sender(config, |request: http::Request<Vec<u8>>| async move {
//!     let body = if request.uri().path() == "/auth/o2/token" {
//!         r#"{"access_token":"Atza|demo","token_type":"bearer","expires_in":3600}"#
//!     } else {
//!         r#"{"reportId":"ID323","reportType":"GET_FLAT_FILE","createdTime":"2024-05-01T10:00:00Z","processingStatus":"DONE"}"#
//!     };
//!     Ok::<_, std::io::Error>(http::Response::new(body.as_bytes().to_vec()))
//! });
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let report = runtime.block_on(async { client.documents().get_report("ID323").await })?;
//! assert_eq!(report.report_id, "ID323");
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use std::collections::hash_map::RandomState;
use std::future::{Future, IntoFuture};
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

pub use amazon_business_core::apis::*;
use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind};
pub use amazon_business_core::*;
use bytes::Bytes;
use futures_core::Stream;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Notify;

mod report_download;

/// A boxed future, as [`HttpSend`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The pages of a paginated operation, as [`Client::pages`] returns them: a boxed (so `Unpin`)
/// stream, usable with `StreamExt::next` directly.
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response. Implement it (or pass a closure
/// returning a future) to use your own HTTP stack or runtime; the default is [`HyperSender`].
///
/// ```
/// use amazon_business_async::{Client, Config, Credentials, Environment};
/// use amazon_business_async::error::TransportError;
///
/// let config = Config::builder()
///     .credentials(Credentials::new("id", "secret", "Atzr|token")?)
///     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
///     .build()?;
/// let client = Client::with_sender(config, |req: http::Request<Vec<u8>>| async move {
///     // Hand the request to any HTTP library here.
///     Err::<http::Response<Vec<u8>>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
/// });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait HttpSend: Send + Sync {
    /// Sends `request`; network failures are reported as [`TransportError`].
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;
}

impl<F, Fut, E> HttpSend for F
where
    F: Fn(http::Request<Vec<u8>>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<http::Response<Vec<u8>>, E>> + Send + 'static,
    E: Into<TransportError>,
{
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        let fut = self(request);
        Box::pin(async move { fut.await.map_err(Into::into) })
    }
}

/// The largest API response body read into memory (report documents are streamed instead).
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

type Direct = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>;
type Proxied = hyper_util::client::legacy::Client<HttpsConnector<Tunnel<HttpConnector>>, Full<Bytes>>;

#[derive(Clone)]
enum Pool {
    Direct(Direct),
    Proxied(Proxied),
}

/// The default [`HttpSend`]: a pooled hyper client with rustls and Mozilla's root certificates
/// (certificate verification always on), the configured timeouts and proxy (via `CONNECT`).
#[derive(Clone)]
pub struct HyperSender {
    pool: Pool,
    request_timeout: Duration,
}

impl std::fmt::Debug for HyperSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperSender").field("request_timeout", &self.request_timeout).finish_non_exhaustive()
    }
}

impl HyperSender {
    /// A pooled client for `config`. Must be called within a tokio runtime only when used.
    pub fn new(config: &Config) -> Result<Self, Error> {
        let timeouts = config.timeouts();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeouts.connect));
        http.set_nodelay(true);
        let tls = || {
            hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_webpki_roots(Arc::new(rustls::crypto::ring::default_provider()))
                .map_err(|e| Error::Config(ConfigError::new("tls", format!("cannot set up TLS: {e}"))))
        };
        let builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
        let pool = match config.proxy() {
            None => Pool::Direct(builder.build(tls()?.https_or_http().enable_http1().wrap_connector(http))),
            Some(proxy) => {
                let uri: http::Uri = proxy.as_str().parse().map_err(|e| {
                    Error::Config(ConfigError::new("proxy", format!("{proxy} is not a valid URI: {e}")))
                })?;
                let tunnel = Tunnel::new(uri, http);
                Pool::Proxied(builder.build(tls()?.https_or_http().enable_http1().wrap_connector(tunnel)))
            }
        };
        Ok(HyperSender { pool, request_timeout: timeouts.request })
    }

    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let request = request.map(|b| Full::new(Bytes::from(b)));
        let response = match &self.pool {
            Pool::Direct(c) => c.request(request).await,
            Pool::Proxied(c) => c.request(request).await,
        }
        .map_err(map_client_error)?;
        let (parts, body) = response.into_parts();
        let bytes = Limited::new(body, MAX_RESPONSE_BODY)
            .collect()
            .await
            .map_err(|e| {
                TransportError::new(TransportErrorKind::Reset, format!("reading the response body: {e}"))
            })?
            .to_bytes();
        Ok(http::Response::from_parts(parts, bytes.to_vec()))
    }
}

pub(crate) fn map_client_error(e: hyper_util::client::legacy::Error) -> TransportError {
    use std::error::Error as _;
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let kind = if e.is_connect() { TransportErrorKind::Connect } else { TransportErrorKind::Reset };
    TransportError::new(kind, message)
}

impl HttpSend for HyperSender {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            match tokio::time::timeout(self.request_timeout, self.exchange(request)).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no complete response within {:?}", self.request_timeout),
                )),
            }
        })
    }
}

struct Inner {
    sender: Box<dyn HttpSend>,
    token_changed: Arc<Notify>,
    seeds: AtomicU64,
    random: RandomState,
}

/// An async Amazon Business client. `Clone + Send + Sync` and cheap to clone; clones share the
/// token cache, the pacer and the connection pool.
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
    /// A client over hyper.
    pub fn new(config: Config) -> Result<Client, Error> {
        let sender = HyperSender::new(&config)?;
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
        let token_changed = Arc::new(Notify::new());
        let n = token_changed.clone();
        engine.tokens().set_listener(move || n.notify_waiters());
        let inner = Inner {
            sender: Box::new(sender),
            token_changed,
            seeds: AtomicU64::new(0),
            random: RandomState::new(),
        };
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
    pub async fn exchange_authorization_code(
        &self,
        code: &Secret,
        redirect_uri: &str,
    ) -> Result<lwa::TokenResponse, Error> {
        let request = self.engine.authorization_code_request(code, redirect_uri);
        let response = self.inner.sender.send(request).await?;
        lwa::parse_token_response(&response, SystemTime::now())
    }

    fn seed(&self) -> u64 {
        let mut h = self.inner.random.build_hasher();
        h.write_u64(self.inner.seeds.fetch_add(1, AtomicOrdering::Relaxed));
        h.finish()
    }

    async fn wait_for_token(&self, generation: u64) {
        let notified = self.inner.token_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.engine.tokens().generation() != generation {
            return;
        }
        // The timeout only bounds a wait whose wake-up was missed; the core re-decides.
        let _ = tokio::time::timeout(Duration::from_secs(5), notified).await;
    }

    /// Sends one operation and returns its output, with token exchanges, retries and pacing
    /// done along the way. Dropping the future midway leaves the client consistent.
    pub async fn send<O: Operation + Sync>(&self, op: &O) -> Result<O::Output, Error> {
        let debug = self.engine.config().debug();
        let mut call = self.engine.call(op, self.seed());
        loop {
            match call.poll(now()) {
                Step::Send { request, target } => {
                    if debug {
                        tracing::debug!(operation = O::ID, ?target, "request\n{}", redact::request(&request));
                    }
                    let started = Instant::now();
                    let outcome = self.inner.sender.send(request).await;
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
                    tokio::time::sleep(d).await;
                }
                Step::AwaitToken { generation } => self.wait_for_token(generation).await,
                Step::Done(result) => {
                    if let Err(e) = &result {
                        tracing::debug!(operation = O::ID, error = %e, "call failed");
                    }
                    return result;
                }
            }
        }
    }

    /// The pages of a paginated operation as a stream, fetched as it is polled. After an error
    /// the stream ends.
    pub fn pages<O>(&self, first: O) -> PageStream<'_, O::Output>
    where
        O: Paginated + Send + Sync + 'static,
        O::Output: Send,
    {
        self.pages_limited(first, None)
    }

    fn pages_limited<O>(&self, first: O, max_pages: Option<usize>) -> PageStream<'_, O::Output>
    where
        O: Paginated + Send + Sync + 'static,
        O::Output: Send,
    {
        Box::pin(futures_util::stream::unfold(
            (Some(first), max_pages),
            move |(next, remaining)| async move {
                if remaining == Some(0) {
                    return None;
                }
                let op = next?;
                let remaining = remaining.map(|n| n - 1);
                match self.send(&op).await {
                    Ok(output) => {
                        let following = op.next_page(&output);
                        Some((Ok(output), (following, remaining)))
                    }
                    Err(e) => Some((Err(e), (None, remaining))),
                }
            },
        ))
    }

    /// Fetches every page (at most `max_pages` when given) and returns them in order.
    pub async fn all<O>(&self, first: O, max_pages: Option<usize>) -> Result<Vec<O::Output>, Error>
    where
        O: Paginated + Send + Sync + 'static,
        O::Output: Send,
    {
        use futures_util::StreamExt;
        let mut out = Vec::new();
        let mut stream = self.pages_limited(first, max_pages);
        while let Some(page) = stream.next().await {
            out.push(page?);
        }
        Ok(out)
    }

    /// Downloads a report document from the URL `getReportDocument` returned, as a stream of
    /// byte chunks, gunzipped when `compressed`; memory stays bounded by the chunk size.
    pub async fn download_report(
        &self,
        url: &str,
        compressed: bool,
    ) -> Result<impl Stream<Item = Result<Bytes, Error>> + Send + 'static, Error> {
        report_download::open(self.engine.config(), url, compressed).await
    }
}

/// An operation bound to a client, ready to send: `.await` it, or call [`Request::send`].
/// Add optional arguments with [`Request::map`].
#[derive(Debug)]
pub struct Request<'c, O> {
    client: &'c Client,
    op: O,
}

impl<'c, O: Operation + Send + Sync + 'c> Request<'c, O>
where
    O::Output: Send,
{
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
    pub async fn send(self) -> Result<O::Output, Error> {
        self.client.send(&self.op).await
    }
}

impl<'c, O> Request<'c, O>
where
    O: Paginated + Send + Sync + 'static,
    O::Output: Send,
{
    /// Its pages, as a stream.
    pub fn pages(self) -> PageStream<'c, O::Output> {
        self.client.pages(self.op)
    }

    /// All its pages (at most `max_pages`).
    pub async fn all(self, max_pages: Option<usize>) -> Result<Vec<O::Output>, Error> {
        self.client.all(self.op, max_pages).await
    }
}

impl<'c, O> IntoFuture for Request<'c, O>
where
    O: Operation + Send + Sync + 'c,
    O::Output: Send,
{
    type Output = Result<O::Output, Error>;
    type IntoFuture = BoxFuture<'c, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.send(&self.op).await })
    }
}

amazon_business_core::accessors!();

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send_sync_clone<T: Send + Sync + Clone>() {}
    fn is_send<T: Send>(_: &T) {}

    #[test]
    fn the_client_and_its_futures_can_cross_threads() {
        is_send_sync_clone::<Client>();
        let config = Config::builder()
            .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
            .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/t").unwrap())
            .build()
            .unwrap();
        let client = Client::with_sender(config, |_req: http::Request<Vec<u8>>| async {
            Err::<http::Response<Vec<u8>>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
        });
        let op = documents::GetReport::new("x");
        // Spawnable on a multi-threaded runtime: the futures are Send.
        is_send(&client.send(&op));
        is_send(&client.documents().get_report("x").into_future());
        is_send(&client.pages(documents::GetReports::new(["T"])));
    }
}
