//! Sampling policies: read from JSON, validated, and allocated over fuzzed eligible counts.
//!
//! Input: when the first byte is an ASCII digit, a first line of up to five eligible counts
//! (`A B C D ungraded`, missing or unreadable ones are 0) followed by a `SamplingPolicy` as
//! JSON; otherwise the bytes build the counts and the policy directly, with counts and bounds
//! of any size up to `u64::MAX`.
//!
//! Invariants:
//! - reading, validating and allocating never panic;
//! - a policy read from JSON writes back to JSON that reads back equal;
//! - `allocate` gives exactly the sizes of `docs/SAMPLING.md` §4, computed here by an
//!   independent implementation of its text (in exact arithmetic, whatever the counts): the
//!   same error, or the same size per stratum;
//!   and every size lies within the stratum's bounds and eligible count, and in fixed-total
//!   mode they add up to the total.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shuangsuiji::policy::{
    Bounds, Exclusions, PPM, PolicyError, Ratio, RecentBy, RecentRule, SampleSize, SamplingPolicy,
    Weighting,
};
use shuangsuiji::risk::{PerStratum, Stratum};
use shuangsuiji_fuzz::{build, index};

/// A count: small ones are where the rounding happens, any u64 is where overflows are.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Count {
    Small(u8),
    Any(u64),
}

