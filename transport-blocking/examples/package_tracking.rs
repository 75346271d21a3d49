//! The Package Tracking API: where is a package of an order's shipment? Prints the carrier,
//! the delivery promise, the milestones and the tracking events. Runs against the local
//! emulator unless `AB_CLIENT_ID` is set; the IDs are those of Amazon's recorded sandbox
//! example. (The order, shipment and package IDs come from the Reporting API's shipment line
//! item reports, or from an order's result.)
//!
//! `cargo run -p amazon-business-blocking --example package_tracking`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;

    // `region` defaults to the marketplace's country; `locale` picks the language of the texts.
    let tracking = client
        .package_tracking()
        .get_package_tracking_details("114-2589187-9801025", "401971789238301", "1")
        .map(|op| op.locale("en-US"))
        .send()?
        .package_tracking_details;

    if let Some(carrier) = &tracking.carrier_details {
        println!(
            "carrier: {} (tracking ID {})",
            carrier.localized_carrier_name.as_deref().unwrap_or("unknown"),
            carrier.carrier_tracking_id.as_deref().unwrap_or("none")
        );
    }
    if !tracking.tracking_status.is_empty() {
        println!("status: {}", tracking.tracking_status);
    }
    println!("promise: {}", tracking.localized_delivery_promise);
    if let Some(window) = &tracking.delivery_window {
        println!("delivery window ends {}", window.end_date);
    }
    for milestone in tracking.package_milestones.iter().flatten() {
        println!(
            "  milestone {:<16} by {}",
            milestone.milestone_type.as_str(),
            milestone.milestone_window.end_date
        );
    }
    for event in tracking.package_tracking_events.iter().flatten() {
        let place = event.location.as_ref().map_or(String::new(), |l| {
            let parts: Vec<&str> =
                [l.city.as_deref(), l.state.as_deref(), l.country.as_deref()].into_iter().flatten().collect();
            if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join(", "))
            }
        });
        println!(
            "  {} {}: {}{place}",
            event.localized_event_date.as_deref().unwrap_or("?"),
            event.localized_event_time.as_deref().unwrap_or("?"),
            event.localized_description.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
