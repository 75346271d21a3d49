//! Issued consent states on Redis, shared by every web-server instance of an application: the
//! key layout, the two Lua scripts, and how their answers are read, written once (sans-IO).
//! Each client's `RedisStateStore` (feature `redis`) only executes the [`RedisCommand`]s built
//! here and hands the answers back; the blocking one is a [`StateStore`](super::StateStore),
//! the async one an [`AsyncStateStore`](super::AsyncStateStore) that never blocks the executor.
//!
//! # Keys
//!
//! | key | value | expires |
//! |---|---|---|
//! | `<prefix>{state-<SHA-256 of the state value>}` | `p` + JSON of the issue time, `redirect_uri` and App Center request while pending; `u` once used | `retention` after the issue (pending), then `retention` after the use (used) |
//!
//! No key and no value holds a state value: the key is its SHA-256 (of 256 random bits, so
//! it cannot be turned back) and the JSON leaves it out (the callback brings it back). One key a
//! state, with its own hash tag, so a Cluster spreads them and each script touches one slot.
//!
//! Taking is one script, so of two instances that receive the same callback exactly one gets
//! the state; the other, and every later replay until the used mark expires, is told
//! [`Taken::Used`] ([`OnboardingError::ReplayedState`]). A state never put is [`Taken::Unknown`]
//! ([`OnboardingError::ForgedState`]); one older than the callback reader's `max_age` but
//! within the retention is [`OnboardingError::ExpiredState`] — keep the retention longer than
//! that TTL, as with [`MemoryStateStore`](super::MemoryStateStore).

use std::time::{Duration, SystemTime};

use super::{state_key, OnboardingError, PendingState, Taken};
use crate::error::ConfigError;
use crate::secret::Secret;
use crate::store::redis::{check_prefix, RedisCommand, RedisError, RedisValue, Script, DEFAULT_PREFIX};

/// How long states are kept by default (as [`MemoryStateStore`](super::MemoryStateStore)'s).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(3600);
/// How long one Redis round trip of a state may take by default: a person waits on it.
pub const DEFAULT_STATE_TIMEOUT: Duration = Duration::from_secs(1);

/// `PutState`. KEYS: the state's key. ARGV: `p` + JSON, its TTL in ms. Sets it unless the key
/// exists (a state value is never issued twice, nor a used one brought back); answers 1 if it
/// did, else 0.
pub const PUT_STATE: Script = Script {
    name: "put-state",
    source: r#"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"#,
};

/// `TakeState`. KEYS: the state's key. ARGV: how long to remember its use, in ms. Answers 0
/// (unknown), 1 (already used) or the pending `p` + JSON, which it replaces by the used mark.
pub const TAKE_STATE: Script = Script {
    name: "take-state",
    source: r#"
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
if stored == 'u' then return 1 end
redis.call('SET', KEYS[1], 'u', 'PX', ARGV[1])
return stored
"#,
};

/// Where and how long states are kept on Redis.
#[derive(Debug, Clone)]
pub struct RedisStateOptions {
    prefix: String,
    retention: Duration,
    timeout: Duration,
}

impl Default for RedisStateOptions {
    fn default() -> Self {
        RedisStateOptions {
            prefix: DEFAULT_PREFIX.to_owned(),
            retention: DEFAULT_RETENTION,
            timeout: DEFAULT_STATE_TIMEOUT,
        }
    }
}

impl RedisStateOptions {
    /// Namespaces the keys (e.g. `"staging:amazon-business:"`). Letters, digits and `:._-`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Result<Self, ConfigError> {
        let prefix = prefix.into();
        check_prefix(&prefix)?;
        self.prefix = prefix;
        Ok(self)
    }

    /// How long a state is remembered after its issue, and a used one after its use. Make it
    /// longer than the callback TTL, so a late callback is told expired, not forged. Default
    /// one hour.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention.max(Duration::from_millis(1));
        self
    }

    /// The longest one Redis round trip (connect, send, answer) may take. Default 1 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// How long states are remembered.
    pub fn retention_period(&self) -> Duration {
        self.retention
    }

    /// The per-step timeout.
    pub fn step_timeout(&self) -> Duration {
        self.timeout
    }
}

/// The state store's protocol: the commands for `put` and `take`, and how their answers are
/// read. A transport runs each command and passes the outcome to the matching `read_`.
#[derive(Debug, Clone, Default)]
pub struct RedisStates {
    options: RedisStateOptions,
}

fn ms(d: Duration) -> Vec<u8> {
    d.as_millis().max(1).to_string().into_bytes()
}

fn unavailable(error: RedisError) -> OnboardingError {
    OnboardingError::StateStore(error.to_string())
}

impl RedisStates {
    /// The protocol with these options.
    pub fn new(options: RedisStateOptions) -> Self {
        RedisStates { options }
    }

    /// The options.
    pub fn options(&self) -> &RedisStateOptions {
        &self.options
    }

