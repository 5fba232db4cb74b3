//! Sampling policies: the ratio per grade, stratum bounds, fixed-total allocation, exclusions.
//!
//! Every number that decides *which* entities are drawn is an integer, so that another
//! implementation of `docs/SAMPLING.md` gets the same sample sizes bit for bit.

use crate::risk::{PerStratum, Stratum};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Parts per million in 100%.
pub const PPM: u32 = 1_000_000;

/// A sampling ratio in (0, 100%], held exactly in parts per million (0.0001% steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ratio(u32);

/// A ratio that cannot be read or lies outside (0, 100%].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ratio {text:?}: {problem}")]
pub struct BadRatio {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub problem: &'static str,
}

impl Ratio {
    /// A ratio from parts per million; `None` outside 1..=1,000,000.
    pub fn from_ppm(ppm: u32) -> Option<Ratio> {
        (1..=PPM).contains(&ppm).then_some(Ratio(ppm))
    }

    /// A ratio from whole percent; `None` outside 1..=100.
    pub fn percent(p: u32) -> Option<Ratio> {
        p.checked_mul(10_000).and_then(Ratio::from_ppm)
    }

    /// The ratio in parts per million.
    pub fn ppm(self) -> u32 {
        self.0
    }

    /// The ratio as a fraction, for display and estimates only.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(PPM)
    }
}

impl FromStr for Ratio {
    type Err = BadRatio;

    /// Reads `"5%"`, `"12.5%"`, `"0.0001%"`: a percentage with at most four decimals.
    fn from_str(text: &str) -> Result<Ratio, BadRatio> {
        let bad = |problem| BadRatio {
            text: text.to_owned(),
            problem,
        };
        // Exactly the grammar of docs/SAMPLING.md §8: digits, optionally a dot and 1–4 digits,
        // then `%`; no spaces, no sign (front ends trim what users type before parsing).
        let body = text
            .strip_suffix('%')
            .ok_or_else(|| bad("write it as a percentage, e.g. 5% or 12.5%"))?;
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !frac.is_none_or(digits) {
            return Err(bad("not a number"));
        }
        let frac = frac.unwrap_or("");
        if frac.len() > 4 {
            return Err(bad("at most four decimals (0.0001%) are supported"));
        }
        let whole: u64 = whole.parse().map_err(|_| bad("too large"))?;
        let frac_ppm: u64 = format!("{frac:0<4}").parse().unwrap_or(0);
        let ppm = whole.saturating_mul(10_000).saturating_add(frac_ppm);
        match u32::try_from(ppm).ok().and_then(Ratio::from_ppm) {
            Some(r) => Ok(r),
            None if ppm == 0 => Err(bad("must be more than 0%")),
            None => Err(bad("must be at most 100%")),
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 10_000, self.0 % 10_000);
        if frac == 0 {
            write!(f, "{whole}%")
        } else {
            let frac = format!("{frac:04}");
            write!(f, "{whole}.{}%", frac.trim_end_matches('0'))
        }
    }
}

impl TryFrom<String> for Ratio {
    type Error = BadRatio;
    fn try_from(s: String) -> Result<Ratio, BadRatio> {
        s.parse()
    }
}

impl From<Ratio> for String {
    fn from(r: Ratio) -> String {
        r.to_string()
    }
}

/// Optional lower and upper bounds on one stratum's sample size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Draw at least this many (or all, when fewer are eligible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Draw at most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// How the total sample size is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", from = "SampleSizeRepr")]
pub enum SampleSize {
    /// Each stratum draws its ratio of its eligible entities, rounded up.
    #[default]
    ByRatio,
    /// A fixed total is allocated across strata in proportion to `eligible × ratio`
    /// (largest remainder).
    FixedTotal {
        /// The total number to draw.
        total: u64,
    },
}

