//! One logical call as a state machine: the driver asks what to do ([`Call::poll`]), does it,
//! and reports back ([`Call::receive`] for HTTP exchanges, [`Call::receive_store`] for store
//! steps). The call may take several HTTP exchanges (a token exchange with LWA, retries after
//! 401, 429, 5xx or network failures), waits (pacing, `Retry-After`, backoff) and store steps
//! (token lookups and leases, bucket reservations, learned rates); it decides all of them from
//! its inputs alone, and every retry decision comes from [`retry::classify`].
//!
//! ```text
//!             ┌──────────── RefreshToken (401, once): Store(InvalidateToken) ─────────────┐
//!             ▼                                                                          │
//! ──▶ NeedToken ─Store(AcquireToken)─▶ Acquiring ─Ready─▶ Reserve ─Store(Reserve)─▶ Reserving
//!      ▲   ▲                            │  │  │                                         │ Wait(d)
//!      │   └── AwaitToken ◀── Wait ─────┘  │  └─ Failed (the flight waited on) ─▶ Done(Err)
//!      │                                   Lead                                         ▼
//!      │                                    ▼                              Sleep(d) ─▶ SendApi ─Send─▶ AwaitApi
//!      │                  ┌──── Retry ── SendLwa ─Send─▶ AwaitLwa                              │
//!      │                  ▼                   ▲            │ token: Store(CompleteRefresh)     │ classify:
//!      │                Sleep ────────────────┘            ▼        ──▶ Reserve               │  Accept ─▶ Parse ─▶ Done(Ok)
//!      │                                         Fail: Store(CompleteRefresh(err)) ─▶ Done(Err)│  Retry ─▶ Sleep ─▶ NeedToken
//!      └──────────────────────────────────────────────────────────────────────────────────────┤  Fail ─▶ Done(Err)
//!                                                                                             │  Probe ─▶ probing (below)
//! ```
//!
//! Every answer first records what it taught: `x-amzn-RateLimit-Limit` as
//! `Store(ObserveRate)`, a 429 as `Store(Throttled)`.
//!
//! **Pacing.** A reserved slot with a wait is not sent on blindly: the call sleeps, then asks
//! `Store(Recheck)` whether its booking still stands, and books again (`Reserved`) if the
//! bucket's rate changed meanwhile — so calls booked at the model's plan before the first
//! answer move up to the rate that answer announced. While the booking is provisional (made at
//! the model's plan), the wait is slept in slices (25 ms, then doubling) with a recheck after
//! each; see [`crate::pacer`].
//!
//! **Probing.** An operation that must not be sent twice (placeOrder) and fails ambiguously — a
//! timeout, a dropped connection or a 5xx after the request may have arrived — is not resent:
//! the call switches to its read-only probe (orderDetails for the same externalId) and goes
//! round the same loop with it (NeedToken → SendApi, unpaced). If the probe finds the result,
//! that is the call's output; only if it proves the attempt absent is the request sent again;
//! if the probe cannot tell (its own retries run out), the call fails with
//! [`Error::OutcomeUnknown`].
//!
//! **Cancellation.** A driver that gives a call up midway (an async future dropped) asks
//! [`Call::abandon`] for the one store step that hands a refresh it was leading over to the
//! calls waiting for it, and runs it.
//!
//! Drivers are in the transport crates; [`drive`](crate::drive::drive) is the loop they share.
//! Written out, a driver is (this example drives core's sans-IO state machine directly, so it
//! uses core's paths):
//!
//! ```no_run
//! # use amazon_business_core::call::{Step, Target};
//! # use amazon_business_core::engine::{Engine, Now};
//! # use amazon_business_core::Operation;
//! # fn send(r: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, amazon_business_core::error::TransportError> { unimplemented!() }
//! # fn drive<O: Operation>(engine: &Engine, op: &O) -> Result<O::Output, amazon_business_core::Error> {
//! let now = || Now::new(std::time::Instant::now(), std::time::SystemTime::now());
//! let mut call = engine.call(op, 42);
//! loop {
//!     match call.poll(now()) {
//!         Step::Send { request, .. } => { let r = send(request); call.receive(r, now())? }
//!         Step::Sleep(d) => std::thread::sleep(d),
//!         Step::Store(op) => { let reply = engine.store().run(op, now()); call.receive_store(reply, now())? }
//!         Step::AwaitToken { .. } => std::thread::sleep(std::time::Duration::from_millis(10)),
//!         Step::Done(result) => return result,
//!     }
//! }
//! # }
//! ```

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use http::header::{HeaderValue, ACCEPT, USER_AGENT};

