//! Wire rules shared by every operation: path and query encoding (RFC 3986), csv arrays,
//! date-times, JSON bodies, and reading JSON responses with precise error paths.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{bounded_body, DecodeError, Error, ValidationError};
use crate::operation::RequestContext;
use crate::place::{Country, CountryCode};
use crate::types::{Amount, DateTime};

/// Characters left as they are in a path segment or query component: RFC 3986 unreserved.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Where `{name}` is in `path` (each placeholder of a model path appears once).
fn placeholder(path: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let bytes = path.as_bytes();
    let mut from = 0;
    while let Some(open) = bytes[from..].iter().position(|&b| b == b'{').map(|i| from + i) {
        let end = open + 1 + name.len();
        if bytes.get(open + 1..end) == Some(name.as_bytes()) && bytes.get(end) == Some(&b'}') {
            return Some(open..end + 1);
        }
        from = open + 1;
    }
    None
}

/// The header that names the business user a call acts for.
pub const USER_EMAIL_HEADER: &str = "x-amz-user-email";
/// The header that carries the LWA access token.
pub const ACCESS_TOKEN_HEADER: &str = "x-amz-access-token";

/// [`USER_EMAIL_HEADER`] and [`ACCESS_TOKEN_HEADER`] as header names, checked at compile time
/// rather than on every request.
pub(crate) const USER_EMAIL_NAME: HeaderName = HeaderName::from_static(USER_EMAIL_HEADER);
pub(crate) const ACCESS_TOKEN_NAME: HeaderName = HeaderName::from_static(ACCESS_TOKEN_HEADER);

/// The largest body of a success (2xx) answer a transport reads into memory; a longer one is
/// [`TransportError::too_large`](crate::error::TransportError::too_large), never retried.
/// Report documents are streamed instead.
pub const MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// How much of the body of any other answer (an error status, a redirect) a transport reads:
/// Amazon's `errors` list, LWA's OAuth error and the start an error keeps
/// ([`MAX_ERROR_BODY`](crate::error::MAX_ERROR_BODY)) fit many times over. The rest is not read
/// (the connection is closed instead), so calls answered with huge error bodies hold 64 KiB
/// each, not up to [`MAX_RESPONSE_BODY`].
pub const MAX_ERROR_BODY_READ: u64 = 64 * 1024;

/// How much of a response body a transport reads, decided by [`body_limit`] from the status
/// once the response head has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// Read the whole body, at most this many bytes; a longer one is
    /// [`TransportError::too_large`](crate::error::TransportError::too_large).
    Whole(u64),
    /// Keep the first this many bytes; leave the rest unread (drop the connection) and mark the
    /// response with the [`TruncatedBody`] extension.
    Prefix(u64),
}

/// How much of the body of an answer with `status` a transport reads: the whole body (up to
/// [`MAX_RESPONSE_BODY`]) for a success, the first [`MAX_ERROR_BODY_READ`] bytes otherwise.
///
/// ```
/// use amazon_business_blocking::wire::{body_limit, BodyLimit, MAX_ERROR_BODY_READ};
///
/// assert_eq!(body_limit(http::StatusCode::INTERNAL_SERVER_ERROR), BodyLimit::Prefix(MAX_ERROR_BODY_READ));
/// assert!(matches!(body_limit(http::StatusCode::OK), BodyLimit::Whole(_)));
/// ```
pub fn body_limit(status: http::StatusCode) -> BodyLimit {
    if status.is_success() {
        BodyLimit::Whole(MAX_RESPONSE_BODY)
    } else {
        BodyLimit::Prefix(MAX_ERROR_BODY_READ)
    }
}

/// A response body collected piece by piece within the limit its status gives
/// ([`body_limit`]): what a transport that reads a body in frames (hyper's) fills, so the
/// limits are applied here, once.
///
/// ```
/// use amazon_business_blocking::wire::{BoundedBody, TruncatedBody, MAX_ERROR_BODY_READ};
///
/// let (parts, ()) = http::Response::builder().status(500).body(()).unwrap().into_parts();
/// let mut body = BoundedBody::new(parts.status, 0);
/// let frame = vec![b'x'; 40 * 1024];
/// assert!(body.push(&frame)?); // more is wanted
/// assert!(!body.push(&frame)?); // the prefix is full: stop reading
/// let response = body.into_response(parts);
/// assert_eq!(response.body().len() as u64, MAX_ERROR_BODY_READ);
/// assert!(response.extensions().get::<TruncatedBody>().is_some());
/// # Ok::<(), amazon_business_blocking::error::TransportError>(())
/// ```
#[derive(Debug)]
pub struct BoundedBody {
    out: Vec<u8>,
    max: usize,
    whole: bool,
    truncated: bool,
}

