//! `amazon-business-sandbox`: a local emulator of Amazon's static sandbox and of the
//! Login-with-Amazon token endpoint.
//!
//! ```no_run
//! use amazon_business_conformance::sandbox::{Fault, RetryAfter, Route, Sandbox};
//!
//! let sandbox = Sandbox::builder().spawn().unwrap();
//! // Point a client at `sandbox.base_url()` with the LWA endpoint `sandbox.lwa_url()`.
//! sandbox.inject(
//!     Route::Operation("getOrderReports"),
//!     Fault::Status { status: 429, retry_after: Some(RetryAfter::Seconds(1)), body: None },
//!     1,
//! );
//! assert_eq!(sandbox.count("getOrderReports"), 0);
//! ```
//!
//! # Behaviour
//!
//! * `POST /auth/o2/token` is the LWA endpoint (refresh-token and authorization-code grants).
//!   It issues `Atza|sandbox-<n>` tokens that live for the configured lifetime.
//! * Any other request is routed by method and path template to an operation of the
//!   catalogue (or of an added example). It must carry an `x-amz-access-token` this server
//!   issued and that has neither expired nor been revoked (else 401), and, where the model
//!   requires it, `x-amz-user-email` (else 400). It is then matched **exactly** against the
//!   operation's examples — added ones first, most recent first, then the built-in ones. Query
//!   keys must be the same set; csv values compare with JSON arrays; `date-time` parameters
//!   compare as instants (an offset-less timestamp in an example is read as UTC; a sent one
//!   must carry an offset to be read as an instant, otherwise it must equal the example's
//!   text); numbers and booleans compare by value; bodies compare as JSON. Path parameters an
//!   example does not name are wildcards. A hit answers the example's status and response; a
//!   miss answers 400 `InvalidInput` with an `x-sandbox-diagnostic` header and a
//!   `sandboxDiagnostic` body field naming the nearest example and the differences.
//! * Faults injected with [`Sandbox::inject`] are consumed first-in first-out, one per
//!   request whose route matches, before normal handling.
//! * `placeOrder` and `orderDetails` are stateful unless an added example matches: a
//!   well-formed `placeOrder` stores the order under its `externalId` (placing the same
//!   `externalId` again stores nothing new and answers the first result) and accepts every
//!   line item; `orderDetails(externalId)` answers the stored result or 404.
//!   `createBusinessUserAccount` requests other than the recorded example create a user once
//!   per email (a second one answers 400). `rotateApplicationClientSecret` answers 204 and is
//!   counted (the new secret would arrive out of band; use [`Sandbox::set_credentials`] to play
//!   that part).
//! * The consent leg of onboarding (consent page, codes, App Center): see [`consent`].
//! * [`Sandbox::count`] counts requests that reached an operation's route, including those
//!   answered by a fault, but not those dropped by [`Fault::DropBeforeProcessing`].

pub mod consent;
mod matching;
mod server;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};

use crate::fixtures::{load_examples, load_operations, Example, OperationSpec};
use matching::{find_match, match_template, MatchOutcome, RequestParts};

/// The path of the emulated LWA token endpoint.
pub const LWA_PATH: &str = "/auth/o2/token";

/// The response header that explains a failed match.
pub const DIAGNOSTIC_HEADER: &str = "x-sandbox-diagnostic";

/// How `request` differs from `example` under the emulator's matching rules (the static
/// sandbox's exact matching): method, path, the set and values of query parameters, the
/// example's headers and the JSON body. Empty when it matches. The offline conformance replay
/// uses it to check that the typed API builds each recorded request exactly.
pub fn request_differences(example: &Example, request: &http::Request<Vec<u8>>) -> Vec<String> {
    let ops = load_operations();
    let op = ops.iter().find(|o| o.operation == example.operation);
    let mut diffs = Vec::new();
    if !request.method().as_str().eq_ignore_ascii_case(&example.method) {
        diffs.push(format!("method {} differs from {}", request.method(), example.method));
    }
    let path = request.uri().path();
    let Some((path_params, _)) = match_template(&example.path_template, path) else {
        diffs.push(format!("path {path} does not fit {}", example.path_template));
        return diffs;
    };
    let query: Vec<(String, String)> = request
        .uri()
        .query()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let parts = RequestParts { path_params, query, header: &header, body: request.body() };
    diffs.extend(matching::differences(op, example, &parts));
    diffs
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Requests routed to the operation with this `operationId`.
    Operation(&'static str),
    /// Requests to the LWA token endpoint.
    Lwa,
    /// Every API request (anything but the LWA endpoint), routed or not.
    Api,
    /// Every request, the LWA endpoint included.
    Any,
}

/// How a `Retry-After` header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delta seconds: `Retry-After: 2`.
    Seconds(u64),
    /// An HTTP date: `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    HttpDate(SystemTime),
}

