//! Both transports against the local emulator over real loopback HTTP: tokens, single flight,
//! 401 / 429 / 5xx handling, retry safety, pagination, report download.

use std::future::IntoFuture;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use amazon_business_conformance::fixtures::{load_examples, Example};
use amazon_business_conformance::replay::{build, TypedOp};
use amazon_business_conformance::sandbox::{Fault, RetryAfter, Route, Sandbox};
use amazon_business_core::apis::reporting_legacy;
use amazon_business_core::{Config, Credentials, DateTime, Environment, ErrorKind, RetryPolicy};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Blocking,
    Async,
}

const BOTH: [Kind; 2] = [Kind::Blocking, Kind::Async];

struct Harness {
    sandbox: Sandbox,
    blocking: amazon_business_blocking::Client,
    asynch: amazon_business_async::Client,
    rt: tokio::runtime::Runtime,
}

fn config(sandbox: &Sandbox, pacing: bool) -> Config {
    Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.test", "secret", "Atzr|test").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .user_email("buyer@example.com")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .pacing(pacing)
        .build()
        .unwrap()
}

impl Harness {
    fn new() -> Harness {
        Harness::with(Sandbox::builder().spawn().unwrap(), false)
    }

    fn with(sandbox: Sandbox, pacing: bool) -> Harness {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let blocking = amazon_business_blocking::Client::new(config(&sandbox, pacing)).unwrap();
        let asynch =
            rt.block_on(async { amazon_business_async::Client::new(config(&sandbox, pacing)).unwrap() });
        Harness { sandbox, blocking, asynch, rt }
    }

    fn send(&self, kind: Kind, op: &TypedOp) -> Result<Value, amazon_business_core::Error> {
        match kind {
            Kind::Blocking => op.send_blocking(&self.blocking),
            Kind::Async => self.rt.block_on(op.send_async(&self.asynch)),
        }
    }
}

fn example_op(id: &str) -> TypedOp {
    let ex = load_examples().into_iter().find(|e| e.id == id).unwrap_or_else(|| panic!("no example {id}"));
    build(&ex).unwrap().unwrap()
}

#[test]
fn the_token_is_fetched_once_and_sent_as_x_amz_access_token() {
    for kind in BOTH {
        let h = Harness::new();
        let op = example_op("getReport-200-0");
        h.send(kind, &op).unwrap();
        h.send(kind, &op).unwrap();
        assert_eq!(h.sandbox.lwa_exchanges(), 1, "{kind:?}");
        let api: Vec<_> = h.sandbox.requests().into_iter().filter(|r| !r.lwa).collect();
        assert_eq!(api.len(), 2);
        for r in api {
            assert_eq!(r.status, Some(200));
            assert!(r.header("x-amz-access-token").is_some(), "{kind:?}: no token header");
            assert!(r.header("user-agent").unwrap().contains("Language=Rust/"));
        }
    }
}

