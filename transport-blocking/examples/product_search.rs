//! The Product Search API: search the catalog by keywords, read a product and its offers,
//! list a product's offers, and look several products or offers up at once. Runs against the
//! local emulator unless `AB_CLIENT_ID` is set; the parameters are those of Amazon's recorded
//! sandbox examples (which is why `getProduct` asks for Spanish texts).
//!
//! `cargo run -p amazon-business-blocking --example product_search`

use amazon_business_blocking::product_search::{Offer, SearchFacetType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let search = client.product_search();

    // Every Product Search call acts for a business user (`x-amz-user-email`, configured or
    // per call with `.user_email(..)`); `productRegion` and `locale` default to the
    // marketplace's country and its usual locale (here `US`, `en_US`).
    let results =
        search.search_products().map(|op| op.keywords("keyword").facets([SearchFacetType::Offers])).send()?;
    println!(
        "search \"keyword\": {} matching products on {} page(s)",
        results.matching_product_count, results.number_of_pages
    );
    for product in results.products.iter().take(3) {
        println!("  {} {}", product.asin, product.title.as_deref().unwrap_or("(untitled)"));
    }

    let product = search
        .get_product("B007VC9DKI")
        .map(|op| op.facets([SearchFacetType::Offers]).locale("es_US").shipping_postal_code("99999"))
        .send()?;
    println!("product {} ({}): {}", product.asin, product.asin_type, product.url);
    // The `OFFERS` facet's entries have no fixed shape in the model; read them as offers.
    match product.included_offers() {
        Some(Ok(offers)) => offers.iter().for_each(print_offer),
        // Amazon's recorded example sends `"OFFERS": [{}]`, which holds no offer.
        Some(Err(e)) => println!("  the OFFERS facet holds no readable offer ({e})"),
        None => println!("  no OFFERS facet"),
    }

    let page = search
        .search_offers("B07VDJ5RVF")
        .map(|op| op.filter_ids(["NEW", "PRIME"]).page_number(1).page_size(12))
        .send()?;
    println!(
        "offers of B07VDJ5RVF: {} in all, {} page(s)",
        page.offer_count.unwrap_or_default(),
        page.number_of_pages.unwrap_or_default()
    );
    for offer in page.offers.iter().flatten().take(3) {
        print_offer(offer);
    }

    let by_asins = search.get_products_by_asins(["B007VC9DKI", "B007VC9DKI", "B007VC9DKI"]).send()?;
    println!(
        "by ASIN: {} found ({}), not found: {}",
        by_asins.matching_product_count,
        by_asins.products.iter().map(|p| p.asin.as_str()).collect::<Vec<_>>().join(", "),
        by_asins.not_found_asins.join(", ")
    );

    let by_offer_ids = search.get_offers_by_offer_ids(["asid-123121", "asid-132as"]).send()?;
    for offer in &by_offer_ids.offers {
        print_offer(offer);
    }
    println!("offers not found: {}", by_offer_ids.not_found_offer_ids.join(", "));
    Ok(())
}

fn print_offer(offer: &Offer) {
    let price = offer
        .price
        .as_ref()
        .and_then(|p| p.value.as_ref())
        .map_or("no price".to_owned(), ToString::to_string);
    let seller = offer.merchant.as_ref().map(|m| m.name.as_str()).unwrap_or("unknown seller");
    // Offer IDs are long signed strings; show their start.
    let id: String = offer.offer_id.chars().take(16).collect();
    let ellipsis = if offer.offer_id.chars().count() > 16 { "…" } else { "" };
    println!(
        "  offer {id}{ellipsis}: {price} from {seller}, {}",
        offer.availability.as_deref().unwrap_or("availability unknown")
    );
}

#[path = "support/mod.rs"]
mod example_support;
