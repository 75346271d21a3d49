//! The client against small loopback servers written here with std sockets (and rustls for TLS).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use amazon_business_http1::{Client, ErrorKind, Options};

/// Starts a server on a loopback port; every accepted connection runs `handler(stream, index)`
/// on its own thread, `index` counting connections from 0. Returns the address and the count.
fn serve<F>(handler: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream, usize) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let (count, handler) = (accepted.clone(), Arc::new(handler));
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (index, handler) = (count.fetch_add(1, Ordering::SeqCst), handler.clone());
            thread::spawn(move || handler(stream, index));
        }
    });
    (addr, accepted)
}

/// A request as a test server saw it: head and body.
type Request = (String, Vec<u8>);

/// Reads one request (head and `Content-Length` body); `None` when the client closed.
fn read_request<R: BufRead>(reader: &mut R) -> Option<Request> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.parse().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A keep-alive server answering every request with `response`, sending each request head it
/// receives to the returned channel.
fn fixed(response: &'static str) -> (SocketAddr, Arc<AtomicUsize>, mpsc::Receiver<Request>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let (addr, accepted) = serve(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        while let Some(request) = read_request(&mut reader) {
            let _ = tx.lock().unwrap().send(request);
            if stream.write_all(response.as_bytes()).is_err() {
                return;
            }
        }
    });
    (addr, accepted, rx)
}

fn client() -> Client {
    let mut options = Options::default();
    options.connect_timeout = Duration::from_secs(5);
    options.request_timeout = Duration::from_secs(5);
    Client::new(options).unwrap()
}

fn get(addr: SocketAddr, path: &str) -> http::Request<Vec<u8>> {
    http::Request::get(format!("http://{addr}{path}")).body(Vec::new()).unwrap()
}

