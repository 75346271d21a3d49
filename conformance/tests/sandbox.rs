//! Drives the emulator over real HTTP/1.1 with a deliberately tiny client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant, SystemTime};

use amazon_business_conformance::fixtures::{load_examples, Example};
use amazon_business_conformance::sandbox::{
    parse_fault_arg, Fault, RetryAfter, Route, Sandbox, DIAGNOSTIC_HEADER,
};
use serde_json::{json, Value};

#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one request with `Connection: close` and reads until the server closes.
/// `Err` means no response head arrived at all (the connection was dropped).
fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Raw, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if raw.is_empty() => return Err(e.to_string()),
            Err(_) => break,
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no response head ({} bytes)", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(Raw { status, headers, body: raw[split + 4..].to_vec() })
}

fn get(sandbox: &Sandbox, target: &str, token: &str) -> Raw {
    send(sandbox.addr(), "GET", target, &[("x-amz-access-token", token)], b"").unwrap()
}

fn lwa(sandbox: &Sandbox, form: &str) -> Raw {
    send(
        sandbox.addr(),
        "POST",
        "/auth/o2/token",
        &[("content-type", "application/x-www-form-urlencoded;charset=UTF-8")],
        form.as_bytes(),
    )
    .unwrap()
}

const REFRESH: &str =
    "grant_type=refresh_token&refresh_token=Atzr%7Cabc&client_id=amzn1.application-oa2-client.x&client_secret=s3cret";

fn token(sandbox: &Sandbox) -> String {
    let r = lwa(sandbox, REFRESH);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["access_token"].as_str().unwrap().to_owned()
}

fn example(id: &str) -> Example {
    load_examples().into_iter().find(|e| e.id == id).unwrap()
}

const ORDERS_BY_DATE: &str =
    "/reports/2021-01-08/orders?startDate=2020-12-01T00:00:00Z&endDate=2020-12-01T23:00:00Z";

#[test]
fn lwa_exchange_issues_tokens_and_counts() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    assert!(sandbox.lwa_url().ends_with("/auth/o2/token"));
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    let r = lwa(&sandbox, REFRESH);
    assert_eq!(r.status, 200);
    let body = r.json();
    assert!(body["access_token"].as_str().unwrap().starts_with("Atza|sandbox-"));
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"].as_u64(), Some(3600));
    assert_eq!(body["refresh_token"], "Atzr|abc");
    let second = lwa(&sandbox, REFRESH).json();
    assert_ne!(second["access_token"], body["access_token"]);
    assert_eq!(sandbox.lwa_exchanges(), 2);

    // Missing client secret.
    let r = lwa(&sandbox, "grant_type=refresh_token&refresh_token=x&client_id=y");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    // Authorization-code grant.
    let r = lwa(
        &sandbox,
        "grant_type=authorization_code&code=ANcode&client_id=a&client_secret=b&redirect_uri=https%3A%2F%2Fexample.com%2Fcb",
    );
    assert_eq!(r.status, 200);
    assert!(r.json()["refresh_token"].as_str().unwrap().starts_with("Atzr|"));
}

