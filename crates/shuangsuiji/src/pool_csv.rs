//! The CSV form of the two pools (两库): the target pool, its inspection history and the
//! inspector pool, read from and written to text in memory (this crate does no I/O: the CLI
//! reads the files, a platform passes the text through the C ABI).
//!
//! These are the files a department exports from a platform or a spreadsheet, so reading is
//! forgiving where it cannot change the meaning (a byte-order mark, column order, case and
//! spaces in the header, `是`/`否`, extra columns) and strict where it can: every value is
//! checked and every error ([`CsvError`]) names the file, the line (the header is line 1) and
//! the column. `file` is only a name for messages: a path, or the name of an argument. What is
//! worth telling the user but not an error (ignored columns) comes back as
//! [`Parsed::notes`].
//!
//! | text | columns | required | read by | written by |
//! |---|---|---|---|---|
//! | target pool | [`POOL_COLUMNS`] | `id`, `grade` | [`parse_pool`] | [`write_pool`] |
//! | inspection history | [`HISTORY_COLUMNS`] | `target_id`, `date`, `department` | [`parse_history`] | [`write_history`] |
//! | inspector pool | [`INSPECTOR_COLUMNS`] | `id`, `department` | [`parse_inspectors`] | [`write_inspectors`] |
//!
//! [`read_target_pool`] reads a pool text and its optional history text in one call, into the
//! adjustable pool. [`read_frozen_pool`] reads them straight into the frozen pool a draw uses,
//! with the same errors, without a [`Target`] per row: the path of every front that loads a
//! pool to draw or verify; [`PoolCsvReader`] does the same with text fed piece by piece, so
//! that a file of millions of rows is never held whole.
//! Lists inside one cell (tags, inspectors, items) are separated by [`LIST_SEPARATOR`].
//!
//! Writing produces exactly what reading accepts, so that a pool written and read back freezes
//! to the same digest: that is how the demo's files can be verified by hand.
//!
//! ```
//! use shuangsuiji::pool_csv::{read_frozen_pool, read_target_pool, write_history, write_pool};
//!
//! let pool = "id,grade,name,备注\nE1,A,\"甲, 乙\",x\nE2,,丙,\n";
//! let history = "target_id,date,department\nE1,2026-03-01,D01\n";
//! let read = read_target_pool("pool.csv", pool, Some(("history.csv", history)))?;
//! assert_eq!(read.notes, ["pool.csv: ignoring unknown columns `备注` (known columns: \
//!     id, credit_code, name, kind, region, industry, grid, status, grade, risk_score, \
//!     positive_list, tags)"]);
//! let frozen = read.value.freeze();
//!
//! // Straight into the frozen pool: the same pool, no adjustable pool on the way.
//! let direct = read_frozen_pool("pool.csv", pool, Some(("history.csv", history)))?;
//! assert_eq!(direct.value.pool().digest(), frozen.digest());
//! assert_eq!(direct.value.line_of(&"E2".try_into().unwrap()), Some(3));
//!
//! // Written and read back: the same pool, the same digest.
//! let again = read_target_pool(
//!     "again.csv",
//!     &write_pool("again.csv", &frozen.to_targets())?,
//!     Some(("again-history.csv", &write_history("again-history.csv", &frozen.to_targets())?)),
//! )?;
//! assert_eq!(again.value.freeze().digest(), frozen.digest());
//!
//! // Every error names the file, the line and the field.
//! let err = read_target_pool("pool.csv", "id,grade\nE1,A\nE2,E\n", None).unwrap_err();
//! assert_eq!((err.line(), err.field()), (Some(3), Some("grade")));
//! assert!(err.to_string().starts_with("pool.csv:3: field `grade`: \"E\" is not"));
//! # Ok::<(), shuangsuiji::pool_csv::CsvError>(())
//! ```

mod stream;

pub use stream::{
    HistoryCsvReader, PoolCsvReader, PoolCsvRows, PoolFile, lines_after_header, read_frozen_pool,
};

use crate::credit::CreditCode;
use crate::ids::{DeptId, InspectorId, ItemId, TargetId};
use crate::inspector::{Inspector, InspectorPool};
use crate::pool::PoolError;
use crate::pool::lookalike::{self, SkeletonIndex};
use crate::risk::RiskGrade;
use crate::target::{Inspection, MAX_RISK_SCORE, Target, TargetKind, TargetPool, TargetStatus};
use std::collections::HashMap;
use std::fmt;

/// The columns of a target-pool file, in the order they are written.
pub const POOL_COLUMNS: [&str; 12] = [
    "id",
    "credit_code",
    "name",
    "kind",
    "region",
    "industry",
    "grid",
    "status",
    "grade",
    "risk_score",
    "positive_list",
    "tags",
];
/// Columns a target-pool file must have.
pub const POOL_REQUIRED: [&str; 2] = ["id", "grade"];

/// The columns of an inspection-history file.
pub const HISTORY_COLUMNS: [&str; 5] = ["target_id", "date", "department", "item", "inspectors"];
/// Columns an inspection-history file must have.
pub const HISTORY_REQUIRED: [&str; 3] = ["target_id", "date", "department"];

/// The columns of an inspector-pool file.
pub const INSPECTOR_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "department",
    "unit",
    "certificate",
    "certificate_expiry",
    "region",
    "items",
    "tags",
    "expert",
    "active",
];

/// Columns an inspector-pool file must have.
pub const INSPECTOR_REQUIRED: [&str; 2] = ["id", "department"];

/// Lists inside one cell (tags, inspectors, items) are separated by this.
pub const LIST_SEPARATOR: char = ';';

/// A problem in a CSV text, located as precisely as it can be: always the file, and the line
/// and the field whenever the problem has one. Displayed as `FILE:LINE: field `F`: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    file: String,
    line: Option<u64>,
    field: Option<String>,
    problem: String,
    /// The data row (1-based, blank rows not counted) and, for a duplicate or look-alike id,
    /// the earlier row it repeats.
    row: Option<u64>,
    first_row: Option<u64>,
}

