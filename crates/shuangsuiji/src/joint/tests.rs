use super::*;
use crate::catalog::{JointDomain, JointItem};
use crate::ids::{ItemId, TargetId};
use crate::plan::{PlanKind, PlanSize};
use crate::policy::{Ratio, SamplingPolicy};
use crate::risk::RiskGrade;
use crate::seed::Seed;
use crate::target::{Target, TargetPool};
use chrono::NaiveDate;
use proptest::prelude::*;

fn dept(s: &str) -> DeptId {
    DeptId::new(s).unwrap()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// `n` targets; target `i` is in region `"R{i % regions}"` with grade A–D by `i % 4`.
fn pool(n: usize, regions: usize) -> FrozenPool {
    let grades = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
    TargetPool::from_entries((0..n).map(|i| {
        let mut t = Target::new(TargetId::new(format!("T{i:04}")).unwrap());
        t.region = format!("R{}", i % regions);
        t.grade = Some(grades[i % 4]);
        t
    }))
    .unwrap()
    .into_frozen()
}

fn region(r: usize) -> Scope {
    let mut s = Scope::all();
    s.regions.insert(format!("R{r}"));
    s
}

fn plan(id: &str, department: &str, item: &str, scope: Scope, window: Window) -> Plan {
    let r = |p| Ratio::percent(p).unwrap();
    Plan {
        id: PlanId::new(id).unwrap(),
        name: id.into(),
        year: 2026,
        kind: PlanKind::Single {
            department: dept(department),
        },
        items: vec![ItemId::new(item).unwrap()],
        scope,
        size: PlanSize::Policy(Box::new(SamplingPolicy::by_grade(
            r(5),
            r(20),
            r(60),
            r(100),
            Some(r(10)),
        ))),
        window,
        frequency_per_year: 1,
        due: None,
    }
}

fn year(plans: Vec<Plan>) -> AnnualPlan {
    let mut y = AnnualPlan::new(2026);
    y.plans = plans;
    y
}

/// 市场监管局 initiates `SC-1` with 卫健局 participating; nothing else may join.
fn joint_list() -> JointItemList {
    JointItemList {
        name: "联合清单".into(),
        version: "2026".into(),
        domains: vec![JointDomain {
            name: "餐饮".into(),
            items: vec![JointItem {
                item: ItemId::new("SC-1").unwrap(),
                initiating: dept("SC"),
                participating: vec![dept("WJ")],
                level: "县级".into(),
            }],
        }],
    }
}

fn spring() -> Window {
    Window::new(d(3, 1), d(5, 31))
}

fn reasons(p: &MergeProposal) -> Vec<PairReason> {
    p.decisions.iter().map(|d| d.reason.clone()).collect()
}

#[test]
fn each_reason() {
    let pool = pool(40, 2);
    let cfg = MergeConfig::default();
    let list = joint_list();
    let two = |b: Plan| {
        let a = plan("A", "SC", "SC-1", region(0), spring());
        propose(&year(vec![a, b]), &list, &pool, &cfg)
    };
    // Disjoint scopes are never compared: nothing to merge, nothing to explain.
    let p = two(plan("B", "WJ", "WJ-1", region(1), spring()));
    assert_eq!(p.tasks.len(), 2);
    assert!(p.decisions.is_empty());
    // Same targets, windows 32 days apart.
    let p = two(plan(
        "B",
        "WJ",
        "WJ-1",
        Scope::all(),
        Window::new(d(7, 2), d(8, 1)),
    ));
    assert_eq!(
        reasons(&p),
        [PairReason::WindowsTooFarApart { days: Some(32) }]
    );
    assert_eq!(p.tasks.len(), 2);
    // ... merged once the gap allows it.
    let gap = MergeConfig {
        gap_days: 32,
        ..cfg
    };
    let y = year(vec![
        plan("A", "SC", "SC-1", region(0), spring()),
        plan(
            "B",
            "WJ",
            "WJ-1",
            Scope::all(),
            Window::new(d(7, 2), d(8, 1)),
        ),
    ]);
    let p = propose(&y, &list, &pool, &gap);
    assert_eq!(reasons(&p), [PairReason::Merged { common_targets: 20 }]);
    assert_eq!(p.tasks[0].common_window, None);
    // The visit window: the days within 32 days of both (spring ends 31 May, B starts 2 July).
    assert_eq!(p.tasks[0].visit_window, Window::new(d(5, 31), d(7, 2)));
    // A department the joint list does not pair.
    let p = two(plan("B", "GA", "GA-1", Scope::all(), spring()));
    assert_eq!(reasons(&p), [PairReason::NotAllowedByJointList]);
    // NoCommonTargets: C shares targets with B but none with A, B's task partner.
    let y = year(vec![
        plan("A", "SC", "SC-1", region(0), spring()),
        plan("B", "SC", "SC-2", Scope::all(), spring()),
        plan("C", "SC", "SC-3", region(1), spring()),
    ]);
    let p = propose(&y, &list, &pool, &cfg);
    assert_eq!(
        reasons(&p),
        [
            PairReason::Merged { common_targets: 20 },
            PairReason::NoCommonTargets
        ]
    );
    assert_eq!(p.decisions[1].plan.as_str(), "C");
    assert_eq!(p.decisions[1].other.as_str(), "A");
    assert_eq!(p.tasks.len(), 2);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<MergeProposal>(&json).unwrap(), p);
}

