//! Streaming download of report documents, gunzipped chunk by chunk.

use std::time::Duration;

use amazon_business_core::download::{self, body_error, Chunks, Decoding, Pull};
use amazon_business_core::error::Error;
use amazon_business_core::Config;
use bytes::Bytes;
use futures_core::Stream;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::hyper_sender::{within, HyperSender};

/// The next data of `body` (other frames skipped), each frame within `idle`; `None` at its end.
async fn next_data(body: &mut Incoming, idle: Duration) -> Result<Option<Bytes>, Error> {
    loop {
        let frame = within(idle, "the report document stalled: no data", async { Ok(body.frame().await) });
        match frame.await?.transpose().map_err(body_error)?.map(|f| f.into_data()) {
            None => return Ok(None),
            Some(Ok(data)) => return Ok(Some(data)),
            Some(Err(_)) => {}
        }
    }
}

struct Download {
    body: Incoming,
    chunks: Chunks,
    idle: Duration,
}

impl Download {
    /// The next chunk of the document, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            match self.chunks.pull()? {
                Pull::Chunk(chunk) => return Ok(Some(chunk)),
                Pull::Body => self.chunks.feed(next_data(&mut self.body, self.idle).await?),
                Pull::End => return Ok(None),
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
    let response = within(idle, "no response", HyperSender::new(config)?.start(request)).await?;
    let (parts, mut body) = response.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        while text.len() <= download::FAILURE_BODY_READ {
            let Ok(Some(data)) = next_data(&mut body, idle).await else { break };
            text.extend_from_slice(&data);
        }
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let chunks = Chunks::new(Decoding::for_response(compressed, &parts.headers)?);
    let state = Download { body, chunks, idle };
    Ok(futures_util::stream::try_unfold(state, |mut state| async move {
        Ok(state.next_chunk().await?.map(|chunk| (chunk, state)))
    }))
}
