//! Shared state as steps.
//!
//! A [`Call`](crate::Call) never reads or writes shared state itself. Every token lookup,
//! refresh lease, token put or invalidation, bucket reservation, learned rate and 429 is a
//! [`StoreOp`] that the call hands out as [`Step::Store`](crate::Step::Store); the driver runs
//! it against a store and reports the [`StoreReply`] back with
//! [`Call::receive_store`](crate::Call::receive_store), exactly as it does with HTTP
//! exchanges. So the same call runs over the in-process [`MemoryStore`] (the default) or a
//! store shared by a fleet of processes, from a blocking or an async driver, with no I/O in
//! the core.
//!
//! | step | reply | memory store | shared store |
//! |---|---|---|---|
//! | `AcquireToken` | `Token(decision)` | fresh token, or a lease on the refresh, or wait | the same, fleet-wide, with a lease TTL |
//! | `CompleteRefresh` | `Done` | stores the token (or the failure), ends the lease, wakes waiters | the same; the token expires with itself |
//! | `AbandonRefresh` | `Done` | ends the lease so a waiter leads | deletes the lease if still ours |
//! | `InvalidateToken` | `Done` | drops the token if it is still the one that failed | compare-and-delete |
//! | `Reserve` | `Reserved(r)` | books a bucket slot (GCRA), `r.wait` before sending | the same on the store's clock |
//! | `Recheck` | `Kept` or `Reserved(r)` | before sending on a booking: it stands, or the rate changed and this is a new one | the same |
//! | `ObserveRate` | `Done` | adopts `x-amzn-RateLimit-Limit` | the same for every process |
//! | `Throttled` | `Done` | a 429 empties the bucket | the same for every process |
//! | `ForgetClient` | `Done` | drops every token of an application (secret rotation) | the same |

pub mod redis;

use std::time::Duration;

use crate::config::CredentialKey;
use crate::engine::Now;
use crate::error::Error;
use crate::lwa::AccessToken;
use crate::operation::UsagePlan;
use crate::pacer::{BucketKey, MemoryBuckets, Reservation};
use crate::token::{FlightId, MemoryTokens, TokenDecision};

/// One read or write of shared state, for the driver to run against its store.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StoreOp {
    /// The token for `key`, or the lease on its refresh, or a reason to wait.
    AcquireToken {
        /// Whose token.
        key: CredentialKey,
        /// The flight this call waited for, if it did.
        waited_on: Option<FlightId>,
        /// How long a refresh lease lasts before another caller may take over.
        lease: Duration,
    },
    /// The refresh this call led has ended.
    CompleteRefresh {
        /// Whose token.
        key: CredentialKey,
        /// The lease held.
        flight: FlightId,
        /// The new token, or why there is none.
        result: Result<AccessToken, Error>,
    },
    /// The refresh this call led is given up without a result.
    AbandonRefresh {
        /// Whose token.
        key: CredentialKey,
        /// The lease held.
        flight: FlightId,
    },
    /// A 401 answered a request made with `failed`.
    InvalidateToken {
        /// Whose token.
        key: CredentialKey,
        /// The token that was refused.
        failed: AccessToken,
    },
    /// Book the next slot of a bucket.
    Reserve {
        /// Which bucket.
        bucket: BucketKey,
        /// The operation's default plan.
        plan: Option<UsagePlan>,
    },
    /// Before sending on a booking made with `revision` (see [`crate::pacer`]): does it stand,
    /// or did the bucket's rate change, so that the call books again?
    Recheck {
        /// Which bucket.
        bucket: BucketKey,
        /// The operation's default plan.
        plan: Option<UsagePlan>,
        /// The booking's [`Reservation::revision`].
        revision: u64,
    },
    /// Amazon said which rate it applies (`x-amzn-RateLimit-Limit`).
    ObserveRate {
        /// Which bucket.
        bucket: BucketKey,
        /// The operation's default plan.
        plan: Option<UsagePlan>,
        /// Requests per second.
        rate: f64,
    },
    /// Amazon answered 429.
    Throttled {
        /// Which bucket.
        bucket: BucketKey,
        /// The operation's default plan.
        plan: Option<UsagePlan>,
    },
    /// Forget every token of an application (its client secret was rotated).
    ForgetClient {
        /// The application's client id.
        client_id: String,
    },
}

impl StoreOp {
    /// The step's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            StoreOp::AcquireToken { .. } => "acquire-token",
            StoreOp::CompleteRefresh { .. } => "complete-refresh",
            StoreOp::AbandonRefresh { .. } => "abandon-refresh",
            StoreOp::InvalidateToken { .. } => "invalidate-token",
            StoreOp::Reserve { .. } => "reserve",
            StoreOp::Recheck { .. } => "recheck",
            StoreOp::ObserveRate { .. } => "observe-rate",
            StoreOp::Throttled { .. } => "throttled",
            StoreOp::ForgetClient { .. } => "forget-client",
        }
    }
}

/// The answer to a [`StoreOp`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StoreReply {
    /// For [`StoreOp::AcquireToken`].
    Token(TokenDecision),
    /// For [`StoreOp::Reserve`], and [`StoreOp::Recheck`] of a voided booking: a booked slot.
    Reserved(Reservation),
    /// For [`StoreOp::Recheck`]: the booking stands.
    Kept,
    /// For every other step.
    Done,
}

/// The in-process store: tokens with single-flight refreshes, and pacing buckets. The default
/// executor of [`StoreOp`]s, and the fallback of a shared store that cannot be reached.
#[derive(Debug, Default)]
pub struct MemoryStore {
    /// Access tokens.
    pub tokens: MemoryTokens,
    /// Pacing buckets.
    pub buckets: MemoryBuckets,
}

impl MemoryStore {
    /// Runs one step at `now`.
    pub fn run(&self, op: StoreOp, now: Now) -> StoreReply {
        match op {
            StoreOp::AcquireToken { key, waited_on, lease } => {
                StoreReply::Token(self.tokens.acquire(&key, waited_on, lease, now.instant, now.wall))
            }
            StoreOp::CompleteRefresh { key, flight, result } => {
                self.tokens.complete(&key, flight, result);
                StoreReply::Done
            }
            StoreOp::AbandonRefresh { key, flight } => {
                self.tokens.abandon(&key, flight);
                StoreReply::Done
            }
            StoreOp::InvalidateToken { key, failed } => {
                self.tokens.invalidate(&key, &failed);
                StoreReply::Done
            }
            StoreOp::Reserve { bucket, plan } => {
                StoreReply::Reserved(self.buckets.reserve(&bucket, plan, now.instant))
            }
            StoreOp::Recheck { bucket, plan, revision } => {
                match self.buckets.recheck(&bucket, plan, revision, now.instant) {
                    Some(r) => StoreReply::Reserved(r),
                    None => StoreReply::Kept,
                }
            }
            StoreOp::ObserveRate { bucket, plan, rate } => {
                self.buckets.observe_rate(&bucket, plan, rate, now.instant);
                StoreReply::Done
            }
            StoreOp::Throttled { bucket, plan } => {
                self.buckets.throttled(&bucket, plan, now.instant);
                StoreReply::Done
            }
            StoreOp::ForgetClient { client_id } => {
                self.tokens.forget_client(&client_id);
                StoreReply::Done
            }
        }
    }
}
