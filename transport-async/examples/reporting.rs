//! The Reporting API, version 2025-06-09, with the async client: each listing's pages as a
//! `Stream`, consumed with `futures_util::StreamExt`; two listings run concurrently. Runs
//! against the local emulator unless `AB_CLIENT_ID` is set; the parameters are those of
//! Amazon's recorded sandbox examples (the emulator adds the last page those examples
//! announce).
//!
//! `cargo run -p amazon-business-async --example reporting`

use std::pin::pin;

use amazon_business_async::reporting::{Charge, ChargeType, OrderStatus};
use amazon_business_async::{Client, Country, DateTime, Error};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;

    // The two listings run at the same time; the client paces each operation by its usage
    // plan and shares one token between them.
    let (orders, shipments) = tokio::join!(order_reports(&client), shipment_line_items(&client));
    println!(
        "{orders} order(s) and {shipments} shipment line(s) in all",
        orders = orders?,
        shipments = shipments?
    );
    Ok(())
}

/// Walks the order reports page by page; returns how many orders they hold.
async fn order_reports(client: &Client) -> Result<usize, Error> {
    let request = client
        .reporting()
        .get_order_reports(date("2025-01-15T10:30:00Z"), date("2025-02-15T10:30:00Z"))
        .map(|op| op.order_statuses([OrderStatus::Closed]).region(Country::US));
    // `pages()` is a `Stream` of pages, each fetched when polled; pin it to poll it.
    let mut pages = pin!(request.pages());
    let (mut n, mut count) = (0, 0);
    while let Some(page) = pages.next().await {
        let page = page?;
        n += 1;
        println!("orders, page {n}: {} order(s)", page.orders_report.len());
        for order in &page.orders_report {
            count += 1;
            println!(
                "  order {} of {} ({}): {}",
                order.order_metadata.order_id,
                order.order_metadata.order_date.date.as_offset_date_time().date(),
                order.order_status,
                net_total(&order.charges)
            );
        }
    }
    Ok(count)
}

/// Collects the shipment line items of every page with stream combinators.
async fn shipment_line_items(client: &Client) -> Result<usize, Error> {
    let request = client
        .reporting()
        .get_shipment_line_item_reports(date("2025-04-01T00:00:00Z"), date("2025-04-30T00:00:00Z"))
        .map(|op| op.order_ids(["112-3456789-0123456"]).region(Country::US));
    // At most 10 pages; stop at the first error.
    let pages: Vec<_> = request.pages().take(10).collect().await;
    let mut count = 0;
    for page in pages {
        for line in page?.shipment_line_items_report {
            count += 1;
            println!(
                "  shipment {} line {}: {} x {}, {}",
                line.shipment_metadata.shipment_id,
                line.order_line_item_id,
                line.quantity.unwrap_or_default(),
                line.product_details.title,
                net_total(&line.charges)
            );
        }
    }
    Ok(count)
}

/// The `NET_TOTAL` charge, as text.
fn net_total(charges: &[Charge]) -> String {
    charges
        .iter()
        .find(|c| c.charge_type == ChargeType::NetTotal)
        .map_or("no net total".to_owned(), |c| format!("net total {}", c.amount))
}

/// A date-time literal of this example.
fn date(text: &str) -> DateTime {
    DateTime::parse(text).expect("a valid date-time literal")
}

#[path = "support/mod.rs"]
mod example_support;
