//! The API pipeline for a request routed to an operation:
//! throttle → authenticate → user email → recorded example → simulation → mismatch diagnosis.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::json;

use super::matching::{find_match, MatchOutcome, RequestParts};
use super::simulations;
use super::state::{Answer, Bucket, Shared, State, WireRequest};
use super::DIAGNOSTIC_HEADER;
use crate::fixtures::OperationSpec;

/// The rate (requests per second) and burst of an operation's default usage plan, as
/// documented; operations without a documented plan get the sandbox's own 5/s, burst 15.
pub fn usage_plan(spec: &str, operation: &str) -> (f64, u32) {
    match (spec, operation) {
        ("Cart_API", _) => (2.0, 2),
        ("Ordering_API", _) | ("PackageTracking_API", _) => (0.5, 10),
        ("Reconciliation_API", _) => (2.0, 10),
        (s, _) if s.starts_with("Reporting_API") => (0.5, 10),
        ("UserManagement_API", _) => (1.0, 5),
        _ => (5.0, 15),
    }
}

/// One request routed to an operation of the catalogue (or of an added example).
#[derive(Debug)]
pub(crate) struct ApiCall<'r> {
    pub req: &'r WireRequest,
    pub operation: &'r str,
    /// The operation's entry in the catalogue; `None` for an operation only an added example
    /// knows.
    pub spec: Option<&'r OperationSpec>,
    pub template: &'r str,
    pub path_params: &'r BTreeMap<String, String>,
    /// The `x-amzn-RateLimit-Limit` every answer carries.
    pub rate: Option<String>,
}

impl ApiCall<'_> {
    pub(crate) fn rate(&self) -> Option<&str> {
        self.rate.as_deref()
    }

    /// The request as matching sees it; `header` looks the request's headers up (pass
    /// `&|name| call.req.header(name)`).
    pub(crate) fn parts<'a>(&'a self, header: &'a dyn Fn(&str) -> Option<String>) -> RequestParts<'a> {
        RequestParts {
            path_params: self.path_params.clone(),
            query: self.req.query_pairs(),
            header,
            body: &self.req.body,
        }
    }
}

/// A miss, with what the diagnosis needs (owned, so that simulations may change the state).
pub(crate) struct Miss {
    nearest: Option<String>,
    differences: Vec<String>,
}

/// Answers a request routed to an operation.
pub(crate) fn api(shared: &Shared, state: &mut State, call: &ApiCall<'_>) -> Answer {
    let admitted = throttle(shared, state, call)
        .and_then(|()| authenticate(shared, state, call))
        .and_then(|()| check_user_email(shared, call));
    if let Err(refusal) = admitted {
        return refusal;
    }
    match recorded(shared, state, call) {
        Ok(answer) => answer,
        Err(miss) => {
            simulations::simulate(shared, state, call).unwrap_or_else(|| mismatch(shared, call, miss))
        }
    }
}

impl Shared {
    /// The `x-amzn-RateLimit-Limit` announced for an operation of the catalogue: the rate of
    /// its usage plan, scaled as it is enforced when usage plans are enforced (so that a client
    /// that paces to the announced rate paces to the real one).
    pub(crate) fn rate_header(&self, operation: &str) -> Option<String> {
        let op = self.operation(operation)?;
        let (rate, _) = usage_plan(&op.spec, &op.operation);
        Some((rate * self.config.usage_plans.unwrap_or(1.0)).to_string())
    }
}

/// With usage plans enforced, one token bucket per operation; an empty bucket answers 429.
fn throttle(shared: &Shared, state: &mut State, call: &ApiCall<'_>) -> Result<(), Answer> {
    let Some(time_scale) = shared.config.usage_plans else { return Ok(()) };
    let (rate, burst) = call.spec.map(|o| usage_plan(&o.spec, &o.operation)).unwrap_or((5.0, 15));
    let now = Instant::now();
    let bucket = state
        .buckets
        .entry(call.operation.to_owned())
        .or_insert(Bucket { tokens: f64::from(burst), last: now });
    let elapsed = now.duration_since(bucket.last).as_secs_f64();
    bucket.tokens = (bucket.tokens + elapsed * rate * time_scale).min(f64::from(burst));
    bucket.last = now;
    if bucket.tokens < 1.0 {
        return Err(shared.api_error(
            429,
            "QuotaExceeded",
            "You exceeded your quota for the requested resource.",
            call.rate(),
        ));
    }
    bucket.tokens -= 1.0;
    Ok(())
}

