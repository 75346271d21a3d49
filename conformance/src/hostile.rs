//! A hostile HTTP/1.1 front for the emulator: a plain `std` TCP server that forwards each
//! request to an upstream (the [`Sandbox`](crate::sandbox::Sandbox)) or misbehaves at the
//! socket level in ways a well-formed server cannot: dropping a connection before reading the
//! request, resetting it mid-body, declaring more body than it sends, trickling one byte a
//! second, never answering, answering with huge or gzip-bombed bodies, redirecting, or
//! rewriting LWA's `expires_in`.
//!
//! One request per connection (every answer says `Connection: close`), so each fault hits
//! exactly one exchange. Faults are consumed first-in first-out per [`Leg`], like the
//! emulator's.
//!
//! ```no_run
//! use amazon_business_conformance::hostile::{Hostile, Leg, Misbehaviour};
//! use amazon_business_conformance::sandbox::Sandbox;
//!
//! let sandbox = Sandbox::builder().spawn().unwrap();
//! let hostile = Hostile::spawn(Some(sandbox.addr())).unwrap();
//! hostile.inject(Leg::Api, Misbehaviour::ResetMidBody, 3);
//! // Point a client at hostile.base_url() and hostile.lwa_url().
//! ```

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::sandbox::LWA_PATH;

/// Which requests a misbehaviour applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// Requests to the LWA token endpoint.
    Lwa,
    /// Every other request (API calls and document downloads).
    Api,
    /// Every request.
    Any,
}

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Misbehaviour {
    /// Forward it upstream and relay the answer (the default when nothing is queued).
    Forward,
    /// Close the connection as soon as it is accepted, before reading the request. The leg is
    /// not known before reading, so this applies to the next connections whatever the leg it
    /// was queued for.
    DropBeforeRead,
    /// Forward it (the upstream processes it), then close without answering.
    DropAfterForward,
    /// Forward it, relay the head and half the body, then reset the connection (RST).
    ResetMidBody,
    /// Forward it, relay the head (with the full `Content-Length`) and half the body, then
    /// close cleanly.
    ShortBody,
    /// Answer this, without forwarding.
    Raw {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Answer `status` with a body of `len` bytes, generated while sending (never held).
    Huge {
        /// Status code.
        status: u16,
        /// Body length.
        len: u64,
    },
    /// Answer 200 with `Content-Encoding: gzip` and a body that inflates to `inflated` bytes
    /// of zeros (sent as repeated gzip members of 16 MiB each, generated once).
    GzipBomb {
        /// The inflated size.
        inflated: u64,
    },
    /// Send a head declaring 64 bytes, then one byte a second.
    Trickle,
    /// Read the request and never answer (hold the connection until the client gives up).
    Silent,
    /// Send a 200 head declaring `len` bytes, `sent` of them, then stall silently.
    Stall {
        /// Declared body length.
        len: u64,
        /// Bytes sent before stalling.
        sent: u64,
    },
    /// Forward an LWA request and rewrite the token answer's `expires_in` to this raw JSON
    /// text (`0`, `-5`, `"soon"`, `1e300`…).
    ExpiresIn(String),
}

#[derive(Debug)]
struct Entry {
    leg: Leg,
    what: Misbehaviour,
    remaining: usize,
    until: Option<Instant>,
}

#[derive(Debug, Default)]
struct Shared {
    upstream: Option<SocketAddr>,
    script: Mutex<VecDeque<Entry>>,
    stop: AtomicBool,
    requests: AtomicUsize,
    lwa_requests: AtomicUsize,
}

impl Shared {
    fn script(&self) -> MutexGuard<'_, VecDeque<Entry>> {
        self.script.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take(&self, lwa: Option<bool>) -> Misbehaviour {
        let mut script = self.script();
        let now = Instant::now();
        script.retain(|e| e.until.is_none_or(|u| u > now) && e.remaining > 0);
        let fits = |e: &Entry| match (e.leg, lwa) {
            (Leg::Any, _) => true,
            (Leg::Lwa, Some(true)) => true,
            (Leg::Api, Some(false)) => true,
            // Not read yet: only a connection-level fault can apply.
            (_, None) => false,
            _ => false,
        };
        let Some(pos) = script.iter().position(fits) else { return Misbehaviour::Forward };
        let e = &mut script[pos];
        let what = e.what.clone();
        if e.until.is_none() {
            e.remaining -= 1;
        }
        what
    }

    /// The first queued fault, if it is a drop-before-read for any leg.
    fn take_early_drop(&self) -> bool {
        let mut script = self.script();
        let now = Instant::now();
        script.retain(|e| e.until.is_none_or(|u| u > now) && e.remaining > 0);
        if let Some(e) = script.iter_mut().find(|e| e.what == Misbehaviour::DropBeforeRead) {
            if e.until.is_none() {
                e.remaining -= 1;
            }
            return true;
        }
        false
    }
}

/// The running hostile server. Dropping it stops accepting.
#[derive(Debug)]
pub struct Hostile {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

impl Hostile {
    /// Starts a server on a free loopback port, forwarding to `upstream` (without one,
    /// [`Misbehaviour::Forward`] answers 502).
    pub fn spawn(upstream: Option<SocketAddr>) -> io::Result<Hostile> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { upstream, ..Shared::default() });
        let accept = shared.clone();
        std::thread::Builder::new().name("hostile-accept".into()).spawn(move || {
            for stream in listener.incoming() {
                if accept.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let shared = accept.clone();
                let _ = std::thread::Builder::new()
                    .name("hostile-conn".into())
                    .spawn(move || serve(&shared, stream));
            }
        })?;
        Ok(Hostile { addr, shared })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The LWA endpoint through this server.
    pub fn lwa_url(&self) -> String {
        format!("{}{LWA_PATH}", self.base_url())
    }

    /// Queues `what` for the next `times` requests on `leg`.
    pub fn inject(&self, leg: Leg, what: Misbehaviour, times: usize) {
        self.shared.script().push_back(Entry { leg, what, remaining: times, until: None });
    }

    /// Applies `what` to every request on `leg` for the next `period`.
    pub fn inject_for(&self, leg: Leg, what: Misbehaviour, period: Duration) {
        let until = Some(Instant::now() + period);
        self.shared.script().push_back(Entry { leg, what, remaining: 1, until });
    }

    /// Drops every queued misbehaviour.
    pub fn clear(&self) {
        self.shared.script().clear();
    }

    /// Requests read so far (all legs).
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// LWA requests read so far.
    pub fn lwa_requests(&self) -> usize {
        self.shared.lwa_requests.load(Ordering::SeqCst)
    }
}

/// A loopback address nothing listens on (bound, then released).
pub fn refused_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

struct Request {
    path: String,
    head: String,
    body: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> Option<u64> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
    })
}