#[test]
fn lwa_checks_configured_credentials() {
    let sandbox = Sandbox::builder()
        .credentials("amzn1.application-oa2-client.x", "s3cret", "Atzr|abc")
        .spawn()
        .unwrap();
    assert_eq!(lwa(&sandbox, REFRESH).status, 200);
    let r = lwa(
        &sandbox,
        "grant_type=refresh_token&refresh_token=Atzr%7Cabc&client_id=amzn1.application-oa2-client.x&client_secret=old",
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    let r = lwa(
        &sandbox,
        "grant_type=refresh_token&refresh_token=Atzr%7Cother&client_id=amzn1.application-oa2-client.x&client_secret=s3cret",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");
    assert!(r.json()["error_description"].is_string());
    // After a rotation only the new secret works.
    sandbox.set_credentials("amzn1.application-oa2-client.x", "new", "Atzr|abc");
    assert_eq!(lwa(&sandbox, REFRESH).status, 401);
    assert_eq!(sandbox.lwa_exchanges(), 4);
}

#[test]
fn matching_requests_answer_the_recorded_examples() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);

    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(Some(r.json()), example("getOrdersByOrderDate-200-0").response);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-amzn-RateLimit-Limit"), Some("0.5"));
    let id1 = r.header("x-amzn-RequestId").unwrap().to_owned();
    assert_eq!(id1.len(), 36);

    // Same instants written with an explicit offset still match.
    let r = get(
        &sandbox,
        "/reports/2021-01-08/orders?endDate=2020-12-02T00:00:00%2B01:00&startDate=2020-12-01T00:00:00.000Z",
        &token,
    );
    assert_eq!(r.status, 200, "{:?}", r.header(DIAGNOSTIC_HEADER));
    assert_ne!(r.header("x-amzn-RequestId").unwrap(), id1);

    let r = get(&sandbox, "/reports/2021-09-30/reports/ID323", &token);
    assert_eq!(r.status, 200);
    assert_eq!(Some(r.json()), example("getReport-200-0").response);

    // A recorded error example.
    let r = get(&sandbox, "/reports/2021-09-30/reports/badReportId1", &token);
    assert_eq!(r.status, 400);
    assert_eq!(Some(r.json()), example("getReport-400-0").response);

    // csv arrays compare with JSON arrays.
    let r = get(
        &sandbox,
        "/reports/2021-09-30/reports?processingStatuses=IN_QUEUE,IN_PROGRESS&reportTypes=FEE_DISCOUNTS_REPORT%2CGET_AFN_INVENTORY_DATA",
        &token,
    );
    assert_eq!(r.status, 200, "{:?}", r.header(DIAGNOSTIC_HEADER));

    // Numbers by value, JSON bodies as JSON.
    let email = ("x-amz-user-email", "buyer@example.com");
    let r = send(
        sandbox.addr(),
        "GET",
        "/products/2020-08-26/products/B07VDJ5RVF/offers?productRegion=US&locale=en_US&pageNumber=1&pageSize=12&filterIds=NEW,PRIME",
        &[("x-amz-access-token", &token), email],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.header(DIAGNOSTIC_HEADER));
    let body = example("getProductsByAsins-200-0").body.unwrap();
    let r = send(
        sandbox.addr(),
        "POST",
        "/products/2020-08-26/products/getProductsByAsins",
        &[("x-amz-access-token", &token), email, ("content-type", "application/json")],
        serde_json::to_string_pretty(&body).unwrap().as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.header(DIAGNOSTIC_HEADER));

    // A null response has no body.
    let r = send(
        sandbox.addr(),
        "DELETE",
        "/reports/2021-09-30/reports/ID",
        &[("x-amz-access-token", &token)],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-length"), Some("0"));
}

#[test]
fn misses_explain_the_difference() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);

    let r = get(&sandbox, &format!("{ORDERS_BY_DATE}&foo=bar"), &token);
    assert_eq!(r.status, 400);
    let diag = r.header(DIAGNOSTIC_HEADER).unwrap();
    assert!(diag.contains("getOrdersByOrderDate-200-0"), "{diag}");
    assert!(diag.contains("extra parameter foo"), "{diag}");
    let body = r.json();
    assert_eq!(body["errors"][0]["code"], "InvalidInput");
    assert_eq!(body["errors"][0]["message"], "Could not match input arguments");
    assert_eq!(body["sandboxDiagnostic"]["nearestExample"], "getOrdersByOrderDate-200-0");

    // Missing parameter and a differing value.
    let r = get(&sandbox, "/reports/2021-01-08/orders?startDate=2020-12-01T00:00:01Z", &token);
    assert_eq!(r.status, 400);
    let diag = r.header(DIAGNOSTIC_HEADER).unwrap();
    assert!(diag.contains("missing parameter endDate"), "{diag}");
    assert!(diag.contains("value of startDate differs"), "{diag}");

    // Arrays as repeated keys are not csv.
    let r = get(
        &sandbox,
        "/reports/2021-09-30/reports?processingStatuses=IN_QUEUE&processingStatuses=IN_PROGRESS&reportTypes=FEE_DISCOUNTS_REPORT,GET_AFN_INVENTORY_DATA",
        &token,
    );
    assert_eq!(r.status, 400);
    assert!(r.header(DIAGNOSTIC_HEADER).unwrap().contains("2 times"));

    // A bare local timestamp does not match a `Z` example.
    let r = get(
        &sandbox,
        "/reconciliation/2021-01-08/transactions?feedStartDate=2020-07-09T00:00:00&feedEndDate=2020-08-01T00:00:00Z",
        &token,
    );
    assert_eq!(r.status, 400);
    assert!(r.header(DIAGNOSTIC_HEADER).unwrap().contains("value of feedStartDate differs"));

    // A body that differs names the JSON path.
    let mut body = example("getBatchInvoicePaymentDetails-200-0").body.unwrap();
    body["invoiceIds"][0] = json!("nope");
    let r = send(
        sandbox.addr(),
        "POST",
        "/reconciliation/2021-01-08/invoices/batch/paymentDetails",
        &[("x-amz-access-token", &token)],
        body.to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 400);
    assert!(r.header(DIAGNOSTIC_HEADER).unwrap().contains("$.invoiceIds[0]"));

    // No route at all.
    assert_eq!(get(&sandbox, "/nowhere", &token).status, 404);
}

