//! Sandbox examples and the operation catalogue, extracted from the OpenAPI models.
//!
//! The committed files `conformance/fixtures/examples.json` and
//! `conformance/fixtures/operations.json` are embedded at compile time, so
//! [`load_examples`] and [`load_operations`] work in a fresh clone without the models.
//! [`extract`] regenerates both from a directory of Swagger 2.0 models; the
//! `extract-fixtures` binary writes them to disk.
//!
//! Where the examples live in a model: under a response object's `x-amzn-api-sandbox` key
//! (either an object with a `static` list or a bare list) or its
//! `x-amazon-spds-sandbox-behaviors` key (a list). Every entry seen so far has the shape
//! `{"request": {"parameters": {NAME: {"value": V}}}, "response": R}`, where the JSON body is
//! given under the parameter name `body` whatever the operation calls its body parameter.
//! The extractor also accepts a bare value in place of `{"value": V}` and request-level
//! `body`/`query`/`headers`/`path` objects, and reports the shapes it met.
//!
//! An operation's `definitions` are those reachable from its parameters and responses through
//! `$ref` anywhere in a schema (properties, `allOf`, `items`, `additionalProperties`), plus,
//! for a base type with a `discriminator`, every definition that extends it through `allOf`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The committed examples file, embedded.
pub const EXAMPLES_JSON: &str = include_str!("../fixtures/examples.json");
/// The committed operation catalogue, embedded.
pub const OPERATIONS_JSON: &str = include_str!("../fixtures/operations.json");
/// The committed model definitions (every one an operation reaches), embedded.
pub const DEFINITIONS_JSON: &str = include_str!("../fixtures/definitions.json");

/// Response-level extension keys that hold sandbox examples.
pub const SANDBOX_KEYS: [&str; 2] = ["x-amzn-api-sandbox", "x-amazon-spds-sandbox-behaviors"];

/// One recorded sandbox exchange: the request the sandbox expects and what it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// `<operationId>-<status>-<index>` for extracted examples; free-form for added ones.
    pub id: String,
    /// The model file the example comes from, without `.json`.
    pub spec: String,
    /// The model's `operationId`.
    pub operation: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The operation's path with `{name}` placeholders.
    pub path_template: String,
    /// Path parameters, exactly as the model gives them.
    pub path: BTreeMap<String, Value>,
    /// Query parameters, exactly as the model gives them (arrays stay JSON arrays).
    pub query: BTreeMap<String, Value>,
    /// Header parameters, exactly as the model gives them.
    pub headers: BTreeMap<String, Value>,
    /// The JSON request body, if the example has one.
    pub body: Option<Value>,
    /// The HTTP status the sandbox answers.
    pub status: u16,
    /// The JSON response body, if any.
    pub response: Option<Value>,
}

impl Example {
    /// Starts an example for `operation`, taking its spec, method and path template from the
    /// committed catalogue. The example expects no parameters and answers `200` with no body
    /// until told otherwise.
    ///
    /// # Panics
    ///
    /// Panics if `operation` is not one of the catalogue's operation ids.
    pub fn for_operation(operation: &str) -> Example {
        let op = load_operations()
            .into_iter()
            .find(|op| op.operation == operation)
            .unwrap_or_else(|| panic!("unknown operation id {operation:?}"));
        Example {
            id: format!("{operation}-custom"),
            spec: op.spec,
            operation: op.operation,
            method: op.method,
            path_template: op.path,
            path: BTreeMap::new(),
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
            body: None,
            status: 200,
            response: None,
        }
    }

    /// Sets the id (shown in diagnostics).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Adds an expected path parameter.
    pub fn path_param(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.path.insert(name.to_owned(), value.into());
        self
    }

    /// Adds an expected query parameter (use a JSON array for a csv list).
    pub fn query_param(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.query.insert(name.to_owned(), value.into());
        self
    }

    /// Adds an expected header.
    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.headers.insert(name.to_owned(), value.into());
        self
    }

    /// Sets the expected JSON request body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sets the status answered.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Sets the JSON response body.
    pub fn response(mut self, response: Value) -> Self {
        self.response = Some(response);
        self
    }
}

