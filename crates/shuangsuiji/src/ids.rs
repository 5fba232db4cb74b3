//! Newtype identifiers, so that a target id can never be passed where a department id is expected.
//!
//! Every id is a non-empty UTF-8 string of at most [`MAX_ID_BYTES`] bytes without control
//! characters or surrounding white space. Platforms use many id schemes (credit codes, database
//! keys, department codes); we accept any of them but refuse ids that would break CSV, logs or
//! the canonical encoding of a pool.
//!
//! Ids are compared by people as well as by programs, so an id also has one canonical form
//! (`docs/SAMPLING.md` §10): it is in Unicode normalization form C and holds no invisible,
//! formatting or bidirectional-control character, nor an unassigned or private-use code point.
//! What is left can still *look* like another id (Cyrillic `Е` for Latin `E`, full-width
//! digits, a non-breaking hyphen): [`skeleton`] gives the Unicode TR39 confusable skeleton, and
//! two ids with the same skeleton are one id to a reader. Pools refuse two such targets, and
//! the draw log counts a look-alike task as the same task. All tables are Unicode
//! [`UNICODE_VERSION`], pinned: a new Unicode version would be a new rule.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use unicode_normalization::{IsNormalized, is_nfc_quick};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The longest id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 128;

/// The Unicode version of every table the id rule uses (normalization, general categories,
/// confusables).
pub const UNICODE_VERSION: (u64, u64, u64) = unicode_security::UNICODE_VERSION;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id is empty.
    #[error("{kind} id is empty")]
    Empty {
        /// Which kind of id (target, department, …).
        kind: &'static str,
    },
    /// The id is longer than [`MAX_ID_BYTES`].
    #[error("{kind} id {id:?} is {len} bytes long; at most {max} allowed", max = MAX_ID_BYTES)]
    TooLong {
        /// Which kind of id.
        kind: &'static str,
        /// The first characters of the id.
        id: String,
        /// Its length in bytes.
        len: usize,
    },
    /// The id holds a control character or leading/trailing white space.
    #[error("{kind} id {id:?} contains a control character or surrounding white space")]
    BadCharacter {
        /// Which kind of id.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// The id holds a character a reader cannot see or that changes how the text around it is
    /// shown: a format character (zero-width space U+200B, word joiner U+2060, byte-order mark
    /// U+FEFF), a bidirectional control (U+202E), another default-ignorable code point, a
    /// line or paragraph separator, a private-use or unassigned code point.
    #[error(
        "{kind} id {id:?} has the invisible or formatting character U+{code_point:04X} at character {position}; an id must be text a reader can see and compare"
    )]
    HiddenCharacter {
        /// Which kind of id.
        kind: &'static str,
        /// The id.
        id: String,
        /// 1-based position of the character (counted in characters).
        position: usize,
        /// The character's code point.
        code_point: u32,
    },
    /// The id is not in Unicode normalization form C, so the same text could be written with
    /// other bytes.
    #[error(
        "{kind} id {id:?} is not in Unicode normalization form C (its NFC form is {nfc:?}); write it in NFC"
    )]
    NotNormalized {
        /// Which kind of id.
        kind: &'static str,
        /// The id.
        id: String,
        /// The id in NFC.
        nfc: String,
    },
}

/// Whether `c` may not appear in an id: a reader cannot see it, or it is not a character yet
/// (general categories Cc, Cf, Cs, Co, Cn, Zl, Zp, and the default-ignorable code points of
/// other categories: combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
/// Mongolian free variation selectors, variation selectors).
fn is_hidden(c: char) -> bool {
    use GeneralCategory as G;
    match c.general_category() {
        G::Control
        | G::Format
        | G::Surrogate
        | G::PrivateUse
        | G::Unassigned
        | G::LineSeparator
        | G::ParagraphSeparator => true,
        _ => matches!(
            c,
            '\u{034F}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180D}'
                | '\u{180F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{E0100}'..='\u{E01EF}'
        ),
    }
}