#[test]
fn within_department_is_always_allowed() {
    let pool = pool(40, 2);
    let y = year(vec![
        plan("A", "GA", "GA-1", Scope::all(), spring()),
        plan(
            "B",
            "GA",
            "GA-2",
            region(0),
            Window::new(d(5, 31), d(6, 30)),
        ),
    ]);
    let p = propose(&y, &joint_list(), &pool, &MergeConfig::default());
    assert_eq!(p.tasks.len(), 1);
    let t = &p.tasks[0];
    assert_eq!(t.kind, TaskKind::WithinDepartment);
    assert_eq!(
        (&t.lead, &t.lead_choice),
        (&dept("GA"), &LeadChoice::SingleDepartment)
    );
    assert_eq!(t.common_window, Some(Window::new(d(5, 31), d(5, 31))));
}

#[test]
fn lead_rule() {
    let pool = pool(40, 2);
    let list = joint_list();
    // The initiator of the joint item leads, though its plan comes second and is smaller.
    let y = year(vec![
        plan("W", "WJ", "WJ-1", Scope::all(), spring()),
        plan("S", "SC", "SC-1", region(0), spring()),
    ]);
    let p = propose(&y, &list, &pool, &MergeConfig::default());
    assert_eq!(p.tasks[0].lead, dept("SC"));
    assert_eq!(
        p.tasks[0].lead_choice,
        LeadChoice::JointItem {
            item: ItemId::new("SC-1").unwrap()
        }
    );
    assert_eq!(p.tasks[0].departments, [dept("SC"), dept("WJ")]);
    // Without an initiating joint item among the plans' items, the default rule decides.
    let mut y = y;
    y.plans[1].items = vec![ItemId::new("SC-9").unwrap()];
    let p = propose(&y, &list, &pool, &MergeConfig::default());
    assert_eq!(p.tasks[0].lead, dept("WJ"), "the largest scope");
    let first = MergeConfig {
        default_lead: LeadRule::FirstPlan,
        ..MergeConfig::default()
    };
    y.plans.swap(0, 1);
    let p = propose(&y, &list, &pool, &first);
    assert_eq!(p.tasks[0].lead, dept("SC"));
    assert_eq!(
        p.tasks[0].lead_choice,
        LeadChoice::Default {
            rule: LeadRule::FirstPlan,
            plan: PlanId::new("S").unwrap()
        }
    );
    // Equal scopes: the smaller plan id.
    y.plans[0].scope = Scope::all();
    let p = propose(&y, &list, &pool, &MergeConfig::default());
    assert_eq!(p.tasks[0].lead, dept("SC"));
}

#[test]
fn deleted_plans_are_left_out_and_unknown_plans_refused() {
    let pool = pool(40, 2);
    let mut y = year(vec![
        plan("A", "GA", "GA-1", Scope::all(), spring()),
        plan("B", "GA", "GA-2", Scope::all(), spring()),
    ]);
    y.deletions.push(crate::plan::Deletion {
        plan: PlanId::new("B").unwrap(),
        reason: "无对象".into(),
        approved_by: "局长".into(),
        date: d(2, 1),
    });
    let p = propose(&y, &joint_list(), &pool, &MergeConfig::default());
    assert_eq!(p.tasks.len(), 1);
    assert_eq!(p.tasks[0].kind, TaskKind::Alone);
    let mut task = p.tasks[0].clone();
    task.plans.push(PlanId::new("B").unwrap());
    let err = draw_task(&task, &y, &pool, &Seed([1; 32])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "task 2026-JT-00001: plan B is not an active plan of the annual plan"
    );
}

