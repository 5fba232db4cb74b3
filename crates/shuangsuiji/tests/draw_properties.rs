//! The properties every draw must have: reproducible, independent of load order, shardable,
//! consistent with its allocation, and refusing bad requests with a clear error.

use proptest::prelude::*;
use shuangsuiji::draw::{
    Allocation, Census, DrawError, DrawPass, DrawRequest, Sample, sample, sample_sharded,
};
use shuangsuiji::ids::{DeptId, ItemId, TargetId, TaskId};
use shuangsuiji::policy::{
    PolicyError, RecentBy, RecentRule, SampleSize, SamplingPolicy, Weighting,
};
use shuangsuiji::record::{DrawRecord, draw};
use shuangsuiji::risk::Stratum;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Inspection, Target, TargetPool, TargetStatus};

fn r(s: &str) -> shuangsuiji::policy::Ratio {
    s.parse().unwrap()
}

fn policy() -> SamplingPolicy {
    SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), Some(r("30%")))
}

/// A target from compact generated parts.
fn target(i: u32, grade: u8, status: u8, positive: bool, score: u32) -> Target {
    let mut t = Target::new(TargetId::new(format!("E{i:06}")).unwrap());
    t.grade = Stratum::ALL[usize::from(grade % 5)].grade();
    t.status = if status % 13 == 0 {
        TargetStatus::Revoked
    } else {
        TargetStatus::Active
    };
    t.positive_list = positive;
    t.risk_score = Some(score);
    if status % 7 == 0 {
        t.history.push(Inspection {
            date: "2026-06-01".parse().unwrap(),
            department: DeptId::new("D1").unwrap(),
            item: Some(ItemId::new("I1").unwrap()),
            inspectors: vec![],
        });
    }
    t
}

fn targets_strategy(max: usize) -> impl Strategy<Value = Vec<Target>> {
    prop::collection::vec(
        (0u8..5, any::<u8>(), prop::bool::weighted(0.05), 1u32..50),
        0..max,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (g, s, p, w))| target(i as u32, g, s, p, w))
            .collect()
    })
}

fn request(seed: [u8; 32], weighted: bool) -> DrawRequest {
    let mut p = policy();
    if weighted {
        p.weighting = Weighting::RiskScore;
    }
    let mut req = DrawRequest::new(TaskId::new("T").unwrap(), Seed(seed), p);
    req.date = Some("2026-11-01".parse().unwrap());
    req.items = vec![ItemId::new("I1").unwrap()];
    req.policy.exclusions.recent = vec![RecentRule {
        within_days: 365,
        by: RecentBy::SameItem,
    }];
    req
}

fn freeze(targets: Vec<Target>) -> FrozenPool {
    TargetPool::from_entries(targets).unwrap().into_frozen()
}

