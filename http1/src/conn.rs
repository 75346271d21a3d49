//! Connections: resolve, connect, proxy tunnel, TLS, and sockets whose every read and write is
//! bounded by the time left.

use std::io::{self, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::{wire, Error, ErrorKind, Options};

/// Where a request goes, taken from its absolute URI.
pub(crate) struct Target {
    pub https: bool,
    /// Host without IPv6 brackets, for DNS and SNI.
    pub host: String,
    pub port: u16,
    /// The URI's authority as written, for the `Host` header and `CONNECT`.
    pub authority: String,
}

impl Target {
    pub fn from_uri(uri: &http::Uri) -> Result<Target, Error> {
        let invalid =
            |why: &str| Error::new(ErrorKind::InvalidRequest, format!("cannot send to this URI: {why}"));
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(invalid("it must be absolute, with scheme http or https")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("it has no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("credentials in the URI are not supported"));
        }
        let host = authority.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(invalid("it has no host"));
        }
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Target { https, host: host.to_owned(), port, authority: authority.as_str().to_owned() })
    }
}

/// A parsed `http://[user:password@]host[:port]` proxy.
#[derive(Clone)]
pub(crate) struct Proxy {
    host: String,
    port: u16,
    /// Ready-made `Proxy-Authorization` value (a secret).
    pub auth: Option<String>,
}

impl Proxy {
    pub fn parse(uri: &http::Uri) -> Result<Proxy, Error> {
        let bad = |why: &str| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "Options.proxy {} is not usable: {why}; expected http://[user:password@]host[:port]",
                    mask_proxy(uri)
                ),
            )
        };
        if uri.scheme_str() != Some("http") {
            return Err(bad("only http:// proxies are supported"));
        }
        let authority = uri.authority().ok_or_else(|| bad("it has no host"))?;
        let host = authority.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        let auth = match authority.as_str().rsplit_once('@') {
            None => None,
            Some((userinfo, _)) => {
                let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let plain = [percent_decode(user), b":".to_vec(), percent_decode(pass)].concat();
                Some(format!("Basic {}", base64(&plain)))
            }
        };
        Ok(Proxy { host: host.to_owned(), port: authority.port_u16().unwrap_or(80), auth })
    }
}

/// The proxy URI with any credentials replaced by `***`.
pub(crate) fn mask_proxy(uri: &http::Uri) -> String {
    let Some(authority) = uri.authority() else { return "(no host)".to_owned() };
    let (masked, host) = match authority.as_str().rsplit_once('@') {
        Some((_, host)) => ("***@", host),
        None => ("", authority.as_str()),
    };
    format!("{}://{masked}{host}", uri.scheme_str().unwrap_or(""))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let (b, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => (out.push(v), i += 3),
            (c, _) => (out.push(c), i += 1),
        };
    }
    out
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            let c = if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' };
            out.push(c);
        }
    }
    out
}

/// How long a socket operation may take.
#[derive(Clone, Copy)]
pub(crate) enum Limit {
    /// Only the time left until this instant.
    Deadline(Instant),
    /// This long for each read or write (a stall bound, not a total).
    Idle(Duration),
}

/// A TCP stream that sets its read/write timeout to what [`Limit`] allows before each call.
pub(crate) struct Sock {
    tcp: TcpStream,
    pub limit: Limit,
    read_set: Option<Duration>,
    write_set: Option<Duration>,
}

