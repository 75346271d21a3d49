//! A string that must never be shown: client secrets, refresh tokens, access tokens, codes.

use std::fmt;

/// A secret value (client secret, refresh token, access token, authorization code).
///
/// `Debug` and `Display` print `Secret(***)`, so a secret inside a configuration, an error or a
/// log line never leaks. Read the value on purpose with [`Secret::expose`]. Clones share the
/// value (it is reference-counted), so handing a token to each call copies no bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(std::sync::Arc<str>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// The value itself. Call this only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value's bytes as `Bytes` sharing this secret's allocation (no copy), for an HTTP
    /// header value built once from it.
    pub(crate) fn shared_bytes(&self) -> bytes::Bytes {
        bytes::Bytes::from_owner(SharedStr(self.0.clone()))
    }

    /// True when the value is empty or only white space.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Compares with another secret in time independent of where they first differ.
    pub fn ct_eq(&self, other: &Secret) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.into())
    }
}

/// A secret's shared text as the owner of a `Bytes`.
struct SharedStr(std::sync::Arc<str>);

impl AsRef<[u8]> for SharedStr {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Byte comparison whose running time depends only on the lengths, not on the contents.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("Atzr|very-secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert!(!format!("{s:#?}").contains("very"));
        assert_eq!(s.expose(), "Atzr|very-secret");
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(Secret::new("x").ct_eq(&Secret::new("x")));
        assert!(Secret::new("  ").is_blank());
    }
}
