//! Bench binary (`cargo bench -p amazon-business-conformance --bench sdk`): measures, each
//! against a baseline taken in the same run,
//!
//! 1. decoding speed: every recorded 2xx response parsed into its typed output, against parsing
//!    the same bytes into an untyped `serde_json::Value` (the floor any JSON client pays);
//! 2. decoding speed on large realistic pages generated from the models' shapes
//!    (getOrdersByOrderDate with 100 orders, a 24-product searchProductsRequest page, a
//!    getOrderLineItemReports page), typed against `serde_json::Value` on the same bytes;
//! 3. request building: nanoseconds to build each of the 32 operations' requests (the rows of
//!    `for_each_operation!`);
//! 4. download memory: the process's peak resident memory while streaming a gzip report
//!    document of 8 MiB and of 128 MiB (uncompressed) through each client; the ratio of the
//!    two growths shows whether memory follows the document's size (it would be ~16).
//!
//! `-- decoding`, `-- pages`, `-- requests`, `-- memory` run one section.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use std::collections::HashMap;

use amazon_business_conformance::fixtures::{load_definitions, load_examples, DefinitionSpec};
use amazon_business_conformance::replay::build;
use amazon_business_conformance::sandbox::Sandbox;
use amazon_business_core::{Config, Credentials, Environment, Operation};
use serde_json::{Map, Value};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn time<F: FnMut()>(mut f: F, min: Duration) -> (u32, Duration) {
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < min {
        f();
        n += 1;
    }
    (n, start.elapsed())
}

fn decoding() {
    println!("decoding: typed parse vs serde_json::Value, per recorded 2xx response");
    println!("  (typed+json: the typed parse rendered back to a Value, what this bench timed before)");
    let mut typed_total = Duration::ZERO;
    let mut rendered_total = Duration::ZERO;
    let mut raw_total = Duration::ZERO;
    for ex in load_examples().into_iter().filter(|e| (200..300).contains(&e.status)) {
        let Some(body) = ex.response.as_ref().map(|v| serde_json::to_vec(v).unwrap()) else { continue };
        let Ok(Some(op)) = build(&ex) else { continue };
        let response = http::Response::builder().status(ex.status).body(body.clone()).unwrap();
        let (n, typed) = time(|| drop(std::hint::black_box(op.decode(&response))), Duration::from_millis(60));
        let typed = typed / n;
        let (k, rendered) =
            time(|| drop(std::hint::black_box(op.parse(&response))), Duration::from_millis(60));
        let rendered = rendered / k;
        let (m, raw) = time(
            || drop(std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body))),
            Duration::from_millis(60),
        );
        let raw = raw / m;
        typed_total += typed;
        rendered_total += rendered;
        raw_total += raw;
        println!(
            "  {:<40} {:>6} B  typed {:>8.1} µs  typed+json {:>8.1} µs  raw {:>8.1} µs  ratio {:.2}",
            ex.id,
            body.len(),
            typed.as_secs_f64() * 1e6,
            rendered.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            typed.as_secs_f64() / raw.as_secs_f64()
        );
    }
    println!(
        "  all responses: typed {:.1} µs, typed+json {:.1} µs, raw {:.1} µs, ratio typed/raw {:.2} (typed+json/raw {:.2})",
        typed_total.as_secs_f64() * 1e6,
        rendered_total.as_secs_f64() * 1e6,
        raw_total.as_secs_f64() * 1e6,
        typed_total.as_secs_f64() / raw_total.as_secs_f64(),
        rendered_total.as_secs_f64() / raw_total.as_secs_f64()
    );
}

/// Builds JSON instances of a model's definitions, walking their schemas: every property
/// (required or not), arrays of the lengths asked for by property name, one subtype of each
/// discriminated union in turn, and leaf values taken from the recorded examples where a
/// property of that name occurs there (so that they have Amazon's formats), else made up
/// from the schema's type, format and enum.
struct Generator<'a> {
    spec: &'a str,
    definitions: HashMap<(&'a str, &'a str), &'a DefinitionSpec>,
    /// Per union base, its subtypes (definitions whose `allOf` extends it).
    subtypes: HashMap<(&'a str, &'a str), Vec<&'a str>>,
    /// Leaf values seen in the recorded examples, by property name.
    samples: HashMap<String, Vec<Value>>,
    lengths: HashMap<&'static str, usize>,
    counter: usize,
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

