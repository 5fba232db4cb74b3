//! Drawing a joint task: one seed for all member plans, one visit per drawn target.

use super::{JointTask, MergeProposal};
use crate::draw::{DrawError, sample};
use crate::ids::{ItemId, TargetId, TaskId};
use crate::plan::{AnnualPlan, PlanId};
use crate::record::DrawRecord;
use crate::seed::{Seed, SeedOrigin};
use crate::target::FrozenPool;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Why a task could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JointError {
    /// The task names a plan that is not an active plan of the annual plan.
    #[error("task {task}: plan {plan} is not an active plan of the annual plan")]
    UnknownPlan {
        /// The task.
        task: TaskId,
        /// The plan.
        plan: PlanId,
    },
    /// A member plan's draw failed.
    #[error("task {task}: drawing plan {plan}: {source}")]
    Draw {
        /// The task.
        task: TaskId,
        /// The plan.
        plan: PlanId,
        /// What went wrong.
        source: DrawError,
    },
}

/// One visit: a target, seen once for every item due there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The target.
    pub target: TargetId,
    /// The member plans that drew it, in task order.
    pub plans: Vec<PlanId>,
    /// The union of those plans' items, sorted.
    pub items: Vec<ItemId>,
}

/// A member plan's own coverage within the task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanCoverage {
    /// The plan.
    pub plan: PlanId,
    /// The targets the plan's own ratio or count requires (its sample size).
    pub required: u64,
    /// Of those, the targets the task visits for this plan; equal to `required` by
    /// construction, reported so that a reader need not take that on trust.
    pub visited: u64,
}

/// A drawn task: its visits and what merging saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskVisits {
    /// The task.
    pub task: TaskId,
    /// The seed every member plan was drawn with.
    pub seed: Seed,
    /// Each member plan's coverage, in task order.
    pub coverage: Vec<PlanCoverage>,
    /// The visits, in canonical pool order.
    pub visits: Vec<Visit>,
    /// Visits if each plan went alone: the sum of the plans' sample sizes.
    pub without_merging: u64,
    /// Visits of the task: the size of the union of the samples.
    pub with_merging: u64,
}

impl TaskVisits {
    /// Visits saved by merging.
    pub fn saving(&self) -> u64 {
        self.without_merging - self.with_merging
    }
}

/// Every task of a proposal drawn, with the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitReport {
    /// Per task, in the proposal's order.
    pub tasks: Vec<TaskVisits>,
    /// Visits if every plan went alone.
    pub without_merging: u64,
    /// Visits of all tasks.
    pub with_merging: u64,
}

impl VisitReport {
    /// Visits saved by merging.
    pub fn saving(&self) -> u64 {
        self.without_merging - self.with_merging
    }
}

/// Draws one task: every member plan with its own scope and policy but the task's one `seed`.
///
/// Why one seed: a target's key depends only on the seed and its canonical index
/// ([`crate::keys`]), and each plan takes the lowest keys of its scope, so with a shared seed
/// the plans' samples nest wherever their scopes and strata coincide: the smaller sample lies
/// inside the larger. Each plan's sample is exactly what it would draw alone with that seed, so
/// its coverage is met by construction; only the visits are shared.
pub fn draw_task(
    task: &JointTask,
    annual: &AnnualPlan,
    pool: &FrozenPool,
    seed: &Seed,
) -> Result<TaskVisits, JointError> {
    draw_members(task, annual, pool, seed, &SeedOrigin::Given, false).map(|(visits, _)| visits)
}

/// Draws one task like [`draw_task`] and also returns each member plan's [`DrawRecord`], in
/// task order, for the draw log: each names its plan ([`DrawRequest::plan`]) and carries the
/// seed's `origin`, so anyone can check the seed and reproduce each member's sample.
///
/// [`DrawRequest::plan`]: crate::draw::DrawRequest::plan
pub fn draw_task_recorded(
    task: &JointTask,
    annual: &AnnualPlan,
    pool: &FrozenPool,
    seed: &Seed,
    origin: &SeedOrigin,
) -> Result<(TaskVisits, Vec<DrawRecord>), JointError> {
    draw_members(task, annual, pool, seed, origin, true)
}

fn draw_members(
    task: &JointTask,
    annual: &AnnualPlan,
    pool: &FrozenPool,
    seed: &Seed,
    origin: &SeedOrigin,
    with_records: bool,
) -> Result<(TaskVisits, Vec<DrawRecord>), JointError> {
    let mut drawn: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let mut members = Vec::with_capacity(task.plans.len());
    let mut coverage = Vec::with_capacity(task.plans.len());
    let mut records = Vec::new();
    for (m, id) in task.plans.iter().enumerate() {
        let plan =
            annual
                .active_plans()
                .find(|p| &p.id == id)
                .ok_or_else(|| JointError::UnknownPlan {
                    task: task.id.clone(),
                    plan: id.clone(),
                })?;
        let mut request = plan.draw_request(task.id.clone(), *seed);
        request.seed_origin = origin.clone();
        let failed = |source: DrawError| JointError::Draw {
            task: task.id.clone(),
            plan: id.clone(),
            source,
        };
        let (census, s) = sample(pool, &request).map_err(failed)?;
        if with_records {
            records.push(DrawRecord::from_sample(pool, &request, &census, &s).map_err(failed)?);
        }
        let required: u64 = s.allocation.size.iter().map(|(_, &n)| n).sum();
        let mut visited = 0;
        for (_, pick) in s.iter(pool) {
            drawn.entry(pick.index).or_default().push(m);
            visited += 1;
        }
        coverage.push(PlanCoverage {
            plan: id.clone(),
            required,
            visited,
        });
        members.push(plan);
    }
    let visits: Vec<Visit> = drawn
        .into_iter()
        .map(|(index, by)| {
            let items: BTreeSet<&ItemId> = by.iter().flat_map(|&m| &members[m].items).collect();
            Visit {
                target: pool.target_id(index as usize),
                plans: by.iter().map(|&m| members[m].id.clone()).collect(),
                items: items.into_iter().cloned().collect(),
            }
        })
        .collect();
    let visits = TaskVisits {
        task: task.id.clone(),
        seed: *seed,
        without_merging: coverage.iter().map(|c| c.visited).sum(),
        with_merging: visits.len() as u64,
        coverage,
        visits,
    };
    Ok((visits, records))
}

/// Draws every task of a proposal, each with the seed `seed_for` gives it (e.g.
/// [`Seed::from_public_entropy`] with the task id, so that different tasks do not pick the
/// same low-key targets), and adds up the visits with and without merging.
pub fn draw_visits(
    proposal: &MergeProposal,
    annual: &AnnualPlan,
    pool: &FrozenPool,
    mut seed_for: impl FnMut(&JointTask) -> Seed,
) -> Result<VisitReport, JointError> {
    let tasks = proposal
        .tasks
        .iter()
        .map(|t| draw_task(t, annual, pool, &seed_for(t)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(VisitReport {
        without_merging: tasks.iter().map(|t| t.without_merging).sum(),
        with_merging: tasks.iter().map(|t| t.with_merging).sum(),
        tasks,
    })
}
