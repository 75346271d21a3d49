//! The default sender: a ureq agent.

use amazon_business_core::error::{ConfigError, TransportError, TransportErrorKind};
use amazon_business_core::{Config, Error};

use crate::HttpSend;

/// The largest API response body read into memory (report documents are streamed instead).
pub const MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// The default [`HttpSend`]: a ureq agent with rustls and Mozilla's root certificates
/// (certificate verification always on), the configured proxy, no redirects, no transparent
/// decoding, and per-phase timeouts (connect, then each of sending and receiving bounded by
/// the per-exchange timeout) that need no thread per request.
#[derive(Debug, Clone)]
pub struct UreqSender {
    agent: ureq::Agent,
}

impl UreqSender {
    /// An agent for `config`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(UreqSender { agent: agent(config)? })
    }
}

pub(crate) fn agent(config: &Config) -> Result<ureq::Agent, Error> {
    let proxy = match config.proxy() {
        Some(url) => Some(ureq::Proxy::new(url.as_str()).map_err(|e| {
            Error::Config(ConfigError::new("proxy", format!("the proxy URL is not usable: {e}")))
        })?),
        None => None,
    };
    let t = config.timeouts();
    let agent_config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(t.connect))
        .timeout_send_request(Some(t.request))
        .timeout_send_body(Some(t.request))
        .timeout_recv_response(Some(t.request))
        .timeout_recv_body(Some(t.request))
        .proxy(proxy)
        .user_agent(config.user_agent())
        .build();
    Ok(agent_config.into())
}

pub(crate) fn map_ureq_error(e: ureq::Error) -> TransportError {
    use ureq::Timeout as T;
    let kind = match &e {
        ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::Timeout(T::Connect | T::Resolve) => TransportErrorKind::Connect,
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::BodyExceedsLimit(_) => return TransportError::too_large(MAX_RESPONSE_BODY),
        ureq::Error::Io(io) => return TransportError::from(std::io::Error::new(io.kind(), e.to_string())),
        ureq::Error::Protocol(_) => TransportErrorKind::Protocol,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, e.to_string())
}

impl HttpSend for UreqSender {
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let response = self.agent.run(request).map_err(map_ureq_error)?;
        let (parts, body) = response.into_parts();
        let bytes = body.into_with_config().limit(MAX_RESPONSE_BODY).read_to_vec().map_err(map_ureq_error)?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}
