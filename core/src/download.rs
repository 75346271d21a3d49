//! Report-document downloads: which URLs may be fetched and how a failed download reads.
//! The bytes themselves are streamed by the transports.

use url::Url;

use crate::error::{bounded_body, ApiError, ConfigError, Error, ErrorEntry};

/// The name errors of a download carry as their operation.
pub const OPERATION: &str = "downloadReportDocument";

/// Checks a document URL: `https`, or `http` on a loopback host (the local emulator).
pub fn check_url(url: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::Config(ConfigError::new("url", format!("{url:?} is not a URL: {e}"))))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(Error::Config(ConfigError::new(
            "url",
            "report documents are downloaded over https only (http is allowed on loopback for tests)",
        ))),
    }
}

/// The error for a download answered with a non-2xx `status`. Presigned URLs live about five
/// minutes; an expired one answers 403 and the error says to ask for a fresh URL.
pub fn failure(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Error {
    let text = bounded_body(body);
    let expired = status == 403 && text.to_ascii_lowercase().contains("expired");
    let (code, message) = if expired {
        (
            "ExpiredUrl",
            "the document URL has expired (it lives about five minutes); call getReportDocument again for a fresh one"
                .to_owned(),
        )
    } else {
        ("DownloadFailed", format!("downloading the report document failed with HTTP {status}"))
    };
    let mut e = ApiError::new(OPERATION, status);
    e.errors = vec![ErrorEntry { code: code.into(), message, details: None }];
    e.request_id = headers
        .get("x-amz-request-id")
        .or_else(|| headers.get("x-amzn-requestid"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    e.body = text;
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_loopback() {
        assert!(check_url("https://tortuga-prod-na.s3.amazonaws.com/doc?X-Amz-Expires=300").is_ok());
        assert!(check_url("http://127.0.0.1:8080/doc").is_ok());
        assert!(check_url("http://example.com/doc").is_err());
        assert!(check_url("not a url").is_err());
    }

    #[test]
    fn an_expired_url_says_so() {
        let body = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        let e = failure(403, &http::HeaderMap::new(), body);
        assert_eq!(e.api().unwrap().code(), Some("ExpiredUrl"));
        assert!(e.to_string().contains("getReportDocument again"), "{e}");
        let e = failure(500, &http::HeaderMap::new(), b"oops");
        assert_eq!(e.api().unwrap().code(), Some("DownloadFailed"));
    }
}
