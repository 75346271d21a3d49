//! The token store as a state machine, driven step by step: many calls on two credentials that
//! share one [`Engine`]'s [`MemoryStore`](crate::store::MemoryStore), with LWA answers, API
//! answers (200, 401, 429, 5xx, network failures), token expiries, abandoned leaders and
//! client-secret rotations interleaved arbitrarily. Checked after every step:
//!
//! - at most one LWA exchange is in flight per credential;
//! - every API request carries an `x-amz-access-token`, and it is one LWA issued for that
//!   credential;
//! - a 401 invalidates only the token that failed: the `InvalidateToken` step names the token
//!   the refused request carried, removes the stored token only if it is that one, and leaves a
//!   newer one in place;
//! - every LWA request after a rotation carries the newest client secret;
//! - once the faults stop, every call finishes (no call waits forever on a flight nobody leads).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use proptest::prelude::*;

use super::*;
use crate::config::{Config, Credentials, RetryPolicy};
use crate::operation::{RequestContext, Role, UsagePlan};
use crate::place::Environment;
use crate::wire::{RequestBuilder, ACCESS_TOKEN_HEADER};

struct Read;

impl Operation for Read {
    type Output = serde_json::Value;
    const ID: &'static str = "propRead";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(UsagePlan::new(10.0, 10));
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, http::Method::GET, cx, "/things/{id}").path_param("id", "x").build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Self::Output, Error> {
        crate::wire::parse_json(Self::ID, response.body())
    }
}

/// What the harness does next.
#[derive(Debug, Clone)]
enum Action {
    /// Poll call `i` (if it is not waiting for an HTTP answer), running its store steps.
    Poll(usize),
    /// Answer call `i`'s outstanding request (if any) with answer number `kind`.
    Answer(usize, u8),
    /// Give call `i` up, running the store step `abandon` returns.
    Abandon(usize),
    /// Move the wall clock on (token expiry).
    Advance(u16),
    /// Rotate the client secret.
    Rotate,
    /// Start a new call on credential `c`.
    Start(usize),
}

fn action(calls: usize) -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..calls).prop_map(Action::Poll),
        4 => ((0..calls), any::<u8>()).prop_map(|(i, k)| Action::Answer(i, k)),
        1 => (0..calls).prop_map(Action::Abandon),
        1 => (0u16..4000).prop_map(Action::Advance),
        1 => Just(Action::Rotate),
        1 => (0usize..2).prop_map(Action::Start),
    ]
}

#[derive(Debug, PartialEq)]
enum Out {
    None,
    Lwa,
    Api(String),
}

struct Slot<'a> {
    call: Call<'a, Read>,
    credential: usize,
    out: Out,
    /// The token the slot's last API request carried.
    last_token: Option<String>,
    done: bool,
}

struct World<'a> {
    engines: &'a [Engine; 2],
    op: &'a Read,
    now: Now,
    slots: Vec<Slot<'a>>,
    /// Which slot leads the exchange in flight, per credential.
    in_flight: [Option<usize>; 2],
    /// Which slot has an LWA request outstanding, per credential.
    lwa_outstanding: [Option<usize>; 2],
    /// Tokens issued per credential.
    issued: [Vec<String>; 2],
    issued_seq: u64,
    secret: String,
    rotations: u32,
    exchanges: u32,
    invalidations_checked: u32,
    /// The longest sleep asked for since the last drain round.
    slept: Duration,
}

fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
}

fn net() -> TransportError {
    TransportError::new(TransportErrorKind::Reset, "connection reset (scripted)")
}

impl<'a> World<'a> {
    fn start(&mut self, credential: usize) {
        let seed = self.slots.len() as u64;
        let call = self.engines[credential].call(self.op, seed);
        self.slots.push(Slot { call, credential, out: Out::None, last_token: None, done: false });
    }

    fn key(&self, credential: usize) -> &CredentialKey {
        self.engines[credential].credential_key()
    }

    fn run_store(&mut self, i: usize, op: StoreOp) {
        let credential = self.slots[i].credential;
        let store = self.engines[0].store();
        if let StoreOp::InvalidateToken { key, failed } = &op {
            assert_eq!(key, self.key(credential), "a call invalidated another credential's token");
            assert_eq!(
                self.slots[i].last_token.as_deref(),
                Some(failed.value().expose()),
                "the invalidated token is not the one the refused request carried"
            );
            let before = store.tokens.get(key);
            store.run(op.clone(), self.now);
            let after = store.tokens.get(key);
            match before {
                Some(b) if b.value().expose() == failed.value().expose() => {
                    assert!(after.is_none(), "the token that failed is still stored");
                }
                other => assert_eq!(
                    other.map(|t| t.value().expose().to_owned()),
                    after.map(|t| t.value().expose().to_owned()),
                    "a 401 for one token removed another"
                ),
            }
            self.invalidations_checked += 1;
            return;
        }
        if let StoreOp::CompleteRefresh { key, .. } | StoreOp::AbandonRefresh { key, .. } = &op {
            assert_eq!(key, self.key(credential));
            if self.in_flight[credential] == Some(i) {
                self.in_flight[credential] = None;
            }
        }
        let reply = store.run(op, self.now);
        let slot = &mut self.slots[i];
        slot.call.receive_store(reply, self.now).expect("store reply accepted");
    }

