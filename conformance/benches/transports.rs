//! Bench binary for issue 12's transport, pacing, download and tenant figures:
//!
//! ```text
//! cargo bench -p amazon-business-conformance --bench transports [-- --quick] [-- SECTION…]
//! ```
//!
//! Sections (all by default): `overhead`, `pacing`, `download`, `cold`, `tenants`. `--quick`
//! shortens every section (for a smoke run; the committed figures come from a full run).
//! Every figure is measured against a baseline taken in the same process and run, and every
//! repeated measurement reports the median of its repetitions. No assertion is timed.
//!
//! 1. `overhead`: the SDK clients (token cached, pacing off) against the bare HTTP clients
//!    sending the byte-identical request (`ureq::Agent` with its default configuration,
//!    hyper-util's pooled legacy client), alternating, 5 repetitions, on a minimal loopback
//!    server (the emulator, single-threaded and logging every request, is the bottleneck at
//!    4 threads / 16 tasks) and on the emulator (the issue's setup). The `+ JSON` rows repeat the
//!    minimal-server runs with the bare client also decoding each body into a
//!    `serde_json::Value` (the SDK decodes it into its typed output either way). The
//!    `interleaved` rows run both clients in one window, alternating call by call on each
//!    thread or task, so that both meet the VM's scheduling at the same moments (separate
//!    windows scatter by ±30% here); a client's throughput is then its calls over the time
//!    spent in them. With `BENCH_TAIL=1` each repetition also prints both clients' latency
//!    quantiles (p10 to max, µs) to stderr, to tell a shift of the whole distribution from a
//!    heavier tail.
//! 2. `pacing`: 8 workers, 500 `getCart` calls, the emulator enforcing Cart's plan (2/s,
//!    burst 2) time-scaled; completions against the plan's limit, paced and unpaced, both
//!    clients. Draws `BENCHMARKS-pacing.svg` and writes `BENCHMARKS-pacing.csv`.
//! 3. `download`: a 200 MB gzip CSV served by the emulator, streamed and gunzipped by both
//!    clients, against `flate2` decoding the same bytes from memory; peak RSS growth.
//! 4. `cold`: 1,000 concurrent first calls on a cold token cache, LWA exchanges counted.
//! 5. `tenants`: 10,000 idle tenants with 400-character refresh tokens, RSS per tenant.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::{realistic_report_gzip, Sandbox};
use amazon_business_core::apis::documents::GetReport;
use amazon_business_core::{Config, Credentials, Environment, RetryPolicy};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};

// ---------------------------------------------------------------------------------------
// Small helpers

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Resets the peak-RSS mark to the current RSS (Linux: `5` into `clear_refs`); false when
/// the kernel refused, in which case peak growth is only an upper bound of earlier peaks.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok() && peak_rss_kib() <= rss_kib() + 64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[v.len() / 2]
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn config(base: &str, lwa: &str, pacing: bool) -> Config {
    Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.bench", "secret", "Atzr|bench").unwrap())
        .environment(Environment::custom(base, lwa).unwrap())
        .user_email("buyer@example.com")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .pacing(pacing)
        .build()
        .unwrap()
}

fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build().unwrap()
}

struct Args {
    quick: bool,
    sections: Vec<String>,
}

impl Args {
    fn wants(&self, section: &str) -> bool {
        self.sections.is_empty() || self.sections.iter().any(|s| s == section)
    }
}

// ---------------------------------------------------------------------------------------
#[path = "minimal/mod.rs"]
mod minimal;
use minimal::Minimal;

// ---------------------------------------------------------------------------------------
// 1. Transport overhead

/// One measured run: calls completed, wall time, per-call latencies (ns, sorted).
struct Run {
    calls: usize,
    elapsed: Duration,
    lat: Vec<u32>,
}

impl Run {
    fn throughput(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }
}

fn run_threads(threads: usize, dur: Duration, call: &(dyn Fn() + Sync)) -> Run {
    let barrier = Barrier::new(threads + 1);
    let lats = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = Vec::with_capacity(100_000);
                barrier.wait();
                let start = Instant::now();
                while start.elapsed() < dur {
                    let t = Instant::now();
                    call();
                    mine.push(t.elapsed().as_nanos().min(u128::from(u32::MAX)) as u32);
                }
                lats.lock().unwrap().extend(mine);
            });
        }
        barrier.wait();
    });
    let mut lat = lats.into_inner().unwrap();
    lat.sort_unstable();
    // Every thread ran for the window (plus at most one call).
    Run { calls: lat.len(), elapsed: dur, lat }
}

fn run_tasks<F, Fut>(rt: &tokio::runtime::Runtime, tasks: usize, dur: Duration, call: F) -> Run
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let mut lat = rt.block_on(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let call = call.clone();
                tokio::spawn(async move {
                    let mut mine = Vec::with_capacity(100_000);
                    while start.elapsed() < dur {
                        let t = Instant::now();
                        call().await;
                        mine.push(t.elapsed().as_nanos().min(u128::from(u32::MAX)) as u32);
                    }
                    mine
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        all
    });
    lat.sort_unstable();
    Run { calls: lat.len(), elapsed: dur, lat }
}

