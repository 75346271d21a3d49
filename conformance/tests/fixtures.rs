//! The committed fixtures are what the extractor makes of the models, byte for byte.

use std::collections::BTreeSet;
use std::path::PathBuf;

use amazon_business_conformance::fixtures::{
    extract, load_definitions, load_examples, load_operations, proptest_schema, read_models, render,
    DEFINITIONS_JSON, EXAMPLES_JSON, OPERATIONS_JSON, PROPTEST_SCHEMA_PATH,
};

fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi")
}

/// The models, from `../../shared/openapi` (a checkout next to the models) or, in a worktree
/// elsewhere, `AB_MODELS_DIR`.
fn models_dir_or_env() -> Option<PathBuf> {
    let dir = std::env::var_os("AB_MODELS_DIR").map(PathBuf::from).unwrap_or_else(models_dir);
    dir.is_dir().then_some(dir)
}

#[test]
fn cores_proptest_schema_matches_a_fresh_extraction_and_the_fixtures() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let on_disk = std::fs::read_to_string(crate_dir.join(PROPTEST_SCHEMA_PATH)).unwrap();
    // What core embeds is what is on disk.
    assert_eq!(amazon_business_core::proptest::SCHEMA_JSON, on_disk);
    // It holds the same definitions, with the same structure, as the fixtures, whose own test
    // checks them against the models; and the same operations.
    let schema: serde_json::Value = serde_json::from_str(&on_disk).unwrap();
    let definitions = load_definitions();
    for d in &definitions {
        let entry = &schema["definitions"][&d.spec][&d.name];
        assert_eq!(entry["request"], d.in_request, "{} {}", d.spec, d.name);
        assert_eq!(entry["response"], d.in_response, "{} {}", d.spec, d.name);
        assert!(entry["schema"].is_object(), "{} {} is missing", d.spec, d.name);
    }
    let count: usize =
        schema["definitions"].as_object().unwrap().values().map(|m| m.as_object().unwrap().len()).sum();
    assert_eq!(count, definitions.len());
    for op in load_operations() {
        let entry = &schema["operations"][&op.operation];
        assert_eq!(entry["path"], op.path.as_str(), "{}", op.operation);
        assert_eq!(entry["method"], op.method.as_str(), "{}", op.operation);
        let names: Vec<&str> =
            op.parameters.iter().filter(|p| p.location != "body").map(|p| p.name.as_str()).collect();
        let embedded: Vec<&str> =
            entry["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(embedded, names, "{}", op.operation);
    }
    let Some(dir) = models_dir_or_env() else {
        eprintln!(
            "skipping the fresh extraction: no models at {} (set AB_MODELS_DIR)",
            models_dir().display()
        );
        return;
    };
    let fresh = proptest_schema(&read_models(&dir).unwrap()).unwrap();
    assert!(
        fresh == on_disk,
        "core/src/proptest/schema.json is stale: run `cargo run -p amazon-business-conformance --bin extract-fixtures`"
    );
}

#[test]
fn committed_fixtures_match_a_fresh_extraction() {
    let dir = models_dir();
    if !dir.is_dir() {
        eprintln!("skipping: {} not present", dir.display());
        return;
    }
    let extracted = extract(&dir).expect("models extract");
    assert_eq!(extracted.examples.len(), 56);
    assert_eq!(extracted.operations.len(), 32);
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let on_disk = |name: &str| std::fs::read_to_string(crate_dir.join("fixtures").join(name)).unwrap();
    assert!(
        render(&extracted.examples) == on_disk("examples.json"),
        "fixtures/examples.json is stale: run `cargo run -p amazon-business-conformance --bin extract-fixtures`"
    );
    assert!(
        render(&extracted.operations) == on_disk("operations.json"),
        "fixtures/operations.json is stale: run `cargo run -p amazon-business-conformance --bin extract-fixtures`"
    );
    assert!(
        render(&extracted.definitions) == on_disk("definitions.json"),
        "fixtures/definitions.json is stale: run `cargo run -p amazon-business-conformance --bin extract-fixtures`"
    );
    // What is embedded is what is on disk.
    assert_eq!(DEFINITIONS_JSON, on_disk("definitions.json"));
    assert_eq!(EXAMPLES_JSON, on_disk("examples.json"));
    assert_eq!(OPERATIONS_JSON, on_disk("operations.json"));
}

#[test]
fn embedded_fixtures_are_complete_and_consistent() {
    let examples = load_examples();
    let operations = load_operations();
    assert_eq!(examples.len(), 56);
    assert_eq!(operations.len(), 32);
    let definitions = load_definitions();
    assert_eq!(definitions.len(), 256);
    assert!(definitions.iter().all(|d| d.in_request || d.in_response));
    let ids: BTreeSet<_> = examples.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 56, "example ids are unique");
    let op_ids: BTreeSet<_> = operations.iter().map(|o| o.operation.as_str()).collect();
    assert_eq!(op_ids.len(), 32, "operation ids are unique");
    for ex in &examples {
        let op = operations
            .iter()
            .find(|o| o.operation == ex.operation)
            .unwrap_or_else(|| panic!("{} has no operation", ex.id));
        assert_eq!(op.method, ex.method, "{}", ex.id);
        assert_eq!(op.path, ex.path_template, "{}", ex.id);
        for name in ex.path.keys() {
            assert!(op.parameter("path", name).is_some(), "{}: {name}", ex.id);
        }
        for name in ex.query.keys() {
            assert!(op.parameter("query", name).is_some(), "{}: {name}", ex.id);
        }
        if ex.body.is_some() {
            assert!(op.body_schema.is_some(), "{}", ex.id);
        }
    }
    // Spot checks of the three encodings.
    let get = |id: &str| examples.iter().find(|e| e.id == id).unwrap();
    let transactions = get("getTransactions-200-0");
    assert_eq!(transactions.query["feedStartDate"], "2020-07-09T00:00:00Z");
    let offers = get("searchOffersRequest-200-0");
    assert_eq!(offers.query["pageSize"].to_string(), "12");
    assert_eq!(offers.query["filterIds"], serde_json::json!(["NEW", "PRIME"]));
    let legacy = get("getOrdersByOrderDate-200-0");
    assert_eq!(legacy.spec, "Reporting_API_v2021_01_08");
    assert!(get("cancelReport-200-0").response.is_none());
    assert!(get("createReport-202-0").body.is_some());
    let place = operations.iter().find(|o| o.operation == "placeOrder").unwrap();
    assert!(place.definitions.iter().any(|d| d == "PlaceOrderRequest"));
    assert!(operations.iter().filter(|o| o.requires_user_email()).count() >= 5);
}