#[test]
fn tokens_and_user_email_are_checked() {
    let sandbox = Sandbox::builder().token_lifetime(Duration::from_millis(150)).spawn().unwrap();
    let r = send(sandbox.addr(), "GET", ORDERS_BY_DATE, &[], b"").unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["errors"][0]["code"], "Unauthorized");
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, "Atza|forged").status, 401);

    let token = token(&sandbox);
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 200);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 401);

    let token = sandbox.issue_token();
    assert_eq!(get(&sandbox, "/cart/2025-04-30/carts?region=US", &token).status, 400);
    let r = send(
        sandbox.addr(),
        "GET",
        "/cart/2025-04-30/carts?region=US",
        &[("x-amz-access-token", &token), ("x-amz-user-email", "a@b.c")],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    sandbox.revoke_tokens();
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 401);

    let lax = Sandbox::builder().require_user_email(false).spawn().unwrap();
    let token = lax.issue_token();
    assert_eq!(get(&lax, "/cart/2025-04-30/carts?region=US", &token).status, 200);

    let strict = Sandbox::builder().user_email("a@b.c").spawn().unwrap();
    let token = strict.issue_token();
    let r = send(
        strict.addr(),
        "GET",
        "/cart/2025-04-30/carts?region=US",
        &[("x-amz-access-token", &token), ("x-amz-user-email", "x@y.z")],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["errors"][0]["message"], "Email is not authorized");
}

#[test]
fn status_faults_with_both_retry_after_forms() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    let route = Route::Operation("getOrdersByOrderDate");
    sandbox.inject(route, Fault::throttled(Some(RetryAfter::Seconds(2))), 1);
    let at = SystemTime::now() + Duration::from_secs(30);
    sandbox.inject(route, Fault::throttled(Some(RetryAfter::HttpDate(at))), 1);
    sandbox.inject(route, Fault::status(503), 2);
    assert_eq!(sandbox.pending_faults(), 4);

    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.json()["errors"][0]["code"], "QuotaExceeded");
    assert!(r.header("x-amzn-RequestId").is_some());

    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 429);
    let date = httpdate::parse_http_date(r.header("retry-after").unwrap()).unwrap();
    let drift = date.duration_since(at).unwrap_or_else(|e| e.duration());
    assert!(drift < Duration::from_secs(1));

    // Other routes are unaffected while faults are queued.
    assert_eq!(get(&sandbox, "/reports/2021-09-30/reports/ID323", &token).status, 200);

    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 503);
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 503);
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 200);
    assert_eq!(sandbox.pending_faults(), 0);
    assert_eq!(sandbox.count("getOrdersByOrderDate"), 5);

    // A custom body.
    sandbox.inject(
        Route::Api,
        Fault::Status {
            status: 500,
            retry_after: None,
            body: Some(r#"{"errors":[{"code":"InternalFailure","message":"boom"}]}"#.into()),
        },
        1,
    );
    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["errors"][0]["message"], "boom");
}

#[test]
fn dropped_connections() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    let route = Route::Operation("getOrdersByOrderDate");

    sandbox.inject(route, Fault::DropBeforeProcessing, 1);
    assert!(send(sandbox.addr(), "GET", ORDERS_BY_DATE, &[("x-amz-access-token", &token)], b"").is_err());
    assert_eq!(sandbox.count("getOrdersByOrderDate"), 0);

    sandbox.inject(route, Fault::DropAfterProcessing, 1);
    assert!(send(sandbox.addr(), "GET", ORDERS_BY_DATE, &[("x-amz-access-token", &token)], b"").is_err());
    assert_eq!(sandbox.count("getOrdersByOrderDate"), 1);

    // Processed-then-dropped LWA exchanges still issue (and count) a token.
    sandbox.inject(Route::Lwa, Fault::DropAfterProcessing, 1);
    let before = sandbox.lwa_exchanges();
    assert!(send(
        sandbox.addr(),
        "POST",
        "/auth/o2/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        REFRESH.as_bytes()
    )
    .is_err());
    assert_eq!(sandbox.lwa_exchanges(), before + 1);

    let log = sandbox.requests();
    let dropped: Vec<_> = log.iter().filter(|r| r.status.is_none()).collect();
    assert_eq!(dropped.len(), 3);
    assert_eq!(dropped[0].fault, Some(Fault::DropBeforeProcessing));

    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 200);
}

