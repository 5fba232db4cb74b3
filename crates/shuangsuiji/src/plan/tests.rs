use super::*;
use crate::catalog::{InspectionMethod, Item, ItemCategory, JointDomain, JointItem};
use crate::ids::IdError;
use crate::policy::{Bounds, Ratio};
use crate::risk::Stratum;

fn dept(s: &str) -> DeptId {
    DeptId::new(s).unwrap()
}

fn item_id(s: &str) -> ItemId {
    ItemId::new(s).unwrap()
}

fn pid(s: &str) -> PlanId {
    PlanId::new(s).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const SJ: &str = "市场监管局";
const SW: &str = "商务局";
const XF: &str = "消防救援大队";
const SS: &str = "税务局";

fn item(i: &str, department: &str) -> Item {
    Item {
        id: item_id(i),
        name: format!("事项 {i}"),
        department: dept(department),
        legal_basis: "依据".into(),
        content: "内容".into(),
        target_kinds: vec!["企业".into()],
        category: ItemCategory::General,
        method: InspectionMethod::OnSite,
        default_ratio_ppm: Some(50_000),
        frequency_per_year: Some(1),
        inspector_requirements: String::new(),
    }
}

fn items() -> ItemList {
    ItemList::new(
        "清单",
        "2026版",
        vec![
            item("SJ-001", SJ),
            item("SJ-002", SJ),
            item("SW-001", SW),
            item("XF-001", XF),
            item("SS-001", SS),
        ],
    )
    .unwrap()
}

/// 市场监管局 may check with 商务局 and 消防救援大队; 税务局 with nobody.
fn joint() -> JointItemList {
    JointItemList {
        name: "联合清单".into(),
        version: "2026版".into(),
        domains: vec![JointDomain {
            name: "餐饮服务".into(),
            items: vec![JointItem {
                item: item_id("SJ-001"),
                initiating: dept(SJ),
                participating: vec![dept(SW), dept(XF)],
                level: "县级".into(),
            }],
        }],
    }
}

fn single(id: &str, department: &str, items: &[&str]) -> Plan {
    Plan {
        id: pid(id),
        name: format!("计划 {id}"),
        year: 2026,
        kind: PlanKind::Single {
            department: dept(department),
        },
        items: items.iter().map(|i| item_id(i)).collect(),
        scope: Scope::all(),
        size: PlanSize::Count { total: 30 },
        window: Window::new(d(2026, 4, 1), d(2026, 10, 31)),
        frequency_per_year: 1,
        due: Some(d(2026, 11, 30)),
    }
}

fn joint_plan(id: &str, lead: &str, participants: &[&str], items: &[&str]) -> Plan {
    let mut p = single(id, lead, items);
    p.kind = PlanKind::Joint {
        lead: dept(lead),
        participants: participants.iter().map(|p| dept(p)).collect(),
    };
    p
}

fn year() -> AnnualPlan {
    let r = |s: &str| s.parse::<Ratio>().unwrap();
    let mut policy = single("P-2", SJ, &["SJ-002"]);
    policy.size = PlanSize::Policy(Box::new(SamplingPolicy::by_grade(
        r("5%"),
        r("20%"),
        r("60%"),
        r("100%"),
        Some(r("10%")),
    )));
    policy.scope.regions.insert("420281".into());
    let mut year = AnnualPlan::new(2026);
    year.plans = vec![
        single("P-1", SJ, &["SJ-001"]),
        policy,
        joint_plan("J-1", SJ, &[SW, XF], &["SJ-001", "SW-001", "XF-001"]),
        single("P-3", SW, &["SW-001"]),
        single("P-4", SS, &["SS-001"]),
    ];
    year.deletions = vec![Deletion {
        plan: pid("P-4"),
        reason: "本区域内无检查对象".into(),
        approved_by: "县政府".into(),
        date: d(2026, 5, 10),
    }];
    year.unplanned = vec![UnplannedCheck {
        id: "U-1".into(),
        department: dept(XF),
        items: vec![item_id("XF-001")],
        date: d(2026, 7, 3),
        reason: "群众投诉".into(),
        targets: vec![TargetId::new("E0001").unwrap()],
    }];
    year
}

/// The problems of `year` after `edit`, as messages, for the assertions below.
fn messages(edit: impl FnOnce(&mut AnnualPlan)) -> Vec<String> {
    let mut y = year();
    edit(&mut y);
    y.problems(&items(), &joint())
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(year().validate(&items(), &joint()), Ok(()));
    assert!(year().problems(&items(), &joint()).is_empty());
}

#[test]
fn plan_ids_are_validated() {
    assert_eq!(PlanId::new(""), Err(IdError::Empty { kind: "plan" }));
    assert!(matches!(
        PlanId::new("a\tb"),
        Err(IdError::BadCharacter { kind: "plan", .. })
    ));
    assert!(matches!(
        PlanId::new("x".repeat(129)),
        Err(IdError::TooLong { len: 129, .. })
    ));
    assert!(PlanId::new("x".repeat(128)).is_ok());
    let id = PlanId::try_from("2026-SCJG-01").unwrap();
    assert_eq!(id.as_str(), "2026-SCJG-01");
    assert_eq!(id.to_string(), "2026-SCJG-01");
    assert_eq!(String::from(id.clone()), "2026-SCJG-01");
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"2026-SCJG-01\"");
    assert!(serde_json::from_str::<PlanId>("\" x\"").is_err());
}