/// The request must carry an access token this server issued, neither expired nor revoked.
fn authenticate(shared: &Shared, state: &State, call: &ApiCall<'_>) -> Result<(), Answer> {
    let token = call.req.header("x-amz-access-token").unwrap_or_default();
    if state.tokens.get(&token).is_some_and(|expiry| Instant::now() < *expiry) {
        return Ok(());
    }
    let message = if token.is_empty() {
        "Access to requested resource is denied: missing access token."
    } else if state.tokens.contains_key(&token) {
        "Access to requested resource is denied: the access token has expired."
    } else {
        "Access to requested resource is denied: unknown or revoked access token."
    };
    Err(shared.api_error(401, "Unauthorized", message, call.rate()))
}

/// Where the model requires `x-amz-user-email`, it must be there (and be the configured one).
fn check_user_email(shared: &Shared, call: &ApiCall<'_>) -> Result<(), Answer> {
    if !shared.config.require_user_email || !call.spec.is_some_and(OperationSpec::requires_user_email) {
        return Ok(());
    }
    match call.req.header("x-amz-user-email").filter(|e| !e.is_empty()) {
        None => Err(shared.api_error(
            400,
            "InvalidInput",
            "Missing required header x-amz-user-email",
            call.rate(),
        )),
        Some(email) if shared.config.user_email.as_ref().is_some_and(|e| *e != email) => {
            Err(shared.api_error(403, "Unauthorized", "Email is not authorized", call.rate()))
        }
        Some(_) => Ok(()),
    }
}

/// The recorded answer of the first example the request matches exactly.
pub(super) fn recorded(shared: &Shared, state: &State, call: &ApiCall<'_>) -> Result<Answer, Miss> {
    let candidates = state.candidates(call.operation, &call.req.method, call.template);
    let header = |name: &str| call.req.header(name);
    match find_match(call.spec, candidates, &call.parts(&header)) {
        MatchOutcome::Hit(example) => {
            let mut headers = vec![("x-amzn-RequestId".to_owned(), shared.request_id())];
            if let Some(rate) = call.rate() {
                headers.push(("x-amzn-RateLimit-Limit".to_owned(), rate.to_owned()));
            }
            let body = example.response.as_ref().map(|v| v.to_string().into_bytes());
            if body.is_some() {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
            }
            Ok(Answer { status: example.status, headers, body })
        }
        MatchOutcome::Miss { nearest, differences } => {
            Err(Miss { nearest: nearest.map(|e| e.id.clone()), differences })
        }
    }
}

/// Amazon's `InvalidInput` for a request no example matches, with the emulator's diagnosis in
/// a header and in the body.
pub(super) fn mismatch(shared: &Shared, call: &ApiCall<'_>, miss: Miss) -> Answer {
    let mut answer = shared.api_error(400, "InvalidInput", "Could not match input arguments", call.rate());
    let text = format!(
        "nearest example {}: {}",
        miss.nearest.as_deref().unwrap_or("(none)"),
        miss.differences.join("; ")
    );
    let header: String = text.chars().map(|c| if (' '..='~').contains(&c) { c } else { '?' }).collect();
    answer.headers.push((DIAGNOSTIC_HEADER.to_owned(), header));
    let body = json!({
        "errors": [{"code": "InvalidInput", "message": "Could not match input arguments"}],
        "sandboxDiagnostic": {
            "nearestExample": miss.nearest,
            "differences": miss.differences,
        },
    });
    answer.body = Some(body.to_string().into_bytes());
    answer
}
