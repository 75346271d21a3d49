//! The consent leg of onboarding, as the emulator plays it: Amazon Business's consent page
//! (`/b2b/abws/oauth`), the authorization codes it issues and LWA's exchange of them, and
//! App Center's side of the App Center workflow.
//!
//! * `GET /b2b/abws/oauth?applicationId=…&redirect_uri=…&state=…` checks the three parameters
//!   (an application id `amzn1.sp.solution.…`, or the one set with
//!   [`ConsentLeg::set_application_id`]; an absolute http(s) `redirect_uri`; a non-empty state)
//!   and shows a page with an **Allow** link (`#allow`) and a **Deny** link (`#deny`); a bad
//!   request shows Amazon's "We're sorry. We can't connect this account." page (400).
//! * Allow redirects (302) to `redirect_uri?code=ANconsent-…&state=…`; Deny to
//!   `redirect_uri?error=access_denied&error_description=…&state=…`.
//! * The LWA endpoint exchanges a code issued here once, with the same `redirect_uri`, within
//!   five minutes; otherwise it answers `invalid_grant`. [`ConsentLeg::age_codes_by`] makes
//!   codes look older, so expiry is testable without waiting. Codes not issued here keep the
//!   endpoint's lenient behaviour.
//! * `GET /appcenter/authorize?login_uri=…` plays App Center's "Authorize" button: it sends
//!   the browser to `login_uri?amazon_callback_uri={emulator}/appcenter/callback&amazon_state=…`.
//!   `POST /appcenter/callback` records the acknowledgement form; `GET /appcenter/callback`
//!   records the completion (`status`, `amazon_state`) and shows it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::lwa::lwa_error;
use super::state::{Answer, WireRequest};

/// The consent page's path.
pub const CONSENT_PATH: &str = "/b2b/abws/oauth";
/// App Center's callback path (acknowledgement POST and completion redirect).
pub const APP_CENTER_CALLBACK_PATH: &str = "/appcenter/callback";
/// How long an authorization code can be exchanged.
pub const CODE_LIFETIME: Duration = Duration::from_secs(300);
const CODE_PREFIX: &str = "ANconsent-";

#[derive(Debug)]
struct IssuedCode {
    issued: Instant,
    redirect_uri: String,
    used: bool,
}

/// A completion redirect App Center received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// `auth_code_use_successful` or `auth_code_use_failure`.
    pub status: String,
    /// The `amazon_state` it carried.
    pub amazon_state: String,
}

#[derive(Debug, Default)]
struct State {
    seq: u64,
    application_id: Option<String>,
    age_offset: Duration,
    codes: HashMap<String, IssuedCode>,
    consent_pages: usize,
    redeemed: usize,
    amazon_states: Vec<String>,
    acknowledgements: Vec<BTreeMap<String, String>>,
    completions: Vec<Completion>,
}

/// The consent leg's state; read it through [`Sandbox::consent`](super::Sandbox::consent).
#[derive(Debug, Default)]
pub struct ConsentLeg {
    state: Mutex<State>,
}

fn page(status: u16, title: &str, body: &str) -> Answer {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    );
    Answer {
        status,
        headers: vec![
            ("content-type".to_owned(), "text/html; charset=utf-8".to_owned()),
            ("referrer-policy".to_owned(), "no-referrer".to_owned()),
        ],
        body: Some(html.into_bytes()),
    }
}

fn redirect(location: &str) -> Answer {
    Answer {
        status: 302,
        headers: vec![("location".to_owned(), location.to_owned())],
        body: Some(Vec::new()),
    }
}

/// Minimal HTML escaping for echoed values.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn query(req: &WireRequest) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect()
}

fn with_params(base: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = url::Url::parse(base).ok()?;
    url.query_pairs_mut().extend_pairs(pairs);
    Some(url.into())
}

impl ConsentLeg {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Accept only this application id on the consent page (default: any `amzn1.sp.solution.…`).
    pub fn set_application_id(&self, application_id: impl Into<String>) {
        self.lock().application_id = Some(application_id.into());
    }

