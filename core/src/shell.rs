//! The part of a client that is the same in every transport, written once and expanded in
//! each transport crate by [`client_shell!`](crate::client_shell): the bound-request type and
//! the `Client` methods that only touch the [`Engine`](crate::Engine), over the paging steps
//! below.

use crate::{drive, Driver, Engine, Error, Pager, Paginated};

impl<O: Paginated> Pager<O> {
    /// Sends the next page's operation on `engine` through `driver` and records what it gave;
    /// `None` when paging is over.
    pub async fn next_page<D: Driver + ?Sized>(
        &mut self,
        engine: &Engine,
        driver: &D,
    ) -> Option<Result<O::Output, Error>> {
        let op = self.take()?;
        let result = drive(engine, &op, driver).await;
        self.record(&op, &result);
        Some(result)
    }

    /// Sends every page in order and returns them; the first error ends it.
    pub async fn all<D: Driver + ?Sized>(
        mut self,
        engine: &Engine,
        driver: &D,
    ) -> Result<Vec<O::Output>, Error> {
        let mut pages = Vec::new();
        while let Some(page) = self.next_page(engine, driver).await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

/// Generates, in a transport crate, the `Client` type (documented by `$doc`, over the crate's
/// `Inner`), the `Request<'c, O>` type (an operation bound to a client) with its `send`,
/// `pages` and `all`, the constructors over the default sender `$sender` (`new`, `from_env`,
/// `with_sender`, under the attributes given, e.g. a `cfg` for the default sender's feature)
/// and the engine-only `Client` methods. `from_env` reads variables through an
/// `env_var(&str) -> Option<String>` function of the transport (core reads no environment),
/// and the clocks through its `now() -> Now`.
///
/// `[async] [.await]` (or `[] []`) make the methods that send async or blocking; the third
/// group finishes a future of the [`Driver`](crate::Driver) (`.await`, or the blocking client's
/// `.wait()`). `op:` and `paged:` are the bounds the transport needs of an operation and of a
/// paginated one, `$pages` the type of `Client::pages` (in `'c` and `O`).
///
/// It expects in scope where it is invoked an `Inner` struct with a `sender`, `HttpSend`,
/// `Client::with_engine` and `Client::paged(&self, Pager<O>) -> $pages`; with the transport's
/// `redis` feature, `inner.redis: OnceLock<RedisStore>` too.
#[doc(hidden)]
#[macro_export]
macro_rules! client_shell {
    (
        $doc:literal; $(#[$default:meta])* $sender:ident; [$($async:tt)*] [$($aw:tt)*] [$($run:tt)*];
        op: [$($op:tt)*]; paged: [$($paged:tt)*] -> $pages:ty
    ) => {
        #[doc = $doc]
        #[derive(Clone)]
        pub struct Client {
            engine: $crate::Engine,
            inner: std::sync::Arc<Inner>,
        }

        $(#[$default])*
        impl Client {
            #[doc = concat!("A client over the default sender ([`", stringify!($sender), "`]).")]
            pub fn new(config: $crate::Config) -> Result<Client, $crate::Error> {
                let sender = $sender::new(&config)?;
                Ok(Client::with_sender(config, sender))
            }

            /// A client over the default sender, configured from `AB_*` environment variables
            /// (see [`Config::from_lookup`]($crate::Config::from_lookup)).
            pub fn from_env() -> Result<Client, $crate::Error> {
                Client::new($crate::Config::from_lookup(env_var)?)
            }

            /// A client over your own [`HttpSend`] (the async client waits with tokio's timer).
            pub fn with_sender(config: $crate::Config, sender: impl HttpSend + 'static) -> Client {
                Client::with_engine($crate::Engine::new(config), sender)
            }
        }

        impl Client {
            /// Sends one operation and returns its output, with token exchanges, retries and
            /// pacing done along the way. Dropping an async client's future midway leaves the
            /// client consistent.
            pub $($async)* fn send<O>(&self, op: &O) -> Result<O::Output, $crate::Error>
            where
                O: $($op)*,
            {
                $crate::drive(&self.engine, op, self)$($run)*
            }

            /// The pages of a paginated operation, fetched one by one as they are consumed (an
            /// iterator of the blocking client, a stream of the async one). After an error they
            /// end.
            pub fn pages<'c, O>(&'c self, first: O) -> $pages
            where
                O: $($paged)*,
            {
                self.paged($crate::Pager::new(first))
            }

            /// Fetches every page (at most `max_pages` when given) and returns them in order.
            pub $($async)* fn all<O>(&self, first: O, max_pages: Option<usize>) -> Result<Vec<O::Output>, $crate::Error>
            where
                O: $($paged)*,
            {
                $crate::Pager::new(first).limit(max_pages).all(&self.engine, self)$($run)*
            }
        }

        impl<'c, O> Request<'c, O>
        where
            O: $($op)*,
        {
            /// Sends it (on the async client, the same as `.await`).
            pub $($async)* fn send(self) -> Result<O::Output, $crate::Error> {
                self.client.send(&self.op)$($aw)*
            }
        }

        impl<'c, O> Request<'c, O>
        where
            O: $($paged)*,
        {
            /// Its pages; see [`Client::pages`].
            pub fn pages(self) -> $pages {
                self.client.pages(self.op)
            }

            /// All its pages (at most `max_pages`).
            pub $($async)* fn all(self, max_pages: Option<usize>) -> Result<Vec<O::Output>, $crate::Error> {
                self.client.all(self.op, max_pages)$($aw)*
            }
        }

        /// An operation bound to a client, ready to send. Add optional arguments with
        /// [`Request::map`].
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct Request<'c, O> {
            client: &'c Client,
            op: O,
        }

        impl<'c, O> Request<'c, O> {
            /// Binds `op` to `client`.
            pub fn new(client: &'c Client, op: O) -> Self {
                Request { client, op }
            }

            /// Changes the operation, typically with its optional-argument setters:
            /// `.map(|op| op.include_line_items(true))`.
            pub fn map(self, f: impl FnOnce(O) -> O) -> Self {
                Request { client: self.client, op: f(self.op) }
            }

            /// The operation.
            pub fn op(&self) -> &O {
                &self.op
            }
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client").field("engine", &self.engine).finish_non_exhaustive()
            }
        }

        impl Client {
            /// The protocol engine (configuration, the in-process store).
            pub fn engine(&self) -> &$crate::Engine {
                &self.engine
            }

            /// The configuration.
            pub fn config(&self) -> &$crate::Config {
                self.engine.config()
            }

            /// A client acting for another customer (another refresh token), sharing this
            /// one's token store, pacer and connections.
            pub fn with_refresh_token(
                &self,
                refresh_token: impl Into<$crate::Secret>,
            ) -> Result<Client, $crate::Error> {
                Ok(Client {
                    engine: self.engine.with_refresh_token(refresh_token)?,
                    inner: self.inner.clone(),
                })
            }

            /// A client over the default sender whose tokens and pacing buckets are shared,
            /// through the Redis at `url`, with every process configured alike (feature
            /// `redis`): one token exchange per customer per hour for the whole fleet, one
            /// usage plan paced fleet-wide. See the README's "Fleet scale" section.
            #[cfg(feature = "redis")]
            pub fn with_redis(config: $crate::Config, url: &str) -> Result<Client, $crate::Error> {
                Client::new(config)?.shared_store(RedisStore::open(url)?)
            }

            /// This client (and its clones) with its store steps run on `store` (feature
            /// `redis`; the async client runs them on the current tokio runtime), falling back
            /// to the in-process store while Redis fails. Set it once, before the first call.
            #[cfg(feature = "redis")]
            pub fn shared_store(self, store: RedisStore) -> Result<Client, $crate::Error> {
                self.inner.redis.set(store).map_err(|_| {
                    $crate::Error::Config($crate::error::ConfigError::new(
                        "shared_store",
                        "this client already has a shared store; set it once, right after building the client",
                    ))
                })?;
                Ok(self)
            }

            /// Completes onboarding: exchanges the authorization code Amazon's redirect
            /// carried (see [`onboarding::read_redirect`]($crate::onboarding::read_redirect))
            /// for the customer's tokens. The answer's `refresh_token` is the customer's; use it
            /// with [`Client::with_refresh_token`]. Codes are single-use and live five minutes,
            /// so this is sent once and never retried.
            pub $($async)* fn exchange_authorization_code(
                &self,
                code: &$crate::Secret,
                redirect_uri: &str,
            ) -> Result<$crate::lwa::TokenResponse, $crate::Error> {
                let request = self.engine.authorization_code_request(code, redirect_uri);
                let outcome = self.inner.sender.send(request)$($aw)*;
                self.engine.authorization_code_outcome(code, outcome, now().wall)
            }

            /// Makes one harmless read per Amazon Business role with this client's customer
            /// token and reports role → granted / missing (403, with the fix) / other error.
            /// See [`onboarding::access`]($crate::onboarding::access).
            pub $($async)* fn check_access(&self) -> $crate::onboarding::access::AccessReport {
                use $crate::onboarding::access::ProbeCall;
                let mut report = $crate::onboarding::access::AccessReport::default();
                for probe in $crate::onboarding::access::access_probes(self.config().marketplace().country()) {
                    let outcome = match &probe.call {
                        None => None,
                        Some(ProbeCall::SearchProducts(op)) => Some(self.send(op.as_ref())$($aw)*.map(drop)),
                        Some(ProbeCall::GetOrderReports(op)) => Some(self.send(op)$($aw)*.map(drop)),
                        Some(ProbeCall::GetTransactions(op)) => Some(self.send(op)$($aw)*.map(drop)),
                        Some(ProbeCall::ListCarts(op)) => Some(self.send(op)$($aw)*.map(drop)),
                        Some(_) => Some(Err($crate::Error::Config($crate::error::ConfigError::new(
                            "access_check",
                            "this client does not know the probe",
                        )))),
                    };
                    report.record(&probe, outcome);
                }
                report
            }

            /// Swaps in a new client secret and drops the cached tokens of every customer of
            /// the application, in this process and in a shared store; see
            /// [`Engine::rotate_client_secret`]($crate::Engine::rotate_client_secret).
            pub fn rotate_client_secret(
                &self,
                new_secret: impl Into<$crate::Secret>,
            ) -> Result<(), $crate::Error> {
                self.engine.rotate_client_secret(new_secret)?;
                let client_id = self.engine.config().credentials().client_id().to_owned();
                let now = $crate::Driver::now(self);
                $crate::drive::store_detached(&self.engine, self, $crate::StoreOp::ForgetClient { client_id }, now);
                Ok(())
            }
        }
    };
}

/// Generates, in a transport crate's `onboarding` module, the `Onboarder` type (an
/// [`OnboardingClient`](crate::onboarding::OnboardingClient) over the crate's sender) with its
/// constructors and the exchange and acknowledgement, expecting `HttpSend` and
/// `OnboardingClient` in scope and the transport's `now() -> Now`. `$default` names the
/// constructor over the crate's default sender `$sender`, under the attributes given; `[async]
/// [.await]` (or `[] []`) make the sending methods async or blocking.
#[doc(hidden)]
#[macro_export]
macro_rules! onboarder_shell {
    ($(#[$m:meta])* $default:ident => $sender:path; [$($async:tt)*] [$($aw:tt)*]) => {
        /// Sends an [`OnboardingClient`]'s requests: the application's side of onboarding,
        /// before the customer has a refresh token.
        #[derive(Clone)]
        pub struct Onboarder {
            client: OnboardingClient,
            sender: std::sync::Arc<dyn HttpSend>,
        }

        impl std::fmt::Debug for Onboarder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Onboarder").field("client", &self.client).finish_non_exhaustive()
            }
        }

        impl Onboarder {
            /// Over your own sender.
            pub fn new(client: OnboardingClient, sender: impl HttpSend + 'static) -> Self {
                Onboarder { client, sender: std::sync::Arc::new(sender) }
            }

            /// Over this crate's default sender (default timeouts, no proxy).
            $(#[$m])*
            pub fn $default(client: OnboardingClient) -> Result<Self, $crate::Error> {
                let config = client.sender_config()?;
                Ok(Onboarder::new(client, <$sender>::new(&config)?))
            }

            /// The protocol side.
            pub fn client(&self) -> &OnboardingClient {
                &self.client
            }

            /// Exchanges `code` (once; codes are single-use) for the customer's tokens.
            pub $($async)* fn exchange(
                &self,
                code: &$crate::Secret,
                redirect_uri: &str,
            ) -> Result<$crate::onboarding::Onboarded, $crate::onboarding::OnboardingError> {
                let outcome = self.sender.send(self.client.exchange_request(code, redirect_uri))$($aw)*;
                self.client.exchange_outcome(code, outcome, now().wall)
            }

            /// POSTs the App Center acknowledgement for `state`; App Center must answer 2xx.
            pub $($async)* fn acknowledge(
                &self,
                login: &$crate::onboarding::AppCenterLogin,
                state: &$crate::onboarding::PendingState,
            ) -> Result<(), $crate::onboarding::OnboardingError> {
                login.acknowledgement_outcome(self.sender.send(login.acknowledgement(state)?)$($aw)*)
            }
        }
    };
}

/// Generates, in a transport crate's `redis_store` module (feature `redis`), what both clients'
/// Redis stores have in common: the mapping of the `redis` crate's answers and errors to
/// core's [`RedisValue`](crate::store::redis::RedisValue) and
/// [`RedisError`](crate::store::redis::RedisError), the script invocation of a
/// [`RedisCommand`](crate::store::redis::RedisCommand), and the `RedisStore` (tokens and
/// buckets) and `RedisStateStore` (onboarding states) types with their constructors. A macro
/// because core must not depend on `redis`: the paths resolve in the transport, which does.
/// It expects a `Connection` type with `fn new(client: redis::Client, timeout: Duration) -> Connection`
/// and `execute(&self, RedisCommand)`, a future of `Result<RedisValue, RedisError>`, in scope.
/// `$krate` names the crate in the doc examples. The blocking client's `execute` is async in form
/// only (its work is done on the first poll), so both clients share one [`SharedSteps`](crate::SharedSteps)
/// implementation.
#[doc(hidden)]
#[macro_export]
macro_rules! redis_shell {
    ($krate:ident) => {
        /// A client of the Redis at `url`; nothing is connected yet.
        fn client(url: &str) -> Result<redis::Client, $crate::Error> {
            redis::Client::open(url).map_err(|e| {
                $crate::Error::Config($crate::error::ConfigError::new(
                    "redis url",
                    format!(
                        "is not a usable Redis URL ({:?}); expected e.g. redis://127.0.0.1:6379/",
                        e.kind()
                    ),
                ))
            })
        }

        fn value(v: redis::Value) -> $crate::store::redis::RedisValue {
            use $crate::store::redis::RedisValue;
            match v {
                redis::Value::Nil => RedisValue::Nil,
                redis::Value::Int(n) => RedisValue::Int(n),
                redis::Value::BulkString(b) => RedisValue::Bulk(b),
                redis::Value::SimpleString(s) => RedisValue::Status(s),
                redis::Value::Okay => RedisValue::Status("OK".to_owned()),
                redis::Value::Array(items) => RedisValue::Array(items.into_iter().map(value).collect()),
                redis::Value::ServerError(e) => RedisValue::Error(e.code().to_owned()),
                other => RedisValue::Other(format!("{other:?}").chars().take(80).collect()),
            }
        }

        fn failure(e: &redis::RedisError) -> $crate::store::redis::RedisError {
            let what = if e.is_timeout() {
                "no answer within the timeout".to_owned()
            } else if e.is_connection_refusal() {
                "connection refused".to_owned()
            } else if e.is_io_error() || e.is_connection_dropped() {
                "connection lost".to_owned()
            } else {
                // The kind and code only: a message could quote a key or an argument.
                format!("{:?} {}", e.kind(), e.code().unwrap_or_default())
            };
            $crate::store::redis::RedisError::new(what)
        }

        /// Every script of core, prepared (hashed) once.
        fn scripts() -> Vec<redis::Script> {
            $crate::store::redis::SCRIPTS.iter().map(|s| redis::Script::new(s.source)).collect()
        }

        /// The invocation of `command`'s script with its keys and arguments.
        fn invocation<'a>(
            scripts: &'a [redis::Script],
            command: &'a $crate::store::redis::RedisCommand,
        ) -> redis::ScriptInvocation<'a> {
            let index =
                $crate::store::redis::SCRIPTS.iter().position(|s| *s == command.script).unwrap_or_default();
            let mut invocation = scripts[index].prepare_invoke();
            for k in &command.keys {
                invocation.key(k);
            }
            for a in &command.args {
                invocation.arg(a.as_slice());
            }
            invocation
        }