fn collect_leaves(value: &Value, key: Option<&str>, out: &mut HashMap<String, Vec<Value>>) {
    match value {
        Value::Object(m) => m.iter().for_each(|(k, v)| collect_leaves(v, Some(k), out)),
        Value::Array(a) => a.iter().for_each(|v| collect_leaves(v, key, out)),
        leaf => {
            if let Some(k) = key {
                let seen = out.entry(k.to_owned()).or_default();
                if seen.len() < 8 && !seen.contains(leaf) {
                    seen.push(leaf.clone());
                }
            }
        }
    }
}

impl<'a> Generator<'a> {
    fn new(spec: &'a str, defs: &'a [DefinitionSpec], lengths: &[(&'static str, usize)]) -> Self {
        let definitions: HashMap<_, _> =
            defs.iter().map(|d| ((d.spec.as_str(), d.name.as_str()), d)).collect();
        let mut subtypes: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
        for d in defs.iter().filter(|d| d.spec == spec) {
            for part in d.schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
                if let Some(base) = ref_name(part) {
                    subtypes.entry((spec, base)).or_default().push(d.name.as_str());
                }
            }
        }
        let mut samples = HashMap::new();
        for ex in load_examples().iter().filter(|e| e.spec == spec) {
            if let Some(r) = &ex.response {
                collect_leaves(r, None, &mut samples);
            }
        }
        Generator {
            spec,
            definitions,
            subtypes,
            samples,
            lengths: lengths.iter().copied().collect(),
            counter: 0,
        }
    }

    fn definition(&mut self, name: &str, depth: usize) -> Value {
        let Some(def) = self.definitions.get(&(self.spec, name)).copied() else { return Value::Null };
        let schema = &def.schema;
        let is_base = schema.get("discriminator").is_some();
        if is_base {
            if let Some(subs) = self.subtypes.get(&(self.spec, name)).cloned() {
                self.counter += 1;
                let sub = subs[self.counter % subs.len()];
                let tag = schema["discriminator"].as_str().unwrap_or_default().to_owned();
                let mut v = self.definition(sub, depth + 1);
                if let Value::Object(m) = &mut v {
                    m.insert(tag, Value::String(sub.to_owned()));
                }
                return v;
            }
        }
        self.schema(schema, name, depth)
    }

    fn schema(&mut self, schema: &Value, key: &str, depth: usize) -> Value {
        if let Some(name) = ref_name(schema) {
            // Recursion is cut at a reference (never at a leaf of an object kept), so a cut
            // shape is left out whole.
            if depth > 14 {
                return Value::Null;
            }
            return self.definition(name, depth + 1);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut out = Map::new();
            for part in parts {
                // The base of a subtype: its own fields only (the tag is set by the caller).
                let part = match ref_name(part) {
                    Some(base) => match self.definitions.get(&(self.spec, base)) {
                        Some(d) => d.schema.clone(),
                        None => continue,
                    },
                    None => part.clone(),
                };
                if let Value::Object(m) = self.schema(&part, key, depth + 1) {
                    out.extend(m);
                }
            }
            return Value::Object(out);
        }
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or("object");
        match ty {
            "object" => {
                let mut out = Map::new();
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (k, s) in props {
                        let v = self.schema(s, k, depth + 1);
                        if !v.is_null() {
                            out.insert(k.clone(), v);
                        }
                    }
                } else if let Some(extra) = schema.get("additionalProperties") {
                    for i in 0..2 {
                        let v = self.schema(extra, key, depth + 1);
                        out.insert(format!("{key}Key{i}"), v);
                    }
                }
                Value::Object(out)
            }
            "array" => {
                let n = self.lengths.get(key).copied().unwrap_or(2);
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                // Items cut by the depth limit are left out, not sent as nulls the models
                // do not allow (recursive shapes such as searchProducts' text fragments).
                let items: Vec<Value> = (0..n).map(|_| self.schema(&items, key, depth + 1)).collect();
                Value::Array(items.into_iter().filter(|v| !v.is_null()).collect())
            }
            _ => self.leaf(schema, key, ty),
        }
    }

