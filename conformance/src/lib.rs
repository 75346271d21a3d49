#![forbid(unsafe_code)]
//! Conformance material for the Amazon Business API SDK.
//!
//! * [`fixtures`] — the sandbox examples and the operation catalogue extracted from Amazon's
//!   published OpenAPI models, committed as JSON under `conformance/fixtures/` and embedded in
//!   this crate, plus the extractor that regenerates them.
//! * [`sandbox`] — a local HTTP emulator of Amazon's static sandbox and of the Login-with-Amazon
//!   token endpoint, with fault injection and request counters, for tests that want to exercise
//!   a real HTTP client.

pub mod fixtures;
pub mod hostile;
pub mod matrix;
pub mod replay;
pub mod sandbox;

pub use sandbox::Sandbox;

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
