//! Every row of the fault matrix (`RELIABILITY.md`) as an ordinary test, at a smaller scale
//! (20 calls over 2 workers, fewer faults): both clients, 0 lost, 0 duplicated orders, every
//! failure a typed error naming its cause, no call beyond the deadline, and the scenario's own
//! expectation (see `amazon_business_conformance::matrix::violations`).

use amazon_business_conformance::matrix::{run, violations, ClientKind, Scale, SCENARIOS};

fn check(id: &str) {
    for kind in ClientKind::BOTH {
        let o = run(id, kind, Scale::Fast);
        let v = violations(id, &o);
        assert!(v.is_empty(), "{id} / {}: {v:?}\n{o:#?}", kind.name());
        assert!(o.succeeded + o.failed > 0, "{id} / {}: nothing ran", kind.name());
    }
}

macro_rules! rows {
    ($($name:ident => $id:literal,)*) => {
        $(#[test] fn $name() { check($id); })*

        #[test]
        fn every_row_of_the_matrix_has_a_test() {
            let tested = [$($id),*];
            for s in SCENARIOS {
                assert!(tested.contains(&s.id), "no test for scenario {}", s.id);
            }
        }
    };
}

rows! {
    baseline => "baseline",
    r_429_seconds => "429-seconds",
    r_429_http_date => "429-http-date",
    r_429_absent => "429-absent",
    r_429_garbage => "429-garbage",
    r_429_beyond_cap => "429-beyond-cap",
    r_5xx_reads => "5xx-reads",
    r_5xx_writes => "5xx-writes",
    refused => "refused",
    drop_before_read => "drop-before-read",
    drop_after_store => "drop-after-store",
    reset_mid_body => "reset-mid-body",
    short_body => "short-body",
    truncated_json => "truncated-json",
    invalid_json => "invalid-json",
    html_200 => "html-200",
    error_50mb => "error-50mb",
    over_cap => "over-cap",
    gzip_bomb => "gzip-bomb",
    trickle => "trickle",
    silent => "silent",
    slow_beyond_timeout => "slow-beyond-timeout",
    token_expiry => "token-expiry",
    lwa_500_5s => "lwa-500-5s",
    lwa_invalid_grant => "lwa-invalid-grant",
    lwa_expires_0 => "lwa-expires-0",
    lwa_expires_negative => "lwa-expires-negative",
    lwa_expires_huge => "lwa-expires-huge",
    lwa_expires_malformed => "lwa-expires-malformed",
    secret_rotation => "secret-rotation",
    download_stalled => "download-stalled",
    download_gzip_bomb => "download-gzip-bomb",
    download_expired => "download-expired",
    download_redirect => "download-redirect",
}

/// A 50 MB error body is not read whole: each client keeps its first 64 KiB
/// (`wire::MAX_ERROR_BODY_READ`), drops the connection, and the error says how large the body
/// was. (Before, both read it whole, up to the 64 MiB cap, per concurrent call.)
#[test]
fn a_huge_error_body_is_read_bounded_by_both_clients() {
    use amazon_business_conformance::hostile::{Hostile, Leg, Misbehaviour};
    use amazon_business_core::wire::{TruncatedBody, MAX_ERROR_BODY_READ};

    let hostile = Hostile::spawn(None).expect("hostile");
    let config = amazon_business_conformance::matrix::config(&hostile.base_url(), &hostile.lwa_url());
    let request = || {
        http::Request::get(format!("{}/reports/2021-09-30/reports/ID1", hostile.base_url()))
            .body(Vec::new())
            .unwrap()
    };
    let len = 50_000_000u64;
    // Success bodies keep their cap: a 2 MB answer is read whole.
    let ok_len = 2_000_000u64;

    hostile.inject(Leg::Api, Misbehaviour::Huge { status: 500, len }, 1);
    hostile.inject(Leg::Api, Misbehaviour::Huge { status: 200, len: ok_len }, 1);
    let blocking = amazon_business_blocking::Http1Sender::new(&config).expect("sender");
    use amazon_business_blocking::HttpSend as _;
    let r = blocking.send(request()).expect("an answer");
    assert_eq!(r.status(), 500);
    assert_eq!(r.body().len() as u64, MAX_ERROR_BODY_READ, "blocking kept more than the error cap");
    assert!(r.extensions().get::<TruncatedBody>().is_some());
    let e = amazon_business_core::error::ApiError::from_response("getReport", &r);
    assert!(e.to_string().contains("(cut, 50000000 bytes in all)"), "{e}");
    assert_eq!(blocking.send(request()).expect("an answer").body().len() as u64, ok_len);

    hostile.inject(Leg::Api, Misbehaviour::Huge { status: 500, len }, 1);
    hostile.inject(Leg::Api, Misbehaviour::Huge { status: 200, len: ok_len }, 1);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    let asynch = rt.block_on(async { amazon_business_async::HyperSender::new(&config).expect("sender") });
    use amazon_business_async::HttpSend as _;
    let r = rt.block_on(asynch.send(request())).expect("an answer");
    assert_eq!(r.status(), 500);
    assert_eq!(r.body().len() as u64, MAX_ERROR_BODY_READ, "async kept more than the error cap");
    assert!(r.extensions().get::<TruncatedBody>().is_some());
    assert_eq!(rt.block_on(asynch.send(request())).expect("an answer").body().len() as u64, ok_len);
}

/// A body cut short (the connection closed cleanly before its `Content-Length`) and a
/// connection reset mid-body are told apart the same way by both clients: the first is a
/// cut-short response ([`Protocol`](amazon_business_core::error::TransportErrorKind::Protocol)),
/// the second a [`Reset`](amazon_business_core::error::TransportErrorKind::Reset), as is a
/// connection closed before any answer, so code that matches on the kind does not depend on
/// the transport.
#[test]
fn both_clients_tell_a_short_body_from_a_reset_alike() {
    use amazon_business_conformance::hostile::{Hostile, Leg, Misbehaviour};
    use amazon_business_core::error::TransportErrorKind as Kind;

    // The front relays half of what the emulator answers.
    let sandbox = amazon_business_conformance::sandbox::Sandbox::builder().spawn().expect("emulator");
    let hostile = Hostile::spawn(Some(sandbox.addr())).expect("hostile");
    let config = amazon_business_conformance::matrix::config(&hostile.base_url(), &hostile.lwa_url());
    let request = || {
        http::Request::get(format!("{}/reports/2021-09-30/reports/ID323", hostile.base_url()))
            .body(Vec::new())
            .unwrap()
    };
    let blocking = amazon_business_blocking::Http1Sender::new(&config).expect("sender");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    let asynch = rt.block_on(async { amazon_business_async::HyperSender::new(&config).expect("sender") });
    // Both name where it happened, and neither shows an HTTP library's own labels.
    let origin = hostile.base_url().trim_start_matches("http://").to_owned();
    let faults = [
        (Misbehaviour::ShortBody, Kind::Protocol),
        (Misbehaviour::ResetMidBody, Kind::Reset),
        (Misbehaviour::DropBeforeRead, Kind::Reset),
    ];
    for (fault, kind) in faults {
        hostile.inject(Leg::Api, fault.clone(), 1);
        let b = amazon_business_blocking::HttpSend::send(&blocking, request()).expect_err("a failure");
        assert_eq!(b.kind, kind, "blocking, {fault:?}: {b}");
        hostile.inject(Leg::Api, fault.clone(), 1);
        let a =
            rt.block_on(amazon_business_async::HttpSend::send(&asynch, request())).expect_err("a failure");
        assert_eq!(a.kind, kind, "async, {fault:?}: {a}");
        if fault == Misbehaviour::DropBeforeRead {
            for m in [&b.message, &a.message] {
                assert!(m.contains(&origin) && !m.contains("client error"), "{fault:?}: {m}");
            }
        }
    }
}
