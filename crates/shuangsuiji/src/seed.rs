//! 256-bit draw seeds, and their derivation from public entropy.
//!
//! A seed nobody could know in advance, and anybody can recompute afterwards, comes from a value
//! published by a third party after the pool was frozen: the numbers of a public lottery draw, a
//! randomness beacon, a closing index. The derivation binds that value to the task, so one public
//! value serves many tasks without giving them the same draw.

use crate::digest::Encoder;
use crate::ids::TaskId;
use serde::{Deserialize, Serialize};

/// A 256-bit seed, written as 64 hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seed(pub [u8; 32]);

impl Seed {
    /// The seed derived from a public value for a task (`docs/SAMPLING.md` §2):
    /// `SM3(str("shuangsuiji/seed/v1") ‖ str(source) ‖ str(value) ‖ str(task_id))`.
    ///
    /// `source` says where the value was published (e.g. “中国福利彩票双色球 第2026136期”),
    /// `value` is the value exactly as published. Both are recorded verbatim.
    pub fn from_public_entropy(source: &str, value: &str, task: &TaskId) -> Seed {
        let mut e = Encoder::new("shuangsuiji/seed/v1");
        e.str(source);
        e.str(value);
        e.str(task.as_str());
        Seed(e.finish().0)
    }
}

crate::digest::hex32_newtype!(Seed, "seed");

/// Where a seed came from, as a record states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", from = "SeedOriginRepr")]
pub enum SeedOrigin {
    /// Supplied directly (e.g. from a hardware generator, witnessed); cannot be re-derived.
    #[default]
    Given,
    /// Derived by [`Seed::from_public_entropy`]; a verifier recomputes it.
    PublicEntropy {
        /// Where the value was published.
        source: String,
        /// The value exactly as published.
        value: String,
    },
}

/// [`SeedOrigin`] as read: serde ignores unknown fields beside the tag of a unit variant
/// (`{"method": "given", "x": 1}`), so every variant is read as a struct variant, which refuses
/// them.
#[derive(Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
enum SeedOriginRepr {
    Given {},
    PublicEntropy { source: String, value: String },
}

impl From<SeedOriginRepr> for SeedOrigin {
    fn from(r: SeedOriginRepr) -> SeedOrigin {
        match r {
            SeedOriginRepr::Given {} => SeedOrigin::Given,
            SeedOriginRepr::PublicEntropy { source, value } => {
                SeedOrigin::PublicEntropy { source, value }
            }
        }
    }
}

impl SeedOrigin {
    /// The seed this origin implies for a task, when it can be recomputed.
    pub fn derive(&self, task: &TaskId) -> Option<Seed> {
        match self {
            SeedOrigin::Given => None,
            SeedOrigin::PublicEntropy { source, value } => {
                Some(Seed::from_public_entropy(source, value, task))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_binds_every_input() {
        let t1 = TaskId::new("T1").unwrap();
        let t2 = TaskId::new("T2").unwrap();
        let s = Seed::from_public_entropy("lottery", "01 02 03", &t1);
        assert_ne!(s, Seed::from_public_entropy("lottery", "01 02 03", &t2));
        assert_ne!(s, Seed::from_public_entropy("lottery", "01 02 04", &t1));
        assert_ne!(s, Seed::from_public_entropy("lotter", "y01 02 03", &t1));
        let origin = SeedOrigin::PublicEntropy {
            source: "lottery".into(),
            value: "01 02 03".into(),
        };
        assert_eq!(origin.derive(&t1), Some(s));
        assert_eq!(SeedOrigin::Given.derive(&t1), None);
    }

    #[test]
    fn hex_form() {
        let s: Seed = "00"
            .repeat(31)
            .chars()
            .chain("ff".chars())
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(s.0[31], 0xff);
        assert_eq!(
            serde_json::from_str::<Seed>(&serde_json::to_string(&s).unwrap()).unwrap(),
            s
        );
        let err = "abc".parse::<Seed>().unwrap_err();
        assert!(err.to_string().contains("64 hex characters"), "{err}");
    }
}