    fn leaf(&mut self, schema: &Value, key: &str, ty: &str) -> Value {
        self.counter += 1;
        let c = self.counter;
        if let Some(values) = schema.get("enum").and_then(Value::as_array).filter(|v| !v.is_empty()) {
            return values[c % values.len()].clone();
        }
        if let Some(seen) = self.samples.get(key) {
            let v = &seen[c % seen.len()];
            let fits = match ty {
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                _ => false,
            };
            if fits {
                // Vary identifiers so that no two records are the same text.
                return match v {
                    Value::String(s) if key.to_ascii_lowercase().ends_with("id") => {
                        Value::String(format!("{s}{}", c % 1000))
                    }
                    other => other.clone(),
                };
            }
        }
        match (ty, schema.get("format").and_then(Value::as_str)) {
            ("string", Some("date-time")) => {
                Value::String(format!("2024-05-{:02}T{:02}:17:00Z", 1 + c % 28, c % 24))
            }
            ("string", Some("date")) => Value::String(format!("2024-05-{:02}", 1 + c % 28)),
            ("string", _) => Value::String(format!("{key} {c}")),
            ("integer", _) => Value::from(1 + (c % 90) as i64),
            ("number", _) => serde_json::from_str(&format!("{}.{:02}", 1 + c % 400, c % 100)).unwrap(),
            ("boolean", _) => Value::Bool(c.is_multiple_of(2)),
            _ => Value::Null,
        }
    }
}

/// One large page: the recorded example its request comes from, the model and response
/// definition, and the array lengths by property name.
struct Page {
    example: &'static str,
    spec: &'static str,
    definition: &'static str,
    lengths: &'static [(&'static str, usize)],
}

const PAGES: [Page; 3] = [
    Page {
        example: "getOrdersByOrderDate-200-0",
        spec: "Reporting_API_v2021_01_08",
        definition: "OrdersOutput",
        lengths: &[("orders", 100), ("lineItems", 6), ("shipments", 3), ("charges", 4), ("shipmentItems", 2)],
    },
    Page {
        example: "searchProductsRequest-200-0",
        spec: "ProductSearch_API",
        definition: "SearchProductsResult",
        lengths: &[("products", 24)],
    },
    Page {
        example: "getOrderLineItemReports-200-0",
        spec: "Reporting_API_v2025_06_09",
        definition: "GetOrderLineItemReportsResponse",
        lengths: &[("orderLineItemsReport", 100)],
    },
];

