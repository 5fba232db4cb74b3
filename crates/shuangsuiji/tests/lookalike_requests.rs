//! Requests against their data (docs/SAMPLING.md §10): a draw whose department or item only
//! looks like the history's, and a matching whose recusal lists name an inspector only by a
//! look-alike of the pool's id, would silently not exclude or recuse; both are refused.

use shuangsuiji::assign::{
    AssignError, Conflict, DepartmentNeed, MatchPolicy, TargetFacts, Visit, assign,
};
use shuangsuiji::draw::{DrawError, DrawRequest, sample_sharded};
use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId, TaskId};
use shuangsuiji::inspector::{Inspector, InspectorPool};
use shuangsuiji::policy::{RecentBy, RecentRule, SamplingPolicy};
use shuangsuiji::record::draw;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Inspection, Target, TargetPool};
use std::collections::BTreeMap;

const CYRILLIC_E: char = '\u{415}';

/// 40 targets; every fourth inspected on 2026-06-01 by `department` for `item`.
fn pool(department: &str, item: &str) -> FrozenPool {
    TargetPool::from_entries((0..40).map(|i| {
        let mut t = Target::new(TargetId::new(format!("T{i:03}")).unwrap());
        if i % 4 == 1 {
            t.history.push(Inspection {
                date: "2026-06-01".parse().unwrap(),
                department: DeptId::new(department).unwrap(),
                item: Some(ItemId::new(item).unwrap()),
                inspectors: vec![],
            });
        }
        t
    }))
    .unwrap()
    .into_frozen()
}

fn request(by: RecentBy, department: &str, item: &str, within_days: u32) -> DrawRequest {
    let r = "10%".parse().unwrap();
    let policy = SamplingPolicy::by_grade(r, r, r, r, Some(r));
    let mut r = DrawRequest::new(TaskId::new("2026-SCJG-001").unwrap(), Seed([3; 32]), policy);
    r.date = Some("2026-11-01".parse().unwrap());
    r.department = Some(DeptId::new(department).unwrap());
    r.items = vec![ItemId::new("I-9").unwrap(), ItemId::new(item).unwrap()];
    r.policy.exclusions.recent = vec![RecentRule { within_days, by }];
    r
}

#[test]
fn a_department_that_only_looks_like_the_historys_is_refused() {
    let pool = pool("SCJG-E1", "FOOD-01");
    let req = request(
        RecentBy::SameDepartment,
        &format!("SCJG-{CYRILLIC_E}1"),
        "x",
        365,
    );
    let e = draw(&pool, &req).unwrap_err();
    assert_eq!(
        e,
        DrawError::LookAlikeInHistory {
            what: "department",
            requested: format!("SCJG-{CYRILLIC_E}1"),
            in_history: "SCJG-E1".into(),
            target: TargetId::new("T001").unwrap(),
            date: "2026-06-01".parse().unwrap(),
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "the request's department \"SCJG-{CYRILLIC_E}1\" is not the history's \"SCJG-E1\" but \
             looks like it (they differ at character 6 (U+0415 against U+0045)): target T001 was \
             inspected under \"SCJG-E1\" on 2026-06-01, and a recent-inspection exclusion would \
             not count it; write the department as the history does (docs/SAMPLING.md §10)"
        )
    );
    // The same on any number of shards.
    for shards in [1, 2, 7] {
        assert_eq!(
            sample_sharded(&pool.shards(shards), &req).unwrap_err(),
            e,
            "{shards} shards"
        );
    }
    // Written as the history writes it, the draw excludes the ten inspected targets.
    let ok = request(RecentBy::SameDepartment, "SCJG-E1", "x", 365);
    assert_eq!(draw(&pool, &ok).unwrap().exclusions.recently_inspected, 10);
    // A department that does not look like the history's is simply another department.
    let other = request(RecentBy::SameDepartment, "SCJG-E2", "x", 365);
    assert_eq!(
        draw(&pool, &other).unwrap().exclusions.recently_inspected,
        0
    );
}

#[test]
fn an_item_that_only_looks_like_the_historys_is_refused() {
    let pool = pool("D1", "FOOD-01");
    // Full-width digits.
    let req = request(RecentBy::SameItem, "D1", "FOOD-\u{FF10}\u{FF11}", 365);
    let e = draw(&pool, &req).unwrap_err();
    assert!(
        matches!(&e, DrawError::LookAlikeInHistory { what: "item", in_history, .. } if in_history == "FOOD-01"),
        "{e}"
    );
    assert!(e.to_string().contains("U+FF10 against U+0030"), "{e}");
    let ok = request(RecentBy::SameItem, "D1", "FOOD-01", 365);
    assert_eq!(draw(&pool, &ok).unwrap().exclusions.recently_inspected, 10);
}