/// One declared parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterSpec {
    /// Parameter name (for headers, as the model spells it).
    pub name: String,
    /// `path`, `query`, `header` or `body`.
    #[serde(rename = "in")]
    pub location: String,
    /// Whether the model marks it required.
    pub required: bool,
    /// The Swagger type (`string`, `integer`, `boolean`, `array`, …); `None` for bodies.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// The Swagger format (`date-time`, …), if any.
    pub format: Option<String>,
    /// For arrays, the element type.
    pub items_type: Option<String>,
    /// Allowed values, when the model lists them (for arrays, the elements' values).
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
}

/// One operation of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSpec {
    /// The model file, without `.json`.
    pub spec: String,
    /// The model's `operationId`.
    pub operation: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template with `{name}` placeholders.
    pub path: String,
    /// Declared parameters, path-level ones first, in model order.
    pub parameters: Vec<ParameterSpec>,
    /// Definition name of the body schema, if the operation takes a body.
    pub body_schema: Option<String>,
    /// Status code → definition name of the response schema (or `None`).
    pub responses: BTreeMap<String, Option<String>>,
    /// Every definition reachable from the parameters and responses, sorted.
    pub definitions: Vec<String>,
}

impl OperationSpec {
    /// The declared parameter called `name` in `location`, if any.
    pub fn parameter(&self, location: &str, name: &str) -> Option<&ParameterSpec> {
        self.parameters.iter().find(|p| {
            p.location == location
                && if location == "header" { p.name.eq_ignore_ascii_case(name) } else { p.name == name }
        })
    }

    /// Whether the model requires the `x-amz-user-email` header.
    pub fn requires_user_email(&self) -> bool {
        self.parameter("header", "x-amz-user-email").is_some_and(|p| p.required)
    }
}

/// One model definition an operation reaches, with the parts of its schema that say what a
/// JSON instance holds (`type`, `format`, `enum`, `$ref`, `items`, `properties`, `required`,
/// `allOf`, `additionalProperties`, `discriminator`); prose and examples are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionSpec {
    /// The model file, without `.json`.
    pub spec: String,
    /// The definition's name in that model.
    pub name: String,
    /// Whether a request body reaches it.
    pub in_request: bool,
    /// Whether a response (of any status) reaches it.
    pub in_response: bool,
    /// The definition's schema, reduced to its structural keys.
    pub schema: Value,
}

/// Parses the embedded model definitions.
///
/// # Panics
///
/// Panics if the committed file is not valid (a build of a broken checkout).
pub fn load_definitions() -> Vec<DefinitionSpec> {
    serde_json::from_str(DEFINITIONS_JSON).expect("committed fixtures/definitions.json is valid")
}

/// Parses the embedded examples.
///
/// # Panics
///
/// Panics if the committed file is not valid (a build of a broken checkout).
pub fn load_examples() -> Vec<Example> {
    serde_json::from_str(EXAMPLES_JSON).expect("committed fixtures/examples.json is valid")
}

/// Parses the embedded operation catalogue.
///
/// # Panics
///
/// Panics if the committed file is not valid (a build of a broken checkout).
pub fn load_operations() -> Vec<OperationSpec> {
    serde_json::from_str(OPERATIONS_JSON).expect("committed fixtures/operations.json is valid")
}

/// What [`extract`] produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// All examples, sorted by spec, operation, status and index.
    pub examples: Vec<Example>,
    /// All operations, sorted by spec and operation id.
    pub operations: Vec<OperationSpec>,
    /// Every definition an operation reaches, sorted by spec and name.
    pub definitions: Vec<DefinitionSpec>,
    /// How many times each encoding shape was met (for the extractor's report).
    pub shapes: BTreeMap<String, usize>,
}

/// A model that could not be read or understood.
#[derive(Debug)]
pub struct ExtractError(String);

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExtractError {}

fn err(msg: impl Into<String>) -> ExtractError {
    ExtractError(msg.into())
}

/// Renders values as the committed files are written: pretty JSON with a trailing newline.
pub fn render<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("fixtures serialise");
    s.push('\n');
    s
}