impl BoundedBody {
    /// An empty body for an answer with `status`, with room for `size_hint` bytes (the
    /// announced length), at most 1 MiB: a server announcing a huge body and sending little
    /// costs no more.
    pub fn new(status: http::StatusCode, size_hint: u64) -> Self {
        let (max, whole) = match body_limit(status) {
            BodyLimit::Whole(max) => (max, true),
            BodyLimit::Prefix(max) => (max, false),
        };
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        let hint = usize::try_from(size_hint).unwrap_or(usize::MAX).min(max).min(1 << 20);
        BoundedBody { out: Vec::with_capacity(hint), max, whole, truncated: false }
    }

    /// Adds the next piece of the body: `Ok(true)` while more is wanted, `Ok(false)` once a
    /// prefix is full (stop reading; the rest is left unread), and
    /// [`TransportError::too_large`](crate::error::TransportError::too_large) when a success's body passes its cap.
    pub fn push(&mut self, data: &[u8]) -> Result<bool, crate::error::TransportError> {
        let room = self.max - self.out.len();
        if data.len() <= room {
            self.out.extend_from_slice(data);
            return Ok(true);
        }
        if self.whole {
            return Err(crate::error::TransportError::too_large(self.max as u64));
        }
        self.out.extend_from_slice(&data[..room]);
        self.truncated = true;
        Ok(false)
    }

    /// The response with this body, marked [`TruncatedBody`] when a prefix was cut.
    pub fn into_response(self, parts: http::response::Parts) -> http::Response<Vec<u8>> {
        let mut response = http::Response::from_parts(parts, self.out);
        if self.truncated {
            response.extensions_mut().insert(TruncatedBody);
        }
        response
    }
}

/// The extension (`response.extensions()`) a transport puts on a response whose body it cut at
/// a [`BodyLimit::Prefix`]: the body is the start of what the server sent. Errors read from it
/// say the body was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TruncatedBody;

/// A value that can stand in a query string or a path segment.
pub trait WireValue {
    /// The unencoded text.
    fn to_wire(&self) -> String;
}

impl WireValue for str {
    fn to_wire(&self) -> String {
        self.to_owned()
    }
}
impl WireValue for String {
    fn to_wire(&self) -> String {
        self.clone()
    }
}
impl WireValue for bool {
    fn to_wire(&self) -> String {
        self.to_string()
    }
}
impl WireValue for DateTime {
    fn to_wire(&self) -> String {
        self.to_rfc3339()
    }
}
impl WireValue for Country {
    fn to_wire(&self) -> String {
        self.as_api_str().to_owned()
    }
}
impl WireValue for CountryCode {
    fn to_wire(&self) -> String {
        self.as_str().to_owned()
    }
}
impl WireValue for Decimal {
    fn to_wire(&self) -> String {
        self.to_string()
    }
}
impl WireValue for Amount {
    fn to_wire(&self) -> String {
        self.value().to_string()
    }
}
macro_rules! wire_int {
    ($($t:ty),*) => {$(impl WireValue for $t { fn to_wire(&self) -> String { self.to_string() } })*};
}
wire_int!(u8, u16, u32, u64, usize, i32, i64);
impl<T: WireValue + ?Sized> WireValue for &T {
    fn to_wire(&self) -> String {
        (**self).to_wire()
    }
}

/// Builds an operation's HTTP request, keeping the first validation error.
///
/// ```
/// # use amazon_business_blocking::{wire::RequestBuilder, operation::RequestContext, Marketplace};
/// let base = url::Url::parse("https://na.business-api.amazon.com").unwrap();
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// let req = RequestBuilder::new("getThing", http::Method::GET, &cx, "/things/{id}")
///     .path_param("id", "a/b")
///     .query_csv("ids", ["x", "y z"])
///     .build()
///     .unwrap();
/// assert_eq!(req.uri(), "https://na.business-api.amazon.com/things/a%2Fb?ids=x,y%20z");
/// ```
#[derive(Debug)]
pub struct RequestBuilder {
    operation: &'static str,
    method: Method,
    /// The base URL and the path: one string, so the URI is made without another copy.
    target: String,
    /// Where the path starts in `target`.
    path_at: usize,
    /// The encoded query, without its `?`.
    query: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
    error: Option<Error>,
}

