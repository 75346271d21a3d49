//! Where a call's overhead goes: the transports bench's `overhead` section split into layers,
//! each measured against the bare client in the same run (one call at a time, minimal
//! loopback server, token cached, pacing off).
//!
//! ```text
//! cargo bench -p amazon-business-conformance --bench parts [-- VARIANT [CALLS [TASKS]]]
//! ```
//!
//! With no argument every variant runs, alternating, 7 repetitions of 3,000 calls each, async
//! ones as 1 and as 16 concurrent tasks, and the medians are printed in µs per call. With a
//! variant name only that variant runs (`CALLS` times, default 20,000, over `TASKS` tasks,
//! default 1): what `valgrind --tool=callgrind` is pointed at to count instructions per layer.
//! `PARTS_SERVER=emulator` runs against the emulator (single-threaded, logging every request:
//! the setup the issue measured in) instead of the minimal server.
//!
//! Variants, async: `hyper` (bare hyper-util client, empty body), `hyper-json` (the same, the
//! body then decoded into a `serde_json::Value`: what a user of the bare client still does),
//! `hyper-vec` (the same with
//! the SDK's body types: `Full<Bytes>` from a `Vec`, collected through `Limited` into a `Vec`),
//! `sender` (the SDK's `HyperSender` alone), `closure` (the SDK's client over a closure
//! sending with the bare hyper client: the core's and driver's cost), `client` (the SDK's
//! client as users build it). Blocking: `ureq` (a default ureq agent), `blocking` (the SDK's
//! blocking client).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use amazon_business_async::HttpSend;
use amazon_business_core::apis::documents::GetReport;
use amazon_business_core::{Config, Credentials, Environment};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full, Limited};

#[path = "minimal/mod.rs"]
#[allow(dead_code)] // The capture and LWA counters serve the transports bench.
mod minimal;

fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build().unwrap()
}

type BlockingCall = Box<dyn Fn()>;
type Call = Arc<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

fn boxed<F, Fut>(f: F) -> Call
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move || Box::pin(f()))
}

