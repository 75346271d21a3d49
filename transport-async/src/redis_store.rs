//! The Redis stores of the async client (feature `redis`, which needs tokio): core's scripts
//! ([`amazon_business_core::store::redis`], [`amazon_business_core::onboarding::redis`]) run
//! over the `redis` crate's `ConnectionManager` (multiplexed, reconnecting, never blocking the
//! executor), each step bounded by a short timeout. The shared store falls back to the
//! in-process one; the state store reports the failure.

use std::time::{Duration, SystemTime};

use amazon_business_core::onboarding::{AsyncStateStore, OnboardingError, PendingState, Taken};
use amazon_business_core::store::redis::{RedisCommand, RedisError, RedisValue};
use amazon_business_core::{BoxFuture, Secret};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// One multiplexed, reconnecting connection to one Redis, made on first use, with core's
/// scripts.
struct Connection {
    client: redis::Client,
    /// The manager's own timeouts, as long as the bound of a whole step.
    config: ConnectionManagerConfig,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    scripts: Vec<redis::Script>,
    timeout: Duration,
}

amazon_business_core::redis_shell!(amazon_business_async);

impl Connection {
    fn new(client: redis::Client, timeout: Duration) -> Connection {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        Connection { client, config, manager: tokio::sync::OnceCell::new(), scripts: scripts(), timeout }
    }

    /// Runs `command`'s script, connecting first when there is no connection yet; all of it
    /// within the timeout.
    async fn execute(&self, command: RedisCommand) -> Result<RedisValue, RedisError> {
        let work = async {
            let connect = || ConnectionManager::new_with_config(self.client.clone(), self.config.clone());
            let mut manager = self.manager.get_or_try_init(connect).await?.clone();
            invocation(&self.scripts, &command).invoke_async::<redis::Value>(&mut manager).await
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(answer) => answer.map(value).map_err(|e| failure(&e)),
            Err(_) => Err(RedisError::new("no answer within the timeout")),
        }
    }
}

impl AsyncStateStore for RedisStateStore {
    fn put_async(&self, state: PendingState, now: SystemTime) -> BoxFuture<'_, Result<(), OnboardingError>> {
        let command = self.states.put_command(&state, now);
        Box::pin(async move { self.states.read_put(self.conn.execute(command).await) })
    }

    fn take_async<'a>(
        &'a self,
        value: &'a Secret,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<Taken, OnboardingError>> {
        let command = self.states.take_command(value);
        Box::pin(async move { self.states.read_take(value, self.conn.execute(command).await) })
    }
}