#[test]
fn content_length_body_and_the_request_head_sent() {
    let (addr, _, heads) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Reply: yes\r\n\r\nhello");
    let request = http::Request::get(format!("http://{addr}/orders?page=2"))
        .header("x-amz-access-token", "Atza|secret")
        .body(Vec::new())
        .unwrap();
    let response = client().send(request).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), b"hello");
    assert_eq!(response.headers()["x-reply"], "yes");
    let (head, _) = heads.recv().unwrap();
    assert!(head.starts_with("GET /orders?page=2 HTTP/1.1\r\n"), "{head}");
    assert!(head.contains(&format!("Host: {addr}\r\n")), "{head}");
    assert!(head.contains("x-amz-access-token: Atza|secret\r\n"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(!lower.contains("accept-encoding") && !lower.contains("content-length"), "{head}");
}

#[test]
fn post_bodies_carry_content_length_even_when_empty() {
    let (addr, accepted, heads) = fixed("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    let client = client();
    let post = |body: &[u8]| http::Request::post(format!("http://{addr}/x")).body(body.to_vec()).unwrap();
    assert_eq!(client.send(post(b"{\"a\":1}")).unwrap().status(), 201);
    assert_eq!(client.send(post(b"")).unwrap().status(), 201);
    let (head, body) = heads.recv().unwrap();
    assert!(head.starts_with("POST /x HTTP/1.1\r\n") && head.contains("Content-Length: 7\r\n"), "{head}");
    assert_eq!(body, b"{\"a\":1}");
    let (head, _) = heads.recv().unwrap();
    assert!(head.contains("Content-Length: 0\r\n"), "{head}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "the second POST reused the connection");
}

#[test]
fn chunked_bodies_with_odd_boundaries_extensions_and_trailers() {
    let (addr, accepted) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        stream.set_nodelay(true).unwrap();
        while read_request(&mut reader).is_some() {
            let pieces: [&[u8]; 7] = [
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3",
                b"\r\nab",
                b"c\r",
                b"\nA;name=\"v\"\r\n0123",
                b"456789\r\n1\r\n!\r\n0\r\nX-Checksum: 1",
                b"23\r\n",
                b"\r\n",
            ];
            for piece in pieces {
                stream.write_all(piece).unwrap();
                thread::sleep(Duration::from_millis(2));
            }
        }
    });
    let client = client();
    for _ in 0..2 {
        let response = client.send(get(addr, "/")).unwrap();
        assert_eq!(response.body(), b"abc0123456789!");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "trailers consumed exactly, so the connection was reused");
}

#[test]
fn malformed_chunk_size_is_a_protocol_error() {
    let (addr, _, _) = fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    assert_eq!(client().send(get(addr, "/")).unwrap_err().kind(), ErrorKind::Protocol);
}

#[test]
fn close_delimited_body_reads_to_close_and_is_not_reused() {
    let (addr, accepted) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        stream.write_all(b"HTTP/1.1 200 OK\r\n\r\nuntil the end").unwrap();
    });
    let client = client();
    assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"until the end");
    assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"until the end");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn keep_alive_connections_are_reused() {
    let (addr, accepted, _heads) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let client = client();
    for _ in 0..5 {
        assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"ok");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn connection_close_is_honoured() {
    let (addr, accepted, _heads) =
        fixed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    let client = client();
    for _ in 0..3 {
        assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"ok");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[test]
fn head_204_and_304_have_no_body_and_interim_responses_are_skipped() {
    let (addr, accepted, _heads) =
        fixed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    let client = client();
    for _ in 0..2 {
        let head = http::Request::head(format!("http://{addr}/")).body(Vec::new()).unwrap();
        let response = client.send(head).unwrap();
        assert_eq!((response.status().as_u16(), response.body().len()), (200, 0));
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let (addr, _, _) = fixed("HTTP/1.1 204 No Content\r\n\r\n");
    assert!(client.send(get(addr, "/")).unwrap().body().is_empty());
}

/// A server that answers the first request on each connection, then reads the next request
/// and closes without answering (the race where a keep-alive connection dies under a request).
fn dies_on_second_request() -> (SocketAddr, Arc<AtomicUsize>) {
    serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        if read_request(&mut reader).is_some() {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").unwrap();
        }
        read_request(&mut reader);
    })
}

#[test]
fn a_stale_pooled_connection_is_retried_once_for_idempotent_requests() {
    let (addr, accepted) = dies_on_second_request();
    let client = client();
    assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"ok");
    assert_eq!(client.send(get(addr, "/")).unwrap().body(), b"ok");
    assert_eq!(accepted.load(Ordering::SeqCst), 2, "retried once, on a fresh connection");
}

#[test]
fn a_stale_pooled_connection_is_not_retried_for_post() {
    let (addr, accepted) = dies_on_second_request();
    let client = client();
    let post = || http::Request::post(format!("http://{addr}/order")).body(b"{}".to_vec()).unwrap();
    assert_eq!(client.send(post()).unwrap().body(), b"ok");
    let error = client.send(post()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reset, "{error}");
    assert!(!error.request_never_left());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn a_fresh_connection_that_closes_is_reset_not_retried() {
    let (addr, accepted) = serve(|stream, _| {
        read_request(&mut BufReader::new(stream));
    });
    let error = client().send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reset, "{error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn an_idle_connection_closed_by_the_server_is_not_used_even_for_post() {
    let (addr, accepted) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").unwrap();
    });
    let client = client();
    let post = || http::Request::post(format!("http://{addr}/order")).body(b"{}".to_vec()).unwrap();
    assert_eq!(client.send(post()).unwrap().body(), b"ok");
    thread::sleep(Duration::from_millis(50));
    assert_eq!(client.send(post()).unwrap().body(), b"ok");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn a_short_body_is_a_protocol_error() {
    let (addr, _) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").unwrap();
    });
    let error = client().send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol);
    assert!(error.to_string().contains("3 of the 10 bytes"), "{error}");
}

