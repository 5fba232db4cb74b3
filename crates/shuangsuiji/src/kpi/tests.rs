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
