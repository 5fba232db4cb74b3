use super::daye::{ANNEX, EXCELLENT, daye_2022};
use super::*;
use crate::ids::DeptId;

fn daye_report() -> KpiReport {
    KpiReport::compute(&daye_2022(), &KpiConfig::default()).expect("a valid input")
}

#[test]
fn daye_annex_1_is_reproduced() {
    let report = daye_report();
    assert_eq!(report.departments.len(), 27);
    for (d, row) in report.departments.iter().zip(&ANNEX) {
        let a = &d.annex;
        assert_eq!(d.name, row.name);
        let got = [
            a.plans_single,
            a.plans_joint,
            a.tasks_single,
            a.tasks_joint,
            a.joined_as_participant,
            a.drawn,
            a.inspected_published,
            a.problems,
        ];
        let want = [
            row.plans_single,
            row.plans_joint,
            row.tasks_single,
            row.tasks_joint,
            row.joined,
            row.drawn,
            row.drawn,
            row.problems,
        ];
        assert_eq!(got, want, "{}", row.name);
        // 落实率: 100% everywhere, blank (not applicable) for 经信局, which had no plan.
        if row.plans_single + row.plans_joint == 0 {
            assert!(a.fulfilment.is_not_applicable(), "{}", row.name);
        } else {
            assert_eq!(a.fulfilment.to_string(), "100.0%", "{}", row.name);
        }
        let notes: Vec<String> = a.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes.join("；"), row.note, "{}", row.name);
    }
    let t = &report.total.annex;
    assert_eq!(
        [
            t.plans_single,
            t.plans_joint,
            t.tasks_single,
            t.tasks_joint,
            t.joined_as_participant,
            t.drawn,
            t.inspected_published,
            t.problems
        ],
        [62, 90, 65, 87, 134, 1336, 1336, 225]
    );
    assert_eq!(t.fulfilment, Rate::new(148, 148));
}

#[test]
fn daye_headline_rates_are_reproduced() {
    let report = daye_report();
    let y = report.total.year();
    assert_eq!(y.joint_task_share, Rate::new(87, 151));
    assert_eq!(y.joint_task_share.to_string(), "57.6%");
    assert_eq!(y.joint_plan_share, Rate::new(90, 152));
    assert_eq!(y.joint_plan_share.to_string(), "59.2%");
    assert_eq!(y.participation, Rate::new(26, 27));
    assert_eq!(y.participation.to_string(), "96.3%");
    assert_eq!(y.publication, Rate::new(1336, 1336));
    assert_eq!(y.publication.to_string(), "100.0%");
    assert_eq!(y.problem_discovery, Rate::new(225, 1336));
    assert_eq!(y.problem_discovery.to_string(), "16.8%");
    assert_eq!(y.plan_fulfilment.to_string(), "100.0%");
    // 7 tasks of 151 drew with grades (“6家单位……开展7次”).
    assert_eq!(y.risk_grade_application, Rate::new(7, 151));
    // Not exported by the fixture: no items.
    assert!(y.item_coverage.is_not_applicable());
    assert_eq!(y.follow_up_disposal, Rate::new(225, 225));
}

#[test]
fn daye_findings() {
    let report = daye_report();
    let names = |ids: &[DeptId]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                report
                    .departments
                    .iter()
                    .find(|d| &d.id == id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let f = &report.findings;
    assert_eq!(names(&f.no_joint_led), ["市经信局", "市司法局"]);
    // The text says “市人社局、市文旅局等6个单位” found nothing; the annex shows seven.
    assert_eq!(
        names(&f.zero_problems),
        [
            "市人社局",
            "市文旅局",
            "市应急管理局",
            "市统计局",
            "市气象局",
            "市烟草专卖局",
            "市金融办"
        ]
    );
    let unplanned: Vec<DeptId> = f.unplanned.iter().map(|u| u.department.clone()).collect();
    assert_eq!(names(&unplanned), ["市人社局", "市文旅局", "市文旅局"]);
    let flagged: Vec<DeptId> = f
        .year_end
        .iter()
        .filter(|y| y.flagged)
        .map(|y| y.department.clone())
        .collect();
    assert_eq!(names(&flagged), ["市教育局", "市文旅局"]);
    assert_eq!(f.late_publications, 0);
    assert_eq!(f.unpublished, 0);
}

#[test]
fn daye_text_table() {
    let report = daye_report();
    let text = report.annex_text();
    eprintln!("{text}");
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("28 "))
        .expect("a total line");
    let fields: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(
        fields,
        [
            "28", "合计", "62", "90", "65", "87", "134", "100.0%", "1336", "1336", "225", "57.6%"
        ]
    );
    assert!(text.contains("部门联合抽查占比 57.6% (87/151)"));
    let csv = report.annex_csv();
    assert_eq!(csv.lines().count(), 29);
    assert!(
        csv.contains("市经信局,0,0,0,0,2,,0,0,0,n/a,未牵头发起任务，但参与其他单位联合抽查2次")
    );
    let json = report.to_json();
    let back: KpiReport = serde_json::from_str(&json).expect("JSON round trip");
    assert_eq!(back, report);
}

