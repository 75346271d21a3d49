//! Coverage of Amazon's models: every operationId has a core `Operation`, and every model
//! definition reachable from an operation has a row in the definition table
//! (`amazon_business_core::for_each_definition!`), whose Rust types the compiler checks.
//! `tests/models.rs` checks that each type holds its definition exactly.

use std::collections::BTreeSet;

use amazon_business_conformance::fixtures::{load_definitions, load_operations};

macro_rules! rows {
    ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {
        &[$($(($spec, $def, stringify!($ty)),)*)*]
    };
}

/// `(spec, definition, Rust type)` for every row of the table.
static TABLE: &[(&str, &str, &str)] = amazon_business_core::for_each_definition!(rows);

#[test]
fn every_operation_and_definition_has_a_rust_type() {
    let operations = load_operations();
    let implemented: BTreeSet<&str> = amazon_business_core::apis::OPERATION_IDS.iter().copied().collect();
    let missing_ops: Vec<_> =
        operations.iter().map(|o| o.operation.as_str()).filter(|op| !implemented.contains(op)).collect();
    let mapped: BTreeSet<(&str, &str)> = TABLE.iter().map(|(s, d, _)| (*s, *d)).collect();
    assert_eq!(mapped.len(), TABLE.len(), "a definition has two rows in for_each_definition!");
    let reachable: BTreeSet<(&str, &str)> = operations
        .iter()
        .flat_map(|o| o.definitions.iter().map(move |d| (o.spec.as_str(), d.as_str())))
        .collect();
    let missing_defs: Vec<_> = reachable.difference(&mapped).collect();
    let stale_rows: Vec<_> = mapped.difference(&reachable).collect();
    println!(
        "coverage: {}/{} operations, {}/{} definitions",
        operations.len() - missing_ops.len(),
        operations.len(),
        reachable.len() - missing_defs.len(),
        reachable.len()
    );
    assert_eq!(operations.len(), 32);
    assert!(missing_ops.is_empty(), "operations without a core Operation: {missing_ops:?}");
    assert!(missing_defs.is_empty(), "definitions without a row in for_each_definition!: {missing_defs:?}");
    assert!(stale_rows.is_empty(), "rows of for_each_definition! no operation reaches: {stale_rows:?}");
    // Nothing implemented that Amazon's models do not have.
    let known: BTreeSet<&str> = operations.iter().map(|o| o.operation.as_str()).collect();
    let extra: Vec<_> = implemented.difference(&known).collect();
    assert!(extra.is_empty(), "operations not in the models: {extra:?}");
}

#[test]
fn the_extracted_definitions_are_the_reachable_ones() {
    let definitions: BTreeSet<(String, String)> =
        load_definitions().into_iter().map(|d| (d.spec, d.name)).collect();
    let reachable: BTreeSet<(String, String)> = load_operations()
        .into_iter()
        .flat_map(|o| o.definitions.into_iter().map(move |d| (o.spec.clone(), d)))
        .collect();
    assert_eq!(definitions, reachable);
    assert!(TABLE
        .iter()
        .any(|(s, d, ty)| (*s, *d) == ("Cart_API", "RegionCode") && ty.contains("CountryCode")));
}