    /// Polls slot `i` until it asks for something other than a store step.
    fn poll(&mut self, i: usize) {
        if self.slots[i].done || self.slots[i].out != Out::None {
            return;
        }
        for _ in 0..100 {
            let now = self.now;
            let step = self.slots[i].call.poll(now);
            match step {
                Step::Store(op) => self.run_store(i, op),
                Step::Send { request, target: Target::Lwa } => {
                    let c = self.slots[i].credential;
                    // The same leader may send again (a retry of its own exchange); nobody else.
                    assert!(
                        self.in_flight[c].is_none_or(|leader| leader == i),
                        "slot {i} starts a second LWA exchange for credential {c} while slot {:?} leads one",
                        self.in_flight[c]
                    );
                    assert!(self.lwa_outstanding[c].is_none(), "two LWA requests outstanding for {c}");
                    self.lwa_outstanding[c] = Some(i);
                    let body = String::from_utf8(request.body().clone()).unwrap();
                    assert!(
                        body.contains(&format!("client_secret={}", self.secret)),
                        "an LWA request after rotation {} carries an old client secret",
                        self.rotations
                    );
                    self.in_flight[c] = Some(i);
                    self.exchanges += 1;
                    self.slots[i].out = Out::Lwa;
                    return;
                }
                Step::Send { request, target: Target::Api } => {
                    let c = self.slots[i].credential;
                    let token = request
                        .headers()
                        .get(ACCESS_TOKEN_HEADER)
                        .expect("an API request without x-amz-access-token")
                        .to_str()
                        .unwrap()
                        .to_owned();
                    assert!(
                        self.issued[c].contains(&token),
                        "credential {c} sent a token LWA never issued to it: {token}"
                    );
                    self.slots[i].last_token = Some(token.clone());
                    self.slots[i].out = Out::Api(token);
                    return;
                }
                // Waits are not timed here: time moves only by `Advance`, so that no lease
                // runs out behind the harness's back — except while draining, when the
                // monotonic clock moves by the longest sleep of each round (a paced call
                // rechecks its booking until its time has come).
                Step::Sleep(d) => {
                    self.slept = self.slept.max(d);
                    return;
                }
                Step::AwaitToken { .. } => return,
                Step::Done(_) => {
                    self.slots[i].done = true;
                    return;
                }
            }
        }
        panic!("slot {i} asked for more than 100 store steps in a row");
    }

