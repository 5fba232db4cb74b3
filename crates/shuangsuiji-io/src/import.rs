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
use crate::table::{ReadOptions, read_sheet};
use shuangsuiji::inspector::InspectorPool;
use shuangsuiji::kpi::{KpiCsv, KpiError, Table};
use shuangsuiji::pool_csv::{self, CsvError, Parsed};
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
            }
        }
        None => FormatError::Core {
            at: table.file.clone(),
            column: e.field().map(|f| format!("`{f}`")),
            message,
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

/// A KPI reader's error with the place in the file it came from, where the error names a
/// line and field of a table among `tables` (otherwise its own message).
pub fn locate_kpi(tables: &[&Normalised], e: &KpiError) -> String {
    let (table, line, field): (Table, u64, Option<&str>) = match e {
        KpiError::BadValue {
            table, line, field, ..
        } => (*table, *line, Some(field)),
        KpiError::Unknown { table, line, .. }
        | KpiError::NotDrawn { table, line, .. }
        | KpiError::Inconsistent { table, line, .. }
        | KpiError::Calendar { table, line, .. } => (*table, *line, None),
        _ => return e.to_string(),
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
