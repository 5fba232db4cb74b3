//! Properties: totals are sums, rates are shares, rounding is half up, round trips.

use crate::calendar::HolidayCalendar;
use crate::ids::{DeptId, PlanId, TargetId, TaskId};
use crate::kpi::*;
use crate::lifecycle::ResultCode;
use chrono::NaiveDate;
use proptest::prelude::*;

/// (lead, participant mask, graded, month, day, targets: (problem, published, mobile))
type TaskSpec = (usize, u8, bool, u32, u32, Vec<(bool, bool, bool)>);

fn build(n_depts: usize, plans: Vec<(usize, bool, bool)>, tasks: Vec<TaskSpec>) -> KpiInput {
    let dept = |i: usize| DeptId::new(format!("D{}", i % n_depts)).unwrap();
    let mut input = KpiInput::new(2025);
    for i in 0..n_depts {
        input.departments.push(DepartmentRow {
            id: dept(i),
            name: format!("部门{i}"),
        });
    }
    for (k, (d, joint, deleted)) in plans.into_iter().enumerate() {
        let joint = joint && n_depts > 1;
        input.plans.push(PlanRow {
            id: PlanId::new(format!("P{k}")).unwrap(),
            year: 2025,
            department: dept(d),
            kind: if joint {
                PlanKindFlag::Joint
            } else {
                PlanKindFlag::Single
            },
            participants: if joint { vec![dept(d + 1)] } else { vec![] },
            items: vec![],
            special: false,
            deleted,
            deletion_reason: if deleted {
                "本地区无检查对象".into()
            } else {
                String::new()
            },
        });
    }
    let live: Vec<PlanId> = input
        .plans
        .iter()
        .filter(|p| !p.deleted)
        .map(|p| p.id.clone())
        .collect();
    for (k, (lead, mask, graded, month, day, targets)) in tasks.into_iter().enumerate() {
        let lead = lead % n_depts;
        let participants: Vec<DeptId> = (0..n_depts)
            .filter(|&i| i != lead && mask & (1 << i) != 0)
            .map(dept)
            .collect();
        let created = NaiveDate::from_ymd_opt(2025, month, day).unwrap();
        let id = TaskId::new(format!("T{k}")).unwrap();
        input.tasks.push(TaskRow {
            id: id.clone(),
            plans: live.get(k).cloned().into_iter().collect(),
            lead: dept(lead),
            joint: !participants.is_empty(),
            participants,
            graded,
            created_on: created,
            due_on: Some(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            completed_on: (k % 3 != 0).then_some(created),
        });
        for (j, (problem, published, mobile)) in targets.into_iter().enumerate() {
            let target = TargetId::new(format!("E{k}-{j}")).unwrap();
            input.drawn.push(DrawnRow {
                task: id.clone(),
                target: target.clone(),
                stratum: None,
                inclusion_probability: None,
            });
            if j % 4 == 3 {
                continue; // drawn, not inspected
            }
            input.results.push(ResultRow {
                task: id.clone(),
                target,
                codes: ResultCodes::try_from([if problem {
                    ResultCode::ProblemFollowUpPending
                } else {
                    ResultCode::NoProblemFound
                }])
                .expect("known codes"),
                inspected_on: created,
                entered_on: created,
                mobile,
                published_on: published.then_some(created),
            });
        }
    }
    input
}

fn input() -> impl Strategy<Value = KpiInput> {
    (1usize..5).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0usize..5, any::<bool>(), any::<bool>()), 0..6),
            prop::collection::vec(
                (
                    0usize..5,
                    any::<u8>(),
                    any::<bool>(),
                    1u32..13,
                    1u32..29,
                    prop::collection::vec(any::<(bool, bool, bool)>(), 0..6),
                ),
                0..8,
            ),
        )
            .prop_map(|(n, p, t)| build(n, p, t))
    })
}

fn all_rates(k: &Kpis) -> [Rate; 13] {
    k.rates()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn totals_are_sums_and_rates_are_shares(input in input()) {
        let report = KpiReport::compute(&input, &KpiConfig::default()).unwrap();
        let reference =
            KpiReport::compute_reference(&input, &KpiConfig::default(), &HolidayCalendar::china());
        prop_assert_eq!(&report, &reference.unwrap());
        let t = &report.total.annex;
        let sum = |f: fn(&AnnexRow) -> u64| report.departments.iter().map(|d| f(&d.annex)).sum::<u64>();
        prop_assert_eq!(t.plans_single, sum(|a| a.plans_single));
        prop_assert_eq!(t.plans_joint, sum(|a| a.plans_joint));
        prop_assert_eq!(t.tasks_single + t.tasks_joint, input.tasks.len() as u64);
        prop_assert_eq!(t.joined_as_participant, sum(|a| a.joined_as_participant));
        prop_assert_eq!(t.drawn, input.drawn.len() as u64);
        prop_assert_eq!(t.problems, sum(|a| a.problems));
        for d in report.departments.iter().map(|d| &d.periods).chain([&report.total.periods]) {
            for p in d {
                for r in all_rates(&p.kpis) {
                    prop_assert!(r.numerator <= r.denominator, "{:?}", r);
                    if let Some(v) = r.value() {
                        prop_assert!((0.0..=1.0).contains(&v));
                    }
                }
            }
            // Every date is in the year: the quarters add up to the year.
            let year = &d[4].kpis;
            let q = |f: fn(&Kpis) -> Rate| d[..4].iter().fold(Rate::default(), |a, p| a.plus(f(&p.kpis)));
            prop_assert_eq!(q(|k| k.problem_discovery), year.problem_discovery);
            prop_assert_eq!(q(|k| k.publication), year.publication);
            prop_assert_eq!(q(|k| k.joint_task_share), year.joint_task_share);
            prop_assert_eq!(q(|k| k.joint_target_share), year.joint_target_share);
        }
        // Department totals equal the total's counts.
        let y = report.total.year();
        let dsum = |f: fn(&Kpis) -> Rate| report.departments.iter().fold(Rate::default(), |a, d| a.plus(f(d.year())));
        prop_assert_eq!(dsum(|k| k.problem_discovery), y.problem_discovery);
        prop_assert_eq!(dsum(|k| k.mobile_enforcement), y.mobile_enforcement);
        prop_assert_eq!(dsum(|k| k.plan_fulfilment), y.plan_fulfilment);
        prop_assert_eq!(y.participation.numerator, report.departments.iter().filter(|d| d.year().participation.numerator == 1).count() as u64);
        // CSV and JSON round trips.
        // (Without plans and tasks the CSV tables hold no year.)
        let back = KpiInput::from_csv(&input.to_csv());
        if input.plans.is_empty() && input.tasks.is_empty() {
            prop_assert_eq!(back.unwrap_err(), KpiError::NoYear);
        } else {
            prop_assert_eq!(back.unwrap(), input.clone());
        }
        let json = report.to_json();
        prop_assert_eq!(serde_json::from_str::<KpiReport>(&json).unwrap(), report);
    }

    #[test]
    fn rounding_is_half_up_on_the_exact_fraction(n in 0u64..100_000, extra in 0u64..100_000) {
        let d = n + extra + 1;
        let r = Rate::new(n, d);
        let p = r.per_mille_rounded().unwrap();
        // p/1000 is within half a unit of n/d, and an exact half rounds up.
        prop_assert!(2000 * n as u128 + d as u128 >= 2 * d as u128 * p as u128);
        prop_assert!((2000 * n as u128 + d as u128) < 2 * d as u128 * (p as u128 + 1));
        let shown = r.to_string();
        prop_assert_eq!(shown, format!("{}.{}%", p / 10, p % 10));
    }
}
