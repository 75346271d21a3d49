//! Shared by the examples: a client for Amazon when `AB_CLIENT_ID` is set, otherwise for the
//! local sandbox emulator started in-process.

use amazon_business_blocking::{Client, Config, Credentials, Environment};
use amazon_business_conformance::sandbox::Sandbox;

/// The client, and the emulator it talks to (kept alive by the caller) when there is one.
pub fn client() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    if std::env::var_os("AB_CLIENT_ID").is_some() {
        return Ok((Client::from_env()?, None));
    }
    let sandbox = Sandbox::builder().spawn()?;
    let config = Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.example", "secret", "Atzr|example")?)
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url())?)
        .user_email("buyer@example.com")
        .build()?;
    Ok((Client::new(config)?, Some(sandbox)))
}
