//! Core errors as Python exceptions.
//!
//! The exception classes live in `shuangsuiji/_errors.py` (a pure-Python hierarchy can use
//! multiple inheritance, `ShuangsuijiError` + `ValueError`, which a native class cannot); this
//! module picks the class for each core error and passes its details as keyword arguments,
//! which become attributes (`row`, `id`, `field`, `department`, …).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use shuangsuiji::assign::AssignError;
use shuangsuiji::audit::LogError;
use shuangsuiji::calendar::CalendarError;
use shuangsuiji::credit::CreditCodeError;
use shuangsuiji::draw::DrawError;
use shuangsuiji::joint::JointError;
use shuangsuiji::kpi::KpiError;
use shuangsuiji::policy::PolicyError;
use shuangsuiji::pool::PoolError;
use shuangsuiji::pool_csv::CsvError;
use shuangsuiji::teams::TeamError;

/// One detail of an error, as a Python value.
pub(crate) enum Detail {
    Str(String),
    Int(i64),
    List(Vec<String>),
}

impl From<&str> for Detail {
    fn from(s: &str) -> Detail {
        Detail::Str(s.to_owned())
    }
}
impl From<String> for Detail {
    fn from(s: String) -> Detail {
        Detail::Str(s)
    }
}
impl From<u64> for Detail {
    fn from(n: u64) -> Detail {
        Detail::Int(n as i64)
    }
}
impl From<usize> for Detail {
    fn from(n: usize) -> Detail {
        Detail::Int(n as i64)
    }
}
impl From<u32> for Detail {
    fn from(n: u32) -> Detail {
        Detail::Int(i64::from(n))
    }
}
impl From<i32> for Detail {
    fn from(n: i32) -> Detail {
        Detail::Int(i64::from(n))
    }
}

/// An exception of class `class` (a name in `shuangsuiji._errors`) with a message and details.
pub(crate) fn raise(
    class: &str,
    message: impl Into<String>,
    details: Vec<(&str, Detail)>,
) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let cls = py.import("shuangsuiji._errors")?.getattr(class)?;
            let kwargs = PyDict::new(py);
            for (k, v) in details {
                match v {
                    Detail::Str(s) => kwargs.set_item(k, s)?,
                    Detail::Int(n) => kwargs.set_item(k, n)?,
                    Detail::List(l) => kwargs.set_item(k, l)?,
                }
            }
            let exc = cls.call((message.clone(),), Some(&kwargs))?;
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|e| PyRuntimeError::new_err(format!("{message} ({e})")))
    })
}

/// Details of a credit-code error, with the row it was found on when known.
pub(crate) fn credit_details(e: &CreditCodeError) -> Vec<(&'static str, Detail)> {
    match e {
        CreditCodeError::Length { expected, found } => vec![
            ("reason", "length".into()),
            ("expected", (*expected).into()),
            ("found", (*found).into()),
        ],
        CreditCodeError::InvalidCharacter { position, found } => vec![
            ("reason", "invalid_character".into()),
            ("position", (*position).into()),
            ("found", found.to_string().into()),
        ],
        CreditCodeError::CheckMismatch { expected, found } => vec![
            ("reason", "check_mismatch".into()),
            ("position", 18usize.into()),
            ("expected", expected.to_string().into()),
            ("found", found.to_string().into()),
        ],
    }
}

pub(crate) fn credit(e: CreditCodeError) -> PyErr {
    raise("InvalidCreditCode", e.to_string(), credit_details(&e))
}

pub(crate) fn pool(e: PoolError) -> PyErr {
    let d: Vec<(&str, Detail)> = match &e {
        PoolError::DuplicateId {
            kind,
            id,
            first,
            second,
        } => vec![
            ("kind", (*kind).into()),
            ("id", id.clone().into()),
            ("row", (*second).into()),
            ("first_row", (*first).into()),
        ],
        PoolError::BadEntry {
            kind,
            id,
            row,
            error,
        } => vec![
            ("kind", (*kind).into()),
            ("id", id.clone().into()),
            ("row", (*row).into()),
            ("field", error.field.into()),
        ],
        // As for a duplicate: `id` and `row` are the later row's, `first_*` the earlier's.
        PoolError::LookAlikeIds {
            kind,
            first_id,
            first_row,
            second_id,
            second_row,
        } => vec![
            ("kind", (*kind).into()),
            ("id", second_id.clone().into()),
            ("row", (*second_row).into()),
            ("first_id", first_id.clone().into()),
            ("first_row", (*first_row).into()),
        ],
        PoolError::AlreadyPresent { kind, id }
        | PoolError::NotFound { kind, id }
        | PoolError::IdChanged { kind, id } => {
            vec![("kind", (*kind).into()), ("id", id.clone().into())]
        }
    };
    raise("PoolError", e.to_string(), d)
}

