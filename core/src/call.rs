//! One logical call as a state machine: the transport asks what to do ([`Call::poll`]), does it,
//! and reports back ([`Call::receive`]). The call may take several HTTP exchanges (a token
//! exchange with LWA, retries after 401, 429, 5xx or network failures) and waits (pacing,
//! `Retry-After`, backoff); it decides all of them from its inputs alone.
//!
//! ```text
//!  Start ─▶ NeedToken ─Ready─▶ Pace ─▶ SendApi ─▶ AwaitApi ──2xx──▶ Done(Ok)
//!              │  ▲  ▲                              │
//!     Wait ◀───┤  │  └──── 401 (once) / 429 / 5xx / network, after Sleep
//!  (AwaitToken)│  │                                 └── other ──▶ Done(Err)
//!            Lead │
//!              ▼  │
//!           SendLwa ─▶ AwaitLwa ──token──▶ Pace
//!              ▲          │
//!              └─ Sleep ◀─┴── LWA outage (transient) … else Done(Err)
//! ```
//!
//! An operation that must not be sent twice (placeOrder) and fails ambiguously — a timeout, a
//! dropped connection or a 5xx after the request may have arrived — is not resent: the call
//! first sends the operation's read-only probe (orderDetails for the same externalId). If the
//! probe finds the result, that is the call's output; only if it proves the attempt absent is
//! the request sent again; if the probe cannot tell, the call fails with
//! [`Error::OutcomeUnknown`].
//!
//! A driver is a short loop:
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
//!         Step::Send { request, .. } => { let r = send(request); call.receive(r, now()) }
//!         Step::Sleep(d) => std::thread::sleep(d),
//!         Step::AwaitToken { .. } => std::thread::sleep(std::time::Duration::from_millis(10)),
//!         Step::Done(result) => return result,
//!     }
//! }
//! # }
//! ```

use std::time::{Duration, SystemTime};

use http::header::{HeaderValue, ACCEPT, USER_AGENT};

use crate::engine::{Engine, Now};
use crate::error::{ApiError, Error, TransportError, TransportErrorKind};
use crate::lwa::{self, AccessToken};
use crate::operation::{Operation, Probed};
use crate::pacer::{rate_limit_header, BucketKey};
use crate::retry::{backoff, is_retryable_status, may_retry_transport, retry_after_header, Jitter};
use crate::token::{FlightId, TokenDecision};
use crate::wire::ACCESS_TOKEN_HEADER;

/// Who a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Amazon Business API.
    Api,
    /// The Login with Amazon token endpoint (the body carries secrets).
    Lwa,
}

/// What the transport must do next.
#[derive(Debug)]
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
    /// Another call is fetching the access token: wait until the engine's
    /// [`TokenCache::generation`](crate::token::TokenCache::generation) differs from
    /// `generation`, then poll again.
    AwaitToken {
        /// The generation observed when the call started waiting.
        generation: u64,
    },
    /// The call is over.
    Done(Result<T, Error>),
}

#[derive(Debug)]
enum State {
    Start,
    NeedToken,
    Pace,
    SendApi,
    SendLwa,
    AwaitApi,
    AwaitLwa,
    Sleeping(Duration, Box<State>),
    Failed(Error),
    Parsing(http::Response<Vec<u8>>),
    /// The output is in `Call::output`.
    Delivered,
    Spent,
}

/// One logical call of operation `O`. Create it with [`Engine::call`].
///
/// Dropping a call in the middle (an async future cancelled, say) is safe: a token exchange it
/// was leading is handed over to the calls waiting for it.
pub struct Call<'a, O: Operation> {
    engine: &'a Engine,
    op: &'a O,
    state: State,
    request: Option<http::Request<Vec<u8>>>,
    token: Option<AccessToken>,
    flight: Option<FlightId>,
    waited_on: Option<FlightId>,
    attempts: u32,
    lwa_attempts: u32,
    auth_retried: bool,
    jitter: Jitter,
    /// Set while finding out whether an ambiguous attempt took effect: the probe request and
    /// the failure that made the outcome unknown.
    probe: Option<(http::Request<Vec<u8>>, Error)>,
    probe_attempts: u32,
    output: Option<O::Output>,
}

impl<O: Operation> std::fmt::Debug for Call<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &O::ID)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

fn misuse(message: &str) -> Error {
    Error::Transport(TransportError::new(TransportErrorKind::Other, message))
}

