//! The Redis protocol of the shared store, written once as data: the key layout, the Lua
//! scripts, how each [`StoreOp`] becomes a script call ([`command`]) and how its answer is read
//! back ([`read_reply`]), the health of the connection ([`RedisHealth`]) and the driver loop
//! of one step ([`SharedStore::run`]). No I/O happens here: a transport executes the
//! [`RedisCommand`]s (both clients do, with the `redis` feature) and hands the answers back as
//! [`RedisValue`]s.
//!
//! # Keys
//!
//! Every key of one customer (application + refresh token) carries the same Cluster hash tag,
//! `{<client-hash>-<credential-hash>}`: 16 hex digits of SHA-256 of the client id and 32 of
//! SHA-256 of the [`CredentialKey`] (itself made of the client id and a fingerprint of the
//! refresh token). No secret appears in any key.
//!
//! | key | value | expires |
//! |---|---|---|
//! | `<prefix>{tag}:token` | `<expiry, unix ms>\|<access token>` | 60 s before the token does |
//! | `<prefix>{tag}:lease` | the id of the refresh in flight | after the lease (default 120 s) |
//! | `<prefix>{tag}:flight` | counter of refresh ids | 24 h after the last refresh |
//! | `<prefix>{tag}:gen` | counter bumped by every end of a refresh | 24 h after the last |
//! | `<prefix>{tag}:fail` | `<flight>\|<kind of failure>` (no message, no secret) | 10 s |
//! | `<prefix>{tag}:bucket:<operationId>` | hash: `tat` (µs, Redis clock), `rate` (learned), `rev` (rate changes) | 1 h after the last use |

use std::fmt;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::{MemoryStore, StoreOp, StoreReply};
use crate::config::CredentialKey;
use crate::engine::Now;
use crate::error::{ConfigError, Error, LwaError, LwaErrorCode, TransportError, TransportErrorKind};
use crate::lwa::AccessToken;
use crate::operation::UsagePlan;
use crate::pacer::Reservation;
use crate::secret::Secret;
use crate::token::{FlightId, TokenDecision, REFRESH_SKEW};

/// The default key prefix.
pub const DEFAULT_PREFIX: &str = "amazon-business:";
/// How long a Redis round trip may take before the step falls back to the in-process store.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
/// After a failure, how long steps go straight to the in-process store before Redis is tried
/// again.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often a call waiting for another process's token exchange asks Redis again.
pub const DEFAULT_POLL: Duration = Duration::from_millis(25);
/// How long a failed exchange is remembered for the calls that waited on it.
pub const FAILURE_TTL: Duration = Duration::from_secs(10);
/// How long idle bucket state (booked slots, learned rate) is kept.
pub const BUCKET_TTL: Duration = Duration::from_secs(3600);
/// How long the refresh counters are kept after their last use.
pub const COUNTER_TTL: Duration = Duration::from_secs(86_400);

/// Refresh ids handed out by Redis carry this bit, so they never equal an in-process one.
const REDIS_FLIGHT: u64 = 1 << 62;

/// One Lua script: a name for logs and its source.
#[derive(Debug, PartialEq, Eq)]
pub struct Script {
    /// A short name.
    pub name: &'static str,
    /// The Lua source.
    pub source: &'static str,
}

/// `AcquireToken`. KEYS: token, lease, flight, gen, fail. ARGV: lease (ms), the flight waited
/// on (or empty). Answers `{ready, value}`, `{wait, flight, gen}`, `{failed, kind}` or
/// `{lead, flight}`.
pub const ACQUIRE_TOKEN: Script = Script {
    name: "acquire-token",
    source: r#"
local token = redis.call('GET', KEYS[1])
if token then return {'ready', token} end
local lease = redis.call('GET', KEYS[2])
if lease then return {'wait', lease, redis.call('GET', KEYS[4]) or '0'} end
if ARGV[2] ~= '' then
  local failure = redis.call('GET', KEYS[5])
  if failure then
    local bar = string.find(failure, '|', 1, true)
    if bar and string.sub(failure, 1, bar - 1) == ARGV[2] then
      return {'failed', string.sub(failure, bar + 1)}
    end
  end
end
local flight = tostring(redis.call('INCR', KEYS[3]))
redis.call('PEXPIRE', KEYS[3], 86400000)
redis.call('SET', KEYS[2], flight, 'NX', 'PX', ARGV[1])
return {'lead', flight}
"#,
};

