//! Many waiters, async: tasks of two clients built over one engine wait for one token exchange
//! and all wake as soon as it ends (not after the 5 s bound of a wait), on tokio and on an
//! executor that is not tokio.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use amazon_business_async::{Client, Config, Credentials, Engine, Environment};

const REPORT: &str = r#"{"reportId":"ID323","reportType":"GET_FLAT_FILE","createdTime":"2024-05-01T10:00:00Z","processingStatus":"DONE"}"#;

fn config() -> Config {
    Config::builder()
        .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token").unwrap())
        .pacing(false)
        .build()
        .unwrap()
}

/// A timer for any executor: a thread that sleeps, then completes a channel.
fn thread_timer(d: Duration) -> impl std::future::Future<Output = ()> + Send {
    let (done, wait) = futures_channel::oneshot::channel::<()>();
    std::thread::spawn(move || {
        std::thread::sleep(d);
        let _ = done.send(());
    });
    async move {
        let _ = wait.await;
    }
}

/// A sender whose token exchange takes 300 ms (on `timer`), counting the exchanges.
fn sender(
    exchanges: Arc<AtomicUsize>,
) -> impl Fn(
    http::Request<Vec<u8>>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<http::Response<Vec<u8>>, std::io::Error>> + Send>>
       + Send
       + Sync {
    move |req: http::Request<Vec<u8>>| {
        let lwa = req.uri().path() == "/auth/o2/token";
        if lwa {
            exchanges.fetch_add(1, Ordering::SeqCst);
        }
        Box::pin(async move {
            let body = if lwa {
                thread_timer(Duration::from_millis(300)).await;
                r#"{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}"#
            } else {
                REPORT
            };
            Ok(http::Response::new(body.as_bytes().to_vec()))
        })
    }
}

/// Checks that `done` (when each call ended) all came right after one exchange.
fn assert_woken_together(exchanges: &AtomicUsize, began: Instant, done: &[Instant]) {
    assert_eq!(exchanges.load(Ordering::SeqCst), 1, "one exchange for both clients");
    let first = *done.iter().min().unwrap();
    let last = *done.iter().max().unwrap();
    // Every call finishes right after the one 300 ms exchange, not after the 5 s bound.
    assert!(last - first < Duration::from_millis(100), "spread {:?}", last - first);
    assert!(last - began < Duration::from_secs(2), "took {:?}", last - began);
}

#[test]
fn two_clients_over_one_engine_both_wake_at_the_refresh_on_tokio() {
    let exchanges = Arc::new(AtomicUsize::new(0));
    let engine = Engine::new(config());
    let first = Client::with_engine(engine.clone(), sender(exchanges.clone()));
    let second = Client::with_engine(engine, sender(exchanges.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let began = Instant::now();
    let done: Vec<Instant> = runtime.block_on(async {
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let client = if i % 2 == 0 { first.clone() } else { second.clone() };
                tokio::spawn(async move {
                    client.documents().get_report("ID323").await.unwrap();
                    Instant::now()
                })
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap());
        }
        done
    });
    assert_woken_together(&exchanges, began, &done);
}

#[test]
fn two_clients_over_one_engine_both_wake_at_the_refresh_without_tokio() {
    let exchanges = Arc::new(AtomicUsize::new(0));
    let engine = Engine::new(config());
    let first = Client::with_parts(engine.clone(), sender(exchanges.clone()), thread_timer);
    let second = Client::with_parts(engine, sender(exchanges.clone()), thread_timer);
    let began = Instant::now();
    let calls = (0..6).map(|i| {
        let client = if i % 2 == 0 { first.clone() } else { second.clone() };
        async move {
            client.documents().get_report("ID323").await.unwrap();
            Instant::now()
        }
    });
    let done = futures_executor::block_on(futures_util::future::join_all(calls));
    assert_woken_together(&exchanges, began, &done);
}
