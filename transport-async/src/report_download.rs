//! Streaming download of report documents, gunzipped chunk by chunk.

use std::io::Write;

use amazon_business_core::download;
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::Bytes;
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
    let decoder = compressed.then(|| flate2::write::GzDecoder::new(Vec::new()));
    let stream = futures_util::stream::unfold(Some((body, decoder)), |state| async move {
        let (mut body, mut decoder) = state?;
        loop {
            match body.frame().await {
                None => {
                    // The end: flush what the decoder still holds.
                    return match decoder.take().map(|d| d.finish()) {
                        Some(Ok(rest)) if !rest.is_empty() => Some((Ok(Bytes::from(rest)), None)),
                        Some(Err(e)) => Some((Err(body_error(e)), None)),
                        _ => None,
                    };
                }
                Some(Err(e)) => return Some((Err(body_error(e)), None)),
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else { continue };
                    let Some(d) = decoder.as_mut() else {
                        return Some((Ok(data), Some((body, decoder))));
                    };
                    if let Err(e) = d.write_all(&data) {
                        return Some((Err(body_error(e)), None));
                    }
                    let out = std::mem::take(d.get_mut());
                    if !out.is_empty() {
                        return Some((Ok(Bytes::from(out)), Some((body, decoder))));
                    }
                }
            }
        }
    });
    Ok(stream)
}