impl RetryAfter {
    /// The header value.
    pub fn header_value(&self) -> String {
        match self {
            RetryAfter::Seconds(s) => s.to_string(),
            RetryAfter::HttpDate(t) => httpdate::fmt_http_date(*t),
        }
    }
}

/// A scripted misbehaviour.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this status instead of handling the request. Without a `body`, an API route
    /// answers Amazon's `{"errors":[…]}` shape (code `QuotaExceeded` for 429) and the LWA
    /// endpoint answers `{"error":…,"error_description":…}`.
    Status {
        /// The HTTP status.
        status: u16,
        /// An optional `Retry-After` header.
        retry_after: Option<RetryAfter>,
        /// An optional raw body (sent as JSON).
        body: Option<String>,
    },
    /// Close the connection without answering; the request is not processed or counted.
    DropBeforeProcessing,
    /// Process the request (counters, tokens, state), then close without answering.
    DropAfterProcessing,
    /// Process normally, declare the full `content-length`, send part of the body, then close.
    TruncatedBody,
    /// Process normally; send the headers at once and the body after the delay.
    SlowBody(Duration),
    /// Revoke every issued access token, then handle the request normally.
    ExpireTokens,
    /// Answer 503 with an LWA-style error body.
    LwaOutage,
}

impl Fault {
    /// A plain status fault with the default body and no `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status { status, retry_after: None, body: None }
    }

    /// A 429 with Amazon's `QuotaExceeded` body.
    pub fn throttled(retry_after: Option<RetryAfter>) -> Fault {
        Fault::Status { status: 429, retry_after, body: None }
    }
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

/// The rate (requests per second) and burst of an operation's default usage plan, as
/// documented; operations without a documented plan get the sandbox's own 5/s, burst 15.
pub fn usage_plan(spec: &str, operation: &str) -> (f64, u32) {
    match (spec, operation) {
        ("Cart_API", _) => (2.0, 2),
        ("Ordering_API", _) | ("PackageTracking_API", _) => (0.5, 10),
        ("Reconciliation_API", _) => (2.0, 10),
        (s, _) if s.starts_with("Reporting_API") => (0.5, 10),
        ("UserManagement_API", _) => (1.0, 5),
        _ => (5.0, 15),
    }
}

#[derive(Debug, Clone)]
struct Credentials {
    client_id: String,
    client_secret: String,
    refresh_token: String,
}

/// Configures and starts a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    port: u16,
    token_lifetime: Duration,
    examples: Option<Vec<Example>>,
    require_user_email: bool,
    user_email: Option<String>,
    credentials: Option<Credentials>,
    usage_plans: Option<f64>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            port: 0,
            token_lifetime: Duration::from_secs(3600),
            examples: None,
            require_user_email: true,
            user_email: None,
            credentials: None,
            usage_plans: None,
        }
    }
}

impl SandboxBuilder {
    /// The port to listen on (127.0.0.1); 0, the default, picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long issued access tokens stay valid (default one hour).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The built-in examples (default: the committed fixtures).
    pub fn examples(mut self, examples: Vec<Example>) -> Self {
        self.examples = Some(examples);
        self
    }

    /// Whether to insist on `x-amz-user-email` where the model requires it (default true).
    pub fn require_user_email(mut self, require: bool) -> Self {
        self.require_user_email = require;
        self
    }

