//! The two pools from data frames, frozen into the snapshots draws and matchings use.

use crate::columns::{Frame, Text, int_at, table};
use crate::errors;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray, UInt32Array};
use arrow_schema::DataType;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use shuangsuiji::credit::CreditCode;
// The cells mean what they mean in the CLI's and the C ABI's pool files.
use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId};
use shuangsuiji::inspector::{FrozenInspectorPool, Inspector};
use shuangsuiji::pool::PoolError;
use shuangsuiji::pool_csv::{parse_flag, read_frozen_pool, split_list};
use shuangsuiji::record::GradeRule;
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::risk::Stratum;
use shuangsuiji::target::{
    FrozenPool, Inspection, MAX_RISK_SCORE, PoolBuilder, PoolDraft, TargetRef, TargetRow,
};
use std::sync::Arc;

/// A frozen target pool (canonical order, SM3 digest): what a draw reads and a record names.
#[pyclass(module = "shuangsuiji._native", name = "TargetPool", frozen)]
pub(crate) struct PyTargetPool {
    pub(crate) pool: FrozenPool,
    /// How the file was read (`read_pool`, `from_csv`): encodings, title rows skipped, every
    /// value changed.
    pub(crate) notes: Vec<String>,
    /// The mapping file's rules for grades outside A–D the pool was read with; every draw
    /// from the pool publishes them in its record.
    pub(crate) grade_rules: Vec<GradeRule>,
}

impl PyTargetPool {
    /// A pool with no notes and no grade rules.
    pub(crate) fn new(pool: FrozenPool) -> PyTargetPool {
        PyTargetPool {
            pool,
            notes: Vec::new(),
            grade_rules: Vec::new(),
        }
    }
}

#[pymethods]
impl PyTargetPool {
    /// Builds and freezes a pool from Arrow tables; see the Python wrapper for the columns.
    #[staticmethod]
    #[pyo3(signature = (targets, history=None))]
    fn from_arrow(
        py: Python<'_>,
        targets: AnyRecordBatch,
        history: Option<AnyRecordBatch>,
    ) -> PyResult<Self> {
        let frame = Frame::import("targets", targets)?;
        let history = history.map(|h| Frame::import("history", h)).transpose()?;
        // The rows are read, checked and frozen without the GIL: other Python threads run on.
        let pool = py.detach(move || -> PyResult<FrozenPool> {
            let mut draft = targets_of(&frame)?;
            if let Some(h) = &history {
                add_history(h, &mut draft)?;
            }
            draft.freeze().map_err(errors::pool)
        })?;
        Ok(PyTargetPool::new(pool))
    }

    /// Reads the CLI's pool file (and history file) straight into the frozen pool, without
    /// the GIL; the errors are the command line's (file, line, field).
    #[staticmethod]
    #[pyo3(signature = (path, history=None))]
    fn from_csv(py: Python<'_>, path: String, history: Option<String>) -> PyResult<Self> {
        let (pool, notes) = py.detach(move || -> PyResult<(FrozenPool, Vec<String>)> {
            let pool_text = read_utf8(&path)?;
            let history_text = history.as_deref().map(read_utf8).transpose()?;
            let h = history.as_deref().zip(history_text.as_deref());
            let read = read_frozen_pool(&path, &pool_text, h).map_err(errors::pool_csv)?;
            Ok((read.value.into_pool(), read.notes))
        })?;
        Ok(PyTargetPool {
            notes,
            ..PyTargetPool::new(pool)
        })
    }