fn read_request(stream: &mut TcpStream) -> io::Result<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 256 * 1024 {
            return Err(io::Error::other("request head too large"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut body = buf[end..].to_vec();
    let want = content_length(&head).unwrap_or(0) as usize;
    while body.len() < want {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_owned();
    Ok(Request { path, head, body })
}

/// The request head with `Connection: close` in place of any connection header.
fn close_head(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if line.split_once(':').is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection")) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("connection: close\r\n\r\n");
    out
}

struct Upstream {
    head: String,
    body: Vec<u8>,
}

fn forward(upstream: SocketAddr, req: &Request) -> io::Result<Upstream> {
    let mut up = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    up.set_read_timeout(Some(Duration::from_secs(60)))?;
    up.write_all(close_head(&req.head).as_bytes())?;
    up.write_all(&req.body)?;
    let mut all = Vec::new();
    up.read_to_end(&mut all)?;
    let end = find(&all, b"\r\n\r\n").map(|p| p + 4).ok_or_else(|| io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&all[..end]).into_owned();
    let body = all[end..].to_vec();
    Ok(Upstream { head, body })
}

/// The upstream head with `Connection: close`, and `Content-Length` set to `len`.
fn relay_head(head: &str, len: usize) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split_once(':').map(|(k, _)| k.trim().to_ascii_lowercase());
        if matches!(name.as_deref(), Some("connection" | "content-length" | "transfer-encoding")) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(&format!("content-length: {len}\r\nconnection: close\r\n\r\n"));
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

fn head(status: u16, headers: &[(String, String)], len: u64) -> String {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {len}\r\nconnection: close\r\n\r\n"));
    out
}

fn gzip_member() -> &'static [u8] {
    static MEMBER: OnceLock<Vec<u8>> = OnceLock::new();
    MEMBER.get_or_init(|| {
        use flate2::write::GzEncoder;
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..16 {
            e.write_all(&zeros).expect("in memory");
        }
        e.finish().expect("in memory")
    })
}

/// The inflated size of one [`Misbehaviour::GzipBomb`] member.
pub const GZIP_MEMBER_INFLATED: u64 = 16 * 1024 * 1024;

/// Waits until the peer closes (or two minutes pass).
fn hold(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let mut b = [0u8; 1024];
    while started.elapsed() < Duration::from_secs(120) {
        match stream.read(&mut b) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

fn serve(shared: &Shared, mut stream: TcpStream) {
    if shared.take_early_drop() {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    let Ok(req) = read_request(&mut stream) else { return };
    let lwa = req.path == LWA_PATH;
    shared.requests.fetch_add(1, Ordering::SeqCst);
    if lwa {
        shared.lwa_requests.fetch_add(1, Ordering::SeqCst);
    }
    let what = shared.take(Some(lwa));
    let _ = answer(shared, &mut stream, &req, what);
}

fn answer(shared: &Shared, stream: &mut TcpStream, req: &Request, what: Misbehaviour) -> io::Result<()> {
    let upstream =
        || shared.upstream.ok_or_else(|| io::Error::other("no upstream")).and_then(|addr| forward(addr, req));
    match what {
        Misbehaviour::Forward => match upstream() {
            Ok(up) => {
                stream.write_all(relay_head(&up.head, up.body.len()).as_bytes())?;
                stream.write_all(&up.body)
            }
            Err(_) => stream.write_all(head(502, &[], 0).as_bytes()),
        },
        // Also reached when the drop-before-read entry was queued for a specific leg.
        Misbehaviour::DropBeforeRead => stream.shutdown(Shutdown::Both),
        Misbehaviour::DropAfterForward => {
            let _ = upstream();
            stream.shutdown(Shutdown::Both)
        }
        Misbehaviour::ResetMidBody | Misbehaviour::ShortBody => {
            let up = upstream()?;
            let len = up.body.len().max(2);
            stream.write_all(relay_head(&up.head, len).as_bytes())?;
            stream.write_all(&up.body[..up.body.len() / 2])?;
            stream.flush()?;
            std::thread::sleep(Duration::from_millis(20));
            if what == Misbehaviour::ResetMidBody {
                // SO_LINGER 0: the close sends RST instead of FIN.
                let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
            } else {
                stream.shutdown(Shutdown::Write)?;
            }
            Ok(())
        }
        Misbehaviour::Raw { status, headers, body } => {
            stream.write_all(head(status, &headers, body.len() as u64).as_bytes())?;
            stream.write_all(&body)
        }
        Misbehaviour::Huge { status, len } => {
            let ct = [("content-type".to_owned(), "application/json".to_owned())];
            stream.write_all(head(status, &ct, len).as_bytes())?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                stream.write_all(&chunk[..n])?;
                left -= n as u64;
            }
            Ok(())
        }
        Misbehaviour::GzipBomb { inflated } => {
            let member = gzip_member();
            let members = inflated.div_ceil(GZIP_MEMBER_INFLATED);
            let headers = [
                ("content-type".to_owned(), "application/json".to_owned()),
                ("content-encoding".to_owned(), "gzip".to_owned()),
            ];
            stream.write_all(head(200, &headers, member.len() as u64 * members).as_bytes())?;
            for _ in 0..members {
                stream.write_all(member)?;
            }
            Ok(())
        }
        Misbehaviour::Trickle => {
            stream.write_all(head(200, &[], 64).as_bytes())?;
            for _ in 0..64 {
                stream.write_all(b" ")?;
                stream.flush()?;
                std::thread::sleep(Duration::from_secs(1));
            }
            Ok(())
        }
        Misbehaviour::Silent => {
            hold(stream);
            Ok(())
        }
        Misbehaviour::Stall { len, sent } => {
            stream.write_all(head(200, &[], len).as_bytes())?;
            let chunk = vec![b'a'; 64 * 1024];
            let mut left = sent.min(len);
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                stream.write_all(&chunk[..n])?;
                left -= n as u64;
            }
            stream.flush()?;
            hold(stream);
            Ok(())
        }
        Misbehaviour::ExpiresIn(raw) => {
            let up = upstream()?;
            let token = serde_json::from_slice::<serde_json::Value>(&up.body)
                .ok()
                .and_then(|v| v.get("access_token").and_then(|t| t.as_str()).map(str::to_owned));
            let body = match token {
                Some(t) => format!(r#"{{"access_token":"{t}","token_type":"bearer","expires_in":{raw}}}"#)
                    .into_bytes(),
                None => up.body,
            };
            stream.write_all(relay_head(&up.head, body.len()).as_bytes())?;
            stream.write_all(&body)
        }
    }
}