impl Count {
    fn get(self) -> u64 {
        match self {
            Count::Small(n) => u64::from(n),
            Count::Any(n) => n,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Case {
    eligible: [Count; 5],
    ratios: [Option<u32>; 5],
    bounds: [(Option<Count>, Option<Count>); 5],
    total: Option<Count>,
    recent: Vec<(u32, bool)>,
    inactive: bool,
    positive_list: bool,
    weighted: bool,
}

impl Case {
    fn eligible(&self) -> PerStratum<u64> {
        PerStratum::from_fn(|s| self.eligible[index(s)].get())
    }

    fn policy(&self) -> SamplingPolicy {
        SamplingPolicy {
            ratios: PerStratum::from_fn(|s| {
                self.ratios[index(s)]
                    .map(|r| Ratio::from_ppm(r % PPM + 1).expect("reduced into 1..=1,000,000"))
            }),
            bounds: PerStratum::from_fn(|s| {
                let (min, max) = self.bounds[index(s)];
                Bounds {
                    min: min.map(Count::get),
                    max: max.map(Count::get),
                }
            }),
            size: match self.total {
                Some(t) => SampleSize::FixedTotal { total: t.get() },
                None => SampleSize::ByRatio,
            },
            exclusions: Exclusions {
                inactive: self.inactive,
                positive_list: self.positive_list,
                recent: self
                    .recent
                    .iter()
                    .take(3)
                    .map(|&(within_days, same_item)| RecentRule {
                        within_days: within_days % 4,
                        by: if same_item {
                            RecentBy::SameItem
                        } else {
                            RecentBy::SameDepartment
                        },
                    })
                    .collect(),
            },
            weighting: if self.weighted {
                Weighting::RiskScore
            } else {
                Weighting::Uniform
            },
        }
    }
}

/// The tie order of §4: the higher-risk stratum first.
fn tie_rank(s: Stratum) -> usize {
    [
        Stratum::D,
        Stratum::C,
        Stratum::B,
        Stratum::A,
        Stratum::Ungraded,
    ]
    .iter()
    .position(|&t| t == s)
    .expect("every stratum")
}

/// `⌊r · n · ppm / s⌋` and `(r · n · ppm) mod s`, exactly: the product can pass 2¹²⁸, so it
/// is formed in 32-bit limbs and divided limb by limb (the remainder stays below `s` < 2⁸⁸,
/// so `remainder · 2³²` fits in 128 bits).
fn mul_div(r: u64, n: u64, ppm: u32, s: u128) -> (u128, u128) {
    fn times(limbs: &[u32], m: u64) -> Vec<u32> {
        let mut out = vec![0u32; limbs.len() + 2];
        for (j, &mj) in [m as u32, (m >> 32) as u32].iter().enumerate() {
            let mut carry = 0u64;
            for (i, &l) in limbs.iter().enumerate() {
                let t = u64::from(l) * u64::from(mj) + u64::from(out[i + j]) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            let mut k = limbs.len() + j;
            while carry > 0 {
                let t = u64::from(out[k]) + carry;
                out[k] = t as u32;
                carry = t >> 32;
                k += 1;
            }
        }
        out
    }
    let product = times(&times(&[r as u32, (r >> 32) as u32], n), u64::from(ppm));
    let (mut quotient, mut remainder) = (0u128, 0u128);
    for &limb in product.iter().rev() {
        let current = (remainder << 32) | u128::from(limb);
        quotient = (quotient << 32) | (current / s);
        remainder = current % s;
    }
    (quotient, remainder)
}

/// `docs/SAMPLING.md` §4, from its text, with the error the library adds for counts that sum
/// past 2⁶⁴ − 1 (no pool holds that many targets), after the policy's own checks.
fn reference(
    policy: &SamplingPolicy,
    eligible: &PerStratum<u64>,
) -> Result<PerStratum<u64>, PolicyError> {
    for s in Stratum::ALL {
        let b = policy.bounds.get(s);
        if let (Some(min), Some(max)) = (b.min, b.max)
            && min > max
        {
            return Err(PolicyError::BoundsInverted {
                stratum: s,
                min,
                max,
            });
        }
    }
    if policy.exclusions.recent.iter().any(|r| r.within_days == 0) {
        return Err(PolicyError::EmptyWindow);
    }
    let all: u128 = Stratum::ALL
        .iter()
        .map(|&s| u128::from(*eligible.get(s)))
        .sum();
    if all > u128::from(u64::MAX) {
        return Err(PolicyError::EligibleOverflow {
            eligible: *eligible,
        });
    }
    for s in Stratum::ALL {
        let n = *eligible.get(s);
        if n > 0 && policy.ratios.get(s).is_none() {
            return Err(PolicyError::MissingRatio {
                stratum: s,
                eligible: n,
            });
        }
    }
    let ppm = |s: Stratum| policy.ratios.get(s).map_or(0, |r| r.ppm());
    let n = |s: Stratum| u128::from(*eligible.get(s));
    match policy.size {
        SampleSize::ByRatio => Ok(PerStratum::from_fn(|s| {
            let b = policy.bounds.get(s);
            let mut size = (n(s) * u128::from(ppm(s))).div_ceil(u128::from(PPM));
            if let Some(min) = b.min {
                size = size.max(u128::from(min));
            }
            if let Some(max) = b.max {
                size = size.min(u128::from(max));
            }
            u64::try_from(size.min(n(s))).expect("at most N_h")
        })),
        SampleSize::FixedTotal { total } => {
            let lo = |s: Stratum| n(s).min(policy.bounds.get(s).min.map_or(0, u128::from));
            let hi = |s: Stratum| n(s).min(policy.bounds.get(s).max.map_or(u128::MAX, u128::from));
            let at_least: u128 = Stratum::ALL.iter().map(|&s| lo(s)).sum();
            let at_most: u128 = Stratum::ALL.iter().map(|&s| hi(s)).sum();
            let total = u128::from(total);
            if total < at_least || total > at_most {
                let fits = "at most the eligible count, which fits";
                return Err(PolicyError::TotalOutOfReach {
                    total: total as u64,
                    at_least: u64::try_from(at_least).expect(fits),
                    at_most: u64::try_from(at_most).expect(fits),
                });
            }
            let mut size: Vec<u128> = Stratum::ALL.iter().map(|&s| lo(s)).collect();
            let mut r = total - at_least;
            let weight = |s: Stratum| n(s) * u128::from(ppm(s));
            let mut open: Vec<Stratum> = Stratum::ALL
                .into_iter()
                .filter(|&s| hi(s) > lo(s) && weight(s) > 0)
                .collect();
            while r > 0 {
                assert!(
                    !open.is_empty(),
                    "T ≤ Σ hi_h, so a stratum is open while r > 0"
                );
                let sum: u128 = open.iter().map(|&s| weight(s)).sum();
                let mut quota: Vec<(Stratum, u128, u128)> = open
                    .iter()
                    .map(|&s| {
                        let (q, rho) = mul_div(r as u64, *eligible.get(s), ppm(s), sum);
                        (s, q, rho)
                    })
                    .collect();
                let given: u128 = quota.iter().map(|q| q.1).sum();
                let mut order: Vec<usize> = (0..quota.len()).collect();
                order.sort_by_key(|&i| (std::cmp::Reverse(quota[i].2), tie_rank(quota[i].0)));
                for &i in order.iter().take((r - given) as usize) {
                    quota[i].1 += 1;
                }
                let full: Vec<Stratum> = quota
                    .iter()
                    .filter(|&&(s, q, _)| q > hi(s) - size[index(s)])
                    .map(|q| q.0)
                    .collect();
                if full.is_empty() {
                    for (s, q, _) in quota {
                        size[index(s)] += q;
                    }
                    r = 0;
                } else {
                    for s in full {
                        r -= hi(s) - size[index(s)];
                        size[index(s)] = hi(s);
                        open.retain(|&o| o != s);
                    }
                }
            }
            Ok(PerStratum::from_fn(|s| {
                u64::try_from(size[index(s)]).expect("at most N_h")
            }))
        }
    }
}

fn check(policy: &SamplingPolicy, eligible: &PerStratum<u64>) {
    let _ = policy.validate();
    let got = policy.allocate(eligible);
    assert_eq!(
        got,
        reference(policy, eligible),
        "allocation of {eligible:?} by {policy:?}"
    );
    if let Err(e) = &got {
        let _ = e.to_string();
    }
    if let Ok(size) = got {
        for (s, &k) in size.iter() {
            let b = policy.bounds.get(s);
            let n = *eligible.get(s);
            assert!(k <= n, "{s}: {k} drawn of {n}");
            assert!(
                b.max.is_none_or(|max| k <= max),
                "{s}: {k} above the maximum"
            );
            assert!(
                b.min.is_none_or(|min| k >= min.min(n)),
                "{s}: {k} below the minimum"
            );
        }
        if let SampleSize::FixedTotal { total } = policy.size {
            let sum: u128 = size.iter().map(|(_, &k)| u128::from(k)).sum();
            assert_eq!(sum, u128::from(total));
        }
    }
}

fn counts(line: &str) -> PerStratum<u64> {
    let mut words = line.split_whitespace();
    let mut next = || words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    PerStratum {
        a: next(),
        b: next(),
        c: next(),
        d: next(),
        ungraded: next(),
    }
}

fuzz_target!(|data: &[u8]| {
    match data.first() {
        Some(b) if b.is_ascii_digit() => {
            let text = String::from_utf8_lossy(data);
            let (line, json) = text.split_once('\n').unwrap_or((&text, ""));
            let Ok(policy) = serde_json::from_str::<SamplingPolicy>(json) else {
                return;
            };
            let written = serde_json::to_string(&policy).expect("a policy serialises");
            let again: SamplingPolicy = serde_json::from_str(&written)
                .unwrap_or_else(|e| panic!("a policy as written is refused: {e}\n{written}"));
            assert_eq!(again, policy);
            check(&policy, &counts(line));
        }
        Some(_) => {
            if let Some(case) = build::<Case>(data) {
                check(&case.policy(), &case.eligible());
            }
        }
        None => {}
    }
});