    /// The pool of a JSON array of targets (the serde form of the core crate).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        // Straight into the snapshot (`Frozen::from_entries`), with the pool's own errors.
        let rows: Vec<shuangsuiji::target::Target> =
            serde_json::from_str(text).map_err(|e| errors::json("target pool", e))?;
        let pool = FrozenPool::from_entries(rows).map_err(errors::pool)?;
        Ok(PyTargetPool::new(pool))
    }

    fn to_json(&self) -> String {
        serde_json::to_string(&self.pool).expect("targets serialize")
    }

    #[getter]
    fn digest(&self) -> String {
        self.pool.digest().to_string()
    }

    /// How the pool's files were read, one note each.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// The grade rules the pool was read with, as `(label, stratum)`.
    #[getter]
    fn grade_rules(&self) -> Vec<(String, &'static str)> {
        self.grade_rules
            .iter()
            .map(|r| (r.label.clone(), r.stratum.name()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.pool.len()
    }

    fn __contains__(&self, id: &str) -> bool {
        TargetId::new(id).is_ok_and(|id| self.pool.position(&id).is_some())
    }

    fn __repr__(&self) -> String {
        format!(
            "<TargetPool {} targets, digest {}>",
            self.pool.len(),
            self.pool.digest()
        )
    }

    /// The inspection history in canonical order, in the columns `from_arrow` reads.
    fn history_to_arrow(&self) -> PyResult<PyTable> {
        let rows: Vec<(&str, &Inspection)> = self
            .pool
            .iter()
            .flat_map(|t| t.history().iter().map(move |h| (t.id(), h)))
            .collect();
        let s = |f: &dyn Fn(&(&str, &Inspection)) -> Option<String>| -> ArrayRef {
            Arc::new(rows.iter().map(f).collect::<StringArray>())
        };
        table(vec![
            ("target_id", s(&|r| Some(r.0.to_owned()))),
            ("date", s(&|r| Some(r.1.date.to_string()))),
            ("department", s(&|r| Some(r.1.department.to_string()))),
            ("item", s(&|r| r.1.item.as_ref().map(ToString::to_string))),
            (
                "inspectors",
                s(&|r| {
                    Some(
                        r.1.inspectors
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(";"),
                    )
                }),
            ),
        ])
    }

    /// The pool in canonical order, in the columns `from_arrow` reads (read from the pool's
    /// columns, without a `Target` per row).
    fn to_arrow(&self) -> PyResult<PyTable> {
        let p = &self.pool;
        let s = |f: &dyn Fn(TargetRef<'_>) -> Option<&str>| -> ArrayRef {
            Arc::new(p.iter().map(f).collect::<StringArray>())
        };
        table(vec![
            ("id", s(&|t| Some(t.id()))),
            ("credit_code", s(&|t| t.credit_code())),
            ("name", s(&|t| Some(t.name()))),
            ("kind", s(&|t| Some(t.kind().name()))),
            ("region", s(&|t| Some(t.region()))),
            ("industry", s(&|t| Some(t.industry()))),
            ("grid", s(&|t| Some(t.grid()))),
            ("status", s(&|t| Some(t.status().name()))),
            (
                "grade",
                s(&|t| t.grade().map(|g| Stratum::from(Some(g)).name())),
            ),
            (
                "risk_score",
                Arc::new(p.iter().map(|t| t.risk_score()).collect::<UInt32Array>()),
            ),
            (
                "positive_list",
                Arc::new(
                    p.iter()
                        .map(|t| Some(t.positive_list()))
                        .collect::<BooleanArray>(),
                ),
            ),
            (
                "tags",
                Arc::new(
                    p.iter()
                        .map(|t| Some(t.tags().collect::<Vec<_>>().join(";")))
                        .collect::<StringArray>(),
                ),
            ),
        ])
    }
}

/// A UTF-8 text file (a leading byte-order mark is the CSV reader's to drop): an unreadable
/// file is the `OSError` of its cause, text that is not UTF-8 a `PoolError` at its line.
fn read_utf8(path: &str) -> PyResult<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        PyErr::from(std::io::Error::new(
            e.kind(),
            format!("{path}: cannot read: {e}"),
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..good].iter().filter(|&&b| b == b'\n').count();
        errors::raise(
            "PoolError",
            format!(
                "{path}:{line}: not valid UTF-8 (byte {good}); if the file was saved as GBK, \
                 save it again as “CSV UTF-8”"
            ),
            vec![("file", path.into()), ("line", line.into())],
        )
    })
}