/// Seed 002 publishes the outcome of the assessment (Annex 2) but not its rule: this is the
/// default rule with Daye's thresholds and three adjustments, as documented in docs/KPI.md.
const DAYE_ASSESSMENT: &str = r#"{
  "weights": [
    {"kpi": "plan_fulfilment", "points": 20},
    {"kpi": "publication", "points": 20},
    {"kpi": "on_time_publication", "points": 10},
    {"kpi": "participation", "points": 10},
    {"kpi": "joint_task_share", "points": 15},
    {"kpi": "problem_discovery", "points": 10},
    {"kpi": "risk_grade_application", "points": 15, "scoring": "any"}
  ],
  "penalties": {"per_check_outside_plan": 5, "year_end": 5, "no_joint_led": 20, "zero_problems": 0},
  "tiers": [
    {"name": "excellent", "label": "优秀", "min_score": 84},
    {"name": "qualified", "label": "合格", "min_score": 30}
  ],
  "fallback": {"name": "unqualified", "label": "不合格", "min_score": 0},
  "adjustments": [
    {"department": "D21", "points": 10, "reason": "市政数局：考核办法中数据未反映的加分（附件2列为优秀）"},
    {"department": "D14", "points": -20, "reason": "市税务局：仅抽查1户，考核办法中数据未反映的扣分"},
    {"department": "D16", "points": -5, "reason": "市消防救援大队：考核办法中数据未反映的扣分"}
  ]
}"#;

#[test]
fn daye_assessment_gives_6_excellent_and_21_qualified() {
    let assessment: AssessConfig = serde_json::from_str(DAYE_ASSESSMENT).expect("a config");
    let config = KpiConfig {
        assessment,
        ..KpiConfig::default()
    };
    let report = KpiReport::compute(&daye_2022(), &config).expect("valid");
    let a = &report.assessment;
    for s in &a.ranking {
        eprintln!("{} {} {:.2} {}", s.rank, s.name, s.score, s.tier);
    }
    assert_eq!(a.count("excellent"), 6);
    assert_eq!(a.count("qualified"), 21);
    assert_eq!(a.count("unqualified"), 0);
    let mut excellent: Vec<&str> = a
        .ranking
        .iter()
        .filter(|s| s.tier == "excellent")
        .map(|s| s.name.as_str())
        .collect();
    excellent.sort_unstable();
    let mut want = EXCELLENT.to_vec();
    want.sort_unstable();
    assert_eq!(excellent, want);
    // The best six are the excellent ones, and ranks are 1..=27.
    assert!(a.ranking[..6].iter().all(|s| s.tier == "excellent"));
    let ranks: Vec<u32> = a.ranking.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, (1..=27).collect::<Vec<u32>>());
    // Without the adjustments the published figures rank 市税务局 first: the adjustments matter.
    let plain = daye_report();
    assert_eq!(plain.assessment.ranking[0].name, "市税务局");
}

#[test]
fn bad_assessment_configs_are_refused() {
    let mut c = AssessConfig::default();
    c.tiers.reverse();
    assert!(matches!(c.check(), Err(KpiError::Config(_))));
    let mut c = AssessConfig::default();
    c.weights[0].points = -1.0;
    assert!(matches!(c.check(), Err(KpiError::Config(_))));
    let config = KpiConfig {
        assessment: c,
        ..KpiConfig::default()
    };
    assert!(KpiReport::compute(&daye_2022(), &config).is_err());
}

// ---- CSV ----------------------------------------------------------------------------------

#[test]
fn daye_csv_round_trip_gives_the_same_input_and_report() {
    let input = daye_2022();
    let csv = input.to_csv();
    assert!(
        csv.results
            .starts_with("task,target,codes,inspected_on,entered_on,mobile,published_on\n")
    );
    let back = KpiInput::from_csv(&csv).expect("readable");
    assert_eq!(back, input);
    assert_eq!(back.to_csv(), csv);
    let json = serde_json::to_string(&input).expect("JSON");
    assert_eq!(
        serde_json::from_str::<KpiInput>(&json).expect("JSON"),
        input
    );
}

#[test]
fn the_demo_year_goes_through_the_same_code_and_round_trips_as_csv() {
    let county = crate::demo::DemoCounty::build();
    let year = county.year();
    let input = KpiInput::from_year(&county, &year).expect("known codes");
    input.validate().expect("the demo year is a valid input");
    let back = KpiInput::from_csv(&input.to_csv()).expect("readable");
    assert_eq!(back, input);
    let report = KpiReport::compute(&back, &KpiConfig::default()).expect("computable");
    let s = year.summary();
    let y = report.total.year();
    assert_eq!(y.problem_discovery.numerator, s.problems as u64);
    assert_eq!(y.problem_discovery.denominator, year.results.len() as u64);
    assert_eq!(y.mobile_enforcement.numerator, s.mobile as u64);
    assert_eq!(y.follow_up_disposal.numerator, s.follow_ups_closed as u64);
    assert_eq!(report.findings.late_publications, s.late as u64);
    assert_eq!(
        y.on_time_publication,
        Rate::new(s.on_time as u64, year.results.len() as u64)
    );
    assert_eq!(
        report.total.annex.plans_single + report.total.annex.plans_joint,
        year.annual.plans.len() as u64
    );
    assert_eq!(report.findings.unplanned.len(), s.unplanned);
    assert_eq!(report.total.annex.drawn, s.with_merging);
    // One-plan tasks carry the draw's inclusion probabilities; merged ones do not.
    let with_p = input
        .drawn
        .iter()
        .filter(|d| d.inclusion_probability.is_some())
        .count();
    assert!(with_p > 0 && with_p < input.drawn.len(), "{with_p}");
    let e = &report.estimate;
    assert_eq!(e.without_probability as usize, input.drawn.len() - with_p);
    let t = e.total.as_ref().expect("an estimate");
    assert_eq!(t.raw.denominator as usize, with_p);
    // The demo simulates the same problem rate in every grade, so weighting changes little.
    assert!((t.estimate.unwrap() - t.raw.value().unwrap()).abs() < 0.05);
    // The demo has an item list: coverage applies.
    assert!(!y.item_coverage.is_not_applicable());
    assert!(report.annex_text().contains("合计"));
}

