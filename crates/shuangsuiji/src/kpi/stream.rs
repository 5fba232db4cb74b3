//! The report straight from the CSV bytes of the large tables, without a [`KpiInput`] of them.
//!
//! Why: [`KpiInput::from_csv`] holds every row as a struct of shared strings (10⁷ results
//! take gigabytes), read through `csv`'s per-record strings, from a text held whole; then
//! [`KpiReport::compute`] passes over them again. Here `drawn.csv`, `results.csv` and
//! `follow_ups.csv` are read piece by piece (each in two line-aligned parts on two threads,
//! [`bytes`]), their cells as slices of the piece, and checked and counted as they are read:
//! the drawn rows become columns (task index, target bytes in one arena, stratum,
//! probability), a result finds its drawn row and leaves one word in it, a follow-up reads
//! that word. Nothing else of a row is kept.
//!
//! Exactness: this path only answers “valid, and here is the report” or gives up (`None`),
//! like `compute::fast`: on any error, any text outside plain CSV (a quote, a lone carriage
//! return, an empty line), any date not written `YYYY-MM-DD`, a shape it does not take
//! (results far from the order of the draw), it returns `None` and the caller reads the
//! tables with [`KpiInput::from_csv`] and [`KpiReport::compute`], which give the report or
//! name the first error. Every row it accepts, `rows` accepts with the same value, and every
//! check of [`KpiInput::validate`] on the three tables is made here (the test
//! `stream_equals_from_csv` compares both paths on valid and bad inputs).

mod bytes;
mod day;
mod drawn;
mod results;

pub use bytes::TableBytes;

use super::Table;
use super::compute::{BUCKETS, HeadCounts, finish, head_counts};
use super::csv_io::KpiCsv;
use super::estimate::{Estimate, HajekSums, Observation};
use super::hash::FxMap;
use super::input::KpiInput;
use super::report::{KpiConfig, KpiReport};
use super::rows::{DRAWN, FOLLOW_UPS, RESULTS, read_rows};
use crate::calendar::HolidayCalendar;
use bytes::{header, parts_for, read_parts};
use chrono::Datelike;
use drawn::{Drawn, DrawnPart};
use results::{FollowUpsPart, PROBLEM, RESULT, ResultsPart, Shared, State};
use std::sync::atomic::Ordering::Relaxed;

/// The large tables as bytes (files, say); a table left `None` is read from the text of the
/// [`KpiCsv`] given beside it.
#[derive(Clone, Copy, Default)]
pub struct KpiBytes<'a> {
    /// `drawn.csv`.
    pub drawn: Option<&'a dyn TableBytes>,
    /// `results.csv`.
    pub results: Option<&'a dyn TableBytes>,
    /// `follow_ups.csv`.
    pub follow_ups: Option<&'a dyn TableBytes>,
}

impl std::fmt::Debug for KpiBytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = |t: Option<&dyn TableBytes>| t.map(|t| t.byte_len());
        f.debug_struct("KpiBytes")
            .field("drawn", &len(self.drawn))
            .field("results", &len(self.results))
            .field("follow_ups", &len(self.follow_ups))
            .finish()
    }
}

/// The small tables, validated, with what the rows of the large ones look up.
pub(super) struct Ctx<'a> {
    pub(super) input: &'a KpiInput,
    /// Task id → task index.
    pub(super) tasks: &'a FxMap<&'a str, u32>,
    /// Per task: its id.
    pub(super) ids: Vec<&'a str>,
    /// Per task: its lead department.
    pub(super) lead: &'a [u32],
    /// The number of departments.
    pub(super) departments: usize,
}

