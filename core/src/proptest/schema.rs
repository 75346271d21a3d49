//! Values from the embedded schema: a `Strategy` of `serde_json::Value` per definition, per
//! property schema and per operation parameter, generating only what the models allow.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{Map, Number, Value};

use super::{Options, UnknownValues};

/// The schema, generated from Amazon's models by `extract-fixtures` (conformance crate) and
/// checked against them by its tests.
pub(crate) const SCHEMA_JSON: &str = include_str!("schema.json");

/// The parsed schema.
pub(crate) fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(SCHEMA_JSON).expect("the embedded proptest schema is valid JSON")
    })
}

/// The definition `name` of model `spec`, with whether requests and responses reach it.
pub(crate) fn definition(spec: &str, name: &str) -> Option<&'static Value> {
    schema().get("definitions")?.get(spec)?.get(name)
}

/// The operation `id` of the schema (parameters, body definition).
pub(crate) fn operation(id: &str) -> Option<&'static Value> {
    schema().get("operations")?.get(id)
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

fn int(schema: &Value, key: &str) -> Option<i64> {
    schema.get(key).and_then(Value::as_i64)
}

/// How many characters or items a schema allows: its bounds, the upper one capped at a few
/// more than the lower (long values add time, not coverage).
fn bounds(schema: &Value, min_key: &str, max_key: &str, default_min: usize, spread: usize) -> (usize, usize) {
    let min = int(schema, min_key).map_or(default_min, |n| n.max(0) as usize);
    let max = int(schema, max_key).map_or(min + spread, |n| (n.max(0) as usize).min(min + spread));
    (min, max.max(min))
}

/// Text of any Unicode characters, `min..=max` of them.
pub(crate) fn text(min: usize, max: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(any::<char>(), min..=max).prop_map(String::from_iter).boxed()
}

/// Text with at least one character that is not white space (what the SDK checks identifiers
/// and other required text against).
pub(crate) fn non_blank(min: usize, max: usize) -> BoxedStrategy<String> {
    text(min.max(1), max.max(1)).prop_filter("not blank", |s| !s.trim().is_empty()).boxed()
}

/// Text that matches one of the models' patterns (anchored, as all of theirs are).
fn pattern(p: &str) -> BoxedStrategy<String> {
    let body = p.strip_prefix('^').unwrap_or(p);
    let body = body.strip_suffix('$').unwrap_or(body);
    // The models' `+` is unbounded; a handful of characters covers it.
    let body = body.replace("]+", "]{1,8}");
    proptest::string::string_regex(&body)
        .unwrap_or_else(|e| panic!("the models' pattern {p:?} is not supported: {e}"))
        .boxed()
}

/// A decimal with up to 10 places, as JSON number text (`-12.5`, `0.0000000001`, `7`).
pub(crate) fn decimal_text(non_negative: bool) -> BoxedStrategy<String> {
    let mantissa = if non_negative {
        (0i64..1_000_000_000_000).boxed()
    } else {
        (-1_000_000_000_000i64..1_000_000_000_000).boxed()
    };
    (mantissa, 0u32..=10).prop_map(|(m, scale)| rust_decimal::Decimal::new(m, scale).to_string()).boxed()
}

/// An instant from 0000-01-01 to 9999-12-31, written as the SDK writes it (UTC, `Z`, the
/// fraction without trailing zeros).
pub(crate) fn date_time() -> BoxedStrategy<crate::DateTime> {
    let secs = -62_167_219_200i64..=253_402_300_799;
    let nanos = prop_oneof![3 => Just(0u32), 1 => 0u32..1_000_000_000, 1 => (0u32..1000).prop_map(|ms| ms * 1_000_000)];
    (secs, nanos)
        .prop_map(|(s, n)| {
            let t = time::OffsetDateTime::from_unix_timestamp(s).expect("in range")
                + time::Duration::nanoseconds(i64::from(n));
            crate::DateTime::from(t)
        })
        .boxed()
}

/// A calendar date (`2024-05-01`).
fn date() -> BoxedStrategy<String> {
    date_time().prop_map(|t| t.to_rfc3339()[..10].to_owned()).boxed()
}

/// A value of a closed set: one of `known`, and when `unknown` also text no model lists.
fn closed_set(known: Vec<Value>, unknown: bool) -> BoxedStrategy<Value> {
    let pick = proptest::sample::select(known.clone()).boxed();
    if !unknown {
        return pick;
    }
    let other = "[A-Z][A-Za-z0-9_]{0,12}"
        .prop_filter("a value the model does not list", move |s| !known.iter().any(|k| k.as_str() == Some(s)))
        .prop_map(Value::String);
    prop_oneof![3 => pick, 1 => other].boxed()
}

