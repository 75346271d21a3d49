//! Offline replay of every one of Amazon's recorded sandbox examples through the typed API: the
//! request built as a user would build it must be the recorded one exactly (or be refused
//! client-side, for the invalid ones), and the recorded response must parse into the typed
//! output or typed error and re-serialise to the same JSON.
//!
//! The comparison of a re-serialised output with the recorded response drops the recorded
//! explicit `null`s (the typed models read `null` and an absent key alike as `None` and write
//! `None` by leaving the key out), compares date-time strings as instants and numbers by value,
//! and is otherwise exact: every key, every array element, every string. The only fields it
//! leaves out are those in [`NOT_IN_MODEL`], each printed.

use amazon_business_conformance::fixtures::{load_examples, Example};
use amazon_business_conformance::replay::{build, not_expressible, NOT_EXPRESSIBLE};
use amazon_business_conformance::sandbox::request_differences;
use amazon_business_core::call::api_error;
use amazon_business_core::{Error, Marketplace, RequestContext};
use serde_json::Value;

/// Fields of recorded responses that the operation's model does not define, as (example id,
/// JSON path). The SDK never invents fields, so its typed output cannot carry them; the round
/// trip removes exactly these paths from the recorded response before comparing, prints them,
/// and fails if one is no longer in the example or shows up in the output.
const NOT_IN_MODEL: &[(&str, &str)] = &[
    // `OffersResult` (the model of searchOffersRequest's 200) has no `legalInformation`; the
    // recorded example carries the product-level field anyway.
    ("searchOffersRequest-200-0", "$.legalInformation"),
];

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

/// Splits `$.a[0].b` into its steps.
fn steps(path: &str) -> Vec<Result<usize, String>> {
    let mut out = Vec::new();
    for part in path.trim_start_matches('$').split('.').filter(|s| !s.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push(Err(rest[..i].to_owned()));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push(Ok(rest[1..end].parse().expect("an array index")));
                rest = &rest[end + 1..];
            }
        } else {
            out.push(Err(rest.to_owned()));
        }
    }
    out
}