    /// Makes every code (issued or to be issued) look `offset` older at exchange time.
    pub fn age_codes_by(&self, offset: Duration) {
        self.lock().age_offset = offset;
    }

    /// How many consent pages were shown.
    pub fn consent_pages(&self) -> usize {
        self.lock().consent_pages
    }

    /// How many codes were issued.
    pub fn codes_issued(&self) -> usize {
        self.lock().codes.len()
    }

    /// How many codes were exchanged successfully.
    pub fn codes_redeemed(&self) -> usize {
        self.lock().redeemed
    }

    /// The `amazon_state` values App Center handed out, in order.
    pub fn amazon_states(&self) -> Vec<String> {
        self.lock().amazon_states.clone()
    }

    /// The acknowledgement forms App Center received, in order.
    pub fn acknowledgements(&self) -> Vec<BTreeMap<String, String>> {
        self.lock().acknowledgements.clone()
    }

    /// The completion redirects App Center received, in order.
    pub fn completions(&self) -> Vec<Completion> {
        self.lock().completions.clone()
    }

    /// Serves the consent leg's routes; `None` for every other request.
    pub(crate) fn handle(&self, req: &WireRequest) -> Option<Answer> {
        let get = req.method.eq_ignore_ascii_case("GET");
        let answer = match req.path.as_str() {
            CONSENT_PATH if get => self.consent_page(req),
            "/b2b/abws/oauth/allow" if get => self.decide(req, true),
            "/b2b/abws/oauth/deny" if get => self.decide(req, false),
            "/appcenter/authorize" if get => self.app_center_start(req),
            APP_CENTER_CALLBACK_PATH if req.method.eq_ignore_ascii_case("POST") => self.acknowledge(req),
            APP_CENTER_CALLBACK_PATH if get => self.complete(req),
            _ => return None,
        };
        Some(answer)
    }