fn small_csv() -> KpiCsv {
    KpiCsv {
        departments: "id,name\nD1,市场监管局\nD2,卫健局\n".into(),
        plans: "id,year,department,kind,participants,items,special,deleted,deletion_reason\n\
                P1,2026,D1,joint,D2,,false,false,\n\
                P2,2026,D2,single,,,false,true,本地区无检查对象\n"
            .into(),
        tasks: "id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\n\
                T1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\n"
            .into(),
        drawn: "task,target,stratum,inclusion_probability\nT1,E1,B,0.1\nT1,E2,D,1\n".into(),
        results: "task,target,codes,inspected_on,entered_on,mobile,published_on\n\
                  T1,E1,未发现问题,2026-04-20,2026-04-20,true,2026-04-22\n\
                  T1,E2,发现问题已责令改正,2026-04-21,2026-04-21,是,2026-06-30\n"
            .into(),
        follow_ups: "task,target,kind,opened_on,closed_on\nT1,E2,rectified,2026-04-21,\n".into(),
        ..KpiCsv::default()
    }
}

#[test]
fn a_small_input_gives_its_rates() {
    let input = KpiInput::from_csv(&small_csv()).expect("valid");
    let report = KpiReport::compute(&input, &KpiConfig::default()).expect("valid");
    let y = report.total.year();
    assert_eq!(y.joint_plan_share, Rate::new(1, 2));
    assert_eq!(y.plan_fulfilment, Rate::new(1, 1));
    assert_eq!(y.follow_up_disposal, Rate::new(0, 1));
    assert_eq!(y.on_time_publication, Rate::new(1, 2));
    assert_eq!(report.findings.late_publications, 1);
    let late = &report.findings.late_listed[0];
    assert_eq!(late.target.as_str(), "E2");
    // 20 working days after 21 April 2026, across the May Day break: the calendar's answer.
    let deadline = crate::calendar::HolidayCalendar::china()
        .publication_deadline(late.inspected_on)
        .unwrap();
    assert_eq!(late.deadline, deadline);
    assert_eq!(
        deadline,
        chrono::NaiveDate::from_ymd_opt(2026, 5, 21).unwrap()
    );
    // Q2 holds everything; the other quarters are not applicable.
    let q1 = &report.total.periods[0];
    assert_eq!(q1.period, Period::Q1);
    assert!(q1.kpis.problem_discovery.is_not_applicable());
    assert_eq!(
        report.total.periods[1].kpis.problem_discovery,
        Rate::new(1, 2)
    );
    // Department D2 took part as participant only.
    assert_eq!(report.departments[1].year().participation, Rate::new(1, 1));
    assert_eq!(report.departments[1].annex.joined_as_participant, 1);
}

fn error_of(edit: impl FnOnce(&mut KpiCsv)) -> KpiError {
    let mut csv = small_csv();
    edit(&mut csv);
    KpiInput::from_csv(&csv).expect_err("refused")
}

