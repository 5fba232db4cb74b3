//! The demo county's whole 2026 cycle: annual plans of the 27 departments, joint-task merging,
//! target draws, inspector teams, simulated results, follow-ups and publication.
//!
//! Everything is a pure function of the county's constants: the plans are derived from the
//! subject table, the seeds from public entropy and the task ids, and the simulated outcomes
//! from the demo's fixed-key dice. Two calls of [`DemoCounty::year`] are equal.

use super::{
    COUNTY_NAME, DemoCounty, ENTROPY_SOURCE, by_grade, catalog, dept_id, dice::Dice, valid,
};
use crate::assign::{self, Conflict, DepartmentNeed, MatchPolicy, TargetFacts, Team};
use crate::audit::{DrawLog, SeedCommitment};
use crate::calendar::HolidayCalendar;
use crate::ids::{DeptId, ItemId, TaskId};
use crate::joint::{self, MergeConfig, MergeProposal, VisitReport};
use crate::lifecycle::{
    FollowUp, FollowUpKind, FollowUpState, InspectionResult, ResultCode, TargetCheck,
    TargetCheckState, Task, TaskState,
};
use crate::plan::{
    AnnualPlan, Deletion, Plan, PlanError, PlanId, PlanKind, PlanSize, UnplannedCheck, Window,
};
use crate::scope::Scope;
use crate::seed::{Seed, SeedOrigin};
use crate::teams::{self, MatchRequest};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The year of the demo cycle.
pub const YEAR: i32 = 2026;
/// The merging gap of the demo: plans whose windows come within 15 days may merge.
pub const GAP_DAYS: u32 = 15;
/// The public value every task seed of the year is derived from (with the task id).
pub const YEAR_ENTROPY: &str = "07 13 18 22 26 31 + 09";
/// The lottery period of [`YEAR_ENTROPY`].
pub const YEAR_PERIOD: &str = "2026001期";
/// The dice stream of the simulated outcomes.
const YEAR_STREAM: u64 = 3;
/// The reason of the approved deletions.
pub const NO_TARGETS: &str = "本地区无检查对象";

/// One visit of the year with its date, its departments and its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearVisit {
    /// The joint task the visit belongs to.
    pub task: TaskId,
    /// The member plans that drew the target.
    pub plans: Vec<PlanId>,
    /// The visit as matched: id, target, date (a working day in the task's window) and the
    /// departments with their items, the lead department first.
    pub visit: assign::Visit,
    /// The team drawn for it.
    pub team: Team,
}

/// The outcome at one visited target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearResult {
    /// The task.
    pub task: TaskId,
    /// The visit id.
    pub visit: String,
    /// The result, with its publication date.
    pub result: InspectionResult,
    /// The publication deadline: 20 working days after the inspection.
    pub deadline: NaiveDate,
    /// Whether the result was published by the deadline.
    pub on_time: bool,
    /// The disposal of a problem found; `None` when nothing was found.
    pub follow_up: Option<FollowUp>,
    /// The target's own life cycle, drawn to published.
    pub check: TargetCheck,
}

/// The demo county's 2026 cycle, from plans to published results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoYear {
    /// The annual plan: single and joint plans, deletions, unplanned checks. Valid against the
    /// county's item lists.
    pub annual: AnnualPlan,
    /// The merging configuration.
    pub config: MergeConfig,
    /// The joint tasks proposed, with the reason of every merge and non-merge.
    pub proposal: MergeProposal,
    /// The draws of the tasks, with the visits and the savings.
    pub draws: VisitReport,
    /// The recusal declarations (conflicts) used when matching.
    pub conflicts: Vec<Conflict>,
    /// Every visit with its team, tasks in proposal order.
    pub visits: Vec<YearVisit>,
    /// One result per visit, in the order of `visits`.
    pub results: Vec<YearResult>,
    /// Every task's life cycle, ending published.
    pub tasks: Vec<Task>,
    /// The year's draw log: every member plan's draw record, then each task's team record
    /// after its draws, chained.
    pub log: DrawLog,
}

fn day(m: u32, d: u32) -> NaiveDate {
    valid(NaiveDate::from_ymd_opt(YEAR, m, d).ok_or("bad date"))
}

