//! A [`Sheet`] made the library's table: the header found below title rows, instruction rows
//! skipped, columns mapped to the library's fields and every value made canonical by a
//! [`Profile`]. The result, a [`Normalised`] table, has the library's field names as headers,
//! canonical values and lists joined with `;`, so the core's readers take it as it is:
//! [`Normalised::to_csv`] for `shuangsuiji::pool_csv` and `KpiInput::from_csv`, or the table
//! itself as a `shuangsuiji::kpi::ColumnSource`.
//!
//! **The header row** is the first of the first [`HeaderRule::scan_rows`] rows in which at
//! least [`HeaderRule::min_matches`] cells (fewer for a table with fewer fields) are column
//! names the profile knows for the table. Non-blank rows above it are title rows, skipped with
//! a note. **Instruction rows** are the rows right under the header (at most five) whose every
//! non-blank cell reads as an instruction (`【多个以中文逗号分开填写】`, `必填`, `选填`, `格式`,
//! `示例`, …) or whose first cell is `示例`/`例`/`样例`/`填写示例`: skipped with a note.
//!
//! **Never silent**: every change of a value (trimmed, case, full-width, a label made canonical,
//! a date form, a list separator, a serial date, long-term, a 15-digit registration number) is
//! counted per column and reported as a note with its first place; every value that cannot be
//! mapped is an error naming the cell (`pool.xlsx: Sheet1!C7`), the value and the accepted
//! labels.
//!
//! ```
//! use shuangsuiji_io::normalise::normalise;
//! use shuangsuiji_io::profile::{Profile, TableKind};
//! use shuangsuiji_io::table::{read_sheet, ReadOptions};
//!
//! let csv = "待抽检库导入模板,,\n统一社会信用代码,企业名称,信用风险分类\n\
//!            【必填】,【必填】,【A类/B类/C类/D类】\n91350100M000100Y43,甲公司,Ａ类\n";
//! let sheet = read_sheet("pool.csv", csv.as_bytes(), &ReadOptions::default())?;
//! let table = normalise(&sheet, TableKind::Pool, &Profile::builtin())?;
//! assert_eq!(table.columns, ["id", "credit_code", "name", "grade"]);
//! assert_eq!(table.rows[0].cells, ["91350100M000100Y43", "91350100M000100Y43", "甲公司", "A"]);
//! assert!(table.notes.iter().any(|n| n.contains("Ａ类 → A ×1")));
//! // The canonical text keeps each row on the line it had: errors of the core's reader are
//! // at the line (or the Excel row) a person sees.
//! assert_eq!(
//!     table.to_csv(),
//!     "id,credit_code,name,grade\n\n\n91350100M000100Y43,91350100M000100Y43,甲公司,A\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod values;

use crate::profile::{ColumnTarget, HeaderRule, MappingError, Profile, TableKind};
use crate::table::{Cell, Format, Place, Row, Sheet, TableError, column_letters};
use std::collections::HashMap;
use std::fmt;

pub use values::{DateForm, parse_date};

/// A table in the library's terms, with where each row came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    /// What table it is.
    pub kind: TableKind,
    /// The file it was read from (for messages).
    pub file: String,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// What the file was read as.
    pub format: Format,
    /// The library's field names, in the core's order: the header of the canonical text.
    pub columns: Vec<&'static str>,
    /// For each of `columns`, where its values come from (for messages).
    pub sources: Vec<ColumnSource>,
    /// The header's row number (as in [`Row::number`]).
    pub header_row: u64,
    /// The data rows, blank and skipped rows left out.
    pub rows: Vec<NormalisedRow>,
    /// What the user should hear: how the file was read, rows skipped, columns ignored, and
    /// every change of a value, counted.
    pub notes: Vec<String>,
    /// The line each row starts on in [`Normalised::to_csv`].
    lines: Vec<u64>,
}