/// A pool or history CSV text refused, at its file, line and field (and data rows, for a
/// duplicate or look-alike id), as the command line reports it.
pub(crate) fn pool_csv(e: CsvError) -> PyErr {
    let mut d: Vec<(&str, Detail)> = vec![("file", e.file().into())];
    if let Some(line) = e.line() {
        d.push(("line", line.into()));
    }
    if let Some(field) = e.field() {
        d.push(("field", field.into()));
    }
    if let Some(row) = e.row() {
        d.push(("row", row.into()));
    }
    if let Some(first) = e.first_row() {
        d.push(("first_row", first.into()));
    }
    raise("PoolError", e.to_string(), d)
}

pub(crate) fn policy(e: PolicyError) -> PyErr {
    let d = match &e {
        PolicyError::MissingRatio { stratum, .. } | PolicyError::BoundsInverted { stratum, .. } => {
            vec![("stratum", stratum.to_string().into())]
        }
        _ => vec![],
    };
    raise("PolicyError", e.to_string(), d)
}

pub(crate) fn draw(e: DrawError) -> PyErr {
    match e {
        DrawError::Policy(p) => policy(p),
        DrawError::MissingRiskScore { ref id, stratum } => raise(
            "DrawError",
            e.to_string(),
            vec![
                ("id", id.to_string().into()),
                ("stratum", stratum.to_string().into()),
            ],
        ),
        DrawError::LookAlikeInHistory {
            what,
            ref requested,
            ref in_history,
            ref target,
            date,
        } => raise(
            "DrawError",
            e.to_string(),
            vec![
                ("field", what.into()),
                ("requested", requested.clone().into()),
                ("in_history", in_history.clone().into()),
                ("id", target.to_string().into()),
                ("date", date.to_string().into()),
            ],
        ),
        other => raise("DrawError", other.to_string(), vec![]),
    }
}

pub(crate) fn log(e: LogError) -> PyErr {
    let d = match &e {
        LogError::AlreadyDrawn { task, entry } | LogError::AlreadyMatched { task, entry } => {
            vec![("task", task.clone().into()), ("entry", (*entry).into())]
        }
        LogError::BadRedraw { task, .. }
        | LogError::BadRematch { task, .. }
        | LogError::TeamsDoNotFitDraws { task, .. }
        | LogError::WrongRecord { task, .. }
        | LogError::NotAnnounced { task }
        | LogError::NotAsAnnounced { task, .. }
        | LogError::BadAnnouncement { task, .. } => vec![("task", task.clone().into())],
        LogError::LookAlike {
            id, earlier, entry, ..
        } => vec![
            ("id", id.clone().into()),
            ("earlier", earlier.clone().into()),
            ("entry", (*entry).into()),
        ],
        LogError::HeadNotFound { entries, .. } => vec![("entries", (*entries).into())],
        LogError::BrokenLink { seq, .. } => vec![("entry", (*seq).into())],
        LogError::BadLine { line, .. } => vec![("line", (*line).into())],
    };
    raise("LogError", e.to_string(), d)
}

pub(crate) fn calendar(e: CalendarError) -> PyErr {
    let d = match &e {
        CalendarError::YearNotLoaded { year, .. } | CalendarError::DuplicateYear { year } => {
            vec![("year", (*year).into())]
        }
        CalendarError::MissingYear { missing } => vec![("year", (*missing).into())],
        _ => vec![],
    };
    raise("CalendarError", e.to_string(), d)
}

fn assign_details(e: &AssignError) -> Vec<(&'static str, Detail)> {
    match e {
        AssignError::DuplicateVisit { visit } | AssignError::NoDepartment { visit } => {
            vec![("visit", visit.clone().into())]
        }
        AssignError::DuplicateDepartment { visit, department } => vec![
            ("visit", visit.clone().into()),
            ("department", department.to_string().into()),
        ],
        AssignError::UnknownTarget { visit, target } => vec![
            ("visit", visit.clone().into()),
            ("id", target.to_string().into()),
        ],
        AssignError::Shortage {
            visit,
            department,
            eligible,
            needed,
            ..
        } => {
            let mut d = vec![
                ("visit", visit.clone().into()),
                ("eligible", (*eligible).into()),
                ("needed", (*needed).into()),
            ];
            if let Some(dep) = department {
                d.push(("department", dep.to_string().into()));
            }
            d
        }
        AssignError::SelfAvoidance { inspector }
        | AssignError::WorkloadOverflow { inspector, .. } => {
            vec![("id", inspector.to_string().into())]
        }
        AssignError::LookAlikeInspector { list, id, pool_id } => vec![
            ("id", id.to_string().into()),
            ("pool_id", pool_id.to_string().into()),
            ("list", list.clone().into()),
        ],
        AssignError::TeamTooSmall { .. } => vec![],
    }
}

