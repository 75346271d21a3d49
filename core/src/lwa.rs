//! Login with Amazon: the token requests and the reading of LWA's answers.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use serde::Deserialize;
use url::{form_urlencoded, Url};

use crate::error::{DecodeError, Error, LwaError, LwaErrorCode};
use crate::secret::Secret;

/// The content type LWA expects.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// An access token and the wall-clock instant it stops working.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    value: Secret,
    expires_at: SystemTime,
    /// The `x-amz-access-token` header value (marked sensitive), checked once here and sharing
    /// the token's bytes, so each request clones a reference instead of checking and copying
    /// ~400 bytes; `None` when the token is not a valid header value (the call then fails).
    header: Option<http::HeaderValue>,
}

impl AccessToken {
    /// A token that expires at `expires_at`.
    pub fn new(value: Secret, expires_at: SystemTime) -> Self {
        let header = http::HeaderValue::from_maybe_shared(value.shared_bytes()).ok().map(|mut v| {
            v.set_sensitive(true);
            v
        });
        AccessToken { value, expires_at, header }
    }

    /// The token, for the `x-amz-access-token` header.
    pub fn value(&self) -> &Secret {
        &self.value
    }

    /// The token as the `x-amz-access-token` header's value (sensitive: `Debug` shows
    /// `Sensitive`), or `None` when LWA issued a token that is not a valid header value.
    pub fn header_value(&self) -> Option<&http::HeaderValue> {
        self.header.as_ref()
    }

    /// When the token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// True when the token is still good for at least `skew` after `now`.
    pub fn is_fresh(&self, now: SystemTime, skew: Duration) -> bool {
        now.checked_add(skew).is_some_and(|t| t < self.expires_at)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &self.value)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What LWA issued.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: AccessToken,
    /// A refresh token, returned by the authorization-code grant.
    pub refresh_token: Option<Secret>,
    /// The token type (`bearer`).
    pub token_type: String,
}

fn form_request(lwa_url: &Url, user_agent: &str, pairs: &[(&str, &str)]) -> http::Request<Vec<u8>> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    http::Request::builder()
        .method(http::Method::POST)
        .uri(lwa_url.as_str())
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, user_agent)
        .body(body.into_bytes())
        .expect("a parsed URL and fixed headers make a valid request")
}

/// The refresh-grant request that exchanges a refresh token for an access token.
pub fn refresh_request(
    lwa_url: &Url,
    user_agent: &str,
    client_id: &str,
    client_secret: &Secret,
    refresh_token: &Secret,
) -> http::Request<Vec<u8>> {
    form_request(
        lwa_url,
        user_agent,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", client_id),
            ("client_secret", client_secret.expose()),
        ],
    )
}

/// The authorization-code request that completes onboarding (codes live five minutes).
pub fn authorization_code_request(
    lwa_url: &Url,
    user_agent: &str,
    client_id: &str,
    client_secret: &Secret,
    code: &Secret,
    redirect_uri: &str,
) -> http::Request<Vec<u8>> {
    form_request(
        lwa_url,
        user_agent,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("client_id", client_id),
            ("client_secret", client_secret.expose()),
            ("redirect_uri", redirect_uri),
        ],
    )
}