/// `CompleteRefresh`. KEYS: token, lease, gen, fail. ARGV: flight, `ok` or `err`, the token
/// value (or the failure's kind), its TTL in ms. Ends the lease if still ours, stores the token
/// (or the failure) and bumps the generation; answers the new generation.
pub const COMPLETE_REFRESH: Script = Script {
    name: "complete-refresh",
    source: r#"
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if ARGV[2] == 'ok' then
  redis.call('DEL', KEYS[4])
  if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
else
  redis.call('SET', KEYS[4], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
end
local gen = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 86400000)
return gen
"#,
};

/// `AbandonRefresh`. KEYS: lease, gen. ARGV: flight. Ends the lease if still ours (then bumps
/// the generation); answers 1 if it did, else 0.
pub const ABANDON_REFRESH: Script = Script {
    name: "abandon-refresh",
    source: r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], 86400000)
  return 1
end
return 0
"#,
};

/// `InvalidateToken`. KEYS: token. ARGV: the refused token. Compare-and-delete; answers 1 if
/// it deleted, else 0.
pub const INVALIDATE_TOKEN: Script = Script {
    name: "invalidate-token",
    source: r#"
local stored = redis.call('GET', KEYS[1])
if stored then
  local bar = string.find(stored, '|', 1, true)
  if bar and string.sub(stored, bar + 1) == ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0
"#,
};

/// The GCRA state shared by the bucket scripts: the Redis server's clock (one clock for the
/// whole fleet), the plan from ARGV (rate, burst; empty rate when the model states none), the
/// rate learned from `x-amzn-RateLimit-Limit`, and the theoretical arrival time.
macro_rules! gcra_prelude {
    () => {
        concat!(
            r#"
local margin = "#,
            pace_margin!(),
            r#"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local plan_rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2]) or 1
local learned = tonumber(redis.call('HGET', KEYS[1], 'rate'))
local function effective()
  if learned then
    if plan_rate then return learned, burst end
    return learned, 1
  end
  return plan_rate, burst
end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat'))
local function keep(t)
  redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', t))
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
"#
        )
    };
}

/// [`PACE_MARGIN`](crate::pacer::PACE_MARGIN) as Lua source (a unit test keeps them equal).
macro_rules! pace_margin {
    () => {
        "0.98"
    };
}

/// Books the next slot (the body of `Reserve`, and of `Recheck` when the booking was voided):
/// answers `{µs to wait, revision, 1 if provisional else 0}`.
macro_rules! gcra_book {
    () => {
        r#"
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev')) or 0
local provisional = 1
if learned then provisional = 0 end
local rate, b = effective()
if not rate or rate <= 0 then return {0, rev, provisional} end
local interval = 1000000 / (rate * margin)
local tolerance = interval * (math.max(b, 1) - 1)
local t = tat or now
if t < now then t = now end
local allowed = t - tolerance
if allowed < now then allowed = now end
keep(t + interval)
return {math.floor(allowed - now), rev, provisional}
"#
    };
}

/// `Reserve`. KEYS: bucket. ARGV: plan rate (or empty), plan burst. Books the next slot and
/// answers `{µs to wait, the bucket's revision, 1 if the rate is still the plan's}`.
pub const RESERVE: Script = Script { name: "reserve", source: concat!(gcra_prelude!(), gcra_book!()) };

/// `Recheck`. KEYS: bucket. ARGV: plan rate (or empty), plan burst, the booking's revision.
/// Answers -1 while the booking stands; once the bucket's rate changed, books again and
/// answers as `Reserve`. A booking this process made in its own memory while Redis was down
/// (revision `m…`) stands: Redis cannot have voided it, and booking again would put the call
/// at the back of the fleet's queue.
pub const RECHECK: Script = Script {
    name: "recheck",
    source: concat!(
        gcra_prelude!(),
        r#"
if string.sub(ARGV[3], 1, 1) == 'm' or (redis.call('HGET', KEYS[1], 'rev') or '0') == ARGV[3] then return -1 end
"#,
        gcra_book!()
    ),
};

/// `ObserveRate`. KEYS: bucket. ARGV: plan rate (or empty), plan burst, the rate Amazon
/// reported. Stores the rate for every process; when it changes the rate in force, moves the
/// revision on (voiding the bookings not yet reached, whose callers book again), and rescales
/// the requests already let through to the new rate.
pub const OBSERVE_RATE: Script = Script {
    name: "observe-rate",
    source: concat!(
        gcra_prelude!(),
        r#"
local new = tonumber(ARGV[3])
local old, ob = effective()
redis.call('HSET', KEYS[1], 'rate', ARGV[3])
if old ~= new then
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  if old and old > 0 and tat and tat > now then
    local horizon = now + (1000000 / (old * margin)) * math.max(ob or 1, 1)
    local kept = tat
    if kept > horizon then kept = horizon end
    keep(now + (kept - now) * old / new)
  end
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
"#
    ),
};

