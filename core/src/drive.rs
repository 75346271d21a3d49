//! The one driver loop, shared by both transports.
//!
//! A transport implements [`Driver`] — send an HTTP request, sleep, run a store step, wait for
//! a token, read the clock, draw a seed — and hands it to [`drive`], which runs a
//! [`Call`](crate::Call) to its end: every decision comes from the call, every log line from
//! here. Nothing in this module performs I/O; it only awaits what the driver returns. The
//! blocking transport runs the same future with a minimal thread-parking executor (its driver
//! does the I/O before returning ready futures); the async transport awaits it on any
//! executor.
//!
//! A call that never waits on anything (answered from memory: a remembered `invalid_grant`, a
//! validation error) yields to the executor once before it returns, so that a loop of such
//! calls cannot hold an executor's worker away from its other tasks.
//!
//! [`Pager`] is the pagination both transports build their page iterator and stream on.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::call::{Step, Target};
use crate::config::CredentialKey;
use crate::engine::{Engine, Now};
use crate::error::{Error, TransportError};
use crate::operation::{Operation, Paginated};
use crate::store::{StoreOp, StoreReply};

/// The longest a driver waits in [`Driver::await_token`] before the call asks the store again
/// (a store that cannot notify, or a wake-up missed: the call re-decides either way, and a
/// refresh whose leader vanished is taken over when its lease ends).
pub const TOKEN_WAIT: Duration = Duration::from_secs(5);

/// A boxed, `Send` future, as [`Driver`]'s methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What sending one request gives: the whole response, or the network failure.
pub type HttpOutcome = Result<http::Response<Vec<u8>>, TransportError>;

/// The I/O a call needs, supplied by a transport. Each method only performs what it is asked;
/// no method decides anything about the protocol.
pub trait Driver: Sync {
    /// The current time on both clocks.
    fn now(&self) -> Now;
    /// Sends one HTTP request and returns the whole response.
    fn send(&self, request: http::Request<Vec<u8>>, target: Target) -> BoxFuture<'_, HttpOutcome>;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
    /// Runs one store step (in memory, or on a shared store with the memory store as fallback).
    fn store(&self, op: StoreOp, now: Now) -> BoxFuture<'_, StoreReply>;
    /// Waits until the token generation of `key` differs from `generation`, or a short bound
    /// passes (the call asks the store again either way).
    fn await_token(&self, key: &CredentialKey, generation: u64) -> BoxFuture<'_, ()>;
    /// Runs a store step without waiting for it: the hand-over of a refresh when a call is
    /// given up midway (its future dropped). Must not block.
    fn store_detached(&self, op: StoreOp, now: Now);
}

/// Hands a refresh the call was leading over to its waiters if the call is dropped midway.
struct Abandon<'c, 'd, O: Operation, D: Driver + ?Sized> {
    call: crate::Call<'c, O>,
    driver: &'d D,
}

impl<O: Operation, D: Driver + ?Sized> Drop for Abandon<'_, '_, O, D> {
    fn drop(&mut self) {
        if let Some(op) = self.call.abandon() {
            tracing::debug!(operation = O::ID, step = op.name(), "call dropped midway: handing over");
            self.driver.store_detached(op, self.driver.now());
        }
    }
}

/// Runs one call of `op` on `engine` through `driver`, to its end.
pub async fn drive<O: Operation, D: Driver + ?Sized>(
    engine: &Engine,
    op: &O,
    driver: &D,
) -> Result<O::Output, Error> {
    let debug = engine.config().debug();
    let mut guard = Abandon { call: engine.call(op, engine.next_seed()), driver };
    // Whether the call waited on anything: one answered wholly from memory (a remembered
    // `invalid_grant`, a validation error) yields once before it returns, so a loop of such
    // calls cannot keep an executor's worker from its other tasks.
    let mut waited = false;
    loop {
        let now = driver.now();
        match guard.call.poll(now) {
            Step::Send { request, target } => {
                if debug {
                    tracing::debug!(
                        operation = O::ID,
                        ?target,
                        "request\n{}",
                        engine.render_request(&request)
                    );
                }
                waited = true;
                let outcome = driver.send(request, target).await;
                let later = driver.now();
                let elapsed_ms = later.instant.saturating_duration_since(now.instant).as_millis() as u64;
                match &outcome {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        tracing::debug!(operation = O::ID, ?target, status, elapsed_ms, "response");
                        if debug {
                            tracing::debug!(
                                operation = O::ID,
                                ?target,
                                "response\n{}",
                                engine.render_response(r)
                            );
                        }
                    }
                    Err(e) => {
                        let error = engine.mask_text(&e.to_string());
                        tracing::debug!(operation = O::ID, ?target, %error, "transport failure")
                    }
                }
                guard.call.receive(outcome, later)?;
            }
            Step::Sleep(d) => {
                tracing::debug!(operation = O::ID, wait_ms = d.as_millis() as u64, "waiting");
                waited = true;
                driver.sleep(d).await;
            }
            Step::Store(op) => {
                tracing::trace!(operation = O::ID, step = op.name(), "store step");
                let reply = driver.store(op, now).await;
                guard.call.receive_store(reply, driver.now())?;
            }
            Step::AwaitToken { key, generation } => {
                tracing::debug!(operation = O::ID, "waiting for another call's token exchange");
                waited = true;
                driver.await_token(&key, generation).await;
            }
            Step::Done(result) => {
                if let Err(e) = &result {
                    tracing::debug!(operation = O::ID, error = %e, "call failed");
                }
                if !waited {
                    YieldOnce(false).await;
                }
                return result;
            }
        }
    }
}

/// Pending once (waking itself at once), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// The pages of a paginated operation: which operation to send next, and when to stop (after
/// the last page, after an error, or after a limit).
#[derive(Debug, Clone)]
pub struct Pager<O> {
    next: Option<O>,
    remaining: Option<usize>,
}

impl<O: Paginated> Pager<O> {
    /// Pages starting with `first`.
    pub fn new(first: O) -> Self {
        Pager { next: Some(first), remaining: None }
    }

    /// Stops after at most `max_pages` pages.
    pub fn limit(mut self, max_pages: Option<usize>) -> Self {
        self.remaining = max_pages;
        self
    }

    /// The operation for the next page, or `None` when paging is over. Report its result with
    /// [`Pager::record`].
    pub fn take(&mut self) -> Option<O> {
        if self.remaining == Some(0) {
            return None;
        }
        if let Some(n) = &mut self.remaining {
            *n -= 1;
        }
        self.next.take()
    }

    /// Records what sending `op` (from [`Pager::take`]) gave: the page after it follows, an
    /// error ends the paging.
    pub fn record(&mut self, op: &O, result: &Result<O::Output, Error>) {
        self.next = result.as_ref().ok().and_then(|output| op.next_page(output));
    }
}
