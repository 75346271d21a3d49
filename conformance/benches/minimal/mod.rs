//! The minimal loopback server both transport benches measure against: LWA answers a fresh
//! long token, every other request the recorded getReport response. Two worker threads,
//! nothing logged except on request.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
/// The recorded getReport response every API request is answered with.
pub const REPORT_BODY: &str = r#"{"createdTime":"2019-12-10T13:47:20.677Z","dataEndTime":"2019-12-12T13:47:20.677Z","dataStartTime":"2019-12-11T13:47:20.677Z","processingEndTime":"2019-12-12T13:47:20.677Z","processingStartTime":"2019-12-10T13:47:20.677Z","processingStatus":"IN_PROGRESS","reportId":"ReportId1","reportType":"FEE_DISCOUNTS_REPORT"}"#;

/// A running server (it stops when dropped).
pub struct Minimal {
    pub addr: std::net::SocketAddr,
    /// When set, the next API request's method, target and headers (in wire order) go here.
    pub capture: Arc<Mutex<Option<Vec<String>>>>,
    pub capture_on: Arc<AtomicBool>,
    pub lwa: Arc<AtomicUsize>,
    _rt: tokio::runtime::Runtime,
}

impl Minimal {
    pub fn spawn() -> Minimal {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let capture: Arc<Mutex<Option<Vec<String>>>> = Arc::default();
        let capture_on: Arc<AtomicBool> = Arc::default();
        let lwa: Arc<AtomicUsize> = Arc::default();
        let (c, on, l) = (capture.clone(), capture_on.clone(), lwa.clone());
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let (c, on, l) = (c.clone(), on.clone(), l.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (c, on, l) = (c.clone(), on.clone(), l.clone());
                        async move {
                            let lwa_call = req.uri().path() == "/auth/o2/token";
                            if !lwa_call && on.swap(false, Ordering::SeqCst) {
                                let mut head = vec![format!("{} {}", req.method(), req.uri())];
                                head.extend(req.headers().iter().map(|(k, v)| {
                                    let v = String::from_utf8_lossy(v.as_bytes());
                                    let v = if k == "x-amz-access-token" { "<token>".into() } else { v };
                                    format!("{k}: {v}")
                                }));
                                *c.lock().unwrap() = Some(head);
                            }
                            let _ = req.into_body().collect().await;
                            let body = if lwa_call {
                                let n = l.fetch_add(1, Ordering::Relaxed);
                                // Real LWA access tokens are ~400 characters.
                                let token = format!("Atza|{n:0>395}");
                                format!(r#"{{"access_token":"{token}","token_type":"bearer","expires_in":3600}}"#)
                            } else {
                                REPORT_BODY.to_owned()
                            };
                            Ok::<_, std::convert::Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .header("x-amzn-RequestId", "c0ffee00-0000-4000-8000-000000000000")
                                    .body(Full::new(Bytes::from(body)))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Minimal { addr, capture, capture_on, lwa, _rt: rt }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
