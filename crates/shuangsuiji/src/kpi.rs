//! The KPIs of the reports, computed the same way everywhere, and what the reports leave out.
//!
//! Counties report their supervision as rates (joint-task share, department participation,
//! result publication, problem discovery, plan fulfilment, …), computed by hand from platform
//! exports, and the reports disagree on denominators. This module computes every rate of
//! `docs/KPI.md` from one flat input ([`KpiInput`]) that either comes from the platform's CSV
//! exports ([`KpiInput::from_csv`]), from columns in memory such as data frames
//! ([`KpiInput::from_columns`]), or from the library's own cycle
//! ([`KpiInput::from_year`]), so a demo year and a spreadsheet go through the same code.
//!
//! Why a flat input rather than the cycle's rich types: exports are flat tables, and the
//! analyst's question (“which department, which quarter, which rate”) is a group-by over
//! them. Keeping the input flat keeps the computation a handful of single passes over dense
//! indices, which is what lets [`KpiReport::compute`] run over 10⁷ results.
//!
//! - [`Rate`] keeps the exact numerator and denominator; “not applicable” (不适用) is a zero
//!   denominator, never 0% or 100%; display rounds half up to one decimal as the reports do.
//! - [`AnnexRow`] is seed 002's Annex 1 (per-department table), with its notes.
//! - [`Findings`] surfaces what the rates hide: checks outside the plan, year-end
//!   concentration, departments leading no joint task or finding nothing, late publications.
//! - [`Estimate`] corrects the raw discovery rate for risk-weighted sampling (Hájek estimator
//!   with a stratified variance).
//! - [`Assessment`] ranks departments by a configurable, documented scoring rule.
//!
//! ```
//! use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiInput, KpiReport};
//!
//! let csv = KpiCsv {
//!     departments: "id,name\nD1,市场监管局\nD2,卫健局\n".into(),
//!     plans: "id,year,department,kind,participants,items,special,deleted,deletion_reason\n\
//!             P1,2026,D1,joint,D2,,false,false,\n".into(),
//!     tasks: "id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\n\
//!             T1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\n".into(),
//!     drawn: "task,target,stratum,inclusion_probability\nT1,E1,B,0.1\nT1,E2,D,1\n".into(),
//!     results: "task,target,codes,inspected_on,entered_on,mobile,published_on\n\
//!               T1,E1,未发现问题,2026-04-20,2026-04-20,true,2026-04-22\n\
//!               T1,E2,发现问题已责令改正,2026-04-21,2026-04-21,true,2026-04-23\n".into(),
//!     follow_ups: "task,target,kind,opened_on,closed_on\nT1,E2,rectified,2026-04-21,2026-05-06\n".into(),
//!     ..KpiCsv::default()
//! };
//! let input = KpiInput::from_csv(&csv)?;
//! let report = KpiReport::compute(&input, &KpiConfig::default())?;
//! assert_eq!(report.total.year().problem_discovery.to_string(), "50.0%");
//! assert_eq!(report.total.year().follow_up_disposal.to_string(), "100.0%");
//! assert_eq!(report.total.year().item_coverage.to_string(), "n/a");
//! // The input writes back to the same CSV tables and reads again into the same input.
//! assert_eq!(KpiInput::from_csv(&input.to_csv())?, input);
//! # Ok::<(), shuangsuiji::kpi::KpiError>(())
//! ```

use crate::calendar::CalendarError;
use serde::{Deserialize, Serialize};
use std::fmt;

mod assess;
mod codes;
mod columns;
mod compute;
mod csv_io;
mod estimate;
mod hash;
mod input;
mod rate;
mod render;
mod report;
mod rows;
mod stream;
mod year;

#[cfg(test)]
mod daye;
#[cfg(test)]
mod tests;

pub use assess::{
    Adjustment, AssessConfig, Assessment, DeptScore, KpiKind, KpiWeight, Penalties, Scoring,
    TierRule,
};
pub use codes::{ResultCodes, UnknownCode};
pub use columns::{ColumnSource, KpiColumns};
pub use csv_io::KpiCsv;
pub use estimate::{Estimate, Observation, StratumEstimate, hajek};
pub use input::{
    DepartmentRow, DrawnRow, FollowUpRow, ItemRow, KpiInput, PlanKindFlag, PlanRow, ResultRow,
    TaskRow, UnplannedRow,
};
pub use rate::Rate;
pub use report::{
    AnnexRow, DepartmentReport, Findings, KpiConfig, KpiReport, Kpis, LatePublication, Note,
    Period, PeriodKpis, TotalReport, UnplannedFinding, YearEnd, YearEndRule,
};
pub use stream::{KpiBytes, TableBytes};

/// One table of the flat input, named after its CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// `departments.csv`: member departments.
    Departments,
    /// `items.csv`: the item list.
    Items,
    /// `plans.csv`: annual plans.
    Plans,
    /// `tasks.csv`: tasks launched.
    Tasks,
    /// `drawn.csv`: targets drawn per task.
    Drawn,
    /// `results.csv`: results per drawn target.
    Results,
    /// `follow_ups.csv`: follow-up disposals of results.
    FollowUps,
    /// `unplanned.csv`: checks outside any plan that are not platform tasks.
    Unplanned,
}

