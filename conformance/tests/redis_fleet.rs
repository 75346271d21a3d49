//! Fleet scale on a real Redis: several OS processes (this test binary re-executed as workers)
//! share one customer's token and usage plan through `redis-server` (started here on a free
//! loopback port, stopped at the end) against the emulator enforcing a time-scaled plan.
//!
//! `redis-server` must be installed (`apt-get install -y redis-server`); a missing one fails
//! the tests, it never skips them. Figures are printed with `--nocapture` and recorded in
//! RELIABILITY-redis.md.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::replay::{build, TypedOp};
use amazon_business_conformance::sandbox::{Fault, Route, Sandbox};
use amazon_business_core::error::TransportError;
use amazon_business_core::store::redis::RedisOptions;
use amazon_business_core::{Config, Credentials, Environment, RetryPolicy};

const CLIENT_ID: &str = "amzn1.application-oa2-client.fleet";
const SECRET: &str = "fleet-client-secret";
const REFRESH: &str = "Atzr|fleet-refresh-token";
/// The emulator refills its buckets this many times faster than real time.
const ENFORCED_SCALE: f64 = 20.0;
/// The clients are told (by `x-amzn-RateLimit-Limit`) this multiple of the documented rate:
/// half what the emulator enforces (and announces), a 2x margin so that scheduling delays of
/// 32 threads in 4 processes on a loaded 2-core machine cannot fake a violation.
const ADVERTISED_SCALE: f64 = 10.0;
/// getTransactions: 2 requests/s, burst 10 (Reconciliation API) in the model and emulator.
const PLAN_RATE: f64 = 2.0;
const PLAN_BURST: f64 = 10.0;

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

fn example_op(id: &str) -> TypedOp {
    let ex = load_examples().into_iter().find(|e| e.id == id).unwrap_or_else(|| panic!("no example {id}"));
    build(&ex).unwrap().unwrap()
}

mod redis_server;
use redis_server::RedisServer;

// ---------------------------------------------------------------------------------------
// Workers: this binary re-executed with AB_FLEET_* set runs `fleet_worker_process`.

/// A sender that announces half the rate the emulator enforces in `x-amzn-RateLimit-Limit`.
struct ScaledRates(amazon_business_blocking::Http1Sender);

impl amazon_business_blocking::HttpSend for ScaledRates {
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let mut response = self.0.send(request)?;
        let scaled = response
            .headers()
            .get("x-amzn-ratelimit-limit")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<f64>().ok())
            .map(|r| (r * ADVERTISED_SCALE / ENFORCED_SCALE).to_string());
        if let Some(rate) = scaled {
            response.headers_mut().insert("x-amzn-ratelimit-limit", rate.parse().unwrap());
        }
        Ok(response)
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

fn env_u64(name: &str) -> u64 {
    env(name).parse().unwrap_or(0)
}

fn worker_config(pacing: bool) -> Config {
    Config::builder()
        .credentials(Credentials::new(CLIENT_ID, SECRET, REFRESH).unwrap())
        .environment(Environment::custom(&env("AB_FLEET_BASE"), &env("AB_FLEET_LWA")).unwrap())
        .user_email("buyer@example.com")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .pacing(pacing)
        .build()
        .unwrap()
}

fn options() -> RedisOptions {
    let mut o = RedisOptions::default();
    if env_u64("AB_FLEET_LEASE_MS") > 0 {
        o = o.lease(Duration::from_millis(env_u64("AB_FLEET_LEASE_MS")));
    }
    if env_u64("AB_FLEET_SHARE") > 0 {
        o = o.fallback_share(env_u64("AB_FLEET_SHARE") as u32);
    }
    o
}

fn sleep_until_ms(t: u64) {
    let now = unix_ms();
    if t > now {
        std::thread::sleep(Duration::from_millis(t - now));
    }
}

#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    failed: AtomicUsize,
    max_call_ms: AtomicUsize,
    last_done_ms: std::sync::atomic::AtomicU64,
}

impl Tally {
    fn record<T, E: std::fmt::Display>(&self, started: Instant, result: &Result<T, E>) {
        match result {
            Ok(_) => self.ok.fetch_add(1, Ordering::SeqCst),
            Err(e) => {
                eprintln!("worker call failed: {e}");
                self.failed.fetch_add(1, Ordering::SeqCst)
            }
        };
        self.max_call_ms.fetch_max(started.elapsed().as_millis() as usize, Ordering::SeqCst);
        self.last_done_ms.fetch_max(unix_ms(), Ordering::SeqCst);
    }

