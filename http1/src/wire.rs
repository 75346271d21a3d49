//! The wire format: request heads out, response heads and bodies (fixed-length, chunked or
//! close-delimited) in.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::time::{Duration, Instant};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Response, StatusCode, Version};

use crate::conn::{Conn, Limit, Proxy, Target};
use crate::{Client, Error, ErrorKind, Key};

/// Largest response head (status line and headers), and largest trailer section.
const MAX_HEAD: usize = 64 << 10;
/// Largest chunk-size line (size and extensions).
const MAX_CHUNK_LINE: usize = 4 << 10;
/// Most header fields in a response head.
const MAX_HEADERS: usize = 128;
/// Bodies up to this size are written in one call together with the head.
const COALESCE: usize = 16 << 10;

fn io_error(e: io::Error, what: &str) -> Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            Error::new(ErrorKind::Timeout, format!("{what}: timed out"))
        }
        io::ErrorKind::InvalidData => Error::new(ErrorKind::Protocol, format!("{what}: {e}")),
        _ => Error::new(ErrorKind::Reset, format!("{what}: {e}")),
    }
}

/// A failure that may mean a pooled connection had been closed by the server before our request.
fn is_closed(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(e.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof | NotConnected)
}

fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

/// The request line and headers: origin-form (absolute-form through an `http` proxy), `Host`,
/// `Content-Length` when there is a body or the method expects one, then the request's own
/// headers.
pub(crate) fn encode_head(
    parts: &http::request::Parts,
    body: &[u8],
    target: &Target,
    proxied: Option<&Proxy>,
    user_agent: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let invalid = |why: &str| Error::new(ErrorKind::InvalidRequest, why.to_owned());
    if parts.headers.contains_key(header::TRANSFER_ENCODING) {
        return Err(invalid(
            "a Transfer-Encoding request header is not supported: bodies are sent with Content-Length",
        ));
    }
    if parts.method == Method::CONNECT {
        return Err(invalid("CONNECT requests are not supported"));
    }
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let slash = if path.starts_with('/') { "" } else { "/" };
    let mut head = Vec::with_capacity(256 + parts.headers.len() * 64);
    let _ = match proxied {
        Some(_) => write!(head, "{} http://{}{slash}{path} HTTP/1.1\r\n", parts.method, target.authority),
        None => write!(head, "{} {slash}{path} HTTP/1.1\r\n", parts.method),
    };
    if !parts.headers.contains_key(header::HOST) {
        let _ = write!(head, "Host: {}\r\n", target.authority);
    }
    if let Some(agent) = user_agent.filter(|_| !parts.headers.contains_key(header::USER_AGENT)) {
        let _ = write!(head, "User-Agent: {agent}\r\n");
    }
    if !body.is_empty() || matches!(parts.method.as_str(), "POST" | "PUT" | "PATCH") {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    if let Some(auth) = proxied.and_then(|p| p.auth.as_deref()) {
        let _ = write!(head, "Proxy-Authorization: {auth}\r\n");
    }
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
    }
    head.extend_from_slice(b"\r\n");
    Ok(head)
}

/// Reads one response head (up to and including its empty line) without consuming any byte
/// after it. The flag is true when the connection failed before any byte arrived.
pub(crate) fn read_head<R: Read>(io: &mut BufReader<R>, origin: &str) -> Result<Vec<u8>, (Error, bool)> {
    let mut head = Vec::new();
    loop {
        let buf = match io.fill_buf() {
            Ok(buf) => buf,
            Err(e) => {
                let stale = head.is_empty() && is_closed(&e);
                return Err((io_error(e, &format!("reading the response head from {origin}")), stale));
            }
        };
        if buf.is_empty() {
            let when =
                if head.is_empty() { "before responding" } else { "in the middle of the response head" };
            return Err((
                Error::new(ErrorKind::Reset, format!("{origin} closed the connection {when}")),
                head.is_empty(),
            ));
        }
        let start = head.len();
        let n = buf.len();
        head.extend_from_slice(buf);
        let end = (start.saturating_sub(2)..head.len()).find(|&i| {
            head[i] == b'\n' && i >= 1 && (head[i - 1] == b'\n' || (i >= 2 && &head[i - 2..i] == b"\n\r"))
        });
        if let Some(end) = end {
            io.consume(end + 1 - start);
            head.truncate(end + 1);
            return Ok(head);
        }
        io.consume(n);
        if head.len() > MAX_HEAD {
            return Err((
                Error::new(
                    ErrorKind::Protocol,
                    format!("the response head from {origin} exceeds {MAX_HEAD} bytes"),
                ),
                false,
            ));
        }
    }
}

