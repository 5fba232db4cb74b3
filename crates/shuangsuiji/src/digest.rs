//! Digests (SM3, GB/T 32905-2016) and the canonical byte encoding they are taken over.
//!
//! The encoding is deliberately primitive so that anyone can reproduce a digest from
//! `docs/SAMPLING.md` in a few lines of any language: every field is written as a string, a
//! string is its UTF-8 length as a 4-byte big-endian integer followed by its bytes, and a list is
//! its element count (4 bytes, big-endian) followed by its elements.

use serde::{Deserialize, Serialize};
use sm3::{Digest as _, Sm3};

/// A 256-bit SM3 digest, written as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest, used as the “previous” link of a log's first entry.
    pub const ZERO: Digest = Digest([0; 32]);

    /// SM3 of a byte string.
    pub fn sm3(bytes: &[u8]) -> Digest {
        Digest(Sm3::digest(bytes).into())
    }
}

/// A string that is not 64 hex characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be 64 hex characters (256 bits), got {got:?}")]
pub struct BadHex {
    /// What was being parsed (“seed”, “digest”).
    pub what: &'static str,
    /// The offending text (shortened).
    pub got: String,
}

pub(crate) fn parse_hex32(what: &'static str, s: &str) -> Result<[u8; 32], BadHex> {
    let bad = || BadHex {
        what,
        got: s.chars().take(80).collect(),
    };
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).map_err(|_| bad())?;
    Ok(out)
}

/// The string forms shared by every 256-bit value written in hex (digests, seeds): `FromStr`
/// (64 hex digits, an optional `0x`), serde as a string, `Display` and `Debug` in hex.
macro_rules! hex32_newtype {
    ($name:ident, $what:literal) => {
        impl $name {
            /// Lowercase hex.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::digest::BadHex;
            fn from_str(s: &str) -> Result<Self, $crate::digest::BadHex> {
                $crate::digest::parse_hex32($what, s.trim()).map($name)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::digest::BadHex;
            fn try_from(s: String) -> Result<Self, $crate::digest::BadHex> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.to_hex()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.to_hex())
            }
        }
    };
}
pub(crate) use hex32_newtype;

hex32_newtype!(Digest, "digest");

/// Streams the canonical encoding into SM3.
pub(crate) struct Encoder {
    hasher: Sm3,
}

impl Encoder {
    /// Starts a digest with a domain-separation label, itself encoded as a string.
    pub(crate) fn new(label: &str) -> Encoder {
        let mut e = Encoder { hasher: Sm3::new() };
        e.str(label);
        e
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.count(s.len());
        self.hasher.update(s.as_bytes());
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        self.str(s.unwrap_or(""));
    }

    /// A list length (or any count below 2³²).
    pub(crate) fn count(&mut self, n: usize) {
        // Every length we encode is bounded far below 2³² by construction (ids, names, lists
        // of one entity); saturating keeps this total rather than panicking.
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.hasher.update(n.to_be_bytes());
    }

    pub(crate) fn u64(&mut self, n: u64) {
        self.hasher.update(n.to_be_bytes());
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.hasher.update(b);
    }

    pub(crate) fn finish(self) -> Digest {
        Digest(self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_standard_example() {
        // GB/T 32905-2016, example 1: SM3("abc").
        assert_eq!(
            Digest::sm3(b"abc").to_hex(),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn encoder_is_length_prefixed() {
        let mut e = Encoder::new("x");
        e.str("ab");
        let mut raw = vec![0, 0, 0, 1, b'x', 0, 0, 0, 2, b'a', b'b'];
        assert_eq!(e.finish(), Digest::sm3(&raw));
        raw.push(0);
        assert_ne!(Digest::sm3(&raw), Digest::sm3(&raw[..raw.len() - 1]));
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let d = Digest::sm3(b"abc");
        assert_eq!(d.to_hex().parse::<Digest>().unwrap(), d);
        assert!("abc".parse::<Digest>().is_err());
        assert!("zz".repeat(32).parse::<Digest>().is_err());
    }
}
