//! The library's own cycle as a flat KPI input, so a demo year and a platform export go
//! through the same computation.

use super::codes::ResultCodes;
use super::input::{
    DepartmentRow, DrawnRow, FollowUpRow, ItemRow, KpiInput, PlanKindFlag, PlanRow, ResultRow,
    TaskRow, UnplannedRow,
};
use super::{KpiError, Table, line_of};
use crate::demo::{DemoCounty, DemoYear};
use crate::draw::DrawRequest;
use crate::lifecycle::TaskState;
use crate::plan::PlanSize;
use crate::policy::{Ratio, SampleSize, SamplingPolicy};
use std::collections::BTreeMap;

impl KpiInput {
    /// The flat input of a demo year: the county's departments and item list, the year's
    /// plans (deletions marked), one task per proposed task (its plans, lead, participants;
    /// graded when a member plan samples by credit-risk grade; launched on its life cycle's
    /// creation day, completed when its results were entered, due on its plans' earliest due
    /// date), the visits as drawn targets with their stratum, the results, follow-ups, and the
    /// unplanned checks.
    ///
    /// Inclusion probabilities: a task of one plan is re-drawn with its recorded seed
    /// ([`crate::record::draw`], the same request as [`crate::joint::draw_task`]) and its
    /// visits get the record's probabilities, if the re-draw selects exactly those targets.
    /// A merged task's visit is the union of several plans' samples, whose inclusion
    /// probability the draw records do not give: it is left empty, never guessed.
    ///
    /// # Errors
    ///
    /// [`KpiError::BadValue`] for a result holding a [`crate::lifecycle::ResultCode::Other`]
    /// code, which the KPI input refuses (the demo year produces none).
    pub fn from_year(county: &DemoCounty, year: &DemoYear) -> Result<KpiInput, KpiError> {
        let annual = &year.annual;
        let mut input = KpiInput::new(annual.year);
        input.departments = county
            .departments
            .iter()
            .map(|d| DepartmentRow {
                id: d.id.clone(),
                name: d.name.clone(),
            })
            .collect();
        input.items = county
            .items
            .items()
            .iter()
            .map(|i| ItemRow {
                id: i.id.clone(),
                department: i.department.clone(),
            })
            .collect();
        let reasons: BTreeMap<_, _> = annual
            .deletions
            .iter()
            .map(|d| (&d.plan, d.reason.clone()))
            .collect();
        input.plans = annual
            .plans
            .iter()
            .map(|p| PlanRow {
                id: p.id.clone(),
                year: p.year,
                department: p.kind.lead().clone(),
                kind: if p.kind.is_joint() {
                    PlanKindFlag::Joint
                } else {
                    PlanKindFlag::Single
                },
                participants: p.kind.participants().to_vec(),
                items: p.items.clone(),
                special: false,
                deleted: reasons.contains_key(&p.id),
                deletion_reason: reasons.get(&p.id).cloned().unwrap_or_default(),
            })
            .collect();
        let lifecycles: BTreeMap<_, _> = year.tasks.iter().map(|t| (t.id(), t)).collect();
        for jt in &year.proposal.tasks {
            let plans: Vec<_> = jt.plans.iter().filter_map(|p| annual.plan(p)).collect();
            let life = lifecycles.get(&jt.id);
            let window_start = jt
                .common_window
                .map(|w| w.first)
                .or_else(|| plans.iter().map(|p| p.window.first).min());
            let Some(created_on) = life.map(|t| t.created_on()).or(window_start) else {
                continue; // a task without plans cannot come out of a proposal
            };
            let participants = jt.departments.iter().skip(1).cloned().collect::<Vec<_>>();
            input.tasks.push(TaskRow {
                id: jt.id.clone(),
                plans: jt.plans.clone(),
                lead: jt.lead.clone(),
                joint: !participants.is_empty(),
                participants,
                graded: plans.iter().any(|p| matches!(p.size, PlanSize::Policy(_))),
                created_on,
                due_on: plans.iter().filter_map(|p| p.due).min(),
                completed_on: life.and_then(|t| t.entered_on(TaskState::ResultsEntered)),
            });
        }
        let pool = county.targets.freeze();
        for (jt, t) in year.proposal.tasks.iter().zip(&year.draws.tasks) {
            let probabilities = single_plan_probabilities(jt, t, annual, &pool);
            for v in &t.visits {
                input.drawn.push(DrawnRow {
                    task: t.task.clone(),
                    target: v.target.clone(),
                    stratum: county.targets.get(&v.target).map(|e| e.stratum()),
                    inclusion_probability: probabilities
                        .as_ref()
                        .and_then(|p| p.get(&v.target))
                        .copied(),
                });
            }
        }
        for r in &year.results {
            let codes = ResultCodes::try_from(&r.result.codes).map_err(|e| KpiError::BadValue {
                table: Table::Results,
                line: line_of(input.results.len()),
                field: "codes",
                value: e.0.clone(),
                message: e.to_string(),
            })?;
            input.results.push(ResultRow {
                task: r.task.clone(),
                target: r.result.target.clone(),
                codes,
                inspected_on: r.result.inspected_on,
                entered_on: r.result.entered_on,
                mobile: r.result.mobile,
                published_on: r.result.published_on,
            });
            if let Some(f) = &r.follow_up {
                input.follow_ups.push(FollowUpRow {
                    task: r.task.clone(),
                    target: f.target.clone(),
                    kind: f.kind,
                    opened_on: f.opened_on,
                    closed_on: f.closed_on,
                });
            }
        }
        input.unplanned = annual
            .unplanned
            .iter()
            .map(|u| UnplannedRow {
                id: u.id.clone(),
                department: u.department.clone(),
                date: u.date,
                reason: u.reason.clone(),
                targets: u.targets.len() as u64,
            })
            .collect();
        Ok(input)
    }
}

/// The inclusion probabilities of a one-plan task's visits, from a re-draw with the task's
/// seed; `None` for a merged task, or when the re-draw does not select exactly the visits.
fn single_plan_probabilities(
    jt: &crate::joint::JointTask,
    t: &crate::joint::TaskVisits,
    annual: &crate::plan::AnnualPlan,
    pool: &crate::target::FrozenPool,
) -> Option<BTreeMap<crate::ids::TargetId, f64>> {
    let [plan] = jt.plans.as_slice() else {
        return None;
    };
    if jt.id != t.task {
        return None;
    }
    let plan = annual.plan(plan)?;
    let policy = match &plan.size {
        PlanSize::Policy(p) => (**p).clone(),
        PlanSize::Count { total } => {
            let all = Ratio::from_ppm(1_000_000)?;
            let mut p = SamplingPolicy::by_grade(all, all, all, all, Some(all));
            p.size = SampleSize::FixedTotal { total: *total };
            p
        }
    };
    let request = DrawRequest {
        department: Some(plan.kind.lead().clone()),
        items: plan.items.clone(),
        date: Some(plan.window.first),
        scope: plan.scope.clone(),
        ..DrawRequest::new(t.task.clone(), t.seed, policy)
    };
    let record = crate::record::draw(pool, &request).ok()?;
    let drawn: std::collections::BTreeSet<_> = record.selected.iter().map(|s| &s.id).collect();
    let same = record.selected.len() == t.visits.len()
        && t.visits.iter().all(|v| drawn.contains(&v.target));
    same.then(|| {
        record
            .selected
            .into_iter()
            .map(|s| (s.id, s.inclusion_probability))
            .collect()
    })
}