use crate::config::CredentialKey;
use crate::engine::{Engine, Now};
use crate::error::{ApiError, Error, TransportError, TransportErrorKind};
use crate::lwa::{self, AccessToken};
use crate::operation::{Operation, Probed};
use crate::pacer::{rate_limit_header, recheck_after, BucketKey, Reservation, RECHECK_FIRST};
use crate::retry::{
    self, backoff, retry_after_header, Action, Attempt, Failure, Jitter, Leg, Outcome, Safety,
};
use crate::store::{StoreOp, StoreReply};
use crate::token::{FlightId, TokenDecision};
use crate::wire::ACCESS_TOKEN_NAME;

/// Who a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Amazon Business API.
    Api,
    /// The Login with Amazon token endpoint (the body carries secrets).
    Lwa,
}

/// What the driver must do next.
#[derive(Debug)]
#[must_use = "a step must be performed for the call to advance"]
pub enum Step<T> {
    /// Send this request and report the outcome with [`Call::receive`].
    Send {
        /// The request.
        request: http::Request<Vec<u8>>,
        /// Where it goes.
        target: Target,
    },
    /// Wait this long, then poll again.
    Sleep(Duration),
    /// Run this step against the store and report its reply with [`Call::receive_store`].
    Store(StoreOp),
    /// Another call is refreshing the token of `key`: wait until the store's token generation
    /// differs from `generation` (or a short while, for a store that cannot notify), then poll
    /// again.
    AwaitToken {
        /// Whose token.
        key: CredentialKey,
        /// The generation observed when the call started waiting.
        generation: u64,
    },
    /// The call is over.
    Done(Result<T, Error>),
}

#[derive(Debug)]
enum State<T> {
    /// Ask the store for a token.
    NeedToken {
        waited_on: Option<FlightId>,
    },
    /// `AcquireToken` is out.
    Acquiring,
    /// Another call leads the refresh.
    Waiting {
        flight: FlightId,
        generation: u64,
    },
    /// This call leads the refresh: send the LWA request (for the `sent + 1`-th time).
    SendLwa {
        flight: FlightId,
        sent: u32,
    },
    AwaitLwa {
        flight: FlightId,
        sent: u32,
    },
    /// Book a bucket slot, unless pacing is off or the call is probing.
    Reserve {
        token: AccessToken,
    },
    Reserving {
        token: AccessToken,
    },
    /// A slot is booked: recheck it (the sleep before it is over).
    Paced {
        token: AccessToken,
        booking: Booking,
    },
    /// `Recheck` is out.
    Rechecking {
        token: AccessToken,
        booking: Booking,
    },
    SendApi {
        token: AccessToken,
    },
    AwaitApi {
        token: AccessToken,
    },
    Sleeping {
        delay: Duration,
        then: Box<State<T>>,
    },
    /// Store steps to run, in order, before `then`; `out` is true while the first one is out.
    Effects {
        ops: VecDeque<StoreOp>,
        out: bool,
        then: Box<State<T>>,
    },
    Parse(http::Response<Vec<u8>>),
    Deliver(T),
    Fail(Error),
    Finished,
}

/// A booked bucket slot the call waits for.
#[derive(Debug, Clone, Copy)]
struct Booking {
    /// When the slot comes, on the driver's clock.
    deadline: Instant,
    /// The bucket's revision the slot was booked in.
    revision: u64,
    /// Booked at the model's plan: recheck in slices.
    provisional: bool,
    /// The next slice of a provisional wait.
    slice: Duration,
}

/// While probing: the probe request, the failure that made the outcome unknown, and how many
/// times the probe was sent.
#[derive(Debug)]
struct Probe {
    request: http::Request<Vec<u8>>,
    cause: Error,
    sent: u32,
}

