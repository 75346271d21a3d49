//! The emulated Login-with-Amazon token endpoint: refresh-token and authorization-code grants.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::state::{Answer, Shared, State, WireRequest};

/// The path of the emulated LWA token endpoint.
pub const LWA_PATH: &str = "/auth/o2/token";

/// An LWA-style error: `{"error":…,"error_description":…}`.
pub(crate) fn lwa_error(status: u16, error: &str, description: &str) -> Answer {
    Answer {
        status,
        headers: vec![("content-type".to_owned(), "application/json;charset=UTF-8".to_owned())],
        body: Some(json!({"error": error, "error_description": description}).to_string().into_bytes()),
    }
}

/// The token request's fields, from a form or a JSON object body.
fn fields(req: &WireRequest) -> Option<HashMap<String, String>> {
    let is_json = req.header("content-type").is_some_and(|c| c.to_ascii_lowercase().contains("json"));
    if !is_json {
        return Some(url::form_urlencoded::parse(&req.body).into_owned().collect());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Some(
            map.into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Answers one request to the token endpoint.
pub(crate) fn token_endpoint(shared: &Shared, state: &mut State, req: &WireRequest) -> Answer {
    if !req.method.eq_ignore_ascii_case("POST") {
        return lwa_error(405, "invalid_request", "The token endpoint takes POST");
    }
    let Some(form) = fields(req) else {
        return lwa_error(400, "invalid_request", "Malformed request body");
    };
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let grant = field("grant_type");
    if grant.is_empty() {
        return lwa_error(400, "invalid_request", "Missing parameter: grant_type");
    }
    if grant != "refresh_token" && grant != "authorization_code" {
        return lwa_error(400, "unsupported_grant_type", "The authorization grant type is not supported");
    }
    let client_ok = ["client_id", "client_secret"].iter().all(|name| !field(name).is_empty())
        && state
            .credentials
            .as_ref()
            .is_none_or(|c| field("client_id") == c.client_id && field("client_secret") == c.client_secret);
    if !client_ok {
        return lwa_error(401, "invalid_client", "Client authentication failed");
    }
    let refresh_token = if grant == "refresh_token" {
        let sent = field("refresh_token");
        if sent.is_empty() {
            return lwa_error(400, "invalid_request", "Missing parameter: refresh_token");
        }
        if state.credentials.as_ref().is_some_and(|c| sent != c.refresh_token) {
            return lwa_error(
                400,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token",
            );
        }
        sent.to_owned()
    } else {
        if field("code").is_empty() {
            return lwa_error(400, "invalid_request", "Missing parameter: code");
        }
        if field("redirect_uri").is_empty() {
            return lwa_error(400, "invalid_request", "Missing parameter: redirect_uri");
        }
        if let Some(refusal) = shared.consent.redeem(field("code"), field("redirect_uri")) {
            return refusal;
        }
        match &state.credentials {
            Some(c) => c.refresh_token.clone(),
            None => format!("Atzr|sandbox-refresh-{}", state.token_seq + 1),
        }
    };
    let lifetime = shared.config.token_lifetime;
    let token = state.issue_token(lifetime);
    let body = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime.as_secs(),
        "refresh_token": refresh_token,
    });
    Answer {
        status: 200,
        headers: vec![("content-type".to_owned(), "application/json;charset=UTF-8".to_owned())],
        body: Some(body.to_string().into_bytes()),
    }
}