    /// Accept only this `x-amz-user-email` (any other answers 403 `Unauthorized`).
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }

    /// Make the LWA endpoint check these credentials exactly (default: any non-empty ones).
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
        });
        self
    }

    /// Enforce each operation's usage plan with a token bucket, answering 429 like Amazon.
    /// `time_scale` speeds the refill up (10.0 refills ten times faster than real time).
    pub fn enforce_usage_plans(mut self, time_scale: f64) -> Self {
        self.usage_plans = Some(time_scale);
        self
    }

    /// Binds 127.0.0.1 and serves on a thread of its own with its own tokio runtime.
    pub fn spawn(self) -> std::io::Result<Sandbox> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: Config {
                token_lifetime: self.token_lifetime,
                require_user_email: self.require_user_email,
                user_email: self.user_email,
                usage_plans: self.usage_plans,
            },
            consent: consent::ConsentLeg::default(),
            operations: load_operations(),
            seq: AtomicU64::new(0),
            started: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0),
            state: Mutex::new(State {
                builtin: self.examples.unwrap_or_else(load_examples),
                added: Vec::new(),
                credentials: self.credentials,
                tokens: HashMap::new(),
                token_seq: 0,
                lwa_exchanges: 0,
                counts: HashMap::new(),
                log: Vec::new(),
                faults: VecDeque::new(),
                buckets: HashMap::new(),
                orders: BTreeMap::new(),
                users: BTreeMap::new(),
                secret_rotations: 0,
            }),
        });
        let (stop, thread) = server::start(listener, shared.clone())?;
        Ok(Sandbox { shared, addr, stop: Some(stop), thread: Some(thread) })
    }
}

/// A running emulator; dropping it shuts the server down.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Sandbox {
    /// A builder with the defaults.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The LWA token endpoint, `{base_url}/auth/o2/token`.
    pub fn lwa_url(&self) -> String {
        format!("{}{LWA_PATH}", self.base_url())
    }

    /// Requests that reached the LWA endpoint (not counting dropped-before-processing ones).
    pub fn lwa_exchanges(&self) -> usize {
        self.shared.lock().lwa_exchanges
    }

    /// Requests that reached this operation's route.
    pub fn count(&self, operation_id: &str) -> usize {
        self.shared.lock().counts.get(operation_id).copied().unwrap_or(0)
    }

    /// All per-operation counts.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.shared.lock().counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Every request seen since start or the last [`Sandbox::reset_counters`], in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.clone()
    }

    /// Zeroes the counters and clears the request log (tokens, faults and examples stay).
    pub fn reset_counters(&self) {
        let mut state = self.shared.lock();
        state.counts.clear();
        state.lwa_exchanges = 0;
        state.log.clear();
    }

    /// Adds a recorded exchange, tried before the built-in examples (and before examples
    /// added earlier).
    pub fn add_example(&self, example: Example) {
        self.shared.lock().added.push(example);
    }

    /// Removes the examples added with [`Sandbox::add_example`].
    pub fn clear_added_examples(&self) {
        self.shared.lock().added.clear();
    }

    /// Queues `fault` for the next `times` requests matching `route`.
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.shared.lock().faults.push_back(FaultEntry { route, fault, remaining: times });
    }

    /// How many injected fault applications are still queued.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.iter().map(|f| f.remaining).sum()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Issues an access token directly, as if an LWA exchange had happened (not counted).
    pub fn issue_token(&self) -> String {
        let lifetime = self.shared.config.token_lifetime;
        self.shared.lock().issue_token(lifetime)
    }

    /// Revokes every issued access token.
    pub fn revoke_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// The business users created through the simulation, by email, with their requests.
    pub fn users(&self) -> BTreeMap<String, Value> {
        self.shared.lock().users.clone()
    }

    /// How many times `rotateApplicationClientSecret` was called.
    pub fn secret_rotations(&self) -> usize {
        self.shared.lock().secret_rotations
    }

    /// Orders stored by `placeOrder`, by `externalId`.
    pub fn orders(&self) -> BTreeMap<String, PlacedOrder> {
        self.shared.lock().orders.clone()
    }

    /// The consent leg: consent page, codes, App Center's records.
    pub fn consent(&self) -> &consent::ConsentLeg {
        &self.shared.consent
    }

    /// Replaces the credentials the LWA endpoint checks (e.g. after a secret rotation).
    pub fn set_credentials(&self, client_id: &str, client_secret: &str, refresh_token: &str) {
        self.shared.lock().credentials = Some(Credentials {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            refresh_token: refresh_token.to_owned(),
        });
    }
}