pub(crate) fn check_id(kind: &'static str, s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if s.len() > MAX_ID_BYTES {
        let id: String = s.chars().take(32).collect();
        return Err(IdError::TooLong {
            kind,
            id,
            len: s.len(),
        });
    }
    if s.chars().any(char::is_control) || s.trim() != s {
        return Err(IdError::BadCharacter {
            kind,
            id: s.to_owned(),
        });
    }
    // Plain ASCII ids (the common case) are visible and in NFC by construction.
    if s.is_ascii() {
        return Ok(());
    }
    if let Some((i, c)) = s.chars().enumerate().find(|&(_, c)| is_hidden(c)) {
        return Err(IdError::HiddenCharacter {
            kind,
            id: s.to_owned(),
            position: i + 1,
            code_point: u32::from(c),
        });
    }
    let nfc = match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => unicode_normalization::is_nfc(s),
    };
    if !nfc {
        use unicode_normalization::UnicodeNormalization;
        return Err(IdError::NotNormalized {
            kind,
            id: s.to_owned(),
            nfc: s.nfc().collect(),
        });
    }
    Ok(())
}

/// The Unicode TR39 confusable skeleton of `s` (Unicode [`UNICODE_VERSION`]): two strings
/// with the same skeleton look alike to a reader (`2026-SCJG-001` and `２０２６‑SCJG‑００1`,
/// `E` and Cyrillic `Е`, `rn` and `m`, `0` and `O`). Used to tell when two ids are one to a
/// person; the skeleton itself is never shown or stored as an id.
pub fn skeleton(s: &str) -> String {
    // Nearly every id is ASCII: its skeleton is then each character's own skeleton in turn
    // (an ASCII string is its own NFD, and the mapping is character by character), looked up
    // in a table made once by the full algorithm. A character whose skeleton is not ASCII
    // (then the final NFD might join it with its neighbours) sends the string the full way.
    if s.is_ascii() {
        let table = ascii_skeletons();
        let mut out = String::with_capacity(s.len() + 4);
        for b in s.bytes() {
            match &table[usize::from(b)] {
                Some(piece) => out.push_str(piece),
                None => return full_skeleton(s),
            }
        }
        return out;
    }
    full_skeleton(s)
}

/// The TR39 skeleton as the algorithm states it: NFD, each character mapped to its prototype,
/// NFD again.
fn full_skeleton(s: &str) -> String {
    unicode_security::skeleton(s).collect()
}

/// The skeleton of each ASCII character, where it is ASCII.
fn ascii_skeletons() -> &'static [Option<Box<str>>; 128] {
    static TABLE: std::sync::OnceLock<[Option<Box<str>>; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = char::from(u8::try_from(i).unwrap_or(0));
            let piece = full_skeleton(c.encode_utf8(&mut [0; 4]));
            piece.is_ascii().then(|| piece.into_boxed_str())
        })
    })
}