/// Splits the latencies of an interleaved window into a [`Run`] per client: its calls, and
/// the time spent in them per thread or task (so that `throughput` compares like with like).
fn interleaved_run(mut lat: Vec<u32>, lanes: usize) -> Run {
    lat.sort_unstable();
    let spent: u64 = lat.iter().map(|&l| u64::from(l)).sum();
    Run { calls: lat.len(), elapsed: Duration::from_nanos(spent / lanes as u64), lat }
}

/// One thread's or task's latencies (ns) in an interleaved window, per client.
#[derive(Default)]
struct Lanes {
    sdk: Vec<u32>,
    bare: Vec<u32>,
}

impl Lanes {
    /// Which client goes first this round (asked at its start): each in turn.
    fn order(&self) -> [bool; 2] {
        let sdk_first = self.sdk.len() & 1 == 0;
        [sdk_first, !sdk_first]
    }

    /// The call that started at `t` ended now.
    fn record(&mut self, sdk_turn: bool, t: Instant) {
        let l = t.elapsed().as_nanos().min(u128::from(u32::MAX)) as u32;
        if sdk_turn { &mut self.sdk } else { &mut self.bare }.push(l);
    }
}

/// Both clients in one window, call by call: each thread alternates an SDK call and a bare one
/// (which of the two goes first alternating as well), so both see the machine in the same
/// state at the same moment; what the host does to this VM's scheduling then cancels out.
fn run_threads_interleaved(
    threads: usize,
    dur: Duration,
    sdk: &(dyn Fn() + Sync),
    bare: &(dyn Fn() + Sync),
) -> (Run, Run) {
    let barrier = Barrier::new(threads + 1);
    let lats = Mutex::new((Vec::new(), Vec::new()));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut lanes = Lanes::default();
                barrier.wait();
                let start = Instant::now();
                while start.elapsed() < dur {
                    for sdk_turn in lanes.order() {
                        let t = Instant::now();
                        if sdk_turn {
                            sdk()
                        } else {
                            bare()
                        }
                        lanes.record(sdk_turn, t);
                    }
                }
                let mut all = lats.lock().unwrap();
                all.0.extend(lanes.sdk);
                all.1.extend(lanes.bare);
            });
        }
        barrier.wait();
    });
    let (a, b) = lats.into_inner().unwrap();
    (interleaved_run(a, threads), interleaved_run(b, threads))
}

/// [`run_threads_interleaved`] for tasks on `rt`.
fn run_tasks_interleaved<F, Fut, G, Gut>(
    rt: &tokio::runtime::Runtime,
    tasks: usize,
    dur: Duration,
    sdk: F,
    bare: G,
) -> (Run, Run)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
    G: Fn() -> Gut + Clone + Send + 'static,
    Gut: std::future::Future<Output = ()> + Send,
{
    let (a, b) = rt.block_on(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let (sdk, bare) = (sdk.clone(), bare.clone());
                tokio::spawn(async move {
                    let mut lanes = Lanes::default();
                    while start.elapsed() < dur {
                        for sdk_turn in lanes.order() {
                            let t = Instant::now();
                            if sdk_turn {
                                sdk().await
                            } else {
                                bare().await
                            }
                            lanes.record(sdk_turn, t);
                        }
                    }
                    (lanes.sdk, lanes.bare)
                })
            })
            .collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for h in handles {
            let (x, y) = h.await.unwrap();
            a.extend(x);
            b.extend(y);
        }
        (a, b)
    });
    (interleaved_run(a, tasks), interleaved_run(b, tasks))
}

/// The SDK's request as the server saw it, and the bare client's, both in wire order.
fn compare_heads(label: &str, sdk: &[String], bare: &[String]) {
    let mut a = sdk.to_vec();
    let mut b = bare.to_vec();
    let ordered = a == b;
    a.sort();
    b.sort();
    if a == b {
        println!(
            "  {label}: bare request has the SDK's exact request line and headers (same order: {ordered})"
        );
    } else {
        println!("  {label}: REQUESTS DIFFER\n    sdk:  {sdk:?}\n    bare: {bare:?}");
    }
}

struct Pair {
    ratio: Vec<f64>,
    sdk_tp: Vec<f64>,
    bare_tp: Vec<f64>,
    p50: Vec<(f64, f64)>,
    p99: Vec<(f64, f64)>,
}

impl Pair {
    fn new() -> Pair {
        Pair { ratio: vec![], sdk_tp: vec![], bare_tp: vec![], p50: vec![], p99: vec![] }
    }

