//! From a file's bytes to the core's types: [`read_table`] (read, find the header, normalise)
//! and the core's own readers fed with the canonical text, their errors moved to the cells a
//! person sees ([`read_pool`], [`read_inspectors`], [`kpi_csv`]).
//!
//! ```
//! use shuangsuiji_io::import::read_pool;
//! use shuangsuiji_io::profile::Profile;
//! use shuangsuiji_io::table::ReadOptions;
//!
//! let pool = "序号,统一社会信用代码,企业名称,登记状态,风险等级,监管标签\n\
//!             1,91350100M000100Y43,甲,存续,低风险,\"食品经营，餐饮服务\"\n";
//! let read = read_pool(("pool.csv", pool.as_bytes()), None, &Profile::builtin(), &ReadOptions::default())?;
//! let frozen = read.value.freeze();
//! assert_eq!(frozen.len(), 1);
//! assert_eq!(frozen.to_targets()[0].tags.len(), 2);
//! assert!(read.notes.iter().any(|n| n.contains("list split on `，`")));
//! # Ok::<(), shuangsuiji_io::normalise::FormatError>(())
//! ```

use crate::normalise::{FormatError, Normalised, normalise};
use crate::profile::{Profile, TableKind};
use crate::table::{Place, ReadOptions, read_sheet};
use shuangsuiji::inspector::InspectorPool;
use shuangsuiji::kpi::{KpiCsv, KpiError, Table};
use shuangsuiji::pool_csv::{self, CsvError, Parsed, PoolFile};
use shuangsuiji::target::TargetPool;

