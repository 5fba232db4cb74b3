//! The tables of [`KpiInput`] from columns in memory (data frames, Arrow tables, …).
//!
//! A caller that holds its tables as columns implements [`ColumnSource`] over them (names,
//! row count, the text of a cell) and calls [`KpiInput::from_columns`]. The cells go straight
//! into the row readers that [`KpiInput::from_csv`] uses, with no CSV text in between, so a
//! column source and the CSV file of the same table are refused with the same errors.
//!
//! [`KpiInput::from_columns`] documents the lines, headers and threads.

use super::rows::{Cells, Fields, Lines, Tables, positions};
use super::{KpiError, KpiInput, Table};

/// A table held as columns: names, a row count, and the text of each cell.
///
/// Every cell is read as text, exactly as the same text in the table's CSV file would be: a
/// date is `YYYY-MM-DD`, a flag `true`/`false` (or the other spellings of `docs/KPI.md`), a
/// multi-valued field `;`-separated. The reader calls [`ColumnSource::cell`] only with
/// `row < num_rows()` and `column < num_columns()`, possibly from two threads at once, so
/// a cell should be cheap to reach: an implementation over chunked columns finds the chunk
/// without allocating.
pub trait ColumnSource: Send + Sync {
    /// The number of columns.
    fn num_columns(&self) -> usize;

    /// The name of a column (its CSV header).
    fn column_name(&self, column: usize) -> &str;

    /// The number of rows (the header not counted).
    fn num_rows(&self) -> usize;

    /// The text of a cell; `None` (null) reads as an empty field.
    fn cell(&self, row: usize, column: usize) -> Option<&str>;
}

/// The column source of each table; `None` is an empty table (like a missing CSV file).
#[derive(Clone, Copy, Default)]
pub struct KpiColumns<'a> {
    /// `departments.csv`.
    pub departments: Option<&'a dyn ColumnSource>,
    /// `items.csv`.
    pub items: Option<&'a dyn ColumnSource>,
    /// `plans.csv`.
    pub plans: Option<&'a dyn ColumnSource>,
    /// `tasks.csv`.
    pub tasks: Option<&'a dyn ColumnSource>,
    /// `drawn.csv`.
    pub drawn: Option<&'a dyn ColumnSource>,
    /// `results.csv`.
    pub results: Option<&'a dyn ColumnSource>,
    /// `follow_ups.csv`.
    pub follow_ups: Option<&'a dyn ColumnSource>,
    /// `unplanned.csv`.
    pub unplanned: Option<&'a dyn ColumnSource>,
}

impl std::fmt::Debug for KpiColumns<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("KpiColumns");
        for t in Table::ALL {
            let shape = self
                .get(t)
                .map(|s| (s.num_rows(), s.num_columns()))
                .map(|(r, c)| format!("{r} rows × {c} columns"));
            d.field(t.file_name(), &shape);
        }
        d.finish()
    }
}

impl<'a> KpiColumns<'a> {
    /// The source of a table.
    pub fn get(&self, table: Table) -> Option<&'a dyn ColumnSource> {
        match table {
            Table::Departments => self.departments,
            Table::Items => self.items,
            Table::Plans => self.plans,
            Table::Tasks => self.tasks,
            Table::Drawn => self.drawn,
            Table::Results => self.results,
            Table::FollowUps => self.follow_ups,
            Table::Unplanned => self.unplanned,
        }
    }

    /// Sets the source of a table.
    pub fn set(&mut self, table: Table, source: &'a dyn ColumnSource) {
        let slot = match table {
            Table::Departments => &mut self.departments,
            Table::Items => &mut self.items,
            Table::Plans => &mut self.plans,
            Table::Tasks => &mut self.tasks,
            Table::Drawn => &mut self.drawn,
            Table::Results => &mut self.results,
            Table::FollowUps => &mut self.follow_ups,
            Table::Unplanned => &mut self.unplanned,
        };
        *slot = Some(source);
    }
}

/// From this many rows `drawn` and `results` are read in two halves on two threads (in tests
/// from 8 rows, so that the small fixtures take the split).
pub(super) const SPLIT_ROWS: usize = if cfg!(test) { 8 } else { 1 << 16 };

