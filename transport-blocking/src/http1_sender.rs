//! The default sender: the SDK's own blocking HTTP/1.1 client (`amazon-business-http1`).
//!
//! Why not ureq: its protocol layer hex-dumps request heads (with the access token) and
//! response bodies (with LWA's tokens) at `log` TRACE level, with no switch short of the
//! user's global log level; with a whole-exchange timeout it resolves DNS on a new thread per
//! request; and its body timeout is a whole-document deadline. This client logs nothing, keeps
//! connections alive, bounds each phase with socket timeouts (no thread per request), streams
//! report documents with an idle timeout per read, follows no redirect and decodes no
//! `Content-Encoding`.

use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind};
use amazon_business_core::{Config, Error, HttpOutcome};
use amazon_business_http1 as h1;

use crate::HttpSend;

/// The largest API response body read into memory for a success (report documents are
/// streamed instead); of an error answer only the first
/// [`MAX_ERROR_BODY_READ`](amazon_business_core::wire::MAX_ERROR_BODY_READ) bytes are read.
pub const MAX_RESPONSE_BODY: u64 = amazon_business_core::wire::MAX_RESPONSE_BODY;

/// The default [`HttpSend`]: keep-alive HTTP/1.1 over rustls with Mozilla's root certificates
/// (certificate verification always on), the configured proxy and timeouts, no redirects.
#[derive(Debug, Clone)]
pub struct Http1Sender {
    client: h1::Client,
    idle: std::time::Duration,
}

impl Http1Sender {
    /// A sender for `config`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        let t = config.timeouts();
        let mut options = h1::Options::default();
        options.connect_timeout = t.connect;
        options.request_timeout = t.request;
        options.max_body = MAX_RESPONSE_BODY;
        options.user_agent = Some(config.user_agent().to_owned());
        if let Some(proxy) = config.proxy() {
            let uri = proxy.as_url().as_str().parse().map_err(|_| {
                Error::Config(ConfigError::new("proxy", format!("{proxy} is not a usable proxy URI")))
            })?;
            options.proxy = Some(uri);
        }
        let client = h1::Client::new(options).map_err(|e| {
            Error::Config(ConfigError::new("http", format!("cannot set up the HTTP client: {e}")))
        })?;
        Ok(Http1Sender { client, idle: t.request })
    }

    /// Starts a streamed GET (a report document): the head within the per-exchange timeout,
    /// then each read within the same time of idleness.
    pub(crate) fn stream(&self, uri: &http::Uri) -> Result<http::Response<h1::BodyReader>, TransportError> {
        self.client.get_streaming(uri, self.idle).map_err(map_error)
    }
}

/// The same failure is the same kind in both clients: every connect-phase failure (DNS, TCP,
/// proxy tunnel, TLS handshake) is `Connect`, so the request provably never left.
pub(crate) fn map_error(e: h1::Error) -> TransportError {
    let kind = match e.kind() {
        h1::ErrorKind::Connect => TransportErrorKind::Connect,
        h1::ErrorKind::Timeout => TransportErrorKind::Timeout,
        h1::ErrorKind::Reset => TransportErrorKind::Reset,
        h1::ErrorKind::Protocol => TransportErrorKind::Protocol,
        h1::ErrorKind::TooLarge => return TransportError::too_large(MAX_RESPONSE_BODY),
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, e.to_string())
}

/// The kind an error of the SDK's HTTP/1.1 client says, for [`crate::transport_error`].
pub(crate) fn h1_kind(e: &(dyn std::error::Error + 'static)) -> Option<TransportErrorKind> {
    e.downcast_ref::<h1::Error>().map(|e| map_error(e.clone()).kind)
}

impl HttpSend for Http1Sender {
    /// Reads as much of the body as the core decides from the status
    /// ([`body_limit`](amazon_business_core::wire::body_limit)): a success whole (up to
    /// [`MAX_RESPONSE_BODY`]), an error answer's first 64 KiB, the connection closed after a
    /// cut.
    fn send(&self, request: http::Request<Vec<u8>>) -> HttpOutcome {
        use amazon_business_core::wire::{body_limit, BodyLimit, TruncatedBody};
        let limit = |status| match body_limit(status) {
            BodyLimit::Whole(n) => h1::BodyLimit::Whole(n),
            BodyLimit::Prefix(n) => h1::BodyLimit::Prefix(n),
        };
        let mut response = self.client.send_bounded(request, limit).map_err(map_error)?;
        if response.extensions_mut().remove::<h1::Truncated>().is_some() {
            response.extensions_mut().insert(TruncatedBody);
        }
        Ok(response)
    }
}