const VARIANTS: [&str; 8] =
    ["hyper", "hyper-json", "hyper-vec", "sender", "closure", "client", "ureq", "blocking"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    // `PARTS_SERVER=emulator`: against the emulator (the issue's own setup) instead.
    let emulator = std::env::var("PARTS_SERVER").is_ok_and(|s| s == "emulator");
    let server = minimal::Minimal::spawn();
    let sandbox = emulator.then(|| amazon_business_conformance::sandbox::Sandbox::builder().spawn().unwrap());
    let (base, lwa) = match &sandbox {
        Some(s) => (s.base_url(), s.lwa_url()),
        None => (server.base_url(), format!("{}/auth/o2/token", server.base_url())),
    };
    let config = Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.bench", "secret", "Atzr|bench").unwrap())
        .environment(Environment::custom(&base, &lwa).unwrap())
        .user_email("buyer@example.com")
        .pacing(false)
        .build()
        .unwrap();
    // `PARTS_WORKERS=N`: the client runtime's worker threads (default 2, one per core here).
    let rt = runtime(std::env::var("PARTS_WORKERS").ok().and_then(|w| w.parse().ok()).unwrap_or(2));
    let url: http::Uri = format!("{base}/reports/2021-09-30/reports/ID323").parse().unwrap();
    let token = match &sandbox {
        Some(s) => s.issue_token(),
        None => format!("Atza|{:0>395}", 0),
    };
    let headers: Vec<(&str, String)> = vec![
        ("accept", "application/json".into()),
        ("user-agent", format!("amazon-business-sdk-rust/{}", env!("CARGO_PKG_VERSION"))),
        ("x-amz-access-token", token),
        ("x-amz-user-email", "buyer@example.com".into()),
    ];
    let request = {
        let (url, headers) = (url.clone(), headers.clone());
        move || {
            let mut b = http::Request::get(url.clone());
            for (k, v) in &headers {
                b = b.header(*k, v.as_str());
            }
            b
        }
    };
    let request = Arc::new(request);

    let mut calls: Vec<(&str, Call)> = Vec::new();
    let mut blocking_calls: Vec<(&str, BlockingCall)> = Vec::new();
    {
        let _guard = rt.enter();
        let bare: hyper_util::client::legacy::Client<_, Empty<Bytes>> =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(hyper_util::client::legacy::connect::HttpConnector::new());
        // Bare hyper, then the same with the body decoded into a `serde_json::Value`.
        for (name, json) in [("hyper", false), ("hyper-json", true)] {
            let (b, r) = (bare.clone(), request.clone());
            calls.push((
                name,
                boxed(move || {
                    let (b, req) = (b.clone(), r().body(Empty::new()).unwrap());
                    async move {
                        let body =
                            b.request(req).await.unwrap().into_body().collect().await.unwrap().to_bytes();
                        assert!(body.len() > 100);
                        if json {
                            let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
                            assert!(value.is_object());
                        }
                    }
                }),
            ));
        }
        let vec_client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(hyper_util::client::legacy::connect::HttpConnector::new());
        let send_vec = move |req: http::Request<Vec<u8>>| {
            let c = vec_client.clone();
            async move {
                let resp = c.request(req.map(|b| Full::new(Bytes::from(b)))).await?;
                let (parts, body) = resp.into_parts();
                let body = Limited::new(body, 64 << 20).collect().await.map_err(std::io::Error::other)?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(http::Response::from_parts(
                    parts,
                    body.to_bytes().to_vec(),
                ))
            }
        };
        let (s, r) = (send_vec.clone(), request.clone());
        calls.push((
            "hyper-vec",
            boxed(move || {
                let fut = s(r().body(Vec::new()).unwrap());
                async move {
                    assert!(fut.await.unwrap().body().len() > 100);
                }
            }),
        ));
        let sender = Arc::new(amazon_business_async::HyperSender::new(&config).unwrap());
        let (s, r) = (sender.clone(), request.clone());
        calls.push((
            "sender",
            boxed(move || {
                let (s, req) = (s.clone(), r().body(Vec::new()).unwrap());
                async move {
                    assert!(s.send(req).await.unwrap().body().len() > 100);
                }
            }),
        ));
        let closure = amazon_business_async::Client::with_sender(config.clone(), move |req| {
            let s = send_vec.clone();
            async move { s(req).await.map_err(|e| std::io::Error::other(e.to_string())) }
        });
        calls.push((
            "closure",
            boxed(move || {
                let c = closure.clone();
                async move {
                    c.send(&GetReport::new("ID323")).await.unwrap();
                }
            }),
        ));
        let client = amazon_business_async::Client::new(config.clone()).unwrap();
        calls.push((
            "client",
            boxed(move || {
                let c = client.clone();
                async move {
                    c.send(&GetReport::new("ID323")).await.unwrap();
                }
            }),
        ));
    }
    let agent = ureq::Agent::new_with_defaults();
    let (u, hs) = (url.to_string(), headers.clone());
    blocking_calls.push((
        "ureq",
        Box::new(move || {
            let mut req = agent.get(&u);
            for (k, v) in &hs {
                req = req.header(*k, v.as_str());
            }
            assert!(req.call().unwrap().into_body().read_to_vec().unwrap().len() > 100);
        }),
    ));
    let blocking = amazon_business_blocking::Client::new(config.clone()).unwrap();
    blocking_calls.push((
        "blocking",
        Box::new(move || {
            blocking.send(&GetReport::new("ID323")).unwrap();
        }),
    ));

    let run = |name: &str, n: usize, tasks: usize| -> Duration {
        let start = Instant::now();
        if let Some((_, call)) = calls.iter().find(|(v, _)| *v == name) {
            rt.block_on(async {
                let spawned: Vec<_> = (0..tasks)
                    .map(|_| {
                        let call = call.clone();
                        tokio::spawn(async move {
                            for _ in 0..n / tasks {
                                call().await;
                            }
                        })
                    })
                    .collect();
                for task in spawned {
                    task.await.unwrap();
                }
            });
        } else if let Some((_, call)) = blocking_calls.iter().find(|(v, _)| *v == name) {
            for _ in 0..n {
                call();
            }
        } else {
            panic!("unknown variant {name}; one of {VARIANTS:?}");
        }
        start.elapsed()
    };
    // Warm: connections pooled, tokens cached.
    for v in VARIANTS {
        run(v, 20, 1);
    }
    // `A,B`: the two async variants interleaved call by call on one task (which goes first
    // alternating), so both see the machine in the same state: what added latency a layer
    // costs at one call at a time, where separate runs scatter by ±20% on this VM.
    if let Some((a, b)) = args.first().and_then(|v| v.split_once(',')) {
        let n = args.get(1).map_or(20_000, |n| n.parse().expect("CALLS is a number"));
        let find = |v: &str| calls.iter().find(|(name, _)| *name == v).map(|(_, c)| c.clone());
        let (Some(ca), Some(cb)) = (find(a), find(b)) else {
            panic!("{a},{b}: two async variants of {VARIANTS:?}")
        };
        let (la, lb) = rt.block_on(async move {
            let (mut la, mut lb) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for i in 0..n {
                for first in [i & 1 == 0, i & 1 == 1] {
                    let t = Instant::now();
                    if first {
                        ca().await
                    } else {
                        cb().await
                    }
                    let us = t.elapsed().as_secs_f64() * 1e6;
                    if first {
                        la.push(us)
                    } else {
                        lb.push(us)
                    }
                }
            }
            (la, lb)
        });
        let stats = |mut v: Vec<f64>| {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            v.sort_by(f64::total_cmp);
            (mean, v[v.len() / 2])
        };
        let ((ma, pa), (mb, pb)) = (stats(la), stats(lb));
        println!("{a}: mean {ma:.1} µs, p50 {pa:.1}; {b}: mean {mb:.1} µs, p50 {pb:.1}; {b} vs {a} throughput {:.3}", ma / mb);
        return;
    }
    if let Some(variant) = args.first() {
        let n = args.get(1).map_or(20_000, |n| n.parse().expect("CALLS is a number"));
        let tasks = args.get(2).map_or(1, |n| n.parse().expect("TASKS is a number"));
        let took = run(variant, n, tasks);
        println!("{variant}: {n} calls, {:.1} µs per call", took.as_secs_f64() * 1e6 / n as f64);
        return;
    }
    for tasks in [1, 16] {
        table(&|v, n| run(v, n, if v == "ureq" || v == "blocking" { 1 } else { tasks }), tasks);
    }
}

/// Every variant, alternating, 7 repetitions of 3,000 calls: medians in µs per call.
fn table(run: &dyn Fn(&str, usize) -> Duration, tasks: usize) {
    let (reps, n) = (7, 3_000);
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
    for rep in 0..reps {
        for i in 0..VARIANTS.len() {
            // Alternate the order between repetitions.
            let i = if rep % 2 == 0 { i } else { VARIANTS.len() - 1 - i };
            per[i].push(run(VARIANTS[i], n).as_secs_f64() * 1e6 / n as f64);
        }
    }
    println!("\n{tasks} async task(s), blocking on 1 thread");
    println!("| variant | µs per call (median of {reps} × {n}) | vs its bare client |\n|---|---|---|");
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (hyper, ureq) = (median(&per[0]), median(&per[5]));
    for (i, v) in VARIANTS.iter().enumerate() {
        let m = median(&per[i]);
        let base = if i >= 5 { ureq } else { hyper };
        println!("| {v} | {m:.1} | {:.2}× throughput |", base / m);
    }
}
