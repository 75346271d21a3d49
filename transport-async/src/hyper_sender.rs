//! The default sender and timer, on tokio: a pooled hyper client with rustls.

use std::sync::Arc;
use std::time::Duration;

use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind};
use amazon_business_core::{BoxFuture, Config, Error};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::{HttpSend, Timer};

/// The largest API response body read into memory (report documents are streamed instead).
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// The default [`Timer`]: `tokio::time::sleep`. Needs a tokio runtime with its timer enabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

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

    /// Sends `request` through the pool and returns the response with its body still to be
    /// read (report downloads stream it).
    pub(crate) async fn start(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<hyper::body::Incoming>, TransportError> {
        let request = request.map(|b| Full::new(Bytes::from(b)));
        match &self.pool {
            Pool::Direct(c) => c.request(request).await,
            Pool::Proxied(c) => c.request(request).await,
        }
        .map_err(map_client_error)
    }

    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let (parts, body) = self.start(request).await?.into_parts();
        let bytes = Limited::new(body, MAX_RESPONSE_BODY)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                    TransportError::too_large(MAX_RESPONSE_BODY as u64)
                } else {
                    TransportError::new(TransportErrorKind::Reset, format!("reading the response body: {e}"))
                }
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
    // A failed connect (DNS, TCP, TLS handshake, proxy tunnel) means the request never left.
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