    fn add(&mut self, sdk: &Run, bare: &Run) {
        self.ratio.push(sdk.throughput() / bare.throughput());
        self.sdk_tp.push(sdk.throughput());
        self.bare_tp.push(bare.throughput());
        self.p50.push((percentile(&sdk.lat, 0.5), percentile(&bare.lat, 0.5)));
        self.p99.push((percentile(&sdk.lat, 0.99), percentile(&bare.lat, 0.99)));
        if std::env::var("BENCH_TAIL").is_ok() {
            for (n, r) in [("sdk", sdk), ("bare", bare)] {
                let q: Vec<String> = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0]
                    .iter()
                    .map(|&q| format!("{:.0}", percentile(&r.lat, q)))
                    .collect();
                let mean = r.lat.iter().map(|&l| l as f64).sum::<f64>() / r.lat.len() as f64 / 1000.0;
                eprintln!("TAIL {n:>4} n={} mean={mean:.1} q={}", r.lat.len(), q.join(" "));
            }
        }
    }

    fn report(&self, label: &str) {
        let sdk50 = median(self.p50.iter().map(|p| p.0).collect());
        let bare50 = median(self.p50.iter().map(|p| p.1).collect());
        let sdk99 = median(self.p99.iter().map(|p| p.0).collect());
        let bare99 = median(self.p99.iter().map(|p| p.1).collect());
        let ratios: Vec<String> = self.ratio.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "  | {label:<34} | {:>7.0} | {:>7.0} | **{:.2}** ({}) | {:.1} vs {:.1} (+{:.1}) | {:.1} vs {:.1} (+{:.1}) |",
            median(self.sdk_tp.clone()),
            median(self.bare_tp.clone()),
            median(self.ratio.clone()),
            ratios.join(" "),
            sdk50,
            bare50,
            sdk50 - bare50,
            sdk99,
            bare99,
            sdk99 - bare99,
        );
    }
}

