//! The KPI computation: counts per department and period in single passes, then rates.
//!
//! Every count is attributed to one department and one period bucket (the four quarters of
//! the year and “outside the year”), so that a total is always the sum of its parts: tasks,
//! drawn targets and results count for the task's lead department, participations for the
//! participant; tasks and drawn targets fall in the quarter of the task's launch, results in
//! the quarter of the inspection. Plans and items have no date and count in the year only.

use super::assess::Assessment;
use super::estimate::Observation;
use super::input::{Head, KpiInput, PlanKindFlag, bucket};
use super::rate::Rate;
use super::report::{
    AnnexRow, DepartmentReport, Findings, KpiConfig, KpiReport, Kpis, LatePublication, Note,
    Period, PeriodKpis, TotalReport, UnplannedFinding, YearEnd,
};
use super::{KpiError, Table, line_of};
use crate::calendar::HolidayCalendar;
use crate::risk::Stratum;
use chrono::{Datelike, NaiveDate};

mod fast;

#[cfg(test)]
pub(crate) use fast::compute as fast_compute;
pub(crate) use fast::validate as fast_validate;

/// The number of period buckets: four quarters and “outside the year”.
pub(crate) const BUCKETS: usize = 5;

/// Additive counts of one department in one bucket.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) tasks_single_all: u64,
    pub(crate) tasks_joint_all: u64,
    pub(crate) tasks: u64,
    pub(crate) joint_tasks: u64,
    pub(crate) graded_tasks: u64,
    pub(crate) participated: u64,
    pub(crate) took_part: bool,
    pub(crate) unplanned_tasks: u64,
    pub(crate) drawn: u64,
    pub(crate) drawn_joint: u64,
    pub(crate) inspected: u64,
    pub(crate) inspected_published: u64,
    pub(crate) problems: u64,
    pub(crate) problems_closed: u64,
    pub(crate) mobile: u64,
    pub(crate) published: u64,
    pub(crate) on_time: u64,
    pub(crate) december: u64,
    pub(crate) due: u64,
    pub(crate) done_by_due: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, o: &Counts) {
        self.tasks_single_all += o.tasks_single_all;
        self.tasks_joint_all += o.tasks_joint_all;
        self.tasks += o.tasks;
        self.joint_tasks += o.joint_tasks;
        self.graded_tasks += o.graded_tasks;
        self.participated += o.participated;
        self.took_part |= o.took_part;
        self.unplanned_tasks += o.unplanned_tasks;
        self.drawn += o.drawn;
        self.drawn_joint += o.drawn_joint;
        self.inspected += o.inspected;
        self.inspected_published += o.inspected_published;
        self.problems += o.problems;
        self.problems_closed += o.problems_closed;
        self.mobile += o.mobile;
        self.published += o.published;
        self.on_time += o.on_time;
        self.december += o.december;
        self.due += o.due;
        self.done_by_due += o.done_by_due;
    }
}

/// The year-only counts of one department.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlanCounts {
    single: u64,
    joint: u64,
    special: u64,
    deleted: Vec<String>,
    active: u64,
    done: u64,
    items: u64,
    items_used: u64,
    unplanned_rows: u64,
}

impl KpiReport {
    /// Computes the whole report with China's working-day calendar
    /// ([`HolidayCalendar::china`]).
    ///
    /// # Errors
    ///
    /// Every error of [`KpiInput::validate`]; [`KpiError::Calendar`] for a result whose
    /// publication deadline falls outside the calendar; [`KpiError::Config`] for a bad
    /// assessment configuration.
    pub fn compute(input: &KpiInput, config: &KpiConfig) -> Result<KpiReport, KpiError> {
        Self::compute_with_calendar(input, config, &HolidayCalendar::china())
    }

    /// As [`KpiReport::compute`], with another calendar.
    ///
    /// # Errors
    ///
    /// As [`KpiReport::compute`].
    pub fn compute_with_calendar(
        input: &KpiInput,
        config: &KpiConfig,
        calendar: &HolidayCalendar,
    ) -> Result<KpiReport, KpiError> {
        config.assessment.check()?;
        if let Some(report) = fast::compute(input, config, calendar) {
            return Ok(report);
        }
        Self::compute_reference(input, config, calendar)
    }