fn plus(date: NaiveDate, n: u64) -> NaiveDate {
    valid(date.checked_add_days(Days::new(n)).ok_or("date overflow"))
}

fn minus(date: NaiveDate, n: u64) -> NaiveDate {
    valid(date.checked_sub_days(Days::new(n)).ok_or("date overflow"))
}

/// The last day of a month of the year.
fn month_end(m: u32) -> NaiveDate {
    if m == 12 {
        day(12, 31)
    } else {
        day(m + 1, 1).pred_opt().unwrap_or(day(m, 28))
    }
}

/// The annual plan of the county, derived from its subject table.
fn annual_plan(joint: &crate::catalog::JointItemList) -> AnnualPlan {
    let subjects = catalog::subjects();
    let mut annual = AnnualPlan::new(YEAR);
    let code = |i: usize| super::tables::DEPARTMENTS[i].0;
    let scope_of = |s: &catalog::Subject| Scope {
        tags_any: s.tag.iter().map(|t| (*t).to_owned()).collect(),
        kinds: s.kinds.iter().copied().collect(),
        ..Scope::default()
    };
    let mut per_dept = [0usize; super::tables::DEPARTMENTS.len()];
    let mut joints = 0usize;
    for (i, s) in subjects.iter().enumerate() {
        let month = 3 + (i % 7) as u32;
        let window = Window::new(day(month, 1), month_end(month + 1));
        let policy = if s.key {
            by_grade(["5%", "10%", "30%", "60%", "10%"])
        } else {
            by_grade(["1%", "2%", "4%", "15%", "2%"])
        };
        per_dept[s.dept] += 1;
        let department = dept_id(s.dept);
        annual.plans.push(Plan {
            id: valid(PlanId::new(format!(
                "{YEAR}-{}-{:02}",
                code(s.dept),
                per_dept[s.dept]
            ))),
            name: format!(
                "{} {YEAR}年{}随机抽查",
                super::tables::DEPARTMENTS[s.dept].1,
                s.domain
            ),
            year: YEAR,
            kind: PlanKind::Single {
                department: department.clone(),
            },
            items: s.items.clone(),
            scope: scope_of(s),
            size: PlanSize::Policy(Box::new(policy.clone())),
            window,
            frequency_per_year: 1,
            due: Some(day(11, 30)),
        });
        // Every third subject with partners on the joint list is also checked jointly.
        let partners: Vec<usize> = s
            .partners
            .iter()
            .copied()
            .filter(|&p| {
                p != s.dept
                    && !joint
                        .joint_items_between(&department, &dept_id(p))
                        .is_empty()
            })
            .collect();
        if !partners.is_empty() && i % 3 == 0 {
            joints += 1;
            let participants: Vec<DeptId> = partners.iter().map(|&p| dept_id(p)).collect();
            let mut items = s.items.clone();
            for &p in &partners {
                if let Some(other) = subjects.iter().find(|o| o.dept == p) {
                    items.extend(other.items.iter().take(1).cloned());
                }
            }
            let names: Vec<&str> = partners
                .iter()
                .map(|&p| super::tables::DEPARTMENTS[p].1)
                .collect();
            annual.plans.push(Plan {
                id: valid(PlanId::new(format!("{YEAR}-LH-{joints:02}"))),
                name: format!(
                    "{}牵头、{}配合 {YEAR}年{}部门联合抽查",
                    super::tables::DEPARTMENTS[s.dept].1,
                    names.join("、"),
                    s.domain
                ),
                year: YEAR,
                kind: PlanKind::Joint {
                    lead: department,
                    participants,
                },
                items,
                scope: scope_of(s),
                size: PlanSize::Policy(Box::new(policy)),
                window,
                frequency_per_year: 1,
                due: Some(day(11, 30)),
            });
        }
    }
    // Two town-level plans for a development zone where nothing is registered yet: deleted
    // with approval.
    for (n, s) in subjects
        .iter()
        .filter(|s| s.tag.is_some())
        .take(2)
        .enumerate()
    {
        let id = valid(PlanId::new(format!("{YEAR}-{}-KFQ{}", code(s.dept), n + 1)));
        annual.plans.push(Plan {
            id: id.clone(),
            name: format!(
                "{} {YEAR}年临空经济区{}专项抽查",
                super::tables::DEPARTMENTS[s.dept].1,
                s.domain
            ),
            year: YEAR,
            kind: PlanKind::Single {
                department: dept_id(s.dept),
            },
            items: s.items.clone(),
            scope: Scope {
                regions: BTreeSet::from(["420281499".to_owned()]),
                ..scope_of(s)
            },
            size: PlanSize::Count { total: 5 },
            window: Window::new(day(6, 1), day(7, 31)),
            frequency_per_year: 1,
            due: None,
        });
        annual.deletions.push(Deletion {
            plan: id,
            reason: format!("{NO_TARGETS}（临空经济区 420281499 尚无登记的市场主体）"),
            approved_by: format!("{COUNTY_NAME}双随机一公开监管工作联席会议办公室"),
            date: day(3, 20),
        });
    }
    annual
}

