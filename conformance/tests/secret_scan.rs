//! The secret scan: every recorded operation (the tour's and more), an onboarding code
//! exchange and a set of fault scenarios, through both clients with debug dumps on, under a
//! TRACE `tracing` subscriber with the `log` bridge installed. Everything emitted is captured —
//! the subscriber's output, every error's `Display` and `Debug`, the `Debug` of every public
//! type that holds a secret, and panic messages (through a hook) — and no configured client
//! secret, refresh token, access token, authorization code or proxy password may appear in it,
//! by value.
//!
//! One test, because the subscriber, the `log` bridge and the panic hook are process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::hostile::{refused_addr, Hostile, Leg, Misbehaviour};
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::{Fault, Route, Sandbox};
use amazon_business_core::lwa::{parse_token_response, AccessToken};
use amazon_business_core::{Config, Credentials, Engine, Environment, RetryPolicy, Secret, Timeouts};

const CLIENT_ID: &str = "amzn1.application-oa2-client.scan";
const CLIENT_SECRET: &str = "SCANclientSECRET7f3a9c";
const ROTATED_SECRET: &str = "SCANrotatedSECRET2b71";
const REFRESH_TOKEN: &str = "Atzr|SCANrefreshTOKEN51b2";
const AUTH_CODE: &str = "SCANauthCODEe9c1d";
const PROXY_PASSWORD: &str = "SCANproxyPASSWORD0d4e";

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn push(&self, s: &str) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.extend_from_slice(s.as_bytes());
        g.push(b'\n');
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