#[test]
fn truncated_and_slow_bodies() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    let route = Route::Operation("getReport");

    sandbox.inject(route, Fault::TruncatedBody, 1);
    let r = get(&sandbox, "/reports/2021-09-30/reports/ID323", &token);
    assert_eq!(r.status, 200);
    let declared: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(r.body.len() < declared, "{} < {declared}", r.body.len());
    assert!(!r.body.is_empty());

    sandbox.inject(route, Fault::SlowBody(Duration::from_millis(300)), 1);
    let start = Instant::now();
    let r = get(&sandbox, "/reports/2021-09-30/reports/ID323", &token);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(Some(r.json()), example("getReport-200-0").response);
}

#[test]
fn expired_tokens_and_lwa_outages() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    sandbox.inject(Route::Any, Fault::ExpireTokens, 1);
    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["errors"][0]["code"], "Unauthorized");

    sandbox.inject(Route::Lwa, Fault::LwaOutage, 1);
    sandbox.inject(Route::Lwa, Fault::status(500), 1);
    let r = lwa(&sandbox, REFRESH);
    assert_eq!(r.status, 503);
    assert!(r.json()["error"].is_string());
    let r = lwa(&sandbox, REFRESH);
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["error"], "server_error");
    let fresh = lwa(&sandbox, REFRESH).json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &fresh).status, 200);
}

#[test]
fn added_examples_take_priority_and_script_pagination() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);

    let mut custom = example("getReport-200-0");
    custom.id = "custom-report".into();
    custom.response = Some(json!({"reportId": "ID323", "processingStatus": "DONE"}));
    sandbox.add_example(custom);
    let r = get(&sandbox, "/reports/2021-09-30/reports/ID323", &token);
    assert_eq!(r.json()["processingStatus"], "DONE");

    let base = "/reconciliation/2021-01-08/transactions?feedStartDate=2020-07-09T00:00:00Z&feedEndDate=2020-08-01T00:00:00Z";
    let page = |token: Option<&str>, next: Option<&str>, n: u32| {
        let mut ex = Example::for_operation("getTransactions")
            .id(format!("page-{n}"))
            .query_param("feedStartDate", "2020-07-09T00:00:00Z")
            .query_param("feedEndDate", "2020-08-01T00:00:00Z");
        if let Some(t) = token {
            ex = ex.query_param("nextPageToken", t);
        }
        let mut response = json!({"transactions": [{"transactionId": format!("t{n}")}]});
        if let Some(next) = next {
            response["nextPageToken"] = json!(next);
        }
        ex.response(response)
    };
    sandbox.add_example(page(None, Some("p2"), 1));
    sandbox.add_example(page(Some("p2"), Some("p3"), 2));
    sandbox.add_example(page(Some("p3"), None, 3));

    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let target = match &next {
            Some(t) => format!("{base}&nextPageToken={t}"),
            None => base.to_owned(),
        };
        let r = get(&sandbox, &target, &token);
        assert_eq!(r.status, 200, "{:?}", r.header(DIAGNOSTIC_HEADER));
        let body = r.json();
        seen.push(body["transactions"][0]["transactionId"].as_str().unwrap().to_owned());
        next = body["nextPageToken"].as_str().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["t1", "t2", "t3"]);
    assert_eq!(sandbox.count("getTransactions"), 3);

    sandbox.clear_added_examples();
    let r = get(&sandbox, base, &token);
    assert_eq!(Some(r.json()), example("getTransactions-200-0").response);
}

