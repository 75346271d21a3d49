//! Blocking client for the Amazon Business API, on the SDK's own HTTP/1.1 client (no logging, no thread per request).
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
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant, SystemTime};

pub use amazon_business_core::apis::*;
use amazon_business_core::error::TransportError;
use amazon_business_core::token::Changed;
pub use amazon_business_core::*;

mod http1_sender;
pub mod onboarding;
#[cfg(feature = "redis")]
mod redis_store;
mod report_download;
pub use http1_sender::{Http1Sender, MAX_RESPONSE_BODY};
#[cfg(feature = "redis")]
pub use redis_store::{RedisStateStore, RedisStore};
pub use report_download::ReportDownload;

/// Sends one HTTP request and returns the whole response. Implement it (or pass a closure) to
/// use your own HTTP stack; the default is [`Http1Sender`].
///
/// A closure may fail with its HTTP library's own error type, whatever it is
/// (`std::error::Error + Send + Sync + 'static`: ureq's, reqwest's, `std::io::Error`, a
/// [`TransportError`]…): the client classifies it with [`transport_error`] (connect, timeout,
/// reset, protocol, too large, other), which decides what may be retried. This closure sends
/// with ureq:
///
/// ```
/// use amazon_business_blocking::{Client, Config, Credentials, Environment};
///
/// let config = Config::builder()
///     .credentials(Credentials::new("amzn1.application-oa2-client.demo", "secret", "Atzr|demo")?)
///     .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token")?)
///     .build()?;
/// let agent: ureq::Agent = ureq::Agent::config_builder()
///     .http_status_as_error(false) // an error status is an answer for the SDK to read
///     .max_redirects(0)
///     .build()
///     .into();
/// let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
///     let response = agent.run(request)?;
///     let (parts, mut body) = response.into_parts();
///     let body = body.read_to_vec()?;
///     Ok::<_, ureq::Error>(http::Response::from_parts(parts, body))
/// });
/// // Nothing listens on port 9: ureq's error is classified as a refused connection.
/// let err = client.documents().get_report("ID323").send().unwrap_err();
/// assert!(err.transport().is_some_and(|t| t.request_never_left()), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait HttpSend: Send + Sync {
    /// Sends `request`; network failures are reported as [`TransportError`].
    fn send(&self, request: http::Request<Vec<u8>>) -> HttpOutcome;
}

impl<F, E> HttpSend for F
where
    F: Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, E> + Send + Sync,
    E: std::error::Error + Send + Sync + 'static,
{
    fn send(&self, request: http::Request<Vec<u8>>) -> HttpOutcome {
        self(request).map_err(transport_error)
    }
}

/// Classifies any HTTP library's error as a [`TransportError`], in one call: what a closure
/// sender's error goes through, and what an own [`HttpSend`] implementation calls
/// (`.map_err(transport_error)`).
///
/// It walks the error's `source()` chain (see [`TransportError::from_error`]), also
/// recognising this crate's own HTTP client's errors, and, for libraries whose error type
/// says nothing (ureq's has no `source()`), reads their wording: ureq's `host not found`,
/// `io: Connection refused` and `timeout: connect` are [`Connect`](error::TransportErrorKind::Connect) (the
/// request never left), `timeout: global` a [`Timeout`](error::TransportErrorKind::Timeout),
/// `io: Connection reset by peer` a [`Reset`](error::TransportErrorKind::Reset). An error it
/// does not recognise is [`Other`](error::TransportErrorKind::Other), its message kept (URL
/// credentials and token shapes masked); it never panics.
///
/// ```
/// use amazon_business_blocking::transport_error;
/// use amazon_business_blocking::error::TransportErrorKind;
///
/// let e = transport_error(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
/// assert_eq!(e.kind, TransportErrorKind::Reset);
/// ```
pub fn transport_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> TransportError {
    TransportError::classify(&error, http1_sender::h1_kind)
}

