//! The default sender and timer, on tokio: a pooled hyper client with rustls.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use amazon_business_core::error::{origin, ConfigError, TransportError, TransportErrorKind as Kind};
use amazon_business_core::wire::BoundedBody;
use amazon_business_core::{BoxFuture, Config, Error, HttpOutcome};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Body as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::{HttpSend, Timer};

/// The largest API response body read into memory for a success (report documents are
/// streamed instead); of an error answer only the first
/// [`MAX_ERROR_BODY_READ`](amazon_business_core::wire::MAX_ERROR_BODY_READ) bytes are read.
pub const MAX_RESPONSE_BODY: usize = amazon_business_core::wire::MAX_RESPONSE_BODY as usize;

/// The default [`Timer`]: `tokio::time::sleep`. Needs a tokio runtime with its timer enabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

type Pooled<C> = hyper_util::client::legacy::Client<HttpsConnector<C>, Full<Bytes>>;

#[derive(Clone, Debug)]
enum Pool {
    Direct(Pooled<HttpConnector>),
    Proxied(Pooled<Tunnel<HttpConnector>>),
}

/// The default [`HttpSend`]: a pooled hyper client with rustls and Mozilla's root certificates
/// (certificate verification always on), the configured timeouts and proxy (via `CONNECT`).
///
/// From its first exchange on, a sender (with all its clones) keeps one small task on the
/// runtime that only sleeps, one per-exchange timeout at a time, and ends after the last clone
/// is dropped: it keeps a tokio timer pending, so that arming each exchange's time-out does not
/// wake another thread of the runtime (3% of the throughput one call at a time, measured).
#[derive(Clone, Debug)]
pub struct HyperSender {
    pool: Pool,
    request_timeout: Duration,
    keeper: Arc<Keeper>,
}

/// Whether the task that keeps one timer pending (see [`HyperSender::keep_a_timer`]) runs.
#[derive(Debug, Default)]
struct Keeper {
    running: AtomicBool,
}

/// Clears [`Keeper::running`] when the keeper task ends or is dropped with its runtime, so the
/// next exchange starts one again.
struct Stopped(Weak<Keeper>);

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Some(keeper) = self.0.upgrade() {
            keeper.running.store(false, Ordering::Release);
        }
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
        let bad = |field, message| Error::Config(ConfigError::new(field, message));
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(Arc::new(rustls::crypto::ring::default_provider()))
            .map_err(|e| bad("tls", format!("cannot set up TLS: {e}")))?
            .https_or_http()
            .enable_http1();
        let builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
        let pool = match config.proxy() {
            None => Pool::Direct(builder.build(tls.wrap_connector(http))),
            Some(proxy) => {
                let uri = proxy.as_str().parse::<http::Uri>();
                let uri = uri.map_err(|e| bad("proxy", format!("{proxy} is not a valid URI: {e}")))?;
                Pool::Proxied(builder.build(tls.wrap_connector(Tunnel::new(uri, http))))
            }
        };
        Ok(HyperSender { pool, request_timeout: timeouts.request, keeper: Arc::default() })
    }

    /// Keeps one tokio timer pending while this sender (or a clone) lives, due no later than
    /// any exchange's time-out: a task that sleeps the per-exchange timeout over and over.
    ///
    /// Why: tokio's timer driver wakes the thread parked in it whenever a timer is registered
    /// while no other is pending (it must shorten its sleep). One call at a time, every
    /// exchange's time-out was such a timer: a wake-up of another thread per call, measured
    /// at 3% of the throughput (`cargo bench -p amazon-business-conformance --bench parts --
    /// hyper-vec,sender`). With this timer pending, an exchange's later deadline wakes no one.
    /// The time-outs themselves are unchanged. Below a second it would wake too often, and is
    /// not kept.
    fn keep_a_timer(&self) {
        let period = self.request_timeout;
        // A plain load first: it shares the cache line among the workers, where every call's
        // swap would take it exclusive.
        let running = &self.keeper.running;
        if period < Duration::from_secs(1)
            || running.load(Ordering::Acquire)
            || running.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self.keeper.running.store(false, Ordering::Release);
        };
        let stopped = Stopped(Arc::downgrade(&self.keeper));
        runtime.spawn(async move {
            while stopped.0.strong_count() > 0 {
                tokio::time::sleep(period).await;
            }
            drop(stopped);
        });
    }

    /// Sends `request` through the pool and returns the response with its body still to be
    /// read (report downloads stream it).
    pub(crate) async fn start(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<hyper::body::Incoming>, TransportError> {
        // Named only in a failure's message: cloning the URI shares its bytes.
        let uri = request.uri().clone();
        let request = request.map(|b| Full::new(Bytes::from(b)));
        match &self.pool {
            Pool::Direct(c) => c.request(request).await,
            Pool::Proxied(c) => c.request(request).await,
        }
        .map_err(|e| {
            let connect = e.is_connect();
            let mut failure = crate::transport_error(e);
            // hyper-util's label ("client error (Connect)", "… (SendRequest)") says no more
            // than the kind does.
            let label = failure.message.strip_prefix("client error (").and_then(|m| m.split_once("): "));
            if let Some((_, cause)) = label {
                failure.message = cause.to_owned();
            }
            match connect {
                true => failure.connecting_to(&uri),
                false => failure.after_connect(&origin(&uri)),
            }
        })
    }

    /// Sends `request` and reads as much of the body as the core decides from the status
    /// ([`BoundedBody`]): a success whole (up to [`MAX_RESPONSE_BODY`], more is too large), an
    /// error answer's first 64 KiB; after a cut the rest is left unread and the connection
    /// dropped.
    async fn exchange(&self, request: http::Request<Vec<u8>>) -> HttpOutcome {
        let (parts, mut body) = self.start(request).await?.into_parts();
        let mut out = BoundedBody::new(parts.status, body.size_hint().lower());
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(body_failure)?;
            // Trailers are skipped; a full prefix ends the reading.
            if let Ok(data) = frame.into_data() {
                if !out.push(&data)? {
                    break;
                }
            }
        }
        Ok(out.into_response(parts))
    }
}

