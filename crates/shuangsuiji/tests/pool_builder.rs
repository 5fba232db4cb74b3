//! Building a frozen pool from rows of borrowed cells (`PoolBuilder`) is building it from the
//! same rows as targets (`FrozenPool::from_entries`): the same snapshot and digest for rows in
//! any order, with any fields and history, and the same first error for bad rows, duplicate
//! and look-alike ids.

use chrono::NaiveDate;
use proptest::prelude::*;
use shuangsuiji::credit::CreditCode;
use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId};
use shuangsuiji::pool::PoolError;
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::target::{
    FrozenPool, Inspection, PoolBuilder, Target, TargetKind, TargetRow, TargetStatus,
};

/// The rows pushed one by one, a bad tag refused as a reader would refuse its own cell, then
/// the history added by id.
fn built(rows: &[Target]) -> Result<FrozenPool, PoolError> {
    let mut b = PoolBuilder::with_capacity(rows.len());
    for t in rows {
        let tags = match b.tag_set(t.tags.iter().map(String::as_str)) {
            Ok(tags) => tags,
            Err(error) => {
                let row = b.len() + 1;
                return Err(b.earlier_problem().unwrap_or(PoolError::BadEntry {
                    kind: "target",
                    id: t.id.to_string(),
                    row,
                    error,
                }));
            }
        };
        let row = TargetRow {
            id: t.id.as_str(),
            name: &t.name,
            credit_code: t.credit_code.as_ref().map(CreditCode::as_str),
            kind: t.kind,
            region: &t.region,
            industry: &t.industry,
            grid: &t.grid,
            tags,
            grade: t.grade,
            risk_score: t.risk_score,
            status: t.status,
            positive_list: t.positive_list,
        };
        if b.push(row).is_err() {
            break;
        }
    }
    let mut draft = b.check()?;
    for t in rows {
        for h in &t.history {
            draft.add_inspection(t.id.as_str(), h.clone())?;
        }
    }
    draft.freeze()
}

const CODES: [&str; 3] = [
    "91350100M000100Y43",
    "91110000600037341L",
    "12100000400010398P",
];

fn inspection(day: u32, dept: u8, people: &[u8]) -> Inspection {
    Inspection {
        date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(day)),
        department: DeptId::new(format!("D{dept}")).unwrap(),
        item: (dept % 2 == 0).then(|| ItemId::new(format!("I-{dept}")).unwrap()),
        inspectors: people
            .iter()
            .map(|p| InspectorId::new(format!("P{p}")).unwrap())
            .collect(),
    }
}

prop_compose! {
    fn a_target()(
        id in prop_oneof![(0u16..40).prop_map(|i| format!("E{i:03}")), Just("E0l0".to_owned()), Just("Ｅ010".to_owned())],
        name in prop::sample::select(vec!["", "甲", "乙公司", "x"]),
        code in prop::option::of(0usize..3),
        kind in 0usize..7,
        status in 0usize..4,
        region in prop::sample::select(vec!["", "420102", "420103"]),
        industry in prop::sample::select(vec!["", "F52"]),
        grid in prop::sample::select(vec!["", "G1", "G2"]),
        tags in prop::collection::btree_set(prop::sample::select(vec!["食品", "餐饮", "药品", "bad\u{7}"]), 0..3),
        grade in prop::option::of(0usize..4),
        score in prop::option::of(prop_oneof![20 => 1u32..100, 1 => Just(0u32), 1 => Just(2_000_000u32)]),
        positive in any::<bool>(),
        history in prop::collection::vec((0u32..900, 0u8..4, prop::collection::vec(0u8..5, 0..3)), 0..3),
    ) -> Target {
        let mut t = Target::new(TargetId::new(id).unwrap());
        t.name = name.into();
        t.credit_code = code.map(|c| CreditCode::parse(CODES[c]).unwrap());
        t.kind = TargetKind::ALL[kind];
        t.status = TargetStatus::ALL[status];
        t.region = region.into();
        t.industry = industry.into();
        t.grid = grid.into();
        t.tags = tags.into_iter().map(str::to_owned).collect();
        t.grade = grade.map(|g| [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D][g]);
        t.risk_score = score;
        t.positive_list = positive;
        t.history = history.iter().map(|(d, dept, people)| inspection(*d, *dept, people)).collect();
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn built_is_from_entries(rows in prop::collection::vec(a_target(), 0..40)) {
        match (built(&rows), FrozenPool::from_entries(rows)) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.digest(), b.digest());
                prop_assert_eq!(a.to_targets(), b.to_targets());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "built {:?}, from_entries {:?}", a.err(), b.err()),
        }
    }
}

#[test]
fn a_history_date_outside_the_years_is_refused_at_its_targets_row() {
    let mut rows: Vec<Target> = ["E2", "E1", "E3"]
        .iter()
        .map(|id| Target::new(TargetId::new(id).unwrap()))
        .collect();
    rows[2].history.push(Inspection {
        date: NaiveDate::from_ymd_opt(-1, 1, 1).unwrap(),
        ..inspection(0, 1, &[])
    });
    let e = built(&rows).unwrap_err();
    assert_eq!(e, FrozenPool::from_entries(rows).unwrap_err());
    assert!(matches!(e, PoolError::BadEntry { row: 3, .. }));
}

#[test]
fn a_large_shuffled_pool_is_the_same_pool() {
    // Past the size at which the sort runs on several threads.
    let n = 100_000u64;
    let rows: Vec<Target> = (0..n)
        .map(|i| {
            let mut t =
                Target::new(TargetId::new(format!("T{:09}", i.wrapping_mul(7_919) % n)).unwrap());
            t.grade =
                Some([RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D][(i % 4) as usize]);
            t.region = format!("42{:02}", i % 13);
            t.tags.insert(format!("t{}", i % 5));
            t
        })
        .collect();
    assert_eq!(
        built(&rows).unwrap().digest(),
        FrozenPool::from_entries(rows).unwrap().digest()
    );
}