#[test]
fn a_hundred_concurrent_calls_on_a_cold_cache_make_one_exchange() {
    // Blocking: 100 threads.
    let h = Harness::new();
    let op = Arc::new(example_op("getReport-200-0"));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..100)
            .map(|_| {
                let client = h.blocking.clone();
                let op = op.clone();
                s.spawn(move || op.send_blocking(&client))
            })
            .collect();
        for handle in handles {
            handle.join().unwrap().unwrap();
        }
    });
    assert_eq!(h.sandbox.lwa_exchanges(), 1);
    assert_eq!(h.sandbox.count("getReport"), 100);

    // Async: 100 tasks on a multi-threaded runtime.
    let h = Harness::new();
    let results = h.rt.block_on(async {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let client = h.asynch.clone();
                let op = op.clone();
                tokio::spawn(async move { op.send_async(&client).await })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(h.sandbox.lwa_exchanges(), 1);
    assert_eq!(h.sandbox.count("getReport"), 100);
}

#[test]
fn a_401_is_followed_by_one_refresh_and_success() {
    for kind in BOTH {
        let h = Harness::new();
        let op = example_op("getReport-200-0");
        h.send(kind, &op).unwrap();
        h.sandbox.inject(Route::Operation("getReport"), Fault::ExpireTokens, 1);
        h.send(kind, &op).unwrap();
        assert_eq!(h.sandbox.lwa_exchanges(), 2, "{kind:?}");
        let statuses: Vec<_> = h.sandbox.requests().iter().filter(|r| !r.lwa).map(|r| r.status).collect();
        assert_eq!(statuses, [Some(200), Some(401), Some(200)], "{kind:?}");
    }
}

#[test]
fn a_429_with_retry_after_is_waited_out() {
    for kind in BOTH {
        for use_date in [false, true] {
            let h = Harness::new();
            let retry_after = if use_date {
                RetryAfter::HttpDate(SystemTime::now() + Duration::from_secs(2))
            } else {
                RetryAfter::Seconds(1)
            };
            let op = example_op("getReport-200-0");
            h.sandbox.inject(Route::Operation("getReport"), Fault::throttled(Some(retry_after)), 1);
            let started = Instant::now();
            h.send(kind, &op).unwrap();
            // HTTP dates have one-second resolution: the wait is at least ~1 s either way.
            assert!(started.elapsed() >= Duration::from_millis(900), "{kind:?} {:?}", started.elapsed());
            assert_eq!(h.sandbox.count("getReport"), 2);
        }
    }
}

#[test]
fn a_500_on_a_get_is_retried_but_not_on_create_report() {
    for kind in BOTH {
        let h = Harness::new();
        h.sandbox.inject(Route::Operation("getReport"), Fault::status(500), 1);
        h.send(kind, &example_op("getReport-200-0")).unwrap();
        assert_eq!(h.sandbox.count("getReport"), 2, "{kind:?}");

        h.sandbox.inject(Route::Operation("createReport"), Fault::status(500), 1);
        let err = h.send(kind, &example_op("createReport-202-0")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{kind:?}");
        assert!(err.request_id().is_some(), "{kind:?}: {err}");
        assert_eq!(h.sandbox.count("createReport"), 1, "{kind:?}");
    }
}

#[test]
fn a_dropped_connection_is_retried_only_when_safe() {
    for kind in BOTH {
        let h = Harness::new();
        h.sandbox.inject(Route::Operation("getReport"), Fault::DropAfterProcessing, 1);
        h.send(kind, &example_op("getReport-200-0")).unwrap();
        assert_eq!(h.sandbox.count("getReport"), 2, "{kind:?}");

        h.sandbox.inject(Route::Operation("createReport"), Fault::DropAfterProcessing, 1);
        let err = h.send(kind, &example_op("createReport-202-0")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{kind:?}: {err}");
        assert_eq!(h.sandbox.count("createReport"), 1, "{kind:?}");
    }
}

#[test]
fn an_lwa_refusal_is_a_typed_error() {
    for kind in BOTH {
        let sandbox = Sandbox::builder()
            .credentials("amzn1.application-oa2-client.test", "secret", "Atzr|other")
            .spawn()
            .unwrap();
        let h = Harness::with(sandbox, false);
        let err = h.send(kind, &example_op("getReport-200-0")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lwa, "{kind:?}: {err}");
        assert!(!format!("{err} {err:?}").contains("Atzr|test"), "{kind:?}: the refresh token leaked");
    }
}

fn page(token_in: Option<&str>, token_out: Option<&str>, order: &str) -> Example {
    let mut ex = Example::for_operation("getOrdersByOrderDate").id(format!("page-{order}"));
    ex = match token_in {
        Some(t) => ex.query_param("nextPageToken", t),
        None => {
            ex.query_param("startDate", "2024-01-01T00:00:00Z").query_param("endDate", "2024-01-31T00:00:00Z")
        }
    };
    // A recorded order, renamed.
    let recorded = load_examples().into_iter().find(|e| e.id == "getOrdersByOrderDate-200-0").unwrap();
    let mut o = recorded.response.unwrap()["orders"][0].clone();
    o["orderId"] = json!(order);
    let mut response = json!({"orders": [o], "size": 1});
    if let Some(t) = token_out {
        response["nextPageToken"] = json!(t);
    }
    ex.status(200).response(response)
}

#[test]
fn pagination_follows_tokens_across_three_pages() {
    let h = Harness::new();
    h.sandbox.add_example(page(None, Some("p2 /+="), "A"));
    h.sandbox.add_example(page(Some("p2 /+="), Some("p3"), "B"));
    h.sandbox.add_example(page(Some("p3"), None, "C"));
    let first = || {
        reporting_legacy::GetOrdersByOrderDate::new(
            DateTime::parse("2024-01-01T00:00:00Z").unwrap(),
            DateTime::parse("2024-01-31T00:00:00Z").unwrap(),
        )
    };
    let ids = |pages: Vec<reporting_legacy::OrdersOutput>| -> Vec<String> {
        pages.into_iter().flat_map(|p| p.orders).map(|o| o.order_id).collect()
    };
    let pages = h.blocking.all(first(), None).unwrap();
    assert_eq!(ids(pages), ["A", "B", "C"]);
    let pages = h.rt.block_on(h.asynch.all(first(), None)).unwrap();
    assert_eq!(ids(pages), ["A", "B", "C"]);
    // A page cap stops early.
    assert_eq!(h.blocking.all(first(), Some(2)).unwrap().len(), 2);
    assert_eq!(h.rt.block_on(h.asynch.all(first(), Some(1))).unwrap().len(), 1);
    // The accessor path works the same way.
    let start = DateTime::parse("2024-01-01T00:00:00Z").unwrap();
    let end = DateTime::parse("2024-01-31T00:00:00Z").unwrap();
    let n = h.blocking.reporting_legacy().get_orders_by_order_date(start, end).pages().count();
    assert_eq!(n, 3);
}

/// Serves one HTTP response on loopback, for the report download.
fn serve_once(status: u16, body: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head =
                format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/report.csv.gz")
}

#[test]
fn report_documents_download_as_gunzipped_streams() {
    let document: Vec<u8> = (0..200_000).flat_map(|i| format!("line {i},{}\n", i * 7).into_bytes()).collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&document).unwrap();
    let compressed = gz.finish().unwrap();

    let h = Harness::new();
    let mut reader = h.blocking.download_report(&serve_once(200, compressed.clone()), true).unwrap();
    let mut got = Vec::new();
    reader.read_to_end(&mut got).unwrap();
    assert_eq!(got, document);

    let got = h.rt.block_on(async {
        use futures_util::StreamExt;
        let stream = h.asynch.download_report(&serve_once(200, compressed.clone()), true).await.unwrap();
        futures_util::pin_mut!(stream);
        let mut got = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = stream.next().await {
            got.extend_from_slice(&chunk.unwrap());
            chunks += 1;
        }
        assert!(chunks > 1, "the document should arrive in several chunks");
        got
    });
    assert_eq!(got, document);

    // Two gzip members one after the other read as one document; a cut-off one is an error,
    // never a silently short document.
    let mut two = compressed.clone();
    two.extend_from_slice(&compressed);
    let mut reader = h.blocking.download_report(&serve_once(200, two.clone()), true).unwrap();
    let mut got = Vec::new();
    reader.read_to_end(&mut got).unwrap();
    assert_eq!(got.len(), document.len() * 2);
    let got = h.rt.block_on(async {
        use futures_util::StreamExt;
        let mut stream = Box::pin(h.asynch.download_report(&serve_once(200, two), true).await.unwrap());
        let mut n = 0;
        while let Some(chunk) = stream.next().await {
            n += chunk.unwrap().len();
        }
        n
    });
    assert_eq!(got, document.len() * 2);
    let cut = compressed[..compressed.len() / 2].to_vec();
    let mut reader = h.blocking.download_report(&serve_once(200, cut.clone()), true).unwrap();
    assert!(reader.read_to_end(&mut Vec::new()).is_err());
    let failed = h.rt.block_on(async {
        use futures_util::StreamExt;
        let mut stream = Box::pin(h.asynch.download_report(&serve_once(200, cut), true).await.unwrap());
        let mut failed = false;
        while let Some(chunk) = stream.next().await {
            failed |= chunk.is_err();
        }
        failed
    });
    assert!(failed, "a truncated gzip document must fail");

    let expired = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>".to_vec();
    let err = h.blocking.download_report(&serve_once(403, expired.clone()), true).unwrap_err();
    assert_eq!(err.api().unwrap().code(), Some("ExpiredUrl"));
    let err = h.rt.block_on(h.asynch.download_report(&serve_once(403, expired), true)).err().unwrap();
    assert!(err.to_string().contains("getReportDocument again"), "{err}");
}

#[test]
fn pacing_spaces_calls_to_the_usage_plan() {
    // The emulator says 5 requests/second for the Document API; after the first answer the
    // client paces getReport at that rate (burst 5), so 10 calls take at least ~1 s.
    let h = Harness::with(Sandbox::builder().spawn().unwrap(), true);
    let op = example_op("getReport-200-0");
    let started = Instant::now();
    for _ in 0..11 {
        op.send_blocking(&h.blocking).unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

fn order(external_id: &str) -> amazon_business_core::apis::ordering::PlaceOrder {
    use amazon_business_core::apis::ordering::{PhysicalAddress, PlaceOrder, RequestLineItem};
    PlaceOrder::new(external_id, [RequestLineItem::offer("line-1", "B07XYZ1234", "offer-1", 2)])
        .shipping_address(PhysicalAddress::new("Jane Buyer", "410 Terry Ave N", "Seattle", "98109", "US"))
}

#[test]
fn place_order_after_a_dropped_answer_is_resolved_not_duplicated() {
    for kind in BOTH {
        let h = Harness::new();
        // Amazon accepts the order, then the connection drops before the answer arrives.
        h.sandbox.inject(Route::Operation("placeOrder"), Fault::DropAfterProcessing, 1);
        let op = order("po-4711");
        let result = match kind {
            Kind::Blocking => h.blocking.send(&op),
            Kind::Async => h.rt.block_on(h.asynch.send(&op)),
        }
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(result.line_items.len(), 1, "{kind:?}");
        assert_eq!(h.sandbox.count("placeOrder"), 1, "{kind:?}: the order was sent twice");
        assert_eq!(h.sandbox.count("orderDetails"), 1, "{kind:?}");
        assert_eq!(h.sandbox.orders().len(), 1, "{kind:?}");
    }
}

#[test]
fn place_order_lost_before_arrival_is_placed_once_after_checking() {
    for kind in BOTH {
        let h = Harness::new();
        // The request never reaches Amazon's logic (dropped before processing): the probe
        // finds no such order, so it is placed again, once.
        h.sandbox.inject(Route::Operation("placeOrder"), Fault::DropBeforeProcessing, 1);
        let op = order("po-4712");
        let result = match kind {
            Kind::Blocking => h.blocking.send(&op),
            Kind::Async => h.rt.block_on(h.asynch.send(&op)),
        };
        result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(h.sandbox.orders().len(), 1, "{kind:?}");
        assert_eq!(h.sandbox.count("orderDetails"), 1, "{kind:?}");
        let posts =
            h.sandbox.requests().iter().filter(|r| r.operation.as_deref() == Some("placeOrder")).count();
        assert_eq!(posts, 2, "{kind:?}: one lost attempt, one placed");
    }
}

#[test]
fn a_cancelled_async_call_hands_its_token_exchange_over() {
    let h = Harness::new();
    // The first LWA answer is slow; the call waiting for it is then cancelled.
    h.sandbox.inject(Route::Lwa, Fault::SlowBody(Duration::from_secs(3)), 1);
    let op = Arc::new(example_op("getReport-200-0"));
    let result = h.rt.block_on(async {
        let (c1, o1) = (h.asynch.clone(), op.clone());
        let leader = tokio::spawn(async move { o1.send_async(&c1).await });
        tokio::time::sleep(Duration::from_millis(150)).await;
        let (c2, o2) = (h.asynch.clone(), op.clone());
        let waiter = tokio::spawn(async move { o2.send_async(&c2).await });
        tokio::time::sleep(Duration::from_millis(150)).await;
        leader.abort();
        // Without the hand-over the waiter would sit out the exchange's 120 s lease.
        tokio::time::timeout(Duration::from_secs(20), waiter).await
    });
    let outcome = result.expect("the waiting call was stuck behind a cancelled exchange").unwrap();
    outcome.unwrap();
    assert_eq!(h.sandbox.lwa_exchanges(), 2);
    assert_eq!(h.sandbox.count("getReport"), 1);
}

/// A minimal HTTP proxy on loopback: `CONNECT` tunnels and absolute-form requests, counting
/// the connections it carried.
fn spawn_proxy() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::BufRead;
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let carried = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = carried.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let count = count.clone();
            std::thread::spawn(move || {
                let mut reader = std::io::BufReader::new(client.try_clone().unwrap());
                let mut head = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let end = line == "\r\n";
                    head.push(line);
                    if end {
                        break;
                    }
                }
                let mut parts = head[0].split_whitespace();
                let (method, target) = (
                    parts.next().unwrap_or_default().to_owned(),
                    parts.next().unwrap_or_default().to_owned(),
                );
                let (authority, first_bytes) = if method == "CONNECT" {
                    (target.clone(), None)
                } else {
                    let rest = target.strip_prefix("http://").unwrap_or(&target);
                    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                    let mut rewritten = format!("{method} /{path} HTTP/1.1\r\n");
                    head[1..].iter().for_each(|l| rewritten.push_str(l));
                    (authority.to_owned(), Some(rewritten))
                };
                let Ok(mut upstream) = TcpStream::connect(&authority) else { return };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut client = client;
                match first_bytes {
                    None => client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap(),
                    Some(bytes) => upstream.write_all(bytes.as_bytes()).unwrap(),
                }
                // Whatever the reader already buffered belongs upstream.
                let buffered = reader.buffer().to_vec();
                upstream.write_all(&buffered).unwrap();
                let (mut up_read, mut client_write) =
                    (upstream.try_clone().unwrap(), client.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_read, &mut client_write);
                    let _ = client_write.shutdown(std::net::Shutdown::Both);
                });
                let mut client_read = reader.into_inner();
                let _ = std::io::copy(&mut client_read, &mut upstream);
                let _ = upstream.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    (format!("http://{addr}"), carried)
}

#[test]
fn both_clients_go_through_a_configured_proxy() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let (proxy, carried) = spawn_proxy();
    let config = Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.test", "secret", "Atzr|test").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .proxy(&proxy)
        .unwrap()
        .build()
        .unwrap();
    let op = example_op("getReport-200-0");
    let blocking = amazon_business_blocking::Client::new(config.clone()).unwrap();
    op.send_blocking(&blocking).unwrap();
    let through_blocking = carried.load(std::sync::atomic::Ordering::SeqCst);
    assert!(through_blocking >= 1, "the blocking client bypassed the proxy");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = amazon_business_async::Client::new(config).unwrap();
        op.send_async(&client).await.unwrap();
    });
    assert!(
        carried.load(std::sync::atomic::Ordering::SeqCst) > through_blocking,
        "the async client bypassed the proxy"
    );
    assert_eq!(sandbox.lwa_exchanges(), 2);
    assert_eq!(sandbox.count("getReport"), 2);
}

