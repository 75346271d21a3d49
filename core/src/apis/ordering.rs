//! Ordering API, version 2022-10-30: placing orders and reading their outcome.
