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
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

pub use amazon_business_core::apis::*;
use amazon_business_core::error::TransportError;
use amazon_business_core::token::Changed;
pub use amazon_business_core::*;
use futures_core::Stream;

#[cfg(feature = "tokio")]
mod hyper_sender;
pub mod onboarding;
#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
pub use redis_store::{RedisStateStore, RedisStore};
#[cfg(feature = "tokio")]
mod report_download;
#[cfg(feature = "tokio")]
pub use hyper_sender::{HyperSender, TokioTimer, MAX_RESPONSE_BODY};

/// The pages of a paginated operation, as [`Client::pages`] returns them: a boxed (so `Unpin`)
/// stream, usable with `StreamExt::next` directly.
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response. Implement it (or pass a closure
/// returning a future) to use your own HTTP stack or runtime; the default is `HyperSender`
/// (feature `tokio`, on by default).
///
/// A closure's future may fail with its HTTP library's own error type, whatever it is
/// (`std::error::Error + Send + Sync + 'static`: hyper-util's, hyper's, reqwest's,
/// `std::io::Error`, a [`TransportError`]…): the client classifies it with
/// [`transport_error`] (connect, timeout, reset, protocol, too large, other), which decides
/// what may be retried. Where one closure meets two error types, map each with
/// `.map_err(transport_error)`, as this closure over hyper-util's client does:
///
/// ```
/// use std::future::IntoFuture;
/// use amazon_business_async::{transport_error, Client, Config, Credentials, Environment};
/// use bytes::Bytes;
/// use http_body_util::{BodyExt, Full};
/// use hyper_util::client::legacy::Client as HyperClient;
/// use hyper_util::rt::TokioExecutor;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::builder()
///     .credentials(Credentials::new("amzn1.application-oa2-client.demo", "secret", "Atzr|demo")?)
///     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
///     .build()?;
/// let http = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
/// let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
///     let http = http.clone();
///     async move {
///         let response = http.request(request.map(Full::from)).await.map_err(transport_error)?;
///         let (parts, body) = response.into_parts();
///         let body = body.collect().await.map_err(transport_error)?.to_bytes().to_vec();
///         Ok::<_, amazon_business_async::error::TransportError>(http::Response::from_parts(parts, body))
///     }
/// });
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// // Nothing listens on port 9: hyper-util's error is classified as a refused connection.
/// let err = runtime.block_on(client.documents().get_report("ID323").into_future()).unwrap_err();
/// assert!(err.transport().is_some_and(|t| t.request_never_left()), "{err}");
/// # Ok(()) }
/// ```
pub trait HttpSend: Send + Sync {
    /// Sends `request`; network failures are reported as [`TransportError`].
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, HttpOutcome>;
}

impl<F, Fut, E> HttpSend for F
where
    F: Fn(http::Request<Vec<u8>>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<http::Response<Vec<u8>>, E>> + Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, HttpOutcome> {
        let fut = self(request);
        Box::pin(async move { fut.await.map_err(transport_error) })
    }
}

/// Classifies any HTTP library's error as a [`TransportError`], in one call: what a closure
/// sender's error goes through, and what an own [`HttpSend`] implementation calls
/// (`.map_err(transport_error)`).
///
/// It walks the error's `source()` chain (see [`TransportError::from_error`]) and, with the
/// `tokio` feature, recognises hyper-util's client errors (`is_connect`: DNS, TCP, TLS
/// handshake or proxy failed, the request never left), hyper's (`is_timeout`,
/// `is_incomplete_message`, `is_parse`, `is_closed`, `is_canceled`), tokio's `Elapsed` and
/// `http-body-util`'s length limit. An error it does not recognise is
/// [`Other`](error::TransportErrorKind::Other), its message kept (URL credentials and token
/// shapes masked); it never panics.
///
/// ```
/// use amazon_business_async::transport_error;
/// use amazon_business_async::error::TransportErrorKind;
///
/// let e = transport_error(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
/// assert_eq!(e.kind, TransportErrorKind::Reset);
/// ```
pub fn transport_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> TransportError {
    // Without `tokio` there is no default sender whose libraries' errors to know.
    #[cfg(not(feature = "tokio"))]
    let hyper_kind = |_: &(dyn std::error::Error + 'static)| None;
    TransportError::classify(&error, hyper_kind)
}

#[cfg(feature = "tokio")]
use hyper_sender::hyper_kind;

/// Waits: the one thing the client needs from a runtime. `TokioTimer` (feature `tokio`) is the
/// default; a closure from `Duration` to a future is enough for any other executor.
///
/// ```
/// use std::time::Duration;
/// use amazon_business_async::{Client, Config, Credentials, Environment};
///
/// let config = Config::builder()
///     .credentials(Credentials::new("id", "secret", "Atzr|token")?)
///     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
///     .build()?;
/// // A timer for any executor: a thread that sleeps, then completes a channel.
/// let timer = |d: Duration| {
///     let (done, wait) = futures_channel::oneshot::channel::<()>();
///     std::thread::spawn(move || { std::thread::sleep(d); let _ = done.send(()); });
///     async move { let _ = wait.await; }
/// };
/// let sender = |_req: http::Request<Vec<u8>>| async {
///     Err::<http::Response<Vec<u8>>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
/// };
/// let client = Client::with_sender_and_timer(config, sender, timer);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Timer: Send + Sync {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

impl<F, Fut> Timer for F
where
    F: Fn(Duration) -> Fut + Send + Sync,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(self(duration))
    }
}