/// Reads every `*.json` model in `dir` and extracts the examples and the catalogue.
pub fn extract(dir: &Path) -> Result<Extracted, ExtractError> {
    extract_models(&read_models(dir)?)
}

/// Reads every `*.json` model in `dir`, sorted by file name, as `(spec name, document)` pairs.
pub fn read_models(dir: &Path) -> Result<Vec<(String, Value)>, ExtractError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| err(format!("{}: {e}", dir.display())))? {
        let path = entry.map_err(|e| err(e.to_string()))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    let mut models = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| err(format!("bad file name {}", path.display())))?
            .to_owned();
        let text = std::fs::read_to_string(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| err(format!("{}: {e}", path.display())))?;
        models.push((name, doc));
    }
    Ok(models)
}

/// Extracts from already parsed models, given as `(spec name, document)` pairs.
pub fn extract_models(models: &[(String, Value)]) -> Result<Extracted, ExtractError> {
    let mut out = Extracted {
        examples: Vec::new(),
        operations: Vec::new(),
        definitions: Vec::new(),
        shapes: BTreeMap::new(),
    };
    for (spec, doc) in models {
        extract_one(spec, doc, &mut out)?;
    }
    out.examples.sort_by(|a, b| {
        (&a.spec, &a.operation, a.status, &a.id).cmp(&(&b.spec, &b.operation, b.status, &b.id))
    });
    out.operations.sort_by(|a, b| (&a.spec, &a.operation).cmp(&(&b.spec, &b.operation)));
    out.definitions.sort_by(|a, b| (&a.spec, &a.name).cmp(&(&b.spec, &b.name)));
    Ok(out)
}

/// The schema keys that say what an instance holds.
const STRUCTURAL_KEYS: [&str; 10] = [
    "type",
    "format",
    "enum",
    "$ref",
    "items",
    "properties",
    "required",
    "allOf",
    "additionalProperties",
    "discriminator",
];

/// A schema reduced to its structural keys, recursively.
fn structural(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else { return schema.clone() };
    let mut out = Map::new();
    for (k, v) in map {
        if !STRUCTURAL_KEYS.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                Value::Object(props.iter().map(|(name, p)| (name.clone(), structural(p))).collect())
            }
            ("allOf", Value::Array(parts)) => Value::Array(parts.iter().map(structural).collect()),
            ("items" | "additionalProperties", Value::Object(_)) => structural(v),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Result<&'a Value, ExtractError> {
    let mut cur = v;
    for _ in 0..16 {
        match cur.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.strip_prefix('#').ok_or_else(|| err(format!("external $ref {r}")))?;
                cur = doc.pointer(pointer).ok_or_else(|| err(format!("dangling $ref {r}")))?;
            }
            None => return Ok(cur),
        }
    }
    Err(err("$ref cycle"))
}