impl CsvError {
    fn in_file(file: &str, problem: impl Into<String>) -> CsvError {
        CsvError {
            file: file.to_owned(),
            line: None,
            field: None,
            problem: problem.into(),
            row: None,
            first_row: None,
        }
    }

    /// The same problem, at data row `row` (1-based).
    fn in_row(self, row: usize) -> CsvError {
        CsvError {
            row: Some(row as u64),
            ..self
        }
    }

    /// The same problem, at data row `row`, repeating the id of data row `first`.
    fn in_rows(self, first: usize, row: usize) -> CsvError {
        CsvError {
            first_row: Some(first as u64),
            ..self.in_row(row)
        }
    }

    fn at_line(file: &str, line: u64, problem: impl Into<String>) -> CsvError {
        CsvError {
            line: Some(line),
            ..CsvError::in_file(file, problem)
        }
    }

    fn at_field(file: &str, line: u64, field: &str, problem: impl Into<String>) -> CsvError {
        CsvError {
            field: Some(field.to_owned()),
            ..CsvError::at_line(file, line, problem)
        }
    }
}

impl CsvError {
    /// The file (or argument) named when the text was read or written.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The line (1-based, the header is line 1; a row spanning lines is at its first), when the
    /// problem is on one line.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The column (as in [`POOL_COLUMNS`] and the others), when the problem is in one cell.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong, without the place.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The data row of the problem (1-based, the first row after the header is row 1, blank
    /// rows not counted), when it is in one row of a pool or history text.
    pub fn row(&self) -> Option<u64> {
        self.row
    }

    /// For a duplicate or look-alike id, the earlier data row whose id it repeats.
    pub fn first_row(&self) -> Option<u64> {
        self.first_row
    }
}

impl std::error::Error for CsvError {}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// A value read from a text, with remarks for the user (e.g. ignored columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// What was read.
    pub value: T,
    /// Remarks to show the user once each (the CLI prints them on standard error), each
    /// starting with the file name.
    pub notes: Vec<String>,
}

/// Where each known column is in a file.
struct Columns {
    index: HashMap<&'static str, usize>,
    /// The position of each known column (in the order of the `known` list), if present.
    slots: Vec<Option<usize>>,
    width: usize,
}

impl Columns {
    /// Maps the header row: names are matched without case and surrounding spaces; a missing
    /// required column or a repeated known one is an error; unknown columns are noted once.
    fn read(
        file: &str,
        header: &[&str],
        known: &[&'static str],
        required: &[&'static str],
    ) -> Result<(Columns, Option<String>), CsvError> {
        let mut index = HashMap::new();
        let mut unknown = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim().to_lowercase();
            match known.iter().find(|k| **k == name) {
                Some(k) => {
                    if let Some(first) = index.insert(*k, i) {
                        return Err(CsvError::at_line(
                            file,
                            1,
                            format!(
                                "column `{k}` appears twice (columns {} and {})",
                                first + 1,
                                i + 1
                            ),
                        ));
                    }
                }
                None if name.is_empty() => unknown.push(format!("column {} (no name)", i + 1)),
                None => unknown.push(format!("`{}`", raw.trim())),
            }
        }
        for r in required {
            if !index.contains_key(r) {
                return Err(CsvError::at_line(
                    file,
                    1,
                    format!(
                        "missing required column `{r}` (the header has: {})",
                        header.join(", ")
                    ),
                ));
            }
        }
        let note = (!unknown.is_empty()).then(|| {
            format!(
                "{file}: ignoring unknown columns {} (known columns: {})",
                unknown.join(", "),
                known.join(", ")
            )
        });
        let slots = known.iter().map(|k| index.get(k).copied()).collect();
        Ok((
            Columns {
                index,
                slots,
                width: header.len(),
            },
            note,
        ))
    }

    /// The value of a column in a row, or `""` when the file has no such column.
    fn get<'r>(&self, row: &'r csv::StringRecord, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|&i| row.get(i))
            .unwrap_or("")
    }

    /// The value of the known column `k` (its position in the `known` list) in a row of
    /// cells, or `""` when the file has no such column.
    fn cell<'r>(&self, cells: &[&'r str], k: usize) -> &'r str {
        self.slots
            .get(k)
            .copied()
            .flatten()
            .and_then(|i| cells.get(i).copied())
            .unwrap_or("")
    }
}

/// A file read as rows of text, not yet interpreted.
struct Table {
    columns: Columns,
    /// Each row with its line (a quoted value may span lines, so the line is the one the row
    /// starts on; see [`LineCounter`]).
    rows: Vec<(u64, csv::StringRecord)>,
    /// The remark about unknown columns, if any.
    note: Option<String>,
}

/// The line a row starts on, from its byte offset, counting `\n`, `\r\n` and a lone `\r` as
/// one line break each.
///
/// The csv crate's own `Position::line` is one short after every `\r\n` (it counts a line when
/// it consumes a `\n`, and leaves the `\n` of a record's `\r\n` to the next record:
/// BurntSushi/rust-csv#395), and a row after blank lines gets the line of the first blank
/// one; its byte offset is exact but may point at that leftover `\n` or those blank lines.
/// Rows come in file order, so the count goes on from the previous row: one pass over the text.
struct LineCounter<'t> {
    text: &'t [u8],
    /// Where counting stopped, and the line there.
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> LineCounter<'t> {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: u64) -> u64 {
        let text = self.text;
        let mut start = usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()));
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.at {
            // Not in file order (which the reader never does): count again from the start.
            (self.at, self.line) = (0, 1);
        }
        for (i, &b) in text[self.at..start].iter().enumerate() {
            let next = text.get(self.at + i + 1);
            if b == b'\n' || (b == b'\r' && next != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.at = start;
        self.line
    }
}

