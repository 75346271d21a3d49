//! Exact request matching against recorded examples, with explanations of misses.
//!
//! Everything here is a pure function of its inputs.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::fixtures::{Example, OperationSpec, ParameterSpec};

/// The parts of an HTTP request that matching looks at.
pub(crate) struct RequestParts<'a> {
    /// Path parameters captured from the path template, percent-decoded.
    pub path_params: BTreeMap<String, String>,
    /// Query pairs in order, decoded.
    pub query: Vec<(String, String)>,
    /// Header lookup (case-insensitive name → value).
    pub header: &'a dyn Fn(&str) -> Option<String>,
    /// Raw body.
    pub body: &'a [u8],
}

/// Matches `path` against `template`; returns the captured path parameters and the number of
/// literal segments (more literal segments = more specific).
pub(crate) fn match_template(template: &str, path: &str) -> Option<(BTreeMap<String, String>, usize)> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    let mut literals = 0;
    for (ts, ps) in t.iter().zip(p.iter()) {
        if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            params.insert(name.to_owned(), percent_decode(ps));
        } else if percent_decode(ps) == *ts {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((params, literals))
}

/// Decodes `%XX` escapes (leaving malformed ones as they are); `+` stays `+`.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Compares a request with one example; returns every difference found (empty = match).
pub(crate) fn differences(
    op: Option<&OperationSpec>,
    example: &Example,
    req: &RequestParts<'_>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let param = |location: &str, name: &str| op.and_then(|o| o.parameter(location, name));

    // Path parameters the example names must be equal; the others are wildcards.
    for (name, expected) in &example.path {
        match req.path_params.get(name) {
            Some(sent) if value_matches(expected, sent, param("path", name)) => {}
            Some(sent) => diffs.push(format!(
                "value of path parameter {name} differs: sent {sent:?} expected {:?}",
                display_value(expected)
            )),
            None => diffs.push(format!("missing path parameter {name}")),
        }
    }

    // Query: the same set of keys, each once, each value equal.
    let mut sent: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in &req.query {
        sent.entry(k.as_str()).or_default().push(v.as_str());
    }
    for (name, values) in &sent {
        if !example.query.contains_key(*name) {
            diffs.push(format!("extra parameter {name}"));
        } else if values.len() > 1 {
            diffs.push(format!(
                "parameter {name} sent {} times (arrays go as one comma-separated value)",
                values.len()
            ));
        }
    }
    for (name, expected) in &example.query {
        match sent.get(name.as_str()) {
            None => diffs.push(format!("missing parameter {name}")),
            Some(values) if values.len() == 1 => {
                if !value_matches(expected, values[0], param("query", name)) {
                    diffs.push(format!(
                        "value of {name} differs: sent {:?} expected {:?}",
                        values[0],
                        display_value(expected)
                    ));
                }
            }
            Some(_) => {}
        }
    }

    // Headers the example names.
    for (name, expected) in &example.headers {
        match (req.header)(name) {
            Some(sent) if value_matches(expected, &sent, param("header", name)) => {}
            Some(sent) => diffs.push(format!(
                "value of header {name} differs: sent {sent:?} expected {:?}",
                display_value(expected)
            )),
            None => diffs.push(format!("missing header {name}")),
        }
    }

    // Body, compared as JSON.
    let body_text = String::from_utf8_lossy(req.body);
    let body_empty = body_text.trim().is_empty();
    match (&example.body, body_empty) {
        (None, true) => {}
        (None, false) => diffs.push("unexpected request body".to_owned()),
        (Some(_), true) => diffs.push("missing request body".to_owned()),
        (Some(expected), false) => match serde_json::from_slice::<Value>(req.body) {
            Err(e) => diffs.push(format!("request body is not JSON: {e}")),
            Ok(sent) => {
                if let Some(d) = json_difference(expected, &sent, "$") {
                    diffs.push(format!("body {d}"));
                }
            }
        },
    }
    diffs
}