#[derive(Deserialize)]
struct RawToken {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    /// Read by [`lifetime`], which names the field and the value when it is unusable.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// The longest lifetime an access token is given, whatever LWA's `expires_in` says. LWA's
/// tokens live one hour; a larger value (`1e300`, a misconfigured proxy) is clamped to it, so
/// a bogus answer costs at most one refresh an hour.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// At most this many characters of an unusable `expires_in` are quoted in the error.
const MAX_QUOTED: usize = 40;

/// How long a token lives, from LWA's `expires_in`:
///
/// - a number of seconds (an integer, a fraction, or a string holding one) up to
///   [`MAX_TOKEN_LIFETIME`] is taken as it is; a larger one is clamped to it;
/// - `0` or a negative number means the token is already due: it is used for the call that
///   asked for it and the next call refreshes it (the same as a token that expired);
/// - a missing, non-numeric or non-finite value is a [`DecodeError`] at `expires_in` that
///   quotes what was received (bounded, token shapes masked).
fn lifetime(raw: Option<&serde_json::Value>) -> Result<Duration, Error> {
    use serde_json::Value;
    let unusable = |what: String| {
        Error::Decode(DecodeError {
            operation: "lwa",
            path: "expires_in".into(),
            message: format!(
                "LWA's token answer has {what}; expected the token's lifetime in seconds (a number such as 3600)"
            ),
            body: String::new(),
        })
    };
    let seconds = match raw {
        None | Some(Value::Null) => return Err(unusable("no expires_in".into())),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match seconds {
        Some(s) if s.is_finite() => Ok(if s <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(s.min(MAX_TOKEN_LIFETIME.as_secs_f64()))
        }),
        _ => {
            let shown = raw.map(|v| v.to_string()).unwrap_or_default();
            let mut quoted: String = shown.chars().take(MAX_QUOTED).collect();
            if shown.chars().count() > MAX_QUOTED {
                quoted.push('…');
            }
            let quoted = crate::redact::Secrets::new().mask(&quoted).into_owned();
            Err(unusable(format!("expires_in {quoted}, which is not a number of seconds")))
        }
    }
}

#[derive(Deserialize)]
struct RawError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

fn decode(message: impl Into<String>) -> Error {
    // The body may carry tokens, so it is never kept.
    Error::Decode(DecodeError {
        operation: "lwa",
        path: ".".into(),
        message: message.into(),
        body: String::new(),
    })
}

/// Reads LWA's answer. `now` is the wall-clock time the answer arrived.
pub fn parse_token_response(
    response: &http::Response<Vec<u8>>,
    now: SystemTime,
) -> Result<TokenResponse, Error> {
    let status = response.status().as_u16();
    if response.status().is_success() {
        let de = &mut serde_json::Deserializer::from_slice(response.body());
        let raw: RawToken = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // serde's wording quotes mistyped values (which may be tokens); only "missing
            // field" is shown as it is.
            let what = inner.to_string();
            let what = match what.split(" at line").next() {
                Some(m) if m.starts_with("missing field") => m.to_owned(),
                _ => inner.classify_name().to_owned(),
            };
            let mut e =
                decode(format!("LWA answered {status} with a body that is not a token response ({what})"));
            if let Error::Decode(d) = &mut e {
                d.path = path;
            }
            e
        })?;
        if raw.access_token.is_empty() {
            return Err(decode("LWA answered with an empty access_token"));
        }
        let lifetime = lifetime(raw.expires_in.as_ref())?;
        let expires_at = now
            .checked_add(lifetime)
            .ok_or_else(|| decode("the token's expiry (now + expires_in) is beyond the clock's range"))?;
        return Ok(TokenResponse {
            access_token: AccessToken::new(Secret::new(raw.access_token), expires_at),
            refresh_token: raw.refresh_token.map(Secret::new),
            token_type: raw.token_type.unwrap_or_else(|| "bearer".into()),
        });
    }
    let (code, description) = match serde_json::from_slice::<RawError>(response.body()) {
        Ok(e) => (LwaErrorCode::parse(&e.error), e.error_description),
        Err(_) => (
            LwaErrorCode::Other(String::new()),
            Some(format!("LWA answered HTTP {status} without an OAuth error body")),
        ),
    };
    // LWA may quote the token it refused: mask anything shaped like one.
    Err(Error::Lwa(LwaError { code, status, description }).redacted(&crate::redact::Secrets::new()))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "missing or mistyped field",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://api.amazon.com/auth/o2/token").unwrap()
    }

    fn resp(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn refresh_grant_form_body() {
        let req = refresh_request(
            &url(),
            "ua",
            "amzn1.application-oa2-client.x",
            &Secret::new("s3cr3t"),
            &Secret::new("Atzr|IwE+/x"),
        );
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(req.headers()[CONTENT_TYPE], FORM_CONTENT_TYPE);
        assert_eq!(
            std::str::from_utf8(req.body()).unwrap(),
            "grant_type=refresh_token&refresh_token=Atzr%7CIwE%2B%2Fx&client_id=amzn1.application-oa2-client.x&client_secret=s3cr3t"
        );
    }

    #[test]
    fn code_grant_form_body() {
        let req = authorization_code_request(
            &url(),
            "ua",
            "id",
            &Secret::new("s"),
            &Secret::new("ANcode"),
            "https://app.example/cb",
        );
        assert_eq!(
            std::str::from_utf8(req.body()).unwrap(),
            "grant_type=authorization_code&code=ANcode&client_id=id&client_secret=s&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"
        );
    }

    #[test]
    fn parses_a_token() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let t = parse_token_response(
            &resp(200, r#"{"access_token":"Atza|abc","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|def"}"#),
            now,
        )
        .unwrap();
        assert_eq!(t.access_token.value().expose(), "Atza|abc");
        assert_eq!(t.access_token.expires_at(), now + Duration::from_secs(3600));
        assert_eq!(t.refresh_token.unwrap().expose(), "Atzr|def");
        assert!(!format!("{:?}", t.access_token).contains("abc"));
    }

    #[test]
    fn parses_oauth_errors() {
        let now = SystemTime::UNIX_EPOCH;
        for (body, code) in [
            (
                r#"{"error":"invalid_grant","error_description":"The request has an invalid grant parameter"}"#,
                LwaErrorCode::InvalidGrant,
            ),
            (
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
                LwaErrorCode::InvalidClient,
            ),
            (r#"{"error":"unsupported_grant_type"}"#, LwaErrorCode::UnsupportedGrantType),
        ] {
            match parse_token_response(&resp(400, body), now).unwrap_err() {
                Error::Lwa(e) => {
                    assert_eq!(e.code, code);
                    assert_eq!(e.status, 400);
                }
                other => panic!("{other:?}"),
            }
        }
        match parse_token_response(&resp(503, "<html>down</html>"), now).unwrap_err() {
            Error::Lwa(e) => assert!(e.is_transient()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_success_is_a_decode_error_without_the_body() {
        let err = parse_token_response(&resp(200, r#"{"access_token":"Atza|leak""#), SystemTime::UNIX_EPOCH)
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)));
        assert!(!format!("{err} {err:?}").contains("leak"));
    }

    fn expiry(expires_in: &str) -> Result<Duration, Error> {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let body =
            format!(r#"{{"access_token":"Atza|abc","token_type":"bearer","expires_in":{expires_in}}}"#);
        parse_token_response(&resp(200, &body), now)
            .map(|t| t.access_token.expires_at().duration_since(now).unwrap_or_default())
    }

    #[test]
    fn expires_in_zero_or_negative_is_due_at_once_huge_is_clamped() {
        let skew = crate::token::REFRESH_SKEW;
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        for raw in ["0", "-5", "-1e300", "0.0"] {
            assert_eq!(expiry(raw).unwrap(), Duration::ZERO, "{raw}");
        }
        // Due at once: the call that got it uses it; the next one refreshes.
        let due =
            parse_token_response(&resp(200, r#"{"access_token":"Atza|abc","expires_in":-5}"#), now).unwrap();
        assert!(!due.access_token.is_fresh(now, skew));
        for raw in ["1e300", "99999999999999999999999", "86400"] {
            assert_eq!(expiry(raw).unwrap(), MAX_TOKEN_LIFETIME, "{raw}");
        }
        assert_eq!(expiry("3600").unwrap(), Duration::from_secs(3600));
        assert_eq!(expiry("1800.5").unwrap(), Duration::from_secs_f64(1800.5));
        assert_eq!(expiry(r#""3600""#).unwrap(), Duration::from_secs(3600), "a numeric string is read");
    }

    #[test]
    fn unusable_expires_in_is_named_with_what_came() {
        for (raw, shown) in [
            (r#""soon""#, r#"expires_in "soon""#),
            ("true", "expires_in true"),
            ("[1]", "expires_in [1]"),
            ("null", "no expires_in"),
            (r#""Atza|IwEBleaked-token""#, "expires_in \"Atza|***"),
        ] {
            let err = expiry(raw).unwrap_err();
            let Error::Decode(d) = &err else { panic!("{err:?}") };
            assert_eq!(d.path, "expires_in", "{raw}");
            let text = err.to_string();
            assert!(text.contains("at expires_in") && text.contains(shown), "{raw}: {text}");
            assert!(!text.contains("IwEBleaked"), "{text}");
        }
        let err = parse_token_response(&resp(200, r#"{"access_token":"Atza|abc"}"#), SystemTime::UNIX_EPOCH)
            .unwrap_err();
        assert!(err.to_string().contains("no expires_in"), "{err}");
        // A long value is quoted bounded.
        let long = format!(r#""{}""#, "x".repeat(500));
        assert!(expiry(&long).unwrap_err().to_string().len() < 300);
    }

    #[test]
    fn other_unusable_token_answers_name_the_field_not_the_value() {
        let err =
            parse_token_response(&resp(200, r#"{"expires_in":3600}"#), SystemTime::UNIX_EPOCH).unwrap_err();
        assert!(err.to_string().contains("missing field `access_token`"), "{err}");
        let err = parse_token_response(
            &resp(200, r#"{"access_token":42,"expires_in":3600}"#),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap_err();
        let Error::Decode(d) = &err else { panic!("{err:?}") };
        assert_eq!(d.path, "access_token", "{err}");
        assert!(!err.to_string().contains("42"), "{err}");
    }

    #[test]
    fn token_shapes_in_lwa_descriptions_are_masked() {
        let err = parse_token_response(
            &resp(400, r#"{"error":"invalid_grant","error_description":"refresh token Atzr|IwEBsecret9 is revoked"}"#),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("IwEBsecret9"), "{shown}");
        assert!(shown.contains("Atzr|***"), "{shown}");
    }

    #[test]
    fn freshness_uses_the_skew() {
        let t = AccessToken::new(Secret::new("x"), SystemTime::UNIX_EPOCH + Duration::from_secs(3600));
        let skew = Duration::from_secs(60);
        assert!(t.is_fresh(SystemTime::UNIX_EPOCH + Duration::from_secs(3539), skew));
        assert!(!t.is_fresh(SystemTime::UNIX_EPOCH + Duration::from_secs(3540), skew));
    }
}