#[test]
fn only_entries_a_rule_weighs_are_compared() {
    let pool = pool("SCJG-E1", "FOOD-01");
    // The inspection was 153 days before the draw: outside a 90-day window it excludes
    // nothing, whatever its department is called.
    let req = request(
        RecentBy::SameDepartment,
        &format!("SCJG-{CYRILLIC_E}1"),
        "x",
        90,
    );
    assert_eq!(draw(&pool, &req).unwrap().exclusions.recently_inspected, 0);
    // A same-item rule does not look at departments.
    let req = request(
        RecentBy::SameItem,
        &format!("SCJG-{CYRILLIC_E}1"),
        "FOOD-01",
        365,
    );
    assert_eq!(draw(&pool, &req).unwrap().exclusions.recently_inspected, 10);
}

fn inspectors() -> shuangsuiji::inspector::FrozenInspectorPool {
    let dept = DeptId::new("D1").unwrap();
    InspectorPool::from_entries((0..6).map(|i| {
        Inspector::new(
            InspectorId::new(format!("P-{i}")).unwrap(),
            dept.clone(),
            format!("C{i}"),
        )
    }))
    .unwrap()
    .into_frozen()
}

fn visit() -> (Vec<Visit>, BTreeMap<TargetId, TargetFacts>) {
    let target = TargetId::new("E001").unwrap();
    let visit = Visit {
        id: "V-1".into(),
        target: target.clone(),
        date: "2026-05-12".parse().unwrap(),
        needs: vec![DepartmentNeed {
            department: DeptId::new("D1").unwrap(),
            items: vec![],
        }],
    };
    let mut facts = BTreeMap::new();
    facts.insert(target, TargetFacts::default());
    (vec![visit], facts)
}

#[test]
fn recusal_lists_naming_a_look_alike_of_a_pool_inspector_are_refused() {
    let pool = inspectors();
    let (visits, facts) = visit();
    let twin = || InspectorId::new("P\u{2011}0").unwrap(); // non-breaking hyphen
    let run = |policy: &MatchPolicy, facts: &BTreeMap<TargetId, TargetFacts>| {
        assign(&pool, &visits, facts, policy, &Seed([1; 32]))
    };
    let mut policy = MatchPolicy::default();
    policy.conflicts.push(Conflict {
        inspector: twin(),
        target: TargetId::new("E001").unwrap(),
        reason: "亲属".into(),
    });
    let e = run(&policy, &facts).unwrap_err();
    assert_eq!(
        e,
        AssignError::LookAlikeInspector {
            list: "conflicts".into(),
            id: twin(),
            pool_id: InspectorId::new("P-0").unwrap(),
        }
    );
    assert_eq!(
        e.to_string(),
        "conflicts names inspector \"P\u{2011}0\", which is not in the pool but looks like pool \
         inspector \"P-0\" (they differ at character 2 (U+2011 against U+002D)): the rule would \
         silently not apply; write the id as the pool does (docs/SAMPLING.md §10)"
    );
    let mut policy = MatchPolicy::default();
    policy
        .avoid_pairs
        .push((InspectorId::new("P-1").unwrap(), twin()));
    assert!(matches!(
        run(&policy, &facts).unwrap_err(),
        AssignError::LookAlikeInspector { list, .. } if list == "avoid_pairs"
    ));
    let mut policy = MatchPolicy::default();
    policy.prior_workload.insert(twin(), 3);
    assert!(matches!(
        run(&policy, &facts).unwrap_err(),
        AssignError::LookAlikeInspector { list, .. } if list == "prior_workload"
    ));
    let mut recused = facts.clone();
    recused
        .get_mut(&TargetId::new("E001").unwrap())
        .unwrap()
        .last_inspectors = vec![twin()];
    let e = run(&MatchPolicy::default(), &recused).unwrap_err();
    assert!(
        matches!(&e, AssignError::LookAlikeInspector { list, .. } if list == "the last inspectors of target E001"),
        "{e}"
    );
    // Ids outside the pool that look like none of its ids are still ignored.
    let mut policy = MatchPolicy::default();
    policy.conflicts.push(Conflict {
        inspector: InspectorId::new("Q-9").unwrap(),
        target: TargetId::new("E001").unwrap(),
        reason: String::new(),
    });
    policy
        .prior_workload
        .insert(InspectorId::new("Q-8").unwrap(), 1);
    assert!(run(&policy, &facts).is_ok());
}
