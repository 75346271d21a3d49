//! Downloading a report document: `getReportDocument` gives a short-lived URL (about five
//! minutes), and `client.download_report(url, compressed)` streams the document from it,
//! gunzipping on the fly, with only a small buffer in memory.
//!
//! Against the local emulator (no `AB_CLIENT_ID`), the recorded URL points to the internet,
//! so the example serves a small gzip document itself on 127.0.0.1 and downloads that (plain
//! `http` is accepted on loopback only). With `AB_CLIENT_ID` set it downloads the real URL.
//!
//! `cargo run -p amazon-business-blocking --example report_download`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use flate2::write::GzEncoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = example_support::client()?;

    let document = client.documents().get_report_document("0356cf79-b8b0-4226-b4b9-0ee058ea5760").send()?;
    println!("document {} at {}", document.report_document_id, document.url);

    let (url, compressed) = if emulator.is_some() {
        let url = serve_gzip_document()?;
        println!("(the emulator cannot reach that URL: downloading {url} instead)");
        (url, true)
    } else {
        // `compressionAlgorithm` is set (GZIP) when the bytes are compressed.
        (document.url.clone(), document.compression_algorithm.is_some())
    };

    let download = client.download_report(&url, compressed)?;
    if let Some(n) = download.content_length() {
        println!("downloading {n} bytes{}", if compressed { " (gzip)" } else { "" });
    }
    let mut lines = 0;
    for line in BufReader::new(download).lines() {
        let line = line?;
        if lines < 3 {
            println!("  {line}");
        }
        lines += 1;
    }
    println!("{lines} line(s) in the document");
    Ok(())
}

/// Serves one gzip-compressed tab-separated document on 127.0.0.1, once, from a thread, and
/// returns its URL.
fn serve_gzip_document() -> std::io::Result<String> {
    let mut text = String::from("invoice-id\tinvoice-date\tamount\tcurrency\n");
    for i in 1..=25 {
        text.push_str(&format!("INV-{i:04}\t2024-05-{:02}\t{}.50\tUSD\n", i, 10 * i));
    }
    let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(text.as_bytes())?;
    let body = gzip.finish()?;

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/Report_47700.txt.gz", listener.local_addr()?);
    std::thread::spawn(move || -> std::io::Result<()> {
        let (mut stream, _) = listener.accept()?;
        // Read the request head (the example ignores its contents).
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte)? == 1 {
            head.push(byte[0]);
        }
        let header = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(header.as_bytes())?;
        stream.write_all(&body)
    });
    Ok(url)
}

#[path = "support/mod.rs"]
mod example_support;
