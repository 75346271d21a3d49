//! Every decision of the call state machine, driven with injected time and scripted responses.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use super::*;
use crate::config::{Config, CredentialKey, Credentials, RetryPolicy};
use crate::error::{ErrorKind, LwaErrorCode};
use crate::operation::{RequestContext, Role, UsagePlan};
use crate::place::Environment;
use crate::wire::{RequestBuilder, ACCESS_TOKEN_HEADER};

struct TestOp<const SAFE: bool> {
    id: &'static str,
}

impl<const SAFE: bool> Operation for TestOp<SAFE> {
    type Output = serde_json::Value;
    const ID: &'static str = "testOp";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(UsagePlan::new(0.5, 2));
    const RETRY_SAFE: bool = SAFE;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, http::Method::GET, cx, "/things/{id}").path_param("id", self.id).build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Self::Output, Error> {
        crate::wire::parse_json(Self::ID, response.body())
    }
}

type Safe = TestOp<true>;
type Unsafe = TestOp<false>;

fn engine_with(retry: RetryPolicy, pacing: bool) -> Engine {
    let creds = Credentials::new("client-id", "client-secret", "Atzr|refresh").unwrap();
    let env = Environment::custom("http://127.0.0.1:1", "http://127.0.0.1:1/auth/o2/token").unwrap();
    let config =
        Config::builder().credentials(creds).environment(env).retry(retry).pacing(pacing).build().unwrap();
    Engine::new(config)
}

fn engine() -> Engine {
    engine_with(RetryPolicy::default(), false)
}

fn t0() -> Now {
    Now::new(Instant::now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

fn token_response(token: &str) -> http::Response<Vec<u8>> {
    response(200, &[], &format!(r#"{{"access_token":"{token}","token_type":"bearer","expires_in":3600}}"#))
}

type Outcome = Result<http::Response<Vec<u8>>, TransportError>;

/// What a driver saw, step by step.
#[derive(Debug, PartialEq)]
enum Seen {
    Lwa,
    Api(Option<String>),
    Sleep(Duration),
    Await,
}

type Driven<T> = (Result<T, Error>, Vec<Seen>, Vec<http::Request<Vec<u8>>>);

/// Drives a call to the end, answering LWA and API requests from the scripts, advancing time by
/// every sleep. Returns the result, what happened, and the requests sent.
fn drive<O: Operation>(
    call: &mut Call<'_, O>,
    mut now: Now,
    lwa: &mut VecDeque<Outcome>,
    api: &mut VecDeque<Outcome>,
) -> Driven<O::Output> {
    let mut seen = Vec::new();
    let mut sent = Vec::new();
    for _ in 0..200 {
        match call.poll(now) {
            Step::Store(op) => {
                let reply = call.engine.store().run(op, now);
                call.receive_store(reply, now).unwrap();
            }
            Step::Send { request, target: Target::Lwa } => {
                seen.push(Seen::Lwa);
                sent.push(copy_request(&request));
                call.receive(lwa.pop_front().expect("unexpected LWA request"), now).unwrap();
            }
            Step::Send { request, target: Target::Api } => {
                let token =
                    request.headers().get(ACCESS_TOKEN_HEADER).map(|v| v.to_str().unwrap().to_owned());
                seen.push(Seen::Api(token));
                sent.push(copy_request(&request));
                call.receive(api.pop_front().expect("unexpected API request"), now).unwrap();
            }
            Step::Sleep(d) => {
                seen.push(Seen::Sleep(d));
                now = now.after(d);
            }
            Step::AwaitToken { .. } => {
                seen.push(Seen::Await);
                return (Err(misuse("awaiting")), seen, sent);
            }
            Step::Done(r) => return (r, seen, sent),
        }
    }
    panic!("call did not finish: {seen:?}");
}

/// Polls `call`, running every store step against the engine's memory store, until it asks for
/// something else.
fn step<O: Operation>(call: &mut Call<'_, O>, now: Now) -> Step<O::Output> {
    loop {
        match call.poll(now) {
            Step::Store(op) => {
                let reply = call.engine.store().run(op, now);
                call.receive_store(reply, now).unwrap();
            }
            other => return other,
        }
    }
}

fn q<const N: usize>(items: [Outcome; N]) -> VecDeque<Outcome> {
    items.into_iter().collect()
}

fn ok() -> Outcome {
    Ok(response(200, &[("x-amzn-RequestId", "r1")], r#"{"ok":true}"#))
}

#[test]
fn fetches_a_token_once_and_sends_it() {
    let e = engine();
    let op = Safe { id: "a b" };
    let mut lwa = q([Ok(token_response("Atza|one"))]);
    let mut api = q([ok(), ok()]);
    let (r, seen, sent) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap()["ok"], true);
    assert_eq!(seen, [Seen::Lwa, Seen::Api(Some("Atza|one".into()))]);
    let lwa_req = &sent[0];
    assert_eq!(lwa_req.uri(), "http://127.0.0.1:1/auth/o2/token");
    assert_eq!(
        std::str::from_utf8(lwa_req.body()).unwrap(),
        "grant_type=refresh_token&refresh_token=Atzr%7Crefresh&client_id=client-id&client_secret=client-secret"
    );
    let api_req = &sent[1];
    assert_eq!(api_req.uri(), "http://127.0.0.1:1/things/a%20b");
    assert!(api_req.headers()[USER_AGENT].to_str().unwrap().contains("Language=Rust/"));
    // The second call reuses the cached token.
    let (r, seen, _) = drive(&mut e.call(&op, 2), t0(), &mut lwa, &mut api);
    assert!(r.is_ok());
    assert_eq!(seen, [Seen::Api(Some("Atza|one".into()))]);
}

#[test]
fn an_expiring_token_is_refreshed() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("Atza|one")), Ok(token_response("Atza|two"))]);
    let mut api = q([ok(), ok()]);
    drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api).0.unwrap();
    let later = t0().after(Duration::from_secs(3600 - 59));
    let (r, seen, _) = drive(&mut e.call(&op, 1), later, &mut lwa, &mut api);
    r.unwrap();
    assert_eq!(seen, [Seen::Lwa, Seen::Api(Some("Atza|two".into()))]);
}

