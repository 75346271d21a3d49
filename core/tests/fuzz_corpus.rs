//! Replays every input in `fuzz/corpus/<target>/` through its target, so what fuzzing found
//! stays fixed on stable Rust and in CI.

use std::path::Path;

use amazon_business_core::fuzzing;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{target}: {} panicked", path.display());
        n += 1;
    }
    assert!(n > 0, "{target}: empty corpus");
    n
}

#[test]
fn corpus_replays_without_panics() {
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 6] = [
        ("lwa_response", fuzzing::lwa_response),
        ("api_error", fuzzing::api_error),
        ("headers", fuzzing::headers),
        ("operation_response", fuzzing::operation_response),
        ("encoding_roundtrip", fuzzing::encoding_roundtrip),
        ("onboarding_redirect", fuzzing::onboarding_redirect),
    ];
    for (name, run) in targets {
        let n = replay(name, run);
        println!("fuzz corpus {name}: {n} inputs");
    }
}

#[test]
fn the_response_target_covers_every_operation_in_order() {
    assert_eq!(fuzzing::response_targets(), amazon_business_core::apis::OPERATION_IDS);
}