/// The shard API used by hand, as a cluster would: census per shard, one allocation, draw per
/// shard, merge (parts handed over in reverse order).
fn draw_by_hand(pool: &FrozenPool, cuts: &[usize], req: &DrawRequest) -> (Census, Sample) {
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().map(|&c| c % (pool.len() + 1)));
    bounds.push(pool.len());
    bounds.sort_unstable();
    let shards: Vec<_> = bounds.windows(2).map(|w| pool.shard(w[0]..w[1])).collect();
    let censuses: Vec<_> = shards.iter().map(|s| s.census(req).unwrap()).collect();
    let mut census = Census::default();
    for c in &censuses {
        census.add(&c.census);
    }
    let alloc = Allocation::new(req, &census).unwrap();
    let run = |pass| {
        let mut parts: Vec<_> = shards
            .iter()
            .zip(&censuses)
            .map(|(s, c)| s.draw(req, c, &alloc, pass).unwrap())
            .collect();
        parts.reverse();
        Sample::merge(req, &alloc, parts)
    };
    let sample = match run(DrawPass::Fast) {
        Err(DrawError::NeedsExhaustivePass { .. }) => run(DrawPass::Exhaustive).unwrap(),
        other => other.unwrap(),
    };
    (census, sample)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn independent_of_load_order(targets in targets_strategy(300), seed in any::<[u8; 32]>(), weighted in any::<bool>(), rot in any::<usize>()) {
        let req = request(seed, weighted);
        let a = draw(&freeze(targets.clone()), &req).unwrap();
        let mut shuffled = targets;
        if !shuffled.is_empty() {
            let k = rot % shuffled.len();
            shuffled.rotate_left(k);
            shuffled.reverse();
        }
        let b = draw(&freeze(shuffled), &req).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn shards_merge_into_the_single_pool_sample(targets in targets_strategy(400), seed in any::<[u8; 32]>(), weighted in any::<bool>(), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let pool = freeze(targets);
        let req = request(seed, weighted);
        let (census, single) = sample(&pool, &req).unwrap();
        let (census2, by_hand) = draw_by_hand(&pool, &cuts, &req);
        prop_assert_eq!(census, census2);
        prop_assert_eq!(&single, &by_hand);
        let threaded = sample_sharded(&pool.shards(cuts.len() + 1), &req).unwrap().1;
        prop_assert_eq!(&single, &threaded);
    }

    #[test]
    fn sample_matches_allocation_and_eligibility(targets in targets_strategy(400), seed in any::<[u8; 32]>(), weighted in any::<bool>()) {
        let pool = freeze(targets);
        let req = request(seed, weighted);
        let rec: DrawRecord = draw(&pool, &req).unwrap();
        // Every count adds up.
        let eligible: u64 = rec.strata.iter().map(|(_, s)| s.eligible).sum();
        prop_assert_eq!(rec.out_of_scope + rec.exclusions.total() + eligible, pool.len() as u64);
        for (s, st) in rec.strata.iter() {
            let drawn = rec.selected.iter().filter(|x| x.stratum == s).count() as u64;
            prop_assert_eq!(drawn, st.sample_size, "stratum {}", s);
            prop_assert!(st.sample_size <= st.eligible);
            if st.eligible > 0 {
                let ppm = u64::from(req.policy.ratios.get(s).unwrap().ppm());
                prop_assert_eq!(st.sample_size, (st.eligible * ppm).div_ceil(1_000_000));
            }
        }
        // Canonical order, no duplicates, only eligible targets, probabilities in (0, 1].
        for w in rec.selected.windows(2) {
            prop_assert!(w[0].id < w[1].id);
        }
        for sel in &rec.selected {
            let t = pool.get(&sel.id).unwrap();
            prop_assert_eq!(t.stratum(), sel.stratum);
            prop_assert_eq!(t.status, TargetStatus::Active);
            prop_assert!(!t.positive_list);
            prop_assert!(t.history.is_empty(), "recently inspected targets are excluded");
            prop_assert!(sel.inclusion_probability > 0.0 && sel.inclusion_probability <= 1.0);
            prop_assert!((sel.inclusion_probability * sel.design_weight - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn fixed_total_draws_exactly_the_total(targets in targets_strategy(300), seed in any::<[u8; 32]>(), total in 0u64..400) {
        let pool = freeze(targets);
        let mut req = request(seed, false);
        req.policy.size = SampleSize::FixedTotal { total };
        match draw(&pool, &req) {
            Ok(rec) => prop_assert_eq!(rec.selected.len() as u64, total),
            Err(DrawError::Policy(PolicyError::TotalOutOfReach { at_most, .. })) => prop_assert!(total > at_most),
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }
}

#[test]
fn same_seed_same_sample_other_seed_other_sample() {
    let pool = freeze(
        (0..2000)
            .map(|i| target(i, (i % 4) as u8, 1, false, 1))
            .collect(),
    );
    let a = draw(&pool, &request([1; 32], false)).unwrap();
    let b = draw(&pool, &request([1; 32], false)).unwrap();
    let c = draw(&pool, &request([2; 32], false)).unwrap();
    assert_eq!(a.selected, b.selected);
    assert_eq!(a.selected.len(), c.selected.len());
    assert_ne!(a.selected, c.selected);
}

#[test]
fn bad_requests_are_refused_with_the_reason() {
    let pool = freeze(
        (0..50)
            .map(|i| target(i, (i % 5) as u8, 1, false, 1))
            .collect(),
    );
    let mut req = request([0; 32], false);
    req.date = None;
    assert!(matches!(draw(&pool, &req), Err(DrawError::MissingContext(m)) if m.contains("date")));
    let mut req = request([0; 32], false);
    req.policy.exclusions.recent = vec![RecentRule {
        within_days: 30,
        by: RecentBy::SameDepartment,
    }];
    assert!(
        matches!(draw(&pool, &req), Err(DrawError::MissingContext(m)) if m.contains("department"))
    );
    let mut req = request([0; 32], false);
    req.items.clear();
    assert!(matches!(draw(&pool, &req), Err(DrawError::MissingContext(m)) if m.contains("items")));
    let mut req = request([0; 32], false);
    req.policy.ratios.ungraded = None;
    let err = draw(&pool, &req).unwrap_err();
    assert_eq!(
        err,
        DrawError::Policy(PolicyError::MissingRatio {
            stratum: Stratum::Ungraded,
            eligible: 10
        })
    );
    assert!(
        err.to_string().contains("ungraded has 10 eligible"),
        "{err}"
    );

    let mut unscored = (0..5)
        .map(|i| target(i, 1, 1, false, 1))
        .collect::<Vec<_>>();
    unscored[3].risk_score = None;
    let err = draw(&freeze(unscored), &request([0; 32], true)).unwrap_err();
    assert!(err.to_string().contains("E000003"), "{err}");

    let mut req =
        DrawRequest::with_public_entropy(TaskId::new("T").unwrap(), "src", "1 2 3", policy());
    req.seed = Seed([9; 32]);
    assert!(matches!(
        draw(&pool, &req),
        Err(DrawError::SeedMismatch { .. })
    ));
}

#[test]
fn shards_that_do_not_fit_are_refused() {
    let pool = freeze(
        (0..100)
            .map(|i| target(i, (i % 4) as u8, 1, false, 1))
            .collect(),
    );
    let req = request([3; 32], false);
    let shards = pool.shards(2);
    let censuses: Vec<_> = shards.iter().map(|s| s.census(&req).unwrap()).collect();
    let mut census = Census::default();
    for c in &censuses {
        census.add(&c.census);
    }
    let alloc = Allocation::new(&req, &census).unwrap();
    let part = |i: usize| {
        shards[i]
            .draw(&req, &censuses[i], &alloc, DrawPass::Fast)
            .unwrap()
    };
    // A missing shard and a duplicated shard are both detected.
    assert!(matches!(
        Sample::merge(&req, &alloc, vec![part(0)]),
        Err(DrawError::Shards(_))
    ));
    assert!(matches!(
        Sample::merge(&req, &alloc, vec![part(0), part(0), part(1)]),
        Err(DrawError::Shards(_))
    ));
    // A part drawn with another seed is refused.
    let other = request([4; 32], false);
    let foreign = shards[1]
        .draw(&other, &censuses[1], &alloc, DrawPass::Fast)
        .unwrap();
    assert!(
        matches!(Sample::merge(&req, &alloc, vec![part(0), foreign]), Err(DrawError::Shards(m)) if m.contains("another seed"))
    );
    // A census from another shard is refused.
    assert!(matches!(
        shards[0].draw(&req, &censuses[1], &alloc, DrawPass::Fast),
        Err(DrawError::Shards(_))
    ));
}

#[test]
fn the_recent_window_counts_the_draw_day_and_not_the_last_day() {
    // within_days = 30 on 2026-11-01: an inspection 0 or 29 days before excludes, 30 days before
    // or a later (future-dated) one does not.
    let ages = [
        ("2026-11-01", true),
        ("2026-10-03", true),
        ("2026-10-02", false),
        ("2026-11-02", false),
    ];
    let pool = freeze(
        ages.iter()
            .enumerate()
            .map(|(i, (day, _))| {
                let mut t = target(i as u32, 1, 1, false, 1);
                t.history = vec![Inspection {
                    date: day.parse().unwrap(),
                    department: DeptId::new("D1").unwrap(),
                    item: None,
                    inspectors: vec![],
                }];
                t
            })
            .collect(),
    );
    let mut req = request([0; 32], false);
    req.department = Some(DeptId::new("D1").unwrap());
    req.policy.exclusions.recent = vec![RecentRule {
        within_days: 30,
        by: RecentBy::SameDepartment,
    }];
    req.policy.ratios.b = Some(r("100%"));
    let rec = draw(&pool, &req).unwrap();
    assert_eq!(rec.exclusions.recently_inspected, 2);
    let drawn: Vec<&str> = rec.selected.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(drawn, ["E000002", "E000003"]);
    // Another department's inspection does not count for a same-department rule.
    req.department = Some(DeptId::new("D9").unwrap());
    assert_eq!(draw(&pool, &req).unwrap().exclusions.recently_inspected, 0);
}

/// A request without any rule that needs the targets, so that the census reads only the
/// pool's class counts (the fast path).
fn plain_request(seed: [u8; 32]) -> DrawRequest {
    DrawRequest::new(TaskId::new("T").unwrap(), Seed(seed), policy())
}

/// The same population through the per-target path: a scope that admits every status.
fn per_target_request(seed: [u8; 32]) -> DrawRequest {
    let mut req = plain_request(seed);
    req.scope.statuses = TargetStatus::ALL.into_iter().collect();
    req
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_class_count_census_agrees_with_the_per_target_one(targets in targets_strategy(400), seed in any::<[u8; 32]>(), cuts in prop::collection::vec(any::<usize>(), 0..6)) {
        let pool = freeze(targets);
        let (census, fast) = sample(&pool, &plain_request(seed)).unwrap();
        let (census2, slow) = sample(&pool, &per_target_request(seed)).unwrap();
        prop_assert_eq!(census, census2);
        prop_assert_eq!(&fast, &slow);
        let (census3, by_hand) = draw_by_hand(&pool, &cuts, &plain_request(seed));
        prop_assert_eq!(census, census3);
        prop_assert_eq!(&fast, &by_hand);
    }
}

#[test]
fn pools_larger_than_a_class_block_census_and_shard_alike() {
    // 150,001 targets span three blocks of per-block class counts, with ragged ends.
    let pool = freeze(
        (0..150_001)
            .map(|i| target(i, (i % 5) as u8, (i % 31) as u8, i % 97 == 0, 1))
            .collect(),
    );
    let req = plain_request([7; 32]);
    let (census, single) = sample_sharded(&pool.shards(1), &req).unwrap();
    for n in [2, 3, 7] {
        let (c, s) = sample_sharded(&pool.shards(n), &req).unwrap();
        assert_eq!((c, &s), (census, &single), "{n} shards");
    }
    let cut = [65_535usize, 65_537, 131_072];
    assert_eq!(draw_by_hand(&pool, &cut, &req), (census, single.clone()));
    let (c, s) = sample(&pool, &per_target_request([7; 32])).unwrap();
    assert_eq!((c, s), (census, single));
    assert_eq!(census.population, 150_001);
    assert!(census.excluded.not_active > 0 && census.excluded.positive_list > 0);
}
