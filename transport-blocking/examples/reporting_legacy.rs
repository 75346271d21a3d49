//! The Reporting API, version 2021-01-08 (the legacy one, still callable): orders placed in a
//! date range (every page) with their line items, shipments and charges, and one order by ID.
//! Runs against the local emulator unless `AB_CLIENT_ID` is set; the parameters are those of
//! Amazon's recorded sandbox examples. New code should prefer the 2025 version (`reporting`).
//!
//! `cargo run -p amazon-business-blocking --example reporting_legacy`

use amazon_business_blocking::reporting_legacy::Order;
use amazon_business_blocking::DateTime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let reporting = client.reporting_legacy();

    let start = DateTime::parse("2020-12-01T00:00:00Z")?;
    let end = DateTime::parse("2020-12-01T23:00:00Z")?;
    // The following pages send only `nextPageToken`; `.pages()` does that for you.
    for (n, page) in reporting.get_orders_by_order_date(start, end).pages().enumerate() {
        let page = page?;
        println!("page {}: {} order(s)", n + 1, page.orders.len());
        page.orders.iter().for_each(print_order);
    }

    let by_id = reporting.get_orders_by_order_id("114-7470804-5505847").send()?;
    println!("by ID:");
    by_id.orders.iter().for_each(print_order);
    Ok(())
}

fn print_order(order: &Order) {
    println!(
        "  order {} of {} ({}): {} item(s), net total {} (tax {}), bought by {}",
        order.order_id,
        order.order_date.as_offset_date_time().date(),
        order.order_status,
        order.order_quantity,
        order.order_net_total,
        order.order_tax,
        order.buying_customer.name.as_deref().unwrap_or("?")
    );
    for line in order.line_items.iter().flatten() {
        println!("    {} x {} at {} each", line.item_quantity, line.asin, line.purchased_price_per_unit);
    }
    for shipment in order.shipments.iter().flatten() {
        println!(
            "    shipment {} via {}: {}, expected {}",
            shipment.shipment_status,
            shipment.carrier_name,
            shipment.delivery_information.delivery_status,
            shipment.delivery_information.expected_delivery_date.as_offset_date_time().date()
        );
    }
    for charge in order.charges.iter().flatten() {
        println!("    charged {} on {}", charge.amount, charge.transaction_date.as_offset_date_time().date());
    }
}

#[path = "support/mod.rs"]
mod example_support;
