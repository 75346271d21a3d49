//! How often [`drive`] reads the clocks: once when a call starts and once after each thing it
//! awaits, never between its in-process steps (a reading is two clock calls, and a call with
//! a cached token has several store steps). Counted through a driver that answers at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use amazon_business_core::apis::documents::GetReport;
use amazon_business_core::token::Changed;
use amazon_business_core::{drive, BoxFuture, Config, Credentials, Driver, Engine, Environment, HttpOutcome};
use amazon_business_core::{Now, StoreOp, Target};

const REPORT: &str = r#"{"createdTime":"2019-12-10T13:47:20.677Z","processingStatus":"DONE","reportId":"ID323","reportType":"FEE_DISCOUNTS_REPORT"}"#;

/// Answers every request at once: LWA with a token, the API with a report. Counts clock
/// readings and the requests sent.
#[derive(Default)]
struct Counting {
    reads: AtomicUsize,
    sent: Mutex<Vec<Target>>,
}

impl Driver for Counting {
    fn now(&self) -> Now {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Now::new(Instant::now(), SystemTime::now())
    }

    fn send(&self, _: http::Request<Vec<u8>>, target: Target) -> BoxFuture<'_, HttpOutcome> {
        self.sent.lock().unwrap().push(target);
        let body = match target {
            Target::Lwa => r#"{"access_token":"Atza|counted","token_type":"bearer","expires_in":3600}"#,
            _ => REPORT,
        };
        let response = http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap();
        Box::pin(std::future::ready(Ok(response)))
    }

    fn sleep(&self, _: Duration) -> BoxFuture<'_, ()> {
        panic!("nothing here should wait")
    }

    fn sleep_until_changed<'a>(&'a self, _: Changed<'a>, _: Duration) -> BoxFuture<'a, ()> {
        panic!("nothing here should wait")
    }

    fn shared_detached(&self, _: StoreOp, _: Now) {}
}

/// Polls `f` to its end; the driver's futures are all ready at once.
fn run<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100 {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the call did not end")
}

#[test]
fn a_call_reads_the_clocks_once_at_its_start_and_once_after_each_send() {
    let config = Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.id", "secret", "Atzr|refresh").unwrap())
        .environment(Environment::custom("http://127.0.0.1:9", "http://127.0.0.1:9/auth/o2/token").unwrap())
        .pacing(false)
        .build()
        .unwrap();
    let engine = Engine::new(config);
    let driver = Counting::default();
    let op = GetReport::new("ID323");

    // Cold: the token exchange, then the call.
    let report = run(drive(&engine, &op, &driver)).expect("a report");
    assert_eq!(report.report_id, "ID323");
    assert_eq!(*driver.sent.lock().unwrap(), [Target::Lwa, Target::Api]);
    assert_eq!(driver.reads.swap(0, Ordering::SeqCst), 3, "start, after the exchange, after the call");

    // Warm: the token is cached, one send.
    run(drive(&engine, &op, &driver)).expect("a report");
    assert_eq!(driver.sent.lock().unwrap().len(), 3);
    assert_eq!(driver.reads.load(Ordering::SeqCst), 2, "start and after the send, none between store steps");
}