/// The text columns of a target table, in the order [`targets_of`] reads them.
const TARGET_TEXT: [&str; 10] = [
    "id",
    "credit_code",
    "name",
    "kind",
    "region",
    "industry",
    "grid",
    "status",
    "grade",
    "tags",
];

/// The columns of one record batch of a target table, as read (text cast once per batch).
struct TargetBatch {
    /// The table row of the batch's first row.
    first: usize,
    text: [Option<ArrayRef>; 10],
    scores: Option<ArrayRef>,
    positive: Option<ArrayRef>,
}

impl TargetBatch {
    fn read(f: &Frame, first: usize, batch: &RecordBatch) -> PyResult<TargetBatch> {
        let positive = batch.column_by_name("positive_list");
        Ok(TargetBatch {
            first,
            text: TARGET_TEXT.try_map_text(f, batch)?,
            scores: f.ints_in(batch, "risk_score")?,
            positive: match positive {
                Some(a) if a.data_type() == &DataType::Boolean => Some(a.clone()),
                Some(_) => f.text_in(batch, "positive_list")?,
                None => None,
            },
        })
    }

    fn columns(&self) -> TargetColumns<'_> {
        let [
            ids,
            codes,
            names,
            kinds,
            regions,
            industries,
            grids,
            statuses,
            grades,
            tags,
        ] = self.text.each_ref().map(Text::of_opt);
        let bools = self.positive.as_ref().and_then(|a| a.as_boolean_opt());
        TargetColumns {
            first: self.first,
            ids,
            codes,
            names,
            kinds,
            places: [regions, industries, grids],
            statuses,
            grades,
            tags,
            scores: self.scores.as_ref(),
            positive_bools: bools,
            positive_text: match bools {
                Some(_) => Text::Absent,
                None => Text::of_opt(&self.positive),
            },
        }
    }
}

/// The typed cells of a [`TargetBatch`].
struct TargetColumns<'a> {
    first: usize,
    ids: Text<'a>,
    codes: Text<'a>,
    names: Text<'a>,
    kinds: Text<'a>,
    /// Region, industry, grid.
    places: [Text<'a>; 3],
    statuses: Text<'a>,
    grades: Text<'a>,
    tags: Text<'a>,
    scores: Option<&'a ArrayRef>,
    positive_bools: Option<&'a BooleanArray>,
    positive_text: Text<'a>,
}

/// The targets of a table, in its row order, each cell read straight into the pool's columns
/// (no `Target` per row), checked as a whole and put into canonical order: the error is always
/// the first bad row's in table order, whether a cell or the pool (a duplicate or look-alike
/// id) refuses it, as `FrozenPool::from_entries` would report it for the same rows.
fn targets_of(f: &Frame) -> PyResult<PoolDraft> {
    f.require("id")?;
    let mut b = PoolBuilder::with_capacity(f.num_rows());
    for (first, batch) in f.batches_at() {
        let owned = TargetBatch::read(f, first, batch)?;
        let c = owned.columns();
        for i in 0..batch.num_rows() {
            if let Err(e) = push_row(f, &c, i, &mut b) {
                return Err(refused(f, &c, i, b, e));
            }
        }
    }
    b.check().map_err(errors::pool)
}

/// Why row `i` of a batch was not taken.
enum Refused {
    /// A cell this layer reads (kind, status, grade, score, flag).
    Cell(PyErr),
    /// The builder's refusal of the row's values (id, credit code, tags).
    Pool(PoolError),
}

