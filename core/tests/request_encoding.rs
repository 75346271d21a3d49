//! Request encoding, for every operation: an arbitrary valid operation (built from arbitrary
//! inputs the model allows, through the operation's public constructor and setters) becomes an
//! `http::Request`, which an independent decoder reads back — the `url` crate's parser for the
//! path and query, `percent-encoding` to decode each component, `serde_json` for the body. What
//! comes back must be the inputs: each path segment, each query value (csv arrays element by
//! element, date-times in UTC with `Z`, booleans, numbers), each header, the body; and nothing
//! the inputs did not set (but the documented defaults: a required `region`/`productRegion`
//! from the configured marketplace, `x-amz-user-email` from the configured default).
//!
//! A comma inside an element of a csv array is percent-encoded (`%2C`), while the separators
//! are literal commas: a server that splits the raw value on `,` before decoding — as RFC 3986
//! intends for a reserved delimiter — gets the elements back exactly. (One that decodes first
//! would split the element; Amazon documents no escape, so an element with a comma is best
//! avoided in practice.) The test checks exactly this split-then-decode reading.
//!
//! Cases per operation: 64 by default, `PROPTEST_CASES` overrides.

use std::collections::BTreeMap;

use amazon_business_core::proptest::{operation_with_inputs, ArbitraryOperation, Inputs};
use amazon_business_core::{Marketplace, Operation, RequestContext};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use url::Url;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
}

/// The operation's parameters as the embedded schema declares them.
fn schema_of(id: &str) -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    &SCHEMA.get_or_init(|| serde_json::from_str(amazon_business_core::proptest::SCHEMA_JSON).unwrap())
        ["operations"][id]
}

fn decode(s: &str) -> Result<String, TestCaseError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|e| TestCaseError::fail(format!("{s:?} does not decode to UTF-8: {e}")))
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const DEFAULT_EMAIL: &str = "configured-default@example.com";

/// Builds the request and reads it back; every difference from the inputs fails.
fn check<O: ArbitraryOperation>(
    inputs: &Inputs,
    op: &O,
    base: &str,
    marketplace: Marketplace,
    default_email: bool,
) -> Result<(), TestCaseError> {
    let spec = schema_of(O::ID);
    let base_url = Url::parse(base).unwrap();
    let cx = RequestContext {
        base_url: &base_url,
        marketplace,
        user_email: default_email.then_some(DEFAULT_EMAIL),
    };
    let request = op
        .request(&cx)
        .map_err(|e| TestCaseError::fail(format!("a valid operation is refused: {e}\n{inputs:?}")))?;
    prop_assert_eq!(request.method().as_str(), spec["method"].as_str().unwrap());

    // Path: the url crate's parser, then each segment against the model's template.
    let url = Url::parse(&request.uri().to_string())
        .map_err(|e| TestCaseError::fail(format!("{} is not a URL: {e}", request.uri())))?;
    prop_assert_eq!(url.scheme(), base_url.scheme());
    prop_assert_eq!(url.host_str(), base_url.host_str());
    let base_segments: Vec<&str> = base_url.path_segments().unwrap().filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = url.path_segments().unwrap().collect();
    let template: Vec<&str> = spec["path"].as_str().unwrap().trim_start_matches('/').split('/').collect();
    prop_assert_eq!(
        segments.len(),
        base_segments.len() + template.len(),
        "{} has other segments than {}{:?}",
        url,
        base,
        template
    );
    prop_assert_eq!(&segments[..base_segments.len()], &base_segments[..]);
    let mut path = BTreeMap::new();
    for (raw, t) in segments[base_segments.len()..].iter().zip(&template) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) => {
                path.insert(name.to_owned(), decode(raw)?);
            }
            None => prop_assert_eq!(raw, t),
        }
    }
    prop_assert_eq!(&path, &inputs.path, "path parameters");

    // Query: split the raw query on `&`, `=` and (for arrays) `,`, then decode each part.
    let params = spec["parameters"].as_array().unwrap();
    let declared =
        |name: &str, location: &str| params.iter().find(|p| p["name"] == name && p["in"] == location);
    let mut query: BTreeMap<String, Value> = BTreeMap::new();
    for pair in url.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k)?;
        let p = declared(&key, "query");
        prop_assert!(p.is_some(), "query parameter {} is not in the model", key);
        let value = if p.unwrap()["type"] == "array" {
            Value::Array(v.split(',').map(|e| decode(e).map(Value::String)).collect::<Result<_, _>>()?)
        } else {
            Value::String(decode(v)?)
        };
        prop_assert!(query.insert(key.clone(), value).is_none(), "{} is sent twice", key);
    }
    for (name, expected) in &inputs.query {
        let sent = query.remove(name);
        prop_assert!(sent.is_some(), "{} was set but is not sent: {}", name, url);
        let sent = sent.unwrap();
        let p = declared(name, "query").unwrap();
        match expected {
            Value::Array(items) => {
                let items: Vec<Value> = items.iter().map(|v| Value::String(scalar_text(v))).collect();
                prop_assert_eq!(&sent, &Value::Array(items), "csv array {}", name);
            }
            _ if p["format"] == "date-time" => {
                let text = sent.as_str().unwrap();
                prop_assert!(text.ends_with('Z'), "{}={} is not in UTC with Z", name, text);
                let fmt = &time::format_description::well_known::Rfc3339;
                let got = time::OffsetDateTime::parse(text, fmt);
                let want = time::OffsetDateTime::parse(expected.as_str().unwrap(), fmt).unwrap();
                prop_assert!(got.is_ok(), "{}={} is not RFC 3339", name, text);
                prop_assert_eq!(got.unwrap(), want, "{}", name);
            }
            Value::Bool(b) => prop_assert_eq!(sent, Value::String(b.to_string()), "boolean {}", name),
            other => prop_assert_eq!(sent, Value::String(scalar_text(other)), "{}", name),
        }
    }
    // What is left was not set: only the documented defaults may be.
    for (name, sent) in query {
        let required = declared(&name, "query").is_some_and(|p| p["required"] == true);
        let is_default = ["region", "productRegion"].contains(&name.as_str())
            && required
            && sent == Value::String(marketplace.country().as_api_str().to_owned());
        prop_assert!(is_default, "{}={} is sent but was not set", name, sent);
    }

    // Headers.
    let header = |name: &str| request.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    for (name, value) in &inputs.headers {
        prop_assert_eq!(header(name), Some(value.clone()), "header {}", name);
    }
    let email = header("x-amz-user-email");
    if !inputs.headers.contains_key("x-amz-user-email") {
        let expected =
            (default_email && declared("x-amz-user-email", "header").is_some()).then_some(DEFAULT_EMAIL);
        prop_assert_eq!(email.as_deref(), expected, "x-amz-user-email");
    }
    let known_headers = ["x-amz-user-email", "content-type"];
    for name in request.headers().keys() {
        prop_assert!(known_headers.contains(&name.as_str()), "header {} is sent but was not set", name);
    }

    // Body.
    match &inputs.body {
        Some(body) => {
            prop_assert_eq!(header("content-type"), Some("application/json".to_owned()));
            let sent: Value = serde_json::from_slice(request.body())
                .map_err(|e| TestCaseError::fail(format!("the body is not JSON: {e}")))?;
            prop_assert_eq!(&sent, body, "body");
        }
        None => {
            prop_assert!(request.body().is_empty(), "a body is sent but was not set");
            prop_assert!(header("content-type").is_none());
        }
    }
    Ok(())
}

