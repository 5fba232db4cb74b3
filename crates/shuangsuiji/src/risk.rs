//! Credit-risk grades (信用风险分类) and the strata a draw is divided into.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An enterprise's credit-risk grade: A low risk (“无事不扰”) to D high risk (“无处不在”).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskGrade {
    /// Low risk.
    A,
    /// Ordinary risk.
    B,
    /// Elevated risk.
    C,
    /// High risk.
    D,
}

impl RiskGrade {
    /// All grades, lowest risk first.
    pub const ALL: [RiskGrade; 4] = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
}

impl fmt::Display for RiskGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Stratum::from(Some(*self)).fmt(f)
    }
}

/// A grade that is not one of `A`, `B`, `C`, `D` (case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a credit-risk grade: expected A, B, C or D (or empty for ungraded)")]
pub struct BadGrade(pub String);

impl FromStr for RiskGrade {
    type Err = BadGrade;
    fn from_str(s: &str) -> Result<Self, BadGrade> {
        match s.trim() {
            "A" | "a" => Ok(RiskGrade::A),
            "B" | "b" => Ok(RiskGrade::B),
            "C" | "c" => Ok(RiskGrade::C),
            "D" | "d" => Ok(RiskGrade::D),
            _ => Err(BadGrade(s.to_owned())),
        }
    }
}

/// A stratum of a draw: one per grade, plus one for entities without a grade (newly registered,
/// not yet assessed), which need a ratio of their own.
///
/// The order of the variants is the canonical stratum order used everywhere in records and in
/// `docs/SAMPLING.md`: A, B, C, D, ungraded (index 0 to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stratum {
    /// Grade A.
    A,
    /// Grade B.
    B,
    /// Grade C.
    C,
    /// Grade D.
    D,
    /// No grade.
    #[serde(rename = "ungraded")]
    Ungraded,
}

impl Stratum {
    /// All strata in canonical order.
    pub const ALL: [Stratum; 5] = [
        Stratum::A,
        Stratum::B,
        Stratum::C,
        Stratum::D,
        Stratum::Ungraded,
    ];
    /// The number of strata.
    pub const COUNT: usize = 5;

    /// The canonical index, 0 to 4.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stratum of a canonical index.
    pub fn from_index(i: usize) -> Option<Stratum> {
        Stratum::ALL.get(i).copied()
    }

    /// The grade of the stratum (`None` for the ungraded).
    pub fn grade(self) -> Option<RiskGrade> {
        match self {
            Stratum::A => Some(RiskGrade::A),
            Stratum::B => Some(RiskGrade::B),
            Stratum::C => Some(RiskGrade::C),
            Stratum::D => Some(RiskGrade::D),
            Stratum::Ungraded => None,
        }
    }

    /// The name used in records and on the command line: `A`…`D`, `ungraded`.
    pub fn name(self) -> &'static str {
        ["A", "B", "C", "D", "ungraded"][self.index()]
    }
}

impl From<Option<RiskGrade>> for Stratum {
    fn from(g: Option<RiskGrade>) -> Stratum {
        match g {
            Some(RiskGrade::A) => Stratum::A,
            Some(RiskGrade::B) => Stratum::B,
            Some(RiskGrade::C) => Stratum::C,
            Some(RiskGrade::D) => Stratum::D,
            None => Stratum::Ungraded,
        }
    }
}

impl fmt::Display for Stratum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Stratum {
    type Err = BadGrade;
    fn from_str(s: &str) -> Result<Self, BadGrade> {
        match s.trim() {
            "ungraded" | "U" | "u" | "none" => Ok(Stratum::Ungraded),
            other => other.parse::<RiskGrade>().map(|g| Stratum::from(Some(g))),
        }
    }
}

/// One value per stratum, in canonical order; serialised as an object keyed by stratum name.
/// A stratum missing from the object takes the default (no ratio, no bounds, zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(
    default,
    deny_unknown_fields,
    bound(deserialize = "T: Deserialize<'de> + Default")
)]
pub struct PerStratum<T> {
    /// Grade A.
    #[serde(rename = "A")]
    pub a: T,
    /// Grade B.
    #[serde(rename = "B")]
    pub b: T,
    /// Grade C.
    #[serde(rename = "C")]
    pub c: T,
    /// Grade D.
    #[serde(rename = "D")]
    pub d: T,
    /// No grade.
    pub ungraded: T,
}

impl<T> PerStratum<T> {
    /// Builds a value per stratum from a function.
    pub fn from_fn(mut f: impl FnMut(Stratum) -> T) -> Self {
        PerStratum {
            a: f(Stratum::A),
            b: f(Stratum::B),
            c: f(Stratum::C),
            d: f(Stratum::D),
            ungraded: f(Stratum::Ungraded),
        }
    }

    /// The value of one stratum.
    pub fn get(&self, s: Stratum) -> &T {
        match s {
            Stratum::A => &self.a,
            Stratum::B => &self.b,
            Stratum::C => &self.c,
            Stratum::D => &self.d,
            Stratum::Ungraded => &self.ungraded,
        }
    }

    /// The value of one stratum, mutably.
    pub fn get_mut(&mut self, s: Stratum) -> &mut T {
        match s {
            Stratum::A => &mut self.a,
            Stratum::B => &mut self.b,
            Stratum::C => &mut self.c,
            Stratum::D => &mut self.d,
            Stratum::Ungraded => &mut self.ungraded,
        }
    }

    /// `(stratum, value)` pairs in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (Stratum, &T)> {
        Stratum::ALL.into_iter().map(move |s| (s, self.get(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strata_round_trip_by_name_and_index() {
        for (i, s) in Stratum::ALL.into_iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(Stratum::from_index(i), Some(s));
            assert_eq!(Stratum::from(s.grade()), s);
            assert_eq!(s.name().parse::<Stratum>().unwrap(), s);
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.name())
            );
        }
        assert_eq!(Stratum::from_index(5), None);
        assert!("E".parse::<RiskGrade>().is_err());
        assert_eq!("c".parse::<RiskGrade>().unwrap(), RiskGrade::C);
    }

    #[test]
    fn per_stratum_is_keyed_by_name() {
        let p = PerStratum::from_fn(|s| s.index());
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"A":0,"B":1,"C":2,"D":3,"ungraded":4}"#
        );
        assert_eq!(*p.get(Stratum::D), 3);
        // Missing strata take the default; unknown ones are refused.
        let q: PerStratum<u64> = serde_json::from_str(r#"{"B": 7}"#).unwrap();
        assert_eq!((q.a, q.b, q.ungraded), (0, 7, 0));
        assert!(serde_json::from_str::<PerStratum<u64>>(r#"{"E": 1}"#).is_err());
    }
}
