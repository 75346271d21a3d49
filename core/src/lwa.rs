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
}

impl AccessToken {
    /// A token that expires at `expires_at`.
    pub fn new(value: Secret, expires_at: SystemTime) -> Self {
        AccessToken { value, expires_at }
    }

    /// The token, for the `x-amz-access-token` header.
    pub fn value(&self) -> &Secret {
        &self.value
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
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<String>,
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
        let raw: RawToken = serde_json::from_slice(response.body()).map_err(|e| {
            decode(format!(
                "LWA answered {status} with a body that is not a token response ({})",
                e.classify_name()
            ))
        })?;
        if raw.access_token.is_empty() {
            return Err(decode("LWA answered with an empty access_token"));
        }
        let expires_at = now
            .checked_add(Duration::from_secs(raw.expires_in))
            .ok_or_else(|| decode(format!("expires_in {} is out of range", raw.expires_in)))?;
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
