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
//! * A paginated operation's follow-up pages, which Amazon's examples do not record, are
//!   generated from the recorded first page: its token leads to [`CONTINUATION_PAGES`] more
//!   pages, the last without a token; a page number below the recorded `numberOfPages` answers
//!   the recorded page. So `pages()` and `all()` run end to end for every paginated operation
//!   ([`paginated_operations`]).
//! * Faults injected with [`Sandbox::inject`] are consumed first-in first-out, one per
//!   request whose route matches, before normal handling.
//! * `placeOrder` and `orderDetails` are stateful unless an added example matches: a
//!   well-formed `placeOrder` stores the order under its `externalId` (placing the same
//!   `externalId` again stores nothing new and answers the first result) and accepts every
//!   line item; `orderDetails(externalId)` answers the stored result or 404. A trial order
//!   (the `TrialMode` attribute) is answered but, as Amazon's model says, never created: it is
//!   not stored, and `orderDetails` answers 404 for it.
//!   `createBusinessUserAccount` requests other than the recorded example create a user once
//!   per email (a second one answers 400). `rotateApplicationClientSecret` answers 204 and is
//!   counted (the new secret would arrive out of band; use [`Sandbox::set_credentials`] to play
//!   that part).
//! * The consent leg of onboarding (consent page, codes, App Center): see [`consent`].
//! * [`Sandbox::count`] counts requests that reached an operation's route, including those
//!   answered by a fault, but not those dropped by [`Fault::DropBeforeProcessing`].
//!
//! # Layout
//!
//! One request goes `server` (hyper I/O) → `router` (route, count, log, injected fault, then
//! the LWA endpoint, an extra route or the API pipeline) → `api` (throttle → authenticate →
//! user email → recorded example → `simulations` → mismatch diagnosis). `matching` holds the
//! pure exact-matching rules, `faults` the fault kinds and their queue, `lwa` the token
//! endpoint, `state` what is remembered between requests. Endpoints outside the API models
//! plug in as `router::ExtraRoute` tables.

mod api;
pub mod consent;
mod documents;
mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod lwa;
mod matching;
mod pages;
mod router;
mod server;
mod simulations;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::fixtures::{load_examples, load_operations, Example};
use amazon_business_core::config::ConfigBuilder;
use amazon_business_core::error::ConfigError;
use amazon_business_core::Environment;
use matching::{match_template, RequestParts};
use state::{Config, Credentials, Shared, State};

pub use api::usage_plan;
pub use documents::{realistic_report_gzip, DOCUMENT_PREFIX};
pub use faults::{parse_fault_arg, Fault, RetryAfter, Route};
pub use lwa::LWA_PATH;
pub use pages::{paginated_operations, CONTINUATION_PAGES};
pub use state::{LoggedRequest, PlacedOrder};

/// The `x-amz-user-email` that [`Sandbox::config_builder`] configures, unless the sandbox was
/// built to accept only another one ([`SandboxBuilder::user_email`]).
pub const SANDBOX_USER_EMAIL: &str = "buyer@example.com";

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
    /// `time_scale` speeds the refill up (10.0 refills ten times faster than real time); bursts
    /// stay as documented. Answers then announce the rate actually enforced (the plan's rate
    /// times `time_scale`) in `x-amzn-RateLimit-Limit`, as Amazon announces the rate it
    /// applies, so a pacing client paces to it.
    pub fn enforce_usage_plans(mut self, time_scale: f64) -> Self {
        self.usage_plans = Some(time_scale);
        self
    }

    /// Binds 127.0.0.1 and serves on a thread of its own with its own tokio runtime.
    pub fn spawn(self) -> std::io::Result<Sandbox> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let config = Config {
            token_lifetime: self.token_lifetime,
            require_user_email: self.require_user_email,
            user_email: self.user_email,
            usage_plans: self.usage_plans,
        };
        let state = State::new(self.examples.unwrap_or_else(load_examples), self.credentials);
        // Seeds the request IDs, so that two runs do not repeat each other's.
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shared =
            Arc::new(Shared::new(config, consent::ConsentLeg::default(), load_operations(), state, started));
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

    /// A client configuration for this emulator: its API and LWA endpoints, `credentials`,
    /// the user email it expects ([`SANDBOX_USER_EMAIL`] or the one it was built with), and
    /// **pacing off**. Pacing applies Amazon's usage plans (as low as one call every two
    /// seconds, bursts of 2 to 15), which would make a busy test against a local server wait
    /// for nothing; turn it back on with `.pacing(true)` to test pacing, e.g. against
    /// [`SandboxBuilder::enforce_usage_plans`]. Anything else can be changed on the builder.
    ///
    /// By default the emulator accepts any non-empty credentials; with
    /// [`SandboxBuilder::credentials`] it insists on those.
    pub fn config_builder(
        &self,
        credentials: amazon_business_core::Credentials,
    ) -> Result<ConfigBuilder, ConfigError> {
        let email = self.shared.config.user_email.clone().unwrap_or_else(|| SANDBOX_USER_EMAIL.to_owned());
        Ok(amazon_business_core::Config::builder()
            .credentials(credentials)
            .environment(Environment::custom(&self.base_url(), &self.lwa_url())?)
            .user_email(email)
            .pacing(false))
    }

    /// [`Sandbox::config_builder`] with credentials the emulator accepts (those it was told to
    /// insist on, else made-up ones), built.
    pub fn client_config(&self) -> Result<amazon_business_core::Config, ConfigError> {
        let credentials = match self.shared.lock().credentials.clone() {
            Some(c) => amazon_business_core::Credentials::new(c.client_id, c.client_secret, c.refresh_token)?,
            None => amazon_business_core::Credentials::new(
                "amzn1.application-oa2-client.sandbox",
                "sandbox-client-secret",
                "Atzr|sandbox-refresh-token",
            )?,
        };
        self.config_builder(credentials)?.build()
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
        self.shared.lock().faults.push(route, fault, times);
    }

    /// How many injected fault applications are still queued.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.pending()
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