    /// The key of the state whose value is `value`.
    pub fn key(&self, value: &Secret) -> String {
        format!("{}{{state-{}}}", self.options.prefix, state_key(value))
    }

    /// Keeps `state`, put at `now`, for the rest of its retention.
    pub fn put_command(&self, state: &PendingState, now: SystemTime) -> RedisCommand {
        let age = now.duration_since(state.issued_at()).unwrap_or(Duration::ZERO);
        let ttl = self.options.retention.saturating_sub(age);
        let stored = format!("p{}", state.to_stored()).into_bytes();
        RedisCommand { script: &PUT_STATE, keys: vec![self.key(&state.value())], args: vec![stored, ms(ttl)] }
    }

    /// Reads the answer to [`RedisStates::put_command`].
    pub fn read_put(&self, reply: Result<RedisValue, RedisError>) -> Result<(), OnboardingError> {
        match reply.map_err(unavailable)? {
            RedisValue::Int(1) => Ok(()),
            RedisValue::Int(0) => Err(OnboardingError::StateStore(
                "a state with this value was already issued; draw fresh random bytes for every state".into(),
            )),
            other => Err(unavailable(RedisError::new(format!("malformed answer to put-state: {other:?}")))),
        }
    }

    /// Takes the state whose value is `value`, marking it used.
    pub fn take_command(&self, value: &Secret) -> RedisCommand {
        RedisCommand {
            script: &TAKE_STATE,
            keys: vec![self.key(value)],
            args: vec![ms(self.options.retention)],
        }
    }

    /// Reads the answer to [`RedisStates::take_command`] for `value`.
    pub fn read_take(
        &self,
        value: &Secret,
        reply: Result<RedisValue, RedisError>,
    ) -> Result<Taken, OnboardingError> {
        let malformed =
            |what: String| unavailable(RedisError::new(format!("malformed answer to take-state: {what}")));
        match reply.map_err(unavailable)? {
            RedisValue::Int(0) => Ok(Taken::Unknown),
            RedisValue::Int(1) => Ok(Taken::Used),
            RedisValue::Bulk(b) => match b.split_first() {
                Some((&b'p', json)) => {
                    PendingState::from_stored(value, json).map(Taken::Pending).ok_or_else(|| {
                        malformed(format!("a pending state of {} bytes that is not one", json.len()))
                    })
                }
                _ => Err(malformed(format!("a bulk string of {} bytes", b.len()))),
            },
            other => Err(malformed(format!("{other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    fn states() -> RedisStates {
        RedisStates::new(
            RedisStateOptions::default().prefix("t:").unwrap().retention(Duration::from_secs(100)),
        )
    }

    #[test]
    fn keys_and_arguments_hold_no_state_value() {
        let s = PendingState::new([0xab; 32], at(1000), "https://app.example/cb");
        let put = states().put_command(&s, at(1030));
        assert_eq!(put.keys, vec![format!("t:{{state-{}}}", s.key())]);
        assert_eq!(put.args[1], b"70000".to_vec(), "the rest of the retention");
        for bytes in put.keys.iter().map(|k| k.as_bytes()).chain(put.args.iter().map(Vec::as_slice)) {
            assert!(!String::from_utf8_lossy(bytes).contains("abab"));
        }
        let take = states().take_command(&s.value());
        assert_eq!(take.keys, put.keys);
        assert_eq!(take.args, vec![b"100000".to_vec()]);
        // A state put after its retention lives a millisecond: Redis refuses a zero TTL.
        assert_eq!(states().put_command(&s, at(5000)).args[1], b"1".to_vec());
    }

    #[test]
    fn answers_are_read_into_the_store_outcomes() {
        let st = states();
        let s = PendingState::new([3; 32], at(1000), "https://app.example/cb");
        let v = s.value();
        assert_eq!(st.read_take(&v, Ok(RedisValue::Int(0))).unwrap(), Taken::Unknown);
        assert_eq!(st.read_take(&v, Ok(RedisValue::Int(1))).unwrap(), Taken::Used);
        let stored = st.put_command(&s, at(1000)).args[0].clone();
        assert_eq!(st.read_take(&v, Ok(RedisValue::Bulk(stored))).unwrap(), Taken::Pending(s));
        assert!(st.read_put(Ok(RedisValue::Int(1))).is_ok());
        let twice = st.read_put(Ok(RedisValue::Int(0))).unwrap_err();
        assert!(twice.to_string().contains("already issued"), "{twice}");
        for bad in [RedisValue::Bulk(b"px".to_vec()), RedisValue::Bulk(Vec::new()), RedisValue::Nil] {
            let e = st.read_take(&v, Ok(bad)).unwrap_err();
            assert!(matches!(e, OnboardingError::StateStore(_)), "{e:?}");
        }
        let down = st.read_take(&v, Err(RedisError::new("connection refused"))).unwrap_err();
        assert!(down.to_string().contains("connection refused"), "{down}");
    }
}
