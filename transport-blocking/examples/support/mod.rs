//! Shared by the examples: a client for Amazon when `AB_CLIENT_ID` is set (configured by the
//! `AB_*` variables, see the README), otherwise for the local sandbox emulator started
//! in-process.
//!
//! The emulator answers Amazon's recorded sandbox examples. Those record only the first page
//! of paginated listings (with a placeholder next-page token), so the emulator is also given an
//! empty last page for each, so that `.pages()` ends the way it does against Amazon.
// Each example includes this module on its own and uses only part of it.
#![allow(dead_code)]

use amazon_business_blocking::{Client, Config, Credentials, Environment};
use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::sandbox::Sandbox;

/// The application the emulator knows (it checks these credentials exactly).
pub const CLIENT_ID: &str = "amzn1.application-oa2-client.example";
/// The emulator application's client secret.
pub const CLIENT_SECRET: &str = "example-client-secret";
/// The emulator customer's refresh token.
pub const REFRESH_TOKEN: &str = "Atzr|example-refresh-token";
/// The business user the examples act for on the emulator (`x-amz-user-email`).
pub const USER_EMAIL: &str = "buyer@example.com";

/// The client, and the emulator it talks to (kept alive by the caller) when there is one.
pub fn client() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    if std::env::var_os("AB_CLIENT_ID").is_some() {
        let client = Client::from_env()?;
        println!("(calling {} as configured by AB_* variables)", client.config().api_base());
        return Ok((client, None));
    }
    let sandbox = emulator()?;
    let config = Config::builder()
        .credentials(Credentials::new(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)?)
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url())?)
        .user_email(USER_EMAIL)
        .build()?;
    println!("(no AB_CLIENT_ID set: calling the local sandbox emulator at {})", sandbox.base_url());
    Ok((Client::new(config)?, Some(sandbox)))
}

/// Starts the emulator with the examples' credentials and an empty last page for every
/// recorded listing that announces a next one.
pub fn emulator() -> std::io::Result<Sandbox> {
    let sandbox = Sandbox::builder().credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN).spawn()?;
    for mut example in load_examples() {
        // (response field, query parameter, whether the next request sends only the token)
        let (field, param, token_only) = match example.operation.as_str() {
            "getOrderReports"
            | "getOrderLineItemReports"
            | "getOrderReportsByPurchaseOrderNumber"
            | "getShipmentReports"
            | "getShipmentLineItemReports" => ("nextPageToken", "nextPageToken", false),
            "getOrdersByOrderDate" | "getTransactions" => ("nextPageToken", "nextPageToken", true),
            "getReports" => ("nextToken", "nextToken", true),
            _ => continue,
        };
        if !(200..300).contains(&example.status) {
            continue;
        }
        let Some(response) = example.response.as_mut().and_then(|r| r.as_object_mut()) else {
            continue;
        };
        let Some(token) = response.remove(field) else {
            continue;
        };
        for value in response.values_mut() {
            if let Some(list) = value.as_array_mut() {
                list.clear();
            }
        }
        if token_only {
            example.query.clear();
        }
        example.query.insert(param.to_owned(), token);
        example.id = format!("{}-last-page", example.id);
        sandbox.add_example(example);
    }
    Ok(sandbox)
}
