//! The year's cycle: plans, merging, task draws, matching, the life cycle and the calendar.
//! Its inputs and outputs are the core's serde data, passed as JSON text (the Python layer
//! turns them into dicts): these are small documents, not columns.

use crate::draws::PyDrawRecord;
use crate::errors;
use crate::pools::{PyInspectorPool, PyTargetPool};
use chrono::NaiveDate;
use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use shuangsuiji::assign::MatchPolicy;
use shuangsuiji::calendar::HolidayCalendar;
use shuangsuiji::catalog::{ItemList, JointItemList};
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::joint::{self, JointTask, MergeConfig};
use shuangsuiji::lifecycle::{InspectionResult, TargetCheck, TargetCheckState, Task, TaskState};
use shuangsuiji::plan::AnnualPlan;
use shuangsuiji::seed::SeedOrigin;
use shuangsuiji::teams::{self, MatchRequest, TeamRecord};
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> PyResult<T> {
    serde_json::from_str(text).map_err(|e| errors::json(what, e))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("core data serializes")
}

/// Validates an annual plan against the item lists (and the pool, when given); raises
/// `PlanError` with every problem.
#[pyfunction]
#[pyo3(signature = (annual_json, items_json, joint_items_json, pool=None))]
pub(crate) fn validate_plan(
    annual_json: &str,
    items_json: &str,
    joint_items_json: &str,
    pool: Option<&PyTargetPool>,
) -> PyResult<()> {
    let annual: AnnualPlan = from_json("annual plan", annual_json)?;
    let items: ItemList = from_json("item list", items_json)?;
    let joint: JointItemList = from_json("joint item list", joint_items_json)?;
    annual
        .validate(&items, &joint)
        .map_err(|e| errors::core(e.into()))?;
    if let Some(p) = pool {
        annual
            .check_pool(&p.pool)
            .map_err(|e| errors::core(e.into()))?;
    }
    Ok(())
}

/// Proposes the year's tasks (merging); JSON of the `MergeProposal`.
#[pyfunction]
#[pyo3(signature = (annual_json, joint_items_json, pool, config_json=None))]
pub(crate) fn propose(
    py: Python<'_>,
    annual_json: &str,
    joint_items_json: &str,
    pool: &PyTargetPool,
    config_json: Option<&str>,
) -> PyResult<String> {
    let annual: AnnualPlan = from_json("annual plan", annual_json)?;
    let joint_items: JointItemList = from_json("joint item list", joint_items_json)?;
    let config: MergeConfig = match config_json {
        Some(c) => from_json("merge config", c)?,
        None => MergeConfig::default(),
    };
    let pool = pool.pool.clone();
    Ok(py.detach(move || to_json(&joint::propose(&annual, &joint_items, &pool, &config))))
}

/// Draws one task with the seed its public-entropy origin derives; JSON of the `TaskVisits`
/// and each member plan's record.
#[pyfunction]
pub(crate) fn draw_task(
    py: Python<'_>,
    task_json: &str,
    annual_json: &str,
    pool: &PyTargetPool,
    source: &str,
    value: &str,
) -> PyResult<(String, Vec<PyDrawRecord>)> {
    let task: JointTask = from_json("joint task", task_json)?;
    let annual: AnnualPlan = from_json("annual plan", annual_json)?;
    let origin = SeedOrigin::PublicEntropy {
        source: source.to_owned(),
        value: value.to_owned(),
    };
    let seed = origin.derive(&task.id).expect("public entropy derives");
    let rules = pool.grade_rules.clone();
    let pool = pool.pool.clone();
    let (visits, records) = py
        .detach(move || joint::draw_task_recorded(&task, &annual, &pool, &seed, &origin))
        .map_err(errors::joint)?;
    // Each member plan's record publishes the grade rules the pool was read with.
    let records = records
        .into_iter()
        .map(|mut r| {
            r.grade_rules.clone_from(&rules);
            PyDrawRecord {
                record: Arc::new(r),
            }
        })
        .collect();
    Ok((to_json(&visits), records))
}

