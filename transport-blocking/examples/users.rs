//! The User Management API: create a business user account in a group, with a role, without
//! Amazon's welcome email. Runs against the local emulator unless `AB_CLIENT_ID` is set; the
//! values are the placeholders of Amazon's recorded example. Against Amazon this creates a
//! real user (Amazon's sandbox does not mock it), so the example refuses to run there unless
//! `AB_CREATE_USER=1` is set too.
//!
//! `cargo run -p amazon-business-blocking --example users`

use amazon_business_blocking::users::{
    AccountHolder, BusinessGroupIdentifier, BusinessRole, NotificationType,
};
use amazon_business_blocking::Country;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = example_support::client()?;
    if emulator.is_none() && std::env::var_os("AB_CREATE_USER").is_none() {
        println!("not creating a real user: set AB_CREATE_USER=1 to do so");
        return Ok(());
    }

    let holder = AccountHolder::new("[Email]", "[Given_name]", "[Family_name]");
    let group = BusinessGroupIdentifier::group_id("[Id]");
    client
        .users()
        .create_business_user_account(holder, group, BusinessRole::Requisitioner)
        .map(|op| op.region(Country::US).notification_types_to_suppress([NotificationType::Email]))
        .send()?;
    // Amazon answers 201 with an empty body; the user gets an invitation to set a password
    // (here without the welcome email, which was suppressed).
    println!("created a Requisitioner account for [Email] in group [Id] (welcome email suppressed)");
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