/// Parses a command-line fault, `ROUTE=KIND[*TIMES]`.
///
/// `ROUTE` is `lwa`, `api`, `any` or an operation id. `KIND` is a status (`503`), a status with
/// `Retry-After` in seconds (`429/2`) or as an HTTP date that many seconds ahead (`429/@2`),
/// `drop-before`, `drop-after`, `truncate`, `slow:MILLIS`, `expire-tokens` or `lwa-outage`.
/// `TIMES` defaults to 1. An operation id is leaked to get a `'static` name, which is fine for
/// the handful a command line holds.
pub fn parse_fault_arg(arg: &str) -> Result<(Route, Fault, usize), String> {
    let (route, spec) = arg.split_once('=').ok_or_else(|| format!("fault {arg:?}: expected ROUTE=KIND"))?;
    let route = match route {
        "lwa" => Route::Lwa,
        "api" => Route::Api,
        "any" => Route::Any,
        "" => return Err(format!("fault {arg:?}: empty route")),
        op => Route::Operation(Box::leak(op.to_owned().into_boxed_str())),
    };
    let (kind, times) = match spec.split_once('*') {
        Some((k, n)) => (k, n.parse::<usize>().map_err(|_| format!("fault {arg:?}: bad count {n:?}"))?),
        None => (spec, 1),
    };
    let fault = match kind {
        "drop-before" => Fault::DropBeforeProcessing,
        "drop-after" => Fault::DropAfterProcessing,
        "truncate" => Fault::TruncatedBody,
        "expire-tokens" => Fault::ExpireTokens,
        "lwa-outage" => Fault::LwaOutage,
        k if k.starts_with("slow:") => {
            let ms = k["slow:".len()..].parse::<u64>().map_err(|_| format!("fault {arg:?}: bad delay"))?;
            Fault::SlowBody(Duration::from_millis(ms))
        }
        k => {
            let (status, retry) = match k.split_once('/') {
                Some((s, r)) => (s, Some(r)),
                None => (k, None),
            };
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| format!("fault {arg:?}: unknown kind {k:?}"))?;
            let retry_after = match retry {
                None => None,
                Some(r) => Some(match r.strip_prefix('@') {
                    Some(ahead) => RetryAfter::HttpDate(
                        SystemTime::now()
                            + Duration::from_secs(
                                ahead.parse().map_err(|_| format!("fault {arg:?}: bad Retry-After"))?,
                            ),
                    ),
                    None => {
                        RetryAfter::Seconds(r.parse().map_err(|_| format!("fault {arg:?}: bad Retry-After"))?)
                    }
                }),
            };
            Fault::Status { status, retry_after, body: None }
        }
    };
    Ok((route, fault, times))
}

// ---------------------------------------------------------------------------------------
// Shared state and request processing (synchronous; the server module does the I/O).

#[derive(Debug)]
struct Config {
    token_lifetime: Duration,
    require_user_email: bool,
    user_email: Option<String>,
    usage_plans: Option<f64>,
}

#[derive(Debug)]
struct FaultEntry {
    route: Route,
    fault: Fault,
    remaining: usize,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
struct State {
    builtin: Vec<Example>,
    added: Vec<Example>,
    credentials: Option<Credentials>,
    tokens: HashMap<String, Instant>,
    token_seq: u64,
    lwa_exchanges: usize,
    counts: HashMap<String, usize>,
    log: Vec<LoggedRequest>,
    faults: VecDeque<FaultEntry>,
    buckets: HashMap<String, Bucket>,
    orders: BTreeMap<String, PlacedOrder>,
    /// Business users created through the simulation, by email.
    users: BTreeMap<String, Value>,
    secret_rotations: usize,
}

impl State {
    fn issue_token(&mut self, lifetime: Duration) -> String {
        self.token_seq += 1;
        let token = format!("Atza|sandbox-{}", self.token_seq);
        self.tokens.insert(token.clone(), Instant::now() + lifetime);
        token
    }

