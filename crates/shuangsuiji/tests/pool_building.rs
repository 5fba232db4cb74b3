//! Building a frozen pool in one step (`Frozen::from_entries`) is building the adjustable pool
//! and freezing it: the same snapshot, digest and ids for rows in any order, and the same
//! first error for bad rows and duplicate ids.

use proptest::prelude::*;
use shuangsuiji::ids::{DeptId, InspectorId, TargetId};
use shuangsuiji::inspector::{FrozenInspectorPool, Inspector, InspectorPool};
use shuangsuiji::pool::PoolError;
use shuangsuiji::target::{FrozenPool, Target, TargetPool};

/// A target with id `E{id}`; `bad` gives it a risk score the pool refuses.
fn target(id: u16, bad: bool, tag: u8) -> Target {
    let mut t = Target::new(TargetId::new(format!("E{id:05}")).unwrap());
    t.risk_score = Some(if bad { 0 } else { u32::from(tag) + 1 });
    t.tags.insert(format!("tag{}", tag % 3));
    t
}

fn two_steps(rows: Vec<Target>) -> Result<FrozenPool, PoolError> {
    TargetPool::from_entries(rows).map(TargetPool::into_frozen)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Rows with repeated ids (ids from a small range), some bad, in any order.
    #[test]
    fn one_step_is_two_steps(rows in prop::collection::vec((0u16..60, prop::bool::weighted(0.03), any::<u8>()), 0..80)) {
        let rows: Vec<Target> = rows.into_iter().map(|(id, bad, tag)| target(id, bad, tag)).collect();
        let one = FrozenPool::from_entries(rows.clone());
        let two = two_steps(rows);
        match (one, two) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.digest(), b.digest());
                prop_assert_eq!(a.entries(), b.entries());
                prop_assert_eq!(a.ids(), b.ids());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "one step {:?}, two steps {:?}", a.err(), b.err()),
        }
    }

    /// Unique ids in any order: a snapshot, whatever the order.
    #[test]
    fn order_does_not_matter(n in 0usize..200, rot in any::<usize>(), reverse in any::<bool>()) {
        let mut rows: Vec<Target> = (0..n).map(|i| target(i as u16, false, (i % 7) as u8)).collect();
        let sorted = FrozenPool::from_entries(rows.clone()).unwrap();
        if reverse {
            rows.reverse();
        }
        if n > 0 {
            rows.rotate_left(rot % n);
        }
        let shuffled = FrozenPool::from_entries(rows).unwrap();
        prop_assert_eq!(sorted.digest(), shuffled.digest());
        prop_assert_eq!(sorted.entries(), shuffled.entries());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Ids that share long prefixes (around the 16 bytes a sort key holds inline), of mixed
    /// lengths and with multi-byte characters: the snapshot is in byte order of the whole id,
    /// and duplicates are found wherever they are.
    #[test]
    fn canonical_order_is_byte_order_of_whole_ids(
        ids in prop::collection::vec((12usize..20, prop::collection::vec(prop::sample::select(vec!["0", "1", "9", "A", "a", "甲", "~"]), 0..6)), 0..60),
    ) {
        let base = "91350100M000100Y43-";
        let ids: Vec<String> = ids
            .into_iter()
            .map(|(k, tail)| format!("{}{}", &base[..k], tail.concat()))
            .collect();
        let rows: Vec<Target> = ids.iter().map(|id| Target::new(TargetId::new(id).unwrap())).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        match FrozenPool::from_entries(rows.clone()) {
            Ok(pool) => {
                prop_assert_eq!(unique.len(), ids.len());
                let got: Vec<&str> = pool.ids().iter().map(TargetId::as_str).collect();
                prop_assert_eq!(got, unique.iter().map(String::as_str).collect::<Vec<_>>());
                prop_assert_eq!(pool.digest(), two_steps(rows).unwrap().digest());
            }
            Err(e) => {
                prop_assert!(unique.len() < ids.len(), "refused unique ids: {e}");
                prop_assert_eq!(Err::<(), _>(e), two_steps(rows).map(|_| ()));
            }
        }
    }
}

#[test]
fn a_duplicate_names_both_rows_and_a_bad_row_before_it_wins() {
    let rows = vec![
        target(3, false, 0),
        target(1, false, 0),
        target(3, false, 1),
    ];
    assert_eq!(
        FrozenPool::from_entries(rows.clone()).unwrap_err(),
        PoolError::DuplicateId {
            kind: "target",
            id: "E00003".into(),
            first: 1,
            second: 3
        }
    );
    // The same rows with row 2 bad: row 2 comes before the duplicate's second row.
    let mut bad = rows.clone();
    bad[1] = target(1, true, 0);
    assert!(matches!(
        FrozenPool::from_entries(bad).unwrap_err(),
        PoolError::BadEntry { row: 2, .. }
    ));
    // Bad at row 3, the duplicate's second row itself: the row's own fields are checked first.
    let mut bad = rows;
    bad[2] = target(3, true, 0);
    assert!(matches!(
        FrozenPool::from_entries(bad).unwrap_err(),
        PoolError::BadEntry { row: 3, .. }
    ));
}

#[test]
fn inspectors_build_in_one_step_too() {
    let p = |id: &str| {
        Inspector::new(
            InspectorId::new(id).unwrap(),
            DeptId::new("D01").unwrap(),
            "CERT",
        )
    };
    let rows = vec![p("P2"), p("P1"), p("P3")];
    let one = FrozenInspectorPool::from_entries(rows.clone()).unwrap();
    let two = InspectorPool::from_entries(rows).unwrap().into_frozen();
    assert_eq!(one.digest(), two.digest());
    assert_eq!(one.ids(), two.ids());
    assert!(matches!(
        FrozenInspectorPool::from_entries(vec![p("P1"), p("P1")]).unwrap_err(),
        PoolError::DuplicateId {
            first: 1,
            second: 2,
            ..
        }
    ));
}
