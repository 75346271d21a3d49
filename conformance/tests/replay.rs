//! Offline replay of every one of Amazon's recorded sandbox examples through the typed API: the
//! request built as a user would build it must be the recorded one exactly (or be refused
//! client-side, for the invalid ones), and the recorded response must parse into the typed
//! output or typed error and re-serialise to the same JSON.

use amazon_business_conformance::fixtures::{load_examples, Example};
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::request_differences;
use amazon_business_core::call::api_error;
use amazon_business_core::{Error, Marketplace, Now, RequestContext};
use serde_json::Value;

/// Explicit nulls in a recorded response read as absent (`None`), so the comparison drops them.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// JSON equality where numbers compare by value and date-time strings as instants.
fn same(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Number(a), Value::Number(b)) => {
            a.to_string().parse::<amazon_business_core::Decimal>().ok()
                == b.to_string().parse::<amazon_business_core::Decimal>().ok()
        }
        (Value::String(a), Value::String(b)) if a != b => {
            match (amazon_business_core::DateTime::parse(a), amazon_business_core::DateTime::parse(b)) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            }
        }
        (a, b) => a == b,
    }
}

fn response(ex: &Example) -> http::Response<Vec<u8>> {
    let body = ex.response.as_ref().map(|v| serde_json::to_vec(v).unwrap()).unwrap_or_default();
    http::Response::builder()
        .status(ex.status)
        .header("x-amzn-RequestId", "replay")
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

#[derive(Default)]
struct Tally {
    total: usize,
    request_exact: usize,
    refused: usize,
    not_expressible: usize,
    parsed: usize,
    round_trip_total: usize,
    round_tripped: usize,
    failures: Vec<String>,
}

#[test]
fn every_example_replays_offline() {
    let base = url::Url::parse("https://sandbox.na.business-api.amazon.com").unwrap();
    let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
    let examples = load_examples();
    let mut t = Tally::default();
    for ex in &examples {
        t.total += 1;
        let email = ex.headers.get("x-amz-user-email").and_then(Value::as_str);
        let cx = RequestContext { user_email: email.or(Some("buyer@example.com")), ..cx };
        let built = build(ex);
        // The request.
        match &built {
            Ok(Some(op)) => match op.request(&cx) {
                Ok(request) => {
                    let diffs = request_differences(ex, &request);
                    if diffs.is_empty() {
                        t.request_exact += 1;
                    } else {
                        t.failures.push(format!("{}: request differs: {}", ex.id, diffs.join("; ")));
                    }
                }
                Err(Error::Validation(v)) if ex.status >= 400 => {
                    assert!(!v.field.is_empty() && !v.message.is_empty());
                    t.refused += 1;
                }
                Err(e) => t.failures.push(format!("{}: the typed API refused a valid example: {e}", ex.id)),
            },
            Ok(None) => t.not_expressible += 1,
            Err(Error::Validation(_)) if ex.status >= 400 => t.refused += 1,
            Err(e) => t.failures.push(format!("{}: the example's parameters do not build: {e}", ex.id)),
        }
        // The response.
        let resp = response(ex);
        if (200..300).contains(&ex.status) {
            let Ok(Some(op)) = &built else { continue };
            match op.parse(&resp) {
                Ok(out) => {
                    t.parsed += 1;
                    if let Some(expected) = &ex.response {
                        t.round_trip_total += 1;
                        if same(&without_nulls(expected), &out) {
                            t.round_tripped += 1;
                        } else {
                            t.failures.push(format!(
                                "{}: re-serialised output differs:\n  expected {}\n  got      {}",
                                ex.id,
                                without_nulls(expected),
                                out
                            ));
                        }
                    }
                }
                Err(e) => t.failures.push(format!("{}: response does not parse: {e}", ex.id)),
            }
        } else {
            let e = api_error(
                ex.operation.clone().leak(),
                None,
                &resp,
                Now::new(std::time::Instant::now(), std::time::SystemTime::now()),
            );
            let expected: Vec<(String, String)> = ex
                .response
                .as_ref()
                .and_then(|r| r.get("errors"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            (
                                e["code"].as_str().unwrap_or_default().to_owned(),
                                e["message"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let got: Vec<(String, String)> =
                e.errors.iter().map(|e| (e.code.clone(), e.message.clone())).collect();
            if e.status == ex.status && got == expected {
                t.parsed += 1;
            } else {
                t.failures.push(format!("{}: error parsed as {got:?}, expected {expected:?}", ex.id));
            }
        }
    }
    println!(
        "conformance: {}/{} examples replayed ({} request-exact, {} refused client-side, {} not expressible), {}/{} responses parsed, {}/{} round-tripped",
        t.request_exact + t.refused,
        t.total,
        t.request_exact,
        t.refused,
        t.not_expressible,
        t.parsed,
        t.total,
        t.round_tripped,
        t.round_trip_total
    );
    assert!(t.failures.is_empty(), "{} failures:\n{}", t.failures.len(), t.failures.join("\n"));
}
