//! The Application Management API: rotate the application's client secret, then hand the
//! new secret to the client so that its next token exchange uses it. Runs against the local
//! emulator unless `AB_CLIENT_ID` is set. Against Amazon this really rotates the secret, so
//! the example refuses to run there unless `AB_ROTATE_SECRET=1` is set too, and it then
//! waits for you to paste the new secret.
//!
//! `cargo run -p amazon-business-blocking --example applications`

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = example_support::client()?;
    if emulator.is_none() && std::env::var_os("AB_ROTATE_SECRET").is_none() {
        println!("not rotating the real client secret: set AB_ROTATE_SECRET=1 to do so");
        return Ok(());
    }

    // Amazon answers 204 with no body: the new secret is not in the response. Amazon sends it
    // to the destination queue registered for the application in the developer console
    // (register one before rotating). The old secret stays valid for a while, so there is
    // time to read the queue and switch.
    client.applications().rotate_application_client_secret().send()?;
    println!("rotation requested; Amazon delivers the new secret to the registered queue");

    let new_secret = match &emulator {
        Some(sandbox) => {
            // The emulator has no queue: play Amazon's part with a placeholder secret and make
            // its token endpoint accept only that from now on.
            let secret = "example-rotated-client-secret";
            sandbox.set_credentials(example_support::CLIENT_ID, secret, example_support::REFRESH_TOKEN);
            secret.to_owned()
        }
        None => {
            println!("paste the new client secret from the queue message, then press Enter:");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim().to_owned()
        }
    };

    // Swaps the secret in and drops the cached access token: the next call exchanges the
    // refresh token again, with the new secret. Persist the secret wherever you keep it.
    client.rotate_client_secret(new_secret)?;
    println!("client now uses the new secret");

    if emulator.is_some() {
        // Any call proves it (the emulator now refuses the old secret).
        let report = client.documents().get_report("ID323").send()?;
        println!(
            "a call with the new secret succeeded (report {} is {})",
            report.report_id, report.processing_status
        );
    }
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
