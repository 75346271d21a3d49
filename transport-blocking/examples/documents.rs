//! The Document API end to end: list invoice reports, create one, read it, fetch its document
//! URL and download the document. Runs against the local emulator unless `AB_CLIENT_ID` is set.
//!
//! `cargo run -p amazon-business-blocking --example documents`

use amazon_business_blocking::documents;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let reports = client
        .documents()
        .get_reports(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
        .map(|op| {
            op.processing_statuses([
                documents::ProcessingStatus::InQueue,
                documents::ProcessingStatus::InProgress,
            ])
        })
        .send()?;
    println!("{} reports listed", reports.reports.len());
    let created = client
        .documents()
        .create_report("GET_MERCHANT_LISTINGS_ALL_DATA", ["A1PA6795UKMFR9", "ATVPDKIKX0DER"])
        .map(|op| {
            op.data_start_time(amazon_business_blocking::DateTime::parse("2019-12-10T20:11:24Z").unwrap())
        })
        .send()?;
    println!("created report {}", created.report_id);
    let report = client.documents().get_report("ID323").send()?;
    println!("report {} is {}", report.report_id, report.processing_status);
    let document = client.documents().get_report_document("0356cf79-b8b0-4226-b4b9-0ee058ea5760").send()?;
    println!("document {} at {}", document.report_document_id, document.url);
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
