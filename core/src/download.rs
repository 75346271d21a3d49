//! Report-document downloads: which URLs may be fetched, how the body is decoded, and how a
//! failed download reads. The bytes themselves are streamed by the transports, through the
//! same sender configuration as API calls (proxy, TLS roots, connect timeout), with an idle
//! timeout per read instead of a whole-document deadline.
//!
//! Decisions made here, once, for both transports:
//! - **No redirects.** A presigned document URL is fetched as it is; a 3xx answer is an
//!   error naming the status (following it could leave https or the presigned host).
//! - **No transparent decoding.** Transports never decode `Content-Encoding` themselves;
//!   [`Decoding::for_response`] decides from the document's `compressionAlgorithm` and the
//!   response's `Content-Encoding` whether to gunzip, and [`Gunzip`] does it in bounded steps.

use std::io::Write;

use flate2::write::MultiGzDecoder;
use url::Url;

use crate::error::{bounded_body, ApiError, ConfigError, Error, ErrorEntry};

/// The name errors of a download carry as their operation.
pub const OPERATION: &str = "downloadReportDocument";

/// Checks a document URL: `https`, or `http` on a loopback host (the local emulator).
pub fn check_url(url: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::Config(ConfigError::new("url", format!("{url:?} is not a URL: {e}"))))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(Error::Config(ConfigError::new(
            "url",
            "report documents are downloaded over https only (http is allowed on loopback for tests)",
        ))),
    }
}

/// The error for a download answered with a non-2xx `status`. Presigned URLs live about five
/// minutes; an expired one answers 403 and the error says to ask for a fresh URL.
pub fn failure(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Error {
    let text = bounded_body(body);
    let expired = status == 403 && text.to_ascii_lowercase().contains("expired");
    let (code, message) = if (300..400).contains(&status) {
        (
            "RedirectNotFollowed",
            format!("the document URL answered HTTP {status} (a redirect); presigned document URLs are fetched as they are, never redirected"),
        )
    } else if expired {
        (
            "ExpiredUrl",
            "the document URL has expired (it lives about five minutes); call getReportDocument again for a fresh one"
                .to_owned(),
        )
    } else {
        ("DownloadFailed", format!("downloading the report document failed with HTTP {status}"))
    };
    let mut e = failure_with(status, headers, code, message);
    if let Error::Api(api) = &mut e {
        api.body = text;
    }
    e
}

fn failure_with(status: u16, headers: &http::HeaderMap, code: &str, message: String) -> Error {
    let mut e = ApiError::new(OPERATION, status);
    e.errors = vec![ErrorEntry { code: code.into(), message, details: None }];
    e.request_id = headers
        .get("x-amz-request-id")
        .or_else(|| headers.get("x-amzn-requestid"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    e.into()
}

/// How a downloaded body becomes the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// The body is the document.
    Identity,
    /// The body is gzip (one or more members).
    Gzip,
}

impl Decoding {
    /// Decides from the document's `compressionAlgorithm` (`compressed` when it says `GZIP`)
    /// and the response's `Content-Encoding`. Gzip is undone once, whichever says it.
    pub fn for_response(compressed: bool, headers: &http::HeaderMap) -> Result<Decoding, Error> {
        let encoding = headers
            .get(http::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match encoding.as_str() {
            "" | "identity" => Ok(if compressed { Decoding::Gzip } else { Decoding::Identity }),
            "gzip" | "x-gzip" => Ok(Decoding::Gzip),
            other => Err(failure_with(
                200,
                headers,
                "UnsupportedEncoding",
                format!("the document came with Content-Encoding {other:?}, which the SDK cannot decode"),
            )),
        }
    }
}

/// How much compressed input is fed to the decoder at a time. Gzip expands at most about
/// 1032:1, so one step yields at most about 1 MiB however large or compressible the document.
pub const GUNZIP_STEP: usize = 1024;

/// A gzip decoder fed in bounded steps, so that memory stays bounded whatever the document's
/// size or compression ratio.
pub struct Gunzip {
    decoder: MultiGzDecoder<Vec<u8>>,
}

impl std::fmt::Debug for Gunzip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gunzip").finish_non_exhaustive()
    }
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip { decoder: MultiGzDecoder::new(Vec::new()) }
    }
}

impl Gunzip {
    /// Feeds at most [`GUNZIP_STEP`] bytes of `input` and returns how many were consumed and
    /// the bytes decoded so far (possibly none). Call again with the rest.
    pub fn step(&mut self, input: &[u8]) -> Result<(usize, Vec<u8>), Error> {
        let step = input.len().min(GUNZIP_STEP);
        let fed = self.decoder.write(&input[..step]).map_err(body_error)?;
        if fed == 0 && step > 0 {
            return Err(body_error("data after the end of the gzip stream"));
        }
        Ok((fed, std::mem::take(self.decoder.get_mut())))
    }

    /// The end of the input: what the decoder still holds, or an error if the stream is cut.
    pub fn finish(self) -> Result<Vec<u8>, Error> {
        self.decoder.finish().map_err(body_error)
    }
}

/// A document body decoded as it arrives, for a transport's download loop: [`Decoder::pull`]
/// the document until it answers `None`, then [`Decoder::push`] what the network gives next
/// (or [`Decoder::end`] at the end of the body; `None` after the end means the document is
/// whole). Memory stays bounded: gzip is fed [`GUNZIP_STEP`] bytes at a time.
#[derive(Debug)]
pub struct Decoder {
    gunzip: Option<Gunzip>,
    identity: bool,
    /// Raw bytes received, decoded up to `at`.
    input: Vec<u8>,
    at: usize,
    ended: bool,
}