/// Generates from the schema.
pub(crate) struct Gen {
    pub(crate) options: Options,
}

/// Where a schema sits: its model, the definition it belongs to, the property it is.
#[derive(Clone, Copy)]
struct At<'a> {
    spec: &'a str,
    owner: &'a str,
    prop: &'a str,
    /// Whether values no model lists may appear (the owner is read from responses).
    unknown: bool,
    /// Whether this is a required property of a definition requests reach: the SDK checks
    /// such strings are not blank and such arrays not empty.
    required_in_request: bool,
}

impl Gen {
    fn unknown_for(&self, spec: &str, name: &str) -> bool {
        let d = definition(spec, name);
        let flag = |k: &str| d.and_then(|d| d.get(k)).and_then(Value::as_bool).unwrap_or(false);
        match self.options.unknown_values {
            UnknownValues::Never => false,
            UnknownValues::Always => true,
            UnknownValues::InResponses => flag("response") && !flag("request"),
        }
    }

    /// The definitions of `spec` that extend `base` through `allOf`, in name order.
    fn subtypes(spec: &str, base: &str) -> Vec<&'static str> {
        let defs = schema().get("definitions").and_then(|d| d.get(spec)).and_then(Value::as_object);
        defs.into_iter()
            .flatten()
            .filter(|(_, d)| {
                d["schema"]
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|parts| parts.iter().any(|p| ref_name(p) == Some(base)))
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The discriminator a definition inherits through `allOf`, if any.
    fn inherited_discriminator(spec: &str, schema: &Value) -> Option<&'static str> {
        let parts = schema.get("allOf")?.as_array()?;
        parts.iter().filter_map(ref_name).find_map(|base| {
            let base = &definition(spec, base)?["schema"];
            base.get("discriminator")
                .and_then(Value::as_str)
                .or_else(|| Self::inherited_discriminator(spec, base))
        })
    }

    /// JSON for definition `name` of `spec` as a value of its own Rust type: a subtype of a
    /// union without its type field (the union writes it), a base as any of its subtypes.
    pub(crate) fn top(&self, spec: &str, name: &str) -> Option<BoxedStrategy<Value>> {
        let d = &definition(spec, name)?["schema"];
        let mut stack = Vec::new();
        if let (None, Some(tag)) = (d.get("discriminator"), Self::inherited_discriminator(spec, d)) {
            stack.push(name.to_owned());
            let tag = tag.to_owned();
            let at = At {
                spec,
                owner: name,
                prop: "",
                unknown: self.unknown_for(spec, name),
                required_in_request: false,
            };
            // The union around the subtype writes its type field, not the subtype's struct.
            return self.schema(d, at, &mut stack).map(|s| {
                s.prop_map(move |mut v| {
                    if let Value::Object(m) = &mut v {
                        m.remove(&tag);
                    }
                    v
                })
                .boxed()
            });
        }
        self.definition(spec, name, &mut stack)
    }

    /// JSON for definition `name` where another schema refers to it.
    fn definition(&self, spec: &str, name: &str, stack: &mut Vec<String>) -> Option<BoxedStrategy<Value>> {
        // Followed twice at most, enough for a nested instance of a recursive definition.
        if stack.iter().filter(|s| *s == name).count() >= self.options.max_depth {
            return None;
        }
        let d = &definition(spec, name)?["schema"];
        stack.push(name.to_owned());
        let unknown = self.unknown_for(spec, name);
        let at = At { spec, owner: name, prop: "", unknown, required_in_request: false };
        let out = if let Some(tag) = d.get("discriminator").and_then(Value::as_str) {
            let subs = Self::subtypes(spec, name);
            let mut arms: Vec<BoxedStrategy<Value>> =
                subs.iter().filter_map(|sub| self.definition(spec, sub, stack)).collect();
            if unknown {
                // A subtype no model defines: kept as raw JSON.
                let tag = tag.to_owned();
                let known: Vec<String> = subs.iter().map(|s| s.to_ascii_lowercase()).collect();
                arms.push(
                    ("[A-Z][A-Za-z0-9]{0,12}", text(0, 6))
                        .prop_filter("a subtype the model does not define", move |(t, _)| {
                            !known.contains(&t.to_ascii_lowercase())
                        })
                        .prop_map(move |(t, extra)| {
                            let mut m = Map::new();
                            m.insert(tag.clone(), Value::String(t));
                            m.insert("someField".to_owned(), Value::String(extra));
                            Value::Object(m)
                        })
                        .boxed(),
                );
            }
            if arms.is_empty() {
                self.schema(d, at, stack)
            } else {
                Some(Union::new(arms).boxed())
            }
        } else {
            let v = self.schema(d, at, stack);
            match Self::inherited_discriminator(spec, d) {
                Some(tag) => v.map(|s| {
                    let (tag, name) = (tag.to_owned(), name.to_owned());
                    s.prop_map(move |mut v| {
                        if let Value::Object(m) = &mut v {
                            m.insert(tag.clone(), Value::String(name.clone()));
                        }
                        v
                    })
                    .boxed()
                }),
                None => v,
            }
        };
        stack.pop();
        out
    }

