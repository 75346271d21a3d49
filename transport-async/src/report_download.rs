//! Streaming download of report documents, gunzipped chunk by chunk.

use std::future::Future;
use std::time::Duration;

use amazon_business_core::download::{self, body_error, Decoder, Decoding};
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::HyperSender;

/// The most a chunk of a decoded document holds.
const CHUNK: usize = 64 * 1024;

/// `work`, given up with a timeout error saying `what` when it takes longer than `idle`.
async fn within<T>(idle: Duration, what: &str, work: impl Future<Output = T>) -> Result<T, Error> {
    tokio::time::timeout(idle, work).await.map_err(|_| {
        Error::Transport(TransportError::new(TransportErrorKind::Timeout, format!("{what} within {idle:?}")))
    })
}

/// The next data of `body` (other frames skipped), each frame within `idle`; `None` at its end.
async fn next_data(body: &mut Incoming, idle: Duration) -> Result<Option<Bytes>, Error> {
    loop {
        let frame = within(idle, "the report document stalled: no data", body.frame()).await?;
        match frame.transpose().map_err(body_error)?.map(|f| f.into_data()) {
            None => return Ok(None),
            Some(Ok(data)) => return Ok(Some(data)),
            Some(Err(_)) => {}
        }
    }
}

struct Download {
    body: Incoming,
    decoder: Decoder,
    /// Where the document is decoded into; each chunk handed out is split off it, not copied.
    out: BytesMut,
    idle: Duration,
}

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
            match next_data(&mut self.body, self.idle).await? {
                Some(data) if self.decoder.is_identity() => return Ok(Some(data)),
                Some(data) => self.decoder.push(&data),
                None if self.decoder.is_identity() => return Ok(None),
                None => self.decoder.end(),
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
    let idle = config.timeouts().request;
    let request = http::Request::get(url.as_str()).body(Vec::new()).map_err(body_error)?;
    let response = within(idle, "no response", HyperSender::new(config)?.start(request)).await??;
    let (parts, mut body) = response.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        while text.len() <= download::FAILURE_BODY_READ {
            let Ok(Some(data)) = next_data(&mut body, idle).await else { break };
            text.extend_from_slice(&data);
        }
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let decoder = Decoder::new(Decoding::for_response(compressed, &parts.headers)?);
    let state = Download { body, decoder, out: BytesMut::new(), idle };
    Ok(futures_util::stream::try_unfold(state, |mut state| async move {
        Ok(state.next_chunk().await?.map(|chunk| (chunk, state)))
    }))
}