fn overhead(args: &Args) {
    let dur = Duration::from_millis(if args.quick { 150 } else { 500 });
    let reps = if args.quick { 3 } else { 5 };
    println!(
        "\n## 1. Transport overhead ({reps} alternating repetitions of {} ms per client, medians)",
        dur.as_millis()
    );

    // The minimal server, then the emulator.
    let minimal = Minimal::spawn();
    let sandbox = Sandbox::builder().spawn().unwrap();
    for server in ["minimal", "emulator"] {
        let (base, lwa) = match server {
            "minimal" => (minimal.base_url(), format!("{}/auth/o2/token", minimal.base_url())),
            _ => (sandbox.base_url(), sandbox.lwa_url()),
        };
        let cfg = config(&base, &lwa, false);
        let op = GetReport::new("ID323");
        let blocking = amazon_business_blocking::Client::new(cfg.clone()).unwrap();
        let rt = runtime(2);
        let asynch = rt.block_on(async { amazon_business_async::Client::new(cfg.clone()).unwrap() });

        // Warm up (token cached) and capture the SDK's request.
        minimal.capture_on.store(true, Ordering::SeqCst);
        blocking.send(&op).unwrap();
        rt.block_on(asynch.send(&op)).unwrap();
        let sdk_head = minimal.capture.lock().unwrap().take();
        let logged = sandbox.requests();
        let sdk_logged = logged.iter().rev().find(|r| !r.lwa).cloned();

        // The bare clients send the same request line and headers, with a valid token.
        let token = match server {
            "minimal" => format!("Atza|{:0>395}", 0),
            _ => sandbox.issue_token(),
        };
        let url = format!("{base}/reports/2021-09-30/reports/ID323");
        let headers: Vec<(String, String)> = match (&sdk_head, &sdk_logged, server) {
            (Some(head), _, "minimal") => head[1..]
                .iter()
                .filter_map(|h| h.split_once(": "))
                .filter(|(k, _)| *k != "host")
                .map(|(k, v)| {
                    (k.to_owned(), if k == "x-amz-access-token" { token.clone() } else { v.to_owned() })
                })
                .collect(),
            (_, Some(r), _) => r
                .headers
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if k.eq_ignore_ascii_case("x-amz-access-token") { token.clone() } else { v.clone() },
                    )
                })
                .collect(),
            _ => panic!("the SDK's request was not seen"),
        };
        let agent = ureq::Agent::new_with_defaults();
        let ureq_call = || {
            let mut req = agent.get(&url);
            for (k, v) in &headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let resp = req.call().unwrap();
            let body = resp.into_body().read_to_vec().unwrap();
            assert!(body.len() > 100);
            body
        };
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        connector.set_nodelay(true);
        let hyper_client: hyper_util::client::legacy::Client<_, Empty<Bytes>> = rt.block_on(async {
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector)
        });
        let hyper_req = {
            let headers = headers.clone();
            let uri: http::Uri = url.parse().unwrap();
            move || {
                let mut b = http::Request::get(uri.clone());
                for (k, v) in &headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.body(Empty::<Bytes>::new()).unwrap()
            }
        };

        // Check the requests are the same.
        if server == "minimal" {
            minimal.capture_on.store(true, Ordering::SeqCst);
            let _ = ureq_call();
            let ureq_head = minimal.capture.lock().unwrap().take().unwrap();
            minimal.capture_on.store(true, Ordering::SeqCst);
            let hc = hyper_client.clone();
            let r = hyper_req();
            rt.block_on(async move { hc.request(r).await.unwrap().into_body().collect().await.unwrap() });
            let hyper_head = minimal.capture.lock().unwrap().take().unwrap();
            let sdk_head = sdk_head.clone().unwrap();
            // The SDK's async request was the one captured last; both SDK clients send the same.
            compare_heads("blocking SDK vs ureq", &sdk_head, &ureq_head);
            compare_heads("async SDK vs hyper", &sdk_head, &hyper_head);
        } else {
            sandbox.reset_counters();
            let _ = ureq_call();
            let r = sandbox.requests().into_iter().find(|r| !r.lwa).unwrap();
            let show = |r: &amazon_business_conformance::sandbox::LoggedRequest| {
                let mut v = vec![format!("{} {}", r.method, r.path)];
                v.extend(r.headers.iter().map(|(k, v)| format!("{}: {v}", k.to_ascii_lowercase())));
                v
            };
            compare_heads(
                "blocking SDK vs ureq (emulator log)",
                &show(sdk_logged.as_ref().unwrap()),
                &show(&r),
            );
        }

        // The last field: the bare client also decodes the body into a `serde_json::Value`, as a
        // user of a bare client must before using the answer (the SDK decodes it into its type).
        // The last two fields: whether the bare client also decodes the body into a
        // `serde_json::Value`, and whether the two clients run interleaved call by call in one
        // window (`run_*_interleaved`) instead of in alternating windows of their own.
        let mut matrix: Vec<(&str, usize, bool, bool)> = vec![
            ("blocking", 1, false, false),
            ("blocking", 4, false, false),
            ("async", 1, false, false),
            ("async", 16, false, false),
        ];
        if server == "minimal" {
            matrix.extend([("blocking", 1, true, false), ("blocking", 4, true, false)]);
            matrix.extend([("async", 1, true, false), ("async", 16, true, false)]);
        }
        for (kind, n) in [("blocking", 1), ("blocking", 4), ("async", 1), ("async", 16)] {
            matrix.push((kind, n, false, true));
        }
        println!("\n  Server: {server}. SDK vs bare: calls/s, ratio (each repetition), p50 and p99 latency in µs (SDK vs bare, added)");
        println!("  | client | SDK calls/s | bare calls/s | ratio | p50 µs | p99 µs |\n  |---|---|---|---|---|---|");
        let sdk_blocking = || {
            blocking.send(&op).unwrap();
        };
        let bare_blocking = |json: bool| {
            move || {
                let body = ureq_call();
                if json {
                    std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).unwrap());
                }
            }
        };
        let sdk_async = {
            let (c, op) = (asynch.clone(), Arc::new(GetReport::new("ID323")));
            move || {
                let (c, op) = (c.clone(), op.clone());
                async move {
                    c.send(&*op).await.unwrap();
                }
            }
        };
        let bare_async = |json: bool| {
            let (hc, mk) = (hyper_client.clone(), Arc::new(hyper_req.clone()));
            move || {
                let (hc, mk) = (hc.clone(), mk.clone());
                async move {
                    let resp = hc.request(mk()).await.unwrap();
                    let body = resp.into_body().collect().await.unwrap().to_bytes();
                    assert!(body.len() > 100);
                    if json {
                        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).unwrap());
                    }
                }
            }
        };
        for &(kind, n, json, interleaved) in &matrix {
            let mut pair = Pair::new();
            for rep in 0..reps {
                let (sdk_run, bare_run) = match (kind, interleaved) {
                    ("blocking", true) => {
                        run_threads_interleaved(n, dur, &sdk_blocking, &bare_blocking(json))
                    }
                    (_, true) => run_tasks_interleaved(&rt, n, dur, sdk_async.clone(), bare_async(json)),
                    _ => {
                        // Alternating windows, which client goes first alternating too.
                        let sdk_first = rep % 2 == 1;
                        let mut runs = [None, None];
                        for turn in 0..2 {
                            let sdk_turn = (turn == 0) == sdk_first;
                            runs[usize::from(!sdk_turn)] = Some(match (kind, sdk_turn) {
                                ("blocking", true) => run_threads(n, dur, &sdk_blocking),
                                ("blocking", false) => run_threads(n, dur, &bare_blocking(json)),
                                (_, true) => run_tasks(&rt, n, dur, sdk_async.clone()),
                                (_, false) => run_tasks(&rt, n, dur, bare_async(json)),
                            });
                        }
                        let [sdk, bare] = runs;
                        (sdk.unwrap(), bare.unwrap())
                    }
                };
                pair.add(&sdk_run, &bare_run);
            }
            let plus = if json { " + JSON" } else { "" };
            let how = if interleaved { ", interleaved" } else { "" };
            let label = if kind == "blocking" {
                format!("blocking vs ureq{plus}, {n} thread{}{how}", if n > 1 { "s" } else { "" })
            } else {
                format!("async vs hyper{plus}, {n} task{}{how}", if n > 1 { "s" } else { "" })
            };
            pair.report(&label);
        }
        if server == "emulator" {
            sandbox.reset_counters();
        }
    }
    println!(
        "  (LWA exchanges on the minimal server: {}, i.e. tokens stayed cached)",
        minimal.lwa.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------
// 2. Pacing

/// Timestamps of what the wire saw, recorded by a wrapping sender.
#[derive(Default)]
struct WireLog {
    throttled: Mutex<Vec<Duration>>,
}

struct PacingRun {
    label: String,
    completions: Vec<Duration>,
    throttled: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

fn pacing(args: &Args) {
    let calls = if args.quick { 120 } else { 500 };
    let workers = 8;
    let scale = 25.0;
    let (rate, burst) = (2.0 * scale, 2.0);
    println!(
        "\n## 2. Pacing: {workers} workers, {calls} getCart calls, Cart's plan (2/s, burst 2) enforced at time scale {scale} (= {rate}/s, burst {burst})"
    );
    let ex = load_examples().into_iter().find(|e| e.id == "getCart-200-0").unwrap();
    let op = Arc::new(build(&ex).unwrap().unwrap());

    // What rate does the emulator announce?
    let probe = Sandbox::builder().enforce_usage_plans(scale).spawn().unwrap();
    let token = probe.issue_token();
    let resp = ureq::Agent::new_with_defaults()
        .get(format!("{}/cart/2025-04-30/carts/cart-123?region=US", probe.base_url()))
        .header("x-amz-access-token", &token)
        .header("x-amz-user-email", "buyer@example.com")
        .call()
        .unwrap();
    let announced =
        resp.headers().get("x-amzn-ratelimit-limit").and_then(|v| v.to_str().ok()).map(str::to_owned);
    println!(
        "  The emulator announces x-amzn-RateLimit-Limit: {} (enforced: {rate}/s){}",
        announced.as_deref().unwrap_or("(none)"),
        match announced.as_deref().and_then(|a| a.parse::<f64>().ok()) {
            Some(a) if (a - rate).abs() < 1e-9 => " — the scaled rate",
            Some(_) => " — NOT the scaled rate: the paced client paces to the announced rate",
            None => "",
        }
    );
    drop(probe);

    // A paced run that follows a wrong (unscaled) announcement would take calls/2 s: cap it.
    let deadline = Duration::from_secs(if args.quick { 8 } else { 25 });
    let mut runs = Vec::new();
    for pacing_on in [true, false] {
        for kind in ["blocking", "async"] {
            let sandbox = Sandbox::builder().enforce_usage_plans(scale).spawn().unwrap();
            let cfg = config(&sandbox.base_url(), &sandbox.lwa_url(), pacing_on);
            // Take the token outside the measured window, like a long-running service.
            let wire = Arc::new(WireLog::default());
            let left = Arc::new(AtomicUsize::new(calls));
            let done = Arc::new(Mutex::new(Vec::new()));
            let failures = Arc::new(AtomicUsize::new(0));
            let start;
            if kind == "blocking" {
                let inner = amazon_business_blocking::Http1Sender::new(&cfg).unwrap();
                let w = wire.clone();
                let t0 = Arc::new(Mutex::new(Instant::now()));
                let t0c = t0.clone();
                let sender = move |req: http::Request<Vec<u8>>| {
                    use amazon_business_blocking::HttpSend;
                    let resp = inner.send(req)?;
                    if resp.status() == 429 {
                        w.throttled.lock().unwrap().push(t0c.lock().unwrap().elapsed());
                    }
                    Ok::<_, amazon_business_core::error::TransportError>(resp)
                };
                let client = amazon_business_blocking::Client::with_sender(cfg, sender);
                client.engine().seed_token(warm_token(&sandbox));
                start = Instant::now();
                *t0.lock().unwrap() = start;
                std::thread::scope(|s| {
                    for _ in 0..workers {
                        let (client, op, left, done, failures) =
                            (client.clone(), op.clone(), left.clone(), done.clone(), failures.clone());
                        s.spawn(move || {
                            while start.elapsed() < deadline
                                && left
                                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                                    .is_ok()
                            {
                                match op.send_blocking(&client) {
                                    Ok(_) => done.lock().unwrap().push(start.elapsed()),
                                    Err(_) => drop(failures.fetch_add(1, Ordering::Relaxed)),
                                }
                            }
                        });
                    }
                });
            } else {
                let rt = runtime(2);
                let inner = rt.block_on(async { amazon_business_async::HyperSender::new(&cfg).unwrap() });
                let w = wire.clone();
                let t0 = Arc::new(Mutex::new(Instant::now()));
                let t0c = t0.clone();
                let sender = move |req: http::Request<Vec<u8>>| {
                    use amazon_business_async::HttpSend;
                    let (inner, w, t0c) = (inner.clone(), w.clone(), t0c.clone());
                    async move {
                        let resp = inner.send(req).await?;
                        if resp.status() == 429 {
                            w.throttled.lock().unwrap().push(t0c.lock().unwrap().elapsed());
                        }
                        Ok::<_, amazon_business_core::error::TransportError>(resp)
                    }
                };
                let client = rt.block_on(async { amazon_business_async::Client::with_sender(cfg, sender) });
                client.engine().seed_token(warm_token(&sandbox));
                start = Instant::now();
                *t0.lock().unwrap() = start;
                rt.block_on(async {
                    let handles: Vec<_> = (0..workers)
                        .map(|_| {
                            let (client, op, left, done, failures) =
                                (client.clone(), op.clone(), left.clone(), done.clone(), failures.clone());
                            tokio::spawn(async move {
                                while start.elapsed() < deadline
                                    && left
                                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                            n.checked_sub(1)
                                        })
                                        .is_ok()
                                {
                                    match op.send_async(&client).await {
                                        Ok(_) => done.lock().unwrap().push(start.elapsed()),
                                        Err(_) => drop(failures.fetch_add(1, Ordering::Relaxed)),
                                    }
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.unwrap();
                    }
                });
            }
            let elapsed = start.elapsed();
            let mut completions = done.lock().unwrap().clone();
            completions.sort();
            let mut throttled = wire.throttled.lock().unwrap().clone();
            throttled.sort();
            let server_429 = sandbox.requests().iter().filter(|r| r.status == Some(429)).count();
            assert_eq!(server_429, throttled.len(), "the wire log and the emulator disagree");
            runs.push(PacingRun {
                label: format!("{kind}, {}", if pacing_on { "paced" } else { "unpaced" }),
                completions,
                throttled,
                failures: failures.load(Ordering::Relaxed),
                elapsed,
            });
        }
    }
    println!("  | client | calls done | failed | elapsed s | 429s | achieved / limit (burst + rate × elapsed) |\n  |---|---|---|---|---|---|");
    for r in &runs {
        // The limit over the span the calls actually took: from start to the last completion.
        let span = r.completions.last().copied().unwrap_or(r.elapsed).as_secs_f64();
        let limit = burst + rate * span;
        println!(
            "  | {:<17} | {:>4} | {:>3} | {:>6.2} | {:>4} | **{:.3}** ({} of {:.0}) |",
            r.label,
            r.completions.len(),
            r.failures,
            span,
            r.throttled.len(),
            r.completions.len() as f64 / limit,
            r.completions.len(),
            limit
        );
    }
    write_pacing_csv(&runs);
    draw_pacing(&runs, rate, burst, scale);
}

/// A token issued by the emulator, handed to the engine as if an earlier call had fetched it.
fn warm_token(sandbox: &Sandbox) -> amazon_business_core::lwa::AccessToken {
    let token = sandbox.issue_token();
    amazon_business_core::lwa::AccessToken::new(
        token.into(),
        std::time::SystemTime::now() + Duration::from_secs(3600),
    )
}

fn write_pacing_csv(runs: &[PacingRun]) {
    let mut out = String::from("run,event,seconds\n");
    for r in runs {
        for c in &r.completions {
            out.push_str(&format!("{},completion,{:.4}\n", r.label, c.as_secs_f64()));
        }
        for t in &r.throttled {
            out.push_str(&format!("{},429,{:.4}\n", r.label, t.as_secs_f64()));
        }
    }
    std::fs::write(repo_root().join("BENCHMARKS-pacing.csv"), out).unwrap();
}

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn draw_pacing(runs: &[PacingRun], rate: f64, burst: f64, scale: f64) {
    use plotters::prelude::*;
    let path = repo_root().join("BENCHMARKS-pacing.svg");
    let xmax = runs
        .iter()
        .map(|r| r.completions.last().copied().unwrap_or(r.elapsed).as_secs_f64())
        .fold(0.1, f64::max)
        * 1.05;
    let ymax = runs.iter().map(|r| r.completions.len()).max().unwrap_or(1) as f64 * 1.1;
    let root = SVGBackend::new(&path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("8 workers, getCart under Cart's plan (2/s, burst 2) at time scale {scale}"),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)
        .unwrap();
    chart.configure_mesh().x_desc("seconds since the first call").y_desc("calls completed").draw().unwrap();
    chart
        .draw_series(LineSeries::new([(0.0, burst), (xmax, burst + rate * xmax)], BLACK.stroke_width(2)))
        .unwrap()
        .label(format!("plan limit: {burst} + {rate}/s × t"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(2)));
    let colours = [BLUE, GREEN, MAGENTA, CYAN];
    for (r, colour) in runs.iter().zip(colours) {
        let points: Vec<(f64, f64)> =
            r.completions.iter().enumerate().map(|(i, t)| (t.as_secs_f64(), (i + 1) as f64)).collect();
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .unwrap()
            .label(format!("{} ({} × 429)", r.label, r.throttled.len()))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
        // Each 429 is a red cross on its run's curve, at the time it came back.
        let crosses: Vec<(f64, f64)> = r
            .throttled
            .iter()
            .map(|t| (t.as_secs_f64(), r.completions.partition_point(|c| c <= t) as f64))
            .collect();
        chart.draw_series(crosses.into_iter().map(|p| Cross::new(p, 3, RED.stroke_width(1)))).unwrap();
    }
    chart
        .draw_series(std::iter::once(Cross::new((-1.0, -1.0), 3, RED.stroke_width(1))))
        .unwrap()
        .label("a 429 answer")
        .legend(|(x, y)| Cross::new((x + 10, y), 3, RED.stroke_width(1)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .unwrap();
    root.present().unwrap();
    println!("  Chart: {} (data: BENCHMARKS-pacing.csv)", path.file_name().unwrap().to_string_lossy());
}

// ---------------------------------------------------------------------------------------
// 3. Download

fn download(args: &Args) {
    let size = if args.quick { 32 << 20 } else { 200_000_000 };
    let reps = 3;
    let started = Instant::now();
    let (gz, plain_len) = realistic_report_gzip(size, 0x5eed);
    println!(
        "\n## 3. Download: {:.0} MB CSV ({:.1} MB gzip, ratio {:.1}:1, generated in {:.1} s), {reps} repetitions, medians",
        plain_len as f64 / 1e6,
        gz.len() as f64 / 1e6,
        plain_len as f64 / gz.len() as f64,
        started.elapsed().as_secs_f64()
    );
    let sandbox = Sandbox::builder().spawn().unwrap();
    let url = sandbox.serve_document("report.csv.gz", gz.clone());
    let cfg = config(&sandbox.base_url(), &sandbox.lwa_url(), false);
    let blocking = amazon_business_blocking::Client::new(cfg.clone()).unwrap();
    let rt = runtime(2);
    let asynch = rt.block_on(async { amazon_business_async::Client::new(cfg).unwrap() });

    let mut results: BTreeMap<&str, (Vec<f64>, Vec<u64>)> = BTreeMap::new();
    let mut reset_ok = true;
    for _ in 0..reps {
        for which in ["flate2 from memory", "blocking", "async"] {
            reset_ok &= reset_peak_rss();
            let before = rss_kib();
            let t = Instant::now();
            let total = match which {
                "flate2 from memory" => {
                    let mut d = flate2::read::MultiGzDecoder::new(&gz[..]);
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut total = 0;
                    loop {
                        let n = d.read(&mut buf).unwrap();
                        if n == 0 {
                            break total;
                        }
                        total += n;
                    }
                }
                "blocking" => {
                    let mut r = blocking.download_report(&url, true).unwrap();
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut total = 0;
                    loop {
                        let n = r.read(&mut buf).unwrap();
                        if n == 0 {
                            break total;
                        }
                        total += n;
                    }
                }
                _ => rt.block_on(async {
                    use futures_util::StreamExt;
                    let mut s = Box::pin(asynch.download_report(&url, true).await.unwrap());
                    let mut total = 0;
                    while let Some(chunk) = s.next().await {
                        total += chunk.unwrap().len();
                    }
                    total
                }),
            };
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(total, plain_len, "{which}: wrong length");
            let grew = peak_rss_kib().saturating_sub(before);
            let e = results.entry(which).or_default();
            e.0.push(total as f64 / 1e6 / secs);
            e.1.push(grew);
        }
    }
    let base = median(results["flate2 from memory"].0.clone());
    println!("  | path | MB/s (uncompressed) | vs flate2 | peak RSS growth |\n  |---|---|---|---|");
    for which in ["flate2 from memory", "blocking", "async"] {
        let (tp, grew) = &results[which];
        let mut g = grew.clone();
        g.sort();
        let tp = median(tp.clone());
        println!(
            "  | {which:<18} | {tp:>6.0} | **{:.2}** | {:.1} MiB (max {:.1}) |",
            tp / base,
            g[g.len() / 2] as f64 / 1024.0,
            g[g.len() - 1] as f64 / 1024.0
        );
    }
    if !reset_ok {
        println!("  (the kernel did not reset VmHWM: growth figures are upper bounds)");
    }
}

// ---------------------------------------------------------------------------------------
// 4. Cold start

fn cold(args: &Args) {
    let n = if args.quick { 200 } else { 1000 };
    println!("\n## 4. Cold start: {n} concurrent first calls on a cold token cache");
    let op = GetReport::new("ID323");
    {
        let sandbox = Sandbox::builder().spawn().unwrap();
        let client =
            amazon_business_blocking::Client::new(config(&sandbox.base_url(), &sandbox.lwa_url(), false))
                .unwrap();
        let barrier = Barrier::new(n);
        let ok = AtomicUsize::new(0);
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..n {
                std::thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(s, || {
                        barrier.wait();
                        if client.send(&op).is_ok() {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                    .unwrap();
            }
        });
        println!(
            "  blocking ({n} threads): {} ok, {} getReport requests, **{} LWA exchange(s)**, {:.2} s",
            ok.load(Ordering::Relaxed),
            sandbox.count("getReport"),
            sandbox.lwa_exchanges(),
            t.elapsed().as_secs_f64()
        );
    }
    {
        let sandbox = Sandbox::builder().spawn().unwrap();
        let rt = runtime(2);
        let client = rt.block_on(async {
            amazon_business_async::Client::new(config(&sandbox.base_url(), &sandbox.lwa_url(), false))
                .unwrap()
        });
        let t = Instant::now();
        let ok = rt.block_on(async {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.send(&GetReport::new("ID323")).await.is_ok() })
                })
                .collect();
            let mut ok = 0;
            for h in handles {
                ok += usize::from(h.await.unwrap());
            }
            ok
        });
        println!(
            "  async ({n} tasks): {ok} ok, {} getReport requests, **{} LWA exchange(s)**, {:.2} s",
            sandbox.count("getReport"),
            sandbox.lwa_exchanges(),
            t.elapsed().as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------------------
// 5. Tenants

fn tenants(args: &Args) {
    let n = if args.quick { 2_000 } else { 10_000 };
    println!(
        "\n## 5. Tenants: {n} idle tenants, 400-character refresh tokens, one call each (minimal server: ~400-character access tokens; pacing on)"
    );
    let server = Minimal::spawn();
    let base = server.base_url();
    let cfg = config(&base, &format!("{base}/auth/o2/token"), true);
    let op = GetReport::new("ID323");
    let mut keep = Vec::new();
    for kind in ["blocking", "async"] {
        let mut seed = 0x1234_5678_9abc_def0_u64 ^ kind.len() as u64;
        let mut token = || {
            const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut t = String::from("Atzr|");
            while t.len() < 400 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push(B64[(seed % 64) as usize] as char);
            }
            t
        };
        let tokens: Vec<String> = (0..n).map(|_| token()).collect();
        let before;
        let after;
        let t = Instant::now();
        if kind == "blocking" {
            let client = amazon_business_blocking::Client::new(cfg.clone()).unwrap();
            client.send(&op).unwrap();
            before = rss_kib();
            let mut all = Vec::with_capacity(n);
            for tok in &tokens {
                let tenant = client.with_refresh_token(tok.as_str()).unwrap();
                tenant.send(&op).unwrap();
                all.push(tenant);
            }
            after = rss_kib();
            // Kept alive: freed memory would be reused by the next measurement.
            keep.push(Box::new(all) as Box<dyn std::any::Any>);
        } else {
            let rt = runtime(2);
            let client = rt.block_on(async { amazon_business_async::Client::new(cfg.clone()).unwrap() });
            rt.block_on(client.send(&op)).unwrap();
            before = rss_kib();
            let all = rt.block_on(async {
                let mut all = Vec::with_capacity(n);
                for tok in &tokens {
                    let tenant = client.with_refresh_token(tok.as_str()).unwrap();
                    tenant.send(&op).await.unwrap();
                    all.push(tenant);
                }
                all
            });
            after = rss_kib();
            keep.push(Box::new(all) as Box<dyn std::any::Any>);
        }
        println!(
            "  {kind}: RSS +{:.1} MiB for {n} tenants = **{:.2} KiB per tenant** (refresh token 400 B, access token ~400 B; {:.1} s)",
            after.saturating_sub(before) as f64 / 1024.0,
            after.saturating_sub(before) as f64 / n as f64,
            t.elapsed().as_secs_f64()
        );
    }
    println!("  (LWA exchanges served: {})", server.lwa.load(Ordering::Relaxed));
}

fn main() {
    let mut args = Args { quick: false, sections: Vec::new() };
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--bench" => {}
            "--quick" => args.quick = true,
            s if !s.starts_with('-') => args.sections.push(s.to_owned()),
            other => {
                eprintln!("unknown flag {other}; usage: transports [--quick] [overhead|pacing|download|cold|tenants]…");
                std::process::exit(2);
            }
        }
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "# transports bench: {cores} cores, load average at start {} (the machine is shared){}",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        if args.quick { ", QUICK run" } else { "" }
    );
    let t = Instant::now();
    if args.wants("overhead") {
        overhead(&args);
    }
    if args.wants("pacing") {
        pacing(&args);
    }
    if args.wants("download") {
        download(&args);
    }
    if args.wants("cold") {
        cold(&args);
    }
    if args.wants("tenants") {
        tenants(&args);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\n# done in {:.0} s; load average at end {}",
        t.elapsed().as_secs_f64(),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
}
