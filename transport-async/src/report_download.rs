//! Streaming download of report documents, gunzipped chunk by chunk.

use amazon_business_core::download::{self, body_error, Decoding, Gunzip};
use amazon_business_core::error::{Error, TransportError, TransportErrorKind};
use amazon_business_core::Config;
use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use http_body_util::BodyExt;

use crate::HyperSender;

struct Download {
    body: hyper::body::Incoming,
    gunzip: Option<Gunzip>,
    /// Compressed bytes received but not yet fed to the decoder.
    pending: Bytes,
    /// The body has ended (the decoder may still hold output).
    ended: bool,
    /// Where chunks are decoded into; each chunk handed out is split off it, not copied.
    out: BytesMut,
    idle: std::time::Duration,
}

/// The size of the decoded chunks a compressed document is handed out in.
const CHUNK: usize = 64 * 1024;

impl Download {
    /// Decodes what is pending into the next chunk: `Some` chunk, or `None` when the decoder
    /// needs more input (or, after the body ended, is done).
    fn decode(&mut self) -> Result<Option<Bytes>, Error> {
        let Some(g) = self.gunzip.as_mut() else { return Ok(None) };
        loop {
            self.out.resize(CHUNK, 0);
            let (fed, wrote) = g.decode_into(&self.pending, &mut self.out)?;
            self.pending.advance(fed);
            if wrote > 0 {
                return Ok(Some(self.out.split_to(wrote).freeze()));
            }
            if self.pending.is_empty() {
                if self.ended {
                    let done = self.gunzip.take().map(|g| g.check_end());
                    done.transpose()?;
                }
                return Ok(None);
            }
            if fed == 0 {
                return Err(body_error("the gzip decoder made no progress"));
            }
        }
    }

    /// The next chunk of the document, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(chunk) = self.decode()? {
                return Ok(Some(chunk));
            }
            if self.ended {
                return Ok(None);
            }
            let frame = tokio::time::timeout(self.idle, self.body.frame()).await.map_err(|_| {
                Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("the report document stalled: no data for {:?}", self.idle),
                ))
            })?;
            match frame {
                None => self.ended = true,
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
        ended: false,
        out: BytesMut::new(),
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