/// Draws every task of a proposal, each with the seed the public value derives for it; JSON
/// of the `VisitReport` (visits with and without merging).
#[pyfunction]
pub(crate) fn draw_visits(
    py: Python<'_>,
    proposal_json: &str,
    annual_json: &str,
    pool: &PyTargetPool,
    source: &str,
    value: &str,
) -> PyResult<String> {
    let proposal: joint::MergeProposal = from_json("merge proposal", proposal_json)?;
    let annual: AnnualPlan = from_json("annual plan", annual_json)?;
    let (source, value) = (source.to_owned(), value.to_owned());
    let pool = pool.pool.clone();
    let report = py
        .detach(move || {
            joint::draw_visits(&proposal, &annual, &pool, |t| {
                shuangsuiji::seed::Seed::from_public_entropy(&source, &value, &t.id)
            })
        })
        .map_err(errors::joint)?;
    Ok(to_json(&report))
}

/// Matches inspectors to a task's visits; `request_json` is a `MatchRequest` (its `policy`
/// may be left out for the default). JSON of the `TeamRecord`.
#[pyfunction]
pub(crate) fn matching(
    py: Python<'_>,
    inspectors: &PyInspectorPool,
    request_json: &str,
) -> PyResult<String> {
    let mut value: serde_json::Value = from_json("match request", request_json)?;
    if let Some(obj) = value.as_object_mut() {
        if !obj.contains_key("policy") {
            obj.insert(
                "policy".into(),
                serde_json::to_value(MatchPolicy::default()).expect("serializes"),
            );
        }
        if !obj.contains_key("seed") {
            // The seed follows from a public-entropy origin; let the core derive it.
            let task = obj.get("task_id").and_then(|t| t.as_str()).unwrap_or("");
            let origin: Option<SeedOrigin> = obj
                .get("seed_origin")
                .and_then(|o| serde_json::from_value(o.clone()).ok());
            if let (Ok(task), Some(origin)) = (TaskId::new(task), origin)
                && let Some(seed) = origin.derive(&task)
            {
                obj.insert("seed".into(), serde_json::Value::String(seed.to_string()));
            }
        }
    }
    let request: MatchRequest =
        serde_json::from_value(value).map_err(|e| errors::json("match request", e))?;
    let pool = inspectors.pool.clone();
    let record = py
        .detach(move || teams::matching(&pool, &request))
        .map_err(errors::teams)?;
    Ok(record.to_json())
}

/// Re-runs a team record on the inspector pool; JSON of the verification and its text.
#[pyfunction]
pub(crate) fn verify_teams(
    inspectors: &PyInspectorPool,
    record_json: &str,
) -> PyResult<(String, String)> {
    let record = TeamRecord::from_json(record_json).map_err(|e| errors::json("team record", e))?;
    let v = teams::verify(&record, &inspectors.pool);
    Ok((to_json(&v), v.to_string()))
}

/// The facts matching needs of a target (region, last inspectors), as JSON.
#[pyfunction]
pub(crate) fn target_facts(pool: &PyTargetPool, target_id: &str) -> PyResult<String> {
    let id = TargetId::new(target_id).map_err(|e| errors::core(e.into()))?;
    let t = pool.pool.get(&id).ok_or_else(|| {
        errors::raise(
            "PoolError",
            format!("target {target_id:?} is not in the pool"),
            vec![("id", target_id.into())],
        )
    })?;
    Ok(to_json(&shuangsuiji::assign::TargetFacts::of(&t)))
}

// ---- the life cycle ----

/// A task's state machine (已创建 → … → 已公示), refusing illegal steps.
#[pyclass(module = "shuangsuiji._native", name = "Task", frozen)]
pub(crate) struct PyTask {
    task: Mutex<Task>,
}

#[pymethods]
impl PyTask {
    #[new]
    fn new(id: &str, created_on: NaiveDate) -> PyResult<Self> {
        let id = TaskId::new(id).map_err(|e| errors::core(e.into()))?;
        Ok(PyTask {
            task: Mutex::new(Task::new(id, created_on)),
        })
    }

    #[getter]
    fn id(&self) -> String {
        self.task.lock().expect("not poisoned").id().to_string()
    }

