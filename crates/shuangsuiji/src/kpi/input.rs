//! The flat input: the tables a platform exports, and their validation into dense indices.
//!
//! Validation is the only place that looks ids up by text; everything after it works on
//! `u32` indices, so the KPI passes never hash a string twice.

use super::codes::ResultCodes;
use super::hash::{FxMap, map_with_capacity};
use super::{KpiError, Table, line_of};
use crate::ids::{DeptId, ItemId, PlanId, TargetId, TaskId};
use crate::lifecycle::{FollowUpKind, ResultCode};
use crate::pool::lookalike::first_look_alike;
use crate::risk::Stratum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A member department (成员单位): `departments.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRow {
    /// The department's id.
    pub id: DeptId,
    /// Its name as the reports print it, e.g. `市市场监管局`.
    pub name: String,
}

/// An item of the item list with its owning department: `items.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRow {
    /// The item's id.
    pub id: ItemId,
    /// The department that owns it.
    pub department: DeptId,
}

/// Whether a plan is a department's own or a joint one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKindFlag {
    /// 单部门抽查计划.
    Single,
    /// 部门联合抽查计划.
    Joint,
}

/// An annual plan: `plans.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRow {
    /// The plan's id.
    pub id: PlanId,
    /// The year of the plan; every plan of an input has the input's year.
    pub year: i32,
    /// The department that owns it: the single department, or the lead of a joint plan.
    pub department: DeptId,
    /// Single or joint.
    pub kind: PlanKindFlag,
    /// The participating departments of a joint plan; empty for a single one.
    #[serde(default)]
    pub participants: Vec<DeptId>,
    /// The items of the plan (for the item coverage rate); may be empty when not exported.
    #[serde(default)]
    pub items: Vec<ItemId>,
    /// A special-campaign plan (专项计划) outside the annual plan list: its tasks appear in
    /// the per-department table but in no rate (see `docs/KPI.md`).
    #[serde(default)]
    pub special: bool,
    /// Deleted with approval (计划删减).
    #[serde(default)]
    pub deleted: bool,
    /// Why it was deleted, e.g. `本地区无检查对象`; empty exactly when not deleted.
    #[serde(default)]
    pub deletion_reason: String,
}

/// A task launched on the platform (抽查任务): `tasks.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRow {
    /// The task's id.
    pub id: TaskId,
    /// The plans it carries out (one, or several merged); empty for a check outside the plan
    /// (计划外检查).
    #[serde(default)]
    pub plans: Vec<PlanId>,
    /// The lead (initiating, 发起) department.
    pub lead: DeptId,
    /// The participating (配合) departments; non-empty exactly for a joint task.
    #[serde(default)]
    pub participants: Vec<DeptId>,
    /// A joint task (部门联合抽查).
    pub joint: bool,
    /// Its draw used credit-risk grades (信用风险分类结果应用).
    #[serde(default)]
    pub graded: bool,
    /// The day it was launched; its quarter is the task's period.
    pub created_on: NaiveDate,
    /// The day it is due, if any.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// The day it was completed (every result entered), if it is.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

/// A target drawn in a task: `drawn.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnRow {
    /// The task.
    pub task: TaskId,
    /// The target.
    pub target: TargetId,
    /// The stratum (credit-risk grade) it was drawn in, when known.
    #[serde(default)]
    pub stratum: Option<Stratum>,
    /// Its inclusion probability in (0, 1], when known (from the draw record).
    #[serde(default)]
    pub inclusion_probability: Option<f64>,
}

/// The result at a drawn target: `results.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRow {
    /// The task.
    pub task: TaskId,
    /// The target; it must be drawn in the task.
    pub target: TargetId,
    /// The result codes (a set of known codes).
    pub codes: ResultCodes,
    /// The day of the inspection; its quarter is the result's period.
    pub inspected_on: NaiveDate,
    /// The day the result was entered.
    pub entered_on: NaiveDate,
    /// Entered on the mobile app (掌上执法).
    pub mobile: bool,
    /// The day it was published (公示), if it is.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
}

