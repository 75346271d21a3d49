//! Support for the models' discriminated unions (a base definition with a `discriminator`
//! and subtypes that extend it with `allOf`), shared by every API module through the
//! `discriminated_union!` macro.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Reads one subtype's fields from its JSON object; a failure names the path inside it.
pub(crate) fn decode_subtype<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_path_to_error::deserialize(value).map_err(joined)
}

/// Reads one subtype's fields from the text of its JSON object: a plain decode first (no path
/// tracking, no intermediate `Value`), and only if that fails a second, path-tracking one, so
/// that the error names the path inside the subtype as [`decode_subtype`] does.
pub(crate) fn decode_subtype_text<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(text).or_else(|_| {
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(joined)
    })
}

/// A path-tracked failure inside a subtype as one error: "at <path>: <message>".
fn joined(e: serde_path_to_error::Error<serde_json::Error>) -> serde_json::Error {
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
}

/// The value of the type field `tag` in the text of a union's JSON object, read without
/// building the object (every other field is skipped). Fails, as `from_json` does, when the
/// text is not an object, has no `tag`, or its `tag` is not a string.
pub(crate) fn peek_tag(text: &str, tag: &'static str) -> Result<String, serde_json::Error> {
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
    use std::fmt;

    /// Reads a key: is it `tag`? (Compares borrowed text; allocates nothing.)
    struct IsTag(&'static str);
    impl<'de> DeserializeSeed<'de> for IsTag {
        type Value = bool;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl Visitor<'_> for IsTag {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a field name")
        }
        fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
            Ok(key == self.0)
        }
    }

    struct Peek(&'static str);
    impl<'de> Visitor<'de> for Peek {
        type Value = Option<Value>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a JSON object with `{}`", self.0)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let mut found = None;
            while let Some(is_tag) = map.next_key_seed(IsTag(self.0))? {
                if is_tag && found.is_none() {
                    found = Some(map.next_value::<Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }

    if !text.trim_start().starts_with('{') {
        return Err(de::Error::custom(format!("expected a JSON object with `{tag}`")));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match de::Deserializer::deserialize_map(&mut de, Peek(tag))? {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(de::Error::custom(format!("`{tag}` is not a string"))),
        None => Err(de::Error::missing_field(tag)),
    }
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
