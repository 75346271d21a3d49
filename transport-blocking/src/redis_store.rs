//! The Redis stores of the blocking client (feature `redis`): core's scripts
//! ([`amazon_business_core::store::redis`], [`amazon_business_core::onboarding::redis`]) run
//! over the `redis` crate's synchronous connections, each step bounded by a short timeout. The
//! shared store falls back to the in-process one; the state store reports the failure.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use amazon_business_core::onboarding::{OnboardingError, PendingState, StateStore, Taken};
use amazon_business_core::store::redis::{RedisCommand, RedisError, RedisValue};
use amazon_business_core::Secret;

use crate::Wait;

/// Connections kept for reuse; more are opened when more threads run steps at once.
const POOL: usize = 64;

/// A pool of synchronous connections to one Redis, with core's scripts.
struct Connection {
    client: redis::Client,
    pool: Mutex<Vec<redis::Connection>>,
    scripts: Vec<redis::Script>,
    timeout: Duration,
}

amazon_business_core::redis_shell!(amazon_business_blocking);

impl Connection {
    fn new(client: redis::Client, timeout: Duration) -> Connection {
        Connection { client, pool: Mutex::default(), scripts: scripts(), timeout }
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Vec<redis::Connection>> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn connect(&self) -> Result<redis::Connection, RedisError> {
        let connect = || -> redis::RedisResult<redis::Connection> {
            let c = self.client.get_connection_with_timeout(self.timeout)?;
            c.set_read_timeout(Some(self.timeout))?;
            c.set_write_timeout(Some(self.timeout))?;
            Ok(c)
        };
        connect().map_err(|e| failure(&e))
    }

    /// Runs `command`'s script on a pooled connection. Async only in form, for the shapes shared
    /// with the async client: the work is done on the first poll, so it is finished with `.wait()`.
    async fn execute(&self, command: RedisCommand) -> Result<RedisValue, RedisError> {
        let invocation = invocation(&self.scripts, &command);
        let pooled = self.pool().pop();
        let reused = pooled.is_some();
        let mut con = match pooled {
            Some(c) => c,
            None => self.connect()?,
        };
        let mut result = invocation.invoke::<redis::Value>(&mut con);
        if let Err(e) = &result {
            if reused && !e.is_timeout() {
                // A kept connection broke (Redis restarted): the others did too. Drop them all
                // and try once on a fresh one.
                self.pool().clear();
                con = self.connect()?;
                result = invocation.invoke::<redis::Value>(&mut con);
            }
        }
        match result {
            Ok(v) => {
                let mut pool = self.pool();
                if pool.len() < POOL {
                    pool.push(con);
                }
                Ok(value(v))
            }
            Err(e) => {
                if !e.is_timeout() {
                    self.pool().clear();
                }
                Err(failure(&e))
            }
        }
    }
}

impl StateStore for RedisStateStore {
    fn put(&self, state: PendingState, now: SystemTime) -> Result<(), OnboardingError> {
        self.states.read_put(self.conn.execute(self.states.put_command(&state, now)).wait())
    }

    fn take(&self, value: &Secret, _now: SystemTime) -> Result<Taken, OnboardingError> {
        self.states.read_take(value, self.conn.execute(self.states.take_command(value)).wait())
    }
}
