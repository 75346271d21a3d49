#![forbid(unsafe_code)]
//! Regenerates `conformance/fixtures/{examples,operations,definitions}.json` from the OpenAPI
//! models, and the schema core's `proptest` feature embeds (`core/src/proptest/schema.json`).
//!
//! Usage: `extract-fixtures [MODELS_DIR] [--out DIR] [--check]`
//!
//! `MODELS_DIR` defaults to `../shared/openapi` relative to the workspace root; `--out`
//! defaults to this crate's `fixtures/` directory (the proptest schema always goes to core);
//! `--check` compares instead of writing and
//! exits with status 1 when the committed files are stale.

use std::path::PathBuf;
use std::process::ExitCode;

use amazon_business_conformance::fixtures::{
    extract_models, proptest_schema, read_models, render, PROPTEST_SCHEMA_PATH,
};

fn main() -> ExitCode {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let workspace = crate_dir.join("..");
    let mut models = workspace.join("../shared/openapi");
    let mut out = crate_dir.join("fixtures");
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => match args.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => {
                    eprintln!("--out needs a directory");
                    return ExitCode::from(2);
                }
            },
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: extract-fixtures [MODELS_DIR] [--out DIR] [--check]");
                return ExitCode::SUCCESS;
            }
            other => models = PathBuf::from(other),
        }
    }
    let read = read_models(&models).and_then(|m| Ok((extract_models(&m)?, proptest_schema(&m)?)));
    let (extracted, schema) = match read {
        Ok(x) => x,
        Err(e) => {
            eprintln!("extract-fixtures: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("request shapes met in {}:", models.display());
    for (shape, n) in &extracted.shapes {
        eprintln!("  {n:>4}  {shape}");
    }
    eprintln!(
        "{} examples, {} operations, {} definitions",
        extracted.examples.len(),
        extracted.operations.len(),
        extracted.definitions.len()
    );
    let files = [
        (out.join("examples.json"), render(&extracted.examples)),
        (out.join("operations.json"), render(&extracted.operations)),
        (out.join("definitions.json"), render(&extracted.definitions)),
        (crate_dir.join(PROPTEST_SCHEMA_PATH), schema),
    ];
    let mut stale = false;
    for (path, text) in files {
        if check {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != text {
                eprintln!("{} is stale", path.display());
                stale = true;
            }
        } else {
            let dir = path.parent().unwrap_or(&out);
            if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, text)) {
                eprintln!("extract-fixtures: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}", path.display());
        }
    }
    if stale {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
