#![no_main]
#![forbid(unsafe_code)]
//! Fuzz target: see `amazon_business_core::fuzzing::onboarding_redirect`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amazon_business_core::fuzzing::onboarding_redirect(data));
