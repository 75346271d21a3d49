//! Bench binary (`cargo bench -p amazon-business-conformance --bench sdk`): measures, each
//! against a baseline taken in the same run,
//!
//! 1. decoding speed: every recorded 2xx response parsed into its typed output, against parsing
//!    the same bytes into an untyped `serde_json::Value` (the floor any JSON client pays);
//! 2. download memory: the process's peak resident memory while streaming a gzip report
//!    document of 8 MiB and of 128 MiB (uncompressed) through each client; the ratio of the
//!    two growths shows whether memory follows the document's size (it would be ~16).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::{Config, Credentials, Environment};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn time<F: FnMut()>(mut f: F, min: Duration) -> (u32, Duration) {
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < min {
        f();
        n += 1;
    }
    (n, start.elapsed())
}

fn decoding() {
    println!("decoding: typed parse vs serde_json::Value, per recorded 2xx response");
    println!("  (typed+json: the typed parse rendered back to a Value, what this bench timed before)");
    let mut typed_total = Duration::ZERO;
    let mut rendered_total = Duration::ZERO;
    let mut raw_total = Duration::ZERO;
    for ex in load_examples().into_iter().filter(|e| (200..300).contains(&e.status)) {
        let Some(body) = ex.response.as_ref().map(|v| serde_json::to_vec(v).unwrap()) else { continue };
        let Ok(Some(op)) = build(&ex) else { continue };
        let response = http::Response::builder().status(ex.status).body(body.clone()).unwrap();
        let (n, typed) = time(|| drop(std::hint::black_box(op.decode(&response))), Duration::from_millis(60));
        let typed = typed / n;
        let (k, rendered) =
            time(|| drop(std::hint::black_box(op.parse(&response))), Duration::from_millis(60));
        let rendered = rendered / k;
        let (m, raw) = time(
            || drop(std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body))),
            Duration::from_millis(60),
        );
        let raw = raw / m;
        typed_total += typed;
        rendered_total += rendered;
        raw_total += raw;
        println!(
            "  {:<40} {:>6} B  typed {:>8.1} µs  typed+json {:>8.1} µs  raw {:>8.1} µs  ratio {:.2}",
            ex.id,
            body.len(),
            typed.as_secs_f64() * 1e6,
            rendered.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            typed.as_secs_f64() / raw.as_secs_f64()
        );
    }
    println!(
        "  all responses: typed {:.1} µs, typed+json {:.1} µs, raw {:.1} µs, ratio typed/raw {:.2} (typed+json/raw {:.2})",
        typed_total.as_secs_f64() * 1e6,
        rendered_total.as_secs_f64() * 1e6,
        raw_total.as_secs_f64() * 1e6,
        typed_total.as_secs_f64() / raw_total.as_secs_f64(),
        rendered_total.as_secs_f64() / raw_total.as_secs_f64()
    );
}

/// Serves one gzip document of `size` bytes (compressed in memory: it is repetitive).
fn serve_gzip(size: usize) -> String {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let line = b"2024-05-01,112-0000000-0000000,B000000000,1,19.99,USD,Office Products\n";
    let mut written = 0;
    while written < size {
        gz.write_all(line).unwrap();
        written += line.len();
    }
    let body = gz.finish().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/report.csv.gz")
}

fn download_memory() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let config = Config::builder()
        .credentials(Credentials::new("bench", "secret", "Atzr|bench").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .build()
        .unwrap();
    let blocking = amazon_business_blocking::Client::new(config.clone()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let asynch = rt.block_on(async { amazon_business_async::Client::new(config).unwrap() });
    println!("download memory: peak RSS growth while streaming a gzip document");
    for (name, small, large) in [("blocking", 8usize << 20, 128usize << 20), ("async", 8 << 20, 128 << 20)] {
        let mut growth = Vec::new();
        for size in [small, large] {
            let url = serve_gzip(size);
            let before = peak_rss_kib();
            let started = Instant::now();
            let mut total = 0usize;
            if name == "blocking" {
                let mut r = blocking.download_report(&url, true).unwrap();
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = r.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    total += n;
                }
            } else {
                total = rt.block_on(async {
                    use futures_util::StreamExt;
                    let mut s = Box::pin(asynch.download_report(&url, true).await.unwrap());
                    let mut total = 0;
                    while let Some(chunk) = s.next().await {
                        total += chunk.unwrap().len();
                    }
                    total
                });
            }
            assert!(total >= size);
            let grew = peak_rss_kib().saturating_sub(before);
            println!(
                "  {name:<8} {:>4} MiB document: peak RSS +{grew} KiB ({:.0} MiB/s)",
                size >> 20,
                total as f64 / (1 << 20) as f64 / started.elapsed().as_secs_f64()
            );
            growth.push(grew.max(1));
        }
        println!(
            "  {name:<8} growth ratio 128 MiB / 8 MiB: {:.2} (document ratio 16.00)",
            growth[1] as f64 / growth[0] as f64
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    decoding();
    download_memory();
}
