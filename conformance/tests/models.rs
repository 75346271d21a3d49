//! The hand-written model types checked against Amazon's models.
//!
//! For every definition an operation reaches (`fixtures/definitions.json`, extracted from the
//! models), a *maximal* JSON instance is synthesised from its schema: every property present,
//! arrays and maps with one element, enums taking each of their values in turn, date-times in
//! RFC 3339 with `Z`, money in the form its API declares (a JSON number or a string). Each
//! instance goes through the definition's Rust type (from the one table,
//! `amazon_business_core::for_each_definition!`): decoded as a response is, encoded again,
//! and compared as JSON. A key dropped, renamed or mistyped fails, naming the definition and
//! the field.
//!
//! Forward compatibility is checked the same way: for every enum-typed property of every
//! definition a response reaches, the property is given a value no model lists; it must
//! decode and be written back unchanged.

use std::collections::BTreeMap;

use amazon_business_conformance::fixtures::{load_definitions, DefinitionSpec};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Decodes JSON into the Rust type as a response is decoded, and encodes it again.
type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let text = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    let typed: T = amazon_business_core::wire::parse_json("roundTrip", &text).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| format!("encoding failed: {e}"))
}

struct Row {
    spec: &'static str,
    name: &'static str,
    rust: &'static str,
    round_trip: RoundTrip,
}

macro_rules! table {
    ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {
        &[$($(Row { spec: $spec, name: $def, rust: stringify!($ty), round_trip: round_trip::<$ty> },)*)*]
    };
}

static TABLE: &[Row] = amazon_business_core::for_each_definition!(table);

/// Definitions whose round trip is known not to be exact, each with the reason. Empty when
/// every type holds its model exactly.
const GAPS: &[(&str, &str, &str)] = &[
    (
        "Reconciliation_API",
        "Address",
        "the model's Address has only `addressType` and no discriminator; its one subtype, \
         PhysicalAddress, is what Amazon sends, so the SDK reads Address as PhysicalAddress \
         (whose required fullName an Address-only instance lacks)",
    ),
    (
        "ProductSearch_API",
        "ProductsByAsinsRequest",
        "request only: `productRegion`/`shippingRegion` are plain strings in the model; the SDK \
         takes a Country, input it checks before sending",
    ),
    ("ProductSearch_API", "getOffersByOfferIdsRequest", "request only: as ProductsByAsinsRequest"),
];

/// The value given to an enum-typed property to check that unknown values survive.
const UNKNOWN: &str = "NOT_A_VALUE_THE_MODEL_LISTS";

struct Synth<'a> {
    defs: BTreeMap<(&'a str, &'a str), &'a DefinitionSpec>,
}

/// What to put where while synthesising.
#[derive(Clone, Copy)]
struct Plan<'a> {
    /// Which of an enum's values to take (modulo its length), and which subtype of a union.
    variant: usize,
    /// Give this property of this definition the [`UNKNOWN`] value.
    poison: Option<(&'a str, &'a str)>,
}

impl<'a> Synth<'a> {
    fn new(defs: &'a [DefinitionSpec]) -> Self {
        Synth { defs: defs.iter().map(|d| ((d.spec.as_str(), d.name.as_str()), d)).collect() }
    }

