//! The async client on an executor that is not tokio (`futures::executor`), with a closure
//! sender and a closure timer: throttling and pacing waits go through the timer, never tokio;
//! and the wake-up of many waiters at one token exchange, there and on tokio.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amazon_business_async::{Client, Config, Credentials, Engine, Environment, RetryPolicy};

/// A timer for any executor: a thread sleeps, then completes a channel.
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

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

const REPORT: &str = r#"{"reportId":"ID323","reportType":"GET_FLAT_FILE","createdTime":"2024-05-01T10:00:00Z","processingStatus":"DONE"}"#;

#[test]
fn a_429_then_success_and_a_pacing_wait_without_tokio() {
    let config = Config::builder()
        .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token").unwrap())
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    let api_calls = Arc::new(AtomicUsize::new(0));
    let sent_at = Arc::new(Mutex::new(Vec::new()));
    let (calls, times) = (api_calls.clone(), sent_at.clone());
    let sender = move |req: http::Request<Vec<u8>>| {
        let answer = if req.uri().path() == "/auth/o2/token" {
            response(200, &[], r#"{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}"#)
        } else {
            times.lock().unwrap().push(Instant::now());
            match calls.fetch_add(1, Ordering::SeqCst) {
                // Throttled, asking for one second; then an answer that teaches a rate of
                // 5 requests a second (so the next calls are paced 200 ms apart).
                0 => response(
                    429,
                    &[("Retry-After", "1")],
                    r#"{"errors":[{"code":"QuotaExceeded","message":"slow down"}]}"#,
                ),
                _ => response(200, &[("x-amzn-RateLimit-Limit", "5")], REPORT),
            }
        };
        async move { Ok::<_, std::io::Error>(answer) }
    };
    let client = Client::with_sender_and_timer(config, sender, thread_timer);
    let started = Instant::now();
    let report = futures_executor::block_on(async { client.documents().get_report("ID323").await }).unwrap();
    assert_eq!(report.report_id, "ID323");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was waited out: {:?}",
        started.elapsed()
    );
    // A second call right away: the 429 emptied the bucket, so pacing makes it wait.
    futures_executor::block_on(async { client.documents().get_report("ID323").await }).unwrap();
    futures_executor::block_on(async { client.documents().get_report("ID323").await }).unwrap();
    let times = sent_at.lock().unwrap();
    assert_eq!(times.len(), 4);
    let gap = times[3] - times[2];
    assert!(gap >= Duration::from_millis(150), "the pacer spaced the calls by the learned rate: {gap:?}");
}

/// Counts its wake-ups.
struct Wakes(AtomicUsize);

impl std::task::Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_call_answered_without_any_io_yields_once_before_it_returns() {
    let config = Config::builder()
        .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/t").unwrap())
        .build()
        .unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let client = Client::with_sender_and_timer(
        config,
        move |_req: http::Request<Vec<u8>>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, std::io::Error>(response(200, &[], REPORT)) }
        },
        thread_timer,
    );
    // An empty report id is refused before anything is sent: the call needs no I/O at all.
    let op = amazon_business_async::documents::GetReport::new("");
    let wakes = Arc::new(Wakes(AtomicUsize::new(0)));
    let waker = std::task::Waker::from(wakes.clone());
    let mut cx = std::task::Context::from_waker(&waker);
    let mut call = std::pin::pin!(client.send(&op));
    assert!(call.as_mut().poll(&mut cx).is_pending(), "the first poll must yield");
    assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "and wake the task at once");
    match call.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(e)) => assert!(e.to_string().contains("must not be empty"), "{e}"),
        other => panic!("expected the validation error, got {:?}", other.map(|r| r.is_ok())),
    }
    assert_eq!(sent.load(Ordering::SeqCst), 0);
}

// Many waiters: tasks of two clients built over one engine wait for one token exchange and all
// wake as soon as it ends (not after the 5 s bound of a wait), on tokio and without it.

fn wake_config() -> Config {
    Config::builder()
        .credentials(Credentials::new("id", "secret", "Atzr|x").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token").unwrap())
        .pacing(false)
        .build()
        .unwrap()
}

/// A sender whose token exchange takes 300 ms (on a thread timer), counting the exchanges.
fn sender(exchanges: Arc<AtomicUsize>) -> impl amazon_business_async::HttpSend {
    move |req: http::Request<Vec<u8>>| {
        let lwa = req.uri().path() == "/auth/o2/token";
        if lwa {
            exchanges.fetch_add(1, Ordering::SeqCst);
        }
        async move {
            let body = if lwa {
                thread_timer(Duration::from_millis(300)).await;
                r#"{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}"#
            } else {
                REPORT
            };
            Ok::<_, std::io::Error>(http::Response::new(body.as_bytes().to_vec()))
        }
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
    let engine = Engine::new(wake_config());
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
    let engine = Engine::new(wake_config());
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
