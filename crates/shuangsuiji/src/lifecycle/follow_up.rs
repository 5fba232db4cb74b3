//! Follow-up disposal (后续处置) of the problems a check found.

use super::{InspectionResult, LifecycleError};
use crate::ids::TargetId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a problem is disposed of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// 无需后续处置.
    #[default]
    NoneNeeded,
    /// 已整改: the target corrected the problem.
    Rectified,
    /// 移送立案: a case was opened (transferred to case handling).
    CaseTransferred,
    /// 移交其他部门: referred to the competent department.
    Referred,
}

impl FollowUpKind {
    /// The snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FollowUpKind::NoneNeeded => "none_needed",
            FollowUpKind::Rectified => "rectified",
            FollowUpKind::CaseTransferred => "case_transferred",
            FollowUpKind::Referred => "referred",
        }
    }
}

impl fmt::Display for FollowUpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a disposal is still running.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Still running.
    #[default]
    Open,
    /// Done, on [`FollowUp::closed_on`].
    Closed,
}

/// The follow-up disposal of one target's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// The target whose result it disposes of.
    pub target: TargetId,
    /// How.
    pub kind: FollowUpKind,
    /// Open or closed.
    pub state: FollowUpState,
    /// The day it was opened.
    pub opened_on: NaiveDate,
    /// The day it was closed: set exactly when `state` is closed.
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

impl FollowUp {
    /// An open follow-up.
    pub fn open(target: TargetId, kind: FollowUpKind, opened_on: NaiveDate) -> FollowUp {
        FollowUp {
            target,
            kind,
            state: FollowUpState::Open,
            opened_on,
            closed_on: None,
        }
    }

    /// Closes the follow-up on `on`.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::FollowUpAlreadyClosed`] when it is closed;
    /// [`LifecycleError::FollowUpClosedBeforeOpened`] when `on` is before the opening. The
    /// follow-up is unchanged on error.
    pub fn close(&mut self, on: NaiveDate) -> Result<(), LifecycleError> {
        if self.state == FollowUpState::Closed {
            return Err(LifecycleError::FollowUpAlreadyClosed {
                target: self.target.clone(),
                closed_on: self.closed_on,
            });
        }
        let closed = FollowUp {
            state: FollowUpState::Closed,
            closed_on: Some(on),
            ..self.clone()
        };
        closed.validate()?;
        *self = closed;
        Ok(())
    }

    /// Checks that the state and the dates agree.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::FollowUpClosedWithoutDate`], [`LifecycleError::FollowUpOpenWithDate`]
    /// and [`LifecycleError::FollowUpClosedBeforeOpened`].
    pub fn validate(&self) -> Result<(), LifecycleError> {
        let target = || self.target.clone();
        match (self.state, self.closed_on) {
            (FollowUpState::Open, None) => Ok(()),
            (FollowUpState::Open, Some(closed_on)) => Err(LifecycleError::FollowUpOpenWithDate {
                target: target(),
                closed_on,
            }),
            (FollowUpState::Closed, None) => {
                Err(LifecycleError::FollowUpClosedWithoutDate { target: target() })
            }
            (FollowUpState::Closed, Some(closed_on)) if closed_on < self.opened_on => {
                Err(LifecycleError::FollowUpClosedBeforeOpened {
                    target: target(),
                    opened_on: self.opened_on,
                    closed_on,
                })
            }
            (FollowUpState::Closed, Some(_)) => Ok(()),
        }
    }
}

/// Whether `result` needs a follow-up disposal: it does exactly when one of its codes is a
/// problem found ([`ResultCode::is_problem`](super::ResultCode::is_problem)). These results
/// are the denominator of the follow-up disposal rate (后续处置率).
pub fn needs_follow_up(result: &InspectionResult) -> bool {
    result.has_problem()
}

/// Checks a result and its follow-up together, as the follow-up disposal rate needs them.
///
/// # Errors
///
/// [`InspectionResult::validate`]'s and [`FollowUp::validate`]'s errors, then
/// [`LifecycleError::FollowUpMissing`] for a problem without a follow-up,
/// [`LifecycleError::FollowUpWrongTarget`], [`LifecycleError::FollowUpNotNeededForProblem`]
/// when a problem is marked `none_needed` (a problem found must be disposed of), and
/// [`LifecycleError::FollowUpBeforeInspection`].
pub fn check_follow_up(
    result: &InspectionResult,
    follow_up: Option<&FollowUp>,
) -> Result<(), LifecycleError> {
    result.validate()?;
    let Some(f) = follow_up else {
        return match result.codes.iter().find(|c| c.is_problem()) {
            Some(problem) => Err(LifecycleError::FollowUpMissing {
                target: result.target.clone(),
                problem: problem.clone(),
            }),
            None => Ok(()),
        };
    };
    f.validate()?;
    if f.target != result.target {
        return Err(LifecycleError::FollowUpWrongTarget {
            result_target: result.target.clone(),
            follow_up_target: f.target.clone(),
        });
    }
    if f.kind == FollowUpKind::NoneNeeded {
        if let Some(problem) = result.codes.iter().find(|c| c.is_problem()) {
            return Err(LifecycleError::FollowUpNotNeededForProblem {
                target: result.target.clone(),
                problem: problem.clone(),
            });
        }
    }
    if f.opened_on < result.inspected_on {
        return Err(LifecycleError::FollowUpBeforeInspection {
            target: result.target.clone(),
            inspected_on: result.inspected_on,
            opened_on: f.opened_on,
        });
    }
    Ok(())
}
