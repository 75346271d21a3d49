//! Closure senders over another HTTP library (ureq) classify its errors in one call, and a
//! host that does not resolve fails fast as a connect error, against real sockets: a refused
//! port, a server that never answers, a reset mid-body, and `nonexistent.invalid`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use amazon_business_blocking::error::TransportErrorKind;
use amazon_business_blocking::{
    Client, Config, Credentials, Environment, Error, ErrorKind, HttpSend, RetryPolicy,
};
use amazon_business_conformance::hostile::{refused_addr, Hostile, Leg, Misbehaviour};
use amazon_business_conformance::sandbox::{Sandbox, LWA_PATH};

const ATTEMPTS: u32 = 3;

fn config(api: &str, lwa: &str) -> Config {
    Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.test", "secret", "Atzr|test").unwrap())
        .environment(Environment::custom(api, lwa).unwrap())
        .retry(RetryPolicy::default().max_attempts(ATTEMPTS).base_delay(Duration::from_millis(5)))
        .pacing(false)
        .build()
        .unwrap()
}

/// A closure sender over ureq, counting the API requests it is given.
fn ureq_client(config: Config, timeout: Duration) -> (Client, Arc<AtomicU32>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let api_calls = Arc::new(AtomicU32::new(0));
    let counted = api_calls.clone();
    let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
        if request.uri().path() != LWA_PATH {
            counted.fetch_add(1, Ordering::SeqCst);
        }
        let (parts, mut body) = agent.run(request)?.into_parts();
        let body = body.read_to_vec()?;
        Ok::<_, ureq::Error>(http::Response::from_parts(parts, body))
    });
    (client, api_calls)
}

fn transport_kind(err: &Error) -> TransportErrorKind {
    err.transport().unwrap_or_else(|| panic!("not a transport failure: {err:?}")).kind
}

/// The emulator behind a hostile front: LWA answers, the API leg misbehaves as injected.
fn hostile() -> (Sandbox, Hostile) {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let hostile = Hostile::spawn(Some(sandbox.addr())).unwrap();
    (sandbox, hostile)
}

#[test]
fn a_ureq_closure_sender_reports_a_refused_port_as_connect() {
    let (_sandbox, hostile) = hostile();
    let api = format!("http://{}", refused_addr());
    let (client, api_calls) = ureq_client(config(&api, &hostile.lwa_url()), Duration::from_secs(5));
    let err = client.documents().get_report("ID323").send().unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    assert!(err.transport().unwrap().request_never_left());
    // Never left, so retried as the policy says, then reported once.
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS);
    assert!(matches!(err, Error::RetriesExhausted { attempts: ATTEMPTS, .. }), "{err:?}");
    assert!(err.to_string().to_ascii_lowercase().contains("refused"), "{err}");
}

#[test]
fn a_ureq_closure_sender_reports_a_silent_server_as_timeout() {
    let (_sandbox, hostile) = hostile();
    hostile.inject(Leg::Api, Misbehaviour::Silent, ATTEMPTS as usize);
    let (client, api_calls) =
        ureq_client(config(&hostile.base_url(), &hostile.lwa_url()), Duration::from_millis(300));
    let err = client.documents().get_report("ID323").send().unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert!(!err.transport().unwrap().request_never_left(), "the request may have arrived");
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS, "a read is retried after a timeout");
}

#[test]
fn a_ureq_closure_sender_reports_a_reset_as_reset() {
    let (_sandbox, hostile) = hostile();
    hostile.inject(Leg::Api, Misbehaviour::ResetMidBody, ATTEMPTS as usize);
    let (client, api_calls) =
        ureq_client(config(&hostile.base_url(), &hostile.lwa_url()), Duration::from_secs(5));
    let err = client.documents().get_report("ID323").send().unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Reset, "{err}");
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS);
}

/// The default sender, counting every request it is given.
fn counting_default(config: Config) -> (Client, Arc<AtomicU32>) {
    let sender = amazon_business_blocking::Http1Sender::new(&config).unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
        counted.fetch_add(1, Ordering::SeqCst);
        sender.send(request)
    });
    (client, calls)
}

fn names_the_host_and_resolution(text: &str) {
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("nonexistent.invalid"), "the host is not named: {text}");
    assert!(
        ["resolve", "lookup", "name"].iter().any(|w| lower.contains(w)),
        "resolution is not named: {text}"
    );
}

#[test]
fn a_host_that_does_not_resolve_is_a_connect_error_tried_as_the_policy_says() {
    // The LWA leg: the token exchange fails, named, after the policy's attempts.
    let (client, calls) =
        counting_default(config("https://nonexistent.invalid", "https://nonexistent.invalid/auth/o2/token"));
    let err = client.documents().get_report("ID323").send().unwrap_err();
    assert!(matches!(err, Error::TokenExchange { attempts: ATTEMPTS, .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    assert!(err.transport().unwrap().request_never_left());
    names_the_host_and_resolution(&err.transport().unwrap().to_string());
    assert_eq!(calls.load(Ordering::SeqCst), ATTEMPTS, "no retry storm");

    // The API leg (LWA answers): the same kind, the same bound on attempts.
    let (_sandbox, hostile) = hostile();
    let (client, calls) = counting_default(config("https://nonexistent.invalid", &hostile.lwa_url()));
    let err = client.documents().get_report("ID323").send().unwrap_err();
    assert!(matches!(err, Error::RetriesExhausted { attempts: ATTEMPTS, .. }), "{err:?}");
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    names_the_host_and_resolution(&err.to_string());
    assert_eq!(calls.load(Ordering::SeqCst), 1 + ATTEMPTS, "one token exchange, then the API attempts");
}
