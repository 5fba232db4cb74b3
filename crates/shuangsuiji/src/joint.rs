//! Joint-task merging (“相同对象、相近时间”): turning the year's plans into as few visits as the
//! rules allow.
//!
//! [`propose`] groups the active plans of an [`AnnualPlan`] into [`JointTask`]s. Two plans may
//! share a task when all three hold:
//!
//! 1. **same targets**: at least one target of the frozen pool is in both scopes;
//! 2. **close in time**: their windows come within [`MergeConfig::gap_days`] of each other
//!    ([`Window::overlaps`]);
//! 3. **allowed to join**: the same department (部门内联查, the “small union”, always allowed),
//!    or departments the joint item list pairs (部门间联合, the “big union”:
//!    [`JointItemList::joint_items_between`] is non-empty). A plan's department is its
//!    [`PlanKind::lead`](crate::plan::PlanKind::lead).
//!
//! ## Grouping: deterministic greedy
//!
//! Plans are taken in published order. Each plan is compared with the tasks formed so far that
//! hold at least one plan sharing a target with it, oldest task first, and joins the first task
//! with **every** member of which it is compatible; otherwise it founds a new task. Every-member
//! compatibility rather than union-find, because union-find is transitive and would put a
//! March plan and an October plan in one task through a plan spanning both: a joint visit needs
//! a day inside every member's window, and with `gap_days = 0` pairwise-overlapping windows
//! share a common day (Helly's theorem on the line). A plan alone is a task of its own, so that
//! every active plan is in exactly one task and the totals add up.
//!
//! ## Explanations
//!
//! Every comparison made is recorded as a [`PairDecision`]: for each task tried and refused, the
//! first member that refused (with the first reason in the order [`PairReason::NoCommonTargets`],
//! [`PairReason::NotAllowedByJointList`], [`PairReason::WindowsTooFarApart`]); for the task
//! joined, a [`PairReason::Merged`] decision with every member. Pairs of plans that share no
//! target and no task are never compared and not listed: there is nothing to merge between them,
//! and listing all n² pairs of a year of 10⁴ plans would bury the answers that matter.
//!
//! ## Lead department
//!
//! A task of one department is led by it. A task across departments is led by the initiating
//! department (发起部门) of the first joint item ([`JointItemList::lead_for`]), over the members'
//! items in task order, whose initiator is a department of the task; failing that, by the
//! [`LeadRule`] of the configuration.
//!
//! ## Cost
//!
//! With `P` plans, `S` distinct scopes among them and `N` targets: `O(S·N)` scope tests to build
//! one bitmap per distinct scope (plans share scopes, so `S` is usually far below `P`), then
//! `O(S²·N/64)` word operations for the common-target counts of every pair of distinct scopes,
//! then `O(P·T·k)` constant-time comparisons, `T` the tasks sharing a target with a plan and
//! `k` their sizes.
//!
//! [`draw_visits`] then draws every member plan of a task with the task's one seed, so that the
//! samples overlap as much as the ratios allow, and visits each drawn target once with the union
//! of the items due there.

mod visits;

#[cfg(test)]
mod tests;

pub use visits::{
    JointError, PlanCoverage, TaskVisits, Visit, VisitReport, draw_task, draw_task_recorded,
    draw_visits,
};

use crate::catalog::JointItemList;
use crate::ids::{DeptId, TaskId};
use crate::plan::{AnnualPlan, Plan, PlanId, Window};
use crate::scope::Scope;
use crate::target::FrozenPool;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Who leads a task across departments when no joint item names a member department as its
/// initiator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadRule {
    /// The department of the plan whose scope holds the most targets (ties: the smaller plan
    /// id): the department with the most at stake draws.
    #[default]
    LargestScope,
    /// The department of the task's first plan in published order.
    FirstPlan,
}

/// How plans are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeConfig {
    /// How many days apart two windows may be and still merge (0: they must share a day).
    pub gap_days: u32,
    /// The lead department of a cross-department task without an initiating joint item.
    #[serde(default)]
    pub default_lead: LeadRule,
}