#[test]
fn bodies_over_max_body_are_too_large_once() {
    let (addr, accepted, heads) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
    let mut options = Options::default();
    options.max_body = 10;
    let client = Client::new(options).unwrap();
    let error = client.send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    assert_eq!(heads.try_iter().count(), 1, "sent once");
    let (addr, _, _) =
        fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
    assert_eq!(client.send(get(addr, "/")).unwrap_err().kind(), ErrorKind::TooLarge);
    client.send(get(addr, "/")).unwrap_err();
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn an_oversized_or_malformed_head_is_a_protocol_error() {
    let (addr, _) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n");
        let filler = format!("X-Filler: {}\r\n", "a".repeat(1000));
        for _ in 0..70 {
            if stream.write_all(filler.as_bytes()).is_err() {
                return;
            }
        }
    });
    let error = client().send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol, "{error}");
    let (addr, _, _) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nab");
    assert_eq!(client().send(get(addr, "/")).unwrap_err().kind(), ErrorKind::Protocol);
    let (addr, _, _) = fixed("SMTP ready\r\n\r\n");
    assert_eq!(client().send(get(addr, "/")).unwrap_err().kind(), ErrorKind::Protocol);
}

/// A server that reads the request and then says nothing for a second.
fn silent() -> SocketAddr {
    serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        read_request(&mut reader);
        thread::sleep(Duration::from_secs(1));
    })
    .0
}

#[test]
fn a_slow_response_head_times_out_within_the_request_timeout() {
    let addr = silent();
    let mut options = Options::default();
    options.request_timeout = Duration::from_millis(150);
    let started = Instant::now();
    let error = Client::new(options).unwrap().send(get(addr, "/")).unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(took >= Duration::from_millis(150) && took < Duration::from_millis(600), "{took:?}");
}

#[test]
fn the_request_timeout_bounds_the_whole_exchange_including_the_body() {
    let (addr, _) = serve(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n").unwrap();
        for _ in 0..10 {
            thread::sleep(Duration::from_millis(40));
            if stream.write_all(b"x").is_err() {
                return;
            }
        }
    });
    let mut options = Options::default();
    options.request_timeout = Duration::from_millis(150);
    let started = Instant::now();
    let error = Client::new(options).unwrap().send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_millis(300), "{:?}", started.elapsed());
}

/// Sends a 100-byte body in `pieces` pieces of 10 bytes, `gap` apart, then stalls.
fn trickle(pieces: usize, gap: Duration) -> SocketAddr {
    serve(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        read_request(&mut reader);
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n").unwrap();
        for _ in 0..pieces {
            thread::sleep(gap);
            if stream.write_all(&[b'x'; 10]).is_err() {
                return;
            }
        }
        thread::sleep(Duration::from_secs(1));
    })
    .0
}

#[test]
fn streaming_reads_fail_after_the_idle_timeout_when_the_server_stalls() {
    let addr = trickle(3, Duration::ZERO);
    let uri: http::Uri = format!("http://{addr}/doc").parse().unwrap();
    let mut response = client().get_streaming(&uri, Duration::from_millis(150)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0; 64];
    let started = loop {
        match response.body_mut().read(&mut buf) {
            Ok(n) if got.len() + n < 30 => got.extend_from_slice(&buf[..n]),
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                break Instant::now();
            }
            Err(e) => panic!("before the stall: {e}"),
        }
    };
    let error = response.body_mut().read(&mut buf).unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
    let inner = error.get_ref().unwrap().downcast_ref::<amazon_business_http1::Error>().unwrap();
    assert_eq!(inner.kind(), ErrorKind::Timeout);
    assert!(took >= Duration::from_millis(140) && took < Duration::from_millis(600), "{took:?}");
}

#[test]
fn streaming_is_bounded_per_read_not_by_a_whole_body_deadline() {
    let addr = trickle(10, Duration::from_millis(40));
    let mut options = Options::default();
    options.request_timeout = Duration::from_millis(100);
    let client = Client::new(options).unwrap();
    let uri: http::Uri = format!("http://{addr}/doc").parse().unwrap();
    let mut response = client.get_streaming(&uri, Duration::from_millis(300)).unwrap();
    let mut body = Vec::new();
    response.body_mut().read_to_end(&mut body).unwrap();
    assert_eq!(body, [b'x'; 100]);
}

