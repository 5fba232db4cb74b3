//! The platforms' files (`docs/FORMATS.md`): bytes of any supported format (xlsx, xlsm, xlsb,
//! xls, ods, Excel 2003 XML, CSV/TSV in UTF-8, GB18030/GBK or UTF-16, told by content) and a
//! profile in, a frozen target pool, an inspector pool or a KPI input out, with the notes, read
//! by `shuangsuiji_io::import` as the command line reads them.
//!
//! As on the command line, the library's own CSV (`import::is_library_csv`) is read by the
//! core's readers, with their messages; a value the core refuses on a data line (a platform's
//! label such as 存续 under `status`) has the file read again through the formats layer, and
//! the core's error stands if that fails too. Every other file goes through the layer, its
//! errors at the file's cells. The Python wrapper (`shuangsuiji/formats.py`) turns paths and
//! file objects into bytes.

use crate::errors::{self, Detail};
use crate::kpi::{Origin, PyKpiInput, table_of};
use crate::pools::{PyInspectorPool, PyTargetPool};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use shuangsuiji::inspector::InspectorPool;
use shuangsuiji::kpi::{KpiCsv, KpiError, KpiInput, Table};
use shuangsuiji::pool_csv::{self, CsvError, Parsed};
use shuangsuiji::record::GradeRule;
use shuangsuiji::risk::Stratum;
use shuangsuiji::target::FrozenPool;
use shuangsuiji_io::import;
use shuangsuiji_io::normalise::{FormatError, Normalised};
use shuangsuiji_io::profile::{Profile, TableKind};
use shuangsuiji_io::table::{Place, ReadOptions, column_letters};
use std::sync::Arc;

/// Bytes of a file's start looked at to tell the library's own CSV from anything else (as the
/// command line).
const HEAD: usize = 64 * 1024;

/// A column and value profile: the built-in one, or a mapping file read over it.
#[pyclass(module = "shuangsuiji._native", name = "Profile", frozen)]
pub(crate) struct PyProfile {
    profile: Arc<Profile>,
    name: String,
    /// Whether it is the built-in profile unchanged (the library's CSV may take the core's
    /// readers).
    builtin: bool,
}

#[pymethods]
impl PyProfile {
    /// The built-in profile: the library's names and the platforms' usual headers and values.
    #[staticmethod]
    fn builtin() -> PyProfile {
        PyProfile {
            profile: builtin(),
            name: "builtin".to_owned(),
            builtin: true,
        }
    }

    /// A mapping file's text (TOML, docs/FORMATS.md §6) read over the built-in profile;
    /// `name` names it in messages.
    #[staticmethod]
    fn from_toml(name: &str, text: &str) -> PyResult<PyProfile> {
        let profile = Profile::with_mapping(name, text)
            .map_err(|e| errors::input(e.to_string(), vec![("file", e.file.clone().into())]))?;
        Ok(PyProfile {
            profile: Arc::new(profile),
            name: name.to_owned(),
            builtin: false,
        })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The mapping file's rules for grades outside A–D, as `(label, stratum)`.
    #[getter]
    fn grade_rules(&self) -> Vec<(String, &'static str)> {
        grade_rules(&self.profile)
            .into_iter()
            .map(|r| (r.label, r.stratum.name()))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("<Profile {}>", self.name)
    }
}

/// A profile's grade rules in the record's terms (as the command line writes them).
fn grade_rules(profile: &Profile) -> Vec<GradeRule> {
    profile
        .grade_rules()
        .iter()
        .map(|(label, grade)| GradeRule {
            label: label.clone(),
            stratum: grade.parse().unwrap_or(Stratum::Ungraded),
        })
        .collect()
}

/// The profile asked for, and whether the library's CSV may take the core's readers.
fn profile_of(profile: Option<&PyProfile>) -> (Arc<Profile>, bool) {
    match profile {
        Some(p) => (p.profile.clone(), p.builtin),
        None => (builtin(), true),
    }
}

/// The built-in profile, built once and shared.
fn builtin() -> Arc<Profile> {
    static BUILTIN: std::sync::OnceLock<Arc<Profile>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| Arc::new(import::builtin_profile().clone()))
        .clone()
}

fn options(sheet: Option<String>) -> ReadOptions {
    ReadOptions { sheet }
}

/// The text of a library CSV, or `None` when the bytes are not one (the layer reads them).
fn library_text(bytes: &[u8], kind: TableKind) -> Option<&str> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if !import::is_library_csv(head, kind) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// A core reader's refusal of a value on a data line (`file:LINE: field `x`: …`, LINE > 1),
/// which the formats layer may read (a platform's label in the library's CSV).
fn is_value_error(e: &CsvError) -> bool {
    e.line().is_some_and(|l| l > 1) && e.field().is_some()
}

