//! Every one of Amazon's recorded sandbox examples, replayed through both transports against the
//! local emulator over loopback HTTP, with real LWA token exchanges: each request is built
//! through the typed API ([`replay::build`]) and sent with `TypedOp::send_blocking` and
//! `TypedOp::send_async`. A 2xx example must succeed with the output the offline parse of the
//! recorded response gives; a 4xx example must fail with the recorded status and errors, or be
//! refused client-side when the typed API refuses to build it (counted as replayed: nothing
//! invalid was sent).

use std::time::{Duration, Instant};

use amazon_business_conformance::fixtures::{load_examples, Example};
use amazon_business_conformance::replay::{build, not_expressible, TypedOp};
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::{Config, Credentials, Environment, Error, RetryPolicy};
use serde_json::Value;

const USER_EMAIL: &str = "buyer@example.com";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Blocking,
    Async,
}

const BOTH: [Kind; 2] = [Kind::Blocking, Kind::Async];

struct Harness {
    sandbox: Sandbox,
    blocking: amazon_business_blocking::Client,
    asynch: amazon_business_async::Client,
    rt: tokio::runtime::Runtime,
}

fn config(sandbox: &Sandbox) -> Config {
    Config::builder()
        .credentials(
            Credentials::new("amzn1.application-oa2-client.replay", "secret", "Atzr|replay").unwrap(),
        )
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .user_email(USER_EMAIL)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        // The emulator does not enforce usage plans unless asked; pacing to Amazon's documented
        // rates (0.5/s for Reporting) would only make this test slow.
        .pacing(false)
        .build()
        .unwrap()
}

impl Harness {
    fn new() -> Harness {
        let sandbox = Sandbox::builder().spawn().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let blocking = amazon_business_blocking::Client::new(config(&sandbox)).unwrap();
        let asynch = rt.block_on(async { amazon_business_async::Client::new(config(&sandbox)).unwrap() });
        Harness { sandbox, blocking, asynch, rt }
    }

    fn send(&self, kind: Kind, op: &TypedOp) -> Result<Value, Error> {
        match kind {
            Kind::Blocking => op.send_blocking(&self.blocking),
            Kind::Async => self.rt.block_on(op.send_async(&self.asynch)),
        }
    }
}

/// The recorded response as the server would send it.
fn recorded_response(ex: &Example) -> http::Response<Vec<u8>> {
    let body = ex.response.as_ref().map(|v| serde_json::to_vec(v).unwrap()).unwrap_or_default();
    http::Response::builder().status(ex.status).header("content-type", "application/json").body(body).unwrap()
}

/// The (code, message) pairs of a recorded error response.
fn recorded_errors(ex: &Example) -> Vec<(String, String)> {
    ex.response
        .as_ref()
        .and_then(|r| r.get("errors"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["code"].as_str().unwrap_or_default().to_owned(),
                        e["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one send of `op` against `ex`.
fn check(ex: &Example, op: &TypedOp, result: Result<Value, Error>) -> Result<(), String> {
    if (200..300).contains(&ex.status) {
        let got = result.map_err(|e| format!("failed: {e}"))?;
        let offline = op.parse(&recorded_response(ex)).map_err(|e| format!("offline parse failed: {e}"))?;
        if got != offline {
            return Err(format!(
                "output differs from the offline parse:\n  got     {got}\n  offline {offline}"
            ));
        }
        return Ok(());
    }
    match result {
        Ok(v) => Err(format!("succeeded with {v}, expected status {}", ex.status)),
        // The typed API refused it before sending: nothing invalid went out.
        Err(Error::Validation(v)) if !v.field.is_empty() => Ok(()),
        Err(Error::Api(e)) => {
            let got: Vec<(String, String)> =
                e.errors.iter().map(|e| (e.code.clone(), e.message.clone())).collect();
            let expected = recorded_errors(ex);
            if e.status == ex.status && got == expected {
                Ok(())
            } else {
                Err(format!("answered {} {got:?}, expected {} {expected:?}", e.status, ex.status))
            }
        }
        Err(e) => Err(format!("failed with {e}, expected status {}", ex.status)),
    }
}

#[test]
fn every_example_replays_through_both_transports() {
    let started = Instant::now();
    let h = Harness::new();
    let examples = load_examples();
    let mut replayed = [0usize; 2];
    // The statuses the emulator must have answered, one per request that went out.
    let mut expected_statuses = Vec::new();
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for ex in &examples {
        let op = match build(ex) {
            Ok(Some(op)) => op,
            // Refused while building (an unparseable date, a missing country): refused
            // client-side by both transports alike, nothing sent.
            Err(Error::Validation(_)) if ex.status >= 400 => {
                replayed[0] += 1;
                replayed[1] += 1;
                continue;
            }
            Ok(None) => {
                failures.push(format!("{}: no builder", ex.id));
                continue;
            }
            Err(e) => {
                failures.push(format!("{}: does not build: {e}", ex.id));
                continue;
            }
        };
        if let Some(why) = not_expressible(&ex.id) {
            skipped.push(format!("{}: {why}", ex.id));
            continue;
        }
        for (i, kind) in BOTH.into_iter().enumerate() {
            let result = h.send(kind, &op);
            if !matches!(result, Err(Error::Validation(_))) {
                expected_statuses.push(ex.status);
            }
            match check(ex, &op, result) {
                Ok(()) => replayed[i] += 1,
                Err(e) => failures.push(format!("{kind:?} {}: {e}", ex.id)),
            }
        }
    }
    // One token per client, fetched from the emulated LWA endpoint and reused.
    let exchanges = h.sandbox.lwa_exchanges();
    for s in &skipped {
        println!("not expressible, not sent: {s}");
    }
    println!(
        "conformance-http: {}/{} examples via blocking, {}/{} via async",
        replayed[0],
        examples.len(),
        replayed[1],
        examples.len()
    );
    println!("({} LWA exchanges, {:.1} s)", exchanges, started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(exchanges, 2, "one LWA exchange per client");
    // Each request that went out reached the emulator once (no retries), with a token, and was
    // answered the recorded status.
    let sent: Vec<_> = h.sandbox.requests().into_iter().filter(|r| !r.lwa).collect();
    assert!(sent.iter().all(|r| r.header("x-amz-access-token").is_some()), "a request went without a token");
    let statuses: Vec<u16> = sent.iter().map(|r| r.status.unwrap_or(0)).collect();
    assert_eq!(statuses, expected_statuses);
}
