//! The Reporting API, version 2025-06-09 (the current one): order, order line item, shipment
//! and shipment line item reports, walked page by page with `.pages()`. Runs against the local
//! emulator unless `AB_CLIENT_ID` is set; the parameters are those of Amazon's recorded
//! sandbox examples (the emulator adds the last page those examples announce).
//!
//! `cargo run -p amazon-business-blocking --example reporting`

use amazon_business_blocking::reporting::{Charge, ChargeType, OrderStatus, ShipmentStatus};
use amazon_business_blocking::{Country, DateTime};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let reporting = client.reporting();

    // Each page is one request; `.pages()` repeats the request with `nextPageToken` until the
    // last page. Stop early with `.pages().limit(n)`, or collect with `.all(Some(n))`.
    let orders = reporting
        .get_order_reports(DateTime::parse("2025-01-15T10:30:00Z")?, DateTime::parse("2025-02-15T10:30:00Z")?)
        .map(|op| op.order_statuses([OrderStatus::Closed]).region(Country::US));
    for (n, page) in orders.pages().enumerate() {
        let page = page?;
        println!("orders, page {}: {} order(s)", n + 1, page.orders_report.len());
        for order in &page.orders_report {
            println!(
                "  order {} of {} ({}): {}, PO {}",
                order.order_metadata.order_id,
                order.order_metadata.order_date.date.as_offset_date_time().date(),
                order.order_status,
                net_total(&order.charges),
                order.purchase_order_number.as_deref().unwrap_or("none")
            );
        }
    }

    let (april, april_end) =
        (DateTime::parse("2025-04-01T00:00:00Z")?, DateTime::parse("2025-04-30T00:00:00Z")?);
    let lines = reporting
        .get_order_line_item_reports(april, april_end)
        .map(|op| op.region(Country::US).order_ids(["112-3456789-0123456"]));
    for page in lines.pages() {
        for line in page?.order_line_items_report {
            println!(
                "  line {} of order {}: {} x {} ({}), {}",
                line.order_line_item_id,
                line.order_metadata.order_id,
                line.quantity.unwrap_or_default(),
                line.product_details.title,
                line.product_details.asin,
                net_total(&line.charges)
            );
        }
    }

    for page in reporting
        .get_order_reports_by_purchase_order_number("PO-12345")
        .map(|op| op.region(Country::US))
        .pages()
    {
        for order in page?.orders_report {
            println!("  PO-12345 includes order {} ({})", order.order_metadata.order_id, order.order_status);
        }
    }

    let shipments = reporting.get_shipment_reports(april, april_end).map(|op| {
        op.shipment_statuses([ShipmentStatus::Shipped]).order_ids(["112-3456789-0123456"]).region(Country::US)
    });
    for page in shipments.pages() {
        for shipment in page?.shipments_report {
            let delivery =
                shipment.delivery_info.as_ref().map_or("no delivery information".to_owned(), |d| {
                    format!(
                        "{}, expected {}",
                        d.status,
                        d.expected_delivery_date.date.as_offset_date_time().date()
                    )
                });
            println!(
                "  shipment {} ({}) to {}, {}: {delivery}",
                shipment.shipment_metadata.shipment_id,
                shipment.shipment_status,
                shipment.shipping_address.country_code,
                net_total(&shipment.charges)
            );
        }
    }

    let shipment_lines = reporting
        .get_shipment_line_item_reports(april, april_end)
        .map(|op| op.order_ids(["112-3456789-0123456"]).region(Country::US));
    for page in shipment_lines.pages() {
        for line in page?.shipment_line_items_report {
            // Package IDs feed the Package Tracking API.
            let packages: Vec<String> = line
                .packages
                .iter()
                .flatten()
                .map(|p| format!("{} (tracking {})", p.package_id, p.tracking_id))
                .collect();
            println!(
                "  shipment {} line {}: {} by {}, packages {}",
                line.shipment_metadata.shipment_id,
                line.order_line_item_id,
                line.product_details.title,
                line.carrier_name.as_deref().unwrap_or("an unknown carrier"),
                packages.join(", ")
            );
        }
    }
    Ok(())
}

/// The `NET_TOTAL` charge, as text.
fn net_total(charges: &[Charge]) -> String {
    charges
        .iter()
        .find(|c| c.charge_type == ChargeType::NetTotal)
        .map_or("no net total".to_owned(), |c| format!("net total {}", c.amount))
}

#[path = "support/mod.rs"]
mod example_support;
