//! Streaming download of report documents from the short-lived URL `getReportDocument` gives.

use std::io::{self, Read};

use amazon_business_core::download::{self, Decoding, Gunzip};
use amazon_business_core::error::Error;
use amazon_business_core::Config;

use crate::http1_sender::Http1Sender;

/// A report document being downloaded: read it like a file. Only a small buffer is held in
/// memory however large the document is; a gzip-compressed document is decompressed on the
/// fly.
pub struct ReportDownload {
    body: Box<dyn Read + Send>,
    /// The gzip decoder, until the end of a compressed document (`None` for an uncompressed
    /// one, and after the end).
    gunzip: Option<Gunzip>,
    gzip: bool,
    /// Compressed bytes read from the body; `raw[raw_at..raw_len]` are not yet decoded.
    raw: Vec<u8>,
    raw_at: usize,
    raw_len: usize,
    /// The body has ended.
    eof: bool,
    content_length: Option<u64>,
}

/// How much of the compressed body is read from the connection at a time.
const RAW_BUFFER: usize = 64 * 1024;

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

fn io_error(e: Error) -> io::Error {
    io::Error::other(e)
}

impl Read for ReportDownload {
    /// Decodes straight into `buf`: no decoded byte is buffered or copied on the way.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.gzip {
            return self.body.read(buf);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        while let Some(gunzip) = self.gunzip.as_mut() {
            let pending = &self.raw[self.raw_at..self.raw_len];
            let (fed, wrote) = gunzip.decode_into(pending, buf).map_err(io_error)?;
            self.raw_at += fed;
            if wrote > 0 {
                return Ok(wrote);
            }
            if self.raw_at < self.raw_len {
                if fed == 0 {
                    return Err(io::Error::other("the gzip decoder made no progress"));
                }
                continue;
            }
            if self.eof {
                let done = self.gunzip.take().map(|g| g.check_end());
                done.transpose().map_err(io_error)?;
                break;
            }
            self.raw.resize(RAW_BUFFER, 0);
            self.raw_len = self.body.read(&mut self.raw)?;
            self.raw_at = 0;
            self.eof = self.raw_len == 0;
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
        gzip: decoding == Decoding::Gzip,
        gunzip: (decoding == Decoding::Gzip).then(Gunzip::default),
        raw: Vec::new(),
        raw_at: 0,
        raw_len: 0,
        eof: false,
        content_length,
    })
}