/// `Throttled`. KEYS: bucket. ARGV: plan rate (or empty), plan burst. A 429 seen by any process
/// empties the bucket for all.
pub const THROTTLED: Script = Script {
    name: "throttled",
    source: concat!(
        gcra_prelude!(),
        r#"
local rate, b = effective()
if rate and rate > 0 then
  local full = (1000000 / (rate * margin)) * math.max(b, 1)
  local t = tat or now
  if t < now + full then t = now + full end
  keep(t)
end
return 1
"#
    ),
};

/// `ForgetClient`. No KEYS (the tokens of every customer of an application live in as many
/// hash slots); ARGV: the match pattern of their token keys. Scans and deletes; answers how
/// many it deleted. On Redis Cluster it covers the node it runs on only.
pub const FORGET_CLIENT: Script = Script {
    name: "forget-client",
    source: r#"
local cursor = '0'
local deleted = 0
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    redis.call('DEL', key)
    deleted = deleted + 1
  end
until cursor == '0'
return deleted
"#,
};

/// Every script, for a transport that loads them up front: the shared store's and the
/// onboarding state store's ([`onboarding::redis`](crate::onboarding::redis)).
pub const SCRIPTS: [&Script; 11] = [
    &ACQUIRE_TOKEN,
    &COMPLETE_REFRESH,
    &ABANDON_REFRESH,
    &INVALIDATE_TOKEN,
    &RESERVE,
    &RECHECK,
    &OBSERVE_RATE,
    &THROTTLED,
    &FORGET_CLIENT,
    &crate::onboarding::redis::PUT_STATE,
    &crate::onboarding::redis::TAKE_STATE,
];

/// One script call for a transport to run (`EVALSHA`, falling back to `EVAL`).
#[derive(Clone, PartialEq, Eq)]
pub struct RedisCommand {
    /// The script.
    pub script: &'static Script,
    /// Its KEYS.
    pub keys: Vec<String>,
    /// Its ARGV. May hold an access token: never log them.
    pub args: Vec<Vec<u8>>,
}

impl fmt::Debug for RedisCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCommand")
            .field("script", &self.script.name)
            .field("keys", &self.keys)
            .field("args", &format_args!("<{} hidden>", self.args.len()))
            .finish()
    }
}

/// A Redis answer, as a transport reads it off its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisValue {
    /// No value.
    Nil,
    /// An integer.
    Int(i64),
    /// A bulk string.
    Bulk(Vec<u8>),
    /// A status (`+OK`).
    Status(String),
    /// An array.
    Array(Vec<RedisValue>),
    /// An error Redis answered (`-ERR …`).
    Error(String),
    /// Any other type (maps, doubles… which no script answers), described.
    Other(String),
}

/// A failure of the shared store: Redis unreachable, too slow, or answering something the
/// scripts never answer. The step then falls back to the in-process store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Redis shared store: {message}")]
pub struct RedisError {
    message: String,
}

impl RedisError {
    /// A failure described by `message` (never containing a secret).
    pub fn new(message: impl Into<String>) -> Self {
        RedisError { message: message.into() }
    }