/// The follow-up disposal of a result: `follow_ups.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRow {
    /// The task.
    pub task: TaskId,
    /// The target; it must have a result in the task.
    pub target: TargetId,
    /// How the problem is disposed of.
    pub kind: FollowUpKind,
    /// The day it was opened.
    pub opened_on: NaiveDate,
    /// The day it was closed; `None` while open.
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

/// A check made outside any plan that is not a platform task (e.g. a complaint-driven
/// inspection): `unplanned.csv`. Unplanned checks launched as tasks are tasks without plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnplannedRow {
    /// The platform's id of the check.
    pub id: String,
    /// The department that made it.
    pub department: DeptId,
    /// When.
    pub date: NaiveDate,
    /// Why it was made outside a plan.
    pub reason: String,
    /// How many targets it checked.
    pub targets: u64,
}

/// The flat input of the KPIs: one vector per table of `docs/KPI.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiInput {
    /// The year reported on: quarters are this year's, dates outside it count in the year's
    /// totals only.
    pub year: i32,
    /// Member departments.
    pub departments: Vec<DepartmentRow>,
    /// The item list.
    #[serde(default)]
    pub items: Vec<ItemRow>,
    /// Annual plans (deleted and special ones included).
    #[serde(default)]
    pub plans: Vec<PlanRow>,
    /// Tasks launched.
    #[serde(default)]
    pub tasks: Vec<TaskRow>,
    /// Targets drawn per task.
    #[serde(default)]
    pub drawn: Vec<DrawnRow>,
    /// Results per drawn target.
    #[serde(default)]
    pub results: Vec<ResultRow>,
    /// Follow-up disposals.
    #[serde(default)]
    pub follow_ups: Vec<FollowUpRow>,
    /// Checks outside any plan that are not tasks.
    #[serde(default)]
    pub unplanned: Vec<UnplannedRow>,
}

/// The small tables validated (departments, items, plans, tasks), with every reference
/// resolved to a dense index: shared by the exact sequential check ([`KpiInput::check`]) and
/// the fast one (`super::fast`).
pub(crate) struct Head<'a> {
    /// Department id → department index.
    pub(crate) depts: FxMap<&'a str, u32>,
    /// Task id → task index.
    pub(crate) tasks: FxMap<&'a str, u32>,
    /// Per plan: its department.
    pub(crate) plan_dept: Vec<u32>,
    /// Per plan: whether some completed task carries it.
    pub(crate) plan_done: Vec<bool>,
    /// Per plan: its items, as item indices.
    pub(crate) plan_items: Vec<Vec<u32>>,
    /// Per item: its department.
    pub(crate) item_dept: Vec<u32>,
    /// Per task: its lead department.
    pub(crate) task_lead: Vec<u32>,
    /// Per task: its participants.
    pub(crate) task_participants: Vec<Vec<u32>>,
    /// Per task: carries a special plan only.
    pub(crate) task_special: Vec<bool>,
}

/// The input validated, with every reference resolved to a dense index.
pub(crate) struct Checked<'a> {
    /// The small tables.
    pub(crate) head: Head<'a>,
    /// Per drawn row: its task.
    pub(crate) drawn_task: Vec<u32>,
    /// Per result row: its drawn row.
    pub(crate) result_drawn: Vec<u32>,
    /// Per result row: its follow-up row, if any.
    pub(crate) result_follow_up: Vec<Option<u32>>,
    /// Per unplanned row: its department.
    pub(crate) unplanned_dept: Vec<u32>,
}

fn unknown(table: Table, i: usize, field: &'static str, id: &str, other: Table) -> KpiError {
    KpiError::Unknown {
        table,
        line: line_of(i),
        field,
        id: id.to_owned(),
        other,
    }
}

fn inconsistent(table: Table, i: usize, message: String) -> KpiError {
    KpiError::Inconsistent {
        table,
        line: line_of(i),
        message,
    }
}

