//! The publication outputs (`shuangsuiji_io::publish`): a [`PyPublication`] is one table to
//! publish, written by the formats layer as xlsx bytes or as CSV text with a byte-order mark.

use crate::draws::PyDrawRecord;
use crate::errors::{self, Detail};
use crate::kpi::{PyKpiInput, PyKpiReport};
use crate::pools::PyTargetPool;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use shuangsuiji::kpi::{KpiConfig, KpiReport};
use shuangsuiji_io::publish::{
    AnnexOptions, DrawListOptions, PublishError, Table, annex_xlsx, draw_list, gongshi,
    write_history_xlsx, write_pool_xlsx,
};

/// A publishing error as the package's exception: a pool that does not reproduce the record
/// is a `VerificationError` (with `mismatches`, the differences as text), anything else
/// `InvalidInputError`.
fn publish_error(e: PublishError) -> PyErr {
    match &e {
        PublishError::DoesNotReproduce { differences, .. } => errors::raise(
            "VerificationError",
            e.to_string(),
            vec![("mismatches", Detail::List(differences.clone()))],
        ),
        _ => errors::raise("InvalidInputError", e.to_string(), vec![]),
    }
}

/// One table to publish.
#[pyclass(module = "shuangsuiji._native", name = "Publication", frozen)]
pub(crate) struct PyPublication {
    table: Table,
}

#[pymethods]
impl PyPublication {
    #[getter]
    fn sheet(&self) -> String {
        self.table.sheet.clone()
    }

    #[getter]
    fn title(&self) -> Vec<String> {
        self.table.title.clone()
    }

    #[getter]
    fn header(&self) -> Vec<String> {
        self.table.header.clone()
    }

    /// The cells as CSV writes them, row by row.
    #[getter]
    fn rows(&self) -> Vec<Vec<String>> {
        self.table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.csv_text()).collect())
            .collect()
    }

    /// The workbook's bytes.
    fn xlsx<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.table.to_xlsx()).map_err(publish_error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The CSV text, starting with a byte-order mark.
    fn csv(&self) -> String {
        self.table.to_csv()
    }

    fn __len__(&self) -> usize {
        self.table.rows.len()
    }
}

/// The 抽取结果 list of a record, after checking that `pool` reproduces it.
#[pyfunction]
#[pyo3(signature = (record, pool, task_name=None, departments=None))]
pub(crate) fn draw_list_of(
    py: Python<'_>,
    record: &PyDrawRecord,
    pool: &PyTargetPool,
    task_name: Option<String>,
    departments: Option<Vec<(String, String)>>,
) -> PyResult<PyPublication> {
    let options = DrawListOptions {
        task_name,
        departments: departments.unwrap_or_default(),
    };
    let table = py
        .detach(|| draw_list(&record.record, &pool.pool, &options))
        .map_err(publish_error)?;
    Ok(PyPublication { table })
}

/// The 检查结果公示 table of a KPI input (checked as the report checks it).
#[pyfunction]
#[pyo3(signature = (input, pool=None))]
pub(crate) fn gongshi_of(
    py: Python<'_>,
    input: &PyKpiInput,
    pool: Option<&PyTargetPool>,
) -> PyResult<PyPublication> {
    let input = input.input.clone();
    py.detach(|| KpiReport::compute(&input, &KpiConfig::default()).map(|_| ()))
        .map_err(errors::kpi)?;
    let table = py
        .detach(|| gongshi(&input, pool.map(|p| &p.pool)))
        .map_err(publish_error)?;
    Ok(PyPublication { table })
}

/// Annex 1, the KPI tables and the assessment as one workbook.
#[pyfunction]
#[pyo3(signature = (report, title=None, as_of=None))]
pub(crate) fn annex_workbook<'py>(
    py: Python<'py>,
    report: &PyKpiReport,
    title: Option<String>,
    as_of: Option<chrono::NaiveDate>,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = AnnexOptions { title, as_of };
    let bytes = py
        .detach(|| annex_xlsx(&report.report, &options))
        .map_err(publish_error)?;
    Ok(PyBytes::new(py, &bytes))
}

/// A pool and its history as two workbooks (the library's columns).
#[pyfunction]
pub(crate) fn pool_workbooks<'py>(
    py: Python<'py>,
    pool: &PyTargetPool,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let (targets, history) = py
        .detach(|| {
            let targets = pool.pool.to_targets();
            Ok::<_, PublishError>((write_pool_xlsx(&targets)?, write_history_xlsx(&targets)?))
        })
        .map_err(publish_error)?;
    Ok((PyBytes::new(py, &targets), PyBytes::new(py, &history)))
}
