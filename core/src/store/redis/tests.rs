use super::*;
use crate::pacer::BucketKey;
use std::sync::atomic::{AtomicUsize, Ordering};

fn key(refresh: &str) -> CredentialKey {
    CredentialKey::new("amzn1.application-oa2-client.abc", &Secret::new(refresh))
}

fn now() -> Now {
    Now::new(Instant::now(), UNIX_EPOCH + Duration::from_secs(1_700_000_000))
}

fn bulk(s: &str) -> RedisValue {
    RedisValue::Bulk(s.as_bytes().to_vec())
}

fn acquire(k: &CredentialKey, waited_on: Option<FlightId>) -> StoreOp {
    StoreOp::AcquireToken { key: k.clone(), waited_on, lease: Duration::from_secs(120) }
}

#[test]
fn keys_carry_one_hash_tag_and_no_secret() {
    let k = key("Atzr|refresh-secret-1");
    let tag = customer_tag(&k);
    assert!(tag.starts_with('{') && tag.ends_with('}') && tag.len() == 2 + 16 + 1 + 32, "{tag}");
    let ops = [
        acquire(&k, None),
        StoreOp::CompleteRefresh {
            key: k.clone(),
            flight: FlightId(REDIS_FLIGHT | 3),
            result: Ok(AccessToken::new(Secret::new("Atza|tok"), now().wall + Duration::from_secs(3600))),
        },
        StoreOp::AbandonRefresh { key: k.clone(), flight: FlightId(1) },
        StoreOp::Reserve { bucket: BucketKey { credential: k.clone(), operation: "getCart" }, plan: None },
    ];
    for op in &ops {
        let c = command(op, "prod:", now());
        assert!(!c.keys.is_empty());
        for key in &c.keys {
            assert!(key.starts_with(&format!("prod:{tag}:")), "{key}");
            assert!(!key.contains("refresh-secret") && !key.contains("Atza"), "{key}");
            assert_eq!(key.matches('{').count(), 1, "{key}");
        }
        let shown = format!("{c:?}");
        assert!(!shown.contains("Atza|tok"), "{shown}");
    }
    // Another customer of the same application: same client part, another tag.
    let other = customer_tag(&key("Atzr|refresh-secret-2"));
    assert_ne!(tag, other);
    assert_eq!(tag[..17], other[..17]);
    // The rotation pattern matches the tokens of the application only.
    let forget = command(&StoreOp::ForgetClient { client_id: k.client_id().to_owned() }, "prod:", now());
    let pattern = String::from_utf8(forget.args[0].clone()).unwrap();
    assert_eq!(pattern, format!("prod:{}*}}:token", &tag[..18]));
    assert!(forget.keys.is_empty());
}

#[test]
fn prefixes_are_checked() {
    assert!(check_prefix("staging:amazon-business:").is_ok());
    let err = check_prefix("a{b}").unwrap_err().to_string();
    assert!(err.contains("redis key prefix") && err.contains("letters"), "{err}");
    assert!(RedisOptions::default().prefix("x*").is_err());
}

#[test]
fn a_token_is_stored_with_its_life_minus_the_skew() {
    let k = key("r");
    let n = now();
    let token = AccessToken::new(Secret::new("Atza|t"), n.wall + Duration::from_secs(3600));
    let op =
        StoreOp::CompleteRefresh { key: k.clone(), flight: FlightId(REDIS_FLIGHT | 7), result: Ok(token) };
    let c = command(&op, DEFAULT_PREFIX, n);
    assert_eq!(c.script, &COMPLETE_REFRESH);
    let args: Vec<String> = c.args.iter().map(|a| String::from_utf8(a.clone()).unwrap()).collect();
    assert_eq!(args[0], "7");
    assert_eq!(args[1], "ok");
    assert_eq!(args[2], format!("{}|Atza|t", unix_ms(n.wall) + 3_600_000));
    assert_eq!(args[3], "3540000");
    // A token already inside the skew is not stored (TTL 0).
    let short = AccessToken::new(Secret::new("Atza|s"), n.wall + Duration::from_secs(30));
    let op = StoreOp::CompleteRefresh { key: k.clone(), flight: FlightId(1), result: Ok(short) };
    let c = command(&op, DEFAULT_PREFIX, n);
    assert_eq!(c.args[3], b"0");
    assert_eq!(c.args[0], b"m1", "an in-process flight never matches a Redis lease");
}

