//! The App Center workflow: App Center calls the application's login URI with
//! `amazon_callback_uri` and `amazon_state`; the application acknowledges with a form POST to
//! that URI, sends the customer to the consent page, exchanges the code, and finally sends
//! the customer back to `amazon_callback_uri` with the outcome.

use http::header::CONTENT_TYPE;
use serde::{Deserialize, Serialize};
use url::{form_urlencoded, Url};

use super::{query_of, OnboardingError, PendingState};

/// The App Center request to the application's login URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCenterLogin {
    /// Where App Center waits for the acknowledgement and, at the end, the customer.
    pub callback_uri: String,
    /// App Center's own state, to echo back unchanged.
    pub amazon_state: String,
}

fn callback_url(raw: &str) -> Result<Url, OnboardingError> {
    let bad = |why: String| OnboardingError::AppCenterRequest(format!("amazon_callback_uri {raw:?} {why}"));
    let url = Url::parse(raw).map_err(|e| bad(format!("is not a URL: {e}")))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() == "https" || (url.scheme() == "http" && loopback) {
        Ok(url)
    } else {
        Err(bad("must be https".into()))
    }
}

impl AppCenterLogin {
    /// Reads the login-URI request (the full URL or its query).
    pub fn read(url_or_query: &str) -> Result<Self, OnboardingError> {
        let (mut callback, mut state) = (None, None);
        for (k, v) in form_urlencoded::parse(query_of(url_or_query).as_bytes()) {
            match k.as_ref() {
                "amazon_callback_uri" => callback = Some(v.into_owned()),
                "amazon_state" => state = Some(v.into_owned()),
                _ => {}
            }
        }
        let callback_uri = callback.filter(|c| !c.is_empty()).ok_or_else(|| {
            OnboardingError::AppCenterRequest("the login request carries no amazon_callback_uri".into())
        })?;
        let amazon_state = state.filter(|s| !s.is_empty()).ok_or_else(|| {
            OnboardingError::AppCenterRequest("the login request carries no amazon_state".into())
        })?;
        callback_url(&callback_uri)?;
        Ok(AppCenterLogin { callback_uri, amazon_state })
    }

    /// Reads what sending the [acknowledgement](AppCenterLogin::acknowledgement) gave: App
    /// Center must answer 2xx.
    pub fn acknowledgement_outcome(
        &self,
        outcome: Result<http::Response<Vec<u8>>, crate::error::TransportError>,
    ) -> Result<(), OnboardingError> {
        let response = outcome.map_err(|e| {
            OnboardingError::AppCenterRequest(format!("the acknowledgement was not delivered: {e}"))
        })?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(OnboardingError::AppCenterRequest(format!(
                "the acknowledgement was refused with HTTP {}",
                response.status().as_u16()
            )))
        }
    }

    /// The acknowledgement: a form POST to `amazon_callback_uri` with `redirect_uri`,
    /// `amazon_state`, the application's `state` and `status=authentication_successful`.
    /// Send it before sending the customer to the consent page.
    pub fn acknowledgement(&self, state: &PendingState) -> Result<http::Request<Vec<u8>>, OnboardingError> {
        let url = callback_url(&self.callback_uri)?;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("redirect_uri", &state.redirect_uri)
            .append_pair("amazon_state", &self.amazon_state)
            .append_pair("state", state.value().expose())
            .append_pair("status", "authentication_successful")
            .finish();
        http::Request::builder()
            .method(http::Method::POST)
            .uri(url.as_str())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.into_bytes())
            .map_err(|e| OnboardingError::AppCenterRequest(format!("cannot build the acknowledgement: {e}")))
    }

    /// Where to send the customer once the code was used (or failed):
    /// `amazon_callback_uri?status=auth_code_use_successful|auth_code_use_failure&amazon_state=…`.
    pub fn completion_url(&self, success: bool) -> Result<Url, OnboardingError> {
        let mut url = callback_url(&self.callback_uri)?;
        let status = if success { "auth_code_use_successful" } else { "auth_code_use_failure" };
        url.query_pairs_mut().append_pair("status", status).append_pair("amazon_state", &self.amazon_state);
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn login_acknowledgement_and_completion() {
        let login = AppCenterLogin::read(
            "https://app.example/appcenter/login-uri?amazon_callback_uri=https%3A%2F%2Fappcenter.example%2Fcb%3Fx%3D1&amazon_state=AS1",
        )
        .unwrap();
        assert_eq!(login.callback_uri, "https://appcenter.example/cb?x=1");
        let state = PendingState::new(
            [2; 32],
            SystemTime::UNIX_EPOCH,
            "https://app.example/appcenter/oauth/callback",
        )
        .for_app_center(login.clone());
        let ack = login.acknowledgement(&state).unwrap();
        assert_eq!(ack.method(), http::Method::POST);
        assert_eq!(ack.uri(), "https://appcenter.example/cb?x=1");
        let form: Vec<(String, String)> = form_urlencoded::parse(ack.body()).into_owned().collect();
        assert_eq!(
            form,
            [
                ("redirect_uri".into(), "https://app.example/appcenter/oauth/callback".into()),
                ("amazon_state".into(), "AS1".into()),
                ("state".into(), "02".repeat(32)),
                ("status".into(), "authentication_successful".into()),
            ]
        );
        assert_eq!(
            login.completion_url(true).unwrap().as_str(),
            "https://appcenter.example/cb?x=1&status=auth_code_use_successful&amazon_state=AS1"
        );
        assert!(login.completion_url(false).unwrap().as_str().contains("status=auth_code_use_failure"));
        for bad in [
            "amazon_state=A",
            "amazon_callback_uri=https%3A%2F%2Fa.example",
            "amazon_callback_uri=http%3A%2F%2Fa.example&amazon_state=A",
        ] {
            assert!(matches!(AppCenterLogin::read(bad), Err(OnboardingError::AppCenterRequest(_))), "{bad}");
        }
    }
}