/// Reads the header and the rows of a file, skipping blank rows.
fn rows(
    file: &str,
    text: &str,
    known: &[&'static str],
    required: &[&'static str],
) -> Result<Table, CsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| CsvError::at_line(file, 1, e.to_string()))?
        .clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(CsvError::in_file(
            file,
            format!(
                "empty file: the first line must be a header naming at least {}",
                required.join(", ")
            ),
        ));
    }
    let names: Vec<&str> = header.iter().collect();
    let (columns, note) = Columns::read(file, &names, known, required)?;
    let mut lines = LineCounter::new(text);
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| match e.position() {
            Some(p) => CsvError::at_line(file, lines.line_at(p.byte()), e.to_string()),
            None => CsvError::in_file(file, e.to_string()),
        })?;
        // A row of only empty cells is what spreadsheets leave at the end; it holds nothing.
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = row.position().map_or(0, |p| lines.line_at(p.byte()));
        if row.len() != columns.width {
            return Err(CsvError::at_line(
                file,
                line,
                format!(
                    "{} fields, but the header has {} columns",
                    row.len(),
                    columns.width
                ),
            ));
        }
        out.push((line, row));
    }
    Ok(Table {
        columns,
        rows: out,
        note,
    })
}

/// Reads a yes/no cell: `true`/`false`, `1`/`0`, `yes`/`no`, `是`/`否`; empty is no.
/// A yes/no cell: `true`/`false`, `1`/`0`, `yes`/`no`, `y`/`n`, `是`/`否` (any case, spaces
/// trimmed); empty is no. The error says what was found and what is accepted.
///
/// # Errors
///
/// Any other text.
pub fn parse_flag(value: &str) -> Result<bool, String> {
    // The usual spellings without a lower-case copy.
    match value {
        "" | "false" | "0" | "no" | "n" | "否" => return Ok(false),
        "true" | "1" | "yes" | "y" | "是" => return Ok(true),
        _ => {}
    }
    match value.trim().to_lowercase().as_str() {
        "" | "false" | "0" | "no" | "n" | "否" => Ok(false),
        "true" | "1" | "yes" | "y" | "是" => Ok(true),
        other => Err(format!(
            "{other:?} is not a yes/no value: use true/false, 1/0 or 是/否"
        )),
    }
}

/// Splits a `;`-separated cell, trimming each part and dropping empty ones.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The target pool as read from a text, before it is checked as a whole: the targets in file
/// order, each with its line, so that a later problem (in the history, or found when the pool
/// is built) is reported at the line of its row.
#[derive(Debug, Clone)]
pub struct PoolRows {
    file: String,
    targets: Vec<Target>,
    lines: Vec<u64>,
    index: HashMap<TargetId, usize>,
    skeletons: SkeletonIndex<TargetId>,
}

impl PoolRows {
    /// The file name the rows were read under.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The targets in file order (history attached by [`parse_history`]).
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Each target's id with the line of its row, in file order.
    pub fn lines(&self) -> impl Iterator<Item = (&TargetId, u64)> + '_ {
        self.targets
            .iter()
            .map(|t| &t.id)
            .zip(self.lines.iter().copied())
    }

    /// The line of a target's row.
    pub fn line_of(&self, id: &TargetId) -> Option<u64> {
        self.index.get(id).map(|&i| self.lines[i])
    }

    /// Builds the pool; any remaining problem is reported at the line of its row.
    pub fn into_pool(self) -> Result<TargetPool, CsvError> {
        let (file, lines) = (self.file, self.lines);
        TargetPool::from_entries(self.targets).map_err(|e| pool_error(&file, &lines, e))
    }
}

/// A pool's own refusal of its rows, at the line of the row (`lines[i]` is the line of the
/// 1-based row `i + 1`).
fn pool_error(file: &str, lines: &[u64], e: PoolError) -> CsvError {
    let line = |row: usize| lines.get(row.wrapping_sub(1)).copied().unwrap_or(0);
    match e {
        PoolError::BadEntry { row, error, .. } => {
            CsvError::at_field(file, line(row), error.field, error.problem).in_row(row)
        }
        PoolError::DuplicateId {
            id, first, second, ..
        } => CsvError::at_field(
            file,
            line(second),
            "id",
            format!(
                "duplicate id {id:?}: first on line {}, again on line {}",
                line(first),
                line(second)
            ),
        )
        .in_rows(first, second),
        PoolError::LookAlikeIds {
            first_id,
            first_row,
            second_id,
            second_row,
            ..
        } => look_alike(
            file,
            (&first_id, line(first_row)),
            (&second_id, line(second_row)),
        )
        .in_rows(first_row, second_row),
        other => CsvError::in_file(file, other.to_string()),
    }
}

/// Two rows whose ids a reader takes for one, at the later row (`(id, line)` of each).
fn look_alike(file: &str, first: (&str, u64), second: (&str, u64)) -> CsvError {
    CsvError::at_field(
        file,
        second.1,
        "id",
        format!(
            "id {:?} looks like id {:?} on line {}: they differ at {}, yet a reader takes them for one id (same confusable skeleton, docs/SAMPLING.md §10); give one of them another id or write both alike",
            second.0,
            first.0,
            first.1,
            lookalike::first_difference(second.0, first.0)
        ),
    )
}

/// Reads a target-pool text and, if given, its inspection-history text (each as `(file name,
/// text)`) into a pool: [`parse_pool`], [`parse_history`] and [`PoolRows::into_pool`] in one
/// call, with the notes of both.
pub fn read_target_pool(
    file: &str,
    text: &str,
    history: Option<(&str, &str)>,
) -> Result<Parsed<TargetPool>, CsvError> {
    let Parsed {
        value: mut rows,
        mut notes,
    } = parse_pool(file, text)?;
    if let Some((history_file, history_text)) = history {
        notes.extend(parse_history(history_file, history_text, &mut rows)?.notes);
    }
    Ok(Parsed {
        value: rows.into_pool()?,
        notes,
    })
}