#[test]
fn acquire_answers_are_read() {
    let k = key("r");
    let op = acquire(&k, None);
    let ready =
        read_reply(&op, RedisValue::Array(vec![bulk("ready"), bulk("1700003600000|Atza|x|y")])).unwrap();
    match ready {
        StoreReply::Token(TokenDecision::Ready(t)) => {
            assert_eq!(t.value().expose(), "Atza|x|y");
            assert_eq!(t.expires_at(), UNIX_EPOCH + Duration::from_millis(1_700_003_600_000));
        }
        other => panic!("{other:?}"),
    }
    let lead = read_reply(&op, RedisValue::Array(vec![bulk("lead"), bulk("12")])).unwrap();
    let StoreReply::Token(TokenDecision::Lead(f)) = lead else { panic!("{lead:?}") };
    assert_eq!(f, FlightId(REDIS_FLIGHT | 12));
    let wait = read_reply(&op, RedisValue::Array(vec![bulk("wait"), bulk("12"), bulk("4")])).unwrap();
    assert!(matches!(wait, StoreReply::Token(TokenDecision::Wait { flight, generation: 4 }) if flight == f));
    // The waiter names the Redis flight it waited on.
    let c = command(&acquire(&k, Some(f)), "p:", now());
    assert_eq!(c.args[1], b"12");
    let c = command(&acquire(&k, Some(FlightId(12))), "p:", now());
    assert_eq!(c.args[1], b"", "an in-process flight is no Redis flight");
}

#[test]
fn a_failure_travels_without_its_message() {
    let secret_echo = "invalid refresh token Atzr|leaked";
    let err = Error::token_exchange(
        "api.amazon.com",
        3,
        Error::Lwa(LwaError {
            code: LwaErrorCode::InvalidGrant,
            status: 400,
            description: Some(secret_echo.into()),
        }),
    );
    let op = StoreOp::CompleteRefresh { key: key("r"), flight: FlightId(REDIS_FLIGHT | 2), result: Err(err) };
    let c = command(&op, "p:", now());
    let text = String::from_utf8(c.args[2].clone()).unwrap();
    assert_eq!(text, "lwa:invalid_grant:400|3|api.amazon.com");
    assert!(!text.contains("leaked"));
    let reply =
        read_reply(&acquire(&key("r"), None), RedisValue::Array(vec![bulk("failed"), bulk(&text)])).unwrap();
    let StoreReply::Token(TokenDecision::Failed(e)) = reply else { panic!("{reply:?}") };
    assert_eq!(e.kind(), crate::ErrorKind::Lwa);
    let shown = e.to_string();
    assert!(
        shown.contains("api.amazon.com") && shown.contains("3 attempts") && shown.contains("invalid_grant"),
        "{shown}"
    );
    let net = read_failure(&failure_text(&Error::Transport(TransportError::connect("refused"))));
    assert!(matches!(net, Error::Transport(t) if t.kind == TransportErrorKind::Connect));
}