/// Why two plans were, or were not, put in one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum PairReason {
    /// No target of the pool is in both scopes: there is no shared visit to save.
    NoCommonTargets,
    /// The windows are further apart than the configured gap.
    WindowsTooFarApart {
        /// The days between the windows ([`Window::distance_days`]); `None` when a window is
        /// empty (inverted), which no gap can bridge.
        days: Option<u64>,
    },
    /// Different departments that the joint item list does not pair.
    NotAllowedByJointList,
    /// Merged into one task.
    Merged {
        /// The number of pool targets in both scopes.
        common_targets: u64,
    },
}

/// One comparison of two plans and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairDecision {
    /// The plan being placed.
    pub plan: PlanId,
    /// The plan, already in a task, it was compared with.
    pub other: PlanId,
    /// The index in [`MergeProposal::tasks`] of `other`'s task.
    pub task: usize,
    /// The outcome.
    pub reason: PairReason,
}

/// How a task's lead department was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum LeadChoice {
    /// Every plan of the task belongs to this one department.
    SingleDepartment,
    /// The initiating department of a joint item of one of the plans.
    JointItem {
        /// The joint item.
        item: crate::ids::ItemId,
    },
    /// The configured default, applied to this plan.
    Default {
        /// The rule.
        rule: LeadRule,
        /// The plan whose department leads.
        plan: PlanId,
    },
}

/// What kind of union a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// One plan on its own.
    Alone,
    /// Several plans of one department (部门内联查).
    WithinDepartment,
    /// Plans of several departments (部门间联合).
    AcrossDepartments,
}

/// A proposed task: plans visited together, under one lead department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointTask {
    /// The task id, `"{year}-JT-{n:05}"`, numbered from 1 in order of creation.
    pub id: TaskId,
    /// The member plans, in the order they joined.
    pub plans: Vec<PlanId>,
    /// Alone, within one department, or across departments.
    pub kind: TaskKind,
    /// The lead department, which draws the targets.
    pub lead: DeptId,
    /// Why that department leads.
    pub lead_choice: LeadChoice,
    /// Every department of the member plans (leads and participants), the lead first, then
    /// sorted.
    pub departments: Vec<DeptId>,
    /// The days inside every member's window; `None` when the windows only come within the gap
    /// without sharing a day.
    pub common_window: Option<Window>,
    /// The days on which a visit for every member may fall: the common window when there is
    /// one, else the days within [`MergeConfig::gap_days`] of every member's window (inside
    /// the span of the windows). Never empty: members are pairwise within the gap, so these
    /// widened windows share a day (Helly's theorem on the line). Merging with a gap is the
    /// configuration's consent that a member's check may move that far outside its window.
    pub visit_window: Window,
}

impl JointTask {
    /// The announcement to append to the draw log (and publish) before the task is drawn:
    /// its member plans, the pool and where its seed will come from.
    pub fn announcement(
        &self,
        pool: &FrozenPool,
        seed: crate::audit::SeedCommitment,
    ) -> crate::audit::DrawAnnouncement {
        crate::audit::DrawAnnouncement::new(
            self.id.clone(),
            self.plans.clone(),
            crate::record::PoolSummary {
                digest: pool.digest(),
                size: pool.len() as u64,
            },
            seed,
        )
    }
}

/// The result of [`propose`]: the tasks and the reasons for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeProposal {
    /// The year of the annual plan.
    pub year: i32,
    /// The configuration used.
    pub config: MergeConfig,
    /// Every active plan in exactly one task, tasks in order of creation.
    pub tasks: Vec<JointTask>,
    /// Every comparison made, in the order made.
    pub decisions: Vec<PairDecision>,
}

impl MergeProposal {
    /// The tasks of more than one plan.
    pub fn joint_tasks(&self) -> impl Iterator<Item = &JointTask> {
        self.tasks.iter().filter(|t| t.plans.len() > 1)
    }

    /// The index of the task holding a plan.
    pub fn task_of(&self, plan: &PlanId) -> Option<usize> {
        self.tasks.iter().position(|t| t.plans.contains(plan))
    }
}

/// One bitmap over canonical indices per distinct scope, and the plans' scope numbers.
struct Scopes {
    /// Scope number of each plan.
    of_plan: Vec<usize>,
    /// Targets in scope, per scope.
    size: Vec<u64>,
    /// Common targets of scopes `i` and `j` at `i * count + j`.
    common: Vec<u64>,
    count: usize,
}