    fn answer(&mut self, i: usize, kind: u8) {
        let out = std::mem::replace(&mut self.slots[i].out, Out::None);
        let c = self.slots[i].credential;
        if out == Out::Lwa {
            self.lwa_outstanding[c] = None;
        }
        let outcome = match &out {
            Out::None => {
                self.slots[i].out = out;
                return;
            }
            Out::Lwa => match kind % 6 {
                0..=2 => {
                    self.issued_seq += 1;
                    let token = format!("Atza|c{c}-{}", self.issued_seq);
                    self.issued[c].push(token.clone());
                    let expires = [3600, 0, 30][kind as usize % 3];
                    Ok(response(
                        200,
                        &format!(
                            r#"{{"access_token":"{token}","token_type":"bearer","expires_in":{expires}}}"#
                        ),
                    ))
                }
                3 => Ok(response(500, r#"{"error":"server_error"}"#)),
                4 => Ok(response(400, r#"{"error":"invalid_grant","error_description":"revoked"}"#)),
                _ => Err(net()),
            },
            Out::Api(_) => match kind % 6 {
                0 | 1 => Ok(response(200, r#"{"ok":true}"#)),
                2 => Ok(response(401, r#"{"errors":[{"code":"Unauthorized","message":"expired"}]}"#)),
                3 => Ok(response(429, r#"{"errors":[{"code":"QuotaExceeded","message":"slow"}]}"#)),
                4 => Ok(response(503, r#"{"errors":[{"code":"ServiceUnavailable","message":"down"}]}"#)),
                _ => Err(net()),
            },
        };
        self.slots[i].call.receive(outcome, self.now).expect("answer accepted");
        self.poll(i);
    }

    fn abandon(&mut self, i: usize) {
        if self.slots[i].done {
            return;
        }
        let c = self.slots[i].credential;
        if let Some(op) = self.slots[i].call.abandon() {
            let store = self.engines[0].store();
            if let StoreOp::AbandonRefresh { key, .. } | StoreOp::CompleteRefresh { key, .. } = &op {
                assert_eq!(key, self.key(c));
            }
            store.run(op, self.now);
        }
        // A dropped leader's request is cancelled with it.
        if self.in_flight[c] == Some(i) {
            self.in_flight[c] = None;
        }
        if self.lwa_outstanding[c] == Some(i) {
            self.lwa_outstanding[c] = None;
        }
        self.slots[i].done = true;
        self.slots[i].out = Out::None;
    }

    fn apply(&mut self, a: Action) {
        let n = self.slots.len();
        match a {
            Action::Poll(i) => self.poll(i % n),
            Action::Answer(i, k) => self.answer(i % n, k),
            Action::Abandon(i) => self.abandon(i % n),
            // The wall clock only: tokens expire, but no refresh lease (monotonic) runs out.
            Action::Advance(s) => self.now.wall += Duration::from_millis(u64::from(s) * 10),
            Action::Rotate => {
                self.rotations += 1;
                self.secret = format!("rotated-secret-{}", self.rotations);
                self.engines[0].rotate_client_secret(self.secret.clone()).unwrap();
            }
            Action::Start(c) => {
                if self.slots.len() < 24 {
                    self.start(c)
                }
            }
        }
    }

    /// Faults stop: answer everything with success until every call is done.
    fn drain(&mut self) {
        self.slept = Duration::ZERO;
        for _ in 0..200 {
            self.now.instant += std::mem::take(&mut self.slept);
            if self.slots.iter().all(|s| s.done) {
                return;
            }
            for i in 0..self.slots.len() {
                match self.slots[i].out {
                    Out::None => self.poll(i),
                    // 0: a one-hour token, a 200.
                    _ => self.answer(i, 0),
                }
            }
        }
        let stuck: HashMap<usize, &'static str> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.done)
            .map(|(i, s)| (i, s.call.state_name()))
            .collect();
        panic!("calls never finished once the faults stopped: {stuck:?}");
    }
}

fn engines() -> [Engine; 2] {
    let creds = Credentials::new("client-id", "secret-0", "Atzr|refresh-a").unwrap();
    let env = Environment::custom("http://127.0.0.1:1", "http://127.0.0.1:1/auth/o2/token").unwrap();
    let retry = RetryPolicy::default().max_attempts(3);
    let config =
        Config::builder().credentials(creds).environment(env).retry(retry).pacing(true).build().unwrap();
    let a = Engine::new(config);
    let b = a.with_refresh_token("Atzr|refresh-b").unwrap();
    [a, b]
}

/// How many cases the token property runs (each up to 120 actions over up to 24 calls).
const TOKEN_CASES: u32 = 512;

proptest! {
    #![proptest_config(ProptestConfig { cases: TOKEN_CASES, ..ProptestConfig::default() })]

    #[test]
    fn the_token_store_keeps_its_invariants_under_any_interleaving(
        initial in 1usize..8,
        actions in proptest::collection::vec(action(24), 0..120),
    ) {
        let engines = engines();
        let op = Read;
        let now = Now::new(Instant::now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let mut w = World {
            engines: &engines,
            op: &op,
            now,
            slots: Vec::new(),
            in_flight: [None, None],
            lwa_outstanding: [None, None],
            issued: [Vec::new(), Vec::new()],
            issued_seq: 0,
            secret: "secret-0".into(),
            rotations: 0,
            exchanges: 0,
            invalidations_checked: 0,
            slept: Duration::ZERO,
        };
        for i in 0..initial {
            w.start(i % 2);
        }
        for a in actions {
            w.apply(a);
        }
        w.drain();
        prop_assert!(w.in_flight.iter().all(Option::is_none));
    }
}

/// The harness itself can fail: a scripted 401 does reach the invalidation check, and a
/// second leader would be caught.
#[test]
fn the_harness_sees_invalidations_and_would_see_a_second_leader() {
    let engines = engines();
    let op = Read;
    let now = Now::new(Instant::now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let mut w = World {
        engines: &engines,
        op: &op,
        now,
        slots: Vec::new(),
        in_flight: [None, None],
        lwa_outstanding: [None, None],
        issued: [Vec::new(), Vec::new()],
        issued_seq: 0,
        secret: "secret-0".into(),
        rotations: 0,
        exchanges: 0,
        invalidations_checked: 0,
        slept: Duration::ZERO,
    };
    w.start(0);
    w.start(0);
    w.poll(0);
    w.poll(1);
    assert_eq!(w.slots[0].out, Out::Lwa);
    assert_eq!(w.slots[1].out, Out::None, "the second call waits");
    w.answer(0, 0);
    w.answer(0, 2); // 401
    assert_eq!(w.invalidations_checked, 1);
    w.drain();
    assert_eq!(w.exchanges, 2);

    // A lease taken over behind the harness's back is reported as a second exchange.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut w2 = World { slots: Vec::new(), in_flight: [None, None], lwa_outstanding: [None, None], ..w };
        w2.start(1);
        w2.start(1);
        w2.poll(0);
        w2.now = w2.now.after(crate::engine::TOKEN_LEASE + Duration::from_secs(1));
        w2.poll(1);
    }));
    assert!(result.is_err(), "a taken-over lease must trip the single-flight check");
}
