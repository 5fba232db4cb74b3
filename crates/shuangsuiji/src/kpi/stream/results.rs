//! `results.csv` and `follow_ups.csv`, checked and counted row by row as they are read.
//!
//! What a result leaves behind is one word per drawn row ([`State`]), shared by the parts
//! of the table (atomics: parts run at once): whether the row has a result, whether it found a
//! problem, its inspection day, and (set by the follow-ups) whether it has a follow-up. A
//! second result or follow-up for a row finds the word taken, so repeats are found across
//! parts without any other table.

use super::Ctx;
use super::bytes::{Cells, Header, Known, Rows, same};
use super::day::{Days, date_of};
use super::drawn::Drawn;
use crate::ids::TargetId;
use crate::kpi::codes::ResultCodes;
use crate::kpi::compute::{BUCKETS, Counts};
use crate::kpi::report::LatePublication;
use crate::kpi::rows::split;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// Per drawn row: bit 0 a result, bit 1 with a problem, bit 31 a follow-up, bits 2–30 the
/// inspection day (`num_days_from_ce`).
pub(super) type State = AtomicU32;

pub(super) const RESULT: u32 = 1;
pub(super) const PROBLEM: u32 = 2;
const FOLLOWED: u32 = 1 << 31;
const DAY_BITS: u32 = 29;

/// The inspection day in a state word.
#[inline]
fn day_in(state: u32) -> i32 {
    ((state >> 2) & ((1 << DAY_BITS) - 1)) as i32
}

/// What the results and follow-ups read: the drawn rows, the state words, the days.
pub(super) struct Shared<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) drawn: &'a Drawn,
    pub(super) state: &'a [State],
    pub(super) days: &'a Days,
    /// `KpiConfig::as_of` as a day number.
    pub(super) as_of: Option<i32>,
    pub(super) max_listed: usize,
}

fn codes_of(s: &str) -> Option<u16> {
    let mut codes = ResultCodes::new();
    for part in split(s) {
        if !codes.insert_bit(ResultCodes::bit_of_text(part)?) {
            return None;
        }
    }
    Some(codes.bits())
}

/// A flag cell as `rows` reads it.
#[inline(always)]
fn flag(s: &[u8], required: bool) -> Option<bool> {
    const YES: &[u8] = "是".as_bytes();
    const NO: &[u8] = "否".as_bytes();
    match s {
        b"true" | b"1" | b"yes" | b"y" | YES => Some(true),
        b"false" | b"0" | b"no" | b"n" | NO => Some(false),
        b"" if !required => Some(false),
        _ => None,
    }
}

/// The task of a row: the previous row's when the text is the same, else looked up.
#[inline(always)]
fn task_of(ctx: &Ctx<'_>, last: &mut u32, text: &[u8]) -> Option<u32> {
    let k = *last;
    if k != u32::MAX && same(ctx.ids[k as usize].as_bytes(), text) {
        return Some(k);
    }
    let k = *ctx.tasks.get(std::str::from_utf8(text).ok()?)?;
    *last = k;
    Some(k)
}

/// What one part of `results.csv` gives.
pub(super) struct ResultsPart<'a> {
    shared: &'a Shared<'a>,
    header: &'a Header,
    pub(super) counts: Vec<Counts>,
    pub(super) late_publications: u64,
    pub(super) late_listed: Vec<LatePublication>,
    pub(super) unpublished: u64,
    pub(super) overdue_unpublished: u64,
    masks: (u16, u16),
    /// Result codes read before, by their text.
    codes: Known<Option<u16>>,
    last: u32,
    next: usize,
    cursor: Vec<u32>,
    budget: u64,
}

