//! Inputs the fuzz targets of `fuzz/` found to break the core, minimised, each checked on
//! stable Rust from then on (`fuzz/README.md` says how they are found and minimised).

use shuangsuiji::policy::{PolicyError, Ratio, SampleSize, SamplingPolicy};
use shuangsuiji::risk::PerStratum;

fn percent(p: u32) -> Ratio {
    Ratio::percent(p).unwrap()
}

/// Found by the `policy` target: the largest-remainder step of a fixed-total allocation
/// multiplies the units still to give (up to the total) by `eligible × ppm` in 128 bits, and
/// 2⁶³ × 2⁶³ × 10⁶ does not fit (`docs/SAMPLING.md` §4 says these products fit in 128 bits).
/// A debug build panicked ("attempt to multiply with overflow", `policy.rs`), a release build
/// wrapped around and allocated wrong sizes. The counts sum to less than `u64::MAX`, so this
/// is not the overflow of issue 11 (counts summing past `u64::MAX`, now
/// `PolicyError::EligibleOverflow`).
#[test]
fn fixed_total_of_huge_counts_does_not_overflow() {
    let mut policy =
        SamplingPolicy::by_grade(percent(100), percent(5), percent(5), percent(5), None);
    let huge = 1u64 << 63;
    policy.size = SampleSize::FixedTotal { total: huge };
    let eligible = PerStratum {
        a: huge,
        b: 0,
        c: 0,
        d: 0,
        ungraded: 0,
    };
    // One stratum holds every eligible target: it takes the whole total.
    assert_eq!(
        policy.allocate(&eligible),
        Ok(PerStratum {
            a: huge,
            b: 0,
            c: 0,
            d: 0,
            ungraded: 0,
        })
    );
    // Two strata of 2⁶² each at 100%: the total is shared evenly.
    let half = huge / 2;
    let eligible = PerStratum {
        a: half,
        b: half,
        c: 0,
        d: 0,
        ungraded: 0,
    };
    policy.ratios.b = Some(percent(100));
    assert_eq!(
        policy.allocate(&eligible),
        Ok(PerStratum {
            a: half,
            b: half,
            c: 0,
            d: 0,
            ungraded: 0,
        })
    );
    // And a total out of reach is still an error, not a wrap-around.
    policy.size = SampleSize::FixedTotal { total: huge + 1 };
    assert_eq!(
        policy.allocate(&eligible),
        Err(PolicyError::TotalOutOfReach {
            total: huge + 1,
            at_least: 0,
            at_most: huge,
        })
    );
}