#[test]
fn a_streamed_body_read_to_its_end_returns_the_connection_to_the_pool() {
    let (addr, accepted, _heads) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndata");
    let client = client();
    let uri: http::Uri = format!("http://{addr}/doc").parse().unwrap();
    for _ in 0..3 {
        let mut body = String::new();
        client
            .get_streaming(&uri, Duration::from_secs(1))
            .unwrap()
            .body_mut()
            .read_to_string(&mut body)
            .unwrap();
        assert_eq!(body, "data");
    }
    drop(client.get_streaming(&uri, Duration::from_secs(1)).unwrap());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn redirects_are_returned_not_followed() {
    let (elsewhere, elsewhere_accepted, _) = fixed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let response: &'static str = Box::leak(
        format!("HTTP/1.1 302 Found\r\nLocation: http://{elsewhere}/\r\nContent-Length: 0\r\n\r\n")
            .into_boxed_str(),
    );
    let (addr, _, _) = fixed(response);
    let response = client().send(get(addr, "/")).unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], format!("http://{elsewhere}/"));
    assert_eq!(elsewhere_accepted.load(Ordering::SeqCst), 0);
}

#[test]
fn a_refused_connection_is_connect_and_never_left() {
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let error = client().send(get(addr, "/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert!(error.request_never_left());
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
}

#[test]
fn invalid_requests_and_options_are_refused_with_a_reason() {
    let relative = http::Request::get("/no-host").body(Vec::new()).unwrap();
    let error = client().send(relative).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(error.request_never_left() && error.to_string().contains("absolute"), "{error}");
    let mut options = Options::default();
    options.request_timeout = Duration::ZERO;
    assert!(Client::new(options).unwrap_err().to_string().contains("request_timeout"));
    let mut options = Options::default();
    options.proxy = Some("socks5://user:hunter2@proxy:1080".parse().unwrap());
    let error = Client::new(options).unwrap_err();
    assert!(error.to_string().contains("http://") && !error.to_string().contains("hunter2"), "{error}");
}

mod tls {
    use super::*;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    /// A CA and a `localhost` certificate it signed.
    fn pki() -> (CertificateDer<'static>, CertificateDer<'static>, PrivateKeyDer<'static>) {
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let leaf = leaf.signed_by(&leaf_key, &issuer).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        (ca_cert.der().clone(), leaf.der().clone(), key)
    }

    /// An HTTPS keep-alive server answering `ok` to everything; returns its port and CA.
    pub(super) fn server() -> (u16, CertificateDer<'static>) {
        let (ca, leaf, key) = pki();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf], key)
            .unwrap();
        let config = Arc::new(config);
        let (addr, _) = serve(move |stream, _| {
            let session = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = BufReader::new(rustls::StreamOwned::new(session, stream));
            while read_request(&mut tls).is_some() {
                let stream = tls.get_mut();
                if stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").is_err() {
                    return;
                }
                let _ = stream.flush();
            }
        });
        (addr.port(), ca)
    }

    #[test]
    fn an_untrusted_certificate_is_refused_as_connect() {
        let (port, _) = server();
        let error = client().send(get_localhost(port)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
        assert!(error.request_never_left());
        assert!(error.to_string().contains("certificate"), "{error}");
    }

    #[test]
    fn a_certificate_from_an_extra_root_is_accepted_and_the_connection_reused() {
        let (port, ca) = server();
        let mut options = Options::default();
        options.extra_roots = vec![ca];
        let client = Client::new(options).unwrap();
        for _ in 0..2 {
            assert_eq!(client.send(get_localhost(port)).unwrap().body(), b"ok");
        }
    }

    pub(super) fn get_localhost(port: u16) -> http::Request<Vec<u8>> {
        http::Request::get(format!("https://localhost:{port}/")).body(Vec::new()).unwrap()
    }
}

mod proxy {
    use super::*;

