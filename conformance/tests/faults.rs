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