/// How a model value is shown in diagnostics: strings bare, arrays in csv form.
pub(crate) fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display_value).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Whether a sent text value equals the example's value for a parameter.
pub(crate) fn value_matches(expected: &Value, sent: &str, param: Option<&ParameterSpec>) -> bool {
    let date_time = param.and_then(|p| p.format.as_deref()) == Some("date-time");
    match expected {
        Value::Array(items) => {
            let parts: Vec<&str> = if sent.is_empty() { Vec::new() } else { sent.split(',').collect() };
            parts.len() == items.len()
                && items.iter().zip(parts).all(|(item, part)| scalar_matches(item, part, false))
        }
        other => scalar_matches(other, sent, date_time),
    }
}

fn scalar_matches(expected: &Value, sent: &str, date_time: bool) -> bool {
    match expected {
        Value::String(s) => {
            if date_time {
                if let (Some(a), Some(b)) = (parse_instant(s, true), parse_instant(sent, false)) {
                    return a == b;
                }
            }
            s == sent
        }
        Value::Number(n) => match (decimal(&n.to_string()), decimal(sent)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        Value::Bool(b) => sent.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Null => sent.is_empty(),
        other => serde_json::from_str::<Value>(sent)
            .map(|v| json_difference(other, &v, "$").is_none())
            .unwrap_or(false),
    }
}

/// A number as (negative, significant digits, exponent), so `1`, `1.0` and `1e0` compare equal.
pub(crate) fn decimal(s: &str) -> Option<(bool, String, i64)> {
    let s = s.trim();
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: String = format!("{int}{frac}");
    // An exponent near the ends of i64 (`1.5e-9223372036854775808`) is no number a model
    // holds: not a number, rather than an overflow.
    let mut exp = exp.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let trimmed = digits.trim_start_matches('0').to_owned();
    digits = trimmed;
    while digits.ends_with('0') {
        digits.pop();
        exp = exp.checked_add(1)?;
    }
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((neg, digits, exp))
}

/// The first place where `sent` differs from `expected`, as `at PATH: …`; `None` when equal.
/// Numbers compare by value.
pub(crate) fn json_difference(expected: &Value, sent: &Value, path: &str) -> Option<String> {
    let short = |v: &Value| {
        let mut s = v.to_string();
        if s.len() > 80 {
            let mut cut = 77;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push_str("...");
        }
        s
    };
    match (expected, sent) {
        (Value::Number(a), Value::Number(b)) => {
            if decimal(&a.to_string()) == decimal(&b.to_string()) {
                None
            } else {
                Some(format!("differs at {path}: sent {b} expected {a}"))
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys() {
                if !b.contains_key(key) {
                    return Some(format!("differs at {path}: missing field {key:?}"));
                }
            }
            for key in b.keys() {
                if !a.contains_key(key) {
                    return Some(format!("differs at {path}: extra field {key:?}"));
                }
            }
            a.iter().find_map(|(k, v)| json_difference(v, &b[k], &format!("{path}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("differs at {path}: sent {} elements expected {}", b.len(), a.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| json_difference(x, y, &format!("{path}[{i}]")))
        }
        (a, b) if a == b => None,
        // Date-times in bodies compare as instants, as they do in query parameters
        // (`…24.000Z` equals `…24Z`).
        (Value::String(a), Value::String(b))
            if parse_instant(a, true).is_some() && parse_instant(a, true) == parse_instant(b, false) =>
        {
            None
        }
        (a, b) => Some(format!("differs at {path}: sent {} expected {}", short(b), short(a))),
    }
}

/// Parses an RFC 3339 timestamp to nanoseconds since the Unix epoch. Without an offset the
/// text is accepted (read as UTC) only when `offsetless_is_utc`.
pub(crate) fn parse_instant(s: &str, offsetless_is_utc: bool) -> Option<i128> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = num(11, 2)?;
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i128 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &s[start..i];
        let padded: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().ok()?;
    }
    let offset_secs: i64 = match b.get(i) {
        None if offsetless_is_utc => 0,
        None => return None,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let h = num(i + 1, 2)?;
            let m = num(i + 4, 2)?;
            let v = h * 3600 + m * 60;
            if *sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The outcome of matching a request against an operation's examples.
#[derive(Debug)]
pub(crate) enum MatchOutcome<'e> {
    /// This example matches exactly.
    Hit(&'e Example),
    /// Nothing matched; the nearest example (if there was any candidate) and how the request
    /// differs from it.
    Miss { nearest: Option<&'e Example>, differences: Vec<String> },
}

/// Tries `candidates` in order; the first exact match wins.
pub(crate) fn find_match<'e>(
    op: Option<&OperationSpec>,
    candidates: impl IntoIterator<Item = &'e Example>,
    req: &RequestParts<'_>,
) -> MatchOutcome<'e> {
    let mut best: Option<(&Example, Vec<String>)> = None;
    for ex in candidates {
        let diffs = differences(op, ex, req);
        if diffs.is_empty() {
            return MatchOutcome::Hit(ex);
        }
        let better = match &best {
            None => true,
            Some((_, d)) => diffs.len().cmp(&d.len()) == Ordering::Less,
        };
        if better {
            best = Some((ex, diffs));
        }
    }
    match best {
        Some((ex, differences)) => MatchOutcome::Miss { nearest: Some(ex), differences },
        None => MatchOutcome::Miss {
            nearest: None,
            differences: vec!["no recorded example for this operation".to_owned()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instants() {
        let z = parse_instant("2020-12-01T00:00:00Z", false).unwrap();
        assert_eq!(parse_instant("2020-12-01T00:00:00", true), Some(z));
        assert_eq!(parse_instant("2020-12-01T00:00:00", false), None);
        assert_eq!(parse_instant("2020-12-01T01:00:00+01:00", false), Some(z));
        assert_eq!(parse_instant("2020-12-01T00:00:00.000Z", false), Some(z));
        assert_eq!(parse_instant("1970-01-01T00:00:01Z", false), Some(1_000_000_000));
        assert_eq!(parse_instant("incorrectFormatDate", true), None);
    }

    #[test]
    fn body_date_times_compare_as_instants() {
        let expected = serde_json::json!({"dataStartTime": "2019-12-10T20:11:24.000Z"});
        assert_eq!(
            json_difference(&expected, &serde_json::json!({"dataStartTime": "2019-12-10T20:11:24Z"}), "$"),
            None
        );
        assert!(json_difference(
            &expected,
            &serde_json::json!({"dataStartTime": "2019-12-10T20:11:25Z"}),
            "$"
        )
        .is_some());
    }

    #[test]
    fn numbers_and_json() {
        assert_eq!(decimal("1"), decimal("1.0"));
        assert_eq!(decimal("100"), decimal("1e2"));
        assert_ne!(decimal("1"), decimal("-1"));
        assert_eq!(decimal("0"), decimal("-0.0"));
        assert_eq!(decimal("x"), None);
        // Exponents at the ends of i64 overflowed while normalising (a panic in debug builds).
        assert_eq!(decimal("1.5e-9223372036854775808"), None);
        assert_eq!(decimal("10e9223372036854775807"), None);
        assert_eq!(decimal("1e9223372036854775807"), Some((false, "1".to_owned(), i64::MAX)));
        assert!(!value_matches(&json!(12), "1.2e-9223372036854775808", None));
        let a: Value = serde_json::from_str(r#"{"a":[1,{"b":2.50}]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":[1.0,{"b":2.5}]}"#).unwrap();
        assert_eq!(json_difference(&a, &b, "$"), None);
        let c = json!({"a": [1, {"b": 3}]});
        assert!(json_difference(&a, &c, "$").unwrap().contains("$.a[1].b"));
    }

    #[test]
    fn values() {
        assert!(value_matches(&json!(["a", "b"]), "a,b", None));
        assert!(!value_matches(&json!(["a", "b"]), "b,a", None));
        assert!(value_matches(&json!(true), "true", None));
        assert!(value_matches(&json!(12), "12", None));
        assert!(!value_matches(&json!(12), "13", None));
    }

    #[test]
    fn templates() {
        let (p, lit) = match_template("/a/{x}/c", "/a/b%20c/c").unwrap();
        assert_eq!(p["x"], "b c");
        assert_eq!(lit, 3);
        assert!(match_template("/a/{x}", "/a/b/c").is_none());
        assert_eq!(match_template("/a/{x}/c", "/a//c").unwrap().0["x"], "");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("a%2Cb"), "a,b");
    }
}