/// Indexes `ids`, refusing repetitions and look-alikes (the first in row order).
fn index_unique<'a>(
    table: Table,
    what: &'static str,
    ids: impl ExactSizeIterator<Item = &'a str>,
) -> Result<FxMap<&'a str, u32>, KpiError> {
    let mut map = map_with_capacity(ids.len());
    let mut seen = Vec::with_capacity(ids.len());
    let mut duplicate = None;
    for (i, id) in ids.enumerate() {
        if let Some(first) = map.insert(id, i as u32) {
            duplicate = Some(KpiError::Duplicate {
                table,
                line: line_of(i),
                key: format!("{what} {id}"),
                first: line_of(first as usize),
            });
            break;
        }
        seen.push(id);
    }
    if let Some((first, later)) = first_look_alike(seen.len(), |i| seen[i]) {
        return Err(KpiError::LookAlike {
            table,
            line: line_of(later),
            what,
            id: seen[later].to_owned(),
            first: line_of(first),
            first_id: seen[first].to_owned(),
        });
    }
    match duplicate {
        Some(e) => Err(e),
        None => Ok(map),
    }
}

fn departments_of(
    table: Table,
    i: usize,
    field: &'static str,
    lead: u32,
    list: &[DeptId],
    depts: &FxMap<&str, u32>,
) -> Result<Vec<u32>, KpiError> {
    let mut out = Vec::with_capacity(list.len());
    for d in list {
        let k = *depts
            .get(d.as_str())
            .ok_or_else(|| unknown(table, i, field, d.as_str(), Table::Departments))?;
        if k == lead {
            return Err(inconsistent(
                table,
                i,
                format!("department {d} is both the lead and a participant"),
            ));
        }
        if out.contains(&k) {
            return Err(inconsistent(
                table,
                i,
                format!("participant {d} is listed twice"),
            ));
        }
        out.push(k);
    }
    Ok(out)
}

impl KpiInput {
    /// An empty input for a year.
    pub fn new(year: i32) -> KpiInput {
        KpiInput {
            year,
            departments: Vec::new(),
            items: Vec::new(),
            plans: Vec::new(),
            tasks: Vec::new(),
            drawn: Vec::new(),
            results: Vec::new(),
            follow_ups: Vec::new(),
            unplanned: Vec::new(),
        }
    }

    /// Checks every table and every reference between them.
    ///
    /// # Errors
    ///
    /// The first problem found, naming the table, the line and the field or id: duplicates,
    /// unknown departments, plans, tasks or items, a result for a target never drawn in its
    /// task, a follow-up without a result, dates out of order (a publication before the
    /// inspection, …), unknown or conflicting result codes, a joint flag that disagrees with
    /// the participants, a plan of another year, a bad inclusion probability.
    pub fn validate(&self) -> Result<(), KpiError> {
        // The fast check finds whether there is an error; the sequential one which comes first.
        if super::compute::fast_validate(self) {
            return Ok(());
        }
        self.check().map(|_| ())
    }

    /// The small tables checked, in the order of the exact check.
    pub(crate) fn check_head(&self) -> Result<Head<'_>, KpiError> {
        let depts = index_unique(
            Table::Departments,
            "department",
            self.departments.iter().map(|d| d.id.as_str()),
        )?;
        let items = index_unique(
            Table::Items,
            "item",
            self.items.iter().map(|d| d.id.as_str()),
        )?;
        let mut item_dept = Vec::with_capacity(self.items.len());
        for (i, it) in self.items.iter().enumerate() {
            let d = depts.get(it.department.as_str()).ok_or_else(|| {
                unknown(
                    Table::Items,
                    i,
                    "department",
                    it.department.as_str(),
                    Table::Departments,
                )
            })?;
            item_dept.push(*d);
        }