/// One data row: its row number in the file and its canonical cells (one per column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalisedRow {
    /// The row number a person sees (workbook row, or the line of a text record).
    pub number: u64,
    /// The canonical value of each of [`Normalised::columns`].
    pub cells: Vec<String>,
}

/// Where a column's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSource {
    /// A column of the file (0-based) with its header text.
    Column {
        /// The column, 0-based.
        column: usize,
        /// Its header as the file writes it.
        header: String,
    },
    /// Another field's column, for every row (a pool's `id` from its `credit_code` column).
    Fallback {
        /// The field whose values are used.
        field: &'static str,
        /// That field's column, 0-based.
        column: usize,
        /// Its header as the file writes it.
        header: String,
    },
    /// The mapping file's default, for every row.
    Default(String),
}

/// Why a table could not be normalised (or, from [`crate::import`], read by the core), with
/// the place a person finds it at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The file is not a readable table.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The mapping file cannot be used.
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// No row in the first rows looks like the table's header.
    #[error("{file}: {message}")]
    NoHeader {
        /// The file.
        file: String,
        /// What was searched and expected, and what the first row reads.
        message: String,
    },
    /// The header has no column for a field the library needs.
    #[error("{at} (the header): {message}")]
    MissingColumn {
        /// The header row's place, e.g. `pool.xlsx: Sheet1 row 3`.
        at: String,
        /// The field.
        field: &'static str,
        /// What is needed and how to give it.
        message: String,
    },
    /// Two columns mean the same field.
    #[error(
        "{file}: columns {first} and {second} both mean `{field}`; keep one, or map one to \"ignore\" in a mapping file"
    )]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The field.
        field: &'static str,
        /// The first column's header cell.
        first: String,
        /// The second.
        second: String,
    },
    /// A cell whose value cannot be read.
    #[error("{place}: {column} (`{field}`): {value:?} {problem}")]
    Cell {
        /// Where.
        place: Box<Place>,
        /// The column as the file heads it, e.g. `column C 信用风险分类`.
        column: String,
        /// The field.
        field: &'static str,
        /// The value as found.
        value: String,
        /// What is wrong, and what is accepted.
        problem: String,
    },
    /// The core's reader refused the normalised table, at the place of the row and column.
    #[error("{at}{}: {message}", column.as_ref().map(|c| format!(": {c}")).unwrap_or_default())]
    Core {
        /// The place (file and cell or row), e.g. `pool.xlsx: Sheet1!A7`.
        at: String,
        /// The column, when the problem is in one.
        column: Option<String>,
        /// The core's message, its line numbers turned into the file's rows.
        message: String,
        /// The cell (or, without a field, the row's first cell) when the problem is in a row.
        place: Option<Box<Place>>,
        /// The library's field the core named, when it named one.
        field: Option<String>,
    },
}

impl FormatError {
    /// The place of an error in a cell or a row (a value, or the core's refusal of a row).
    pub fn place(&self) -> Option<&Place> {
        match self {
            FormatError::Cell { place, .. } => Some(place.as_ref()),
            FormatError::Core { place, .. } => place.as_deref(),
            _ => None,
        }
    }

    /// The library's field the error is about (`grade`, `risk_score`, …), when it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            FormatError::MissingColumn { field, .. }
            | FormatError::DuplicateColumn { field, .. }
            | FormatError::Cell { field, .. } => Some(field),
            FormatError::Core { field, .. } => field.as_deref(),
            FormatError::Table(_) | FormatError::Mapping(_) | FormatError::NoHeader { .. } => None,
        }
    }
}

/// The table in words, for messages.
pub fn what(kind: TableKind) -> String {
    match kind {
        TableKind::Pool => "a target pool".to_owned(),
        TableKind::History => "an inspection history".to_owned(),
        TableKind::Inspectors => "an inspector pool".to_owned(),
        TableKind::Kpi(t) => format!("the KPI table {}", t.file_name()),
    }
}

