//! A purchase across the APIs with the async client: search the catalog, pick an offer, put
//! it in the cart, estimate the delivered cost, place the order, read the order back, and
//! track a package. Runs against the local emulator unless `AB_CLIENT_ID` is set.
//!
//! Each step sends the values of Amazon's recorded sandbox example for its operation, so that
//! each gets an answer from the emulator (and from Amazon's static sandbox, `AB_SANDBOX=1`);
//! the comments say where real code passes on the previous step's results instead. Against
//! Amazon the order is a *trial* order (checked and priced, never created).
//!
//! `cargo run -p amazon-business-async --example purchase_flow`

use amazon_business_async::cart::{AddItemRequest, PhysicalAddress as CartAddress};
use amazon_business_async::ordering::{PaymentMethodReference, PhysicalAddress, RequestLineItem};
use amazon_business_async::product_search::SearchFacetType;
use amazon_business_async::{Country, Decimal, Money};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = example_support::client()?;

    // 1 and 2 are independent: search the catalog and list a product's offers at once.
    let asin = "B07VDJ5RVF";
    let (found, offers) = tokio::join!(
        client
            .product_search()
            .search_products()
            .map(|op| op.keywords("keyword").facets([SearchFacetType::Offers])),
        client
            .product_search()
            .search_offers(asin)
            .map(|op| op.filter_ids(["NEW", "PRIME"]).page_number(1).page_size(12)),
    );
    let (found, offers) = (found?, offers?);
    let first = found.products.first().ok_or("the search found nothing")?;
    println!(
        "1. search \"keyword\": {} products, first {} \"{}\"",
        found.matching_product_count,
        first.asin,
        first.title.as_deref().unwrap_or("untitled")
    );
    let (offer_id, price) = offers
        .offers
        .iter()
        .flatten()
        .filter_map(|o| Some((o.offer_id.clone(), o.price.as_ref()?.value.clone()?)))
        .min_by_key(|(_, price)| price.amount)
        .ok_or("no offer with a price")?;
    println!(
        "2. cheapest offer of {asin}: {price} ({} offers in all)",
        offers.offer_count.unwrap_or_default()
    );

    // 3. Add it to the cart. Real code: AddItemRequest::new(asin, &offer_id, 1, "my-line-1").
    let added = client
        .cart()
        .add_items(
            "cart-123",
            [AddItemRequest::new("ProductIdentifier1", "BuyingOptionIdentifier1", 1, "client-item-001")],
        )
        .await?;
    println!(
        "3. added to cart cart-123: {} line(s) in the cart, {} rejected",
        added.items.len(),
        added.rejected_items.len()
    );

    // 4. Estimate what the cart costs delivered to an address.
    let address =
        CartAddress::new("cart user", "307 Boren Ave", "Seattle", "98101", "US").state_or_region("WA");
    let estimate = client.cart().get_estimated_total_purchase_cost("cart-123", address).await?;
    let currency = estimate.charges.first().map_or("USD", |c| c.amount.currency_code.as_str());
    let total: Decimal = estimate.charges.iter().map(|c| c.amount.amount.value()).sum();
    println!("4. estimated total: {} over {} charge(s)", Money::new(currency, total), estimate.charges.len());

    // 5. Place the order (the emulator accepts any well-formed order), refusing to pay more
    //    per unit than the offer's price. Dropping this future midway is safe: the client
    //    never sends `placeOrder` twice blindly, it asks `orderDetails` first.
    let external_id = format!("purchase-flow-async-{}", std::process::id());
    let trial = emulator.is_none();
    let result = client
        .ordering()
        .place_order(
            external_id.as_str(),
            [RequestLineItem::offer("line-1", asin, offer_id.as_str(), 1).expected_unit_price(price.clone())],
        )
        .map(|op| {
            let op = op
                .region(Country::US)
                .shipping_address(
                    PhysicalAddress::new("cart user", "307 Boren Ave", "Seattle", "98101", "US")
                        .state_or_region("WA"),
                )
                .payment_method(PaymentMethodReference::stored_payment_method());
            if trial {
                op.trial_mode()
            } else {
                op
            }
        })
        .await?;
    let line = result.line_items.first().ok_or("the order result has no line")?;
    println!(
        "5. placed order {external_id}{}: line {} with {} accepted and {} rejected part(s)",
        if trial { " (trial)" } else { "" },
        line.external_id,
        line.accepted_items.len(),
        line.rejected_items.len()
    );

    // 6. Read the order back by its external ID (trial orders are not stored).
    if trial {
        println!("6. trial order: nothing to read back");
    } else {
        let details = client.ordering().order_details(external_id.as_str()).await?;
        println!(
            "6. orderDetails({external_id}): {} line(s), Amazon order IDs: [{}]",
            details.line_items.len(),
            details.order_identifiers().join(", ")
        );
    }

    // 7. Track a package. Real code takes the order, shipment and package IDs from the
    //    Reporting API's shipment line item reports once the order has shipped.
    let tracking = client
        .package_tracking()
        .get_package_tracking_details("114-2589187-9801025", "401971789238301", "1")
        .map(|op| op.locale("en-US"))
        .await?
        .package_tracking_details;
    println!(
        "7. package 1 of shipment 401971789238301: {} ({})",
        tracking.tracking_status, tracking.localized_delivery_promise
    );
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
