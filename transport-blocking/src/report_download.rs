//! Streaming download of report documents from the short-lived URL `getReportDocument` gives.

use std::io::{self, Read};

use amazon_business_core::download;
use amazon_business_core::error::Error;
use amazon_business_core::Config;
use flate2::read::MultiGzDecoder;

/// A report document being downloaded: read it like a file. Only a small buffer is held in
/// memory however large the document is; a gzip-compressed document is decompressed on the
/// fly.
pub struct ReportDownload {
    reader: Box<dyn Read + Send>,
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
        self.reader.read(buf)
    }
}

pub(crate) fn open(config: &Config, url: &str, compressed: bool) -> Result<ReportDownload, Error> {
    let url = download::check_url(url)?;
    let agent = crate::agent(config, 5)?;
    let response = agent.get(url.as_str()).call().map_err(crate::map_ureq_error)?;
    if !response.status().is_success() {
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        let text = body.into_with_config().limit(4096).read_to_vec().unwrap_or_default();
        return Err(download::failure(status, &parts.headers, &text));
    }
    let content_length = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = response.into_body().into_reader();
    let reader: Box<dyn Read + Send> =
        if compressed { Box::new(MultiGzDecoder::new(body)) } else { Box::new(body) };
    Ok(ReportDownload { reader, content_length })
}
