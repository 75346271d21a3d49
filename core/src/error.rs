//! The one error type of the SDK, and its parts.

use std::fmt::{self, Write as _};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::redact::Secrets;

/// How many bytes of a response body an error keeps.
pub const MAX_ERROR_BODY: usize = 4096;

/// The response header in which a test server (the SDK's sandbox emulator) explains why it
/// refused a request: the nearest recorded example and each difference. Errors show it.
pub const DIAGNOSTIC_HEADER: &str = "x-sandbox-diagnostic";

/// How many characters of a body (or of Amazon's error messages) an error's `Display` shows;
/// the rest is marked as cut, and the kept body stays readable with [`ApiError::body`].
pub const MAX_DISPLAY_BODY: usize = 512;

/// Everything that can go wrong in a call.
///
/// Match on the variant for detail, or ask [`Error::kind`] for a coarse classification that is
/// the same whether the failure came from Amazon, from LWA or from the network.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is unusable (a missing credential, a malformed URL…).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A request was refused before anything was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// Amazon answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Login with Amazon refused to issue an access token.
    #[error(transparent)]
    Lwa(#[from] LwaError),
    /// A response arrived but could not be read as the model says it should be.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request or its response was lost on the way.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A request that must not be sent twice (placing an order) failed in a way that leaves its
    /// outcome unknown, and the follow-up check could not settle it either. Check later with
    /// the operation's read-only counterpart (for placeOrder: orderDetails with the same
    /// externalId) before trying again.
    #[error("{operation}: outcome unknown: {detail}; last failure: {last}")]
    OutcomeUnknown {
        /// The operation that was called.
        operation: &'static str,
        /// What to do about it.
        detail: String,
        /// The last failure met.
        last: Box<Error>,
    },
    /// Getting an access token from Login with Amazon failed: the token exchange with `host`
    /// was tried `attempts` times, and `last` is the final failure (an [`Error::Lwa`] refusal,
    /// a [`Error::Transport`] failure or a [`Error::Decode`] of LWA's answer). Its
    /// [`Error::kind`] is that of `last`.
    ///
    /// When LWA refused the refresh token itself (`invalid_grant`), the client remembers it:
    /// later calls for the same refresh token fail at once with this same error, without
    /// asking LWA again, until the refresh token is replaced (`with_refresh_token`) or the
    /// client secret is rotated (`rotate_client_secret`); `Display` says so.
    #[error("the token exchange with LWA at {host} failed after {attempts} attempt{}: {last}{}", if *attempts == 1 { "" } else { "s" }, if last.is_refused_grant() { REMEMBERED } else { "" })]
    TokenExchange {
        /// The LWA host that was asked, e.g. `api.amazon.com`.
        host: String,
        /// How many times the token request was sent.
        attempts: u32,
        /// The failure of the last attempt.
        last: Box<Error>,
    },
    /// The call was retried as often as the retry policy allows; `last` is the final failure.
    #[error("{operation}: gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// The operation that was called.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The failure of the last attempt.
        last: Box<Error>,
    },
    /// The server asked to wait longer before a retry than the retry policy allows
    /// (`RetryPolicy::max_retry_after`); `last` is the answer that asked.
    #[error(
        "{operation}: the server asked to wait {asked:?} before trying again, longer than the retry policy's max_retry_after ({cap:?}); raise max_retry_after to wait that long: {last}"
    )]
    RetryAfterTooLong {
        /// The operation that was called.
        operation: &'static str,
        /// The wait the server asked for.
        asked: Duration,
        /// The policy's bound.
        cap: Duration,
        /// The answer that asked.
        last: Box<Error>,
    },
}

/// What `Display` adds to a token exchange that LWA refused with `invalid_grant`.
const REMEMBERED: &str = "; this refresh token is not sent to LWA again: later calls fail at once with this error until the refresh token is replaced (with_refresh_token) or the client secret is rotated";

