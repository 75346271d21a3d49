//! A consent web application: onboards an Amazon Business customer through the website flow
//! or the App Center flow, then checks which roles the new token can use.
//!
//! `cargo run -p amazon-business-async --example consent_app` runs it against the local
//! emulator (which plays Amazon's consent page and App Center) and prints the address to open.
//!
//! Against Amazon set `AB_CLIENT_ID`, `AB_CLIENT_SECRET`, `AB_APPLICATION_ID`
//! (`amzn1.sp.solution.…`), `AB_PUBLIC_URL` (this server's public https base, whose
//! `/oauth/callback` and `/appcenter/oauth/callback` are registered as redirect URIs),
//! and optionally `AB_MARKETPLACE`, `AB_USER_EMAIL`, `AB_PORT`. With `AB_REDIS_URL` (and
//! `--features redis`) issued states live on that Redis, so several instances of the app
//! behind one address share them.
//!
//! Routes: `/` (start), `/connect` (to the consent page), `/oauth/callback`, `/test-call`
//! (the access check with the new refresh token), `/appcenter/login-uri` (App Center's login
//! URI: acknowledges, then to the consent page), `/appcenter/oauth/callback` (exchanges, then
//! back to App Center). Every page is `Referrer-Policy: no-referrer` and `no-store`; the
//! browser holds only an HttpOnly, SameSite session cookie; states are single-use and live ten
//! minutes. Tokens never reach the browser: the outcome page shows them masked.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use amazon_business_async::onboarding::{
    business_consent_url, read_callback_async, AppCenterLogin, AsyncStateStore, MemoryStateStore, Onboarder,
    OnboardingClient, OnboardingError, PendingState,
};
use amazon_business_async::{Client, Config, Credentials, Environment, Marketplace, Secret};
use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// How long a consent may take, from `/connect` to the callback.
const STATE_TTL: Duration = Duration::from_secs(600);
const COOKIE: &str = "consent_session";

/// What the application needs to run.
#[derive(Clone)]
pub struct Settings {
    /// The LWA client id.
    pub client_id: String,
    /// The LWA client secret.
    pub client_secret: Secret,
    /// The Solution Provider Portal application id.
    pub application_id: String,
    /// The customer's marketplace.
    pub marketplace: Marketplace,
    /// Where API calls and LWA go.
    pub environment: Environment,
    /// The base of the consent page (`None`: Amazon's, from the marketplace).
    pub consent_base: Option<String>,
    /// This server's public base URL (`None`: `http://` + the bound address).
    pub public_url: Option<String>,
    /// The `x-amz-user-email` of the access check.
    pub user_email: Option<String>,
    /// The port to listen on (0: any free one).
    pub port: u16,
    /// A Redis keeping the issued states for every instance (`None`: this process's memory).
    pub redis_url: Option<String>,
}

/// A customer onboarded in this browser session.
struct Customer {
    refresh_token: Secret,
    client: Client,
}

#[derive(Default)]
struct Session {
    /// Keys of the states issued to this browser.
    states: Vec<String>,
    customer: Option<Customer>,
}

struct App {
    settings: Settings,
    public_url: String,
    onboarder: Onboarder,
    states: Box<dyn AsyncStateStore>,
    sessions: Mutex<HashMap<String, Session>>,
    /// The application-level client whose customers' clients share caches.
    api: Client,
}

fn random() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `Atzr|IwEB…(412 characters)`: enough to recognise, not to use.
fn mask(secret: &Secret) -> String {
    let v = secret.expose();
    let head: String = v.chars().take(5).collect();
    format!("{head}…({} characters)", v.chars().count())
}

type Body = Full<Bytes>;

fn page(status: u16, title: &str, body: &str) -> Response<Body> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1 id=\"title\">{t}</h1>{body}</body></html>",
        t = escape(title)
    );
    let mut r = Response::new(Full::new(Bytes::from(html)));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
    r
}

fn redirect(location: &str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = hyper::StatusCode::FOUND;
    if let Ok(v) = location.parse() {
        r.headers_mut().insert("location", v);
    }
    r
}

