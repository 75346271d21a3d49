//! Onboarding states shared on a real Redis by several web-server instances (each a
//! `RedisStateStore` of its own, as separate processes would have), in both clients: a state
//! issued by one instance is taken once by another; a replay is told replayed, an unknown state
//! forged, a late one expired; no state value is kept in clear in Redis.
//!
//! `redis-server` must be installed (`apt-get install -y redis-server`); a missing one fails
//! the tests, it never skips.

use std::time::{Duration, SystemTime};

use amazon_business_core::onboarding::redis::RedisStateOptions;
use amazon_business_core::onboarding::{
    read_callback, read_callback_async, AsyncStateStore, OnboardingError, PendingState, StateStore, Taken,
};

mod redis_server;
use redis_server::{free_port, RedisServer};

const TTL: Duration = Duration::from_secs(600);
const REDIRECT: &str = "https://app.example/oauth/callback";

fn options() -> RedisStateOptions {
    RedisStateOptions::default().prefix("test:ab:").unwrap().retention(TTL * 6)
}

fn blocking(redis: &RedisServer) -> amazon_business_blocking::RedisStateStore {
    amazon_business_blocking::RedisStateStore::with_options(&redis.url(), options()).unwrap()
}

fn asynch(redis: &RedisServer) -> amazon_business_async::RedisStateStore {
    amazon_business_async::RedisStateStore::with_options(&redis.url(), options()).unwrap()
}

/// A fresh state with `seed` as its random bytes (a real server draws them from its CSPRNG).
fn state(seed: u8, issued_at: SystemTime) -> PendingState {
    PendingState::new([seed; 32], issued_at, REDIRECT)
}

fn callback(state: &PendingState) -> String {
    format!("{REDIRECT}?code=ANcode&state={}", state.value().expose())
}

/// Every key and every value in Redis, as text.
fn dump(redis: &RedisServer) -> Vec<(String, String)> {
    let mut c = redis.connection();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).unwrap();
    keys.into_iter()
        .map(|k| {
            let v: Vec<u8> = redis::cmd("GET").arg(&k).query(&mut c).unwrap();
            (k, String::from_utf8_lossy(&v).into_owned())
        })
        .collect()
}

fn assert_no_value_in_clear(redis: &RedisServer, states: &[&PendingState]) {
    let dump = dump(redis);
    assert!(!dump.is_empty(), "the states are in Redis");
    for (key, value) in &dump {
        assert!(key.starts_with("test:ab:{state-"), "{key}");
        for s in states {
            let v = s.value().expose().to_owned();
            assert!(!key.contains(&v) && !value.contains(&v), "a state value in clear: {key} = {value}");
        }
    }
}

#[test]
fn blocking_instances_share_states_once() {
    let redis = RedisServer::start();
    let (one, two) = (blocking(&redis), blocking(&redis));
    let now = SystemTime::now();
    let issued = state(1, now).for_app_center(
        amazon_business_core::onboarding::AppCenterLogin::read(
            "/login?amazon_callback_uri=https%3A%2F%2Fappcenter.example%2Fcb&amazon_state=AS1",
        )
        .unwrap(),
    );
    one.put(issued.clone(), now).unwrap();

    // Issued by one web server, the callback lands on the other: taken whole, once.
    let cb = read_callback(&callback(&issued), &two, now, TTL).unwrap();
    assert_eq!(cb.state, issued);
    assert_eq!(cb.code.expose(), "ANcode");
    for store in [&one, &two] {
        let replay = read_callback(&callback(&issued), store, now, TTL).unwrap_err();
        assert!(matches!(replay, OnboardingError::ReplayedState), "{replay:?}");
    }
    let unknown = read_callback(&callback(&state(2, now)), &one, now, TTL).unwrap_err();
    assert!(matches!(unknown, OnboardingError::ForgedState), "{unknown:?}");

    // Issued eleven minutes before its callback: kept (the retention is longer), but expired.
    let late = state(3, now - Duration::from_secs(660));
    two.put(late.clone(), now).unwrap();
    let expired = read_callback(&callback(&late), &one, now, TTL).unwrap_err();
    assert!(matches!(expired, OnboardingError::ExpiredState { .. }), "{expired:?}");
    assert!(expired.to_string().contains("660s old"), "{expired}");

    // A state value is issued once: putting it again (even after its use) is refused.
    let again = one.put(issued.clone(), now).unwrap_err();
    assert!(again.to_string().contains("already issued"), "{again}");
    assert!(matches!(read_callback(&callback(&issued), &two, now, TTL), Err(OnboardingError::ReplayedState)));

    assert_no_value_in_clear(&redis, &[&issued, &late]);
}

