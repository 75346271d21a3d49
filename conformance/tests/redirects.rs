//! Redirects are never followed: not on the API leg, not on the LWA leg (whose request body
//! carries the client secret and refresh token), and not on a report download (whatever the
//! target, https elsewhere or http on loopback). Each 3xx is reported as an error naming the
//! status, and the redirect target never sees a request.

use amazon_business_conformance::hostile::{Hostile, Leg, Misbehaviour};
use amazon_business_conformance::matrix::{config, ClientKind};
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::Error;

fn redirect(to: &str, status: u16) -> Misbehaviour {
    Misbehaviour::Raw { status, headers: vec![("location".into(), to.into())], body: Vec::new() }
}

fn get_report(kind: ClientKind, api: &str, lwa: &str, rt: &tokio::runtime::Runtime) -> Result<(), Error> {
    let ex = amazon_business_conformance::fixtures::load_examples()
        .into_iter()
        .find(|e| e.id == "getReport-200-0")
        .unwrap();
    let op = build(&ex).unwrap().unwrap();
    let cfg = config(api, lwa);
    match kind {
        ClientKind::Blocking => {
            op.send_blocking(&amazon_business_blocking::Client::new(cfg).unwrap()).map(drop)
        }
        ClientKind::Async => rt.block_on(async {
            op.send_async(&amazon_business_async::Client::new(cfg).unwrap()).await.map(drop)
        }),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap()
}

#[test]
fn an_api_redirect_is_not_followed() {
    let rt = rt();
    for kind in ClientKind::BOTH {
        for status in [301, 302, 307, 308] {
            let target = Sandbox::builder().spawn().unwrap();
            let front = Hostile::spawn(Some(target.addr())).unwrap();
            let to = format!("{}/reports/2021-09-30/reports/ID323", target.base_url());
            front.inject(Leg::Api, redirect(&to, status), 100);
            let err = get_report(kind, &front.base_url(), &front.lwa_url(), &rt).unwrap_err();
            assert_eq!(err.api().map(|a| a.status), Some(status), "{kind:?} {status}: {err}");
            assert!(err.to_string().contains(&status.to_string()), "{err}");
            // The token came through the front (forwarded); the redirect target saw no API call.
            assert_eq!(target.count("getReport"), 0, "{kind:?} {status}: the redirect was followed");
        }
    }
}

#[test]
fn an_lwa_redirect_is_not_followed() {
    let rt = rt();
    for kind in ClientKind::BOTH {
        for status in [302, 307, 308] {
            let target = Sandbox::builder().spawn().unwrap();
            let front = Hostile::spawn(Some(target.addr())).unwrap();
            front.inject(Leg::Lwa, redirect(&target.lwa_url(), status), 100);
            let err = get_report(kind, &front.base_url(), &front.lwa_url(), &rt).unwrap_err();
            assert_eq!(err.kind(), amazon_business_core::ErrorKind::Lwa, "{kind:?} {status}: {err}");
            assert!(err.to_string().contains(&status.to_string()), "{kind:?} {status}: {err}");
            assert_eq!(
                target.lwa_exchanges(),
                0,
                "{kind:?} {status}: the secret was sent to the redirect target"
            );
            assert!(target.requests().is_empty(), "{kind:?}");
            assert_eq!(front.requests(), front.lwa_requests(), "{kind:?}: no API call without a token");
        }
    }
}

#[test]
fn a_download_redirect_is_not_followed_anywhere() {
    let rt = rt();
    let target = Hostile::spawn(None).unwrap();
    for kind in ClientKind::BOTH {
        for to in ["https://elsewhere.example/doc".to_owned(), format!("{}/doc", target.base_url())] {
            let front = Hostile::spawn(None).unwrap();
            front.inject(Leg::Any, redirect(&to, 302), 100);
            let cfg = config(&front.base_url(), &front.lwa_url());
            let url = format!("{}/doc?X-Amz-Signature=abc", front.base_url());
            let err = match kind {
                ClientKind::Blocking => {
                    amazon_business_blocking::Client::new(cfg).unwrap().download_report(&url, true).err()
                }
                ClientKind::Async => rt.block_on(async {
                    amazon_business_async::Client::new(cfg).unwrap().download_report(&url, true).await.err()
                }),
            }
            .expect("a redirect is an error");
            assert!(err.to_string().contains("redirect"), "{kind:?}: {err}");
            assert_eq!(front.requests(), 1, "{kind:?}");
        }
        assert_eq!(target.requests(), 0, "{kind:?}: a download followed a redirect");
    }
}

#[test]
fn a_download_url_that_is_not_https_is_refused_before_sending() {
    let front = Hostile::spawn(None).unwrap();
    let c = amazon_business_blocking::Client::new(config(&front.base_url(), &front.lwa_url())).unwrap();
    let err = c.download_report("http://reports.example.com/doc", false).err().unwrap();
    assert_eq!(err.kind(), amazon_business_core::ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("https"), "{err}");
    assert_eq!(front.requests(), 0);
}
