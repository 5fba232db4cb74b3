//! Newtype identifiers, so that a target id can never be passed where a department id is expected.
//!
//! Every id is a non-empty UTF-8 string of at most [`MAX_ID_BYTES`] bytes without control
//! characters or surrounding white space. Platforms use many id schemes (credit codes, database
//! keys, department codes); we accept any of them but refuse ids that would break CSV, logs or
//! the canonical encoding of a pool.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The longest id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 128;

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
    Ok(())
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
}
