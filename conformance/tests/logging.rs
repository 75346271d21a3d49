//! Debug logging shows every exchange, redacted: no client secret, refresh token or access
//! token reaches the logs of either client, while the rest of the request and response does.

use std::io::Write;
use std::sync::{Arc, Mutex};

use amazon_business_conformance::fixtures::load_examples;
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::{Config, Credentials, Environment};

const SECRET: &str = "client-secret-do-not-log";
const REFRESH: &str = "Atzr|refresh-do-not-log";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

fn config(sandbox: &Sandbox) -> Config {
    Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.log", SECRET, REFRESH).unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .user_email("buyer@example.com")
        .debug(true)
        .build()
        .unwrap()
}

fn check(logs: &str, token: &str) {
    for secret in [SECRET, REFRESH, token] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the logs:\n{logs}");
    }
    // The dumps are there, with the secrets masked.
    assert!(logs.contains("client_secret=***"), "{logs}");
    assert!(logs.contains("refresh_token=***"), "{logs}");
    assert!(logs.contains("x-amz-access-token: ***"), "{logs}");
    assert!(logs.contains(r#""access_token":"***""#), "{logs}");
    assert!(logs.contains("/reports/2021-09-30/reports/ID323"), "{logs}");
    assert!(logs.contains("HTTP 200 OK"), "{logs}");
}

#[test]
fn debug_dumps_never_show_secrets() {
    let ex = load_examples().into_iter().find(|e| e.id == "getReport-200-0").unwrap();
    let op = build(&ex).unwrap().unwrap();

    let sandbox =
        Sandbox::builder().credentials("amzn1.application-oa2-client.log", SECRET, REFRESH).spawn().unwrap();
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(capture.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let client = amazon_business_blocking::Client::new(config(&sandbox)).unwrap();
        op.send_blocking(&client).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let client = amazon_business_async::Client::new(config(&sandbox)).unwrap();
            op.send_async(&client).await.unwrap();
        });
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The emulator issues tokens "Atza|sandbox-<n>"; none may show.
    assert_eq!(sandbox.lwa_exchanges(), 2);
    assert!(sandbox.issue_token().starts_with("Atza|sandbox-"));
    check(&logs, "Atza|sandbox-");
}