fn failure(error: &OnboardingError) -> Response<Body> {
    let kind = match error {
        OnboardingError::ForgedState => "forged-state",
        OnboardingError::ReplayedState => "replayed-state",
        OnboardingError::ExpiredState { .. } => "expired-state",
        OnboardingError::Denied { .. } => "denied",
        OnboardingError::CodeRefused { .. } => "code-refused",
        _ => "other",
    };
    page(
        400,
        "Onboarding failed",
        &format!(
            "<p id=\"error\" data-kind=\"{kind}\">{}</p><p><a href=\"/\">Start again</a></p>",
            escape(&error.to_string())
        ),
    )
}

fn cookie_session(req: &Request<hyper::body::Incoming>) -> Option<String> {
    let header = req.headers().get("cookie")?.to_str().ok()?;
    header.split(';').find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned))
}

impl App {
    fn consent_url(&self, state: &PendingState) -> Result<String, OnboardingError> {
        let url = business_consent_url(
            self.settings.marketplace,
            &self.settings.application_id,
            &state.redirect_uri,
            &state.issued(),
        )
        .map_err(|e| OnboardingError::Exchange(e.into()))?;
        Ok(match &self.settings.consent_base {
            Some(base) => format!("{base}{}?{}", url.path(), url.query().unwrap_or("")),
            None => url.to_string(),
        })
    }

    /// Issues a state for this browser session (made if needed); returns it and the session id.
    async fn issue(
        &self,
        session: Option<String>,
        redirect_path: &str,
        login: Option<AppCenterLogin>,
    ) -> Result<(PendingState, String), OnboardingError> {
        let now = SystemTime::now();
        let mut state = PendingState::new(random(), now, format!("{}{redirect_path}", self.public_url));
        if let Some(login) = login {
            state = state.for_app_center(login);
        }
        self.states.put_async(state.clone(), now).await?;
        let mut sessions = self.sessions.lock().unwrap();
        let sid = session.filter(|s| sessions.contains_key(s)).unwrap_or_else(|| hex(&random()));
        sessions.entry(sid.clone()).or_default().states.push(state.key());
        Ok((state, sid))
    }

    /// Reads a callback: the state (once, in time, of this browser), then the code exchange.
    async fn finish(
        &self,
        session: Option<&str>,
        path_and_query: &str,
    ) -> Result<(PendingState, Secret), (Option<PendingState>, OnboardingError)> {
        let callback = read_callback_async(path_and_query, &*self.states, SystemTime::now(), STATE_TTL)
            .await
            .map_err(|e| (None, e))?;
        let ours = session.is_some_and(|sid| {
            self.sessions.lock().unwrap().get(sid).is_some_and(|s| s.states.contains(&callback.state.key()))
        });
        if !ours {
            // Issued here, but to another browser: treat it as forged.
            return Err((None, OnboardingError::ForgedState));
        }
        let onboarded = self
            .onboarder
            .exchange(&callback.code, &callback.state.redirect_uri)
            .await
            .map_err(|e| (Some(callback.state.clone()), e))?;
        let client = self
            .api
            .with_refresh_token(onboarded.refresh_token.clone())
            .map_err(|e| (Some(callback.state.clone()), OnboardingError::Exchange(e)))?;
        // The first access token saves the first call an LWA exchange.
        let _ = onboarded.seed(client.engine());
        let customer = Customer { refresh_token: onboarded.refresh_token.clone(), client };
        if let Some(sid) = session {
            if let Some(s) = self.sessions.lock().unwrap().get_mut(sid) {
                s.customer = Some(customer);
            }
        }
        Ok((callback.state, onboarded.refresh_token))
    }

