//! The Ordering API: place an order, then read its outcome back by the external ID you chose.
//! Runs against the local emulator unless `AB_CLIENT_ID` is set. Amazon's sandbox does not
//! mock ordering, so against Amazon this example places a *trial* order (checked and priced,
//! never created) and skips the look-up, which only finds created orders.
//!
//! `cargo run -p amazon-business-blocking --example ordering`

use amazon_business_blocking::ordering::{
    AcceptanceArtifact, AcceptedItem, OrderResult, PaymentMethodReference, PhysicalAddress,
    RejectionArtifact, RequestLineItem,
};
use amazon_business_blocking::{Country, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = example_support::client()?;
    let trial = emulator.is_none();

    // Your external ID identifies the order: `placeOrder` is not retried blindly (it could
    // buy twice); after an ambiguous failure the client asks `orderDetails` for this ID.
    let external_id = format!("example-order-{}", std::process::id());
    let line = RequestLineItem::offer("line-1", "B007VC9DKI", "asid-123121", 2)
        .expected_unit_price(Money::new("USD", "12.45".parse()?));
    let placed = client
        .ordering()
        .place_order(external_id.as_str(), [line])
        .map(|op| {
            let op = op
                .region(Country::US)
                .shipping_address(
                    PhysicalAddress::new("Jane Doe", "410 Terry Ave N", "Seattle", "98109", "US")
                        .state_or_region("WA"),
                )
                .payment_method(PaymentMethodReference::stored_payment_method())
                .purchase_order_number("PO-EXAMPLE-1");
            if trial {
                op.trial_mode()
            } else {
                op
            }
        })
        .send()?;
    println!("placed order {external_id}{}:", if trial { " (trial)" } else { "" });
    describe(&placed);

    if trial {
        println!("trial order: nothing to look up");
        return Ok(());
    }
    let details = client.ordering().order_details(external_id.as_str()).send()?;
    println!("orderDetails({external_id}):");
    describe(&details);
    Ok(())
}

/// Prints what happened to each line of an order.
fn describe(result: &OrderResult) {
    for line in &result.line_items {
        let accepted: i64 = line.accepted_items.iter().map(quantity).sum();
        let rejected: i64 = line.rejected_items.iter().map(|r| r.quantity).sum();
        println!("  line {}: {accepted} accepted, {rejected} rejected", line.external_id);
        for item in &line.accepted_items {
            if let AcceptedItem::SingleAcceptedItem(single) = item {
                single.artifacts.iter().for_each(artifact);
            }
        }
        for item in &line.rejected_items {
            for reason in &item.artifacts {
                match reason {
                    RejectionArtifact::RejectionMessage(m) => println!("    rejected: {}", m.message),
                    RejectionArtifact::BrokenUnitPriceExpectation(b) => {
                        println!("    rejected: unit price {} is above {}", b.actual_amount, b.boundary)
                    }
                    other => println!("    rejected: {}", other.type_name().unwrap_or("unknown reason")),
                }
            }
        }
    }
    result.acceptance_artifacts.iter().for_each(artifact);
    let ids = result.order_identifiers();
    if !ids.is_empty() {
        println!("  Amazon order IDs: {}", ids.join(", "));
    }
    println!("  signed (every accepted item placed): {}", result.is_signed());
}

fn quantity(item: &AcceptedItem) -> i64 {
    match item {
        AcceptedItem::SingleAcceptedItem(single) => single.quantity,
        AcceptedItem::AcceptedItemGroup(group) => group.quantity,
        AcceptedItem::Unknown(_) => 0,
    }
}

fn artifact(artifact: &AcceptanceArtifact) {
    match artifact {
        AcceptanceArtifact::UnitPrice(p) => println!("    unit price {}", p.amount),
        AcceptanceArtifact::Charge(c) => println!("    {} {}: {}", c.category, c.charge_type, c.amount),
        AcceptanceArtifact::DeliveryTimeRange(d) => {
            println!("    delivery between {} and {}", d.lower_boundary.date, d.upper_boundary.date)
        }
        AcceptanceArtifact::OrderIdentifier(o) => println!("    Amazon order {}", o.identifier),
        _ => {}
    }
}

#[path = "support/mod.rs"]
mod example_support;
