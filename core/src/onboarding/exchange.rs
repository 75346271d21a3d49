//! The authorization-code exchange, made with the application's credentials alone.

use std::fmt;
use std::time::SystemTime;

use url::Url;

use crate::engine::Engine;
use crate::error::{ConfigError, Error, LwaErrorCode, TransportError};
use crate::lwa::{self, AccessToken};
use crate::place::Environment;
use crate::redact::Secrets;
use crate::secret::Secret;

use super::OnboardingError;

/// Exchanges onboarding authorization codes for a customer's tokens. Built from the
/// application's client id and secret alone: a new customer has no refresh token yet.
///
/// ```
/// use std::time::SystemTime;
/// use amazon_business_blocking::onboarding::OnboardingClient;
/// use amazon_business_blocking::{Environment, Secret};
///
/// let client = OnboardingClient::new("amzn1.application-oa2-client.x", "secret", &Environment::Production)?;
/// let request = client.exchange_request(&Secret::new("ANcode"), "https://app.example/cb");
/// assert_eq!(request.uri(), "https://api.amazon.com/auth/o2/token");
/// let answer = http::Response::new(
///     br#"{"access_token":"Atza|a","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|r"}"#.to_vec(),
/// );
/// let onboarded = client.read_exchange(&answer, SystemTime::now())?;
/// assert_eq!(onboarded.refresh_token.expose(), "Atzr|r");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct OnboardingClient {
    client_id: String,
    client_secret: Secret,
    lwa_url: Url,
    user_agent: String,
}

impl fmt::Debug for OnboardingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnboardingClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("lwa_url", &self.lwa_url.as_str())
            .finish()
    }
}

impl OnboardingClient {
    /// A client for the LWA endpoint of `environment`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        environment: &Environment,
    ) -> Result<Self, ConfigError> {
        let client_id = client_id.into();
        let client_secret = client_secret.into();
        if client_id.trim().is_empty() {
            return Err(ConfigError::new(
                "client_id",
                "is empty; expected the LWA client id (amzn1.application-oa2-client.…)",
            ));
        }
        if client_secret.is_blank() {
            return Err(ConfigError::new("client_secret", "is empty; expected the LWA client secret"));
        }
        Ok(OnboardingClient {
            client_id,
            client_secret,
            lwa_url: environment.lwa_url(),
            user_agent: format!(
                "{}/{} (Language=Rust; SDK={})",
                "amazon-business-rs-onboarding",
                env!("CARGO_PKG_VERSION"),
                crate::config::SDK_NAME
            ),
        })
    }

    /// Replaces the `User-Agent` sent to LWA.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A configuration a sender can be built from for this application's onboarding requests
    /// (default timeouts, no proxy). Its refresh token is a placeholder that is never sent.
    pub fn sender_config(&self) -> Result<crate::Config, crate::Error> {
        Ok(crate::Config::builder()
            .credentials(crate::Credentials::new(self.client_id(), "unused", "unused")?)
            .build()?)
    }

    /// The application's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The LWA request exchanging `code`. `redirect_uri` must be the one the consent URL
    /// carried, exactly. Send it once: codes are single-use.
    pub fn exchange_request(&self, code: &Secret, redirect_uri: &str) -> http::Request<Vec<u8>> {
        lwa::authorization_code_request(
            &self.lwa_url,
            &self.user_agent,
            &self.client_id,
            &self.client_secret,
            code,
            redirect_uri,
        )
    }

    /// Reads LWA's answer to [`OnboardingClient::exchange_request`]. `now` is when it arrived.
    /// A refused code (`invalid_grant`) becomes [`OnboardingError::CodeRefused`], which explains
    /// the five-minute lifetime.
    pub fn read_exchange(
        &self,
        response: &http::Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<Onboarded, OnboardingError> {
        let secrets = Secrets::new().with(&self.client_secret);
        match lwa::parse_token_response(response, now) {
            Ok(t) => match t.refresh_token {
                Some(refresh_token) if !refresh_token.is_blank() => Ok(Onboarded {
                    client_id: self.client_id.clone(),
                    refresh_token,
                    access_token: t.access_token,
                }),
                _ => Err(OnboardingError::Exchange(Error::Config(ConfigError::new(
                    "refresh_token",
                    "LWA answered the code exchange without a refresh token",
                )))),
            },
            Err(Error::Lwa(e)) if e.code == LwaErrorCode::InvalidGrant => {
                Err(OnboardingError::CodeRefused { description: e.description })
            }
            Err(e) => Err(OnboardingError::Exchange(e.redacted(&secrets))),
        }
    }

    /// Reads what the transport got for [`OnboardingClient::exchange_request`] (the answer or
    /// a network failure) at `now`, with the client secret and `code` masked in any error.
    pub fn exchange_outcome(
        &self,
        code: &Secret,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: SystemTime,
    ) -> Result<Onboarded, OnboardingError> {
        let secrets = Secrets::new().with(&self.client_secret).with(code);
        let result = match outcome {
            Ok(response) => self.read_exchange(&response, now),
            Err(e) => Err(OnboardingError::Exchange(Error::from(e))),
        };
        result.map_err(|e| match e {
            OnboardingError::Exchange(e) => OnboardingError::Exchange(e.redacted(&secrets)),
            OnboardingError::CodeRefused { description } => OnboardingError::CodeRefused {
                description: description.map(|d| secrets.mask(&d).into_owned()),
            },
            other => other,
        })
    }
}