fn definition_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .map(str::to_owned)
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "example" || k == "examples" || k.starts_with("x-") {
                    continue;
                }
                if k == "$ref" {
                    if let Some(name) = x.as_str().and_then(|r| r.strip_prefix("#/definitions/")) {
                        out.insert(name.to_owned());
                    }
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

fn reachable(doc: &Value, roots: BTreeSet<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let defs = doc.get("definitions").and_then(Value::as_object);
        if let Some(def) = defs.and_then(|d| d.get(&name)) {
            let mut refs = BTreeSet::new();
            collect_refs(def, &mut refs);
            // A discriminated base reaches its variants: the definitions that extend it
            // through `allOf`.
            if def.get("discriminator").is_some() {
                for (sub, sub_def) in defs.into_iter().flatten() {
                    let extends = sub_def.get("allOf").and_then(Value::as_array).is_some_and(|parts| {
                        parts.iter().any(|p| definition_name(p).as_deref() == Some(name.as_str()))
                    });
                    if extends {
                        refs.insert(sub.clone());
                    }
                }
            }
            todo.extend(refs.into_iter().filter(|r| !seen.contains(r)));
        }
    }
    seen.into_iter().collect()
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn parameter_spec(p: &Value) -> Result<ParameterSpec, ExtractError> {
    let name = str_field(p, "name").ok_or_else(|| err("parameter without name"))?;
    let location = str_field(p, "in").ok_or_else(|| err(format!("parameter {name} without in")))?;
    let items = p.get("items");
    let enum_values =
        p.get("enum").or_else(|| items.and_then(|i| i.get("enum"))).and_then(Value::as_array).cloned();
    Ok(ParameterSpec {
        name,
        location,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        ty: str_field(p, "type"),
        format: str_field(p, "format"),
        items_type: items.and_then(|i| str_field(i, "type")),
        enum_values,
    })
}

fn extract_one(spec: &str, doc: &Value, out: &mut Extracted) -> Result<(), ExtractError> {
    let mut request_roots = BTreeSet::new();
    let mut response_roots = BTreeSet::new();
    let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
    let paths =
        doc.get("paths").and_then(Value::as_object).ok_or_else(|| err(format!("{spec}: no paths")))?;
    for (path, item) in paths {
        let item = resolve(doc, item)?;
        let common: Vec<&Value> = match item.get("parameters").and_then(Value::as_array) {
            Some(list) => list.iter().map(|p| resolve(doc, p)).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let operation = str_field(op, "operationId")
                .ok_or_else(|| err(format!("{spec}: {method} {path} has no operationId")))?;
            // Path-level parameters first; an operation-level one with the same name and
            // location replaces it.
            let mut declared: Vec<&Value> = Vec::new();
            let own: Vec<&Value> = match op.get("parameters").and_then(Value::as_array) {
                Some(list) => list.iter().map(|p| resolve(doc, p)).collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            for p in common.iter().chain(own.iter()) {
                let key = (p.get("name"), p.get("in"));
                if let Some(slot) = declared.iter_mut().find(|q| (q.get("name"), q.get("in")) == key) {
                    *slot = p;
                } else {
                    declared.push(p);
                }
            }
            let parameters: Vec<ParameterSpec> =
                declared.iter().map(|p| parameter_spec(p)).collect::<Result<_, _>>()?;

            let mut roots = BTreeSet::new();
            let mut body_schema = None;
            for p in &declared {
                if p.get("in").and_then(Value::as_str) == Some("body") {
                    if let Some(schema) = p.get("schema") {
                        body_schema = definition_name(schema);
                        collect_refs(schema, &mut roots);
                        collect_refs(schema, &mut request_roots);
                    }
                }
            }
            let mut responses = BTreeMap::new();
            let empty = Map::new();
            let resp_map = op.get("responses").and_then(Value::as_object).unwrap_or(&empty);
            for (status, resp) in resp_map {
                let resp = resolve(doc, resp)?;
                let schema = resp.get("schema");
                responses.insert(status.clone(), schema.and_then(definition_name));
                if let Some(schema) = schema {
                    collect_refs(schema, &mut roots);
                    collect_refs(schema, &mut response_roots);
                }
            }
            let full_path = format!("{base}{path}");
            let method_upper = method.to_ascii_uppercase();
            out.operations.push(OperationSpec {
                spec: spec.to_owned(),
                operation: operation.clone(),
                method: method_upper.clone(),
                path: full_path.clone(),
                parameters: parameters.clone(),
                body_schema,
                responses,
                definitions: reachable(doc, roots),
            });

            for (status, resp) in resp_map {
                let resp = resolve(doc, resp)?;
                let mut index = 0usize;
                for key in SANDBOX_KEYS {
                    let Some(container) = resp.get(key) else {
                        continue;
                    };
                    let (list, shape) = match container {
                        Value::Array(list) => (list, format!("{key}: list")),
                        Value::Object(obj) => match obj.get("static").and_then(Value::as_array) {
                            Some(list) => (list, format!("{key}: object.static list")),
                            None => {
                                return Err(err(format!(
                                    "{spec} {operation} {status}: {key} without static list"
                                )))
                            }
                        },
                        _ => return Err(err(format!("{spec} {operation}: odd {key}"))),
                    };
                    *out.shapes.entry(shape).or_default() += list.len();
                    let status_code: u16 = status
                        .parse()
                        .map_err(|_| err(format!("{spec} {operation}: example under status {status}")))?;
                    for entry in list {
                        let ex = example_from_entry(
                            spec,
                            &operation,
                            &method_upper,
                            &full_path,
                            &parameters,
                            status_code,
                            index,
                            entry,
                            &mut out.shapes,
                        )?;
                        out.examples.push(ex);
                        index += 1;
                    }
                }
            }
        }
    }
    let in_request: BTreeSet<String> = reachable(doc, request_roots).into_iter().collect();
    let in_response: BTreeSet<String> = reachable(doc, response_roots).into_iter().collect();
    let defs = doc.get("definitions").and_then(Value::as_object);
    for name in in_request.union(&in_response) {
        let schema = defs
            .and_then(|d| d.get(name))
            .ok_or_else(|| err(format!("{spec}: $ref to missing definition {name}")))?;
        out.definitions.push(DefinitionSpec {
            spec: spec.to_owned(),
            name: name.clone(),
            in_request: in_request.contains(name),
            in_response: in_response.contains(name),
            schema: structural(schema),
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn example_from_entry(
    spec: &str,
    operation: &str,
    method: &str,
    path_template: &str,
    parameters: &[ParameterSpec],
    status: u16,
    index: usize,
    entry: &Value,
    shapes: &mut BTreeMap<String, usize>,
) -> Result<Example, ExtractError> {
    let id = format!("{operation}-{status}-{index}");
    let mut ex = Example {
        id: id.clone(),
        spec: spec.to_owned(),
        operation: operation.to_owned(),
        method: method.to_owned(),
        path_template: path_template.to_owned(),
        path: BTreeMap::new(),
        query: BTreeMap::new(),
        headers: BTreeMap::new(),
        body: None,
        status,
        response: entry.get("response").cloned().filter(|v| !v.is_null()),
    };
    let mut note = |s: String| *shapes.entry(s).or_default() += 1;
    note(format!(
        "entry keys: {}",
        entry.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>().join(",")).unwrap_or_default()
    ));
    let request = entry.get("request").unwrap_or(&Value::Null);
    let has_body_param = parameters.iter().any(|p| p.location == "body");
    if let Some(params) = request.get("parameters").and_then(Value::as_object) {
        for (name, wrapped) in params {
            let value = match wrapped {
                Value::Object(o) if o.len() == 1 && o.contains_key("value") => {
                    note("request.parameters.NAME.value".into());
                    o["value"].clone()
                }
                other => {
                    note("request.parameters.NAME (bare value)".into());
                    other.clone()
                }
            };
            let declared =
                parameters.iter().find(|p| p.name == *name && p.location != "body").or_else(|| {
                    parameters.iter().find(|p| p.location == "header" && p.name.eq_ignore_ascii_case(name))
                });
            match declared.map(|p| p.location.as_str()) {
                Some("path") => {
                    ex.path.insert(name.clone(), value);
                }
                Some("query") => {
                    ex.query.insert(name.clone(), value);
                }
                Some("header") => {
                    ex.headers.insert(name.clone(), value);
                }
                Some(other) => {
                    return Err(err(format!("{id}: parameter {name} in {other}")));
                }
                None if has_body_param
                    && (name == "body"
                        || parameters.iter().any(|p| p.location == "body" && p.name == *name)) =>
                {
                    note(format!(
                        "body under parameter name {}",
                        if name == "body" { "body" } else { "declared" }
                    ));
                    ex.body = Some(value);
                }
                None => return Err(err(format!("{id}: undeclared parameter {name}"))),
            }
        }
    } else if request.get("parameters").is_some() {
        return Err(err(format!("{id}: request.parameters is not an object")));
    }
    if let Some(body) = request.get("body") {
        note("request.body".into());
        ex.body = Some(body.clone());
    }
    for (key, target) in [("query", &mut ex.query), ("headers", &mut ex.headers), ("path", &mut ex.path)] {
        if let Some(map) = request.get(key).and_then(Value::as_object) {
            note(format!("request.{key}"));
            for (k, v) in map {
                target.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(ex)
}

/// The keys of a schema that say what values an instance may take, beyond its structure.
const CONSTRAINT_KEYS: [&str; 7] =
    ["pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"];

/// A schema reduced to its structural and constraint keys, recursively.
fn constrained(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else { return schema.clone() };
    let mut out = Map::new();
    for (k, v) in map {
        if !STRUCTURAL_KEYS.contains(&k.as_str()) && !CONSTRAINT_KEYS.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                Value::Object(props.iter().map(|(name, p)| (name.clone(), constrained(p))).collect())
            }
            ("allOf", Value::Array(parts)) => Value::Array(parts.iter().map(constrained).collect()),
            ("items" | "additionalProperties", Value::Object(_)) => constrained(v),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

/// Where core's `proptest` feature embeds the schema [`proptest_schema`] renders, relative to
/// this crate's directory.
pub const PROPTEST_SCHEMA_PATH: &str = "../core/src/proptest/schema.json";

/// The compact schema core's `proptest` feature generates values from: every definition an
/// operation reaches (as in `definitions.json`, with the models' constraints kept: `pattern`,
/// `minLength`, `maxLength`, `minimum`, `maximum`, `minItems`, `maxItems`) and every
/// operation's parameters (likewise constrained, with the body's definition name). One line
/// of JSON and a newline.
pub fn proptest_schema(models: &[(String, Value)]) -> Result<String, ExtractError> {
    let extracted = extract_models(models)?;
    let doc_of = |spec: &str| models.iter().find(|(s, _)| s == spec).map(|(_, d)| d);
    let mut definitions = Map::new();
    for d in &extracted.definitions {
        let doc = doc_of(&d.spec).ok_or_else(|| err(format!("no model {}", d.spec)))?;
        let raw = doc
            .pointer(&format!("/definitions/{}", d.name))
            .ok_or_else(|| err(format!("{}: no definition {}", d.spec, d.name)))?;
        let entry = serde_json::json!({
            "request": d.in_request,
            "response": d.in_response,
            "schema": constrained(raw),
        });
        let Value::Object(spec_map) =
            definitions.entry(d.spec.clone()).or_insert_with(|| Value::Object(Map::new()))
        else {
            unreachable!("inserted as an object")
        };
        spec_map.insert(d.name.clone(), entry);
    }
    let mut operations = Map::new();
    for op in &extracted.operations {
        let doc = doc_of(&op.spec).ok_or_else(|| err(format!("no model {}", op.spec)))?;
        let paths = doc.get("paths").and_then(Value::as_object).ok_or_else(|| err("no paths"))?;
        let mut parameters: Vec<Value> = Vec::new();
        for item in paths.values() {
            let item = resolve(doc, item)?;
            let Some((_, raw_op)) = item.as_object().into_iter().flatten().find(|(m, o)| {
                METHODS.contains(&m.as_str()) && str_field(o, "operationId").as_deref() == Some(&op.operation)
            }) else {
                continue;
            };
            let common = item.get("parameters").and_then(Value::as_array).into_iter().flatten();
            let own = raw_op.get("parameters").and_then(Value::as_array).into_iter().flatten();
            let mut declared: Vec<&Value> = Vec::new();
            for p in common.chain(own) {
                let p = resolve(doc, p)?;
                let key = (p.get("name"), p.get("in"));
                if let Some(slot) = declared.iter_mut().find(|q| (q.get("name"), q.get("in")) == key) {
                    *slot = p;
                } else {
                    declared.push(p);
                }
            }
            for p in declared {
                if p.get("in").and_then(Value::as_str) == Some("body") {
                    continue;
                }
                let mut reduced = constrained(p);
                if let (Value::Object(m), Some(obj)) = (&mut reduced, p.as_object()) {
                    for key in ["name", "in", "required"] {
                        if let Some(v) = obj.get(key) {
                            m.insert(key.to_owned(), v.clone());
                        }
                    }
                }
                parameters.push(reduced);
            }
        }
        operations.insert(
            op.operation.clone(),
            serde_json::json!({
                "spec": op.spec,
                "method": op.method,
                "path": op.path,
                "body": op.body_schema,
                "parameters": parameters,
            }),
        );
    }
    let mut text = serde_json::to_string(&serde_json::json!({
        "definitions": definitions,
        "operations": operations,
    }))
    .map_err(|e| err(e.to_string()))?;
    text.push('\n');
    Ok(text)
}
