//! The KPI report from data frames (one per table of `docs/KPI.md`) or CSV text.
//!
//! Data frames are read column-wise, with no CSV text in between: each frame becomes a
//! `ColumnSource` ([`FrameColumns`]: every column as the text its CSV field would hold) and
//! `KpiInput::from_columns` hands its rows to the row readers of `KpiInput::from_csv`, so a data
//! frame and a file go through exactly the same checks, with the same error fields; the error
//! line is the row + 2, the row's line in the CSV file (header on line 1). The GIL is released
//! while the columns are typed and read.

use crate::columns::{Frame, table};
use crate::errors;
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, LargeStringArray, StringArray,
    StringViewArray, UInt64Array,
};
use arrow_schema::DataType;
use chrono::{Datelike, NaiveDate};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use shuangsuiji::kpi::{
    ColumnSource, KpiColumns, KpiConfig, KpiCsv, KpiError, KpiInput, KpiKind, KpiReport, Kpis,
    Period, Table,
};
use std::collections::HashMap;
use std::sync::Arc;

const KINDS: [KpiKind; 13] = [
    KpiKind::JointTaskShare,
    KpiKind::JointPlanShare,
    KpiKind::Participation,
    KpiKind::Publication,
    KpiKind::ProblemDiscovery,
    KpiKind::PlanFulfilment,
    KpiKind::ItemCoverage,
    KpiKind::RiskGradeApplication,
    KpiKind::FollowUpDisposal,
    KpiKind::MobileEnforcement,
    KpiKind::OnTimePublication,
    KpiKind::OnTimeCompletion,
    KpiKind::JointTargetShare,
];

pub(crate) fn table_of(name: &str) -> PyResult<Table> {
    let key = name.trim_end_matches(".csv");
    Table::ALL
        .into_iter()
        .find(|t| t.file_name().trim_end_matches(".csv") == key)
        .ok_or_else(|| {
            errors::raise(
                "KpiInputError",
                format!(
                    "unknown KPI table {name:?}; the tables are {}",
                    Table::ALL
                        .map(|t| t.file_name().trim_end_matches(".csv"))
                        .join(", ")
                ),
                vec![("table", name.into())],
            )
        })
}

/// The cells of one column in one batch, typed once so that a cell is a match and an index.
enum Chunk {
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
    /// `true` / `false`, as Arrow casts booleans to text, without building the text.
    Bool(BooleanArray),
    /// Dates as `YYYY-MM-DD`, ten bytes a row, written once ([`date_text`]), with the array
    /// for its nulls.
    Dates(String, Date32Array),
}

impl Chunk {
    /// A text chunk of [`Frame::text_in`].
    fn of_text(a: &ArrayRef) -> Chunk {
        match a.data_type() {
            DataType::Utf8 => Chunk::Utf8(a.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Chunk::LargeUtf8(a.as_string::<i64>().clone()),
            _ => Chunk::Utf8View(a.as_string_view().clone()),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Chunk::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::Utf8View(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::Bool(a) => a
                .is_valid(i)
                .then(|| if a.value(i) { "true" } else { "false" }),
            Chunk::Dates(text, a) => a.is_valid(i).then(|| &text[i * 10..i * 10 + 10]),
        }
    }
}

/// A `date32` chunk as `YYYY-MM-DD` text, ten bytes a row (nulls as blanks), or `None` when a
/// date is outside the years 0–9999, which Arrow's cast writes otherwise (`+10000-01-01`):
/// those chunks take the cast.
fn date_text(a: &Date32Array) -> Option<String> {
    const EPOCH_FROM_CE: i32 = 719_163;
    let mut out = Vec::with_capacity(a.len() * 10);
    for (i, &days) in a.values().iter().enumerate() {
        if a.is_null(i) {
            out.extend_from_slice(b"          ");
            continue;
        }
        let d = NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_FROM_CE)?)?;
        let (y, m, dd) = (u32::try_from(d.year()).ok()?, d.month(), d.day());
        if y > 9999 {
            return None;
        }
        let digit = |v: u32| b'0' + (v % 10) as u8;
        out.extend_from_slice(&[
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(dd / 10),
            digit(dd),
        ]);
    }
    String::from_utf8(out).ok()
}