/// [`SampleSize`] as read: serde ignores unknown fields beside the tag of a unit variant
/// (`{"mode": "by_ratio", "x": 1}`), so every variant is read as a struct variant, which refuses
/// them.
#[derive(Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
enum SampleSizeRepr {
    ByRatio {},
    FixedTotal { total: u64 },
}

impl From<SampleSizeRepr> for SampleSize {
    fn from(r: SampleSizeRepr) -> SampleSize {
        match r {
            SampleSizeRepr::ByRatio {} => SampleSize::ByRatio,
            SampleSizeRepr::FixedTotal { total } => SampleSize::FixedTotal { total },
        }
    }
}

/// Which past inspections make a target ineligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecentBy {
    /// Any inspection by the drawing department, whatever the item.
    SameDepartment,
    /// Any inspection, by anyone, of one of the task's items.
    SameItem,
}

/// “Inspected within `within_days` days before the draw date” (the draw day included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentRule {
    /// The window length in days (≥ 1).
    pub within_days: u32,
    /// Which inspections count.
    pub by: RecentBy,
}

/// Which entities are left out of the draw; each one left out is counted by reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusions {
    /// Leave out entities that are not active (deregistered, revoked, moved out).
    #[serde(default = "yes")]
    pub inactive: bool,
    /// Leave out positive-list entities (set `false` for off-site checks).
    #[serde(default = "yes")]
    pub positive_list: bool,
    /// Leave out entities inspected recently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<RecentRule>,
}

fn yes() -> bool {
    true
}

impl Default for Exclusions {
    fn default() -> Self {
        Exclusions {
            inactive: true,
            positive_list: true,
            recent: Vec::new(),
        }
    }
}

/// How entities are drawn within a stratum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Simple random sampling without replacement: every eligible entity has probability n/N.
    #[default]
    Uniform,
    /// Probability proportional to the target's integer `risk_score` (sequential Poisson
    /// sampling; see `docs/SAMPLING.md` for the inclusion probabilities it implies).
    RiskScore,
}

/// The sampling rule of a plan: ratios by grade and everything that goes with them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingPolicy {
    /// The ratio of each stratum; a stratum without one may have no eligible entity.
    pub ratios: PerStratum<Option<Ratio>>,
    /// Optional bounds per stratum.
    #[serde(default)]
    pub bounds: PerStratum<Bounds>,
    /// Ratio mode or fixed total.
    #[serde(default)]
    pub size: SampleSize,
    /// Exclusions.
    #[serde(default)]
    pub exclusions: Exclusions,
    /// Uniform or risk-weighted within a stratum.
    #[serde(default)]
    pub weighting: Weighting,
}

/// A policy that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A stratum with eligible entities has no ratio.
    #[error("stratum {stratum} has {eligible} eligible targets but the policy gives it no ratio")]
    MissingRatio {
        /// The stratum.
        stratum: Stratum,
        /// Its eligible count.
        eligible: u64,
    },
    /// A stratum's minimum exceeds its maximum.
    #[error("stratum {stratum}: minimum {min} is above maximum {max}")]
    BoundsInverted {
        /// The stratum.
        stratum: Stratum,
        /// The minimum.
        min: u64,
        /// The maximum.
        max: u64,
    },
    /// A fixed total that the eligible entities and bounds cannot meet.
    #[error("fixed total {total} cannot be met: the strata allow between {at_least} and {at_most}")]
    TotalOutOfReach {
        /// The requested total.
        total: u64,
        /// The least the bounds allow.
        at_least: u64,
        /// The most the eligible entities and bounds allow.
        at_most: u64,
    },
    /// A recent-inspection rule with a zero window.
    #[error("a recent-inspection window must be at least 1 day")]
    EmptyWindow,
    /// Eligible counts that add up past 2⁶⁴ − 1: no pool holds that many targets, so the counts
    /// (e.g. a census assembled from shards) cannot be right.
    #[error(
        "the eligible counts A {}, B {}, C {}, D {}, ungraded {} sum past 2^64 - 1: no pool holds that many targets",
        .eligible.a, .eligible.b, .eligible.c, .eligible.d, .eligible.ungraded
    )]
    EligibleOverflow {
        /// The counts, per stratum.
        eligible: PerStratum<u64>,
    },
}

