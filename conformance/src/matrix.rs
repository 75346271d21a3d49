//! The fault matrix: fixed workloads for both clients against the emulator behind a
//! [`Hostile`] front, one scenario per row of `RELIABILITY.md`. The `reliability-matrix` binary
//! runs each row in a child process (so its peak RSS is its own) and writes the table;
//! `tests/faults.rs` runs every row at a smaller scale as an ordinary test.
//!
//! A workload mixes reads (`getReport`), paginated reads (`getOrdersByOrderDate`, three pages)
//! and writes (`placeOrder`, a fresh `externalId` each) over a few workers. Each call ends
//! *succeeded*, *failed* (a typed [`Error`], counted by [`ErrorKind`](amazon_business_core::ErrorKind)) or *lost* (it returned
//! neither within the deadline, or panicked). *Duplicated* counts orders the emulator
//! processed more than once for one `externalId`.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use amazon_business_core::apis::ordering::{PhysicalAddress, PlaceOrder, RequestLineItem};
use amazon_business_core::apis::reporting_legacy::GetOrdersByOrderDate;
use amazon_business_core::{
    Config, Credentials, DateTime, Engine, Environment, Error, RetryPolicy, Timeouts,
};
use serde_json::{json, Value};

use crate::fixtures::{load_examples, Example};
use crate::hostile::{refused_addr, Hostile, Leg, Misbehaviour};
use crate::replay::{build, TypedOp};
use crate::sandbox::{Fault, RetryAfter, Route, Sandbox};

/// Which client runs the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// `amazon-business-blocking`.
    Blocking,
    /// `amazon-business-async`.
    Async,
}

impl ClientKind {
    /// Both.
    pub const BOTH: [ClientKind; 2] = [ClientKind::Blocking, ClientKind::Async];

    /// `blocking` or `async`.
    pub fn name(self) -> &'static str {
        match self {
            ClientKind::Blocking => "blocking",
            ClientKind::Async => "async",
        }
    }
}

/// How big a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The matrix: 200 calls over 4 workers (scaled down where a scenario is slow).
    Full,
    /// The tests: 20 calls over 2 workers.
    Fast,
}

/// The per-exchange timeout of every workload.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// The connect timeout of every workload.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The longest `Retry-After` a workload waits by itself.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// A call that has not returned after this long is counted lost.
pub const CALL_DEADLINE: Duration = Duration::from_secs(60);

/// What one row measured.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// Calls that returned `Ok`.
    pub succeeded: usize,
    /// Calls that returned a typed error.
    pub failed: usize,
    /// Calls that returned neither (hung past the deadline, or panicked).
    pub lost: usize,
    /// Orders processed more than once for one `externalId`.
    pub duplicated: usize,
    /// The slowest call, in milliseconds.
    pub max_latency_ms: u64,
    /// Peak resident set of the process, in KiB (0 when not measured).
    pub peak_rss_kib: u64,
    /// Failures by error kind.
    pub errors: BTreeMap<String, usize>,
    /// Failures whose message is empty or does not name a cause (must stay 0).
    pub untyped: usize,
    /// LWA requests the hostile front saw.
    pub lwa_requests: usize,
    /// A sample failure message per kind.
    pub samples: BTreeMap<String, String>,
}

/// One row.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Stable id (`429-seconds`, …).
    pub id: &'static str,
    /// Group number in the issue (1–8).
    pub group: u8,
    /// What happens.
    pub description: &'static str,
}

macro_rules! scenarios {
    ($(($id:literal, $group:literal, $desc:literal)),* $(,)?) => {
        /// Every row, in order.
        pub const SCENARIOS: &[Scenario] = &[$(Scenario { id: $id, group: $group, description: $desc }),*];
    };
}