    fn malformed(op: &StoreOp, value: &RedisValue) -> Self {
        let shown = match value {
            // A bulk answer may hold a token: show its length only.
            RedisValue::Bulk(b) => format!("a bulk string of {} bytes", b.len()),
            RedisValue::Array(a) => format!("an array of {} items", a.len()),
            other => format!("{other:?}"),
        };
        RedisError::new(format!("malformed answer to {}: {shown}", op.name()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 16 hex digits identifying an application (its client id) in keys.
pub fn client_hash(client_id: &str) -> String {
    hex(&Sha256::digest(client_id.as_bytes())[..8])
}

/// The Cluster hash tag of a customer, braces included: `{<client-hash>-<credential-hash>}`.
pub fn customer_tag(key: &CredentialKey) -> String {
    let credential = hex(&Sha256::digest(key.as_str().as_bytes())[..16]);
    format!("{{{}-{credential}}}", client_hash(key.client_id()))
}

/// Checks a key prefix: letters, digits and `:._-` only (no `{`, which would change the hash
/// tag, and no glob characters).
pub fn check_prefix(prefix: &str) -> Result<(), ConfigError> {
    if prefix.chars().all(|c| c.is_ascii_alphanumeric() || ":._-".contains(c)) {
        Ok(())
    } else {
        Err(ConfigError::new(
            "redis key prefix",
            format!("{prefix:?} may hold only letters, digits and : . _ - (e.g. \"prod:amazon-business:\")"),
        ))
    }
}

fn customer_key(prefix: &str, key: &CredentialKey, name: &str) -> String {
    format!("{prefix}{}:{name}", customer_tag(key))
}

fn plan_args(plan: Option<UsagePlan>) -> Vec<Vec<u8>> {
    match plan {
        Some(p) => vec![p.rate.to_string().into_bytes(), p.burst.to_string().into_bytes()],
        None => vec![Vec::new(), b"1".to_vec()],
    }
}

fn flight_arg(flight: FlightId) -> String {
    if flight.0 & REDIS_FLIGHT != 0 {
        (flight.0 & !REDIS_FLIGHT).to_string()
    } else {
        // An in-process flight (taken while Redis was down): never equal to a Redis lease.
        format!("m{}", flight.0)
    }
}

/// Bucket revisions read from Redis carry this bit, so that a booking made on Redis never
/// passes for one of the in-process store (or the other way round) after a fallback.
const REDIS_REVISION: u64 = 1 << 62;

fn revision_arg(revision: u64) -> String {
    if revision & REDIS_REVISION != 0 {
        (revision & !REDIS_REVISION).to_string()
    } else {
        // A booking of the in-process store (made while Redis was down): never a Redis one.
        format!("m{revision}")
    }
}

fn unix_ms(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// What a failed exchange is reduced to for other processes: its kind, no message (a message
/// could echo a secret).
fn failure_text(error: &Error) -> String {
    match error {
        Error::TokenExchange { host, attempts, last } => {
            format!("{}|{attempts}|{host}", failure_text(last))
        }
        Error::Lwa(l) => {
            let code: String =
                l.code.as_str().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect();
            format!("lwa:{code}:{}", l.status)
        }
        Error::Transport(t) => format!("net:{:?}", t.kind),
        Error::Decode(_) => "decode".to_owned(),
        _ => "other".to_owned(),
    }
}

fn read_failure(text: &str) -> Error {
    let mut parts = text.split('|');
    let inner = parts.next().unwrap_or_default();
    let note = "reported by the process that led this token exchange (shared store)";
    let last = if let Some(rest) = inner.strip_prefix("lwa:") {
        let (code, status) = rest.rsplit_once(':').unwrap_or((rest, "0"));
        Error::Lwa(LwaError {
            code: LwaErrorCode::parse(code),
            status: status.parse().unwrap_or(0),
            description: Some(note.to_owned()),
        })
    } else {
        let kind = match inner {
            "net:Connect" => TransportErrorKind::Connect,
            "net:Timeout" => TransportErrorKind::Timeout,
            "net:Reset" => TransportErrorKind::Reset,
            "net:Protocol" => TransportErrorKind::Protocol,
            "net:TooLarge" => TransportErrorKind::TooLarge,
            _ => TransportErrorKind::Other,
        };
        Error::Transport(TransportError::new(kind, format!("the token exchange failed ({inner}); {note}")))
    };
    match (parts.next().and_then(|a| a.parse::<u32>().ok()), parts.next()) {
        (Some(attempts), Some(host)) => Error::token_exchange(host, attempts, last),
        _ => last,
    }
}

/// The script call that performs `op` for keys under `prefix`, at `now` (the wall clock gives
/// a stored token its time to live).
pub fn command(op: &StoreOp, prefix: &str, now: Now) -> RedisCommand {
    let k = |key: &CredentialKey, name: &str| customer_key(prefix, key, name);
    let s = |v: String| v.into_bytes();
    match op {
        StoreOp::AcquireToken { key, waited_on, lease } => RedisCommand {
            script: &ACQUIRE_TOKEN,
            keys: vec![k(key, "token"), k(key, "lease"), k(key, "flight"), k(key, "gen"), k(key, "fail")],
            args: vec![
                s(lease.as_millis().max(1).to_string()),
                s(waited_on.filter(|f| f.0 & REDIS_FLIGHT != 0).map(flight_arg).unwrap_or_default()),
            ],
        },
        StoreOp::CompleteRefresh { key, flight, result } => {
            let (outcome, value, ttl) = match result {
                Ok(token) => {
                    let ttl = token
                        .expires_at()
                        .duration_since(now.wall)
                        .ok()
                        .and_then(|d| d.checked_sub(REFRESH_SKEW))
                        .map_or(0, |d| d.as_millis());
                    let value = format!("{}|{}", unix_ms(token.expires_at()), token.value().expose());
                    ("ok", value, ttl)
                }
                Err(e) => ("err", failure_text(e), FAILURE_TTL.as_millis()),
            };
            RedisCommand {
                script: &COMPLETE_REFRESH,
                keys: vec![k(key, "token"), k(key, "lease"), k(key, "gen"), k(key, "fail")],
                args: vec![s(flight_arg(*flight)), outcome.as_bytes().to_vec(), s(value), s(ttl.to_string())],
            }
        }
        StoreOp::AbandonRefresh { key, flight } => RedisCommand {
            script: &ABANDON_REFRESH,
            keys: vec![k(key, "lease"), k(key, "gen")],
            args: vec![s(flight_arg(*flight))],
        },
        StoreOp::InvalidateToken { key, failed } => RedisCommand {
            script: &INVALIDATE_TOKEN,
            keys: vec![k(key, "token")],
            args: vec![failed.value().expose().as_bytes().to_vec()],
        },
        StoreOp::Reserve { bucket, plan } => RedisCommand {
            script: &RESERVE,
            keys: vec![k(&bucket.credential, &format!("bucket:{}", bucket.operation))],
            args: plan_args(*plan),
        },
        StoreOp::Recheck { bucket, plan, revision } => {
            let mut args = plan_args(*plan);
            args.push(s(revision_arg(*revision)));
            RedisCommand {
                script: &RECHECK,
                keys: vec![k(&bucket.credential, &format!("bucket:{}", bucket.operation))],
                args,
            }
        }
        StoreOp::ObserveRate { bucket, plan, rate } => {
            let mut args = plan_args(*plan);
            args.push(s(rate.to_string()));
            RedisCommand {
                script: &OBSERVE_RATE,
                keys: vec![k(&bucket.credential, &format!("bucket:{}", bucket.operation))],
                args,
            }
        }
        StoreOp::Throttled { bucket, plan } => RedisCommand {
            script: &THROTTLED,
            keys: vec![k(&bucket.credential, &format!("bucket:{}", bucket.operation))],
            args: plan_args(*plan),
        },
        StoreOp::ForgetClient { client_id } => RedisCommand {
            script: &FORGET_CLIENT,
            keys: Vec::new(),
            args: vec![s(format!("{prefix}{{{}-*}}:token", client_hash(client_id)))],
        },
    }
}

fn text(value: &RedisValue) -> Option<&str> {
    match value {
        RedisValue::Bulk(b) => std::str::from_utf8(b).ok(),
        RedisValue::Status(s) => Some(s),
        _ => None,
    }
}

fn number(value: &RedisValue) -> Option<u64> {
    match value {
        RedisValue::Int(n) => u64::try_from(*n).ok(),
        other => text(other)?.parse().ok(),
    }
}

/// Reads Redis's answer to [`command`]`(op, …)`. An answer the script cannot give (a Redis
/// error, a wrong type, a token that is not text) is a [`RedisError`], never a panic.
pub fn read_reply(op: &StoreOp, value: RedisValue) -> Result<StoreReply, RedisError> {
    if let RedisValue::Error(e) = &value {
        return Err(RedisError::new(format!("{} failed: {e}", op.name())));
    }
    let bad = || RedisError::malformed(op, &value);
    match op {
        StoreOp::AcquireToken { .. } => {
            let RedisValue::Array(items) = &value else { return Err(bad()) };
            let flight =
                |v: &RedisValue| number(v).filter(|n| *n < REDIS_FLIGHT).map(|n| FlightId(n | REDIS_FLIGHT));
            let decision = match (items.first().and_then(text), items.get(1), items.get(2)) {
                (Some("ready"), Some(v), None) => {
                    let (ms, token) = text(v).and_then(|t| t.split_once('|')).ok_or_else(bad)?;
                    let ms: u64 = ms.parse().map_err(|_| bad())?;
                    if token.is_empty() {
                        return Err(bad());
                    }
                    let expires = UNIX_EPOCH + Duration::from_millis(ms);
                    TokenDecision::Ready(AccessToken::new(Secret::new(token), expires))
                }
                (Some("wait"), Some(f), Some(g)) => TokenDecision::Wait {
                    flight: flight(f).ok_or_else(bad)?,
                    generation: number(g).ok_or_else(bad)?,
                },
                (Some("lead"), Some(f), None) => TokenDecision::Lead(flight(f).ok_or_else(bad)?),
                (Some("failed"), Some(t), None) => {
                    TokenDecision::Failed(read_failure(text(t).ok_or_else(bad)?))
                }
                _ => return Err(bad()),
            };
            Ok(StoreReply::Token(decision))
        }
        StoreOp::Reserve { .. } | StoreOp::Recheck { .. } => match &value {
            RedisValue::Int(-1) if matches!(op, StoreOp::Recheck { .. }) => Ok(StoreReply::Kept),
            RedisValue::Array(items) => match (items.first(), items.get(1), items.get(2), items.len()) {
                (Some(RedisValue::Int(us)), Some(RedisValue::Int(rev)), Some(RedisValue::Int(p)), 3)
                    if *us >= 0 && *rev >= 0 && (*p == 0 || *p == 1) =>
                {
                    Ok(StoreReply::Reserved(Reservation {
                        wait: Duration::from_micros(*us as u64),
                        revision: (*rev as u64 & !REDIS_REVISION) | REDIS_REVISION,
                        provisional: *p == 1,
                    }))
                }
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        _ => match value {
            RedisValue::Int(_) => Ok(StoreReply::Done),
            _ => Err(bad()),
        },
    }
}

/// The step run on the in-process store while Redis cannot be reached: the plans of pacing
/// steps divided by `share` (this process's share of the fleet; 1 keeps the whole plan).
pub fn fallback(op: StoreOp, share: u32) -> StoreOp {
    if share <= 1 {
        return op;
    }
    let scale = |p: Option<UsagePlan>| {
        p.map(|p| UsagePlan::new(p.rate / f64::from(share), p.burst.div_ceil(share).max(1)))
    };
    match op {
        StoreOp::Reserve { bucket, plan } => StoreOp::Reserve { bucket, plan: scale(plan) },
        StoreOp::Recheck { bucket, plan, revision } => {
            StoreOp::Recheck { bucket, plan: scale(plan), revision }
        }
        StoreOp::ObserveRate { bucket, plan, rate } => {
            StoreOp::ObserveRate { bucket, plan: scale(plan), rate: rate / f64::from(share) }
        }
        StoreOp::Throttled { bucket, plan } => StoreOp::Throttled { bucket, plan: scale(plan) },
        other => other,
    }
}

/// True for the steps that also run on the in-process store while Redis answers, so that a
/// Redis outage finds this process's tokens, ended refreshes and learned rates there.
pub fn mirrored(op: &StoreOp) -> bool {
    matches!(
        op,
        StoreOp::CompleteRefresh { .. }
            | StoreOp::AbandonRefresh { .. }
            | StoreOp::InvalidateToken { .. }
            | StoreOp::ObserveRate { .. }
            | StoreOp::ForgetClient { .. }
    )
}

/// How to use Redis: key prefix, timeouts, polling, lease, fallback pacing.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    prefix: String,
    timeout: Duration,
    retry_after: Duration,
    poll: Duration,
    lease: Option<Duration>,
    fallback_share: u32,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            retry_after: DEFAULT_RETRY_AFTER,
            poll: DEFAULT_POLL,
            lease: None,
            fallback_share: 1,
        }
    }
}

impl RedisOptions {
    /// Namespaces every key (e.g. `"staging:amazon-business:"`), so environments can share a
    /// Redis. Letters, digits and `:._-` only.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Result<Self, ConfigError> {
        let prefix = prefix.into();
        check_prefix(&prefix)?;
        self.prefix = prefix;
        Ok(self)
    }

    /// The longest one Redis step may take (connect, send, answer) before the step falls back
    /// to the in-process store. Default 250 ms.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// After a Redis failure, how long steps use the in-process store before Redis is tried
    /// again. Default 1 s.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// How often a call waiting for another process's token exchange asks again. Default
    /// 25 ms.
    pub fn poll(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// How long a refresh lease lasts in Redis: the time after which another process takes
    /// over from a leader that died. Default: the engine's lease (the larger of 120 s and twice
    /// the request timeout). A lease shorter than a token exchange can take lets two run.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease.max(Duration::from_millis(1)));
        self
    }

    /// While Redis is down, pace each process at `1/share` of each plan (rate and burst), so a
    /// fleet of `share` processes together stays within it. Default 1: each process paces to
    /// the whole plan alone.
    pub fn fallback_share(mut self, share: u32) -> Self {
        self.fallback_share = share.max(1);
        self
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// The per-step timeout.
    pub fn step_timeout(&self) -> Duration {
        self.timeout
    }

    /// The polling interval of token waits.
    pub fn poll_interval(&self) -> Duration {
        self.poll
    }
}

#[derive(Debug, Default)]
struct Health {
    /// Bumped by every failure: an answer to a step sent before the last failure does not end
    /// the outage.
    failures: u64,
    /// When the current outage began, if Redis is failing.
    down_since: Option<Instant>,
    /// Before this, steps skip Redis.
    retry_at: Option<Instant>,
}

/// A step let through to Redis by [`RedisHealth::attempt`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// Whether Redis is answering, and when to try it again.
#[derive(Debug, Default)]
pub struct RedisHealth {
    state: Mutex<Health>,
}

impl RedisHealth {
    fn lock(&self) -> MutexGuard<'_, Health> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a step at `now` should go to Redis: `Some` when it is up, or when it is time to
    /// try again (then the other steps of the next `retry_after` skip it while this one tries).
    /// Hand the ticket back to [`RedisHealth::succeeded`].
    pub fn attempt(&self, now: Instant, retry_after: Duration) -> Option<Ticket> {
        let mut h = self.lock();
        match h.retry_at {
            Some(at) if now < at => None,
            Some(_) => {
                h.retry_at = Some(now + retry_after);
                Some(Ticket(h.failures))
            }
            None => Some(Ticket(h.failures)),
        }
    }

    /// True while an outage is under way.
    pub fn is_down(&self) -> bool {
        self.lock().down_since.is_some()
    }

    /// Records a failure at `now`; true when it begins an outage (warn once).
    pub fn failed(&self, now: Instant, retry_after: Duration) -> bool {
        let mut h = self.lock();
        h.failures += 1;
        h.retry_at = Some(now + retry_after);
        if h.down_since.is_none() {
            h.down_since = Some(now);
            true
        } else {
            false
        }
    }

    /// Records an answer at `now` to the step `ticket` let through; the length of the outage it
    /// ends, if any. An answer to a step sent before the latest failure ends nothing.
    pub fn succeeded(&self, ticket: Ticket, now: Instant) -> Option<Duration> {
        let mut h = self.lock();
        if ticket.0 != h.failures {
            return None;
        }
        h.retry_at = None;
        h.down_since.take().map(|since| now.saturating_duration_since(since))
    }
}

/// The shared store's logic, for a transport to wrap around its Redis connection: options and
/// health, and [`SharedStore::run`], which runs one step on Redis with the in-process store as
/// fallback.
#[derive(Debug, Default)]
pub struct SharedStore {
    options: RedisOptions,
    health: RedisHealth,
    /// The customers for which one call of this process polls Redis while the others watch
    /// the in-process store.
    pollers: Mutex<std::collections::HashSet<CredentialKey>>,
}

/// How a call waits for another call's token exchange; see [`SharedStore::token_wait`].
#[derive(Debug)]
pub enum TokenWait<'a> {
    /// Sleep this long, then ask Redis again; the slot is this process's one poller for the
    /// customer (released when dropped).
    Poll(Duration, PollSlot<'a>),
    /// Another call of this process polls: wait until the in-process token generation differs
    /// from this one (the poller's token lands there), at most `bound`.
    Watch {
        /// The in-process generation now.
        generation: u64,
        /// The longest wait.
        bound: Duration,
    },
    /// Redis is down: wait on the in-process store as without Redis.
    Memory,
}

/// This process's poller slot for one customer; see [`TokenWait::Poll`].
#[derive(Debug)]
pub struct PollSlot<'a> {
    store: &'a SharedStore,
    key: CredentialKey,
}

impl Drop for PollSlot<'_> {
    fn drop(&mut self) {
        self.store.pollers.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.key);
    }
}

impl SharedStore {
    /// A store with these options.
    pub fn new(options: RedisOptions) -> Self {
        SharedStore { options, health: RedisHealth::default(), pollers: Mutex::default() }
    }

