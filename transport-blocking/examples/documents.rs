//! The Document API end to end: list invoice reports (every page), request one, read its
//! status, cancel one, and fetch a document's download URL. Runs against the local emulator
//! unless `AB_CLIENT_ID` is set; the IDs are those of Amazon's recorded sandbox examples.
//! (`report_download` shows downloading the document itself.)
//!
//! `cargo run -p amazon-business-blocking --example documents`

use amazon_business_blocking::documents::ProcessingStatus;
use amazon_business_blocking::DateTime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let documents = client.documents();

    // `.pages()` follows `nextToken` until the last page.
    let listing = documents
        .get_reports(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
        .map(|op| op.processing_statuses([ProcessingStatus::InQueue, ProcessingStatus::InProgress]));
    for (n, page) in listing.pages().enumerate() {
        let page = page?;
        println!("page {}: {} report(s)", n + 1, page.reports.len());
        for report in page.reports {
            println!(
                "  report {} ({}) is {}, created {}",
                report.report_id, report.report_type, report.processing_status, report.created_time
            );
        }
    }

    let created = documents
        .create_report("GET_MERCHANT_LISTINGS_ALL_DATA", ["A1PA6795UKMFR9", "ATVPDKIKX0DER"])
        .map(|op| op.data_start_time(DateTime::parse("2019-12-10T20:11:24Z").expect("a valid literal")))
        .send()?;
    println!("requested report {}", created.report_id);

    let report = documents.get_report("ID323").send()?;
    println!("report {} is {}", report.report_id, report.processing_status);
    match &report.report_document_id {
        Some(id) => println!("  its document is {id}"),
        None => println!("  no document yet (it has one once DONE)"),
    }

    documents.cancel_report("ID").send()?;
    println!("report ID cancelled");

    let document = documents.get_report_document("0356cf79-b8b0-4226-b4b9-0ee058ea5760").send()?;
    let compression = document.compression_algorithm.as_ref().map_or("uncompressed", |c| c.as_str());
    println!("document {} ({compression}) at {}", document.report_document_id, document.url);
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