#[test]
fn duplicate_plan_names_both_rows() {
    let mut y = year();
    y.plans.push(single("P-1", SJ, &["SJ-002"]));
    let errors = y.problems(&items(), &joint());
    assert_eq!(
        errors,
        [PlanError::DuplicatePlan {
            plan: pid("P-1"),
            first_row: 1,
            second_row: 6
        }]
    );
    assert_eq!(
        errors[0].to_string(),
        "plan P-1 appears twice in the annual plan: rows 1 and 6"
    );
}

#[test]
fn plan_of_another_year() {
    let m = messages(|y| {
        let p = &mut y.plans[0];
        p.year = 2025;
        p.window = Window::new(d(2025, 4, 1), d(2025, 5, 1));
        p.due = None;
    });
    assert_eq!(
        m,
        ["plan P-1 is for year 2025 but the annual plan is for 2026"]
    );
}

#[test]
fn unknown_item_names_plan_item_and_list() {
    let m = messages(|y| y.plans[1].items.push(item_id("GONE")));
    assert_eq!(
        m,
        ["plan P-2: item GONE is not in the item list \"清单 2026版\""]
    );
}

#[test]
fn single_plan_with_anothers_item() {
    let mut y = year();
    y.plans[0].items.push(item_id("SW-001"));
    let errors = y.problems(&items(), &joint());
    assert_eq!(
        errors,
        [PlanError::NotOwner {
            plan: pid("P-1"),
            item: item_id("SW-001"),
            owner: dept(SW),
            department: dept(SJ),
        }]
    );
    assert_eq!(
        errors[0].to_string(),
        "plan P-1: item SW-001 belongs to department 商务局, \
         not to the plan's department 市场监管局"
    );
}

#[test]
fn joint_plan_items_must_belong_to_its_departments() {
    let m = messages(|y| y.plans[2].items.push(item_id("SS-001")));
    assert_eq!(
        m,
        ["joint plan J-1: item SS-001 belongs to department 税务局, \
          which is neither the lead 市场监管局 nor a participant"]
    );
    // A participant's own item is fine, and so is a lead-only item list.
    assert!(messages(|y| y.plans[2].items = vec![item_id("XF-001")]).is_empty());
}