/// A coarse classification of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client configuration is wrong.
    Config,
    /// The request was refused client-side, before sending.
    Validation,
    /// 400: Amazon found the request invalid.
    InvalidInput,
    /// 401: the access token was missing, invalid or expired.
    Unauthorized,
    /// 403: the application lacks the role for this API, or the user email is not allowed.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 413: the request was too large.
    PayloadTooLarge,
    /// 415: the request's content type was not accepted.
    UnsupportedMediaType,
    /// 429: the usage plan's rate was exceeded.
    QuotaExceeded,
    /// 5xx: Amazon failed.
    Server,
    /// Another HTTP status.
    OtherStatus,
    /// LWA refused the credentials or failed.
    Lwa,
    /// The response could not be decoded.
    Decode,
    /// The network failed.
    Transport,
    /// Whether a non-repeatable request took effect is unknown.
    OutcomeUnknown,
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl Error {
    /// The coarse kind of this error; for [`Error::RetriesExhausted`] and
    /// [`Error::TokenExchange`], that of the last failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Validation(_) => ErrorKind::Validation,
            Error::Api(e) => e.kind,
            Error::Lwa(_) => ErrorKind::Lwa,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Transport(_) => ErrorKind::Transport,
            Error::RetriesExhausted { last, .. }
            | Error::RetryAfterTooLong { last, .. }
            | Error::TokenExchange { last, .. } => last.kind(),
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
        }
    }

    /// The API error inside, if Amazon answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::RetriesExhausted { last, .. }
            | Error::OutcomeUnknown { last, .. }
            | Error::RetryAfterTooLong { last, .. }
            | Error::TokenExchange { last, .. } => last.api(),
            _ => None,
        }
    }

    /// The refusal of Login with Amazon inside, if LWA refused to issue a token.
    pub fn lwa(&self) -> Option<&LwaError> {
        match self {
            Error::Lwa(e) => Some(e),
            Error::RetriesExhausted { last, .. }
            | Error::OutcomeUnknown { last, .. }
            | Error::RetryAfterTooLong { last, .. }
            | Error::TokenExchange { last, .. } => last.lwa(),
            _ => None,
        }
    }

    /// True when LWA refused the refresh token itself (`invalid_grant`): asking again with the
    /// same refresh token cannot succeed, so the token store remembers it (see
    /// [`Error::TokenExchange`]).
    pub fn is_refused_grant(&self) -> bool {
        self.lwa().is_some_and(|l| l.code == LwaErrorCode::InvalidGrant)
    }

    /// The network failure inside, if the request or its response was lost on the way.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport(e) => Some(e),
            Error::RetriesExhausted { last, .. }
            | Error::OutcomeUnknown { last, .. }
            | Error::TokenExchange { last, .. } => last.transport(),
            _ => None,
        }
    }

    /// Wraps a failure of the LWA leg: the token exchange with `host` failed after `attempts`
    /// tries, the last with `last`. A `last` that is already a [`Error::TokenExchange`] is
    /// returned as it is, so the wrapping is never doubled.
    pub fn token_exchange(host: impl Into<String>, attempts: u32, last: Error) -> Error {
        match last {
            e @ Error::TokenExchange { .. } => e,
            last => Error::TokenExchange { host: host.into(), attempts, last: Box::new(last) },
        }
    }

    /// This error with every value of `secrets` (and anything shaped like an LWA token) masked
    /// in every string it carries: messages, details, bodies, descriptions and nested errors.
    /// Call it before an error leaves the SDK, with the secrets held at the time (client
    /// secret, refresh token, current access token, authorization code), so a token a server
    /// echoes in its answer never reaches `Display`, `Debug` or a log.
    ///
    /// ```
    /// use amazon_business_blocking::error::{Error, TransportError};
    /// use amazon_business_blocking::redact::Secrets;
    /// use amazon_business_blocking::secret::Secret;
    ///
    /// let token = Secret::new("opaque-token-42");
    /// let e = Error::Transport(TransportError::connect("proxy said: opaque-token-42 refused"));
    /// let e = e.redacted(&Secrets::new().with(&token));
    /// assert!(!format!("{e} {e:?}").contains("opaque-token-42"));
    /// ```
    #[must_use]
    pub fn redacted(self, secrets: &Secrets<'_>) -> Error {
        let m = |s: &mut String| secrets.mask_in_place(s);
        match self {
            Error::Config(mut e) => {
                m(&mut e.message);
                Error::Config(e)
            }
            Error::Validation(mut e) => {
                m(&mut e.field);
                m(&mut e.message);
                Error::Validation(e)
            }
            Error::Api(mut e) => {
                e.redact_in_place(secrets);
                Error::Api(e)
            }
            Error::Lwa(mut e) => {
                if let LwaErrorCode::Other(c) = &mut e.code {
                    m(c);
                }
                if let Some(d) = &mut e.description {
                    m(d);
                }
                Error::Lwa(e)
            }
            Error::Decode(mut e) => {
                m(&mut e.path);
                m(&mut e.message);
                m(&mut e.body);
                Error::Decode(e)
            }
            Error::Transport(mut e) => {
                m(&mut e.message);
                Error::Transport(e)
            }
            Error::OutcomeUnknown { operation, mut detail, last } => {
                m(&mut detail);
                Error::OutcomeUnknown { operation, detail, last: Box::new(last.redacted(secrets)) }
            }
            Error::RetriesExhausted { operation, attempts, last } => {
                Error::RetriesExhausted { operation, attempts, last: Box::new(last.redacted(secrets)) }
            }
            Error::TokenExchange { host, attempts, last } => {
                Error::TokenExchange { host, attempts, last: Box::new(last.redacted(secrets)) }
            }
            Error::RetryAfterTooLong { operation, asked, cap, last } => {
                Error::RetryAfterTooLong { operation, asked, cap, last: Box::new(last.redacted(secrets)) }
            }
        }
    }

    /// Amazon's `x-amzn-RequestId` for the failed exchange, to quote to Amazon support.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }
}

/// The configuration is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {field}: {message}")]
pub struct ConfigError {
    /// The configuration field that is wrong, e.g. `client_id`.
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ConfigError {
    /// A configuration error for `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        ConfigError { field, message: message.into() }
    }
}

/// A request refused before sending because it breaks a rule of the API's model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: invalid request: {field}: {message}")]
pub struct ValidationError {
    /// The operation being built.
    pub operation: &'static str,
    /// The parameter or body field at fault, e.g. `endDate` or `items[2].quantity`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ValidationError {
    /// A validation error for `field` of `operation`.
    pub fn new(operation: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError { operation, field: field.into(), message: message.into() }
    }
}

/// One entry of the `errors` list that Amazon's APIs return with an error status.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorEntry {
    /// A short code, e.g. `InvalidInput` or `Unauthorized`.
    pub code: String,
    /// A human readable description.
    #[serde(default)]
    pub message: String,
    /// Extra detail, when Amazon gives some.
    pub details: Option<String>,
}

/// The body of an API error response: `{"errors": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ErrorList {
    /// The errors Amazon reported.
    pub errors: Vec<ErrorEntry>,
}

/// Amazon answered with an error status.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that was called (its model `operationId`).
    pub operation: &'static str,
    /// The classification of the status.
    pub kind: ErrorKind,
    /// The HTTP status.
    pub status: u16,
    /// The parsed `errors` list (empty when the body had none).
    pub errors: Vec<ErrorEntry>,
    /// `x-amzn-RequestId`: quote it when you contact Amazon.
    pub request_id: Option<String>,
    /// `x-amzn-RateLimit-Limit`: the rate (requests per second) Amazon applied.
    pub rate_limit: Option<f64>,
    /// How long Amazon asked to wait (`Retry-After`), on a 429 or 503.
    pub retry_after: Option<Duration>,
    /// The start of the raw body (at most [`MAX_ERROR_BODY`] bytes), for diagnosis. `Display`
    /// shows at most [`MAX_DISPLAY_BODY`] characters of it.
    pub body: String,
    /// The role the operation needs, used to explain a 403.
    pub role: Option<&'static str>,
    /// The test server's explanation of a refused request (the
    /// [`DIAGNOSTIC_HEADER`] header, at most [`MAX_ERROR_BODY`] bytes), shown by `Display`.
    /// Amazon itself does not send it.
    pub diagnostic: Option<String>,
    /// The size of the whole body in bytes, before it was bounded (0: not known).
    body_len: usize,
    /// True when the transport read only the start of the body (see
    /// [`TruncatedBody`](crate::wire::TruncatedBody)) and its whole size is not known.
    body_len_unknown: bool,
}

