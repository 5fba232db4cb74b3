//! The KPI report from data frames (one per table of `docs/KPI.md`) or CSV text.
//!
//! Data frames reach the core through its CSV reader: the tables are written to CSV text in
//! Rust (no Python loop) and read by `KpiInput::from_csv`, so a data frame and a file go through
//! exactly the same checks, with the same error lines and fields.

use crate::columns::{Frame, StrColumn, table};
use crate::errors;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, Float64Array, StringArray, UInt64Array};
use arrow_schema::DataType;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiInput, KpiKind, KpiReport, Kpis, Period, Table};
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

fn table_of(name: &str) -> PyResult<Table> {
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

/// A column as text cells: strings, anything Arrow casts to text, and lists joined by `;`.
fn text_cells(frame: &Frame, name: &str) -> PyResult<StrColumn> {
    let lists = frame.list_chunks(name);
    if let Some(chunks) = lists {
        let joined: Vec<ArrayRef> = chunks
            .iter()
            .map(|c| -> ArrayRef {
                let l = c.as_list::<i32>();
                Arc::new(
                    (0..l.len())
                        .map(|i| {
                            (!l.is_null(i)).then(|| {
                                let v = l.value(i);
                                let s = StrColumn::new(vec![
                                    arrow_cast::cast(&v, &DataType::Utf8).unwrap_or(v),
                                ]);
                                s.iter().flatten().collect::<Vec<_>>().join(";")
                            })
                        })
                        .collect::<StringArray>(),
                )
            })
            .collect();
        return Ok(StrColumn::new(joined));
    }
    Ok(frame.strings(name)?.expect("the column exists"))
}

/// The CSV text of a table, written in row ranges on up to four threads (large tables are
/// millions of rows; the pieces are joined in order).
fn csv_text(frame: &Frame) -> PyResult<String> {
    let names: Vec<String> = frame
        .column_names()
        .into_iter()
        .filter(|n| !n.starts_with("__index_level_"))
        .collect();
    let cols = names
        .iter()
        .map(|n| text_cells(frame, n))
        .collect::<PyResult<Vec<_>>>()?;
    let rows = frame.num_rows();
    let fail = |e: csv::Error| errors::input(format!("{}: {e}", frame.what), vec![]);
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(&names).map_err(fail)?;
    let mut out = header
        .into_inner()
        .map_err(|e| errors::input(e.to_string(), vec![]))?;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let per = rows.div_ceil(threads).max(100_000);
    let write_range = |from: usize, to: usize| -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::with_capacity((to - from) * 16 * cols.len()));
        let mut row: Vec<&str> = Vec::with_capacity(cols.len());
        for r in from..to {
            row.clear();
            row.extend(cols.iter().map(|c| c.get(r).unwrap_or("")));
            w.write_record(&row)?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    };
    let pieces: Vec<Result<Vec<u8>, csv::Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..rows)
            .step_by(per)
            .map(|from| {
                let to = (from + per).min(rows);
                scope.spawn(move || write_range(from, to))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a CSV writer thread does not panic"))
            .collect()
    });
    for piece in pieces {
        out.extend_from_slice(&piece.map_err(fail)?);
    }
    String::from_utf8(out).map_err(|e| errors::input(e.to_string(), vec![]))
}

/// The flat KPI input.
#[pyclass(module = "shuangsuiji._native", name = "KpiInput", frozen)]
pub(crate) struct PyKpiInput {
    input: Arc<KpiInput>,
}

#[pymethods]
impl PyKpiInput {
    /// From Arrow tables keyed by table name (`departments`, `plans`, …; missing ones empty).
    #[staticmethod]
    fn from_arrow(py: Python<'_>, tables: HashMap<String, AnyRecordBatch>) -> PyResult<Self> {
        let mut csv = KpiCsv::default();
        for (name, data) in tables {
            let t = table_of(&name)?;
            let frame = Frame::import(t.file_name(), data)?;
            *csv.get_mut(t) = py.detach(|| csv_text(&frame))?;
        }
        let input = py
            .detach(move || KpiInput::from_csv(&csv))
            .map_err(errors::kpi)?;
        Ok(PyKpiInput {
            input: Arc::new(input),
        })
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
        Ok(PyKpiInput {
            input: Arc::new(input),
        })
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
            .map_err(errors::kpi)?;
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
    Ok(PyKpiInput {
        input: Arc::new(input),
    })
}

/// A computed KPI report.
#[pyclass(module = "shuangsuiji._native", name = "KpiReport", frozen)]
pub(crate) struct PyKpiReport {
    report: Arc<KpiReport>,
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