/// One logical call of operation `O`. Create it with [`Engine::call`].
pub struct Call<'a, O: Operation> {
    engine: &'a Engine,
    op: &'a O,
    state: State<O::Output>,
    /// The operation's request as first built. The first send takes it; a retry builds it
    /// again from the same inputs (the same bytes), so a call that succeeds at once copies
    /// nothing.
    request: Option<http::Request<Vec<u8>>>,
    attempts: u32,
    lwa_attempts: u32,
    auth_retried: bool,
    jitter: Jitter,
    probe: Option<Probe>,
    /// The last access token used or received, masked by value in the call's errors.
    token: Option<AccessToken>,
}

impl<O: Operation> std::fmt::Debug for Call<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &O::ID)
            .field("state", &self.state_name())
            .field("attempts", &self.attempts)
            .field("probing", &self.probe.is_some())
            .finish_non_exhaustive()
    }
}

fn misuse(message: &str) -> Error {
    Error::Transport(TransportError::new(TransportErrorKind::Other, format!("driver misuse: {message}")))
}

fn copy_request(r: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut out = http::Request::new(r.body().clone());
    *out.method_mut() = r.method().clone();
    *out.uri_mut() = r.uri().clone();
    *out.headers_mut() = r.headers().clone();
    out
}

/// After a slot was booked at `now`: send, or sleep towards it.
fn follow<T>(token: AccessToken, r: Reservation, now: Now) -> State<T> {
    if r.wait.is_zero() {
        return State::SendApi { token };
    }
    let booking = Booking {
        deadline: now.instant + r.wait,
        revision: r.revision,
        provisional: r.provisional,
        slice: RECHECK_FIRST,
    };
    pace(token, booking, r.wait)
}

/// Sleeps towards a booked slot `remaining` away, then rechecks it.
fn pace<T>(token: AccessToken, mut booking: Booking, remaining: Duration) -> State<T> {
    let delay = recheck_after(remaining, booking.provisional, booking.slice);
    booking.slice = booking.slice.saturating_mul(2);
    State::Sleeping { delay, then: Box::new(State::Paced { token, booking }) }
}

fn effects<T>(ops: impl IntoIterator<Item = StoreOp>, then: State<T>) -> State<T> {
    let ops: VecDeque<StoreOp> = ops.into_iter().collect();
    if ops.is_empty() {
        then
    } else {
        State::Effects { ops, out: false, then: Box::new(then) }
    }
}

impl<'a, O: Operation> Call<'a, O> {
    pub(crate) fn new(engine: &'a Engine, op: &'a O, seed: u64) -> Self {
        let (request, state) = match op.request(&engine.request_context()) {
            Ok(r) => (Some(r), State::NeedToken { waited_on: None }),
            Err(e) => (None, State::Fail(e)),
        };
        Call {
            engine,
            op,
            state,
            request,
            attempts: 0,
            lwa_attempts: 0,
            auth_retried: false,
            jitter: Jitter::new(seed),
            probe: None,
            token: None,
        }
    }