#[test]
fn the_emulator_simulates_user_creation_and_secret_rotation() {
    use amazon_business_core::apis::users::{AccountHolder, BusinessGroupIdentifier, BusinessRole};
    let h = Harness::new();
    let create = || {
        h.blocking
            .users()
            .create_business_user_account(
                AccountHolder::new("new.buyer@example.com", "New", "Buyer"),
                BusinessGroupIdentifier::group_id("group-1"),
                BusinessRole::Requisitioner,
            )
            .send()
    };
    create().unwrap();
    let err = create().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(h.sandbox.users().len(), 1);
    assert_eq!(h.sandbox.count("createBusinessUserAccount"), 2);

    h.blocking.applications().rotate_application_client_secret().send().unwrap();
    h.rt.block_on(h.asynch.applications().rotate_application_client_secret().into_future()).unwrap();
    assert_eq!(h.sandbox.secret_rotations(), 2);
}

#[test]
fn onboarding_exchanges_a_code_for_a_customers_refresh_token() {
    use amazon_business_core::onboarding::{read_redirect, IssuedState};
    use amazon_business_core::Secret;
    let h = Harness::new();
    let issued = IssuedState::new([42; 32], SystemTime::now());
    let redirect = format!("code=ANcode-1&state={}", issued.value().expose());
    let code = read_redirect(&redirect, &issued, SystemTime::now(), Duration::from_secs(600)).unwrap();
    let tokens = h.blocking.exchange_authorization_code(&code, "https://app.example/cb").unwrap();
    let refresh = tokens.refresh_token.expect("a refresh token for the customer");
    let customer = h.blocking.with_refresh_token(refresh).unwrap();
    example_op("getReport-200-0").send_blocking(&customer).unwrap();

    let tokens = h
        .rt
        .block_on(h.asynch.exchange_authorization_code(&Secret::new("ANcode-2"), "https://app.example/cb"))
        .unwrap();
    assert!(tokens.refresh_token.is_some());
    let lwa: Vec<_> = h.sandbox.requests().into_iter().filter(|r| r.lwa).collect();
    assert!(lwa.iter().any(|r| r.body_text().contains("grant_type=authorization_code")));
    assert!(lwa.iter().any(|r| r.body_text().contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcb")));
}

#[test]
fn truncated_and_slow_answers_are_network_failures_retried_when_safe() {
    use amazon_business_core::Timeouts;
    for kind in BOTH {
        let h = Harness::new();
        h.sandbox.inject(Route::Operation("getReport"), Fault::TruncatedBody, 1);
        h.send(kind, &example_op("getReport-200-0")).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(h.sandbox.count("getReport"), 2, "{kind:?}");

        h.sandbox.inject(Route::Operation("createReport"), Fault::TruncatedBody, 1);
        let err = h.send(kind, &example_op("createReport-202-0")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{kind:?}: {err}");
        assert_eq!(h.sandbox.count("createReport"), 1, "{kind:?}");
    }
    // A body slower than the request timeout times out, and a safe call tries again.
    let sandbox = Sandbox::builder().spawn().unwrap();
    let config = Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.test", "secret", "Atzr|test").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .timeouts(Timeouts::new(Duration::from_secs(2), Duration::from_millis(300)))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    sandbox.inject(Route::Operation("getReport"), Fault::SlowBody(Duration::from_secs(2)), 2);
    let blocking = amazon_business_blocking::Client::new(config.clone()).unwrap();
    example_op("getReport-200-0").send_blocking(&blocking).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = amazon_business_async::Client::new(config).unwrap();
        example_op("getReport-200-0").send_async(&client).await.unwrap();
    });
    assert_eq!(sandbox.count("getReport"), 4);
}

#[test]
fn pacing_keeps_a_busy_client_clear_of_an_enforced_usage_plan() {
    // The emulator enforces Cart's plan (2 requests/s, burst 2), refilling twice as fast as
    // real time so that scheduling delays on a loaded machine cannot fake a violation. Eight concurrent getCart calls: paced, none is
    // throttled and all succeed; unpaced, Amazon-style 429s come back (retried with backoff,
    // some calls may even run out of attempts).
    let throttles = |pacing: bool| {
        let sandbox = Sandbox::builder().enforce_usage_plans(2.0).spawn().unwrap();
        let h = Harness::with(sandbox, pacing);
        let op = Arc::new(example_op("getCart-200-0"));
        std::thread::scope(|s| {
            let calls: Vec<_> = (0..8)
                .map(|_| {
                    let (client, op) = (h.blocking.clone(), op.clone());
                    s.spawn(move || op.send_blocking(&client))
                })
                .collect();
            for c in calls {
                let result = c.join().unwrap();
                if pacing {
                    result.unwrap();
                }
            }
        });
        h.sandbox.requests().iter().filter(|r| r.status == Some(429)).count()
    };
    assert_eq!(throttles(true), 0, "the paced client was throttled");
    assert!(throttles(false) > 0, "without pacing the enforcer should have throttled");
}