    fn report(&self) {
        println!(
            "\nFLEET ok={} failed={} max_call_ms={} last_done_ms={}",
            self.ok.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst),
            self.max_call_ms.load(Ordering::SeqCst),
            self.last_done_ms.load(Ordering::SeqCst)
        );
    }
}

/// The worker side (does nothing unless started by a fleet test with `AB_FLEET_MODE` set).
#[test]
fn fleet_worker_process() {
    let mode = env("AB_FLEET_MODE");
    if mode.is_empty() {
        return;
    }
    // The store's warnings (Redis failing, answering again) go to stderr.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .try_init();
    let redis_url = env("AB_FLEET_REDIS");
    let workers = env_u64("AB_FLEET_WORKERS").max(1) as usize;
    let start = env_u64("AB_FLEET_START_MS");
    let until = env_u64("AB_FLEET_UNTIL_MS");
    let calls = env_u64("AB_FLEET_CALLS").max(1) as usize;
    let tally = Tally::default();
    if env("AB_FLEET_ASYNC") == "1" {
        // The async client on a tokio runtime: `calls` concurrent calls per worker task set.
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let client = rt.block_on(async {
            let c = amazon_business_async::Client::new(worker_config(false)).unwrap();
            c.shared_store(amazon_business_async::RedisStore::with_options(&redis_url, options()).unwrap())
                .unwrap()
        });
        let op = Arc::new(example_op("getReport-200-0"));
        sleep_until_ms(start);
        rt.block_on(async {
            let tasks: Vec<_> = (0..workers * calls)
                .map(|_| {
                    let (client, op) = (client.clone(), op.clone());
                    tokio::spawn(async move {
                        let t = Instant::now();
                        let r = op.send_async(&client).await;
                        (t, r)
                    })
                })
                .collect();
            for task in tasks {
                let (t, r) = task.await.unwrap();
                tally.record(t, &r);
            }
        });
        tally.report();
        return;
    }
    let pacing = mode == "pacing" || mode == "outage";
    let config = worker_config(pacing);
    let sender = ScaledRates(amazon_business_blocking::Http1Sender::new(&config).unwrap());
    let mut client = amazon_business_blocking::Client::with_sender(config, sender);
    if !redis_url.is_empty() {
        let store = amazon_business_blocking::RedisStore::with_options(&redis_url, options()).unwrap();
        client = client.shared_store(store).unwrap();
    }
    let op = Arc::new(example_op(if pacing { "getTransactions-200-0" } else { "getReport-200-0" }));
    if pacing {
        // Learn the (scaled) rate before the window, as a long-running worker would have.
        op.send_blocking(&client).unwrap();
    }
    println!("FLEET ready");
    sleep_until_ms(start);
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (client, op, tally) = (&client, &op, &tally);
            s.spawn(move || {
                let mut n = 0;
                while if until > 0 { unix_ms() < until } else { n < calls } {
                    let t = Instant::now();
                    let r = op.send_blocking(client);
                    tally.record(t, &r);
                    n += 1;
                }
            });
        }
    });
    tally.report();
}

