//! The Cart API: list the buyer's carts, read a cart and its items, add an item, change a
//! quantity, estimate the delivered cost, and empty the cart. Runs against the local emulator
//! unless `AB_CLIENT_ID` is set; the IDs are those of Amazon's recorded sandbox examples.
//!
//! `cargo run -p amazon-business-blocking --example cart`

use amazon_business_blocking::cart::{AddItemRequest, Attribute, ModifyItemRequest, PhysicalAddress};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let cart = client.cart();

    // `listCarts` acts for a business user: the configured `x-amz-user-email`, or per call
    // with `.map(|op| op.user_email(..))`. `region` defaults to the marketplace's country.
    for page in cart.list_carts().pages() {
        for details in page?.cart_details_list {
            println!("cart {} ({}, {})", details.id, details.cart_type, details.region);
        }
    }

    let summary = cart.get_cart("cart-123").send()?;
    for attribute in summary.attributes.iter().flatten() {
        match attribute {
            Attribute::Subtotal(s) => println!("cart {} subtotal: {}", summary.id, s.amount),
            Attribute::SubtotalWithoutTax(s) => {
                println!("cart {} subtotal before tax: {}", summary.id, s.amount)
            }
            other => println!("cart {} attribute: {other:?}", summary.id),
        }
    }

    let items = cart.get_items("cart-123").send()?;
    for item in &items.items {
        let price = item.price.as_ref().map_or("no price".to_owned(), ToString::to_string);
        println!(
            "  item {}: {} x {} at {price} each (added {})",
            item.item_id,
            item.quantity,
            item.product_identifier,
            item.added_to_cart_date.date.as_offset_date_time().date()
        );
    }

    // The buying option identifier comes from Product Search (an offer ID); `externalId` is
    // yours, echoed back if the item is rejected.
    let added = cart
        .add_items(
            "cart-123",
            [AddItemRequest::new("ProductIdentifier1", "BuyingOptionIdentifier1", 1, "client-item-001")],
        )
        .send()?;
    println!("added: cart now holds {} line(s), {} rejected", added.items.len(), added.rejected_items.len());

    let modified = cart.modify_items("cart-123", [ModifyItemRequest::new("cId1", 3)]).send()?;
    for item in &modified.items {
        println!("modified: item {} now has quantity {}", item.item_id, item.quantity);
    }

    let address =
        PhysicalAddress::new("cart user", "307 Boren Ave", "Seattle", "98101", "US").state_or_region("WA");
    let estimate = cart.get_estimated_total_purchase_cost("cart-123", address).send()?;
    if estimate.charges.is_empty() {
        println!("no estimate: {:?}", estimate.rejection_artifacts);
    }
    for charge in &estimate.charges {
        // (`Display` of the enums ignores width, hence `as_str`.)
        println!(
            "  estimate {:<10} {:<9} {}",
            charge.category.as_str(),
            charge.charge_type.as_str(),
            charge.amount
        );
    }

    cart.delete_items("cart-123").send()?;
    println!("cart cart-123 emptied");
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