    /// JSON for a schema; `None` when it only recurses deeper than allowed.
    fn schema(&self, schema: &Value, at: At<'_>, stack: &mut Vec<String>) -> Option<BoxedStrategy<Value>> {
        if let Some(name) = ref_name(schema) {
            return self.definition(at.spec, name, stack);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut objects: Vec<BoxedStrategy<Value>> = Vec::new();
            for part in parts {
                let part_value = match ref_name(part)
                    .and_then(|base| Some((base, &definition(at.spec, base)?["schema"])))
                {
                    // The base of a union contributes its own fields, not one of its subtypes.
                    Some((base, b)) if b.get("discriminator").is_some() => {
                        self.object(b, At { owner: base, ..at }, stack)
                    }
                    _ => self.schema(part, at, stack),
                };
                objects.push(part_value?);
            }
            if schema.get("properties").is_some() {
                objects.push(self.object(schema, at, stack)?);
            }
            return Some(
                objects
                    .prop_map(|parts| {
                        let mut map = Map::new();
                        for p in parts {
                            if let Value::Object(fields) = p {
                                map.extend(fields);
                            }
                        }
                        Value::Object(map)
                    })
                    .boxed(),
            );
        }
        if let Some(s) = narrowed(at.spec, at.owner, at.prop) {
            // A country the model lists a closed set of: those values, never an unknown one.
            return Some(match schema.get("enum").and_then(Value::as_array) {
                Some(values) => closed_set(values.clone(), false),
                None => s.prop_map(Value::String).boxed(),
            });
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(closed_set(values.clone(), at.unknown));
        }
        let ty = schema.get("type").and_then(Value::as_str);
        match ty {
            Some("object") | None if schema.get("properties").is_some() || ty.is_some() => {
                self.object(schema, at, stack)
            }
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let (mut min, mut max) = bounds(schema, "minItems", "maxItems", 0, self.options.max_items);
                // Product Search drops an empty `facets` list, as if it were not set.
                let empty_is_unset = (at.spec, at.prop) == ("ProductSearch_API", "facets");
                if (at.required_in_request || empty_is_unset) && min == 0 {
                    min = 1;
                    max = max.max(1);
                }
                let at = At { required_in_request: at.required_in_request, ..at };
                match self.schema(&items, at, stack) {
                    Some(item) => {
                        Some(proptest::collection::vec(item, min..=max).prop_map(Value::Array).boxed())
                    }
                    None if min == 0 => Some(Just(Value::Array(Vec::new())).boxed()),
                    None => None,
                }
            }
            Some("integer") if (at.spec, at.prop) == ("ProductSearch_API", "quantity") => {
                // A quantity the typed API takes as a `u32` of at least 1.
                let min = int(schema, "minimum").unwrap_or(1).max(1);
                Some((min..=i64::from(u32::MAX)).prop_map(|n| Value::Number(Number::from(n))).boxed())
            }
            Some("integer") => {
                let min = int(schema, "minimum").unwrap_or(-1_000_000_000);
                let max = int(schema, "maximum").unwrap_or(1_000_000_000);
                Some((min..=max).prop_map(|n| Value::Number(Number::from(n))).boxed())
            }
            Some("number") => {
                let non_negative = int(schema, "minimum").is_some_and(|m| m >= 0);
                Some(
                    decimal_text(non_negative)
                        .prop_map(|t| Value::Number(t.parse().expect("decimal text")))
                        .boxed(),
                )
            }
            Some("boolean") => Some(any::<bool>().prop_map(Value::Bool).boxed()),
            _ => Some(self.string(schema, at).prop_map(Value::String).boxed()),
        }
    }

    /// A string the schema allows.
    fn string(&self, schema: &Value, at: At<'_>) -> BoxedStrategy<String> {
        if let Some(s) = narrowed(at.spec, at.owner, at.prop) {
            return s;
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => return date_time().prop_map(|t| t.to_rfc3339()).boxed(),
            Some("date") => return date(),
            _ => {}
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            return pattern(p);
        }
        // Amounts and ratios are decimal text where a model types them as strings.
        let prop = at.prop.to_ascii_lowercase();
        if ["amount", "ratio"].iter().any(|w| prop.contains(w)) {
            return decimal_text(false);
        }
        let (min, max) = bounds(schema, "minLength", "maxLength", 0, 8);
        let in_request =
            definition(at.spec, at.owner).and_then(|d| d.get("request")).and_then(Value::as_bool);
        // The SDK checks text a request must not leave empty is not blank either.
        if at.required_in_request || (min > 0 && in_request == Some(true)) {
            return non_blank(min, max);
        }
        text(min, max)
    }

    /// An object: every required property, each optional one or not, and a few entries of
    /// its map when it is one.
    fn object(&self, schema: &Value, at: At<'_>, stack: &mut Vec<String>) -> Option<BoxedStrategy<Value>> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let in_request = definition(at.spec, at.owner)
                .and_then(|d| d.get("request"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            for (name, p) in props {
                let required_in_request = in_request && required.contains(&name.as_str());
                let value = self.schema(p, At { prop: name, required_in_request, ..at }, stack);
                let key = name.clone();
                match (value, required.contains(&name.as_str())) {
                    (Some(v), true) => fields.push(v.prop_map(move |v| Some((key.clone(), v))).boxed()),
                    (Some(v), false) => fields
                        .push(proptest::option::of(v).prop_map(move |v| v.map(|v| (key.clone(), v))).boxed()),
                    (None, true) => return None,
                    (None, false) => {}
                }
            }
        }
        let extra: BoxedStrategy<BTreeMap<String, Value>> = match schema.get("additionalProperties") {
            Some(Value::Object(item)) => {
                let item = Value::Object(item.clone());
                match self.schema(&item, At { prop: "value", required_in_request: false, ..at }, stack) {
                    Some(v) => proptest::collection::btree_map(text(1, 6), v, 0..=2).boxed(),
                    None => Just(BTreeMap::new()).boxed(),
                }
            }
            Some(Value::Bool(true)) => {
                proptest::collection::btree_map(text(1, 6), text(0, 6).prop_map(Value::String), 0..=2).boxed()
            }
            _ => Just(BTreeMap::new()).boxed(),
        };
        Some(
            (fields, extra)
                .prop_map(|(fields, extra)| {
                    let mut map = Map::new();
                    // Declared properties win over a map entry of the same name.
                    map.extend(extra);
                    map.extend(fields.into_iter().flatten());
                    Value::Object(map)
                })
                .boxed(),
        )
    }

    /// A value for an operation parameter (`in` path, query or header), as JSON: a string,
    /// number or boolean, or an array of strings for a csv array.
    pub(crate) fn parameter(&self, operation: &str, p: &Value) -> BoxedStrategy<Value> {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let scalar = |s: &Value| -> BoxedStrategy<Value> {
            if let Some(values) = s.get("enum").and_then(Value::as_array) {
                return closed_set(values.clone(), false);
            }
            match s.get("type").and_then(Value::as_str) {
                Some("integer") => {
                    // Query integers are the typed API's u32 (pages, sizes) or i64 (prices).
                    // Counts (`pageSize`, `quantity`) are at least 1, as the typed API checks.
                    let least = if ["pageSize", "quantity"].contains(&name) { 1 } else { 0 };
                    let min = int(s, "minimum").unwrap_or(least).max(least);
                    let max = int(s, "maximum").unwrap_or(i64::from(u32::MAX));
                    (min..=max).prop_map(|n| Value::Number(Number::from(n))).boxed()
                }
                Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
                _ if s.get("format").and_then(Value::as_str) == Some("date-time") => {
                    date_time().prop_map(|t| Value::String(t.to_rfc3339())).boxed()
                }
                _ if location == "header" => header_text().prop_map(Value::String).boxed(),
                _ => {
                    let strat = match s.get("pattern").and_then(Value::as_str) {
                        Some(pat) => pattern(pat),
                        // A parameter is sent as text; an empty one says nothing. Text that
                        // URLs treat specially comes up often.
                        None => {
                            let (min, max) = bounds(s, "minLength", "maxLength", 1, 8);
                            let tricky = proptest::sample::select(TRICKY).prop_map(str::to_owned);
                            let any = prop_oneof![4 => non_blank(min, max), 1 => tricky];
                            if location == "path" {
                                // `.` and `..` cannot be path segments (the typed API refuses them).
                                any.prop_filter("not a dot segment", |s| s != "." && s != "..").boxed()
                            } else {
                                any.boxed()
                            }
                        }
                    };
                    strat.prop_map(Value::String).boxed()
                }
            }
        };
        if let Some(s) = narrowed_parameter(operation, name) {
            return s;
        }
        if p.get("type").and_then(Value::as_str) == Some("array") {
            let items = p.get("items").cloned().unwrap_or(Value::Null);
            let (min, max) = bounds(p, "minItems", "maxItems", 1, self.options.max_items);
            return proptest::collection::vec(scalar(&items), min..=max).prop_map(Value::Array).boxed();
        }
        scalar(p)
    }
}

