//! The platforms' files (`docs/FORMATS.md`): bytes of any supported format (xlsx, xlsm, xlsb,
//! xls, ods, Excel 2003 XML, CSV/TSV in UTF-8, GB18030/GBK or UTF-16, told by content) and an
//! optional mapping file's text in, a frozen target pool, an inspector pool or a KPI report
//! out, with the notes (how the file was read, every value changed) and, on failure, the
//! place of the error (`ssj_last_error_place`).

use crate::boundary::{ffi, opt_json_arg, opt_text, out, slice, text, to_handle};
use crate::inspectors::ssj_inspector_pool;
use crate::kpi::ssj_kpi_report;
use crate::result::{Failure, last_place_into, ssj_result};
use crate::targets::ssj_frozen_pool;
use shuangsuiji_io::import;
use shuangsuiji_io::normalise::FormatError;
use shuangsuiji_io::profile::{Profile, TableKind};
use shuangsuiji_io::table::ReadOptions;
use ssj::kpi::{KpiConfig, KpiInput, KpiReport, Table};
use std::ffi::c_char;

impl From<FormatError> for Failure {
    fn from(e: FormatError) -> Failure {
        let mut f = Failure::new(ssj_result::SSJ_FORMAT, e.to_string());
        f.place = e.place().cloned();
        f
    }
}

/// The profile: the built-in one, extended by a mapping file's text when given.
unsafe fn profile(mapping_toml: *const c_char) -> Result<Profile, Failure> {
    match unsafe { opt_text(mapping_toml, "mapping_toml")? } {
        None => Ok(import::builtin_profile().clone()),
        Some(toml) => Ok(Profile::with_mapping("mapping_toml", toml).map_err(FormatError::from)?),
    }
}

unsafe fn options(sheet: *const c_char, what: &str) -> Result<ReadOptions, Failure> {
    Ok(ReadOptions {
        sheet: unsafe { opt_text(sheet, what)? }.map(str::to_owned),
    })
}

unsafe fn name<'a>(p: *const c_char, default: &'a str, what: &str) -> Result<&'a str, Failure> {
    Ok(unsafe { opt_text(p, what)? }.unwrap_or(default))
}

/// Writes the notes, one a line, when `notes_out` is not NULL.
fn write_notes(notes_out: *mut *mut c_char, notes: &[String]) -> Result<(), Failure> {
    if !notes_out.is_null() {
        let text = notes.join("\n");
        unsafe { notes_out.write(crate::boundary::c_string(text)?) };
    }
    Ok(())
}

/// Reads a target pool (and, if `history` is not NULL, its inspection history) from the bytes
/// of a file in any supported format, straight into the frozen pool: the platforms' Chinese
/// headers and values are known (the built-in profile), `mapping_toml` (NULL: none) is a
/// mapping file's text for others (docs/FORMATS.md §6). `pool_name`/`history_name` name the
/// files in messages (NULL: "pool", "history"); `pool_sheet`/`history_sheet` (NULL: the first
/// non-empty sheet) pick a workbook's sheet. The library's own CSV gives the digest
/// `ssj_frozen_pool_from_csv` gives. `*notes_out` (if `notes_out` is not NULL) receives the
/// notes, one a line (free with `ssj_string_free`). Failures: `SSJ_FORMAT` with the place in
/// `ssj_last_error()` (e.g. "pool.xlsx: 待抽检库!F7: column F 风险等级 (`grade`): …") and
/// `ssj_last_error_place`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ssj_frozen_pool_read(
    pool: *const u8,
    pool_len: usize,
    pool_name: *const c_char,
    history: *const u8,
    history_len: usize,
    history_name: *const c_char,
    mapping_toml: *const c_char,
    pool_sheet: *const c_char,
    history_sheet: *const c_char,
    frozen_out: *mut *mut ssj_frozen_pool,
    notes_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let frozen_out = out(frozen_out, "frozen_out")?;
        let pool_bytes = slice(pool, pool_len, "pool")?;
        let pool_name = name(pool_name, "pool", "pool_name")?;
        let history_name = name(history_name, "history", "history_name")?;
        let history_bytes = if history.is_null() {
            None
        } else {
            Some(slice(history, history_len, "history")?)
        };
        let profile = profile(mapping_toml)?;
        let history_options = options(history_sheet, "history_sheet")?;
        let read = import::read_frozen_pool(
            (pool_name, pool_bytes),
            history_bytes.map(|b| (history_name, b, &history_options)),
            &profile,
            &options(pool_sheet, "pool_sheet")?,
        )?;
        write_notes(notes_out, &read.notes)?;
        frozen_out.write(to_handle(read.value.value.into_pool()));
        Ok(())
    }
}

