//! The life cycle of a spot-check task, from creation to the published results.
//!
//! - A [`Task`] moves through [`TaskState`]: created → targets_drawn → inspectors_matched →
//!   in_progress → results_entered → reviewed → published. Each drawn target's
//!   [`TargetCheck`] moves through [`TargetCheckState`]: drawn → inspected → result_entered →
//!   reviewed → published. Only one step forward is legal, plus one step back: reviewed →
//!   results entered, when a reviewer sends a result back. Both keep a dated history; an
//!   illegal step is an error naming both states.
//! - An [`InspectionResult`] holds a *set* of [`ResultCode`]s for one target, with the dates
//!   and whether it was entered on the mobile app (掌上执法).
//! - A [`FollowUp`] is the disposal (后续处置) of a problem found; [`needs_follow_up`] says when
//!   one is required and [`check_follow_up`] checks the pair.
//! - [`publication_deadline`], [`published_on_time`] and [`publication_overdue`] apply the
//!   20-working-day rule with the [`HolidayCalendar`](crate::calendar::HolidayCalendar).
//!
//! The task's state does not follow its targets' states by itself: a platform moves the task
//! to `results_entered` when it decides that every target has its result, since some targets
//! may be dropped with approval (e.g. deregistered after the draw).
//!
//! ```
//! use chrono::NaiveDate;
//! use shuangsuiji::calendar::HolidayCalendar;
//! use shuangsuiji::ids::{TargetId, TaskId};
//! use shuangsuiji::lifecycle::{
//!     needs_follow_up, publication_deadline, InspectionResult, ResultCode, Task, TaskState,
//! };
//!
//! let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
//! let mut task = Task::new(TaskId::new("T-1")?, d(9, 1));
//! task.transition(TaskState::TargetsDrawn, d(9, 2))?;
//!
//! // Skipping steps is refused, and the error names both states.
//! let err = task.transition(TaskState::Published, d(9, 3)).unwrap_err();
//! assert_eq!(err.to_string(), "task T-1: cannot go from targets_drawn to published");
//!
//! // Codes are read from their names or from the Chinese labels platforms export.
//! let result = InspectionResult::new(
//!     TargetId::new("E-7")?,
//!     [ResultCode::from("发现问题已责令改正")],
//!     d(9, 26),
//!     d(9, 28),
//!     true,
//! )?;
//! assert!(needs_follow_up(&result));
//!
//! // 20 working days across the National Day break: 30 October, not 24 October.
//! assert_eq!(publication_deadline(&result, &HolidayCalendar::china())?, d(10, 30));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::calendar::CalendarError;
use crate::ids::{TargetId, TaskId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

mod follow_up;
mod result;
mod state;

pub use follow_up::{FollowUp, FollowUpKind, FollowUpState, check_follow_up, needs_follow_up};
pub use result::{
    InspectionResult, ResultCode, publication_deadline, publication_overdue, published_on_time,
};
pub use state::{TargetCheck, TargetCheckState, Task, TaskState, Transition};

/// What a life-cycle error is about: a task, or one target's check within a task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A task.
    Task(TaskId),
    /// A target's check within a task.
    Target(TaskId, TargetId),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Task(task) => write!(f, "task {task}"),
            Subject::Target(task, target) => write!(f, "task {task}, target {target}"),
        }
    }
}

