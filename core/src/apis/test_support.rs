//! Helpers shared by the API modules' tests, and Amazon's recorded sandbox examples they check
//! against (`conformance/fixtures/examples.json`, which `extract-fixtures` takes from the models;
//! a test names the example it needs by id instead of pasting a copy).

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ValidationError};
use crate::types::DateTime;

/// The base URL the tests build requests against (Amazon's North America sandbox).
pub(crate) const SANDBOX: &str = "https://sandbox.na.business-api.amazon.com";

/// Every recorded example, parsed once.
fn examples() -> &'static [Value] {
    static EXAMPLES: OnceLock<Vec<Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        serde_json::from_str(include_str!("../../../conformance/fixtures/examples.json"))
            .expect("conformance/fixtures/examples.json is a JSON array of examples")
    })
}

/// The recorded example `id` (`<operationId>-<status>-<n>`, such as `getCart-200-0`), with its
/// `path`, `query`, `headers`, `body`, `status` and `response`.
pub(crate) fn example(id: &str) -> &'static Value {
    examples().iter().find(|e| e["id"] == id).unwrap_or_else(|| {
        panic!(
            "no example `{id}` in conformance/fixtures/examples.json (regenerate it with extract-fixtures)"
        )
    })
}

/// The response body of the recorded example `id`, as JSON text.
pub(crate) fn example_response(id: &str) -> String {
    let response = &example(id)["response"];
    assert!(!response.is_null(), "example `{id}` records no response body");
    serde_json::to_string(response).unwrap()
}

/// The JSON without explicit nulls (they read as absent `Option`s and are not written back).
pub(crate) fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// [`without_nulls`], and every date-time string rewritten in UTC with `Z`, so JSON from an
/// example compares with what the SDK writes (date-times compare as instants).
pub(crate) fn normalized(v: Value) -> Value {
    match without_nulls(v) {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::String(s) => match DateTime::parse(&s) {
            Ok(t) if s.contains('T') => Value::String(t.to_rfc3339()),
            _ => Value::String(s),
        },
        other => other,
    }
}

/// Asserts that `parsed`, written back, is the JSON of `example` (explicit nulls aside).
pub(crate) fn assert_round_trip<T: Serialize>(parsed: &T, example: &str) {
    let expected = without_nulls(serde_json::from_str(example).unwrap());
    assert_eq!(serde_json::to_value(parsed).unwrap(), expected);
}

/// [`assert_round_trip`] with date-times compared as instants ([`normalized`]), for examples that
/// write them with an offset or an empty fraction.
pub(crate) fn assert_round_trip_normalized<T: Serialize>(parsed: &T, example: &str) {
    let expected = normalized(serde_json::from_str(example).unwrap());
    assert_eq!(normalized(serde_json::to_value(parsed).unwrap()), expected);
}

/// The validation error `err` is; any other error fails the test.
pub(crate) fn validation(err: &Error) -> ValidationError {
    match err {
        Error::Validation(v) => v.clone(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A decimal from its text.
pub(crate) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A date-time from its text.
pub(crate) fn t(s: &str) -> DateTime {
    DateTime::parse(s).unwrap()
}