scenarios![
    ("baseline", 0, "no faults"),
    ("429-seconds", 1, "40 × 429 with Retry-After: 1"),
    ("429-http-date", 1, "40 × 429 with Retry-After as an HTTP date 1 s ahead"),
    ("429-absent", 1, "40 × 429 without Retry-After"),
    ("429-garbage", 1, "40 × 429 with Retry-After: soon"),
    ("429-beyond-cap", 1, "20 × 429 with Retry-After: 3600 (cap 5 s)"),
    ("5xx-reads", 2, "10 each of 500/502/503/504 on getReport"),
    ("5xx-writes", 2, "5 each of 500/502/503/504 on placeOrder"),
    ("refused", 3, "API port refused (nothing listens)"),
    ("drop-before-read", 3, "20 connections closed before the request is read"),
    ("drop-after-store", 3, "placeOrder stored, then the connection dropped (all orders)"),
    ("reset-mid-body", 3, "20 answers reset (RST) halfway through the body"),
    ("short-body", 3, "20 answers shorter than their Content-Length"),
    ("truncated-json", 4, "20 × 200 with truncated JSON on getReport"),
    ("invalid-json", 4, "20 × 200 with invalid JSON on getReport"),
    ("html-200", 4, "20 × 200 with an HTML body"),
    ("error-50mb", 4, "4 × 500 with a 50 MB body"),
    ("over-cap", 4, "4 × 200 with a 65 MiB body (cap 64 MiB)"),
    ("gzip-bomb", 4, "4 × 200 gzip-encoded, inflating to 1 GiB (not decoded)"),
    ("trickle", 5, "10 answers: head, then one byte a second"),
    ("silent", 5, "10 requests accepted and never answered"),
    ("slow-beyond-timeout", 5, "10 answers whose body comes after 3 s (timeout 2 s)"),
    ("token-expiry", 6, "every access token revoked 10 times mid-workload (3 in the test)"),
    ("lwa-500-5s", 6, "LWA answers 500 for 5 s"),
    ("lwa-invalid-grant", 6, "LWA answers invalid_grant to everything"),
    ("lwa-expires-0", 6, "LWA says expires_in 0 (token used once, refreshed next call)"),
    ("lwa-expires-negative", 6, "LWA says expires_in -5 (as 0)"),
    ("lwa-expires-huge", 6, "LWA says expires_in 1e300 (clamped to 1 h)"),
    ("lwa-expires-malformed", 6, "LWA says expires_in \"soon\""),
    ("secret-rotation", 7, "client secret rotated at LWA and in the client mid-workload"),
    ("download-stalled", 8, "document stalls after 1 MiB of 10 MiB"),
    ("download-gzip-bomb", 8, "document: gzip inflating to 2 GiB, streamed"),
    ("download-expired", 8, "document URL answers 403 Request has expired"),
    ("download-redirect", 8, "document URL answers 302 to another host"),
];

fn op(id: &str) -> TypedOp {
    let ex = load_examples().into_iter().find(|e| e.id == id).expect("example");
    build(&ex).expect("buildable").expect("typed")
}

fn page(token_in: Option<&str>, token_out: Option<&str>, order: &str) -> Example {
    let mut ex = Example::for_operation("getOrdersByOrderDate").id(format!("page-{order}"));
    ex = match token_in {
        Some(t) => ex.query_param("nextPageToken", t),
        None => {
            ex.query_param("startDate", "2024-01-01T00:00:00Z").query_param("endDate", "2024-01-31T00:00:00Z")
        }
    };
    let recorded =
        load_examples().into_iter().find(|e| e.id == "getOrdersByOrderDate-200-0").expect("example");
    let mut o = recorded.response.expect("body")["orders"][0].clone();
    o["orderId"] = json!(order);
    let mut response = json!({"orders": [o], "size": 1});
    if let Some(t) = token_out {
        response["nextPageToken"] = json!(t);
    }
    ex.status(200).response(response)
}

fn place(external_id: &str) -> PlaceOrder {
    PlaceOrder::new(external_id, [RequestLineItem::offer("line-1", "B07XYZ1234", "offer-1", 2)])
        .shipping_address(PhysicalAddress::new("Jane Buyer", "410 Terry Ave N", "Seattle", "98109", "US"))
}

fn pages() -> GetOrdersByOrderDate {
    GetOrdersByOrderDate::new(
        DateTime::parse("2024-01-01T00:00:00Z").expect("date"),
        DateTime::parse("2024-01-31T00:00:00Z").expect("date"),
    )
}

/// The client secret the workloads start with.
pub const CLIENT_SECRET: &str = "matrix-client-secret";
/// The client id of the workloads.
pub const CLIENT_ID: &str = "amzn1.application-oa2-client.matrix";
/// The refresh token of the workloads.
pub const REFRESH_TOKEN: &str = "Atzr|matrix-refresh";

