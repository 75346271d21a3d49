//! The README's "Testing against the local emulator" example, run as it is written there. The
//! code between the markers is the README's code block verbatim; the last test checks that it
//! still is.

// README:BEGIN
use amazon_business_blocking::documents::ProcessingStatus;
use amazon_business_blocking::{Client, Credentials};
use amazon_business_conformance::Sandbox;

#[test]
fn lists_every_page_of_reports_from_the_emulator() -> Result<(), Box<dyn std::error::Error>> {
    // A fresh emulator on a free loopback port; dropping it stops it.
    let sandbox = Sandbox::builder().spawn()?;
    // Its endpoints, a user email, and pacing off (Amazon's usage plans would only slow a
    // local test down). Any non-empty credentials do.
    let config =
        sandbox.config_builder(Credentials::new("my-client-id", "my-secret", "Atzr|my-token")?)?.build()?;
    let client = Client::new(config)?;

    let report = client.documents().get_report("ID323").send()?;
    assert_eq!(report.processing_status, ProcessingStatus::InProgress);

    // Recorded first pages lead to generated follow-up pages, the last one without a token.
    let pages = client
        .documents()
        .get_reports(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
        .map(|op| op.processing_statuses([ProcessingStatus::InQueue, ProcessingStatus::InProgress]))
        .all(None)?;
    assert_eq!(pages.len(), 3);
    assert!(pages[2].next_token.is_none());
    assert_eq!(sandbox.count("getReports"), 3);
    Ok(())
}
// README:END

#[test]
fn the_readme_holds_this_example_verbatim() {
    let this = include_str!("readme_emulator.rs");
    let begin = this.find("// README:BEGIN\n").expect("begin marker") + "// README:BEGIN\n".len();
    let end = this.find("// README:END").expect("end marker");
    let code = &this[begin..end];
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the repository's README.md");
    let block = format!("```rust\n{code}```\n");
    assert!(
        readme.contains(&block),
        "README.md's emulator example differs from tests/readme_emulator.rs; paste this block into it:\n{block}"
    );
}
