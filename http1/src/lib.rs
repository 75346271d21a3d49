//! A small blocking HTTP/1.1 client that logs nothing.
//!
//! Built on `std::net::TcpStream`, [`rustls`] (ring provider, Mozilla's roots from
//! `webpki-roots` plus any you add) and `httparse`. It exists so that the SDK owns every byte its
//! HTTP layer could print: this crate has no logging dependency at all, so no log level, bridge
//! or subscriber can make it emit a request head, a token or a response body.
//!
//! What it does, and what it deliberately does not do:
//! - One request per exchange on a pooled keep-alive connection per (scheme, host, port), at most
//!   16 idle connections per origin, each kept at most 90 s.
//! - Timeouts without helper threads: a connect timeout (DNS through the system resolver, TCP
//!   connect per resolved address, proxy `CONNECT`, TLS handshake), a per-exchange deadline from
//!   the first byte written to the last body byte read, and for streamed bodies an idle timeout per
//!   read. Every socket read and write is given only the time left.
//! - Redirects are never followed (a 3xx is an ordinary response), `Accept-Encoding` is never
//!   added and `Content-Encoding` is never decoded: the caller sees the bytes the server sent.
//! - TLS certificates are always verified; there is no switch to turn that off.
//!
//! # Stale connections
//! A server may close an idle keep-alive connection at any time. Before reusing a pooled
//! connection the client checks, without blocking, that the server has neither closed it nor
//! sent anything on it. If the server closes it in the small window after that check, the
//! exchange fails before any response byte arrives. Only then, only on a reused connection, and
//! only for an idempotent method (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`, as RFC 9110
//! §9.2.2 and RFC 9112 §9.3.1 allow), the request is sent once more on a fresh connection. A
//! `POST` or `PATCH` is never resent by this crate: the failure is reported as
//! [`ErrorKind::Reset`] and the caller, who knows whether the operation is safe to repeat,
//! decides.
//!
//! # Example
//! ```no_run
//! use amazon_business_http1::{Client, Options};
//!
//! let client = Client::new(Options::default())?;
//! let request = http::Request::get("https://example.com/").body(Vec::new()).unwrap();
//! let response = client.send(request)?;
//! println!("{} with {} body bytes", response.status(), response.body().len());
//! # Ok::<(), amazon_business_http1::Error>(())
//! ```
#![forbid(unsafe_code)]

mod conn;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;

use conn::{Conn, Proxy};
pub use wire::BodyReader;

/// Idle connections kept per origin.
const MAX_IDLE_PER_HOST: usize = 16;
/// How long an idle connection is kept before it is closed instead of reused.
const MAX_IDLE_AGE: Duration = Duration::from_secs(90);

/// Configuration of a [`Client`].
///
/// Build it from [`Options::default`] and set the fields you need; the struct is
/// `#[non_exhaustive]` so that new settings can be added without breaking you.
///
/// ```
/// use std::time::Duration;
/// let mut options = amazon_business_http1::Options::default();
/// options.request_timeout = Duration::from_secs(10);
/// options.proxy = Some("http://user:secret@proxy.internal:3128".parse().unwrap());
/// assert!(!format!("{options:?}").contains("secret"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Options {
    /// Time allowed to resolve the host, connect, set up a proxy tunnel and finish the TLS
    /// handshake. Default 30 s. Must not be zero.
    pub connect_timeout: Duration,
    /// Time allowed for one exchange, from the first request byte written to the last body byte
    /// read (for [`Client::get_streaming`], up to the end of the response head). Default 60 s.
    /// Must not be zero.
    pub request_timeout: Duration,
    /// An `http://[user:password@]host[:port]` proxy. `https` targets are reached through a
    /// `CONNECT` tunnel, `http` targets by absolute-form requests; credentials are sent as
    /// `Proxy-Authorization: Basic`. Never shown by `Debug`.
    pub proxy: Option<http::Uri>,
    /// Largest body [`Client::send`] reads into memory; a longer one fails with
    /// [`ErrorKind::TooLarge`]. Default 64 MiB. Streamed bodies are not bounded.
    pub max_body: u64,
    /// Certificate authorities trusted in addition to Mozilla's roots (DER).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// `User-Agent` sent when the request has none. Default none.
    pub user_agent: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            proxy: None,
            max_body: 64 << 20,
            extra_roots: Vec::new(),
            user_agent: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("proxy", &self.proxy.as_ref().map(conn::mask_proxy))
            .field("max_body", &self.max_body)
            .field("extra_roots", &self.extra_roots.len())
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// How much of a response body [`Client::send_bounded`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// The whole body, at most this many bytes; a longer one fails with [`ErrorKind::TooLarge`].
    Whole(u64),
    /// The first this many bytes; the rest is not read (the connection is closed) and the
    /// response carries [`Truncated`].
    Prefix(u64),
}

