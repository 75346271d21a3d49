//! The emulator's large-document hook: a registered document is served byte for byte, without
//! an access token, and the generated report is valid gzip of the stated length.

use std::io::Read;

use amazon_business_conformance::sandbox::{realistic_report_gzip, Sandbox};

#[test]
fn a_registered_document_is_served_exactly_and_the_generated_report_is_gzip_csv() {
    let (gz, plain_len) = realistic_report_gzip(300_000, 7);
    assert!(plain_len >= 300_000);
    let mut csv = String::new();
    flate2::read::MultiGzDecoder::new(&gz[..]).read_to_string(&mut csv).unwrap();
    assert_eq!(csv.len(), plain_len);
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().starts_with("order_date,order_id,asin"));
    let first: Vec<&str> = rows.clone().take(50).collect();
    let distinct: std::collections::BTreeSet<&&str> = first.iter().collect();
    assert_eq!(distinct.len(), first.len(), "rows must vary");
    assert!(rows.all(|r| r.split(',').count() >= 10), "every row has all columns");

    let sandbox = Sandbox::builder().spawn().unwrap();
    let url = sandbox.serve_document("r.csv.gz", gz.clone());
    assert!(url.ends_with("/documents/r.csv.gz"), "{url}");
    let resp = ureq::get(&url).call().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-length").unwrap().to_str().unwrap(), gz.len().to_string());
    let body = resp.into_body().with_config().limit(u64::MAX).read_to_vec().unwrap();
    assert_eq!(body, gz.to_vec());
    // Other paths under the prefix are not documents.
    let missing = ureq::get(format!("{}/documents/other", sandbox.base_url())).call();
    assert!(!matches!(missing, Ok(r) if r.status() == 200));
}