struct Inner {
    sender: Box<dyn HttpSend>,
    timer: Box<dyn Timer>,
    #[cfg(feature = "redis")]
    redis: std::sync::OnceLock<RedisStore>,
}

/// The async [`Driver`]: the sender's futures, the timer's sleeps, and the Redis store if set.
impl Driver for Client {
    fn now(&self) -> Now {
        now()
    }

    fn send(&self, request: http::Request<Vec<u8>>, _: Target) -> BoxFuture<'_, HttpOutcome> {
        self.inner.sender.send(request)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.inner.timer.sleep(duration)
    }

    fn sleep_until_changed<'a>(&'a self, changed: Changed<'a>, bound: Duration) -> BoxFuture<'a, ()> {
        let bound = self.inner.timer.sleep(bound);
        Box::pin(async move { drop(futures_util::future::select(changed, bound).await) })
    }

    #[cfg(feature = "redis")]
    fn shared(&self) -> Option<&dyn SharedSteps> {
        self.inner.redis.get().map(|r| r as _)
    }

    fn shared_detached(&self, op: StoreOp, now: Now) {
        // Must not block: the step runs as a task of the current runtime, or in memory outside one.
        #[cfg(feature = "redis")]
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let client = self.clone();
            runtime.spawn(async move {
                if let Some(shared) = client.shared() {
                    shared.run(client.engine.store(), op, now).await;
                }
            });
            return;
        }
        self.engine.store().run(op, now);
    }
}

#[cfg(feature = "tokio")]
impl Client {
    /// A client over an engine you built or share with another client, waiting with tokio's
    /// timer.
    pub fn with_engine(engine: Engine, sender: impl HttpSend + 'static) -> Client {
        Client::with_parts(engine, sender, TokioTimer)
    }

    /// Downloads a report document from the URL `getReportDocument` returned, as a stream of
    /// byte chunks, gunzipped when `compressed` (or when the server says
    /// `Content-Encoding: gzip`); memory stays bounded by the chunk size. It goes through a
    /// sender configured like the default one (proxy, TLS roots, connect timeout); redirects
    /// are not followed; each chunk may take at most the per-exchange timeout to arrive.
    pub async fn download_report(
        &self,
        url: &str,
        compressed: bool,
    ) -> Result<impl Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static, Error> {
        report_download::open(self.engine.config(), url, compressed).await
    }
}

impl Client {
    /// A client over your own [`HttpSend`] and [`Timer`], for any executor: with the `tokio`
    /// feature off, the crate needs neither tokio nor hyper.
    pub fn with_sender_and_timer(
        config: Config,
        sender: impl HttpSend + 'static,
        timer: impl Timer + 'static,
    ) -> Client {
        Client::with_parts(Engine::new(config), sender, timer)
    }

    /// A client over an engine, a sender and a timer of your choice.
    pub fn with_parts(
        engine: Engine,
        sender: impl HttpSend + 'static,
        timer: impl Timer + 'static,
    ) -> Client {
        engine.mix_entropy(RandomState::new().hash_one(std::process::id()));
        let inner = Inner {
            sender: Box::new(sender),
            timer: Box::new(timer),
            #[cfg(feature = "redis")]
            redis: std::sync::OnceLock::new(),
        };
        Client { engine, inner: Arc::new(inner) }
    }

    /// The pages `pager` gives, as a stream fetched as it is polled.
    fn paged<O: Paginated<Output: Send> + Send + Sync + 'static>(
        &self,
        pager: Pager<O>,
    ) -> PageStream<'_, O::Output> {
        Box::pin(futures_util::stream::unfold(pager, move |mut pager| async move {
            let page = pager.next_page(&self.engine, self).await?;
            Some((page, pager))
        }))
    }
}

/// Both clocks, read here: core reads none.
fn now() -> Now {
    Now::new(Instant::now(), SystemTime::now())
}

/// Reads one environment variable, for `Client::from_env`.
#[cfg(feature = "tokio")]
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

amazon_business_core::client_shell!(
    "An async Amazon Business client. `Clone + Send + Sync` and cheap to clone; clones share \
     the token cache, the pacer and the connection pool.";
    #[cfg(feature = "tokio")] HyperSender; [async] [.await] [.await];
    op: [Operation<Output: Send> + Sync]; paged: [Paginated<Output: Send> + Send + Sync + 'static] -> PageStream<'c, O::Output>);

impl<'c, O: Operation<Output: Send> + Send + Sync + 'c> IntoFuture for Request<'c, O> {
    type Output = Result<O::Output, Error>;
    type IntoFuture = BoxFuture<'c, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

amazon_business_core::accessors!();

#[cfg(all(test, feature = "tokio"))]
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
