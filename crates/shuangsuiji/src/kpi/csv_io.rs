//! The CSV form of [`KpiInput`]: one text per table, read and written in memory.
//!
//! The `csv` crate does the quoting (names with commas, quotes or line breaks survive); this
//! module only maps columns to fields, so that every bad field is reported with its file, line
//! and column. Multi-valued fields (participants, plans, items, result codes) are separated by
//! `;`. Columns are found by header name, in any order; unknown columns are refused, because a
//! misspelt optional column would otherwise be read as empty.

use super::codes::ResultCodes;
use super::hash::{FxMap, map_with_capacity};
use super::input::{
    DepartmentRow, DrawnRow, FollowUpRow, ItemRow, KpiInput, PlanKindFlag, PlanRow, ResultRow,
    TaskRow, UnplannedRow,
};
use super::{KpiError, Table};
use crate::ids::TaskId;
use crate::lifecycle::{FollowUpKind, ResultCode};
use crate::risk::Stratum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// The CSV text of each table, as in `docs/KPI.md` (UTF-8, header row). An empty text is an
/// empty table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiCsv {
    /// `departments.csv`.
    pub departments: String,
    /// `items.csv`.
    pub items: String,
    /// `plans.csv`.
    pub plans: String,
    /// `tasks.csv`.
    pub tasks: String,
    /// `drawn.csv`.
    pub drawn: String,
    /// `results.csv`.
    pub results: String,
    /// `follow_ups.csv`.
    pub follow_ups: String,
    /// `unplanned.csv`.
    pub unplanned: String,
}

impl KpiCsv {
    /// The text of a table.
    pub fn get(&self, table: Table) -> &str {
        match table {
            Table::Departments => &self.departments,
            Table::Items => &self.items,
            Table::Plans => &self.plans,
            Table::Tasks => &self.tasks,
            Table::Drawn => &self.drawn,
            Table::Results => &self.results,
            Table::FollowUps => &self.follow_ups,
            Table::Unplanned => &self.unplanned,
        }
    }

    /// The text of a table, mutably (e.g. to fill it from a file).
    pub fn get_mut(&mut self, table: Table) -> &mut String {
        match table {
            Table::Departments => &mut self.departments,
            Table::Items => &mut self.items,
            Table::Plans => &mut self.plans,
            Table::Tasks => &mut self.tasks,
            Table::Drawn => &mut self.drawn,
            Table::Results => &mut self.results,
            Table::FollowUps => &mut self.follow_ups,
            Table::Unplanned => &mut self.unplanned,
        }
    }
}

/// The columns of each table: name and whether it must be present.
const DEPARTMENTS: &[(&str, bool)] = &[("id", true), ("name", true)];
const ITEMS: &[(&str, bool)] = &[("id", true), ("department", true)];
const PLANS: &[(&str, bool)] = &[
    ("id", true),
    ("year", true),
    ("department", true),
    ("kind", true),
    ("participants", false),
    ("items", false),
    ("special", false),
    ("deleted", false),
    ("deletion_reason", false),
];
const TASKS: &[(&str, bool)] = &[
    ("id", true),
    ("plans", true),
    ("lead", true),
    ("participants", false),
    ("joint", true),
    ("graded", false),
    ("created_on", true),
    ("due_on", false),
    ("completed_on", false),
];
const DRAWN: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("stratum", false),
    ("inclusion_probability", false),
];
const RESULTS: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("codes", true),
    ("inspected_on", true),
    ("entered_on", true),
    ("mobile", true),
    ("published_on", false),
];
const FOLLOW_UPS: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("kind", true),
    ("opened_on", true),
    ("closed_on", false),
];
const UNPLANNED: &[(&str, bool)] = &[
    ("id", true),
    ("department", true),
    ("date", true),
    ("reason", true),
    ("targets", true),
];

/// One record with its columns resolved.
struct Fields<'r> {
    table: Table,
    line: u64,
    columns: &'static [(&'static str, bool)],
    pos: &'r [Option<usize>],
    record: &'r csv::StringRecord,
}

