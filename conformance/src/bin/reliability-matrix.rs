//! `reliability-matrix`: runs every fault scenario against both clients and writes
//! `RELIABILITY.md`.
//!
//! ```text
//! cargo run --release -p amazon-business-conformance --bin reliability-matrix [-- OUTPUT.md] [--only ID]
//! ```
//!
//! Each (scenario, client) runs in a child process of this binary (`--run ID CLIENT`), so the
//! peak RSS reported is that run's own, and a run that hangs is killed and reported as lost.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use amazon_business_conformance::matrix::{
    peak_rss_kib, run, violations, ClientKind, Outcome, Scale, CONNECT_TIMEOUT, MAX_RETRY_AFTER,
    REQUEST_TIMEOUT, SCENARIOS,
};

/// A child that has not finished after this long is killed.
const CHILD_DEADLINE: Duration = Duration::from_secs(240);

fn child(id: &str, client: &str) -> ! {
    let kind = match client {
        "blocking" => ClientKind::Blocking,
        _ => ClientKind::Async,
    };
    let mut o = run(id, kind, Scale::Full);
    o.peak_rss_kib = peak_rss_kib();
    println!("{}", serde_json::to_string(&o).expect("json"));
    let _ = std::io::stdout().flush();
    // Threads still held by hostile connections are not waited for.
    std::process::exit(0);
}

fn spawn(id: &str, client: &str) -> (Option<Outcome>, Duration) {
    let started = Instant::now();
    let exe = std::env::current_exe().expect("current exe");
    let mut c = Command::new(exe)
        .args(["--run", id, client])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    loop {
        if let Ok(Some(_)) = c.try_wait() {
            break;
        }
        if started.elapsed() > CHILD_DEADLINE {
            let _ = c.kill();
            let _ = c.wait();
            return (None, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = c.wait_with_output().expect("output");
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed = text.lines().rev().find_map(|l| serde_json::from_str::<Outcome>(l).ok());
    (parsed, started.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--run") {
        child(&args[1], &args[2]);
    }
    let mut output = "RELIABILITY.md".to_owned();
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => only = it.next().cloned(),
            other => output = other.to_owned(),
        }
    }
    let total = Instant::now();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        if only.as_deref().is_some_and(|o| o != s.id) {
            continue;
        }
        for kind in ClientKind::BOTH {
            let (o, took) = spawn(s.id, kind.name());
            let (cells, verdict) = match &o {
                Some(o) => {
                    let v = violations(s.id, o);
                    let errors =
                        o.errors.iter().map(|(k, n)| format!("{k}×{n}")).collect::<Vec<_>>().join(", ");
                    let cells = format!(
                        "{} | {} | {} | {} | {} | {:.1} | {} | {}",
                        o.succeeded,
                        o.failed,
                        o.lost,
                        o.duplicated,
                        o.max_latency_ms,
                        o.peak_rss_kib as f64 / 1024.0,
                        o.lwa_requests,
                        if errors.is_empty() { "—".into() } else { errors },
                    );
                    (cells, v)
                }
                None => (
                    "— | — | all (killed) | — | — | — | — | —".into(),
                    vec!["the run hung and was killed".into()],
                ),
            };
            let ok = if verdict.is_empty() {
                "ok".to_owned()
            } else {
                format!("**FAIL**: {}", verdict.join("; "))
            };
            eprintln!("{:>24} {:>8} {:>6.1}s {ok}", s.id, kind.name(), took.as_secs_f64());
            if !verdict.is_empty() {
                failures.push(format!("{} / {}: {}", s.id, kind.name(), verdict.join("; ")));
            }
            rows.push(format!(
                "| {} | {} | {} | {} | {cells} | {:.1} | {ok} |",
                s.group,
                s.id,
                s.description,
                kind.name(),
                took.as_secs_f64()
            ));
            if let Some(o) = &o {
                if !o.samples.is_empty() {
                    let samples = o
                        .samples
                        .iter()
                        .map(|(k, m)| format!("{k}: {}", m.replace('|', "\\|").replace('\n', " ")))
                        .collect::<Vec<_>>()
                        .join("<br>");
                    rows.push(format!("| | | ↳ sample errors | | {samples} | | | | | | | | | |"));
                }
            }
        }
    }
    let mut md = String::new();
    md.push_str("# Reliability: the fault matrix\n\n");
    md.push_str(
        "Generated by `cargo run --release -p amazon-business-conformance --bin reliability-matrix` ",
    );
    md.push_str("(writes this file; `-- --only ID` runs one row). Do not edit by hand.\n\n");
    md.push_str(&format!(
        "Both clients, against the emulator (`conformance/src/sandbox`) behind a hostile socket-level front \
         (`conformance/src/hostile.rs`). Workload: 200 calls (40 where a scenario is slow or heavy, 4 document \
         downloads in group 8) over 4 workers (2 for downloads), cycling getReport, getReport, getReport, \
         getOrdersByOrderDate (3 pages, all read), placeOrder (a fresh externalId each). Client settings: connect \
         timeout {:?}, per-exchange timeout {:?}, max Retry-After {:?}, 5 attempts, backoff 20 ms doubling to 500 ms, client-side pacing off (the emulator does not enforce usage plans here).\n\n",
        CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_RETRY_AFTER
    ));
    md.push_str(
        "Columns: **ok** returned `Ok`; **failed** returned a typed `Error` (by `ErrorKind`); **lost** returned \
         neither within 60 s or panicked; **dup** orders the emulator processed twice for one externalId; \
         **max ms** slowest call; **RSS MiB** peak resident set of the run's process (emulator, hostile front and \
         client together); **LWA** token requests seen. Required: 0 lost, 0 dup, every failure typed and naming \
         its cause, no call beyond 30 s, and each scenario's own expectation (`matrix::violations`).\n\n",
    );
    md.push_str("| # | scenario | fault | client | ok | failed | lost | dup | max ms | RSS MiB | LWA | errors | run s | verdict |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in &rows {
        md.push_str(r);
        md.push('\n');
    }
    md.push_str(&format!("\nWhole run: {:.0} s.\n", total.elapsed().as_secs_f64()));
    if failures.is_empty() {
        md.push_str("\nEvery row meets the requirements.\n");
    } else {
        md.push_str("\n## Rows that fail the requirements\n\n");
        for f in &failures {
            md.push_str(&format!("- {f}\n"));
        }
    }
    std::fs::write(&output, md).expect("write the matrix");
    eprintln!("wrote {output} in {:.0} s; {} failing rows", total.elapsed().as_secs_f64(), failures.len());
}