#[test]
fn malformed_answers_are_errors_naming_redis() {
    let k = key("r");
    let bucket = BucketKey { credential: k.clone(), operation: "getCart" };
    let cases: Vec<(StoreOp, RedisValue)> = vec![
        (acquire(&k, None), RedisValue::Nil),
        (acquire(&k, None), RedisValue::Array(vec![])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("ready"), bulk("no-bar-Atza|secret")])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("ready"), bulk("17|")])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("ready"), RedisValue::Bulk(vec![0xff, b'|'])])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("lead"), bulk("-1")])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("wait"), bulk("1")])),
        (acquire(&k, None), RedisValue::Array(vec![bulk("jump"), bulk("1")])),
        (StoreOp::Reserve { bucket: bucket.clone(), plan: None }, RedisValue::Int(-5)),
        (StoreOp::Reserve { bucket: bucket.clone(), plan: None }, bulk("soon")),
        (StoreOp::Throttled { bucket, plan: None }, RedisValue::Status("OK".into())),
        (StoreOp::ForgetClient { client_id: "c".into() }, RedisValue::Error("NOSCRIPT gone".into())),
    ];
    for (op, value) in cases {
        let err = read_reply(&op, value.clone()).unwrap_err().to_string();
        assert!(err.starts_with("Redis shared store: "), "{err}");
        assert!(err.contains(op.name()), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
    let bucket = BucketKey { credential: k, operation: "x" };
    let ints = |v: [i64; 3]| RedisValue::Array(v.map(RedisValue::Int).to_vec());
    let ok = read_reply(&StoreOp::Reserve { bucket: bucket.clone(), plan: None }, ints([1500, 3, 1]));
    let Ok(StoreReply::Reserved(r)) = ok else { panic!("{ok:?}") };
    assert_eq!((r.wait, r.provisional), (Duration::from_micros(1500), true));
    // A Redis revision never equals an in-process one, and goes back to Redis as it came.
    assert_eq!(r.revision & !REDIS_REVISION, 3);
    assert_ne!(r.revision, 3);
    let recheck = StoreOp::Recheck { bucket: bucket.clone(), plan: None, revision: r.revision };
    assert_eq!(command(&recheck, DEFAULT_PREFIX, now()).args[2], b"3");
    let local = StoreOp::Recheck { bucket, plan: None, revision: 3 };
    assert_eq!(command(&local, DEFAULT_PREFIX, now()).args[2], b"m3");
    assert!(matches!(read_reply(&recheck, RedisValue::Int(-1)), Ok(StoreReply::Kept)));
    assert!(matches!(read_reply(&recheck, ints([0, 4, 0])), Ok(StoreReply::Reserved(r)) if !r.provisional));
    for bad in [RedisValue::Int(1500), ints([-5, 1, 0]), ints([5, 1, 2]), RedisValue::Array(vec![])] {
        assert!(read_reply(&recheck, bad.clone()).is_err(), "{bad:?}");
    }
}

#[test]
fn fallback_pacing_takes_a_share_of_the_plan() {
    let bucket = BucketKey { credential: key("r"), operation: "getCart" };
    let op = StoreOp::Reserve { bucket: bucket.clone(), plan: Some(UsagePlan::new(2.0, 10)) };
    let StoreOp::Reserve { plan: Some(p), .. } = fallback(op.clone(), 4) else { panic!() };
    assert_eq!((p.rate, p.burst), (0.5, 3));
    let StoreOp::Reserve { plan: Some(p), .. } = fallback(op, 1) else { panic!() };
    assert_eq!((p.rate, p.burst), (2.0, 10));
    let StoreOp::ObserveRate { rate, .. } =
        fallback(StoreOp::ObserveRate { bucket, plan: None, rate: 8.0 }, 4)
    else {
        panic!()
    };
    assert_eq!(rate, 2.0);
}

#[test]
fn health_warns_once_per_outage_and_retries_later() {
    let h = RedisHealth::default();
    let t0 = Instant::now();
    let retry = Duration::from_secs(1);
    let early = h.attempt(t0, retry).unwrap();
    let first = h.attempt(t0, retry).unwrap();
    assert!(h.failed(t0, retry), "the first failure begins an outage");
    // A step sent before the failure answering late does not end the outage.
    assert_eq!(h.succeeded(early, t0 + Duration::from_millis(10)), None);
    assert!(h.is_down());
    let _ = first;
    assert!(h.attempt(t0 + Duration::from_millis(500), retry).is_none());
    assert!(h.attempt(t0 + Duration::from_millis(1000), retry).is_some(), "time to try again");
    assert!(h.attempt(t0 + Duration::from_millis(1001), retry).is_none(), "one step tries, the others skip");
    assert!(!h.failed(t0 + Duration::from_millis(1100), retry), "no second warning");
    assert!(h.is_down());
    let probe = h.attempt(t0 + Duration::from_millis(2200), retry).unwrap();
    assert_eq!(h.succeeded(probe, t0 + Duration::from_millis(2300)), Some(Duration::from_millis(2300)));
    let next = h.attempt(t0 + Duration::from_millis(2301), retry).unwrap();
    assert!(!h.is_down());
    assert_eq!(h.succeeded(next, t0 + Duration::from_millis(2400)), None);
}

fn ready_now<T>(f: impl Future<Output = T>) -> T {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the shared store's run awaits only its executor"),
    }
}