/// Runs [`check`] on arbitrary operations `O`; the number of cases run.
fn run<O: ArbitraryOperation>() -> Result<u32, String> {
    let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::with_cases(cases()) });
    let bases = prop_oneof![
        Just("https://na.business-api.amazon.com"),
        Just("https://sandbox.eu.business-api.amazon.com/"),
        Just("http://127.0.0.1:8080/a%20proxy/prefix"),
    ];
    let markets = proptest::sample::select(Marketplace::ALL.to_vec());
    runner
        .run(
            &(operation_with_inputs::<O>(), bases, markets, any::<bool>()),
            |((inputs, op), base, m, email)| check(&inputs, &op, base, m, email),
        )
        .map_err(|e| format!("{}: {e}", O::ID))?;
    Ok(cases())
}

macro_rules! every_operation {
    ($($accessor:ident => $surface:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => {
        /// `(operationId, runner)` for every operation of the table.
        const OPERATIONS: &[(&str, fn() -> Result<u32, String>)] = &[$($((<$op as Operation>::ID, run::<$op>),)*)*];
    };
}

amazon_business_core::for_each_operation!(every_operation);

#[test]
fn every_operation_encodes_exactly_its_inputs() {
    // Derived from the one operation table: a new operation is covered, or fails to compile.
    let ids: Vec<&str> = OPERATIONS.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, amazon_business_core::apis::OPERATION_IDS);
    assert_eq!(ids.len(), 32);
    let mut failures = Vec::new();
    let mut total = 0;
    for (id, run) in OPERATIONS {
        match run() {
            Ok(n) => total += n,
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    println!("request encoding: {} operations x {} cases = {total} cases", ids.len(), cases());
    assert!(failures.is_empty(), "{} operations encode wrongly:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn a_comma_inside_a_csv_element_is_percent_encoded_and_the_separators_are_not() {
    use amazon_business_core::apis::reporting::GetOrderLineItemReports;
    use amazon_business_core::DateTime;
    let base = Url::parse("https://na.business-api.amazon.com").unwrap();
    let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
    let t = DateTime::parse("2024-05-01T10:00:00+02:00").unwrap();
    let op = GetOrderLineItemReports::new(t, t).order_ids(["a,b", "c"]);
    let request = op.request(&cx).unwrap();
    let query = request.uri().query().unwrap();
    assert!(query.contains("orderIds=a%2Cb,c"), "{query}");
    // Date-times go in UTC with `Z`.
    assert!(query.contains("orderStartDate=2024-05-01T08%3A00%3A00Z"), "{query}");
    // Split on the literal commas, then decode: the elements come back.
    let raw = query.split('&').find_map(|p| p.strip_prefix("orderIds=")).unwrap();
    let elements: Vec<String> = raw.split(',').map(|e| decode(e).unwrap()).collect();
    assert_eq!(elements, ["a,b", "c"]);
}

#[test]
fn a_dot_segment_path_parameter_is_refused_with_a_clear_error() {
    use amazon_business_core::apis::cart::GetCart;
    let base = Url::parse("https://na.business-api.amazon.com").unwrap();
    let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
    for id in [".", ".."] {
        let e = GetCart::new(id).request(&cx).unwrap_err().to_string();
        assert!(e.contains("cartId") && e.contains("dots"), "{e}");
    }
    // Dots inside a segment are fine.
    let request = GetCart::new("...").request(&cx).unwrap();
    assert!(request.uri().path().ends_with("/carts/..."));
}