fn parse_head(raw: &[u8], origin: &str) -> Result<Response<()>, Error> {
    let bad = |why: String| {
        Error::new(ErrorKind::Protocol, format!("malformed response head from {origin}: {why}"))
    };
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut fields);
    match parsed.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad("incomplete".into())),
        Err(e) => return Err(bad(e.to_string())),
    }
    let mut response = Response::new(());
    *response.status_mut() =
        StatusCode::from_u16(parsed.code.unwrap_or(0)).map_err(|e| bad(e.to_string()))?;
    *response.version_mut() = if parsed.version == Some(0) { Version::HTTP_10 } else { Version::HTTP_11 };
    let headers = response.headers_mut();
    headers.reserve(parsed.headers.len());
    for field in parsed.headers.iter() {
        let name = HeaderName::from_bytes(field.name.as_bytes())
            .map_err(|_| bad(format!("invalid header name {:?}", field.name)))?;
        let value = HeaderValue::from_bytes(field.value)
            .map_err(|_| bad(format!("invalid value of header {name}")))?;
        headers.append(name, value);
    }
    Ok(response)
}

/// How the body is delimited, and where the decoder is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// This many bytes are left.
    Length(u64),
    /// Until the server closes the connection.
    Close,
    /// Expecting a chunk-size line.
    ChunkSize,
    /// This many bytes are left in the current chunk.
    ChunkData(u64),
    /// Expecting the line break after a chunk's data.
    ChunkEnd,
    /// Reading trailer fields; so many bytes of them so far.
    Trailers(usize),
    /// The body has ended.
    Done,
}

/// RFC 9112 §6.3: which framing a response to `method` uses, and whether the connection may be
/// reused after it.
fn framing(method: &Method, response: &Response<()>, origin: &str) -> Result<(Framing, bool), Error> {
    let code = response.status().as_u16();
    if *method == Method::HEAD || code == 204 || code == 304 {
        return Ok((Framing::Length(0), true));
    }
    let headers = response.headers();
    if let Some(last) = headers.get_all(header::TRANSFER_ENCODING).iter().next_back() {
        let chunked = last
            .to_str()
            .ok()
            .and_then(|v| v.rsplit(',').next())
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("chunked"));
        let reusable = chunked && !headers.contains_key(header::CONTENT_LENGTH);
        return Ok((if chunked { Framing::ChunkSize } else { Framing::Close }, reusable));
    }
    let mut length = None;
    for value in headers.get_all(header::CONTENT_LENGTH) {
        for part in value.to_str().unwrap_or("x").split(',').map(str::trim) {
            let n = part.parse::<u64>().ok().filter(|_| part.bytes().all(|b| b.is_ascii_digit()));
            match (n, length) {
                (Some(n), None) => length = Some(n),
                (Some(n), Some(m)) if n == m => {}
                _ => {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!("{origin} sent an invalid Content-Length"),
                    ))
                }
            }
        }
    }
    Ok(length.map_or((Framing::Close, false), |n| (Framing::Length(n), true)))
}