/// Counts of each change of value, per field, in the order first met.
#[derive(Default)]
struct Changes {
    order: Vec<(&'static str, String)>,
    seen: HashMap<(&'static str, String), (usize, Place)>,
}

impl Changes {
    /// Counts a change; the place (built only for the first of its kind) is where it was
    /// first met.
    fn record(&mut self, field: &'static str, what: String, place: &dyn Fn() -> Place) {
        let key = (field, what);
        match self.seen.get_mut(&key) {
            Some((n, _)) => *n += 1,
            None => {
                self.order.push(key.clone());
                self.seen.insert(key, (1, place()));
            }
        }
    }

    fn notes(&self, file: &str, describe: impl Fn(&str) -> String) -> Vec<String> {
        let mut fields: Vec<&'static str> = Vec::new();
        for (f, _) in &self.order {
            if !fields.contains(f) {
                fields.push(f);
            }
        }
        const SHOWN: usize = 8;
        fields
            .into_iter()
            .map(|f| {
                let items: Vec<String> = self
                    .order
                    .iter()
                    .filter(|(g, _)| *g == f)
                    .map(|key| {
                        let (n, place) = &self.seen[key];
                        format!("{} ×{n} (first {})", key.1, short_place(place))
                    })
                    .collect();
                let more = items.len().saturating_sub(SHOWN);
                let mut shown = items.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
                if more > 0 {
                    shown.push_str(&format!(", and {more} more kinds of change"));
                }
                format!("{file}: {}: {shown}", describe(f))
            })
            .collect()
    }
}

fn short_place(p: &Place) -> String {
    match &p.sheet {
        Some(_) => p.cell(),
        None => format!("line {}", p.row),
    }
}

/// Text of a row for messages: its non-blank cells joined with ` | `, cut at 80 characters.
fn row_text(row: &Row) -> String {
    let text = row
        .cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| c.text.trim())
        .collect::<Vec<_>>()
        .join(" | ");
    let mut short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Words of instructions in templates.
const INSTRUCTION_WORDS: [&str; 14] = [
    "【",
    "】",
    "必填",
    "选填",
    "非必填",
    "填写",
    "说明",
    "示例",
    "格式",
    "例如",
    "例：",
    "多个",
    "请选择",
    "请输入",
];

fn is_instruction(row: &Row) -> bool {
    let cells: Vec<&str> = row
        .cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| c.text.trim())
        .collect();
    let Some(first) = cells.first() else {
        return false;
    };
    matches!(
        *first,
        "示例" | "例" | "样例" | "填写示例" | "举例" | "例子" | "示例：" | "例:"
    ) || cells
        .iter()
        .all(|c| INSTRUCTION_WORDS.iter().any(|w| c.contains(w)))
}

/// Finds the header: `(index in sheet.rows, mapped cells)`.
fn find_header(sheet: &Sheet, kind: TableKind, profile: &Profile) -> Result<usize, FormatError> {
    let HeaderRule {
        scan_rows,
        min_matches,
    } = profile.header;
    let own = kind.fields().iter().filter(|f| !f.helper).count();
    let needed = min_matches.min(own).max(1);
    for (i, row) in sheet.rows.iter().enumerate().take(scan_rows) {
        let mut fields: Vec<&str> = Vec::new();
        let mut ignored = 0;
        for c in &row.cells {
            match profile.column(kind, &c.text) {
                Some(ColumnTarget::Field(f)) if !fields.contains(f) => fields.push(f),
                Some(ColumnTarget::Ignore) => ignored += 1,
                _ => {}
            }
        }
        if !fields.is_empty() && fields.len() + ignored >= needed {
            return Ok(i);
        }
    }
    let examples = kind
        .fields()
        .iter()
        .filter(|f| f.required)
        .flat_map(|f| profile.aliases(kind, f.name).into_iter().take(2))
        .take(6)
        .collect::<Vec<_>>()
        .join(", ");
    let sheet_name = sheet
        .name
        .as_ref()
        .filter(|_| sheet.format.is_workbook())
        .map(|n| format!(" of sheet {n}"))
        .unwrap_or_default();
    let first = sheet
        .rows
        .iter()
        .find(|r| !r.is_blank())
        .map(row_text)
        .unwrap_or_default();
    Err(FormatError::NoHeader {
        file: sheet.file.clone(),
        message: format!(
            "no header row in the first {} rows{sheet_name}: expected a row naming at least \
             {needed} columns of {}, such as {examples} (the first row reads: {first})",
            scan_rows.min(sheet.rows.len()),
            what(kind)
        ),
    })
}

/// Normalises a sheet as a table of `kind` with `profile`.
///
/// # Errors
///
/// [`FormatError`]: no header, a missing required column, two columns for one field, or a
/// cell that cannot be read (naming the cell, the value and what is accepted).
pub fn normalise(
    sheet: &Sheet,
    kind: TableKind,
    profile: &Profile,
) -> Result<Normalised, FormatError> {
    let file = sheet.file.as_str();
    let h = find_header(sheet, kind, profile)?;
    let header = &sheet.rows[h];
    let mut notes = sheet.notes.clone();
    let titles: Vec<&Row> = sheet.rows[..h].iter().filter(|r| !r.is_blank()).collect();
    let header_place = sheet.place(h, 0);
    if !titles.is_empty() {
        notes.push(format!(
            "{file}: the header is {}; {} title row{} above it skipped: {}",
            header_place.row_text(),
            titles.len(),
            if titles.len() == 1 { "" } else { "s" },
            titles
                .iter()
                .map(|r| format!("“{}”", row_text(r)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // Columns.
    let fields = kind.fields();
    let mut mapped: Vec<Option<usize>> = vec![None; fields.len()];
    let mut ignored = Vec::new();
    let mut unknown = Vec::new();
    let col_name = |j: usize| -> String {
        let text = header.cells.get(j).map_or("", |c| c.text.trim());
        format!("column {} {}", column_letters(j), text)
    };
    for (j, cell) in header.cells.iter().enumerate() {
        if cell.is_blank() {
            continue;
        }
        match profile.column(kind, &cell.text) {
            Some(ColumnTarget::Field(name)) => {
                let Some(k) = fields.iter().position(|f| f.name == *name) else {
                    continue;
                };
                if let Some(first) = mapped[k] {
                    return Err(FormatError::DuplicateColumn {
                        file: file.to_owned(),
                        field: fields[k].name,
                        first: format!("{} ({})", sheet.place(h, first).cell(), col_name(first)),
                        second: format!("{} ({})", sheet.place(h, j).cell(), col_name(j)),
                    });
                }
                mapped[k] = Some(j);
            }
            Some(ColumnTarget::Ignore) => ignored.push(col_name(j)),
            None => unknown.push(col_name(j)),
        }
    }
    // Data under a blank header cell is an unknown column too.
    let width = sheet.rows[h + 1..]
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0);
    for j in 0..width {
        let named = header.cells.get(j).is_some_and(|c| !c.is_blank());
        let used = sheet.rows[h + 1..]
            .iter()
            .any(|r| r.cell(j).is_some_and(|c| !c.is_blank()));
        if !named && used {
            unknown.push(format!("column {} (no name)", column_letters(j)));
        }
    }
    if !ignored.is_empty() {
        notes.push(format!(
            "{file}: leaving out columns the library does not use: {}",
            ignored.join(", ")
        ));
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "{file}: ignoring unknown columns {} (a mapping file can name their fields)",
            unknown.join(", ")
        ));
    }

    // Which fields are written, and from where.
    let mut columns = Vec::new();
    let mut sources = Vec::new();
    let mut plan: Vec<(usize, Plan)> = Vec::new();
    for (k, field) in fields.iter().enumerate() {
        if field.helper {
            continue;
        }
        let fallback: Vec<(usize, usize)> = field
            .fallback
            .iter()
            .filter_map(|name| {
                let i = fields.iter().position(|f| f.name == *name)?;
                mapped[i].map(|col| (i, col))
            })
            .collect();
        let default = profile.default_of(kind, field.name);
        let source = match (mapped[k], fallback.first(), default) {
            (Some(j), _, _) => ColumnSource::Column {
                column: j,
                header: header.cells[j].text.trim().to_owned(),
            },
            (None, Some(&(i, col)), _) => {
                notes.push(format!(
                    "{file}: no column for `{}`: taken from {} (`{}`) in every row",
                    field.name,
                    col_name(col),
                    fields[i].name
                ));
                ColumnSource::Fallback {
                    field: fields[i].name,
                    column: col,
                    header: header.cells[col].text.trim().to_owned(),
                }
            }
            (None, None, Some(d)) => {
                notes.push(format!(
                    "{file}: no column for `{}`: every row takes the mapping file's default {d:?}",
                    field.name
                ));
                ColumnSource::Default(d.to_owned())
            }
            (None, None, None) if field.required => {
                let mut aliases = profile.aliases(kind, field.name);
                for fb in field.fallback {
                    aliases.extend(profile.aliases(kind, fb).into_iter().take(3));
                }
                let header_text = header
                    .cells
                    .iter()
                    .map(|c| c.text.trim())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(FormatError::MissingColumn {
                    at: format!("{file}: {}", header_place.row_text()),
                    field: field.name,
                    message: format!(
                        "no column for `{}`, which {} needs: head a column with one of {}, or set \
                         [{}.defaults] {} = \"…\" in a mapping file (the header has: {header_text})",
                        field.name,
                        what(kind),
                        aliases.join(", "),
                        kind.name(),
                        field.name
                    ),
                });
            }
            (None, None, None) => continue,
        };
        columns.push(field.name);
        sources.push(source);
        plan.push((
            k,
            Plan {
                column: mapped[k],
                fallback,
            },
        ));
    }
    // Helper fields read only to fill others: checked all the same.
    let helpers: Vec<usize> = (0..fields.len())
        .filter(|&k| fields[k].helper && mapped[k].is_some())
        .collect();

    // Rows.
    let mut rows = Vec::new();
    let mut changes = Changes::default();
    let mut filled: HashMap<&'static str, (usize, Place)> = HashMap::new();
    let mut data_started = false;
    let mut instructions = Vec::new();
    let mut normaliser = values::Normaliser {
        profile,
        date1904: sheet.date1904,
        changes: &mut changes,
    };
    for (i, row) in sheet.rows.iter().enumerate().skip(h + 1) {
        if row.is_blank() {
            continue;
        }
        if !data_started && instructions.len() < 5 && is_instruction(row) {
            instructions.push(format!(
                "{} “{}”",
                sheet.place(i, 0).row_text(),
                row_text(row)
            ));
            continue;
        }
        data_started = true;
        let empty = Cell::empty();
        let mut norm: Vec<Option<values::Norm>> = vec![None; fields.len()];
        let read = |k: usize,
                    norm: &mut Vec<Option<values::Norm>>,
                    normaliser: &mut values::Normaliser<'_>|
         -> Result<(), FormatError> {
            if norm[k].is_some() {
                return Ok(());
            }
            let Some(j) = mapped[k] else { return Ok(()) };
            let cell = row.cell(j).unwrap_or(&empty);
            let place = || sheet.place(i, j);
            let n = normaliser
                .cell(&fields[k], cell, &place)
                .map_err(|problem| FormatError::Cell {
                    place: Box::new(place()),
                    column: col_name(j),
                    field: fields[k].name,
                    value: cell.text.clone(),
                    problem,
                })?;
            norm[k] = Some(n);
            Ok(())
        };
        for &k in &helpers {
            read(k, &mut norm, &mut normaliser)?;
        }
        let mut cells = Vec::with_capacity(plan.len());
        for (k, p) in &plan {
            read(*k, &mut norm, &mut normaliser)?;
            for &(f, _) in &p.fallback {
                read(f, &mut norm, &mut normaliser)?;
            }
            let own = norm[*k]
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_default();
            let value = if !own.is_empty() {
                own
            } else if let Some((f, col)) = p
                .fallback
                .iter()
                .find(|(f, _)| norm[*f].as_ref().is_some_and(|n| !n.fallback.is_empty()))
            {
                if p.column.is_some() {
                    let entry = filled
                        .entry(fields[*f].name)
                        .or_insert((0, sheet.place(i, *col)));
                    entry.0 += 1;
                }
                norm[*f]
                    .as_ref()
                    .map(|n| n.fallback.clone())
                    .unwrap_or_default()
            } else if let Some(d) = profile
                .default_of(kind, fields[*k].name)
                .filter(|_| p.column.is_none())
            {
                let place = Place {
                    file: format!("{file} (the mapping file's default)"),
                    sheet: None,
                    row: row.number,
                    column: 0,
                };
                normaliser
                    .cell(&fields[*k], &Cell::text(d), &|| place.clone())
                    .map_err(|problem| FormatError::Cell {
                        place: Box::new(place),
                        column: "default".to_owned(),
                        field: fields[*k].name,
                        value: d.to_owned(),
                        problem,
                    })?
                    .value
            } else {
                String::new()
            };
            cells.push(value);
        }
        rows.push(NormalisedRow {
            number: row.number,
            cells,
        });
    }
    if !instructions.is_empty() {
        notes.push(format!(
            "{file}: instruction row{} under the header skipped: {}",
            if instructions.len() == 1 { "" } else { "s" },
            instructions.join(", ")
        ));
    }
    for (k, p) in &plan {
        if p.column.is_none() {
            continue;
        }
        for (f, _) in &p.fallback {
            if let Some((n, place)) = filled.get(fields[*f].name) {
                notes.push(format!(
                    "{file}: `{}` empty in {n} row{}: taken from `{}` (first {})",
                    fields[*k].name,
                    if *n == 1 { "" } else { "s" },
                    fields[*f].name,
                    short_place(place)
                ));
            }
        }
    }
    let describe = |f: &str| {
        let k = fields.iter().position(|g| g.name == f);
        match k.and_then(|k| mapped[k]) {
            Some(j) => format!("{} (`{f}`)", col_name(j)),
            None => format!("`{f}`"),
        }
    };
    notes.extend(changes.notes(file, describe));
    let mut table = Normalised {
        kind,
        file: file.to_owned(),
        sheet: sheet.name.clone().filter(|_| sheet.format.is_workbook()),
        format: sheet.format,
        columns,
        sources,
        header_row: header.number,
        rows,
        notes,
        lines: Vec::new(),
    };
    table.lines = table.layout();
    Ok(table)
}

/// How one written field is filled.
struct Plan {
    /// Its own column.
    column: Option<usize>,
    /// The fields (index) that fill it when empty, with their columns.
    fallback: Vec<(usize, usize)>,
}

/// Whether a field needs quoting in CSV, and its line breaks.
fn needs_quotes(s: &str) -> bool {
    s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ')
}

fn line_breaks(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

impl Normalised {
    /// The line each row starts on in the canonical text: its own row number where it can
    /// (blank lines fill the gaps), right after the previous row when a line break inside an
    /// earlier workbook cell pushed it down.
    fn layout(&self) -> Vec<u64> {
        let header_lines = 1 + self.columns.iter().map(|c| line_breaks(c)).sum::<u64>();
        let mut next = header_lines + 1;
        self.rows
            .iter()
            .map(|r| {
                let line = r.number.max(next);
                next = line + 1 + r.cells.iter().map(|c| line_breaks(c)).sum::<u64>();
                line
            })
            .collect()
    }

    /// The canonical CSV text: the field names, then each row on the line of its row in the
    /// file (blank lines between, which the core's readers skip), so that a line in the core's
    /// messages is the line, or the workbook row, a person sees; see [`Normalised::row_at_line`]
    /// for the rare rows pushed down by line breaks inside workbook cells.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let push_record = |out: &mut String, cells: &mut dyn Iterator<Item = &str>, n: usize| {
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if needs_quotes(c) || (n == 1 && c.is_empty()) {
                    out.push('"');
                    out.push_str(&c.replace('"', "\"\""));
                    out.push('"');
                } else {
                    out.push_str(c);
                }
            }
            out.push('\n');
        };
        let n = self.columns.len();
        push_record(&mut out, &mut self.columns.iter().copied(), n);
        let mut line = 1 + self.columns.iter().map(|c| line_breaks(c)).sum::<u64>() + 1;
        for (row, &at) in self.rows.iter().zip(&self.lines) {
            while line < at {
                out.push('\n');
                line += 1;
            }
            push_record(&mut out, &mut row.cells.iter().map(String::as_str), n);
            line += 1 + row.cells.iter().map(|c| line_breaks(c)).sum::<u64>();
        }
        out
    }

    /// The row (index into [`Normalised::rows`]) whose record starts on `line` of
    /// [`Normalised::to_csv`].
    pub fn row_at_line(&self, line: u64) -> Option<usize> {
        self.lines.binary_search(&line).ok()
    }

    /// The place in the file of a field in the row starting on `line` of the canonical text:
    /// the cell of the field's column (or of the column it is taken from), the row's first
    /// cell when the field has none.
    pub fn place_at_line(&self, line: u64, field: Option<&str>) -> Option<Place> {
        let row = self.rows.get(self.row_at_line(line)?)?;
        let column = field
            .and_then(|f| self.columns.iter().position(|c| *c == f))
            .and_then(|k| match &self.sources[k] {
                ColumnSource::Column { column, .. } | ColumnSource::Fallback { column, .. } => {
                    Some(*column)
                }
                ColumnSource::Default(_) => None,
            })
            .unwrap_or(0);
        Some(Place {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: row.number,
            column,
        })
    }

    /// A field's column as the file heads it (`column C 信用风险分类`), for messages.
    pub fn column_text(&self, field: &str) -> Option<String> {
        let k = self.columns.iter().position(|c| *c == field)?;
        Some(match &self.sources[k] {
            ColumnSource::Column { column, header } => {
                format!("column {} {header} (`{field}`)", column_letters(*column))
            }
            ColumnSource::Fallback {
                field: from,
                column,
                header,
            } => format!(
                "column {} {header} (`{from}`, read as `{field}`)",
                column_letters(*column)
            ),
            ColumnSource::Default(d) => format!("`{field}` (the mapping file's default {d:?})"),
        })
    }

    /// Text with every `line N` of the canonical text replaced by the row a person sees
    /// (`Sheet1 row 7`, or `line 7` of a text file), for the core's messages.
    pub fn translate_lines(&self, message: &str) -> String {
        let mut out = String::with_capacity(message.len());
        let mut rest = message;
        while let Some(at) = rest.find("line ") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 5..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            let place = digits
                .parse::<u64>()
                .ok()
                .and_then(|l| self.place_at_line(l, None));
            match place {
                Some(p) if !digits.is_empty() => {
                    out.push_str(&p.row_text());
                    rest = &after[digits.len()..];
                }
                _ => {
                    out.push_str("line ");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl shuangsuiji::kpi::ColumnSource for Normalised {
    fn num_columns(&self) -> usize {
        self.columns.len()
    }

    fn column_name(&self, column: usize) -> &str {
        self.columns[column]
    }

    fn num_rows(&self) -> usize {
        self.rows.len()
    }

    fn cell(&self, row: usize, column: usize) -> Option<&str> {
        self.rows[row].cells.get(column).map(String::as_str)
    }
}

impl fmt::Display for Normalised {
    /// The canonical text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_csv())
    }
}