/// Why a read failed, turned into a Python exception once the GIL is held again.
enum Failure {
    /// The core's reader, on the library's own CSV (file name, its text).
    Csv(Box<CsvError>, Vec<(String, String)>),
    /// The formats layer, for a table of this kind; the names of the files given.
    Format(Box<FormatError>, &'static str, Vec<String>),
    /// The KPI reader.
    Kpi(Box<KpiError>, Origin),
}

impl Failure {
    fn into_py(self) -> PyErr {
        match self {
            Failure::Csv(e, texts) => csv_error(&e, &texts),
            Failure::Format(e, class, names) => format_error(&e, class, &names),
            Failure::Kpi(e, origin) => kpi_error(*e, &origin),
        }
    }
}

/// The attributes of a cell's place: `file`, `sheet` (a workbook's), `line` (a text file's),
/// `row` (the row a person sees: the workbook's row, the text's line), `column` (its
/// letters, `C`) and `cell` (`C7`).
fn place_details(p: &Place, d: &mut Vec<(&'static str, Detail)>) {
    d.push(("file", p.file.clone().into()));
    match &p.sheet {
        Some(sheet) => d.push(("sheet", sheet.clone().into())),
        None => d.push(("line", p.row.into())),
    }
    d.push(("row", p.row.into()));
    let letters = column_letters(p.column);
    d.push(("cell", format!("{letters}{}", p.row).into()));
    d.push(("column", letters.into()));
}

/// A formats-layer error as an exception of `class` (a mapping file's as an
/// `InvalidInputError`), with the message the command line prints and the place as attributes.
fn format_error(e: &FormatError, class: &str, names: &[String]) -> PyErr {
    let message = e.to_string();
    if let FormatError::Mapping(m) = e {
        return errors::input(message, vec![("file", m.file.clone().into())]);
    }
    let mut d: Vec<(&'static str, Detail)> = Vec::new();
    match e.place() {
        Some(p) => place_details(p, &mut d),
        None => {
            // Every message of the layer starts with the file's name.
            if let Some(file) = names
                .iter()
                .filter(|n| message.starts_with(n.as_str()))
                .max_by_key(|n| n.len())
            {
                d.push(("file", file.clone().into()));
            }
        }
    }
    if let Some(field) = e.field() {
        d.push(("field", field.to_owned().into()));
    }
    if let FormatError::Cell { value, .. } = e {
        d.push(("value", value.clone().into()));
    }
    errors::raise(class, message, d)
}

/// The 0-based column of `field` in a library CSV's header line.
fn header_column(text: &str, field: &str) -> Option<usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.split('\n').next()?.trim_end_matches('\r');
    first.split(',').position(|cell| {
        let cell = cell.trim();
        let cell = cell
            .strip_prefix('"')
            .and_then(|c| c.strip_suffix('"'))
            .unwrap_or(cell);
        cell.trim().eq_ignore_ascii_case(field)
    })
}

/// The core reader's error on a library CSV, with the command line's message and the
/// attributes a read through the layer has (`row` is the line, the row a spreadsheet shows).
fn csv_error(e: &CsvError, texts: &[(String, String)]) -> PyErr {
    let mut d: Vec<(&'static str, Detail)> = vec![("file", e.file().into())];
    if let Some(line) = e.line() {
        d.push(("line", line.into()));
        d.push(("row", line.into()));
        let column = e.field().and_then(|f| {
            texts
                .iter()
                .find(|(name, _)| name == e.file())
                .and_then(|(_, text)| header_column(text, f))
        });
        if let Some(c) = column {
            let letters = column_letters(c);
            d.push(("cell", format!("{letters}{line}").into()));
            d.push(("column", letters.into()));
        }
    }
    if let Some(field) = e.field() {
        d.push(("field", field.into()));
    }
    errors::raise("PoolError", e.to_string(), d)
}

/// A KPI error named as the input's reading names it: at the file's cell for tables read
/// through the layer, after the folder for the library's CSV files, else the core's own.
pub(crate) fn kpi_error(e: KpiError, origin: &Origin) -> PyErr {
    match origin {
        Origin::Plain => errors::kpi(e),
        Origin::Folder(dir) => errors::raise(
            "KpiInputError",
            format!("{dir}: {e}"),
            errors::kpi_details(&e),
        ),
        Origin::Tables(tables) => {
            let refs: Vec<&Normalised> = tables.iter().collect();
            let message = import::locate_kpi(&refs, &e);
            let mut d = errors::kpi_details(&e);
            if let Some(place) = import::kpi_place(&refs, &e) {
                place_details(&place, &mut d);
            }
            errors::raise("KpiInputError", message, d)
        }
    }
}

/// A pool read: the frozen pool, its notes and the grade rules it was read with.
type ReadPool = (FrozenPool, Vec<String>, Vec<GradeRule>);

/// The pool through the formats layer.
fn pool_via_layer(
    pool: (&str, &[u8]),
    history: Option<(&str, &[u8])>,
    profile: &Profile,
    sheet: Option<String>,
    history_sheet: Option<String>,
) -> Result<ReadPool, Failure> {
    let history_options = options(history_sheet);
    let mut names = vec![pool.0.to_owned()];
    names.extend(history.map(|h| h.0.to_owned()));
    let read = import::read_frozen_pool(
        pool,
        history.map(|(f, b)| (f, b, &history_options)),
        profile,
        &options(sheet),
    )
    .map_err(|e| Failure::Format(Box::new(e), "PoolError", names))?;
    Ok((
        read.value.value.into_pool(),
        read.notes,
        grade_rules(profile),
    ))
}

/// Reads a target pool (and its history) from the bytes of its files: `pool` and `history`
/// are `(name, bytes)`, the name as messages give it.
#[pyfunction]
#[pyo3(signature = (pool_name, pool, history_name=None, history=None, profile=None, sheet=None, history_sheet=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_pool(
    py: Python<'_>,
    pool_name: String,
    pool: Bound<'_, PyBytes>,
    history_name: Option<String>,
    history: Option<Bound<'_, PyBytes>>,
    profile: Option<PyRef<'_, PyProfile>>,
    sheet: Option<String>,
    history_sheet: Option<String>,
) -> PyResult<PyTargetPool> {
    let (profile, plain) = profile_of(profile.as_deref());
    let pool_bytes = pool.as_bytes();
    let history_bytes = history.as_ref().map(|h| h.as_bytes());
    let history_name = history_name.unwrap_or_else(|| "history".to_owned());
    let read = py.detach(|| -> Result<ReadPool, Failure> {
        let history = history_bytes.map(|b| (history_name.as_str(), b));
        let texts = (plain && sheet.is_none() && history_sheet.is_none())
            .then(|| {
                let p = library_text(pool_bytes, TableKind::Pool)?;
                let h = match history {
                    Some((name, b)) => Some((name, library_text(b, TableKind::History)?)),
                    None => None,
                };
                Some((p, h))
            })
            .flatten();
        let Some((pool_text, history_text)) = texts else {
            return pool_via_layer(
                (&pool_name, pool_bytes),
                history,
                &profile,
                sheet,
                history_sheet,
            );
        };
        match pool_csv::read_frozen_pool(&pool_name, pool_text, history_text) {
            Ok(read) => Ok((read.value.into_pool(), read.notes, Vec::new())),
            Err(e) => {
                let mut texts = vec![(pool_name.clone(), pool_text.to_owned())];
                texts.extend(history_text.map(|(n, t)| (n.to_owned(), t.to_owned())));
                if is_value_error(&e) {
                    pool_via_layer((&pool_name, pool_bytes), history, &profile, None, None)
                        .map_err(|_| Failure::Csv(Box::new(e), texts))
                } else {
                    Err(Failure::Csv(Box::new(e), texts))
                }
            }
        }
    });
    let (pool, notes, grade_rules) = read.map_err(Failure::into_py)?;
    Ok(PyTargetPool {
        pool,
        notes,
        grade_rules,
    })
}

/// The inspector pool through the formats layer.
fn inspectors_via_layer(
    file: (&str, &[u8]),
    profile: &Profile,
    sheet: Option<String>,
) -> Result<Parsed<InspectorPool>, Failure> {
    import::read_inspectors(file, profile, &options(sheet))
        .map_err(|e| Failure::Format(Box::new(e), "PoolError", vec![file.0.to_owned()]))
}

/// Reads an inspector pool from the bytes of its file, as [`read_pool`] reads a target pool.
#[pyfunction]
#[pyo3(signature = (name, data, profile=None, sheet=None))]
pub(crate) fn read_inspectors(
    py: Python<'_>,
    name: String,
    data: Bound<'_, PyBytes>,
    profile: Option<PyRef<'_, PyProfile>>,
    sheet: Option<String>,
) -> PyResult<PyInspectorPool> {
    let (profile, plain) = profile_of(profile.as_deref());
    let bytes = data.as_bytes();
    let read = py.detach(
        || -> Result<(shuangsuiji::inspector::FrozenInspectorPool, Vec<String>), Failure> {
            let text = (plain && sheet.is_none())
                .then(|| library_text(bytes, TableKind::Inspectors))
                .flatten();
            let parsed = match text {
                None => inspectors_via_layer((&name, bytes), &profile, sheet)?,
                Some(text) => match pool_csv::parse_inspectors(&name, text) {
                    Ok(parsed) => parsed,
                    Err(e) => {
                        let texts = vec![(name.clone(), text.to_owned())];
                        if is_value_error(&e) {
                            inspectors_via_layer((&name, bytes), &profile, None)
                                .map_err(|_| Failure::Csv(Box::new(e), texts))?
                        } else {
                            return Err(Failure::Csv(Box::new(e), texts));
                        }
                    }
                },
            };
            Ok((parsed.value.freeze(), parsed.notes))
        },
    );
    let (pool, notes) = read.map_err(Failure::into_py)?;
    Ok(PyInspectorPool { pool, notes })
}

/// The KPI input through the formats layer, with the tables kept (without their cells) to
/// name the report's errors.
fn kpi_via_layer(
    files: &[(Table, &str, &[u8])],
    profile: &Profile,
) -> Result<(KpiInput, Vec<String>, Origin), Failure> {
    let mut tables = Vec::with_capacity(files.len());
    let mut notes = Vec::new();
    for &(table, name, bytes) in files {
        let read = import::read_table(
            name,
            bytes,
            TableKind::Kpi(table),
            profile,
            &ReadOptions::default(),
        )
        .map_err(|e| Failure::Format(Box::new(e), "KpiInputError", vec![name.to_owned()]))?;
        notes.extend(read.notes.iter().cloned());
        tables.push(read);
    }
    let refs: Vec<&Normalised> = tables.iter().collect();
    let csv = import::kpi_csv(&refs);
    for t in &mut tables {
        for row in &mut t.rows {
            row.cells = Vec::new();
        }
        t.notes = Vec::new();
    }
    let origin = Origin::Tables(tables);
    match KpiInput::from_csv(&csv) {
        Ok(input) => Ok((input, notes, origin)),
        Err(e) => Err(Failure::Kpi(Box::new(e), origin)),
    }
}

/// Reads a KPI input from its tables' files: `files` are `(table, name, bytes)` (`table` as
/// `docs/KPI.md` names it: `results`); tables not given are empty. `folder` (the folder the
/// files are in) starts the messages of the library's own CSV files, as the command line's.
#[pyfunction]
#[pyo3(signature = (files, profile=None, folder=None, notes=Vec::new()))]
pub(crate) fn read_kpi_input(
    py: Python<'_>,
    files: Vec<(String, String, Bound<'_, PyBytes>)>,
    profile: Option<PyRef<'_, PyProfile>>,
    folder: Option<String>,
    notes: Vec<String>,
) -> PyResult<PyKpiInput> {
    let (profile, plain) = profile_of(profile.as_deref());
    let mut given = Vec::with_capacity(files.len());
    for (table, name, data) in &files {
        given.push((table_of(table)?, name.as_str(), data.as_bytes()));
    }
    let read = py.detach(|| -> Result<(KpiInput, Vec<String>, Origin), Failure> {
        let library = plain
            && given.iter().all(|&(t, name, bytes)| {
                name.to_ascii_lowercase().ends_with(".csv")
                    && library_text(bytes, TableKind::Kpi(t)).is_some()
            });
        if !library {
            return kpi_via_layer(&given, &profile);
        }
        let mut csv = KpiCsv::default();
        for &(t, _, bytes) in &given {
            let text = library_text(bytes, TableKind::Kpi(t)).unwrap_or_default();
            *csv.get_mut(t) = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
        }
        let origin = folder.clone().map_or(Origin::Plain, Origin::Folder);
        match KpiInput::from_csv(&csv) {
            Ok(input) => Ok((input, Vec::new(), origin)),
            // A platform's wording in the library's own files: read again through the formats
            // layer; the core's error stands if that fails too.
            Err(e @ KpiError::BadValue { .. }) => {
                kpi_via_layer(&given, &profile).map_err(|_| Failure::Kpi(Box::new(e), origin))
            }
            Err(e) => Err(Failure::Kpi(Box::new(e), origin)),
        }
    });
    let (input, read_notes, origin) = read.map_err(Failure::into_py)?;
    let mut all = notes;
    all.extend(read_notes);
    Ok(PyKpiInput {
        input: Arc::new(input),
        notes: all,
        origin,
    })
}
