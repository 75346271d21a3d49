//! Support for the models' discriminated unions (a base definition with a `discriminator`
//! and subtypes that extend it with `allOf`), shared by every API module through the
//! `discriminated_union!` macro.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Reads one subtype's fields from its JSON object; a failure names the path inside it.
pub(crate) fn decode_subtype<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            return inner;
        }
        // A union nested in this subtype reports "at <its path>: …"; join the two paths.
        let message = inner.to_string();
        let joined = match message.strip_prefix("at ").and_then(|rest| rest.split_once(": ")) {
            Some((nested, rest)) if nested.starts_with('[') => format!("at {path}{nested}: {rest}"),
            Some((nested, rest)) => format!("at {path}.{nested}: {rest}"),
            None => format!("at {path}: {message}"),
        };
        <serde_json::Error as serde::de::Error>::custom(joined)
    })
}

/// Writes one subtype's fields as a JSON object that starts with the type field.
pub(crate) fn encode_subtype<T: Serialize>(
    tag: &str,
    type_name: &str,
    fields: &T,
) -> Result<Value, serde_json::Error> {
    let mut map = Map::new();
    map.insert(tag.to_owned(), Value::String(type_name.to_owned()));
    match serde_json::to_value(fields)? {
        Value::Object(fields) => {
            map.extend(fields.into_iter().filter(|(k, _)| k != tag));
            Ok(Value::Object(map))
        }
        _ => {
            Err(<serde_json::Error as serde::ser::Error>::custom(format!("{type_name} is not a JSON object")))
        }
    }
}

/// Why a raw union value cannot be sent, if it cannot.
pub(crate) fn raw_problem(tag: &str, value: &Value) -> Option<String> {
    match value.as_object().map(|m| m.get(tag)) {
        None => Some(format!("must be a JSON object with a string `{tag}`")),
        Some(Some(Value::String(s))) if !s.trim().is_empty() => None,
        Some(_) => Some(format!("`{tag}` must be a non-empty string")),
    }
}
