//! `drawn.csv` as columns: each row's task index, its target in one arena of bytes, its stratum
//! and inclusion probability; and the rows of each task.

use super::Ctx;
use super::bytes::{Cells, Header, Known, Rows, same, short_word, word};
use crate::risk::Stratum;

/// No task yet.
const NONE: u32 = u32::MAX;

/// The drawn rows, checked: tasks known, targets valid ids and unique per task,
/// probabilities in (0, 1].
pub(super) struct Drawn {
    /// Per row: its task.
    pub(super) task: Vec<u32>,
    /// Per row: the end of its target in `arena` (it starts where the previous row's ends).
    ends: Vec<u32>,
    arena: Vec<u8>,
    /// Per row: its stratum (`ungraded` when the cell is empty: the estimate reads it so).
    pub(super) stratum: Vec<Stratum>,
    /// Per row: its inclusion probability, NaN when the cell is empty.
    pub(super) prob: Vec<f64>,
    /// Per task: its range of positions.
    range: Vec<(u32, u32)>,
    /// Position → row, when a task's rows are not all together; else positions are rows.
    order: Option<Vec<u32>>,
}

impl Drawn {
    /// The number of rows.
    pub(super) fn len(&self) -> usize {
        self.task.len()
    }

    /// The target of row `d`.
    #[inline(always)]
    pub(super) fn target(&self, d: usize) -> &[u8] {
        let start = if d == 0 { 0 } else { self.ends[d - 1] as usize };
        &self.arena[start..self.ends[d] as usize]
    }

    /// The number of rows of task `k`.
    pub(super) fn rows_of(&self, k: usize) -> u64 {
        let (a, b) = self.range[k];
        u64::from(b - a)
    }

    #[inline]
    fn row(&self, p: u32) -> usize {
        match &self.order {
            None => p as usize,
            Some(o) => o[p as usize] as usize,
        }
    }

    /// The row of `target` in task `k`, scanning its rows from the task's cursor (the position
    /// after the previous match) on, then from its start; `budget` counts the rows compared.
    #[inline]
    pub(super) fn find(
        &self,
        k: u32,
        target: &[u8],
        cursor: &mut [u32],
        budget: &mut u64,
    ) -> Option<u32> {
        let (start, end) = self.range[k as usize];
        let from = cursor[k as usize].clamp(start, end);
        let mut look = |range: std::ops::Range<u32>| {
            for p in range {
                *budget = budget.saturating_sub(1);
                let d = self.row(p);
                if same(self.target(d), target) {
                    cursor[k as usize] = p + 1;
                    return Some(d as u32);
                }
            }
            None
        };
        look(from..end).or_else(|| look(start..from))
    }

    /// The parts of the table, in order, as one: runs of a task cut by a part's end joined,
    /// each task's rows found (sorted by task when they are not together) and checked for
    /// repeated targets. `None` on a repeated target.
    pub(super) fn join(parts: Vec<DrawnPart<'_>>, tasks: usize) -> Option<Drawn> {
        let rows: usize = parts.iter().map(|p| p.task.len()).sum();
        let bytes: usize = parts.iter().map(|p| p.arena.len()).sum();
        if rows >= u32::MAX as usize || bytes >= u32::MAX as usize {
            return None;
        }
        let mut d = Drawn {
            task: Vec::new(),
            ends: Vec::new(),
            arena: Vec::new(),
            stratum: Vec::new(),
            prob: Vec::new(),
            range: Vec::new(),
            order: None,
        };
        let mut runs = Vec::new();
        let mut table = Vec::new();
        let mut parts = parts.into_iter();
        if let Some(first) = parts.next() {
            (d.task, d.ends, d.arena) = (first.task, first.ends, first.arena);
            (d.stratum, d.prob) = (first.stratum, first.prob);
            (runs, table) = (first.runs, first.table);
        }
        for p in parts {
            let (row0, byte0) = (d.task.len() as u32, d.arena.len() as u32);
            d.task.extend_from_slice(&p.task);
            d.ends.extend(p.ends.iter().map(|e| e + byte0));
            d.arena.extend_from_slice(&p.arena);
            d.stratum.extend_from_slice(&p.stratum);
            d.prob.extend_from_slice(&p.prob);
            let mut more = p.runs.into_iter().map(|(k, a, b)| (k, a + row0, b + row0));
            match (runs.last_mut(), more.next()) {
                (Some(last), Some(next)) if last.0 == next.0 => {
                    last.2 = next.2;
                    let (a, b) = (last.1 as usize, last.2 as usize);
                    if !unique(a..b, |r| d.target(r), &mut table) {
                        return None;
                    }
                }
                (_, Some(next)) => runs.push(next),
                (_, None) => {}
            }
            runs.extend(more);
        }
        let mut range = vec![(0u32, 0u32); tasks];
        let mut count = vec![0u32; tasks];
        let mut together = true;
        for &(k, a, b) in &runs {
            together &= count[k as usize] == 0;
            count[k as usize] += b - a;
            range[k as usize] = (a, b);
        }
        if !together {
            // Counting sort of the rows by task, stable, then repeats per task.
            let mut at = 0u32;
            for (k, c) in count.iter().enumerate() {
                range[k] = (at, at + c);
                at += c;
            }
            let mut fill: Vec<u32> = range.iter().map(|r| r.0).collect();
            let mut order = vec![0u32; d.task.len()];
            for (row, &k) in d.task.iter().enumerate() {
                order[fill[k as usize] as usize] = row as u32;
                fill[k as usize] += 1;
            }
            for &(a, b) in &range {
                let rows = (a..b).map(|p| order[p as usize] as usize);
                if !unique(rows, |r| d.target(r), &mut table) {
                    return None;
                }
            }
            d.order = Some(order);
        }
        d.range = range;
        Some(d)
    }
}

