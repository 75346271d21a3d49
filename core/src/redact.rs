//! Renders requests and responses for logs with every secret masked: the
//! `x-amz-access-token` header, and `client_secret`, `refresh_token`, `access_token` and `code`
//! wherever they appear (form bodies, JSON bodies, query strings).
//!
//! Masking works by name (the fields above) and by value: a [`Secrets`] set holds the secrets
//! the SDK knows (client secret, refresh token, current access token, authorization code), and
//! [`request_with`], [`response_with`], [`Secrets::mask`] and
//! [`Error::redacted`](crate::error::Error::redacted) replace each of them wherever it appears,
//! so a token a server echoes back inside an error message is masked too. As a safety net,
//! anything shaped like an LWA token (`Atza|…`, `Atzr|…`, `Atzc|…`) is masked even when it is
//! not in the set.

use std::borrow::Cow;
use std::fmt::{self, Write};

use crate::secret::Secret;

/// Field and header names whose values never appear in a rendering, wherever they are (JSON
/// bodies, form bodies, query strings, headers).
pub const SECRET_NAMES: [&str; 5] =
    ["x-amz-access-token", "client_secret", "refresh_token", "access_token", "authorization"];

/// Names masked only where they are an authorization code: in form bodies (the LWA
/// authorization-code grant) and in query strings (the consent redirect, a `Location`
/// header). In JSON bodies `code` is Amazon's error code and is shown.
pub const FORM_SECRET_NAMES: [&str; 1] = ["code"];

const MASK: &str = "***";
const MAX_BODY: usize = 2048;

/// Values shorter than this are not masked by value (they would mask ordinary words); they are
/// still masked by name.
pub const MIN_SECRET_LEN: usize = 6;

/// The secret values to mask wherever they appear, by value.
///
/// Build it from what the SDK holds at the time something is printed: the client secret and
/// refresh token ([`Credentials::secrets`](crate::config::Credentials::secrets) gives both),
/// the current access token and an authorization code. `Debug` shows only how many values it
/// holds.
///
/// ```
/// use amazon_business_blocking::redact::Secrets;
/// use amazon_business_blocking::secret::Secret;
///
/// let token = Secret::new("Atza|IwEB-private");
/// let secrets = Secrets::new().with(&token);
/// assert_eq!(secrets.mask("Access token Atza|IwEB-private is expired"), "Access token *** is expired");
/// ```
#[derive(Clone, Default)]
pub struct Secrets<'a> {
    values: Vec<&'a str>,
}

impl<'a> Secrets<'a> {
    /// An empty set: only the by-name masking and the token-shape safety net apply.
    pub fn new() -> Self {
        Secrets::default()
    }

    /// Adds a secret to the set (blank values and values shorter than [`MIN_SECRET_LEN`] are
    /// skipped).
    pub fn with(mut self, secret: &'a Secret) -> Self {
        self.push(secret);
        self
    }

    /// Adds a secret when there is one.
    pub fn with_opt(mut self, secret: Option<&'a Secret>) -> Self {
        if let Some(s) = secret {
            self.push(s);
        }
        self
    }

    /// Adds a secret to the set in place.
    pub fn push(&mut self, secret: &'a Secret) {
        let v = secret.expose().trim();
        if v.len() >= MIN_SECRET_LEN && !self.values.contains(&v) {
            self.values.push(v);
            // Longest first, so a secret that contains another is masked whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// How many values the set masks.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when the set masks no value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every value of the set masked: as it is, percent-encoded (form bodies,
    /// query strings) and JSON-escaped; a prefix of a value left at the very end of a cut text
    /// (at least four characters, before an optional `…`) is masked too. Then anything shaped
    /// like an LWA token is masked. Borrows `text` when nothing had to change.
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for v in &self.values {
            for form in encodings(v) {
                if out.contains(form.as_ref()) {
                    out = Cow::Owned(out.replace(form.as_ref(), MASK));
                }
            }
        }
        for v in &self.values {
            if let Some(masked) = mask_cut_prefix(&out, v) {
                out = Cow::Owned(masked);
            }
        }
        match mask_token_shapes(&out) {
            Some(masked) => Cow::Owned(masked),
            None => out,
        }
    }

    /// [`Secrets::mask`] into an owned string, in place.
    pub fn mask_in_place(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.mask(text) {
            *text = masked;
        }
    }
}

impl fmt::Debug for Secrets<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

/// The spellings a value may take in printed text.
fn encodings(v: &str) -> Vec<Cow<'_, str>> {
    let mut forms = vec![Cow::Borrowed(v)];
    let form: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
    let pct = percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string();
    let json = serde_json::to_string(v).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_owned();
    let json_slash = json.replace('/', "\\/");
    for f in [form, pct, json, json_slash] {
        if !f.is_empty() && !forms.iter().any(|g| g.as_ref() == f) {
            forms.push(Cow::Owned(f));
        }
    }
    forms
}