impl<'a> ResultsPart<'a> {
    pub(super) fn new(shared: &'a Shared<'a>, header: &'a Header) -> ResultsPart<'a> {
        ResultsPart {
            shared,
            header,
            counts: vec![Counts::default(); shared.ctx.departments * BUCKETS],
            late_publications: 0,
            late_listed: Vec::new(),
            unpublished: 0,
            overdue_unpublished: 0,
            masks: ResultCodes::masks(),
            codes: Known::new(64),
            last: u32::MAX,
            next: 0,
            cursor: vec![0; shared.ctx.ids.len()],
            budget: 1024,
        }
    }

    #[inline]
    fn read(&mut self, cells: &Cells<'_>) -> Option<()> {
        let (h, s) = (self.header, self.shared);
        // Results far from the order of the draw: 64 rows compared per result on average.
        self.budget += 64;
        let codes = self.codes.get(h.cell(cells, 2), |s| {
            std::str::from_utf8(s).ok().and_then(codes_of)
        })?;
        let (problem_mask, no_problem) = self.masks;
        let problem = codes & problem_mask != 0;
        if codes == 0 || (codes & no_problem != 0 && problem) {
            return None;
        }
        let k = task_of(s.ctx, &mut self.last, h.cell(cells, 0))?;
        let target = h.cell(cells, 1);
        let drawn = s.drawn;
        let next = self.next;
        let d = if next < drawn.len() && drawn.task[next] == k && same(drawn.target(next), target) {
            next as u32
        } else {
            let d = drawn.find(k, target, &mut self.cursor, &mut self.budget)?;
            if self.budget == 0 {
                return None;
            }
            d
        };
        self.next = d as usize + 1;
        let inspected = s.days.day(h.cell(cells, 3))?;
        let entered = s.days.day(h.cell(cells, 4))?;
        let mobile = flag(h.cell(cells, 5), true)?;
        let published = match h.cell(cells, 6) {
            b"" => None,
            p => Some(s.days.day(p)?),
        };
        if entered < inspected || published.is_some_and(|p| p < inspected || p < entered) {
            return None;
        }
        if !(1..1 << DAY_BITS).contains(&inspected) {
            return None;
        }
        let word = RESULT | (u32::from(problem) * PROBLEM) | ((inspected as u32) << 2);
        s.state[d as usize]
            .compare_exchange(0, word, Relaxed, Relaxed)
            .ok()?;
        let day = s.days.get(inspected)?;
        let dept = s.ctx.lead[k as usize] as usize;
        let n = &mut self.counts[dept * BUCKETS + day.bucket as usize];
        n.inspected += 1;
        n.problems += u64::from(problem);
        n.mobile += u64::from(mobile);
        n.december += u64::from(day.december);
        match published {
            None => {
                self.unpublished += 1;
                if let Some(today) = s.as_of {
                    self.overdue_unpublished += u64::from(today > day.deadline?);
                }
            }
            Some(p) => {
                n.published += 1;
                n.inspected_published += 1;
                let deadline = day.deadline?;
                if p <= deadline {
                    n.on_time += 1;
                } else {
                    self.late_publications += 1;
                    if self.late_listed.len() < s.max_listed {
                        let task = &s.ctx.input.tasks[k as usize];
                        self.late_listed.push(LatePublication {
                            department: task.lead.clone(),
                            task: task.id.clone(),
                            target: TargetId::new(std::str::from_utf8(target).ok()?).ok()?,
                            inspected_on: date_of(inspected)?,
                            deadline: date_of(deadline)?,
                            published_on: date_of(p)?,
                        });
                    }
                }
            }
        }
        Some(())
    }
}

impl Rows for ResultsPart<'_> {
    #[inline]
    fn row(&mut self, cells: &Cells<'_>) -> bool {
        self.read(cells).is_some()
    }
}

/// What one part of `follow_ups.csv` gives: per department and period, the problems with a
/// closed follow-up.
pub(super) struct FollowUpsPart<'a> {
    shared: &'a Shared<'a>,
    header: &'a Header,
    pub(super) problems_closed: Vec<u64>,
    last: u32,
    cursor: Vec<u32>,
    budget: u64,
}

impl<'a> FollowUpsPart<'a> {
    pub(super) fn new(shared: &'a Shared<'a>, header: &'a Header) -> FollowUpsPart<'a> {
        FollowUpsPart {
            shared,
            header,
            problems_closed: vec![0; shared.ctx.departments * BUCKETS],
            last: u32::MAX,
            cursor: vec![0; shared.ctx.ids.len()],
            budget: 1024,
        }
    }

    #[inline]
    fn read(&mut self, cells: &Cells<'_>) -> Option<()> {
        let (h, s) = (self.header, self.shared);
        self.budget += 64;
        let k = task_of(s.ctx, &mut self.last, h.cell(cells, 0))?;
        let target = h.cell(cells, 1);
        let d = s
            .drawn
            .find(k, target, &mut self.cursor, &mut self.budget)?;
        if self.budget == 0 {
            return None;
        }
        let kinds: [&[u8]; 8] = [
            b"none_needed",
            "无需后续处置".as_bytes(),
            b"rectified",
            "已整改".as_bytes(),
            b"case_transferred",
            "移送立案".as_bytes(),
            b"referred",
            "移交其他部门".as_bytes(),
        ];
        let kind = h.cell(cells, 2);
        if !kinds.iter().any(|k| same(k, kind)) {
            return None;
        }
        let opened = s.days.day(h.cell(cells, 3))?;
        let closed = match h.cell(cells, 4) {
            b"" => None,
            c => Some(s.days.day(c)?),
        };
        let old = s.state[d as usize].fetch_or(FOLLOWED, Relaxed);
        if old & RESULT == 0 || old & FOLLOWED != 0 {
            return None;
        }
        let inspected = day_in(old);
        if closed.is_some_and(|c| c < opened) || opened < inspected {
            return None;
        }
        if closed.is_some() && old & PROBLEM != 0 {
            let b = s.days.get(inspected)?.bucket as usize;
            self.problems_closed[s.ctx.lead[k as usize] as usize * BUCKETS + b] += 1;
        }
        Some(())
    }
}

impl Rows for FollowUpsPart<'_> {
    #[inline]
    fn row(&mut self, cells: &Cells<'_>) -> bool {
        self.read(cells).is_some()
    }
}