/// Reads a file of any supported format as a table of `kind`: [`read_sheet`] then
/// [`normalise`]; the notes of both.
///
/// # Errors
///
/// [`FormatError`].
pub fn read_table(
    file: &str,
    bytes: &[u8],
    kind: TableKind,
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Normalised, FormatError> {
    let sheet = read_sheet(file, bytes, options)?;
    normalise(&sheet, kind, profile)
}

/// A core reader's error at the place in the file: the row (and the cell of the field) the
/// canonical line came from, the core's own line numbers in its message turned into rows.
pub fn locate(table: &Normalised, e: &CsvError) -> FormatError {
    let message = table.translate_lines(e.problem());
    match e.line() {
        Some(line) => {
            let place = table.place_at_line(line, e.field());
            let at = match (&place, e.field()) {
                (Some(p), Some(_)) => p.to_string(),
                (Some(p), None) => format!("{}: {}", p.file, p.row_text()),
                (None, _) => format!("{}: canonical line {line}", table.file),
            };
            FormatError::Core {
                at,
                column: e
                    .field()
                    .map(|f| table.column_text(f).unwrap_or_else(|| format!("`{f}`"))),
                message,
                place: place.map(Box::new),
                field: e.field().map(str::to_owned),
            }
        }
        None => FormatError::Core {
            at: table.file.clone(),
            column: e.field().map(|f| format!("`{f}`")),
            message,
            place: None,
            field: e.field().map(str::to_owned),
        },
    }
}

fn with_notes<T>(value: T, tables: &[&Normalised], more: Vec<String>) -> Parsed<T> {
    let mut notes: Vec<String> = tables
        .iter()
        .flat_map(|t| t.notes.iter().cloned())
        .collect();
    notes.extend(more);
    Parsed { value, notes }
}

/// Reads a target pool and, if given, its inspection history (each `(file name, bytes)`),
/// in any supported format, through `shuangsuiji::pool_csv`: the pool the core builds from
/// the canonical text, with every note.
///
/// # Errors
///
/// [`FormatError`]: the file's, the profile's, or the core's (at the file's cells).
pub fn read_pool(
    pool: (&str, &[u8]),
    history: Option<(&str, &[u8])>,
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Parsed<TargetPool>, FormatError> {
    let table = read_table(pool.0, pool.1, TableKind::Pool, profile, options)?;
    let parsed =
        pool_csv::parse_pool(&table.file, &table.to_csv()).map_err(|e| locate(&table, &e))?;
    let mut rows = parsed.value;
    let mut core_notes = parsed.notes;
    let history_table = match history {
        Some((file, bytes)) => {
            let h = read_table(file, bytes, TableKind::History, profile, options)?;
            let n = pool_csv::parse_history(&h.file, &h.to_csv(), &mut rows)
                .map_err(|e| locate(&h, &e))?;
            core_notes.extend(n.notes);
            Some(h)
        }
        None => None,
    };
    let value = rows.into_pool().map_err(|e| locate(&table, &e))?;
    let mut tables = vec![&table];
    tables.extend(history_table.as_ref());
    Ok(with_notes(value, &tables, core_notes))
}

/// Reads an inspector pool in any supported format through `pool_csv::parse_inspectors`.
///
/// # Errors
///
/// [`FormatError`].
pub fn read_inspectors(
    file: (&str, &[u8]),
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Parsed<InspectorPool>, FormatError> {
    let table = read_table(file.0, file.1, TableKind::Inspectors, profile, options)?;
    let parsed =
        pool_csv::parse_inspectors(&table.file, &table.to_csv()).map_err(|e| locate(&table, &e))?;
    Ok(with_notes(parsed.value, &[&table], parsed.notes))
}

/// The canonical texts of KPI tables as the core's [`KpiCsv`] (tables not given stay empty).
///
/// # Panics
///
/// Never; a table that is not a KPI table is left out.
pub fn kpi_csv(tables: &[&Normalised]) -> KpiCsv {
    let mut csv = KpiCsv::default();
    for t in tables {
        if let TableKind::Kpi(table) = t.kind {
            *csv.get_mut(table) = t.to_csv();
        }
    }
    csv
}

/// The table, line and field (if any) a KPI reader's error names, when it names a line.
fn kpi_line(e: &KpiError) -> Option<(Table, u64, Option<&str>)> {
    match e {
        KpiError::BadValue {
            table, line, field, ..
        } => Some((*table, *line, Some(field))),
        KpiError::Unknown { table, line, .. }
        | KpiError::NotDrawn { table, line, .. }
        | KpiError::Inconsistent { table, line, .. }
        | KpiError::Calendar { table, line, .. } => Some((*table, *line, None)),
        _ => None,
    }
}

/// The cell of a KPI reader's error in the file its table was read from (the field's cell,
/// or the row's first cell), where the error names a line and field of a table among
/// `tables`.
pub fn kpi_place(tables: &[&Normalised], e: &KpiError) -> Option<Place> {
    let (table, line, field) = kpi_line(e)?;
    let t = tables.iter().find(|t| t.kind == TableKind::Kpi(table))?;
    t.place_at_line(line, field)
}

/// A KPI reader's error with the place in the file it came from, where the error names a
/// line and field of a table among `tables` (otherwise its own message).
pub fn locate_kpi(tables: &[&Normalised], e: &KpiError) -> String {
    let Some((table, line, field)) = kpi_line(e) else {
        return e.to_string();
    };
    let Some(t) = tables.iter().find(|t| t.kind == TableKind::Kpi(table)) else {
        return e.to_string();
    };
    match t.place_at_line(line, field) {
        Some(place) => format!(
            "{place}{}: {}",
            field
                .and_then(|f| t.column_text(f))
                .map(|c| format!(": {c}"))
                .unwrap_or_default(),
            t.translate_lines(&e.to_string())
        ),
        None => e.to_string(),
    }
}

/// Reads a target pool and, if given, its history, in any supported format, straight into the
/// frozen pool (`shuangsuiji::pool_csv::read_frozen_pool` on the canonical text): the pool a
/// draw uses, with the row of each target, every note, and the core's errors at the file's
/// cells. [`Located`] keeps what is needed to name a target's cell afterwards.
///
/// # Errors
///
/// [`FormatError`]: the file's, the profile's, or the core's (at the file's cells).
pub fn read_frozen_pool(
    pool: (&str, &[u8]),
    history: Option<(&str, &[u8], &ReadOptions)>,
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Parsed<Located<PoolFile>>, FormatError> {
    let table = read_table(pool.0, pool.1, TableKind::Pool, profile, options)?;
    let history_table = match history {
        Some((file, bytes, opts)) => {
            Some(read_table(file, bytes, TableKind::History, profile, opts)?)
        }
        None => None,
    };
    let pool_text = table.to_csv();
    let history_text = history_table.as_ref().map(Normalised::to_csv);
    let read = pool_csv::read_frozen_pool(
        &table.file,
        &pool_text,
        history_table
            .as_ref()
            .zip(history_text.as_deref())
            .map(|(h, text)| (h.file.as_str(), text)),
    )
    .map_err(|e| match &history_table {
        Some(h) if e.file() == h.file && (h.file != table.file || is_history_error(&e)) => {
            locate(h, &e)
        }
        _ => locate(&table, &e),
    })?;
    let mut tables = vec![&table];
    tables.extend(history_table.as_ref());
    let parsed = with_notes((), &tables, read.notes);
    Ok(Parsed {
        value: Located {
            value: read.value,
            places: Places::of(&table),
        },
        notes: parsed.notes,
    })
}

/// When pool and history are one file (two sheets of one workbook) an error names that file
/// either way; the history's errors name its fields.
fn is_history_error(e: &CsvError) -> bool {
    matches!(
        e.field(),
        Some("target_id" | "date" | "department" | "item" | "inspectors")
    )
}

/// A value read from a file with what is needed to name the cells of its rows afterwards.
#[derive(Debug, Clone)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The places of its rows.
    pub places: Places,
}

/// The places of a normalised table's rows, without their cells: the line of a row in the
/// canonical text turned back into the cell a person sees.
#[derive(Debug, Clone)]
pub struct Places {
    table: Normalised,
}

impl Places {
    /// The places of `table`'s rows.
    pub fn of(table: &Normalised) -> Places {
        let mut table = table.clone();
        for row in &mut table.rows {
            row.cells = Vec::new();
        }
        table.notes = Vec::new();
        Places { table }
    }

    /// `pool.xlsx: Sheet1!F7: column F 风险分值 (`risk_score`)` for the field of the row on
    /// canonical `line` (`pool.csv:7: column F 风险分值 (`risk_score`)` in a text file; the
    /// field's name alone when the file has no column for it).
    pub fn at(&self, line: u64, field: &str) -> String {
        let column = self
            .table
            .column_text(field)
            .unwrap_or_else(|| format!("field `{field}`"));
        match self.table.place_at_line(line, Some(field)) {
            Some(place) => format!("{place}: {column}"),
            None => format!("{}:{line}: {column}", self.table.file),
        }
    }
}

/// Whether the start of a file (`head`: its first bytes, at least its first line when it has
/// one) is the library's own CSV for a table of `kind`: UTF-8 text (a byte-order mark allowed),
/// comma-separated, whose first line names at least one of the library's columns and no column
/// the built-in profile reads as another field (`登记状态`, `企业名称`, …). Such a file is read
/// by the core's readers directly (the fast path every front keeps); any other (a workbook,
/// another encoding, Chinese headers, a title row) through this layer.
pub fn is_library_csv(head: &[u8], kind: TableKind) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A character cut by the end of `head` is fine; a bad byte is not UTF-8.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    if text.contains('\0') || text.starts_with('<') {
        return false;
    }
    let first = text.split('\n').next().unwrap_or("");
    let first = first.strip_suffix('\r').unwrap_or(first);
    if first.contains('\t') && !first.contains(',') {
        return false;
    }
    let library: Vec<&str> = kind
        .fields()
        .iter()
        .filter(|f| !f.helper)
        .map(|f| f.name)
        .collect();
    let builtin = builtin_profile();
    let mut any = false;
    for cell in first.split(',') {
        let cell = cell.trim();
        let cell = cell
            .strip_prefix('"')
            .and_then(|c| c.strip_suffix('"'))
            .unwrap_or(cell)
            .trim();
        let name = cell.to_lowercase();
        if library.contains(&name.as_str()) {
            any = true;
            continue;
        }
        if let Some(crate::profile::ColumnTarget::Field(_)) = builtin.column(kind, cell) {
            return false;
        }
    }
    any
}

/// The built-in profile, built once.
pub fn builtin_profile() -> &'static Profile {
    static BUILTIN: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(Profile::builtin)
}