/// Reads a target-pool text (see [`POOL_COLUMNS`]; `id` and `grade` are required; an empty
/// `grade` is ungraded). A duplicate id is reported at its second line, naming the first.
pub fn parse_pool(file: &str, text: &str) -> Result<Parsed<PoolRows>, CsvError> {
    let Table {
        columns,
        rows,
        note,
    } = rows(file, text, &POOL_COLUMNS, &POOL_REQUIRED)?;
    let mut pool = PoolRows {
        file: file.to_owned(),
        targets: Vec::with_capacity(rows.len()),
        lines: Vec::with_capacity(rows.len()),
        index: HashMap::with_capacity(rows.len()),
        skeletons: SkeletonIndex::default(),
    };
    for (line, row) in rows {
        let row_cells: Vec<&str> = row.iter().collect();
        let r = pool.targets.len() + 1;
        let bad =
            |field: &str, problem: String| CsvError::at_field(file, line, field, problem).in_row(r);
        let id = TargetId::new(columns.cell(&row_cells, cell::ID))
            .map_err(|e| bad("id", e.to_string()))?;
        if let Some(&first) = pool.index.get(&id) {
            let e = bad(
                "id",
                format!(
                    "duplicate id {:?}: first on line {}, again on line {line}",
                    id.as_str(),
                    pool.lines[first]
                ),
            );
            return Err(e.in_rows(first + 1, r));
        }
        // A look-alike of an earlier id, like a duplicate, is reported before later cells.
        let earlier = pool.targets.iter().map(|t| &t.id);
        if let Some(other) = pool.skeletons.look_alike(earlier, &id) {
            let first = pool.index[other];
            let at = pool.lines[first];
            let e = look_alike(file, (other.as_str(), at), (id.as_str(), line));
            return Err(e.in_rows(first + 1, r));
        }
        pool.skeletons.add(&id);
        let cells = pool_cells(|k| columns.cell(&row_cells, k), bad, |_| false)?;
        let mut t = Target::new(id.clone());
        t.name = cells.name.to_owned();
        t.credit_code = cells.credit_code.map(CreditCode::trusted);
        t.kind = cells.kind;
        t.region = cells.region.to_owned();
        t.industry = cells.industry.to_owned();
        t.grid = cells.grid.to_owned();
        t.status = cells.status;
        t.grade = cells.grade;
        t.risk_score = cells.risk_score;
        t.positive_list = cells.positive_list;
        t.tags = split_list(cells.tags).map(str::to_owned).collect();
        pool.index.insert(id, pool.targets.len());
        pool.targets.push(t);
        pool.lines.push(line);
    }
    Ok(Parsed {
        value: pool,
        notes: note.into_iter().collect(),
    })
}

/// Positions of the columns in [`POOL_COLUMNS`] (and of [`HISTORY_COLUMNS`]).
mod cell {
    pub(super) const ID: usize = 0;
    pub(super) const CREDIT_CODE: usize = 1;
    pub(super) const NAME: usize = 2;
    pub(super) const KIND: usize = 3;
    pub(super) const REGION: usize = 4;
    pub(super) const INDUSTRY: usize = 5;
    pub(super) const GRID: usize = 6;
    pub(super) const STATUS: usize = 7;
    pub(super) const GRADE: usize = 8;
    pub(super) const RISK_SCORE: usize = 9;
    pub(super) const POSITIVE_LIST: usize = 10;
    pub(super) const TAGS: usize = 11;

    pub(super) const TARGET_ID: usize = 0;
    pub(super) const DATE: usize = 1;
    pub(super) const DEPARTMENT: usize = 2;
    pub(super) const ITEM: usize = 3;
    pub(super) const INSPECTORS: usize = 4;
}

/// The cells of a pool row besides its id, each checked.
struct PoolCells<'r> {
    name: &'r str,
    /// A valid code.
    credit_code: Option<&'r str>,
    kind: TargetKind,
    region: &'r str,
    industry: &'r str,
    grid: &'r str,
    status: TargetStatus,
    grade: Option<RiskGrade>,
    risk_score: Option<u32>,
    positive_list: bool,
    /// The raw cell, every tag in it checked.
    tags: &'r str,
}

/// Reads the cells of a pool row after its id, in the order they are checked: the first bad
/// cell in this order is the row's error. `tags_seen` says whether a tags cell of exactly this
/// text was checked before (and need not be again).
fn pool_cells<'r>(
    get: impl Fn(usize) -> &'r str,
    bad: impl Fn(&str, String) -> CsvError,
    tags_seen: impl Fn(&str) -> bool,
) -> Result<PoolCells<'r>, CsvError> {
    let code = get(cell::CREDIT_CODE);
    let credit_code = if code.is_empty() {
        None
    } else {
        crate::credit::validate(code)
            .map_err(|e| bad("credit_code", format!("{code:?} is not a valid code: {e}")))?;
        Some(code)
    };
    let kind = match get(cell::KIND) {
        k if k.trim().is_empty() => TargetKind::Enterprise,
        k => k.parse().map_err(|e| bad("kind", format!("{e}")))?,
    };
    let status = match get(cell::STATUS) {
        s if s.trim().is_empty() => TargetStatus::Active,
        s => s.parse().map_err(|e| bad("status", format!("{e}")))?,
    };
    let grade = match get(cell::GRADE) {
        g if g.trim().is_empty() => None,
        g => Some(
            g.parse::<RiskGrade>()
                .map_err(|e| bad("grade", e.to_string()))?,
        ),
    };
    let score = get(cell::RISK_SCORE).trim();
    let risk_score = if score.is_empty() {
        None
    } else {
        Some(
            score
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_RISK_SCORE).contains(n))
                .ok_or_else(|| {
                    bad(
                        "risk_score",
                        format!("{score:?} is not a whole number from 1 to {MAX_RISK_SCORE}"),
                    )
                })?,
        )
    };
    let positive_list =
        parse_flag(get(cell::POSITIVE_LIST)).map_err(|e| bad("positive_list", e))?;
    let tags = get(cell::TAGS);
    if !tags.is_empty() && !tags_seen(tags) {
        for tag in split_list(tags) {
            if tag.chars().any(char::is_control) {
                return Err(bad(
                    "tags",
                    format!("tag {tag:?} holds a control character"),
                ));
            }
        }
    }
    Ok(PoolCells {
        name: get(cell::NAME),
        credit_code,
        kind,
        region: get(cell::REGION),
        industry: get(cell::INDUSTRY),
        grid: get(cell::GRID),
        status,
        grade,
        risk_score,
        positive_list,
        tags,
    })
}