    fn def(&self, spec: &str, name: &str) -> &'a DefinitionSpec {
        self.defs.get(&(spec, name)).unwrap_or_else(|| panic!("{spec}: no definition {name}"))
    }

    fn ref_name(schema: &Value) -> Option<&str> {
        schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
    }

    /// The discriminator property a definition extends through `allOf`, if any.
    fn inherited_discriminator(&self, d: &DefinitionSpec) -> Option<&'a str> {
        let parts = d.schema.get("allOf")?.as_array()?;
        parts.iter().filter_map(Self::ref_name).find_map(|base| {
            let base = self.def(&d.spec, base);
            base.schema
                .get("discriminator")
                .and_then(Value::as_str)
                .or_else(|| self.inherited_discriminator(base))
        })
    }

    /// The definitions that extend `base` through `allOf`, in name order.
    fn subtypes(&self, spec: &str, base: &str) -> Vec<&'a DefinitionSpec> {
        self.defs
            .values()
            .filter(|d| d.spec == spec)
            .filter(|d| {
                d.schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|parts| parts.iter().any(|p| Self::ref_name(p) == Some(base)))
            })
            .copied()
            .collect()
    }

    /// Whether a property schema holds a closed set of values (an enum, inline or by `$ref`,
    /// or an array of one).
    fn is_enum(&self, spec: &str, schema: &Value) -> bool {
        if schema.get("enum").is_some() {
            return true;
        }
        if let Some(items) = schema.get("items") {
            return self.is_enum(spec, items);
        }
        match Self::ref_name(schema) {
            Some(name) => self.def(spec, name).schema.get("enum").is_some(),
            None => false,
        }
    }

    /// An instance of definition `name`.
    fn definition(&self, spec: &str, name: &str, plan: Plan<'_>, stack: &mut Vec<String>) -> Option<Value> {
        // A recursive definition is followed twice, enough to hold a nested instance.
        if stack.iter().filter(|s| *s == name).count() >= 2 {
            return None;
        }
        let d = self.def(spec, name);
        stack.push(name.to_owned());
        let value = if d.schema.get("discriminator").is_some() {
            // A base stands for one of its subtypes.
            let subs = self.subtypes(spec, name);
            if subs.is_empty() {
                self.schema(spec, name, &d.schema, "", plan, stack)
            } else {
                // Prefer a subtype not already being built, so that recursion ends.
                let mut sub = subs[plan.variant % subs.len()];
                if stack.contains(&sub.name) {
                    sub = subs.iter().find(|s| !stack.contains(&s.name)).copied().unwrap_or(sub);
                }
                self.definition(spec, &sub.name, plan, stack)
            }
        } else {
            let mut v = self.schema(spec, name, &d.schema, "", plan, stack);
            if let (Some(tag), Some(Value::Object(map))) = (self.inherited_discriminator(d), v.as_mut()) {
                map.insert(tag.to_owned(), Value::String(name.to_owned()));
            }
            v
        };
        stack.pop();
        value
    }

    /// An instance of `schema`, found as property `prop` of definition `owner`.
    fn schema(
        &self,
        spec: &str,
        owner: &str,
        schema: &Value,
        prop: &str,
        plan: Plan<'_>,
        stack: &mut Vec<String>,
    ) -> Option<Value> {
        if let Some(name) = Self::ref_name(schema) {
            return self.definition(spec, name, plan, stack);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut map = Map::new();
            for part in parts {
                // The base of a union contributes its own fields, not one of its subtypes.
                let part_value = match Self::ref_name(part).map(|base| self.def(spec, base)) {
                    Some(base) if base.schema.get("discriminator").is_some() => {
                        self.schema(spec, &base.name, &base.schema, prop, plan, stack)
                    }
                    _ => self.schema(spec, owner, part, prop, plan, stack),
                };
                if let Some(Value::Object(fields)) = part_value {
                    map.extend(fields);
                }
            }
            if let Some(Value::Object(own)) = self.object(spec, owner, schema, plan, stack) {
                map.extend(own);
            }
            return Some(Value::Object(map));
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(values[plan.variant % values.len()].clone());
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        Some(match ty {
            Some("object") | None if schema.get("properties").is_some() || ty.is_some() => {
                return self.object(spec, owner, schema, plan, stack)
            }
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                Value::Array(self.schema(spec, owner, &items, prop, plan, stack).into_iter().collect())
            }
            Some("string") => Value::String(match format {
                Some("date-time") => "2024-05-01T10:00:00Z".to_owned(),
                Some("date") => "2024-05-01".to_owned(),
                // Amounts and ratios are decimal text where a model types them as strings.
                _ if ["amount", "ratio"].iter().any(|w| prop.to_ascii_lowercase().contains(w)) => {
                    "0.10".to_owned()
                }
                _ => format!("{owner}.{prop}"),
            }),
            Some("integer") => Value::Number(Number::from(7)),
            Some("number") => Value::Number("12.5".parse().unwrap()),
            Some("boolean") => Value::Bool(plan.variant & 1 == 0),
            _ => Value::String(format!("{owner}.{prop}")),
        })
    }

    /// An object with every property of `schema` (and one entry of its map, if it is one).
    fn object(
        &self,
        spec: &str,
        owner: &str,
        schema: &Value,
        plan: Plan<'_>,
        stack: &mut Vec<String>,
    ) -> Option<Value> {
        let mut map = Map::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                let value = if plan.poison == Some((owner, name.as_str())) && self.is_own(spec, owner, schema)
                {
                    if p.get("type").and_then(Value::as_str) == Some("array") {
                        Some(Value::Array(vec![Value::String(UNKNOWN.to_owned())]))
                    } else {
                        Some(Value::String(UNKNOWN.to_owned()))
                    }
                } else {
                    self.schema(spec, owner, p, name, plan, stack)
                };
                if let Some(v) = value {
                    map.insert(name.clone(), v);
                }
            }
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(item)) => {
                let item = Value::Object(item.clone());
                if let Some(v) = self.schema(spec, owner, &item, "value", plan, stack) {
                    map.insert("someKey".to_owned(), v);
                }
            }
            Some(Value::Bool(true)) => {
                map.insert("someKey".to_owned(), Value::String("someValue".to_owned()));
            }
            _ => {}
        }
        Some(Value::Object(map))
    }

    /// Whether `schema` is definition `owner`'s own object (or a part of its `allOf`), not an
    /// inline object nested in it.
    fn is_own(&self, spec: &str, owner: &str, schema: &Value) -> bool {
        let d = &self.def(spec, owner).schema;
        std::ptr::eq(d, schema)
            || d.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(|p| std::ptr::eq(p, schema)))
    }

    /// The enum-typed properties of a definition (its own and those it inherits), as
    /// `(owner definition, property)`.
    fn enum_properties(&self, d: &'a DefinitionSpec) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        let mut own = vec![&d.schema];
        if let Some(parts) = d.schema.get("allOf").and_then(Value::as_array) {
            own.extend(parts.iter());
        }
        for s in own {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (name, p) in props {
                    if self.is_enum(&d.spec, p) {
                        out.push((d.name.as_str(), name.as_str()));
                    }
                }
            }
        }
        out
    }
}

