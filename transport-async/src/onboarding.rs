//! Onboarding over this crate's sender: the code exchange and the App Center acknowledgement
//! ([`Onboarder`]; the access check is `Client::check_access`), beside everything of [`amazon_business_core::onboarding`] (re-exported).

use crate::{now, HttpSend};

pub use amazon_business_core::onboarding::*;

amazon_business_core::onboarder_shell!(#[cfg(feature = "tokio")] hyper => crate::HyperSender; [async] [.await]);