    fn take_fault(&mut self, target: &Target) -> Option<Fault> {
        let pos = self.faults.iter().position(|f| target.matches(f.route))?;
        let entry = &mut self.faults[pos];
        let fault = entry.fault.clone();
        entry.remaining -= 1;
        if entry.remaining == 0 {
            self.faults.remove(pos);
        }
        Some(fault)
    }
}

#[derive(Debug)]
struct Shared {
    config: Config,
    consent: consent::ConsentLeg,
    operations: Vec<OperationSpec>,
    seq: AtomicU64,
    started: u64,
    state: Mutex<State>,
}

/// Where a request goes.
#[derive(Debug, Clone)]
enum Target {
    Lwa,
    Operation { operation: String, template: String, path_params: BTreeMap<String, String> },
    Unrouted,
}

impl Target {
    fn matches(&self, route: Route) -> bool {
        match (route, self) {
            (Route::Any, _) => true,
            (Route::Lwa, Target::Lwa) => true,
            (Route::Api, Target::Operation { .. } | Target::Unrouted) => true,
            (Route::Operation(id), Target::Operation { operation, .. }) => id == operation,
            _ => false,
        }
    }

    fn operation(&self) -> Option<&str> {
        match self {
            Target::Operation { operation, .. } => Some(operation),
            _ => None,
        }
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
    fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
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

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn request_id(&self) -> String {
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

    fn route(&self, state: &State, method: &str, path: &str) -> Target {
        if path == LWA_PATH {
            return Target::Lwa;
        }
        let mut best: Option<(usize, Target)> = None;
        let catalogue =
            self.operations.iter().map(|o| (o.method.as_str(), o.path.as_str(), o.operation.as_str()));
        let examples = state
            .added
            .iter()
            .chain(state.builtin.iter())
            .map(|e| (e.method.as_str(), e.path_template.as_str(), e.operation.as_str()));
        for (m, template, operation) in catalogue.chain(examples) {
            if !m.eq_ignore_ascii_case(method) {
                continue;
            }
            if let Some((params, literals)) = match_template(template, path) {
                if best.as_ref().is_none_or(|(l, _)| literals > *l) {
                    best = Some((
                        literals,
                        Target::Operation {
                            operation: operation.to_owned(),
                            template: template.to_owned(),
                            path_params: params,
                        },
                    ));
                }
            }
        }
        best.map(|(_, t)| t).unwrap_or(Target::Unrouted)
    }

    /// Handles one request completely (faults, counters, log) and says how to deliver.
    pub(crate) fn handle(&self, req: WireRequest) -> Delivery {
        if let Some(answer) = self.consent.handle(&req) {
            return Delivery::Normal(answer);
        }
        let mut state = self.lock();
        let target = self.route(&state, &req.method, &req.path);
        let fault = state.take_fault(&target);
        let mut log = LoggedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req
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
            body: req.body.clone(),
            operation: target.operation().map(str::to_owned),
            lwa: matches!(target, Target::Lwa),
            status: None,
            fault: fault.clone(),
        };
        if matches!(fault, Some(Fault::DropBeforeProcessing)) {
            state.log.push(log);
            return Delivery::Drop;
        }
        match &target {
            Target::Lwa => state.lwa_exchanges += 1,
            Target::Operation { operation, .. } => {
                *state.counts.entry(operation.clone()).or_default() += 1;
            }
            Target::Unrouted => {}
        }
        if matches!(fault, Some(Fault::ExpireTokens)) {
            state.tokens.clear();
        }
        let answer = match &fault {
            Some(Fault::Status { status, retry_after, body }) => {
                Some(self.fault_answer(&target, *status, *retry_after, body.as_deref()))
            }
            Some(Fault::LwaOutage) => Some(lwa_error(
                503,
                "temporarily_unavailable",
                "The token service is unavailable (injected outage)",
            )),
            _ => None,
        };
        let answer = match answer {
            Some(a) => a,
            None => match &target {
                Target::Lwa => self.lwa(&mut state, &req),
                Target::Operation { operation, template, path_params } => {
                    self.api(&mut state, &req, operation, template, path_params)
                }
                Target::Unrouted => self.api_error(
                    404,
                    "NotFound",
                    &format!("No operation serves {} {}", req.method, req.path),
                    None,
                ),
            },
        };
        let delivery = match fault {
            Some(Fault::DropAfterProcessing) => Delivery::Drop,
            Some(Fault::TruncatedBody) => Delivery::Truncated(answer),
            Some(Fault::SlowBody(d)) => Delivery::Slow(answer, d),
            _ => Delivery::Normal(answer),
        };
        log.status = match &delivery {
            Delivery::Drop => None,
            Delivery::Normal(a) | Delivery::Truncated(a) | Delivery::Slow(a, _) => Some(a.status),
        };
        state.log.push(log);
        delivery
    }

    fn rate_header(&self, operation: &str) -> Option<String> {
        let op = self.operations.iter().find(|o| o.operation == operation)?;
        Some(usage_plan(&op.spec, &op.operation).0.to_string())
    }

    fn api_error(&self, status: u16, code: &str, message: &str, rate: Option<String>) -> Answer {
        let body = json!({"errors": [{"code": code, "message": message}]});
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-amzn-RequestId".to_owned(), self.request_id()),
        ];
        if let Some(rate) = rate {
            headers.push(("x-amzn-RateLimit-Limit".to_owned(), rate));
        }
        Answer { status, headers, body: Some(body.to_string().into_bytes()) }
    }