/// The configuration a workload's client uses against `api` and `lwa`.
pub fn config(api: &str, lwa: &str) -> Config {
    Config::builder()
        .credentials(Credentials::new(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN).expect("credentials"))
        .environment(Environment::custom(api, lwa).expect("environment"))
        .user_email("buyer@example.com")
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(20))
                .max_delay(Duration::from_millis(500))
                .max_retry_after(MAX_RETRY_AFTER),
        )
        .timeouts(Timeouts::new(CONNECT_TIMEOUT, REQUEST_TIMEOUT))
        // Client-side pacing to the usage plans would stretch 200 calls over minutes; the
        // matrix measures fault handling (pacing has its own property test and emulator test).
        .pacing(false)
        .build()
        .expect("config")
}

enum Client {
    Blocking(amazon_business_blocking::Client),
    Async(amazon_business_async::Client, Arc<tokio::runtime::Runtime>),
}

/// What one unit of work is.
#[derive(Debug, Clone, Copy)]
enum Work {
    Read,
    Pages,
    Order,
    Download { url_index: usize, compressed: bool, expect: u64 },
}

struct Env {
    sandbox: Sandbox,
    hostile: Hostile,
    engine: Engine,
    client: Client,
    urls: Vec<String>,
}

fn setup(kind: ClientKind, api_override: Option<String>) -> Env {
    let sandbox =
        Sandbox::builder().credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN).spawn().expect("sandbox");
    sandbox.add_example(page(None, Some("p2"), "A"));
    sandbox.add_example(page(Some("p2"), Some("p3"), "B"));
    sandbox.add_example(page(Some("p3"), None, "C"));
    let hostile = Hostile::spawn(Some(sandbox.addr())).expect("hostile");
    let api = api_override.unwrap_or_else(|| hostile.base_url());
    let config = config(&api, &hostile.lwa_url());
    let engine = Engine::new(config.clone());
    let client = match kind {
        ClientKind::Blocking => Client::Blocking(amazon_business_blocking::Client::with_engine(
            engine.clone(),
            amazon_business_blocking::Http1Sender::new(&config).expect("sender"),
        )),
        ClientKind::Async => {
            let rt = Arc::new(
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("rt"),
            );
            let client = rt.block_on(async {
                amazon_business_async::Client::with_engine(
                    engine.clone(),
                    amazon_business_async::HyperSender::new(&config).expect("sender"),
                )
            });
            Client::Async(client, rt)
        }
    };
    Env { sandbox, hostile, engine, client, urls: Vec::new() }
}

fn counts(calls: usize, workers: usize) -> (usize, usize) {
    (calls, workers)
}

/// Calls and workers of a scenario at a scale.
fn size(id: &str, scale: Scale) -> (usize, usize) {
    let slow = matches!(id, "trickle" | "silent" | "slow-beyond-timeout" | "refused");
    let heavy = matches!(id, "error-50mb" | "over-cap" | "gzip-bomb");
    let download = id.starts_with("download-");
    match scale {
        Scale::Full if download => counts(4, 2),
        Scale::Fast if download => counts(2, 2),
        Scale::Full if heavy => counts(40, 4),
        Scale::Full if slow => counts(40, 4),
        Scale::Full => counts(200, 4),
        Scale::Fast if heavy || slow => counts(8, 2),
        Scale::Fast => counts(20, 2),
    }
}