/// A customer onboarded: their refresh token (keep it as a secret, one per customer and
/// marketplace) and the first access token, good for an hour.
#[derive(Clone)]
pub struct Onboarded {
    client_id: String,
    /// The customer's refresh token.
    pub refresh_token: Secret,
    /// The first access token.
    pub access_token: AccessToken,
}

impl fmt::Debug for Onboarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Onboarded")
            .field("refresh_token", &self.refresh_token)
            .field("access_token", &self.access_token)
            .finish()
    }
}

impl Onboarded {
    /// Puts the first access token in the token cache of `engine`, which must act for this
    /// customer (built with this refresh token and the same client id), so its first call
    /// needs no LWA exchange.
    pub fn seed(&self, engine: &Engine) -> Result<(), ConfigError> {
        let key = crate::config::CredentialKey::new(&self.client_id, &self.refresh_token);
        if engine.credential_key() != &key {
            return Err(ConfigError::new(
                "refresh_token",
                "the engine acts for another customer or application; build it with this refresh token",
            ));
        }
        engine.seed_token(self.access_token.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;

    fn client() -> OnboardingClient {
        OnboardingClient::new("amzn1.application-oa2-client.x", "shh-secret", &Environment::Production)
            .unwrap()
    }

    fn answer(status: u16, body: &str) -> Result<http::Response<Vec<u8>>, TransportError> {
        Ok(http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap())
    }

    #[test]
    fn outcomes() {
        let c = client();
        let code = Secret::new("ANsecret-code");
        let now = SystemTime::UNIX_EPOCH;
        let ok = c
            .exchange_outcome(
                &code,
                answer(200, r#"{"access_token":"Atza|a","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|r"}"#),
                now,
            )
            .unwrap();
        assert_eq!(ok.refresh_token.expose(), "Atzr|r");
        assert_eq!(ok.access_token.expires_at(), now + std::time::Duration::from_secs(3600));
        let refused = c
            .exchange_outcome(
                &code,
                answer(400, r#"{"error":"invalid_grant","error_description":"bad code ANsecret-code"}"#),
                now,
            )
            .unwrap_err();
        let text = refused.to_string();
        assert!(matches!(refused, OnboardingError::CodeRefused { .. }));
        assert!(text.contains("five minutes") && !text.contains("ANsecret-code"), "{text}");
        let no_refresh = c
            .exchange_outcome(&code, answer(200, r#"{"access_token":"Atza|a","expires_in":3600}"#), now)
            .unwrap_err();
        assert!(no_refresh.to_string().contains("without a refresh token"), "{no_refresh}");
        let lost = c
            .exchange_outcome(
                &code,
                Err(TransportError::new(
                    TransportErrorKind::Reset,
                    "reset while sending ANsecret-code shh-secret",
                )),
                now,
            )
            .unwrap_err();
        let text = format!("{lost} {lost:?}");
        assert!(!text.contains("ANsecret-code") && !text.contains("shh-secret"), "{text}");
        assert!(OnboardingClient::new("", "s", &Environment::Production).is_err());
        assert!(!format!("{c:?}").contains("shh-secret"));
    }
}
