//! What a user sees when they print a client: never a credential, the proxy's included.

#[test]
fn proxy_credentials_do_not_show_in_either_clients_debug() {
    let proxy = "http://buyer:hunter2-proxy@proxy.corp.example:3128";
    let blocking = amazon_business_blocking::Client::new(
        amazon_business_blocking::Config::builder()
            .credentials(
                amazon_business_blocking::Credentials::new("id", "client-secret-xyz", "Atzr|refresh-xyz")
                    .unwrap(),
            )
            .proxy(proxy)
            .unwrap()
            .build()
            .unwrap(),
    )
    .unwrap();
    let asynchronous = amazon_business_async::Client::new(blocking.config().clone()).unwrap();
    let shown = format!("{blocking:?} {:?} {asynchronous:?} {:?}", blocking.config(), asynchronous.config());
    for secret in ["hunter2-proxy", "client-secret-xyz", "refresh-xyz"] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
    assert!(shown.contains("proxy.corp.example"), "{shown}");
}
