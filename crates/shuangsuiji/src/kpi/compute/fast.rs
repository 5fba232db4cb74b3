//! The fast path of the KPI computation: validation and counting fused, the results split over
//! the machine's cores.
//!
//! Why a second path: the reference ([`KpiReport::compute_reference`]) checks every table,
//! then counts, row by row and in order, which is what names the *first* error of a bad
//! input. A valid input needs no such order. This path therefore only answers “valid or not”
//! while it counts, and gives up (`None`) at the first problem of any kind, leaving the
//! reference to find and name it: errors are exactly the reference's, and a valid input gives
//! exactly the reference's report (the test `fast_path_equals_the_reference` compares them).
//!
//! What makes it fast (best for an export whose drawn rows are grouped by task and whose
//! results follow the draw, as platforms write them and as [`KpiInput::to_csv`] does):
//!
//! - no global hash table of `(task, target)`: the drawn rows are taken as runs of one task
//!   (or, when a task's rows are scattered, sorted by task with a counting sort), and a
//!   duplicate target is looked for in a small table of one task's rows, reused from task to
//!   task, which stays in cache; the drawn rows are scanned in two halves on two threads;
//! - every drawn row gets 32 bits of its target's hash (`Runs::tags`), so that looking a
//!   target up in its task compares strings only where the tags agree;
//! - a result finds its drawn row by comparing it with the row after the previous match (ids
//!   shared by [`KpiInput::from_csv`] compare by pointer), otherwise by a scan of its task's
//!   rows from the task's previous match; a follow-up likewise;
//! - one pass over the results validates, finds the drawn row and counts, in two halves on
//!   two threads (`std::thread::scope`) with their own counts, added afterwards; then the
//!   follow-ups on one thread and the drawn targets with the estimate on the other;
//! - the period, December flag and publication deadline of a day come from a table of the
//!   days of the year before, the year and the year after, computed once.
//!
//! Results far from the order of the draw (more than 64 rows compared per result on average)
//! are handed to the reference, which is slower but exact.

use super::{BUCKETS, Counts, HeadCounts, finish, head_counts};
use crate::calendar::HolidayCalendar;
use crate::ids::{TargetId, TaskId};
use crate::kpi::codes::ResultCodes;
use crate::kpi::estimate::{Estimate, HajekSums, Observation};
use crate::kpi::hash::FxHasher;
use crate::kpi::input::{Head, KpiInput, ResultRow, bucket};
use crate::kpi::report::{KpiConfig, KpiReport, LatePublication};
use crate::risk::Stratum;
use chrono::{Datelike, NaiveDate};
use std::hash::Hasher;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering::Relaxed};

/// Below this many results, one thread (few in tests, so that they run the parallel code).
const PARALLEL_FROM: usize = if cfg!(test) { 64 } else { 200_000 };

/// Whether `input` is valid, as [`KpiInput::validate`] would say (`false` may also mean
/// “not of the shape this path handles”: the caller then asks the reference).
pub(crate) fn validate(input: &KpiInput) -> bool {
    let Some((head, runs, results)) = front(input, None) else {
        return false;
    };
    follow_ups(input, &head, &runs, &results).is_some()
        && input.check_unplanned(&head.depts).is_ok()
}