/// The rows of one part of `drawn.csv`.
pub(super) struct DrawnPart<'c> {
    ctx: &'c Ctx<'c>,
    header: &'c Header,
    task: Vec<u32>,
    ends: Vec<u32>,
    arena: Vec<u8>,
    stratum: Vec<Stratum>,
    prob: Vec<f64>,
    /// The runs of one task: (task, first row, end), rows of this part.
    runs: Vec<(u32, u32, u32)>,
    /// The task of the run being read, and its first row.
    run: (u32, usize),
    table: Vec<u32>,
    probs: Probs,
    strata: Strata,
    /// The first part of the table: it holds the whole table in the end.
    first: bool,
}

impl<'c> DrawnPart<'c> {
    pub(super) fn new(ctx: &'c Ctx<'c>, header: &'c Header, first: bool) -> DrawnPart<'c> {
        DrawnPart {
            ctx,
            header,
            task: Vec::new(),
            ends: Vec::new(),
            arena: Vec::new(),
            stratum: Vec::new(),
            prob: Vec::new(),
            runs: Vec::new(),
            run: (NONE, 0),
            table: Vec::new(),
            probs: Probs::default(),
            strata: Strata::default(),
            first,
        }
    }

    #[inline]
    fn target(&self, d: usize) -> &[u8] {
        let start = if d == 0 { 0 } else { self.ends[d - 1] as usize };
        &self.arena[start..self.ends[d] as usize]
    }

    /// Ends the run being read: its targets checked for repeats.
    fn close_run(&mut self) -> bool {
        let (k, start) = self.run;
        let end = self.task.len();
        if k == NONE || end == start {
            return true;
        }
        let mut table = std::mem::take(&mut self.table);
        let ok = unique(start..end, |r| self.target(r), &mut table);
        self.table = table;
        self.runs.push((k, start as u32, end as u32));
        ok
    }

    /// The part, its last run closed; `None` on a repeated target in it.
    pub(super) fn finish(mut self) -> Option<DrawnPart<'c>> {
        self.close_run().then(|| {
            self.run = (NONE, self.task.len());
            self
        })
    }
}