        let t = Table::Plans;
        let plans = index_unique(t, "plan", self.plans.iter().map(|p| p.id.as_str()))?;
        let mut plan_dept = Vec::with_capacity(self.plans.len());
        let mut plan_items = Vec::with_capacity(self.plans.len());
        for (i, p) in self.plans.iter().enumerate() {
            let d = *depts.get(p.department.as_str()).ok_or_else(|| {
                unknown(
                    t,
                    i,
                    "department",
                    p.department.as_str(),
                    Table::Departments,
                )
            })?;
            departments_of(t, i, "participants", d, &p.participants, &depts)?;
            if p.year != self.year {
                return Err(inconsistent(
                    t,
                    i,
                    format!("plan {} is of year {}, not {}", p.id, p.year, self.year),
                ));
            }
            match (p.kind, p.participants.is_empty()) {
                (PlanKindFlag::Joint, true) => {
                    return Err(inconsistent(
                        t,
                        i,
                        format!("joint plan {} has no participants", p.id),
                    ));
                }
                (PlanKindFlag::Single, false) => {
                    return Err(inconsistent(
                        t,
                        i,
                        format!("single-department plan {} has participants", p.id),
                    ));
                }
                _ => {}
            }
            if p.deleted == p.deletion_reason.trim().is_empty() {
                return Err(inconsistent(
                    t,
                    i,
                    if p.deleted {
                        format!("deleted plan {} has no deletion reason", p.id)
                    } else {
                        format!("plan {} has a deletion reason but is not deleted", p.id)
                    },
                ));
            }
            let mut its = Vec::with_capacity(p.items.len());
            for item in &p.items {
                let k = items
                    .get(item.as_str())
                    .ok_or_else(|| unknown(t, i, "items", item.as_str(), Table::Items))?;
                its.push(*k);
            }
            plan_dept.push(d);
            plan_items.push(its);
        }