#[test]
fn joint_plan_departments_must_be_allowed_together() {
    let m = messages(|y| {
        y.plans[2].kind = PlanKind::Joint {
            lead: dept(SJ),
            participants: vec![dept(SW), dept(SS)],
        };
        y.plans[2].items = vec![item_id("SJ-001"), item_id("SS-001")];
    });
    assert_eq!(
        m,
        [
            "joint plan J-1: departments 市场监管局 (lead) and 税务局 share no joint item \
          in the joint item list \"联合清单 2026版\""
        ]
    );
    // Allowed pairs are allowed in either role: 商务局 may lead with 市场监管局 taking part.
    assert!(
        messages(|y| {
            y.plans[2].kind = PlanKind::Joint {
                lead: dept(SW),
                participants: vec![dept(SJ)],
            };
            y.plans[2].items = vec![item_id("SW-001"), item_id("SJ-001")];
        })
        .is_empty()
    );
}

#[test]
fn joint_plan_participant_lists() {
    let set = |participants: Vec<&str>| {
        messages(move |y| {
            y.plans[2].kind = PlanKind::Joint {
                lead: dept(SJ),
                participants: participants.into_iter().map(dept).collect(),
            };
            y.plans[2].items = vec![item_id("SJ-001")];
        })
    };
    assert_eq!(
        set(vec![SW, SJ]),
        ["joint plan J-1: lead department 市场监管局 is also listed as a participant"]
    );
    assert_eq!(
        set(vec![SW, XF, SW]),
        ["joint plan J-1: participating department 商务局 is listed twice"]
    );
    assert_eq!(
        set(vec![]),
        ["joint plan J-1 (lead 市场监管局) has no participating department"]
    );
}

#[test]
fn empty_items_blank_name_and_repeated_item() {
    assert_eq!(
        messages(|y| y.plans[0].items.clear()),
        ["plan P-1 has no items"]
    );
    assert_eq!(
        messages(|y| y.plans[0].name = " ".into()),
        ["plan P-1 has an empty name"]
    );
    assert_eq!(
        messages(|y| y.plans[0].items.push(item_id("SJ-001"))),
        ["plan P-1 lists item SJ-001 twice"]
    );
}

#[test]
fn windows_and_due_dates() {
    assert_eq!(
        messages(|y| y.plans[0].window = Window::new(d(2026, 6, 2), d(2026, 6, 1))),
        ["plan P-1: window starts on 2026-06-02, after it ends on 2026-06-01"]
    );
    assert_eq!(
        messages(|y| y.plans[0].window.first = d(2025, 12, 31)),
        ["plan P-1: window 2025-12-31 to 2026-10-31 is not inside the plan year 2026"]
    );
    assert_eq!(
        messages(|y| y.plans[0].window.last = d(2027, 1, 1)),
        ["plan P-1: window 2026-04-01 to 2027-01-01 is not inside the plan year 2026"]
    );
    // The year's first and last days are inside it.
    assert!(
        messages(|y| y.plans[0].window = Window::new(d(2026, 1, 1), d(2026, 12, 31))).is_empty()
    );
    let e = year().plans[0].clone();
    let mut p = e.clone();
    p.due = Some(d(2027, 1, 10));
    assert_eq!(
        p.problems(&items(), &joint()),
        [PlanError::DueOutsideYear {
            plan: pid("P-1"),
            due: d(2027, 1, 10),
            year: 2026
        }]
    );
    assert_eq!(
        messages(|y| y.plans[0].due = Some(d(2027, 1, 10))),
        ["plan P-1: due date 2027-01-10 is not in the plan year 2026"]
    );
    assert_eq!(
        messages(|y| y.plans[0].due = Some(d(2026, 3, 31))),
        ["plan P-1: due date 2026-03-31 is before the window opens on 2026-04-01"]
    );
    // Due inside the window is allowed (the window says when, due says by when).
    assert!(messages(|y| y.plans[0].due = Some(d(2026, 4, 1))).is_empty());
}

#[test]
fn zero_frequency_and_zero_count() {
    assert_eq!(
        messages(|y| y.plans[0].frequency_per_year = 0),
        ["plan P-1: frequency per year is 0; it must be at least 1"]
    );
    assert_eq!(
        messages(|y| y.plans[0].size = PlanSize::Count { total: 0 }),
        ["plan P-1: a fixed count of 0 targets; it must be at least 1"]
    );
    assert_eq!(
        messages(|y| {
            if let PlanSize::Policy(p) = &mut y.plans[1].size {
                p.size = SampleSize::FixedTotal { total: 0 };
            }
        }),
        ["plan P-2: a fixed count of 0 targets; it must be at least 1"]
    );
    assert!(messages(|y| y.plans[0].size = PlanSize::Count { total: 1 }).is_empty());
}

