//! The emulator's consent leg over HTTP, the onboarding senders of both transports, and the
//! access check against the emulator (granted, missing, other).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use amazon_business_blocking::onboarding::access::Access;
use amazon_business_blocking::onboarding::{OnboardingClient, OnboardingError, PendingState};
use amazon_business_blocking::{Config, Credentials, Environment, Http1Sender, HttpSend, Role};
use amazon_business_conformance::sandbox::{Fault, Route, Sandbox};

const APP: &str = "amzn1.sp.solution.test";
const REDIRECT: &str = "https://app.example/oauth/callback";

fn config(sandbox: &Sandbox, refresh_token: &str) -> Config {
    Config::builder()
        .credentials(Credentials::new("amzn1.application-oa2-client.t", "secret", refresh_token).unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .user_email("buyer@example.com")
        .build()
        .unwrap()
}

fn get(sender: &Http1Sender, url: &str) -> http::Response<Vec<u8>> {
    sender.send(http::Request::get(url).body(Vec::new()).unwrap()).unwrap()
}

fn location_query(response: &http::Response<Vec<u8>>) -> BTreeMap<String, String> {
    let location = response.headers()["location"].to_str().unwrap();
    url::Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

fn consent(
    sandbox: &Sandbox,
    sender: &Http1Sender,
    app: &str,
    redirect: &str,
    state: &str,
) -> http::Response<Vec<u8>> {
    let url = url::Url::parse_with_params(
        &format!("{}/b2b/abws/oauth", sandbox.base_url()),
        [("applicationId", app), ("redirect_uri", redirect), ("state", state)],
    )
    .unwrap();
    get(sender, url.as_str())
}

/// Shows the consent page and allows: the code the browser would bring back.
fn allow(sandbox: &Sandbox, sender: &Http1Sender, state: &str) -> String {
    let page = consent(sandbox, sender, APP, REDIRECT, state);
    assert_eq!(page.status(), 200);
    let allow = format!("{}/b2b/abws/oauth/allow?{}", sandbox.base_url(), {
        let body = String::from_utf8(page.into_body()).unwrap();
        let start = body.find("/b2b/abws/oauth/allow?").unwrap() + "/b2b/abws/oauth/allow?".len();
        body[start..].split('"').next().unwrap().replace("&amp;", "&")
    });
    let back = get(sender, &allow);
    assert_eq!(back.status(), 302);
    let q = location_query(&back);
    assert_eq!(q["state"], state);
    q["code"].clone()
}

#[test]
fn consent_page_checks_its_parameters() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let sender = Http1Sender::new(&config(&sandbox, "Atzr|x")).unwrap();
    for (app, redirect, state, why) in [
        ("amzn1.application-oa2-client.t", REDIRECT, "s1", "not a Solution Provider Portal application id"),
        (APP, "not a url", "s1", "not an absolute http(s) URL"),
        (APP, REDIRECT, "", "no state"),
    ] {
        let r = consent(&sandbox, &sender, app, redirect, state);
        assert_eq!(r.status(), 400);
        let body = String::from_utf8(r.into_body()).unwrap();
        assert!(body.contains("We&#x27;re sorry") || body.contains("We're sorry"), "{body}");
        assert!(body.contains(why), "{body}");
    }
    sandbox.consent().set_application_id("amzn1.sp.solution.other");
    assert_eq!(consent(&sandbox, &sender, APP, REDIRECT, "s").status(), 400);
    sandbox.consent().set_application_id(APP);
    let ok = consent(&sandbox, &sender, APP, REDIRECT, "s");
    assert_eq!(ok.status(), 200);
    assert!(String::from_utf8(ok.into_body()).unwrap().contains("id=\"allow\""));
    assert_eq!(sandbox.consent().consent_pages(), 1);
    // Deny comes back with Amazon's error parameters and the state.
    let deny = get(
        &sender,
        &format!(
            "{}/b2b/abws/oauth/deny?applicationId={APP}&redirect_uri={REDIRECT}&state=s9",
            sandbox.base_url()
        ),
    );
    let q = location_query(&deny);
    assert_eq!((q["error"].as_str(), q["state"].as_str()), ("access_denied", "s9"));
}

#[test]
fn codes_work_once_within_five_minutes_with_their_redirect_uri() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let sender = Http1Sender::new(&config(&sandbox, "Atzr|x")).unwrap();
    let env = Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap();
    let onboarder = amazon_business_blocking::onboarding::Onboarder::http1(
        OnboardingClient::new("amzn1.application-oa2-client.t", "secret", &env).unwrap(),
    )
    .unwrap();

    let code = amazon_business_blocking::Secret::new(allow(&sandbox, &sender, "st1"));
    let onboarded = onboarder.exchange(&code, REDIRECT).unwrap();
    assert!(onboarded.refresh_token.expose().starts_with("Atzr|"));
    assert!(!format!("{onboarded:?}").contains("Atzr|"), "Debug masks the tokens");
    let again = onboarder.exchange(&code, REDIRECT).unwrap_err();
    assert!(matches!(again, OnboardingError::CodeRefused { .. }), "{again}");
    assert!(again.to_string().contains("five minutes"), "{again}");

    let other = amazon_business_blocking::Secret::new(allow(&sandbox, &sender, "st2"));
    let wrong = onboarder.exchange(&other, "https://app.example/elsewhere").unwrap_err();
    assert!(matches!(wrong, OnboardingError::CodeRefused { .. }), "{wrong}");

    let late = amazon_business_blocking::Secret::new(allow(&sandbox, &sender, "st3"));
    sandbox.consent().age_codes_by(Duration::from_secs(301));
    let expired = onboarder.exchange(&late, REDIRECT).unwrap_err();
    assert!(expired.to_string().contains("expired"), "{expired}");
    sandbox.consent().age_codes_by(Duration::ZERO);
    assert_eq!(sandbox.consent().codes_redeemed(), 1);

    // The first access token seeds the customer's client: its first call needs no exchange.
    let client =
        amazon_business_blocking::Client::new(config(&sandbox, onboarded.refresh_token.expose())).unwrap();
    onboarded.seed(client.engine()).unwrap();
    let exchanges = sandbox.lwa_exchanges();
    let report = client.check_access();
    assert_eq!(sandbox.lwa_exchanges(), exchanges, "the seeded token was used");
    assert_eq!(report.get(Role::BusinessProductCatalog), Some(&Access::Granted), "{report}");
    // Seeding another customer's client is refused.
    let stranger = amazon_business_blocking::Client::new(config(&sandbox, "Atzr|someone-else")).unwrap();
    assert!(onboarded.seed(stranger.engine()).is_err());
}

