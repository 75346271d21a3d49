//! Entry points for the fuzz targets in `fuzz/`: each takes raw bytes from the network side and
//! must never panic. They live here, not in `fuzz/`, so that an ordinary test replays the
//! committed corpus on stable Rust (`core/tests/fuzz_corpus.rs`).
#![doc(hidden)]

use std::time::{Duration, SystemTime};

use crate::operation::Operation;
use crate::secret::Secret;

fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> http::Response<Vec<u8>> {
    let mut r = http::Response::new(body.to_vec());
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (http::HeaderName::try_from(*k), http::HeaderValue::from_str(v)) {
            r.headers_mut().insert(k, v);
        }
    }
    r
}

/// A fixed wall-clock time: the targets read no clock.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// Splits input into a selector byte and the rest.
fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((b, rest)) => (*b, rest),
        None => (0, data),
    }
}

/// An LWA token response body with an arbitrary status.
pub fn lwa_response(data: &[u8]) {
    let (sel, body) = split(data);
    let status = [200, 400, 401, 429, 500, 503][usize::from(sel) % 6];
    if let Ok(t) = crate::lwa::parse_token_response(&response(status, &[], body), now()) {
        // A parsed token never shows itself in Debug (LWA tokens contain '|'; nothing else in
        // the rendering does).
        if t.access_token.value().expose().contains('|') {
            assert!(!format!("{:?}", t.access_token).contains('|'));
        }
    }
}

/// An API error response: body and the headers read from it.
pub fn api_error(data: &[u8]) {
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\n');
    let request_id = parts.next().unwrap_or_default();
    let retry_after = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let status = 400 + u16::from(sel) % 200;
    let r = response(
        status,
        &[
            ("x-amzn-requestid", request_id),
            ("retry-after", retry_after),
            ("x-amzn-ratelimit-limit", retry_after),
        ],
        body.as_bytes(),
    );
    let e = crate::call::api_error("fuzz", None, &r, now());
    let _ = e.to_string();
    assert!(e.body.len() <= crate::error::MAX_ERROR_BODY + 4);
}

/// `Retry-After` and `x-amzn-RateLimit-Limit` header values.
pub fn headers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = crate::retry::parse_retry_after(&text, now());
    if let Ok(v) = http::HeaderValue::from_bytes(data) {
        let mut h = http::HeaderMap::new();
        h.insert("x-amzn-ratelimit-limit", v);
        if let Some(rate) = crate::pacer::rate_limit_header(&h) {
            assert!(rate.is_finite() && rate > 0.0);
        }
    }
}

fn parse_with<O: Operation>(op: O, body: &[u8])
where
    O::Output: serde::Serialize,
{
    if let Ok(out) = op.parse(&response(200, &[], body)) {
        // Whatever was read must write back out.
        serde_json::to_vec(&out).expect("a parsed output serialises");
    }
}

macro_rules! response_targets {
    ($($accessor:ident => $ty:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => {
        /// The operation ids in the order [`operation_response`] picks them by its first byte.
        pub fn response_targets() -> Vec<&'static str> {
            vec![$($(<$op as Operation>::ID,)*)*]
        }

        /// Parses the bytes after the first as a 2xx response of one operation, chosen by the
        /// first byte (modulo the number of operations, in the order of `response_targets`,
        /// which is that of [`OPERATION_IDS`](crate::apis::OPERATION_IDS)).
        pub fn operation_response(data: &[u8]) {
            let (sel, body) = split(data);
            let mut i = usize::from(sel) % response_targets().len();
            $($(
                if i == 0 {
                    return parse_with(<$op>::new($($sample),*), body);
                }
                i -= 1;
            )*)*
            let _ = i;
        }
    };
}

crate::for_each_operation!(response_targets);

/// Request encoding round trips: path/query encoding decodes back to the input; a parsed
/// date-time formats and re-parses to the same instant; a decimal amount survives JSON.
pub fn encoding_roundtrip(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let encoded = crate::wire::encode_component(&text);
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
    let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().expect("utf-8 in, utf-8 out");
    assert_eq!(decoded, text);
    if let Ok(t) = crate::DateTime::parse(&text) {
        let again = crate::DateTime::parse(&t.to_rfc3339()).expect("own output parses");
        assert_eq!(again, t);
    }
    if let Ok(a) = serde_json::from_slice::<crate::Amount>(data) {
        let back: crate::Amount =
            serde_json::from_slice(&serde_json::to_vec(&a).expect("writes")).expect("reads");
        assert_eq!(back, a);
        assert_eq!(back.form(), a.form());
    }
}

/// The last value of `key` among the query pairs of `query`.
fn last_pair(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == key)
        .last()
        .map(|(_, v)| v.into_owned())
}