/// Removes the value at `path`; returns whether there was one.
fn remove_path(v: &mut Value, path: &str) -> bool {
    let steps = steps(path);
    let Some((last, parents)) = steps.split_last() else { return false };
    let mut cur = v;
    for step in parents {
        let next = match step {
            Ok(i) => cur.get_mut(*i),
            Err(k) => cur.get_mut(k.as_str()),
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    match (last, cur) {
        (Err(k), Value::Object(m)) => m.remove(k).is_some(),
        (Ok(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

fn has_path(v: &Value, path: &str) -> bool {
    let mut cur = v;
    for step in steps(path) {
        let next = match &step {
            Ok(i) => cur.get(*i),
            Err(k) => cur.get(k.as_str()),
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    true
}

/// The first place where `got` differs from `expected` (numbers by value, date-time strings as
/// instants), as a JSON path with both values; `None` when they are the same.
fn difference(expected: &Value, got: &Value, at: &str) -> Option<String> {
    match (expected, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => {
                        if let Some(d) = difference(v, w, &format!("{at}.{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{at}.{k} is missing from the output (expected {v})")),
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("{at}.{k} is in the output ({}) but not in the example", b[k]))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("{at} has {} items in the output, {} in the example", b.len(), a.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| difference(x, y, &format!("{at}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = a.to_string().parse::<amazon_business_core::Decimal>().ok()
                == b.to_string().parse::<amazon_business_core::Decimal>().ok();
            (!same).then(|| format!("{at}: expected {a}, got {b}"))
        }
        (Value::String(a), Value::String(b)) if a != b => {
            match (amazon_business_core::DateTime::parse(a), amazon_business_core::DateTime::parse(b)) {
                (Ok(x), Ok(y)) if x == y => None,
                _ => Some(format!("{at}: expected {a:?}, got {b:?}")),
            }
        }
        (a, b) => (a != b).then(|| format!("{at}: expected {a}, got {b}")),
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

/// The (code, message) pairs of a recorded error response.
fn recorded_errors(ex: &Example) -> Vec<(String, String)> {
    ex.response
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
        .unwrap_or_default()
}

#[derive(Default)]
struct Tally {
    total: usize,
    request_exact: usize,
    refused: Vec<String>,
    not_expressible: Vec<String>,
    parsed: usize,
    round_trip_total: usize,
    round_tripped: usize,
    allowed: Vec<String>,
    failures: Vec<String>,
}

#[test]
fn every_example_replays_offline() {
    let base = url::Url::parse("https://sandbox.na.business-api.amazon.com").unwrap();
    let examples = load_examples();
    let mut t = Tally::default();
    for ex in &examples {
        t.total += 1;
        let email = ex.headers.get("x-amz-user-email").and_then(Value::as_str);
        let cx = RequestContext {
            base_url: &base,
            marketplace: Marketplace::UnitedStates,
            user_email: email.or(Some("buyer@example.com")),
        };
        let built = build(ex);
        // The request: exact, refused client-side, or listed as not expressible.
        let outcome: Result<(), String> = match &built {
            Ok(Some(op)) => match op.request(&cx) {
                Ok(request) => {
                    let diffs = request_differences(ex, &request);
                    if diffs.is_empty() {
                        t.request_exact += 1;
                        Ok(())
                    } else {
                        Err(format!("request differs: {}", diffs.join("; ")))
                    }
                }
                Err(Error::Validation(v)) if ex.status >= 400 => {
                    t.refused.push(format!("{} ({})", ex.id, v.field));
                    Ok(())
                }
                Err(e) => Err(format!("the typed API refused a valid example: {e}")),
            },
            Ok(None) => Err("the replay table has no builder for this operation".to_owned()),
            Err(Error::Validation(v)) if ex.status >= 400 => {
                t.refused.push(format!("{} ({})", ex.id, v.field));
                Ok(())
            }
            Err(e) => Err(format!("the example's parameters do not build: {e}")),
        };
        match (outcome, not_expressible(&ex.id)) {
            (Ok(()), Some(_)) => t.failures.push(format!(
                "{}: replays now; remove it from replay::NOT_EXPRESSIBLE and from conformance/README.md",
                ex.id
            )),
            (Ok(()), None) => {}
            (Err(_), Some(why)) => t.not_expressible.push(format!("{}: {why}", ex.id)),
            (Err(e), None) => t.failures.push(format!("{}: {e}", ex.id)),
        }

        // The response.
        let resp = response(ex);
        if (200..300).contains(&ex.status) {
            let Ok(Some(op)) = &built else {
                t.failures.push(format!("{}: no typed operation to parse the response with", ex.id));
                continue;
            };
            let out = match op.parse(&resp) {
                Ok(out) => out,
                Err(e) => {
                    t.failures.push(format!("{}: response does not parse: {e}", ex.id));
                    continue;
                }
            };
            t.parsed += 1;
            let Some(recorded) = &ex.response else { continue };
            let mut expected = without_nulls(recorded);
            // A `()` output (Amazon answers 204 with no body) has nothing to round-trip, and
            // neither has the model's `{}` placeholder for it.
            if out.is_null() && expected.as_object().is_some_and(|m| m.is_empty()) {
                continue;
            }
            for (id, path) in NOT_IN_MODEL.iter().filter(|(id, _)| *id == ex.id) {
                if !remove_path(&mut expected, path) {
                    t.failures.push(format!("{id}: allow-listed {path} is not in the example"));
                }
                if has_path(&out, path) {
                    t.failures.push(format!("{id}: allow-listed {path} is in the typed output"));
                }
                t.allowed.push(format!("{id} {path}"));
            }
            t.round_trip_total += 1;
            match difference(&expected, &out, "$") {
                None => t.round_tripped += 1,
                Some(d) => t.failures.push(format!("{}: re-serialised output differs: {d}", ex.id)),
            }
        } else {
            let e = api_error(ex.operation.clone().leak(), None, &resp, std::time::SystemTime::now());
            let expected = recorded_errors(ex);
            let got: Vec<(String, String)> =
                e.errors.iter().map(|e| (e.code.clone(), e.message.clone())).collect();
            if e.status == ex.status && !expected.is_empty() && got == expected {
                t.parsed += 1;
            } else {
                t.failures.push(format!("{}: error parsed as {got:?}, expected {expected:?}", ex.id));
            }
        }
    }
    for r in &t.refused {
        println!("refused client-side: {r}");
    }
    for u in &t.not_expressible {
        println!("not expressible: {u}");
    }
    for a in &t.allowed {
        println!("not in the model, left out of the round trip: {a}");
    }
    println!(
        "conformance: {}/{} examples replayed ({} request-exact, {} refused client-side, {} not expressible), {}/{} responses parsed, {}/{} round-tripped",
        t.request_exact + t.refused.len(),
        t.total,
        t.request_exact,
        t.refused.len(),
        t.not_expressible.len(),
        t.parsed,
        t.total,
        t.round_tripped,
        t.round_trip_total
    );
    assert!(t.failures.is_empty(), "{} failures:\n{}", t.failures.len(), t.failures.join("\n"));
    assert_eq!(t.not_expressible.len(), NOT_EXPRESSIBLE.len(), "a NOT_EXPRESSIBLE entry names no example");
    assert_eq!(t.allowed.len(), NOT_IN_MODEL.len(), "a NOT_IN_MODEL entry names no 2xx example");
}

/// The replay table covers every operation the SDK implements.
#[test]
fn the_table_builds_every_operation() {
    let mut missing: Vec<&str> = amazon_business_core::apis::OPERATION_IDS
        .iter()
        .copied()
        .filter(|id| !amazon_business_conformance::replay::SUPPORTED.contains(id))
        .collect();
    missing.sort_unstable();
    assert!(missing.is_empty(), "no builder for {missing:?}");
    assert_eq!(amazon_business_conformance::replay::SUPPORTED.len(), 32);
}

/// placeOrder, orderDetails and rotateApplicationClientSecret have no recorded example (Amazon's
/// sandbox does not mock them); hand-made ones build exactly too.
#[test]
fn hand_made_examples_of_the_unmocked_operations_build_exactly() {
    let base = url::Url::parse("https://sandbox.na.business-api.amazon.com").unwrap();
    let cx = RequestContext {
        base_url: &base,
        marketplace: Marketplace::UnitedStates,
        user_email: Some("buyer@example.com"),
    };
    let examples = amazon_business_conformance::replay::hand_made_examples();
    for ex in &examples {
        let op = build(ex).unwrap_or_else(|e| panic!("{}: {e}", ex.id)).expect("a builder");
        let request = op.request(&cx).unwrap_or_else(|e| panic!("{}: {e}", ex.id));
        let diffs = request_differences(ex, &request);
        assert!(diffs.is_empty(), "{}: {diffs:?}", ex.id);
    }
    // An order the typed API refuses (no line items) is refused, not sent.
    let empty = Example::for_operation("placeOrder").body(serde_json::json!({
        "externalId": "po-1", "lineItems": [], "attributes": [], "expectations": []
    }));
    let err = build(&empty).unwrap().unwrap().request(&cx).unwrap_err();
    assert!(matches!(err, Error::Validation(ref v) if v.field == "lineItems"), "{err}");
}
