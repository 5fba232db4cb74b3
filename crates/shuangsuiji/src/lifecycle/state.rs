//! The two state machines: a task, and each target's check inside it.

use super::{LifecycleError, Subject};
use crate::ids::{TargetId, TaskId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a spot-check task (抽查任务) stands.
///
/// The order is the one real platforms model: a task is created, its targets drawn, inspectors
/// matched, the checks carried out, results entered, reviewed and published. The only step
/// back is [`Reviewed`](Self::Reviewed) → [`ResultsEntered`](Self::ResultsEntered): a reviewer
/// who finds a result wrong sends it back for correction. Nothing else goes back: a re-draw is a
/// new draw in the append-only draw log, not a return to `created` that would hide the first
/// one; and a published result is public (“未公示即未检查”), so a correction is a new
/// publication, never an unpublication.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// 已创建: the task exists, nothing is drawn yet.
    #[default]
    Created,
    /// 已抽取检查对象: the targets are drawn.
    TargetsDrawn,
    /// 已匹配执法检查人员: every visit has its team.
    InspectorsMatched,
    /// 检查中: inspections are being carried out.
    InProgress,
    /// 已录入结果: every target's result is entered.
    ResultsEntered,
    /// 已审核: the results are reviewed.
    Reviewed,
    /// 已公示: the results are published. Final.
    Published,
}

impl TaskState {
    /// All states, in life-cycle order.
    pub const ALL: [TaskState; 7] = [
        TaskState::Created,
        TaskState::TargetsDrawn,
        TaskState::InspectorsMatched,
        TaskState::InProgress,
        TaskState::ResultsEntered,
        TaskState::Reviewed,
        TaskState::Published,
    ];

    /// The snake_case name used in JSON and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Created => "created",
            TaskState::TargetsDrawn => "targets_drawn",
            TaskState::InspectorsMatched => "inspectors_matched",
            TaskState::InProgress => "in_progress",
            TaskState::ResultsEntered => "results_entered",
            TaskState::Reviewed => "reviewed",
            TaskState::Published => "published",
        }
    }

    /// Whether a task in this state may move to `next`: one step forward, or a review sending
    /// results back. Staying in the same state is not a transition.
    pub fn can_go_to(self, next: TaskState) -> bool {
        use TaskState::*;
        matches!(
            (self, next),
            (Created, TargetsDrawn)
                | (TargetsDrawn, InspectorsMatched)
                | (InspectorsMatched, InProgress)
                | (InProgress, ResultsEntered)
                | (ResultsEntered, Reviewed)
                | (Reviewed, Published)
                | (Reviewed, ResultsEntered)
        )
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the check of one drawn target stands inside its task.
///
/// Same rules as [`TaskState`]: one step forward, or [`Reviewed`](Self::Reviewed) →
/// [`ResultEntered`](Self::ResultEntered) when the reviewer sends the result back.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetCheckState {
    /// 已抽中: the target is in the sample.
    #[default]
    Drawn,
    /// 已检查: the visit took place.
    Inspected,
    /// 已录入结果: the result codes are entered.
    ResultEntered,
    /// 已审核: the result is reviewed.
    Reviewed,
    /// 已公示: the result is published. Final.
    Published,
}

impl TargetCheckState {
    /// All states, in life-cycle order.
    pub const ALL: [TargetCheckState; 5] = [
        TargetCheckState::Drawn,
        TargetCheckState::Inspected,
        TargetCheckState::ResultEntered,
        TargetCheckState::Reviewed,
        TargetCheckState::Published,
    ];

    /// The snake_case name used in JSON and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            TargetCheckState::Drawn => "drawn",
            TargetCheckState::Inspected => "inspected",
            TargetCheckState::ResultEntered => "result_entered",
            TargetCheckState::Reviewed => "reviewed",
            TargetCheckState::Published => "published",
        }
    }

    /// Whether a check in this state may move to `next`.
    pub fn can_go_to(self, next: TargetCheckState) -> bool {
        use TargetCheckState::*;
        matches!(
            (self, next),
            (Drawn, Inspected)
                | (Inspected, ResultEntered)
                | (ResultEntered, Reviewed)
                | (Reviewed, Published)
                | (Reviewed, ResultEntered)
        )
    }
}

