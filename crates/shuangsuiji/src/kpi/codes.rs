//! A set of known result codes in two bytes.
//!
//! Why not `BTreeSet<ResultCode>` as in [`crate::lifecycle::InspectionResult`]: a KPI input
//! holds one set per result, and at 10⁷ results a heap-allocated set per row costs gigabytes
//! and an allocation per row read. The KPI input refuses unknown codes anyway (a code it cannot
//! classify as a problem or not would make the discovery rate a guess), so the thirteen known
//! codes fit in a bit set, and “has a problem” is one mask test.

use crate::lifecycle::ResultCode;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;
use std::fmt;

/// A set of known [`ResultCode`]s (every code but [`ResultCode::Other`]).
///
/// JSON: a list of code names, like a `BTreeSet<ResultCode>`; reading accepts names or Chinese
/// labels and refuses unknown codes.
///
/// ```
/// use shuangsuiji::kpi::ResultCodes;
/// use shuangsuiji::lifecycle::ResultCode;
///
/// let codes: ResultCodes = "发现问题已责令改正;未按规定公示应当公示的信息".parse()?;
/// assert!(codes.has_problem());
/// assert_eq!(codes.len(), 2);
/// assert!(codes.contains(&ResultCode::ProblemOrderedToCorrect));
/// assert!("查无此码".parse::<ResultCodes>().is_err());
/// # Ok::<(), shuangsuiji::kpi::UnknownCode>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ResultCodes(u16);

/// A result code that is not one of [`ResultCode::KNOWN`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown result code {0:?}: neither a name nor a label of lifecycle::ResultCode")]
pub struct UnknownCode(pub String);

fn bit(code: &ResultCode) -> Option<u16> {
    ResultCode::KNOWN
        .iter()
        .position(|k| k == code)
        .map(|i| 1u16 << i)
}

fn problem_mask() -> u16 {
    ResultCode::KNOWN
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_problem())
        .fold(0, |m, (i, _)| m | 1 << i)
}

impl ResultCodes {
    /// The empty set.
    pub fn new() -> ResultCodes {
        ResultCodes(0)
    }

    /// Adds a code; `Ok(false)` when it was there already.
    ///
    /// # Errors
    ///
    /// [`UnknownCode`] for a [`ResultCode::Other`].
    pub fn insert(&mut self, code: &ResultCode) -> Result<bool, UnknownCode> {
        let b = bit(code).ok_or_else(|| UnknownCode(code.as_str().to_owned()))?;
        let new = self.0 & b == 0;
        self.0 |= b;
        Ok(new)
    }

    /// Whether the set holds `code`.
    pub fn contains(&self, code: &ResultCode) -> bool {
        bit(code).is_some_and(|b| self.0 & b != 0)
    }

    /// Whether any code is a problem found ([`ResultCode::is_problem`]).
    #[inline]
    pub fn has_problem(&self) -> bool {
        self.0 & problem_mask() != 0
    }

    /// The set as bits, in the order of [`ResultCode::KNOWN`].
    #[inline]
    pub(crate) fn bits(self) -> u16 {
        self.0
    }

    /// The bit of a code given by name or label, without allocating; `None` when unknown.
    pub(crate) fn bit_of_text(text: &str) -> Option<u16> {
        ResultCode::KNOWN
            .iter()
            .position(|c| c.as_str() == text || c.label() == text)
            .map(|i| 1u16 << i)
    }

    /// Adds the code of `bit` (from [`ResultCodes::bit_of_text`]); `false` when it was there.
    pub(crate) fn insert_bit(&mut self, bit: u16) -> bool {
        let new = self.0 & bit == 0;
        self.0 |= bit;
        new
    }

    /// The bits of the problem codes and the bit of [`ResultCode::NoProblemFound`].
    pub(crate) fn masks() -> (u16, u16) {
        (
            problem_mask(),
            bit(&ResultCode::NoProblemFound).unwrap_or_default(),
        )
    }

    /// The number of codes.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The codes, in the order of [`ResultCode::KNOWN`].
    pub fn iter(&self) -> impl Iterator<Item = ResultCode> + '_ {
        ResultCode::KNOWN
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, c)| c.clone())
    }

    /// The codes as the set [`crate::lifecycle::InspectionResult`] holds.
    pub fn to_set(&self) -> BTreeSet<ResultCode> {
        self.iter().collect()
    }
}

impl TryFrom<&BTreeSet<ResultCode>> for ResultCodes {
    type Error = UnknownCode;
    fn try_from(set: &BTreeSet<ResultCode>) -> Result<Self, UnknownCode> {
        let mut out = ResultCodes::new();
        for c in set {
            out.insert(c)?;
        }
        Ok(out)
    }
}

impl<const N: usize> TryFrom<[ResultCode; N]> for ResultCodes {
    type Error = UnknownCode;
    fn try_from(codes: [ResultCode; N]) -> Result<Self, UnknownCode> {
        let mut out = ResultCodes::new();
        for c in &codes {
            out.insert(c)?;
        }
        Ok(out)
    }
}

impl std::str::FromStr for ResultCodes {
    type Err = UnknownCode;
    /// Names or labels separated by `;` (or `；`); repeats are kept once.
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        let mut out = ResultCodes::new();
        for part in s
            .split([';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            out.insert(&ResultCode::from(part))?;
        }
        Ok(out)
    }
}

impl fmt::Display for ResultCodes {
    /// The names joined by `;`, as in `results.csv`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(c.as_str())?;
        }
        Ok(())
    }
}

impl Serialize for ResultCodes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ResultCodes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let codes = Vec::<String>::deserialize(d)?;
        let mut out = ResultCodes::new();
        for c in codes {
            out.insert(&ResultCode::from(c)).map_err(D::Error::custom)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips_and_problems_match_the_lifecycle() {
        for code in ResultCode::KNOWN {
            let set = ResultCodes::try_from([code.clone()]).unwrap();
            assert_eq!(set.to_set(), BTreeSet::from([code.clone()]));
            assert_eq!(set.has_problem(), code.is_problem(), "{code}");
            assert_eq!(set.to_string().parse::<ResultCodes>().unwrap(), set);
            assert_eq!(code.label().parse::<ResultCodes>().unwrap(), set);
            let json = serde_json::to_string(&set).unwrap();
            assert_eq!(serde_json::from_str::<ResultCodes>(&json).unwrap(), set);
        }
        assert!(ResultCodes::try_from([ResultCode::Other("x".into())]).is_err());
        assert!(serde_json::from_str::<ResultCodes>("[\"x\"]").is_err());
    }
}
