//! The shared store on Redis for the async client (feature `redis`, which needs tokio): core's
//! scripts ([`amazon_business_core::store::redis`]) run over the `redis` crate's
//! `ConnectionManager` (multiplexed, reconnecting, never blocking the executor), each step
//! bounded by a short timeout, with the in-process store as fallback.

use std::time::Duration;

use amazon_business_core::config::CredentialKey;
use amazon_business_core::error::ConfigError;
use amazon_business_core::store::redis::{
    RedisCommand, RedisError, RedisOptions, RedisValue, SharedStore, TokenWait, SCRIPTS,
};
use amazon_business_core::{Error, MemoryStore, Now, StoreOp, StoreReply};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Tokens and pacing buckets shared by every process on one Redis; see
/// [`Client::with_redis`](crate::Client::with_redis) and the README's "Fleet scale" section.
/// Steps run on the current tokio runtime.
///
/// ```no_run
/// use amazon_business_async::{Client, Config, RedisStore};
/// use amazon_business_async::store::redis::RedisOptions;
///
/// # fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
/// let options = RedisOptions::default().prefix("staging:amazon-business:")?;
/// let client = Client::new(config)?.shared_store(RedisStore::with_options("redis://10.0.0.5/", options)?)?;
/// # Ok(()) }
/// ```
pub struct RedisStore {
    client: redis::Client,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    scripts: Vec<redis::Script>,
    shared: SharedStore,
}

impl std::fmt::Debug for RedisStore {
    // The URL may hold a password: not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("options", self.shared.options()).finish_non_exhaustive()
    }
}

fn value(v: redis::Value) -> RedisValue {
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

fn failure(e: &redis::RedisError) -> RedisError {
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
    RedisError::new(what)
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://host:port/db`), with the default
    /// [`RedisOptions`]. Nothing is connected yet: a Redis that is down at start only means
    /// the first steps fall back.
    pub fn open(url: &str) -> Result<RedisStore, Error> {
        RedisStore::with_options(url, RedisOptions::default())
    }

    /// A store on the Redis at `url` with `options` (key prefix, timeout, polling, lease,
    /// fallback share).
    pub fn with_options(url: &str, options: RedisOptions) -> Result<RedisStore, Error> {
        let client = redis::Client::open(url).map_err(|e| {
            Error::Config(ConfigError::new(
                "redis url",
                format!("is not a usable Redis URL ({:?}); expected e.g. redis://127.0.0.1:6379/", e.kind()),
            ))
        })?;
        let scripts = SCRIPTS.iter().map(|s| redis::Script::new(s.source)).collect();
        Ok(RedisStore {
            client,
            manager: tokio::sync::OnceCell::new(),
            scripts,
            shared: SharedStore::new(options),
        })
    }

    /// The options in force.
    pub fn options(&self) -> &RedisOptions {
        self.shared.options()
    }

    /// True while Redis is failing and the client runs on its in-process store.
    pub fn is_down(&self) -> bool {
        self.shared.is_down()
    }

    async fn execute(&self, command: RedisCommand) -> Result<RedisValue, RedisError> {
        let timeout = self.shared.options().step_timeout();
        let work = async {
            let manager = self
                .manager
                .get_or_try_init(|| {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(timeout))
                        .set_response_timeout(Some(timeout))
                        .set_number_of_retries(1)
                        .set_max_delay(Duration::from_secs(1));
                    ConnectionManager::new_with_config(self.client.clone(), config)
                })
                .await
                .map_err(|e| failure(&e))?;
            let mut con = manager.clone();
            let index = SCRIPTS.iter().position(|s| *s == command.script).unwrap_or_default();
            let mut invocation = self.scripts[index].prepare_invoke();
            for k in &command.keys {
                invocation.key(k);
            }
            for a in &command.args {
                invocation.arg(a.as_slice());
            }
            invocation.invoke_async::<redis::Value>(&mut con).await.map(value).map_err(|e| failure(&e))
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(RedisError::new("no answer within the timeout")),
        }
    }

    /// Runs one step: on Redis, or on `memory` when Redis fails or is known down.
    pub(crate) async fn run(&self, memory: &MemoryStore, op: StoreOp, now: Now) -> StoreReply {
        self.shared.run(memory, op, now, |c| self.execute(c)).await
    }

    /// Waits for another call's exchange of `key`'s token, sleeping on `timer`; `None` when
    /// Redis is down (then the caller waits on the in-process store as without Redis).
    pub(crate) fn await_token<'a>(
        &'a self,
        memory: &'a MemoryStore,
        key: &CredentialKey,
        timer: &'a dyn crate::Timer,
    ) -> Option<amazon_business_core::BoxFuture<'a, ()>> {
        match self.shared.token_wait(memory, key) {
            TokenWait::Poll(interval, slot) => Some(Box::pin(async move {
                timer.sleep(interval).await;
                drop(slot);
            })),
            TokenWait::Watch { generation, bound } => {
                let changed = memory.tokens.changed(generation);
                let bound = timer.sleep(bound);
                Some(Box::pin(async move {
                    futures_util::future::select(std::pin::pin!(changed), bound).await;
                }))
            }
            TokenWait::Memory => None,
        }
    }
}