/// The county's first step with the pool: every plan the pool gives no eligible target is
/// deleted with the joint meeting's approval (“本地区无检查对象”), as reports list them.
fn delete_empty_plans(annual: &mut AnnualPlan, pool: &crate::target::FrozenPool) {
    let Err(errors) = annual.check_pool(pool) else {
        return;
    };
    for e in errors.into_errors() {
        if let PlanError::NoEligibleTargets { plan, .. } = e {
            annual.deletions.push(Deletion {
                plan,
                reason: format!("{NO_TARGETS}（主体库中无该类检查对象）"),
                approved_by: format!("{COUNTY_NAME}双随机一公开监管工作联席会议办公室"),
                date: day(3, 20),
            });
        }
    }
}

/// The two unplanned checks (complaint-driven), on targets of the pool.
fn unplanned(annual: &mut AnnualPlan, pool: &crate::target::FrozenPool, county: &DemoCounty) {
    let food = county
        .items
        .items_of(&dept_id(0))
        .next()
        .map(|i| i.id.clone());
    for (n, (t, date)) in [
        (pool.target_id(17), day(4, 14)),
        (pool.target_id(4242), day(9, 3)),
    ]
    .into_iter()
    .enumerate()
    {
        annual.unplanned.push(UnplannedCheck {
            id: format!("{YEAR}-SC-JB-{:03}", n + 1),
            department: dept_id(0),
            items: food.iter().cloned().collect(),
            date,
            reason: "投诉举报核查（计划外检查，不计入随机抽查）".into(),
            targets: vec![t],
        });
    }
}

/// Where the year's task seeds come from: [`YEAR_ENTROPY`] as published for [`YEAR_PERIOD`].
pub fn seed_origin() -> SeedOrigin {
    SeedOrigin::PublicEntropy {
        source: format!("{ENTROPY_SOURCE} {YEAR_PERIOD}"),
        value: YEAR_ENTROPY.into(),
    }
}

/// The seed of a task: public entropy plus the task id.
pub fn task_seed(task: &TaskId) -> Seed {
    Seed::from_public_entropy(
        &format!("{ENTROPY_SOURCE} {YEAR_PERIOD}"),
        YEAR_ENTROPY,
        task,
    )
}

/// The first working day at or after `from` inside `w`, else the last before it.
fn working_day(cal: &HolidayCalendar, w: &Window, from: NaiveDate) -> NaiveDate {
    let ok = |d: NaiveDate| valid(cal.is_working_day(d));
    let mut d = from;
    while d <= w.last {
        if ok(d) {
            return d;
        }
        d = plus(d, 1);
    }
    let mut d = from;
    while d >= w.first {
        if ok(d) {
            return d;
        }
        d = minus(d, 1);
    }
    w.first
}

fn add_wd(cal: &HolidayCalendar, d: NaiveDate, n: u32) -> NaiveDate {
    valid(cal.add_working_days(d, n))
}

