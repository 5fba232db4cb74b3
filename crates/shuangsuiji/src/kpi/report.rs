//! The report's types: periods, KPIs, Annex 1 rows and notes, findings, configuration.

use super::Table;
use super::assess::{AssessConfig, Assessment};
use super::estimate::Estimate;
use super::rate::Rate;
use crate::ids::{DeptId, TargetId, TaskId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// January to March.
    Q1,
    /// April to June.
    Q2,
    /// July to September.
    Q3,
    /// October to December.
    Q4,
    /// The whole year, with plans, items, and dates outside the year.
    Year,
}

impl Period {
    /// Every period, the quarters first.
    pub const ALL: [Period; 5] = [Period::Q1, Period::Q2, Period::Q3, Period::Q4, Period::Year];
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Period::Q1 => "Q1",
            Period::Q2 => "Q2",
            Period::Q3 => "Q3",
            Period::Q4 => "Q4",
            Period::Year => "year",
        })
    }
}

/// Every KPI of `docs/KPI.md` for one department (or the total) and one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Kpis {
    /// 部门联合抽查占比: joint tasks launched / tasks launched (special-plan tasks excluded).
    pub joint_task_share: Rate,
    /// Joint plans / plans (deleted included, special excluded). Year only.
    pub joint_plan_share: Rate,
    /// 部门参与率: departments taking part in ≥1 joint task (lead or participant) / member
    /// departments; for one department, 1/1 or 0/1.
    pub participation: Rate,
    /// 检查结果公示率: inspected targets with a published result / inspected targets.
    pub publication: Rate,
    /// 问题发现率: inspected targets with a problem found / inspected targets.
    pub problem_discovery: Rate,
    /// 计划落实率: plans carried out by a completed task / (plans − approved deletions).
    /// Year only.
    pub plan_fulfilment: Rate,
    /// 抽查事项覆盖率: the department's items used by ≥1 plan not deleted / its items. Year
    /// only.
    pub item_coverage: Rate,
    /// 信用风险分类结果应用率: tasks drawn with credit-risk grades / tasks launched (special
    /// excluded).
    pub risk_grade_application: Rate,
    /// 后续处置率: targets with a problem whose follow-up is closed / targets with a problem.
    pub follow_up_disposal: Rate,
    /// 掌上执法率: results entered on mobile / results.
    pub mobile_enforcement: Rate,
    /// Results published within 20 working days of the inspection / results published.
    pub on_time_publication: Rate,
    /// 到期任务按时完成率: tasks completed by their due date / tasks due.
    pub on_time_completion: Rate,
    /// 联合抽查检查对象数量占比: targets drawn in joint tasks / targets drawn.
    pub joint_target_share: Rate,
}

impl Kpis {
    /// The thirteen rates in the order of `docs/KPI.md` and of the report's tables (Annex 1's
    /// columns): every table of them reads them from here.
    pub fn rates(&self) -> [Rate; 13] {
        [
            self.joint_task_share,
            self.joint_plan_share,
            self.participation,
            self.publication,
            self.problem_discovery,
            self.plan_fulfilment,
            self.item_coverage,
            self.risk_grade_application,
            self.follow_up_disposal,
            self.mobile_enforcement,
            self.on_time_publication,
            self.on_time_completion,
            self.joint_target_share,
        ]
    }
}

/// The KPIs of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodKpis {
    /// The period.
    pub period: Period,
    /// Its KPIs.
    pub kpis: Kpis,
}

/// A note of Annex 1's last column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Note {
    /// Plans deleted with approval.
    PlansDeleted {
        /// How many.
        count: u64,
        /// Their reasons, in plan order.
        reasons: Vec<String>,
    },
    /// Checks outside the plan (tasks without plans and unplanned checks).
    ChecksOutsidePlan {
        /// How many.
        count: u64,
    },
    /// The department leads no joint task.
    NoJointTaskLed {
        /// Tasks it launched (single ones).
        tasks_led: u64,
        /// Joint tasks it joined as participant.
        joined: u64,
    },
    /// Special-campaign plans (专项计划) outside the annual plan list.
    SpecialPlans {
        /// How many.
        count: u64,
    },
}

impl fmt::Display for Note {
    /// The wording of Annex 1.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::PlansDeleted { count, reasons } => {
                if reasons.iter().all(|r| r.contains("无检查对象")) {
                    write!(f, "{count}个计划无检查对象")
                } else {
                    write!(f, "{count}个计划经批准删减")
                }
            }
            Note::ChecksOutsidePlan { count } => write!(f, "计划外开展{count}次检查"),
            Note::NoJointTaskLed { tasks_led, joined } => {
                let what = if *tasks_led == 0 {
                    "未牵头发起任务"
                } else {
                    "未牵头发起部门联合抽查"
                };
                if *joined > 0 {
                    write!(f, "{what}，但参与其他单位联合抽查{joined}次")
                } else {
                    f.write_str(what)
                }
            }
            Note::SpecialPlans { count } => write!(f, "{count}个计划为专项计划"),
        }
    }
}

/// One row of seed 002's Annex 1 (or its total).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AnnexRow {
    /// Single-department plans (deleted included, special excluded).
    pub plans_single: u64,
    /// Joint plans led (deleted included).
    pub plans_joint: u64,
    /// Single-department tasks launched (special and unplanned included).
    pub tasks_single: u64,
    /// Joint tasks launched as lead.
    pub tasks_joint: u64,
    /// Joint tasks joined as participant.
    pub joined_as_participant: u64,
    /// Plan fulfilment (落实率).
    pub fulfilment: Rate,
    /// Targets drawn.
    pub drawn: u64,
    /// Targets inspected and published.
    pub inspected_published: u64,
    /// Targets with a problem found.
    pub problems: u64,
    /// The notes.
    pub notes: Vec<Note>,
}