struct Fleet {
    children: Vec<Child>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Outcome {
    ok: usize,
    failed: usize,
    max_call_ms: usize,
    last_done_ms: u64,
}

fn spawn_worker(sandbox: &Sandbox, vars: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "fleet_worker_process", "--nocapture", "--test-threads", "1"])
        .env("AB_FLEET_BASE", sandbox.base_url())
        .env("AB_FLEET_LWA", sandbox.lwa_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

impl Fleet {
    fn spawn(sandbox: &Sandbox, n: usize, vars: impl Fn(usize) -> Vec<(&'static str, String)>) -> Fleet {
        Fleet { children: (0..n).map(|i| spawn_worker(sandbox, &vars(i))).collect() }
    }

    fn wait(self) -> Vec<Outcome> {
        self.children
            .into_iter()
            .map(|mut child| {
                let out = BufReader::new(child.stdout.take().unwrap());
                let mut outcome = None;
                for line in out.lines().map_while(Result::ok) {
                    if let Some(rest) = line.find("FLEET ok=").map(|at| &line[at + "FLEET ok=".len()..]) {
                        let fields: BTreeMap<&str, u64> = format!("ok={rest}")
                            .leak()
                            .split(' ')
                            .filter_map(|kv| kv.split_once('='))
                            .map(|(k, v)| (k, v.parse().unwrap()))
                            .collect();
                        outcome = Some(Outcome {
                            ok: fields["ok"] as usize,
                            failed: fields["failed"] as usize,
                            max_call_ms: fields["max_call_ms"] as usize,
                            last_done_ms: fields["last_done_ms"],
                        });
                    }
                }
                assert!(child.wait().unwrap().success(), "a worker process failed");
                outcome.expect("a worker reported no outcome")
            })
            .collect()
    }
}

fn throttled(sandbox: &Sandbox) -> usize {
    sandbox.requests().iter().filter(|r| r.status == Some(429)).count()
}

/// Runs 4 processes × 8 workers for `window` against the enforced plan: (successes, 429s,
/// achieved fraction of burst + rate × elapsed, failures).
fn paced_fleet(redis: Option<&RedisServer>, window: Duration) -> (usize, usize, f64, usize) {
    let sandbox = Sandbox::builder().enforce_usage_plans(ENFORCED_SCALE).spawn().unwrap();
    let start = unix_ms() + 2500;
    let until = start + window.as_millis() as u64;
    let url = redis.map(RedisServer::url).unwrap_or_default();
    let fleet = Fleet::spawn(&sandbox, 4, |_| {
        vec![
            ("AB_FLEET_MODE", "pacing".into()),
            ("AB_FLEET_REDIS", url.clone()),
            ("AB_FLEET_WORKERS", "8".into()),
            ("AB_FLEET_START_MS", start.to_string()),
            ("AB_FLEET_UNTIL_MS", until.to_string()),
        ]
    });
    let outcomes = fleet.wait();
    let ok: usize = outcomes.iter().map(|o| o.ok).sum();
    let failed: usize = outcomes.iter().map(|o| o.failed).sum();
    let last = outcomes.iter().map(|o| o.last_done_ms).max().unwrap();
    let elapsed = (last.saturating_sub(start)) as f64 / 1000.0;
    let limit = PLAN_BURST + PLAN_RATE * ADVERTISED_SCALE * elapsed;
    (ok, throttled(&sandbox), ok as f64 / limit, failed)
}

#[test]
fn a_fleet_on_redis_paces_one_plan_without_a_429() {
    let redis = RedisServer::start();
    let window = Duration::from_secs(3);
    let (ok, throttles, fraction, failed) = paced_fleet(Some(&redis), window);
    println!(
        "FIGURE pacing redis: 4 processes x 8 workers, {window:?}: {ok} calls, {throttles} x 429, {:.3} of burst + rate x elapsed",
        fraction
    );
    let (mem_ok, mem_throttles, mem_fraction, mem_failed) = paced_fleet(None, window);
    println!(
        "FIGURE pacing memory: 4 processes x 8 workers, {window:?}: {mem_ok} calls ok, {mem_failed} failed, {mem_throttles} x 429, {:.3} of the limit",
        mem_fraction
    );
    assert_eq!(failed, 0);
    assert_eq!(throttles, 0, "the fleet sharing one bucket on Redis was throttled");
    assert!(fraction >= 0.95, "the fleet achieved only {fraction:.3} of the plan");
    assert!(fraction <= 1.05, "the fleet sent more than the plan ({fraction:.3})");
    assert!(mem_throttles > 0, "four processes pacing alone should have exceeded the shared plan");
}

#[test]
fn a_cold_fleet_makes_one_token_exchange() {
    let redis = RedisServer::start();
    let sandbox = Sandbox::builder().spawn().unwrap();
    // A slow LWA, so that the fleet's calls pile up behind the one exchange.
    sandbox.inject(Route::Lwa, Fault::SlowBody(Duration::from_millis(300)), 1);
    let start = unix_ms() + 2500;
    let fleet = Fleet::spawn(&sandbox, 4, |i| {
        vec![
            ("AB_FLEET_MODE", "cold".into()),
            ("AB_FLEET_REDIS", redis.url()),
            ("AB_FLEET_WORKERS", "50".into()),
            ("AB_FLEET_CALLS", "1".into()),
            ("AB_FLEET_START_MS", start.to_string()),
            // Two processes run the blocking client, two the async one.
            ("AB_FLEET_ASYNC", if i % 2 == 0 { "0" } else { "1" }.into()),
        ]
    });
    let outcomes = fleet.wait();
    let ok: usize = outcomes.iter().map(|o| o.ok).sum();
    let slowest = outcomes.iter().map(|o| o.max_call_ms).max().unwrap();
    let last = outcomes.iter().map(|o| o.last_done_ms).max().unwrap() - start;
    let mut c = redis.connection();
    let stats: String = redis::cmd("INFO").arg("commandstats").query(&mut c).unwrap();
    let script_calls: u64 = stats
        .lines()
        .filter(|l| l.starts_with("cmdstat_evalsha:") || l.starts_with("cmdstat_eval:"))
        .filter_map(|l| l.split("calls=").nth(1)?.split(',').next()?.parse::<u64>().ok())
        .sum();
    println!(
        "FIGURE cold start: 4 processes x 50 calls: {} LWA exchange(s), {ok} calls ok, slowest call {slowest} ms, all done {last} ms after start (LWA answers in 300 ms, waiters poll every 25 ms), {script_calls} script calls on Redis",
        sandbox.lwa_exchanges()
    );
    assert_eq!(ok, 200);
    assert_eq!(sandbox.lwa_exchanges(), 1, "the fleet made more than one token exchange");
    assert_eq!(sandbox.count("getReport"), 200);
}

#[test]
fn a_killed_leader_is_taken_over_after_its_lease() {
    let redis = RedisServer::start();
    let sandbox = Sandbox::builder().spawn().unwrap();
    // The first exchange hangs for a long time: its process is killed in the middle of it.
    sandbox.inject(Route::Lwa, Fault::SlowBody(Duration::from_secs(20)), 1);
    let lease_ms = 1000u64;
    let vars = |workers: &str| {
        vec![
            ("AB_FLEET_MODE", "lease".to_owned()),
            ("AB_FLEET_REDIS", redis.url()),
            ("AB_FLEET_WORKERS", workers.to_owned()),
            ("AB_FLEET_CALLS", "3".to_owned()),
            ("AB_FLEET_LEASE_MS", lease_ms.to_string()),
        ]
    };
    let mut leader = spawn_worker(&sandbox, &vars("1"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while sandbox.lwa_exchanges() == 0 {
        assert!(Instant::now() < deadline, "the leader never started its exchange");
        std::thread::sleep(Duration::from_millis(10));
    }
    let lease_key =
        redis.keys().into_iter().find(|k| k.ends_with(":lease")).expect("the leader holds a lease");
    let followers =
        Fleet { children: vec![spawn_worker(&sandbox, &vars("8")), spawn_worker(&sandbox, &vars("8"))] };
    std::thread::sleep(Duration::from_millis(300));
    leader.kill().unwrap();
    leader.wait().unwrap();
    let killed = Instant::now();
    let outcomes = followers.wait();
    let took = killed.elapsed();
    let ok: usize = outcomes.iter().map(|o| o.ok).sum();
    let failed: usize = outcomes.iter().map(|o| o.failed).sum();
    println!(
        "FIGURE lease takeover: leader killed mid-exchange; {ok} calls ok, {failed} failed, {} LWA exchanges, followers done {} ms after the kill (lease {lease_ms} ms)",
        sandbox.lwa_exchanges(),
        took.as_millis()
    );
    assert_eq!((ok, failed), (48, 0));
    assert_eq!(sandbox.lwa_exchanges(), 2, "one hung exchange, then exactly one takeover");
    let mut c = redis.connection();
    let lease: Option<String> = redis::cmd("GET").arg(&lease_key).query(&mut c).unwrap();
    assert_eq!(lease, None, "the takeover's lease ended with its exchange");
}

#[test]
fn a_redis_outage_falls_back_and_sharing_resumes() {
    // Each process paces at a quarter of the plan while Redis is down (the fleet's size);
    // AB_FLEET_OUTAGE_SHARE=1 shows the default (each process paces alone to the whole plan).
    let share: u64 = std::env::var("AB_FLEET_OUTAGE_SHARE").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    let mut redis = RedisServer::start();
    let sandbox = Sandbox::builder().enforce_usage_plans(ENFORCED_SCALE).spawn().unwrap();
    let start = unix_ms() + 2500;
    let until = start + 6000;
    let fleet = Fleet::spawn(&sandbox, 4, |_| {
        vec![
            ("AB_FLEET_MODE", "outage".into()),
            ("AB_FLEET_SHARE", share.to_string()),
            ("AB_FLEET_REDIS", redis.url()),
            ("AB_FLEET_WORKERS", "8".into()),
            ("AB_FLEET_START_MS", start.to_string()),
            ("AB_FLEET_UNTIL_MS", until.to_string()),
        ]
    });
    sleep_until_ms(start + 1500);
    let before = throttled(&sandbox);
    // First Redis hangs (steps time out), then it dies, then it comes back empty.
    redis.signal("-STOP");
    std::thread::sleep(Duration::from_millis(800));
    redis.signal("-CONT");
    redis.stop();
    std::thread::sleep(Duration::from_millis(1200));
    redis.restart();
    let restarted = Instant::now();
    let during = throttled(&sandbox) - before;
    sleep_until_ms(start + 4500);
    let settling = throttled(&sandbox) - before - during;
    let outcomes = fleet.wait();
    let after = throttled(&sandbox) - before - during - settling;
    let ok: usize = outcomes.iter().map(|o| o.ok).sum();
    let failed: usize = outcomes.iter().map(|o| o.failed).sum();
    let slowest = outcomes.iter().map(|o| o.max_call_ms).max().unwrap();
    let keys = redis.keys();
    println!(
        "FIGURE outage (fallback share {share}): {ok} calls ok, {failed} failed, slowest call {slowest} ms; 429s: {before} before, {during} during the 2 s outage, {settling} in the {} ms after the restart, {after} in the last 1.5 s; {} keys in Redis after the restart, {} LWA exchanges",
        restarted.elapsed().as_millis().min(1000),
        keys.len(),
        sandbox.lwa_exchanges()
    );
    assert_eq!(before, 0);
    if share > 1 {
        assert_eq!(failed, 0, "a call was lost to the outage");
    }
    assert!(slowest < 4000, "a call hung for {slowest} ms");
    assert!(keys.iter().any(|k| k.contains(":bucket:getTransactions")), "sharing did not resume: {keys:?}");
    assert_eq!(after, 0, "the fleet was still throttled once sharing had resumed");
}

#[test]
fn a_thousand_customers_keep_their_own_keys() {
    let redis = RedisServer::start();
    let sandbox = Sandbox::builder().spawn().unwrap();
    let config = Config::builder()
        .credentials(Credentials::new(CLIENT_ID, SECRET, "Atzr|customer-0").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .user_email("buyer@example.com")
        .build()
        .unwrap();
    let client = amazon_business_blocking::Client::with_redis(config, &redis.url()).unwrap();
    let op = example_op("getCart-200-0");
    let refresh = |i: usize| format!("Atzr|customer-{i}-{}", "s".repeat(20));
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= 1000 {
                    break;
                }
                let c = client.with_refresh_token(refresh(i)).unwrap();
                op.send_blocking(&c).unwrap();
            });
        }
    });
    assert_eq!(sandbox.lwa_exchanges(), 1000);
    let keys = redis.keys();
    let mut by_tag: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for k in &keys {
        assert_eq!(k.matches('{').count(), 1, "{k}");
        for i in [0, 1, 999] {
            assert!(!k.contains(&refresh(i)) && !k.contains("customer-"), "a key holds a refresh token: {k}");
        }
        assert!(!k.contains(SECRET));
        let open = k.find('{').unwrap();
        let close = k.find('}').unwrap();
        let name = k[close + 2..].to_owned();
        by_tag.entry(k[open..=close].to_owned()).or_default().insert(name);
    }
    assert_eq!(by_tag.len(), 1000, "one hash tag per customer");
    for names in by_tag.values() {
        assert!(names.contains("token") && names.contains("bucket:getCart"), "{names:?}");
    }
    // Every customer's token is its own, and each customer's client reads exactly its own.
    let mut c = redis.connection();
    let token_keys: Vec<&String> = keys.iter().filter(|k| k.ends_with(":token")).collect();
    let values: Vec<String> = redis::cmd("MGET")
        .arg(token_keys.iter().map(|k| k.as_str()).collect::<Vec<_>>())
        .query(&mut c)
        .unwrap();
    let distinct: BTreeSet<&str> = values.iter().map(|v| v.split_once('|').unwrap().1).collect();
    assert_eq!(distinct.len(), 1000, "two customers share a token");
    for v in &values {
        assert!(!v.contains("customer-") && !v.contains(SECRET), "a value holds a credential");
    }
    // Rotating the client secret forgets every shared token of the application.
    client.rotate_client_secret("rotated-secret").unwrap();
    let left = redis.keys().into_iter().filter(|k| k.ends_with(":token")).count();
    println!(
        "FIGURE 1000 customers: {} keys, 1000 tags, 1000 distinct tokens; {left} tokens left after rotation",
        keys.len()
    );
    assert_eq!(left, 0);
}
