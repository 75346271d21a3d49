//! The consent web app (examples/consent_app.rs) in a real browser: headless Chromium driven
//! over WebDriver (chromedriver), against the local emulator playing Amazon and App Center.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/install-browser` installs them); when
//! they are missing the test fails and says how to install them. Screenshots of every final
//! page go to `target/browser-screenshots/`.

#[path = "../examples/consent_app.rs"]
#[allow(unreachable_pub, clippy::all)]
mod consent_app;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use amazon_business_conformance::sandbox::Sandbox;
use fantoccini::{Client, ClientBuilder, Locator};

const INSTALL: &str =
    "apt-get update && apt-get install -y chromium chromium-driver  (or run .ci/install-browser)";

fn find_binary(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in
        std::env::split_paths(&path).chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/lib/chromium")])
    {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// chromedriver, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver(driver: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
    let d = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on port {port} within 15 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    d
}

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn body_text(c: &Client) -> String {
    c.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
}

/// Screenshots the current page as `name.png` and returns its text.
async fn finish_page(c: &Client, name: &str) -> String {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
    body_text(c).await
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_app_in_headless_chromium() {
    let started = Instant::now();
    let chromium = find_binary(&["chromium", "chromium-browser"])
        .unwrap_or_else(|| panic!("chromium is not installed; install it with: {INSTALL}"));
    let chromedriver = find_binary(&["chromedriver"])
        .unwrap_or_else(|| panic!("chromedriver is not installed; install it with: {INSTALL}"));
    let driver = start_driver(&chromedriver);

    let sandbox = Sandbox::builder().spawn().unwrap();
    let app = consent_app::start(consent_app::emulator_settings(&sandbox, 0)).await.unwrap();
    let app = format!("http://{app}");

    let profile =
        std::env::temp_dir().join(format!("consent-app-chromium-{}-{}", std::process::id(), driver.port));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1024,768",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with headless chromium");

    // 1. Website flow: start → consent → callback → test call.
    c.goto(&format!("{app}/")).await.unwrap();
    click(&c, "#connect").await;
    assert!(c.current_url().await.unwrap().path() == "/b2b/abws/oauth", "on the consent page");
    assert!(body_text(&c).await.contains("amzn1.sp.solution.consent-app"));
    click(&c, "#allow").await;
    let callback_url = c.current_url().await.unwrap();
    assert_eq!(callback_url.path(), "/oauth/callback");
    let text = finish_page(&c, "1-website-connected").await;
    assert!(text.contains("Amazon Business account connected"), "{text}");
    assert!(text.contains("Atzr|…("), "the refresh token shows masked: {text}");
    assert_eq!(sandbox.consent().codes_redeemed(), 1);
    click(&c, "#test-call").await;
    let text = finish_page(&c, "2-website-test-call").await;
    assert!(text.contains("Access check"), "{text}");
    let cells = c.find_all(Locator::Css("td.access")).await.unwrap();
    let mut access = Vec::new();
    for cell in cells {
        access.push(cell.text().await.unwrap());
    }
    assert_eq!(access, ["granted", "granted", "granted", "granted", "unchecked"], "{text}");

    // 2. The same callback again: a replayed state.
    c.goto(callback_url.as_str()).await.unwrap();
    let text = finish_page(&c, "3-replayed-state").await;
    assert!(text.contains("Onboarding failed") && text.contains("already used"), "{text}");
    assert_eq!(sandbox.consent().codes_redeemed(), 1, "a replay never reaches LWA");

    // 3. A state this application never issued: forged.
    c.goto(&format!("{app}/oauth/callback?code=ANconsent-1&state={}", "f".repeat(64))).await.unwrap();
    let text = finish_page(&c, "4-forged-state").await;
    assert!(text.contains("Onboarding failed") && text.contains("not issued by this application"), "{text}");

    // 4. A code exchanged after its five minutes.
    sandbox.consent().age_codes_by(Duration::from_secs(301));
    c.goto(&format!("{app}/connect")).await.unwrap();
    click(&c, "#allow").await;
    let text = finish_page(&c, "5-expired-code").await;
    assert!(text.contains("five minutes") && text.contains("invalid_grant"), "{text}");
    sandbox.consent().age_codes_by(Duration::ZERO);

    // 5. App Center flow: App Center → login URI (acknowledgement) → consent → back to App Center.
    let login_uri = format!("{app}/appcenter/login-uri");
    let start = url::Url::parse_with_params(
        &format!("{}/appcenter/authorize", sandbox.base_url()),
        [("login_uri", &login_uri)],
    )
    .unwrap();
    c.goto(start.as_str()).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/b2b/abws/oauth", "on the consent page");
    let amazon_state = sandbox.consent().amazon_states().last().cloned().expect("App Center issued a state");
    let acks = sandbox.consent().acknowledgements();
    assert_eq!(acks.len(), 1, "one acknowledgement recorded before the consent");
    assert_eq!(acks[0]["amazon_state"], amazon_state);
    assert_eq!(acks[0]["status"], "authentication_successful");
    assert_eq!(acks[0]["redirect_uri"], format!("{app}/appcenter/oauth/callback"));
    assert_eq!(acks[0]["state"].len(), 64);
    click(&c, "#allow").await;
    let done = c.current_url().await.unwrap();
    assert_eq!(done.path(), "/appcenter/callback");
    let text = finish_page(&c, "6-app-center-complete").await;
    assert!(text.contains("auth_code_use_successful") && text.contains(&amazon_state), "{text}");
    let completions = sandbox.consent().completions();
    assert_eq!(completions.len(), 1);
    assert_eq!(completions[0].status, "auth_code_use_successful");
    assert_eq!(completions[0].amazon_state, amazon_state);

    c.close().await.unwrap();
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}
