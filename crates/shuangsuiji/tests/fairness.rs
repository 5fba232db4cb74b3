//! Statistical tests of randomness: with many seeds, every eligible target of a stratum is drawn
//! with probability n/N, pairs with n(n−1)/(N(N−1)), keys are uniform, and weighted draws follow
//! their stated probabilities. Seeds are fixed, so the tests are deterministic; the thresholds
//! are far tails (about 6 standard deviations) that a biased draw would exceed by a wide margin.

use shuangsuiji::draw::{DrawRequest, sample};
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::keys::{TARGET_STREAM, entity_keys};
use shuangsuiji::policy::{SamplingPolicy, Weighting};
use shuangsuiji::risk::{RiskGrade, Stratum};
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Target, TargetPool};

fn seed(i: u64) -> Seed {
    let mut s = [0u8; 32];
    s[..8].copy_from_slice(&i.to_le_bytes());
    s[8] = 0x5a;
    Seed(s)
}

fn pool(n: u32, score: impl Fn(u32) -> u32) -> FrozenPool {
    TargetPool::from_entries((0..n).map(|i| {
        let mut t = Target::new(TargetId::new(format!("F{i:03}")).unwrap());
        t.grade = Some(RiskGrade::B);
        t.risk_score = Some(score(i));
        t
    }))
    .unwrap()
    .into_frozen()
}

fn policy(b: &str) -> SamplingPolicy {
    let r = |s: &str| s.parse().unwrap();
    SamplingPolicy::by_grade(r("5%"), r(b), r("60%"), r("100%"), None)
}

#[test]
fn every_target_has_probability_n_over_n() {
    let (n_pop, draws) = (40u32, 5000u64);
    let pool = pool(n_pop, |_| 1);
    let req = |i| DrawRequest::new(TaskId::new("F").unwrap(), seed(i), policy("20%"));
    let mut counts = vec![0u64; n_pop as usize];
    let mut pair = 0u64; // targets 0 and 1 drawn together
    for i in 0..draws {
        let (_, s) = sample(&pool, &req(i)).unwrap();
        let picks: Vec<_> = s
            .iter(&pool)
            .map(|(st, p)| {
                assert_eq!(st, Stratum::B);
                p
            })
            .collect();
        assert_eq!(picks.len(), 8, "the sample size never varies");
        for p in &picks {
            counts[p.index as usize] += 1;
            assert_eq!((p.num, p.den), (8, 40));
        }
        if picks.iter().any(|p| p.index == 0) && picks.iter().any(|p| p.index == 1) {
            pair += 1;
        }
    }
    let p = 0.2;
    let expected = draws as f64 * p;
    // Σ (O−E)² / (E(1−p)) is close to χ² with N−1 = 39 degrees of freedom under SRSWOR.
    let chi2: f64 = counts
        .iter()
        .map(|&o| (o as f64 - expected).powi(2) / (expected * (1.0 - p)))
        .sum();
    assert!(
        chi2 < 39.0 + 6.0 * (2.0f64 * 39.0).sqrt(),
        "chi² = {chi2}, counts {counts:?}"
    );
    assert!(chi2 > 10.0, "suspiciously even counts: chi² = {chi2}");
    let pi_pair = 8.0 * 7.0 / (40.0 * 39.0);
    let (mean, sd) = (
        draws as f64 * pi_pair,
        (draws as f64 * pi_pair * (1.0 - pi_pair)).sqrt(),
    );
    assert!(
        (pair as f64 - mean).abs() < 6.0 * sd,
        "pair drawn {pair} times, expected {mean:.1}"
    );
}

#[test]
fn keys_are_uniform_64_bit_words() {
    let mut keys = vec![0u64; 200_000];
    entity_keys(&seed(1), TARGET_STREAM, 0, &mut keys);
    let mut buckets = [0u64; 64];
    let mut low_buckets = [0u64; 64];
    for k in &keys {
        buckets[(k >> 58) as usize] += 1;
        low_buckets[(k & 63) as usize] += 1;
    }
    let e = keys.len() as f64 / 64.0;
    for b in [buckets, low_buckets] {
        let chi2: f64 = b.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
        assert!(chi2 < 63.0 + 6.0 * (126.0f64).sqrt(), "chi² = {chi2}");
    }
    // Neighbouring keys (same ChaCha block) are not correlated.
    let mean = |f: &dyn Fn(usize) -> f64| {
        (0..keys.len() - 1).map(f).sum::<f64>() / (keys.len() - 1) as f64
    };
    let u = |k: u64| k as f64 / 18_446_744_073_709_551_616.0 - 0.5;
    let cov = mean(&|i| u(keys[i]) * u(keys[i + 1]));
    // Each product has standard deviation 1/12.
    assert!(
        cov.abs() < 6.0 * (1.0 / 12.0) / (keys.len() as f64).sqrt(),
        "lag-1 covariance {cov}"
    );
}

#[test]
fn weighted_draws_follow_their_probabilities() {
    // Scores 1..=30 and one dominant target (score 400) that must be taken with certainty.
    let n_pop = 31u32;
    let pool = pool(n_pop, |i| if i == 30 { 400 } else { i + 1 });
    let mut p = policy("20%"); // ⌈31 × 20%⌉ = 7
    p.weighting = Weighting::RiskScore;
    let draws = 20_000u64;
    let mut counts = vec![0u64; n_pop as usize];
    let mut stated = vec![0.0f64; n_pop as usize];
    for i in 0..draws {
        let req = DrawRequest::new(TaskId::new("W").unwrap(), seed(i), p.clone());
        let (_, s) = sample(&pool, &req).unwrap();
        let picks: Vec<_> = s.iter(&pool).map(|(_, p)| p).collect();
        assert_eq!(picks.len(), 7);
        for pk in &picks {
            counts[pk.index as usize] += 1;
            stated[pk.index as usize] = pk.inclusion_probability();
        }
    }
    assert_eq!(counts[30], draws, "the dominant target is always drawn");
    assert_eq!(stated[30], 1.0);
    // Σ w of the rest = 465, k = 6: π_i = 6 i / 465.
    let mut worst: f64 = 0.0;
    for i in 0..30 {
        let pi = 6.0 * (i + 1) as f64 / 465.0;
        if counts[i] > 0 {
            assert_eq!(stated[i], pi, "stated probability of target {i}");
        }
        let freq = counts[i] as f64 / draws as f64;
        let sd = (pi * (1.0 - pi) / draws as f64).sqrt();
        // Sequential Poisson sampling is approximately πps: allow its known small bias on top
        // of 6 standard deviations of sampling noise.
        let dev = (freq - pi).abs();
        worst = worst.max(dev);
        assert!(
            dev < 6.0 * sd + 0.02,
            "target {i}: frequency {freq:.4}, π {pi:.4}"
        );
    }
    // A uniform draw would be off by ~0.2 at the extremes: the test can tell the two apart.
    assert!(worst < 0.03, "largest deviation {worst}");
    let low = counts[0] as f64 / draws as f64;
    let high = counts[29] as f64 / draws as f64;
    assert!(
        high > 10.0 * low,
        "probability grows with the score: {low} vs {high}"
    );
}