fn config(api: &str, lwa: &str, proxy: Option<&str>) -> Config {
    let mut b = Config::builder()
        .credentials(Credentials::new(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN).unwrap())
        .environment(Environment::custom(api, lwa).unwrap())
        .user_email("buyer@example.com")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(5)).max_attempts(3))
        .timeouts(Timeouts::new(Duration::from_secs(1), Duration::from_secs(2)))
        .debug(true);
    if let Some(p) = proxy {
        b = b.proxy(p).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn no_secret_appears_in_anything_the_sdk_emits() {
    let sink = Sink::default();
    let writer = sink.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("install the TRACE subscriber and the log bridge");
    let hook_sink = sink.clone();
    std::panic::set_hook(Box::new(move |info| hook_sink.push(&format!("PANIC: {info}"))));
    // The bridge is live: a `log` record reaches the buffer.
    log::trace!("log-bridge-probe");
    assert!(sink.text().contains("log-bridge-probe"), "the log bridge is not installed");

    let sandbox = Sandbox::builder().credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN).spawn().unwrap();
    let front = Hostile::spawn(Some(sandbox.addr())).unwrap();
    let cfg = config(&front.base_url(), &front.lwa_url(), None);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let engine = Engine::new(cfg.clone());
    let blocking = amazon_business_blocking::Client::with_engine(
        engine.clone(),
        amazon_business_blocking::Http1Sender::new(&cfg).unwrap(),
    );
    let asynch = rt.block_on(async {
        amazon_business_async::Client::with_engine(
            engine.clone(),
            amazon_business_async::HyperSender::new(&cfg).unwrap(),
        )
    });
    let record = |label: &str, r: Result<serde_json::Value, amazon_business_core::Error>| match r {
        Ok(v) => sink.push(&format!("{label}: ok {}", v.to_string().chars().take(200).collect::<String>())),
        Err(e) => sink.push(&format!("{label}: {e} / {e:?}")),
    };

    // Every recorded operation, both clients (the tour's operations among them).
    let mut sent = 0;
    for ex in load_examples() {
        let Ok(Some(op)) = build(&ex) else { continue };
        record(&ex.id, op.send_blocking(&blocking));
        record(&ex.id, rt.block_on(op.send_async(&asynch)));
        sent += 1;
    }
    assert!(sent > 30, "only {sent} operations ran");
    let op = build(load_examples().iter().find(|e| e.id == "getReport-200-0").unwrap()).unwrap().unwrap();

    // Faults: a 401 (tokens revoked), LWA refusing, an LWA outage, a dropped and a reset
    // connection, and a server that echoes the token back in an error body.
    sandbox.inject(Route::Api, Fault::ExpireTokens, 2);
    record("401", op.send_blocking(&blocking));
    record("401", rt.block_on(op.send_async(&asynch)));
    sandbox.revoke_tokens();
    sandbox.inject(Route::Api, Fault::ExpireTokens, 1);
    sandbox.inject(Route::Lwa, Fault::status(400), 2);
    record("invalid_grant", op.send_blocking(&blocking));
    sandbox.inject(Route::Api, Fault::ExpireTokens, 1);
    sandbox.inject(Route::Lwa, Fault::LwaOutage, 10);
    record("lwa outage", rt.block_on(op.send_async(&asynch)));
    sandbox.clear_faults();
    front.inject(Leg::Api, Misbehaviour::ResetMidBody, 1);
    front.inject(Leg::Api, Misbehaviour::DropAfterForward, 1);
    record("reset", op.send_blocking(&blocking));
    record("reset", rt.block_on(op.send_async(&asynch)));
    for token in (1..=40).map(|n| format!("Atza|sandbox-{n}")) {
        let body = format!(
            r#"{{"errors":[{{"code":"Unauthorized","message":"token {token} refused; secret {CLIENT_SECRET}"}}]}}"#
        );
        sandbox.inject(Route::Api, Fault::Status { status: 403, retry_after: None, body: Some(body) }, 1);
    }
    record("echo", op.send_blocking(&blocking));
    record("echo", rt.block_on(op.send_async(&asynch)));
    sandbox.clear_faults();

    // A rotation: LWA switches, the client is told.
    sandbox.set_credentials(CLIENT_ID, ROTATED_SECRET, REFRESH_TOKEN);
    sandbox.revoke_tokens();
    engine.rotate_client_secret(ROTATED_SECRET).unwrap();
    record("rotated", op.send_blocking(&blocking));
    sandbox.set_credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN);
    sandbox.revoke_tokens();
    record("old secret refused", rt.block_on(op.send_async(&asynch)));

    // Onboarding: an authorization code for a customer's tokens.
    let code = Secret::new(AUTH_CODE);
    let cust =
        amazon_business_blocking::Client::new(config(&sandbox.base_url(), &sandbox.lwa_url(), None)).unwrap();
    let mut customer_refresh = None;
    match cust.exchange_authorization_code(&code, "https://app.example/cb") {
        Ok(t) => {
            sink.push(&format!("code exchange: {t:?}"));
            customer_refresh = t.refresh_token.as_ref().map(|r| r.expose().to_owned());
        }
        Err(e) => sink.push(&format!("code exchange: {e} / {e:?}")),
    }
    sandbox.inject(Route::Lwa, Fault::status(400), 1);
    if let Err(e) = cust.exchange_authorization_code(&code, "https://app.example/cb") {
        sink.push(&format!("code refused: {e} / {e:?}"));
    }

    // A proxy with a password that cannot be reached, both clients.
    let proxy = format!("http://scan-user:{PROXY_PASSWORD}@{}", refused_addr());
    let pcfg = config(&sandbox.base_url(), &sandbox.lwa_url(), Some(&proxy));
    sink.push(&format!("proxy config: {pcfg:?} / {:?}", pcfg.proxy()));
    let pb = amazon_business_blocking::Client::new(pcfg.clone()).unwrap();
    record("proxy", op.send_blocking(&pb));
    let pa = rt.block_on(async { amazon_business_async::Client::new(pcfg.clone()).unwrap() });
    record("proxy", rt.block_on(op.send_async(&pa)));
    sink.push(&format!("proxy clients: {pb:?} {pa:?}"));

    // Debug of every public type that holds a secret.
    let token = AccessToken::new(Secret::new("Atza|sandbox-1"), SystemTime::now());
    let grant = parse_token_response(
        &http::Response::new(
            format!(r#"{{"access_token":"Atza|sandbox-2","refresh_token":"{REFRESH_TOKEN}","token_type":"bearer","expires_in":3600}}"#)
                .into_bytes(),
        ),
        SystemTime::now(),
    )
    .unwrap();
    sink.push(&format!(
        "types: {cfg:?} {:?} {engine:?} {blocking:?} {asynch:?} {token:?} {grant:?} {code:?} {:?} {:?}",
        cfg.credentials(),
        engine.store(),
        engine.credential_key(),
    ));
    sink.push(&format!("display: {}", cfg.credentials().client_secret()));
    // A panic whose message formats a config goes through the hook.
    let panicking = config(&sandbox.base_url(), &sandbox.lwa_url(), None);
    let _ = std::panic::catch_unwind(move || panic!("scan panic {panicking:?}"));
    let _ = std::panic::take_hook();

    let text = sink.text();
    assert!(text.contains("PANIC: "), "the panic hook did not capture");
    assert!(text.contains("x-amz-access-token"), "no debug dump of an API request was captured");
    let issued = sandbox.issue_token();
    let issued_n: u64 = issued.trim_start_matches("Atza|sandbox-").parse().unwrap();
    let mut secrets: Vec<String> = vec![
        CLIENT_SECRET.into(),
        ROTATED_SECRET.into(),
        REFRESH_TOKEN.into(),
        AUTH_CODE.into(),
        PROXY_PASSWORD.into(),
    ];
    secrets.extend(customer_refresh);
    // Every access token the emulator issued (followed by a non-digit, so that
    // `Atza|sandbox-1` does not match inside `Atza|sandbox-12`).
    let tokens: Vec<String> = (1..=issued_n).map(|n| format!("Atza|sandbox-{n}")).collect();
    let mut leaks = Vec::new();
    for s in &secrets {
        if let Some(at) = text.find(s.as_str()) {
            leaks.push(format!(
                "{s:?} at …{}…",
                &text[at.saturating_sub(120)..(at + s.len() + 40).min(text.len())]
            ));
        }
    }
    for t in &tokens {
        for (at, _) in text.match_indices(t.as_str()) {
            let next = text[at + t.len()..].chars().next();
            if !next.is_some_and(|c| c.is_ascii_digit()) {
                leaks.push(format!(
                    "{t:?} at …{}…",
                    &text[at.saturating_sub(160)..(at + t.len() + 40).min(text.len())]
                ));
                break;
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} secrets leaked into {} bytes of output:\n{}",
        leaks.len(),
        text.len(),
        leaks.join("\n\n")
    );
}