impl ApiError {
    /// An error of `operation` answered with `status`, with nothing else known yet.
    pub fn new(operation: &'static str, status: u16) -> Self {
        ApiError {
            operation,
            kind: ApiError::kind_for_status(status),
            status,
            errors: Vec::new(),
            request_id: None,
            rate_limit: None,
            retry_after: None,
            body: String::new(),
            role: None,
            diagnostic: None,
            body_len: 0,
            body_len_unknown: false,
        }
    }

    /// Keeps the start of `body` (at most [`MAX_ERROR_BODY`] bytes) and its whole size.
    pub fn set_body(&mut self, body: &[u8]) {
        self.body = bounded_body(body);
        self.body_len = body.len();
    }

    /// The kept start of the response body (at most [`MAX_ERROR_BODY`] bytes, ending in `…`
    /// when the body was longer): more than `Display` shows.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The size in bytes of the whole response body, of which [`ApiError::body`] is the start.
    pub fn body_len(&self) -> usize {
        self.body_len.max(self.body.trim_end_matches('…').len())
    }

    /// Reads an error response (its `errors` list, request id and rate limit); `retry_after`
    /// is left unset, since reading an HTTP date needs the current time.
    pub fn from_response(operation: &'static str, response: &http::Response<Vec<u8>>) -> Self {
        let headers = response.headers();
        let mut e = ApiError::new(operation, response.status().as_u16());
        e.errors = serde_json::from_slice::<ErrorList>(response.body()).map(|l| l.errors).unwrap_or_default();
        e.request_id = headers.get("x-amzn-requestid").and_then(|v| v.to_str().ok()).map(str::to_owned);
        e.rate_limit = crate::pacer::rate_limit_header(headers);
        e.set_body(response.body());
        if response.extensions().get::<crate::wire::TruncatedBody>().is_some() {
            // The transport stopped reading: the whole size is what Content-Length said, if it
            // said, and more than what was read in any case.
            let declared = headers
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| *n > response.body().len());
            e.body_len = declared.unwrap_or(response.body().len());
            e.body_len_unknown = declared.is_none();
        }
        e.diagnostic = headers
            .get(DIAGNOSTIC_HEADER)
            .map(|v| bounded_body(v.as_bytes()))
            .map(|d| d.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>())
            .filter(|d| !d.trim().is_empty());
        // A server may echo a token back; mask anything shaped like one from the start.
        e.redact_in_place(&Secrets::new());
        e
    }

    /// Masks `secrets` (and LWA token shapes) in every string of this error.
    fn redact_in_place(&mut self, secrets: &Secrets<'_>) {
        for entry in &mut self.errors {
            secrets.mask_in_place(&mut entry.code);
            secrets.mask_in_place(&mut entry.message);
            if let Some(d) = &mut entry.details {
                secrets.mask_in_place(d);
            }
        }
        secrets.mask_in_place(&mut self.body);
        if let Some(d) = &mut self.diagnostic {
            secrets.mask_in_place(d);
        }
    }

    /// The kind that an HTTP status maps to.
    pub fn kind_for_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::InvalidInput,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            413 => ErrorKind::PayloadTooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            429 => ErrorKind::QuotaExceeded,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::OtherStatus,
        }
    }

    /// The first error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.errors.first().map(|e| e.code.as_str())
    }

    fn hint(&self) -> Option<String> {
        match self.kind {
            // A presigned document URL needs no role: its 403 is about the URL, and an expired
            // one's message already says what to do.
            ErrorKind::Forbidden if self.operation == crate::download::OPERATION => {
                (self.code() != Some("ExpiredUrl")).then(|| {
                    "a presigned document URL answers 403 when it expired or was altered; call getReportDocument again for a fresh one".into()
                })
            }
            ErrorKind::Forbidden => Some(match self.role {
                Some(role) => format!(
                    "a 403 usually means the application lacks the \"{role}\" role, or the x-amz-user-email is not a user of the business account"
                ),
                None => "a 403 usually means the application lacks the role this API needs".into(),
            }),
            ErrorKind::Unauthorized => Some("the access token was refused; check the LWA credentials and that the customer has not revoked the authorization".into()),
            ErrorKind::QuotaExceeded => Some("the usage plan's rate was exceeded; slow down or ask Amazon for a higher rate".into()),
            ErrorKind::InvalidInput if self.body.contains("Could not match input arguments") => Some(
                "the static sandbox answers only requests that match a recorded example exactly".into(),
            ),
            _ => None,
        }
    }
}