fn inject(env: &mut Env, id: &str, scale: Scale) {
    let s = &env.sandbox;
    let h = &env.hostile;
    let n = |full: usize| if scale == Scale::Full { full } else { (full / 5).max(2) };
    let ahead = || RetryAfter::HttpDate(SystemTime::now() + Duration::from_secs(1));
    match id {
        "baseline" => {}
        "429-seconds" => s.inject(Route::Api, Fault::throttled(Some(RetryAfter::Seconds(1))), n(40)),
        "429-http-date" => s.inject(Route::Api, Fault::throttled(Some(ahead())), n(40)),
        "429-absent" => s.inject(Route::Api, Fault::throttled(None), n(40)),
        "429-garbage" => {
            let body = br#"{"errors":[{"code":"QuotaExceeded","message":"slow down"}]}"#.to_vec();
            let headers = vec![("retry-after".to_owned(), "soon".to_owned())];
            h.inject(Leg::Api, Misbehaviour::Raw { status: 429, headers, body }, n(40));
        }
        "429-beyond-cap" => s.inject(Route::Api, Fault::throttled(Some(RetryAfter::Seconds(3600))), n(20)),
        "5xx-reads" => {
            for st in [500, 502, 503, 504] {
                s.inject(Route::Operation("getReport"), Fault::status(st), n(10));
            }
        }
        "5xx-writes" => {
            for st in [500, 502, 503, 504] {
                s.inject(Route::Operation("placeOrder"), Fault::status(st), n(5));
            }
        }
        "refused" => {}
        "drop-before-read" => h.inject(Leg::Api, Misbehaviour::DropBeforeRead, n(20)),
        "drop-after-store" => s.inject(Route::Operation("placeOrder"), Fault::DropAfterProcessing, 1000),
        "reset-mid-body" => h.inject(Leg::Api, Misbehaviour::ResetMidBody, n(20)),
        "short-body" => h.inject(Leg::Api, Misbehaviour::ShortBody, n(20)),
        "truncated-json" => s.inject(
            Route::Operation("getReport"),
            Fault::Status { status: 200, retry_after: None, body: Some(r#"{"reportId":"ID3"#.into()) },
            n(20),
        ),
        "invalid-json" => s.inject(
            Route::Operation("getReport"),
            Fault::Status { status: 200, retry_after: None, body: Some("{reportId: ID3,,}".into()) },
            n(20),
        ),
        "html-200" => {
            let headers = vec![("content-type".to_owned(), "text/html".to_owned())];
            let body = b"<html><body><h1>Sign in</h1></body></html>".to_vec();
            h.inject(Leg::Api, Misbehaviour::Raw { status: 200, headers, body }, n(20));
        }
        "error-50mb" => h.inject(Leg::Api, Misbehaviour::Huge { status: 500, len: 50_000_000 }, 4),
        "over-cap" => h.inject(Leg::Api, Misbehaviour::Huge { status: 200, len: 65 * 1024 * 1024 }, 4),
        "gzip-bomb" => h.inject(Leg::Api, Misbehaviour::GzipBomb { inflated: 1 << 30 }, 4),
        "trickle" => h.inject(Leg::Api, Misbehaviour::Trickle, n(10)),
        "silent" => h.inject(Leg::Api, Misbehaviour::Silent, n(10)),
        "slow-beyond-timeout" => s.inject(Route::Api, Fault::SlowBody(Duration::from_secs(3)), n(10)),
        "token-expiry" => {} // during the run
        "lwa-500-5s" => h.inject_for(
            Leg::Lwa,
            Misbehaviour::Raw {
                status: 500,
                headers: vec![],
                body: br#"{"error":"server_error","error_description":"down"}"#.to_vec(),
            },
            Duration::from_secs(if scale == Scale::Full { 5 } else { 1 }),
        ),
        "lwa-invalid-grant" => s.inject(Route::Lwa, Fault::status(400), 100_000),
        "lwa-expires-0" => h.inject(Leg::Lwa, Misbehaviour::ExpiresIn("0".into()), 100_000),
        "lwa-expires-negative" => h.inject(Leg::Lwa, Misbehaviour::ExpiresIn("-5".into()), 100_000),
        "lwa-expires-huge" => h.inject(Leg::Lwa, Misbehaviour::ExpiresIn("1e300".into()), 100_000),
        "lwa-expires-malformed" => h.inject(Leg::Lwa, Misbehaviour::ExpiresIn("\"soon\"".into()), 100_000),
        "secret-rotation" => {} // during the run
        "download-stalled" => h.inject(Leg::Api, Misbehaviour::Stall { len: 10 << 20, sent: 1 << 20 }, 100),
        "download-gzip-bomb" => {
            let inflated = if scale == Scale::Full { 2u64 << 30 } else { 64 << 20 };
            h.inject(Leg::Api, Misbehaviour::GzipBomb { inflated }, 100);
        }
        "download-expired" => {
            let body =
                b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>".to_vec();
            h.inject(Leg::Api, Misbehaviour::Raw { status: 403, headers: vec![], body }, 100);
        }
        "download-redirect" => {
            let headers = vec![("location".to_owned(), "https://elsewhere.example/doc".to_owned())];
            h.inject(Leg::Api, Misbehaviour::Raw { status: 302, headers, body: Vec::new() }, 100);
        }
        other => panic!("unknown scenario {other}"),
    }
    if id.starts_with("download-") {
        env.urls.push(format!("{}/doc/{id}", env.hostile.base_url()));
    }
}

fn work_for(id: &str, i: usize, scale: Scale) -> Work {
    if id.starts_with("download-") {
        let expect = match (id, scale) {
            ("download-gzip-bomb", Scale::Full) => 2u64 << 30,
            ("download-gzip-bomb", Scale::Fast) => 64 << 20,
            _ => 0,
        };
        return Work::Download { url_index: 0, compressed: false, expect };
    }
    match i % 5 {
        0..=2 => Work::Read,
        3 => Work::Pages,
        _ => Work::Order,
    }
}

fn drain_read(mut r: impl Read) -> Result<u64, std::io::Error> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
    }
}