/// Reads an inspector pool from the bytes of a file in any supported format, as
/// [`ssj_frozen_pool_read`] reads a target pool (`name` NULL: "inspectors"; `sheet` NULL: the
/// first non-empty sheet). Freeze it to match teams from it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_read(
    bytes: *const u8,
    len: usize,
    file_name: *const c_char,
    mapping_toml: *const c_char,
    sheet: *const c_char,
    pool_out: *mut *mut ssj_inspector_pool,
    notes_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let bytes = slice(bytes, len, "bytes")?;
        let file = name(file_name, "inspectors", "file_name")?;
        let profile = profile(mapping_toml)?;
        let read = import::read_inspectors((file, bytes), &profile, &options(sheet, "sheet")?)?;
        write_notes(notes_out, &read.notes)?;
        pool_out.write(to_handle(read.value));
        Ok(())
    }
}

/// The KPI table a file name stands for: its name without extension (`results.xlsx` →
/// results), as `docs/KPI.md` names the tables.
fn table_of(file: &str) -> Option<Table> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.split_once('.').map_or(base, |(s, _)| s);
    Table::ALL
        .into_iter()
        .find(|t| t.file_name().trim_end_matches(".csv") == stem)
}

/// Computes the KPI report from `count` files of any supported format: `names[i]` (e.g.
/// "results.xlsx", "drawn.csv": the name without extension says the table, docs/KPI.md) and
/// `bytes[i]` of `lens[i]` bytes; a table not given is empty. `mapping_toml` and `config_json`
/// may be NULL. Notes as [`ssj_frozen_pool_read`]; a table's error is `SSJ_FORMAT` at its
/// cell, the report's own errors `SSJ_KPI` with the file's row in `ssj_last_error()`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ssj_kpi_report_read(
    names: *const *const c_char,
    bytes: *const *const u8,
    lens: *const usize,
    count: usize,
    mapping_toml: *const c_char,
    config_json: *const c_char,
    report_out: *mut *mut ssj_kpi_report,
    notes_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let report_out = out(report_out, "report_out")?;
        let names = slice(names, count, "names")?;
        let datas = slice(bytes, count, "bytes")?;
        let lens = slice(lens, count, "lens")?;
        let profile = profile(mapping_toml)?;
        let config: KpiConfig = opt_json_arg(config_json, "config_json")?;
        let mut tables = Vec::new();
        let mut notes = Vec::new();
        for i in 0..count {
            let file = text(names[i], "names[i]")?;
            let table = table_of(file).ok_or_else(|| {
                Failure::new(
                    ssj_result::SSJ_BAD_NAME,
                    format!(
                        "names[{i}]: {file:?} names no KPI table (tables: {})",
                        Table::ALL.map(Table::file_name).join(", ")
                    ),
                )
            })?;
            let data = slice(datas[i], lens[i], "bytes[i]")?;
            let read = import::read_table(file, data, TableKind::Kpi(table), &profile, &ReadOptions::default())?;
            notes.extend(read.notes.iter().cloned());
            tables.push(read);
        }
        let refs: Vec<_> = tables.iter().collect();
        let kpi = |e: ssj::kpi::KpiError| Failure::new(ssj_result::SSJ_KPI, import::locate_kpi(&refs, &e));
        let input = KpiInput::from_csv(&import::kpi_csv(&refs)).map_err(kpi)?;
        let report = KpiReport::compute(&input, &config).map_err(kpi)?;
        write_notes(notes_out, &notes)?;
        report_out.write(to_handle(report));
        Ok(())
    }
}

/// Where the last failure of this thread was, when it was at a cell or row of a file (an
/// `SSJ_FORMAT` failure of the functions above): `*file` the file's name, `*sheet` the sheet
/// (NULL for a text file), `*row` the row (or line) a person sees, `*column` the column
/// (0-based: 0 is A). The strings are valid until the next failing call on the thread; do not
/// free them. Returns false (writing nothing) when the last failure has no place. Any out
/// pointer may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_last_error_place(
    file: *mut *const c_char,
    sheet: *mut *const c_char,
    row: *mut u64,
    column: *mut u32,
) -> bool {
    unsafe { last_place_into(file, sheet, row, column) }
}