/// Reads row `i` of a batch into the builder.
fn push_row(
    f: &Frame,
    c: &TargetColumns<'_>,
    i: usize,
    b: &mut PoolBuilder,
) -> Result<(), Refused> {
    let row = c.first + i;
    let id = c.ids.get(i).unwrap_or("");
    let bad = |field: &str, problem: String| {
        Refused::Cell(f.row_error("PoolError", row, field, Some(id), problem))
    };
    let mut r = TargetRow::new(id);
    r.name = c.names.get(i).unwrap_or("");
    r.credit_code = c.codes.get(i).filter(|c| !c.is_empty());
    if let Some(kind) = c.kinds.get(i).filter(|k| !k.trim().is_empty()) {
        r.kind = kind.parse().map_err(|e| bad("kind", format!("{e}")))?;
    }
    let [regions, industries, grids] = c.places;
    r.region = regions.get(i).unwrap_or("");
    r.industry = industries.get(i).unwrap_or("");
    r.grid = grids.get(i).unwrap_or("");
    if let Some(status) = c.statuses.get(i).filter(|s| !s.trim().is_empty()) {
        r.status = status.parse().map_err(|e| bad("status", format!("{e}")))?;
    }
    if let Some(grade) = c.grades.get(i).filter(|g| !g.trim().is_empty()) {
        r.grade = Some(
            grade
                .parse::<RiskGrade>()
                .map_err(|e| bad("grade", e.to_string()))?,
        );
    }
    if let Some(scores) = c.scores
        && let Some(score) = int_at(scores, i).map_err(|e| bad("risk_score", e))?
    {
        let n = u32::try_from(score)
            .ok()
            .filter(|n| (1..=MAX_RISK_SCORE).contains(n))
            .ok_or_else(|| {
                bad(
                    "risk_score",
                    format!("{score} is not a whole number from 1 to {MAX_RISK_SCORE}"),
                )
            })?;
        r.risk_score = Some(n);
    }
    r.positive_list = match c.positive_bools {
        Some(v) => v.is_valid(i) && v.value(i),
        None => match c.positive_text.get(i) {
            Some(v) => parse_flag(v).map_err(|e| bad("positive_list", e))?,
            None => false,
        },
    };
    if let Some(tags) = c.tags.get(i) {
        r.tags = b.tag_cell(tags).map_err(|error| {
            Refused::Pool(PoolError::BadEntry {
                kind: "target",
                id: id.to_owned(),
                row: row + 1,
                error,
            })
        })?;
    }
    b.push(r).map_err(Refused::Pool)
}

/// The error of a table whose row `i` (of batch `c`) was refused, in the order the row's
/// problems were always reported: a problem of an earlier row first (a duplicate or
/// look-alike id, a bad tag), then the row's id, its credit code, the cell that failed, its
/// tags.
fn refused(f: &Frame, c: &TargetColumns<'_>, i: usize, b: PoolBuilder, why: Refused) -> PyErr {
    let row = c.first + i;
    let pushed = b.len();
    if let Some(earlier) = b.earlier_problem() {
        // A refusal by `push` is this row's own, not an earlier one.
        let own = matches!(&earlier, PoolError::BadEntry { row: r, .. } if *r > pushed);
        if !own {
            return errors::pool(earlier);
        }
    }
    let id = c.ids.get(i).unwrap_or("");
    if let Err(e) = TargetId::new(id) {
        return f.row_error("PoolError", row, "id", Some(id), e.to_string());
    }
    if let Some(code) = c.codes.get(i).filter(|c| !c.is_empty())
        && let Err(e) = CreditCode::parse(code)
    {
        let mut d = errors::credit_details(&e);
        d.push(("row", (row + 1).into()));
        d.push(("field", "credit_code".into()));
        d.push(("id", id.into()));
        return errors::raise(
            "InvalidCreditCode",
            format!(
                "{}, row {}, credit_code: {code:?} is not a valid code: {e}",
                f.what,
                row + 1
            ),
            d,
        );
    }
    match why {
        Refused::Cell(e) => e,
        Refused::Pool(e) => errors::pool(e),
    }
}

/// The named text columns of a batch ([`Frame::text_in`]), each `None` when absent.
trait TextColumns<const N: usize> {
    fn try_map_text(&self, f: &Frame, batch: &RecordBatch) -> PyResult<[Option<ArrayRef>; N]>;
}

impl<const N: usize> TextColumns<N> for [&str; N] {
    fn try_map_text(&self, f: &Frame, batch: &RecordBatch) -> PyResult<[Option<ArrayRef>; N]> {
        let mut out = [const { None }; N];
        for (slot, name) in out.iter_mut().zip(self) {
            *slot = f.text_in(batch, name)?;
        }
        Ok(out)
    }
}