#[test]
fn counters_and_log() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    get(&sandbox, ORDERS_BY_DATE, &token);
    get(&sandbox, ORDERS_BY_DATE, &token);
    get(&sandbox, "/reports/2021-09-30/reports/ID323", &token);
    assert_eq!(sandbox.count("getOrdersByOrderDate"), 2);
    assert_eq!(sandbox.count("getReport"), 1);
    assert_eq!(sandbox.count("placeOrder"), 0);
    assert_eq!(sandbox.counts().values().sum::<usize>(), 3);

    let log = sandbox.requests();
    assert_eq!(log.len(), 4);
    assert!(log[0].lwa);
    let first = &log[1];
    assert_eq!(first.method, "GET");
    assert_eq!(first.path, "/reports/2021-01-08/orders");
    assert_eq!(first.query.as_deref(), Some("startDate=2020-12-01T00:00:00Z&endDate=2020-12-01T23:00:00Z"));
    assert_eq!(first.operation.as_deref(), Some("getOrdersByOrderDate"));
    assert_eq!(first.status, Some(200));
    assert_eq!(first.header("x-amz-access-token"), Some("<redacted>"));
    assert!(!format!("{log:?}").contains(&token));

    sandbox.reset_counters();
    assert_eq!(sandbox.count("getOrdersByOrderDate"), 0);
    assert_eq!(sandbox.lwa_exchanges(), 0);
    assert!(sandbox.requests().is_empty());
    // Tokens survive a counter reset.
    assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 200);
}

#[test]
fn usage_plans_are_enforced_when_asked() {
    let sandbox = Sandbox::builder().enforce_usage_plans(0.0001).spawn().unwrap();
    let token = token(&sandbox);
    // Legacy reporting: burst 10.
    for _ in 0..10 {
        assert_eq!(get(&sandbox, ORDERS_BY_DATE, &token).status, 200);
    }
    let r = get(&sandbox, ORDERS_BY_DATE, &token);
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["errors"][0]["code"], "QuotaExceeded");
    // The rate announced is the one enforced: 0.5/s slowed down 10,000 times.
    assert_eq!(r.header("x-amzn-RateLimit-Limit"), Some("0.00005"));
    // Buckets are per operation.
    assert_eq!(get(&sandbox, "/reports/2021-09-30/reports/ID323", &token).status, 200);
}

#[test]
fn fault_arguments_parse() {
    assert_eq!(
        parse_fault_arg("getReport=429/2*3").unwrap(),
        (Route::Operation("getReport"), Fault::throttled(Some(RetryAfter::Seconds(2))), 3)
    );
    assert_eq!(parse_fault_arg("lwa=lwa-outage").unwrap(), (Route::Lwa, Fault::LwaOutage, 1));
    assert_eq!(parse_fault_arg("any=slow:250").unwrap().1, Fault::SlowBody(Duration::from_millis(250)));
    assert!(matches!(
        parse_fault_arg("api=503/@5").unwrap().1,
        Fault::Status { status: 503, retry_after: Some(RetryAfter::HttpDate(_)), .. }
    ));
    assert!(parse_fault_arg("api=teapot").is_err());
    assert!(parse_fault_arg("nonsense").is_err());
}

#[test]
fn orders_are_kept_by_external_id() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    let email = ("x-amz-user-email", "buyer@example.com");
    let details = |id: &str| {
        send(
            sandbox.addr(),
            "GET",
            &format!("/ordering/2022-10-30/orders/{id}"),
            &[("x-amz-access-token", &token), email],
            b"",
        )
        .unwrap()
    };
    assert_eq!(details("order-1").status, 404);

    let order = json!({
        "externalId": "order-1",
        "lineItems": [{"externalId": "li-1", "quantity": 2, "attributes": [], "expectations": []}],
        "attributes": [],
        "expectations": [],
    });
    // The order is placed but the answer is lost: orderDetails resolves it.
    sandbox.inject(Route::Operation("placeOrder"), Fault::DropAfterProcessing, 1);
    let place = || {
        send(
            sandbox.addr(),
            "POST",
            "/ordering/2022-10-30/orders",
            &[("x-amz-access-token", &token), ("content-type", "application/json")],
            order.to_string().as_bytes(),
        )
    };
    assert!(place().is_err());
    let r = details("order-1");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["lineItems"][0]["externalId"], "li-1");
    // Placing it again does not create a second order.
    let again = place().unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), r.json());
    assert_eq!(sandbox.orders().len(), 1);
    assert_eq!(sandbox.count("placeOrder"), 2);

    let bad =
        send(sandbox.addr(), "POST", "/ordering/2022-10-30/orders", &[("x-amz-access-token", &token)], b"{}")
            .unwrap();
    assert_eq!(bad.status, 400);

    let r = send(
        sandbox.addr(),
        "POST",
        "/applications/2023-11-30/clientSecret",
        &[("x-amz-access-token", &token)],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 204);
}