        /// Tokens and pacing buckets shared by every process on one Redis; see
        /// [`Client::with_redis`](crate::Client::with_redis) and the README's "Fleet scale"
        /// section. The async client's steps run on the current tokio runtime.
        ///
        /// ```no_run
        #[doc = concat!("use ", stringify!($krate), "::{Client, Config, RedisStore};")]
        #[doc = concat!("use ", stringify!($krate), "::store::redis::RedisOptions;")]
        ///
        /// # fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
        /// let options = RedisOptions::default().prefix("staging:amazon-business:")?;
        /// let client = Client::new(config)?.shared_store(RedisStore::with_options("redis://10.0.0.5/", options)?)?;
        /// # Ok(()) }
        /// ```
        pub struct RedisStore {
            conn: Connection,
            shared: $crate::store::redis::SharedStore,
        }

        /// Issued onboarding states on one Redis, shared by every web-server instance: a state
        /// issued by one is taken, once, by whichever receives the callback, and a replay,
        /// a forgery and a late callback are told apart as with
        /// [`MemoryStateStore`]($crate::onboarding::MemoryStateStore). Keys and values hold no
        /// state value; see [`onboarding::redis`]($crate::onboarding::redis) for the layout.
        /// The blocking client's is a [`StateStore`]($crate::onboarding::StateStore); the async
        /// client's an [`AsyncStateStore`]($crate::onboarding::AsyncStateStore) (read
        /// callbacks with [`read_callback_async`]($crate::onboarding::read_callback_async)).
        /// A Redis that does not answer is
        /// [`OnboardingError::StateStore`]($crate::onboarding::OnboardingError::StateStore).
        ///
        /// ```no_run
        #[doc = concat!("use ", stringify!($krate), "::onboarding::redis::RedisStateOptions;")]
        #[doc = concat!("use ", stringify!($krate), "::RedisStateStore;")]
        ///
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let options = RedisStateOptions::default().prefix("staging:amazon-business:")?;
        /// let states = RedisStateStore::with_options("redis://10.0.0.5/", options)?;
        /// # Ok(()) }
        /// ```
        pub struct RedisStateStore {
            conn: Connection,
            states: $crate::onboarding::redis::RedisStates,
        }