#[test]
fn a_401_refreshes_and_retries_once() {
    let e = engine();
    let op = Unsafe { id: "x" };
    let unauthorized =
        || Ok(response(401, &[], r#"{"errors":[{"code":"Unauthorized","message":"expired"}]}"#));
    let mut lwa = q([Ok(token_response("Atza|one")), Ok(token_response("Atza|two"))]);
    let mut api = q([unauthorized(), ok()]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    r.unwrap();
    assert_eq!(
        seen,
        [Seen::Lwa, Seen::Api(Some("Atza|one".into())), Seen::Lwa, Seen::Api(Some("Atza|two".into()))]
    );

    // Twice in a row: not retried a second time.
    let mut lwa = q([Ok(token_response("Atza|three"))]);
    let mut api = q([unauthorized(), unauthorized()]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Unauthorized);
    assert_eq!(seen, [Seen::Api(Some("Atza|two".into())), Seen::Lwa, Seen::Api(Some("Atza|three".into()))]);
}

#[test]
fn a_429_waits_retry_after_in_both_forms() {
    let e = engine();
    let op = Unsafe { id: "x" };
    let now = t0();
    let date = httpdate::fmt_http_date(now.wall + Duration::from_secs(7));
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([
        Ok(response(
            429,
            &[("Retry-After", "1")],
            r#"{"errors":[{"code":"QuotaExceeded","message":"slow"}]}"#,
        )),
        Ok(response(429, &[("Retry-After", &date)], "")),
        ok(),
    ]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
    r.unwrap();
    let sleeps: Vec<_> =
        seen.iter().filter_map(|s| if let Seen::Sleep(d) = s { Some(*d) } else { None }).collect();
    // 1 s, then the date 7 s after t0 is 6 s after the first sleep.
    assert_eq!(sleeps, [Duration::from_secs(1), Duration::from_secs(6)]);
}

#[test]
fn a_retry_sends_the_same_request_as_the_first_attempt() {
    let e = engine();
    let op = Unsafe { id: "a b/c" };
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([Ok(response(429, &[("Retry-After", "1")], "")), ok()]);
    let (r, _, sent) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    r.unwrap();
    let api: Vec<_> = sent.iter().filter(|r| r.uri().path() != "/auth/o2/token").collect();
    assert_eq!(api.len(), 2, "{api:?}");
    let wire = |r: &http::Request<Vec<u8>>| {
        (r.method().clone(), r.uri().clone(), r.headers().clone(), r.body().clone())
    };
    assert_eq!(wire(api[0]), wire(api[1]));
    assert_eq!(api[0].uri().path(), "/things/a%20b%2Fc");
    assert_eq!(api[0].headers()["x-amz-access-token"], "t");
}

#[test]
fn a_429_with_garbage_retry_after_backs_off_and_gives_up_as_quota_exceeded() {
    let retry = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
    let e = engine_with(retry.clone(), false);
    let op = Safe { id: "x" };
    let throttled = || Ok(response(429, &[("Retry-After", "soon")], ""));
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([throttled(), throttled(), throttled()]);
    let (r, seen, _) = drive(&mut e.call(&op, 9), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert!(matches!(err, Error::RetriesExhausted { attempts: 3, .. }), "{err:?}");
    let sleeps: Vec<_> =
        seen.iter().filter_map(|s| if let Seen::Sleep(d) = s { Some(*d) } else { None }).collect();
    assert_eq!(sleeps.len(), 2);
    assert!(sleeps[0] >= retry.base_delay / 2 && sleeps[0] <= retry.base_delay, "{sleeps:?}");
    assert!(sleeps[1] >= retry.base_delay && sleeps[1] <= retry.base_delay * 2, "{sleeps:?}");
}

#[test]
fn a_retry_after_beyond_the_bound_fails_at_once() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([Ok(response(429, &[("Retry-After", "3600")], ""))]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert_eq!(err.api().unwrap().retry_after, Some(Duration::from_secs(3600)));
    assert!(!seen.iter().any(|s| matches!(s, Seen::Sleep(_))));
    // The error says what the server asked for and how to raise the cap.
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    let text = err.to_string();
    assert!(text.contains("3600s") && text.contains("max_retry_after"), "{text}");
}

#[test]
fn a_response_over_the_size_cap_is_reported_once() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([Err(TransportError::too_large(64 << 20))]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Api(_))).count(), 1, "{seen:?}");
    assert!(matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::TooLarge), "{err:?}");
}

#[test]
fn lwa_leg_failures_say_it_was_the_token_exchange_where_and_how_often() {
    let e = engine_with(
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), ..RetryPolicy::default() },
        false,
    );
    let op = Safe { id: "x" };
    let refused = || Err(TransportError::connect("connection refused"));
    let mut lwa = q([refused(), refused(), refused()]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut q([]));
    let err = r.unwrap_err();
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Lwa)).count(), 3);
    let text = err.to_string();
    assert!(text.contains("token exchange with LWA at 127.0.0.1 failed after 3 attempts"), "{text}");
    assert_eq!(err.kind(), ErrorKind::Transport);
}