/// Writes the request and reads the response head, skipping interim (1xx) responses. On failure
/// the flag says whether it happened before any response byte, on a write or a closed connection
/// (the stale pooled connection case).
pub(crate) fn start(
    mut conn: Conn,
    parts: &http::request::Parts,
    head: &[u8],
    body: &[u8],
    deadline: Instant,
    idle: Option<Duration>,
) -> Result<(Response<()>, Body), (Error, bool)> {
    let origin = conn.origin.clone();
    let io = conn.io.get_mut();
    io.sock().limit = Limit::Deadline(deadline);
    let written = if body.len() <= COALESCE {
        io.write_all(&[head, body].concat())
    } else {
        io.write_all(head).and_then(|()| io.write_all(body))
    };
    if let Err(e) = written.and_then(|()| io.flush()) {
        let stale = !matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock);
        return Err((io_error(e, &format!("sending the request to {origin}")), stale));
    }
    let mut interim = false;
    loop {
        let raw = read_head(&mut conn.io, &origin).map_err(|(e, stale)| (e, stale && !interim))?;
        let response = parse_head(&raw, &origin).map_err(|e| (e, false))?;
        match response.status().as_u16() {
            101 => {
                return Err((
                    Error::new(ErrorKind::Protocol, format!("{origin} switched protocols unasked")),
                    false,
                ))
            }
            100..=199 => interim = true,
            _ => {
                let (framing, reusable) =
                    framing(&parts.method, &response, &origin).map_err(|e| (e, false))?;
                let keep_alive = reusable
                    && !has_token(response.headers(), header::CONNECTION, "close")
                    && !has_token(&parts.headers, header::CONNECTION, "close")
                    && (response.version() == Version::HTTP_11
                        || has_token(response.headers(), header::CONNECTION, "keep-alive"));
                if let Some(idle) = idle {
                    conn.io.get_mut().sock().limit = Limit::Idle(idle);
                }
                let expected = if let Framing::Length(n) = framing { n } else { 0 };
                return Ok((response, Body { conn, framing, keep_alive, expected, read: 0 }));
            }
        }
    }
}

/// A response body being decoded from its connection.
pub(crate) struct Body {
    conn: Conn,
    framing: Framing,
    keep_alive: bool,
    expected: u64,
    read: u64,
}

impl Body {
    /// Reads up to `max` raw body bytes; 0 at end of stream (a TLS close without close_notify
    /// counts as an end: framing decides whether it came too early).
    fn raw(&mut self, out: &mut [u8], max: u64) -> Result<usize, Error> {
        let k = out.len().min(usize::try_from(max).unwrap_or(usize::MAX));
        match self.conn.io.read(&mut out[..k]) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
            Err(e) => Err(io_error(e, &format!("reading the body from {}", self.conn.origin))),
        }
    }

    /// One line of the chunked framing, without its line break.
    fn line(&mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let origin = &self.conn.origin;
        let mut line = Vec::new();
        loop {
            let buf = match self.conn.io.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => &[],
                Err(e) => return Err(io_error(e, &format!("reading the body from {origin}"))),
            };
            if buf.is_empty() {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("the chunked body from {origin} ended early"),
                ));
            }
            let (take, done) =
                buf.iter().position(|&b| b == b'\n').map_or((buf.len(), false), |i| (i + 1, true));
            line.extend_from_slice(&buf[..take]);
            self.conn.io.consume(take);
            if line.len() > limit {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("a chunked-body line from {origin} exceeds {limit} bytes"),
                ));
            }
            if done {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
        }
    }

    /// Decoded body bytes into `out`; 0 once the body has ended.
    fn read(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        if out.is_empty() {
            return Ok(0);
        }
        let protocol = |origin: &str, why: &str| {
            Error::new(ErrorKind::Protocol, format!("the body from {origin} {why}"))
        };
        loop {
            match self.framing {
                Framing::Done => return Ok(0),
                Framing::Length(0) => self.framing = Framing::Done,
                Framing::Length(left) => {
                    let n = self.raw(out, left)?;
                    if n == 0 {
                        let why = format!(
                            "ended after {} of the {} bytes of its Content-Length",
                            self.read, self.expected
                        );
                        return Err(protocol(&self.conn.origin, &why));
                    }
                    self.read += n as u64;
                    self.framing = Framing::Length(left - n as u64);
                    return Ok(n);
                }
                Framing::Close => match self.raw(out, u64::MAX)? {
                    0 => self.framing = Framing::Done,
                    n => return Ok(n),
                },
                Framing::ChunkSize => {
                    let line = self.line(MAX_CHUNK_LINE)?;
                    let digits = line.split(|&b| b == b';').next().unwrap_or(&[]).trim_ascii();
                    let size = std::str::from_utf8(digits)
                        .ok()
                        .filter(|d| !d.is_empty() && d.len() <= 16)
                        .and_then(|d| {
                            u64::from_str_radix(d, 16)
                                .ok()
                                .filter(|_| d.bytes().all(|b| b.is_ascii_hexdigit()))
                        })
                        .ok_or_else(|| protocol(&self.conn.origin, "has an invalid chunk size"))?;
                    self.framing = if size == 0 { Framing::Trailers(0) } else { Framing::ChunkData(size) };
                }
                Framing::ChunkData(left) => {
                    let n = self.raw(out, left)?;
                    if n == 0 {
                        return Err(protocol(&self.conn.origin, "ended inside a chunk"));
                    }
                    self.framing = if left == n as u64 {
                        Framing::ChunkEnd
                    } else {
                        Framing::ChunkData(left - n as u64)
                    };
                    return Ok(n);
                }
                Framing::ChunkEnd => {
                    if !self.line(2)?.is_empty() {
                        return Err(protocol(&self.conn.origin, "has a chunk longer than its size"));
                    }
                    self.framing = Framing::ChunkSize;
                }
                Framing::Trailers(used) => {
                    let line = self.line(MAX_HEAD - used)?;
                    self.framing = if line.is_empty() {
                        Framing::Done
                    } else {
                        Framing::Trailers(used + line.len() + 2)
                    };
                }
            }
        }
    }
}