    fn fault_answer(
        &self,
        target: &Target,
        status: u16,
        retry_after: Option<RetryAfter>,
        body: Option<&str>,
    ) -> Answer {
        let mut answer = if matches!(target, Target::Lwa) {
            let (error, description) = match status {
                400 => ("invalid_grant", "Injected failure"),
                401 => ("invalid_client", "Injected failure"),
                429 => ("slow_down", "Too many requests (injected)"),
                _ => ("server_error", "Injected failure"),
            };
            lwa_error(status, error, description)
        } else {
            let (code, message) = match status {
                400 => ("InvalidInput", "Injected invalid input"),
                401 => ("Unauthorized", "Access to requested resource is denied."),
                403 => ("Unauthorized", "Access to requested resource is denied."),
                404 => ("NotFound", "The resource specified does not exist."),
                429 => ("QuotaExceeded", "You exceeded your quota for the requested resource."),
                503 => ("ServiceUnavailable", "Service temporarily unavailable."),
                504 => ("GatewayTimeout", "Gateway timed out."),
                _ => ("InternalFailure", "We encountered an internal error."),
            };
            let rate = target.operation().and_then(|o| self.rate_header(o));
            self.api_error(status, code, message, rate)
        };
        if let Some(body) = body {
            answer.body = Some(body.as_bytes().to_vec());
        }
        if let Some(retry_after) = retry_after {
            answer.headers.push(("retry-after".to_owned(), retry_after.header_value()));
        }
        answer
    }