#[test]
fn a_token_echoed_in_an_error_is_masked_by_value() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("Atza|secret-token-value-123"))]);
    let echo = r#"{"errors":[{"code":"InvalidInput","message":"Access token Atza|secret-token-value-123 and client-secret are wrong"}]}"#;
    let mut api = q([Ok(response(400, &[], echo))]);
    let (r, _, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("secret-token-value-123"), "{shown}");
    assert!(!shown.contains("client-secret"), "{shown}");
    assert!(shown.contains("InvalidInput"), "Amazon's error code still shows: {shown}");
}

#[test]
fn server_errors_are_retried_only_when_safe() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([Ok(response(500, &[], "")), Ok(response(503, &[], "")), ok()]);
    let (r, seen, _) = drive(&mut e.call(&Safe { id: "x" }, 1), t0(), &mut lwa, &mut api);
    r.unwrap();
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Api(_))).count(), 3);

    let mut api = q([Ok(response(
        500,
        &[("x-amzn-RequestId", "req-9")],
        r#"{"errors":[{"code":"InternalFailure","message":"boom"}]}"#,
    ))]);
    let (r, seen, _) = drive(&mut e.call(&Unsafe { id: "x" }, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.request_id(), Some("req-9"));
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Api(_))).count(), 1);
}

#[test]
fn network_failures_are_retried_when_safe_or_when_the_request_never_left() {
    let e = engine();
    let reset = || Err(TransportError::new(TransportErrorKind::Reset, "connection reset"));
    let refused = || Err(TransportError::new(TransportErrorKind::Connect, "connection refused"));
    let mut lwa = q([Ok(token_response("t"))]);

    let mut api = q([reset(), ok()]);
    drive(&mut e.call(&Safe { id: "x" }, 1), t0(), &mut lwa, &mut api).0.unwrap();

    let mut api = q([refused(), ok()]);
    drive(&mut e.call(&Unsafe { id: "x" }, 1), t0(), &mut lwa, &mut api).0.unwrap();

    let mut api = q([reset()]);
    let (r, _, _) = drive(&mut e.call(&Unsafe { id: "x" }, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Transport);
    assert!(api.is_empty());
}

#[test]
fn pacing_waits_instead_of_sending_into_a_throttle() {
    let e = engine_with(RetryPolicy::default(), true);
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([ok(), ok(), ok()]);
    let now = t0();
    // Plan: 0.5 rps, burst 2.
    let (_, seen1, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
    let (_, seen2, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
    let (_, seen3, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
    assert!(!seen1.iter().chain(&seen2).any(|s| matches!(s, Seen::Sleep(_))));
    // The answers announce no rate, so the booking stays provisional: the wait is slept in
    // slices (25 ms, doubling), each followed by a recheck.
    assert_eq!(seen3[0], Seen::Sleep(crate::pacer::RECHECK_FIRST));
    let slept: Duration = seen3
        .iter()
        .take_while(|s| !matches!(s, Seen::Api(_)))
        .map(|s| match s {
            Seen::Sleep(d) => *d,
            _ => Duration::ZERO,
        })
        .sum();
    assert_eq!(
        slept,
        Duration::from_secs(2).div_f64(crate::pacer::PACE_MARGIN),
        "2 s at the plan's rate, with the pacing margin"
    );

    // With pacing off nothing waits.
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([ok(), ok(), ok()]);
    for _ in 0..3 {
        let (_, seen, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
        assert!(!seen.iter().any(|s| matches!(s, Seen::Sleep(_))));
    }
}

#[test]
fn the_rate_limit_header_corrects_the_pace() {
    let e = engine_with(RetryPolicy::default(), true);
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("t"))]);
    let fast = || Ok(response(200, &[("x-amzn-RateLimit-Limit", "10")], "{}"));
    let mut api = q([fast(), fast(), fast()]);
    let now = t0();
    for _ in 0..2 {
        drive(&mut e.call(&op, 1), now, &mut lwa, &mut api).0.unwrap();
    }
    // Two slots were booked at 0.5 rps (burst 2); once Amazon says 10 rps the third waits
    // for the rescaled backlog instead of the 2 s the model's plan would impose.
    let (_, seen, _) = drive(&mut e.call(&op, 1), now, &mut lwa, &mut api);
    match seen[0] {
        Seen::Sleep(d) => assert!(d < Duration::from_millis(500), "{d:?}"),
        ref other => panic!("{other:?}"),
    }
}

/// The first calls of a process book at the model's plan before any answer; when an answer
/// announces a faster rate, a call already waiting rechecks, books again at that rate and
/// sends at once instead of serving the wait it was first given.
#[test]
fn a_call_paced_at_the_plans_rate_moves_up_when_an_answer_teaches_a_faster_one() {
    let e = engine_with(RetryPolicy::default(), true);
    let op = Safe { id: "x" };
    let now = t0();
    // A first call fetches the token; its answer announces no rate.
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([ok()]);
    drive(&mut e.call(&op, 1), now, &mut lwa, &mut api).0.unwrap();
    // Plan 0.5 rps, burst 2: the second call goes now, the third is booked 2 s out.
    let mut b = e.call(&op, 1);
    assert!(matches!(step(&mut b, now), Step::Send { target: Target::Api, .. }));
    let mut c = e.call(&op, 1);
    let Step::Sleep(first) = step(&mut c, now) else { panic!("the third call waits") };
    assert_eq!(first, crate::pacer::RECHECK_FIRST, "a provisional wait is slept in slices");
    // The second call's answer says 20 rps.
    b.receive(Ok(response(200, &[("x-amzn-RateLimit-Limit", "20")], "{}")), now).unwrap();
    assert!(matches!(step(&mut b, now), Step::Done(Ok(_))));
    // The third rechecks after its slice, books again at 20 rps and goes one 20 rps interval
    // after the answer, not 2 s.
    let (mut t, mut waited) = (now.after(first), first);
    loop {
        match step(&mut c, t) {
            Step::Sleep(d) => {
                waited += d;
                t = t.after(d);
            }
            Step::Send { target: Target::Api, .. } => break,
            other => panic!("{other:?}"),
        }
    }
    let interval = Duration::from_millis(50).div_f64(crate::pacer::PACE_MARGIN);
    assert!(waited.abs_diff(interval) < Duration::from_millis(1), "waited {waited:?}, not {interval:?}");
}

#[test]
fn concurrent_calls_share_one_exchange() {
    let e = engine();
    let op = Safe { id: "x" };
    let now = t0();
    let mut leader = e.call(&op, 1);
    let mut waiters: Vec<_> = (0..100).map(|i| e.call(&op, i)).collect();
    let Step::Send { target: Target::Lwa, .. } = step(&mut leader, now) else { panic!() };
    let generation = e.store().tokens.generation();
    for w in &mut waiters {
        assert!(matches!(step(w, now), Step::AwaitToken { generation: g, .. } if g == generation));
    }
    leader.receive(Ok(token_response("Atza|shared")), now).unwrap();
    // The token is shared by the leader's next step, a store step, before it sends.
    let Step::Store(complete @ StoreOp::CompleteRefresh { .. }) = leader.poll(now) else { panic!() };
    assert_eq!(e.store().tokens.generation(), generation);
    leader.receive_store(e.store().run(complete, now), now).unwrap();
    assert!(matches!(step(&mut leader, now), Step::Send { target: Target::Api, .. }));
    assert_ne!(e.store().tokens.generation(), generation);
    for w in &mut waiters {
        match step(w, now) {
            Step::Send { request, target: Target::Api } => {
                assert_eq!(request.headers()[ACCESS_TOKEN_HEADER], "Atza|shared")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_dropped_leader_hands_over() {
    let e = engine();
    let op = Safe { id: "x" };
    let now = t0();
    let mut leader = e.call(&op, 1);
    let mut waiter = e.call(&op, 2);
    assert!(matches!(step(&mut leader, now), Step::Send { target: Target::Lwa, .. }));
    assert!(matches!(step(&mut waiter, now), Step::AwaitToken { .. }));
    // The driver gives the leader up: the step it runs hands the exchange over.
    let handover = leader.abandon().expect("the leader holds the refresh lease");
    assert!(matches!(handover, StoreOp::AbandonRefresh { .. }));
    e.store().run(handover, now);
    assert!(leader.abandon().is_none(), "nothing is handed over twice");
    assert!(matches!(step(&mut waiter, now), Step::Send { target: Target::Lwa, .. }));
}

#[test]
fn an_lwa_refusal_fails_the_leader_and_its_waiters_with_one_exchange() {
    let e = engine();
    let op = Safe { id: "x" };
    let now = t0();
    let mut leader = e.call(&op, 1);
    let mut waiter = e.call(&op, 2);
    assert!(matches!(step(&mut leader, now), Step::Send { target: Target::Lwa, .. }));
    assert!(matches!(step(&mut waiter, now), Step::AwaitToken { .. }));
    leader
        .receive(Ok(response(400, &[], r#"{"error":"invalid_grant","error_description":"revoked"}"#)), now)
        .unwrap();
    for call in [&mut leader, &mut waiter] {
        match step(call, now) {
            Step::Done(Err(e @ Error::TokenExchange { attempts: 1, .. })) => {
                assert_eq!(e.lwa().map(|l| &l.code), Some(&LwaErrorCode::InvalidGrant))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_lwa_outage_is_retried_with_backoff() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([
        Ok(response(503, &[], "unavailable")),
        Err(TransportError::new(TransportErrorKind::Timeout, "timed out")),
        Ok(token_response("t")),
    ]);
    let mut api = q([ok()]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    r.unwrap();
    assert!(
        matches!(seen[..], [Seen::Lwa, Seen::Sleep(_), Seen::Lwa, Seen::Sleep(_), Seen::Lwa, Seen::Api(_)]),
        "{seen:?}"
    );
}

#[test]
fn validation_failures_send_nothing() {
    let e = engine();
    let op = Safe { id: "" };
    let mut call = e.call(&op, 1);
    match step(&mut call, t0()) {
        Step::Done(Err(Error::Validation(v))) => assert_eq!(v.field, "id"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn undecodable_success_is_a_decode_error() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([Ok(response(200, &[], "{not json"))]);
    let (r, _, _) = drive(&mut e.call(&Safe { id: "x" }, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Decode);
}

#[test]
fn rotating_the_secret_forces_a_new_exchange_with_it() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("one")), Ok(token_response("two"))]);
    let mut api = q([ok(), ok()]);
    drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api).0.unwrap();
    e.rotate_client_secret("new-secret").unwrap();
    let (_, seen, sent) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    assert_eq!(seen[0], Seen::Lwa);
    assert!(std::str::from_utf8(sent[0].body()).unwrap().ends_with("client_secret=new-secret"));
    assert!(e.rotate_client_secret("").is_err());
}

#[test]
fn rotating_the_secret_drops_every_customers_token() {
    let e = engine();
    let other = e.with_refresh_token("Atzr|customer-2").unwrap();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("one")), Ok(token_response("two")), Ok(token_response("three"))]);
    let mut api = q([ok(), ok(), ok(), ok()]);
    drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api).0.unwrap();
    drive(&mut other.call(&op, 1), t0(), &mut lwa, &mut api).0.unwrap();
    other.rotate_client_secret("new-secret").unwrap();
    let (_, seen, sent) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    assert_eq!(seen[0], Seen::Lwa, "the first customer's token was kept after the rotation");
    assert!(std::str::from_utf8(sent[0].body()).unwrap().ends_with("client_secret=new-secret"));
    assert_eq!(
        CredentialKey::new("amzn1.application-oa2-client.x", &crate::Secret::new("r")).client_id(),
        "amzn1.application-oa2-client.x"
    );
}

#[test]
fn another_customer_gets_its_own_token() {
    let e = engine();
    let other = e.with_refresh_token("Atzr|customer-2").unwrap();
    let op = Safe { id: "x" };
    let mut lwa = q([Ok(token_response("one")), Ok(token_response("two"))]);
    let mut api = q([ok(), ok()]);
    drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api).0.unwrap();
    let (_, seen, sent) = drive(&mut other.call(&op, 1), t0(), &mut lwa, &mut api);
    assert_eq!(seen, [Seen::Lwa, Seen::Api(Some("two".into()))]);
    assert!(std::str::from_utf8(sent[0].body()).unwrap().contains("customer-2"));
}

#[test]
fn polling_out_of_turn_is_an_error_not_a_panic() {
    let e = engine();
    let op = Safe { id: "x" };
    let mut call = e.call(&op, 1);
    assert!(matches!(step(&mut call, t0()), Step::Send { .. }));
    assert!(matches!(step(&mut call, t0()), Step::Done(Err(_))));
}

/// An operation that must not be sent twice, with a probe like placeOrder's.
struct Order;

impl Operation for Order {
    type Output = serde_json::Value;
    const ID: &'static str = "placeThing";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, http::Method::POST, cx, "/things")
            .json(&serde_json::json!({"externalId": "e-1"}))
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Self::Output, Error> {
        crate::wire::parse_json(Self::ID, response.body())
    }

    fn probe(&self, cx: &RequestContext<'_>) -> Option<Result<http::Request<Vec<u8>>, Error>> {
        Some(
            RequestBuilder::new(Self::ID, http::Method::GET, cx, "/things/{id}")
                .path_param("id", "e-1")
                .build(),
        )
    }

    fn read_probe(&self, response: &http::Response<Vec<u8>>) -> Result<crate::Probed<Self::Output>, Error> {
        match response.status().as_u16() {
            404 => Ok(crate::Probed::NotApplied),
            200 => self.parse(response).map(crate::Probed::Applied),
            _ => Err(Error::Transport(TransportError::new(
                TransportErrorKind::Other,
                "unexpected probe answer",
            ))),
        }
    }
}

fn methods(sent: &[http::Request<Vec<u8>>]) -> Vec<String> {
    sent.iter()
        .filter(|r| r.uri().path() != "/auth/o2/token")
        .map(|r| format!("{} {}", r.method(), r.uri().path()))
        .collect()
}

#[test]
fn an_ambiguous_failure_is_resolved_by_the_probe_not_by_resending() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([
        Err(TransportError::new(TransportErrorKind::Reset, "reset after sending")),
        Ok(response(200, &[], r#"{"placed":"yes"}"#)),
    ]);
    let (r, _, sent) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap()["placed"], "yes");
    assert_eq!(methods(&sent), ["POST /things", "GET /things/e-1"]);
}

#[test]
fn the_order_is_resent_only_when_the_probe_proves_it_absent() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([
        Ok(response(500, &[], "")),
        Ok(response(404, &[], r#"{"errors":[{"code":"NotFound","message":"no such order"}]}"#)),
        Ok(response(200, &[], r#"{"placed":"second"}"#)),
    ]);
    let (r, _, sent) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap()["placed"], "second");
    assert_eq!(methods(&sent), ["POST /things", "GET /things/e-1", "POST /things"]);
}

#[test]
fn a_failing_probe_is_retried_then_reported_as_unknown() {
    let e = engine_with(RetryPolicy { max_attempts: 3, ..RetryPolicy::default() }, false);
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([
        Err(TransportError::new(TransportErrorKind::Timeout, "timed out")),
        Err(TransportError::new(TransportErrorKind::Reset, "reset")),
        Ok(response(200, &[], r#"{"placed":"yes"}"#)),
    ]);
    let (r, _, _) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap()["placed"], "yes");

    let mut api = q([
        Ok(response(503, &[], "")),
        Ok(response(503, &[], "")),
        Ok(response(503, &[], "")),
        Ok(response(503, &[], "")),
    ]);
    let (r, _, sent) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert!(err.to_string().contains("check before sending it again"), "{err}");
    // One order attempt, three probes: never a second POST.
    assert_eq!(methods(&sent), ["POST /things", "GET /things/e-1", "GET /things/e-1", "GET /things/e-1"]);
}

#[test]
fn clear_failures_are_not_probed() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    // Never left: resent without probing.
    let mut api =
        q([Err(TransportError::new(TransportErrorKind::Connect, "refused")), Ok(response(200, &[], "{}"))]);
    let (r, _, sent) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    r.unwrap();
    assert_eq!(methods(&sent), ["POST /things", "POST /things"]);
    // A 400 is an answer, not an ambiguity.
    let mut api = q([Ok(response(400, &[], r#"{"errors":[{"code":"InvalidInput","message":"no"}]}"#))]);
    let (r, _, sent) = drive(&mut e.call(&Order, 1), t0(), &mut lwa, &mut api);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(methods(&sent), ["POST /things"]);
}

#[test]
fn a_final_answer_after_a_retry_is_reported_as_itself() {
    let e = engine();
    let mut lwa = q([Ok(token_response("t"))]);
    let mut api = q([
        Ok(response(503, &[], "")),
        Ok(response(404, &[], r#"{"errors":[{"code":"NotFound","message":"no such report"}]}"#)),
    ]);
    let (r, _, _) = drive(&mut e.call(&Safe { id: "x" }, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn reporting_out_of_turn_is_an_error_and_changes_nothing() {
    let e = engine();
    let op = Safe { id: "x" };
    let now = t0();
    let mut call = e.call(&op, 1);
    // Nothing was sent yet: a response is a misuse.
    assert!(call.receive(ok(), now).is_err());
    // Nor was a store step asked for... the first poll asks for one.
    let Step::Store(acquire) = call.poll(now) else { panic!() };
    assert!(call.receive(ok(), now).is_err(), "a response while a store reply is awaited");
    assert!(
        call.receive_store(StoreReply::Reserved(crate::pacer::Reservation::NOW), now).is_err(),
        "the wrong reply"
    );
    // The right reply still works: the misuses changed nothing.
    call.receive_store(e.store().run(acquire, now), now).unwrap();
    assert!(matches!(step(&mut call, now), Step::Send { target: Target::Lwa, .. }));
}

#[test]
fn an_invalid_grant_is_remembered_one_exchange_for_three_calls() {
    let e = engine();
    let op = Safe { id: "x" };
    let refusal = || Ok(response(400, &[], r#"{"error":"invalid_grant","error_description":"revoked"}"#));
    // One refusal scripted: a second LWA request would panic the driver.
    let mut lwa = q([refusal()]);
    let mut api = q([]);
    let mut shown = Vec::new();
    for seed in 1..=3 {
        let (r, _, _) = drive(&mut e.call(&op, seed), t0(), &mut lwa, &mut api);
        let err = r.unwrap_err();
        assert!(matches!(&err, Error::TokenExchange { attempts: 1, .. }), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Lwa);
        assert!(err.is_refused_grant(), "{err:?}");
        shown.push(err.to_string());
    }
    assert!(lwa.is_empty(), "the one exchange happened");
    assert!(shown.iter().all(|s| s == &shown[0]), "{shown:#?}");
    assert!(
        shown[0].starts_with("the token exchange with LWA at 127.0.0.1 failed after 1 attempt: ")
            && shown[0].contains("invalid_grant")
            && shown[0].contains("until the refresh token is replaced"),
        "{}",
        shown[0]
    );
    assert!(!shown[0].contains("Atzr|refresh") && !shown[0].contains("client-secret"), "{}", shown[0]);
    // Another refresh token asks LWA (and gets its token).
    let other = e.with_refresh_token("Atzr|replaced").unwrap();
    let mut lwa = q([Ok(token_response("Atza|new"))]);
    let mut api = q([ok()]);
    let (r, _, _) = drive(&mut other.call(&op, 4), t0(), &mut lwa, &mut api);
    r.unwrap();
    // Rotating the client secret forgets the refusal: the next call asks LWA again.
    e.rotate_client_secret("client-secret-2").unwrap();
    let mut lwa = q([Ok(token_response("Atza|after"))]);
    let mut api = q([ok()]);
    let (r, seen, _) = drive(&mut e.call(&op, 5), t0(), &mut lwa, &mut api);
    r.unwrap();
    assert_eq!(seen.first(), Some(&Seen::Lwa));
}

#[test]
fn a_token_that_is_no_header_value_fails_the_call_before_sending_and_a_good_one_is_sent_sensitive() {
    let e = engine();
    let op = Safe { id: "a" };
    // A control character is valid JSON (escaped) but not a header value.
    let mut lwa = q([Ok(token_response("Atza|a\\u0001b"))]);
    let mut api = q([ok()]);
    let (r, seen, _) = drive(&mut e.call(&op, 1), t0(), &mut lwa, &mut api);
    let err = r.unwrap_err().to_string();
    assert!(err.contains("not a valid header value"), "{err}");
    assert_eq!(seen, [Seen::Lwa], "no API request may carry a broken token");

    let e = engine();
    let mut lwa = q([Ok(token_response("Atza|good"))]);
    let mut api = q([ok(), ok()]);
    for seed in [1, 2] {
        let (r, _, sent) = drive(&mut e.call(&op, seed), t0(), &mut lwa, &mut api);
        assert!(r.is_ok());
        let value = &sent.last().unwrap().headers()[ACCESS_TOKEN_HEADER];
        assert_eq!(value, "Atza|good");
        assert!(value.is_sensitive(), "marked sensitive so HTTP stacks' logs leave it out");
    }
}

/// The store steps a call takes, answered from the engine's memory store; the LWA leg and the
/// API answered with `api_answer`.
fn store_steps(e: &Engine, api_answer: http::Response<Vec<u8>>) -> Vec<&'static str> {
    let op = Safe { id: "a" };
    let mut call = e.call(&op, 1);
    let (mut steps, mut api_answer) = (Vec::new(), Some(api_answer));
    for _ in 0..50 {
        match call.poll(t0()) {
            Step::Store(op) => {
                steps.push(op.name());
                let reply = call.engine.store().run(op, t0());
                call.receive_store(reply, t0()).unwrap();
            }
            Step::Send { target: Target::Lwa, .. } => {
                call.receive(Ok(token_response("Atza|t")), t0()).unwrap()
            }
            Step::Send { target: Target::Api, .. } => {
                call.receive(Ok(api_answer.take().unwrap()), t0()).unwrap()
            }
            Step::Sleep(_) | Step::AwaitToken { .. } => panic!("unexpected wait"),
            Step::Done(r) => {
                r.unwrap();
                return steps;
            }
        }
    }
    panic!("call did not finish: {steps:?}");
}

#[test]
fn an_announced_rate_is_learned_only_when_pacing_is_on() {
    let announcing = || response(200, &[("x-amzn-RateLimit-Limit", "2.0")], r#"{"ok":true}"#);
    let paced = store_steps(&engine_with(RetryPolicy::default(), true), announcing());
    assert!(paced.contains(&"observe-rate"), "{paced:?}");
    let unpaced = store_steps(&engine_with(RetryPolicy::default(), false), announcing());
    assert!(!unpaced.contains(&"observe-rate"), "no store step for a pacer never asked: {unpaced:?}");
    assert!(!unpaced.contains(&"reserve"), "{unpaced:?}");
}