impl fmt::Display for TargetCheckState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One dated step in a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition<S> {
    /// The state left.
    pub from: S,
    /// The state entered.
    pub to: S,
    /// The day of the step.
    pub on: NaiveDate,
}

/// What the shared bookkeeping needs of a state.
trait Machine: Copy + PartialEq {
    fn legal(self, next: Self) -> bool;
    fn label(self) -> &'static str;
}

impl Machine for TaskState {
    fn legal(self, next: Self) -> bool {
        self.can_go_to(next)
    }
    fn label(self) -> &'static str {
        self.name()
    }
}

impl Machine for TargetCheckState {
    fn legal(self, next: Self) -> bool {
        self.can_go_to(next)
    }
    fn label(self) -> &'static str {
        self.name()
    }
}

/// The shared bookkeeping of both machines: check legality and date order, then record.
fn step<S: Machine>(
    state: &mut S,
    since: NaiveDate,
    history: &mut Vec<Transition<S>>,
    next: S,
    on: NaiveDate,
    illegal: impl FnOnce(S, S) -> LifecycleError,
    subject: impl FnOnce() -> Subject,
) -> Result<(), LifecycleError> {
    if !state.legal(next) {
        return Err(illegal(*state, next));
    }
    // A history whose dates go backwards cannot be audited; the same day is fine (a draw and
    // its team are often made on one day).
    let previous = history.last().map_or(since, |t| t.on);
    if on < previous {
        return Err(LifecycleError::DateOutOfOrder {
            subject: subject(),
            to: next.label(),
            on,
            previous,
        });
    }
    history.push(Transition {
        from: *state,
        to: next,
        on,
    });
    *state = next;
    Ok(())
}

/// Replays a stored history onto a fresh holder: each step must start where the one before
/// ended and be legal (through `transition`), and the end must be the stored state.
fn replay<S: Machine, H>(
    holder: &mut H,
    history: Vec<Transition<S>>,
    stored: S,
    state: impl Fn(&H) -> S,
    transition: impl Fn(&mut H, S, NaiveDate) -> Result<(), LifecycleError>,
    subject: impl Fn(&H) -> Subject,
) -> Result<(), LifecycleError> {
    let broken = |h: &H, recorded: S| LifecycleError::BrokenHistory {
        subject: subject(h),
        recorded: recorded.label(),
        replayed: state(h).label(),
    };
    for t in history {
        if t.from != state(holder) {
            return Err(broken(holder, t.from));
        }
        transition(holder, t.to, t.on)?;
    }
    if stored != state(holder) {
        return Err(broken(holder, stored));
    }
    Ok(())
}

/// A spot-check task and the dated history of its states.
///
/// The fields are private so that the state is always the end of a legal history; the JSON form
/// is checked the same way when read (the history is replayed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TaskRepr", into = "TaskRepr")]
pub struct Task {
    id: TaskId,
    created_on: NaiveDate,
    state: TaskState,
    history: Vec<Transition<TaskState>>,
}

impl Task {
    /// A task in [`TaskState::Created`], created on `created_on`.
    pub fn new(id: TaskId, created_on: NaiveDate) -> Task {
        Task {
            id,
            created_on,
            state: TaskState::Created,
            history: Vec::new(),
        }
    }

    /// The task's id.
    pub fn id(&self) -> &TaskId {
        &self.id
    }

    /// The day the task was created.
    pub fn created_on(&self) -> NaiveDate {
        self.created_on
    }

    /// The current state.
    pub fn state(&self) -> TaskState {
        self.state
    }

    /// Every transition so far, oldest first.
    pub fn history(&self) -> &[Transition<TaskState>] {
        &self.history
    }

    /// The day the task last entered `state`, if it ever did (the creation day for
    /// [`TaskState::Created`]).
    pub fn entered_on(&self, state: TaskState) -> Option<NaiveDate> {
        if let Some(t) = self.history.iter().rev().find(|t| t.to == state) {
            return Some(t.on);
        }
        (state == TaskState::Created).then_some(self.created_on)
    }