/// Masks a trailing prefix of `v` (at least 4 bytes) that a cut left at the end of `text`.
fn mask_cut_prefix(text: &str, v: &str) -> Option<String> {
    let body = text.strip_suffix('…').unwrap_or(text);
    let tail = &text[body.len()..];
    let longest = v.len().saturating_sub(1).min(body.len());
    (4..=longest)
        .rev()
        .filter(|&k| v.is_char_boundary(k))
        .find_map(|k| body.ends_with(&v[..k]).then(|| format!("{}{MASK}{tail}", &body[..body.len() - k])))
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~+/=%\\|".contains(&b)
}

/// Masks what follows `Atz?|` (or its percent-encoded `Atz?%7C`): LWA's access tokens,
/// refresh tokens and codes. `None` when there was nothing to mask.
pub(crate) fn mask_token_shapes(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(at) = text[i..].find("Atz").map(|p| p + i) {
        let after = at + 3;
        let Some(&letter) = bytes.get(after) else { break };
        let sep = if !letter.is_ascii_lowercase() {
            0
        } else if bytes.get(after + 1) == Some(&b'|') {
            1
        } else if text.get(after + 1..after + 4).is_some_and(|s| s.eq_ignore_ascii_case("%7c")) {
            3
        } else {
            0
        };
        if sep == 0 {
            i = after;
            continue;
        }
        let start = after + 1 + sep;
        let mut end = start;
        while end < bytes.len() && is_token_char(bytes[end]) {
            end += 1;
        }
        if end > start && &text[start..end] != MASK {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = end;
        }
        i = end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

fn is_secret(name: &str) -> bool {
    SECRET_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn is_form_secret(name: &str) -> bool {
    is_secret(name) || FORM_SECRET_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn mask_pairs(s: &str) -> String {
    s.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_form_secret(&percent_encoding::percent_decode_str(k).decode_utf8_lossy()) => {
                format!("{k}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// How many bytes of a body are examined to render its first [`MAX_BODY`] bytes: enough
/// beyond the shown part that a secret straddling the cut is still seen whole and masked.
const WINDOW: usize = MAX_BODY + 8192;

/// The longest prefix of `bytes` that is UTF-8, when the only flaw is a character cut at the
/// end; `None` for binary data.
fn utf8_prefix(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// The end (exclusive) of the JSON string starting at `start` (a `"`), or `s.len()` when the
/// text is cut inside it.
fn json_string_end(s: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// The end (exclusive) of the JSON value starting at `start` (not a string), or `s.len()` when
/// the text is cut inside it.
fn json_value_end(s: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < s.len() {
        match s[i] {
            b'"' => {
                i = json_string_end(s, i);
                if depth == 0 {
                    return i;
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return i,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// Masks, in JSON text that may be cut anywhere, the value of every key named in
/// [`SECRET_NAMES`], without parsing the document: one pass over the text.
fn mask_json_text(text: &str) -> String {
    let s = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'"' {
            i += 1;
            continue;
        }
        let end = json_string_end(s, i);
        let mut j = end;
        while j < s.len() && s[j].is_ascii_whitespace() {
            j += 1;
        }
        let is_key = j < s.len() && s[j] == b':';
        let key = text.get(i + 1..end.saturating_sub(1).max(i + 1)).unwrap_or_default();
        if !(is_key && is_secret(key)) {
            i = end;
            continue;
        }
        // Skip the colon and white space to the value, then replace the value.
        j += 1;
        while j < s.len() && s[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= s.len() {
            break;
        }
        let value_end = if s[j] == b'"' { json_string_end(s, j) } else { json_value_end(s, j) };
        out.push_str(&text[copied..j]);
        out.push_str("\"***\"");
        copied = value_end;
        i = value_end;
    }
    out.push_str(&text[copied..]);
    out
}

fn looks_like_json(content_type: &str, text: &str) -> bool {
    content_type.contains("json") || text.trim_start().starts_with(['{', '['])
}

/// Renders the start of a body with secrets masked by name and by value, examining at most
/// [`WINDOW`] bytes of it however large it is, and showing at most [`MAX_BODY`] bytes.
fn body_text(headers: &http::HeaderMap, body: &[u8], secrets: &Secrets<'_>) -> String {
    if body.is_empty() {
        return String::new();
    }
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let window = &body[..body.len().min(WINDOW)];
    let Some(text) = utf8_prefix(window) else {
        return format!("<{} bytes of binary>", body.len());
    };
    let text = if content_type.starts_with("application/x-www-form-urlencoded") {
        mask_pairs(text)
    } else if looks_like_json(content_type, text) {
        mask_json_text(text)
    } else if text.contains('=') && !text.contains(' ') {
        // Unlabelled form-like text: mask it as a form to be safe.
        mask_pairs(text)
    } else {
        // Text that is neither JSON nor a form cannot be masked field by field; a token could
        // hide anywhere in it, so only its size is shown if it mentions a secret's name.
        let lower = text.to_ascii_lowercase();
        if SECRET_NAMES.iter().any(|n| lower.contains(n)) {
            return format!("<{} bytes withheld: may contain a secret>", body.len());
        }
        text.to_owned()
    };
    let text = secrets.mask(&text);
    if text.len() > MAX_BODY || body.len() > window.len() {
        let mut cut = text.len().min(MAX_BODY);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}… ({} bytes)", &text[..cut], body.len())
    } else {
        text.into_owned()
    }
}

/// A URL with its credentials and its query's secret parameters masked.
fn url_text(url: &str) -> String {
    let url = crate::config::mask_url_credentials(url);
    match url.split_once('?') {
        Some((base, query)) => {
            let (query, fragment) = query.split_once('#').map_or((query, None), |(q, f)| (q, Some(f)));
            let fragment = fragment.map(|f| format!("#{}", mask_pairs(f))).unwrap_or_default();
            format!("{base}?{}{fragment}", mask_pairs(query))
        }
        None => url,
    }
}

fn headers_text(out: &mut String, headers: &http::HeaderMap) {
    for (name, value) in headers {
        let shown = if is_secret(name.as_str()) {
            MASK.into()
        } else if name == http::header::LOCATION || name == http::header::REFERER {
            url_text(&String::from_utf8_lossy(value.as_bytes()))
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        let _ = writeln!(out, "{name}: {shown}");
    }
}

/// A request as text, secrets masked by name and by token shape. Prefer [`request_with`],
/// which also masks the secrets the SDK holds by value.
pub fn request(request: &http::Request<Vec<u8>>) -> String {
    request_with(request, &Secrets::new())
}

/// A request as text, secrets masked by name, by token shape and, for each value in
/// `secrets`, by value.
pub fn request_with(request: &http::Request<Vec<u8>>, secrets: &Secrets<'_>) -> String {
    let mut out = format!("{} {}\n", request.method(), url_text(&request.uri().to_string()));
    headers_text(&mut out, request.headers());
    out.push_str(&body_text(request.headers(), request.body(), secrets));
    secrets.mask(&out).into_owned()
}

/// A response as text, secrets masked by name and by token shape. Prefer [`response_with`],
/// which also masks the secrets the SDK holds by value.
pub fn response(response: &http::Response<Vec<u8>>) -> String {
    response_with(response, &Secrets::new())
}

/// A response as text, secrets masked by name, by token shape and, for each value in
/// `secrets`, by value.
pub fn response_with(response: &http::Response<Vec<u8>>, secrets: &Secrets<'_>) -> String {
    let mut out = format!("HTTP {}\n", response.status());
    headers_text(&mut out, response.headers());
    out.push_str(&body_text(response.headers(), response.body(), secrets));
    secrets.mask(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lwa;

    const SECRETS: [&str; 5] = ["SECRET-ONE", "Atzr|REFRESH", "Atza|ACCESS", "CODE-XYZ", "Atzr|NEWREFRESH"];

    fn assert_clean(s: &str) {
        for secret in SECRETS {
            assert!(!s.contains(secret), "{secret} leaked in:\n{s}");
        }
    }

    #[test]
    fn lwa_requests_and_responses_are_masked() {
        let url = url::Url::parse("https://api.amazon.com/auth/o2/token").unwrap();
        let r = lwa::refresh_request(
            &url,
            "ua",
            "client",
            &Secret::new("SECRET-ONE"),
            &Secret::new("Atzr|REFRESH"),
        );
        let text = request(&r);
        assert_clean(&text);
        assert!(text.contains("client_id=client"), "{text}");
        let r = lwa::authorization_code_request(
            &url,
            "ua",
            "client",
            &Secret::new("SECRET-ONE"),
            &Secret::new("CODE-XYZ"),
            "https://x",
        );
        assert_clean(&request(&r));
        let resp = http::Response::builder()
            .header("content-type", "application/json")
            .body(
                br#"{"access_token":"Atza|ACCESS","refresh_token":"Atzr|NEWREFRESH","expires_in":3600}"#
                    .to_vec(),
            )
            .unwrap();
        let text = response(&resp);
        assert_clean(&text);
        assert!(text.contains("3600"));
    }

    #[test]
    fn api_requests_are_masked() {
        let r = http::Request::builder()
            .uri("https://na.business-api.amazon.com/x?code=CODE-XYZ&a=1")
            .header("x-amz-access-token", "Atza|ACCESS")
            .header("x-amz-user-email", "buyer@example.com")
            .body(br#"{"nested":[{"client_secret":"SECRET-ONE"}],"keep":"me"}"#.to_vec())
            .unwrap();
        let text = request(&r);
        assert_clean(&text);
        assert!(
            text.contains("buyer@example.com") && text.contains("a=1") && text.contains("\"keep\":\"me\""),
            "{text}"
        );
    }

    #[test]
    fn echoed_secrets_are_masked_by_value_in_errors() {
        use crate::error::{ApiError, Error, ErrorEntry, LwaError, LwaErrorCode, TransportError};
        let access = Secret::new("opaque-access-77");
        let client = Secret::new("client/secret+1");
        let refresh = Secret::new("refresh-value-88");
        let code = Secret::new("ANcodeValue");
        let creds = crate::config::Credentials::new("id", client.clone(), refresh.clone()).unwrap();
        let secrets = creds.secrets().with(&access).with_opt(Some(&code));
        assert_eq!(secrets.len(), 4);
        assert_eq!(format!("{secrets:?}"), "Secrets(4 values)");
        let mut api = ApiError::new("getOrders", 401);
        api.errors.push(ErrorEntry {
            code: "Unauthorized".into(),
            message: "Access token opaque-access-77 is expired".into(),
            details: Some("client%2Fsecret%2B1 and ANcodeValue".into()),
        });
        api.body = r#"{"token":"client\/secret+1","r":"refresh-value-88"}"#.into();
        let nested = Error::RetriesExhausted {
            operation: "getOrders",
            attempts: 2,
            last: Box::new(Error::OutcomeUnknown {
                operation: "getOrders",
                detail: "saw refresh-value-88".into(),
                last: Box::new(Error::Api(Box::new(api))),
            }),
        };
        let lwa = Error::token_exchange(
            "api.amazon.com",
            3,
            Error::Lwa(LwaError {
                code: LwaErrorCode::Other("opaque-access-77".into()),
                status: 400,
                description: Some("bad code ANcodeValue".into()),
            }),
        );
        let transport = Error::Transport(TransportError::connect("proxy echoed client/secret+1"));
        for e in [nested, lwa, transport] {
            let before = format!("{e} {e:?}");
            assert!(
                ["opaque-access-77", "client", "refresh-value-88", "ANcodeValue"]
                    .iter()
                    .any(|s| before.contains(s)),
                "the test must start from a leaking error: {before}"
            );
            let e = e.redacted(&secrets);
            let shown = format!("{e} {e:?} {e:#?}");
            for leak in [
                "opaque-access-77",
                "client/secret+1",
                "client%2Fsecret%2B1",
                "client\\/secret",
                "refresh-value-88",
                "ANcodeValue",
            ] {
                assert!(!shown.contains(leak), "{leak} in {shown}");
            }
        }
    }

    #[test]
    fn logs_mask_by_value_and_by_token_shape() {
        let access = Secret::new("opaque-access-77");
        let secrets = Secrets::new().with(&access);
        let resp = http::Response::builder()
            .status(401)
            .header("content-type", "application/json")
            .body(br#"{"errors":[{"code":"Unauthorized","message":"token opaque-access-77 or Atza|IwEBunknown expired"}]}"#.to_vec())
            .unwrap();
        let text = response_with(&resp, &secrets);
        assert!(!text.contains("opaque-access-77") && !text.contains("IwEBunknown"), "{text}");
        assert!(text.contains("Atza|***"), "{text}");
        let req = http::Request::builder()
            .uri("https://x.example/p?state=opaque-access-77")
            .body(Vec::new())
            .unwrap();
        assert!(!request_with(&req, &secrets).contains("opaque-access-77"));
        // Short values would mask ordinary words, so they are only masked by name.
        assert!(Secrets::new().with(&Secret::new("abc")).is_empty());
        // A prefix of a secret left at the end of a cut text is masked.
        assert_eq!(secrets.mask("token opaque-acc…"), "token ***…");
        assert_eq!(Secrets::new().mask("Atzr%7CIwE%2Bx&a=1"), "Atzr%7C***&a=1");
        assert_eq!(Secrets::new().mask("Atzure|x"), "Atzure|x");
    }

    #[test]
    fn amazons_error_codes_show_but_authorization_codes_do_not() {
        let resp = http::Response::builder()
            .status(400)
            .header("content-type", "application/json")
            .body(br#"{"errors":[{"code":"InvalidInput","message":"bad"}]}"#.to_vec())
            .unwrap();
        let text = response(&resp);
        assert!(text.contains(r#""code":"InvalidInput""#), "{text}");
        // The consent redirect carries the code in its query, in a Location header too.
        let resp = http::Response::builder()
            .status(302)
            .header("location", "https://app.example/cb?code=ANredirectcode&state=s1")
            .body(Vec::new())
            .unwrap();
        let text = response(&resp);
        assert!(!text.contains("ANredirectcode") && text.contains("state=s1"), "{text}");
        let req = http::Request::builder()
            .uri("https://app.example/cb?state=s1&code=ANredirectcode")
            .body(Vec::new())
            .unwrap();
        let text = request(&req);
        assert!(!text.contains("ANredirectcode") && text.contains("code=***"), "{text}");
    }

    #[test]
    fn a_large_body_renders_a_bounded_masked_prefix_without_being_parsed() {
        let access = Secret::new("opaque-access-77");
        let secrets = Secrets::new().with(&access);
        // 50 MB of JSON whose end is not even JSON, and whose tail is not UTF-8: only the
        // start is examined, so the prefix is still shown, field by field, masked.
        let mut body = br#"{"keep":"me","access_token":"Atza|IwEBnamed","nested":{"refresh_token":{"a":[1,"x"]}},"echo":"opaque-access-77","items":["#.to_vec();
        while body.len() < 50_000_000 {
            body.extend_from_slice(br#"{"id":"aaaaaaaaaaaaaaaa","n":12345},"#);
        }
        body.extend_from_slice(&[0xff, 0xfe, b'"']);
        let resp = http::Response::builder().header("content-type", "application/json").body(body).unwrap();
        let text = response_with(&resp, &secrets);
        assert!(text.len() < MAX_BODY + 200, "{} bytes rendered", text.len());
        assert!(text.contains(r#""keep":"me""#) && text.contains("(50000"), "{text}");
        for leak in ["IwEBnamed", "opaque-access-77", r#"[1,"x"]"#] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        assert!(
            text.contains(r#""access_token":"***""#) && text.contains(r#""refresh_token":"***""#),
            "{text}"
        );
        // A secret straddling the shown cut is masked before the cut.
        let mut body = vec![b' '; MAX_BODY - 5];
        body.splice(0..1, b"[".iter().copied());
        body.extend_from_slice(b"\"opaque-access-77\"]");
        let resp = http::Response::builder().header("content-type", "application/json").body(body).unwrap();
        assert!(!response_with(&resp, &secrets).contains("opaque-ac"));
    }

    #[test]
    fn json_masking_by_name_handles_every_value_shape() {
        let cases = [
            (r#"{"access_token" : "a\"b", "k":1}"#, r#"{"access_token" : "***", "k":1}"#),
            (r#"{"client_secret":123,"k":1}"#, r#"{"client_secret":"***","k":1}"#),
            (r#"[{"refresh_token":null}]"#, r#"[{"refresh_token":"***"}]"#),
            (r#"{"refresh_token":{"x":"}"},"k":2}"#, r#"{"refresh_token":"***","k":2}"#),
            (r#"{"code":"InvalidInput"}"#, r#"{"code":"InvalidInput"}"#),
            (r#"{"access_token":"Atza|cut-he"#, r#"{"access_token":"***""#),
            (r#"{"note":"access_token","v":1}"#, r#"{"note":"access_token","v":1}"#),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_json_text(input), expected, "{input}");
        }
    }

    #[test]
    fn unparseable_bodies_mentioning_tokens_are_withheld() {
        let resp = http::Response::builder().body(b"oops access_token Atza|ACCESS half".to_vec()).unwrap();
        assert_clean(&response(&resp));
        let resp = http::Response::builder().body(b"plain words".to_vec()).unwrap();
        assert!(response(&resp).contains("plain words"));
    }
}