impl Scopes {
    fn new(plans: &[&Plan], pool: &FrozenPool) -> Scopes {
        let words = pool.len().div_ceil(64);
        let mut seen: Vec<&Scope> = Vec::new();
        // Scope has no Hash or Ord, and its JSON form is canonical (sorted sets), so the JSON
        // text serves as the key that finds plans sharing a scope.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut of_plan = Vec::with_capacity(plans.len());
        for plan in plans {
            let key = serde_json::to_string(&plan.scope).unwrap_or_default();
            let next = seen.len();
            let n = *index.entry(key).or_insert(next);
            if n == next {
                seen.push(&plan.scope);
            }
            of_plan.push(n);
        }
        let bitmaps: Vec<Vec<u64>> = seen
            .iter()
            .map(|scope| {
                let mut bits = vec![0u64; words];
                let scope = pool.scope_matcher(scope);
                for i in 0..pool.len() {
                    if scope.matches(i) {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                bits
            })
            .collect();
        let count = seen.len();
        let mut common = vec![0u64; count * count];
        for i in 0..count {
            for j in i..count {
                let n: u64 = bitmaps[i]
                    .iter()
                    .zip(&bitmaps[j])
                    .map(|(a, b)| u64::from((a & b).count_ones()))
                    .sum();
                common[i * count + j] = n;
                common[j * count + i] = n;
            }
        }
        let size = (0..count).map(|i| common[i * count + i]).collect();
        Scopes {
            of_plan,
            size,
            common,
            count,
        }
    }

    fn common(&self, a: usize, b: usize) -> u64 {
        self.common[self.of_plan[a] * self.count + self.of_plan[b]]
    }
}

/// Proposes joint tasks for the active plans of a year (see the [module docs](self) for the
/// rules, the grouping and the cost).
///
/// ```
/// use chrono::NaiveDate;
/// use shuangsuiji::catalog::{JointDomain, JointItem, JointItemList};
/// use shuangsuiji::ids::{DeptId, ItemId, TargetId};
/// use shuangsuiji::joint::{propose, MergeConfig, PairReason, TaskKind};
/// use shuangsuiji::plan::{AnnualPlan, Plan, PlanId, PlanKind, PlanSize, Window};
/// use shuangsuiji::scope::Scope;
/// use shuangsuiji::target::{Target, TargetPool};
///
/// let pool = TargetPool::from_entries((0..100).map(|i| Target::new(TargetId::new(format!("E{i:03}")).unwrap())))?
///     .into_frozen();
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let (market, health) = (DeptId::new("市场监管局")?, DeptId::new("卫健局")?);
/// let plan = |id: &str, dept: &DeptId, item: &str, window| Plan {
///     id: PlanId::new(id).unwrap(),
///     name: id.into(),
///     year: 2026,
///     kind: PlanKind::Single { department: dept.clone() },
///     items: vec![ItemId::new(item).unwrap()],
///     scope: Scope::all(),
///     size: PlanSize::Count { total: 10 },
///     window,
///     frequency_per_year: 1,
///     due: None,
/// };
/// let mut year = AnnualPlan::new(2026);
/// year.plans.push(plan("SC-01", &market, "SC-食品", Window::new(d(4, 1), d(6, 30))));
/// year.plans.push(plan("WJ-01", &health, "WJ-卫生", Window::new(d(6, 1), d(8, 31))));
/// // The joint list lets the market regulator initiate food checks with the health bureau.
/// let joint = JointItemList {
///     name: "联合清单".into(),
///     version: "2026".into(),
///     domains: vec![JointDomain {
///         name: "餐饮".into(),
///         items: vec![JointItem {
///             item: ItemId::new("SC-食品")?,
///             initiating: market.clone(),
///             participating: vec![health.clone()],
///             level: "县级".into(),
///         }],
///     }],
/// };
///
/// let proposal = propose(&year, &joint, &pool, &MergeConfig::default());
/// assert_eq!(proposal.tasks.len(), 1);
/// assert_eq!(proposal.tasks[0].kind, TaskKind::AcrossDepartments);
/// assert_eq!(proposal.tasks[0].lead, market);
/// assert_eq!(proposal.decisions[0].reason, PairReason::Merged { common_targets: 100 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn propose(
    plan: &AnnualPlan,
    joint: &JointItemList,
    pool: &FrozenPool,
    config: &MergeConfig,
) -> MergeProposal {
    let plans: Vec<&Plan> = plan.active_plans().collect();
    let scopes = Scopes::new(&plans, pool);

    // Departments as small numbers, and which pairs may join, so that a comparison is O(1).
    let mut dept_index: HashMap<&DeptId, usize> = HashMap::new();
    let mut depts: Vec<&DeptId> = Vec::new();
    let mut dept_of = Vec::with_capacity(plans.len());
    for p in &plans {
        let d = p.kind.lead();
        let i = *dept_index.entry(d).or_insert_with(|| {
            depts.push(d);
            depts.len() - 1
        });
        dept_of.push(i);
    }
    let nd = depts.len();
    let mut allowed = vec![false; nd * nd];
    for a in 0..nd {
        for b in 0..nd {
            allowed[a * nd + b] =
                a == b || !joint.joint_items_between(depts[a], depts[b]).is_empty();
        }
    }

    let judge = |a: usize, b: usize| -> PairReason {
        let common_targets = scopes.common(a, b);
        if common_targets == 0 {
            return PairReason::NoCommonTargets;
        }
        if !allowed[dept_of[a] * nd + dept_of[b]] {
            return PairReason::NotAllowedByJointList;
        }
        let (wa, wb) = (plans[a].window, plans[b].window);
        if !wa.overlaps(&wb, config.gap_days) {
            return PairReason::WindowsTooFarApart {
                days: wa.distance_days(&wb),
            };
        }
        PairReason::Merged { common_targets }
    };

    // Scopes that share a target, and the tasks holding a plan of each scope: the candidates.
    let overlapping: Vec<Vec<usize>> = (0..scopes.count)
        .map(|i| {
            (0..scopes.count)
                .filter(|&j| scopes.common[i * scopes.count + j] > 0)
                .collect()
        })
        .collect();
    let mut tasks_of_scope: Vec<Vec<usize>> = vec![Vec::new(); scopes.count];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut decisions = Vec::new();
    // Which plan last listed each task as a candidate: dedupes without a set per plan.
    let mut listed_by: Vec<usize> = Vec::new();
    let mut candidates = Vec::new();
    for p in 0..plans.len() {
        candidates.clear();
        for &s in &overlapping[scopes.of_plan[p]] {
            for &t in &tasks_of_scope[s] {
                if listed_by[t] != p {
                    listed_by[t] = p;
                    candidates.push(t);
                }
            }
        }
        // Oldest task first, whatever order the scopes listed them in.
        candidates.sort_unstable();
        let mut joined = None;
        for &t in &candidates {
            let verdicts: Vec<(usize, PairReason)> = members[t]
                .iter()
                .map(|&m| (m, judge(p, m)))
                .take_while(|(_, r)| matches!(r, PairReason::Merged { .. }))
                .collect();
            if verdicts.len() < members[t].len() {
                let m = members[t][verdicts.len()];
                decisions.push(decision(&plans, p, m, t, judge(p, m)));
            } else {
                for (m, reason) in verdicts {
                    decisions.push(decision(&plans, p, m, t, reason));
                }
                joined = Some(t);
                break;
            }
        }
        let t = joined.unwrap_or_else(|| {
            members.push(Vec::new());
            listed_by.push(usize::MAX);
            members.len() - 1
        });
        members[t].push(p);
        let s = &mut tasks_of_scope[scopes.of_plan[p]];
        if s.last() != Some(&t) && !s.contains(&t) {
            s.push(t);
            s.sort_unstable();
        }
    }

    let tasks = members
        .iter()
        .enumerate()
        .map(|(n, m)| make_task(plan.year, n, m, &plans, &scopes, joint, config))
        .collect();
    MergeProposal {
        year: plan.year,
        config: *config,
        tasks,
        decisions,
    }
}

fn decision(plans: &[&Plan], p: usize, m: usize, task: usize, reason: PairReason) -> PairDecision {
    PairDecision {
        plan: plans[p].id.clone(),
        other: plans[m].id.clone(),
        task,
        reason,
    }
}

fn make_task(
    year: i32,
    n: usize,
    members: &[usize],
    plans: &[&Plan],
    scopes: &Scopes,
    joint: &JointItemList,
    config: &MergeConfig,
) -> JointTask {
    let member_plans: Vec<&Plan> = members.iter().map(|&i| plans[i]).collect();
    let leads: BTreeSet<&DeptId> = member_plans.iter().map(|p| p.kind.lead()).collect();
    let (kind, lead, lead_choice) = if leads.len() == 1 {
        let kind = if members.len() == 1 {
            TaskKind::Alone
        } else {
            TaskKind::WithinDepartment
        };
        (
            kind,
            member_plans[0].kind.lead().clone(),
            LeadChoice::SingleDepartment,
        )
    } else {
        let by_item = member_plans.iter().flat_map(|p| &p.items).find_map(|item| {
            joint
                .lead_for(item)
                .filter(|d| leads.contains(d))
                .map(|d| (d.clone(), LeadChoice::JointItem { item: item.clone() }))
        });
        let (lead, choice) = by_item.unwrap_or_else(|| {
            let chosen = match config.default_lead {
                LeadRule::FirstPlan => members[0],
                LeadRule::LargestScope => *members
                    .iter()
                    .max_by(|&&a, &&b| {
                        scopes.size[scopes.of_plan[a]]
                            .cmp(&scopes.size[scopes.of_plan[b]])
                            .then_with(|| plans[b].id.cmp(&plans[a].id))
                    })
                    .unwrap_or(&members[0]),
            };
            (
                plans[chosen].kind.lead().clone(),
                LeadChoice::Default {
                    rule: config.default_lead,
                    plan: plans[chosen].id.clone(),
                },
            )
        });
        (TaskKind::AcrossDepartments, lead, choice)
    };
    let others: BTreeSet<&DeptId> = member_plans
        .iter()
        .flat_map(|p| p.kind.departments())
        .filter(|d| *d != &lead)
        .collect();
    let departments = std::iter::once(lead.clone())
        .chain(others.into_iter().cloned())
        .collect();
    let first = member_plans.iter().map(|p| p.window.first).max();
    let last = member_plans.iter().map(|p| p.window.last).min();
    let common_window = first
        .zip(last)
        .map(|(f, l)| Window::new(f, l))
        .filter(|w| !w.is_empty());
    let visit_window =
        common_window.unwrap_or_else(|| widened_meet(&member_plans, config.gap_days));
    JointTask {
        id: TaskId::new(format!("{year}-JT-{:05}", n + 1))
            .expect("a short ASCII id is always valid"),
        plans: member_plans.iter().map(|p| p.id.clone()).collect(),
        kind,
        lead,
        lead_choice,
        departments,
        common_window,
        visit_window,
    }
}

/// The days within `gap` days of every plan's window, clipped to the span of the windows.
///
/// Non-empty when the windows are pairwise within `gap`: a point of every widened window exists
/// by Helly's theorem, and moving it to the nearest end of the span keeps it in every widened
/// window (a window that starts after the span's first day still reaches back to it within the
/// gap, or the point was not in it).
fn widened_meet(plans: &[&Plan], gap: u32) -> Window {
    let gap = chrono::Days::new(u64::from(gap));
    let span_first = plans.iter().map(|p| p.window.first).min();
    let span_last = plans.iter().map(|p| p.window.last).max();
    let (Some(span_first), Some(span_last)) = (span_first, span_last) else {
        return Window::new(NaiveDate::MIN, NaiveDate::MIN);
    };
    let first = plans
        .iter()
        .map(|p| {
            p.window
                .first
                .checked_sub_days(gap)
                .unwrap_or(NaiveDate::MIN)
        })
        .max()
        .unwrap_or(span_first)
        .max(span_first);
    let last = plans
        .iter()
        .map(|p| {
            p.window
                .last
                .checked_add_days(gap)
                .unwrap_or(NaiveDate::MAX)
        })
        .min()
        .unwrap_or(span_last)
        .min(span_last);
    Window::new(first, last)
}