impl Decoder {
    /// A decoder for a body of this [`Decoding`].
    pub fn new(decoding: Decoding) -> Self {
        let identity = decoding == Decoding::Identity;
        Decoder {
            gunzip: (!identity).then(Gunzip::default),
            identity,
            input: Vec::new(),
            at: 0,
            ended: false,
        }
    }

    /// True when the body is the document (a transport may hand it through untouched).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// True once [`Decoder::end`] was called.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Feeds raw bytes of the body.
    pub fn push(&mut self, chunk: &[u8]) {
        self.input.drain(..self.at);
        self.input.extend_from_slice(chunk);
        self.at = 0;
    }

    /// The body ended: what the decoder still holds comes out of the next pulls.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// The next piece of the document, or `None` when it needs more input (or, after the
    /// end, when the document is whole). A cut or corrupt gzip stream is an error.
    pub fn pull(&mut self) -> Result<Option<Vec<u8>>, Error> {
        while self.at < self.input.len() {
            let Some(g) = self.gunzip.as_mut() else {
                let mut out = std::mem::take(&mut self.input);
                out.drain(..std::mem::take(&mut self.at));
                return Ok(Some(out));
            };
            let (fed, out) = g.step(&self.input[self.at..])?;
            self.at += fed;
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        match self.gunzip.take_if(|_| self.ended).map(Gunzip::finish).transpose()? {
            Some(rest) if !rest.is_empty() => Ok(Some(rest)),
            _ => Ok(None),
        }
    }
}

/// A failure while reading a document's body.
pub fn body_error(e: impl std::fmt::Display) -> Error {
    Error::Transport(crate::error::TransportError::new(
        crate::error::TransportErrorKind::Reset,
        format!("reading the report document: {e}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_loopback() {
        assert!(check_url("https://tortuga-prod-na.s3.amazonaws.com/doc?X-Amz-Expires=300").is_ok());
        assert!(check_url("http://127.0.0.1:8080/doc").is_ok());
        assert!(check_url("http://example.com/doc").is_err());
        assert!(check_url("not a url").is_err());
    }

    #[test]
    fn an_expired_url_says_so() {
        let body = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        let e = failure(403, &http::HeaderMap::new(), body);
        assert_eq!(e.api().unwrap().code(), Some("ExpiredUrl"));
        assert!(e.to_string().contains("getReportDocument again"), "{e}");
        let e = failure(500, &http::HeaderMap::new(), b"oops");
        assert_eq!(e.api().unwrap().code(), Some("DownloadFailed"));
        let e = failure(302, &http::HeaderMap::new(), b"");
        assert_eq!(e.api().unwrap().code(), Some("RedirectNotFollowed"));
    }

    #[test]
    fn gzip_is_undone_once_whoever_says_it() {
        let mut h = http::HeaderMap::new();
        assert_eq!(Decoding::for_response(false, &h).unwrap(), Decoding::Identity);
        assert_eq!(Decoding::for_response(true, &h).unwrap(), Decoding::Gzip);
        h.insert(http::header::CONTENT_ENCODING, "gzip".parse().unwrap());
        assert_eq!(Decoding::for_response(false, &h).unwrap(), Decoding::Gzip);
        assert_eq!(Decoding::for_response(true, &h).unwrap(), Decoding::Gzip);
        h.insert(http::header::CONTENT_ENCODING, "br".parse().unwrap());
        assert!(Decoding::for_response(true, &h).is_err());
    }

    #[test]
    fn gunzip_in_bounded_steps() {
        use flate2::{write::GzEncoder, Compression};
        let doc = vec![b'a'; 4 << 20];
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&doc).unwrap();
        let mut gz = enc.finish().unwrap();
        gz.extend_from_within(..); // two members
        let mut g = Gunzip::default();
        let (mut out, mut rest, mut largest) = (0usize, &gz[..], 0usize);
        while !rest.is_empty() {
            let (n, chunk) = g.step(rest).unwrap();
            largest = largest.max(chunk.len());
            out += chunk.len();
            rest = &rest[n..];
        }
        out += g.finish().unwrap().len();
        assert_eq!(out, 2 * doc.len());
        assert!(largest <= 1100 * GUNZIP_STEP, "one step decoded {largest} bytes");
        let mut cut = Gunzip::default();
        let _ = cut.step(&gz[..100]).unwrap();
        assert!(cut.finish().is_err(), "a cut stream is an error");
    }

    #[test]
    fn the_decoder_hands_out_the_document_as_it_arrives() {
        use flate2::{write::GzEncoder, Compression};
        let doc: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(&doc).unwrap();
        let gz = enc.finish().unwrap();
        for (decoding, body) in [(Decoding::Gzip, &gz), (Decoding::Identity, &doc)] {
            let mut d = Decoder::new(decoding);
            assert_eq!(d.is_identity(), decoding == Decoding::Identity);
            let (mut out, mut chunks) = (Vec::new(), body.chunks(3000));
            loop {
                match d.pull().unwrap() {
                    Some(piece) => out.extend_from_slice(&piece),
                    None if d.is_ended() => break,
                    None => match chunks.next() {
                        Some(c) => d.push(c),
                        None => d.end(),
                    },
                }
            }
            assert_eq!(out, doc, "{decoding:?}");
        }
        let mut cut = Decoder::new(Decoding::Gzip);
        cut.push(&gz[..gz.len() / 2]);
        while cut.pull().unwrap().is_some() {}
        cut.end();
        assert!(cut.pull().is_err(), "a cut stream is an error");
    }
}
