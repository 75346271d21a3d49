//! Streaming download of report documents, gunzipped chunk by chunk.

use amazon_business_core::download::{self, body_error, Decoder, Decoding};
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body_util::BodyExt;

use crate::HyperSender;

struct Download {
    body: hyper::body::Incoming,
    decoder: Decoder,
    /// Where the document is decoded into; each chunk handed out is split off it, not copied.
    out: BytesMut,
    idle: std::time::Duration,
}

/// The most a chunk of a decoded document holds.
const CHUNK: usize = 64 * 1024;

impl Download {
    /// The next chunk of the document, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if !self.decoder.is_identity() {
                self.out.resize(CHUNK, 0);
                match self.decoder.decode_into(&mut self.out)? {
                    0 if self.decoder.is_done() => return Ok(None),
                    0 => {}
                    n => return Ok(Some(self.out.split_to(n).freeze())),
                }
            }
            let frame = tokio::time::timeout(self.idle, self.body.frame()).await.map_err(|_| {
                Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("the report document stalled: no data for {:?}", self.idle),
                ))
            })?;
            match frame.transpose().map_err(body_error)?.map(|f| f.into_data()) {
                None if self.decoder.is_identity() => return Ok(None),
                None => self.decoder.end(),
                Some(Ok(data)) if self.decoder.is_identity() => return Ok(Some(data)),
                Some(Ok(data)) => self.decoder.push(&data),
                Some(Err(_)) => {}
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
    let decoder = Decoder::new(Decoding::for_response(compressed, &parts.headers)?);
    let state = Download { body, decoder, out: BytesMut::new(), idle };
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