/// The first `max` characters of `s`, and whether anything was left out.
fn first_chars(s: &str, max: usize) -> (&str, bool) {
    match s.char_indices().nth(max) {
        Some((end, _)) => (&s[..end], true),
        None => (s, false),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        let mut listed = String::new();
        for e in &self.errors {
            let _ = write!(listed, "; {}: {}", e.code, e.message);
            if let Some(d) = &e.details {
                let _ = write!(listed, " ({d})");
            }
        }
        let (shown, cut) = first_chars(&listed, MAX_DISPLAY_BODY);
        f.write_str(shown)?;
        if cut {
            write!(f, "… (cut, {} errors in all)", self.errors.len())?;
        }
        if self.errors.is_empty() && !self.body.is_empty() {
            let kept = self.body.strip_suffix('…').unwrap_or(&self.body);
            let (shown, cut) = first_chars(kept, MAX_DISPLAY_BODY);
            write!(f, "; body: {shown}")?;
            if self.body_len_unknown {
                write!(f, "… (cut, more than {} bytes in all)", self.body_len())?;
            } else if cut || kept.len() < self.body_len() {
                write!(f, "… (cut, {} bytes in all)", self.body_len())?;
            }
        }
        if let Some(d) = &self.diagnostic {
            let (shown, cut) = first_chars(d.strip_suffix('…').unwrap_or(d), MAX_DISPLAY_BODY);
            write!(f, "; sandbox diagnostic: {shown}{}", if cut { "… (cut)" } else { "" })?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, ". Hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The error codes Login with Amazon returns (OAuth 2.0, RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LwaErrorCode {
    /// The refresh token or authorization code is invalid, expired or revoked.
    InvalidGrant,
    /// The client id or client secret is wrong.
    InvalidClient,
    /// A parameter is missing or malformed.
    InvalidRequest,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// The scope is invalid.
    InvalidScope,
    /// LWA failed.
    ServerError,
    /// LWA is overloaded or down for maintenance.
    TemporarilyUnavailable,
    /// A code this SDK does not know, or none (HTTP failure without an OAuth body).
    Other(String),
}

impl LwaErrorCode {
    /// Reads an OAuth `error` value.
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_grant" => LwaErrorCode::InvalidGrant,
            "invalid_client" => LwaErrorCode::InvalidClient,
            "invalid_request" => LwaErrorCode::InvalidRequest,
            "unauthorized_client" => LwaErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => LwaErrorCode::UnsupportedGrantType,
            "invalid_scope" => LwaErrorCode::InvalidScope,
            "server_error" => LwaErrorCode::ServerError,
            "temporarily_unavailable" => LwaErrorCode::TemporarilyUnavailable,
            other => LwaErrorCode::Other(other.to_owned()),
        }
    }

    /// The OAuth spelling.
    pub fn as_str(&self) -> &str {
        match self {
            LwaErrorCode::InvalidGrant => "invalid_grant",
            LwaErrorCode::InvalidClient => "invalid_client",
            LwaErrorCode::InvalidRequest => "invalid_request",
            LwaErrorCode::UnauthorizedClient => "unauthorized_client",
            LwaErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            LwaErrorCode::InvalidScope => "invalid_scope",
            LwaErrorCode::ServerError => "server_error",
            LwaErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            LwaErrorCode::Other(s) => s,
        }
    }
}

/// Login with Amazon refused or failed to issue a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("LWA token exchange failed: HTTP {status}: {}{}{}", code.as_str(), description.as_deref().map(|d| format!(": {d}")).unwrap_or_default(), hint(code))]
pub struct LwaError {
    /// The OAuth error code.
    pub code: LwaErrorCode,
    /// The HTTP status of LWA's answer.
    pub status: u16,
    /// LWA's `error_description`.
    pub description: Option<String>,
}

impl LwaError {
    /// True when trying again later may succeed (LWA outage), false when the credentials are bad.
    pub fn is_transient(&self) -> bool {
        matches!(self.code, LwaErrorCode::ServerError | LwaErrorCode::TemporarilyUnavailable)
            || self.status >= 500
            || self.status == 429
    }
}

fn hint(code: &LwaErrorCode) -> &'static str {
    match code {
        LwaErrorCode::InvalidGrant => ". Hint: the refresh token (or authorization code) is wrong, revoked, or (for codes) older than five minutes",
        LwaErrorCode::InvalidClient => ". Hint: check the client id and client secret (was the secret rotated?)",
        _ => "",
    }
}

/// A response that does not have the shape its model promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: could not decode the response at {}: {message}", Self::place(path))]
pub struct DecodeError {
    /// The operation whose response failed to decode (`lwa` for token responses).
    pub operation: &'static str,
    /// JSON path of the failing value, e.g. `orders[3].orderDate` (`.` for the whole body).
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The start of the body (at most [`MAX_ERROR_BODY`] bytes); empty for LWA responses,
    /// which carry secrets.
    pub body: String,
}

impl DecodeError {
    /// The path said in words where the path-tracking decoder's marks would puzzle: `.` is the
    /// top level, a `?` segment an object key that could not be read.
    fn place(path: &str) -> String {
        match path {
            "." => "the top level".into(),
            "?" => "an object key at the top level".into(),
            _ => match path.strip_suffix(".?") {
                Some(parent) => format!("an object key in {parent}"),
                None => path.into(),
            },
        }
    }
}

/// What kind of network failure happened.
///
/// Transports classify the same failure the same way: a DNS failure, a refused or unreachable
/// connection, a proxy that refused the tunnel and a failed TLS handshake (untrusted
/// certificate, wrong name, no common protocol) are all [`TransportErrorKind::Connect`],
/// since no byte of the request left the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (DNS, refused, unreachable, proxy, TLS handshake): the
    /// request never left, so even a request that must not be sent twice may be tried again.
    Connect,
    /// No complete response arrived in time; the request may have been processed.
    Timeout,
    /// The connection broke after the request was sent; it may have been processed.
    Reset,
    /// The response was malformed at the HTTP level or cut short.
    Protocol,
    /// The response was larger than the transport's size cap. Not transient: the same request
    /// gets the same response, so it is reported once, never retried.
    TooLarge,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    /// True when trying the same request again may succeed: everything but
    /// [`TransportErrorKind::TooLarge`] (whether a retry is *allowed* is another question,
    /// answered by [`TransportError::request_never_left`] and the operation's retry safety).
    pub fn is_transient(self) -> bool {
        !matches!(self, TransportErrorKind::TooLarge)
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect; the request never left",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Reset => "connection reset",
            TransportErrorKind::Protocol => "malformed or cut-short HTTP response",
            TransportErrorKind::TooLarge => "response too large",
            TransportErrorKind::Other => "network failure",
        })
    }
}

/// A network failure, reported by a transport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("transport error ({kind:?}): {message}")]
pub struct TransportError {
    /// The kind of failure.
    pub kind: TransportErrorKind,
    /// A description (never containing secrets).
    pub message: String,
}

