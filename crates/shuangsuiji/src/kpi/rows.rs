//! The rows of the KPI tables, read the same way from every source.
//!
//! [`build`] holds one row reader per table (ids, dates, flags, numbers, codes, with the
//! errors naming table, line and field) and the final [`KpiInput::validate`]. A source of
//! tables ([`Tables`]) only finds the columns by header name and hands each row to the
//! reader: CSV text ([`KpiInput::from_csv`]) or in-memory columns
//! ([`KpiInput::from_columns`]), so both refuse the same values with the same errors.

use super::codes::ResultCodes;
use super::columns::ColumnSource;
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
use std::fmt::Display;

/// The columns of each table: name and whether it must be present.
pub(super) const DEPARTMENTS: &[(&str, bool)] = &[("id", true), ("name", true)];
pub(super) const ITEMS: &[(&str, bool)] = &[("id", true), ("department", true)];
pub(super) const PLANS: &[(&str, bool)] = &[
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
pub(super) const TASKS: &[(&str, bool)] = &[
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
pub(super) const DRAWN: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("stratum", false),
    ("inclusion_probability", false),
];
pub(super) const RESULTS: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("codes", true),
    ("inspected_on", true),
    ("entered_on", true),
    ("mobile", true),
    ("published_on", false),
];
pub(super) const FOLLOW_UPS: &[(&str, bool)] = &[
    ("task", true),
    ("target", true),
    ("kind", true),
    ("opened_on", true),
    ("closed_on", false),
];
pub(super) const UNPLANNED: &[(&str, bool)] = &[
    ("id", true),
    ("department", true),
    ("date", true),
    ("reason", true),
    ("targets", true),
];

/// One row with its columns resolved: what every row reader of [`build`] reads.
pub(super) struct Fields<'r> {
    pub(super) table: Table,
    /// The line reported in errors: where the record starts in a CSV text, `row + 2` in a
    /// column source.
    pub(super) line: u64,
    pub(super) columns: &'static [(&'static str, bool)],
    /// The position in the source of each of `columns` (`None`: the column is absent).
    pub(super) pos: &'r [Option<usize>],
    pub(super) cells: Cells<'r>,
}