    fn lwa(&self, state: &mut State, req: &WireRequest) -> Answer {
        if !req.method.eq_ignore_ascii_case("POST") {
            return lwa_error(405, "invalid_request", "The token endpoint takes POST");
        }
        let is_json = req.header("content-type").is_some_and(|c| c.to_ascii_lowercase().contains("json"));
        let form: HashMap<String, String> = if is_json {
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(Value::Object(map)) => map
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, v)
                    })
                    .collect(),
                _ => return lwa_error(400, "invalid_request", "Malformed request body"),
            }
        } else {
            url::form_urlencoded::parse(&req.body).into_owned().collect()
        };
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let grant = field("grant_type");
        if grant.is_empty() {
            return lwa_error(400, "invalid_request", "Missing parameter: grant_type");
        }
        if grant != "refresh_token" && grant != "authorization_code" {
            return lwa_error(400, "unsupported_grant_type", "The authorization grant type is not supported");
        }
        for name in ["client_id", "client_secret"] {
            if field(name).is_empty() {
                return lwa_error(401, "invalid_client", "Client authentication failed");
            }
        }
        if let Some(c) = &state.credentials {
            if field("client_id") != c.client_id || field("client_secret") != c.client_secret {
                return lwa_error(401, "invalid_client", "Client authentication failed");
            }
        }
        let refresh_token = if grant == "refresh_token" {
            let sent = field("refresh_token");
            if sent.is_empty() {
                return lwa_error(400, "invalid_request", "Missing parameter: refresh_token");
            }
            if let Some(c) = &state.credentials {
                if sent != c.refresh_token {
                    return lwa_error(
                        400,
                        "invalid_grant",
                        "The request has an invalid grant parameter : refresh_token",
                    );
                }
            }
            sent.to_owned()
        } else {
            if field("code").is_empty() {
                return lwa_error(400, "invalid_request", "Missing parameter: code");
            }
            if field("redirect_uri").is_empty() {
                return lwa_error(400, "invalid_request", "Missing parameter: redirect_uri");
            }
            if let Some(refusal) = self.consent.redeem(field("code"), field("redirect_uri")) {
                return refusal;
            }
            match &state.credentials {
                Some(c) => c.refresh_token.clone(),
                None => format!("Atzr|sandbox-refresh-{}", state.token_seq + 1),
            }
        };
        let lifetime = self.config.token_lifetime;
        let token = state.issue_token(lifetime);
        let body = json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime.as_secs(),
            "refresh_token": refresh_token,
        });
        Answer {
            status: 200,
            headers: vec![("content-type".to_owned(), "application/json;charset=UTF-8".to_owned())],
            body: Some(body.to_string().into_bytes()),
        }
    }

    fn api(
        &self,
        state: &mut State,
        req: &WireRequest,
        operation: &str,
        template: &str,
        path_params: &BTreeMap<String, String>,
    ) -> Answer {
        let op = self.operations.iter().find(|o| o.operation == operation);
        let rate = self.rate_header(operation);

        if let Some(time_scale) = self.config.usage_plans {
            let (r, burst) = op.map(|o| usage_plan(&o.spec, &o.operation)).unwrap_or((5.0, 15));
            let now = Instant::now();
            let bucket = state
                .buckets
                .entry(operation.to_owned())
                .or_insert(Bucket { tokens: f64::from(burst), last: now });
            let elapsed = now.duration_since(bucket.last).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * r * time_scale).min(f64::from(burst));
            bucket.last = now;
            if bucket.tokens < 1.0 {
                return self.api_error(
                    429,
                    "QuotaExceeded",
                    "You exceeded your quota for the requested resource.",
                    rate,
                );
            }
            bucket.tokens -= 1.0;
        }

        let token = req.header("x-amz-access-token").unwrap_or_default();
        let valid = state.tokens.get(&token).is_some_and(|expiry| Instant::now() < *expiry);
        if !valid {
            let message = if token.is_empty() {
                "Access to requested resource is denied: missing access token."
            } else if state.tokens.contains_key(&token) {
                "Access to requested resource is denied: the access token has expired."
            } else {
                "Access to requested resource is denied: unknown or revoked access token."
            };
            return self.api_error(401, "Unauthorized", message, rate);
        }

        if self.config.require_user_email && op.is_some_and(OperationSpec::requires_user_email) {
            match req.header("x-amz-user-email").filter(|e| !e.is_empty()) {
                None => {
                    return self.api_error(
                        400,
                        "InvalidInput",
                        "Missing required header x-amz-user-email",
                        rate,
                    )
                }
                Some(email) => {
                    if self.config.user_email.as_ref().is_some_and(|e| *e != email) {
                        return self.api_error(403, "Unauthorized", "Email is not authorized", rate);
                    }
                }
            }
        }

        let query: Vec<(String, String)> = req
            .query
            .as_deref()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let header = |name: &str| req.header(name);
        let parts =
            RequestParts { path_params: path_params.clone(), query, header: &header, body: &req.body };
        let candidates = state.added.iter().rev().chain(state.builtin.iter()).filter(|e| {
            e.operation == operation
                && e.method.eq_ignore_ascii_case(&req.method)
                && e.path_template == template
        });
        let outcome = find_match(op, candidates, &parts);
        if !matches!(outcome, MatchOutcome::Hit(_)) {
            match operation {
                "placeOrder" => return self.place_order(state, req, rate),
                "createBusinessUserAccount" => return self.create_user(state, req, rate),
                "rotateApplicationClientSecret" => {
                    state.secret_rotations += 1;
                    let mut answer = self.json_answer(204, &Value::Null, rate);
                    answer.body = None;
                    answer.headers.retain(|(k, _)| k != "content-type");
                    return answer;
                }
                "orderDetails" => {
                    let found = path_params
                        .get("externalId")
                        .and_then(|id| state.orders.get(id))
                        .map(|o| o.result.clone());
                    return match found {
                        Some(result) => self.json_answer(200, &result, rate),
                        None => self.api_error(404, "NotFound", "No order with this externalId", rate),
                    };
                }
                _ => {}
            }
        }
        match outcome {
            MatchOutcome::Hit(ex) => {
                let mut headers = vec![("x-amzn-RequestId".to_owned(), self.request_id())];
                if let Some(rate) = rate {
                    headers.push(("x-amzn-RateLimit-Limit".to_owned(), rate));
                }
                let body = ex.response.as_ref().map(|v| v.to_string().into_bytes());
                if body.is_some() {
                    headers.push(("content-type".to_owned(), "application/json".to_owned()));
                }
                Answer { status: ex.status, headers, body }
            }
            MatchOutcome::Miss { nearest, differences } => {
                let nearest_id = nearest.map(|e| e.id.clone());
                let mut answer = self.api_error(400, "InvalidInput", "Could not match input arguments", rate);
                let text = format!(
                    "nearest example {}: {}",
                    nearest_id.as_deref().unwrap_or("(none)"),
                    differences.join("; ")
                );
                let header: String =
                    text.chars().map(|c| if (' '..='~').contains(&c) { c } else { '?' }).collect();
                answer.headers.push((DIAGNOSTIC_HEADER.to_owned(), header));
                let body = json!({
                    "errors": [{"code": "InvalidInput", "message": "Could not match input arguments"}],
                    "sandboxDiagnostic": {
                        "nearestExample": nearest_id,
                        "differences": differences,
                    },
                });
                answer.body = Some(body.to_string().into_bytes());
                answer
            }
        }
    }
}

