//! A user depends on a client crate (`amazon-business-blocking` or `amazon-business-async`),
//! not on core: the doc examples in core must use the paths of a client crate, or they do not
//! compile for that user. Only the example that drives core's sans-IO state machine by hand
//! (`call.rs`, for people writing their own driver) keeps core's paths, and says so; so do the
//! examples of the `proptest` feature (`proptest/`), which a user enables by adding core itself
//! as a dev-dependency.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn doc_examples_use_the_paths_of_the_crate_a_user_adds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "core's sources were not found at {}", src.display());
    let mut offenders = Vec::new();
    for file in files {
        if file.ends_with("call.rs") || file.parent().is_some_and(|d| d.ends_with("proptest")) {
            continue; // the sans-IO driver example, and the feature added through core: core paths on purpose
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let doc = line.trim_start();
            let is_doc = doc.starts_with("///") || doc.starts_with("//!");
            // Link targets are resolved by rustdoc inside core and are not compiled by users.
            if is_doc && doc.contains("amazon_business_core::") && !doc.contains("](crate::") {
                offenders.push(format!("{}:{}: {}", file.display(), n + 1, doc));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "doc examples must use amazon_business_blocking:: (or amazon_business_async::) paths:\n{}",
        offenders.join("\n")
    );
}