impl TransportError {
    /// A failure of the given kind.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into() }
    }

    /// A connection that could not be made: DNS, refused, unreachable, proxy refusal or a
    /// failed TLS handshake. [`TransportError::request_never_left`] is true for it.
    pub fn connect(message: impl Into<String>) -> Self {
        TransportError::new(TransportErrorKind::Connect, message)
    }

    /// This failure of a connection to `uri`'s host that could not be made, as a
    /// [`TransportErrorKind::Connect`] naming `host:port` (never the path or query; some HTTP
    /// libraries' DNS errors name no host).
    pub fn connecting_to(mut self, uri: &http::Uri) -> Self {
        self.kind = TransportErrorKind::Connect;
        // Said as the blocking client says it: what matters for a retry is that it never left.
        self.message =
            format!("could not connect to {}: {} (the request was not sent)", origin(uri), self.message);
        self
    }

    /// This failure, known to have happened after the connection was made (the request may
    /// have arrived): one that says nothing more ([`TransportErrorKind::Other`]) is the
    /// connection breaking, a [`TransportErrorKind::Reset`]. A non-empty `during` says where,
    /// e.g. "reading the response body".
    pub fn after_connect(mut self, during: &str) -> Self {
        if self.kind == TransportErrorKind::Other {
            self.kind = TransportErrorKind::Reset;
        }
        if !during.is_empty() {
            self.message = format!("{during}: {}", self.message);
        }
        self
    }

    /// A response larger than `limit` bytes, the transport's size cap; never retried.
    pub fn too_large(limit: u64) -> Self {
        TransportError::new(
            TransportErrorKind::TooLarge,
            format!(
                "the response is larger than the size cap of {limit} bytes; it was not read further and will not be retried"
            ),
        )
    }

    /// True only when the request certainly never reached the server: for every
    /// [`TransportErrorKind::Connect`] failure, which transports use for DNS failures,
    /// refused or unreachable connections, proxy refusals and failed TLS handshakes.
    pub fn request_never_left(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// True when the same request may succeed if tried again; false for
    /// [`TransportErrorKind::TooLarge`].
    pub fn is_transient(&self) -> bool {
        self.kind.is_transient()
    }
}

/// `host:port` of `uri`, the port filled in from the scheme (80 for http, else 443): how a
/// transport failure names where it happened, never with the path or query, which may carry
/// presigned credentials.
///
/// ```
/// let uri: http::Uri = "https://na.business-api.amazon.com/reports?x=1".parse().unwrap();
/// assert_eq!(amazon_business_blocking::error::origin(&uri), "na.business-api.amazon.com:443");
/// ```
pub fn origin(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("?");
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
    format!("{host}:{port}")
}

/// Keeps at most [`MAX_ERROR_BODY`] bytes of a body as text, cut on a character boundary.
pub(crate) fn bounded_body(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_ERROR_BODY)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    // Each invalid byte becomes a three-byte replacement character, so the text can outgrow
    // the bytes it came from (found by fuzzing); cut it again on a character boundary.
    let mut shortened = body.len() > MAX_ERROR_BODY;
    if s.len() > MAX_ERROR_BODY {
        let mut end = MAX_ERROR_BODY;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        shortened = true;
    }
    if shortened {
        s.push('…');
    }
    s
}

/// True for the messages resolvers give when a host name cannot be resolved (glibc, musl,
/// macOS, Windows and std's own wording).
fn is_dns_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no such host",
        "temporary failure in name resolution",
        "name resolution",
        "dns error",
    ]
    .iter()
    .any(|p| m.contains(p))
}

/// The kind an I/O error's own kind says, if it says one (`Other` and uncategorised kinds
/// do not).
fn io_kind(e: &std::io::Error) -> Option<TransportErrorKind> {
    use std::io::ErrorKind as K;
    Some(match e.kind() {
        K::ConnectionRefused
        | K::NotFound
        | K::AddrNotAvailable
        | K::AddrInUse
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown => TransportErrorKind::Connect,
        K::TimedOut | K::WouldBlock => TransportErrorKind::Timeout,
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            TransportErrorKind::Reset
        }
        K::InvalidData => TransportErrorKind::Protocol,
        _ => return None,
    })
}

impl From<std::io::Error> for TransportError {
    /// Classifies an I/O error: refused or unreachable connections never left; resets, broken
    /// pipes and early ends may have been processed.
    fn from(e: std::io::Error) -> Self {
        let message = e.to_string();
        let kind = io_kind(&e)
            // The resolver's failures have no stable kind of their own; their text says it.
            .or_else(|| is_dns_failure(&message).then_some(TransportErrorKind::Connect))
            .unwrap_or(TransportErrorKind::Other);
        TransportError::new(kind, message)
    }
}

/// How many links of an error's `source()` chain [`TransportError::classify`] follows.
const MAX_CHAIN: usize = 16;

/// How many characters of a classified error's message are kept.
pub const MAX_TRANSPORT_MESSAGE: usize = 1024;

/// The kind the wording of an HTTP library's message says, for errors whose types say nothing
/// (ureq's, for one, has no `source()`). Checked in this order: connect-phase words first, so
/// `timeout: connect` is a connection that never left, not a lost answer.
fn kind_from_text(message: &str) -> TransportErrorKind {
    let m = message.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if is_dns_failure(&m)
        || any(&[
            "host not found",
            "connection refused",
            "could not connect",
            "error trying to connect",
            "tcp connect error",
            "connect error",
            "connection failed",
            "timeout: connect",
            "timeout: resolve",
            "connect proxy failed",
            "proxy refused",
            "certificate",
            "handshake",
            "unknownissuer",
            "rustls",
            "tls",
        ])
    {
        TransportErrorKind::Connect
    } else if any(&["timed out", "timeout", "deadline has elapsed", "deadline exceeded"]) {
        TransportErrorKind::Timeout
    } else if any(&[
        "reset",
        "broken pipe",
        "closed before",
        "connection closed",
        "unexpected eof",
        "peer disconnected",
        "aborted",
        "incomplete",
    ]) {
        TransportErrorKind::Reset
    } else if any(&["too large", "too big"]) || (m.contains("larger than") && m.contains("limit")) {
        TransportErrorKind::TooLarge
    } else if any(&["protocol", "parse", "malformed", "invalid response", "invalid status", "invalid chunk"])
    {
        TransportErrorKind::Protocol
    } else {
        TransportErrorKind::Other
    }
}