/// A data frame as a [`ColumnSource`] for `KpiInput::from_columns`: every column as text, as
/// [`Frame::text_in`] gives it (strings, anything Arrow casts to text, lists joined by `;`), with
/// `boolean` and `date32` columns written directly (`true`/`false`, `YYYY-MM-DD`, the text
/// Arrow's cast gives). Columns named `__index_level_…` (pandas' index) are left out.
///
/// A cell is found without searching: the columns of a frame come from the same record
/// batches, so they share the batch boundaries; `block` gives the batch of every
/// 2^[`BLOCK_BITS`]-th row, and the batch of a row is found from there (the next batches are
/// rarely smaller than a block). No allocation per row: the text of strings is borrowed from
/// the Arrow buffers.
struct FrameColumns {
    names: Vec<String>,
    /// The first row of each batch, and the number of rows at the end.
    starts: Vec<usize>,
    /// Per column, one chunk per batch.
    columns: Vec<Vec<Chunk>>,
    /// The batch holding row `j << BLOCK_BITS`, for every `j`.
    block: Vec<u32>,
}

const BLOCK_BITS: u32 = 10;

impl FrameColumns {
    fn new(frame: &Frame) -> PyResult<FrameColumns> {
        let names: Vec<String> = frame
            .column_names()
            .into_iter()
            .filter(|n| !n.starts_with("__index_level_"))
            .collect();
        let batches: Vec<(usize, &arrow_array::RecordBatch)> = frame.batches_at().collect();
        let mut starts: Vec<usize> = batches.iter().map(|&(first, _)| first).collect();
        starts.push(frame.num_rows());
        let rows = frame.num_rows();
        let columns = names
            .iter()
            .map(|name| {
                batches
                    .iter()
                    .map(|&(_, batch)| -> PyResult<Chunk> {
                        let raw = batch.column_by_name(name).expect("the column exists");
                        let direct = match raw.data_type() {
                            DataType::Boolean => Some(Chunk::Bool(raw.as_boolean().clone())),
                            DataType::Date32 => {
                                let a = raw.as_primitive::<Date32Type>();
                                date_text(a).map(|t| Chunk::Dates(t, a.clone()))
                            }
                            _ => None,
                        };
                        match direct {
                            Some(chunk) => Ok(chunk),
                            None => Ok(Chunk::of_text(
                                &frame.text_in(batch, name)?.expect("the column exists"),
                            )),
                        }
                    })
                    .collect::<PyResult<Vec<_>>>()
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut block = Vec::with_capacity((rows >> BLOCK_BITS) + 1);
        let mut k = 0;
        for j in 0..=(rows >> BLOCK_BITS) {
            while k + 2 < starts.len() && starts[k + 1] <= j << BLOCK_BITS {
                k += 1;
            }
            block.push(u32::try_from(k).map_err(|e| errors::input(e.to_string(), vec![]))?);
        }
        Ok(FrameColumns {
            names,
            starts,
            columns,
            block,
        })
    }
}

impl ColumnSource for FrameColumns {
    fn num_columns(&self) -> usize {
        self.names.len()
    }

    fn column_name(&self, column: usize) -> &str {
        &self.names[column]
    }

    fn num_rows(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    #[inline]
    fn cell(&self, row: usize, column: usize) -> Option<&str> {
        let mut k = self.block[row >> BLOCK_BITS] as usize;
        while self.starts[k + 1] <= row {
            k += 1;
        }
        self.columns[column][k].get(row - self.starts[k])
    }
}

/// The flat KPI input.
#[pyclass(module = "shuangsuiji._native", name = "KpiInput", frozen)]
pub(crate) struct PyKpiInput {
    pub(crate) input: Arc<KpiInput>,
    /// How the files were read (`KpiInput.read`).
    pub(crate) notes: Vec<String>,
    /// Where the input came from, to name the report's errors as the reading names its own.
    pub(crate) origin: Origin,
}

/// Where a KPI input came from, for the report's errors.
#[derive(Default)]
pub(crate) enum Origin {
    /// Data frames, CSV text, the demo: the core's own messages.
    #[default]
    Plain,
    /// The library's own CSV files of a folder: messages start with the folder, as the CLI's.
    Folder(String),
    /// Files read through the formats layer: messages at the files' cells (the tables without
    /// their cells).
    Tables(Vec<shuangsuiji_io::normalise::Normalised>),
}

impl PyKpiInput {
    /// An input with no notes, whose errors are the core's own.
    pub(crate) fn new(input: KpiInput) -> PyKpiInput {
        PyKpiInput {
            input: Arc::new(input),
            notes: Vec::new(),
            origin: Origin::Plain,
        }
    }
}

#[pymethods]
impl PyKpiInput {
    /// From Arrow tables keyed by table name (`departments`, `plans`, …; missing ones empty).
    #[staticmethod]
    fn from_arrow(py: Python<'_>, tables: HashMap<String, AnyRecordBatch>) -> PyResult<Self> {
        let mut frames = Vec::with_capacity(tables.len());
        for (name, data) in tables {
            let t = table_of(&name)?;
            frames.push((t, Frame::import(t.file_name(), data)?));
        }
        let input = py.detach(move || -> PyResult<Result<KpiInput, KpiError>> {
            let sources = frames
                .iter()
                .map(|(t, f)| Ok((*t, FrameColumns::new(f)?)))
                .collect::<PyResult<Vec<_>>>()?;
            let mut columns = KpiColumns::default();
            for (t, s) in &sources {
                columns.set(*t, s);
            }
            Ok(KpiInput::from_columns(&columns))
        })?;
        Ok(PyKpiInput::new(input.map_err(errors::kpi)?))
    }

    /// From CSV text keyed by table name (`docs/KPI.md`).
    #[staticmethod]
    fn from_csv(py: Python<'_>, tables: HashMap<String, String>) -> PyResult<Self> {
        let mut csv = KpiCsv::default();
        for (name, text) in tables {
            *csv.get_mut(table_of(&name)?) = text;
        }
        let input = py
            .detach(move || KpiInput::from_csv(&csv))
            .map_err(errors::kpi)?;
        Ok(PyKpiInput::new(input))
    }

    /// The CSV text of every table, keyed by file name.
    fn to_csv(&self) -> HashMap<String, String> {
        let csv = self.input.to_csv();
        Table::ALL
            .into_iter()
            .map(|t| (t.file_name().to_owned(), csv.get(t).to_owned()))
            .collect()
    }

    #[getter]
    fn year(&self) -> i32 {
        self.input.year
    }

    /// How the files were read, one note each.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// Row counts per table.
    fn counts(&self) -> HashMap<&'static str, usize> {
        let i = &self.input;
        HashMap::from([
            ("departments", i.departments.len()),
            ("items", i.items.len()),
            ("plans", i.plans.len()),
            ("tasks", i.tasks.len()),
            ("drawn", i.drawn.len()),
            ("results", i.results.len()),
            ("follow_ups", i.follow_ups.len()),
            ("unplanned", i.unplanned.len()),
        ])
    }

    /// Computes the report (`config_json`: a `KpiConfig`, or the defaults).
    #[pyo3(signature = (config_json=None))]
    fn report(&self, py: Python<'_>, config_json: Option<&str>) -> PyResult<PyKpiReport> {
        let config: KpiConfig = match config_json {
            Some(c) => serde_json::from_str(c).map_err(|e| {
                errors::raise(
                    "KpiInputError",
                    format!("KPI config: {e}"),
                    vec![("field", "config".into())],
                )
            })?,
            None => KpiConfig::default(),
        };
        let input = self.input.clone();
        let report = py
            .detach(move || KpiReport::compute(&input, &config))
            .map_err(|e| crate::formats::kpi_error(e, &self.origin))?;
        Ok(PyKpiReport {
            report: Arc::new(report),
        })
    }
}

/// The demo county's year as a KPI input.
#[pyfunction]
pub(crate) fn demo_kpi_input(py: Python<'_>) -> PyResult<PyKpiInput> {
    let input = py
        .detach(|| {
            let county = shuangsuiji::demo::DemoCounty::build();
            let year = county.year();
            KpiInput::from_year(&county, &year)
        })
        .map_err(errors::kpi)?;
    Ok(PyKpiInput::new(input))
}

/// A computed KPI report.
#[pyclass(module = "shuangsuiji._native", name = "KpiReport", frozen)]
pub(crate) struct PyKpiReport {
    pub(crate) report: Arc<KpiReport>,
}

#[pymethods]
impl PyKpiReport {
    #[getter]
    fn year(&self) -> i32 {
        self.report.year
    }

    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// Annex 1, the year's KPIs and the findings as the CLI prints them.
    fn text(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.report.annex_text(),
            self.report.kpis_text(Period::Year),
            self.report.findings_text()
        )
    }

    fn annex_csv(&self) -> String {
        self.report.annex_csv()
    }

    /// Annex 1 (附件1): one row per department, then the total (`department` null).
    #[getter]
    fn annex(&self) -> PyResult<PyTable> {
        let r = &self.report;
        let rows: Vec<(Option<&str>, &str, &shuangsuiji::kpi::AnnexRow)> = r
            .departments
            .iter()
            .map(|d| (Some(d.id.as_str()), d.name.as_str(), &d.annex))
            .chain(std::iter::once((None, "合计", &r.total.annex)))
            .collect();
        let u = |f: &dyn Fn(&shuangsuiji::kpi::AnnexRow) -> u64| -> ArrayRef {
            Arc::new(rows.iter().map(|r| Some(f(r.2))).collect::<UInt64Array>())
        };
        table(vec![
            (
                "department",
                Arc::new(rows.iter().map(|r| r.0).collect::<StringArray>()) as ArrayRef,
            ),
            (
                "name",
                Arc::new(rows.iter().map(|r| Some(r.1)).collect::<StringArray>()),
            ),
            ("plans_single", u(&|a| a.plans_single)),
            ("plans_joint", u(&|a| a.plans_joint)),
            ("tasks_single", u(&|a| a.tasks_single)),
            ("tasks_joint", u(&|a| a.tasks_joint)),
            ("joined_as_participant", u(&|a| a.joined_as_participant)),
            (
                "fulfilment",
                Arc::new(
                    rows.iter()
                        .map(|r| r.2.fulfilment.value())
                        .collect::<Float64Array>(),
                ),
            ),
            ("drawn", u(&|a| a.drawn)),
            ("inspected_published", u(&|a| a.inspected_published)),
            ("problems", u(&|a| a.problems)),
            (
                "notes",
                Arc::new(
                    rows.iter()
                        .map(|r| {
                            Some(
                                r.2.notes
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join("；"),
                            )
                        })
                        .collect::<StringArray>(),
                ),
            ),
        ])
    }

    /// Every KPI in long form: `department` (null for the total), `name`, `period`, `kpi`,
    /// `numerator`, `denominator`, `value` (null where the rate does not apply).
    #[getter]
    fn kpis(&self) -> PyResult<PyTable> {
        let r = &self.report;
        let mut dept: Vec<Option<&str>> = Vec::new();
        let mut name: Vec<&str> = Vec::new();
        let mut period: Vec<String> = Vec::new();
        let mut kind: Vec<String> = Vec::new();
        let (mut num, mut den, mut value) = (Vec::new(), Vec::new(), Vec::new());
        let groups = r
            .departments
            .iter()
            .map(|d| (Some(d.id.as_str()), d.name.as_str(), &d.periods))
            .chain(std::iter::once((None, "合计", &r.total.periods)));
        for (d, n, periods) in groups {
            for p in periods {
                let pname = serde_json::to_value(p.period).expect("serializes");
                for k in KINDS {
                    let rate = k.of(&p.kpis as &Kpis);
                    dept.push(d);
                    name.push(n);
                    period.push(pname.as_str().unwrap_or_default().to_owned());
                    kind.push(
                        serde_json::to_value(k)
                            .expect("serializes")
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    );
                    num.push(rate.numerator);
                    den.push(rate.denominator);
                    value.push(rate.value());
                }
            }
        }
        table(vec![
            ("department", Arc::new(StringArray::from(dept)) as ArrayRef),
            ("name", Arc::new(StringArray::from(name))),
            ("period", Arc::new(StringArray::from(period))),
            ("kpi", Arc::new(StringArray::from(kind))),
            ("numerator", Arc::new(UInt64Array::from(num))),
            ("denominator", Arc::new(UInt64Array::from(den))),
            ("value", Arc::new(Float64Array::from(value))),
        ])
    }

    fn __repr__(&self) -> String {
        format!(
            "<KpiReport {} with {} departments>",
            self.report.year,
            self.report.departments.len()
        )
    }
}