impl RequestBuilder {
    /// Starts a request to `template` (a model path like `/reports/2021-09-30/reports/{reportId}`).
    pub fn new(operation: &'static str, method: Method, cx: &RequestContext<'_>, template: &str) -> Self {
        let base = cx.base_url.as_str().trim_end_matches('/');
        // Room for the path parameters' values too.
        let mut target = String::with_capacity(base.len() + template.len() + 32);
        target.push_str(base);
        target.push_str(template);
        RequestBuilder {
            operation,
            method,
            target,
            path_at: base.len(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            error: None,
        }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(ValidationError::new(self.operation, field, message).into());
        }
    }

    /// Fills the `{name}` placeholder with an encoded path segment. An empty value is refused.
    pub fn path_param(mut self, name: &str, value: impl WireValue) -> Self {
        let value = value.to_wire();
        if value.is_empty() {
            self.fail(name, "must not be empty");
        } else if value == "." || value == ".." {
            // Dot segments: URL parsers and servers resolve them away (`/carts/../items` is
            // `/items`), even percent-encoded (`%2E`, by the WHATWG URL rules), so the request
            // would reach another resource. Found by the request-encoding property test.
            self.fail(name, format!("cannot be {value:?}: URLs resolve a path segment of only dots away"));
        } else {
            match placeholder(&self.target[self.path_at..], name) {
                None => self.fail(name, "is not a parameter of this path"),
                Some(range) => {
                    let range = range.start + self.path_at..range.end + self.path_at;
                    let encoded: std::borrow::Cow<'_, str> = utf8_percent_encode(&value, UNRESERVED).into();
                    self.target.replace_range(range, &encoded);
                }
            }
        }
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl WireValue) -> Self {
        self.query_name(name);
        self.query.extend(utf8_percent_encode(&value.to_wire(), UNRESERVED));
        self
    }

    /// Starts the next query parameter: `name=`, after a `&` if it is not the first.
    fn query_name(&mut self, name: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.extend(utf8_percent_encode(name, UNRESERVED));
        self.query.push('=');
    }

    /// Adds a query parameter when it is set.
    pub fn query_opt<V: WireValue>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds an array query parameter as comma-separated values (`collectionFormat: csv`).
    /// Nothing is added for an empty list.
    pub fn query_csv<I>(mut self, name: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: WireValue,
    {
        let mut values = values.into_iter().peekable();
        if values.peek().is_none() {
            return self;
        }
        self.query_name(name);
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.query.push(',');
            }
            self.query.extend(utf8_percent_encode(&v.to_wire(), UNRESERVED));
        }
        self
    }

    /// Adds a header; a value that is not a valid header value is a validation error.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        // The one header every operation may send, named without a check at run time.
        let name_of =
            |name| if name == USER_EMAIL_HEADER { USER_EMAIL_NAME } else { HeaderName::from_static(name) };
        match HeaderValue::from_str(value) {
            Ok(v) => self.headers.push((name_of(name), v)),
            Err(_) => self.fail(name, "contains characters not allowed in an HTTP header"),
        }
        self
    }

    /// Sets `x-amz-user-email` from the per-call value or the configured default; when
    /// `required` and neither is set, the request is refused.
    pub fn user_email(self, per_call: Option<&str>, cx: &RequestContext<'_>, required: bool) -> Self {
        match per_call.or(cx.user_email) {
            Some(email) if !email.trim().is_empty() => self.header(USER_EMAIL_HEADER, email.trim()),
            _ if required => {
                let mut s = self;
                s.fail(
                    USER_EMAIL_HEADER,
                    "this operation needs the email of a user of the business account; set it per call or with Config's user_email",
                );
                s
            }
            _ => self,
        }
    }

    /// Sets a JSON body and its content type.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = bytes;
                self.headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
            }
            Err(e) => self.fail("body", format!("could not be serialised: {e}")),
        }
        self
    }

    /// Records a validation failure found by the operation itself.
    pub fn check(mut self, result: Result<(), ValidationError>) -> Self {
        if let Err(e) = result {
            if self.error.is_none() {
                self.error = Some(e.into());
            }
        }
        self
    }

    /// The request, or the first validation error met while building it.
    pub fn build(self) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if let Some(start) = self.target[self.path_at..].find('{') {
            let name =
                self.target[self.path_at + start + 1..].split('}').next().unwrap_or_default().to_owned();
            return Err(ValidationError::new(self.operation, name, "is required").into());
        }
        let mut target = self.target;
        if !self.query.is_empty() {
            target.push('?');
            target.push_str(&self.query);
        }
        // Kept (a reference, not a copy) to name the text should it not parse.
        let text = bytes::Bytes::from(target);
        let uri = http::Uri::from_maybe_shared(text.clone()).map_err(|e| {
            let text = String::from_utf8_lossy(&text);
            Error::from(ValidationError::new(
                self.operation,
                "url",
                format!("{text:?} is not a valid URI: {e}"),
            ))
        })?;
        // Built in place, not through `http::request::Builder`, which moves the request's parts
        // at every header.
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        // With room for what the call adds (the access token, the user agent, `accept`) and
        // the `host` an HTTP client adds: growing the map costs ~1k instructions.
        headers.reserve(self.headers.len() + 4);
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        Ok(request)
    }
}