fn pages() {
    println!("decoding: large pages generated from the models' shapes, typed vs serde_json::Value");
    let defs = load_definitions();
    let examples = load_examples();
    let mut typed_total = Duration::ZERO;
    let mut raw_total = Duration::ZERO;
    for Page { example, spec, definition, lengths } in PAGES {
        let mut g = Generator::new(spec, &defs, lengths);
        let page = g.definition(definition, 0);
        let body = serde_json::to_vec(&page).unwrap();
        let mut ex = examples.iter().find(|e| e.id == example).expect("recorded example").clone();
        ex.response = Some(page);
        let op = build(&ex).expect("the example builds").expect("a typed operation");
        let response = http::Response::builder().status(200).body(body.clone()).unwrap();
        if let Err(e) = op.decode(&response) {
            println!("  {definition}: the generated page does not decode: {e}");
            continue;
        }
        let min = Duration::from_millis(400);
        let mut typed = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..5 {
            let (n, t) = time(|| drop(std::hint::black_box(op.decode(&response))), min / 5);
            typed.push(t.as_secs_f64() / f64::from(n));
            let (m, r) = time(
                || drop(std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body))),
                min / 5,
            );
            raw.push(r.as_secs_f64() / f64::from(m));
        }
        let (t, r) = (median(typed), median(raw));
        typed_total += Duration::from_secs_f64(t);
        raw_total += Duration::from_secs_f64(r);
        println!(
            "  {:<32} {:>8} B  typed {:>9.1} µs  raw {:>9.1} µs  ratio {:.2}  ({:.0} vs {:.0} MB/s)",
            format!("{example} ({definition})"),
            body.len(),
            t * 1e6,
            r * 1e6,
            t / r,
            body.len() as f64 / t / 1e6,
            body.len() as f64 / r / 1e6
        );
    }
    println!(
        "  all pages: typed {:.1} µs, raw {:.1} µs, ratio typed/raw {:.2}",
        typed_total.as_secs_f64() * 1e6,
        raw_total.as_secs_f64() * 1e6,
        typed_total.as_secs_f64() / raw_total.as_secs_f64()
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Builds one operation's request; true if it was accepted.
type BuildRequest = Box<dyn Fn(&amazon_business_core::operation::RequestContext<'_>) -> bool>;

macro_rules! request_rows {
    ($($accessor:ident => $ty:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => {
        /// Every operation of the table, built from its sample arguments, and a closure that
        /// builds its request.
        fn request_builders() -> Vec<(&'static str, BuildRequest)> {
            let mut out: Vec<(&'static str, BuildRequest)> = Vec::new();
            $($(
                {
                    let op = <$op>::new($($sample),*);
                    out.push((<$op as Operation>::ID, Box::new(move |cx| std::hint::black_box(op.request(cx)).is_ok())));
                }
            )*)*
            out
        }
    };
}

amazon_business_core::for_each_operation!(request_rows);

fn requests() {
    println!("request building: ns per operation (each built from the table's sample arguments)");
    let engine = amazon_business_core::engine::Engine::new(
        Config::builder()
            .credentials(Credentials::new("bench", "secret", "Atzr|bench").unwrap())
            .build()
            .unwrap(),
    );
    let cx = engine.request_context();
    let mut total = 0.0;
    let builders = request_builders();
    for (id, build) in &builders {
        let ok = build(&cx);
        let mut samples = Vec::new();
        for _ in 0..5 {
            let (n, t) = time(|| _ = std::hint::black_box(build(&cx)), Duration::from_millis(20));
            samples.push(t.as_secs_f64() / f64::from(n) * 1e9);
        }
        let ns = median(samples);
        total += ns;
        println!(
            "  {id:<40} {ns:>7.0} ns{}",
            if ok { "" } else { "  (the sample is refused by validation: the figure is the refusal)" }
        );
    }
    println!("  {} operations: mean {:.0} ns", builders.len(), total / builders.len() as f64);
}

/// Serves one gzip document of `size` bytes (compressed in memory: it is repetitive).
fn serve_gzip(size: usize) -> String {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let line = b"2024-05-01,112-0000000-0000000,B000000000,1,19.99,USD,Office Products\n";
    let mut written = 0;
    while written < size {
        gz.write_all(line).unwrap();
        written += line.len();
    }
    let body = gz.finish().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/report.csv.gz")
}

fn download_memory() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let config = Config::builder()
        .credentials(Credentials::new("bench", "secret", "Atzr|bench").unwrap())
        .environment(Environment::custom(&sandbox.base_url(), &sandbox.lwa_url()).unwrap())
        .build()
        .unwrap();
    let blocking = amazon_business_blocking::Client::new(config.clone()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let asynch = rt.block_on(async { amazon_business_async::Client::new(config).unwrap() });
    println!("download memory: peak RSS growth while streaming a gzip document");
    for (name, small, large) in [("blocking", 8usize << 20, 128usize << 20), ("async", 8 << 20, 128 << 20)] {
        let mut growth = Vec::new();
        for size in [small, large] {
            let url = serve_gzip(size);
            let before = peak_rss_kib();
            let started = Instant::now();
            let mut total = 0usize;
            if name == "blocking" {
                let mut r = blocking.download_report(&url, true).unwrap();
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = r.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    total += n;
                }
            } else {
                total = rt.block_on(async {
                    use futures_util::StreamExt;
                    let mut s = Box::pin(asynch.download_report(&url, true).await.unwrap());
                    let mut total = 0;
                    while let Some(chunk) = s.next().await {
                        total += chunk.unwrap().len();
                    }
                    total
                });
            }
            assert!(total >= size);
            let grew = peak_rss_kib().saturating_sub(before);
            println!(
                "  {name:<8} {:>4} MiB document: peak RSS +{grew} KiB ({:.0} MiB/s)",
                size >> 20,
                total as f64 / (1 << 20) as f64 / started.elapsed().as_secs_f64()
            );
            growth.push(grew.max(1));
        }
        println!(
            "  {name:<8} growth ratio 128 MiB / 8 MiB: {:.2} (document ratio 16.00)",
            growth[1] as f64 / growth[0] as f64
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; other words name the sections to run (all by default).
    let sections: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wants = |s: &str| sections.is_empty() || sections.iter().any(|a| a == s);
    if wants("decoding") {
        decoding();
    }
    if wants("pages") {
        pages();
    }
    if wants("requests") {
        requests();
    }
    if wants("memory") {
        download_memory();
    }
}