/// Reads the cells of a history row after its target id, in the order they are checked.
fn history_cells<'r>(
    get: impl Fn(usize) -> &'r str,
    bad: impl Fn(&str, String) -> CsvError,
) -> Result<Inspection, CsvError> {
    let date_text = get(cell::DATE).trim();
    let date = chrono::NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        bad(
            "date",
            format!("{date_text:?} is not a date: write YYYY-MM-DD, e.g. 2026-03-31"),
        )
    })?;
    let department =
        DeptId::new(get(cell::DEPARTMENT)).map_err(|e| bad("department", e.to_string()))?;
    let item = match get(cell::ITEM) {
        "" => None,
        i => Some(ItemId::new(i).map_err(|e| bad("item", e.to_string()))?),
    };
    let inspectors = split_list(get(cell::INSPECTORS))
        .map(|p| InspectorId::new(p).map_err(|e| bad("inspectors", e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Inspection {
        date,
        department,
        item,
        inspectors,
    })
}

/// Reads an inspection-history text (see [`HISTORY_COLUMNS`]) into the targets it names, which
/// must be in `pool`; returns the number of inspections read.
pub fn parse_history(
    file: &str,
    text: &str,
    pool: &mut PoolRows,
) -> Result<Parsed<usize>, CsvError> {
    let Table {
        columns,
        rows,
        note,
    } = rows(file, text, &HISTORY_COLUMNS, &HISTORY_REQUIRED)?;
    let count = rows.len();
    for (r, (line, row)) in rows.into_iter().enumerate() {
        let row_cells: Vec<&str> = row.iter().collect();
        let get = |k: usize| columns.cell(&row_cells, k);
        let bad = |field: &str, problem: String| {
            CsvError::at_field(file, line, field, problem).in_row(r + 1)
        };
        let id = get(cell::TARGET_ID);
        let &at = pool.index.get(id).ok_or_else(|| {
            bad(
                "target_id",
                format!("no target {id:?} in the pool file {}", pool.file),
            )
        })?;
        let inspection = history_cells(get, bad)?;
        pool.targets[at].history.push(inspection);
    }
    Ok(Parsed {
        value: count,
        notes: note.into_iter().collect(),
    })
}

/// Reads a `YYYY-MM-DD` cell.
fn parse_date(value: &str) -> Result<chrono::NaiveDate, String> {
    let text = value.trim();
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date: write YYYY-MM-DD, e.g. 2026-03-31"))
}

/// Reads an inspector-pool text (see [`INSPECTOR_COLUMNS`]; `id` and `department` are
/// required), as [`write_inspectors`] writes it. An empty `active` cell means active, as in the
/// JSON form; an officer (not `expert`) needs a `certificate`.
pub fn parse_inspectors(file: &str, text: &str) -> Result<Parsed<InspectorPool>, CsvError> {
    let Table {
        columns,
        rows,
        note,
    } = rows(file, text, &INSPECTOR_COLUMNS, &INSPECTOR_REQUIRED)?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut lines: HashMap<InspectorId, u64> = HashMap::with_capacity(rows.len());
    let mut order = Vec::with_capacity(rows.len());
    let mut skeletons = SkeletonIndex::default();
    for (line, row) in rows {
        let get = |c: &str| columns.get(&row, c);
        let bad = |field: &str, problem: String| CsvError::at_field(file, line, field, problem);
        let id = InspectorId::new(get("id")).map_err(|e| bad("id", e.to_string()))?;
        if let Some(first) = lines.get(&id) {
            return Err(bad(
                "id",
                format!(
                    "duplicate id {:?}: first on line {first}, again on line {line}",
                    id.as_str()
                ),
            ));
        }
        if let Some(other) = skeletons.look_alike(std::iter::empty(), &id) {
            let at = lines[other];
            return Err(look_alike(file, (other.as_str(), at), (id.as_str(), line)));
        }
        skeletons.add(&id);
        let department =
            DeptId::new(get("department")).map_err(|e| bad("department", e.to_string()))?;
        let mut p = Inspector::new(id.clone(), department, get("certificate"));
        p.name = get("name").to_owned();
        p.unit = get("unit").to_owned();
        let expiry = get("certificate_expiry");
        if !expiry.trim().is_empty() {
            p.certificate_expiry =
                Some(parse_date(expiry).map_err(|e| bad("certificate_expiry", e))?);
        }
        p.region = get("region").to_owned();
        for item in split_list(get("items")) {
            p.items
                .insert(ItemId::new(item).map_err(|e| bad("items", e.to_string()))?);
        }
        for tag in split_list(get("tags")) {
            if tag.chars().any(char::is_control) {
                return Err(bad(
                    "tags",
                    format!("tag {tag:?} holds a control character"),
                ));
            }
            p.tags.insert(tag.to_owned());
        }
        p.expert = parse_flag(get("expert")).map_err(|e| bad("expert", e))?;
        // Absent or empty means active, as in the JSON form: a roster lists people on duty.
        let active = get("active");
        if !active.trim().is_empty() {
            p.active = parse_flag(active).map_err(|e| bad("active", e))?;
        }
        lines.insert(id, line);
        order.push(line);
        entries.push(p);
    }
    let pool = InspectorPool::from_entries(entries).map_err(|e| pool_error(file, &order, e))?;
    Ok(Parsed {
        value: pool,
        notes: note.into_iter().collect(),
    })
}

/// Joins ids into one cell, refusing any that holds the separator (it could not be read back).
fn join_list<'a>(
    file: &str,
    field: &str,
    values: impl IntoIterator<Item = &'a str>,
) -> Result<String, CsvError> {
    let values: Vec<&str> = values.into_iter().collect();
    if let Some(v) = values.iter().find(|v| v.contains(LIST_SEPARATOR)) {
        return Err(CsvError::in_file(
            file,
            format!("field `{field}`: {v:?} contains `;`, which separates values in this column"),
        ));
    }
    Ok(values.join(";"))
}