/// Why a step, a result or a follow-up is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// A task step [`TaskState::can_go_to`] forbids.
    #[error("task {task}: cannot go from {from} to {to}")]
    IllegalTaskTransition {
        /// The task.
        task: TaskId,
        /// Its current state.
        from: TaskState,
        /// The state asked for.
        to: TaskState,
    },
    /// A target-check step [`TargetCheckState::can_go_to`] forbids.
    #[error("task {task}, target {target}: cannot go from {from} to {to}")]
    IllegalTargetTransition {
        /// The task.
        task: TaskId,
        /// The target.
        target: TargetId,
        /// Its current state.
        from: TargetCheckState,
        /// The state asked for.
        to: TargetCheckState,
    },
    /// A step dated before the previous one.
    #[error("{subject}: step to {to} on {on} is before the previous step on {previous}")]
    DateOutOfOrder {
        /// Whose history.
        subject: Subject,
        /// The state asked for.
        to: &'static str,
        /// The date given.
        on: NaiveDate,
        /// The date of the previous step (or of creation or draw).
        previous: NaiveDate,
    },
    /// A stored history that does not replay to the stored state.
    #[error("{subject}: stored history records {recorded} where replaying it gives {replayed}")]
    BrokenHistory {
        /// Whose history.
        subject: Subject,
        /// The state the stored data claims.
        recorded: &'static str,
        /// The state the replay reached.
        replayed: &'static str,
    },
    /// A result without any code.
    #[error("target {target}: a result needs at least one result code")]
    NoResultCodes {
        /// The target.
        target: TargetId,
    },
    /// An [`ResultCode::Other`] code with empty text.
    #[error("target {target}: a result code is empty")]
    EmptyResultCode {
        /// The target.
        target: TargetId,
    },
    /// Two codes that contradict each other, e.g. 未发现问题 with a problem found.
    #[error("target {target}: result code {first} cannot be combined with {second}")]
    ConflictingCodes {
        /// The target.
        target: TargetId,
        /// One code.
        first: ResultCode,
        /// The code it contradicts.
        second: ResultCode,
    },
    /// A result entered before the inspection.
    #[error(
        "target {target}: result entered on {entered_on}, before the inspection on {inspected_on}"
    )]
    EnteredBeforeInspected {
        /// The target.
        target: TargetId,
        /// The inspection day.
        inspected_on: NaiveDate,
        /// The entry day.
        entered_on: NaiveDate,
    },
    /// A result published before the inspection.
    #[error(
        "target {target}: result published on {published_on}, before the inspection on {inspected_on}"
    )]
    PublishedBeforeInspected {
        /// The target.
        target: TargetId,
        /// The inspection day.
        inspected_on: NaiveDate,
        /// The publication day.
        published_on: NaiveDate,
    },
    /// A result published before it was entered.
    #[error(
        "target {target}: result published on {published_on}, before it was entered on {entered_on}"
    )]
    PublishedBeforeEntered {
        /// The target.
        target: TargetId,
        /// The entry day.
        entered_on: NaiveDate,
        /// The publication day.
        published_on: NaiveDate,
    },
    /// A closed follow-up without a closing date.
    #[error("target {target}: follow-up is closed but has no closing date")]
    FollowUpClosedWithoutDate {
        /// The target.
        target: TargetId,
    },
    /// An open follow-up with a closing date.
    #[error("target {target}: follow-up is open but has a closing date {closed_on}")]
    FollowUpOpenWithDate {
        /// The target.
        target: TargetId,
        /// The closing date given.
        closed_on: NaiveDate,
    },
    /// A follow-up closed before it was opened.
    #[error(
        "target {target}: follow-up closed on {closed_on}, before it was opened on {opened_on}"
    )]
    FollowUpClosedBeforeOpened {
        /// The target.
        target: TargetId,
        /// The opening day.
        opened_on: NaiveDate,
        /// The closing day.
        closed_on: NaiveDate,
    },
    /// Closing a follow-up twice.
    #[error("target {target}: follow-up is already closed")]
    FollowUpAlreadyClosed {
        /// The target.
        target: TargetId,
        /// The day it was closed, if recorded.
        closed_on: Option<NaiveDate>,
    },
    /// A problem found without a follow-up.
    #[error("target {target}: result {problem} needs a follow-up disposal, and there is none")]
    FollowUpMissing {
        /// The target.
        target: TargetId,
        /// The problem code that requires it.
        problem: ResultCode,
    },
    /// A follow-up marked `none_needed` for a problem found.
    #[error("target {target}: result {problem} needs a follow-up disposal, not none_needed")]
    FollowUpNotNeededForProblem {
        /// The target.
        target: TargetId,
        /// The problem code.
        problem: ResultCode,
    },
    /// A follow-up attached to another target's result.
    #[error(
        "follow-up of target {follow_up_target} given for the result of target {result_target}"
    )]
    FollowUpWrongTarget {
        /// The result's target.
        result_target: TargetId,
        /// The follow-up's target.
        follow_up_target: TargetId,
    },
    /// A follow-up opened before the inspection that found the problem.
    #[error(
        "target {target}: follow-up opened on {opened_on}, before the inspection on {inspected_on}"
    )]
    FollowUpBeforeInspection {
        /// The target.
        target: TargetId,
        /// The inspection day.
        inspected_on: NaiveDate,
        /// The opening day.
        opened_on: NaiveDate,
    },
    /// The working-day calendar cannot answer (e.g. a year not loaded).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

#[cfg(test)]
mod tests;