    async fn route(self: Arc<Self>, req: Request<hyper::body::Incoming>) -> Response<Body> {
        let session = cookie_session(&req);
        let path_and_query = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let mut set_session = None;
        let response = match req.uri().path() {
            "/" => page(
                200,
                "Connect Amazon Business",
                "<p><a id=\"connect\" href=\"/connect\">Connect your Amazon Business account</a></p>\
                 <p>From App Center, the login URI is <code>/appcenter/login-uri</code>.</p>",
            ),
            "/connect" => match self.issue(session, "/oauth/callback", None).await {
                Ok((state, sid)) => {
                    set_session = Some(sid);
                    match self.consent_url(&state) {
                        Ok(url) => redirect(&url),
                        Err(e) => failure(&e),
                    }
                }
                Err(e) => failure(&e),
            },
            "/oauth/callback" => match self.finish(session.as_deref(), &path_and_query).await {
                Ok((_, refresh_token)) => page(
                    200,
                    "Connected",
                    &format!(
                        "<p id=\"outcome\">Amazon Business account connected. Refresh token: \
                         <code id=\"refresh-token\">{}</code> (kept on the server).</p>\
                         <p><a id=\"test-call\" href=\"/test-call\">Check the API access</a></p>",
                        escape(&mask(&refresh_token))
                    ),
                ),
                Err((_, e)) => failure(&e),
            },
            "/test-call" => {
                let client = session.as_deref().and_then(|sid| {
                    self.sessions
                        .lock()
                        .unwrap()
                        .get(sid)
                        .and_then(|s| s.customer.as_ref().map(|c| c.client.clone()))
                });
                match client {
                    None => page(400, "Not connected", "<p id=\"error\">Connect an account first.</p>"),
                    Some(client) => {
                        let report = client.check_access().await;
                        let rows: String = report
                            .rows
                            .iter()
                            .map(|(role, op, access)| {
                                let detail = match access {
                                    amazon_business_async::onboarding::access::Access::Granted => {
                                        String::new()
                                    }
                                    amazon_business_async::onboarding::access::Access::Missing(s)
                                    | amazon_business_async::onboarding::access::Access::Other(s)
                                    | amazon_business_async::onboarding::access::Access::NotCheckable(s) => {
                                        s.clone()
                                    }
                                };
                                format!(
                                    "<tr><td>{}</td><td>{}</td><td class=\"access\">{}</td><td>{}</td></tr>",
                                    escape(role.name().unwrap_or("none")),
                                    op.unwrap_or("-"),
                                    access.label(),
                                    escape(&detail)
                                )
                            })
                            .collect();
                        page(
                            200,
                            "Access check",
                            &format!(
                                "<table id=\"access\"><tr><th>Role</th><th>Probe</th><th>Access</th><th>Detail</th></tr>{rows}</table>"
                            ),
                        )
                    }
                }
            }
            "/appcenter/login-uri" => match AppCenterLogin::read(&path_and_query) {
                Err(e) => failure(&e),
                Ok(login) => {
                    match self.issue(session, "/appcenter/oauth/callback", Some(login.clone())).await {
                        Err(e) => failure(&e),
                        Ok((state, sid)) => {
                            set_session = Some(sid);
                            match self.onboarder.acknowledge(&login, &state).await {
                                Err(e) => failure(&e),
                                Ok(()) => match self.consent_url(&state) {
                                    Ok(url) => redirect(&url),
                                    Err(e) => failure(&e),
                                },
                            }
                        }
                    }
                }
            },
            "/appcenter/oauth/callback" => match self.finish(session.as_deref(), &path_and_query).await {
                Ok((state, _)) => match state.app_center.as_ref().map(|l| l.completion_url(true)) {
                    Some(Ok(url)) => redirect(url.as_str()),
                    _ => failure(&OnboardingError::AppCenterRequest(
                        "the state was not issued for App Center".into(),
                    )),
                },
                // The state checked out but the code did not: tell App Center it failed.
                Err((Some(state), e)) => match state.app_center.as_ref().map(|l| l.completion_url(false)) {
                    Some(Ok(url)) => redirect(url.as_str()),
                    _ => failure(&e),
                },
                Err((None, e)) => failure(&e),
            },
            _ => page(404, "Not found", "<p>No such page.</p>"),
        };
        let mut response = response;
        let headers = response.headers_mut();
        headers.insert("referrer-policy", "no-referrer".parse().unwrap());
        headers.insert("cache-control", "no-store".parse().unwrap());
        if let Some(sid) = set_session {
            let secure = if self.public_url.starts_with("https://") { "; Secure" } else { "" };
            // Lax: the browser comes back from Amazon with a top-level GET that must carry it.
            let cookie = format!("{COOKIE}={sid}; HttpOnly; SameSite=Lax; Path=/; Max-Age=3600{secure}");
            headers.insert("set-cookie", cookie.parse().unwrap());
        }
        response
    }
}