#[test]
fn inconsistent_policy_is_named() {
    let m = messages(|y| {
        if let PlanSize::Policy(p) = &mut y.plans[1].size {
            *p.bounds.get_mut(Stratum::C) = Bounds {
                min: Some(9),
                max: Some(3),
            };
        }
    });
    assert_eq!(
        m,
        ["plan P-2: sampling policy: stratum C: minimum 9 is above maximum 3"]
    );
}

#[test]
fn deletion_problems() {
    let del = |plan: &str, reason: &str, by: &str| Deletion {
        plan: pid(plan),
        reason: reason.into(),
        approved_by: by.into(),
        date: d(2026, 6, 1),
    };
    assert_eq!(
        messages(|y| y.deletions.push(del("NOPE", "无对象", "县政府"))),
        ["deletion 2: plan NOPE is not in the annual plan"]
    );
    assert_eq!(
        messages(|y| y.deletions.push(del("P-3", "  ", "县政府"))),
        ["deletion of plan P-3 gives no reason"]
    );
    assert_eq!(
        messages(|y| y.deletions.push(del("P-3", "无对象", ""))),
        ["deletion of plan P-3 names no approver"]
    );
    let mut y = year();
    y.deletions.push(del("P-4", "无对象", "县政府"));
    assert_eq!(
        y.problems(&items(), &joint()),
        [PlanError::DeletedTwice {
            plan: pid("P-4"),
            first_row: 1,
            second_row: 2
        }]
    );
    assert_eq!(
        y.problems(&items(), &joint())[0].to_string(),
        "plan P-4 is deleted twice: deletions 1 and 2"
    );
    // Counted once all the same.
    assert_eq!(y.count_deleted(), 1);
}

#[test]
fn unplanned_check_problems() {
    assert_eq!(
        messages(|y| y.unplanned[0].reason = String::new()),
        ["unplanned check \"U-1\" by department 消防救援大队 gives no reason"]
    );
    assert_eq!(
        messages(|y| y.unplanned[0].date = d(2025, 12, 31)),
        [
            "unplanned check \"U-1\" by department 消防救援大队: date 2025-12-31 \
          is not in the year 2026"
        ]
    );
    assert_eq!(
        messages(|y| y.unplanned[0].items.push(item_id("GONE"))),
        [
            "unplanned check \"U-1\" by department 消防救援大队: item GONE \
          is not in the item list \"清单 2026版\""
        ]
    );
    assert_eq!(
        messages(|y| {
            let again = y.unplanned[0].clone();
            y.unplanned.push(again);
        }),
        ["unplanned check \"U-1\" appears twice: rows 1 and 2"]
    );
    assert_eq!(
        messages(|y| y.unplanned[0].id = " ".into()),
        ["unplanned check in row 1 (department 消防救援大队) has an empty id"]
    );
    // An unplanned check may use another department's item: it is outside any plan.
    assert!(messages(|y| y.unplanned[0].items.push(item_id("SJ-001"))).is_empty());
}

#[test]
fn validate_reports_every_problem_in_order() {
    let mut y = year();
    y.plans[0].frequency_per_year = 0;
    y.plans[0].items.push(item_id("GONE"));
    y.plans[3].window.last = d(2027, 2, 1);
    y.unplanned[0].reason.clear();
    let errors = y.validate(&items(), &joint()).unwrap_err();
    assert_eq!(errors.errors().len(), 4);
    assert_eq!(
        errors.first(),
        &PlanError::UnknownItem {
            plan: pid("P-1"),
            item: item_id("GONE"),
            list: "清单 2026版".into()
        }
    );
    assert_eq!(
        errors.to_string(),
        "4 problems in the annual plan:\n\
         - plan P-1: item GONE is not in the item list \"清单 2026版\"\n\
         - plan P-1: frequency per year is 0; it must be at least 1\n\
         - plan P-3: window 2026-04-01 to 2027-02-01 is not inside the plan year 2026\n\
         - unplanned check \"U-1\" by department 消防救援大队 gives no reason"
    );
    let source = std::error::Error::source(&errors).unwrap().to_string();
    assert!(source.contains("GONE"), "{source}");
    assert_eq!(errors.clone().into_errors().len(), 4);
}

