#![forbid(unsafe_code)]
//! Runs the local Amazon Business sandbox emulator until killed.
//!
//! Usage: `amazon-business-sandbox [--port N] [--fixtures PATH] [--token-lifetime SECS]
//! [--credentials ID:SECRET:REFRESH] [--no-user-email] [--enforce-usage-plans SCALE]
//! [--fault ROUTE=KIND[*TIMES]] …`
//!
//! See `amazon_business_conformance::sandbox::parse_fault_arg` for the fault syntax.

use std::process::ExitCode;
use std::time::Duration;

use amazon_business_conformance::fixtures::Example;
use amazon_business_conformance::sandbox::{parse_fault_arg, Sandbox};

const USAGE: &str = "usage: amazon-business-sandbox [--port N] [--fixtures PATH] \
[--token-lifetime SECS] [--credentials ID:SECRET:REFRESH] [--no-user-email] \
[--enforce-usage-plans SCALE] [--fault ROUTE=KIND[*TIMES]]...";

fn run() -> Result<(), String> {
    let mut builder = Sandbox::builder();
    let mut faults = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                builder = builder.port(v.parse().map_err(|_| format!("bad port {v:?}"))?);
            }
            "--fixtures" => {
                let path = value("--fixtures")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                let examples: Vec<Example> =
                    serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
                builder = builder.examples(examples);
            }
            "--token-lifetime" => {
                let v = value("--token-lifetime")?;
                let secs: u64 = v.parse().map_err(|_| format!("bad lifetime {v:?}"))?;
                builder = builder.token_lifetime(Duration::from_secs(secs));
            }
            "--credentials" => {
                let v = value("--credentials")?;
                let mut parts = v.splitn(3, ':');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(id), Some(secret), Some(refresh)) => {
                        builder = builder.credentials(id, secret, refresh);
                    }
                    _ => return Err("--credentials takes ID:SECRET:REFRESH".to_owned()),
                }
            }
            "--no-user-email" => builder = builder.require_user_email(false),
            "--enforce-usage-plans" => {
                let v = value("--enforce-usage-plans")?;
                builder = builder.enforce_usage_plans(v.parse().map_err(|_| format!("bad scale {v:?}"))?);
            }
            "--fault" => faults.push(parse_fault_arg(&value("--fault")?)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let sandbox = builder.spawn().map_err(|e| format!("cannot listen: {e}"))?;
    for (route, fault, times) in faults {
        sandbox.inject(route, fault, times);
    }
    println!("listening on {}", sandbox.base_url());
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amazon-business-sandbox: {e}");
            ExitCode::from(2)
        }
    }
}