/// Whether two strings look alike: different text with the same [`skeleton`].
pub fn look_alike(a: &str, b: &str) -> bool {
    a != b && skeleton(a) == skeleton(b)
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        ///
        /// Cloning is cheap (the text is shared), so that records and indexes can hold ids of
        /// millions of targets without copying them.
        // (`Arc<str>` equality tests the pointer before the text.)
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// Validates and wraps an id (one allocation, whether from `&str` or `String`).
            pub fn new(s: impl AsRef<str>) -> Result<Self, IdError> {
                let s = s.as_ref();
                check_id($kind, s)?;
                Ok(Self(Arc::from(s)))
            }

            /// An id known to be valid (read back from a pool that checked it).
            #[allow(dead_code)] // only target ids are kept as text
            pub(crate) fn trusted(s: &str) -> Self {
                debug_assert!(check_id($kind, s).is_ok());
                Self(Arc::from(s))
            }

            /// The same id in a fresh allocation: a frozen pool re-allocates its ids in canonical
            /// order, so that walking a sample in that order reads memory in order.
            #[allow(dead_code)] // only the ids of pool entries are relocated
            pub(crate) fn relocated(&self) -> Self {
                Self(Arc::from(&*self.0))
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Where the text lives (compared, never read, to tell whether a frozen pool's ids
            /// already lie in canonical order in memory).
            #[allow(dead_code)] // only the ids of pool entries are compared
            pub(crate) fn address(&self) -> *const u8 {
                self.0.as_ptr()
            }
        }

        impl $name {
            /// The id's confusable skeleton ([`skeleton`]): equal for ids a reader takes
            /// for one.
            pub fn skeleton(&self) -> String {
                skeleton(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A regulated entity in the target pool (检查对象).
    TargetId,
    "target"
);
string_id!(
    /// An inspector in the inspector pool (执法检查人员).
    InspectorId,
    "inspector"
);
string_id!(
    /// A member department (成员单位), e.g. `"市场监管局"` or a department code.
    DeptId,
    "department"
);
string_id!(
    /// An item of the item list (抽查事项).
    ItemId,
    "item"
);
string_id!(
    /// An annual plan (抽查计划), e.g. `"2026-SCJG-01"`.
    PlanId,
    "plan"
);
string_id!(
    /// A spot-check task (抽查任务); also the public label a seed is derived for.
    TaskId,
    "task"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII shortcut is the algorithm: the same skeleton for any ASCII text.
        #[test]
        fn the_ascii_skeleton_is_the_full_skeleton(s in "[ -~]{0,24}") {
            prop_assert_eq!(skeleton(&s), full_skeleton(&s));
        }
    }

    #[test]
    fn the_ascii_skeleton_is_the_full_skeleton_for_every_pair_of_characters() {
        for a in 0u8..128 {
            for b in 0u8..128 {
                let s = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(skeleton(&s), full_skeleton(&s), "{s:?}");
            }
        }
        // The table is used: `m` is `rn` to a reader, `0` is `O`.
        assert_eq!(skeleton("m0"), skeleton("rnO"));
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(TargetId::new(""), Err(IdError::Empty { kind: "target" }));
        assert!(matches!(
            DeptId::new(" x"),
            Err(IdError::BadCharacter { .. })
        ));
        assert!(matches!(
            ItemId::new("a\nb"),
            Err(IdError::BadCharacter { .. })
        ));
        assert!(matches!(
            TaskId::new("x".repeat(129)),
            Err(IdError::TooLong { len: 129, .. })
        ));
        assert_eq!(TargetId::new("企业-001").unwrap().as_str(), "企业-001");
    }

    #[test]
    fn json_round_trip_validates() {
        let id = InspectorId::new("P-7").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"P-7\"");
        assert_eq!(serde_json::from_str::<InspectorId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<InspectorId>("\"\"").is_err());
    }

    #[test]
    fn hidden_characters_are_refused_where_they_are() {
        for (id, at, cp) in [
            ("2026-SCJG-001\u{200B}", 14, 0x200B),
            ("2026-SCJG-001\u{2060}", 14, 0x2060),
            ("\u{FEFF}E1", 1, 0xFEFF),
            ("E\u{202E}1", 2, 0x202E),
            ("E\u{00AD}1", 2, 0xAD),
            ("大\u{FE0F}冶", 2, 0xFE0F),
            ("x\u{3164}", 2, 0x3164),
            ("a\u{E000}", 2, 0xE000),
            ("a\u{2028}b", 2, 0x2028),
        ] {
            match TaskId::new(id) {
                Err(IdError::HiddenCharacter {
                    position,
                    code_point,
                    ..
                }) => assert_eq!((position, code_point), (at, cp), "{id:?}"),
                other => panic!("{id:?}: {other:?}"),
            }
        }
        let msg = TaskId::new("T\u{200B}").unwrap_err().to_string();
        assert!(msg.contains("U+200B at character 2"), "{msg}");
    }

    #[test]
    fn ids_must_be_nfc() {
        // “é” as e + combining acute (NFD), and Hangul jamo.
        let e = TargetId::new("Cafe\u{301}").unwrap_err();
        assert_eq!(
            e,
            IdError::NotNormalized {
                kind: "target",
                id: "Cafe\u{301}".into(),
                nfc: "Caf\u{e9}".into()
            }
        );
        assert!(TargetId::new("Caf\u{e9}").is_ok());
        assert!(matches!(
            DeptId::new("\u{1100}\u{1161}"),
            Err(IdError::NotNormalized { .. })
        ));
        // Chinese, full-width and ideographic space inside are visible NFC text.
        for ok in ["市场监管局", "２０２６", "市场　监管", "2026‑SCJG"] {
            assert!(DeptId::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        let base = "2026-SCJG-001";
        for twin in [
            "2026\u{2011}SCJG\u{2011}001", // non-breaking hyphens
            "２０２６-SCJG-００１",        // full-width digits
            "2026-SCJG-OO1",               // letter O for zero
            "2026-SCJG-00l",               // letter l for one
        ] {
            assert!(look_alike(base, twin), "{twin}");
            assert_eq!(
                TaskId::new(base).unwrap().skeleton(),
                TaskId::new(twin).unwrap().skeleton()
            );
        }
        assert!(look_alike("ACME-E1", "ACME-\u{415}1")); // Cyrillic Е
        assert!(!look_alike(base, base));
        assert!(!look_alike(base, "2026-SCJG-002"));
        assert!(!look_alike("市场监管局", "卫生健康局"));
    }
}
