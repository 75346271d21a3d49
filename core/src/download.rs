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

use bytes::{Bytes, BytesMut};
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

/// How much of a failed download's body the transports read for [`failure`] (about: the
/// async one stops after the frame that passes it).
pub const FAILURE_BODY_READ: usize = 4096;

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

/// How much compressed input [`Gunzip::step`] feeds to the decoder at a time. Gzip expands at
/// most about 1032:1, so one step yields at most about 1 MiB however large or compressible the
/// document.
pub const GUNZIP_STEP: usize = 1024;

/// Where a [`Gunzip`] is in its stream (RFC 1952: members of header, deflate data, trailer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The fixed 10 bytes of a member header (`have` of them in `buf`).
    Fixed,
    /// The 2-byte length of the extra field.
    ExtraLen,
    /// `skip` bytes of the extra field, or of the header checksum.
    Skip,
    /// A zero-terminated file name or comment.
    Text,
    /// Deflate data.
    Body,
    /// CRC-32 and size of the member.
    Trailer,
    /// After a member: the end, or another member.
    Between,
}

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// A gzip decoder (one or more members) for streamed input that writes into the caller's
/// buffer: [`Gunzip::decode_into`] takes what input it can and fills at most the buffer it is
/// given, so memory stays bounded (the decoder's own state is about 40 KiB) whatever the
/// document's size or compression ratio, and no decoded byte is copied twice.
pub struct Gunzip {
    part: Part,
    /// Header or trailer bytes read so far.
    buf: [u8; 10],
    have: usize,
    /// The header flags still to honour (bits cleared as each part is read).
    flags: u8,
    skip: usize,
    inflate: flate2::Decompress,
    crc: flate2::Crc,
    members: u64,
}

impl std::fmt::Debug for Gunzip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gunzip").field("members", &self.members).finish_non_exhaustive()
    }
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip {
            part: Part::Fixed,
            buf: [0; 10],
            have: 0,
            flags: 0,
            skip: 0,
            inflate: flate2::Decompress::new(false),
            crc: flate2::Crc::new(),
            members: 0,
        }
    }
}

impl Gunzip {
    /// Decodes from `input` into `out`: returns how many input bytes were consumed and how many
    /// bytes of `out` were written. Call again with the input not consumed (and more after
    /// it) while there is any; at the end of the input, call with an empty `input` until it
    /// writes nothing (the decoder may still hold output), then [`Gunzip::check_end`]. A call
    /// that neither consumes nor writes needs more input (or a non-empty `out`).
    pub fn decode_into(&mut self, input: &[u8], out: &mut [u8]) -> Result<(usize, usize), Error> {
        let (mut i, mut o) = (0usize, 0usize);
        loop {
            let rest = &input[i..];
            match self.part {
                Part::Fixed | Part::ExtraLen | Part::Trailer => {
                    let need = match self.part {
                        Part::Fixed => 10,
                        Part::ExtraLen => 2,
                        _ => 8,
                    };
                    let n = rest.len().min(need - self.have);
                    self.buf[self.have..self.have + n].copy_from_slice(&rest[..n]);
                    self.have += n;
                    i += n;
                    if self.have < need {
                        return Ok((i, o));
                    }
                    self.have = 0;
                    self.part = match self.part {
                        Part::Fixed => self.header()?,
                        Part::ExtraLen => {
                            self.skip = usize::from(u16::from_le_bytes([self.buf[0], self.buf[1]]));
                            Part::Skip
                        }
                        _ => self.trailer()?,
                    };
                }
                Part::Skip => {
                    let n = rest.len().min(self.skip);
                    self.skip -= n;
                    i += n;
                    if self.skip > 0 {
                        return Ok((i, o));
                    }
                    self.part = self.next_header_part();
                }
                Part::Text => match rest.iter().position(|&b| b == 0) {
                    Some(end) => {
                        i += end + 1;
                        self.part = self.next_header_part();
                    }
                    None => return Ok((input.len(), o)),
                },
                Part::Body => {
                    if o == out.len() {
                        return Ok((i, o));
                    }
                    let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
                    let status = self
                        .inflate
                        .decompress(rest, &mut out[o..], flate2::FlushDecompress::None)
                        .map_err(|e| body_error(format!("invalid gzip data: {e}")))?;
                    let consumed = (self.inflate.total_in() - before_in) as usize;
                    let produced = (self.inflate.total_out() - before_out) as usize;
                    self.crc.update(&out[o..o + produced]);
                    i += consumed;
                    o += produced;
                    if status == flate2::Status::StreamEnd {
                        self.part = Part::Trailer;
                    } else if consumed == 0 && produced == 0 {
                        return Ok((i, o));
                    }
                }
                Part::Between => match rest.first() {
                    None => return Ok((i, o)),
                    Some(0x1f) => {
                        self.inflate.reset(false);
                        self.crc.reset();
                        self.part = Part::Fixed;
                    }
                    Some(_) => return Err(body_error("data after the end of the gzip stream")),
                },
            }
        }
    }