#[test]
fn bad_input_is_refused_with_file_line_and_field() {
    // A result for a target never drawn in its task.
    let e = error_of(|c| {
        c.results
            .push_str("T1,E9,未发现问题,2026-04-20,2026-04-20,true,\n")
    });
    assert_eq!(
        e.to_string(),
        "results.csv, line 4: target E9 was never drawn in task T1"
    );
    // A task of an unknown department.
    let e = error_of(|c| c.tasks.push_str("T2,,D7,,false,false,2026-04-01,,\n"));
    assert_eq!(
        e.to_string(),
        "tasks.csv, line 3: lead \"D7\" is not in departments.csv"
    );
    // A publication dated before the inspection.
    let e = error_of(|c| c.results = c.results.replace("2026-04-22", "2026-04-19"));
    assert!(
        matches!(
            e,
            KpiError::Inconsistent {
                table: Table::Results,
                line: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("published on 2026-04-19, before the inspection")
    );
    // Duplicate rows.
    let e = error_of(|c| c.drawn.push_str("T1,E1,B,0.1\n"));
    assert_eq!(
        e,
        KpiError::Duplicate {
            table: Table::Drawn,
            line: 4,
            key: "target E1 in task T1".into(),
            first: 2
        }
    );
    let e = error_of(|c| c.departments.push_str("D1,again\n"));
    assert!(matches!(
        e,
        KpiError::Duplicate {
            table: Table::Departments,
            line: 4,
            ..
        }
    ));
    // Unknown result code.
    let e = error_of(|c| c.results = c.results.replace("未发现问题", "查无此码"));
    assert!(
        matches!(&e, KpiError::BadValue { table: Table::Results, line: 2, field: "codes", value, .. } if value == "查无此码"),
        "{e}"
    );
    // Bad dates and flags.
    let e = error_of(|c| c.results = c.results.replace("2026-04-20,true", "2026-04-20,maybe"));
    assert!(
        matches!(
            e,
            KpiError::BadValue {
                field: "mobile",
                line: 2,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| c.tasks = c.tasks.replace("2026-04-01", "2026-13-01"));
    assert!(
        matches!(
            e,
            KpiError::BadValue {
                table: Table::Tasks,
                field: "created_on",
                line: 2,
                ..
            }
        ),
        "{e}"
    );
    // Conflicting codes, a bad probability, a follow-up without result, missing columns,
    // unknown columns, a joint flag without participants, a task of a deleted plan.
    let e = error_of(|c| {
        c.results = c
            .results
            .replace("未发现问题", "未发现问题;发现问题已责令改正")
    });
    assert!(
        matches!(
            e,
            KpiError::Inconsistent {
                table: Table::Results,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| c.drawn = c.drawn.replace("0.1", "1.5"));
    assert!(
        matches!(
            e,
            KpiError::BadValue {
                field: "inclusion_probability",
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| c.follow_ups.push_str("T1,E3,rectified,2026-04-21,\n"));
    assert!(
        matches!(
            e,
            KpiError::NotDrawn {
                table: Table::FollowUps,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| c.results = c.results.replacen("mobile,", "", 1));
    assert!(
        matches!(e, KpiError::MissingColumn { .. } | KpiError::Csv { .. }),
        "{e}"
    );
    let e = error_of(|c| c.departments = "id,name,extra\nD1,a,b\n".into());
    assert!(
        matches!(
            e,
            KpiError::Csv {
                table: Table::Departments,
                line: 1,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| c.tasks = c.tasks.replace(",D2,true,", ",,true,"));
    assert!(
        e.to_string().contains("joint task T1 has no participants"),
        "{e}"
    );
    let e = error_of(|c| c.tasks = c.tasks.replace("T1,P1,", "T1,P2,"));
    assert!(e.to_string().contains("which is deleted"), "{e}");
    let e = error_of(|c| c.plans = c.plans.replace("P1,2026", "P1,2025"));
    assert_eq!(
        e.to_string(),
        "plans.csv, line 3: plan P2 is of year 2026, not 2025"
    );
}

#[test]
fn dates_outside_the_calendar_are_errors_not_guesses() {
    let mut input = KpiInput::from_csv(&small_csv()).expect("valid");
    for r in &mut input.results {
        r.inspected_on = chrono::NaiveDate::from_ymd_opt(2031, 4, 20).unwrap();
        r.entered_on = r.inspected_on;
        r.published_on = Some(r.inspected_on);
    }
    for f in &mut input.follow_ups {
        f.opened_on = chrono::NaiveDate::from_ymd_opt(2031, 4, 21).unwrap();
    }
    let e = KpiReport::compute(&input, &KpiConfig::default()).expect_err("refused");
    assert!(
        matches!(
            e,
            KpiError::Calendar {
                table: Table::Results,
                line: 2,
                ..
            }
        ),
        "{e}"
    );
}

// ---- properties ---------------------------------------------------------------------------

mod props;

// ---- design-weighted estimate -------------------------------------------------------------

mod simulation;

#[test]
fn kpi_table_shows_every_rate_and_not_applicable() {
    let report = daye_report();
    let text = report.kpis_text(Period::Year);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 29);
    // 市经信局 launched nothing: its task rates are n/a, its participation 100%.
    let jx: Vec<&str> = lines[17].split_whitespace().collect();
    assert_eq!(jx[1], "市经信局");
    assert_eq!(jx[2], "n/a");
    assert_eq!(jx[4], "100.0%");
    let total: Vec<&str> = lines[28].split_whitespace().collect();
    assert_eq!(
        &total[1..7],
        ["合计", "57.6%", "59.2%", "96.3%", "100.0%", "16.8%"]
    );
    let q1 = report.kpis_text(Period::Q1);
    assert!(q1.lines().nth(28).unwrap().contains("n/a")); // plan rates: year only
}

#[test]
fn unpublished_results_past_their_deadline_are_overdue() {
    let mut csv = small_csv();
    csv.results = csv.results.replace(",true,2026-04-22", ",true,");
    let input = KpiInput::from_csv(&csv).expect("valid");
    let report = KpiReport::compute(&input, &KpiConfig::default()).expect("valid");
    assert_eq!(report.findings.unpublished, 1);
    assert_eq!(report.findings.overdue_unpublished, 0); // no as_of: not judged
    assert_eq!(report.total.year().publication, Rate::new(1, 2));
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    let config = |as_of| KpiConfig {
        as_of,
        ..KpiConfig::default()
    };
    // Inspected 20 April: the deadline is 20 May (after the May Day break).
    let on = |as_of| {
        KpiReport::compute(&input, &config(as_of))
            .expect("valid")
            .findings
            .overdue_unpublished
    };
    assert_eq!(on(day(5, 20)), 0);
    assert_eq!(on(day(5, 21)), 1);
    // A report without periods (hand-made JSON) answers n/a rather than panicking.
    let mut empty = report.clone();
    empty.total.periods.clear();
    assert!(empty.total.year().publication.is_not_applicable());
}

#[test]
fn awkward_text_survives_the_csv_round_trip_and_lines_still_point_at_the_row() {
    let mut input = KpiInput::from_csv(&small_csv()).expect("valid");
    input.departments[0].name = "市场监管局, \"综合\"\n执法".into();
    input.plans[1].deletion_reason = "本地区无检查对象；\n经联席会议办公室批准".into();
    input.unplanned.push(UnplannedRow {
        id: "JB-001".into(),
        department: input.departments[1].id.clone(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        reason: "投诉举报, \"核查\"".into(),
        targets: 2,
    });
    let csv = input.to_csv();
    assert_eq!(KpiInput::from_csv(&csv).expect("readable"), input);
    // A field spanning lines: the error names the line where the record starts.
    let mut bad = csv.clone();
    bad.departments.push_str("D2,again\n");
    let e = KpiInput::from_csv(&bad).expect_err("duplicate");
    assert!(
        matches!(
            e,
            KpiError::Duplicate {
                table: Table::Departments,
                ..
            }
        ),
        "{e}"
    );
    // A UTF-8 byte-order mark, as spreadsheet programs write it, is accepted.
    let mut bom = csv;
    bom.departments.insert(0, '\u{feff}');
    assert_eq!(KpiInput::from_csv(&bom).expect("readable"), input);
}

/// The fast path (`compute::fast`) gives the reference's report on valid inputs of every
/// shape: rows in the order of the draw, results shuffled, a task's drawn rows split in two
/// runs (handed to the reference), with `as_of` set; and the reference's errors on bad ones.
#[test]
fn fast_path_equals_the_reference() {
    use crate::calendar::HolidayCalendar;
    let cal = HolidayCalendar::china();
    let county = crate::demo::DemoCounty::build();
    let demo = KpiInput::from_year(&county, &county.year()).expect("known codes");
    let mut shuffled = daye_2022();
    // A fixed permutation: reversed halves, interleaved.
    let n = shuffled.results.len();
    let order: Vec<usize> = (0..n)
        .map(|i| if i % 2 == 0 { n - 1 - i / 2 } else { i / 2 })
        .collect();
    shuffled.results = order.iter().map(|&i| shuffled.results[i].clone()).collect();
    let mut split = daye_2022();
    let moved = split.drawn.remove(3);
    split.drawn.push(moved);
    let as_of = KpiConfig {
        as_of: chrono::NaiveDate::from_ymd_opt(2023, 1, 10),
        max_listed: 3,
        ..KpiConfig::default()
    };
    for (input, fast_path) in [
        (daye_2022(), true),
        (demo, true),
        (shuffled, true),
        (split, true),
    ] {
        for config in [KpiConfig::default(), as_of.clone()] {
            let taken = super::compute::fast_compute(&input, &config, &cal).is_some();
            assert_eq!(taken, fast_path, "{}", input.results.len());
            let fast = KpiReport::compute(&input, &config).expect("valid");
            let reference = KpiReport::compute_reference(&input, &config, &cal).expect("valid");
            assert_eq!(fast, reference);
        }
        assert!(input.validate().is_ok());
    }
    // A duplicate result across the two halves of the parallel pass is found.
    let mut dup = daye_2022();
    let last = dup.results.len() - 1;
    dup.results[last] = dup.results[0].clone();
    let err = KpiReport::compute(&dup, &KpiConfig::default()).unwrap_err();
    assert!(matches!(err, KpiError::Duplicate { .. }), "{err}");
    assert!(matches!(dup.validate(), Err(KpiError::Duplicate { .. })));
}

/// Large tables are read in two halves (`csv_io::read_split`; in tests from 64 bytes): an error
/// in the second half, and a quoted field spanning the middle line, give the error and the line
/// that one reader gives.
#[test]
fn tables_read_in_halves_give_the_same_rows_errors_and_lines() {
    let csv = daye_2022().to_csv();
    assert_eq!(KpiInput::from_csv(&csv).unwrap(), daye_2022());
    let lines: Vec<&str> = csv.results.lines().collect();
    for at in [lines.len() / 2, lines.len() / 2 + 1, lines.len() * 3 / 4] {
        let mut bad = csv.clone();
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[at] = l[at].replacen("no_problem_found", "bogus", 1).replacen(
            "problem_ordered_to_correct",
            "bogus",
            1,
        );
        bad.results = l.join("\n") + "\n";
        match KpiInput::from_csv(&bad).unwrap_err() {
            KpiError::BadValue { line, field, .. } => {
                assert_eq!((line, field), (at as u64 + 1, "codes"));
            }
            e => panic!("{e}"),
        }
        // A quoted target spanning two lines around the middle: the id has a control
        // character, reported on the line the row starts on.
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let fields: Vec<&str> = lines[at].split(',').collect();
        l[at] = format!("{},\"E\nX\",{}", fields[0], fields[2..].join(","));
        bad.results = l.join("\n") + "\n";
        match KpiInput::from_csv(&bad).unwrap_err() {
            KpiError::BadValue { line, field, .. } => {
                assert_eq!((line, field), (at as u64 + 1, "target"));
            }
            e => panic!("{e}"),
        }
    }
}

/// A column source over CSV text, as a data frame read from it would be: the header's names,
/// every field a cell, empty fields as nulls in every other row (both must read as empty),
/// and optionally a pandas index column first.
struct TextColumns {
    names: Vec<String>,
    /// Column-major.
    cells: Vec<Vec<Option<String>>>,
    rows: usize,
}

impl ColumnSource for TextColumns {
    fn num_columns(&self) -> usize {
        self.names.len()
    }

    fn column_name(&self, column: usize) -> &str {
        &self.names[column]
    }

    fn num_rows(&self) -> usize {
        self.rows
    }

    fn cell(&self, row: usize, column: usize) -> Option<&str> {
        self.cells[column][row].as_deref()
    }
}

fn text_columns(text: &str, index: bool) -> Option<TextColumns> {
    if text.trim().is_empty() {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut cells = vec![Vec::new(); names.len()];
    let mut rows = 0;
    for record in reader.records() {
        for (c, field) in record.unwrap().iter().enumerate() {
            let null = field.is_empty() && rows % 2 == 0;
            cells[c].push((!null).then(|| field.to_owned()));
        }
        rows += 1;
    }
    if index {
        names.insert(0, "__index_level_0__".into());
        cells.insert(0, (0..rows).map(|r| Some(format!("{r}"))).collect());
    }
    Some(TextColumns { names, cells, rows })
}

/// `from_columns` over the tables of `csv` as columns, checked equal to `from_csv` (input or
/// error), and returned.
fn columns_agree(csv: &KpiCsv) -> Result<KpiInput, KpiError> {
    let expected = KpiInput::from_csv(csv);
    for index in [false, true] {
        let sources = Table::ALL.map(|t| text_columns(csv.get(t), index));
        let mut tables = KpiColumns::default();
        for (t, s) in Table::ALL.into_iter().zip(&sources) {
            if let Some(s) = s {
                tables.set(t, s);
            }
        }
        assert_eq!(
            KpiInput::from_columns(&tables),
            expected,
            "index column: {index}"
        );
    }
    expected
}

/// Columns (`KpiInput::from_columns`) and CSV text read the same inputs into the same rows,
/// and refuse the same bad ones with the same error, on the same line and field.
#[test]
fn columns_and_csv_give_the_same_input_and_errors() {
    let county = crate::demo::DemoCounty::build();
    let demo = KpiInput::from_year(&county, &county.year()).expect("known codes");
    for input in [daye_2022(), demo] {
        assert_eq!(columns_agree(&input.to_csv()), Ok(input));
    }
    assert!(columns_agree(&small_csv()).is_ok());
    // A byte-order mark before the first column name is dropped, as a file's.
    let mut bom = small_csv();
    bom.departments.insert(0, '\u{feff}');
    assert!(columns_agree(&bom).is_ok());

    type Edit = Box<dyn Fn(&mut KpiCsv)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "bad date",
            Box::new(|c| c.results = c.results.replacen("2026-04-21", "2026-02-30", 1)),
        ),
        (
            "bad flag",
            Box::new(|c| c.tasks = c.tasks.replace("true,true", "maybe,true")),
        ),
        (
            "unknown column",
            Box::new(|c| c.drawn = c.drawn.replace("stratum", "stratun")),
        ),
        (
            "repeated column",
            Box::new(|c| c.drawn = c.drawn.replace("stratum", "task")),
        ),
        (
            "missing required column",
            Box::new(|c| {
                c.tasks = "id,plans,lead,participants,joint,graded,due_on,completed_on\n\
                           T1,P1,D1,D2,true,true,2026-11-30,2026-05-10\n"
                    .into();
            }),
        ),
        (
            "bad id",
            Box::new(|c| c.departments = c.departments.replace("D2,", "D\u{7}2,")),
        ),
        ("empty id", Box::new(|c| c.departments.push_str(",无名\n"))),
        (
            "bad number",
            Box::new(|c| c.drawn = c.drawn.replace("0.1", "0.1x")),
        ),
        (
            "bad code",
            Box::new(|c| c.results = c.results.replace("未发现问题", "没问题")),
        ),
        (
            "not drawn",
            Box::new(|c| {
                c.results
                    .push_str("T1,E9,未发现问题,2026-04-20,2026-04-20,true,\n");
            }),
        ),
        (
            "duplicate",
            Box::new(|c| c.departments.push_str("D2,again\n")),
        ),
        ("no tasks", Box::new(|c| c.tasks.clear())),
        (
            "no year",
            Box::new(|c| {
                c.plans.clear();
                c.tasks.clear();
            }),
        ),
    ];
    for (what, edit) in edits {
        let mut csv = small_csv();
        edit(&mut csv);
        let e = columns_agree(&csv).expect_err(what);
        assert!(
            !matches!(e, KpiError::Csv { line, .. } if line != 1),
            "{what}: {e}"
        );
    }
    // The lines are the CSV file's: row + 2.
    let mut csv = small_csv();
    csv.results = csv.results.replacen("2026-04-21", "2026-02-30", 1);
    assert!(matches!(
        columns_agree(&csv),
        Err(KpiError::BadValue {
            table: Table::Results,
            line: 3,
            field: "inspected_on",
            ..
        })
    ));
}

/// `drawn` and `results` of columns are read in halves (from 8 rows in tests): a bad row in
/// either half, or in both, gives the error of one pass: the first bad row's.
#[test]
fn columns_read_in_halves_report_the_first_bad_row() {
    let csv = daye_2022().to_csv();
    let lines: Vec<&str> = csv.results.lines().collect();
    let rows = lines.len() - 1;
    assert!(rows >= 2 * super::columns::SPLIT_ROWS, "{rows}");
    let bogus = |l: &str| {
        l.replacen("no_problem_found", "bogus", 1).replacen(
            "problem_ordered_to_correct",
            "bogus",
            1,
        )
    };
    let mid = rows / 2;
    // Bad rows (0-based data rows) and the one reported.
    let cases: &[(&[usize], usize)] = &[
        (&[0], 0),
        (&[mid - 1], mid - 1),
        (&[mid], mid),
        (&[rows - 1], rows - 1),
        (&[mid + 1, rows - 1], mid + 1),
        (&[mid - 1, mid], mid - 1),
        (&[3, rows * 3 / 4], 3),
    ];
    for &(bad_rows, first) in cases {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        for &r in bad_rows {
            l[r + 1] = bogus(&l[r + 1]);
            assert_ne!(l[r + 1], lines[r + 1]);
        }
        let mut bad = csv.clone();
        bad.results = l.join("\n") + "\n";
        match columns_agree(&bad) {
            Err(KpiError::BadValue { line, field, .. }) => {
                assert_eq!((line, field), (first as u64 + 2, "codes"), "{bad_rows:?}");
            }
            other => panic!("{bad_rows:?}: {other:?}"),
        }
    }
    // The same in drawn.csv, with an unreadable probability in the second half.
    let drawn: Vec<&str> = csv.drawn.lines().collect();
    let at = drawn.len() * 3 / 4;
    let mut l: Vec<String> = drawn.iter().map(|s| s.to_string()).collect();
    l[at] = format!("{},x", l[at].rsplit_once(',').unwrap().0);
    let mut bad = csv.clone();
    bad.drawn = l.join("\n") + "\n";
    assert!(matches!(
        columns_agree(&bad),
        Err(KpiError::BadValue { table: Table::Drawn, line, field: "inclusion_probability", .. })
            if line == at as u64 + 1
    ));
}

#[test]
fn look_alike_keys_are_refused_naming_both_lines() {
    // `Dl` (letter l) reads as `D1`.
    let e = error_of(|c| c.departments.push_str("Dl,again\n"));
    assert_eq!(
        e,
        KpiError::LookAlike {
            table: Table::Departments,
            line: 4,
            what: "department",
            id: "Dl".into(),
            first: 2,
            first_id: "D1".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        "departments.csv, line 4: department \"Dl\" looks like department \"D1\" on line 2 (they \
         differ at character 2 (U+0031 against U+006C)): a reader takes them for one id; give \
         one of them another id or write both alike (docs/SAMPLING.md §10)"
    );
    // Plans and tasks too (Cyrillic Р for Latin P; full-width Ｔ).
    let e = error_of(|c| c.plans.push_str("\u{420}1,2026,D1,single,,,false,false,\n"));
    assert!(
        matches!(
            &e,
            KpiError::LookAlike {
                table: Table::Plans,
                line: 4,
                first: 2,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of(|c| {
        c.tasks
            .push_str("\u{FF34}1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\n")
    });
    assert!(
        matches!(
            &e,
            KpiError::LookAlike {
                table: Table::Tasks,
                line: 3,
                first: 2,
                ..
            }
        ),
        "{e}"
    );
    // A look-alike on an earlier line than a duplicate is the error.
    let e = error_of(|c| c.departments.push_str("Dl,again\nD2,again\n"));
    assert!(matches!(e, KpiError::LookAlike { line: 4, .. }), "{e}");
    let e = error_of(|c| c.departments.push_str("D2,again\nDl,again\n"));
    assert!(matches!(e, KpiError::Duplicate { line: 4, .. }), "{e}");
}

/// The report of both paths: `from_csv` then `compute`, and `from_csv_bytes` (`None` when it
/// gives up), the large tables given once as text in the `KpiCsv`, once as bytes beside it.
fn both_paths(
    csv: &KpiCsv,
    config: &KpiConfig,
) -> (Result<KpiReport, KpiError>, Option<KpiReport>) {
    let old = KpiInput::from_csv(csv).and_then(|i| KpiReport::compute(&i, config));
    let new = KpiReport::from_csv_bytes(csv, &KpiBytes::default(), config);
    let small = KpiCsv {
        drawn: String::new(),
        results: String::new(),
        follow_ups: String::new(),
        ..csv.clone()
    };
    let bytes = KpiBytes {
        drawn: Some(&csv.drawn),
        results: Some(&csv.results),
        follow_ups: Some(&csv.follow_ups),
    };
    assert_eq!(
        KpiReport::from_csv_bytes(&small, &bytes, config),
        new,
        "bytes and text"
    );
    (old, new)
}

/// Checks that the stream path gives the usual report or gives up, never another report,
/// and gives up on every input the usual path refuses; returns whether it gave a report.
fn stream_agrees(csv: &KpiCsv, config: &KpiConfig) -> bool {
    match both_paths(csv, config) {
        (Ok(old), Some(new)) => {
            assert_eq!(old, new);
            true
        }
        (Ok(_), None) => false,
        (Err(e), Some(_)) => panic!("the stream path gave a report where {e}"),
        (Err(_), None) => false,
    }
}

/// The stream path (`stream`, read in parts of 64 bytes and pieces of 7 in tests) gives the
/// report of `from_csv` + `compute` on valid inputs of every shape, and gives up on bad ones.
#[test]
fn stream_equals_from_csv() {
    let county = crate::demo::DemoCounty::build();
    let demo = KpiInput::from_year(&county, &county.year()).expect("known codes");
    let as_of = KpiConfig {
        as_of: chrono::NaiveDate::from_ymd_opt(2023, 1, 10),
        max_listed: 3,
        ..KpiConfig::default()
    };
    let mut shuffled = daye_2022();
    let n = shuffled.results.len();
    let order: Vec<usize> = (0..n)
        .map(|i| if i % 2 == 0 { n - 1 - i / 2 } else { i / 2 })
        .collect();
    shuffled.results = order.iter().map(|&i| shuffled.results[i].clone()).collect();
    let mut split = daye_2022();
    let moved = split.drawn.remove(3);
    split.drawn.push(moved);
    let mut crlf = daye_2022().to_csv();
    for t in [Table::Drawn, Table::Results, Table::FollowUps, Table::Tasks] {
        let text = crlf.get(t).replace('\n', "\r\n");
        *crlf.get_mut(t) = text;
    }
    let mut no_newline = daye_2022().to_csv();
    no_newline.results.pop();
    let mut bom = small_csv();
    bom.results.insert(0, '\u{feff}');
    // Columns in another order, optional ones absent.
    let mut reordered = small_csv();
    reordered.drawn = "target,task\nE1,T1\nE2,T1\n".into();
    reordered.results = "mobile,codes,target,task,entered_on,inspected_on\n\
                         true,未发现问题,E1,T1,2026-04-20,2026-04-20\n\
                         否,发现问题已责令改正,E2,T1,2026-04-21,2026-04-21\n"
        .into();
    let mut empty = small_csv();
    empty.follow_ups.clear();
    empty.results = "task,target,codes,inspected_on,entered_on,mobile,published_on\n".into();
    let mut valid = vec![
        daye_2022().to_csv(),
        demo.to_csv(),
        shuffled.to_csv(),
        split.to_csv(),
        crlf,
        no_newline,
        small_csv(),
        bom,
        reordered,
        empty,
    ];
    let mut no_drawn = small_csv();
    no_drawn.drawn.clear();
    no_drawn.results.clear();
    no_drawn.follow_ups.clear();
    valid.push(no_drawn);
    for csv in &valid {
        for config in [KpiConfig::default(), as_of.clone()] {
            assert!(
                stream_agrees(csv, &config),
                "{:?}",
                &csv.results[..80.min(csv.results.len())]
            );
        }
    }
    // Valid inputs the stream path leaves to the usual one: quoted fields, dates chrono
    // reads in another spelling.
    let mut quoted = small_csv();
    quoted.results = quoted.results.replacen("T1,E1,", "T1,\"E1\",", 1);
    let mut loose_date = small_csv();
    loose_date.results = loose_date.results.replacen("2026-04-22", "2026-4-22", 1);
    for csv in [quoted, loose_date] {
        assert!(matches!(
            both_paths(&csv, &KpiConfig::default()),
            (Ok(_), None)
        ));
    }
}

/// Bad inputs, from every line of the Daye tables edited in several ways: the stream path
/// never gives a report the usual path refuses, nor another report.
#[test]
fn stream_gives_up_on_every_bad_input() {
    let csv = daye_2022().to_csv();
    let edits: [fn(&str) -> String; 9] = [
        |l| l.replacen(',', ",x", 1),
        |l| l.replacen("2022-", "2021-", 1),
        |l| l.replacen("-0", "-3", 1),
        |l| l.replacen(",T", ",", 1),
        |l| l.replacen("true", "false", 1),
        |l| l.replacen("false", "true", 1),
        |l| l.replacen(",0.", ",1.", 1),
        |l| format!("{l}\n{l}"),
        |l| l.replacen(',', ";", 1),
    ];
    let mut refused = 0;
    for t in [Table::Drawn, Table::Results, Table::FollowUps] {
        let lines: Vec<&str> = csv.get(t).lines().collect();
        // About six lines of each table, the header and the last line among them.
        let step = (lines.len() / 6).max(1);
        let at = (0..lines.len()).step_by(step).chain([lines.len() - 1]);
        for i in at {
            for edit in &edits {
                let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                l[i] = edit(&l[i]);
                let mut bad = csv.clone();
                *bad.get_mut(t) = l.join("\n") + "\n";
                let config = KpiConfig::default();
                let old = KpiInput::from_csv(&bad).and_then(|i| KpiReport::compute(&i, &config));
                let new = KpiReport::from_csv_bytes(&bad, &KpiBytes::default(), &config);
                match (old, new) {
                    (Ok(old), Some(new)) => assert_eq!(old, new),
                    (Err(e), Some(_)) => panic!("{t} line {}: a report where {e}", i + 1),
                    (Err(_), None) => refused += 1,
                    (Ok(_), None) => {}
                }
            }
        }
    }
    assert!(refused > 30, "{refused}");
    // Repeats across the parts of a table, far apart.
    let mut dup = csv.clone();
    let first = csv.results.lines().nth(1).unwrap().to_owned();
    dup.results.push_str(&format!("{first}\n"));
    assert!(matches!(
        both_paths(&dup, &KpiConfig::default()),
        (Err(_), None)
    ));
    let mut dup = csv.clone();
    let first = csv.drawn.lines().nth(1).unwrap().to_owned();
    dup.drawn.push_str(&format!("{first}\n"));
    assert!(matches!(
        both_paths(&dup, &KpiConfig::default()),
        (Err(_), None)
    ));
}