    /// A CONNECT proxy that requires `Proxy-Authorization: Basic dXNlcjpwQHNz` (user:p@ss),
    /// tunnels to any target, and reports the request heads it saw.
    fn connect_proxy() -> (SocketAddr, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let (addr, _) = serve(move |stream, _| {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut client_side = stream;
            let Some((head, _)) = read_request(&mut reader) else { return };
            let _ = tx.lock().unwrap().send(head.clone());
            if !head.contains("Proxy-Authorization: Basic dXNlcjpwQHNz\r\n") {
                let _ = client_side
                    .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
                return;
            }
            if let Some(target) = head.strip_prefix("CONNECT ").and_then(|h| h.split(' ').next()) {
                let target = target.replace("localhost", "127.0.0.1");
                let upstream = TcpStream::connect(target).unwrap();
                client_side.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").unwrap();
                let (mut up_read, mut down_write) =
                    (upstream.try_clone().unwrap(), client_side.try_clone().unwrap());
                thread::spawn(move || std::io::copy(&mut up_read, &mut down_write));
                let mut upstream = upstream;
                let _ = std::io::copy(&mut reader, &mut upstream);
            } else {
                let _ = client_side.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied");
            }
        });
        (addr, rx)
    }

    fn via(
        proxy: SocketAddr,
        credentials: &str,
        ca: Option<rustls::pki_types::CertificateDer<'static>>,
    ) -> Client {
        let mut options = Options::default();
        options.proxy = Some(format!("http://{credentials}@{proxy}").parse().unwrap());
        options.extra_roots.extend(ca);
        Client::new(options).unwrap()
    }

    #[test]
    fn https_goes_through_a_connect_tunnel_with_basic_auth() {
        let (port, ca) = tls::server();
        let (proxy, heads) = connect_proxy();
        let response = via(proxy, "user:p%40ss", Some(ca)).send(tls::get_localhost(port)).unwrap();
        assert_eq!(response.body(), b"ok");
        let head = heads.recv().unwrap();
        assert!(
            head.starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\nHost: localhost:{port}\r\n")),
            "{head}"
        );
    }

    #[test]
    fn a_refused_connect_is_connect_and_never_left() {
        let (port, ca) = tls::server();
        let (proxy, _) = connect_proxy();
        let error = via(proxy, "user:wrong", Some(ca)).send(tls::get_localhost(port)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
        assert!(error.request_never_left() && error.to_string().contains("407"), "{error}");
        assert!(!error.to_string().contains("wrong"), "{error}");
    }

    #[test]
    fn http_targets_are_sent_in_absolute_form_to_the_proxy() {
        let (proxy, heads) = connect_proxy();
        let request = http::Request::get("http://api.example.invalid:8080/a?b=c").body(Vec::new()).unwrap();
        assert_eq!(via(proxy, "user:p%40ss", None).send(request).unwrap().body(), b"proxied");
        let head = heads.recv().unwrap();
        assert!(head.starts_with("GET http://api.example.invalid:8080/a?b=c HTTP/1.1\r\n"), "{head}");
        assert!(head.contains("Host: api.example.invalid:8080\r\n"), "{head}");
    }

    #[test]
    fn debug_output_never_shows_the_proxy_password_or_header_values() {
        let (proxy, _) = connect_proxy();
        let client = via(proxy, "user:hunter2", None);
        let shown = format!("{client:?}");
        assert!(!shown.contains("hunter2") && shown.contains("***@"), "{shown}");
        let (addr, _) = serve(|stream, _| {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut stream = stream;
            read_request(&mut reader);
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nSet-Cookie: session=tok123\r\nContent-Length: 3\r\n\r\nabc")
                .unwrap();
            thread::sleep(Duration::from_millis(300));
        });
        let uri: http::Uri = format!("http://{addr}/").parse().unwrap();
        let response = super::client().get_streaming(&uri, Duration::from_secs(1)).unwrap();
        assert!(!format!("{:?}", response.body()).contains("tok123"));
    }
}