impl SamplingPolicy {
    /// Ratios for grades A–D and for ungraded entities (`None`: that stratum must be empty).
    pub fn by_grade(
        a: Ratio,
        b: Ratio,
        c: Ratio,
        d: Ratio,
        ungraded: Option<Ratio>,
    ) -> SamplingPolicy {
        SamplingPolicy {
            ratios: PerStratum {
                a: Some(a),
                b: Some(b),
                c: Some(c),
                d: Some(d),
                ungraded,
            },
            bounds: PerStratum::default(),
            size: SampleSize::ByRatio,
            exclusions: Exclusions::default(),
            weighting: Weighting::Uniform,
        }
    }

    /// Checks what can be checked without a pool.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (stratum, b) in self.bounds.iter() {
            if let (Some(min), Some(max)) = (b.min, b.max) {
                if min > max {
                    return Err(PolicyError::BoundsInverted { stratum, min, max });
                }
            }
        }
        if self.exclusions.recent.iter().any(|r| r.within_days == 0) {
            return Err(PolicyError::EmptyWindow);
        }
        Ok(())
    }

    /// The sample size of each stratum, given its eligible count (see `docs/SAMPLING.md` §4).
    pub fn allocate(&self, eligible: &PerStratum<u64>) -> Result<PerStratum<u64>, PolicyError> {
        self.validate()?;
        // Every sum below (the total eligible, the least and most a fixed total can reach)
        // is at most this one.
        if eligible
            .iter()
            .try_fold(0u64, |sum, (_, &n)| sum.checked_add(n))
            .is_none()
        {
            return Err(PolicyError::EligibleOverflow {
                eligible: *eligible,
            });
        }
        let mut ppm = PerStratum::<u64>::default();
        for (stratum, &n) in eligible.iter() {
            match self.ratios.get(stratum) {
                Some(r) => *ppm.get_mut(stratum) = u64::from(r.ppm()),
                None if n > 0 => {
                    return Err(PolicyError::MissingRatio {
                        stratum,
                        eligible: n,
                    });
                }
                None => {}
            }
        }
        match self.size {
            SampleSize::ByRatio => Ok(PerStratum::from_fn(|s| {
                let n = *eligible.get(s);
                let b = self.bounds.get(s);
                // ceil(n × ppm / 10⁶): a ratio is a floor the plan must meet (“不低于”).
                let size = (u128::from(n) * u128::from(*ppm.get(s))).div_ceil(u128::from(PPM));
                let mut size = u64::try_from(size.min(u128::from(n))).unwrap_or(n);
                if let Some(min) = b.min {
                    size = size.max(min);
                }
                if let Some(max) = b.max {
                    size = size.min(max);
                }
                size.min(n)
            })),
            SampleSize::FixedTotal { total } => self.allocate_total(total, eligible, &ppm),
        }
    }

    fn allocate_total(
        &self,
        total: u64,
        eligible: &PerStratum<u64>,
        ppm: &PerStratum<u64>,
    ) -> Result<PerStratum<u64>, PolicyError> {
        let lower =
            PerStratum::from_fn(|s| self.bounds.get(s).min.unwrap_or(0).min(*eligible.get(s)));
        let upper = PerStratum::from_fn(|s| {
            self.bounds
                .get(s)
                .max
                .unwrap_or(u64::MAX)
                .min(*eligible.get(s))
        });
        let at_least: u64 = Stratum::ALL.iter().map(|&s| *lower.get(s)).sum();
        let at_most: u64 = Stratum::ALL.iter().map(|&s| *upper.get(s)).sum();
        if total < at_least || total > at_most {
            return Err(PolicyError::TotalOutOfReach {
                total,
                at_least,
                at_most,
            });
        }
        let mut alloc = lower;
        let mut rest = total - at_least;
        // weight = eligible × ppm < 2⁶⁴ · 2²⁰, so a sum of five fits in u128 (< 2⁸⁷).
        let weight = |s: Stratum| u128::from(*eligible.get(s)) * u128::from(*ppm.get(s));
        let mut open: Vec<Stratum> = Stratum::ALL
            .into_iter()
            .filter(|&s| upper.get(s) > lower.get(s) && weight(s) > 0)
            .collect();
        while rest > 0 && !open.is_empty() {
            let sum: u128 = open.iter().map(|&s| weight(s)).sum();
            let mut quota: Vec<(Stratum, u64, u128)> = open
                .iter()
                .map(|&s| {
                    let (q, r) = share(rest, *eligible.get(s), *ppm.get(s), sum);
                    (s, q, r)
                })
                .collect();
            let given: u64 = quota.iter().map(|q| q.1).sum();
            // Largest remainder; ties go to the higher-risk stratum (D, C, B, A, then ungraded).
            let mut order: Vec<usize> = (0..quota.len()).collect();
            order.sort_by(|&i, &j| {
                quota[j]
                    .2
                    .cmp(&quota[i].2)
                    .then(tie_rank(quota[i].0).cmp(&tie_rank(quota[j].0)))
            });
            for &i in order
                .iter()
                .take(usize::try_from(rest - given).unwrap_or(usize::MAX))
            {
                quota[i].1 += 1;
            }
            let full: Vec<Stratum> = quota
                .iter()
                .filter(|&&(s, q, _)| q > upper.get(s) - alloc.get(s))
                .map(|q| q.0)
                .collect();
            if full.is_empty() {
                for (s, q, _) in quota {
                    *alloc.get_mut(s) += q;
                }
                rest = 0;
            } else {
                // Strata that would overflow are filled to their cap; the rest is shared again.
                for s in full {
                    rest -= upper.get(s) - alloc.get(s);
                    *alloc.get_mut(s) = *upper.get(s);
                    open.retain(|&o| o != s);
                }
            }
        }
        Ok(alloc)
    }
}

