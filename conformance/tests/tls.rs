//! TLS: both clients refuse a loopback HTTPS server whose certificate is self-signed, and one
//! whose certificate comes from a private CA, on the LWA leg and on the API leg, with a
//! Connect-kind transport error; and no handshake completes.
//!
//! Where a private CA would be trusted: nowhere. Both default senders trust only the bundled
//! Mozilla roots (`webpki-roots`), and `Config` has no TLS setting at all, so verification
//! cannot be turned off and a private CA cannot be added by configuration. A deployment that
//! must go through a TLS-intercepting proxy plugs in its own sender (`Client::with_sender`,
//! `HttpSend`), which is where such a CA would be configured, explicitly, in the caller's code.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use amazon_business_conformance::matrix::{config, ClientKind};
use amazon_business_conformance::replay::build;
use amazon_business_core::error::TransportErrorKind;
use amazon_business_core::lwa::AccessToken;
use amazon_business_core::{Engine, Error, Secret};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

fn names() -> Vec<String> {
    vec!["localhost".into(), "127.0.0.1".into()]
}

fn self_signed() -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(names()).unwrap().self_signed(&key).unwrap();
    (cert.der().clone(), PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
}

fn from_private_ca() -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(names()).unwrap().signed_by(&key, &issuer).unwrap();
    (cert.der().clone(), PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
}

/// Serves TLS with this certificate on loopback; counts completed handshakes.
fn serve(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> (u16, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let tls = tls.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut conn = rustls::ServerConnection::new(tls).unwrap();
                while conn.is_handshaking() {
                    if conn.complete_io(&mut stream).is_err() {
                        return;
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let mut s = rustls::Stream::new(&mut conn, &mut stream);
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
            });
        }
    });
    (port, done)
}

fn assert_connect(e: &Error, what: &str) {
    let kind = e.transport().map(|t| t.kind);
    assert_eq!(kind, Some(TransportErrorKind::Connect), "{what}: {e} / {e:?}");
}

fn refuse(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>, label: &str) {
    let (port, handshakes) = serve(cert, key);
    let base = format!("https://127.0.0.1:{port}");
    let cfg = config(&base, &format!("{base}/auth/o2/token"));
    let ex = amazon_business_conformance::fixtures::load_examples()
        .into_iter()
        .find(|e| e.id == "getReport-200-0")
        .unwrap();
    let op = build(&ex).unwrap().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    for kind in ClientKind::BOTH {
        // The LWA leg (cold cache) and the API leg (a token already in the store).
        for seeded in [false, true] {
            let engine = Engine::new(cfg.clone());
            if seeded {
                engine.seed_token(AccessToken::new(
                    Secret::new("Atza|tls-test"),
                    SystemTime::now() + Duration::from_secs(3600),
                ));
            }
            let what = format!("{label} / {} / {}", kind.name(), if seeded { "API" } else { "LWA" });
            let result = match kind {
                ClientKind::Blocking => {
                    let c = amazon_business_blocking::Client::with_engine(
                        engine,
                        amazon_business_blocking::Http1Sender::new(&cfg).unwrap(),
                    );
                    op.send_blocking(&c)
                }
                ClientKind::Async => rt.block_on(async {
                    let c = amazon_business_async::Client::with_engine(
                        engine,
                        amazon_business_async::HyperSender::new(&cfg).unwrap(),
                    );
                    op.send_async(&c).await
                }),
            };
            assert_connect(&result.expect_err(&what), &what);
        }
        // A report download from that server is refused the same way.
        let url = format!("{base}/doc");
        let what = format!("{label} / {} / download", kind.name());
        let err = match kind {
            ClientKind::Blocking => {
                amazon_business_blocking::Client::new(cfg.clone()).unwrap().download_report(&url, false).err()
            }
            ClientKind::Async => rt.block_on(async {
                amazon_business_async::Client::new(cfg.clone())
                    .unwrap()
                    .download_report(&url, false)
                    .await
                    .err()
            }),
        };
        assert_connect(&err.expect(&what), &what);
    }
    assert_eq!(handshakes.load(Ordering::SeqCst), 0, "{label}: a client completed a handshake");
}

#[test]
fn both_clients_refuse_a_self_signed_certificate() {
    let (cert, key) = self_signed();
    refuse(cert, key, "self-signed");
}

#[test]
fn both_clients_refuse_a_certificate_from_a_private_ca() {
    let (cert, key) = from_private_ca();
    refuse(cert, key, "private CA");
}

/// The harness can fail: the same configuration and operation succeed against the plain-HTTP
/// emulator, so the refusals above are about the certificates.
#[test]
fn the_same_client_reaches_a_plain_loopback_server() {
    let sandbox = amazon_business_conformance::sandbox::Sandbox::builder().spawn().unwrap();
    let cfg = config(&sandbox.base_url(), &sandbox.lwa_url());
    let ex = amazon_business_conformance::fixtures::load_examples()
        .into_iter()
        .find(|e| e.id == "getReport-200-0")
        .unwrap();
    let op = build(&ex).unwrap().unwrap();
    let c = amazon_business_blocking::Client::new(cfg).unwrap();
    op.send_blocking(&c).unwrap();
}

/// No code path can switch certificate verification off: neither transport builds a custom
/// verifier, and the configuration has no TLS knob.
#[test]
fn no_setting_turns_verification_off() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in [
        "http1/src/lib.rs",
        "http1/src/conn.rs",
        "transport-blocking/src/http1_sender.rs",
        "transport-blocking/src/report_download.rs",
        "transport-async/src/hyper_sender.rs",
        "transport-async/src/report_download.rs",
        "core/src/config.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for needle in ["dangerous", "ServerCertVerifier", "danger_accept", "disable_verification", "insecure"]
        {
            assert!(!text.contains(needle), "{file} mentions {needle}");
        }
    }
}