fn io_to_error(e: std::io::Error) -> Error {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        Some(inner) => inner.clone(),
        None => Error::Transport(amazon_business_core::error::TransportError::from(e)),
    }
}

fn short_mismatch(got: u64, expect: u64) -> Result<(), Error> {
    if expect != 0 && got != expect {
        return Err(Error::Transport(amazon_business_core::error::TransportError::new(
            amazon_business_core::error::TransportErrorKind::Protocol,
            format!("document was {got} bytes, expected {expect}"),
        )));
    }
    Ok(())
}

fn run_one_blocking(
    c: &amazon_business_blocking::Client,
    w: Work,
    ext: &str,
    urls: &[String],
) -> Result<(), Error> {
    match w {
        Work::Read => op("getReport-200-0").send_blocking(c).map(drop),
        Work::Pages => {
            c.all(pages(), None).and_then(|p| if p.len() == 3 { Ok(()) } else { Err(short_page(p.len())) })
        }
        Work::Order => c.send(&place(ext)).map(drop),
        Work::Download { url_index, compressed, expect } => {
            let r = c.download_report(&urls[url_index], compressed)?;
            let got = drain_read(r).map_err(io_to_error)?;
            short_mismatch(got, expect)
        }
    }
}

fn short_page(n: usize) -> Error {
    Error::Transport(amazon_business_core::error::TransportError::new(
        amazon_business_core::error::TransportErrorKind::Protocol,
        format!("pagination returned {n} pages, expected 3"),
    ))
}

async fn run_one_async(
    c: &amazon_business_async::Client,
    w: Work,
    ext: &str,
    urls: &[String],
) -> Result<(), Error> {
    use futures_util::StreamExt;
    match w {
        Work::Read => op("getReport-200-0").send_async(c).await.map(drop),
        Work::Pages => {
            let p = c.all(pages(), None).await?;
            if p.len() == 3 {
                Ok(())
            } else {
                Err(short_page(p.len()))
            }
        }
        Work::Order => c.send(&place(ext)).await.map(drop),
        Work::Download { url_index, compressed, expect } => {
            let stream = c.download_report(&urls[url_index], compressed).await?;
            let mut stream = Box::pin(stream);
            let mut got = 0u64;
            while let Some(chunk) = stream.next().await {
                got += chunk?.len() as u64;
            }
            short_mismatch(got, expect)
        }
    }
}

type Record = Arc<Mutex<(Outcome, Vec<Option<Result<(), Error>>>)>>;

fn record(rec: &Record, i: usize, r: Result<(), Error>, elapsed: Duration) {
    let mut g = rec.lock().unwrap_or_else(|p| p.into_inner());
    g.0.max_latency_ms = g.0.max_latency_ms.max(elapsed.as_millis() as u64);
    g.1[i] = Some(r);
}