    /// Moves the task to `next` on `on`.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::IllegalTaskTransition`] when [`TaskState::can_go_to`] forbids the
    /// step; [`LifecycleError::DateOutOfOrder`] when `on` is before the previous step (or the
    /// creation). The task is unchanged on error.
    pub fn transition(&mut self, next: TaskState, on: NaiveDate) -> Result<(), LifecycleError> {
        let id = &self.id;
        step(
            &mut self.state,
            self.created_on,
            &mut self.history,
            next,
            on,
            |from, to| LifecycleError::IllegalTaskTransition {
                task: id.clone(),
                from,
                to,
            },
            || Subject::Task(id.clone()),
        )
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskRepr {
    id: TaskId,
    created_on: NaiveDate,
    state: TaskState,
    history: Vec<Transition<TaskState>>,
}

impl From<Task> for TaskRepr {
    fn from(t: Task) -> Self {
        TaskRepr {
            id: t.id,
            created_on: t.created_on,
            state: t.state,
            history: t.history,
        }
    }
}

impl TryFrom<TaskRepr> for Task {
    type Error = LifecycleError;

    fn try_from(r: TaskRepr) -> Result<Self, LifecycleError> {
        let mut task = Task::new(r.id, r.created_on);
        replay(
            &mut task,
            r.history,
            r.state,
            |t| t.state,
            Task::transition,
            |t| Subject::Task(t.id.clone()),
        )?;
        Ok(task)
    }
}

/// The check of one drawn target within a task, and its dated history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TargetCheckRepr", into = "TargetCheckRepr")]
pub struct TargetCheck {
    task: TaskId,
    target: TargetId,
    drawn_on: NaiveDate,
    state: TargetCheckState,
    history: Vec<Transition<TargetCheckState>>,
}

impl TargetCheck {
    /// A check in [`TargetCheckState::Drawn`]: `target` was drawn for `task` on `drawn_on`.
    pub fn new(task: TaskId, target: TargetId, drawn_on: NaiveDate) -> TargetCheck {
        TargetCheck {
            task,
            target,
            drawn_on,
            state: TargetCheckState::Drawn,
            history: Vec::new(),
        }
    }

    /// The task the target was drawn for.
    pub fn task(&self) -> &TaskId {
        &self.task
    }

    /// The target checked.
    pub fn target(&self) -> &TargetId {
        &self.target
    }

    /// The day of the draw.
    pub fn drawn_on(&self) -> NaiveDate {
        self.drawn_on
    }

    /// The current state.
    pub fn state(&self) -> TargetCheckState {
        self.state
    }

    /// Every transition so far, oldest first.
    pub fn history(&self) -> &[Transition<TargetCheckState>] {
        &self.history
    }

    /// Moves the check to `next` on `on`.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::IllegalTargetTransition`] when [`TargetCheckState::can_go_to`]
    /// forbids the step; [`LifecycleError::DateOutOfOrder`] when `on` is before the previous
    /// step (or the draw). The check is unchanged on error.
    pub fn transition(
        &mut self,
        next: TargetCheckState,
        on: NaiveDate,
    ) -> Result<(), LifecycleError> {
        let (task, target) = (&self.task, &self.target);
        step(
            &mut self.state,
            self.drawn_on,
            &mut self.history,
            next,
            on,
            |from, to| LifecycleError::IllegalTargetTransition {
                task: task.clone(),
                target: target.clone(),
                from,
                to,
            },
            || Subject::Target(task.clone(), target.clone()),
        )
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetCheckRepr {
    task: TaskId,
    target: TargetId,
    drawn_on: NaiveDate,
    state: TargetCheckState,
    history: Vec<Transition<TargetCheckState>>,
}

impl From<TargetCheck> for TargetCheckRepr {
    fn from(c: TargetCheck) -> Self {
        TargetCheckRepr {
            task: c.task,
            target: c.target,
            drawn_on: c.drawn_on,
            state: c.state,
            history: c.history,
        }
    }
}

impl TryFrom<TargetCheckRepr> for TargetCheck {
    type Error = LifecycleError;

    fn try_from(r: TargetCheckRepr) -> Result<Self, LifecycleError> {
        let mut check = TargetCheck::new(r.task, r.target, r.drawn_on);
        replay(
            &mut check,
            r.history,
            r.state,
            |c| c.state,
            TargetCheck::transition,
            |c| Subject::Target(c.task.clone(), c.target.clone()),
        )?;
        Ok(check)
    }
}
