//! The default sender and timer, on tokio: a pooled hyper client with rustls.

use std::sync::Arc;
use std::time::Duration;

use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind as Kind};
use amazon_business_core::wire::{body_limit, BodyLimit, TruncatedBody};
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
#[derive(Clone, Debug)]
pub struct HyperSender {
    pool: Pool,
    request_timeout: Duration,
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
        Ok(HyperSender { pool, request_timeout: timeouts.request })
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
        .map_err(|e| map_client_error(e, &origin(&uri)))
    }

    /// Sends `request` and reads as much of the body as the core decides from the status
    /// ([`body_limit`]): a success whole (up to [`MAX_RESPONSE_BODY`], more is too large), an
    /// error answer's first 64 KiB; after a cut the rest is left unread and the connection
    /// dropped.
    async fn exchange(&self, request: http::Request<Vec<u8>>) -> HttpOutcome {
        let (parts, mut body) = self.start(request).await?.into_parts();
        let (max, whole) = match body_limit(parts.status) {
            BodyLimit::Whole(max) => (max, true),
            BodyLimit::Prefix(max) => (max, false),
        };
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        let mut out = Vec::with_capacity(usize::try_from(body.size_hint().lower()).unwrap_or(0).min(max));
        let mut truncated = false;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(body_failure)?.into_data() else { continue };
            if out.len() + data.len() > max {
                if whole {
                    return Err(TransportError::too_large(max as u64));
                }
                out.extend_from_slice(&data[..max - out.len()]);
                truncated = true;
                break;
            }
            out.extend_from_slice(&data);
        }
        let mut response = http::Response::from_parts(parts, out);
        if truncated {
            response.extensions_mut().insert(TruncatedBody);
        }
        Ok(response)
    }
}

/// A failure while reading a body: the head had arrived, so one that says nothing more is the
/// connection breaking mid-body.
fn body_failure(e: hyper::Error) -> TransportError {
    let e = crate::transport_error(e);
    let kind = if e.kind == Kind::Other { Kind::Reset } else { e.kind };
    TransportError::new(kind, format!("reading the response body: {}", e.message))
}

/// `host:port` of `uri`, for messages (never its path or query).
fn origin(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("?");
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
    format!("{host}:{port}")
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

/// A failure of the pooled client, classified; a connect failure names the host and port it
/// was for (hyper-util's DNS errors do not).
fn map_client_error(e: hyper_util::client::legacy::Error, origin: &str) -> TransportError {
    let connect = e.is_connect();
    let mut t = crate::transport_error(e);
    if connect {
        t.kind = Kind::Connect;
        t.message = format!("could not connect to {origin}: {}", t.message);
    } else if t.kind == Kind::Other {
        // After the connection was made: the request may have arrived.
        t.kind = Kind::Reset;
    }
    t
}

impl HttpSend for HyperSender {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, HttpOutcome> {
        let timeout = self.request_timeout;
        Box::pin(async move {
            tokio::time::timeout(timeout, self.exchange(request)).await.unwrap_or_else(|_| {
                Err(TransportError::new(Kind::Timeout, format!("no complete response within {timeout:?}")))
            })
        })
    }
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
}
