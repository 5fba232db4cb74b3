//! Credit codes over a column; draws, records and their verification; the draw log.

use crate::columns::{StrColumn, table};
use crate::errors;
use crate::pools::PyTargetPool;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, StringArray, UInt32Array, UInt64Array};
use arrow_cast::{CastOptions, cast_with_options};
use arrow_schema::{ArrowError, DataType};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyTable};
use shuangsuiji::audit::{DrawAnnouncement, DrawLog, LogHead, SeedCommitment};
use shuangsuiji::credit::{CreditCode, CreditCodeError};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{PlanId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{self, DrawRecord, PoolSummary};
use shuangsuiji::seed::Seed;
use shuangsuiji::teams::TeamRecord;
use std::sync::{Arc, Mutex};

/// Validates a column of credit codes: a boolean array (null where the code is null) and a
/// table of the bad rows (`row` 0-based, `code`, `reason`, `position`, `message`).
#[pyfunction]
pub(crate) fn validate_credit_codes(
    py: Python<'_>,
    codes: AnyArray,
) -> PyResult<(PyArray, PyTable)> {
    let reader = codes.into_reader()?;
    let chunks = reader
        .map(|c| {
            let c = c?;
            match c.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(c),
                _ => cast_with_options(&c, &DataType::Utf8, &CastOptions::default()),
            }
        })
        .collect::<Result<Vec<_>, ArrowError>>()
        .map_err(|e| errors::input(format!("credit codes: {e}"), vec![]))?;
    let col = StrColumn::new(chunks);
    let (valid, bad) = py.detach(|| {
        let mut valid = Vec::with_capacity(col.len());
        let mut bad: Vec<(u64, String, CreditCodeError)> = Vec::new();
        for (i, code) in col.iter().enumerate() {
            valid.push(code.map(|c| match CreditCode::parse(c) {
                Ok(_) => true,
                Err(e) => {
                    bad.push((i as u64, c.to_owned(), e));
                    false
                }
            }));
        }
        (BooleanArray::from(valid), bad)
    });
    let reason = |e: &CreditCodeError| match e {
        CreditCodeError::Length { .. } => "length",
        CreditCodeError::InvalidCharacter { .. } => "invalid_character",
        CreditCodeError::CheckMismatch { .. } => "check_mismatch",
    };
    let position = |e: &CreditCodeError| match e {
        CreditCodeError::Length { .. } => None,
        CreditCodeError::InvalidCharacter { position, .. } => Some(*position as u32),
        CreditCodeError::CheckMismatch { .. } => Some(18),
    };
    let errors = table(vec![
        (
            "row",
            Arc::new(bad.iter().map(|b| b.0).collect::<UInt64Array>()) as ArrayRef,
        ),
        (
            "code",
            Arc::new(
                bad.iter()
                    .map(|b| Some(b.1.as_str()))
                    .collect::<StringArray>(),
            ),
        ),
        (
            "reason",
            Arc::new(
                bad.iter()
                    .map(|b| Some(reason(&b.2)))
                    .collect::<StringArray>(),
            ),
        ),
        (
            "position",
            Arc::new(bad.iter().map(|b| position(&b.2)).collect::<UInt32Array>()),
        ),
        (
            "message",
            Arc::new(
                bad.iter()
                    .map(|b| Some(b.2.to_string()))
                    .collect::<StringArray>(),
            ),
        ),
    ])?;
    Ok((PyArray::from_array_ref(Arc::new(valid)), errors))
}

/// Parses one credit code; raises `InvalidCreditCode` with the reason and position.
#[pyfunction]
pub(crate) fn parse_credit_code(code: &str) -> PyResult<String> {
    CreditCode::parse(code)
        .map(|c| c.as_str().to_owned())
        .map_err(errors::credit)
}

/// The check character of the first 17 characters of a code.
#[pyfunction]
pub(crate) fn credit_check_character(first17: &str) -> PyResult<String> {
    CreditCode::check_character(first17)
        .map(String::from)
        .map_err(errors::credit)
}

/// The seed (64 hex characters) a public value derives for a task.
#[pyfunction]
pub(crate) fn seed_from_public_entropy(
    source: &str,
    value: &str,
    task_id: &str,
) -> PyResult<String> {
    let task = TaskId::new(task_id).map_err(|e| errors::core(e.into()))?;
    Ok(Seed::from_public_entropy(source, value, &task).to_string())
}

/// Checks a policy (JSON) on its own and returns it normalised.
#[pyfunction]
pub(crate) fn check_policy(policy_json: &str) -> PyResult<String> {
    let p: SamplingPolicy = serde_json::from_str(policy_json).map_err(policy_json_error)?;
    p.validate().map_err(errors::policy)?;
    Ok(serde_json::to_string(&p).expect("policies serialize"))
}