impl Sock {
    fn left(&self) -> io::Result<Duration> {
        match self.limit {
            Limit::Idle(d) => Ok(d),
            Limit::Deadline(at) => match at.saturating_duration_since(Instant::now()) {
                d if d.is_zero() => Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
                d => Ok(d),
            },
        }
    }
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left()?;
        if self.read_set != Some(left) {
            self.tcp.set_read_timeout(Some(left))?;
            self.read_set = Some(left);
        }
        loop {
            match self.tcp.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.left()?;
        if self.write_set != Some(left) {
            self.tcp.set_write_timeout(Some(left))?;
            self.write_set = Some(left);
        }
        loop {
            match self.tcp.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// Plain TCP or TLS over it.
pub(crate) enum Transport {
    Plain(Sock),
    Tls(Box<StreamOwned<ClientConnection, Sock>>),
}

impl Transport {
    pub fn sock(&mut self) -> &mut Sock {
        match self {
            Transport::Plain(sock) => sock,
            Transport::Tls(tls) => &mut tls.sock,
        }
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// An open connection with its read buffer.
pub(crate) struct Conn {
    pub io: BufReader<Transport>,
    /// `host:port` of the target, for messages.
    pub origin: String,
}

/// A failure while connecting: the request never left.
fn connect_error(e: io::Error, what: String) -> Error {
    let kind = match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
        _ => ErrorKind::Connect,
    };
    let mut error = Error::new(kind, format!("{what}: {e} (the request was not sent)"));
    error.never_left = true;
    error
}

impl Conn {
    /// Resolves, connects (to the proxy when one is set), tunnels and handshakes, all within
    /// `options.connect_timeout`.
    pub fn open(
        target: &Target,
        options: &Options,
        proxy: Option<&Proxy>,
        tls: &Arc<ClientConfig>,
    ) -> Result<Conn, Error> {
        let deadline = Instant::now() + options.connect_timeout;
        let (host, port) = proxy.map_or((&*target.host, target.port), |p| (&*p.host, p.port));
        let role = if proxy.is_some() { "proxy " } else { "" };
        let addrs = (host, port)
            .to_socket_addrs()
            .map_err(|e| connect_error(e, format!("could not resolve {role}{host}")))?;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address found");
        let mut tcp = None;
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                last = io::Error::new(io::ErrorKind::TimedOut, "timed out");
                break;
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(stream) => {
                    tcp = Some(stream);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let tcp =
            tcp.ok_or_else(|| connect_error(last, format!("could not connect to {role}{host}:{port}")))?;
        tcp.set_nodelay(true)
            .map_err(|e| connect_error(e, format!("could not set up the socket to {host}:{port}")))?;
        let mut sock = Sock { tcp, limit: Limit::Deadline(deadline), read_set: None, write_set: None };
        let origin = format!("{}:{}", target.host, target.port);
        let transport = if !target.https {
            Transport::Plain(sock)
        } else {
            if let Some(proxy) = proxy {
                tunnel(&mut sock, target, proxy).map_err(|mut e| {
                    e.never_left = true;
                    e
                })?;
            }
            let name = ServerName::try_from(target.host.clone()).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("{} is not a valid TLS server name", target.host),
                )
            })?;
            let mut session = ClientConnection::new(tls.clone(), name)
                .map_err(|e| Error::new(ErrorKind::Connect, format!("TLS setup for {origin} failed: {e}")))?;
            while session.is_handshaking() {
                session
                    .complete_io(&mut sock)
                    .map_err(|e| connect_error(e, format!("TLS handshake with {origin} failed")))?;
            }
            Transport::Tls(Box::new(StreamOwned::new(session, sock)))
        };
        Ok(Conn { io: BufReader::with_capacity(16 << 10, transport), origin })
    }

    /// True when nothing arrived on the idle connection (no close, no stray bytes), checked
    /// without blocking.
    pub fn still_idle(&self) -> bool {
        let tcp = match self.io.get_ref() {
            Transport::Plain(sock) => &sock.tcp,
            Transport::Tls(tls) => &tls.sock.tcp,
        };
        if tcp.set_nonblocking(true).is_err() {
            return false;
        }
        let alive = matches!(tcp.peek(&mut [0]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        tcp.set_nonblocking(false).is_ok() && alive
    }
}

/// Opens a `CONNECT` tunnel to the target through the proxy on `sock`.
fn tunnel(sock: &mut Sock, target: &Target, proxy: &Proxy) -> Result<(), Error> {
    let via = format!("proxy {}:{}", proxy.host, proxy.port);
    let mut head = format!("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", target.authority);
    if let Some(auth) = &proxy.auth {
        head.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    head.push_str("\r\n");
    sock.write_all(head.as_bytes())
        .map_err(|e| connect_error(e, format!("could not send CONNECT to {via}")))?;
    let mut reader = BufReader::new(&mut *sock);
    let head = wire::read_head(&mut reader, &via).map_err(|(e, _)| match e.kind {
        ErrorKind::Timeout => e,
        _ => Error::new(ErrorKind::Connect, e.message),
    })?;
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let status = match response.parse(&head) {
        Ok(httparse::Status::Complete(_)) => response.code.unwrap_or(0),
        _ => return Err(Error::new(ErrorKind::Connect, format!("{via} sent a malformed answer to CONNECT"))),
    };
    if !(200..300).contains(&status) {
        return Err(Error::new(
            ErrorKind::Connect,
            format!("{via} refused CONNECT to {} with status {status}", target.authority),
        ));
    }
    if !reader.buffer().is_empty() {
        return Err(Error::new(ErrorKind::Connect, format!("{via} sent data before the tunnel was used")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_rfc_4648() {
        let cases: [(&[u8], &str); 5] =
            [(b"", ""), (b"a", "YQ=="), (b"ab", "YWI="), (b"abc", "YWJj"), (b"user:p@ss", "dXNlcjpwQHNz")];
        for (input, expected) in cases {
            assert_eq!(base64(input), expected);
        }
    }

    #[test]
    fn proxy_credentials_are_percent_decoded_and_masked() {
        let uri: http::Uri = "http://us%3Aer:p%40ss%zz@proxy.internal:3128".parse().unwrap();
        let proxy = Proxy::parse(&uri).unwrap();
        assert_eq!(proxy.auth.as_deref(), Some(format!("Basic {}", base64(b"us:er:p@ss%zz")).as_str()));
        assert_eq!((proxy.host.as_str(), proxy.port), ("proxy.internal", 3128));
        assert_eq!(mask_proxy(&uri), "http://***@proxy.internal:3128");
        let plain: http::Uri = "http://proxy:8080".parse().unwrap();
        assert_eq!(
            (Proxy::parse(&plain).unwrap().auth, mask_proxy(&plain)),
            (None, "http://proxy:8080".to_owned())
        );
    }
}