impl Shared {
    fn json_answer(&self, status: u16, body: &Value, rate: Option<String>) -> Answer {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-amzn-RequestId".to_owned(), self.request_id()),
        ];
        if let Some(rate) = rate {
            headers.push(("x-amzn-RateLimit-Limit".to_owned(), rate));
        }
        Answer { status, headers, body: Some(body.to_string().into_bytes()) }
    }

    fn create_user(&self, state: &mut State, req: &WireRequest, rate: Option<String>) -> Answer {
        let request: Value = match serde_json::from_slice(&req.body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return self.api_error(400, "InvalidInput", "Body must be a JSON object", rate),
        };
        let email =
            request.pointer("/accountHolder/email").and_then(Value::as_str).unwrap_or_default().to_owned();
        if email.is_empty() {
            return self.api_error(400, "InvalidInput", "accountHolder.email is required", rate);
        }
        if state.users.contains_key(&email) {
            return self.api_error(
                400,
                "InvalidInput",
                "A business user with this email already exists",
                rate,
            );
        }
        state.users.insert(email, request);
        self.json_answer(201, &json!({}), rate)
    }

    fn place_order(&self, state: &mut State, req: &WireRequest, rate: Option<String>) -> Answer {
        let request: Value = match serde_json::from_slice(&req.body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return self.api_error(400, "InvalidInput", "Body must be a JSON object", rate),
        };
        let external_id = match request.get("externalId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => return self.api_error(400, "InvalidInput", "externalId is required", rate),
        };
        let Some(items) = request.get("lineItems").and_then(Value::as_array) else {
            return self.api_error(400, "InvalidInput", "lineItems is required", rate);
        };
        if let Some(existing) = state.orders.get(&external_id) {
            return self.json_answer(200, &existing.result, rate);
        }
        let line_items: Vec<Value> = items
            .iter()
            .map(|item| {
                json!({
                    "externalId": item.get("externalId").cloned().unwrap_or(Value::Null),
                    "acceptedItems": [{
                        "acceptedItemType": "SingleAcceptedItem",
                        "quantity": item.get("quantity").cloned().unwrap_or(json!(1)),
                        "artifacts": [],
                    }],
                    "rejectedItems": [],
                })
            })
            .collect();
        let result = json!({
            "lineItems": line_items,
            "acceptanceArtifacts": [],
            "rejectionArtifacts": [],
        });
        state.orders.insert(external_id, PlacedOrder { request, result: result.clone() });
        self.json_answer(200, &result, rate)
    }
}

fn lwa_error(status: u16, error: &str, description: &str) -> Answer {
    Answer {
        status,
        headers: vec![("content-type".to_owned(), "application/json;charset=UTF-8".to_owned())],
        body: Some(json!({"error": error, "error_description": description}).to_string().into_bytes()),
    }
}