        let t = Table::Tasks;
        let tasks = index_unique(t, "task", self.tasks.iter().map(|p| p.id.as_str()))?;
        let mut plan_done = vec![false; self.plans.len()];
        let mut task_lead = Vec::with_capacity(self.tasks.len());
        let mut task_participants = Vec::with_capacity(self.tasks.len());
        let mut task_special = Vec::with_capacity(self.tasks.len());
        for (i, task) in self.tasks.iter().enumerate() {
            let lead = *depts
                .get(task.lead.as_str())
                .ok_or_else(|| unknown(t, i, "lead", task.lead.as_str(), Table::Departments))?;
            let parts = departments_of(t, i, "participants", lead, &task.participants, &depts)?;
            if task.joint == parts.is_empty() {
                return Err(inconsistent(
                    t,
                    i,
                    if task.joint {
                        format!("joint task {} has no participants", task.id)
                    } else {
                        format!("task {} has participants but is not joint", task.id)
                    },
                ));
            }
            for (name, date) in [("due_on", task.due_on), ("completed_on", task.completed_on)] {
                if let Some(date) = date {
                    if date < task.created_on {
                        return Err(inconsistent(
                            t,
                            i,
                            format!(
                                "task {}: {name} {date} is before its launch on {}",
                                task.id, task.created_on
                            ),
                        ));
                    }
                }
            }
            let mut special = !task.plans.is_empty();
            for (n, plan) in task.plans.iter().enumerate() {
                let k = *plans
                    .get(plan.as_str())
                    .ok_or_else(|| unknown(t, i, "plans", plan.as_str(), Table::Plans))?
                    as usize;
                if task.plans[..n].contains(plan) {
                    return Err(inconsistent(t, i, format!("plan {plan} is listed twice")));
                }
                let p = &self.plans[k];
                if p.deleted {
                    return Err(inconsistent(
                        t,
                        i,
                        format!("task {} carries plan {plan}, which is deleted", task.id),
                    ));
                }
                special &= p.special;
                if task.completed_on.is_some() {
                    plan_done[k] = true;
                }
            }
            task_lead.push(lead);
            task_participants.push(parts);
            task_special.push(special);
        }
        Ok(Head {
            depts,
            tasks,
            plan_dept,
            plan_done,
            plan_items,
            item_dept,
            task_lead,
            task_participants,
            task_special,
        })
    }

    /// Every table checked sequentially: the first error in the order of `docs/KPI.md`'s
    /// tables and rows. The reference for the fast path, which calls it to name an error.
    pub(crate) fn check(&self) -> Result<Checked<'_>, KpiError> {
        let head = self.check_head()?;
        let tasks = &head.tasks;
        let t = Table::Drawn;
        let mut drawn: FxMap<(u32, &str), u32> = map_with_capacity(self.drawn.len());
        let mut drawn_task = Vec::with_capacity(self.drawn.len());
        let mut last: Option<(&str, u32)> = None;
        // Exports list a task's rows together: the id is hashed once per run of rows.
        let task_index = |last: Option<(&str, u32)>, id: &TaskId| match last {
            Some((s, k)) if s == id.as_str() => Some(k),
            _ => tasks.get(id.as_str()).copied(),
        };
        for (i, row) in self.drawn.iter().enumerate() {
            let k = task_index(last, &row.task)
                .ok_or_else(|| unknown(t, i, "task", row.task.as_str(), Table::Tasks))?;
            last = Some((self.tasks[k as usize].id.as_str(), k));
            if let Some(first) = drawn.insert((k, row.target.as_str()), i as u32) {
                return Err(KpiError::Duplicate {
                    table: t,
                    line: line_of(i),
                    key: format!("target {} in task {}", row.target, row.task),
                    first: line_of(first as usize),
                });
            }
            if let Some(p) = row.inclusion_probability {
                if !(p > 0.0 && p <= 1.0) {
                    return Err(KpiError::BadValue {
                        table: t,
                        line: line_of(i),
                        field: "inclusion_probability",
                        value: p.to_string(),
                        message: "an inclusion probability is in (0, 1]".into(),
                    });
                }
            }
            drawn_task.push(k);
        }

        let t = Table::Results;
        let mut result_of_drawn = vec![u32::MAX; self.drawn.len()];
        let mut result_drawn = Vec::with_capacity(self.results.len());
        let mut last = None;
        // Exports usually list results in the order of the draw: try the row after the last
        // match before hashing.
        let mut next = 0usize;
        for (i, r) in self.results.iter().enumerate() {
            let k = task_index(last, &r.task)
                .ok_or_else(|| unknown(t, i, "task", r.task.as_str(), Table::Tasks))?;
            last = Some((self.tasks[k as usize].id.as_str(), k));
            let d = if next < self.drawn.len()
                && drawn_task[next] == k
                && self.drawn[next].target == r.target
            {
                next as u32
            } else {
                *drawn
                    .get(&(k, r.target.as_str()))
                    .ok_or_else(|| KpiError::NotDrawn {
                        table: t,
                        line: line_of(i),
                        task: r.task.to_string(),
                        target: r.target.to_string(),
                    })?
            };
            next = d as usize + 1;
            let slot = &mut result_of_drawn[d as usize];
            if *slot != u32::MAX {
                return Err(KpiError::Duplicate {
                    table: t,
                    line: line_of(i),
                    key: format!("result for target {} in task {}", r.target, r.task),
                    first: line_of(*slot as usize),
                });
            }
            *slot = i as u32;
            check_result(i, r)?;
            result_drawn.push(d);
        }

        let t = Table::FollowUps;
        let mut result_follow_up = vec![None; self.results.len()];
        let mut last = None;
        for (i, f) in self.follow_ups.iter().enumerate() {
            let k = task_index(last, &f.task)
                .ok_or_else(|| unknown(t, i, "task", f.task.as_str(), Table::Tasks))?;
            last = Some((self.tasks[k as usize].id.as_str(), k));
            let not_drawn = || KpiError::NotDrawn {
                table: t,
                line: line_of(i),
                task: f.task.to_string(),
                target: f.target.to_string(),
            };
            let d = *drawn.get(&(k, f.target.as_str())).ok_or_else(not_drawn)?;
            let r = result_of_drawn[d as usize];
            if r == u32::MAX {
                return Err(inconsistent(
                    t,
                    i,
                    format!(
                        "follow-up for target {} in task {}, which has no result",
                        f.target, f.task
                    ),
                ));
            }
            let slot = &mut result_follow_up[r as usize];
            if let Some(first) = *slot {
                return Err(KpiError::Duplicate {
                    table: t,
                    line: line_of(i),
                    key: format!("follow-up for target {} in task {}", f.target, f.task),
                    first: line_of(first as usize),
                });
            }
            *slot = Some(i as u32);
            if let Some(closed) = f.closed_on {
                if closed < f.opened_on {
                    return Err(inconsistent(
                        t,
                        i,
                        format!(
                            "closed on {closed}, before it was opened on {}",
                            f.opened_on
                        ),
                    ));
                }
            }
            let inspected = self.results[r as usize].inspected_on;
            if f.opened_on < inspected {
                return Err(inconsistent(
                    t,
                    i,
                    format!(
                        "opened on {}, before the inspection on {inspected}",
                        f.opened_on
                    ),
                ));
            }
        }

        let unplanned_dept = self.check_unplanned(&head.depts)?;
        Ok(Checked {
            head,
            drawn_task,
            result_drawn,
            result_follow_up,
            unplanned_dept,
        })
    }

    /// `unplanned.csv` checked: the departments of its rows.
    pub(crate) fn check_unplanned(&self, depts: &FxMap<&str, u32>) -> Result<Vec<u32>, KpiError> {
        let t = Table::Unplanned;
        index_unique(t, "check", self.unplanned.iter().map(|u| u.id.as_str()))?;
        let mut unplanned_dept = Vec::with_capacity(self.unplanned.len());
        for (i, u) in self.unplanned.iter().enumerate() {
            let d = *depts.get(u.department.as_str()).ok_or_else(|| {
                unknown(
                    t,
                    i,
                    "department",
                    u.department.as_str(),
                    Table::Departments,
                )
            })?;
            if u.reason.trim().is_empty() {
                return Err(inconsistent(t, i, format!("check {} has no reason", u.id)));
            }
            unplanned_dept.push(d);
        }
        Ok(unplanned_dept)
    }
}

