//! Helpers shared by the API modules' tests.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::types::DateTime;

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

/// A decimal from its text.
pub(crate) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A date-time from its text.
pub(crate) fn t(s: &str) -> DateTime {
    DateTime::parse(s).unwrap()
}