    #[getter]
    fn state(&self) -> &'static str {
        self.task.lock().expect("not poisoned").state().name()
    }

    fn transition(&self, state: &str, on: NaiveDate) -> PyResult<()> {
        let next: TaskState = from_json("task state", &format!("{state:?}"))
            .map_err(|_| state_error(state, TaskState::ALL.map(TaskState::name).as_slice()))?;
        self.task
            .lock()
            .expect("not poisoned")
            .transition(next, on)
            .map_err(|e| errors::core(e.into()))
    }

    fn entered_on(&self, state: &str) -> PyResult<Option<NaiveDate>> {
        let s: TaskState = from_json("task state", &format!("{state:?}"))
            .map_err(|_| state_error(state, TaskState::ALL.map(TaskState::name).as_slice()))?;
        Ok(self.task.lock().expect("not poisoned").entered_on(s))
    }

    fn history_json(&self) -> String {
        to_json(&self.task.lock().expect("not poisoned").history())
    }
}

fn state_error(state: &str, all: &[&str]) -> PyErr {
    errors::raise(
        "LifecycleError",
        format!("unknown state {state:?}; one of {}", all.join(", ")),
        vec![("field", "state".into())],
    )
}

/// One target's check within a task (抽中 → 已检查 → 已录入 → 已审核 → 已公示).
#[pyclass(module = "shuangsuiji._native", name = "TargetCheck", frozen)]
pub(crate) struct PyTargetCheck {
    check: Mutex<TargetCheck>,
}

#[pymethods]
impl PyTargetCheck {
    #[new]
    fn new(task: &str, target: &str, drawn_on: NaiveDate) -> PyResult<Self> {
        let task = TaskId::new(task).map_err(|e| errors::core(e.into()))?;
        let target = TargetId::new(target).map_err(|e| errors::core(e.into()))?;
        Ok(PyTargetCheck {
            check: Mutex::new(TargetCheck::new(task, target, drawn_on)),
        })
    }

    #[getter]
    fn state(&self) -> &'static str {
        self.check.lock().expect("not poisoned").state().name()
    }

    fn transition(&self, state: &str, on: NaiveDate) -> PyResult<()> {
        let all = TargetCheckState::ALL.map(TargetCheckState::name);
        let next: TargetCheckState = from_json("check state", &format!("{state:?}"))
            .map_err(|_| state_error(state, &all))?;
        self.check
            .lock()
            .expect("not poisoned")
            .transition(next, on)
            .map_err(|e| errors::core(e.into()))
    }

    fn history_json(&self) -> String {
        to_json(&self.check.lock().expect("not poisoned").history())
    }
}

/// Checks an inspection result (JSON); returns whether it found a problem.
#[pyfunction]
pub(crate) fn check_result(result_json: &str) -> PyResult<bool> {
    let r: InspectionResult = from_json("inspection result", result_json).map_err(|e| {
        Python::attach(|py| errors::raise("LifecycleError", e.value(py).to_string(), vec![]))
    })?;
    r.validate().map_err(|e| errors::core(e.into()))?;
    Ok(r.has_problem())
}

// ---- the calendar ----

fn china() -> &'static HolidayCalendar {
    static CAL: OnceLock<HolidayCalendar> = OnceLock::new();
    CAL.get_or_init(HolidayCalendar::china)
}

#[pyfunction]
pub(crate) fn is_working_day(date: NaiveDate) -> PyResult<bool> {
    china().is_working_day(date).map_err(errors::calendar)
}

#[pyfunction]
pub(crate) fn holiday_name(date: NaiveDate) -> PyResult<Option<String>> {
    china()
        .holiday_name(date)
        .map(|n| n.map(str::to_owned))
        .map_err(errors::calendar)
}

#[pyfunction]
pub(crate) fn add_working_days(start: NaiveDate, n: u32) -> PyResult<NaiveDate> {
    china().add_working_days(start, n).map_err(errors::calendar)
}

#[pyfunction]
pub(crate) fn working_days_between(first: NaiveDate, last: NaiveDate) -> PyResult<i64> {
    china()
        .working_days_between(first, last)
        .map_err(errors::calendar)
}

#[pyfunction]
pub(crate) fn publication_deadline(completed: NaiveDate) -> PyResult<NaiveDate> {
    china()
        .publication_deadline(completed)
        .map_err(errors::calendar)
}

#[pyfunction]
pub(crate) fn calendar_years() -> (i32, i32) {
    let r = china().covered_years();
    (*r.start(), *r.end())
}