/// The extension [`Client::send_bounded`] puts on a response whose body it cut at a
/// [`BodyLimit::Prefix`]: the body holds only the first bytes the server sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncated;

/// What went wrong, coarsely, so that a caller can decide whether to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// DNS, TCP connect, proxy tunnel or TLS handshake failed: the request never left.
    Connect,
    /// A connect timeout, the exchange deadline or a streaming idle timeout expired.
    Timeout,
    /// The connection was closed or reset in the middle of the exchange.
    Reset,
    /// The server's response was malformed, or its body ended before its `Content-Length`.
    Protocol,
    /// The response body is longer than [`Options::max_body`].
    TooLarge,
    /// The request (or the options) cannot be sent as given; nothing was sent.
    InvalidRequest,
}

/// A failed exchange: a [`kind`](Error::kind) to act on and a message for people.
///
/// Messages name hosts, ports and phases, never header values, bodies or credentials.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    never_left: bool,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        let never_left = matches!(kind, ErrorKind::Connect | ErrorKind::InvalidRequest);
        Error { kind, message: message.into(), never_left }
    }

    /// The class of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// True when no byte of the request was sent: the server cannot have acted on it.
    /// Always true for [`ErrorKind::Connect`] and [`ErrorKind::InvalidRequest`], also true for
    /// a [`ErrorKind::Timeout`] while connecting.
    pub fn request_never_left(&self) -> bool {
        self.never_left
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Pool key: (https?, host, port).
type Key = (bool, String, u16);

struct Inner {
    options: Options,
    tls: Arc<rustls::ClientConfig>,
    proxy: Option<Proxy>,
    idle: Mutex<HashMap<Key, Vec<(Conn, Instant)>>>,
}

/// A blocking HTTP/1.1 client with a keep-alive pool. Cheap to clone (clones share the pool),
/// `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("options", &self.inner.options).finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client, checking the options (non-zero timeouts, a usable proxy address,
    /// parseable extra roots).
    pub fn new(options: Options) -> Result<Client, Error> {
        if options.connect_timeout.is_zero() || options.request_timeout.is_zero() {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "Options.connect_timeout and Options.request_timeout must be greater than zero",
            ));
        }
        if options.user_agent.as_deref().is_some_and(|ua| http::HeaderValue::from_str(ua).is_err()) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "Options.user_agent is not a valid header value",
            ));
        }
        let proxy = options.proxy.as_ref().map(Proxy::parse).transpose()?;
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for (i, der) in options.extra_roots.iter().enumerate() {
            roots.add(der.clone()).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("Options.extra_roots[{i}] is not a usable CA certificate: {e}"),
                )
            })?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::new(ErrorKind::InvalidRequest, format!("TLS setup failed: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let inner = Inner { options, tls: Arc::new(tls), proxy, idle: Mutex::new(HashMap::new()) };
        Ok(Client { inner: Arc::new(inner) })
    }

    /// Sends one request and reads the whole response body into memory.
    ///
    /// The body is bounded by [`Options::max_body`]; a longer one fails once with
    /// [`ErrorKind::TooLarge`] and its connection is closed. Redirects are returned as they are.
    pub fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        let max = self.inner.options.max_body;
        self.send_bounded(request, |_| BodyLimit::Whole(max))
    }

    /// Sends one request and reads as much of the response body as `limit` says, decided from
    /// the status once the response head has arrived: [`BodyLimit::Whole`] reads the whole
    /// body (a longer one fails with [`ErrorKind::TooLarge`]), [`BodyLimit::Prefix`] keeps
    /// its first bytes and, when there was more, closes the connection instead of reading the
    /// rest and marks the response with the [`Truncated`] extension.
    ///
    /// ```no_run
    /// use amazon_business_http1::{BodyLimit, Client, Options, Truncated};
    ///
    /// let client = Client::new(Options::default())?;
    /// let request = http::Request::get("https://example.com/").body(Vec::new()).unwrap();
    /// // Error bodies: 64 KiB at most, whatever the server sends.
    /// let response = client.send_bounded(request, |status| {
    ///     if status.is_success() { BodyLimit::Whole(64 << 20) } else { BodyLimit::Prefix(64 << 10) }
    /// })?;
    /// let cut = response.extensions().get::<Truncated>().is_some();
    /// # Ok::<(), amazon_business_http1::Error>(())
    /// ```
    pub fn send_bounded(
        &self,
        request: http::Request<Vec<u8>>,
        limit: impl FnOnce(http::StatusCode) -> BodyLimit,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, body) = request.into_parts();
        let (head, mut reader) = self.exchange(&parts, &body, None)?;
        let limit = limit(head.status());
        let mut out = Vec::new();
        let mut buf = vec![0; 16 << 10];
        let mut truncated = false;
        loop {
            let n = reader.read_body(&mut buf)?;
            if n == 0 {
                break;
            }
            match limit {
                BodyLimit::Whole(max) if (out.len() + n) as u64 > max => {
                    return Err(Error::new(
                        ErrorKind::TooLarge,
                        format!(
                            "response body from {} exceeds the {max}-byte limit (Options.max_body)",
                            reader.origin()
                        ),
                    ));
                }
                BodyLimit::Prefix(max) if (out.len() + n) as u64 > max => {
                    let keep = usize::try_from(max).unwrap_or(usize::MAX).saturating_sub(out.len()).min(n);
                    out.extend_from_slice(&buf[..keep]);
                    truncated = true;
                    break;
                }
                _ => out.extend_from_slice(&buf[..n]),
            }
        }
        // A cut body leaves the rest unread: dropping the reader closes the connection.
        drop(reader);
        let mut response = head.map(|()| out);
        if truncated {
            response.extensions_mut().insert(Truncated);
        }
        Ok(response)
    }

    /// Sends a `GET` and returns as soon as the response head has arrived; the body is read
    /// through the returned [`BodyReader`].
    ///
    /// The head is bounded by [`Options::request_timeout`]; each body read by `idle_timeout`
    /// (a stall, not the whole download, is what fails). The connection goes back to the pool
    /// only when the body has been read to its end.
    pub fn get_streaming(
        &self,
        uri: &http::Uri,
        idle_timeout: Duration,
    ) -> Result<http::Response<BodyReader>, Error> {
        if idle_timeout.is_zero() {
            return Err(Error::new(ErrorKind::InvalidRequest, "the idle timeout must be greater than zero"));
        }
        let (parts, _) =
            http::Request::get(uri.clone()).body(()).expect("a GET with a valid Uri").into_parts();
        let (head, reader) = self.exchange(&parts, &[], Some(idle_timeout))?;
        Ok(head.map(|()| reader))
    }

    /// Writes the request and reads the response head, on a pooled connection if one is
    /// usable, retrying once on a fresh connection as described in the crate docs.
    fn exchange(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
        idle: Option<Duration>,
    ) -> Result<(http::Response<()>, BodyReader), Error> {
        let target = conn::Target::from_uri(&parts.uri)?;
        let proxied = self.inner.proxy.as_ref().filter(|_| !target.https);
        let head =
            wire::encode_head(parts, body, &target, proxied, self.inner.options.user_agent.as_deref())?;
        let idempotent =
            matches!(parts.method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE");
        let key: Key = (target.https, target.host.clone(), target.port);
        let mut pooled = self.take(&key);
        loop {
            let reused = pooled.is_some();
            let conn = match pooled.take() {
                Some(conn) => conn,
                None => Conn::open(&target, &self.inner.options, self.inner.proxy.as_ref(), &self.inner.tls)?,
            };
            let deadline = Instant::now() + self.inner.options.request_timeout;
            match wire::start(conn, parts, &head, body, deadline, idle) {
                Ok((response, body)) => {
                    let reader = BodyReader::new(body, self.clone(), key);
                    return Ok((response, reader));
                }
                Err((e, stale)) if stale && reused && idempotent => drop(e),
                Err((e, _)) => return Err(e),
            }
        }
    }

    /// The most recently idled live connection for `key`, dropping expired or dead ones.
    fn take(&self, key: &Key) -> Option<Conn> {
        loop {
            let (conn, since) = self.inner.idle.lock().ok()?.get_mut(key)?.pop()?;
            if since.elapsed() < MAX_IDLE_AGE && conn.still_idle() {
                return Some(conn);
            }
        }
    }

    /// Returns a connection whose exchange ended cleanly to the pool.
    fn put(&self, key: Key, conn: Conn) {
        if let Ok(mut idle) = self.inner.idle.lock() {
            let list = idle.entry(key).or_default();
            list.retain(|(_, since)| since.elapsed() < MAX_IDLE_AGE);
            if list.len() < MAX_IDLE_PER_HOST {
                list.push((conn, Instant::now()));
            }
        }
    }
}
