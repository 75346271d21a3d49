//! Coverage of Amazon's models: every operationId has a core `Operation`, and every model
//! definition reachable from an operation has a Rust type. The definition → type mapping is
//! data kept next to the code it describes: the table at the top of each API module's docs
//! (`| `ModelName` | [`RustType`] |`); this test reads it and checks that each named Rust type
//! is declared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use amazon_business_conformance::fixtures::load_operations;

fn module_for(spec: &str) -> &'static str {
    match spec {
        "ApplicationManagement_API" => "applications",
        "Cart_API" => "cart",
        "Document_API_v1" => "documents",
        "Ordering_API" => "ordering",
        "PackageTracking_API" => "package_tracking",
        "ProductSearch_API" => "product_search",
        "Reconciliation_API" => "reconciliation",
        "Reporting_API_v2021_01_08" => "reporting_legacy",
        "Reporting_API_v2025_06_09" => "reporting",
        "UserManagement_API" => "users",
        other => panic!("no module for spec {other}"),
    }
}

fn core_src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src")
}

/// The rows of a module's mapping table: model definition name → Rust type path.
fn mapping(module: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(core_src().join("apis").join(format!("{module}.rs"))).unwrap();
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let Some(row) = line.strip_prefix("//! |") else { continue };
        let cells: Vec<&str> = row.split('|').collect();
        if cells.len() < 2 || !cells[1].contains("[`") {
            continue;
        }
        let rust = cells[1].split("[`").nth(1).and_then(|s| s.split('`').next()).unwrap().to_owned();
        // Every backticked plain name in the first cell is a model definition this type covers.
        for (i, piece) in cells[0].split('`').enumerate() {
            if i % 2 == 1 && !piece.is_empty() && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                map.insert(piece.to_owned(), rust.clone());
            }
        }
    }
    map
}

/// Whether `path` (e.g. `Order` in `module`, or `crate::error::ErrorEntry`) names a declared type.
fn declared(module: &str, path: &str) -> bool {
    let (file, name) = match path.strip_prefix("crate::") {
        Some(rest) => {
            let mut parts: Vec<&str> = rest.split("::").collect();
            let name = parts.pop().unwrap();
            (core_src().join(format!("{}.rs", parts.join("/"))), name)
        }
        None => (core_src().join("apis").join(format!("{module}.rs")), path),
    };
    let Ok(text) = std::fs::read_to_string(&file) else { return false };
    ["struct", "enum", "type"].iter().any(|kind| {
        let needle = format!("pub {kind} {name}");
        text.match_indices(&needle).any(|(i, _)| {
            text[i + needle.len()..].chars().next().is_some_and(|c| !(c.is_alphanumeric() || c == '_'))
        })
    })
}

#[test]
fn every_operation_and_definition_has_a_rust_type() {
    let operations = load_operations();
    let implemented: BTreeSet<&str> = amazon_business_core::apis::OPERATION_IDS.iter().copied().collect();
    let mut missing_ops = Vec::new();
    let mut missing_defs = Vec::new();
    let mut undeclared = Vec::new();
    let mut defs: BTreeSet<(String, String)> = BTreeSet::new();
    for op in &operations {
        if !implemented.contains(op.operation.as_str()) {
            missing_ops.push(op.operation.clone());
        }
        let module = module_for(&op.spec);
        let map = mapping(module);
        for def in &op.definitions {
            defs.insert((op.spec.clone(), def.clone()));
            match map.get(def) {
                None => missing_defs.push(format!("{}: {def} (module {module})", op.spec)),
                Some(rust) if !declared(module, rust) => {
                    undeclared.push(format!("{module}: {def} -> {rust}"))
                }
                Some(_) => {}
            }
        }
    }
    missing_defs.sort();
    missing_defs.dedup();
    undeclared.sort();
    undeclared.dedup();
    let ops_ok = operations.len() - missing_ops.len();
    let defs_ok = defs.len() - missing_defs.len() - undeclared.len();
    println!("coverage: {ops_ok}/{} operations, {defs_ok}/{} definitions", operations.len(), defs.len());
    assert_eq!(operations.len(), 32);
    assert!(missing_ops.is_empty(), "operations without a core Operation: {missing_ops:?}");
    assert!(missing_defs.is_empty(), "definitions without a mapped Rust type:\n{}", missing_defs.join("\n"));
    assert!(undeclared.is_empty(), "mapped Rust types that are not declared:\n{}", undeclared.join("\n"));
    // Nothing implemented that Amazon's models do not have.
    let known: BTreeSet<&str> = operations.iter().map(|o| o.operation.as_str()).collect();
    let extra: Vec<_> = implemented.difference(&known).collect();
    assert!(extra.is_empty(), "operations not in the models: {extra:?}");
}

#[test]
fn the_mapping_reader_notices_gaps() {
    // The reader itself: a known row is read, and a made-up type is not "declared".
    let map = mapping("reporting_legacy");
    assert_eq!(map.get("OrdersOutput").map(String::as_str), Some("OrdersOutput"));
    assert_eq!(map.get("ErrorList").map(String::as_str), Some("crate::error::ErrorList"));
    assert!(declared("reporting_legacy", "OrdersOutput"));
    assert!(declared("reporting_legacy", "crate::error::ErrorEntry"));
    assert!(!declared("reporting_legacy", "NoSuchType"));
    assert!(!declared("reporting_legacy", "Orders"), "a prefix of a declared name is not a declaration");
}