/// A response body read from the network as it arrives (see [`Client::get_streaming`]).
///
/// Each read waits at most the idle timeout for data. Errors are `io::Error`s of kind
/// `TimedOut`, `ConnectionReset` or `InvalidData` wrapping this crate's [`Error`] (get it with
/// `get_ref()` and `downcast_ref`). The connection returns to the pool once the body has been
/// read to its end; dropping the reader earlier closes it.
pub struct BodyReader {
    body: Option<Body>,
    client: Client,
    key: Key,
}

impl BodyReader {
    pub(crate) fn new(body: Body, client: Client, key: Key) -> BodyReader {
        let mut reader = BodyReader { body: Some(body), client, key };
        reader.release_if_done();
        reader
    }

    /// `host:port` the body comes from.
    pub(crate) fn origin(&self) -> String {
        format!("{}:{}", self.key.1, self.key.2)
    }

    /// Hands the connection back to the pool once the body has ended, if it may be reused and
    /// nothing past the body was received.
    fn release_if_done(&mut self) {
        if self.body.as_ref().is_some_and(|b| matches!(b.framing, Framing::Done | Framing::Length(0))) {
            let body = self.body.take().expect("checked above");
            if body.keep_alive && body.conn.io.buffer().is_empty() {
                self.client.put(self.key.clone(), body.conn);
            }
        }
    }

    /// Decoded body bytes; 0 at the end. Any error closes the connection.
    pub(crate) fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        let Some(body) = self.body.as_mut() else { return Ok(0) };
        match body.read(out) {
            Ok(n) => {
                self.release_if_done();
                Ok(n)
            }
            Err(e) => {
                self.body = None;
                Err(e)
            }
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_body(buf).map_err(|e| {
            let kind = match e.kind() {
                ErrorKind::Timeout => io::ErrorKind::TimedOut,
                ErrorKind::Reset => io::ErrorKind::ConnectionReset,
                _ => io::ErrorKind::InvalidData,
            };
            io::Error::new(kind, e)
        })
    }
}

impl fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyReader")
            .field("origin", &self.origin())
            .field("finished", &self.body.is_none())
            .finish()
    }
}