/// How many instances a definition needs for every enum to take each value: the longest enum
/// (or union) anywhere in its model, at least one.
fn variants(defs: &[DefinitionSpec], spec: &str) -> usize {
    fn longest(v: &Value) -> usize {
        match v {
            Value::Object(map) => map
                .iter()
                .map(|(k, x)| if k == "enum" { x.as_array().map_or(0, Vec::len) } else { longest(x) })
                .max()
                .unwrap_or(0),
            Value::Array(items) => items.iter().map(longest).max().unwrap_or(0),
            _ => 0,
        }
    }
    defs.iter().filter(|d| d.spec == spec).map(|d| longest(&d.schema)).max().unwrap_or(0).max(4)
}

/// The differences between what went in and what came out, each naming the JSON path.
fn differences(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => differences(&p, ev, av, out),
                    None => out.push(format!("{p}: dropped (was {ev})")),
                }
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{path}.{k}: added, not in the input"));
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                differences(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: sent {e}, written back as {a}")),
    }
}

fn row(spec: &str, name: &str) -> &'static Row {
    TABLE
        .iter()
        .find(|r| r.spec == spec && r.name == name)
        .unwrap_or_else(|| panic!("{spec}: definition {name} has no row in for_each_definition!"))
}

/// Round-trips `instance` through the definition's type; the problems found, if any.
fn check(synth: &Synth<'_>, d: &DefinitionSpec, instance: &Value) -> Vec<String> {
    let r = row(&d.spec, &d.name);
    let mut expected = instance.clone();
    // A subtype's struct holds its own fields; the union around it writes the type field.
    if let (Some(tag), Value::Object(map)) = (synth.inherited_discriminator(d), &mut expected) {
        map.remove(tag);
    }
    match (r.round_trip)(&expected) {
        Err(e) => vec![format!("does not decode: {e}")],
        Ok(back) => {
            let mut out = Vec::new();
            differences("", &expected, &back, &mut out);
            out
        }
    }
}