    /// The sequential computation, which names the first error of an input: the reference
    /// for the fast path (`super::fast`), which falls back to it on any error.
    pub(crate) fn compute_reference(
        input: &KpiInput,
        config: &KpiConfig,
        calendar: &HolidayCalendar,
    ) -> Result<KpiReport, KpiError> {
        let c = input.check()?;
        let year = input.year;
        let HeadCounts {
            mut counts,
            plan_counts,
            mut findings,
            task_bucket,
        } = head_counts(input, &c.head, &c.unplanned_dept, config);
        // Drawn targets.
        for &k in &c.drawn_task {
            let n = &mut counts[c.head.task_lead[k as usize] as usize * BUCKETS
                + task_bucket[k as usize] as usize];
            n.drawn += 1;
            n.drawn_joint += u64::from(input.tasks[k as usize].joint);
        }

        // Results: the hot loop; no allocation but for the late ones listed.
        let mut deadlines: super::hash::FxMap<NaiveDate, NaiveDate> =
            super::hash::map_with_capacity(512);
        let mut last_deadline: (Option<NaiveDate>, NaiveDate) = (None, NaiveDate::MIN);
        let mut observations = Vec::new();
        let mut problem_of_drawn = vec![None; input.drawn.len()];
        for (i, r) in input.results.iter().enumerate() {
            let d = c.result_drawn[i] as usize;
            let task = c.drawn_task[d] as usize;
            let dept = c.head.task_lead[task] as usize;
            let b = bucket(year, r.inspected_on);
            let n = &mut counts[dept * BUCKETS + b];
            n.inspected += 1;
            let problem = r.codes.has_problem();
            problem_of_drawn[d] = Some(problem);
            if problem {
                n.problems += 1;
                let closed = c.result_follow_up[i]
                    .is_some_and(|f| input.follow_ups[f as usize].closed_on.is_some());
                n.problems_closed += u64::from(closed);
            }
            n.mobile += u64::from(r.mobile);
            if b == 3 && r.inspected_on.month() == 12 {
                n.december += 1;
            }
            match r.published_on {
                None => {
                    findings.unpublished += 1;
                    if let Some(today) = config.as_of {
                        let deadline =
                            calendar
                                .publication_deadline(r.inspected_on)
                                .map_err(|source| KpiError::Calendar {
                                    table: Table::Results,
                                    line: line_of(i),
                                    source,
                                })?;
                        findings.overdue_unpublished += u64::from(today > deadline);
                    }
                }
                Some(p) => {
                    n.published += 1;
                    n.inspected_published += 1;
                    let deadline = if last_deadline.0 == Some(r.inspected_on) {
                        last_deadline.1
                    } else {
                        let d = match deadlines.get(&r.inspected_on) {
                            Some(&d) => d,
                            None => {
                                let d = calendar.publication_deadline(r.inspected_on).map_err(
                                    |source| KpiError::Calendar {
                                        table: Table::Results,
                                        line: line_of(i),
                                        source,
                                    },
                                )?;
                                deadlines.insert(r.inspected_on, d);
                                d
                            }
                        };
                        last_deadline = (Some(r.inspected_on), d);
                        d
                    };
                    if p <= deadline {
                        n.on_time += 1;
                    } else {
                        findings.late_publications += 1;
                        if findings.late_listed.len() < config.max_listed {
                            findings.late_listed.push(LatePublication {
                                department: input.tasks[task].lead.clone(),
                                task: r.task.clone(),
                                target: r.target.clone(),
                                inspected_on: r.inspected_on,
                                deadline,
                                published_on: p,
                            });
                        }
                    }
                }
            }
        }
        let mut without_probability = 0;
        let mut not_inspected = 0;
        for (d, row) in input.drawn.iter().enumerate() {
            match (row.inclusion_probability, problem_of_drawn[d]) {
                (None, _) => without_probability += 1,
                (Some(_), None) => not_inspected += 1,
                (Some(p), Some(problem)) => observations.push(Observation {
                    stratum: row.stratum.unwrap_or(Stratum::Ungraded),
                    inclusion_probability: p,
                    problem,
                }),
            }
        }
        let mut estimate = super::estimate::hajek(observations);
        estimate.without_probability = without_probability;
        estimate.not_inspected = not_inspected;

        Ok(finish(
            input,
            config,
            counts,
            plan_counts,
            findings,
            estimate,
        ))
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The counts of the small tables (plans, items, unplanned checks, tasks) and the findings
/// they give, shared by the reference and the fast path.
pub(crate) struct HeadCounts {
    pub(crate) counts: Vec<Counts>,
    pub(crate) plan_counts: Vec<PlanCounts>,
    pub(crate) findings: Findings,
    pub(crate) task_bucket: Vec<u8>,
}

pub(crate) fn head_counts(
    input: &KpiInput,
    head: &Head<'_>,
    unplanned_dept: &[u32],
    config: &KpiConfig,
) -> HeadCounts {
    let nd = input.departments.len();
    let year = input.year;
    let mut counts = vec![Counts::default(); nd * BUCKETS];
    let mut plan_counts = vec![PlanCounts::default(); nd];
    let mut findings = Findings {
        unplanned: Vec::new(),
        year_end: Vec::new(),
        no_joint_led: Vec::new(),
        zero_problems: Vec::new(),
        late_publications: 0,
        late_listed: Vec::new(),
        unpublished: 0,
        overdue_unpublished: 0,
    };

    // Plans and items: the year only.
    let mut item_used = vec![false; input.items.len()];
    for (k, p) in input.plans.iter().enumerate() {
        let pc = &mut plan_counts[head.plan_dept[k] as usize];
        if p.special {
            pc.special += 1;
            continue;
        }
        match p.kind {
            PlanKindFlag::Single => pc.single += 1,
            PlanKindFlag::Joint => pc.joint += 1,
        }
        if p.deleted {
            pc.deleted.push(p.deletion_reason.clone());
            continue;
        }
        pc.active += 1;
        pc.done += u64::from(head.plan_done[k]);
        for &it in &head.plan_items[k] {
            item_used[it as usize] = true;
        }
    }
    for (k, &d) in head.item_dept.iter().enumerate() {
        let pc = &mut plan_counts[d as usize];
        pc.items += 1;
        pc.items_used += u64::from(item_used[k]);
    }
    for (k, u) in input.unplanned.iter().enumerate() {
        let d = unplanned_dept[k] as usize;
        plan_counts[d].unplanned_rows += 1;
        findings.unplanned.push(UnplannedFinding {
            department: u.department.clone(),
            id: u.id.clone(),
            source: Table::Unplanned,
            date: u.date,
        });
    }

    // Tasks.
    let mut task_bucket = Vec::with_capacity(input.tasks.len());
    for (k, t) in input.tasks.iter().enumerate() {
        let b = bucket(year, t.created_on);
        task_bucket.push(b as u8);
        let lead = head.task_lead[k] as usize;
        let n = &mut counts[lead * BUCKETS + b];
        if t.joint {
            n.tasks_joint_all += 1;
            n.took_part = true;
        } else {
            n.tasks_single_all += 1;
        }
        if !head.task_special[k] {
            n.tasks += 1;
            n.joint_tasks += u64::from(t.joint);
            n.graded_tasks += u64::from(t.graded);
        }
        if t.plans.is_empty() {
            n.unplanned_tasks += 1;
            findings.unplanned.push(UnplannedFinding {
                department: t.lead.clone(),
                id: t.id.to_string(),
                source: Table::Tasks,
                date: t.created_on,
            });
        }
        if let Some(due) = t.due_on {
            let due_now = config.as_of.is_none_or(|a| due <= a) || t.completed_on.is_some();
            if due_now {
                n.due += 1;
                n.done_by_due += u64::from(t.completed_on.is_some_and(|d| d <= due));
            }
        }
        for &p in &head.task_participants[k] {
            let n = &mut counts[p as usize * BUCKETS + b];
            n.participated += 1;
            n.took_part = true;
        }
    }

    HeadCounts {
        counts,
        plan_counts,
        findings,
        task_bucket,
    }
}

/// The rates, Annex 1, the per-department findings and the assessment from the counts.
pub(crate) fn finish(
    input: &KpiInput,
    config: &KpiConfig,
    counts: Vec<Counts>,
    plan_counts: Vec<PlanCounts>,
    mut findings: Findings,
    estimate: super::estimate::Estimate,
) -> KpiReport {
    let nd = input.departments.len();
    let year = input.year;
    // Rates.
    let member = nd as u64;
    let mut departments = Vec::with_capacity(nd);
    let mut total_annex = AnnexRow::default();
    let mut total_buckets = [Counts::default(); BUCKETS];
    let mut took_part = [0u64; BUCKETS + 1];
    let mut total_plans = PlanCounts::default();
    for (k, dept) in input.departments.iter().enumerate() {
        let b = &counts[k * BUCKETS..(k + 1) * BUCKETS];
        let mut year_counts = Counts::default();
        for (i, x) in b.iter().enumerate() {
            year_counts.add(x);
            total_buckets[i].add(x);
            took_part[i] += u64::from(x.took_part);
        }
        took_part[BUCKETS] += u64::from(year_counts.took_part);
        let pc = &plan_counts[k];
        total_plans.single += pc.single;
        total_plans.joint += pc.joint;
        total_plans.active += pc.active;
        total_plans.done += pc.done;
        total_plans.items += pc.items;
        total_plans.items_used += pc.items_used;
        let mut periods = Vec::with_capacity(5);
        for (i, p) in Period::ALL.iter().enumerate() {
            let (n, part, plans) = if *p == Period::Year {
                (&year_counts, year_counts.took_part, Some(pc))
            } else {
                (&b[i], b[i].took_part, None)
            };
            periods.push(PeriodKpis {
                period: *p,
                kpis: kpis(n, Rate::new(u64::from(part), 1), plans),
            });
        }
        let annex = annex_row(&year_counts, pc);
        add_annex(&mut total_annex, &annex);
        let y = &year_counts;
        if y.tasks_joint_all == 0 {
            findings.no_joint_led.push(dept.id.clone());
        }
        if y.inspected > 0 && y.problems == 0 {
            findings.zero_problems.push(dept.id.clone());
        }
        let in_year: u64 = b[..4].iter().map(|x| x.inspected).sum();
        if in_year > 0 {
            let q4 = Rate::new(b[3].inspected, in_year);
            let december = Rate::new(b[3].december, in_year);
            let flagged = q4.value().unwrap_or(0.0) > config.year_end.q4_share_above
                || december.value().unwrap_or(0.0) > config.year_end.december_share_above;
            findings.year_end.push(YearEnd {
                department: dept.id.clone(),
                q4,
                december,
                flagged,
            });
        }
        departments.push(DepartmentReport {
            id: dept.id.clone(),
            name: dept.name.clone(),
            annex,
            periods,
        });
    }
    let mut year_total = Counts::default();
    for x in &total_buckets {
        year_total.add(x);
    }
    let mut periods = Vec::with_capacity(5);
    for (i, p) in Period::ALL.iter().enumerate() {
        let (n, plans) = if *p == Period::Year {
            (&year_total, Some(&total_plans))
        } else {
            (&total_buckets[i], None)
        };
        periods.push(PeriodKpis {
            period: *p,
            kpis: kpis(n, Rate::new(took_part[i.min(BUCKETS)], member), plans),
        });
    }
    // The year's participation counts departments, not the sum of quarters.
    if let Some(last) = periods.last_mut() {
        last.kpis.participation = Rate::new(took_part[BUCKETS], member);
    }
    let total = TotalReport {
        annex: total_annex,
        periods,
    };
    let mut report = KpiReport {
        year,
        departments,
        total,
        findings,
        estimate,
        assessment: Assessment::default(),
    };
    report.assessment = config.assessment.assess(&report);
    report
}

fn kpis(n: &Counts, participation: Rate, plans: Option<&PlanCounts>) -> Kpis {
    let (joint_plan_share, plan_fulfilment, item_coverage) = match plans {
        Some(p) => (
            Rate::new(p.joint, p.single + p.joint),
            Rate::new(p.done, p.active),
            Rate::new(p.items_used, p.items),
        ),
        None => Default::default(),
    };
    Kpis {
        joint_task_share: Rate::new(n.joint_tasks, n.tasks),
        joint_plan_share,
        participation,
        publication: Rate::new(n.inspected_published, n.inspected),
        problem_discovery: Rate::new(n.problems, n.inspected),
        plan_fulfilment,
        item_coverage,
        risk_grade_application: Rate::new(n.graded_tasks, n.tasks),
        follow_up_disposal: Rate::new(n.problems_closed, n.problems),
        mobile_enforcement: Rate::new(n.mobile, n.inspected),
        on_time_publication: Rate::new(n.on_time, n.published),
        on_time_completion: Rate::new(n.done_by_due, n.due),
        joint_target_share: Rate::new(n.drawn_joint, n.drawn),
    }
}

fn annex_row(y: &Counts, pc: &PlanCounts) -> AnnexRow {
    let mut notes = Vec::new();
    if !pc.deleted.is_empty() {
        notes.push(Note::PlansDeleted {
            count: pc.deleted.len() as u64,
            reasons: pc.deleted.clone(),
        });
    }
    let outside = y.unplanned_tasks + pc.unplanned_rows;
    if outside > 0 {
        notes.push(Note::ChecksOutsidePlan { count: outside });
    }
    if y.tasks_joint_all == 0 {
        notes.push(Note::NoJointTaskLed {
            tasks_led: y.tasks_single_all,
            joined: y.participated,
        });
    }
    if pc.special > 0 {
        notes.push(Note::SpecialPlans { count: pc.special });
    }
    AnnexRow {
        plans_single: pc.single,
        plans_joint: pc.joint,
        tasks_single: y.tasks_single_all,
        tasks_joint: y.tasks_joint_all,
        joined_as_participant: y.participated,
        fulfilment: Rate::new(pc.done, pc.active),
        drawn: y.drawn,
        inspected_published: y.inspected_published,
        problems: y.problems,
        notes,
    }
}

fn add_annex(total: &mut AnnexRow, row: &AnnexRow) {
    total.plans_single += row.plans_single;
    total.plans_joint += row.plans_joint;
    total.tasks_single += row.tasks_single;
    total.tasks_joint += row.tasks_joint;
    total.joined_as_participant += row.joined_as_participant;
    total.fulfilment = total.fulfilment.plus(row.fulfilment);
    total.drawn += row.drawn;
    total.inspected_published += row.inspected_published;
    total.problems += row.problems;
}