#[test]
fn json_round_trip_is_lossless() {
    let y = year();
    let json = serde_json::to_string_pretty(&y).unwrap();
    let back: AnnualPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, y);
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);

    let value = serde_json::to_value(&y).unwrap();
    assert_eq!(value["plans"][0]["kind"]["type"], "single");
    assert_eq!(value["plans"][2]["kind"]["type"], "joint");
    assert_eq!(value["plans"][0]["size"]["count"]["total"], 30);
    assert_eq!(value["plans"][1]["size"]["policy"]["ratios"]["A"], "5%");
    assert_eq!(value["plans"][0]["window"]["first"], "2026-04-01");
    assert_eq!(value["deletions"][0]["date"], "2026-05-10");

    // A missing due date and empty lists survive too.
    let mut y2 = AnnualPlan::new(2026);
    let mut p = single("P-9", SJ, &["SJ-001"]);
    p.due = None;
    y2.plans.push(p);
    let json = serde_json::to_string(&y2).unwrap();
    assert!(!json.contains("due"), "{json}");
    assert_eq!(serde_json::from_str::<AnnualPlan>(&json).unwrap(), y2);
}

#[test]
fn json_refuses_unknown_fields_and_bad_ids() {
    let good = serde_json::to_value(year()).unwrap();
    let refuse = |path: &[&str], key: &str| {
        let mut v = good.clone();
        let mut at = &mut v;
        for p in path {
            at = match p.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*p],
            };
        }
        at[key] = "x".into();
        let err = serde_json::from_value::<AnnualPlan>(v).unwrap_err();
        assert!(err.to_string().contains(key), "{key}: {err}");
    };
    refuse(&[], "notes");
    refuse(&["plans", "0"], "ratio");
    refuse(&["plans", "0", "window"], "middle");
    refuse(&["plans", "2", "kind"], "leader");
    refuse(&["plans", "0", "size", "count"], "min");
    refuse(&["deletions", "0"], "approver");
    refuse(&["unplanned", "0"], "plan");

    let mut v = good.clone();
    v["plans"][0]["id"] = "".into();
    let err = serde_json::from_value::<AnnualPlan>(v).unwrap_err();
    assert!(err.to_string().contains("plan id is empty"), "{err}");
    let mut v = good;
    v["plans"][0]["kind"]["type"] = "shared".into();
    assert!(serde_json::from_value::<AnnualPlan>(v).is_err());
}

#[test]
fn window_contains_both_ends() {
    let w = Window::new(d(2026, 3, 1), d(2026, 3, 31));
    assert!(w.contains(d(2026, 3, 1)));
    assert!(w.contains(d(2026, 3, 31)));
    assert!(!w.contains(d(2026, 2, 28)));
    assert!(!w.contains(d(2026, 4, 1)));
    let inverted = Window::new(d(2026, 3, 2), d(2026, 3, 1));
    assert!(inverted.is_empty() && !w.is_empty());
    assert!(!inverted.contains(d(2026, 3, 1)));
    assert!(!inverted.contains(d(2026, 3, 2)));
}

