//! The hyper plumbing: accept loop, request reading, answer delivery (including the broken
//! deliveries faults ask for).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::state::{Answer, Delivery, Shared, WireRequest};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Binds the runtime thread to the listener; returns the stop switch and the thread.
pub(super) fn start(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
) -> std::io::Result<(oneshot::Sender<()>, JoinHandle<()>)> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let thread = std::thread::Builder::new().name("amazon-business-sandbox".to_owned()).spawn(move || {
        runtime.block_on(accept_loop(listener, shared, stop_rx));
    })?;
    Ok((stop_tx, thread))
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(shared.clone(), req));
                    // Errors here are dropped connections, some of them deliberate.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Hangup;

impl fmt::Display for Hangup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Hangup {}

async fn serve(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<AnswerBody>, Hangup> {
    if let Some(document) = shared.documents.get(req.uri().path()) {
        return Ok(document_response(document));
    }
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Err(Hangup),
    };
    let wire = WireRequest::new(&parts, body);
    match shared.handle(wire) {
        Delivery::Drop => Err(Hangup),
        Delivery::Normal(answer) => Ok(respond(answer, AnswerBody::full)),
        Delivery::Slow(answer, delay) => Ok(respond(answer, |b| AnswerBody::slow(b, delay))),
        Delivery::Truncated(mut answer) => {
            let full = answer.body.take().unwrap_or_default();
            answer.body = Some(full.clone());
            let mut response = respond(answer, AnswerBody::truncated);
            // Declare the whole length (at least one byte more than what is sent).
            let declared = full.len().max(1);
            response
                .headers_mut()
                .insert(hyper::header::CONTENT_LENGTH, hyper::header::HeaderValue::from(declared));
            Ok(response)
        }
    }
}

fn respond(answer: Answer, make: impl FnOnce(Vec<u8>) -> AnswerBody) -> Response<AnswerBody> {
    let bodyless = matches!(answer.status, 204 | 304) || answer.status < 200;
    let body = match answer.body {
        Some(b) if !bodyless => make(b),
        _ => AnswerBody::empty(),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// A registered document, streamed in 64 KiB slices of the shared bytes (no copies).
fn document_response(document: Bytes) -> Response<AnswerBody> {
    let len = document.len() as u64;
    let steps = (0..document.len())
        .step_by(64 * 1024)
        .map(|at| Step::Data(document.slice(at..document.len().min(at + 64 * 1024))))
        .collect();
    let mut response = Response::new(AnswerBody { steps, exact: Some(len) });
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/octet-stream"),
    );
    response
}

enum Step {
    Data(Bytes),
    Wait(Duration),
    Waiting(Pin<Box<tokio::time::Sleep>>),
    Fail,
}

/// A response body that can be delayed or cut short.
pub(super) struct AnswerBody {
    steps: VecDeque<Step>,
    exact: Option<u64>,
}

impl AnswerBody {
    fn empty() -> Self {
        AnswerBody { steps: VecDeque::new(), exact: Some(0) }
    }

    fn full(data: Vec<u8>) -> Self {
        let len = data.len() as u64;
        let mut steps = VecDeque::new();
        if !data.is_empty() {
            steps.push_back(Step::Data(Bytes::from(data)));
        }
        AnswerBody { steps, exact: Some(len) }
    }

    fn slow(data: Vec<u8>, delay: Duration) -> Self {
        let mut body = AnswerBody::full(data);
        body.steps.push_front(Step::Wait(delay));
        body
    }

    fn truncated(data: Vec<u8>) -> Self {
        let half = data.len() / 2;
        let mut steps = VecDeque::new();
        if half > 0 {
            steps.push_back(Step::Data(Bytes::copy_from_slice(&data[..half])));
        }
        // Let hyper flush what was sent before the connection is torn down.
        steps.push_back(Step::Wait(Duration::from_millis(50)));
        steps.push_back(Step::Fail);
        AnswerBody { steps, exact: None }
    }
}

impl Body for AnswerBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            match this.steps.pop_front() {
                None => return Poll::Ready(None),
                Some(Step::Data(b)) => return Poll::Ready(Some(Ok(Frame::data(b)))),
                Some(Step::Fail) => return Poll::Ready(Some(Err(Box::new(Hangup)))),
                Some(Step::Wait(d)) => {
                    this.steps.push_front(Step::Waiting(Box::pin(tokio::time::sleep(d))));
                }
                Some(Step::Waiting(mut sleep)) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        this.steps.push_front(Step::Waiting(sleep));
                        return Poll::Pending;
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.steps.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}