/// Column sources keep no `Lines`: their lines are `row + 2`, the lines validation reports.
impl Tables for KpiColumns<'_> {
    fn read<T: Send, R>(
        &self,
        table: Table,
        columns: &'static [(&'static str, bool)],
        _lines: &mut Lines,
        split: bool,
        second: impl FnOnce() -> R + Send,
        mut row: impl FnMut(&Fields<'_>) -> Result<T, KpiError>,
    ) -> Result<Vec<T>, KpiError>
    where
        R: FnMut(&Fields<'_>) -> Result<T, KpiError>,
    {
        let Some(source) = self.get(table) else {
            return Ok(Vec::new());
        };
        let header: Vec<(usize, &str)> = (0..source.num_columns())
            .map(|p| {
                let name = source.column_name(p);
                let name = if p == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    name
                };
                (p, name)
            })
            .filter(|(_, name)| !name.starts_with("__index_level_"))
            .collect();
        if header.is_empty() {
            return Ok(Vec::new());
        }
        let pos = positions(table, columns, header)?;
        let pos = &pos;
        // Rows `range` through `reader`, stopping at the first error.
        let rows_of = |range: std::ops::Range<usize>,
                       reader: &mut dyn FnMut(&Fields<'_>) -> Result<T, KpiError>|
         -> Result<Vec<T>, KpiError> {
            let mut out = Vec::with_capacity(range.len());
            for r in range {
                let fields = Fields {
                    table,
                    line: r as u64 + 2,
                    columns,
                    pos,
                    cells: Cells::Row(source, r),
                };
                out.push(reader(&fields)?);
            }
            Ok(out)
        };
        let n = source.num_rows();
        if !split || n < SPLIT_ROWS {
            return rows_of(0..n, &mut row);
        }
        let mid = n / 2;
        let (first, second) = std::thread::scope(|s| {
            let other = s.spawn(|| {
                let mut reader = second();
                rows_of(mid..n, &mut reader)
            });
            let first = rows_of(0..mid, &mut row);
            match other.join() {
                Ok(second) => (first, second),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        // The first half's error comes first in the table; only without one does the second
        // half's count.
        let mut out = first?;
        out.extend(second?);
        Ok(out)
    }
}

impl KpiInput {
    /// Reads the tables from column sources, through the row readers and checks of
    /// [`KpiInput::from_csv`].
    ///
    /// How a column source is read:
    ///
    /// - **Lines.** An error names the line `row + 2` (`row` 0-based): the line the row has in
    ///   the table's CSV file, whose header is line 1, so a data frame and the file it was read
    ///   from give the same error. Only a text cell holding a line break makes them differ: in
    ///   the file the rows after it start further down.
    /// - **Empty and absent tables.** An absent table, or a source without columns, is an empty
    ///   table, like a missing or empty CSV file; a source with columns but no rows still has its
    ///   header checked, like a CSV file with only its header.
    /// - **Header.** Names are trimmed; a byte-order mark at the start of the first name is dropped
    ///   (a CSV file's mark, as pandas keeps it when reading a file without `utf-8-sig`); columns
    ///   named `__index_level_…` (the index pandas adds when it converts a frame to Arrow) are
    ///   skipped. Then the checks of the CSV header: an unknown or repeated column is a
    ///   [`KpiError::Csv`] on line 1, a missing required one a [`KpiError::MissingColumn`].
    /// - **Null cells** are empty fields.
    /// - **Threads.** `drawn` and `results` of 65,536 (2¹⁶) rows or more are read in two
    ///   halves of the row range on two threads. Every row's result and error is independent
    ///   of the rows before it (the readers' state only shares equal ids), so the first error
    ///   in table order is the first half's when it has one, else the second half's: the
    ///   error one pass gives.
    ///
    /// ```
    /// use shuangsuiji::kpi::{ColumnSource, KpiColumns, KpiInput, Table};
    ///
    /// /// Columns of text, each a `Vec` (all of the same length).
    /// struct Text(Vec<(&'static str, Vec<Option<&'static str>>)>);
    ///
    /// impl ColumnSource for Text {
    ///     fn num_columns(&self) -> usize { self.0.len() }
    ///     fn column_name(&self, column: usize) -> &str { self.0[column].0 }
    ///     fn num_rows(&self) -> usize { self.0.first().map_or(0, |c| c.1.len()) }
    ///     fn cell(&self, row: usize, column: usize) -> Option<&str> { self.0[column].1[row] }
    /// }
    ///
    /// let departments = Text(vec![
    ///     ("id", vec![Some("D1")]),
    ///     ("name", vec![Some("市场监管局")]),
    /// ]);
    /// let tasks = Text(vec![
    ///     ("id", vec![Some("T1")]),
    ///     ("plans", vec![None]),
    ///     ("lead", vec![Some("D1")]),
    ///     ("joint", vec![Some("false")]),
    ///     ("created_on", vec![Some("2026-04-01")]),
    /// ]);
    /// let mut tables = KpiColumns::default();
    /// tables.set(Table::Departments, &departments);
    /// tables.set(Table::Tasks, &tasks);
    /// let input = KpiInput::from_columns(&tables)?;
    /// assert_eq!((input.year, input.tasks.len()), (2026, 1));
    ///
    /// // The errors of the CSV reader, on the line the row has in the CSV file.
    /// let bad = Text(vec![("id", vec![Some("D1"), Some("")]), ("name", vec![None, None])]);
    /// tables.set(Table::Departments, &bad);
    /// let e = KpiInput::from_columns(&tables).unwrap_err();
    /// assert!(e.to_string().starts_with("departments.csv, line 3, id \"\""), "{e}");
    /// # Ok::<(), shuangsuiji::kpi::KpiError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`KpiInput::from_csv`]: [`KpiError::Csv`] (for a header: an unknown or
    /// repeated column), [`KpiError::MissingColumn`] and [`KpiError::BadValue`] naming the
    /// table, line and column, then every error of [`KpiInput::validate`].
    pub fn from_columns(tables: &KpiColumns<'_>) -> Result<KpiInput, KpiError> {
        super::rows::build(tables)
    }
}
