//! The API surfaces, one module each.

/// Defines a string enum of a model with an `Unknown(String)` fallback, so values Amazon adds
/// later still decode (and re-encode unchanged).
#[macro_use]
mod macros {

    /// Defines a string enum that keeps unknown values, with exact-spelling serde.
    macro_rules! string_enum {
        (
            $(#[$meta:meta])*
            pub enum $name:ident {
                $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
            }
        ) => {
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum $name {
                $( $(#[$vmeta])* $variant, )*
                /// A value the model does not list, kept exactly as Amazon sent it.
                Unknown(String),
            }

            impl $name {
                /// The spellings the model lists, in model order.
                pub const KNOWN_VALUES: &'static [&'static str] = &[$($text),*];

                /// The exact wire spelling.
                pub fn as_str(&self) -> &str {
                    match self {
                        $( $name::$variant => $text, )*
                        $name::Unknown(s) => s,
                    }
                }

                /// Reads a wire spelling; anything unlisted becomes `Unknown`.
                pub fn from_wire(s: &str) -> Self {
                    match s {
                        $( $text => $name::$variant, )*
                        other => $name::Unknown(other.to_owned()),
                    }
                }

                /// True unless this is an `Unknown` value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, $name::Unknown(_))
                }
            }

            impl std::str::FromStr for $name {
                type Err = std::convert::Infallible;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    Ok($name::from_wire(s))
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.pad(self.as_str())
                }
            }

            impl Serialize for $name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                    Ok($name::from_wire(&s))
                }
            }

            impl crate::wire::WireValue for $name {
                fn to_wire(&self) -> String {
                    self.as_str().to_owned()
                }
            }
        };
    }

    /// Defines a discriminated union of the model: one variant per subtype, plus `Unknown` holding
    /// any other subtype as raw JSON. Serde goes through `serde_json::Value`: read the type field,
    /// then decode the subtype's struct; when writing, the type field is put back first.
    macro_rules! discriminated_union {
        (
            $(#[$meta:meta])*
            pub enum $name:ident tagged $tag:literal {
                $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $text:literal, )*
            }
        ) => {
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub enum $name {
                $( $(#[$vmeta])* $variant($ty), )*
                /// A subtype the model does not define, kept as the raw JSON object (type field
                /// included) and written back unchanged.
                Unknown(serde_json::Value),
            }

            impl $name {
                /// The JSON field that names the subtype.
                pub const DISCRIMINATOR: &'static str = $tag;

                /// The subtype names the model defines, in model order.
                pub const KNOWN_TYPES: &'static [&'static str] = &[$($text),*];

                /// The subtype name (the value of the type field), if there is one.
                pub fn type_name(&self) -> Option<&str> {
                    match self {
                        $( $name::$variant(_) => Some($text), )*
                        $name::Unknown(v) => v.get($tag).and_then(serde_json::Value::as_str),
                    }
                }

                /// True unless this is an `Unknown` subtype.
                pub fn is_known(&self) -> bool {
                    !matches!(self, $name::Unknown(_))
                }

                /// The raw JSON of an `Unknown` subtype.
                pub fn raw(&self) -> Option<&serde_json::Value> {
                    match self {
                        $name::Unknown(v) => Some(v),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }

                /// Reads a JSON object; a subtype the model defines must have its shape.
                pub fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                    let type_name = match value.as_object().map(|m| m.get($tag)) {
                        Some(Some(serde_json::Value::String(s))) => s.clone(),
                        Some(Some(_)) => {
                            return Err(serde::de::Error::custom(concat!("`", $tag, "` is not a string")))
                        }
                        Some(None) => return Err(serde::de::Error::missing_field($tag)),
                        None => {
                            return Err(serde::de::Error::custom(concat!(
                                "expected a JSON object with `", $tag, "`"
                            )))
                        }
                    };
                    $(
                        // Amazon's spelling sometimes differs in case from the model's (`SubTotal`).
                        if type_name.eq_ignore_ascii_case($text) {
                            return $crate::apis::unions::decode_subtype(value).map($name::$variant);
                        }
                    )*
                    let _ = type_name;
                    Ok($name::Unknown(value))
                }

                /// The JSON object this value travels as.
                pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                    match self {
                        $( $name::$variant(v) => $crate::apis::unions::encode_subtype($tag, $text, v), )*
                        $name::Unknown(v) => Ok(v.clone()),
                    }
                }

                /// Why this value cannot be sent, when it is an `Unknown` that is not a JSON object
                /// with a string type field.
                #[allow(dead_code)]
                fn raw_problem(&self) -> Option<String> {
                    self.raw().and_then(|v| $crate::apis::unions::raw_problem($tag, v))
                }
            }

            $(
                impl From<$ty> for $name {
                    fn from(v: $ty) -> Self {
                        $name::$variant(v)
                    }
                }
            )*

            impl serde::Serialize for $name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        $name::Unknown(v) => serde::Serialize::serialize(v, serializer),
                        #[allow(unreachable_patterns)]
                        known => serde::Serialize::serialize(&known.to_json().map_err(serde::ser::Error::custom)?, serializer),
                    }
                }
            }

            impl $name {
                /// Reads the text of a JSON object, as [`from_json`](Self::from_json) reads a
                /// value: the type field is peeked at first, then the subtype is decoded from
                /// the text directly (no intermediate `serde_json::Value`, except for an
                /// unknown subtype, which is kept as one).
                fn from_text(text: &str) -> Result<Self, serde_json::Error> {
                    let type_name = $crate::apis::unions::peek_tag(text, $tag)?;
                    $(
                        if type_name.eq_ignore_ascii_case($text) {
                            return $crate::apis::unions::decode_subtype_text(text).map($name::$variant);
                        }
                    )*
                    let _ = type_name;
                    serde_json::from_str(text).map($name::Unknown)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let raw = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
                    $name::from_text(raw.get()).map_err(serde::de::Error::custom)
                }
            }
        };
    }
}

pub mod applications;
pub mod cart;
pub mod common;
#[doc(hidden)]
pub mod definitions;
pub mod documents;
pub mod ordering;
pub mod package_tracking;
pub mod product_search;
pub mod reconciliation;
pub mod reporting;
pub mod reporting_legacy;
#[cfg(test)]
mod test_support;
mod unions;
pub mod users;

macro_rules! operation_ids {
    ($($accessor:ident => $ty:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => {
        /// The `operationId` of every operation the SDK implements, in the order of the
        /// operation table ([`for_each_operation!`](crate::for_each_operation)); the coverage
        /// test checks the list against Amazon's models.
        pub const OPERATION_IDS: &[&str] = &[$($(<$op as crate::Operation>::ID,)*)*];
    };
}

crate::for_each_operation!(operation_ids);