fn policy_json_error(e: serde_json::Error) -> PyErr {
    errors::raise(
        "PolicyError",
        format!("policy: {e}"),
        vec![("line", e.line().into()), ("column", e.column().into())],
    )
}

/// Checks a draw request (JSON) on its own and returns it normalised.
fn request_of(json: &str) -> PyResult<DrawRequest> {
    let r: DrawRequest = serde_json::from_str(json).map_err(|e| {
        if e.to_string().contains("ratio") || e.to_string().contains('%') {
            policy_json_error(e)
        } else {
            errors::raise(
                "DrawError",
                format!("draw request: {e}"),
                vec![("line", e.line().into()), ("column", e.column().into())],
            )
        }
    })?;
    r.validate().map_err(errors::draw)?;
    Ok(r)
}

/// A published draw record.
#[pyclass(module = "shuangsuiji._native", name = "DrawRecord", frozen)]
pub(crate) struct PyDrawRecord {
    pub(crate) record: Arc<DrawRecord>,
}

#[pymethods]
impl PyDrawRecord {
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let record = DrawRecord::from_json(text).map_err(|e| errors::json("draw record", e))?;
        Ok(PyDrawRecord {
            record: Arc::new(record),
        })
    }

    fn to_json(&self) -> String {
        self.record.to_json()
    }

    #[getter]
    fn task_id(&self) -> String {
        self.record.request.task_id.to_string()
    }

    #[getter]
    fn seed(&self) -> String {
        self.record.request.seed.to_string()
    }

    #[getter]
    fn pool_digest(&self) -> String {
        self.record.pool.digest.to_string()
    }

    #[getter]
    fn pool_size(&self) -> u64 {
        self.record.pool.size
    }

    fn __len__(&self) -> usize {
        self.record.selected.len()
    }

    /// The drawn targets in canonical order: `id`, `stratum`, `inclusion_probability`,
    /// `design_weight`.
    #[getter]
    fn selected(&self) -> PyResult<PyTable> {
        let s = &self.record.selected;
        table(vec![
            (
                "id",
                Arc::new(
                    s.iter()
                        .map(|t| Some(t.id.as_str()))
                        .collect::<StringArray>(),
                ) as ArrayRef,
            ),
            (
                "stratum",
                Arc::new(
                    s.iter()
                        .map(|t| Some(t.stratum.name()))
                        .collect::<StringArray>(),
                ),
            ),
            (
                "inclusion_probability",
                Arc::new(
                    s.iter()
                        .map(|t| Some(t.inclusion_probability))
                        .collect::<Float64Array>(),
                ),
            ),
            (
                "design_weight",
                Arc::new(
                    s.iter()
                        .map(|t| Some(t.design_weight))
                        .collect::<Float64Array>(),
                ),
            ),
        ])
    }

    fn __repr__(&self) -> String {
        format!(
            "<DrawRecord task {} drew {} of {} targets>",
            self.record.request.task_id,
            self.record.selected.len(),
            self.record.pool.size
        )
    }

    /// Re-runs the draw on `pool`; JSON of the verification (`{"mismatches": [...]}`) and its text.
    fn verify(&self, py: Python<'_>, pool: &PyTargetPool) -> (String, String) {
        let (record, pool) = (self.record.clone(), pool.pool.clone());
        let v = py.detach(move || record::verify(&record, &pool));
        (
            serde_json::to_string(&v).expect("serializes"),
            v.to_string(),
        )
    }
}

/// Draws from a frozen pool; `request_json` is a `DrawRequest` in the core's JSON form.
#[pyfunction]
pub(crate) fn draw(
    py: Python<'_>,
    pool: &PyTargetPool,
    request_json: &str,
) -> PyResult<PyDrawRecord> {
    let request = request_of(request_json)?;
    let rules = pool.grade_rules.clone();
    let pool = pool.pool.clone();
    let mut record = py
        .detach(move || record::draw(&pool, &request))
        .map_err(errors::draw)?;
    // A pool read with a mapping file's grade rules publishes them, as the CLI's draw does.
    record.grade_rules = rules;
    Ok(PyDrawRecord {
        record: Arc::new(record),
    })
}

/// The hash-chained draw log.
#[pyclass(module = "shuangsuiji._native", name = "DrawLog", frozen)]
pub(crate) struct PyDrawLog {
    log: Mutex<DrawLog>,
}

impl PyDrawLog {
    fn with<R>(&self, f: impl FnOnce(&mut DrawLog) -> R) -> R {
        f(&mut self.log.lock().expect("the log lock is never poisoned"))
    }
}

