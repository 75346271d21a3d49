//! The sans-IO protocol core of the Amazon Business API SDK.
//!
//! This crate builds `http::Request` values, reads `http::Response` values and decides what a
//! call does next (fetch a token, wait, retry, give up). It never opens a socket, spawns a
//! thread, sleeps, reads a clock or the environment, or draws randomness: time and jitter are
//! inputs. Use it through a transport crate (`amazon-business-blocking` or
//! `amazon-business-async`), or drive a [`Call`] yourself.
#![forbid(unsafe_code)]

pub mod apis;
pub mod call;
pub mod config;
pub mod download;
pub mod drive;
pub mod engine;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod lwa;
pub mod onboarding;
pub mod operation;
pub mod pacer;
pub mod place;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod proptest;
pub mod redact;
pub mod retry;
pub mod secret;
#[doc(hidden)]
pub mod shell;
pub mod store;
pub mod surfaces;
pub mod token;
pub mod types;
pub mod wire;

pub use call::{Call, Step, Target};
pub use config::{Config, Credentials, RetryPolicy, Timeouts};
pub use drive::{drive, BoxFuture, Driver, HttpOutcome, Pager, SharedSteps};
pub use engine::{Engine, Now};
pub use error::{Error, ErrorKind};
pub use operation::{Operation, Paginated, Probed, RequestContext, Role, UsagePlan};
pub use place::{Country, Environment, Marketplace, Region};
pub use secret::Secret;
pub use store::{MemoryStore, StoreOp, StoreReply};
pub use types::{Amount, DateTime, Decimal, Money};
