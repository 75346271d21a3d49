//! Large report documents served by the emulator, as if from a presigned S3 URL: registered
//! once with [`Sandbox::serve_document`] and streamed in chunks straight from shared memory,
//! so serving a 200 MB document copies nothing and costs the process no memory per request.
//! [`realistic_report_gzip`] generates one: CSV rows with varying values, gzip-compressed.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use bytes::Bytes;

use super::Sandbox;

/// The path prefix documents are served under (no access token needed, like presigned URLs).
pub const DOCUMENT_PREFIX: &str = "/documents/";

/// The registered documents of one emulator, by path.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    by_path: Mutex<HashMap<String, Bytes>>,
}

impl Documents {
    /// The document registered under `path`, if any (a cheap reference-counted clone).
    pub(crate) fn get(&self, path: &str) -> Option<Bytes> {
        if !path.starts_with(DOCUMENT_PREFIX) {
            return None;
        }
        self.by_path.lock().unwrap_or_else(|e| e.into_inner()).get(path).cloned()
    }
}

impl Sandbox {
    /// Serves `body` as is (`200`, `application/octet-stream`, exact `content-length`) at
    /// `GET /documents/{name}` and returns its URL, for `download_report`. Replaces a document
    /// registered under the same name.
    pub fn serve_document(&self, name: &str, body: impl Into<Bytes>) -> String {
        let path = format!("{DOCUMENT_PREFIX}{name}");
        self.shared
            .documents
            .by_path
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.clone(), body.into());
        format!("{}{path}", self.base_url())
    }
}

/// A gzip-compressed CSV report of at least `uncompressed_len` bytes whose rows vary like a
/// real order report's (dates, order ids, ASINs, quantities, prices, categories, cities), from
/// a fixed `seed`. Compressed with gzip's fastest level (about 2.5:1: the values vary a lot).
/// Returns the compressed bytes and the exact uncompressed length.
pub fn realistic_report_gzip(uncompressed_len: usize, seed: u64) -> (Bytes, usize) {
    const CATEGORIES: [&str; 8] = [
        "Office Products",
        "Industrial & Scientific",
        "Electronics",
        "Home & Kitchen",
        "Janitorial & Sanitation",
        "Tools & Home Improvement",
        "Health & Household",
        "Books",
    ];
    const CITIES: [&str; 6] = ["Seattle,WA", "Austin,TX", "Columbus,OH", "Denver,CO", "Reno,NV", "Newark,NJ"];
    let mut state = seed | 1;
    let mut next = move || {
        // xorshift64*: deterministic, fast, good enough to defeat run-length compression.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut gz =
        flate2::write::GzEncoder::new(Vec::with_capacity(uncompressed_len / 3), flate2::Compression::fast());
    let header = "order_date,order_id,asin,title,quantity,unit_price,currency,category,ship_to,po_number\n";
    let mut written = header.len();
    gz.write_all(header.as_bytes()).expect("writing to memory cannot fail");
    let mut row = String::with_capacity(256);
    while written < uncompressed_len {
        use std::fmt::Write as _;
        row.clear();
        let (a, b, c) = (next(), next(), next());
        let _ = writeln!(
            row,
            "2024-{:02}-{:02}T{:02}:{:02}:{:02}Z,{:03}-{:07}-{:07},B0{:08X},Item {} pack of {},{},{}.{:02},USD,{},\"{}\",PO-{}",
            1 + a % 12,
            1 + (a >> 8) % 28,
            (a >> 16) % 24,
            (a >> 24) % 60,
            (a >> 32) % 60,
            100 + b % 900,
            (b >> 10) % 10_000_000,
            (b >> 34) % 10_000_000,
            c & 0xffff_ffff,
            (c >> 32) % 5000,
            1 + (c >> 44) % 48,
            1 + (a >> 40) % 20,
            1 + (b >> 20) % 900,
            (c >> 50) % 100,
            CATEGORIES[(a >> 56) as usize % CATEGORIES.len()],
            CITIES[(b >> 58) as usize % CITIES.len()],
            (c >> 8) % 1_000_000,
        );
        gz.write_all(row.as_bytes()).expect("writing to memory cannot fail");
        written += row.len();
    }
    (Bytes::from(gz.finish().expect("writing to memory cannot fail")), written)
}