        impl std::fmt::Debug for RedisStore {
            // The URL may hold a password: not shown.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("RedisStore").field("options", self.shared.options()).finish_non_exhaustive()
            }
        }

        impl std::fmt::Debug for RedisStateStore {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("RedisStateStore")
                    .field("options", self.states.options())
                    .finish_non_exhaustive()
            }
        }

        impl RedisStore {
            /// A store on the Redis at `url` (`redis://host:port/db`), with the default
            /// [`RedisOptions`]($crate::store::redis::RedisOptions). Nothing is connected yet: a
            /// Redis that is down at start only means the first steps fall back.
            pub fn open(url: &str) -> Result<RedisStore, $crate::Error> {
                RedisStore::with_options(url, $crate::store::redis::RedisOptions::default())
            }

            /// A store on the Redis at `url` with `options` (key prefix, timeout, polling,
            /// lease, fallback share).
            pub fn with_options(
                url: &str,
                options: $crate::store::redis::RedisOptions,
            ) -> Result<RedisStore, $crate::Error> {
                let conn = Connection::new(client(url)?, options.step_timeout());
                Ok(RedisStore { conn, shared: $crate::store::redis::SharedStore::new(options) })
            }

            /// The options in force.
            pub fn options(&self) -> &$crate::store::redis::RedisOptions {
                self.shared.options()
            }

            /// True while Redis is failing and the client runs on its in-process store.
            pub fn is_down(&self) -> bool {
                self.shared.is_down()
            }
        }

        /// Steps run on Redis, or on `memory` when Redis fails or is known down.
        impl $crate::SharedSteps for RedisStore {
            fn run<'a>(
                &'a self,
                memory: &'a $crate::MemoryStore,
                op: $crate::StoreOp,
                now: $crate::Now,
            ) -> $crate::BoxFuture<'a, $crate::StoreReply> {
                Box::pin(self.shared.run(memory, op, now, |c| self.conn.execute(c)))
            }

            fn token_wait(
                &self,
                memory: &$crate::MemoryStore,
                key: &$crate::config::CredentialKey,
            ) -> $crate::store::redis::TokenWait<'_> {
                self.shared.token_wait(memory, key)
            }
        }

        impl RedisStateStore {
            /// A state store on the Redis at `url` (`redis://host:port/db`) with the default
            /// [`RedisStateOptions`]($crate::onboarding::redis::RedisStateOptions). Nothing is
            /// connected yet.
            pub fn open(url: &str) -> Result<RedisStateStore, $crate::Error> {
                RedisStateStore::with_options(url, $crate::onboarding::redis::RedisStateOptions::default())
            }

            /// A state store on the Redis at `url` with `options` (key prefix, retention,
            /// timeout).
            pub fn with_options(
                url: &str,
                options: $crate::onboarding::redis::RedisStateOptions,
            ) -> Result<RedisStateStore, $crate::Error> {
                let conn = Connection::new(client(url)?, options.step_timeout());
                Ok(RedisStateStore { conn, states: $crate::onboarding::redis::RedisStates::new(options) })
            }

            /// The options in force.
            pub fn options(&self) -> &$crate::onboarding::redis::RedisStateOptions {
                self.states.options()
            }
        }
    };
}