/// The report, or `None` when the input has an error or is not of the shape handled here.
pub(crate) fn compute(
    input: &KpiInput,
    config: &KpiConfig,
    calendar: &HolidayCalendar,
) -> Option<KpiReport> {
    let (head, runs, results) = front(input, Some((config, calendar)))?;
    let unplanned_dept = input.check_unplanned(&head.depts).ok()?;
    let HeadCounts {
        mut counts,
        plan_counts,
        mut findings,
        task_bucket,
    } = head_counts(input, &head, &unplanned_dept, config);
    // The follow-ups here, the drawn targets and the estimate beside them.
    let drawn = || drawn_pass(input, &head, &runs, &results, &task_bucket);
    let (follow, (drawn_counts, estimate)) = if input.drawn.len() >= PARALLEL_FROM {
        std::thread::scope(|s| {
            let other = s.spawn(drawn);
            let follow = follow_ups(input, &head, &runs, &results);
            (
                follow,
                other
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        })
    } else {
        (follow_ups(input, &head, &runs, &results), drawn())
    };
    let follow = follow?;
    for part in &results.parts {
        for (c, p) in counts.iter_mut().zip(&part.counts) {
            c.add(p);
        }
        findings.late_publications += part.late_publications;
        findings.unpublished += part.unpublished;
        findings.overdue_unpublished += part.overdue_unpublished;
        for l in &part.late_listed {
            if findings.late_listed.len() < config.max_listed {
                findings.late_listed.push(l.clone());
            }
        }
    }
    for ((c, &closed), d) in counts
        .iter_mut()
        .zip(&follow.problems_closed)
        .zip(&drawn_counts)
    {
        c.problems_closed += closed;
        c.drawn += d.0;
        c.drawn_joint += d.1;
    }
    Some(finish(
        input,
        config,
        counts,
        plan_counts,
        findings,
        estimate,
    ))
}

/// Drawn targets: per department and period (drawn, drawn in joint tasks), and the estimate
/// from the observations in the order of the draw.
fn drawn_pass(
    input: &KpiInput,
    head: &Head<'_>,
    runs: &Runs,
    results: &Results,
    task_bucket: &[u8],
) -> (Vec<(u64, u64)>, Estimate) {
    let mut counts = vec![(0u64, 0u64); input.departments.len() * BUCKETS];
    // Two passes over the drawn rows, in the order of the draw, as `hajek` makes over the
    // observations (the same figures to the last bit), without holding 10⁷ observations.
    let mut sums = HajekSums::default();
    let (mut without_probability, mut not_inspected) = (0, 0);
    let observation = |d: usize, row: &crate::kpi::input::DrawnRow| {
        let x = results.problem_of_drawn[d].load(Relaxed);
        row.inclusion_probability
            .filter(|_| x != 0)
            .map(|p| Observation {
                stratum: row.stratum.unwrap_or(Stratum::Ungraded),
                inclusion_probability: p,
                problem: x == 2,
            })
            .filter(Observation::usable)
    };
    for (d, row) in input.drawn.iter().enumerate() {
        let k = runs.drawn_task[d] as usize;
        let n = &mut counts[head.task_lead[k] as usize * BUCKETS + task_bucket[k] as usize];
        n.0 += 1;
        n.1 += u64::from(input.tasks[k].joint);
        match (
            row.inclusion_probability,
            results.problem_of_drawn[d].load(Relaxed),
        ) {
            (None, _) => without_probability += 1,
            (Some(_), 0) => not_inspected += 1,
            (Some(_), _) => {}
        }
        if let Some(o) = observation(d, row) {
            sums.add(&o);
        }
    }
    let mut estimate = match sums.residuals() {
        None => Estimate::default(),
        Some(mut residuals) => {
            for (d, row) in input.drawn.iter().enumerate() {
                if let Some(o) = observation(d, row) {
                    residuals.add(&o);
                }
            }
            residuals.finish()
        }
    };
    estimate.without_probability = without_probability;
    estimate.not_inspected = not_inspected;
    (counts, estimate)
}

/// The small tables, the drawn targets and the results checked (and counted when
/// `counting`); `None` on any problem.
fn front<'a>(
    input: &'a KpiInput,
    counting: Option<(&KpiConfig, &HolidayCalendar)>,
) -> Option<(Head<'a>, Runs, Results)> {
    let head = input.check_head().ok()?;
    let runs = Runs::build(input, &head)?;
    let results = results(input, &head, &runs, counting)?;
    Some((head, runs, results))
}

