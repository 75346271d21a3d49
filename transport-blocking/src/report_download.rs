//! Streaming download of report documents from the short-lived URL `getReportDocument` gives.

use std::io::{self, Read};

use amazon_business_core::download::{self, Decoder, Decoding};
use amazon_business_core::error::Error;
use amazon_business_core::Config;

use crate::http1_sender::Http1Sender;

/// A report document being downloaded: read it like a file. Only a small buffer is held in
/// memory however large the document is; a gzip-compressed document is decompressed on the
/// fly.
pub struct ReportDownload {
    body: Box<dyn Read + Send>,
    decoder: Decoder,
    /// Decoded bytes not yet handed out.
    out: Vec<u8>,
    out_at: usize,
    content_length: Option<u64>,
}

impl std::fmt::Debug for ReportDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportDownload").field("content_length", &self.content_length).finish_non_exhaustive()
    }
}

impl ReportDownload {
    /// The size of the (possibly compressed) body, when the server said.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

impl Read for ReportDownload {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.decoder.is_identity() {
            return self.body.read(buf);
        }
        loop {
            if self.out_at < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            if let Some(piece) = self.decoder.pull().map_err(io::Error::other)? {
                (self.out, self.out_at) = (piece, 0);
            } else if self.decoder.is_ended() {
                return Ok(0);
            } else {
                let mut raw = [0u8; 16 * 1024];
                match self.body.read(&mut raw)? {
                    0 => self.decoder.end(),
                    n => self.decoder.push(&raw[..n]),
                }
            }
        }
    }
}

pub(crate) fn open(config: &Config, url: &str, compressed: bool) -> Result<ReportDownload, Error> {
    let url = download::check_url(url)?;
    let uri: http::Uri = url.as_str().parse().map_err(download::body_error)?;
    let (parts, mut body) = Http1Sender::new(config)?.stream(&uri)?.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        let _ = (&mut body).take(4096).read_to_end(&mut text);
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let decoding = Decoding::for_response(compressed, &parts.headers)?;
    let content_length = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok(ReportDownload {
        body: Box::new(body),
        decoder: Decoder::new(decoding),
        out: Vec::new(),
        out_at: 0,
        content_length,
    })
}