    fn check(&self, q: &BTreeMap<String, String>) -> Result<(String, String, String), String> {
        let field = |k: &str| q.get(k).map(String::as_str).unwrap_or("").to_owned();
        let (app, redirect_uri, state) = (field("applicationId"), field("redirect_uri"), field("state"));
        let expected = self.lock().application_id.clone();
        match &expected {
            Some(e) if *e != app => return Err(format!("applicationId {app:?} is not this application")),
            None if !app.starts_with("amzn1.sp.solution.") => {
                return Err(format!(
                    "applicationId {app:?} is not a Solution Provider Portal application id (amzn1.sp.solution.…)"
                ))
            }
            _ => {}
        }
        match url::Url::parse(&redirect_uri) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => {}
            _ => return Err(format!("redirect_uri {redirect_uri:?} is not an absolute http(s) URL")),
        }
        if state.is_empty() {
            return Err("the request carries no state".to_owned());
        }
        Ok((app, redirect_uri, state))
    }

    fn refused(why: &str) -> Answer {
        page(
            400,
            "We're sorry. We can't connect this account.",
            &format!("<p id=\"reason\">{}</p>", escape(why)),
        )
    }

    fn consent_page(&self, req: &WireRequest) -> Answer {
        let q = query(req);
        let (app, _, _) = match self.check(&q) {
            Ok(v) => v,
            Err(why) => return Self::refused(&why),
        };
        self.lock().consent_pages += 1;
        let params = req.query.as_deref().unwrap_or("");
        page(
            200,
            "Amazon Business: authorize an application",
            &format!(
                "<p>The application <code id=\"application\">{}</code> asks to use the Amazon Business API \
                 for your business.</p><p><a id=\"allow\" href=\"/b2b/abws/oauth/allow?{p}\">Allow</a> \
                 <a id=\"deny\" href=\"/b2b/abws/oauth/deny?{p}\">Deny</a></p>",
                escape(&app),
                p = escape(params)
            ),
        )
    }

    fn decide(&self, req: &WireRequest, allow: bool) -> Answer {
        let q = query(req);
        let (_, redirect_uri, state) = match self.check(&q) {
            Ok(v) => v,
            Err(why) => return Self::refused(&why),
        };
        let location = if allow {
            let mut s = self.lock();
            s.seq += 1;
            let code = format!("{CODE_PREFIX}{}", s.seq);
            s.codes.insert(
                code.clone(),
                IssuedCode { issued: Instant::now(), redirect_uri: redirect_uri.clone(), used: false },
            );
            with_params(&redirect_uri, &[("code", &code), ("state", &state)])
        } else {
            with_params(
                &redirect_uri,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied the authorization request"),
                    ("state", &state),
                ],
            )
        };
        match location {
            Some(l) => redirect(&l),
            None => Self::refused("redirect_uri is not a URL"),
        }
    }

    /// Checks a code the LWA endpoint is asked to exchange. `None` lets the endpoint go on
    /// (a code issued here and good, or one not issued here); `Some` is the refusal.
    pub(crate) fn redeem(&self, code: &str, redirect_uri: &str) -> Option<Answer> {
        if !code.starts_with(CODE_PREFIX) {
            return None;
        }
        let mut s = self.lock();
        let offset = s.age_offset;
        let refusal = match s.codes.get_mut(code) {
            None => Some("The request has an invalid grant parameter : code"),
            Some(c) if c.used => Some("The authorization code has already been used"),
            Some(c) if c.issued.elapsed() + offset > CODE_LIFETIME => {
                Some("The authorization code has expired")
            }
            Some(c) if c.redirect_uri != redirect_uri => {
                Some("The redirect_uri does not match the one of the authorization request")
            }
            Some(c) => {
                c.used = true;
                None
            }
        };
        match refusal {
            Some(why) => Some(lwa_error(400, "invalid_grant", why)),
            None => {
                s.redeemed += 1;
                None
            }
        }
    }

    fn app_center_start(&self, req: &WireRequest) -> Answer {
        let q = query(req);
        let login_uri = q.get("login_uri").cloned().unwrap_or_default();
        let host = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map(|(_, v)| v.clone());
        let Some(host) = host else { return Self::refused("no Host header") };
        let amazon_state = {
            let mut s = self.lock();
            s.seq += 1;
            let v = format!("amzn-appcenter-state-{}", s.seq);
            s.amazon_states.push(v.clone());
            v
        };
        let callback = format!("http://{host}{APP_CENTER_CALLBACK_PATH}");
        match with_params(&login_uri, &[("amazon_callback_uri", &callback), ("amazon_state", &amazon_state)])
        {
            Some(l) => redirect(&l),
            None => Self::refused("login_uri is not a URL"),
        }
    }

    fn acknowledge(&self, req: &WireRequest) -> Answer {
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(&req.body).into_owned().collect();
        let known = form.get("amazon_state").is_some_and(|a| self.lock().amazon_states.contains(a));
        let complete = ["redirect_uri", "state"].iter().all(|k| form.get(*k).is_some_and(|v| !v.is_empty()))
            && form.get("status").map(String::as_str) == Some("authentication_successful");
        self.lock().acknowledgements.push(form);
        if known && complete {
            page(200, "Acknowledged", "<p>App Center recorded the acknowledgement.</p>")
        } else {
            page(400, "Acknowledgement refused", "<p>Unknown amazon_state or missing fields.</p>")
        }
    }

    fn complete(&self, req: &WireRequest) -> Answer {
        let q = query(req);
        let completion = Completion {
            status: q.get("status").cloned().unwrap_or_default(),
            amazon_state: q.get("amazon_state").cloned().unwrap_or_default(),
        };
        let body = format!(
            "<p>Status: <code id=\"status\">{}</code></p><p>amazon_state: <code id=\"amazon_state\">{}</code></p>",
            escape(&completion.status),
            escape(&completion.amazon_state)
        );
        self.lock().completions.push(completion);
        page(200, "App Center: authorization finished", &body)
    }
}
