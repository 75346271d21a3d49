//! The SDK's main job in one command: a tour of all ten API surfaces. For every operation it
//! sends the request of Amazon's recorded 2xx sandbox example, through the blocking and the
//! async client, and prints one line per call.
//!
//! With no `AB_CLIENT_ID` in the environment it starts the local sandbox emulator in-process and
//! calls it. With `AB_CLIENT_ID`, `AB_CLIENT_SECRET`, `AB_REFRESH_TOKEN` (and optionally
//! `AB_MARKETPLACE`, `AB_SANDBOX=1`, `AB_USER_EMAIL`, `AB_ENDPOINT` + `AB_LWA_ENDPOINT`) it
//! calls that server instead; the recorded requests match Amazon's static sandbox.
//!
//! The four operations Amazon does not mock because they act on real data (placeOrder — in
//! trial mode —, orderDetails, createBusinessUserAccount, rotateApplicationClientSecret) run
//! against the emulator's simulation, and against any other server only with
//! `--include-unmocked`. The tour exits non-zero if any call failed.
//!
//! `--check-access` runs the access check instead: one harmless read per Amazon Business role
//! with the configured refresh token, through both clients, printing role → granted / missing
//! (403, with the fix) / other error. It exits non-zero if a role is not granted.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Instant;

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::replay::{build, hand_made_examples, TypedOp, UNMOCKED};
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::{Config, Credentials, Environment};

fn summary(value: &serde_json::Value) -> String {
    let mut s = value.to_string();
    if s.len() > 110 {
        let mut cut = 107;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

/// `AB_DEBUG=1`: log the clients' redacted dumps (as `Config::from_lookup` reads it too).
fn debug_requested() -> bool {
    std::env::var("AB_DEBUG")
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

fn config() -> Result<(Config, Option<Sandbox>), Box<dyn std::error::Error>> {
    if std::env::var_os("AB_CLIENT_ID").is_some() {
        let config = Config::from_lookup(|k| std::env::var(k).ok())?;
        println!("calling {} as configured by AB_* variables", config.api_base());
        return Ok((config, None));
    }
    let sandbox = Sandbox::builder().spawn()?;
    println!("no AB_CLIENT_ID set: calling the local sandbox emulator at {}", sandbox.base_url());
    let config = Config::builder()
        .credentials(Credentials::new(
            "amzn1.application-oa2-client.tour",
            "tour-secret",
            "Atzr|tour-refresh",
        )?)
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url())?)
        .user_email("tour@example.com")
        .app("amazon-business-tour", env!("CARGO_PKG_VERSION"))
        .debug(debug_requested())
        .build()?;
    Ok((config, Some(sandbox)))
}

fn report(
    transport: &str,
    op: &TypedOp,
    result: &Result<serde_json::Value, amazon_business_core::Error>,
) -> bool {
    match result {
        Ok(v) => {
            println!("  ok      {transport:<8} {:<36} {}", op.id(), summary(v));
            true
        }
        // The tour's order is a trial order, which Amazon never creates (Ordering model).
        Err(e) if op.id() == "orderDetails" && e.kind() == amazon_business_core::ErrorKind::NotFound => {
            println!("  ok      {transport:<8} {:<36} not found, as a trial order is never created", op.id());
            true
        }
        Err(e) => {
            println!("  FAILED  {transport:<8} {:<36} {e}", op.id());
            false
        }
    }
}

/// `--check-access`: the role table, from both clients.
fn check_access(config: Config) -> ExitCode {
    use amazon_business_core::onboarding::access::{Access, AccessReport};
    let all_granted = |r: &AccessReport| {
        r.rows.iter().all(|(_, _, a)| matches!(a, Access::Granted | Access::NotCheckable(_)))
    };
    let mut ok = true;
    match amazon_business_blocking::Client::new(config.clone()) {
        Ok(client) => {
            let report = client.check_access();
            println!("access check, blocking client (http1):\n{report}");
            ok &= all_granted(&report);
        }
        Err(e) => {
            println!("FAILED cannot build the blocking client: {e}");
            ok = false;
        }
    }
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        match amazon_business_async::Client::new(config) {
            Ok(client) => {
                let report = client.check_access().await;
                println!("access check, async client (hyper on tokio):\n{report}");
                ok &= all_granted(&report);
            }
            Err(e) => {
                println!("FAILED cannot build the async client: {e}");
                ok = false;
            }
        }
    });
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let include_unmocked_flag = args.iter().any(|a| a == "--include-unmocked");
    let check_access_flag = args.iter().any(|a| a == "--check-access");
    if let Some(other) = args.iter().find(|a| *a != "--include-unmocked" && *a != "--check-access") {
        eprintln!(
            "unknown argument {other:?}; usage: amazon-business-tour [--include-unmocked | --check-access]"
        );
        return ExitCode::from(2);
    }
    if debug_requested() {
        // The clients log redacted request and response dumps at debug level.
        tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_writer(std::io::stderr)
            .init();
    }
    let (config, sandbox) = match config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check_access_flag {
        return check_access(config);
    }
    // Real data is touched only on the emulator, or when asked.
    let include_unmocked = sandbox.is_some() || include_unmocked_flag;
    let mut examples: Vec<_> =
        load_examples().into_iter().filter(|e| (200..300).contains(&e.status)).collect();
    examples.extend(hand_made_examples());
    let mut ops = Vec::new();
    let mut skipped = 0;
    for example in examples {
        if UNMOCKED.contains(&example.operation.as_str()) && !include_unmocked {
            skipped += 1;
            continue;
        }
        match build(&example) {
            Ok(Some(op)) => ops.push(op),
            Ok(None) => println!("  no builder for {}", example.id),
            Err(e) => println!("  skipped {}: {e}", example.id),
        }
    }
    // An order is placed before its details are read; the rotation comes last.
    let rank = |op: &TypedOp| match op.id() {
        "placeOrder" => 1,
        "orderDetails" => 2,
        "rotateApplicationClientSecret" => 3,
        _ => 0,
    };
    ops.sort_by_key(rank);
    if skipped > 0 {
        println!("skipping {skipped} operations that act on real data (pass --include-unmocked to run them)");
    }
    let started = Instant::now();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut tally = |ok: bool| if ok { passed += 1 } else { failed += 1 };

    println!("blocking client (http1):");
    match amazon_business_blocking::Client::new(config.clone()) {
        Ok(client) => {
            for op in &ops {
                tally(report("blocking", op, &op.send_blocking(&client)));
            }
        }
        Err(e) => {
            println!("  FAILED  cannot build the blocking client: {e}");
            tally(false);
        }
    }

    println!("async client (hyper on tokio):");
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        match amazon_business_async::Client::new(config.clone()) {
            Ok(client) => {
                for op in &ops {
                    tally(report("async", op, &op.send_async(&client).await));
                }
            }
            Err(e) => {
                println!("  FAILED  cannot build the async client: {e}");
                tally(false);
            }
        }
    });

    if let Some(s) = &sandbox {
        println!(
            "emulator: {} LWA exchanges, {} API requests",
            s.lwa_exchanges(),
            s.counts().values().sum::<usize>()
        );
    }
    println!("{passed} passed, {failed} failed ({} ms)", started.elapsed().as_millis());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