fn entry_json(e: &shuangsuiji::audit::LogEntry) -> String {
    serde_json::to_string(e).expect("entries serialize")
}

#[pymethods]
impl PyDrawLog {
    #[new]
    fn new() -> Self {
        PyDrawLog {
            log: Mutex::new(DrawLog::new()),
        }
    }

    #[staticmethod]
    fn from_jsonl(text: &str) -> PyResult<Self> {
        let log = DrawLog::from_jsonl(text).map_err(errors::log)?;
        Ok(PyDrawLog {
            log: Mutex::new(log),
        })
    }

    fn to_jsonl(&self) -> String {
        self.with(|l| l.to_jsonl())
    }

    fn __len__(&self) -> usize {
        self.with(|l| l.entries().len())
    }

    #[getter]
    fn head(&self) -> String {
        self.with(|l| l.head().to_string())
    }

    /// Appends a draw record; returns the entry as JSON.
    fn append(&self, record: &PyDrawRecord) -> PyResult<String> {
        self.with(|l| l.append((*record.record).clone()).map(entry_json))
            .map_err(errors::log)
    }

    /// Appends a re-draw of a task with its reason.
    fn append_redraw(
        &self,
        record: &PyDrawRecord,
        supersedes: u64,
        reason: &str,
    ) -> PyResult<String> {
        self.with(|l| {
            l.append_redraw((*record.record).clone(), supersedes, reason)
                .map(entry_json)
        })
        .map_err(errors::log)
    }

    /// Appends a team record (JSON).
    fn append_teams(&self, team_record_json: &str) -> PyResult<String> {
        let r =
            TeamRecord::from_json(team_record_json).map_err(|e| errors::json("team record", e))?;
        self.with(|l| l.append_teams(r).map(entry_json))
            .map_err(errors::log)
    }

    /// Appends a task's announcement (pool, member plans, entropy source or given-seed
    /// commitment); returns the entry as JSON.
    #[pyo3(signature = (task_id, pool, plans, source=None, seed=None))]
    fn announce(
        &self,
        task_id: &str,
        pool: &PyTargetPool,
        plans: Vec<String>,
        source: Option<String>,
        seed: Option<&str>,
    ) -> PyResult<String> {
        let task = TaskId::new(task_id).map_err(|e| errors::core(e.into()))?;
        let plans = plans
            .iter()
            .map(PlanId::new)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| errors::core(e.into()))?;
        let commitment = match (source, seed) {
            (Some(source), None) => SeedCommitment::PublicEntropy { source },
            (None, Some(hex)) => {
                let seed: Seed = hex
                    .parse()
                    .map_err(|e: shuangsuiji::digest::BadHex| errors::core(e.into()))?;
                SeedCommitment::of_given(&seed)
            }
            _ => {
                return Err(errors::input(
                    "give either source= (where the public value will be published) or seed= (a given seed)",
                    vec![],
                ));
            }
        };
        let frozen = &pool.pool;
        let a = DrawAnnouncement::new(
            task,
            plans,
            PoolSummary {
                digest: frozen.digest(),
                size: frozen.len() as u64,
            },
            commitment,
        );
        self.with(|l| l.announce(a).map(entry_json))
            .map_err(errors::log)
    }

    /// The head to publish, `SEQ:DIGEST`; `None` for an empty log.
    #[getter]
    fn published_head(&self) -> Option<String> {
        self.with(|l| l.published_head().map(|h| h.to_string()))
    }

    /// Checks the chain and that the log holds `head` (`SEQ:DIGEST` or a bare digest);
    /// returns the head entry's sequence number.
    fn verify_head(&self, py: Python<'_>, head: &str) -> PyResult<u64> {
        let head: LogHead = head
            .parse()
            .map_err(|e: shuangsuiji::audit::BadHead| errors::input(e.to_string(), vec![]))?;
        let log = self.with(|l| l.clone());
        py.detach(move || log.verify_head(&head))
            .map_err(errors::log)
    }

    /// Checks every link of the chain.
    fn verify_chain(&self, py: Python<'_>) -> PyResult<()> {
        let log = self.with(|l| l.clone());
        py.detach(move || log.verify_chain()).map_err(errors::log)
    }

    /// Every entry, as JSON.
    fn entries_json(&self) -> String {
        self.with(|l| serde_json::to_string(l.entries()).expect("entries serialize"))
    }

    /// The current draws of a task (re-draws replace earlier ones), as JSON entries.
    fn current_draws_json(&self, task_id: &str) -> PyResult<String> {
        let task = TaskId::new(task_id).map_err(|e| errors::core(e.into()))?;
        Ok(self.with(|l| serde_json::to_string(&l.current_draws(&task)).expect("serializes")))
    }
}