/// Parameter text that URLs treat specially: delimiters, escapes, dot segments, commas (csv
/// separators), non-ASCII.
const TRICKY: &[&str] = &[
    "a/b",
    "..",
    ".",
    "%2F",
    "%",
    "a b",
    "a+b",
    "a,b",
    ",",
    "?x=1",
    "#frag",
    "&",
    "=",
    ";",
    "~-._",
    "é",
    "\u{1F600}",
    "[::1]",
    "\\",
    "a%20b",
    ".a",
    "...",
];

/// Visible ASCII text with inner spaces, as a header value can carry it unchanged.
pub(crate) fn header_text() -> BoxedStrategy<String> {
    "[!-~]([ -~]{0,10}[!-~])?".boxed()
}

/// Properties the models type as free text but the SDK's types narrow, each to what the SDK
/// accepts; see the module docs.
fn narrowed(spec: &str, owner: &str, prop: &str) -> Option<BoxedStrategy<String>> {
    match (spec, owner, prop) {
        // Countries a request names (as text, or as a closed set): the SDK takes a `Country`,
        // which has no unknown values.
        ("ProductSearch_API", _, "productRegion" | "shippingRegion")
        | ("UserManagement_API", _, "region")
        | ("UserManagement_API", "Region", "")
        | ("Ordering_API", "Region", "region") => Some(country()),
        _ => None,
    }
}

