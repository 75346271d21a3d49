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
    /// Decodes straight into `buf`: no decoded byte is buffered or copied on the way.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.decoder.is_identity() {
            return self.body.read(buf);
        }
        while !buf.is_empty() && !self.decoder.is_done() {
            match self.decoder.decode_into(buf).map_err(io::Error::other)? {
                0 => self.decoder.refill(|raw| self.body.read(raw))?,
                n => return Ok(n),
            }
        }
        Ok(0)
    }
}

pub(crate) fn open(config: &Config, url: &str, compressed: bool) -> Result<ReportDownload, Error> {
    let url = download::check_url(url)?;
    let uri: http::Uri = url.as_str().parse().map_err(download::body_error)?;
    let (parts, mut body) = Http1Sender::new(config)?.stream(&uri)?.into_parts();
    if !parts.status.is_success() {
        let mut text = Vec::new();
        let _ = (&mut body).take(download::FAILURE_BODY_READ as u64).read_to_end(&mut text);
        return Err(download::failure(parts.status.as_u16(), &parts.headers, &text));
    }
    let decoding = Decoding::for_response(compressed, &parts.headers)?;
    let content_length = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok(ReportDownload { body: Box::new(body), decoder: Decoder::new(decoding), content_length })
}