fn parse_date(f: &Frame, class: &str, row: usize, field: &str, v: &str) -> PyResult<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        f.row_error(
            class,
            row,
            field,
            None,
            format!("{v:?} is not a date (YYYY-MM-DD)"),
        )
    })
}

/// Adds the inspections of a history table (`target_id`, `date`, `department`, `item`,
/// `inspectors`) to the targets they name.
fn add_history(h: &Frame, pool: &mut PoolDraft) -> PyResult<()> {
    for c in ["target_id", "date", "department"] {
        h.require(c)?;
    }
    for (first, batch) in h.batches_at() {
        let owned =
            ["target_id", "date", "department", "item", "inspectors"].try_map_text(h, batch)?;
        let [targets, dates, depts, items, people] = owned.each_ref().map(Text::of_opt);
        for i in 0..batch.num_rows() {
            let row = first + i;
            let target = targets.get(i).unwrap_or("");
            let bad = |field: &str, problem: String| {
                h.row_error("PoolError", row, field, Some(target), problem)
            };
            if !pool.contains(target) {
                return Err(bad(
                    "target_id",
                    format!("no target {target:?} in the pool"),
                ));
            }
            let date = parse_date(h, "PoolError", row, "date", dates.get(i).unwrap_or(""))?;
            let department = DeptId::new(depts.get(i).unwrap_or(""))
                .map_err(|e| bad("department", e.to_string()))?;
            let item = items
                .get(i)
                .filter(|i| !i.trim().is_empty())
                .map(|i| ItemId::new(i.trim()).map_err(|e| bad("item", e.to_string())))
                .transpose()?;
            let inspectors = split_list(people.get(i).unwrap_or(""))
                .map(|p| InspectorId::new(p).map_err(|e| bad("inspectors", e.to_string())))
                .collect::<PyResult<Vec<_>>>()?;
            let inspection = Inspection {
                date,
                department,
                item,
                inspectors,
            };
            pool.add_inspection(target, inspection)
                .map_err(|e| bad("target_id", e.to_string()))?;
        }
    }
    Ok(())
}

/// The inspectors of a table, in its row order, each field checked.
fn inspectors_of(f: &Frame) -> PyResult<Vec<Inspector>> {
    let mut out = Vec::with_capacity(f.num_rows());
    for (first, batch) in f.batches_at() {
        let owned = INSPECTOR_TEXT.try_map_text(f, batch)?;
        let [
            ids,
            names,
            depts,
            units,
            certificates,
            expiries,
            regions,
            items,
            tags,
            experts,
            actives,
        ] = owned.each_ref().map(Text::of_opt);
        for i in 0..batch.num_rows() {
            let row = first + i;
            let id_text = ids.get(i).unwrap_or("");
            let bad = |field: &str, problem: String| {
                f.row_error("PoolError", row, field, Some(id_text), problem)
            };
            let id = InspectorId::new(id_text).map_err(|e| bad("id", e.to_string()))?;
            let dept = DeptId::new(depts.get(i).unwrap_or(""))
                .map_err(|e| bad("department", e.to_string()))?;
            let mut p = Inspector::new(id, dept, certificates.get(i).unwrap_or(""));
            names.get(i).unwrap_or("").clone_into(&mut p.name);
            units.get(i).unwrap_or("").clone_into(&mut p.unit);
            if let Some(d) = expiries.get(i).filter(|d| !d.trim().is_empty()) {
                p.certificate_expiry =
                    Some(parse_date(f, "PoolError", row, "certificate_expiry", d)?);
            }
            regions.get(i).unwrap_or("").clone_into(&mut p.region);
            for item in split_list(items.get(i).unwrap_or("")) {
                p.items
                    .insert(ItemId::new(item).map_err(|e| bad("items", e.to_string()))?);
            }
            p.tags
                .extend(split_list(tags.get(i).unwrap_or("")).map(str::to_owned));
            // (Boolean columns arrive as "true"/"false" text.)
            p.expert = parse_flag(experts.get(i).unwrap_or("")).map_err(|e| bad("expert", e))?;
            p.active = match actives.get(i) {
                Some(a) if !a.trim().is_empty() => parse_flag(a).map_err(|e| bad("active", e))?,
                _ => true,
            };
            out.push(p);
        }
    }
    Ok(out)
}

