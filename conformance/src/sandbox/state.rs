//! What the emulator remembers between requests, and the plain values requests and answers
//! travel in. Everything here is synchronous; the `server` module does the I/O.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::consent::ConsentLeg;
use super::faults::FaultQueue;
use super::Fault;
use crate::fixtures::{Example, OperationSpec};

/// The fixed settings a sandbox was started with.
#[derive(Debug)]
pub(crate) struct Config {
    pub token_lifetime: Duration,
    pub require_user_email: bool,
    pub user_email: Option<String>,
    /// `Some(time_scale)` when usage plans are enforced.
    pub usage_plans: Option<f64>,
}

/// The credentials the LWA endpoint insists on, when configured.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
}

/// One request as the sandbox saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path, as sent (not decoded).
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers in order; the value of `x-amz-access-token` is replaced by `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
    /// The operation the request was routed to, if any.
    pub operation: Option<String>,
    /// Whether this was a request to the LWA endpoint.
    pub lwa: bool,
    /// The status answered; `None` when the connection was closed without an answer.
    pub status: Option<u16>,
    /// The injected fault applied to this request, if any.
    pub fault: Option<Fault>,
}

impl LoggedRequest {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An order stored by the stateful `placeOrder`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedOrder {
    /// The request body as sent.
    pub request: Value,
    /// The result answered (and answered again by `orderDetails`).
    pub result: Value,
}

/// A usage-plan token bucket.
#[derive(Debug)]
pub(crate) struct Bucket {
    pub tokens: f64,
    pub last: Instant,
}

/// Everything that changes while the sandbox runs, behind one lock.
#[derive(Debug)]
pub(crate) struct State {
    pub builtin: Vec<Example>,
    pub added: Vec<Example>,
    pub credentials: Option<Credentials>,
    /// Issued access tokens and when each expires.
    pub tokens: HashMap<String, Instant>,
    pub token_seq: u64,
    pub lwa_exchanges: usize,
    pub counts: HashMap<String, usize>,
    pub log: Vec<LoggedRequest>,
    pub faults: FaultQueue,
    pub buckets: HashMap<String, Bucket>,
    pub orders: BTreeMap<String, PlacedOrder>,
    /// Business users created through the simulation, by email.
    pub users: BTreeMap<String, Value>,
    pub secret_rotations: usize,
}

impl State {
    pub(crate) fn new(examples: Vec<Example>, credentials: Option<Credentials>) -> State {
        State {
            builtin: examples,
            added: Vec::new(),
            credentials,
            tokens: HashMap::new(),
            token_seq: 0,
            lwa_exchanges: 0,
            counts: HashMap::new(),
            log: Vec::new(),
            faults: FaultQueue::default(),
            buckets: HashMap::new(),
            orders: BTreeMap::new(),
            users: BTreeMap::new(),
            secret_rotations: 0,
        }
    }

    pub(crate) fn issue_token(&mut self, lifetime: Duration) -> String {
        self.token_seq += 1;
        let token = format!("Atza|sandbox-{}", self.token_seq);
        self.tokens.insert(token.clone(), Instant::now() + lifetime);
        token
    }

    /// Every example of `operation` for this method and template, in the order they are tried:
    /// added ones (most recent first), then the built-in ones.
    pub(crate) fn candidates<'s>(
        &'s self,
        operation: &'s str,
        method: &'s str,
        template: &'s str,
    ) -> impl Iterator<Item = &'s Example> + 's {
        self.added.iter().rev().chain(self.builtin.iter()).filter(move |e| {
            e.operation == operation && e.method.eq_ignore_ascii_case(method) && e.path_template == template
        })
    }
}

/// What the server thread and the [`super::Sandbox`] handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    /// The consent leg of onboarding, with its own lock.
    pub consent: ConsentLeg,
    /// Large documents served as is (see `documents.rs`).
    pub documents: super::documents::Documents,
    pub operations: Vec<OperationSpec>,
    seq: AtomicU64,
    started: u64,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(
        config: Config,
        consent: ConsentLeg,
        operations: Vec<OperationSpec>,
        state: State,
        started: u64,
    ) -> Shared {
        Shared {
            config,
            consent,
            documents: Default::default(),
            operations,
            seq: AtomicU64::new(0),
            started,
            state: Mutex::new(state),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn operation(&self, operation: &str) -> Option<&OperationSpec> {
        self.operations.iter().find(|o| o.operation == operation)
    }

    /// A fresh UUID-shaped `x-amzn-RequestId`.
    pub(crate) fn request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let a = mix(self.started.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        let b = mix(a ^ n);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48 & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// An API answer with a JSON body, a request ID and, when known, the rate limit header.
    pub(crate) fn json_answer(&self, status: u16, body: &Value, rate: Option<&str>) -> Answer {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-amzn-RequestId".to_owned(), self.request_id()),
        ];
        if let Some(rate) = rate {
            headers.push(("x-amzn-RateLimit-Limit".to_owned(), rate.to_owned()));
        }
        Answer { status, headers, body: Some(body.to_string().into_bytes()) }
    }

    /// An API answer without a body (`204`).
    pub(crate) fn empty_answer(&self, status: u16, rate: Option<&str>) -> Answer {
        let mut answer = self.json_answer(status, &Value::Null, rate);
        answer.body = None;
        answer.headers.retain(|(k, _)| k != "content-type");
        answer
    }

    /// Amazon's error shape: `{"errors":[{"code":…,"message":…}]}`.
    pub(crate) fn api_error(&self, status: u16, code: &str, message: &str, rate: Option<&str>) -> Answer {
        self.json_answer(status, &json!({"errors": [{"code": code, "message": message}]}), rate)
    }
}

/// A request as read off the wire.
#[derive(Debug)]
pub(crate) struct WireRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl WireRequest {
    /// The request as the server reads it: header values that are not UTF-8 are read lossily.
    pub(crate) fn new(parts: &http::request::Parts, body: Vec<u8>) -> WireRequest {
        WireRequest {
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body,
        }
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }

    /// The decoded query pairs, in order.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default()
    }

    /// What the request log keeps of this request (the access token redacted).
    pub(crate) fn logged(&self) -> LoggedRequest {
        LoggedRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| {
                    if k.eq_ignore_ascii_case("x-amz-access-token") {
                        (k.clone(), "<redacted>".to_owned())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect(),
            body: self.body.clone(),
            operation: None,
            lwa: false,
            status: None,
            fault: None,
        }
    }
}

/// What to send back.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// How the server must deliver an answer.
#[derive(Debug)]
pub(crate) enum Delivery {
    /// Close the connection without answering.
    Drop,
    /// Answer normally.
    Normal(Answer),
    /// Declare the whole body's length, send part of it, close.
    Truncated(Answer),
    /// Send the head now and the body after the delay.
    Slow(Answer, Duration),
}

impl Delivery {
    /// The status delivered, if any.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Delivery::Drop => None,
            Delivery::Normal(a) | Delivery::Truncated(a) | Delivery::Slow(a, _) => Some(a.status),
        }
    }
}