impl DemoCounty {
    /// The county's whole 2026 cycle; see [`DemoYear`]. Deterministic.
    pub fn year(&self) -> DemoYear {
        let cal = HolidayCalendar::china();
        let pool = self.targets.freeze();
        let inspectors = self.inspectors.freeze();
        let mut annual = annual_plan(&self.joint_items);
        unplanned(&mut annual, &pool, self);
        valid(annual.validate(&self.items, &self.joint_items));
        delete_empty_plans(&mut annual, &pool);
        valid(annual.check_pool(&pool));

        let config = MergeConfig {
            gap_days: GAP_DAYS,
            ..MergeConfig::default()
        };
        let proposal = joint::propose(&annual, &self.joint_items, &pool, &config);
        // Every member plan's draw goes into the year's log, seeded from public entropy.
        let mut log = DrawLog::new();
        let mut drawn_tasks = Vec::with_capacity(proposal.tasks.len());
        // Announced (and published) before the year's lottery value exists.
        let source = SeedCommitment::PublicEntropy {
            source: format!("{ENTROPY_SOURCE} {YEAR_PERIOD}"),
        };
        for jt in &proposal.tasks {
            valid(log.announce(jt.announcement(&pool, source.clone())));
            let (drawn, records) = valid(joint::draw_task_recorded(
                jt,
                &annual,
                &pool,
                &task_seed(&jt.id),
                &seed_origin(),
            ));
            for r in records {
                valid(log.append(r));
            }
            drawn_tasks.push(drawn);
        }
        let draws = VisitReport {
            without_merging: drawn_tasks.iter().map(|t| t.without_merging).sum(),
            with_merging: drawn_tasks.iter().map(|t| t.with_merging).sum(),
            tasks: drawn_tasks,
        };

        let mut dice = Dice::new(YEAR_STREAM);
        let mut visits = Vec::new();
        let mut results = Vec::new();
        let mut tasks = Vec::new();
        // Declared conflicts (a lead-department officer related to the owner of the first
        // target of every seventh task); facts about people, so they hold in every task.
        let conflicts: Vec<Conflict> = proposal
            .tasks
            .iter()
            .zip(&draws.tasks)
            .filter(|(_, d)| !d.visits.is_empty())
            .step_by(7)
            .filter_map(|(jt, d)| {
                let p = inspectors
                    .entries()
                    .iter()
                    .find(|p| !p.expert && p.department == jt.lead)?;
                Some(Conflict {
                    inspector: p.id.clone(),
                    target: d.visits[0].target.clone(),
                    reason: "近亲属在该企业任职（本人申报回避）".into(),
                })
            })
            .collect();
        // Each task is matched with its own seed; the workload carries over, so the year's
        // visits are spread evenly over the inspectors, not just each task's.
        let mut policy = MatchPolicy {
            conflicts: conflicts.clone(),
            ..MatchPolicy::default()
        };
        for (jt, drawn) in proposal.tasks.iter().zip(&draws.tasks) {
            if drawn.visits.is_empty() {
                continue;
            }
            let mut planned = Vec::with_capacity(drawn.visits.len());
            let mut facts = BTreeMap::new();
            for (n, v) in drawn.visits.iter().enumerate() {
                // A target drawn by one plan is visited within that plan's window; one drawn
                // by several, within the task's visit window, which suits every member.
                let w = match v.plans.as_slice() {
                    [only] => annual.plan(only).map_or(jt.visit_window, |p| p.window),
                    _ => jt.visit_window,
                };
                let span = (w.last - w.first).num_days().max(0) as usize + 1;
                let date = working_day(&cal, &w, plus(w.first, dice.below(span) as u64));
                let mut by_dept: BTreeMap<DeptId, Vec<ItemId>> = BTreeMap::new();
                for item in &v.items {
                    let owner = self
                        .items
                        .get(item)
                        .map_or(jt.lead.clone(), |i| i.department.clone());
                    by_dept.entry(owner).or_default().push(item.clone());
                }
                let mut needs = Vec::new();
                if let Some(items) = by_dept.remove(&jt.lead) {
                    needs.push(DepartmentNeed {
                        department: jt.lead.clone(),
                        items,
                    });
                }
                needs.extend(
                    by_dept
                        .into_iter()
                        .map(|(department, items)| DepartmentNeed { department, items }),
                );
                if let Some(t) = pool.get(&v.target) {
                    facts.insert(v.target.clone(), TargetFacts::of(&t));
                }
                planned.push((
                    v.plans.clone(),
                    assign::Visit {
                        id: format!("{}-V{:04}", jt.id, n + 1),
                        target: v.target.clone(),
                        date,
                        needs,
                    },
                ));
            }
            // The teams, matched with the task's own seed and logged after its draws.
            let request = MatchRequest {
                task_id: jt.id.clone(),
                seed: drawn.seed,
                seed_origin: seed_origin(),
                policy: policy.clone(),
                visits: planned.iter().map(|(_, v)| v.clone()).collect(),
                targets: facts,
            };
            let record = valid(teams::matching(&inspectors, &request));
            policy.prior_workload = record.workload.clone();
            let teams = record.teams.clone();
            valid(log.append_teams(record));
            let team_of: BTreeMap<&str, &Team> =
                teams.iter().map(|t| (t.visit.as_str(), t)).collect();

            let earliest = planned
                .iter()
                .map(|(_, v)| v.date)
                .min()
                .unwrap_or(jt.visit_window.first);
            let drawn_on = minus(earliest, 7);
            let mut task = Task::new(jt.id.clone(), minus(drawn_on, 7));
            valid(task.transition(TaskState::TargetsDrawn, drawn_on));
            valid(task.transition(TaskState::InspectorsMatched, plus(drawn_on, 2)));
            let mut first_visit = earliest;
            let mut last_entered = earliest;
            let mut last_published = earliest;
            for (plans, v) in planned {
                let team = team_of.get(v.id.as_str()).map(|t| (*t).clone());
                let team = valid(team.ok_or("a visit without a team"));
                let r = dice.below(1000);
                let codes: Vec<ResultCode> = if r < 110 {
                    vec![ResultCode::ProblemOrderedToCorrect]
                } else if r < 130 {
                    vec![ResultCode::ProblemFollowUpPending]
                } else if r < 145 {
                    vec![
                        ResultCode::InformationNotPublished,
                        ResultCode::ProblemOrderedToCorrect,
                    ]
                } else if r < 160 {
                    vec![ResultCode::UnreachableAtRegisteredAddress]
                } else {
                    vec![ResultCode::NoProblemFound]
                };
                let mobile = dice.below(10) != 0;
                let entered = add_wd(
                    &cal,
                    v.date,
                    if mobile { 0 } else { 1 + dice.below(3) as u32 },
                );
                let deadline = valid(cal.publication_deadline(v.date));
                let published = if dice.below(100) < 6 {
                    add_wd(&cal, deadline, 1 + dice.below(6) as u32)
                } else {
                    add_wd(&cal, entered, 2 + dice.below(12) as u32)
                        .min(deadline)
                        .max(entered)
                };
                let mut result = valid(InspectionResult::new(
                    v.target.clone(),
                    codes,
                    v.date,
                    entered,
                    mobile,
                ));
                result.published_on = Some(published);
                let follow_up = result.has_problem().then(|| {
                    let kind = if dice.below(10) == 0 {
                        FollowUpKind::CaseTransferred
                    } else {
                        FollowUpKind::Rectified
                    };
                    let mut f = FollowUp::open(v.target.clone(), kind, v.date);
                    if dice.below(10) < 8 {
                        valid(f.close(plus(v.date, 10 + dice.below(30) as u64)));
                    }
                    f
                });
                let mut check = TargetCheck::new(jt.id.clone(), v.target.clone(), drawn_on);
                valid(check.transition(TargetCheckState::Inspected, v.date));
                valid(check.transition(TargetCheckState::ResultEntered, entered));
                valid(
                    check.transition(TargetCheckState::Reviewed, entered.max(minus(published, 1))),
                );
                valid(check.transition(TargetCheckState::Published, published));
                first_visit = first_visit.min(v.date);
                last_entered = last_entered.max(entered);
                last_published = last_published.max(published);
                results.push(YearResult {
                    task: jt.id.clone(),
                    visit: v.id.clone(),
                    on_time: published <= deadline,
                    deadline,
                    result,
                    follow_up,
                    check,
                });
                visits.push(YearVisit {
                    task: jt.id.clone(),
                    plans,
                    visit: v,
                    team,
                });
            }
            valid(task.transition(TaskState::InProgress, first_visit));
            valid(task.transition(TaskState::ResultsEntered, last_entered));
            valid(task.transition(
                TaskState::Reviewed,
                last_entered.max(minus(last_published, 1)),
            ));
            valid(task.transition(TaskState::Published, last_published));
            tasks.push(task);
        }
        DemoYear {
            annual,
            config,
            proposal,
            draws,
            conflicts,
            visits,
            results,
            tasks,
            log,
        }
    }
}

