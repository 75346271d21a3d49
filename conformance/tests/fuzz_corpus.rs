//! Replays every input in `fuzz/corpus/request_match/` through the emulator's request matcher,
//! so what fuzzing found stays fixed on stable Rust and in CI.

use std::path::Path;

use amazon_business_conformance::sandbox::fuzzing::request_match;

#[test]
fn request_match_corpus_replays_without_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/request_match");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "empty corpus in {}", dir.display());
    for path in &entries {
        let data = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| request_match(&data));
        assert!(result.is_ok(), "request_match: {} panicked", path.display());
    }
    println!("fuzz corpus request_match: {} inputs", entries.len());
}