    /// Checks a member's fixed header in `buf`; the part that follows.
    fn header(&mut self) -> Result<Part, Error> {
        let b = self.buf;
        if b[0] != 0x1f || b[1] != 0x8b {
            return Err(body_error("the document is not gzip (it does not start with 1f 8b)"));
        }
        if b[2] != 8 {
            return Err(body_error(format!("gzip compression method {} is not deflate (8)", b[2])));
        }
        if b[3] & 0xe0 != 0 {
            return Err(body_error("the gzip header sets reserved flags"));
        }
        self.flags = b[3];
        Ok(self.next_header_part())
    }

    /// The next optional header part the flags ask for, in RFC 1952 order (clearing its flag),
    /// or the body.
    fn next_header_part(&mut self) -> Part {
        for (flag, part, skip) in [
            (FEXTRA, Part::ExtraLen, 0),
            (FNAME, Part::Text, 0),
            (FCOMMENT, Part::Text, 0),
            (FHCRC, Part::Skip, 2),
        ] {
            if self.flags & flag != 0 {
                self.flags &= !flag;
                self.skip = skip;
                return part;
            }
        }
        Part::Body
    }

    /// Checks a member's trailer in `buf` against what was decoded.
    fn trailer(&mut self) -> Result<Part, Error> {
        let b = self.buf;
        let crc = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let size = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
        if crc != self.crc.sum() || size != self.crc.amount() {
            return Err(body_error("the gzip data is corrupt (its checksum or length does not match)"));
        }
        self.members += 1;
        Ok(Part::Between)
    }

    /// At the end of the input (after [`Gunzip::decode_into`] wrote nothing more): an error if
    /// the stream was cut short or held no gzip member at all.
    pub fn check_end(&self) -> Result<(), Error> {
        match self.part {
            Part::Between => Ok(()),
            Part::Fixed if self.have == 0 && self.members == 0 => {
                Err(body_error("the document is empty, not gzip"))
            }
            _ => Err(body_error("the gzip stream is cut short")),
        }
    }

    /// Feeds at most [`GUNZIP_STEP`] bytes of `input` and returns how many were consumed and
    /// the bytes decoded from them (possibly none). Call again with the rest. (Allocates its
    /// output; [`Gunzip::decode_into`] writes into a buffer of the caller's.)
    pub fn step(&mut self, input: &[u8]) -> Result<(usize, Vec<u8>), Error> {
        let input = &input[..input.len().min(GUNZIP_STEP)];
        let mut out = Vec::new();
        let mut fed = 0;
        loop {
            let at = out.len();
            out.resize(at + 64 * 1024, 0);
            let (n, wrote) = self.decode_into(&input[fed..], &mut out[at..])?;
            out.truncate(at + wrote);
            fed += n;
            if n == 0 && wrote == 0 {
                return Ok((fed, out));
            }
        }
    }

    /// The end of the input: what the decoder still holds, or an error if the stream is cut.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        let (_, out) = self.step(&[])?;
        self.check_end()?;
        Ok(out)
    }
}

/// A document body decoded as it arrives, for a transport's download loop, written straight
/// into the caller's buffer: [`Decoder::decode_into`] the document until it writes nothing,
/// then give it what the network delivers next ([`Decoder::push`] a chunk, or
/// [`Decoder::refill`] from a reader into the decoder's own input buffer) or [`Decoder::end`]
/// at the end of the body. Once [`Decoder::is_done`], the document is whole. Memory stays
/// bounded by the caller's buffer and one input buffer of [`INPUT_BUFFER`] bytes, whatever the
/// compression ratio.
#[derive(Debug)]
pub struct Decoder {
    gunzip: Option<Gunzip>,
    identity: bool,
    /// Raw bytes received: `input[at..len]` are not yet decoded.
    input: Vec<u8>,
    at: usize,
    len: usize,
    ended: bool,
    done: bool,
}