#[test]
fn shared_keys_nest_the_samples() {
    let pool = pool(400, 1);
    let mut small = plan("S", "SC", "SC-1", Scope::all(), spring());
    small.size = PlanSize::Count { total: 20 };
    let mut big = plan("B", "WJ", "WJ-1", Scope::all(), spring());
    big.size = PlanSize::Count { total: 60 };
    let y = year(vec![small, big]);
    let p = propose(&y, &joint_list(), &pool, &MergeConfig::default());
    let r = draw_visits(&p, &y, &pool, |_| Seed([9; 32])).unwrap();
    // Same scope, same strata: the 20 lie inside the 60.
    assert_eq!(
        (r.without_merging, r.with_merging, r.saving()),
        (80, 60, 20)
    );
    let t = &r.tasks[0];
    assert_eq!(t.visits.iter().filter(|v| v.items.len() == 2).count(), 20);
}

#[test]
fn a_failed_draw_names_the_task_and_the_plan() {
    let pool = pool(40, 2);
    let mut p = plan("A", "GA", "GA-1", region(0), spring());
    p.size = PlanSize::Count { total: 50 };
    let y = year(vec![p]);
    let proposal = propose(&y, &joint_list(), &pool, &MergeConfig::default());
    let err = draw_visits(&proposal, &y, &pool, |_| Seed([2; 32])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "task 2026-JT-00001: drawing plan A: fixed total 50 cannot be met: the strata allow between 0 and 20"
    );
}

#[test]
fn plans_are_checked_against_the_pool_before_drawing() {
    let pool = pool(40, 2);
    let mut too_many = plan("A", "GA", "GA-1", region(0), spring());
    too_many.size = PlanSize::Count { total: 50 };
    let nowhere = plan("B", "SC", "SC-1", region(7), spring());
    let fine = plan("C", "SC", "SC-1", region(1), spring());
    let y = year(vec![too_many, nowhere, fine.clone()]);
    let errors = y.check_pool(&pool).unwrap_err();
    let text: Vec<String> = errors.errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        text,
        [
            "plan A (department GA) cannot be drawn: fixed total 50 cannot be met: the strata allow between 0 and 20",
            "plan B (department SC): no eligible target in the pool (40 outside its scope, 0 excluded); \
             delete it with an approved reason such as 本地区无检查对象, or widen its scope",
        ]
    );
    // A deleted plan is not checked; the rest then pass.
    let mut y = y;
    for (plan, reason) in [("A", "改为联合抽查"), ("B", "本地区无检查对象")] {
        y.deletions.push(crate::plan::Deletion {
            plan: PlanId::new(plan).unwrap(),
            reason: reason.into(),
            approved_by: "县市场监管局".into(),
            date: d(2, 1),
        });
    }
    assert_eq!(y.check_pool(&pool), Ok(()));
    assert_eq!(year(vec![fine]).check_pool(&pool), Ok(()));
}

#[derive(Debug, Clone)]
struct Spec {
    dept: usize,
    region: Option<usize>,
    start: u32,
    len: u32,
    count: Option<u64>,
}

fn arb_specs() -> impl Strategy<Value = Vec<Spec>> {
    let spec = (
        0..4usize,
        proptest::option::of(0..3usize),
        1..300u32,
        0..60u32,
        proptest::option::of(1..8u64),
    )
        .prop_map(|(dept, region, start, len, count)| Spec {
            dept,
            region,
            start,
            len,
            count,
        });
    proptest::collection::vec(spec, 1..10)
}

