//! Application Management API, version `2023-11-30`: rotating the application's LWA client
//! secret.
//!
//! The one operation, [`RotateApplicationClientSecret`], needs no role and its model states no
//! usage plan. It answers 204 with no body: Amazon does not return the new secret in the
//! response but delivers it to the queue the developer registered in the developer console.
//! Once the secret has been read from that queue, hand it to the client with
//! `rotate_client_secret(new_secret)` ([`crate::Engine::rotate_client_secret`]), which swaps it
//! in and drops the cached access token so the next call exchanges again with the new secret.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |

use http::Method;

use crate::error::Error;
use crate::operation::{Operation, RequestContext, Role, UsagePlan};
use crate::wire::RequestBuilder;

const CLIENT_SECRET_PATH: &str = "/applications/2023-11-30/clientSecret";

/// Asks Amazon to generate a new client secret for the calling application
/// (`rotateApplicationClientSecret`).
///
/// Amazon answers 204 with no body. The new secret is **not** in the response: Amazon sends
/// it to the destination queue the developer registered in the developer console (register
/// one before calling this). After reading it from that queue, call
/// `rotate_client_secret(new_secret)` on the client (it forwards to
/// [`amazon_business_core::Engine::rotate_client_secret`](crate::Engine::rotate_client_secret)):
/// the client then uses the new secret and drops its cached access token, so the next call
/// exchanges the refresh token again with the new secret.
///
/// Not retry-safe: a second request would rotate the secret again.
///
/// - Role: none needed.
/// - Usage plan: not stated in the model.
/// - Sandbox: not mocked by Amazon's sandbox (it would act on the real application).
///
/// ```
/// use amazon_business_blocking::applications::RotateApplicationClientSecret;
/// use amazon_business_blocking::operation::{Operation, RequestContext};
/// use amazon_business_blocking::Marketplace;
/// let op = RotateApplicationClientSecret::new();
/// let base = url::Url::parse("https://na.business-api.amazon.com")?;
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// let request = op.request(&cx)?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().path(), "/applications/2023-11-30/clientSecret");
/// // Later, with the secret Amazon delivered to the registered queue:
/// // engine.rotate_client_secret(new_secret)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RotateApplicationClientSecret;

impl RotateApplicationClientSecret {
    /// The rotation request; it takes no parameters.
    pub fn new() -> Self {
        RotateApplicationClientSecret
    }
}

impl Operation for RotateApplicationClientSecret {
    type Output = ();
    const ID: &'static str = "rotateApplicationClientSecret";
    const ROLE: Role = Role::None;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, CLIENT_SECRET_PATH).build()
    }

    /// The 204 carries no body; there is nothing to read.
    fn parse(&self, _response: &http::Response<Vec<u8>>) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use crate::wire::parse_json;
    use url::Url;

    #[test]
    fn builds_a_bodiless_post() {
        let base = Url::parse("https://sandbox.na.business-api.amazon.com").unwrap();
        let cx = RequestContext {
            base_url: &base,
            marketplace: Marketplace::UnitedStates,
            user_email: Some("buyer@example.com"),
        };
        let req = RotateApplicationClientSecret::new().request(&cx).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/applications/2023-11-30/clientSecret"
        );
        assert!(req.body().is_empty());
        assert!(req.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
        assert!(req.headers().get(http::header::CONTENT_TYPE).is_none());
    }

    #[test]
    fn a_204_parses_to_unit() {
        let resp = http::Response::builder().status(204).body(Vec::new()).unwrap();
        RotateApplicationClientSecret::new().parse(&resp).unwrap();
    }

    #[test]
    fn errors_use_the_shared_shape() {
        let body = r#"{"errors":[{"code":"NotFound","message":"No queue registered"}]}"#;
        let errors: ErrorList = parse_json(RotateApplicationClientSecret::ID, body.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "NotFound");
        assert_eq!(errors.errors[0].details, None);
    }

    #[test]
    fn operation_constants() {
        assert_eq!(RotateApplicationClientSecret::ID, "rotateApplicationClientSecret");
        assert_eq!(RotateApplicationClientSecret::ROLE, Role::None);
        assert_eq!(RotateApplicationClientSecret::USAGE_PLAN, None);
        const { assert!(!RotateApplicationClientSecret::RETRY_SAFE) };
    }
}