/// `rest × eligible × ppm` divided by `sum` (the weights of the open strata): the quotient and
/// the remainder, exactly. The product can pass 2¹²⁸ (2⁶⁴ · 2⁶⁴ · 2²⁰), so it is never formed:
/// with `rest × eligible = q₀·sum + r₀` (which fits: both factors are below 2⁶⁴),
/// `rest × eligible × ppm = q₀·ppm·sum + r₀·ppm`, and `r₀·ppm < sum · 2²⁰ < 2¹⁰⁷` fits too.
/// The quotient is at most `rest`, as `eligible × ppm ≤ sum`.
fn share(rest: u64, eligible: u64, ppm: u64, sum: u128) -> (u64, u128) {
    debug_assert!(ppm <= u64::from(PPM) && u128::from(eligible) * u128::from(ppm) <= sum);
    let x = u128::from(rest) * u128::from(eligible);
    let (q0, r0) = (x / sum, x % sum);
    let r = r0 * u128::from(ppm);
    let q = q0 * u128::from(ppm) + r / sum;
    (u64::try_from(q).unwrap_or(rest), r % sum)
}

fn tie_rank(s: Stratum) -> u8 {
    match s {
        Stratum::D => 0,
        Stratum::C => 1,
        Stratum::B => 2,
        Stratum::A => 3,
        Stratum::Ungraded => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Ratio {
        s.parse().unwrap()
    }

    fn per(a: u64, b: u64, c: u64, d: u64, u: u64) -> PerStratum<u64> {
        PerStratum {
            a,
            b,
            c,
            d,
            ungraded: u,
        }
    }

    #[test]
    fn ratios_parse_exactly() {
        assert_eq!(r("5%").ppm(), 50_000);
        assert_eq!(r("12.5%").ppm(), 125_000);
        assert_eq!(r("0.0001%").ppm(), 1);
        assert_eq!(r("100%").ppm(), 1_000_000);
        assert_eq!(r("12.5%").to_string(), "12.5%");
        assert_eq!(r("7.0500%").to_string(), "7.05%");
        for bad in [
            "5.%",
            " 5%",
            "5% ",
            "0%",
            "100.0001%",
            "5",
            "-5%",
            "5.00001%",
            "x%",
            "%",
            "1e2%",
            "99999999999999999999%",
        ] {
            assert!(bad.parse::<Ratio>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn ratio_mode_rounds_up_and_applies_bounds() {
        let mut p =
            SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), Some(r("10%")));
        assert_eq!(
            p.allocate(&per(101, 10, 3, 7, 0)).unwrap(),
            per(6, 2, 2, 7, 0)
        );
        p.bounds.a = Bounds {
            min: Some(10),
            max: None,
        };
        p.bounds.d = Bounds {
            min: None,
            max: Some(5),
        };
        assert_eq!(
            p.allocate(&per(101, 10, 3, 7, 0)).unwrap(),
            per(10, 2, 2, 5, 0)
        );
        // A minimum never draws more than is eligible.
        assert_eq!(p.allocate(&per(4, 0, 0, 0, 0)).unwrap(), per(4, 0, 0, 0, 0));
    }

    #[test]
    fn missing_ratio_is_an_error_only_when_the_stratum_is_populated() {
        let p = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
        assert!(p.allocate(&per(1, 1, 1, 1, 0)).is_ok());
        assert_eq!(
            p.allocate(&per(1, 1, 1, 1, 3)),
            Err(PolicyError::MissingRatio {
                stratum: Stratum::Ungraded,
                eligible: 3
            })
        );
    }

    #[test]
    fn fixed_total_uses_largest_remainder_with_risk_tie_break() {
        let mut p = SamplingPolicy::by_grade(r("10%"), r("10%"), r("10%"), r("10%"), None);
        p.size = SampleSize::FixedTotal { total: 10 };
        // Equal weights: 2.5 each, two extra seats go to D then C.
        assert_eq!(p.allocate(&per(5, 5, 5, 5, 0)).unwrap(), per(2, 2, 3, 3, 0));
        // Caps: A can only give 1, the rest is shared.
        assert_eq!(p.allocate(&per(1, 5, 5, 5, 0)).unwrap(), per(1, 3, 3, 3, 0));
        p.size = SampleSize::FixedTotal { total: 17 };
        assert!(matches!(
            p.allocate(&per(1, 5, 5, 5, 0)),
            Err(PolicyError::TotalOutOfReach { at_most: 16, .. })
        ));
    }

    #[test]
    fn fixed_total_weights_by_eligible_times_ratio() {
        let mut p = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
        p.size = SampleSize::FixedTotal { total: 100 };
        // Weights 1000×5, 1000×20, 100×60, 10×100 (×10⁴): 5000:20000:6000:1000 of 32000.
        let a = p.allocate(&per(1000, 1000, 100, 10, 0)).unwrap();
        assert_eq!(a, per(16, 62, 19, 3, 0));
        assert_eq!(a.a + a.b + a.c + a.d, 100);
    }

    #[test]
    fn counts_that_sum_past_u64_are_an_error_in_both_modes() {
        let half = u64::MAX / 2 + 1;
        for size in [SampleSize::ByRatio, SampleSize::FixedTotal { total: 5 }] {
            let mut p =
                SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), Some(r("1%")));
            p.size = size;
            let e = p.allocate(&per(half, 0, 0, half, 3)).unwrap_err();
            assert_eq!(
                e,
                PolicyError::EligibleOverflow {
                    eligible: per(half, 0, 0, half, 3)
                }
            );
            assert_eq!(
                e.to_string(),
                format!(
                    "the eligible counts A {half}, B 0, C 0, D {half}, ungraded 3 sum past 2^64 - 1: \
                     no pool holds that many targets"
                )
            );
            // Up to u64::MAX in all is fine.
            assert!(p.allocate(&per(half, 0, 0, half - 1, 0)).is_ok());
        }
    }

    #[test]
    fn a_fixed_total_of_huge_counts_is_shared_exactly() {
        // rest × eligible × ppm is 2⁶² · 2⁶² · 10⁶ here, far past u128 (this panicked).
        let mut p = SamplingPolicy::by_grade(r("100%"), r("100%"), r("50%"), r("100%"), None);
        let big = 1u64 << 62;
        p.size = SampleSize::FixedTotal { total: big };
        let a = p.allocate(&per(big, big, 0, 0, 0)).unwrap();
        assert_eq!(a, per(big / 2, big / 2, 0, 0, 0));
        // Weights 2:1 (ratios 100% and 50%), total 3·2⁶⁰: 2⁶¹ and 2⁶⁰.
        p.size = SampleSize::FixedTotal { total: 3 << 60 };
        assert_eq!(
            p.allocate(&per(0, big, big, 0, 0)).unwrap(),
            per(0, 1 << 61, 1 << 60, 0, 0)
        );
        // The largest remainder, with the sums of the full size of u64.
        p.size = SampleSize::FixedTotal { total: u64::MAX };
        let a = p.allocate(&per(u64::MAX - 7, 7, 0, 0, 0)).unwrap();
        assert_eq!(a, per(u64::MAX - 7, 7, 0, 0, 0));
    }

    #[test]
    fn share_is_the_exact_quotient_and_remainder() {
        for (rest, e, ppm, sum) in [
            (10u64, 5u64, 100_000u64, 2_000_000u128),
            (7, 3, 1, 13),
            (1 << 40, 1 << 40, 1_000_000, (1u128 << 40) * 3_000_000),
        ] {
            let num = u128::from(rest) * u128::from(e) * u128::from(ppm);
            assert_eq!(
                share(rest, e, ppm, sum),
                (u64::try_from(num / sum).unwrap(), num % sum)
            );
        }
    }

    mod huge_counts {
        use super::*;
        use proptest::prelude::*;

        /// Counts from 0 to u64::MAX, crowded near the edges where sums and products overflow.
        fn count() -> impl Strategy<Value = u64> + Clone {
            prop_oneof![
                0..20u64,
                any::<u64>(),
                (u64::MAX / 5 - 3)..=(u64::MAX / 5 + 3),
                (u64::MAX / 2 - 3)..=(u64::MAX / 2 + 3),
                (u64::MAX - 20)..=u64::MAX,
            ]
        }

        fn ratio() -> impl Strategy<Value = Option<Ratio>> + Clone {
            prop_oneof![
                1 => Just(None),
                6 => prop_oneof![Just(1u32), Just(PPM), 1..=PPM].prop_map(|p| Some(Ratio(p))),
            ]
        }

        fn bounds() -> impl Strategy<Value = Bounds> + Clone {
            (proptest::option::of(count()), proptest::option::of(count()))
                .prop_map(|(min, max)| Bounds { min, max })
        }

        fn per_stratum<T: std::fmt::Debug>(
            s: impl Strategy<Value = T> + Clone,
        ) -> impl Strategy<Value = PerStratum<T>> {
            (s.clone(), s.clone(), s.clone(), s.clone(), s).prop_map(|(a, b, c, d, ungraded)| {
                PerStratum {
                    a,
                    b,
                    c,
                    d,
                    ungraded,
                }
            })
        }

        fn sum(p: &PerStratum<u64>) -> u128 {
            p.iter().map(|(_, &n)| u128::from(n)).sum()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Never a panic or a wrap: the right sizes, or the error that says why not.
            #[test]
            fn allocate_is_right_or_says_why(
                eligible in per_stratum(count()),
                ratios in per_stratum(ratio()),
                bounds in per_stratum(bounds()),
                fixed in proptest::option::of(prop_oneof![count(), Just(0u64)]),
            ) {
                let policy = SamplingPolicy {
                    ratios,
                    bounds,
                    size: fixed.map_or(SampleSize::ByRatio, |total| SampleSize::FixedTotal { total }),
                    exclusions: Exclusions::default(),
                    weighting: Weighting::Uniform,
                };
                let overflow = sum(&eligible) > u128::from(u64::MAX);
                let lower = PerStratum::from_fn(|s| {
                    policy.bounds.get(s).min.unwrap_or(0).min(*eligible.get(s))
                });
                let upper = PerStratum::from_fn(|s| {
                    policy.bounds.get(s).max.unwrap_or(u64::MAX).min(*eligible.get(s))
                });
                match policy.allocate(&eligible) {
                    Err(PolicyError::BoundsInverted { stratum, min, max }) => {
                        prop_assert!(min > max);
                        prop_assert_eq!(policy.bounds.get(stratum).min, Some(min));
                    }
                    Err(PolicyError::EligibleOverflow { eligible: e }) => {
                        prop_assert!(overflow);
                        prop_assert_eq!(e, eligible);
                    }
                    Err(PolicyError::MissingRatio { stratum, eligible: n }) => {
                        prop_assert!(!overflow);
                        prop_assert!(policy.ratios.get(stratum).is_none());
                        prop_assert!(n > 0 && n == *eligible.get(stratum));
                    }
                    Err(PolicyError::TotalOutOfReach { total, at_least, at_most }) => {
                        prop_assert!(!overflow);
                        prop_assert_eq!(Some(total), fixed);
                        prop_assert_eq!(u128::from(at_least), sum(&lower));
                        prop_assert_eq!(u128::from(at_most), sum(&upper));
                        prop_assert!(total < at_least || total > at_most);
                    }
                    Err(e) => prop_assert!(false, "unexpected {e}"),
                    Ok(sizes) => {
                        prop_assert!(!overflow);
                        for (s, &size) in sizes.iter() {
                            prop_assert!(size <= *eligible.get(s));
                            let b = policy.bounds.get(s);
                            match fixed {
                                None => {
                                    let n = *eligible.get(s);
                                    let ppm = policy.ratios.get(s).map_or(0, |r| r.ppm());
                                    let floor = (u128::from(n) * u128::from(ppm))
                                        .div_ceil(u128::from(PPM)) as u64;
                                    let want = floor
                                        .max(b.min.unwrap_or(0))
                                        .min(b.max.unwrap_or(u64::MAX))
                                        .min(n);
                                    prop_assert_eq!(size, want, "stratum {}", s);
                                }
                                Some(_) => {
                                    prop_assert!(*lower.get(s) <= size && size <= *upper.get(s));
                                }
                            }
                        }
                        if let Some(total) = fixed {
                            prop_assert_eq!(sum(&sizes), u128::from(total));
                        }
                    }
                }
            }

            /// The quotient and remainder of `rest × eligible × ppm / sum` where the product
            /// still fits in u128, against the direct computation.
            #[test]
            fn share_matches_the_direct_division(
                rest in 0..(1u64 << 50),
                e in 1..(1u64 << 50),
                ppm in 1..=u64::from(PPM),
                others in 0..(1u128 << 70),
            ) {
                let sum = u128::from(e) * u128::from(ppm) + others;
                let num = u128::from(rest) * u128::from(e) * u128::from(ppm);
                prop_assert_eq!(share(rest, e, ppm, sum), ((num / sum) as u64, num % sum));
            }
        }
    }

    #[test]
    fn bounds_are_checked() {
        let mut p = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
        p.bounds.b = Bounds {
            min: Some(5),
            max: Some(2),
        };
        assert!(matches!(
            p.validate(),
            Err(PolicyError::BoundsInverted {
                stratum: Stratum::B,
                ..
            })
        ));
    }
}