/// Where issued states are kept: on the Redis at `url` (shared by every instance), or in this
/// process. Either way they outlive the TTL, so a late callback is told expired, not forged.
fn state_store(url: Option<&str>) -> Result<Box<dyn AsyncStateStore>, Box<dyn std::error::Error>> {
    let Some(url) = url else { return Ok(Box::new(MemoryStateStore::new(STATE_TTL * 6))) };
    #[cfg(feature = "redis")]
    {
        let options =
            amazon_business_async::onboarding::redis::RedisStateOptions::default().retention(STATE_TTL * 6);
        Ok(Box::new(amazon_business_async::RedisStateStore::with_options(url, options)?))
    }
    #[cfg(not(feature = "redis"))]
    Err(format!("AB_REDIS_URL={url:?} needs the redis feature: cargo run -p amazon-business-async --features redis --example consent_app").into())
}

/// Binds `settings.port` on 127.0.0.1 and serves on the current tokio runtime. Returns the
/// bound address.
pub async fn start(settings: Settings) -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", settings.port)).await?;
    let addr = listener.local_addr()?;
    let public_url = settings.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let onboarding =
        OnboardingClient::new(&settings.client_id, settings.client_secret.clone(), &settings.environment)?;
    let mut config = Config::builder()
        // A placeholder customer: every customer's client comes from `with_refresh_token`.
        .credentials(Credentials::new(&settings.client_id, settings.client_secret.clone(), "placeholder")?)
        .marketplace(settings.marketplace)
        .environment(settings.environment.clone())
        .app("consent-app", "0.1");
    if let Some(email) = &settings.user_email {
        config = config.user_email(email);
    }
    let states = state_store(settings.redis_url.as_deref())?;
    let app = Arc::new(App {
        onboarder: Onboarder::hyper(onboarding)?,
        api: Client::new(config.build()?)?,
        settings,
        public_url,
        states,
        sessions: Mutex::new(HashMap::new()),
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let app = app.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, Infallible>(app.route(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// The settings for the local emulator `sandbox`.
pub fn emulator_settings(sandbox: &amazon_business_conformance::sandbox::Sandbox, port: u16) -> Settings {
    Settings {
        client_id: "amzn1.application-oa2-client.consent-app".into(),
        client_secret: Secret::new("consent-app-secret"),
        application_id: "amzn1.sp.solution.consent-app".into(),
        marketplace: Marketplace::UnitedStates,
        environment: Environment::custom(&sandbox.base_url(), &sandbox.lwa_url())
            .expect("the emulator's URLs"),
        consent_base: Some(sandbox.base_url()),
        public_url: None,
        user_email: Some("buyer@example.com".into()),
        port,
        redis_url: None,
    }
}

fn env_settings() -> Result<Option<Settings>, Box<dyn std::error::Error>> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let Some(client_id) = var("AB_CLIENT_ID") else { return Ok(None) };
    let need = |k: &str| var(k).ok_or_else(|| format!("{k} is not set (needed with AB_CLIENT_ID)"));
    Ok(Some(Settings {
        client_id,
        client_secret: Secret::new(need("AB_CLIENT_SECRET")?),
        application_id: need("AB_APPLICATION_ID")?,
        marketplace: var("AB_MARKETPLACE")
            .map(|m| m.parse())
            .transpose()?
            .unwrap_or(Marketplace::UnitedStates),
        environment: Environment::Production,
        consent_base: None,
        public_url: Some(need("AB_PUBLIC_URL")?.trim_end_matches('/').to_owned()),
        user_email: var("AB_USER_EMAIL"),
        port: var("AB_PORT").map(|p| p.parse()).transpose()?.unwrap_or(8080),
        redis_url: var("AB_REDIS_URL"),
    }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (settings, _sandbox) = match env_settings()? {
        Some(s) => (s, None),
        None => {
            let sandbox = amazon_business_conformance::sandbox::Sandbox::builder().spawn()?;
            println!("no AB_CLIENT_ID: Amazon's side is the local emulator at {}", sandbox.base_url());
            let port = std::env::var("AB_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
            let redis_url = std::env::var("AB_REDIS_URL").ok().filter(|v| !v.trim().is_empty());
            (Settings { redis_url, ..emulator_settings(&sandbox, port) }, Some(sandbox))
        }
    };
    let emulator = _sandbox.as_ref().map(|s| s.base_url());
    let addr = start(settings).await?;
    println!("website flow: open http://{addr}/");
    if let Some(base) = emulator {
        println!(
            "App Center flow: open {base}/appcenter/authorize?login_uri=http://{addr}/appcenter/login-uri"
        );
    }
    println!("Ctrl-C stops.");
    std::future::pending::<()>().await;
    Ok(())
}