/// The consent redirect readers over an arbitrary URL or query: `read_redirect` (against one
/// issued state), `read_callback` (against a state store) and `AppCenterLogin::read`. The
/// first byte picks how long after its issue the redirect arrives (0 to 765 s, against a
/// five-minute TTL). What they return came from the input, and a callback reads once.
pub fn onboarding_redirect(data: &[u8]) {
    use crate::onboarding::{
        read_callback, read_redirect, AppCenterLogin, MemoryStateStore, OnboardingError, PendingState,
        RedirectError, StateStore,
    };
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let issued_at = now();
    let at = issued_at + Duration::from_secs(u64::from(sel) * 3);
    let max_age = Duration::from_secs(300);
    // The state every seed carries: 32 bytes of 0xab, as hex.
    let pending = PendingState::new([0xab; 32], issued_at, "https://app.example/cb");
    let value = pending.value().expose().to_owned();

    let redirect_query = text.strip_prefix('?').unwrap_or(&text);
    match read_redirect(&text, &pending.issued(), at, max_age) {
        Ok(code) => {
            assert_eq!(last_pair(redirect_query, "state").as_deref(), Some(value.as_str()));
            assert_eq!(last_pair(redirect_query, "code").as_deref(), Some(code.expose()));
            assert!(!code.expose().is_empty() && last_pair(redirect_query, "error").is_none());
            assert!(at.duration_since(issued_at).unwrap_or_default() <= max_age);
        }
        Err(RedirectError::StateMismatch) => {
            assert_ne!(last_pair(redirect_query, "state").as_deref(), Some(value.as_str()));
        }
        Err(e) => {
            assert_eq!(last_pair(redirect_query, "state").as_deref(), Some(value.as_str()));
            assert!(!e.to_string().is_empty());
        }
    }

    let query = crate::onboarding::query_of(&text);
    let store = MemoryStateStore::new(Duration::from_secs(3600));
    store.put(pending.clone(), issued_at).expect("the in-memory store keeps any state");
    match read_callback(&text, &store, at, max_age) {
        Ok(cb) => {
            assert_eq!(cb.state, pending);
            assert_eq!(last_pair(query, "state").as_deref(), Some(value.as_str()));
            assert_eq!(last_pair(query, "code").as_deref(), Some(cb.code.expose()));
            assert!(last_pair(query, "error").is_none());
            // Neither the code nor the state shows in Debug.
            let shown = format!("{cb:?}");
            assert!(!shown.contains(&value));
            if cb.code.expose().len() >= 4 && !"Callback { state: PendingState".contains(cb.code.expose()) {
                let code = cb.code.expose();
                let placeholder =
                    format!("{:?}", crate::onboarding::Callback { code: Secret::new(""), ..cb.clone() });
                assert!(placeholder.contains(code) || !shown.contains(code), "the code shows in {shown}");
            }
            // A state works once.
            let again = read_callback(&text, &store, at, max_age);
            assert!(matches!(again, Err(OnboardingError::ReplayedState)), "{again:?}");
        }
        Err(OnboardingError::ForgedState) => {
            assert_ne!(last_pair(query, "state").as_deref(), Some(value.as_str()));
        }
        Err(e) => {
            assert_eq!(last_pair(query, "state").as_deref(), Some(value.as_str()));
            assert!(!e.to_string().is_empty());
        }
    }

    if let Ok(login) = AppCenterLogin::read(&text) {
        assert_eq!(last_pair(query, "amazon_callback_uri").as_deref(), Some(login.callback_uri.as_str()));
        assert_eq!(last_pair(query, "amazon_state").as_deref(), Some(login.amazon_state.as_str()));
        // A login it accepted can always be completed, and says so with App Center's state.
        for success in [true, false] {
            let url = login.completion_url(success).expect("an accepted callback URI completes");
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            assert!(pairs.contains(&("amazon_state".to_owned(), login.amazon_state.clone())), "{url}");
        }
        let _ = login.acknowledgement(&pending.clone().for_app_center(login.clone()));
    }
}