/// One department's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentReport {
    /// The department.
    pub id: DeptId,
    /// Its name.
    pub name: String,
    /// Its Annex 1 row.
    pub annex: AnnexRow,
    /// Its KPIs per quarter and for the year.
    pub periods: Vec<PeriodKpis>,
}

/// The totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TotalReport {
    /// The total row of Annex 1 (without notes).
    pub annex: AnnexRow,
    /// The headline KPIs per quarter and for the year.
    pub periods: Vec<PeriodKpis>,
}

impl DepartmentReport {
    /// The KPIs of the year.
    pub fn year(&self) -> &Kpis {
        year_of(&self.periods)
    }
}

impl TotalReport {
    /// The KPIs of the year.
    pub fn year(&self) -> &Kpis {
        year_of(&self.periods)
    }
}

/// The KPIs of a report with no year (only a hand-made or truncated one).
const NO_KPIS: Kpis = Kpis {
    joint_task_share: Rate::new(0, 0),
    joint_plan_share: Rate::new(0, 0),
    participation: Rate::new(0, 0),
    publication: Rate::new(0, 0),
    problem_discovery: Rate::new(0, 0),
    plan_fulfilment: Rate::new(0, 0),
    item_coverage: Rate::new(0, 0),
    risk_grade_application: Rate::new(0, 0),
    follow_up_disposal: Rate::new(0, 0),
    mobile_enforcement: Rate::new(0, 0),
    on_time_publication: Rate::new(0, 0),
    on_time_completion: Rate::new(0, 0),
    joint_target_share: Rate::new(0, 0),
};

fn year_of(periods: &[PeriodKpis]) -> &Kpis {
    // A computed report always has its year; a deserialised one might not, and must not panic.
    periods
        .iter()
        .find(|p| p.period == Period::Year)
        .map_or(&NO_KPIS, |p| &p.kpis)
}

/// When year-end concentration is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearEndRule {
    /// Flag a department whose share of the year's inspections in Q4 is above this.
    pub q4_share_above: f64,
    /// Flag a department whose share of the year's inspections in December is above this.
    pub december_share_above: f64,
}

impl Default for YearEndRule {
    /// Above half in Q4 (twice an even spread), or above a quarter in December (three times).
    fn default() -> Self {
        YearEndRule {
            q4_share_above: 0.5,
            december_share_above: 0.25,
        }
    }
}

/// How a report is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiConfig {
    /// The day the report is made: tasks due after it and not completed are not yet due.
    /// `None`: every task with a due date is due.
    pub as_of: Option<NaiveDate>,
    /// Year-end concentration thresholds.
    pub year_end: YearEndRule,
    /// At most this many late publications are listed (all are counted).
    pub max_listed: usize,
    /// The scoring rule of the assessment.
    pub assessment: AssessConfig,
}

impl Default for KpiConfig {
    fn default() -> Self {
        KpiConfig {
            as_of: None,
            year_end: YearEndRule::default(),
            max_listed: 100,
            assessment: AssessConfig::default(),
        }
    }
}

/// A check outside the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplannedFinding {
    /// The department.
    pub department: DeptId,
    /// The task id or the unplanned check's id.
    pub id: String,
    /// Where it comes from: `tasks.csv` (a task without plan) or `unplanned.csv`.
    pub source: Table,
    /// The day (task launch or check date).
    pub date: NaiveDate,
}

/// A department's year-end concentration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearEnd {
    /// The department.
    pub department: DeptId,
    /// Inspections in Q4 / inspections in the year.
    pub q4: Rate,
    /// Inspections in December / inspections in the year.
    pub december: Rate,
    /// Above a threshold of the [`YearEndRule`].
    pub flagged: bool,
}

/// A result published after its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatePublication {
    /// The lead department of the task.
    pub department: DeptId,
    /// The task.
    pub task: TaskId,
    /// The target.
    pub target: TargetId,
    /// The inspection day.
    pub inspected_on: NaiveDate,
    /// The last day allowed: 20 working days after the inspection.
    pub deadline: NaiveDate,
    /// The day it was published.
    pub published_on: NaiveDate,
}

/// What a report should surface beyond the rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// Checks outside the plan (计划外检查), by department order then date.
    pub unplanned: Vec<UnplannedFinding>,
    /// Year-end concentration of every department that inspected in the year.
    pub year_end: Vec<YearEnd>,
    /// Departments that lead no joint task.
    pub no_joint_led: Vec<DeptId>,
    /// Departments that inspected targets and found no problem.
    pub zero_problems: Vec<DeptId>,
    /// Results published late, all of them counted.
    pub late_publications: u64,
    /// The first [`KpiConfig::max_listed`] of them, in input order.
    pub late_listed: Vec<LatePublication>,
    /// Results inspected but not published.
    pub unpublished: u64,
    /// Of those, the ones past their deadline on [`KpiConfig::as_of`] (0 without `as_of`):
    /// “未公示即未检查”.
    pub overdue_unpublished: u64,
}

/// The whole report: Annex 1, every KPI, the findings, the estimate and the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    /// The year.
    pub year: i32,
    /// Per department, in the order of `departments.csv`.
    pub departments: Vec<DepartmentReport>,
    /// The totals.
    pub total: TotalReport,
    /// The findings.
    pub findings: Findings,
    /// The design-weighted estimate of the violation rate.
    pub estimate: Estimate,
    /// The assessment.
    pub assessment: Assessment,
}