/// How many raw bytes [`Decoder::refill`] reads at a time.
pub const INPUT_BUFFER: usize = 64 * 1024;

impl Decoder {
    /// A decoder for a body of this [`Decoding`].
    pub fn new(decoding: Decoding) -> Self {
        let identity = decoding == Decoding::Identity;
        Decoder {
            gunzip: (!identity).then(Gunzip::default),
            identity,
            input: Vec::new(),
            at: 0,
            len: 0,
            ended: false,
            done: false,
        }
    }

    /// True when the body is the document (a transport may hand it through untouched).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// True once the body ended and every byte of the document was written out (a cut or
    /// corrupt stream is an error from [`Decoder::decode_into`] instead).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feeds raw bytes of the body (call when [`Decoder::decode_into`] wrote nothing).
    pub fn push(&mut self, chunk: &[u8]) {
        self.input.drain(..self.at);
        self.input.truncate(self.len - self.at);
        self.input.extend_from_slice(chunk);
        (self.at, self.len) = (0, self.input.len());
    }

    /// Reads the next raw bytes of the body with `read` (which fills the slice it is given and
    /// answers how many bytes it wrote, 0 at the end of the body) into the decoder's own
    /// buffer: no copy between the reader and the decoder.
    pub fn refill<E>(&mut self, read: impl FnOnce(&mut [u8]) -> Result<usize, E>) -> Result<(), E> {
        self.input.drain(..self.at);
        self.len -= self.at;
        self.at = 0;
        self.input.resize(self.len + INPUT_BUFFER, 0);
        let n = read(&mut self.input[self.len..])?;
        self.len += n;
        if n == 0 {
            self.ended = true;
        }
        Ok(())
    }

    /// The body ended: what the decoder still holds comes out of the next calls.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// Decodes what it holds into `out` and answers how many bytes of the document it wrote.
    /// 0 (with a non-empty `out`) means it needs more of the body, or, once
    /// [`Decoder::is_done`], that the document is whole. A cut or corrupt gzip stream is an
    /// error.
    pub fn decode_into(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        if out.is_empty() || self.done {
            return Ok(0);
        }
        loop {
            let pending = &self.input[self.at..self.len];
            let Some(g) = self.gunzip.as_mut() else {
                let n = out.len().min(pending.len());
                out[..n].copy_from_slice(&pending[..n]);
                self.at += n;
                self.done = n == 0 && self.ended;
                return Ok(n);
            };
            let (fed, wrote) = g.decode_into(pending, out)?;
            self.at += fed;
            if wrote > 0 {
                return Ok(wrote);
            }
            if self.at == self.len {
                break;
            }
            if fed == 0 {
                return Err(body_error("the gzip decoder made no progress"));
            }
        }
        if self.ended {
            if let Some(g) = self.gunzip.take() {
                g.check_end()?;
            }
            self.done = true;
        }
        Ok(0)
    }
}

/// The most a chunk handed out by [`Chunks`] holds.
pub const CHUNK: usize = 64 * 1024;

/// A document decoded into chunks as its body arrives in pieces (what the async client's
/// download stream runs on): [`Chunks::pull`] gives the next chunk of the document or asks for
/// more body, which the transport reads and hands in with [`Chunks::feed`]. A body that is the
/// document passes through uncopied; a gzipped one is decoded into chunks of at most [`CHUNK`]
/// bytes, each split off one buffer, not copied.
///
/// ```
/// use amazon_business_blocking::download::{Chunks, Decoding, Pull};
/// use bytes::Bytes;
///
/// let mut body = vec![Bytes::from_static(b"a,b\n"), Bytes::from_static(b"1,2\n")].into_iter();
/// let mut chunks = Chunks::new(Decoding::Identity);
/// let mut document = Vec::new();
/// loop {
///     match chunks.pull()? {
///         Pull::Chunk(chunk) => document.extend_from_slice(&chunk),
///         Pull::Body => chunks.feed(body.next()),
///         Pull::End => break,
///     }
/// }
/// assert_eq!(document, b"a,b\n1,2\n");
/// # Ok::<(), amazon_business_blocking::Error>(())
/// ```
#[derive(Debug)]
pub struct Chunks {
    decoder: Decoder,
    out: BytesMut,
    /// A piece of an identity body, handed out as it is.
    passed: Option<Bytes>,
    ended: bool,
}

/// What [`Chunks::pull`] has.
#[derive(Debug)]
pub enum Pull {
    /// The next chunk of the document.
    Chunk(Bytes),
    /// Nothing until more of the body is fed.
    Body,
    /// The document is whole.
    End,
}