/// `text` with the user name and password of every URL in it masked (`http://***@proxy:3128`).
fn mask_userinfo(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|w| {
            if w.contains("://") && w.contains('@') {
                crate::config::mask_url_credentials(w)
            } else {
                w.to_owned()
            }
        })
        .collect()
}

impl TransportError {
    /// Classifies any error of an HTTP library (ureq, hyper, hyper-util, reqwest, `std::io`,
    /// …) in one call, so a closure sender needs no hand-written mapping:
    /// `send(request).map_err(TransportError::from_error)`.
    ///
    /// The error's `source()` chain is walked, outermost first: an [`std::io::Error`] with a
    /// telling kind (refused, unreachable, timed out, reset, broken pipe, early end, invalid
    /// data) or a [`TransportError`] decides; otherwise the wording of the whole chain does
    /// (DNS failures, refused connections, TLS handshakes and proxy refusals are
    /// [`TransportErrorKind::Connect`]; time-outs [`TransportErrorKind::Timeout`]; resets and
    /// early closes [`TransportErrorKind::Reset`]; malformed answers
    /// [`TransportErrorKind::Protocol`]). Anything unrecognised is
    /// [`TransportErrorKind::Other`] and keeps its message; nothing panics.
    ///
    /// The message is the chain's messages joined by `: ` (repeats left out, at most
    /// [`MAX_TRANSPORT_MESSAGE`] characters), with URL credentials and anything shaped like
    /// an LWA token masked. The clients' own `transport_error` functions add their HTTP
    /// library's error types to the walk.
    ///
    /// ```
    /// use amazon_business_blocking::error::{TransportError, TransportErrorKind};
    ///
    /// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    /// assert_eq!(TransportError::from_error(refused).kind, TransportErrorKind::Connect);
    /// let odd = std::fmt::Error;
    /// assert_eq!(TransportError::from_error(odd).kind, TransportErrorKind::Other);
    /// ```
    pub fn from_error<E>(error: E) -> TransportError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        TransportError::classify(&error, |_| None)
    }

    /// [`TransportError::from_error`] for a borrowed error, with `library` asked first at
    /// every link of the chain: it returns the kind a link's own type says (a transport
    /// downcasts to its HTTP library's error types there), or `None` to go on.
    pub fn classify(
        error: &(dyn std::error::Error + 'static),
        library: impl Fn(&(dyn std::error::Error + 'static)) -> Option<TransportErrorKind>,
    ) -> TransportError {
        if let Some(t) = error.downcast_ref::<TransportError>() {
            return t.clone();
        }
        let mut message = String::new();
        let mut kind = None;
        let mut link = Some(error);
        for _ in 0..MAX_CHAIN {
            let Some(e) = link else { break };
            let text = e.to_string();
            if !text.is_empty() && !message.contains(&text) {
                if !message.is_empty() {
                    message.push_str(": ");
                }
                message.push_str(&text);
            }
            if kind.is_none() {
                // An I/O error may wrap another library's error (ureq and hyper do).
                let inner = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
                let inner: Option<&(dyn std::error::Error + 'static)> = inner.map(|i| i as _);
                kind = library(e)
                    .or_else(|| e.downcast_ref::<TransportError>().map(|t| t.kind))
                    .or_else(|| inner.and_then(&library))
                    .or_else(|| inner.and_then(|i| i.downcast_ref::<TransportError>()).map(|t| t.kind))
                    .or_else(|| e.downcast_ref::<std::io::Error>().and_then(io_kind));
            }
            link = e.source();
        }
        let kind = kind.unwrap_or_else(|| kind_from_text(&message));
        let mut message = Secrets::new().mask(&mask_userinfo(&message)).into_owned();
        if let Some((end, _)) = message.char_indices().nth(MAX_TRANSPORT_MESSAGE) {
            message.truncate(end);
            message.push('…');
        }
        if message.is_empty() {
            message = "the HTTP sender failed without a message".into();
        }
        TransportError::new(kind, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classification() {
        let cases = [
            (400, ErrorKind::InvalidInput),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (413, ErrorKind::PayloadTooLarge),
            (415, ErrorKind::UnsupportedMediaType),
            (429, ErrorKind::QuotaExceeded),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (504, ErrorKind::Server),
            (418, ErrorKind::OtherStatus),
        ];
        for (status, kind) in cases {
            assert_eq!(ApiError::kind_for_status(status), kind, "{status}");
        }
    }

    #[test]
    fn forbidden_names_the_role() {
        let e = ApiError {
            operation: "getOrdersByOrderDate",
            kind: ErrorKind::Forbidden,
            status: 403,
            errors: vec![ErrorEntry {
                code: "Unauthorized".into(),
                message: "Access denied".into(),
                details: None,
            }],
            request_id: Some("req-1".into()),
            rate_limit: None,
            retry_after: None,
            body: String::new(),
            role: Some("Amazon Business Analytics"),
            diagnostic: None,
            body_len: 0,
            body_len_unknown: false,
        };
        let s = e.to_string();
        assert!(s.contains("HTTP 403"), "{s}");
        assert!(s.contains("Amazon Business Analytics"), "{s}");
        assert!(s.contains("req-1"), "{s}");
    }

    #[test]
    fn display_shows_a_bounded_body_marked_as_cut() {
        let body = format!("<html>{}</html>", "x".repeat(5000));
        let r = http::Response::builder().status(502).body(body.clone().into_bytes()).unwrap();
        let e = ApiError::from_response("getOrders", &r);
        let s = e.to_string();
        assert!(s.len() < MAX_DISPLAY_BODY + 200, "{} characters shown", s.len());
        assert!(s.contains(&format!("… (cut, {} bytes in all)", body.len())), "{s}");
        // The error keeps more than it shows.
        assert!(e.body().len() >= MAX_ERROR_BODY && body.starts_with(e.body().trim_end_matches('…')));
        assert_eq!(e.body_len(), body.len());
        // A short body is shown whole, unmarked.
        let r = http::Response::builder().status(502).body(b"Bad gateway".to_vec()).unwrap();
        let s = ApiError::from_response("getOrders", &r).to_string();
        assert!(s.ends_with("; body: Bad gateway"), "{s}");
        // Long error messages are bounded too.
        let mut e = ApiError::new("getOrders", 400);
        e.errors = (0..50)
            .map(|i| ErrorEntry {
                code: "InvalidInput".into(),
                message: format!("field {i} {}", "y".repeat(40)),
                details: None,
            })
            .collect();
        let s = e.to_string();
        assert!(s.len() < MAX_DISPLAY_BODY + 200 && s.contains("(cut, 50 errors in all)"), "{s}");
    }

    #[test]
    fn a_body_cut_by_the_transport_says_so() {
        let start = vec![b'x'; crate::wire::MAX_ERROR_BODY_READ as usize];
        let mut r = http::Response::builder()
            .status(500)
            .header("content-length", "50000000")
            .body(start.clone())
            .unwrap();
        r.extensions_mut().insert(crate::wire::TruncatedBody);
        let e = ApiError::from_response("getReport", &r);
        assert_eq!(e.body_len(), 50_000_000);
        assert!(e.body().len() <= MAX_ERROR_BODY + 4);
        assert!(e.to_string().contains("(cut, 50000000 bytes in all)"), "{e}");
        // Without a Content-Length the size is only known to be larger.
        let mut r = http::Response::builder().status(500).body(start).unwrap();
        r.extensions_mut().insert(crate::wire::TruncatedBody);
        let e = ApiError::from_response("getReport", &r);
        assert!(e.to_string().contains("(cut, more than 65536 bytes in all)"), "{e}");
    }

    #[test]
    fn display_shows_the_sandbox_diagnostic() {
        let r = http::Response::builder()
            .status(400)
            .header(DIAGNOSTIC_HEADER, "nearest example getOrdersByOrderDate#1: query startDate: sent 2024-01-02T00:00:00Z, example 2024-01-01T00:00:00Z")
            .body(br#"{"errors":[{"code":"InvalidInput","message":"Could not match input arguments"}],"sandboxDiagnostic":{}}"#.to_vec())
            .unwrap();
        let e = ApiError::from_response("getOrdersByOrderDate", &r);
        let s = e.to_string();
        assert!(s.contains("Could not match input arguments"), "{s}");
        assert!(s.contains("sandbox diagnostic: nearest example getOrdersByOrderDate#1: query startDate: sent 2024-01-02"), "{s}");
        assert!(s.contains("Hint: the static sandbox"), "{s}");
        // Without the header nothing is added.
        let r = http::Response::builder().status(400).body(b"{}".to_vec()).unwrap();
        assert!(!ApiError::from_response("x", &r).to_string().contains("diagnostic"));
    }

    #[test]
    fn bodies_are_bounded() {
        let big = vec![b'a'; MAX_ERROR_BODY * 3];
        assert!(bounded_body(&big).len() <= MAX_ERROR_BODY + 4);
        // A multi-byte character cut in half does not panic.
        let mut s = vec![b'a'; MAX_ERROR_BODY - 1];
        s.extend_from_slice("é".as_bytes());
        let _ = bounded_body(&s);
        // Invalid UTF-8 expands when replaced; the text stays bounded all the same.
        assert!(bounded_body(&[0xff; MAX_ERROR_BODY]).len() <= MAX_ERROR_BODY + 4);
    }

    #[test]
    fn token_exchange_failures_say_where_and_how_often() {
        let inner = Error::Transport(TransportError::connect("io: Connection refused"));
        let e = Error::token_exchange("api.amazon.com", 5, inner);
        let s = e.to_string();
        assert!(
            s.starts_with("the token exchange with LWA at api.amazon.com failed after 5 attempts: "),
            "{s}"
        );
        assert!(s.contains("Connection refused"), "{s}");
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert!(e.transport().is_some_and(TransportError::request_never_left));
        // Wrapping twice does not double the message; one attempt is singular.
        let again = Error::token_exchange("other", 9, e);
        assert!(matches!(&again, Error::TokenExchange { attempts: 5, .. }), "{again:?}");
        let lwa = LwaError { code: LwaErrorCode::InvalidGrant, status: 400, description: None };
        let e = Error::token_exchange("api.amazon.co.uk", 1, Error::Lwa(lwa));
        assert!(e.to_string().contains("after 1 attempt: LWA"), "{e}");
        assert_eq!(e.kind(), ErrorKind::Lwa);
    }

    #[test]
    fn a_failed_connect_names_host_and_port_only_and_a_later_failure_is_a_reset() {
        let other = TransportError::new(TransportErrorKind::Other, "dns error: failed to lookup address");
        let uri: http::Uri =
            "https://api.example.com/reports/2021-01-08/reports/X?token=abc".parse().unwrap();
        let e = other.clone().connecting_to(&uri);
        assert_eq!(e.kind, TransportErrorKind::Connect);
        assert_eq!(
            e.message,
            "could not connect to api.example.com:443: dns error: failed to lookup address (the request was not sent)"
        );
        let plain: http::Uri = "http://127.0.0.1/x".parse().unwrap();
        assert!(other.clone().connecting_to(&plain).message.contains("127.0.0.1:80:"));
        let port: http::Uri = "http://127.0.0.1:8080/x".parse().unwrap();
        assert!(other.clone().connecting_to(&port).message.contains("127.0.0.1:8080:"));

        let e = other.clone().after_connect("reading the response body");
        assert_eq!(e.kind, TransportErrorKind::Reset);
        assert_eq!(e.message, "reading the response body: dns error: failed to lookup address");
        assert_eq!(other.after_connect("").message, "dns error: failed to lookup address");
        let timeout = TransportError::new(TransportErrorKind::Timeout, "slow").after_connect("");
        assert_eq!(timeout.kind, TransportErrorKind::Timeout, "a known kind stays");
    }

    #[test]
    fn too_large_is_not_transient_and_says_so() {
        let e = TransportError::too_large(64 << 20);
        assert_eq!(e.kind, TransportErrorKind::TooLarge);
        assert!(!e.is_transient() && !e.request_never_left());
        let s = e.to_string();
        assert!(
            s.contains("TooLarge") && s.contains("67108864 bytes") && s.contains("not be retried"),
            "{s}"
        );
        assert_eq!(TransportErrorKind::TooLarge.to_string(), "response too large");
        for k in [TransportErrorKind::Connect, TransportErrorKind::Timeout, TransportErrorKind::Reset] {
            assert!(k.is_transient(), "{k:?}");
        }
    }

    #[test]
    fn connection_failures_never_left_including_dns() {
        use std::io::{Error as Io, ErrorKind as K};
        assert!(TransportError::connect("tls handshake: UnknownIssuer").request_never_left());
        for kind in [K::ConnectionRefused, K::HostUnreachable, K::NetworkUnreachable, K::AddrNotAvailable] {
            assert!(TransportError::from(Io::from(kind)).request_never_left(), "{kind:?}");
        }
        // The resolver's failure is `Other`/uncategorised in std; its text classifies it.
        for text in [
            "failed to lookup address information: Name or service not known",
            "failed to lookup address information: nodename nor servname provided, or not known",
            "No such host is known. (os error 11001)",
        ] {
            assert!(TransportError::from(Io::other(text)).request_never_left(), "{text}");
        }
        for kind in [K::ConnectionReset, K::TimedOut, K::UnexpectedEof] {
            assert!(!TransportError::from(Io::from(kind)).request_never_left(), "{kind:?}");
        }
        assert!(!TransportError::from(Io::other("something odd")).request_never_left());
    }

    #[derive(Debug)]
    struct Wrap(&'static str, Option<Box<dyn std::error::Error + Send + Sync>>);
    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    /// An error whose source is itself: a walk that does not bound itself never ends.
    #[derive(Debug)]
    struct Cycle;
    impl fmt::Display for Cycle {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("round and round")
        }
    }
    impl std::error::Error for Cycle {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(self)
        }
    }

    #[test]
    fn any_error_is_classified_by_its_chain_then_its_words() {
        use std::io::{Error as Io, ErrorKind as K};
        use TransportErrorKind as T;
        let wrap = |text, inner: Io| Wrap(text, Some(Box::new(inner)));
        // Kinds found along the source chain decide, outermost first.
        for (e, kind) in [
            (wrap("error sending request", Io::from(K::ConnectionReset)), T::Reset),
            (wrap("client error (Connect)", Io::from(K::ConnectionRefused)), T::Connect),
            (wrap("request failed", Io::new(K::TimedOut, "deadline has elapsed")), T::Timeout),
            (wrap("reading the body", Io::from(K::UnexpectedEof)), T::Reset),
        ] {
            let t = TransportError::from_error(e);
            assert_eq!(t.kind, kind, "{t}");
        }
        // An io::Error that wraps another error (as ureq and hyper do) is looked into.
        let inner = TransportError::new(T::Protocol, "bad chunk");
        assert_eq!(TransportError::from_error(Io::other(inner.clone())).kind, T::Protocol);
        assert_eq!(TransportError::from_error(inner.clone()), inner, "a TransportError stays as it is");
        // Errors with no source and no telling type (ureq's): their words decide.
        for (text, kind) in [
            ("host not found", T::Connect),
            ("io: failed to lookup address information: Name or service not known", T::Connect),
            ("timeout: connect", T::Connect),
            ("timeout: global", T::Timeout),
            ("io: Connection reset by peer (os error 104)", T::Reset),
            ("io: Connection refused (os error 111)", T::Connect),
            ("rustls: invalid peer certificate: UnknownIssuer", T::Connect),
            ("protocol: invalid status line", T::Protocol),
            ("the response body is larger than request limit: 10485760", T::TooLarge),
            ("something odd happened", T::Other),
        ] {
            let t = TransportError::from_error(Wrap(text, None));
            assert_eq!(t.kind, kind, "{text}");
            assert_eq!(t.message, text, "the message is kept");
        }
        // A library hook is asked first, at every link.
        let hooked = TransportError::classify(&wrap("outer", Io::from(K::ConnectionReset)), |e| {
            (e.to_string() == "outer").then_some(T::Timeout)
        });
        assert_eq!(hooked.kind, T::Timeout);
        // The chain's messages are joined once each, and a cycle ends.
        let t = TransportError::from_error(wrap("sending", Io::other("socket gone")));
        assert_eq!(t.message, "sending: socket gone");
        let t = TransportError::from_error(Cycle);
        assert_eq!((t.kind, t.message.as_str()), (T::Other, "round and round"));
        assert!(TransportError::from_error(Wrap("", None)).message.contains("without a message"));
    }

    #[test]
    fn classified_messages_keep_no_secrets_and_stay_bounded() {
        let e = Wrap(
            "CONNECT proxy failed: http://alice:pr0xy-pa55@proxy.corp:3128 said no; token Atza|IwEBsecret42",
            None,
        );
        let t = TransportError::from_error(e);
        assert_eq!(t.kind, TransportErrorKind::Connect);
        assert!(!t.message.contains("pr0xy-pa55") && !t.message.contains("alice"), "{t}");
        assert!(!t.message.contains("IwEBsecret42"), "{t}");
        assert!(t.message.contains("http://***@proxy.corp:3128"), "{t}");
        let long: &'static str = Box::leak("x".repeat(10_000).into_boxed_str());
        assert!(
            TransportError::from_error(Wrap(long, None)).message.chars().count() <= MAX_TRANSPORT_MESSAGE + 1
        );
    }

    #[test]
    fn lwa_transience() {
        let e = |code: &str, status| LwaError { code: LwaErrorCode::parse(code), status, description: None };
        assert!(!e("invalid_grant", 400).is_transient());
        assert!(e("server_error", 500).is_transient());
        assert!(e("whatever", 503).is_transient());
        assert!(e("invalid_grant", 400).to_string().contains("Hint"));
    }
}