/// Reads a JSON body into `T`; a failure names the operation and the JSON path.
///
/// The body is decoded once without tracking the path (the fast path every good response
/// takes); only when that fails is it decoded again with the path-tracking decoder, to say
/// where.
pub fn parse_json<T: DeserializeOwned>(operation: &'static str, body: &[u8]) -> Result<T, Error> {
    // From text checked once: serde_json's slice reader checks the UTF-8 of every string again.
    if let Ok(value) =
        std::str::from_utf8(body).map_err(|_| ()).and_then(|t| serde_json::from_str(t).map_err(|_| ()))
    {
        return Ok(value);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode(DecodeError {
            operation,
            path,
            message: e.into_inner().to_string(),
            body: bounded_body(body),
        })
    })
}

/// Helpers that check an argument against its model's constraints.
pub mod validate {
    use crate::error::ValidationError;

    /// Refuses an empty (or blank) string.
    pub fn non_empty(op: &'static str, field: &str, value: &str) -> Result<(), ValidationError> {
        if value.trim().is_empty() {
            return Err(ValidationError::new(op, field, "must not be empty"));
        }
        Ok(())
    }

    /// Refuses a number outside `min..=max`.
    pub fn range<T: PartialOrd + std::fmt::Display>(
        op: &'static str,
        field: &str,
        value: T,
        min: T,
        max: T,
    ) -> Result<(), ValidationError> {
        if value < min || value > max {
            return Err(ValidationError::new(
                op,
                field,
                format!("is {value}, must be between {min} and {max}"),
            ));
        }
        Ok(())
    }

    /// Refuses a string whose length in characters is outside `min..=max`.
    pub fn length(
        op: &'static str,
        field: &str,
        value: &str,
        min: usize,
        max: usize,
    ) -> Result<(), ValidationError> {
        let n = value.chars().count();
        if n < min || n > max {
            return Err(ValidationError::new(
                op,
                field,
                format!("has {n} characters, must have between {min} and {max}"),
            ));
        }
        Ok(())
    }