#[test]
fn a_failing_redis_falls_back_and_is_skipped_until_retry() {
    let store = SharedStore::new(RedisOptions::default().lease(Duration::from_millis(700)));
    let memory = MemoryStore::default();
    let k = key("r");
    let tried = AtomicUsize::new(0);
    let n = now();
    let down = |c: RedisCommand| {
        tried.fetch_add(1, Ordering::SeqCst);
        // The lease override reaches the script.
        if c.script == &ACQUIRE_TOKEN {
            assert_eq!(c.args[0], b"700");
        }
        std::future::ready(Err(RedisError::new("connection refused")))
    };
    let reply = ready_now(store.run(&memory, acquire(&k, None), n, down));
    assert!(matches!(reply, StoreReply::Token(TokenDecision::Lead(_))), "{reply:?}");
    assert!(store.is_down());
    // Within the retry interval Redis is not asked at all.
    let reply = ready_now(store.run(&memory, acquire(&k, None), n.after(Duration::from_millis(10)), down));
    assert!(matches!(reply, StoreReply::Token(TokenDecision::Wait { .. })), "{reply:?}");
    assert_eq!(tried.load(Ordering::SeqCst), 1);
    // Redis answers again: its answer wins and its token is mirrored for the next outage.
    let later = n.after(Duration::from_secs(2));
    let up = |_: RedisCommand| {
        std::future::ready(Ok(RedisValue::Array(vec![bulk("ready"), bulk("1700003600000|Atza|shared")])))
    };
    let reply = ready_now(store.run(&memory, acquire(&k, None), later, up));
    assert!(matches!(reply, StoreReply::Token(TokenDecision::Ready(_))));
    assert!(!store.is_down());
    assert_eq!(memory.tokens.get(&k).unwrap().value().expose(), "Atza|shared");
    // Now held in-process, the fresh token needs no round trip.
    let never =
        |_: RedisCommand| -> std::future::Ready<Result<RedisValue, RedisError>> { panic!("asked Redis") };
    let reply = ready_now(store.run(&memory, acquire(&k, None), later, never));
    assert!(
        matches!(reply, StoreReply::Token(TokenDecision::Ready(t)) if t.value().expose() == "Atza|shared")
    );
    // A malformed answer is a failure too.
    let junk = |_: RedisCommand| std::future::ready(Ok(RedisValue::Status("OK".into())));
    let bucket = BucketKey { credential: k.clone(), operation: "getCart" };
    let reply = ready_now(store.run(&memory, StoreOp::Reserve { bucket, plan: None }, later, junk));
    assert!(matches!(reply, StoreReply::Reserved(r) if r.wait.is_zero()));
    assert!(store.is_down());
}

#[test]
fn one_call_per_process_polls_the_others_watch() {
    let store = SharedStore::new(RedisOptions::default());
    let memory = MemoryStore::default();
    let (a, b) = (key("a"), key("b"));
    let slot = store.token_wait(&memory, &a);
    assert!(matches!(slot, TokenWait::Poll(d, _) if d == DEFAULT_POLL));
    assert!(matches!(store.token_wait(&memory, &a), TokenWait::Watch { generation: 0, .. }));
    assert!(matches!(store.token_wait(&memory, &b), TokenWait::Poll(..)), "per customer");
    drop(slot);
    assert!(matches!(store.token_wait(&memory, &a), TokenWait::Poll(..)), "the slot is released");
}

#[test]
fn the_scripts_pace_with_the_pacers_margin() {
    assert_eq!(pace_margin!().parse::<f64>().unwrap(), crate::pacer::PACE_MARGIN);
    for script in [&RESERVE, &THROTTLED] {
        assert!(script.source.contains("(rate * margin)"), "{}", script.name);
    }
}

#[test]
fn a_booking_outlives_a_switch_between_redis_and_the_fallback() {
    let store = SharedStore::new(RedisOptions::default());
    let memory = MemoryStore::default();
    let bucket = BucketKey { credential: key("r"), operation: "getCart" };
    let n = now();
    // Booked on Redis, rechecked while Redis is down: it stands (memory would book anew, at
    // the back of its own queue).
    let booked = read_reply(
        &StoreOp::Reserve { bucket: bucket.clone(), plan: None },
        RedisValue::Array(vec![RedisValue::Int(900_000), RedisValue::Int(7), RedisValue::Int(0)]),
    );
    let Ok(StoreReply::Reserved(r)) = booked else { panic!("{booked:?}") };
    let down = |_: RedisCommand| std::future::ready(Err(RedisError::new("connection refused")));
    let recheck = StoreOp::Recheck { bucket: bucket.clone(), plan: None, revision: r.revision };
    assert!(matches!(ready_now(store.run(&memory, recheck, n, down)), StoreReply::Kept));
    // The in-process store itself still voids its own bookings when its rate changes.
    let mine = memory.buckets.reserve(&bucket, None, n.instant);
    memory.buckets.observe_rate(&bucket, None, 40.0, n.instant);
    let again = StoreOp::Recheck { bucket, plan: None, revision: mine.revision };
    let later = n.after(Duration::from_millis(10));
    assert!(matches!(ready_now(store.run(&memory, again, later, down)), StoreReply::Reserved(_)));
    // A booking made in memory goes to Redis as `m…`, which the script keeps.
    assert!(RECHECK.source.contains("string.sub(ARGV[3], 1, 1) == 'm'"));
}