/// Query parameters the SDK narrows beyond the model (each as its docs say).
fn narrowed_parameter(operation: &str, name: &str) -> Option<BoxedStrategy<Value>> {
    use crate::apis::product_search::{OfferInclusion, ProductInclusion, SearchFacetType, SortKey};
    let list = |values: &'static [&'static str]| -> BoxedStrategy<Value> {
        let values: Vec<Value> = values.iter().map(|v| Value::String((*v).to_owned())).collect();
        proptest::collection::vec(proptest::sample::select(values), 1..=3).prop_map(Value::Array).boxed()
    };
    match (operation, name) {
        (_, "productRegion" | "shippingRegion") => Some(country().prop_map(Value::String).boxed()),
        // Product Search's closed sets, which its model lists only in prose.
        ("getOffersByOfferIds", "inclusionsForOffers") => Some(list(&OfferInclusion::KNOWN_VALUES[1..])),
        (_, "inclusionsForOffers") => Some(list(OfferInclusion::KNOWN_VALUES)),
        ("searchProductsRequest", "inclusionsForProducts") => Some(list(ProductInclusion::KNOWN_VALUES)),
        (_, "inclusionsForProducts") => Some(list(crate::apis::product_search::PRODUCT_INCLUSIONS_SHARED)),
        (_, "facets") => Some(list(SearchFacetType::KNOWN_VALUES)),
        (_, "sortKey") => Some(
            proptest::sample::select(SortKey::KNOWN_VALUES).prop_map(|v| Value::String(v.to_owned())).boxed(),
        ),
        // The Cart API's page size: 1 to 10 (its docs).
        ("listCarts", "pageSize") => Some((1u32..=10).prop_map(|n| Value::Number(n.into())).boxed()),
        _ => None,
    }
}

/// A country as the APIs spell it.
fn country() -> BoxedStrategy<String> {
    let all: Vec<String> = crate::Country::ALL.iter().map(|c| c.as_api_str().to_owned()).collect();
    proptest::sample::select(all).boxed()
}

/// 1970-01-01T00:00:00Z.
pub(crate) fn epoch() -> crate::DateTime {
    crate::DateTime::from_unix_seconds(0).expect("the epoch is in range")
}