/// The year's figures, as the CLI prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    /// Active single-department plans.
    pub single: usize,
    /// Active joint plans.
    pub joint: usize,
    /// Approved deletions.
    pub deleted: usize,
    /// Unplanned checks.
    pub unplanned: usize,
    /// Tasks of the proposal.
    pub tasks: usize,
    /// Tasks holding more than one plan.
    pub merged_tasks: usize,
    /// Visits if every plan went alone.
    pub without_merging: u64,
    /// Visits made.
    pub with_merging: u64,
    /// Teams formed (one per visit).
    pub teams: usize,
    /// Inspectors who served at least once.
    pub inspectors: usize,
    /// Results with a problem found.
    pub problems: usize,
    /// Follow-ups opened.
    pub follow_ups: usize,
    /// Follow-ups closed.
    pub follow_ups_closed: usize,
    /// Results entered on mobile.
    pub mobile: usize,
    /// Results published by the deadline.
    pub on_time: usize,
    /// Results published after it.
    pub late: usize,
}

impl DemoYear {
    /// The figures of the year.
    pub fn summary(&self) -> YearSummary {
        let active: Vec<&Plan> = self.annual.active_plans().collect();
        let follow_ups: Vec<&FollowUp> = self
            .results
            .iter()
            .filter_map(|r| r.follow_up.as_ref())
            .collect();
        let served: BTreeSet<_> = self
            .visits
            .iter()
            .flat_map(|v| v.team.members.iter().map(|(p, _)| p).chain(&v.team.experts))
            .collect();
        let on_time = self.results.iter().filter(|r| r.on_time).count();
        YearSummary {
            single: active.iter().filter(|p| !p.kind.is_joint()).count(),
            joint: active.iter().filter(|p| p.kind.is_joint()).count(),
            deleted: self.annual.deletions.len(),
            unplanned: self.annual.unplanned.len(),
            tasks: self.proposal.tasks.len(),
            merged_tasks: self
                .proposal
                .tasks
                .iter()
                .filter(|t| t.plans.len() > 1)
                .count(),
            without_merging: self.draws.without_merging,
            with_merging: self.draws.with_merging,
            teams: self.visits.len(),
            inspectors: served.len(),
            problems: self
                .results
                .iter()
                .filter(|r| r.result.has_problem())
                .count(),
            follow_ups: follow_ups.len(),
            follow_ups_closed: follow_ups
                .iter()
                .filter(|f| f.state == FollowUpState::Closed)
                .count(),
            mobile: self.results.iter().filter(|r| r.result.mobile).count(),
            on_time,
            late: self.results.len() - on_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_deterministic_and_consistent() {
        let county = DemoCounty::build();
        let year = county.year();
        assert_eq!(year, county.year());
        let s = year.summary();
        eprintln!("{s:?}");
        // Plans of all 27 departments, valid against the item lists.
        assert_eq!(year.annual.departments().len(), 27);
        assert!(
            year.annual
                .validate(&county.items, &county.joint_items)
                .is_ok()
        );
        assert!(s.joint > 0 && s.deleted > 2 && s.unplanned == 2);
        // Every plan's coverage met; merging never adds visits.
        for t in &year.draws.tasks {
            assert!(t.with_merging <= t.without_merging);
            for c in &t.coverage {
                assert_eq!(c.visited, c.required, "{}", c.plan);
            }
        }
        assert!(year.draws.with_merging < year.draws.without_merging);
        assert_eq!(year.visits.len() as u64, year.draws.with_merging);
        // Every team valid: at least two, one per department, leader of the lead department,
        // no declared conflict, date a working day in the task's window.
        let cal = HolidayCalendar::china();
        let inspectors = county.inspectors.freeze();
        for v in &year.visits {
            let team = &v.team;
            assert!(team.members.len() >= 2);
            for need in &v.visit.needs {
                assert!(team.members.iter().any(|(_, d)| d == &need.department));
            }
            assert_eq!(team.leader, team.members[0].0);
            assert_eq!(team.members[0].1, v.visit.needs[0].department);
            let ids: BTreeSet<_> = team.members.iter().map(|(p, _)| p).collect();
            assert_eq!(ids.len(), team.members.len());
            for (p, d) in &team.members {
                let p = inspectors.get(p).expect("a pool inspector");
                assert!(p.active && p.certified_on(v.visit.date) && &p.department == d);
            }
            assert!(!year.conflicts.iter().any(|c| c.target == v.visit.target
                && team.members.iter().any(|(p, _)| p == &c.inspector)));
            assert!(cal.is_working_day(v.visit.date).unwrap());
            let task = year.proposal.tasks.iter().find(|t| t.id == v.task).unwrap();
            let window = match v.plans.as_slice() {
                [only] => year.annual.plan(only).unwrap().window,
                _ => task.visit_window,
            };
            assert!(window.contains(v.visit.date));
            for p in &v.plans {
                let own = year.annual.plan(p).unwrap().window;
                let day = Window::new(v.visit.date, v.visit.date);
                assert!(own.distance_days(&day).unwrap() <= u64::from(GAP_DAYS));
            }
        }
        // Results: a realistic problem rate, mostly mobile, mostly on time; every problem has
        // its follow-up; every task published.
        let n = year.results.len();
        assert!(
            s.problems * 100 > n * 8 && s.problems * 100 < n * 25,
            "{s:?}"
        );
        assert!(s.mobile * 100 > n * 80);
        assert!(s.late > 0 && s.on_time > s.late * 5);
        for r in &year.results {
            crate::lifecycle::check_follow_up(&r.result, r.follow_up.as_ref()).unwrap();
            assert_eq!(r.check.state(), TargetCheckState::Published);
        }
        assert!(year.tasks.iter().all(|t| t.state() == TaskState::Published));
        // The log: chained, one draw per member plan, one teams entry per task with visits,
        // every record reproducing from the pools.
        year.log.verify_chain().unwrap();
        let inspectors = county.inspectors.freeze();
        let pool = county.targets.freeze();
        let plans: usize = year.proposal.tasks.iter().map(|t| t.plans.len()).sum();
        let draws = year
            .log
            .entries()
            .iter()
            .filter(|e| e.kind.is_draw())
            .count();
        assert_eq!(draws, plans);
        let announced = year
            .log
            .entries()
            .iter()
            .filter(|e| e.record.as_announcement().is_some())
            .count();
        assert_eq!(announced, year.proposal.tasks.len());
        assert_eq!(
            year.log.entries().len() - draws - announced,
            year.tasks.len()
        );
        for e in year.log.entries() {
            match &e.record {
                crate::audit::Logged::Announce(a) => assert_eq!(a.pool.digest, pool.digest()),
                crate::audit::Logged::Draw(r) => assert!(crate::record::verify(r, &pool).is_ok()),
                crate::audit::Logged::Teams(r) => {
                    assert!(crate::teams::verify(r, &inspectors).is_ok());
                    let mine: Vec<&Team> = year
                        .visits
                        .iter()
                        .filter(|v| v.task == r.request.task_id)
                        .map(|v| &v.team)
                        .collect();
                    assert_eq!(mine.len(), r.teams.len());
                    assert!(r.teams.iter().all(|t| mine.contains(&t)));
                }
            }
        }
        // The deleted plans really have no targets, and every other plan can be drawn.
        let pool = county.targets.freeze();
        assert_eq!(year.annual.check_pool(&pool), Ok(()));
        for d in &year.annual.deletions {
            let plan = year.annual.plan(&d.plan).unwrap();
            assert!(!pool.iter().any(|t| plan.scope.matches(&t.to_target())));
        }
    }
}