pub(crate) fn assign(e: AssignError) -> PyErr {
    raise("AssignError", e.to_string(), assign_details(&e))
}

pub(crate) fn teams(e: TeamError) -> PyErr {
    let mut d = match &e {
        TeamError::Assign { source, .. } => assign_details(source),
        _ => vec![],
    };
    let task = match &e {
        TeamError::Assign { task, .. } | TeamError::SeedMismatch { task, .. } => task.to_string(),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    };
    d.push(("task", task.into()));
    raise("AssignError", e.to_string(), d)
}

pub(crate) fn joint(e: JointError) -> PyErr {
    let d = match &e {
        JointError::UnknownPlan { task, plan } | JointError::Draw { task, plan, .. } => vec![
            ("task", task.to_string().into()),
            ("plan", plan.to_string().into()),
        ],
        #[allow(unreachable_patterns)]
        _ => vec![],
    };
    raise("JointError", e.to_string(), d)
}

pub(crate) fn kpi(e: KpiError) -> PyErr {
    raise("KpiInputError", e.to_string(), kpi_details(&e))
}

/// The details of a KPI error (`table`, `line`, `field`, `value`, `id`, …).
pub(crate) fn kpi_details(e: &KpiError) -> Vec<(&'static str, Detail)> {
    match e {
        KpiError::Csv { table, line, .. }
        | KpiError::Inconsistent { table, line, .. }
        | KpiError::Calendar { table, line, .. } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
        ],
        KpiError::MissingColumn { table, column } => vec![
            ("table", table.to_string().into()),
            ("field", (*column).into()),
        ],
        KpiError::BadValue {
            table,
            line,
            field,
            value,
            ..
        } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
            ("field", (*field).into()),
            ("value", value.clone().into()),
        ],
        KpiError::LookAlike {
            table,
            line,
            id,
            first,
            first_id,
            ..
        } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
            ("id", id.clone().into()),
            ("first_line", (*first).into()),
            ("first_id", first_id.clone().into()),
        ],
        KpiError::Duplicate {
            table, line, key, ..
        } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
            ("id", key.clone().into()),
        ],
        KpiError::Unknown {
            table,
            line,
            field,
            id,
            ..
        } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
            ("field", (*field).into()),
            ("id", id.clone().into()),
        ],
        KpiError::NotDrawn {
            table,
            line,
            task,
            target,
        } => vec![
            ("table", table.to_string().into()),
            ("line", (*line).into()),
            ("task", task.clone().into()),
            ("id", target.clone().into()),
        ],
        _ => vec![],
    }
}

/// Any core error.
pub(crate) fn core(e: shuangsuiji::Error) -> PyErr {
    use shuangsuiji::Error as E;
    match e {
        E::CreditCode(e) => credit(e),
        E::Pool(e) => pool(e),
        E::Policy(e) => policy(e),
        E::Draw(e) => draw(e),
        E::Log(e) => log(e),
        E::Calendar(e) => calendar(e),
        E::Assign(e) => assign(e),
        E::Teams(e) => teams(e),
        E::Joint(e) => joint(e),
        E::Kpi(e) => kpi(e),
        E::Plan(e) => {
            let all: Vec<String> = e.errors().iter().map(ToString::to_string).collect();
            raise(
                "PlanError",
                e.to_string(),
                vec![("errors", Detail::List(all))],
            )
        }
        E::Lifecycle(e) => raise("LifecycleError", e.to_string(), vec![]),
        E::Id(e) => raise("IdError", e.to_string(), vec![]),
        E::Catalog(e) => raise("CatalogError", e.to_string(), vec![]),
        E::Ratio(e) => raise("PolicyError", e.to_string(), vec![]),
        E::Grade(e) => raise("PoolError", e.to_string(), vec![("field", "grade".into())]),
        E::Hex(e) => raise("InvalidInputError", e.to_string(), vec![]),
        E::Name(e) => raise("InvalidInputError", e.to_string(), vec![]),
    }
}

/// Bad JSON (or JSON of the wrong shape) for a core type.
pub(crate) fn json(what: &str, e: serde_json::Error) -> PyErr {
    raise(
        "InvalidInputError",
        format!("{what}: {e}"),
        vec![("line", e.line().into()), ("column", e.column().into())],
    )
}

/// Bad input that is the binding's own concern (a missing column, a wrong type).
pub(crate) fn input(message: impl Into<String>, details: Vec<(&str, Detail)>) -> PyErr {
    raise("InvalidInputError", message, details)
}
