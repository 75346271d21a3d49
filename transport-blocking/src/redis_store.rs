//! The shared store on Redis for the blocking client (feature `redis`): core's scripts
//! ([`amazon_business_core::store::redis`]) run over the `redis` crate's synchronous
//! connections, each step bounded by a short timeout, with the in-process store as fallback.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use amazon_business_core::config::CredentialKey;
use amazon_business_core::error::ConfigError;
use amazon_business_core::store::redis::{
    RedisCommand, RedisError, RedisOptions, RedisValue, SharedStore, TokenWait, SCRIPTS,
};
use amazon_business_core::{Error, MemoryStore, Now, StoreOp, StoreReply};

/// Connections kept for reuse; more are opened when more threads run steps at once.
const POOL: usize = 64;

/// Tokens and pacing buckets shared by every process on one Redis; see
/// [`Client::with_redis`](crate::Client::with_redis) and the README's "Fleet scale" section.
///
/// ```no_run
/// use amazon_business_blocking::{Client, Config, RedisStore};
/// use amazon_business_blocking::store::redis::RedisOptions;
///
/// # fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
/// let options = RedisOptions::default().prefix("staging:amazon-business:")?;
/// let client = Client::new(config)?.shared_store(RedisStore::with_options("redis://10.0.0.5/", options)?)?;
/// # Ok(()) }
/// ```
pub struct RedisStore {
    client: redis::Client,
    pool: Mutex<Vec<redis::Connection>>,
    scripts: Vec<redis::Script>,
    shared: SharedStore,
}

impl std::fmt::Debug for RedisStore {
    // The URL may hold a password: not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("options", self.shared.options()).finish_non_exhaustive()
    }
}

pub(crate) fn bad_url(e: &redis::RedisError) -> Error {
    Error::Config(ConfigError::new(
        "redis url",
        format!("is not a usable Redis URL ({:?}); expected e.g. redis://127.0.0.1:6379/ or rediss://user:password@host/", e.kind()),
    ))
}

pub(crate) fn value(v: redis::Value) -> RedisValue {
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

pub(crate) fn failure(e: &redis::RedisError) -> RedisError {
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
    /// A store on the Redis at `url` (`redis://host:port/db`, `rediss://` for TLS is not
    /// compiled in), with the default [`RedisOptions`]. Nothing is connected yet: a Redis
    /// that is down at start only means the first steps fall back.
    pub fn open(url: &str) -> Result<RedisStore, Error> {
        RedisStore::with_options(url, RedisOptions::default())
    }

    /// A store on the Redis at `url` with `options` (key prefix, timeout, polling, lease,
    /// fallback share).
    pub fn with_options(url: &str, options: RedisOptions) -> Result<RedisStore, Error> {
        let client = redis::Client::open(url).map_err(|e| bad_url(&e))?;
        let scripts = SCRIPTS.iter().map(|s| redis::Script::new(s.source)).collect();
        Ok(RedisStore { client, pool: Mutex::new(Vec::new()), scripts, shared: SharedStore::new(options) })
    }

    /// The options in force.
    pub fn options(&self) -> &RedisOptions {
        self.shared.options()
    }

    /// True while Redis is failing and the client runs on its in-process store.
    pub fn is_down(&self) -> bool {
        self.shared.is_down()
    }

    fn pooled(&self) -> Option<redis::Connection> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn connect(&self, timeout: Duration) -> redis::RedisResult<redis::Connection> {
        let c = self.client.get_connection_with_timeout(timeout)?;
        c.set_read_timeout(Some(timeout))?;
        c.set_write_timeout(Some(timeout))?;
        Ok(c)
    }

    fn execute(&self, command: RedisCommand) -> Result<RedisValue, RedisError> {
        let timeout = self.shared.options().step_timeout();
        let index = SCRIPTS.iter().position(|s| *s == command.script).unwrap_or_default();
        let mut invocation = self.scripts[index].prepare_invoke();
        for k in &command.keys {
            invocation.key(k);
        }
        for a in &command.args {
            invocation.arg(a.as_slice());
        }
        let (mut con, reused) = match self.pooled() {
            Some(c) => (c, true),
            None => (self.connect(timeout).map_err(|e| failure(&e))?, false),
        };
        let mut result = invocation.invoke::<redis::Value>(&mut con);
        if let Err(e) = &result {
            if reused && !e.is_timeout() {
                // A kept connection broke (Redis restarted): the others did too. Drop them all
                // and try once on a fresh one.
                self.pool.lock().unwrap_or_else(|p| p.into_inner()).clear();
                con = self.connect(timeout).map_err(|e| failure(&e))?;
                result = invocation.invoke::<redis::Value>(&mut con);
            }
        }
        match result {
            Ok(v) => {
                let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
                if pool.len() < POOL {
                    pool.push(con);
                }
                Ok(value(v))
            }
            Err(e) => {
                if !e.is_timeout() {
                    self.pool.lock().unwrap_or_else(|p| p.into_inner()).clear();
                }
                Err(failure(&e))
            }
        }
    }

    /// Runs one step: on Redis, or on `memory` when Redis fails or is known down.
    pub(crate) fn run(&self, memory: &MemoryStore, op: StoreOp, now: Now) -> StoreReply {
        let future = self.shared.run(memory, op, now, |c| std::future::ready(self.execute(c)));
        crate::block_on(future, None).unwrap_or_else(|| unreachable!("no deadline"))
    }

    /// Waits for another call's exchange of `key`'s token; false when Redis is down (then the
    /// caller waits on the in-process store as without Redis).
    pub(crate) fn await_token(&self, memory: &MemoryStore, key: &CredentialKey) -> bool {
        match self.shared.token_wait(memory, key) {
            TokenWait::Poll(interval, _slot) => std::thread::sleep(interval),
            TokenWait::Watch { generation, bound } => {
                let _ = crate::block_on(memory.tokens.changed(generation), Some(Instant::now() + bound));
            }
            TokenWait::Memory => return false,
        }
        true
    }
}
