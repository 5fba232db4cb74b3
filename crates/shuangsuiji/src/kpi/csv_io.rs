//! The CSV form of [`KpiInput`]: one text per table, read and written in memory.
//!
//! The `csv` crate does the quoting (names with commas, quotes or line breaks survive); this
//! module only maps columns to fields, so that every bad field is reported with its file, line
//! and column. Multi-valued fields (participants, plans, items, result codes) are separated by
//! `;`. Columns are found by header name, in any order; unknown columns are refused, because a
//! misspelt optional column would otherwise be read as empty.

use super::input::{KpiInput, PlanKindFlag};
use super::rows::{
    Cells, DEPARTMENTS, DRAWN, FOLLOW_UPS, Fields, ITEMS, Lines, PLANS, RESULTS, TASKS, Tables,
    UNPLANNED, build, positions,
};
use super::{KpiError, Table};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    let pos = positions(table, columns, headers.iter().enumerate())?;
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
                cells: Cells::Record(&record),
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
                cells: Cells::Record(&record),
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

/// CSV text is read with `csv`'s reader; `drawn` and `results` in halves ([`read_split`])
/// from [`SPLIT_FROM`] bytes. Lines are those of the text (a quoted field may span lines), so
/// every row's line is recorded in `lines` for validation errors.
impl Tables for KpiCsv {
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
        R: FnMut(&Fields<'_>) -> Result<T, KpiError>,
    {
        let split_from = if split { SPLIT_FROM } else { 0 };
        read_split(
            table,
            self.get(table),
            columns,
            lines,
            split_from,
            second,
            row,
        )
    }
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
        build(csv)
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
