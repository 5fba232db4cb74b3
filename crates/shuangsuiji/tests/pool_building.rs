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
                prop_assert_eq!(a.to_targets(), b.to_targets());
                prop_assert_eq!(a.ids().collect::<Vec<_>>(), b.ids().collect::<Vec<_>>());
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
        prop_assert_eq!(sorted.to_targets(), shuffled.to_targets());
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
                let got: Vec<&str> = pool.ids().collect();
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

/// Ids from small groups of spellings a reader takes for one (Latin and Cyrillic `E`, `0` and
/// `O`, `1` and `l`, full-width digits), with repeats.
const SPELLINGS: [&str; 12] = [
    "E01",
    "\u{415}01",
    "EO1",
    "E0l", // one id to a reader
    "E02",
    "E02",
    "\u{415}02", // a duplicate and a look-alike
    "E03",
    "Ｅ０３", // full-width
    "m4",
    "rn4", // m and rn
    "E05",
];

/// The rule, applied row by row: a row's own fields, then an earlier row with its id, then an
/// earlier row with its skeleton.
fn reference(rows: &[Target]) -> Result<(), PoolError> {
    for (i, row) in rows.iter().enumerate() {
        if row.risk_score == Some(0) {
            return Err(TargetPool::from_entries(vec![row.clone()]).unwrap_err()).map_err(
                |e| match e {
                    PoolError::BadEntry {
                        kind, id, error, ..
                    } => PoolError::BadEntry {
                        kind,
                        id,
                        row: i + 1,
                        error,
                    },
                    other => other,
                },
            );
        }
        if let Some(j) = rows[..i].iter().position(|r| r.id == row.id) {
            return Err(PoolError::DuplicateId {
                kind: "target",
                id: row.id.to_string(),
                first: j + 1,
                second: i + 1,
            });
        }
        if let Some(j) = rows[..i]
            .iter()
            .position(|r| r.id.skeleton() == row.id.skeleton())
        {
            return Err(PoolError::LookAlikeIds {
                kind: "target",
                first_id: rows[j].id.to_string(),
                first_row: j + 1,
                second_id: row.id.to_string(),
                second_row: i + 1,
            });
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Look-alikes, duplicates and bad rows in any order: both build paths report the first
    /// problem in row order, as the rule applied row by row does, and the adjustable pool's
    /// insertions refuse the same rows.
    #[test]
    fn look_alikes_are_refused_alike_on_every_path(
        rows in prop::collection::vec((0usize..SPELLINGS.len(), prop::bool::weighted(0.05), any::<u8>()), 0..14),
    ) {
        let rows: Vec<Target> = rows
            .into_iter()
            .map(|(s, bad, tag)| {
                let mut t = Target::new(TargetId::new(SPELLINGS[s]).unwrap());
                t.risk_score = Some(if bad { 0 } else { u32::from(tag) + 1 });
                t
            })
            .collect();
        let expected = reference(&rows);
        let one = FrozenPool::from_entries(rows.clone()).map(|p| p.digest());
        let two = two_steps(rows.clone()).map(|p| p.digest());
        prop_assert_eq!(one.clone().map(|_| ()), expected.clone());
        prop_assert_eq!(one, two);
        // One insertion after another: the same rows refused (an insertion of a present id is
        // `AlreadyPresent`, not a duplicate of rows).
        let mut pool = TargetPool::new();
        let inserted = rows.iter().try_for_each(|t| pool.insert(t.clone()));
        match (inserted, expected) {
            (Ok(()), Ok(())) => {}
            (Err(PoolError::AlreadyPresent { id, .. }), Err(PoolError::DuplicateId { id: want, .. })) => {
                prop_assert_eq!(id, want);
            }
            (got, want) => prop_assert_eq!(got, want),
        }
    }
}

#[test]
fn look_alike_ids_name_both_ids_rows_and_the_difference() {
    let t = |id: &str| Target::new(TargetId::new(id).unwrap());
    let rows = vec![t("ACME-E1"), t("B-2"), t("ACME-\u{415}1")];
    let e = FrozenPool::from_entries(rows.clone()).unwrap_err();
    assert_eq!(
        e,
        PoolError::LookAlikeIds {
            kind: "target",
            first_id: "ACME-E1".into(),
            first_row: 1,
            second_id: "ACME-\u{415}1".into(),
            second_row: 3,
        }
    );
    assert_eq!(
        e.to_string(),
        "target ids \"ACME-E1\" (row 1) and \"ACME-\u{415}1\" (row 3) look alike: they differ at \
         character 6 (U+0045 against U+0415), yet a reader takes them for one id (same \
         confusable skeleton, docs/SAMPLING.md §10); give one of them another id or write both alike"
    );
    assert_eq!(TargetPool::from_entries(rows).unwrap_err(), e);
    // Sorted rows take the one-step load's fast path; it refuses them too.
    let sorted = vec![t("2026-SCJG-001"), t("2026-SCJG-00l")];
    assert!(matches!(
        FrozenPool::from_entries(sorted).unwrap_err(),
        PoolError::LookAlikeIds {
            first_row: 1,
            second_row: 2,
            ..
        }
    ));
    // Full-width digits and non-breaking hyphens.
    let e = TargetPool::from_entries(vec![
        t("2026-SCJG-001"),
        t("２０２６\u{2011}SCJG\u{2011}００１"),
    ])
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("character 1 (U+0032 against U+FF12)"),
        "{e}"
    );
}

#[test]
fn insert_and_upsert_refuse_look_alikes_and_a_removed_id_frees_its_skeleton() {
    let t = |id: &str| Target::new(TargetId::new(id).unwrap());
    let mut pool = TargetPool::from_entries(vec![t("E1"), t("E2")]).unwrap();
    let want = PoolError::LookAlikeIds {
        kind: "target",
        first_id: "E1".into(),
        first_row: 1,
        second_id: "\u{415}1".into(),
        second_row: 3,
    };
    assert_eq!(pool.insert(t("\u{415}1")).unwrap_err(), want);
    assert_eq!(pool.upsert(t("\u{415}1")).unwrap_err(), want);
    assert_eq!(pool.len(), 2);
    // Replacing an entry keeps its own id: no clash with itself.
    assert!(pool.upsert(t("E1")).unwrap().is_some());
    pool.insert(t("E3")).unwrap();
    assert!(matches!(
        pool.insert(t("E\u{33}")),
        Err(PoolError::AlreadyPresent { .. })
    ));
    assert!(matches!(
        pool.insert(t("\u{415}3")),
        Err(PoolError::LookAlikeIds {
            first_row: 3,
            second_row: 4,
            ..
        })
    ));
    pool.remove(&TargetId::new("E1").unwrap()).unwrap();
    pool.insert(t("\u{415}1")).unwrap();
    assert!(pool.get(&TargetId::new("\u{415}1").unwrap()).is_some());
    // A thawed snapshot refuses them as well.
    let mut thawed = pool.freeze().thaw();
    assert!(matches!(
        thawed.insert(t("E1")),
        Err(PoolError::LookAlikeIds { .. })
    ));
    // Inspector pools too.
    let p = |id: &str| {
        Inspector::new(
            InspectorId::new(id).unwrap(),
            DeptId::new("D01").unwrap(),
            "CERT",
        )
    };
    let e = FrozenInspectorPool::from_entries(vec![p("P0"), p("PO")]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("inspector ids \"P0\" (row 1) and \"PO\" (row 2) look alike"),
        "{e}"
    );
    assert_eq!(
        InspectorPool::from_entries(vec![p("P0"), p("PO")]).unwrap_err(),
        e
    );
}