/// A hash of an id with its bits mixed, for the small per-run tables.
#[inline]
fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    let x = h.finish();
    (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

/// The drawn rows of each task: a range of positions, which are the drawn rows themselves
/// when every task's rows are contiguous, else indices into `order` (the rows sorted by task).
struct Runs {
    /// Per drawn row: its task.
    drawn_task: Vec<u32>,
    /// Per task: its range of positions.
    range: Vec<(u32, u32)>,
    /// Position → drawn row, when the tasks' rows are not contiguous.
    order: Option<Vec<u32>>,
    /// Per drawn row: 32 bits of the hash of the target, so that a scan for a target compares
    /// strings only where these agree.
    tags: Vec<u32>,
}

impl Runs {
    /// Checks `drawn.csv` (tasks known, probabilities in (0, 1], targets unique per task);
    /// `None` on an error.
    fn build(input: &KpiInput, head: &Head<'_>) -> Option<Runs> {
        let n = input.drawn.len();
        let nt = input.tasks.len();
        if n >= u32::MAX as usize || input.results.len() >= u32::MAX as usize {
            return None;
        }
        let drawn = &input.drawn;
        let mut drawn_task = vec![0u32; n];
        let mut tags = vec![0u32; n];
        // Two halves split between runs, scanned on two threads.
        let mut mid = if n >= PARALLEL_FROM { n / 2 } else { n };
        while mid > 0 && mid < n && drawn[mid].task == drawn[mid - 1].task {
            mid += 1;
        }
        let (task_a, task_b) = drawn_task.split_at_mut(mid);
        let (tags_a, tags_b) = tags.split_at_mut(mid);
        let (runs_a, runs_b) = if mid < n {
            std::thread::scope(|s| {
                let b = s.spawn(|| scan(input, head, mid, task_b, tags_b));
                let a = scan(input, head, 0, task_a, tags_a);
                (a, b.join().unwrap_or(None))
            })
        } else {
            (scan(input, head, 0, task_a, tags_a), Some(Vec::new()))
        };
        let mut range = vec![(0u32, 0u32); nt];
        let mut count = vec![0u32; nt];
        let mut contiguous = true;
        for (k, start, end) in runs_a?.into_iter().chain(runs_b?) {
            contiguous &= count[k as usize] == 0;
            count[k as usize] += end - start;
            range[k as usize] = (start, end);
        }
        if contiguous {
            // Each run was checked for duplicates as it was scanned.
            return Some(Runs {
                drawn_task,
                range,
                order: None,
                tags,
            });
        }
        // Counting sort of the rows by task, stable, then duplicates per task.
        let mut at = 0u32;
        for (k, c) in count.iter().enumerate() {
            range[k] = (at, at + c);
            at += c;
        }
        let mut fill: Vec<u32> = range.iter().map(|r| r.0).collect();
        let mut order = vec![0u32; n];
        for (d, &k) in drawn_task.iter().enumerate() {
            order[fill[k as usize] as usize] = d as u32;
            fill[k as usize] += 1;
        }
        let runs = Runs {
            drawn_task,
            range,
            order: Some(order),
            tags,
        };
        let mut table = Vec::new();
        for &(b, e) in &runs.range {
            let rows = (b..e).map(|p| runs.row(p));
            if !unique_targets(input, rows, &runs.tags, &mut table) {
                return None;
            }
        }
        Some(runs)
    }

    #[inline]
    fn row(&self, p: u32) -> usize {
        match &self.order {
            None => p as usize,
            Some(o) => o[p as usize] as usize,
        }
    }

    /// The drawn row of `target` in task `k`, scanning its rows from the task's cursor (the
    /// position after the previous match) on, then from its start; `budget` counts the rows
    /// compared.
    #[inline]
    fn find(
        &self,
        input: &KpiInput,
        k: u32,
        target: &TargetId,
        cursor: &mut [u32],
        budget: &mut u64,
    ) -> Option<u32> {
        let (start, end) = self.range[k as usize];
        let from = cursor[k as usize].clamp(start, end);
        let tag = (hash_str(target.as_str()) >> 32) as u32;
        let mut look = |range: std::ops::Range<u32>| {
            for p in range {
                *budget = budget.saturating_sub(1);
                let d = self.row(p);
                if self.tags[d] != tag {
                    continue;
                }
                if input.drawn[d].target == *target {
                    cursor[k as usize] = p + 1;
                    return Some(d as u32);
                }
            }
            None
        };
        look(from..end).or_else(|| look(start..from))
    }
}

/// Scans the drawn rows from `lo` (the start of a run) for `task.len()` rows: their tasks
/// (into `task`), target tags (into `tags`) and probabilities; checks each run for duplicate
/// targets; returns the runs as (task, start, end).
fn scan(
    input: &KpiInput,
    head: &Head<'_>,
    lo: usize,
    task: &mut [u32],
    tags: &mut [u32],
) -> Option<Vec<(u32, u32, u32)>> {
    let drawn = &input.drawn;
    let hi = lo + task.len();
    let mut runs = Vec::new();
    let mut table = Vec::new();
    let mut start = lo;
    while start < hi {
        let k = *head.tasks.get(drawn[start].task.as_str())?;
        // Compared as ids: the same `Arc` (as `from_csv` shares them) is equal at once.
        let id = &input.tasks[k as usize].id;
        let mut end = start + 1;
        while end < hi && drawn[end].task == *id {
            end += 1;
        }
        for d in start..end {
            let row = &drawn[d];
            if let Some(p) = row.inclusion_probability {
                if !(p > 0.0 && p <= 1.0) {
                    return None;
                }
            }
            task[d - lo] = k;
            tags[d - lo] = (hash_str(row.target.as_str()) >> 32) as u32;
        }
        let tags_of = |d: usize| tags[d - lo];
        if !unique_targets_by(input, start..end, tags_of, &mut table) {
            return None;
        }
        runs.push((k, start as u32, end as u32));
        start = end;
    }
    Some(runs)
}

/// Whether the targets of the drawn `rows` (of one task) are distinct, with an
/// open-addressing table of rows at most half full (`table` is reused from call to call).
fn unique_targets(
    input: &KpiInput,
    rows: impl ExactSizeIterator<Item = usize> + Clone,
    tags: &[u32],
    table: &mut Vec<u32>,
) -> bool {
    unique_targets_by(input, rows, |d| tags[d], table)
}

fn unique_targets_by(
    input: &KpiInput,
    rows: impl ExactSizeIterator<Item = usize>,
    tag_of: impl Fn(usize) -> u32,
    table: &mut Vec<u32>,
) -> bool {
    let size = (2 * rows.len()).next_power_of_two();
    table.clear();
    table.resize(size, u32::MAX);
    let mask = size - 1;
    for d in rows {
        let tag = tag_of(d);
        let mut j = (tag.wrapping_mul(0x9e37_79b9) >> 7) as usize & mask;
        loop {
            let q = table[j];
            if q == u32::MAX {
                table[j] = d as u32;
                break;
            }
            if tag_of(q as usize) == tag && input.drawn[q as usize].target == input.drawn[d].target
            {
                return false;
            }
            j = (j + 1) & mask;
        }
    }
    true
}

/// Per day of the three years around the report's: its period, December flag and deadline.
struct Days {
    first: i32,
    days: Vec<(u8, bool, Option<NaiveDate>)>,
}

impl Days {
    fn new(year: i32, calendar: Option<&HolidayCalendar>) -> Option<Days> {
        let first_day = NaiveDate::from_ymd_opt(year - 1, 1, 1)?;
        let last_day = NaiveDate::from_ymd_opt(year + 1, 12, 31)?;
        let days = first_day
            .iter_days()
            .take_while(|d| *d <= last_day)
            .map(|d| {
                (
                    bucket(year, d) as u8,
                    d.year() == year && d.month() == 12,
                    calendar.and_then(|c| c.publication_deadline(d).ok()),
                )
            })
            .collect();
        Some(Days {
            first: first_day.num_days_from_ce(),
            days,
        })
    }

    /// (period, December, deadline) of `date`, or `None` when the deadline is outside the
    /// calendar (an error of the reference when the deadline is needed).
    #[inline]
    fn get(
        &self,
        year: i32,
        date: NaiveDate,
        calendar: Option<&HolidayCalendar>,
    ) -> (u8, bool, Option<NaiveDate>) {
        match self
            .days
            .get((date.num_days_from_ce() - self.first) as usize)
        {
            Some(&x) => x,
            None => (
                bucket(year, date) as u8,
                false,
                calendar.and_then(|c| c.publication_deadline(date).ok()),
            ),
        }
    }
}

/// What one thread's share of the results gives.
#[derive(Default)]
struct Part {
    counts: Vec<Counts>,
    late_publications: u64,
    late_listed: Vec<LatePublication>,
    unpublished: u64,
    overdue_unpublished: u64,
    /// The smallest and largest drawn row matched, and whether they rose strictly.
    min_d: u32,
    max_d: u32,
    increasing: bool,
}

struct Results {
    /// Per result: the inspection day (read here by the follow-ups rather than from the
    /// result rows, which are cold by then).
    inspected: Vec<NaiveDate>,
    parts: Vec<Part>,
    /// Per drawn row: 0 not inspected, 1 inspected without problem, 2 with a problem.
    problem_of_drawn: Vec<AtomicU8>,
    /// Per drawn row: its result, `u32::MAX` when none.
    result_of_drawn: Vec<AtomicU32>,
}

fn results(
    input: &KpiInput,
    head: &Head<'_>,
    runs: &Runs,
    counting: Option<(&KpiConfig, &HolidayCalendar)>,
) -> Option<Results> {
    let n = input.results.len();
    let nd = input.drawn.len();
    let problem_of_drawn: Vec<AtomicU8> = (0..nd).map(|_| AtomicU8::new(0)).collect();
    let result_of_drawn: Vec<AtomicU32> = (0..nd).map(|_| AtomicU32::new(u32::MAX)).collect();
    let calendar = counting.map(|c| c.1);
    let days = Days::new(input.year, calendar)?;
    let threads = if n >= PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |t| t.get().min(2))
    } else {
        1
    };
    let shared = Shared {
        input,
        head,
        runs,
        counting,
        days: &days,
        problem_of_drawn: &problem_of_drawn,
        result_of_drawn: &result_of_drawn,
    };
    let mut inspected = vec![NaiveDate::MIN; n];
    let parts: Vec<Option<Part>> = if threads == 1 {
        vec![shared.part(0, n, &mut inspected)]
    } else {
        let mid = n / 2;
        std::thread::scope(|s| {
            let (a, b) = inspected.split_at_mut(mid);
            let second = s.spawn(|| shared.part(mid, n, b));
            let first = shared.part(0, mid, a);
            vec![first, second.join().unwrap_or(None)]
        })
    };
    let parts: Vec<Part> = parts.into_iter().collect::<Option<_>>()?;
    // Each part saw its own duplicates; one of both parts left one slot for two results. With
    // no overlap of the parts' rows there is none; otherwise count the slots filled.
    let disjoint = match &parts[..] {
        [a, b] => a.increasing && b.increasing && a.max_d < b.min_d,
        _ => true,
    };
    if !disjoint
        && result_of_drawn
            .iter()
            .filter(|s| s.load(Relaxed) != u32::MAX)
            .count()
            != n
    {
        return None;
    }
    Some(Results {
        inspected,
        parts,
        problem_of_drawn,
        result_of_drawn,
    })
}

