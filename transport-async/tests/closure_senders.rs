//! Closure senders over another HTTP library (hyper-util's pooled client) classify its errors
//! in one call, and a host that does not resolve fails fast as a connect error, against real
//! sockets: a refused port, a server that never answers, a reset mid-body, and
//! `nonexistent.invalid`.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use amazon_business_async::error::{TransportError, TransportErrorKind};
use amazon_business_async::{
    transport_error, Client, Config, Credentials, Environment, Error, ErrorKind, HttpSend, RetryPolicy,
};
use amazon_business_conformance::hostile::{refused_addr, Hostile, Leg, Misbehaviour};
use amazon_business_conformance::sandbox::{Sandbox, LWA_PATH};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A closure sender over hyper-util's client, with a deadline of its own (tokio's `Elapsed`),
/// counting the API requests it is given.
fn hyper_client(config: Config, timeout: Duration) -> (Client, Arc<AtomicU32>) {
    let http = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let api_calls = Arc::new(AtomicU32::new(0));
    let counted = api_calls.clone();
    let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
        if request.uri().path() != LWA_PATH {
            counted.fetch_add(1, Ordering::SeqCst);
        }
        let http = http.clone();
        async move {
            let exchange = async {
                let response = http.request(request.map(Full::from)).await.map_err(transport_error)?;
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(transport_error)?.to_bytes().to_vec();
                Ok::<_, TransportError>(http::Response::from_parts(parts, body))
            };
            tokio::time::timeout(timeout, exchange).await.map_err(transport_error)?
        }
    });
    (client, api_calls)
}

fn transport_kind(err: &Error) -> TransportErrorKind {
    err.transport().unwrap_or_else(|| panic!("not a transport failure: {err:?}")).kind
}

fn hostile() -> (Sandbox, Hostile) {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let hostile = Hostile::spawn(Some(sandbox.addr())).unwrap();
    (sandbox, hostile)
}

fn get_report(rt: &tokio::runtime::Runtime, client: &Client) -> Error {
    rt.block_on(client.documents().get_report("ID323").into_future()).unwrap_err()
}

#[test]
fn a_hyper_closure_sender_reports_a_refused_port_as_connect() {
    let rt = runtime();
    let (_sandbox, hostile) = hostile();
    let api = format!("http://{}", refused_addr());
    let (client, api_calls) =
        rt.block_on(async { hyper_client(config(&api, &hostile.lwa_url()), Duration::from_secs(5)) });
    let err = get_report(&rt, &client);
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    assert!(err.transport().unwrap().request_never_left());
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS);
    assert!(matches!(err, Error::RetriesExhausted { attempts: ATTEMPTS, .. }), "{err:?}");
    assert!(err.to_string().to_ascii_lowercase().contains("refused"), "{err}");
}

#[test]
fn a_hyper_closure_sender_reports_a_silent_server_as_timeout() {
    let rt = runtime();
    let (_sandbox, hostile) = hostile();
    hostile.inject(Leg::Api, Misbehaviour::Silent, ATTEMPTS as usize);
    let (client, api_calls) = rt.block_on(async {
        hyper_client(config(&hostile.base_url(), &hostile.lwa_url()), Duration::from_millis(300))
    });
    let err = get_report(&rt, &client);
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert!(!err.transport().unwrap().request_never_left(), "the request may have arrived");
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS, "a read is retried after a timeout");
}

#[test]
fn a_hyper_closure_sender_reports_a_reset_as_reset() {
    let rt = runtime();
    let (_sandbox, hostile) = hostile();
    hostile.inject(Leg::Api, Misbehaviour::ResetMidBody, ATTEMPTS as usize);
    let (client, api_calls) = rt.block_on(async {
        hyper_client(config(&hostile.base_url(), &hostile.lwa_url()), Duration::from_secs(5))
    });
    let err = get_report(&rt, &client);
    assert_eq!(transport_kind(&err), TransportErrorKind::Reset, "{err}");
    assert_eq!(api_calls.load(Ordering::SeqCst), ATTEMPTS);
}

/// The default sender, counting every request it is given.
fn counting_default(config: Config) -> (Client, Arc<AtomicU32>) {
    let sender = Arc::new(amazon_business_async::HyperSender::new(&config).unwrap());
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let client = Client::with_sender(config, move |request: http::Request<Vec<u8>>| {
        counted.fetch_add(1, Ordering::SeqCst);
        let sender = sender.clone();
        async move { sender.send(request).await }
    });
    (client, calls)
}

fn names_the_host_and_resolution(text: &str) {
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("nonexistent.invalid"), "the host is not named: {text}");
    assert!(
        ["resolve", "lookup", "name", "dns"].iter().any(|w| lower.contains(w)),
        "resolution is not named: {text}"
    );
}

#[test]
fn a_host_that_does_not_resolve_is_a_connect_error_tried_as_the_policy_says() {
    let rt = runtime();
    let (client, calls) = rt.block_on(async {
        counting_default(config("https://nonexistent.invalid", "https://nonexistent.invalid/auth/o2/token"))
    });
    let err = get_report(&rt, &client);
    assert!(matches!(err, Error::TokenExchange { attempts: ATTEMPTS, .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    assert!(err.transport().unwrap().request_never_left());
    names_the_host_and_resolution(&err.transport().unwrap().to_string());
    assert_eq!(calls.load(Ordering::SeqCst), ATTEMPTS, "no retry storm");

    let (_sandbox, hostile) = hostile();
    let (client, calls) =
        rt.block_on(async { counting_default(config("https://nonexistent.invalid", &hostile.lwa_url())) });
    let err = get_report(&rt, &client);
    assert!(matches!(err, Error::RetriesExhausted { attempts: ATTEMPTS, .. }), "{err:?}");
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{err}");
    names_the_host_and_resolution(&err.to_string());
    assert_eq!(calls.load(Ordering::SeqCst), 1 + ATTEMPTS, "one token exchange, then the API attempts");
}