fn write_rows(
    file: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Result<Vec<String>, CsvError>>,
) -> Result<String, CsvError> {
    let fail = |e: csv::Error| CsvError::in_file(file, e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(row?).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CsvError::in_file(file, e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CsvError::in_file(file, e.to_string()))
}

/// Writes targets as a pool text (history goes in its own text, see [`write_history`]), in the
/// order given, with a header of all [`POOL_COLUMNS`]. A tag holding [`LIST_SEPARATOR`] could
/// not be read back and is refused.
pub fn write_pool(file: &str, targets: &[Target]) -> Result<String, CsvError> {
    let rows = targets.iter().map(|t| {
        Ok(vec![
            t.id.to_string(),
            t.credit_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            t.name.clone(),
            t.kind.to_string(),
            t.region.clone(),
            t.industry.clone(),
            t.grid.clone(),
            t.status.to_string(),
            t.grade.map(|g| g.to_string()).unwrap_or_default(),
            t.risk_score.map(|s| s.to_string()).unwrap_or_default(),
            t.positive_list.to_string(),
            join_list(file, "tags", t.tags.iter().map(String::as_str))?,
        ])
    });
    write_rows(file, &POOL_COLUMNS, rows)
}

/// Writes the inspection history of targets, one row per inspection (header
/// [`HISTORY_COLUMNS`]); only the header when there is none.
pub fn write_history(file: &str, targets: &[Target]) -> Result<String, CsvError> {
    let rows = targets.iter().flat_map(|t| {
        t.history.iter().map(move |h| {
            Ok(vec![
                t.id.to_string(),
                h.date.format("%Y-%m-%d").to_string(),
                h.department.to_string(),
                h.item.as_ref().map(ToString::to_string).unwrap_or_default(),
                join_list(file, "inspectors", h.inspectors.iter().map(|p| p.as_str()))?,
            ])
        })
    });
    write_rows(file, &HISTORY_COLUMNS, rows)
}

/// Writes inspectors as an inspector-pool text (header [`INSPECTOR_COLUMNS`]), in the order
/// given.
pub fn write_inspectors(file: &str, inspectors: &[Inspector]) -> Result<String, CsvError> {
    let rows = inspectors.iter().map(|p| {
        Ok(vec![
            p.id.to_string(),
            p.name.clone(),
            p.department.to_string(),
            p.unit.clone(),
            p.certificate.clone(),
            p.certificate_expiry
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            p.region.clone(),
            join_list(file, "items", p.items.iter().map(|i| i.as_str()))?,
            join_list(file, "tags", p.tags.iter().map(String::as_str))?,
            p.expert.to_string(),
            p.active.to_string(),
        ])
    });
    write_rows(file, &INSPECTOR_COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoCounty;
    use crate::target::{TargetKind, TargetStatus};

    /// The adjustable pool of a text, checked against the streaming reader: the same pool
    /// or the same error.
    fn pool(text: &str) -> Result<TargetPool, CsvError> {
        let old = parse_pool("p.csv", text).and_then(|p| p.value.into_pool());
        same_as_stream(&old, text, None);
        old
    }

    fn same_as_stream(old: &Result<TargetPool, CsvError>, text: &str, history: Option<&str>) {
        let new = read_frozen_pool("p.csv", text, history.map(|h| ("h.csv", h)));
        match (old, new) {
            (Ok(a), Ok(b)) => {
                let a = a.freeze();
                assert_eq!(a.digest(), b.value.pool().digest(), "{text:?}");
                for t in a.iter() {
                    let id = TargetId::new(t.id()).unwrap();
                    let line = b.value.line_of(&id).unwrap();
                    assert!(line >= 2, "{text:?}: {id} on line {line}");
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, &b, "{text:?}"),
            (a, b) => panic!("{text:?}: old {a:?}, stream {b:?}"),
        }
    }

    fn pool_err(text: &str) -> String {
        pool(text).unwrap_err().to_string()
    }

    fn with_history(pool_text: &str, history: &str) -> Result<TargetPool, CsvError> {
        let old = (|| {
            let mut rows = parse_pool("p.csv", pool_text)?.value;
            parse_history("h.csv", history, &mut rows)?;
            rows.into_pool()
        })();
        same_as_stream(&old, pool_text, Some(history));
        old
    }

    #[test]
    fn demo_pool_round_trips_to_the_same_digest() {
        let county = DemoCounty::build();
        let frozen = county.targets.freeze();
        let pool_csv = write_pool("pool.csv", &frozen.to_targets()).unwrap();
        let history_csv = write_history("history.csv", &frozen.to_targets()).unwrap();
        assert!(pool_csv.starts_with("id,credit_code,name,"));
        assert!(history_csv.lines().count() > 1000);
        let back = with_history(&pool_csv, &history_csv).unwrap().freeze();
        assert_eq!(back.digest(), frozen.digest());
        // Also behind an Excel-style byte-order mark.
        let bom = with_history(&format!("\u{feff}{pool_csv}"), &history_csv).unwrap();
        assert_eq!(bom.freeze().digest(), frozen.digest());
        assert_eq!(back.len(), frozen.len());
        let inspectors = write_inspectors("inspectors.csv", county.inspectors.entries()).unwrap();
        assert_eq!(inspectors.lines().count(), county.inspectors.len() + 1);
    }

    #[test]
    fn reads_every_column_leniently_where_meaning_is_unchanged() {
        let text = " Grade ,ID,positive_list,tags,kind,status,risk_score,credit_code,name\n\
                    a,T1,是, 食品经营 ; 餐饮服务 ;,individual_business,revoked,7,91350100M000100Y43,\"甲, 乙\"\n\
                    ,T2,0,,,,,,\n\
                    ,,,,,,,,\n";
        let p = pool(text).unwrap();
        let t1 = p.get(&TargetId::new("T1").unwrap()).unwrap();
        assert_eq!(t1.grade, Some(RiskGrade::A));
        assert!(t1.positive_list);
        assert_eq!(
            t1.tags.iter().map(String::as_str).collect::<Vec<_>>(),
            ["食品经营", "餐饮服务"]
        );
        assert_eq!(t1.kind, TargetKind::IndividualBusiness);
        assert_eq!(t1.status, TargetStatus::Revoked);
        assert_eq!(t1.risk_score, Some(7));
        assert_eq!(t1.name, "甲, 乙");
        let t2 = p.get(&TargetId::new("T2").unwrap()).unwrap();
        assert_eq!((t2.grade, t2.positive_list), (None, false));
        assert_eq!(t2.kind, TargetKind::Enterprise);
        assert_eq!(p.len(), 2, "the blank row is skipped");
    }

    #[test]
    fn unknown_columns_are_noted_once() {
        let parsed = parse_pool("p.csv", "id,grade,备注,x\nT1,A,hello,1\nT2,B,,\n").unwrap();
        assert_eq!(parsed.notes.len(), 1);
        assert!(
            parsed.notes[0].contains("p.csv: ignoring unknown columns `备注`, `x`"),
            "{:?}",
            parsed.notes
        );
        assert!(parse_pool("p.csv", "id,grade\n").unwrap().notes.is_empty());
    }

    #[test]
    fn missing_and_repeated_columns_name_the_file_and_column() {
        assert_eq!(
            pool_err("id,name\nT1,x\n"),
            "p.csv:1: missing required column `grade` (the header has: id, name)"
        );
        assert!(pool_err("grade\nA\n").contains("missing required column `id`"));
        assert_eq!(
            pool_err("id,grade,ID\n"),
            "p.csv:1: column `id` appears twice (columns 1 and 3)"
        );
        assert!(pool_err("").contains("p.csv: empty file"));
    }

    #[test]
    fn bad_values_name_line_and_field() {
        assert_eq!(
            pool_err("id,grade\nT1,A\nT2,E\n"),
            "p.csv:3: field `grade`: \"E\" is not a credit-risk grade: expected A, B, C or D \
             (or empty for ungraded)"
        );
        assert_eq!(
            pool_err("id,grade,credit_code\nT1,A,91350100M000100Y44\n"),
            "p.csv:2: field `credit_code`: \"91350100M000100Y44\" is not a valid code: \
             wrong check character at position 18: expected '3', found '4'"
        );
        assert!(
            pool_err("id,grade,credit_code\nT1,A,91350100M0001O0Y43\n")
                .contains("p.csv:2: field `credit_code`: \"91350100M0001O0Y43\" is not a valid code: invalid character 'O' at position 14")
        );
        assert!(pool_err("id,grade\n,A\n").contains("p.csv:2: field `id`: target id is empty"));
        assert!(pool_err("id,grade,kind\nT1,A,company\n").contains("p.csv:2: field `kind`"));
        assert!(pool_err("id,grade,status\nT1,A,closed\n").contains("p.csv:2: field `status`"));
        assert!(
            pool_err("id,grade,positive_list\nT1,A,maybe\n")
                .contains("p.csv:2: field `positive_list`: \"maybe\" is not a yes/no value")
        );
        for bad in ["0", "-1", "x", "1000001"] {
            let err = pool_err(&format!("id,grade,risk_score\nT1,A,{bad}\n"));
            assert!(err.starts_with("p.csv:2: field `risk_score`:"), "{err}");
        }
        assert_eq!(
            pool_err("id,grade\nT1,A,extra\n"),
            "p.csv:2: 3 fields, but the header has 2 columns"
        );
    }

    #[test]
    fn duplicate_ids_name_both_lines_counting_multi_line_values() {
        let text = "id,grade,name\nT1,A,\"two\nlines\"\nT2,B,x\nT1,C,y\n";
        assert_eq!(
            pool_err(text),
            "p.csv:5: field `id`: duplicate id \"T1\": first on line 2, again on line 5"
        );
    }

    #[test]
    fn lines_are_counted_with_any_line_end_and_after_blank_lines() {
        // CRLF (as Windows spreadsheets save), a CRLF inside a quoted value, a BOM, blank
        // lines, LF and a lone CR: the duplicate is on line 7 whatever the line ends.
        for text in [
            "id,grade,name\nT1,A,\"two\nlines\"\nT2,B,x\n\n\nT1,C,y\n",
            "id,grade,name\r\nT1,A,\"two\r\nlines\"\r\nT2,B,x\r\n\r\n\r\nT1,C,y\r\n",
            "\u{feff}id,grade,name\r\nT1,A,\"two\nlines\"\r\nT2,B,x\r\n,,\r\n\r\nT1,C,y",
            "id,grade,name\rT1,A,\"two\rlines\"\rT2,B,x\r\r\rT1,C,y\r",
        ] {
            assert_eq!(
                pool_err(text),
                "p.csv:7: field `id`: duplicate id \"T1\": first on line 2, again on line 7",
                "{text:?}"
            );
            let rows = parse_pool("p.csv", &text.replace("T1,C,y", "T3,C,y")).unwrap();
            let lines: Vec<u64> = rows.value.lines().map(|(_, l)| l).collect();
            assert_eq!(lines, [2, 4, 7], "{text:?}");
            let t3 = TargetId::new("T3").unwrap();
            assert_eq!(rows.value.line_of(&t3), Some(7));
        }
        assert_eq!(
            pool_err("id,grade\r\nT1,A\r\nT2,A,x\r\n"),
            "p.csv:3: 3 fields, but the header has 2 columns"
        );
        let err = with_history(
            "id,grade\r\nT1,A\r\n",
            "target_id,date,department\r\nT1,2026-01-01,D01\r\nT1,2026-13-01,D01\r\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("h.csv:3: field `date`"), "{err}");
        let err = inspectors_err("id,department,certificate\r\nP1,D1,1\r\nP2,D1,\r\n");
        assert!(err.starts_with("i.csv:3: field `certificate`"), "{err}");
    }

    #[test]
    fn history_is_attached_and_checked() {
        let p = "id,grade\nT1,A\nT2,B\n";
        let h = "target_id,date,department,item,inspectors\n\
                 T1,2026-03-01,市场监管局,SC-001,P2;P1\n\
                 T1,2025-12-01,D09,,\n";
        let pool = with_history(p, h).unwrap();
        let t1 = pool.get(&TargetId::new("T1").unwrap()).unwrap();
        assert_eq!(t1.history.len(), 2);
        // Canonical order: by date, inspectors sorted.
        assert_eq!(t1.history[0].department.as_str(), "D09");
        assert_eq!(t1.history[1].inspectors[0].as_str(), "P1");

        let err = with_history(
            p,
            "target_id,date,department\nT1,2026-01-01,D01\nT9,2026-01-01,D01\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "h.csv:3: field `target_id`: no target \"T9\" in the pool file p.csv"
        );
        let err = with_history(p, "target_id,date,department\nT1,2026/01/01,D01\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("h.csv:2: field `date`: \"2026/01/01\""),
            "{err}"
        );
        let err = with_history(p, "target_id,department\nT1,D01\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("h.csv:1: missing required column `date`"),
            "{err}"
        );
    }

    fn inspectors(text: &str) -> Result<InspectorPool, CsvError> {
        parse_inspectors("i.csv", text).map(|p| p.value)
    }

    fn inspectors_err(text: &str) -> String {
        inspectors(text).unwrap_err().to_string()
    }

    #[test]
    fn demo_inspectors_round_trip_to_the_same_digest() {
        let county = DemoCounty::build();
        let frozen = county.inspectors.freeze();
        let text = write_inspectors("inspectors.csv", frozen.entries()).unwrap();
        assert!(text.starts_with("id,name,department,unit,certificate,"));
        let parsed = parse_inspectors("inspectors.csv", &text).unwrap();
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        let back = parsed.value.freeze();
        assert_eq!(back.digest(), frozen.digest());
        assert_eq!(back.len(), frozen.len());
        // Experts, lapsed certificates, item restrictions and inactive people all survive.
        assert!(back.entries().iter().any(|p| p.expert));
        assert!(
            back.entries()
                .iter()
                .any(|p| p.certificate_expiry.is_some())
        );
        // With CRLF line ends, as Windows spreadsheets save them.
        let crlf = text.replace('\n', "\r\n");
        let again = inspectors(&crlf).unwrap().freeze();
        assert_eq!(again.digest(), frozen.digest());
    }

    #[test]
    fn inspectors_are_read_leniently_where_meaning_is_unchanged() {
        let text = " Department ,ID,Certificate,expert,active,items,tags,备注\n\
                    市场监管局,P1,42001,否,,SC-001; SC-002 ;,食品;,x\n\
                    市场监管局,E1,,是,0,,,\n\
                    ,,,,,,,\n";
        let parsed = parse_inspectors("i.csv", text).unwrap();
        assert_eq!(parsed.notes.len(), 1);
        assert!(parsed.notes[0].contains("i.csv: ignoring unknown columns `备注`"));
        let pool = parsed.value;
        assert_eq!(pool.len(), 2, "the blank row is skipped");
        let p1 = pool.get(&InspectorId::new("P1").unwrap()).unwrap();
        assert!(p1.active && !p1.expert, "an empty `active` means active");
        assert_eq!(p1.items.len(), 2);
        assert_eq!(p1.certificate, "42001");
        let e1 = pool.get(&InspectorId::new("E1").unwrap()).unwrap();
        assert!(e1.expert && !e1.active);
    }

    #[test]
    fn bad_inspector_files_name_line_and_field() {
        assert_eq!(
            inspectors_err("id,name\nP1,x\n"),
            "i.csv:1: missing required column `department` (the header has: id, name)"
        );
        assert_eq!(
            inspectors_err("id,department,ID\n"),
            "i.csv:1: column `id` appears twice (columns 1 and 3)"
        );
        assert!(inspectors_err("").contains("i.csv: empty file"));
        assert_eq!(
            inspectors_err(
                "id,department,certificate,certificate_expiry\nP1,D1,1,2026-12-31\nP2,D1,2,2026/12/31\n"
            ),
            "i.csv:3: field `certificate_expiry`: \"2026/12/31\" is not a date: write \
             YYYY-MM-DD, e.g. 2026-03-31"
        );
        assert_eq!(
            inspectors_err("id,department,certificate,expert\nP1,D1,1,maybe\n"),
            "i.csv:2: field `expert`: \"maybe\" is not a yes/no value: use true/false, 1/0 or 是/否"
        );
        assert!(
            inspectors_err("id,department,certificate,active\nP1,D1,1,2\n")
                .starts_with("i.csv:2: field `active`: \"2\" is not a yes/no value")
        );
        assert!(inspectors_err("id,department\n,D1\n").starts_with("i.csv:2: field `id`:"));
        assert!(
            inspectors_err("id,department,certificate\nP1,,1\n")
                .starts_with("i.csv:2: field `department`:")
        );
        // An officer without a certificate, found by the pool's own check, at its line.
        let err = inspectors_err("id,department,certificate,name\nP1,D1,1,\"a\nb\"\nP2,D1,,\n");
        assert!(
            err.starts_with("i.csv:4: field `certificate`: an enforcement officer needs"),
            "{err}"
        );
        assert_eq!(
            inspectors_err("id,department,certificate\nP1,D1,1,x\n"),
            "i.csv:2: 4 fields, but the header has 3 columns"
        );
        assert_eq!(
            inspectors_err(
                "id,department,certificate,name\nP1,D1,1,\"two\nlines\"\nP2,D1,2,\nP1,D2,3,\n"
            ),
            "i.csv:5: field `id`: duplicate id \"P1\": first on line 2, again on line 5"
        );
    }

    #[test]
    fn writers_refuse_values_that_could_not_be_read_back() {
        let mut t = Target::new(TargetId::new("T1").unwrap());
        t.history.push(Inspection {
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            department: DeptId::new("D01").unwrap(),
            item: None,
            inspectors: vec![InspectorId::new("a;b").unwrap()],
        });
        let err = write_history("h.csv", &[t]).unwrap_err().to_string();
        assert!(
            err.contains("h.csv: field `inspectors`: \"a;b\" contains `;`"),
            "{err}"
        );
    }
}