    /// How many times the operation's request has been sent so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operation's `operationId`.
    pub fn operation(&self) -> &'static str {
        O::ID
    }

    fn state_name(&self) -> &'static str {
        match &self.state {
            State::NeedToken { .. } => "need-token",
            State::Acquiring => "acquiring",
            State::Waiting { .. } => "waiting",
            State::SendLwa { .. } => "send-lwa",
            State::AwaitLwa { .. } => "await-lwa",
            State::Reserve { .. } => "reserve",
            State::Reserving { .. } => "reserving",
            State::Paced { .. } => "paced",
            State::Rechecking { .. } => "rechecking",
            State::SendApi { .. } => "send-api",
            State::AwaitApi { .. } => "await-api",
            State::Sleeping { .. } => "sleeping",
            State::Effects { .. } => "effects",
            State::Parse(_) => "parse",
            State::Deliver(_) => "deliver",
            State::Fail(_) => "fail",
            State::Finished => "finished",
        }
    }

    fn bucket(&self) -> BucketKey {
        BucketKey { credential: self.engine.key.clone(), operation: O::ID }
    }

    fn policy(&self) -> &crate::config::RetryPolicy {
        &self.engine.shared.config.retry
    }

    fn safety(&self) -> Safety {
        Safety {
            retry_safe: O::RETRY_SAFE,
            has_probe: !O::RETRY_SAFE && self.op.probe(&self.engine.request_context()).is_some(),
        }
    }

    fn classify(&mut self, leg: Leg, outcome: Outcome<'_>, sent: u32) -> Action {
        let jitter = self.jitter.next_unit();
        let safety =
            if leg == Leg::Api { self.safety() } else { Safety { retry_safe: true, has_probe: false } };
        let attempt = Attempt { sent, auth_retried: self.auth_retried };
        retry::classify(leg, outcome, safety, attempt, self.policy(), jitter)
    }

    fn exhausted(&self, last: Error) -> Error {
        if self.attempts > 1 {
            Error::RetriesExhausted { operation: O::ID, attempts: self.attempts, last: Box::new(last) }
        } else {
            last
        }
    }

    fn wait_too_long(&self, asked: Duration, last: Error) -> Error {
        Error::RetryAfterTooLong {
            operation: O::ID,
            asked,
            cap: self.policy().max_retry_after,
            last: Box::new(last),
        }
    }

    fn lwa_failed(&self, last: Error) -> Error {
        Error::token_exchange(
            self.engine.shared.lwa_url.host_str().unwrap_or_default(),
            self.lwa_attempts,
            last,
        )
    }

    /// What to do next, at time `now`.
    pub fn poll(&mut self, now: Now) -> Step<O::Output> {
        let _ = now;
        loop {
            match std::mem::replace(&mut self.state, State::Finished) {
                State::NeedToken { waited_on } => {
                    self.state = State::Acquiring;
                    return Step::Store(StoreOp::AcquireToken {
                        key: self.engine.key.clone(),
                        waited_on,
                        lease: self.engine.shared.lease,
                    });
                }
                State::Waiting { flight, generation } => {
                    self.state = State::NeedToken { waited_on: Some(flight) };
                    return Step::AwaitToken { key: self.engine.key.clone(), generation };
                }
                State::SendLwa { flight, sent } => {
                    self.lwa_attempts += 1;
                    self.state = State::AwaitLwa { flight, sent: sent + 1 };
                    return Step::Send { request: self.engine.refresh_request(), target: Target::Lwa };
                }
                State::Reserve { token } => {
                    if self.engine.shared.config.pacing && self.probe.is_none() {
                        self.state = State::Reserving { token };
                        return Step::Store(StoreOp::Reserve { bucket: self.bucket(), plan: O::USAGE_PLAN });
                    }
                    self.state = State::SendApi { token };
                }
                State::Paced { token, booking } => {
                    self.state = State::Rechecking { token, booking };
                    return Step::Store(StoreOp::Recheck {
                        bucket: self.bucket(),
                        plan: O::USAGE_PLAN,
                        revision: booking.revision,
                    });
                }
                State::SendApi { token } => {
                    let built = match (&self.probe, self.request.take()) {
                        (Some(p), _) => Ok(copy_request(&p.request)),
                        (None, Some(first)) => Ok(first),
                        (None, None) => self.op.request(&self.engine.request_context()),
                    };
                    let mut request = match built {
                        Ok(r) => r,
                        Err(e) => return self.done(Err(e)),
                    };
                    let headers = request.headers_mut();
                    // Checked once when the token was issued, sharing its bytes: a copy kept
                    // with the token would cost 10,000 tenants ~0.45 KiB each (measured).
                    match token.header_value() {
                        Some(v) => {
                            headers.insert(ACCESS_TOKEN_NAME, v.clone());
                        }
                        None => {
                            return self.done(Err(Error::Lwa(crate::error::LwaError {
                                code: crate::error::LwaErrorCode::Other("invalid_token".into()),
                                status: 200,
                                description: Some(
                                    "LWA issued an access token that is not a valid header value".into(),
                                ),
                            })))
                        }
                    }
                    if let Some(ua) = &self.engine.shared.user_agent {
                        headers.insert(USER_AGENT, ua.clone());
                    }
                    headers.entry(ACCEPT).or_insert(HeaderValue::from_static("application/json"));
                    match &mut self.probe {
                        Some(p) => p.sent += 1,
                        None => self.attempts += 1,
                    }
                    self.token = Some(token.clone());
                    self.state = State::AwaitApi { token };
                    return Step::Send { request, target: Target::Api };
                }
                State::Sleeping { delay, then } => {
                    self.state = *then;
                    return Step::Sleep(delay);
                }
                State::Effects { ops, out: false, then } => match ops.front().cloned() {
                    Some(op) => {
                        self.state = State::Effects { ops, out: true, then };
                        return Step::Store(op);
                    }
                    None => self.state = *then,
                },
                State::Parse(response) => {
                    let result = self.op.parse(&response);
                    return self.done(result);
                }
                State::Deliver(output) => return self.done(Ok(output)),
                State::Fail(e) => return self.done(Err(e)),
                s @ (State::Acquiring
                | State::AwaitLwa { .. }
                | State::Reserving { .. }
                | State::Rechecking { .. }
                | State::AwaitApi { .. }
                | State::Effects { out: true, .. }) => {
                    let what = self.state_name_of(&s);
                    self.state = s;
                    return Step::Done(Err(misuse(&format!(
                        "poll called while a {what} reply is awaited; report it first"
                    ))));
                }
                State::Finished => return Step::Done(Err(misuse("the call is already finished"))),
            }
        }
    }

    fn state_name_of(&self, s: &State<O::Output>) -> &'static str {
        match s {
            State::Acquiring | State::Reserving { .. } | State::Rechecking { .. } | State::Effects { .. } => {
                "store"
            }
            _ => "HTTP",
        }
    }

    fn done(&mut self, result: Result<O::Output, Error>) -> Step<O::Output> {
        self.state = State::Finished;
        let token = self.token.take();
        Step::Done(result.map_err(|e| self.engine.mask(e, token.as_ref().map(|t| t.value()))))
    }

    /// Reports the reply to the last [`Step::Store`]. Reporting when no store step is
    /// outstanding is an error, and changes nothing.
    pub fn receive_store(&mut self, reply: StoreReply, now: Now) -> Result<(), Error> {
        match (std::mem::replace(&mut self.state, State::Finished), reply) {
            (State::Acquiring, StoreReply::Token(decision)) => {
                self.state = match decision {
                    TokenDecision::Ready(token) => State::Reserve { token },
                    TokenDecision::Lead(flight) => {
                        self.lwa_attempts = 0;
                        State::SendLwa { flight, sent: 0 }
                    }
                    TokenDecision::Wait { flight, generation } => State::Waiting { flight, generation },
                    TokenDecision::Failed(e) => State::Fail(e),
                };
                Ok(())
            }
            (State::Reserving { token } | State::Rechecking { token, .. }, StoreReply::Reserved(r)) => {
                self.state = follow(token, r, now);
                Ok(())
            }
            (State::Rechecking { token, booking }, StoreReply::Kept) => {
                let remaining = booking.deadline.saturating_duration_since(now.instant);
                self.state = if remaining.is_zero() {
                    State::SendApi { token }
                } else {
                    pace(token, booking, remaining)
                };
                Ok(())
            }
            (State::Effects { mut ops, out: true, then }, StoreReply::Done) => {
                ops.pop_front();
                self.state = State::Effects { ops, out: false, then };
                Ok(())
            }
            (other, reply) => {
                let message =
                    format!("a store reply ({reply:?}) arrived in state {}", self.state_name_of(&other));
                self.state = other;
                Err(misuse(&message))
            }
        }
    }

    /// Reports the outcome of the last [`Step::Send`], at time `now`. Reporting when no
    /// exchange is outstanding is an error, and changes nothing.
    pub fn receive(
        &mut self,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Now,
    ) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::AwaitLwa { flight, sent } => self.on_lwa(flight, sent, outcome, now),
            State::AwaitApi { token } if self.probe.is_some() => self.on_probe(token, outcome, now),
            State::AwaitApi { token } => self.on_api(token, outcome, now),
            other => {
                self.state = other;
                return Err(misuse("a response arrived but no request was sent"));
            }
        }
        Ok(())
    }

    /// When the driver gives the call up before it is done: the store step that must still run
    /// (the end of a token refresh this call leads, so the calls waiting for it go on), if any.
    pub fn abandon(&mut self) -> Option<StoreOp> {
        fn held<T>(s: &State<T>, key: &CredentialKey) -> Option<StoreOp> {
            match s {
                State::SendLwa { flight, .. } | State::AwaitLwa { flight, .. } => {
                    Some(StoreOp::AbandonRefresh { key: key.clone(), flight: *flight })
                }
                State::Sleeping { then, .. } => held(then, key),
                State::Effects { ops, then, .. } => ops
                    .iter()
                    .find(|op| matches!(op, StoreOp::CompleteRefresh { .. }))
                    .cloned()
                    .or_else(|| held(then, key)),
                _ => None,
            }
        }
        let op = held(&self.state, &self.engine.key);
        self.state = State::Finished;
        op
    }

    fn on_lwa(
        &mut self,
        flight: FlightId,
        sent: u32,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Now,
    ) {
        let key = self.engine.key.clone();
        let (error, retry_outcome) = match outcome {
            Ok(response) => match lwa::parse_token_response(&response, now.wall) {
                Ok(grant) => {
                    let token = grant.access_token;
                    self.token = Some(token.clone());
                    let complete = StoreOp::CompleteRefresh { key, flight, result: Ok(token.clone()) };
                    self.state = effects([complete], State::Reserve { token });
                    return;
                }
                Err(e) => {
                    // Only LWA's own refusals can be transient; a 200 that is not a token is
                    // not worth asking for again.
                    let status = match &e {
                        Error::Lwa(l) if l.is_transient() => response.status().as_u16().max(500),
                        Error::Lwa(_) => response.status().as_u16(),
                        _ => 400,
                    };
                    (e, Some((status, retry_after_header(response.headers(), now.wall))))
                }
            },
            Err(t) => (Error::Transport(t), None),
        };
        let action = match (&error, retry_outcome) {
            (Error::Transport(t), _) => self.classify(Leg::Lwa, Outcome::Transport(&t.clone()), sent),
            (_, Some((status, retry_after))) => {
                self.classify(Leg::Lwa, Outcome::Status { status, retry_after }, sent)
            }
            _ => Action::Fail(Failure::Final),
        };
        match action {
            Action::Retry { after } => {
                self.state =
                    State::Sleeping { delay: after, then: Box::new(State::SendLwa { flight, sent }) };
            }
            _ => {
                let error = match action {
                    Action::Fail(Failure::WaitTooLong(asked)) => self.wait_too_long(asked, error),
                    _ => error,
                };
                // Always said to be the token exchange, with its host and attempts, so the
                // error names the leg that failed however often it was tried.
                let error = self.lwa_failed(error);
                let complete = StoreOp::CompleteRefresh { key, flight, result: Err(error.clone()) };
                self.state = effects([complete], State::Fail(error));
            }
        }
    }

    /// The rate an answer announces, for the pacer: only when pacing is on (with it off the
    /// pacer is never asked, and every answer would cost a store step for nothing).
    fn learned(&self, response: &http::Response<Vec<u8>>) -> Option<StoreOp> {
        if !self.engine.shared.config.pacing {
            return None;
        }
        rate_limit_header(response.headers()).map(|rate| StoreOp::ObserveRate {
            bucket: self.bucket(),
            plan: O::USAGE_PLAN,
            rate,
        })
    }

    fn on_api(
        &mut self,
        token: AccessToken,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Now,
    ) {
        let sent = self.attempts;
        let response = match outcome {
            Ok(r) => r,
            Err(t) => {
                self.state = match self.classify(Leg::Api, Outcome::Transport(&t), sent) {
                    Action::Retry { after } => {
                        State::Sleeping { delay: after, then: Box::new(State::NeedToken { waited_on: None }) }
                    }
                    Action::Probe => self.start_probe(Error::Transport(t)),
                    Action::Fail(Failure::Exhausted) => State::Fail(self.exhausted(Error::Transport(t))),
                    _ => State::Fail(Error::Transport(t)),
                };
                return;
            }
        };
        let mut ops: Vec<StoreOp> = self.learned(&response).into_iter().collect();
        let status = response.status().as_u16();
        if response.status().is_success() {
            self.state = effects(ops, State::Parse(response));
            return;
        }
        let err = api_error(O::ID, O::ROLE.name(), &response, now.wall);
        if status == 429 {
            ops.push(StoreOp::Throttled { bucket: self.bucket(), plan: O::USAGE_PLAN });
        }
        let action = self.classify(Leg::Api, Outcome::Status { status, retry_after: err.retry_after }, sent);
        let next = match action {
            Action::RefreshToken => {
                self.auth_retried = true;
                ops.push(StoreOp::InvalidateToken { key: self.engine.key.clone(), failed: token });
                State::NeedToken { waited_on: None }
            }
            Action::Retry { after } => {
                State::Sleeping { delay: after, then: Box::new(State::NeedToken { waited_on: None }) }
            }
            Action::Probe => self.start_probe(err.into()),
            Action::Fail(Failure::Exhausted) => State::Fail(self.exhausted(err.into())),
            Action::Fail(Failure::WaitTooLong(asked)) => State::Fail(self.wait_too_long(asked, err.into())),
            // An answer that retrying cannot change is reported as it is, however many
            // attempts came before it.
            Action::Accept | Action::Fail(_) => State::Fail(err.into()),
        };
        self.state = effects(ops, next);
    }

    /// After an ambiguous failure of an operation that has a probe, the state that starts
    /// probing.
    fn start_probe(&mut self, cause: Error) -> State<O::Output> {
        match self.op.probe(&self.engine.request_context()) {
            Some(Ok(request)) => {
                self.probe = Some(Probe { request, cause, sent: 0 });
                State::NeedToken { waited_on: None }
            }
            Some(Err(e)) => State::Fail(Error::OutcomeUnknown {
                operation: O::ID,
                detail: format!("the request may have taken effect ({cause}) and it cannot be checked: {e}"),
                last: Box::new(e),
            }),
            None => State::Fail(cause),
        }
    }

    fn unknown(&mut self, last: Error) -> Error {
        let cause = self.probe.take().map(|p| p.cause.to_string()).unwrap_or_default();
        Error::OutcomeUnknown {
            operation: O::ID,
            detail: format!(
                "the request may have taken effect ({cause}) and checking did not tell; check before sending it again"
            ),
            last: Box::new(last),
        }
    }

    fn on_probe(
        &mut self,
        token: AccessToken,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Now,
    ) {
        let sent = self.probe.as_ref().map_or(0, |p| p.sent);
        let again = State::NeedToken { waited_on: None };
        let response = match outcome {
            Ok(r) => r,
            Err(t) => {
                self.state = match self.classify(Leg::Probe, Outcome::Transport(&t), sent) {
                    Action::Retry { after } => State::Sleeping { delay: after, then: Box::new(again) },
                    _ => State::Fail(self.unknown(Error::Transport(t))),
                };
                return;
            }
        };
        let status = response.status().as_u16();
        let retry_after = retry_after_header(response.headers(), now.wall);
        match self.classify(Leg::Probe, Outcome::Status { status, retry_after }, sent) {
            Action::Accept => {}
            Action::RefreshToken => {
                self.auth_retried = true;
                let invalidate = StoreOp::InvalidateToken { key: self.engine.key.clone(), failed: token };
                self.state = effects([invalidate], again);
                return;
            }
            Action::Retry { after } => {
                self.state = State::Sleeping { delay: after, then: Box::new(again) };
                return;
            }
            Action::Probe | Action::Fail(_) => {
                let err = api_error(O::ID, O::ROLE.name(), &response, now.wall);
                self.state = State::Fail(self.unknown(err.into()));
                return;
            }
        }
        self.state = match self.op.read_probe(&response) {
            Ok(Probed::Applied(output)) => {
                self.probe = None;
                State::Deliver(output)
            }
            Ok(Probed::NotApplied) => {
                let cause = self.probe.take().map(|p| p.cause);
                if self.attempts < self.policy().max_attempts {
                    let jitter = self.jitter.next_unit();
                    let delay = backoff(self.policy(), self.attempts, jitter);
                    State::Sleeping { delay, then: Box::new(again) }
                } else {
                    let last = cause.unwrap_or_else(|| misuse("probe without a cause"));
                    State::Fail(self.exhausted(last))
                }
            }
            Err(e) => State::Fail(self.unknown(e)),
        };
    }
}

/// Reads an error response into an [`ApiError`].
pub fn api_error(
    operation: &'static str,
    role: Option<&'static str>,
    response: &http::Response<Vec<u8>>,
    wall: SystemTime,
) -> ApiError {
    let mut e = ApiError::from_response(operation, response);
    e.retry_after = retry_after_header(response.headers(), wall);
    e.role = role;
    e
}

#[cfg(test)]
#[path = "call/tests/proptests.rs"]
mod proptests;
#[cfg(test)]
mod tests;