    /// How a call told to wait for another call's exchange of `key`'s token waits: one call
    /// per process polls Redis every [`RedisOptions::poll`]; the others of the process watch
    /// the in-process store, where the poller's answer lands, so a cold start of many calls
    /// costs Redis one poll per process per interval, not one per call.
    pub fn token_wait(&self, memory: &MemoryStore, key: &CredentialKey) -> TokenWait<'_> {
        if self.health.is_down() {
            return TokenWait::Memory;
        }
        let generation = memory.tokens.generation();
        match self.slot(key) {
            Some(slot) => TokenWait::Poll(self.options.poll, slot),
            None => TokenWait::Watch {
                generation,
                bound: (self.options.poll * 4).max(Duration::from_millis(100)),
            },
        }
    }

    fn slot(&self, key: &CredentialKey) -> Option<PollSlot<'_>> {
        self.pollers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone())
            .then(|| PollSlot { store: self, key: key.clone() })
    }

    /// The options.
    pub fn options(&self) -> &RedisOptions {
        &self.options
    }

    /// True while Redis is failing (steps run on the in-process store).
    pub fn is_down(&self) -> bool {
        self.health.is_down()
    }

    /// Runs `op` at `now`: on Redis through `execute` (which must give up after
    /// [`RedisOptions::step_timeout`]) unless Redis is known down, else — or when Redis fails
    /// or answers nonsense — on `memory`. A warning is logged when an outage begins, not per
    /// step; a notice when it ends.
    pub async fn run<F, Fut>(&self, memory: &MemoryStore, op: StoreOp, now: Now, execute: F) -> StoreReply
    where
        F: FnOnce(RedisCommand) -> Fut,
        Fut: Future<Output = Result<RedisValue, RedisError>>,
    {
        let op = match (op, self.options.lease) {
            (StoreOp::AcquireToken { key, waited_on, .. }, Some(lease)) => {
                StoreOp::AcquireToken { key, waited_on, lease }
            }
            (op, _) => op,
        };
        let share = self.options.fallback_share;
        // A fresh token this process already holds (it came from Redis or was mirrored there)
        // needs no round trip.
        if let StoreOp::AcquireToken { key, .. } = &op {
            if let Some(token) = memory.tokens.get(key).filter(|t| t.is_fresh(now.wall, REFRESH_SKEW)) {
                return StoreReply::Token(TokenDecision::Ready(token));
            }
            // A refresh token LWA refused (`invalid_grant`) is remembered by each process (the
            // refusal reaches the in-process store with the mirrored `CompleteRefresh`), so
            // this process does not ask LWA again for it; Redis does not share the refusal.
            if let Some(refused) = memory.tokens.refused(key) {
                return StoreReply::Token(TokenDecision::Failed(refused));
            }
        }
        // One token lookup per customer at a time from this process: the others wait for its
        // answer in-process (see `token_wait`), so a cold start of many calls costs Redis one
        // round trip per process, not one per call.
        let mut _slot = None;
        if let StoreOp::AcquireToken { key, .. } = &op {
            if !self.health.is_down() {
                match self.slot(key) {
                    Some(slot) => _slot = Some(slot),
                    None => {
                        let generation = memory.tokens.generation();
                        return StoreReply::Token(TokenDecision::Wait { flight: FlightId(0), generation });
                    }
                }
            }
        }
        if let Some(ticket) = self.health.attempt(now.instant, self.options.retry_after) {
            let command = command(&op, &self.options.prefix, now);
            match execute(command).await.and_then(|v| read_reply(&op, v)) {
                Ok(reply) => {
                    if let Some(outage) = self.health.succeeded(ticket, now.instant) {
                        tracing::warn!(
                            outage_ms = outage.as_millis() as u64,
                            "Redis answers again: tokens and quota are shared by the fleet again"
                        );
                    }
                    if let StoreReply::Token(TokenDecision::Ready(token)) = &reply {
                        if let StoreOp::AcquireToken { key, .. } = &op {
                            let known =
                                memory.tokens.get(key).is_some_and(|t| t.value().ct_eq(token.value()));
                            if !known {
                                memory.tokens.put(key, token.clone());
                            }
                        }
                    }
                    if mirrored(&op) {
                        memory.run(fallback(op, share), now);
                    }
                    return reply;
                }
                Err(e) => {
                    if self.health.failed(now.instant, self.options.retry_after) {
                        tracing::warn!(
                            error = %e,
                            step = op.name(),
                            retry_after_ms = self.options.retry_after.as_millis() as u64,
                            fallback_share = share,
                            "Redis failed: this process falls back to its own token cache and pacing until Redis answers again"
                        );
                    }
                }
            }
        }
        if let StoreOp::Recheck { revision, .. } = &op {
            if revision & REDIS_REVISION != 0 {
                // A booking Redis made stands while Redis cannot be asked: booking again in
                // this process would only send the call to the back of another queue.
                return StoreReply::Kept;
            }
        }
        memory.run(fallback(op, share), now)
    }
}

#[cfg(test)]
mod tests;