    /// Refuses a list whose number of items is outside `min..=max`.
    pub fn items(
        op: &'static str,
        field: &str,
        count: usize,
        min: usize,
        max: usize,
    ) -> Result<(), ValidationError> {
        if count < min || count > max {
            return Err(ValidationError::new(
                op,
                field,
                format!("has {count} items, must have between {min} and {max}"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(status: u16) -> http::response::Parts {
        http::Response::builder().status(status).body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_success_body_is_read_whole_up_to_its_cap_and_then_too_large() {
        let mut body = BoundedBody::new(http::StatusCode::OK, u64::MAX);
        assert_eq!(body.out.capacity(), 1 << 20, "an announced length reserves at most 1 MiB");
        let chunk = vec![7u8; 1 << 20];
        for _ in 0..64 {
            assert!(body.push(&chunk).unwrap());
        }
        assert!(body.push(&[]).unwrap(), "exactly at the cap is still whole");
        let e = body.push(&[1]).unwrap_err();
        assert_eq!(e.kind, crate::error::TransportErrorKind::TooLarge);
        let mut whole = BoundedBody::new(http::StatusCode::CREATED, 3);
        assert_eq!(whole.out.capacity(), 3);
        assert!(whole.push(b"abc").unwrap());
        let response = whole.into_response(parts(201));
        assert_eq!(response.body(), b"abc");
        assert!(response.extensions().get::<TruncatedBody>().is_none());
    }

    #[test]
    fn an_error_body_keeps_its_prefix_and_is_marked_cut() {
        let max = MAX_ERROR_BODY_READ as usize;
        let mut body = BoundedBody::new(http::StatusCode::TOO_MANY_REQUESTS, 10);
        assert!(body.push(&vec![b'a'; max - 1]).unwrap());
        assert!(!body.push(b"bcd").unwrap(), "full: stop reading");
        let response = body.into_response(parts(429));
        assert_eq!(response.body().len(), max);
        assert_eq!(response.body()[max - 1], b'b');
        assert!(response.extensions().get::<TruncatedBody>().is_some());
        let mut exact = BoundedBody::new(http::StatusCode::FOUND, 0);
        assert!(exact.push(&vec![0; max]).unwrap());
        assert!(exact.into_response(parts(302)).extensions().get::<TruncatedBody>().is_none());
    }
    use crate::place::Marketplace;
    use url::Url;

    fn cx(base: &Url) -> RequestContext<'_> {
        RequestContext {
            base_url: base,
            marketplace: Marketplace::UnitedStates,
            user_email: Some("buyer@example.com"),
        }
    }

    #[test]
    fn rfc3986_encoding() {
        assert_eq!(encode_component("a b+c/d?e&f=g~h.i_j-k"), "a%20b%2Bc%2Fd%3Fe%26f%3Dg~h.i_j-k");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn builds_path_query_and_headers() {
        let base = Url::parse("https://na.business-api.amazon.com/").unwrap();
        let t = DateTime::parse("2020-12-01T00:00:00").unwrap();
        let req = RequestBuilder::new("op", Method::GET, &cx(&base), "/r/{id}/x")
            .path_param("id", "112-1 2")
            .query("startDate", t)
            .query_opt("flag", Some(true))
            .query_opt::<bool>("absent", None)
            .query_csv("ids", ["a", "b,c"])
            .query_csv::<[&str; 0]>("none", [])
            .user_email(None, &cx(&base), true)
            .build()
            .unwrap();
        assert_eq!(
            req.uri().to_string(),
            "https://na.business-api.amazon.com/r/112-1%202/x?startDate=2020-12-01T00%3A00%3A00Z&flag=true&ids=a,b%2Cc"
        );
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "buyer@example.com");
    }

    #[test]
    fn a_path_parameter_fills_its_own_placeholder_only() {
        let base = Url::parse("https://x.example").unwrap();
        let req = RequestBuilder::new("op", Method::GET, &cx(&base), "/a/{idx}/{id}/{i}")
            .path_param("id", "B")
            .path_param("i", "C")
            .path_param("idx", "{id}")
            .build()
            .unwrap();
        assert_eq!(req.uri().path(), "/a/%7Bid%7D/B/C");
        let err = RequestBuilder::new("op", Method::GET, &cx(&base), "/a/{idx}")
            .path_param("id", "x")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("id: is not a parameter of this path"), "{err}");
    }

    #[test]
    fn validation_errors_name_the_field() {
        let base = Url::parse("https://x.example").unwrap();
        let mut c = cx(&base);
        c.user_email = None;
        let err =
            RequestBuilder::new("op", Method::GET, &c, "/r/{id}").path_param("id", "").build().unwrap_err();
        assert!(err.to_string().contains("id: must not be empty"), "{err}");
        let err = RequestBuilder::new("op", Method::GET, &c, "/r/{id}").build().unwrap_err();
        assert!(err.to_string().contains("id: is required"), "{err}");
        let err =
            RequestBuilder::new("op", Method::GET, &c, "/r").user_email(None, &c, true).build().unwrap_err();
        assert!(err.to_string().contains(USER_EMAIL_HEADER), "{err}");
        let err = RequestBuilder::new("op", Method::GET, &c, "/r")
            .check(validate::range("op", "pageSize", 0, 1, 100))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("pageSize: is 0, must be between 1 and 100"), "{err}");
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Out {
            orders: Vec<Order>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Order {
            #[serde(rename = "orderDate")]
            order_date: DateTime,
        }
        let err = parse_json::<Out>(
            "getOrders",
            br#"{"orders":[{"orderDate":"2020-01-01T00:00:00Z"},{"orderDate":"soon"}]}"#,
        )
        .unwrap_err();
        match err {
            Error::Decode(d) => {
                assert_eq!(d.operation, "getOrders");
                assert_eq!(d.path, "orders[1].orderDate");
            }
            other => panic!("{other:?}"),
        }
        // Where the path-tracking decoder can only mark the place, the message says it in words.
        let said = |body: &[u8]| parse_json::<Out>("getOrders", body).unwrap_err().to_string();
        assert!(said(b"").contains("response at the top level: EOF"), "{}", said(b""));
        assert!(
            said(b"{1:2}").contains("at an object key at the top level: key must be a string"),
            "{}",
            said(b"{1:2}")
        );
        let nested = said(br#"{"orders":[{1:2}]}"#);
        assert!(nested.contains("at an object key in orders[0]: key must be a string"), "{nested}");
    }
}
