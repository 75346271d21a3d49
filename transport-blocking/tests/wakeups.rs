//! Many waiters: calls from two clients built over one engine wait for one token exchange and
//! both wake as soon as it ends (not after a timeout).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use amazon_business_blocking::{Client, Config, Credentials, Engine, Environment};

const REPORT: &str = r#"{"reportId":"ID323","reportType":"GET_FLAT_FILE","createdTime":"2024-05-01T10:00:00Z","processingStatus":"DONE"}"#;

#[test]
fn two_clients_over_one_engine_both_wake_at_the_refresh() {
    let config = Config::builder()
        .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token").unwrap())
        .pacing(false)
        .build()
        .unwrap();
    let exchanges = Arc::new(AtomicUsize::new(0));
    let sender = |exchanges: Arc<AtomicUsize>| {
        move |req: http::Request<Vec<u8>>| {
            let body = if req.uri().path() == "/auth/o2/token" {
                exchanges.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(300));
                r#"{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}"#
            } else {
                REPORT
            };
            Ok::<_, std::io::Error>(http::Response::new(body.as_bytes().to_vec()))
        }
    };
    let engine = Engine::new(config);
    let first = Client::with_engine(engine.clone(), sender(exchanges.clone()));
    let second = Client::with_engine(engine, sender(exchanges.clone()));
    let start = Arc::new(Barrier::new(5));
    let mut handles = Vec::new();
    for i in 0..4 {
        let client = if i % 2 == 0 { first.clone() } else { second.clone() };
        let start = start.clone();
        handles.push(std::thread::spawn(move || {
            start.wait();
            client.documents().get_report("ID323").send().unwrap();
            Instant::now()
        }));
    }
    start.wait();
    let began = Instant::now();
    let done: Vec<Instant> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(exchanges.load(Ordering::SeqCst), 1, "one exchange for both clients");
    let first_done = *done.iter().min().unwrap();
    let last_done = *done.iter().max().unwrap();
    // Every call finishes right after the one 300 ms exchange, not after the 5 s fallback.
    assert!(last_done - first_done < Duration::from_millis(100), "spread {:?}", last_done - first_done);
    assert!(last_done - began < Duration::from_secs(2), "took {:?}", last_done - began);
}