impl Fields<'_> {
    fn s(&self, n: usize) -> &str {
        self.pos[n]
            .and_then(|p| self.record.get(p))
            .unwrap_or_default()
    }

    fn bad(&self, n: usize, message: impl Display) -> KpiError {
        KpiError::BadValue {
            table: self.table,
            line: self.line,
            field: self.columns[n].0,
            value: self.s(n).to_owned(),
            message: message.to_string(),
        }
    }

    fn id<T: TryFrom<String, Error = crate::ids::IdError>>(&self, n: usize) -> Result<T, KpiError> {
        T::try_from(self.s(n).to_owned()).map_err(|e| self.bad(n, e))
    }

    fn ids<T: TryFrom<String, Error = crate::ids::IdError>>(
        &self,
        n: usize,
    ) -> Result<Vec<T>, KpiError> {
        split(self.s(n))
            .map(|part| T::try_from(part.to_owned()).map_err(|e| self.bad(n, e)))
            .collect()
    }

    fn text(&self, n: usize) -> String {
        self.s(n).to_owned()
    }

    fn date(&self, n: usize) -> Result<NaiveDate, KpiError> {
        if let Some(d) = iso_date(self.s(n)) {
            return Ok(d);
        }
        NaiveDate::parse_from_str(self.s(n), "%Y-%m-%d")
            .map_err(|e| self.bad(n, format_args!("not a date YYYY-MM-DD ({e})")))
    }

    fn opt_date(&self, n: usize) -> Result<Option<NaiveDate>, KpiError> {
        if self.s(n).is_empty() {
            Ok(None)
        } else {
            self.date(n).map(Some)
        }
    }

    fn flag(&self, n: usize) -> Result<bool, KpiError> {
        match self.s(n) {
            "true" | "1" | "yes" | "y" | "是" => Ok(true),
            "false" | "0" | "no" | "n" | "否" => Ok(false),
            "" if !self.columns[n].1 => Ok(false),
            _ => Err(self.bad(n, "not a flag: true/false, 1/0, yes/no or 是/否")),
        }
    }

    fn number<T: std::str::FromStr>(&self, n: usize) -> Result<T, KpiError>
    where
        T::Err: Display,
    {
        self.s(n).parse().map_err(|e| self.bad(n, e))
    }
}

/// `YYYY-MM-DD` with exactly these ten characters, without chrono's format machinery (a
/// quarter of the time of reading `results.csv` went there). Anything else, including invalid
/// dates, is left to `NaiveDate::parse_from_str`, which accepts or refuses it and says why.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// An id read from a field, sharing the `Arc` of an equal id read before when there is one:
/// ids repeat row after row (a task's drawn targets and results), and a shared id costs no
/// allocation, and compares equal by pointer in the KPI passes.
fn shared_id<T>(f: &Fields<'_>, n: usize, known: Option<&T>) -> Result<T, KpiError>
where
    T: Clone + AsRef<str> + TryFrom<String, Error = crate::ids::IdError>,
{
    match known {
        Some(id) if id.as_ref() == f.s(n) => Ok(id.clone()),
        _ => f.id(n),
    }
}

/// The parts of a `;`-separated list; an empty field is an empty list.
fn split(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；'])
        .map(str::trim)
        .filter(move |_| !s.is_empty())
}

/// The line each row of each table starts on, for errors found after parsing.
#[derive(Default)]
struct Lines([Vec<u64>; Table::ALL.len()]);

fn read<T: Send>(
    table: Table,
    text: &str,
    columns: &'static [(&'static str, bool)],
    lines: &mut Lines,
    row: impl FnMut(&Fields<'_>) -> Result<T, KpiError>,
) -> Result<Vec<T>, KpiError> {
    read_split(table, text, columns, lines, 0, || row_never::<T>, row)
}

/// A row reader that is never called (for tables read on one thread).
fn row_never<T>(_: &Fields<'_>) -> Result<T, KpiError> {
    unreachable!("tables below the split size are read on one thread")
}

/// Below this size a table is read on one thread.
const SPLIT_FROM: usize = if cfg!(test) { 64 } else { 4 << 20 };

