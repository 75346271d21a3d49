//! Streaming download of report documents, gunzipped chunk by chunk.

use std::io::Write;

use amazon_business_core::download;
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::{Buf, Bytes};
use flate2::write::MultiGzDecoder as GzDecoder;
use futures_core::Stream;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

fn body_error(e: impl std::fmt::Display) -> Error {
    Error::Transport(TransportError::new(
        TransportErrorKind::Reset,
        format!("reading the report document: {e}"),
    ))
}

/// How much compressed input is fed to the decoder at a time. Gzip expands at most about
/// 1032:1, so one step yields at most about 1 MiB however large or compressible the document.
const GUNZIP_STEP: usize = 1024;

struct Download {
    body: hyper::body::Incoming,
    decoder: Option<GzDecoder<Vec<u8>>>,
    /// Compressed bytes received but not yet fed to the decoder.
    pending: Bytes,
}

impl Download {
    /// The next chunk of the document, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(d) = self.decoder.as_mut() {
                while !self.pending.is_empty() {
                    let step = self.pending.len().min(GUNZIP_STEP);
                    let fed = d.write(&self.pending[..step]).map_err(body_error)?;
                    if fed == 0 {
                        return Err(body_error("data after the end of the gzip stream"));
                    }
                    self.pending.advance(fed);
                    let out = std::mem::take(d.get_mut());
                    if !out.is_empty() {
                        return Ok(Some(Bytes::from(out)));
                    }
                }
            }
            match self.body.frame().await {
                None => {
                    // The end: flush what the decoder still holds.
                    return match self.decoder.take().map(GzDecoder::finish) {
                        Some(Ok(rest)) if !rest.is_empty() => Ok(Some(Bytes::from(rest))),
                        Some(Err(e)) => Err(body_error(e)),
                        _ => Ok(None),
                    };
                }
                Some(Err(e)) => return Err(body_error(e)),
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else { continue };
                    if self.decoder.is_none() {
                        return Ok(Some(data));
                    }
                    self.pending = data;
                }
            }
        }
    }
}

pub(crate) async fn open(
    config: &Config,
    url: &str,
    compressed: bool,
) -> Result<impl Stream<Item = Result<Bytes, Error>> + Send + 'static, Error> {
    let url = download::check_url(url)?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(config.timeouts().connect));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .map_err(|e| body_error(format!("TLS setup: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client =
        hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(https);
    let request = http::Request::get(url.as_str()).body(Empty::new()).map_err(body_error)?;
    let response = tokio::time::timeout(config.timeouts().request, client.request(request))
        .await
        .map_err(|_| {
            Error::Transport(TransportError::new(TransportErrorKind::Timeout, "no response in time"))
        })?
        .map_err(|e| Error::Transport(crate::map_client_error(e)))?;
    let (parts, mut body) = response.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        while let Some(frame) = body.frame().await {
            if let Ok(Ok(d)) = frame.map(|f| f.into_data()) {
                text.extend_from_slice(&d);
            }
            if text.len() > 4096 {
                break;
            }
        }
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let state =
        Download { body, decoder: compressed.then(|| GzDecoder::new(Vec::new())), pending: Bytes::new() };
    let stream = futures_util::stream::unfold(Some(state), |state| async move {
        let mut st = state?;
        match st.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(st))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(stream)
}