/// Wakes the thread that is blocked on a future.
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` on this thread until it is ready or `deadline` passes.
fn block_on<F: Future>(future: F, deadline: Option<Instant>) -> Option<F::Output> {
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return Some(v);
        }
        match deadline {
            None => std::thread::park(),
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => std::thread::park_timeout(left),
                _ => return None,
            },
        }
    }
}

/// Finishes a future of the blocking [`Driver`] on this thread: its steps are done before their
/// futures are returned, but for a wait on another thread's token exchange.
trait Wait: Future + Sized {
    fn wait(self) -> Self::Output {
        block_on(self, None).unwrap_or_else(|| unreachable!("no deadline"))
    }
}

impl<F: Future> Wait for F {}

struct Inner {
    sender: Box<dyn HttpSend>,
    #[cfg(feature = "redis")]
    redis: std::sync::OnceLock<RedisStore>,
}

/// The blocking [`Driver`]: each step's I/O is done before its future is returned, so the
/// shared loop's futures are ready at once.
impl Driver for Client {
    fn send(&self, request: http::Request<Vec<u8>>, _: Target) -> BoxFuture<'_, HttpOutcome> {
        Box::pin(std::future::ready(self.inner.sender.send(request)))
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        std::thread::sleep(duration);
        Box::pin(std::future::ready(()))
    }

    fn sleep_until_changed<'a>(&'a self, changed: Changed<'a>, bound: Duration) -> BoxFuture<'a, ()> {
        let _ = block_on(changed, Some(Instant::now() + bound));
        Box::pin(std::future::ready(()))
    }

    #[cfg(feature = "redis")]
    fn shared(&self) -> Option<&dyn SharedSteps> {
        self.inner.redis.get().map(|r| r as _)
    }

    fn shared_detached(&self, op: StoreOp, now: Now) {
        match self.shared() {
            Some(shared) => drop(shared.run(self.engine.store(), op, now).wait()),
            None => drop(self.engine.store().run(op, now)),
        }
    }

    fn now(&self) -> Now {
        now()
    }
}

impl Client {
    /// A client over an engine you built or share with another client.
    pub fn with_engine(engine: Engine, sender: impl HttpSend + 'static) -> Client {
        engine.mix_entropy(RandomState::new().hash_one(std::process::id()));
        let inner = Inner {
            sender: Box::new(sender),
            #[cfg(feature = "redis")]
            redis: std::sync::OnceLock::new(),
        };
        Client { engine, inner: Arc::new(inner) }
    }

    /// The pages `pager` gives, as an iterator fetching them as it advances.
    fn paged<O: Paginated>(&self, pager: Pager<O>) -> Pages<'_, O> {
        Pages { client: self, pager }
    }

    /// Downloads a report document from the URL `getReportDocument` returned, as a reader that
    /// gunzips when `compressed` (or when the server says `Content-Encoding: gzip`) and holds
    /// only a small buffer in memory. Redirects are not followed; each read may wait at most
    /// the configured per-exchange timeout for data.
    pub fn download_report(&self, url: &str, compressed: bool) -> Result<ReportDownload, Error> {
        report_download::open(self.engine.config(), url, compressed)
    }
}

/// Both clocks, read here: core reads none.
fn now() -> Now {
    Now::new(Instant::now(), SystemTime::now())
}

/// Reads one environment variable, for `Client::from_env`.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

amazon_business_core::client_shell!(
    "A blocking Amazon Business client. Cheap to clone; clones share the token \
     cache, the pacer and the connection pool, and can be used from many threads at once.";
    Http1Sender; [] [] [.wait()];
    op: [Operation]; paged: [Paginated] -> Pages<'c, O>);

/// Iterator over the pages of a paginated operation; see [`Client::pages`].
#[derive(Debug)]
#[must_use = "iterators do nothing unless advanced"]
pub struct Pages<'c, O: Paginated> {
    client: &'c Client,
    pager: Pager<O>,
}

impl<O: Paginated> Pages<'_, O> {
    /// Stops after `n` more pages.
    pub fn limit(mut self, n: usize) -> Self {
        self.pager = self.pager.limit(Some(n));
        self
    }
}

impl<O: Paginated> Iterator for Pages<'_, O> {
    type Item = Result<O::Output, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.pager.next_page(&self.client.engine, self.client).wait()
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
        // The LWA exchange never connects: tried twice (the retry policy), then reported as
        // the token exchange's failure.
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        assert!(
            err.to_string().contains("token exchange with LWA at 127.0.0.1 failed after 2 attempts"),
            "{err}"
        );
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn block_on_gives_up_at_its_deadline() {
        let started = Instant::now();
        assert_eq!(block_on(std::future::pending::<()>(), Some(started + Duration::from_millis(30))), None);
        assert!(started.elapsed() >= Duration::from_millis(30));
        assert_eq!(block_on(async { 7 }, None), Some(7));
    }
}
