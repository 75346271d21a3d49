#![no_main]
#![forbid(unsafe_code)]
//! Fuzz target: see `amazon_business_conformance::sandbox::fuzzing::request_match`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amazon_business_conformance::sandbox::fuzzing::request_match(data));
