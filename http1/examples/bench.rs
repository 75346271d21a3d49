//! Transport overhead baseline: this client against a bare `ureq::Agent` with its default
//! configuration, both sending the same GET to a loopback keep-alive server, in one process.
//!
//! ```text
//! cargo run --release -p amazon-business-http1 --example bench [seconds-per-run]
//! ```
//!
//! Five rounds, each measuring both clients at 1 and 4 threads (the order alternates between
//! rounds); prints the median over rounds of throughput, the throughput ratio and p50/p99 latency.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;

/// A keep-alive server answering every request with a ~1 KiB JSON body.
fn server() -> (String, usize) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = format!(
        "{{\"orders\":[{}]}}",
        vec!["{\"orderId\":\"112-0000000-0000000\",\"status\":\"CLOSED\"}"; 20].join(",")
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let response: &'static [u8] = Box::leak(response.into_bytes().into_boxed_slice());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, response));
        }
    });
    (format!("http://{addr}/orders?page=1"), body.len())
}

fn serve(stream: TcpStream, response: &[u8]) {
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => {
                if stream.write_all(response).is_err() {
                    return;
                }
            }
            Ok(_) => {}
        }
    }
}

/// One measurement: requests per second and per-request latencies (sorted).
struct Run {
    per_second: f64,
    latencies: Vec<Duration>,
}

impl Run {
    fn percentile(&self, p: f64) -> Duration {
        self.latencies[((self.latencies.len() - 1) as f64 * p) as usize]
    }
}

/// Runs `threads` threads, each calling `call` in a loop for `length` after a short warm-up.
fn measure<F: Fn() + Sync>(threads: usize, length: Duration, call: F) -> Run {
    let call = &call;
    let (per_second, mut latencies) = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    for _ in 0..200 {
                        call();
                    }
                    let (mut own, start) = (Vec::new(), Instant::now());
                    while start.elapsed() < length {
                        let t = Instant::now();
                        call();
                        own.push(t.elapsed());
                    }
                    (own.len() as f64 / start.elapsed().as_secs_f64(), own)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).fold((0.0, Vec::new()), |(rate, mut all), (r, own)| {
            all.extend(own);
            (rate + r, all)
        })
    });
    latencies.sort();
    Run { per_second, latencies }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).map_or(1.0, |s| s.parse().expect("seconds per run"));
    let length = Duration::from_secs_f64(seconds);
    let (uri, length_of_body) = server();
    let parsed: http::Uri = uri.parse().unwrap();
    let ours = amazon_business_http1::Client::new(amazon_business_http1::Options::default()).unwrap();
    let bare = ureq::Agent::new_with_defaults();
    let ours_call = || {
        let request = http::Request::get(parsed.clone()).body(Vec::new()).unwrap();
        let response = ours.send(request).unwrap();
        assert_eq!(response.body().len(), length_of_body);
    };
    let bare_call = || {
        let body = bare.get(&uri).call().unwrap().body_mut().read_to_vec().unwrap();
        assert_eq!(body.len(), length_of_body);
    };
    println!("cores: {}", thread::available_parallelism().map_or(0, |n| n.get()));
    for threads in [1, 4] {
        let (mut ratio, mut o50, mut o99, mut b50, mut b99, mut ot, mut bt) = Default::default();
        for round in 0..ROUNDS {
            let (o, b) = if round % 2 == 0 {
                let o = measure(threads, length, ours_call);
                (o, measure(threads, length, bare_call))
            } else {
                let b = measure(threads, length, bare_call);
                (measure(threads, length, ours_call), b)
            };
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            println!(
                "  {threads} thread(s) round {round}: http1 {:.0}/s p50 {:.0} µs p99 {:.0} µs | ureq {:.0}/s p50 {:.0} µs p99 {:.0} µs | ratio {:.3}",
                o.per_second,
                us(o.percentile(0.5)),
                us(o.percentile(0.99)),
                b.per_second,
                us(b.percentile(0.5)),
                us(b.percentile(0.99)),
                o.per_second / b.per_second
            );
            let push = |v: &mut Vec<f64>, x: f64| v.push(x);
            push(&mut ratio, o.per_second / b.per_second);
            push(&mut ot, o.per_second);
            push(&mut bt, b.per_second);
            push(&mut o50, us(o.percentile(0.5)));
            push(&mut o99, us(o.percentile(0.99)));
            push(&mut b50, us(b.percentile(0.5)));
            push(&mut b99, us(b.percentile(0.99)));
        }
        println!(
            "{threads} thread(s), median of {ROUNDS}: http1 {:.0}/s (p50 {:.0} µs, p99 {:.0} µs) vs ureq {:.0}/s (p50 {:.0} µs, p99 {:.0} µs): ratio {:.3}",
            median(ot),
            median(o50),
            median(o99),
            median(bt),
            median(b50),
            median(b99),
            median(ratio)
        );
    }
}