impl Rows for DrawnPart<'_> {
    fn reserve(&mut self, rows: usize, after: usize) {
        // The first part is joined with the others in place ([`Drawn::join`]).
        let rows = if self.first { rows + after } else { rows };
        self.task.reserve(rows);
        self.ends.reserve(rows);
        self.arena.reserve(rows * 9);
        self.stratum.reserve(rows);
        self.prob.reserve(rows);
    }

    #[inline]
    fn row(&mut self, cells: &Cells<'_>) -> bool {
        let h = self.header;
        let task = h.cell(cells, 0);
        let k = match self.run.0 {
            k if k != NONE && same(self.ctx.ids[k as usize].as_bytes(), task) => k,
            _ => {
                let Some(&k) = std::str::from_utf8(task)
                    .ok()
                    .and_then(|t| self.ctx.tasks.get(t))
                else {
                    return false;
                };
                if !self.close_run() {
                    return false;
                }
                self.run = (k, self.task.len());
                k
            }
        };
        let target = h.cell(cells, 1);
        if !valid_id(target) {
            return false;
        }
        let Some(stratum) = self.strata.get(h.cell(cells, 2)) else {
            return false;
        };
        let prob = match h.cell(cells, 3) {
            b"" => f64::NAN,
            s => match self.probs.get(s) {
                Some(p) if p > 0.0 && p <= 1.0 => p,
                _ => return false,
            },
        };
        self.arena.extend_from_slice(target);
        self.ends.push(self.arena.len() as u32);
        self.task.push(k);
        self.stratum.push(stratum);
        self.prob.push(prob);
        true
    }
}

/// A valid target id (`crate::ids`): plain printable ASCII without surrounding spaces at
/// once, anything else through the full check.
#[inline]
fn valid_id(b: &[u8]) -> bool {
    let n = b.len();
    let plain = |w: u64| {
        // No byte below ' ', none from 0x7f on.
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let below = !((w | HIGH) - 0x2020_2020_2020_2020) & !w & HIGH;
        let above = (w | (w.wrapping_add(0x0101_0101_0101_0101) & !w & HIGH)) & HIGH;
        below | above == 0
    };
    let ascii = if (8..=128).contains(&n) {
        let mut i = 0;
        let mut ok = true;
        while i + 8 <= n {
            ok &= plain(word(b, i));
            i += 8;
        }
        ok && plain(word(b, n - 8))
    } else {
        (1..8).contains(&n) && b.iter().all(|&c| (0x20..0x7f).contains(&c))
    };
    if ascii && b[0] != b' ' && b[n - 1] != b' ' {
        return true;
    }
    std::str::from_utf8(b).is_ok_and(|s| crate::ids::check_id("target", s).is_ok())
}

/// Inclusion probabilities read before.
struct Probs(Known<Option<f64>>);

impl Default for Probs {
    fn default() -> Self {
        Probs(Known::new(16))
    }
}

impl Probs {
    #[inline(always)]
    fn get(&mut self, s: &[u8]) -> Option<f64> {
        self.0.get(s, |s| std::str::from_utf8(s).ok()?.parse().ok())
    }
}

/// Strata read before; an empty cell is `ungraded` (as the estimate reads it).
struct Strata(Known<Option<Stratum>>);

impl Default for Strata {
    fn default() -> Self {
        Strata(Known::new(16))
    }
}

impl Strata {
    #[inline(always)]
    fn get(&mut self, s: &[u8]) -> Option<Stratum> {
        if s.is_empty() {
            return Some(Stratum::Ungraded);
        }
        self.0.get(s, |s| std::str::from_utf8(s).ok()?.parse().ok())
    }
}

/// A hash of a target for [`unique`]'s table: its first and last eight bytes and its length
/// (equal hashes only cost a comparison).
#[inline(always)]
fn quick_hash(t: &[u8]) -> u64 {
    let n = t.len();
    let (a, b) = if n >= 8 {
        (word(t, 0), word(t, n - 8))
    } else {
        (short_word(t), 0)
    };
    (a ^ b.rotate_left(29) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Whether the targets of `rows` are distinct, with an open-addressing table at most half
/// full (`table` is reused from call to call).
fn unique<'t>(
    rows: impl ExactSizeIterator<Item = usize>,
    target: impl Fn(usize) -> &'t [u8],
    table: &mut Vec<u32>,
) -> bool {
    let n = rows.len();
    if n < 2 {
        return true;
    }
    let size = (2 * n).next_power_of_two();
    table.clear();
    table.resize(size, u32::MAX);
    let mask = size - 1;
    let shift = 64 - size.trailing_zeros();
    for d in rows {
        let t = target(d);
        let mut j = (quick_hash(t) >> shift) as usize;
        loop {
            let q = table[j];
            if q == u32::MAX {
                table[j] = d as u32;
                break;
            }
            if same(target(q as usize), t) {
                return false;
            }
            j = (j + 1) & mask;
        }
    }
    true
}