/// Where a row's cells come from.
pub(super) enum Cells<'r> {
    /// A CSV record.
    Record(&'r csv::StringRecord),
    /// Row `.1` (0-based) of a column source.
    Row(&'r dyn ColumnSource, usize),
}

impl Fields<'_> {
    /// The text of column `n`; an absent column or a null cell is the empty text, as an
    /// empty CSV field.
    #[inline]
    pub(super) fn s(&self, n: usize) -> &str {
        let Some(p) = self.pos[n] else {
            return "";
        };
        match self.cells {
            Cells::Record(record) => record.get(p),
            Cells::Row(source, row) => source.cell(row, p),
        }
        .unwrap_or_default()
    }

    pub(super) fn bad(&self, n: usize, message: impl Display) -> KpiError {
        KpiError::BadValue {
            table: self.table,
            line: self.line,
            field: self.columns[n].0,
            value: self.s(n).to_owned(),
            message: message.to_string(),
        }
    }

    pub(super) fn id<T: TryFrom<String, Error = crate::ids::IdError>>(
        &self,
        n: usize,
    ) -> Result<T, KpiError> {
        T::try_from(self.s(n).to_owned()).map_err(|e| self.bad(n, e))
    }

    pub(super) fn ids<T: TryFrom<String, Error = crate::ids::IdError>>(
        &self,
        n: usize,
    ) -> Result<Vec<T>, KpiError> {
        split(self.s(n))
            .map(|part| T::try_from(part.to_owned()).map_err(|e| self.bad(n, e)))
            .collect()
    }

    pub(super) fn text(&self, n: usize) -> String {
        self.s(n).to_owned()
    }

    pub(super) fn date(&self, n: usize) -> Result<NaiveDate, KpiError> {
        if let Some(d) = iso_date(self.s(n)) {
            return Ok(d);
        }
        NaiveDate::parse_from_str(self.s(n), "%Y-%m-%d")
            .map_err(|e| self.bad(n, format_args!("not a date YYYY-MM-DD ({e})")))
    }

    pub(super) fn opt_date(&self, n: usize) -> Result<Option<NaiveDate>, KpiError> {
        if self.s(n).is_empty() {
            Ok(None)
        } else {
            self.date(n).map(Some)
        }
    }

    pub(super) fn flag(&self, n: usize) -> Result<bool, KpiError> {
        match self.s(n) {
            "true" | "1" | "yes" | "y" | "是" => Ok(true),
            "false" | "0" | "no" | "n" | "否" => Ok(false),
            "" if !self.columns[n].1 => Ok(false),
            _ => Err(self.bad(n, "not a flag: true/false, 1/0, yes/no or 是/否")),
        }
    }

    pub(super) fn number<T: std::str::FromStr>(&self, n: usize) -> Result<T, KpiError>
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
pub(super) fn shared_id<T>(f: &Fields<'_>, n: usize, known: Option<&T>) -> Result<T, KpiError>
where
    T: Clone + AsRef<str> + TryFrom<String, Error = crate::ids::IdError>,
{
    match known {
        Some(id) if id.as_ref() == f.s(n) => Ok(id.clone()),
        _ => f.id(n),
    }
}

/// The parts of a `;`-separated list; an empty field is an empty list.
pub(super) fn split(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；'])
        .map(str::trim)
        .filter(move |_| !s.is_empty())
}

/// The line each row of each table starts on, for errors found after parsing.
#[derive(Default)]
pub(super) struct Lines(pub(super) [Vec<u64>; Table::ALL.len()]);

/// The columns of a table found in a header: the position of each of `columns`, from the
/// header's names (trimmed) with their positions.
///
/// # Errors
///
/// [`KpiError::Csv`] on line 1 for a name that is not a column of the table or that appears
/// twice, [`KpiError::MissingColumn`] when a required column is absent.
pub(super) fn positions<'h>(
    table: Table,
    columns: &'static [(&'static str, bool)],
    header: impl IntoIterator<Item = (usize, &'h str)>,
) -> Result<Vec<Option<usize>>, KpiError> {
    let mut pos = vec![None; columns.len()];
    for (p, h) in header {
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
    Ok(pos)
}

/// A source of the eight tables.
pub(super) trait Tables {
    /// Reads `table`: checks its header against `columns` ([`positions`]), then hands every
    /// row to `row`, in order, and returns the rows (an absent table is empty). When `split`
    /// and the table is large, the source may read its second half on another thread with a
    /// reader made there by `second`; the rows and the error must be those of one pass (the
    /// first bad row in table order). A source whose lines are not `row + 2` records the line
    /// of each row in `lines`, for validation errors.
    fn read<T: Send, R>(
        &self,
        table: Table,
        columns: &'static [(&'static str, bool)],
        lines: &mut Lines,
        split: bool,
        second: impl FnOnce() -> R + Send,
        row: impl FnMut(&Fields<'_>) -> Result<T, KpiError>,
    ) -> Result<Vec<T>, KpiError>
    where
        R: FnMut(&Fields<'_>) -> Result<T, KpiError>;
}

/// Reads a table on one thread.
fn read_one<T: Send>(
    tables: &impl Tables,
    table: Table,
    columns: &'static [(&'static str, bool)],
    lines: &mut Lines,
    row: impl FnMut(&Fields<'_>) -> Result<T, KpiError>,
) -> Result<Vec<T>, KpiError> {
    tables.read(table, columns, lines, false, || row_never::<T>, row)
}

/// A row reader that is never called (for tables read on one thread).
fn row_never<T>(_: &Fields<'_>) -> Result<T, KpiError> {
    unreachable!("tables read without `split` are read on one thread")
}

/// Reads every table of `tables` with the row readers, then validates the input.
///
/// The year is the `year` column of `plans` (every plan must agree), or, without plans, the
/// year of the first task's launch. Validation errors count rows from line 2; they are moved
/// to the lines recorded in `Lines` where the source recorded any.
pub(super) fn build(tables: &impl Tables) -> Result<KpiInput, KpiError> {
    let (input, lines) = read_rows(tables)?;
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

/// The rows of every table, read but not validated, with the lines they start on.
pub(super) fn read_rows(tables: &impl Tables) -> Result<(KpiInput, Lines), KpiError> {
    let mut lines = Lines::default();
    let departments = read_one(tables, Table::Departments, DEPARTMENTS, &mut lines, |f| {
        Ok(DepartmentRow {
            id: f.id(0)?,
            name: f.text(1),
        })
    })?;
    let items = read_one(tables, Table::Items, ITEMS, &mut lines, |f| {
        Ok(ItemRow {
            id: f.id(0)?,
            department: f.id(1)?,
        })
    })?;
    let plans = read_one(tables, Table::Plans, PLANS, &mut lines, |f| {
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
    let tasks = read_one(tables, Table::Tasks, TASKS, &mut lines, |f| {
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
    let drawn = tables.read(
        Table::Drawn,
        DRAWN,
        &mut lines,
        true,
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
    let results = tables.read(
        Table::Results,
        RESULTS,
        &mut lines,
        true,
        || {
            let mut state = (None, 0);
            move |f: &Fields<'_>| result_row(&mut state, f)
        },
        |f| result_row(&mut state, f),
    )?;
    let mut prev = None;
    let follow_ups = read_one(tables, Table::FollowUps, FOLLOW_UPS, &mut lines, |f| {
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
    })?;
    let unplanned = read_one(tables, Table::Unplanned, UNPLANNED, &mut lines, |f| {
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
    })?;
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
    Ok((input, lines))
}