#[test]
fn access_check_tells_granted_missing_and_other_in_both_transports() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let client = amazon_business_blocking::Client::new(config(&sandbox, "Atzr|x")).unwrap();
    let report = client.check_access();
    for role in [
        Role::BusinessProductCatalog,
        Role::AmazonBusinessAnalytics,
        Role::BusinessPurchaseReconciliation,
        Role::AmazonBusinessOrderPlacement,
    ] {
        assert_eq!(report.get(role), Some(&Access::Granted), "{role:?}\n{report}");
    }
    assert_eq!(report.get(Role::UserManagement).map(Access::label), Some("unchecked"));

    sandbox.inject(Route::Operation("getOrderReports"), Fault::status(403), 1);
    sandbox.inject(Route::Operation("getTransactions"), Fault::status(400), 1);
    let report = client.check_access();
    match report.get(Role::AmazonBusinessAnalytics) {
        Some(Access::Missing(fix)) => assert!(fix.contains("Amazon Business Analytics"), "{fix}"),
        other => panic!("{other:?}\n{report}"),
    }
    assert_eq!(
        report.get(Role::BusinessPurchaseReconciliation).map(Access::label),
        Some("other"),
        "{report}"
    );
    assert!(report.to_string().contains("missing"));

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let report = runtime.block_on(async {
        let client = amazon_business_async::Client::new(config(&sandbox, "Atzr|x")).unwrap();
        sandbox.inject(Route::Operation("listCarts"), Fault::status(403), 1);
        client.check_access().await
    });
    assert_eq!(report.get(Role::BusinessProductCatalog), Some(&Access::Granted), "{report}");
    assert_eq!(
        report.get(Role::AmazonBusinessOrderPlacement).map(Access::label),
        Some("missing"),
        "{report}"
    );
}

#[test]
fn app_center_side_records_acknowledgement_and_completion() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let sender = Http1Sender::new(&config(&sandbox, "Atzr|x")).unwrap();
    let start = get(
        &sender,
        &format!("{}/appcenter/authorize?login_uri=https%3A%2F%2Fapp.example%2Flogin", sandbox.base_url()),
    );
    assert_eq!(start.status(), 302);
    let location = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("https://app.example/login?"), "{location}");
    let login = amazon_business_blocking::onboarding::AppCenterLogin::read(&location).unwrap();
    assert_eq!(login.callback_uri, format!("{}/appcenter/callback", sandbox.base_url()));
    assert_eq!(sandbox.consent().amazon_states(), vec![login.amazon_state.clone()]);

    let env = Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap();
    let onboarder = amazon_business_blocking::onboarding::Onboarder::http1(
        OnboardingClient::new("amzn1.application-oa2-client.t", "secret", &env).unwrap(),
    )
    .unwrap();
    let state = PendingState::new([3; 32], SystemTime::now(), "https://app.example/appcenter/oauth/callback")
        .for_app_center(login.clone());
    onboarder.acknowledge(&login, &state).unwrap();
    let acks = sandbox.consent().acknowledgements();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0]["status"], "authentication_successful");
    assert_eq!(acks[0]["state"], state.value().expose());
    // An acknowledgement for an amazon_state App Center never issued is refused.
    let forged = amazon_business_blocking::onboarding::AppCenterLogin {
        callback_uri: login.callback_uri.clone(),
        amazon_state: "made-up".into(),
    };
    assert!(onboarder.acknowledge(&forged, &state).is_err());

    let done = get(&sender, login.completion_url(true).unwrap().as_str());
    assert_eq!(done.status(), 200);
    let completions = sandbox.consent().completions();
    assert_eq!(completions[0].status, "auth_code_use_successful");
    assert_eq!(completions[0].amazon_state, login.amazon_state);
}