/// The columns of an inspector table, in the order [`inspectors_of`] reads them.
const INSPECTOR_TEXT: [&str; 11] = [
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

/// A frozen inspector pool (执法检查人员库), for matching.
#[pyclass(module = "shuangsuiji._native", name = "InspectorPool", frozen)]
pub(crate) struct PyInspectorPool {
    pub(crate) pool: FrozenInspectorPool,
    /// How the file was read (`read_inspectors`).
    pub(crate) notes: Vec<String>,
}

#[pymethods]
impl PyInspectorPool {
    #[staticmethod]
    fn from_arrow(py: Python<'_>, inspectors: AnyRecordBatch) -> PyResult<Self> {
        let f = Frame::import("inspectors", inspectors)?;
        f.require("id")?;
        f.require("department")?;
        let pool = py.detach(move || -> PyResult<FrozenInspectorPool> {
            FrozenInspectorPool::from_entries(inspectors_of(&f)?).map_err(errors::pool)
        })?;
        Ok(PyInspectorPool {
            pool,
            notes: Vec::new(),
        })
    }

    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        // Straight into the snapshot (`Frozen::from_entries`), with the pool's own errors.
        let rows: Vec<shuangsuiji::inspector::Inspector> =
            serde_json::from_str(text).map_err(|e| errors::json("inspector pool", e))?;
        let pool = FrozenInspectorPool::from_entries(rows).map_err(errors::pool)?;
        Ok(PyInspectorPool {
            pool,
            notes: Vec::new(),
        })
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self.pool.entries()).expect("inspectors serialize")
    }

    #[getter]
    fn digest(&self) -> String {
        self.pool.digest().to_string()
    }

    fn __len__(&self) -> usize {
        self.pool.len()
    }

    /// How the pool's file was read, one note each.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn __contains__(&self, id: &str) -> bool {
        InspectorId::new(id).is_ok_and(|id| self.pool.position(&id).is_some())
    }

    /// The pool in canonical order, in the columns `from_arrow` reads (`certificate_expiry`
    /// as `YYYY-MM-DD` text, `expert` and `active` booleans).
    fn to_arrow(&self) -> PyResult<PyTable> {
        let e = self.pool.entries();
        let s = |f: &dyn Fn(&Inspector) -> Option<String>| -> ArrayRef {
            Arc::new(e.iter().map(f).collect::<StringArray>())
        };
        let b = |f: &dyn Fn(&Inspector) -> bool| -> ArrayRef {
            Arc::new(e.iter().map(|p| Some(f(p))).collect::<BooleanArray>())
        };
        let joined = |set: Vec<String>| Some(set.join(";"));
        table(vec![
            ("id", s(&|p| Some(p.id.to_string()))),
            ("name", s(&|p| Some(p.name.clone()))),
            ("department", s(&|p| Some(p.department.to_string()))),
            ("unit", s(&|p| Some(p.unit.clone()))),
            ("certificate", s(&|p| Some(p.certificate.clone()))),
            (
                "certificate_expiry",
                s(&|p| p.certificate_expiry.map(|d| d.to_string())),
            ),
            ("region", s(&|p| Some(p.region.clone()))),
            (
                "items",
                s(&|p| joined(p.items.iter().map(ToString::to_string).collect())),
            ),
            ("tags", s(&|p| joined(p.tags.iter().cloned().collect()))),
            ("expert", b(&|p| p.expert)),
            ("active", b(&|p| p.active)),
        ])
    }

    fn __repr__(&self) -> String {
        format!(
            "<InspectorPool {} inspectors, digest {}>",
            self.pool.len(),
            self.pool.digest()
        )
    }
}
