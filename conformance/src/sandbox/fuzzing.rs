//! The body of the `request_match` fuzz target (`fuzz/fuzz_targets/request_match.rs`): the
//! emulator's routing and exact matching of one request against the recorded examples. It
//! lives here, not in `fuzz/`, so that `tests/fuzz_corpus.rs` replays the committed corpus
//! on stable Rust.
//!
//! The input is a request as text: `METHOD TARGET` on the first line, `name: value` header
//! lines, an empty line, then the body (`fuzz/corpus/request_match/` holds every recorded
//! example in this form).

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use super::api::{mismatch, recorded, ApiCall};
use super::consent::ConsentLeg;
use super::matching::{find_match, MatchOutcome};
use super::router::Target;
use super::state::{Config, Shared, State, WireRequest};
use crate::fixtures::{load_examples, load_operations};

/// The emulator's catalogue and its recorded examples, read once.
fn emulator() -> &'static (Shared, State) {
    static EMULATOR: OnceLock<(Shared, State)> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let config = Config {
            token_lifetime: Duration::from_secs(3600),
            require_user_email: false,
            user_email: None,
            usage_plans: None,
        };
        let shared =
            Shared::new(config, ConsentLeg::default(), load_operations(), State::new(Vec::new(), None), 0);
        (shared, State::new(load_examples(), None))
    })
}

/// Reads the input as a request; `None` when its method, target or a header is not valid HTTP.
fn request(data: &[u8]) -> Option<http::Request<Vec<u8>>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next()?;
    let space = first.iter().position(|&b| b == b' ')?;
    let mut builder = http::Request::builder()
        .method(http::Method::from_bytes(&first[..space]).ok()?)
        .uri(http::Uri::try_from(&first[space + 1..]).ok()?);
    for line in lines {
        let colon = line.iter().position(|&b| b == b':')?;
        let value = line[colon + 1..].strip_prefix(b" ").unwrap_or(&line[colon + 1..]);
        builder = builder.header(
            http::HeaderName::from_bytes(&line[..colon]).ok()?,
            http::HeaderValue::from_bytes(value).ok()?,
        );
    }
    builder.body(body.to_vec()).ok()
}

/// Routes the request as the emulator does and matches it against the examples of the
/// operation it reached. A hit is one that [`request_differences`](super::request_differences)
/// (the offline replay's checker) also finds equal, and it answers with that example's
/// status; a miss answers `400` with every difference in a valid header and a JSON body.
pub fn request_match(data: &[u8]) {
    let _ = check(data);
}

/// [`request_match`]'s checks; says whether the request reached an operation (`Some`) and
/// matched one of its examples (`Some(true)`).
fn check(data: &[u8]) -> Option<bool> {
    let (shared, state) = emulator();
    let (parts, body) = request(data)?.into_parts();
    let wire = WireRequest::new(&parts, body);
    let Target::Operation { operation, template, path_params } =
        shared.route(state, &wire.method, &wire.path)
    else {
        return None;
    };
    let call = ApiCall {
        req: &wire,
        operation: &operation,
        spec: shared.operation(&operation),
        template: &template,
        path_params: &path_params,
        rate: shared.rate_header(&operation),
    };
    let header = |name: &str| wire.header(name);
    let outcome =
        find_match(call.spec, state.candidates(&operation, &wire.method, &template), &call.parts(&header));
    match (outcome, recorded(shared, state, &call)) {
        (MatchOutcome::Hit(example), Ok(answer)) => {
            assert_eq!(answer.status, example.status);
            let request = http::Request::from_parts(parts, wire.body.clone());
            let differences = super::request_differences(example, &request);
            assert!(differences.is_empty(), "{} hit, yet differs: {differences:?}", example.id);
            Some(true)
        }
        (MatchOutcome::Miss { differences, .. }, Err(miss)) => {
            assert!(!differences.is_empty());
            let answer = mismatch(shared, &call, miss);
            assert_eq!(answer.status, 400);
            for (name, value) in &answer.headers {
                assert!(http::HeaderName::try_from(name.as_str()).is_ok(), "{name:?}");
                assert!(http::HeaderValue::from_str(value).is_ok(), "{name}: {value:?}");
            }
            let body: Value = serde_json::from_slice(&answer.body.unwrap_or_default()).expect("a JSON body");
            let listed = body["sandboxDiagnostic"]["differences"].as_array().map(Vec::len);
            assert_eq!(listed, Some(differences.len()));
            Some(false)
        }
        (MatchOutcome::Hit(example), Err(_)) => panic!("{} matched once and then not", example.id),
        (MatchOutcome::Miss { .. }, Ok(_)) => panic!("a miss matched on the second try"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds (`fuzz/corpus/request_match/` files named by 16 hex digits) are the recorded
    /// examples as requests: each must reach the hit branch, or the fuzzer starts from misses.
    /// The `crash-*` inputs, once overflows in number matching, are misses.
    #[test]
    fn seeds_hit_and_former_crashes_miss() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/request_match");
        let (mut seeds, mut crashes) = (0, 0);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            if name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                assert_eq!(check(&data), Some(true), "{name}: {}", String::from_utf8_lossy(&data));
                seeds += 1;
            } else if name.starts_with("crash-") {
                assert_eq!(check(&data), Some(false), "{name}");
                crashes += 1;
            }
        }
        assert!(seeds >= 50 && crashes >= 2, "{seeds} seeds, {crashes} crashes");
        assert_eq!(check(b"GET /no/such/operation\n\n"), None);
    }
}