#[test]
fn async_instances_share_states_once_and_with_blocking_ones() {
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (one, two) = (asynch(&redis), asynch(&redis));
    let now = SystemTime::now();
    let issued = state(11, now);
    let late = state(12, now - Duration::from_secs(601));
    let from_blocking = state(13, now);
    blocking(&redis).put(from_blocking.clone(), now).unwrap();
    runtime.block_on(async {
        one.put_async(issued.clone(), now).await.unwrap();
        two.put_async(late.clone(), now).await.unwrap();

        let cb = read_callback_async(&callback(&issued), &two, now, TTL).await.unwrap();
        assert_eq!(cb.state, issued);
        for store in [&one, &two] {
            let replay = read_callback_async(&callback(&issued), store, now, TTL).await.unwrap_err();
            assert!(matches!(replay, OnboardingError::ReplayedState), "{replay:?}");
        }
        let unknown = read_callback_async(&callback(&state(14, now)), &one, now, TTL).await.unwrap_err();
        assert!(matches!(unknown, OnboardingError::ForgedState), "{unknown:?}");
        let expired = read_callback_async(&callback(&late), &one, now, TTL).await.unwrap_err();
        assert!(matches!(expired, OnboardingError::ExpiredState { .. }), "{expired:?}");

        // The two clients share one layout: a state a blocking server issued, an async one takes.
        let cb = read_callback_async(&callback(&from_blocking), &one, now, TTL).await.unwrap();
        assert_eq!(cb.state, from_blocking);
    });
    let replay = read_callback(&callback(&from_blocking), &blocking(&redis), now, TTL).unwrap_err();
    assert!(matches!(replay, OnboardingError::ReplayedState), "{replay:?}");
    assert_no_value_in_clear(&redis, &[&issued, &late, &from_blocking]);
}

#[test]
fn of_many_simultaneous_callbacks_exactly_one_takes_the_state() {
    let redis = RedisServer::start();
    let now = SystemTime::now();
    let issued = state(21, now);
    blocking(&redis).put(issued.clone(), now).unwrap();
    let outcomes: Vec<Taken> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let store = blocking(&redis);
                let value = issued.value();
                scope.spawn(move || store.take(&value, now).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|t| matches!(t, Taken::Pending(_))).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|t| matches!(t, Taken::Used)).count(), 7, "{outcomes:?}");
}

#[test]
fn past_the_retention_redis_forgets_a_state_as_memory_does() {
    let redis = RedisServer::start();
    let short =
        RedisStateOptions::default().prefix("test:ab:").unwrap().retention(Duration::from_millis(200));
    let store = amazon_business_blocking::RedisStateStore::with_options(&redis.url(), short).unwrap();
    let now = SystemTime::now();
    let issued = state(31, now);
    store.put(issued.clone(), now).unwrap();
    assert_eq!(dump(&redis).len(), 1);
    // Redis's own PX expiry, on Redis's clock.
    std::thread::sleep(Duration::from_millis(400));
    assert!(dump(&redis).is_empty(), "expired by its TTL");
    assert_eq!(store.take(&issued.value(), now).unwrap(), Taken::Unknown);
}

#[test]
fn a_redis_that_does_not_answer_is_an_error_not_a_forgery() {
    let url = format!("redis://127.0.0.1:{}/", free_port());
    let now = SystemTime::now();
    let issued = state(41, now);
    let store = amazon_business_blocking::RedisStateStore::with_options(&url, options()).unwrap();
    for error in [
        store.put(issued.clone(), now).unwrap_err(),
        read_callback(&callback(&issued), &store, now, TTL).unwrap_err(),
    ] {
        assert!(matches!(error, OnboardingError::StateStore(_)), "{error:?}");
        assert!(error.to_string().contains("connection refused"), "{error}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = amazon_business_async::RedisStateStore::with_options(&url, options()).unwrap();
    let error = runtime.block_on(read_callback_async(&callback(&issued), &store, now, TTL)).unwrap_err();
    assert!(matches!(error, OnboardingError::StateStore(_)), "{error:?}");
    let bad = amazon_business_blocking::RedisStateStore::open("http://not-redis/").unwrap_err();
    assert!(bad.to_string().contains("redis://127.0.0.1:6379/"), "{bad}");
}