#[test]
fn window_overlap_at_the_boundaries() {
    let march = Window::new(d(2026, 3, 1), d(2026, 3, 31));
    let april = Window::new(d(2026, 4, 1), d(2026, 4, 30)); // touches March
    let from_2nd = Window::new(d(2026, 4, 2), d(2026, 4, 30)); // one free day between
    let shares_last = Window::new(d(2026, 3, 31), d(2026, 4, 30)); // shares 31 March
    let inside = Window::new(d(2026, 3, 10), d(2026, 3, 10));

    // Sharing a day overlaps with no gap at all, in both directions.
    for (a, b) in [(march, shares_last), (march, inside), (march, march)] {
        assert_eq!(a.distance_days(&b), Some(0));
        assert!(a.overlaps(&b, 0) && b.overlaps(&a, 0));
    }
    // Touching windows share no day: they need a gap of 1.
    assert_eq!(march.distance_days(&april), Some(1));
    assert!(!march.overlaps(&april, 0) && !april.overlaps(&march, 0));
    assert!(march.overlaps(&april, 1) && april.overlaps(&march, 1));
    // One free day between: distance 2.
    assert_eq!(from_2nd.distance_days(&march), Some(2));
    assert!(!march.overlaps(&from_2nd, 1));
    assert!(march.overlaps(&from_2nd, 2) && from_2nd.overlaps(&march, 2));
    // Far apart.
    let december = Window::new(d(2026, 12, 1), d(2026, 12, 31));
    assert_eq!(march.distance_days(&december), Some(245));
    assert!(!march.overlaps(&december, 244));
    assert!(march.overlaps(&december, 245));
    assert!(march.overlaps(&december, u32::MAX));
    // An inverted window overlaps nothing, even itself.
    let inverted = Window::new(d(2026, 3, 20), d(2026, 3, 10));
    assert_eq!(inverted.distance_days(&march), None);
    assert!(!inverted.overlaps(&march, u32::MAX) && !march.overlaps(&inverted, u32::MAX));
    assert!(!inverted.overlaps(&inverted, 0));
}

#[test]
fn helpers() {
    let y = year();
    fn ids<'a>(it: impl Iterator<Item = &'a Plan>) -> Vec<&'a str> {
        it.map(|p| p.id.as_str()).collect()
    }
    assert_eq!(ids(y.active_plans()), ["P-1", "P-2", "J-1", "P-3"]);
    assert!(y.is_deleted(&pid("P-4")) && !y.is_deleted(&pid("P-1")));
    assert_eq!(y.plan(&pid("J-1")).unwrap().items.len(), 3);
    assert!(y.plan(&pid("J-9")).is_none());

    // As single department, as lead, as participant; deleted plans included.
    assert_eq!(ids(y.plans_of(&dept(SJ))), ["P-1", "P-2", "J-1"]);
    assert_eq!(ids(y.plans_of(&dept(SW))), ["J-1", "P-3"]);
    assert_eq!(ids(y.plans_of(&dept(XF))), ["J-1"]);
    assert_eq!(ids(y.plans_of(&dept(SS))), ["P-4"]);
    assert!(y.plans_of(&dept("教育局")).next().is_none());

    let mut with_unplanned_only = y.clone();
    with_unplanned_only.unplanned[0].department = dept("教育局");
    assert_eq!(
        with_unplanned_only
            .departments()
            .into_iter()
            .map(DeptId::as_str)
            .collect::<Vec<_>>(),
        ["商务局", "市场监管局", "教育局", "消防救援大队", "税务局"]
    );

    assert_eq!(y.count_single(), 4);
    assert_eq!(y.count_joint(), 1);
    assert_eq!(y.count_deleted(), 1);
    let mut bad = y.clone();
    bad.deletions[0].plan = pid("NOPE");
    assert_eq!(bad.count_deleted(), 0);
    assert_eq!(AnnualPlan::new(2026).count_single(), 0);

    let j = &y.plans[2].kind;
    assert!(j.is_joint() && !y.plans[0].kind.is_joint());
    assert_eq!(j.lead(), &dept(SJ));
    assert_eq!(j.participants(), [dept(SW), dept(XF)]);
    assert_eq!(
        j.departments().map(DeptId::as_str).collect::<Vec<_>>(),
        [SJ, SW, XF]
    );
    assert!(j.involves(&dept(XF)) && !j.involves(&dept(SS)));
    assert!(y.plans[0].kind.participants().is_empty());
}