#[test]
fn trial_orders_are_answered_but_never_created() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let token = token(&sandbox);
    let order = |attributes: Value| {
        json!({
            "externalId": "trial-1",
            "lineItems": [{"externalId": "li-1", "quantity": 1, "attributes": [], "expectations": []}],
            "attributes": attributes,
            "expectations": [],
        })
    };
    let place = |body: &Value| {
        send(
            sandbox.addr(),
            "POST",
            "/ordering/2022-10-30/orders",
            &[("x-amz-access-token", &token), ("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
        .unwrap()
    };
    let details = || {
        send(
            sandbox.addr(),
            "GET",
            "/ordering/2022-10-30/orders/trial-1",
            &[("x-amz-access-token", &token), ("x-amz-user-email", "buyer@example.com")],
            b"",
        )
        .unwrap()
    };

    // The model: the steps of placing an order are completed, but no order is created.
    let trial =
        place(&order(json!([{"attributeType": "Region", "region": "US"}, {"attributeType": "TrialMode"}])));
    assert_eq!(trial.status, 200);
    assert_eq!(trial.json()["lineItems"][0]["acceptedItems"][0]["quantity"], 1);
    assert!(sandbox.orders().is_empty());
    assert_eq!(details().status, 404);

    // The same externalId placed for real is created (the trial left nothing behind).
    assert_eq!(place(&order(json!([{"attributeType": "Region", "region": "US"}]))).status, 200);
    assert_eq!(sandbox.orders().len(), 1);
    assert_eq!(details().status, 200);
}

#[test]
fn the_client_config_points_at_the_emulator_with_pacing_off() {
    use amazon_business_conformance::sandbox::SANDBOX_USER_EMAIL;
    use amazon_business_core::Credentials;

    let sandbox = Sandbox::builder().spawn().unwrap();
    let config =
        sandbox.config_builder(Credentials::new("my-id", "my-secret", "Atzr|my-token").unwrap()).unwrap();
    let config = config.build().unwrap();
    assert!(!config.pacing(), "pacing would apply Amazon's usage plans to a local server");
    assert_eq!(config.user_email(), Some(SANDBOX_USER_EMAIL));
    assert_eq!(config.api_base().as_str().trim_end_matches('/'), sandbox.base_url());
    assert!(!sandbox.client_config().unwrap().pacing());

    // It follows the emulator's own settings: the credentials and user email it insists on.
    let strict = Sandbox::builder()
        .credentials("id-2", "secret-2", "Atzr|two")
        .user_email("only@corp.example")
        .spawn()
        .unwrap();
    let config = strict.client_config().unwrap();
    assert_eq!(config.credentials().client_id(), "id-2");
    assert_eq!(config.user_email(), Some("only@corp.example"));

    // 50 concurrent calls of one operation (usage plan 0.5/s, burst 10 at Amazon) all go
    // through, and the strict emulator accepts every one of them.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = rt.block_on(async { amazon_business_async::Client::new(config) }).unwrap();
    let op = amazon_business_conformance::replay::build(&example("getOrderReports-200-0")).unwrap().unwrap();
    let results = rt.block_on(futures_util::future::join_all((0..50).map(|_| op.send_async(&client))));
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(strict.count("getOrderReports"), 50);
}

#[test]
fn enforced_usage_plans_announce_the_rate_they_enforce() {
    let token_of = |sandbox: &Sandbox| token(sandbox);
    for (scale, announced) in [(None, "0.5"), (Some(4.0), "2"), (Some(0.5), "0.25")] {
        let builder = Sandbox::builder();
        let sandbox = match scale {
            Some(scale) => builder.enforce_usage_plans(scale),
            None => builder,
        }
        .spawn()
        .unwrap();
        let token = token_of(&sandbox);
        let ok = get(&sandbox, ORDERS_BY_DATE, &token);
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("x-amzn-RateLimit-Limit"), Some(announced), "scale {scale:?}");
        if scale.is_some() {
            // Once the burst (10) is spent, the 429 announces the same rate.
            let throttled =
                (0..20).map(|_| get(&sandbox, ORDERS_BY_DATE, &token)).find(|r| r.status == 429).unwrap();
            assert_eq!(throttled.header("x-amzn-RateLimit-Limit"), Some(announced), "scale {scale:?}");
        }
    }
}
