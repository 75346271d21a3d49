//! Streaming download of report documents, gunzipped chunk by chunk.

use amazon_business_core::download::{self, body_error, Decoding, Gunzip};
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::{Buf, Bytes};
use futures_core::Stream;
use http_body_util::BodyExt;

use crate::HyperSender;

struct Download {
    body: hyper::body::Incoming,
    gunzip: Option<Gunzip>,
    /// Compressed bytes received but not yet fed to the decoder.
    pending: Bytes,
    idle: std::time::Duration,
}

impl Download {
    /// The next chunk of the document, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(g) = self.gunzip.as_mut() {
                while !self.pending.is_empty() {
                    let (fed, out) = g.step(&self.pending)?;
                    self.pending.advance(fed);
                    if !out.is_empty() {
                        return Ok(Some(Bytes::from(out)));
                    }
                }
            }
            let frame = tokio::time::timeout(self.idle, self.body.frame()).await.map_err(|_| {
                Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("the report document stalled: no data for {:?}", self.idle),
                ))
            })?;
            match frame {
                None => {
                    // The end: flush what the decoder still holds.
                    return match self.gunzip.take().map(Gunzip::finish) {
                        Some(Ok(rest)) if !rest.is_empty() => Ok(Some(Bytes::from(rest))),
                        Some(Err(e)) => Err(e),
                        _ => Ok(None),
                    };
                }
                Some(Err(e)) => return Err(body_error(e)),
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else { continue };
                    if self.gunzip.is_none() {
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
    let sender = HyperSender::new(config)?;
    let idle = config.timeouts().request;
    let request = http::Request::get(url.as_str()).body(Vec::new()).map_err(body_error)?;
    let response = tokio::time::timeout(idle, sender.start(request)).await.map_err(|_| {
        Error::Transport(TransportError::new(TransportErrorKind::Timeout, "no response in time"))
    })??;
    let (parts, mut body) = response.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        while let Ok(Some(Ok(frame))) = tokio::time::timeout(idle, body.frame()).await {
            if let Ok(d) = frame.into_data() {
                text.extend_from_slice(&d);
            }
            if text.len() > 4096 {
                break;
            }
        }
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let decoding = Decoding::for_response(compressed, &parts.headers)?;
    let state = Download {
        body,
        gunzip: (decoding == Decoding::Gzip).then(Gunzip::default),
        pending: Bytes::new(),
        idle,
    };
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