fn from_specs(specs: &[Spec]) -> AnnualPlan {
    let depts = ["SC", "WJ", "GA", "SC"];
    let items = ["SC-1", "WJ-1", "GA-1", "SC-2"];
    year(
        specs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let first = d(1, 1) + chrono::Days::new(u64::from(s.start));
                let last = (first + chrono::Days::new(u64::from(s.len))).min(d(12, 31));
                let mut p = plan(
                    &format!("P{i}"),
                    depts[s.dept],
                    items[s.dept],
                    s.region.map_or_else(Scope::all, region),
                    Window::new(first, last),
                );
                if let Some(total) = s.count {
                    p.size = PlanSize::Count { total };
                }
                p
            })
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merging_keeps_coverage_and_never_adds_visits(
        specs in arb_specs(),
        n in 24usize..80, // at least 8 per region, above any count the specs ask for
        gap in 0u32..40,
        seed in any::<[u8; 32]>(),
    ) {
        let pool = pool(n, 3);
        let y = from_specs(&specs);
        let cfg = MergeConfig { gap_days: gap, default_lead: LeadRule::LargestScope };
        let p = propose(&y, &joint_list(), &pool, &cfg);
        // Every active plan in exactly one task.
        let mut placed: Vec<&PlanId> = p.tasks.iter().flat_map(|t| &t.plans).collect();
        placed.sort();
        let mut all: Vec<&PlanId> = y.plans.iter().map(|p| &p.id).collect();
        all.sort();
        prop_assert_eq!(placed, all);
        let report = draw_visits(&p, &y, &pool, |_| Seed(seed)).unwrap();
        for t in &report.tasks {
            prop_assert!(t.with_merging <= t.without_merging);
            for c in &t.coverage {
                prop_assert_eq!(c.visited, c.required);
                // Alone, with the same seed, the plan draws exactly the targets it is visited for.
                let plan = y.plan(&c.plan).unwrap();
                let alone = year(vec![plan.clone()]);
                let solo = propose(&alone, &joint_list(), &pool, &cfg);
                let mine: Vec<&TargetId> = t.visits.iter().filter(|v| v.plans.contains(&c.plan)).map(|v| &v.target).collect();
                let solo = draw_visits(&solo, &alone, &pool, |_| Seed(seed)).unwrap();
                let solo: Vec<&TargetId> = solo.tasks[0].visits.iter().map(|v| &v.target).collect();
                prop_assert_eq!(mine, solo);
                let items = &plan.items;
                prop_assert!(t.visits.iter().filter(|v| v.plans.contains(&c.plan)).all(|v| items.iter().all(|i| v.items.contains(i))));
            }
        }
        let alone: u64 = report.tasks.iter().map(|t| t.without_merging).sum();
        prop_assert!(report.with_merging <= report.without_merging);
        prop_assert_eq!(alone, report.without_merging);
        // The same seed, the same result.
        prop_assert_eq!(&propose(&y, &joint_list(), &pool, &cfg), &p);
        prop_assert_eq!(draw_visits(&p, &y, &pool, |_| Seed(seed)).unwrap(), report);
    }

    #[test]
    fn every_member_pair_of_a_task_merges(specs in arb_specs(), gap in 0u32..40) {
        let pool = pool(30, 3);
        let y = from_specs(&specs);
        let cfg = MergeConfig { gap_days: gap, default_lead: LeadRule::FirstPlan };
        let p = propose(&y, &joint_list(), &pool, &cfg);
        let list = joint_list();
        for t in &p.tasks {
            for (i, a) in t.plans.iter().enumerate() {
                for b in &t.plans[i + 1..] {
                    let (a, b) = (y.plan(a).unwrap(), y.plan(b).unwrap());
                    prop_assert!(a.window.overlaps(&b.window, gap));
                    let (da, db) = (a.kind.lead(), b.kind.lead());
                    prop_assert!(da == db || !list.joint_items_between(da, db).is_empty());
                }
            }
            // A visit day exists for every member: inside its window, or within the gap.
            let w = t.visit_window;
            prop_assert!(!w.is_empty());
            if let Some(c) = t.common_window {
                prop_assert_eq!(c, w);
            }
            for m in &t.plans {
                let m = y.plan(m).unwrap();
                prop_assert!(m.window.distance_days(&Window::new(w.first, w.first)).unwrap() <= u64::from(gap));
                prop_assert!(m.window.distance_days(&Window::new(w.last, w.last)).unwrap() <= u64::from(gap));
                prop_assert!(t.plans.iter().any(|o| y.plan(o).unwrap().window.first <= w.first));
                prop_assert!(t.plans.iter().any(|o| y.plan(o).unwrap().window.last >= w.last));
            }
        }
    }
}