impl KpiReport {
    /// The report of the tables `csv` holds, the large ones (`drawn`, `results`,
    /// `follow_ups`) read from `bytes` where given, without building their [`KpiInput`]:
    /// the same report as [`KpiInput::from_csv`] then [`KpiReport::compute`] give, in a
    /// fraction of the time and memory, for inputs in the shape platforms export (plain CSV
    /// without quotes, dates as `YYYY-MM-DD`, results roughly in the order of the draw).
    ///
    /// `None` when the input has an error or another shape: then read the tables with
    /// [`KpiInput::from_csv`] and compute, which gives the report or names the error (the
    /// file, line and field). The text of `csv`'s large tables is ignored where `bytes`
    /// gives one.
    ///
    /// ```
    /// use shuangsuiji::kpi::{KpiBytes, KpiConfig, KpiCsv, KpiInput, KpiReport};
    ///
    /// let csv = KpiCsv {
    ///     departments: "id,name\nD1,市场监管局\n".into(),
    ///     tasks: "id,plans,lead,joint,created_on\nT1,,D1,false,2026-04-01\n".into(),
    ///     drawn: "task,target\nT1,E1\nT1,E2\n".into(),
    ///     ..KpiCsv::default()
    /// };
    /// let results = "task,target,codes,inspected_on,entered_on,mobile\n\
    ///                T1,E1,未发现问题,2026-04-20,2026-04-20,true\n";
    /// let bytes = KpiBytes { results: Some(&results), ..KpiBytes::default() };
    /// let report = KpiReport::from_csv_bytes(&csv, &bytes, &KpiConfig::default()).unwrap();
    ///
    /// let whole = KpiCsv { results: results.into(), ..csv };
    /// let input = KpiInput::from_csv(&whole)?;
    /// assert_eq!(report, KpiReport::compute(&input, &KpiConfig::default())?);
    /// // A result for a target never drawn: no report here; the usual path names the error.
    /// let bad = "task,target,codes,inspected_on,entered_on,mobile\nT1,E9,未发现问题,2026-04-20,2026-04-20,true\n";
    /// let bytes = KpiBytes { results: Some(&bad), ..KpiBytes::default() };
    /// assert!(KpiReport::from_csv_bytes(&whole, &bytes, &KpiConfig::default()).is_none());
    /// # Ok::<(), shuangsuiji::kpi::KpiError>(())
    /// ```
    pub fn from_csv_bytes(
        csv: &KpiCsv,
        bytes: &KpiBytes<'_>,
        config: &KpiConfig,
    ) -> Option<KpiReport> {
        config.assessment.check().ok()?;
        let small = KpiCsv {
            departments: csv.departments.clone(),
            items: csv.items.clone(),
            plans: csv.plans.clone(),
            tasks: csv.tasks.clone(),
            unplanned: csv.unplanned.clone(),
            ..KpiCsv::default()
        };
        // The small tables read, then checked once (`validate` on them alone is these two
        // checks).
        let (input, _) = read_rows(&small).ok()?;
        if input.tasks.len() >= u32::MAX as usize {
            return None;
        }
        let head = input.check_head().ok()?;
        let unplanned_dept = input.check_unplanned(&head.depts).ok()?;
        let ctx = Ctx {
            input: &input,
            tasks: &head.tasks,
            ids: input.tasks.iter().map(|t| t.id.as_str()).collect(),
            lead: &head.task_lead,
            departments: input.departments.len(),
        };
        fn source<'s>(text: &'s String, given: Option<&'s dyn TableBytes>) -> &'s dyn TableBytes {
            given.unwrap_or(text)
        }
        let drawn_bytes = source(&csv.drawn, bytes.drawn);
        let results_bytes = source(&csv.results, bytes.results);
        let follow_bytes = source(&csv.follow_ups, bytes.follow_ups);

        // The drawn rows, as columns.
        let drawn = match header(Table::Drawn, DRAWN, drawn_bytes)? {
            None => Drawn::join(vec![], input.tasks.len())?,
            Some(h) => {
                let mut parts: Vec<DrawnPart<'_>> = (0..parts_for(&h))
                    .map(|i| DrawnPart::new(&ctx, &h, i == 0))
                    .collect();
                if !read_parts(drawn_bytes, &h, &mut parts) {
                    return None;
                }
                let parts = parts
                    .into_iter()
                    .map(DrawnPart::finish)
                    .collect::<Option<Vec<_>>>()?;
                Drawn::join(parts, input.tasks.len())?
            }
        };

        // The results, then the follow-ups beside the estimate (which reads the results' bits
        // of the state words, and the follow-ups set another).
        let state: Vec<State> = (0..drawn.len()).map(|_| State::new(0)).collect();
        let days = day::Days::new(input.year, HolidayCalendar::china())?;
        let shared = Shared {
            ctx: &ctx,
            drawn: &drawn,
            state: &state,
            days: &days,
            as_of: config.as_of.map(|d| d.num_days_from_ce()),
            max_listed: config.max_listed,
        };
        let results_header = header(Table::Results, RESULTS, results_bytes)?;
        let mut results: Vec<ResultsPart<'_>> = Vec::new();
        if let Some(h) = &results_header {
            results = (0..parts_for(h))
                .map(|_| ResultsPart::new(&shared, h))
                .collect();
            if !read_parts(results_bytes, h, &mut results) {
                return None;
            }
        }
        let follow_header = header(Table::FollowUps, FOLLOW_UPS, follow_bytes)?;
        let mut follow: Vec<FollowUpsPart<'_>> = Vec::new();
        let (read, estimate) = std::thread::scope(|s| {
            let estimate = s.spawn(|| estimate(&drawn, &state));
            let read = match &follow_header {
                None => true,
                Some(h) => {
                    follow = (0..parts_for(h))
                        .map(|_| FollowUpsPart::new(&shared, h))
                        .collect();
                    read_parts(follow_bytes, h, &mut follow)
                }
            };
            let estimate = estimate
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (read, estimate)
        });
        if !read {
            return None;
        }

        // The counts.
        let HeadCounts {
            mut counts,
            plan_counts,
            mut findings,
            task_bucket,
        } = head_counts(&input, &head, &unplanned_dept, config);
        for part in &results {
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
        for part in &follow {
            for (c, &closed) in counts.iter_mut().zip(&part.problems_closed) {
                c.problems_closed += closed;
            }
        }
        for (k, task) in input.tasks.iter().enumerate() {
            let n = drawn.rows_of(k);
            let c = &mut counts[head.task_lead[k] as usize * BUCKETS + task_bucket[k] as usize];
            c.drawn += n;
            c.drawn_joint += if task.joint { n } else { 0 };
        }
        Some(finish(
            &input,
            config,
            counts,
            plan_counts,
            findings,
            estimate,
        ))
    }
}

/// The design-weighted estimate from the drawn rows in the order of the draw, as
/// `compute::fast` makes it (the same figures to the last bit).
fn estimate(drawn: &Drawn, state: &[State]) -> Estimate {
    let observation = |d: usize| {
        let x = state[d].load(Relaxed);
        let p = drawn.prob[d];
        (!p.is_nan() && x & RESULT != 0)
            .then(|| Observation {
                stratum: drawn.stratum[d],
                inclusion_probability: p,
                problem: x & PROBLEM != 0,
            })
            .filter(Observation::usable)
    };
    let mut sums = HajekSums::default();
    let (mut without_probability, mut not_inspected) = (0, 0);
    for (d, (p, x)) in drawn.prob.iter().zip(state).enumerate() {
        if p.is_nan() {
            without_probability += 1;
        } else if x.load(Relaxed) & RESULT == 0 {
            not_inspected += 1;
        }
        if let Some(o) = observation(d) {
            sums.add(&o);
        }
    }
    let mut estimate = match sums.residuals() {
        None => Estimate::default(),
        Some(mut residuals) => {
            for d in 0..drawn.len() {
                if let Some(o) = observation(d) {
                    residuals.add(&o);
                }
            }
            residuals.finish()
        }
    };
    estimate.without_probability = without_probability;
    estimate.not_inspected = not_inspected;
    estimate
}
