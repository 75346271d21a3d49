//! Onboarding over this crate's sender: the code exchange, the App Center acknowledgement and
//! the access check, beside everything of [`amazon_business_core::onboarding`] (re-exported).

use std::time::SystemTime;

use amazon_business_core::onboarding::access::{access_probes, AccessReport, ProbeCall};
use amazon_business_core::{Error, Secret};

use crate::{Client, HttpSend};

pub use amazon_business_core::onboarding::*;

amazon_business_core::onboarder_shell!(#[cfg(feature = "tokio")] hyper => crate::HyperSender);

impl Onboarder {
    /// Exchanges `code` (once; codes are single-use) for the customer's tokens.
    pub async fn exchange(&self, code: &Secret, redirect_uri: &str) -> Result<Onboarded, OnboardingError> {
        let outcome = self.sender.send(self.client.exchange_request(code, redirect_uri)).await;
        self.client.exchange_outcome(code, outcome, SystemTime::now())
    }

    /// POSTs the App Center acknowledgement for `state`; App Center must answer 2xx.
    pub async fn acknowledge(
        &self,
        login: &AppCenterLogin,
        state: &PendingState,
    ) -> Result<(), OnboardingError> {
        login.acknowledgement_outcome(self.sender.send(login.acknowledgement(state)?).await)
    }
}

impl Client {
    /// Makes one harmless read per Amazon Business role with this client's customer token and
    /// reports role → granted / missing (403, with the fix) / other error. See
    /// [`onboarding::access`](amazon_business_core::onboarding::access).
    pub async fn check_access(&self) -> AccessReport {
        let mut report = AccessReport::default();
        for probe in access_probes(self.config().marketplace().country()) {
            let outcome = match &probe.call {
                None => None,
                Some(ProbeCall::SearchProducts(op)) => Some(self.send(op.as_ref()).await.map(drop)),
                Some(ProbeCall::GetOrderReports(op)) => Some(self.send(op).await.map(drop)),
                Some(ProbeCall::GetTransactions(op)) => Some(self.send(op).await.map(drop)),
                Some(ProbeCall::ListCarts(op)) => Some(self.send(op).await.map(drop)),
                Some(_) => Some(Err(Error::Config(amazon_business_core::error::ConfigError::new(
                    "access_check",
                    "this client does not know the probe",
                )))),
            };
            report.record(&probe, outcome);
        }
        report
    }
}