/// Reads a table; a table of at least `split_from` bytes in two halves on two threads.
///
/// How the halves stay exact: the second half starts after the newline nearest the middle and
/// is read speculatively (with a row reader from `second`) while this thread reads the first
/// half from the start. The split is a record boundary when this thread's reader, which sees
/// every quote from the start, begins a record exactly there; then the second half's rows are
/// the rows the first reader would have read. Otherwise, or when the second half met any
/// error, its work is dropped and this thread reads on to the end, so that every error is the
/// one a single reader gives, on the same line.
fn read_split<T: Send, R>(
    table: Table,
    text: &str,
    columns: &'static [(&'static str, bool)],
    lines: &mut Lines,
    split_from: usize,
    second: impl FnOnce() -> R + Send,
    mut row: impl FnMut(&Fields<'_>) -> Result<T, KpiError>,
) -> Result<Vec<T>, KpiError>
where
    R: FnMut(&Fields<'_>) -> Result<T, KpiError>,
{
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let csv_error = |e: csv::Error| KpiError::Csv {
        table,
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let body = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(body.as_bytes());
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut pos = vec![None; columns.len()];
    for (p, h) in headers.iter().enumerate() {
        let h = h.trim();
        match columns.iter().position(|(c, _)| *c == h) {
            Some(n) if pos[n].is_none() => pos[n] = Some(p),
            Some(_) => {
                return Err(KpiError::Csv {
                    table,
                    line: 1,
                    message: format!("column {h:?} appears twice"),
                });
            }
            None => {
                return Err(KpiError::Csv {
                    table,
                    line: 1,
                    message: format!(
                        "unknown column {h:?}; the columns are {}",
                        columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
    }
    for (n, (name, required)) in columns.iter().enumerate() {
        if *required && pos[n].is_none() {
            return Err(KpiError::MissingColumn {
                table,
                column: name,
            });
        }
    }
    let width = headers.len();
    // Rows per byte from the first 64 KiB, to reserve the vectors once.
    let sample = &body.as_bytes()[..body.len().min(1 << 16)];
    let per_row = sample.len() / sample.iter().filter(|&&b| b == b'\n').count().max(1);
    let expected = body.len() / per_row.max(1) + 16;
    let split = if split_from > 0 && body.len() >= split_from {
        body.as_bytes()[body.len() / 2..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| body.len() / 2 + i + 1)
            .filter(|&s| s < body.len())
    } else {
        None
    };
    let pos = &pos;
    let read_second = |split: usize| -> Option<(Vec<T>, Vec<u64>)> {
        let offset = body.as_bytes()[..split]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let mut row = second();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&body.as_bytes()[split..]);
        let mut out = Vec::with_capacity(expected / 2 + 16);
        let mut starts = Vec::with_capacity(expected / 2 + 16);
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).ok()? {
            if record.len() != width {
                return None;
            }
            let fields = Fields {
                table,
                line: record.position().map_or(0, |p| p.line()) + offset,
                columns,
                pos,
                record: &record,
            };
            starts.push(fields.line);
            out.push(row(&fields).ok()?);
        }
        Some((out, starts))
    };
    let mut out = Vec::with_capacity(expected);
    let mut starts = std::mem::take(&mut lines.0[table as usize]);
    starts.reserve(expected);
    let mut record = csv::StringRecord::new();
    // Reads rows (from the one in `record` when `resume`) up to `stop`: `Some(exact)` when
    // it stopped there, `exact` when the record there starts exactly at it.
    let mut first = |stop: Option<usize>, resume: bool| -> Result<Option<bool>, KpiError> {
        let mut pending = resume;
        loop {
            if !pending {
                match reader.read_record(&mut record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {}
                    Err(e) => return Err(csv_error(e)),
                }
            }
            pending = false;
            let at = record.position().map_or(0, |p| p.byte()) as usize;
            if let Some(s) = stop.filter(|&s| at >= s) {
                return Ok(Some(at == s));
            }
            let fields = Fields {
                table,
                line: record.position().map_or(0, |p| p.line()),
                columns,
                pos,
                record: &record,
            };
            starts.push(fields.line);
            out.push(row(&fields)?);
        }
    };
    let (stopped, rest) = match split {
        None => (first(None, false)?, None),
        Some(split) => std::thread::scope(|s| {
            let other = s.spawn(|| read_second(split));
            let stopped = first(Some(split), false);
            let rest = other.join().unwrap_or(None);
            stopped.map(|e| (e, rest))
        })?,
    };
    match (stopped, rest) {
        (Some(true), Some((rows, lines_rest))) => {
            out.extend(rows);
            starts.extend(lines_rest);
        }
        // Not a boundary, or the second half met an error: read on from the record read
        // last on this thread.
        (Some(_), _) => {
            first(None, true)?;
        }
        (None, _) => {}
    }
    lines.0[table as usize] = starts;
    Ok(out)
}

impl KpiInput {
    /// Reads the tables from their CSV text (no file system: the caller reads the files).
    ///
    /// The year is the `year` column of `plans.csv` (every plan must agree), or, without
    /// plans, the year of the first task's launch.
    ///
    /// # Errors
    ///
    /// [`KpiError::Csv`], [`KpiError::MissingColumn`] and [`KpiError::BadValue`] for text that
    /// cannot be read (naming the file, line and column), then every error of
    /// [`KpiInput::validate`], which is called on the result.
    pub fn from_csv(csv: &KpiCsv) -> Result<KpiInput, KpiError> {
        let mut lines = Lines::default();
        let departments = read(
            Table::Departments,
            &csv.departments,
            DEPARTMENTS,
            &mut lines,
            |f| {
                Ok(DepartmentRow {
                    id: f.id(0)?,
                    name: f.text(1),
                })
            },
        )?;
        let items = read(Table::Items, &csv.items, ITEMS, &mut lines, |f| {
            Ok(ItemRow {
                id: f.id(0)?,
                department: f.id(1)?,
            })
        })?;
        let plans = read(Table::Plans, &csv.plans, PLANS, &mut lines, |f| {
            Ok(PlanRow {
                id: f.id(0)?,
                year: f.number(1)?,
                department: f.id(2)?,
                kind: match f.s(3) {
                    "single" | "单部门" => PlanKindFlag::Single,
                    "joint" | "部门联合" => PlanKindFlag::Joint,
                    _ => return Err(f.bad(3, "not a plan kind: single or joint")),
                },
                participants: f.ids(4)?,
                items: f.ids(5)?,
                special: f.flag(6)?,
                deleted: f.flag(7)?,
                deletion_reason: f.text(8),
            })
        })?;
        let tasks = read(Table::Tasks, &csv.tasks, TASKS, &mut lines, |f| {
            Ok(TaskRow {
                id: f.id(0)?,
                plans: f.ids(1)?,
                lead: f.id(2)?,
                participants: f.ids(3)?,
                joint: f.flag(4)?,
                graded: f.flag(5)?,
                created_on: f.date(6)?,
                due_on: f.opt_date(7)?,
                completed_on: f.opt_date(8)?,
            })
        })?;
        // Task ids of the later tables share the `Arc`s of tasks.csv: the row's task is
        // looked up when it differs from the previous row's.
        let task_ids: FxMap<&str, &TaskId> = {
            let mut m = map_with_capacity(tasks.len());
            for t in &tasks {
                m.entry(t.id.as_str()).or_insert(&t.id);
            }
            m
        };
        let task_of = |f: &Fields<'_>, prev: &mut Option<TaskId>| -> Result<TaskId, KpiError> {
            let known = match prev.take() {
                Some(p) if p.as_str() == f.s(0) => Some(p),
                _ => task_ids.get(f.s(0)).map(|&t| t.clone()),
            };
            let id = shared_id(f, 0, known.as_ref())?;
            *prev = Some(id.clone());
            Ok(id)
        };
        let drawn_row = |prev: &mut Option<TaskId>, f: &Fields<'_>| {
            Ok(DrawnRow {
                task: task_of(f, prev)?,
                target: f.id(1)?,
                stratum: if f.s(2).is_empty() {
                    None
                } else {
                    Some(f.number::<Stratum>(2)?)
                },
                inclusion_probability: if f.s(3).is_empty() {
                    None
                } else {
                    Some(f.number::<f64>(3)?)
                },
            })
        };
        let mut prev = None;
        let drawn = read_split(
            Table::Drawn,
            &csv.drawn,
            DRAWN,
            &mut lines,
            SPLIT_FROM,
            || {
                let mut prev = None;
                move |f: &Fields<'_>| drawn_row(&mut prev, f)
            },
            |f| drawn_row(&mut prev, f),
        )?;
        // A result's target shares the `Arc` of its drawn row, found after the previous
        // result's (results usually follow the draw) or from its task's first drawn row.
        let mut first_drawn: FxMap<&str, usize> = map_with_capacity(tasks.len());
        for (i, d) in drawn.iter().enumerate() {
            if i == 0 || drawn[i - 1].task != d.task {
                first_drawn.entry(d.task.as_str()).or_insert(i);
            }
        }
        let result_row = |state: &mut (Option<TaskId>, usize), f: &Fields<'_>| {
            // Codes first: their errors come before the ids', as they always have.
            let mut codes = ResultCodes::new();
            for part in split(f.s(2)) {
                let known = ResultCodes::bit_of_text(part)
                    .map(|b| codes.insert_bit(b))
                    .ok_or(());
                let inserted = match known {
                    Ok(new) => Ok(new),
                    Err(()) => codes.insert(&ResultCode::from(part)),
                };
                match inserted {
                    Ok(true) => {}
                    Ok(false) => {
                        return Err(f.bad(2, format_args!("result code {part:?} is repeated")));
                    }
                    Err(e) => return Err(f.bad(2, e)),
                }
            }
            let task = task_of(f, &mut state.0)?;
            let next = state.1;
            let text = f.s(1);
            let hit = |i: usize| {
                drawn
                    .get(i)
                    .is_some_and(|d| d.task == task && d.target.as_str() == text)
            };
            let found = if hit(next) {
                Some(next)
            } else {
                let base = match drawn.get(next) {
                    Some(d) if d.task == task => next,
                    _ => first_drawn.get(task.as_str()).copied().unwrap_or(next),
                };
                (base..(base + 64).min(drawn.len())).find(|&i| hit(i))
            };
            let target = match found {
                Some(i) => {
                    state.1 = i + 1;
                    drawn[i].target.clone()
                }
                None => f.id(1)?,
            };
            Ok(ResultRow {
                task,
                target,
                codes,
                inspected_on: f.date(3)?,
                entered_on: f.date(4)?,
                mobile: f.flag(5)?,
                published_on: f.opt_date(6)?,
            })
        };
        let mut state = (None, 0);
        let results = read_split(
            Table::Results,
            &csv.results,
            RESULTS,
            &mut lines,
            SPLIT_FROM,
            || {
                let mut state = (None, 0);
                move |f: &Fields<'_>| result_row(&mut state, f)
            },
            |f| result_row(&mut state, f),
        )?;
        let mut prev = None;
        let follow_ups = read(
            Table::FollowUps,
            &csv.follow_ups,
            FOLLOW_UPS,
            &mut lines,
            |f| {
                Ok(FollowUpRow {
                    task: task_of(f, &mut prev)?,
                    target: f.id(1)?,
                    kind: match f.s(2) {
                        "none_needed" | "无需后续处置" => FollowUpKind::NoneNeeded,
                        "rectified" | "已整改" => FollowUpKind::Rectified,
                        "case_transferred" | "移送立案" => FollowUpKind::CaseTransferred,
                        "referred" | "移交其他部门" => FollowUpKind::Referred,
                        _ => {
                            return Err(f.bad(
                            2,
                            "not a follow-up kind: none_needed, rectified, case_transferred, referred",
                        ));
                        }
                    },
                    opened_on: f.date(3)?,
                    closed_on: f.opt_date(4)?,
                })
            },
        )?;
        let unplanned = read(
            Table::Unplanned,
            &csv.unplanned,
            UNPLANNED,
            &mut lines,
            |f| {
                Ok(UnplannedRow {
                    id: {
                        let s = f.text(0);
                        crate::ids::check_id("check", &s).map_err(|e| f.bad(0, e))?;
                        s
                    },
                    department: f.id(1)?,
                    date: f.date(2)?,
                    reason: f.text(3),
                    targets: f.number(4)?,
                })
            },
        )?;
        let year = match (plans.first(), tasks.first()) {
            (Some(p), _) => p.year,
            (None, Some(t)) => t.created_on.year(),
            (None, None) => return Err(KpiError::NoYear),
        };
        let input = KpiInput {
            year,
            departments,
            items,
            plans,
            tasks,
            drawn,
            results,
            follow_ups,
            unplanned,
        };
        input.validate().map_err(|e| {
            e.relocate(|table, line| {
                // Validation counts rows (the header is line 1); the file may not.
                let row = line.checked_sub(2).and_then(|r| usize::try_from(r).ok());
                row.and_then(|r| lines.0[table as usize].get(r).copied())
                    .unwrap_or(line)
            })
        })?;
        Ok(input)
    }

    /// Writes the tables as CSV text, in the columns of `docs/KPI.md`; reading them back with
    /// [`KpiInput::from_csv`] gives an equal input.
    pub fn to_csv(&self) -> KpiCsv {
        fn join<T: AsRef<str>>(v: &[T]) -> String {
            v.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(";")
        }
        fn date(d: Option<NaiveDate>) -> String {
            d.map(|d| d.to_string()).unwrap_or_default()
        }
        fn flag(b: bool) -> &'static str {
            if b { "true" } else { "false" }
        }
        fn write<'a, I, R>(columns: &[(&str, bool)], rows: I) -> String
        where
            I: IntoIterator<Item = R>,
            R: IntoIterator<Item = std::borrow::Cow<'a, str>>,
        {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            // Writing to memory cannot fail; a failure would leave the table short, which
            // the round-trip test would catch.
            let _ = w.write_record(columns.iter().map(|c| c.0));
            for r in rows {
                let r: Vec<std::borrow::Cow<'a, str>> = r.into_iter().collect();
                let _ = w.write_record(r.iter().map(|c| c.as_bytes()));
            }
            let bytes = w.into_inner().unwrap_or_default();
            String::from_utf8(bytes).unwrap_or_default()
        }
        use std::borrow::Cow::{Borrowed as B, Owned as O};
        KpiCsv {
            departments: write(
                DEPARTMENTS,
                self.departments
                    .iter()
                    .map(|d| [B(d.id.as_str()), B(d.name.as_str())]),
            ),
            items: write(
                ITEMS,
                self.items
                    .iter()
                    .map(|d| [B(d.id.as_str()), B(d.department.as_str())]),
            ),
            plans: write(
                PLANS,
                self.plans.iter().map(|p| {
                    [
                        B(p.id.as_str()),
                        O(p.year.to_string()),
                        B(p.department.as_str()),
                        B(match p.kind {
                            PlanKindFlag::Single => "single",
                            PlanKindFlag::Joint => "joint",
                        }),
                        O(join(&p.participants)),
                        O(join(&p.items)),
                        B(flag(p.special)),
                        B(flag(p.deleted)),
                        B(p.deletion_reason.as_str()),
                    ]
                }),
            ),
            tasks: write(
                TASKS,
                self.tasks.iter().map(|t| {
                    [
                        B(t.id.as_str()),
                        O(join(&t.plans)),
                        B(t.lead.as_str()),
                        O(join(&t.participants)),
                        B(flag(t.joint)),
                        B(flag(t.graded)),
                        O(t.created_on.to_string()),
                        O(date(t.due_on)),
                        O(date(t.completed_on)),
                    ]
                }),
            ),
            drawn: write(
                DRAWN,
                self.drawn.iter().map(|d| {
                    [
                        B(d.task.as_str()),
                        B(d.target.as_str()),
                        B(d.stratum.map_or("", |s| s.name())),
                        O(d.inclusion_probability
                            .map(|p| p.to_string())
                            .unwrap_or_default()),
                    ]
                }),
            ),
            results: write(
                RESULTS,
                self.results.iter().map(|r| {
                    [
                        B(r.task.as_str()),
                        B(r.target.as_str()),
                        O(r.codes.to_string()),
                        O(r.inspected_on.to_string()),
                        O(r.entered_on.to_string()),
                        B(flag(r.mobile)),
                        O(date(r.published_on)),
                    ]
                }),
            ),
            follow_ups: write(
                FOLLOW_UPS,
                self.follow_ups.iter().map(|f| {
                    [
                        B(f.task.as_str()),
                        B(f.target.as_str()),
                        B(f.kind.name()),
                        O(f.opened_on.to_string()),
                        O(date(f.closed_on)),
                    ]
                }),
            ),
            unplanned: write(
                UNPLANNED,
                self.unplanned.iter().map(|u| {
                    [
                        B(u.id.as_str()),
                        B(u.department.as_str()),
                        O(u.date.to_string()),
                        B(u.reason.as_str()),
                        O(u.targets.to_string()),
                    ]
                }),
            ),
        }
    }
}