fn copy_request(r: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut out = http::Request::new(r.body().clone());
    *out.method_mut() = r.method().clone();
    *out.uri_mut() = r.uri().clone();
    *out.headers_mut() = r.headers().clone();
    out
}

impl<'a, O: Operation> Call<'a, O> {
    pub(crate) fn new(engine: &'a Engine, op: &'a O, seed: u64) -> Self {
        Call {
            engine,
            op,
            state: State::Start,
            request: None,
            token: None,
            flight: None,
            waited_on: None,
            attempts: 0,
            lwa_attempts: 0,
            auth_retried: false,
            jitter: Jitter::new(seed),
            probe: None,
            probe_attempts: 0,
            output: None,
        }
    }

    /// How many times the API request has been sent so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    fn bucket(&self) -> BucketKey {
        BucketKey { credential: self.engine.key.clone(), operation: O::ID }
    }

    fn max_attempts(&self) -> u32 {
        self.engine.shared.config.retry.max_attempts
    }

    fn backoff(&mut self, retry: u32) -> Duration {
        let j = self.jitter.next_unit();
        backoff(&self.engine.shared.config.retry, retry, j)
    }

    fn exhausted(&self, last: Error) -> Error {
        if self.attempts > 1 {
            Error::RetriesExhausted { operation: O::ID, attempts: self.attempts, last: Box::new(last) }
        } else {
            last
        }
    }

    /// What to do next, at time `now`.
    pub fn poll(&mut self, now: Now) -> Step<O::Output> {
        loop {
            match std::mem::replace(&mut self.state, State::Spent) {
                State::Start => {
                    let cx = self.engine.request_context();
                    match self.op.request(&cx) {
                        Ok(r) => {
                            self.request = Some(r);
                            self.state = State::NeedToken;
                        }
                        Err(e) => return Step::Done(Err(e)),
                    }
                }
                State::NeedToken => {
                    let tokens = &self.engine.shared.tokens;
                    match tokens.acquire(&self.engine.key, self.waited_on, now.instant, now.wall) {
                        TokenDecision::Ready(t) => {
                            self.token = Some(t);
                            self.state = State::Pace;
                        }
                        TokenDecision::Lead(f) => {
                            self.flight = Some(f);
                            self.waited_on = None;
                            self.lwa_attempts = 0;
                            self.state = State::SendLwa;
                        }
                        TokenDecision::Wait { flight, generation } => {
                            self.waited_on = Some(flight);
                            self.state = State::NeedToken;
                            return Step::AwaitToken { generation };
                        }
                        TokenDecision::Failed(e) => return Step::Done(Err(e)),
                    }
                }
                State::SendLwa => {
                    self.lwa_attempts += 1;
                    self.state = State::AwaitLwa;
                    let shared = &self.engine.shared;
                    let secret = shared.client_secret.read().unwrap_or_else(|p| p.into_inner()).clone();
                    let request = lwa::refresh_request(
                        &shared.lwa_url,
                        &shared.config.user_agent,
                        shared.config.credentials.client_id(),
                        &secret,
                        &self.engine.refresh_token,
                    );
                    return Step::Send { request, target: Target::Lwa };
                }
                State::Pace => {
                    self.state = State::SendApi;
                    if self.engine.shared.config.pacing && self.probe.is_none() {
                        let wait =
                            self.engine.shared.buckets.reserve(&self.bucket(), O::USAGE_PLAN, now.instant);
                        if !wait.is_zero() {
                            return Step::Sleep(wait);
                        }
                    }
                }
                State::SendApi => {
                    let template = match &self.probe {
                        Some((probe, _)) => Some(probe),
                        None => self.request.as_ref(),
                    };
                    let (Some(template), Some(token)) = (template, &self.token) else {
                        return Step::Done(Err(misuse("internal: no request or token to send")));
                    };
                    let mut request = copy_request(template);
                    let headers = request.headers_mut();
                    match HeaderValue::from_str(token.value().expose()) {
                        Ok(mut v) => {
                            v.set_sensitive(true);
                            headers.insert(ACCESS_TOKEN_HEADER, v);
                        }
                        Err(_) => {
                            return Step::Done(Err(misuse(
                                "LWA issued an access token that is not a valid header value",
                            )))
                        }
                    }
                    if let Ok(ua) = HeaderValue::from_str(&self.engine.shared.config.user_agent) {
                        headers.insert(USER_AGENT, ua);
                    }
                    headers.entry(ACCEPT).or_insert(HeaderValue::from_static("application/json"));
                    if self.probe.is_some() {
                        self.probe_attempts += 1;
                    } else {
                        self.attempts += 1;
                    }
                    self.state = State::AwaitApi;
                    return Step::Send { request, target: Target::Api };
                }
                State::Sleeping(d, next) => {
                    self.state = *next;
                    return Step::Sleep(d);
                }
                State::Parsing(response) => return Step::Done(self.op.parse(&response)),
                State::Delivered => {
                    return Step::Done(
                        self.output.take().ok_or_else(|| misuse("internal: no output to deliver")),
                    )
                }
                State::Failed(e) => return Step::Done(Err(e)),
                s @ (State::AwaitApi | State::AwaitLwa) => {
                    self.state = s;
                    return Step::Done(Err(misuse(
                        "poll called while a response is awaited; call receive first",
                    )));
                }
                State::Spent => return Step::Done(Err(misuse("the call is already finished"))),
            }
        }
    }

    /// Reports the outcome of the last [`Step::Send`], at time `now`.
    pub fn receive(&mut self, outcome: Result<http::Response<Vec<u8>>, TransportError>, now: Now) {
        match std::mem::replace(&mut self.state, State::Spent) {
            State::AwaitLwa => self.on_lwa(outcome, now),
            State::AwaitApi if self.probe.is_some() => self.on_probe(outcome, now),
            State::AwaitApi => self.on_api(outcome, now),
            other => {
                self.state = other;
            }
        }
    }

    fn on_lwa(&mut self, outcome: Result<http::Response<Vec<u8>>, TransportError>, now: Now) {
        let result = match outcome {
            Ok(response) => lwa::parse_token_response(&response, now.wall)
                .map_err(|e| (e, retry_after_header(response.headers(), now.wall))),
            Err(t) => Err((Error::Transport(t), None)),
        };
        match result {
            Ok(grant) => {
                if let Some(f) = self.flight.take() {
                    self.engine.shared.tokens.complete(&self.engine.key, f, Ok(grant.access_token.clone()));
                }
                self.token = Some(grant.access_token);
                self.state = State::Pace;
            }
            Err((e, retry_after)) => {
                let transient = match &e {
                    Error::Lwa(l) => l.is_transient(),
                    Error::Transport(_) => true,
                    _ => false,
                };
                if transient && self.lwa_attempts < self.max_attempts() {
                    let n = self.lwa_attempts;
                    let delay = retry_after
                        .unwrap_or_else(|| self.backoff(n))
                        .min(self.engine.shared.config.retry.max_delay);
                    self.state = State::Sleeping(delay, Box::new(State::SendLwa));
                } else {
                    if let Some(f) = self.flight.take() {
                        self.engine.shared.tokens.complete(&self.engine.key, f, Err(e.clone()));
                    }
                    self.state = State::Failed(e);
                }
            }
        }
    }

    fn on_api(&mut self, outcome: Result<http::Response<Vec<u8>>, TransportError>, now: Now) {
        let response = match outcome {
            Ok(r) => r,
            Err(t) => {
                if !t.request_never_left() && !O::RETRY_SAFE && self.start_probe(Error::Transport(t.clone()))
                {
                    return;
                }
                if may_retry_transport(&t, O::RETRY_SAFE) && self.attempts < self.max_attempts() {
                    let n = self.attempts;
                    let d = self.backoff(n);
                    self.state = State::Sleeping(d, Box::new(State::NeedToken));
                } else {
                    self.state = State::Failed(self.exhausted(Error::Transport(t)));
                }
                return;
            }
        };
        if let Some(rate) = rate_limit_header(response.headers()) {
            self.engine.shared.buckets.observe_rate(&self.bucket(), O::USAGE_PLAN, rate, now.instant);
        }
        let status = response.status().as_u16();
        if response.status().is_success() {
            self.state = State::Parsing(response);
            return;
        }
        let err = api_error(O::ID, O::ROLE.name(), &response, now.wall);
        let retry = &self.engine.shared.config.retry;
        match status {
            401 if !self.auth_retried => {
                self.auth_retried = true;
                if let Some(t) = self.token.take() {
                    self.engine.shared.tokens.invalidate(&self.engine.key, &t);
                }
                self.state = State::NeedToken;
            }
            429 => {
                self.engine.shared.buckets.throttled(&self.bucket(), O::USAGE_PLAN, now.instant);
                let max_wait = retry.max_retry_after;
                if self.attempts >= self.max_attempts() {
                    self.state = State::Failed(self.exhausted(err.into()));
                } else {
                    let n = self.attempts;
                    let delay = err.retry_after.unwrap_or_else(|| self.backoff(n));
                    if delay > max_wait {
                        self.state = State::Failed(err.into());
                    } else {
                        self.state = State::Sleeping(delay, Box::new(State::NeedToken));
                    }
                }
            }
            s if is_retryable_status(s) && O::RETRY_SAFE => {
                if self.attempts >= self.max_attempts() {
                    self.state = State::Failed(self.exhausted(err.into()));
                } else {
                    let n = self.attempts;
                    let max_delay = retry.max_delay;
                    let delay = err.retry_after.map(|d| d.min(max_delay)).unwrap_or_else(|| self.backoff(n));
                    self.state = State::Sleeping(delay, Box::new(State::NeedToken));
                }
            }
            s if is_retryable_status(s) && self.start_probe(err.clone().into()) => {}
            // An answer that retrying cannot change is reported as it is, however many attempts
            // came before it.
            _ => self.state = State::Failed(err.into()),
        }
    }

    /// After an ambiguous failure of an operation that has a probe, starts probing; false when
    /// the operation has none.
    fn start_probe(&mut self, cause: Error) -> bool {
        let cx = self.engine.request_context();
        match self.op.probe(&cx) {
            None => false,
            Some(Ok(request)) => {
                self.probe = Some((request, cause));
                self.probe_attempts = 0;
                self.state = State::SendApi;
                true
            }
            Some(Err(e)) => {
                self.state = State::Failed(Error::OutcomeUnknown {
                    operation: O::ID,
                    detail: format!(
                        "the request may have taken effect ({cause}) and it cannot be checked: {e}"
                    ),
                    last: Box::new(e),
                });
                true
            }
        }
    }

    fn unknown(&mut self, last: Error) -> Error {
        let cause = self.probe.take().map(|(_, c)| c.to_string()).unwrap_or_default();
        Error::OutcomeUnknown {
            operation: O::ID,
            detail: format!(
                "the request may have taken effect ({cause}) and checking did not tell; check before sending it again"
            ),
            last: Box::new(last),
        }
    }

    fn on_probe(&mut self, outcome: Result<http::Response<Vec<u8>>, TransportError>, now: Now) {
        let max = self.max_attempts();
        let response = match outcome {
            Ok(r) => r,
            Err(t) => {
                if self.probe_attempts < max {
                    let n = self.probe_attempts;
                    let d = self.backoff(n);
                    self.state = State::Sleeping(d, Box::new(State::NeedToken));
                } else {
                    self.state = State::Failed(self.unknown(Error::Transport(t)));
                }
                return;
            }
        };
        let status = response.status().as_u16();
        match status {
            401 if !self.auth_retried => {
                self.auth_retried = true;
                if let Some(t) = self.token.take() {
                    self.engine.shared.tokens.invalidate(&self.engine.key, &t);
                }
                self.state = State::NeedToken;
                return;
            }
            429 | 500 | 502 | 503 | 504 => {
                let err = api_error(O::ID, O::ROLE.name(), &response, now.wall);
                if self.probe_attempts < max {
                    let n = self.probe_attempts;
                    let delay = err
                        .retry_after
                        .unwrap_or_else(|| self.backoff(n))
                        .min(self.engine.shared.config.retry.max_delay);
                    self.state = State::Sleeping(delay, Box::new(State::NeedToken));
                } else {
                    self.state = State::Failed(self.unknown(err.into()));
                }
                return;
            }
            _ => {}
        }
        match self.op.read_probe(&response) {
            Ok(Probed::Applied(output)) => {
                self.probe = None;
                self.output = Some(output);
                self.state = State::Delivered;
            }
            Ok(Probed::NotApplied) => {
                let cause = self.probe.take().map(|(_, c)| c);
                if self.attempts < max {
                    let n = self.attempts;
                    let d = self.backoff(n);
                    self.state = State::Sleeping(d, Box::new(State::NeedToken));
                } else {
                    let last = cause.unwrap_or_else(|| misuse("probe without a cause"));
                    self.state = State::Failed(self.exhausted(last));
                }
            }
            Err(e) => self.state = State::Failed(self.unknown(e)),
        }
    }
}

impl<O: Operation> Drop for Call<'_, O> {
    fn drop(&mut self) {
        if let Some(f) = self.flight.take() {
            self.engine.shared.tokens.abandon(&self.engine.key, f);
        }
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
mod tests;