pub(crate) fn check_result(i: usize, r: &ResultRow) -> Result<(), KpiError> {
    let t = Table::Results;
    if r.codes.is_empty() {
        return Err(KpiError::BadValue {
            table: t,
            line: line_of(i),
            field: "codes",
            value: String::new(),
            message: "a result needs at least one code".into(),
        });
    }
    if r.codes.contains(&ResultCode::NoProblemFound) {
        if let Some(p) = r.codes.iter().find(ResultCode::is_problem) {
            return Err(inconsistent(
                t,
                i,
                format!(
                    "result code {} cannot be combined with {p}",
                    ResultCode::NoProblemFound
                ),
            ));
        }
    }
    if r.entered_on < r.inspected_on {
        return Err(inconsistent(
            t,
            i,
            format!(
                "target {}: entered on {}, before the inspection on {}",
                r.target, r.entered_on, r.inspected_on
            ),
        ));
    }
    if let Some(p) = r.published_on {
        if p < r.inspected_on {
            return Err(inconsistent(
                t,
                i,
                format!(
                    "target {}: published on {p}, before the inspection on {}",
                    r.target, r.inspected_on
                ),
            ));
        }
        if p < r.entered_on {
            return Err(inconsistent(
                t,
                i,
                format!(
                    "target {}: published on {p}, before it was entered on {}",
                    r.target, r.entered_on
                ),
            ));
        }
    }
    Ok(())
}

/// The period bucket of a date: 0–3 for the quarters of `year`, 4 outside it.
pub(crate) fn bucket(year: i32, date: NaiveDate) -> usize {
    if date.year() == year {
        (date.month0() / 3) as usize
    } else {
        4
    }
}