/// Runs scenario `id` with `kind` at `scale`, in this process.
pub fn run(id: &str, kind: ClientKind, scale: Scale) -> Outcome {
    let api_override = (id == "refused").then(|| format!("http://{}", refused_addr()));
    let mut env = setup(kind, api_override);
    inject(&mut env, id, scale);
    let (calls, workers) = size(id, scale);
    let rec: Record = Arc::new(Mutex::new((Outcome::default(), (0..calls).map(|_| None).collect())));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let env = Arc::new(env);
    // Mid-workload events.
    let events = {
        let env = env.clone();
        let next = next.clone();
        let id = id.to_owned();
        std::thread::spawn(move || match id.as_str() {
            "token-expiry" => {
                let times = if scale == Scale::Full { 10 } else { 3 };
                for k in 1..=times {
                    while next.load(Ordering::SeqCst) < calls * k / (times + 1) {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    env.sandbox.revoke_tokens();
                }
            }
            "secret-rotation" => {
                while next.load(Ordering::SeqCst) < calls / 3 {
                    std::thread::sleep(Duration::from_millis(5));
                }
                // LWA switches first (old secret refused), the tokens go, then the client
                // learns the new secret while calls are in flight.
                env.sandbox.set_credentials(CLIENT_ID, "matrix-rotated-secret", REFRESH_TOKEN);
                env.sandbox.revoke_tokens();
                std::thread::sleep(Duration::from_millis(30));
                env.engine.rotate_client_secret("matrix-rotated-secret").expect("rotate");
            }
            _ => {}
        })
    };
    let id_owned = id.to_owned();
    let urls = env.urls.clone();
    match &env.client {
        Client::Blocking(c) => {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (c, rec, next, id, urls) =
                        (c.clone(), rec.clone(), next.clone(), id_owned.clone(), urls.clone());
                    std::thread::spawn(move || loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= calls {
                            return;
                        }
                        let t = Instant::now();
                        let ext = format!("po-{id}-{i}");
                        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            run_one_blocking(&c, work_for(&id, i, scale), &ext, &urls)
                        }));
                        if let Ok(r) = r {
                            record(&rec, i, r, t.elapsed());
                        }
                    })
                })
                .collect();
            let deadline = Instant::now() + CALL_DEADLINE * (calls as u32 / workers as u32 + 1).min(4);
            for h in handles {
                while !h.is_finished() && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
                if h.is_finished() {
                    let _ = h.join();
                }
            }
        }
        Client::Async(c, rt) => {
            let c = c.clone();
            let rec2 = rec.clone();
            let next2 = next.clone();
            rt.block_on(async move {
                let tasks: Vec<_> = (0..workers)
                    .map(|_| {
                        let (c, rec, next, id, urls) =
                            (c.clone(), rec2.clone(), next2.clone(), id_owned.clone(), urls.clone());
                        tokio::spawn(async move {
                            loop {
                                let i = next.fetch_add(1, Ordering::SeqCst);
                                if i >= calls {
                                    return;
                                }
                                let t = Instant::now();
                                let ext = format!("po-{id}-{i}");
                                let w = work_for(&id, i, scale);
                                let fut = run_one_async(&c, w, &ext, &urls);
                                if let Ok(r) = tokio::time::timeout(CALL_DEADLINE, fut).await {
                                    record(&rec, i, r, t.elapsed());
                                }
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    let _ = t.await;
                }
            });
        }
    }
    let _ = events.join();
    let _ = started;
    let mut g = rec.lock().unwrap_or_else(|p| p.into_inner());
    let (out, results) = &mut *g;
    for r in results.iter() {
        match r {
            None => out.lost += 1,
            Some(Ok(())) => out.succeeded += 1,
            Some(Err(e)) => {
                out.failed += 1;
                let kind = format!("{:?}", e.kind());
                let text = e.to_string();
                if text.trim().is_empty() || format!("{e:?}").trim().is_empty() {
                    out.untyped += 1;
                }
                out.samples.entry(kind.clone()).or_insert_with(|| text.chars().take(300).collect());
                *out.errors.entry(kind).or_default() += 1;
            }
        }
    }
    out.duplicated = duplicated(&env.sandbox);
    out.lwa_requests = env.hostile.lwa_requests();
    out.clone()
}

/// Orders the emulator processed more than once for one `externalId`.
pub fn duplicated(sandbox: &Sandbox) -> usize {
    let mut processed: BTreeMap<String, usize> = BTreeMap::new();
    for r in sandbox.requests() {
        if r.operation.as_deref() != Some("placeOrder") {
            continue;
        }
        let stored = r.status == Some(200) || r.fault == Some(Fault::DropAfterProcessing);
        if !stored {
            continue;
        }
        let ext = serde_json::from_slice::<Value>(&r.body)
            .ok()
            .and_then(|v| v.get("externalId").and_then(|x| x.as_str()).map(str::to_owned))
            .unwrap_or_default();
        *processed.entry(ext).or_default() += 1;
    }
    processed.values().map(|n| n.saturating_sub(1)).sum()
}

/// This process's peak resident set in KiB (Linux; 0 elsewhere).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Checks the matrix's requirements on one outcome, and the scenario's own expectation;
/// returns what is wrong.
pub fn violations(id: &str, o: &Outcome) -> Vec<String> {
    let mut v = Vec::new();
    if o.lost > 0 {
        v.push(format!("{} calls lost", o.lost));
    }
    if o.duplicated > 0 {
        v.push(format!("{} orders duplicated", o.duplicated));
    }
    if o.untyped > 0 {
        v.push(format!("{} failures without a cause", o.untyped));
    }
    let bound = (CALL_DEADLINE.as_millis() as u64) / 2;
    if o.max_latency_ms > bound {
        v.push(format!("a call took {} ms", o.max_latency_ms));
    }
    // Scenarios every call survives.
    // `expires_in` 0 or negative: the token is used once and refreshed by the next call; huge:
    // clamped to one hour (see `lwa::MAX_TOKEN_LIFETIME`).
    let all_ok = matches!(
        id,
        "baseline" | "drop-after-store" | "lwa-expires-0" | "lwa-expires-negative" | "lwa-expires-huge"
    );
    if all_ok && o.failed > 0 {
        v.push(format!("expected every call to succeed; {} failed: {:?}", o.failed, o.samples));
    }
    // Scenarios where a call may run out of its retry budget, with only these kinds.
    let budget: Option<&[&str]> = match id {
        // A burst longer than the five attempts of one call exhausts it.
        "5xx-reads" | "5xx-writes" => Some(&["Server", "OutcomeUnknown"]),
        "429-seconds" | "429-http-date" | "429-absent" | "429-garbage" => Some(&["QuotaExceeded"]),
        // Two revocations inside one call: the second 401 is reported (one refresh per call).
        "token-expiry" => Some(&["Unauthorized"]),
        _ => None,
    };
    if let Some(kinds) = budget {
        let bad: Vec<_> = o.errors.keys().filter(|k| !kinds.contains(&k.as_str())).collect();
        if !bad.is_empty() {
            v.push(format!("unexpected error kinds {bad:?}: {:?}", o.samples));
        }
        if o.succeeded * 10 < (o.succeeded + o.failed) * 7 {
            v.push(format!("only {} of {} calls succeeded", o.succeeded, o.succeeded + o.failed));
        }
    }
    let only = |kinds: &[&str]| -> Option<String> {
        let bad: Vec<_> = o.errors.keys().filter(|k| !kinds.contains(&k.as_str())).collect();
        (!bad.is_empty()).then(|| format!("unexpected error kinds {bad:?}: {:?}", o.samples))
    };
    let expect_kinds: Option<&[&str]> = match id {
        "refused" => Some(&["Transport"]),
        "lwa-invalid-grant" => Some(&["Lwa"]),
        "download-expired" => Some(&["Forbidden"]),
        "download-redirect" => Some(&["OtherStatus"]),
        "download-stalled" => Some(&["Transport"]),
        // LWA's answer is refused as undecodable, naming `expires_in`.
        "lwa-expires-malformed" => Some(&["Decode"]),
        _ => None,
    };
    if let Some(kinds) = expect_kinds {
        if o.succeeded > 0 {
            v.push(format!("{} calls succeeded where all must fail", o.succeeded));
        }
        v.extend(only(kinds));
    }
    let named = match id {
        "download-expired" => Some("expired"),
        "download-redirect" => Some("redirect"),
        "lwa-invalid-grant" => Some("invalid_grant"),
        "lwa-expires-malformed" => Some("expires_in"),
        _ => None,
    };
    // A refused refresh token is remembered: one exchange, every later call fails at once.
    if id == "lwa-invalid-grant" && o.lwa_requests > 1 {
        v.push(format!(
            "invalid_grant was asked {} times; it must be remembered after the first",
            o.lwa_requests
        ));
    }
    // `expires_in` huge is clamped, not refreshed on every call.
    if id == "lwa-expires-huge" && o.lwa_requests > 1 {
        v.push(format!("a clamped lifetime still asked LWA {} times", o.lwa_requests));
    }
    if let Some(word) = named {
        if !o.samples.values().all(|m| m.to_ascii_lowercase().contains(word)) {
            v.push(format!("the errors do not name the cause ({word}): {:?}", o.samples));
        }
    }
    v
}