impl Table {
    /// Every table, in the order of `docs/KPI.md`.
    pub const ALL: [Table; 8] = [
        Table::Departments,
        Table::Items,
        Table::Plans,
        Table::Tasks,
        Table::Drawn,
        Table::Results,
        Table::FollowUps,
        Table::Unplanned,
    ];

    /// The CSV file name, e.g. `results.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Departments => "departments.csv",
            Table::Items => "items.csv",
            Table::Plans => "plans.csv",
            Table::Tasks => "tasks.csv",
            Table::Drawn => "drawn.csv",
            Table::Results => "results.csv",
            Table::FollowUps => "follow_ups.csv",
            Table::Unplanned => "unplanned.csv",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// Why an input cannot be read or a report cannot be computed.
///
/// `line` is the line of the CSV file on which the row starts, the header being line 1; for an
/// input built in memory or read from columns ([`KpiInput::from_columns`]) it is the row's
/// index plus 2, the line of [`KpiInput::to_csv`]'s output when no field spans lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KpiError {
    /// Text that is not CSV.
    #[error("{table}, line {line}: not valid CSV: {message}")]
    Csv {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A header without a required column.
    #[error("{table}: the header has no column {column:?}")]
    MissingColumn {
        /// The table.
        table: Table,
        /// The column.
        column: &'static str,
    },
    /// A field that cannot be read: a bad id, date, flag, number or code.
    #[error("{table}, line {line}, {field} {value:?}: {message}")]
    BadValue {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// The column.
        field: &'static str,
        /// The text found.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// The same key twice in a table.
    #[error("{table}, line {line}: duplicate {key} (first on line {first})")]
    Duplicate {
        /// The table.
        table: Table,
        /// The line of the repetition.
        line: u64,
        /// The repeated key.
        key: String,
        /// The line of the first occurrence.
        first: u64,
    },
    /// Two keys of a table that differ but that a reader takes for one (same confusable
    /// skeleton, `docs/SAMPLING.md` §10): two departments, items, plans, tasks or checks.
    #[error(
        "{table}, line {line}: {what} {id:?} looks like {what} {first_id:?} on line {first} (they differ at {}): a reader takes them for one id; give one of them another id or write both alike (docs/SAMPLING.md §10)",
        crate::pool::lookalike::first_difference(first_id, id)
    )]
    LookAlike {
        /// The table.
        table: Table,
        /// The line of the later key.
        line: u64,
        /// What the keys are (`department`, `plan`, …).
        what: &'static str,
        /// The later key.
        id: String,
        /// The line of the earlier key.
        first: u64,
        /// The earlier key.
        first_id: String,
    },
    /// A reference to an id another table does not hold.
    #[error("{table}, line {line}: {field} {id:?} is not in {other}")]
    Unknown {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// The column holding the reference.
        field: &'static str,
        /// The id.
        id: String,
        /// The table it should be in.
        other: Table,
    },
    /// A result or follow-up for a target that was never drawn (or has no result) in the task.
    #[error("{table}, line {line}: target {target} was never drawn in task {task}")]
    NotDrawn {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// The task.
        task: String,
        /// The target.
        target: String,
    },
    /// A row that contradicts itself or another row (dates out of order, a joint flag
    /// without participants, conflicting result codes, …).
    #[error("{table}, line {line}: {message}")]
    Inconsistent {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A date the working-day calendar does not cover: refused rather than guessed.
    #[error("{table}, line {line}: {source}")]
    Calendar {
        /// The table.
        table: Table,
        /// The line.
        line: u64,
        /// The calendar's error.
        source: CalendarError,
    },
    /// No plan and no task, so no year to report on.
    #[error("the input has no plans and no tasks, so its year is unknown")]
    NoYear,
    /// A scoring configuration that cannot be applied.
    #[error("bad assessment configuration: {0}")]
    Config(String),
}

impl KpiError {
    /// Maps the row-derived line numbers of a validation error to the lines the rows start
    /// on in their files (which differ when a quoted field spans lines).
    pub(crate) fn relocate(mut self, line_of_row: impl Fn(Table, u64) -> u64) -> KpiError {
        match &mut self {
            KpiError::Duplicate {
                table, line, first, ..
            }
            | KpiError::LookAlike {
                table, line, first, ..
            } => {
                *line = line_of_row(*table, *line);
                *first = line_of_row(*table, *first);
            }
            KpiError::BadValue { table, line, .. }
            | KpiError::Unknown { table, line, .. }
            | KpiError::NotDrawn { table, line, .. }
            | KpiError::Inconsistent { table, line, .. }
            | KpiError::Calendar { table, line, .. } => *line = line_of_row(*table, *line),
            KpiError::Csv { .. }
            | KpiError::MissingColumn { .. }
            | KpiError::NoYear
            | KpiError::Config(_) => {}
        }
        self
    }
}

/// The line number of the `index`-th data row (0-based): the header is line 1.
pub(crate) fn line_of(index: usize) -> u64 {
    index as u64 + 2
}