/// A failure reading a response body. hyper reports a body that ended before its length (or
/// its last chunk) with an `UnexpectedEof` inside: a cut-short response, the
/// [`Kind::Protocol`] the blocking client reports for it. A broken connection stays a reset.
fn body_failure(e: hyper::Error) -> TransportError {
    let chain = std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| e.source());
    let cut = chain
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::UnexpectedEof);
    let mut failure = crate::transport_error(e).after_connect("reading the response body");
    if cut {
        failure.kind = Kind::Protocol;
    }
    failure
}

/// The kind hyper's and hyper-util's errors say, for [`crate::transport_error`]: a failed
/// connect (DNS, TCP, TLS handshake, proxy tunnel) never left; hyper's own time-outs,
/// incomplete messages, parse errors and closed or cancelled connections are what they say.
pub(crate) fn hyper_kind(e: &(dyn std::error::Error + 'static)) -> Option<Kind> {
    if let Some(e) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
        // Not a connect failure: the hyper error inside tells what it was.
        return e.is_connect().then_some(Kind::Connect);
    }
    if let Some(e) = e.downcast_ref::<hyper::Error>() {
        let reset =
            e.is_incomplete_message() || e.is_closed() || e.is_canceled() || e.is_body_write_aborted();
        return match () {
            _ if e.is_timeout() => Some(Kind::Timeout),
            _ if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() => Some(Kind::Protocol),
            _ if reset => Some(Kind::Reset),
            // An I/O failure (the io::Error inside says which) or a user error.
            _ => None,
        };
    }
    match () {
        _ if e.is::<tokio::time::error::Elapsed>() => Some(Kind::Timeout),
        _ if e.is::<http_body_util::LengthLimitError>() => Some(Kind::TooLarge),
        _ => None,
    }
}

impl HttpSend for HyperSender {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, HttpOutcome> {
        self.keep_a_timer();
        Box::pin(within(self.request_timeout, "no complete response", self.exchange(request)))
    }
}

/// `work`, given up with a timeout error saying `what` when it takes longer than `limit`.
pub(crate) async fn within<T>(
    limit: Duration,
    what: &str,
    work: impl Future<Output = Result<T, TransportError>>,
) -> Result<T, TransportError> {
    let timed_out = || TransportError::new(Kind::Timeout, format!("{what} within {limit:?}"));
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| Err(timed_out()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use amazon_business_core::{Credentials, Environment};

    #[test]
    fn debug_shows_no_proxy_credentials() {
        let config = Config::builder()
            .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
            .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/t").unwrap())
            .proxy("http://alice:pa55word@127.0.0.1:3128")
            .unwrap()
            .build()
            .unwrap();
        let sender = HyperSender::new(&config).unwrap();
        let shown = format!("{sender:?} {sender:#?}");
        assert!(shown.contains("HyperSender") && shown.contains("Proxied"), "{shown}");
        assert!(!shown.contains("pa55word") && !shown.contains("alice"), "{shown}");
    }

    fn refused_sender(request_timeout: Duration) -> HyperSender {
        let config = Config::builder()
            .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
            .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/t").unwrap())
            .timeouts(amazon_business_core::Timeouts::new(Duration::from_secs(1), request_timeout))
            .build()
            .unwrap();
        HyperSender::new(&config).unwrap()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    /// Nothing listens on port 9: each send fails at once, after `keep_a_timer` ran, with the
    /// blocking client's wording and without hyper-util's label.
    fn send_refused(runtime: &tokio::runtime::Runtime, sender: &HyperSender) {
        let request = http::Request::get("http://127.0.0.1:9/x").body(Vec::new()).unwrap();
        let e = runtime.block_on(async { sender.send(request).await }).unwrap_err();
        assert_eq!(e.kind, Kind::Connect);
        assert!(e.message.starts_with("could not connect to 127.0.0.1:9: "), "{e}");
        assert!(
            e.message.ends_with("(the request was not sent)") && !e.message.contains("client error"),
            "{e}"
        );
    }

    #[test]
    fn one_timer_keeper_runs_per_sender_is_restarted_on_a_new_runtime_and_ends_with_the_sender() {
        let sender = refused_sender(Duration::from_secs(1));
        let first = runtime();
        send_refused(&first, &sender);
        assert_eq!(first.metrics().num_alive_tasks(), 1, "the keeper runs");
        // A clone shares it: still one.
        send_refused(&first, &sender.clone());
        send_refused(&first, &sender);
        assert_eq!(first.metrics().num_alive_tasks(), 1, "one keeper, not one per send");
        // Its runtime gone, the next send on another runtime starts it again.
        drop(first);
        let second = runtime();
        send_refused(&second, &sender);
        assert_eq!(second.metrics().num_alive_tasks(), 1, "the keeper runs on the new runtime");
        // The sender dropped, the keeper ends at its next wake-up, one time-out later.
        drop(sender);
        second.block_on(async { tokio::time::sleep(Duration::from_millis(1300)).await });
        assert_eq!(second.metrics().num_alive_tasks(), 0, "the keeper ended with its sender");
    }

    #[test]
    fn no_keeper_for_a_time_out_under_a_second() {
        let sender = refused_sender(Duration::from_millis(500));
        let runtime = runtime();
        send_refused(&runtime, &sender);
        assert_eq!(runtime.metrics().num_alive_tasks(), 0);
    }
}
