//! Renders requests and responses for logs with every secret masked: the
//! `x-amz-access-token` header, and `client_secret`, `refresh_token`, `access_token` and `code`
//! wherever they appear (form bodies, JSON bodies, query strings).

use std::fmt::Write;

/// Field and header names whose values never appear in a rendering.
pub const SECRET_NAMES: [&str; 6] =
    ["x-amz-access-token", "client_secret", "refresh_token", "access_token", "code", "authorization"];

const MASK: &str = "***";
const MAX_BODY: usize = 2048;

fn is_secret(name: &str) -> bool {
    SECRET_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn mask_pairs(s: &str) -> String {
    s.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret(&percent_encoding::percent_decode_str(k).decode_utf8_lossy()) => {
                format!("{k}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret(k) {
                    *v = serde_json::Value::String(MASK.into());
                } else {
                    mask_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

fn body_text(headers: &http::HeaderMap, body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let text = if content_type.starts_with("application/x-www-form-urlencoded") {
        mask_pairs(&String::from_utf8_lossy(body))
    } else if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
        mask_json(&mut v);
        v.to_string()
    } else if std::str::from_utf8(body).is_ok_and(|s| s.contains('=') && !s.contains(' ')) {
        // Unlabelled form-like text: mask it as a form to be safe.
        mask_pairs(&String::from_utf8_lossy(body))
    } else if std::str::from_utf8(body).is_ok() {
        // Text that is neither JSON nor a form cannot be masked field by field; a token could
        // hide anywhere in it, so only its size is shown if it mentions a secret's name.
        let s = String::from_utf8_lossy(body);
        if SECRET_NAMES.iter().any(|n| s.to_ascii_lowercase().contains(n))
            || s.contains("Atza|")
            || s.contains("Atzr|")
        {
            return format!("<{} bytes withheld: may contain a secret>", body.len());
        }
        s.into_owned()
    } else {
        return format!("<{} bytes of binary>", body.len());
    };
    if text.len() > MAX_BODY {
        let mut cut = MAX_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}… ({} bytes)", &text[..cut], body.len())
    } else {
        text
    }
}

fn headers_text(out: &mut String, headers: &http::HeaderMap) {
    for (name, value) in headers {
        let shown = if is_secret(name.as_str()) {
            MASK.into()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        let _ = writeln!(out, "{name}: {shown}");
    }
}

/// A request as text, secrets masked.
pub fn request(request: &http::Request<Vec<u8>>) -> String {
    let uri = request.uri();
    let shown_uri = match uri.query() {
        Some(q) => format!("{}?{}", uri.to_string().split('?').next().unwrap_or_default(), mask_pairs(q)),
        None => uri.to_string(),
    };
    let mut out = format!("{} {}\n", request.method(), shown_uri);
    headers_text(&mut out, request.headers());
    out.push_str(&body_text(request.headers(), request.body()));
    out
}

/// A response as text, secrets masked.
pub fn response(response: &http::Response<Vec<u8>>) -> String {
    let mut out = format!("HTTP {}\n", response.status());
    headers_text(&mut out, response.headers());
    out.push_str(&body_text(response.headers(), response.body()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lwa;
    use crate::secret::Secret;

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
    fn unparseable_bodies_mentioning_tokens_are_withheld() {
        let resp = http::Response::builder().body(b"oops access_token Atza|ACCESS half".to_vec()).unwrap();
        assert_clean(&response(&resp));
        let resp = http::Response::builder().body(b"plain words".to_vec()).unwrap();
        assert!(response(&resp).contains("plain words"));
    }
}