impl Chunks {
    /// Chunks of a body of this [`Decoding`].
    pub fn new(decoding: Decoding) -> Self {
        Chunks { decoder: Decoder::new(decoding), out: BytesMut::new(), passed: None, ended: false }
    }

    /// The next chunk, or [`Pull::Body`] when the body fed so far is used up. A cut or corrupt
    /// gzip stream is an error.
    pub fn pull(&mut self) -> Result<Pull, Error> {
        if self.decoder.is_identity() {
            return Ok(match self.passed.take() {
                Some(data) => Pull::Chunk(data),
                None if self.ended => Pull::End,
                None => Pull::Body,
            });
        }
        self.out.resize(CHUNK, 0);
        Ok(match self.decoder.decode_into(&mut self.out)? {
            0 if self.decoder.is_done() => Pull::End,
            0 => Pull::Body,
            n => Pull::Chunk(self.out.split_to(n).freeze()),
        })
    }

    /// Hands in the next piece of the body, or `None` at its end.
    pub fn feed(&mut self, data: Option<Bytes>) {
        match data {
            Some(data) if data.is_empty() => {}
            Some(data) if self.decoder.is_identity() => self.passed = Some(data),
            Some(data) => self.decoder.push(&data),
            None if self.decoder.is_identity() => self.ended = true,
            None => self.decoder.end(),
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
    use std::io::Write;

    /// Everything `chunks` gives for a body arriving in `pieces`, and the largest chunk.
    fn drain(mut chunks: Chunks, pieces: Vec<Vec<u8>>) -> Result<(Vec<u8>, usize), Error> {
        let mut pieces = pieces.into_iter().map(Bytes::from);
        let (mut document, mut largest) = (Vec::new(), 0);
        loop {
            match chunks.pull()? {
                Pull::Chunk(chunk) => {
                    assert!(!chunk.is_empty(), "no empty chunk is handed out");
                    largest = largest.max(chunk.len());
                    document.extend_from_slice(&chunk);
                }
                Pull::Body => chunks.feed(pieces.next()),
                Pull::End => return Ok((document, largest)),
            }
        }
    }

    #[test]
    fn chunks_pass_an_identity_body_through_and_gunzip_a_gzipped_one_in_bounded_chunks() {
        use flate2::{write::GzEncoder, Compression};
        let document: Vec<u8> =
            (0..300_000u32).flat_map(|i| format!("{i},row {}\n", i % 97).into_bytes()).collect();
        let pieces = |bytes: &[u8], size: usize| bytes.chunks(size).map(<[u8]>::to_vec).collect::<Vec<_>>();
        let mut plain = pieces(&document, 7_000);
        plain.insert(1, Vec::new());
        let (out, largest) = drain(Chunks::new(Decoding::Identity), plain).unwrap();
        assert_eq!((out.len(), largest), (document.len(), 7_000));
        assert!(out == document);
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(&document).unwrap();
        let gz = enc.finish().unwrap();
        for size in [1, 333, 64 * 1024, gz.len()] {
            let (out, largest) = drain(Chunks::new(Decoding::Gzip), pieces(&gz, size)).unwrap();
            assert!(out == document, "pieces of {size}");
            assert!(largest <= CHUNK, "{largest}");
        }
        let cut = pieces(&gz[..gz.len() - 10], 4096);
        assert!(drain(Chunks::new(Decoding::Gzip), cut).is_err(), "a cut gzip stream is an error");
    }

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
        // A presigned URL needs no role: no hint about one, expired or not.
        assert!(!e.to_string().contains("role"), "{e}");
        let e = failure(403, &http::HeaderMap::new(), b"<Error><Code>AccessDenied</Code></Error>");
        assert_eq!(e.api().unwrap().code(), Some("DownloadFailed"));
        assert!(e.to_string().contains("expired or was altered") && !e.to_string().contains("role"), "{e}");
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

    /// Decodes all of `gz` through `decode_into` with input cut into `feed`-byte pieces and an
    /// output buffer of `out` bytes.
    fn decode_all(gz: &[u8], feed: usize, out: usize) -> Result<Vec<u8>, Error> {
        let mut g = Gunzip::default();
        let (mut doc, mut buf) = (Vec::new(), vec![0u8; out]);
        for piece in gz.chunks(feed) {
            let mut rest = piece;
            loop {
                let (fed, wrote) = g.decode_into(rest, &mut buf)?;
                assert!(wrote <= out);
                doc.extend_from_slice(&buf[..wrote]);
                rest = &rest[fed..];
                if fed == 0 && wrote == 0 {
                    break;
                }
            }
            assert!(rest.is_empty(), "a call that takes nothing and writes nothing had input left");
        }
        loop {
            let (_, wrote) = g.decode_into(&[], &mut buf)?;
            if wrote == 0 {
                break;
            }
            doc.extend_from_slice(&buf[..wrote]);
        }
        g.check_end().map(|()| doc)
    }

    #[test]
    fn gunzip_into_the_callers_buffer_whatever_the_pieces() {
        use flate2::{Compression, GzBuilder};
        let doc: Vec<u8> =
            (0..200_000u32).flat_map(|i| format!("{i},{},row\n", i * 7 % 13).into_bytes()).collect();
        // Two members, the second with every optional header field but the header CRC.
        let mut gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(&doc[..1000]).unwrap();
            e.finish().unwrap()
        };
        let mut e = GzBuilder::new()
            .filename("report.csv")
            .comment("a comment")
            .extra(vec![1, 2, 3, 4])
            .write(Vec::new(), Compression::default());
        e.write_all(&doc[1000..]).unwrap();
        gz.extend(e.finish().unwrap());
        for (feed, out) in [(1, 7), (3, 1), (1024, 64 * 1024), (gz.len(), 1 << 20), (17, 4096)] {
            assert_eq!(decode_all(&gz, feed, out).unwrap(), doc, "feed {feed}, out {out}");
        }
        // A header CRC (FHCRC) is skipped.
        let mut hcrc = gz[..10].to_vec();
        hcrc[3] |= FHCRC;
        hcrc.extend([0xaa, 0xbb]);
        hcrc.extend(&gz[10..]);
        assert_eq!(decode_all(&hcrc, 5, 100).unwrap(), doc);
        // A flipped byte in the data or the trailer, a cut stream, trailing garbage, not gzip,
        // nothing at all: each an error, none a panic.
        let mut corrupt = gz.clone();
        let at = corrupt.len() - 6;
        corrupt[at] ^= 0x40;
        assert!(decode_all(&corrupt, 64, 64).unwrap_err().to_string().contains("corrupt"));
        assert!(decode_all(&gz[..gz.len() - 3], 64, 64).unwrap_err().to_string().contains("cut short"));
        let mut trailing = gz.clone();
        trailing.extend(b"junk");
        assert!(decode_all(&trailing, 64, 64).unwrap_err().to_string().contains("after the end"));
        assert!(decode_all(b"plain text, not gzip", 64, 64).unwrap_err().to_string().contains("not gzip"));
        assert!(decode_all(b"", 64, 64).unwrap_err().to_string().contains("empty"));
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
    fn the_decoder_writes_the_document_into_the_callers_buffer_as_it_arrives() {
        use flate2::{write::GzEncoder, Compression};
        let doc: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(&doc).unwrap();
        let gz = enc.finish().unwrap();
        for (decoding, body) in [(Decoding::Gzip, &gz), (Decoding::Identity, &doc)] {
            for refill in [false, true] {
                let mut d = Decoder::new(decoding);
                assert_eq!(d.is_identity(), decoding == Decoding::Identity);
                let (mut out, mut rest, mut buf) = (Vec::new(), &body[..], [0u8; 777]);
                while !d.is_done() {
                    match d.decode_into(&mut buf).unwrap() {
                        0 if refill => d
                            .refill(|b: &mut [u8]| {
                                let n = b.len().min(rest.len()).min(3000);
                                b[..n].copy_from_slice(&rest[..n]);
                                rest = &rest[n..];
                                Ok::<_, ()>(n)
                            })
                            .unwrap(),
                        0 if rest.is_empty() => d.end(),
                        0 => {
                            let n = rest.len().min(3000);
                            d.push(&rest[..n]);
                            rest = &rest[n..];
                        }
                        n => out.extend_from_slice(&buf[..n]),
                    }
                }
                assert_eq!(out, doc, "{decoding:?}, refill {refill}");
            }
        }
        let mut cut = Decoder::new(Decoding::Gzip);
        cut.push(&gz[..gz.len() / 2]);
        let mut buf = [0u8; 4096];
        while cut.decode_into(&mut buf).unwrap() > 0 {}
        cut.end();
        assert!(cut.decode_into(&mut buf).is_err(), "a cut stream is an error");
    }
}