#[test]
fn every_definition_round_trips_a_maximal_instance() {
    let defs = load_definitions();
    let synth = Synth::new(&defs);
    let mut failures = Vec::new();
    let mut exact = 0;
    for d in &defs {
        let mut problems = Vec::new();
        for variant in 0..variants(&defs, &d.spec) {
            let plan = Plan { variant, poison: None };
            let Some(instance) = synth.definition(&d.spec, &d.name, plan, &mut Vec::new()) else { continue };
            for p in check(&synth, d, &instance) {
                if !problems.contains(&p) {
                    problems.push(p);
                }
            }
        }
        let gap = GAPS.iter().find(|(s, n, _)| *s == d.spec && *n == d.name);
        match (problems.is_empty(), gap) {
            (true, None) => exact += 1,
            (true, Some(_)) => {
                failures.push(format!("{} {}: listed in GAPS but round-trips", d.spec, d.name))
            }
            (false, Some(_)) => {}
            (false, None) => failures.push(format!(
                "{} {} (Rust {}):\n    {}",
                d.spec,
                d.name,
                row(&d.spec, &d.name).rust,
                problems.join("\n    ")
            )),
        }
    }
    println!(
        "round trip of a maximal instance: {exact}/{} definitions exact, {} allow-listed",
        defs.len(),
        GAPS.len()
    );
    assert!(
        failures.is_empty(),
        "{} definitions do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unknown_values_of_every_closed_set_in_a_response_survive() {
    let defs = load_definitions();
    let synth = Synth::new(&defs);
    let mut failures = Vec::new();
    let mut checked = 0;
    for d in defs.iter().filter(|d| d.in_response) {
        // A definition that is itself an enum.
        let mut cases: Vec<(Value, String)> = Vec::new();
        if d.schema.get("enum").is_some() {
            cases.push((Value::String(UNKNOWN.to_owned()), "(the value itself)".to_owned()));
        }
        for (owner, prop) in synth.enum_properties(d) {
            let plan = Plan { variant: 0, poison: Some((owner, prop)) };
            if let Some(instance) = synth.definition(&d.spec, &d.name, plan, &mut Vec::new()) {
                cases.push((instance, prop.to_owned()));
            }
        }
        for (instance, what) in cases {
            checked += 1;
            for p in check(&synth, d, &instance) {
                failures.push(format!("{} {}.{what}: {p}", d.spec, d.name));
            }
        }
    }
    println!("unknown enum values: {checked} response fields checked");
    assert!(checked > 30, "the models have many closed sets; found only {checked}");
    assert!(
        failures.is_empty(),
        "{} unknown values are refused or changed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_comparison_notices_a_dropped_or_changed_key() {
    let mut out = Vec::new();
    let sent = serde_json::json!({"a": 1, "b": [{"c": "x"}]});
    let back = serde_json::json!({"b": [{"c": "y"}], "d": true});
    differences("", &sent, &back, &mut out);
    assert_eq!(
        out,
        [".a: dropped (was 1)", ".b[0].c: sent \"x\", written back as \"y\"", ".d: added, not in the input"]
    );
}