struct Shared<'a, 'h> {
    input: &'a KpiInput,
    head: &'a Head<'h>,
    runs: &'a Runs,
    counting: Option<(&'a KpiConfig, &'a HolidayCalendar)>,
    days: &'a Days,
    problem_of_drawn: &'a [AtomicU8],
    result_of_drawn: &'a [AtomicU32],
}

impl Shared<'_, '_> {
    /// Validates and counts the results `lo..hi`; `None` on any problem.
    fn part(&self, lo: usize, hi: usize, inspected: &mut [NaiveDate]) -> Option<Part> {
        let input = self.input;
        let year = input.year;
        let drawn = &input.drawn;
        let (problem_mask, no_problem) = ResultCodes::masks();
        let mut part = Part {
            counts: vec![Counts::default(); input.departments.len() * BUCKETS],
            min_d: u32::MAX,
            max_d: 0,
            increasing: true,
            ..Part::default()
        };
        let (config, calendar) = match self.counting {
            Some((c, cal)) => (Some(c), Some(cal)),
            None => (None, None),
        };
        let max_listed = config.map_or(0, |c| c.max_listed);
        let as_of = config.and_then(|c| c.as_of);
        let mut budget = 64 * (hi - lo) as u64 + 1024;
        let mut last: (Option<&TaskId>, u32) = (None, u32::MAX);
        let mut next = 0usize;
        let mut prev_d: Option<u32> = None;
        let mut cursor = vec![0u32; input.tasks.len()];
        for (i, r) in input.results[lo..hi].iter().enumerate() {
            let i = lo + i;
            let k = if last.0 == Some(&r.task) {
                last.1
            } else {
                let k = *self.head.tasks.get(r.task.as_str())?;
                last = (Some(&input.tasks[k as usize].id), k);
                k
            };
            let d = if next < drawn.len()
                && self.runs.drawn_task[next] == k
                && drawn[next].target == r.target
            {
                next as u32
            } else {
                let d = self
                    .runs
                    .find(input, k, &r.target, &mut cursor, &mut budget)?;
                if budget == 0 {
                    return None;
                }
                d
            };
            next = d as usize + 1;
            part.increasing &= prev_d.is_none_or(|p| p < d);
            prev_d = Some(d);
            part.min_d = part.min_d.min(d);
            part.max_d = part.max_d.max(d);
            let slot = &self.result_of_drawn[d as usize];
            if slot.load(Relaxed) != u32::MAX {
                return None;
            }
            slot.store(i as u32, Relaxed);
            if !valid_result(r, problem_mask, no_problem) {
                return None;
            }
            inspected[i - lo] = r.inspected_on;
            let problem = r.codes.bits() & problem_mask != 0;
            self.problem_of_drawn[d as usize].store(1 + u8::from(problem), Relaxed);
            if config.is_none() {
                continue;
            }
            let (b, december, deadline) = self.days.get(year, r.inspected_on, calendar);
            let dept = self.head.task_lead[k as usize] as usize;
            let n = &mut part.counts[dept * BUCKETS + b as usize];
            n.inspected += 1;
            n.problems += u64::from(problem);
            n.mobile += u64::from(r.mobile);
            n.december += u64::from(december);
            match r.published_on {
                None => {
                    part.unpublished += 1;
                    if let Some(today) = as_of {
                        part.overdue_unpublished += u64::from(today > deadline?);
                    }
                }
                Some(p) => {
                    n.published += 1;
                    n.inspected_published += 1;
                    let deadline = deadline?;
                    if p <= deadline {
                        n.on_time += 1;
                    } else {
                        part.late_publications += 1;
                        if part.late_listed.len() < max_listed {
                            part.late_listed.push(LatePublication {
                                department: input.tasks[k as usize].lead.clone(),
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
        Some(part)
    }
}

/// `check_result` without the messages: at least one code, no “no problem” beside a problem,
/// entered and published on or after the inspection, published on or after the entry.
#[inline]
fn valid_result(r: &ResultRow, problem_mask: u16, no_problem: u16) -> bool {
    let bits = r.codes.bits();
    bits != 0
        && !(bits & no_problem != 0 && bits & problem_mask != 0)
        && r.entered_on >= r.inspected_on
        && r.published_on
            .is_none_or(|p| p >= r.inspected_on && p >= r.entered_on)
}

struct FollowUps {
    /// Per department and period: problems with a closed follow-up.
    problems_closed: Vec<u64>,
}

fn follow_ups(
    input: &KpiInput,
    head: &Head<'_>,
    runs: &Runs,
    results: &Results,
) -> Option<FollowUps> {
    let year = input.year;
    let mut problems_closed = vec![0u64; input.departments.len() * BUCKETS];
    let mut has_follow_up = vec![false; input.results.len()];
    let mut budget = 64 * input.follow_ups.len() as u64 + 1024;
    let mut last: (Option<&TaskId>, u32) = (None, u32::MAX);
    let mut cursor = vec![0u32; input.tasks.len()];
    for f in &input.follow_ups {
        let k = if last.0 == Some(&f.task) {
            last.1
        } else {
            let k = *head.tasks.get(f.task.as_str())?;
            last = (Some(&input.tasks[k as usize].id), k);
            k
        };
        let d = runs.find(input, k, &f.target, &mut cursor, &mut budget)? as usize;
        if budget == 0 {
            return None;
        }
        let r = results.result_of_drawn[d].load(Relaxed);
        if r == u32::MAX || std::mem::replace(&mut has_follow_up[r as usize], true) {
            return None;
        }
        let inspected_on = results.inspected[r as usize];
        if f.closed_on.is_some_and(|c| c < f.opened_on) || f.opened_on < inspected_on {
            return None;
        }
        if f.closed_on.is_some() && results.problem_of_drawn[d].load(Relaxed) == 2 {
            let b = bucket(year, inspected_on);
            problems_closed[head.task_lead[k as usize] as usize * BUCKETS + b] += 1;
        }
    }
    Some(FollowUps { problems_closed })
}
