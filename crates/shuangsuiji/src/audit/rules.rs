//! The rules of appending, checked against an index of the log so far.
//!
//! The index holds, per task (keyed by the confusable skeleton of its id, so that a look-alike
//! id is the same task), what the rules need: its announcements, the draws of each plan, its
//! teams entries; and which entry supersedes which. Each rule is then a few look-ups, so an
//! append costs the same in a log of ten entries as in a log of a million, and checking a
//! chain is one pass.

use super::state::{EarlierEntries, EntrySummary, SummaryKind};
use super::{DrawAnnouncement, EntryKind, LogError, Logged, SeedCommitment};
use crate::ids::{PlanId, TargetId, TaskId, skeleton};
use crate::record::DrawRecord;
use crate::seed::Seed;
use crate::teams::TeamRecord;
use std::collections::{BTreeSet, HashMap};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// What the log holds of one task.
#[derive(Debug, Clone)]
struct TaskState {
    /// The task's id as first logged; a look-alike id is refused.
    id: TaskId,
    /// Entry of the first announcement, with the plans it announced (every later
    /// announcement repeats a subset of these).
    announced_plans: Option<(u64, Vec<PlanId>)>,
    /// Entries of every announcement, oldest first.
    announcements: Vec<u64>,
    /// The seed of the first draw from the latest announcement, and that draw's entry: every
    /// plan drawn from one announcement is drawn with one seed.
    seed_in_use: Option<(Seed, u64)>,
    /// Per plan, in the order first drawn: its latest draw or re-draw.
    draws: Vec<(Option<PlanId>, u64)>,
    /// The latest teams or re-match entry.
    teams: Option<u64>,
}

impl TaskState {
    fn new(id: TaskId) -> TaskState {
        TaskState {
            id,
            announced_plans: None,
            announcements: Vec::new(),
            seed_in_use: None,
            draws: Vec::new(),
            teams: None,
        }
    }

    fn latest_draw(&self, plan: Option<&PlanId>) -> Option<u64> {
        self.draws
            .iter()
            .find(|(p, _)| p.as_ref() == plan)
            .map(|&(_, seq)| seq)
    }
}

/// The index of a log: per task its state, and which entry supersedes which.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    tasks: HashMap<String, TaskState>,
    superseded_by: HashMap<u64, u64>,
}

/// A task's name as messages print it: with its plan when it has one.
fn named(task: &TaskId, plan: Option<&PlanId>) -> String {
    match plan {
        Some(p) => format!("{task} (plan {p})"),
        None => task.to_string(),
    }
}

/// Whether a reason says something: at least two letters or digits (so that white space,
/// zero-width characters or a lone dot do not count as a reason).
pub(crate) fn is_real_reason(reason: &str) -> bool {
    reason
        .chars()
        .filter(|c| {
            matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
            )
        })
        .take(2)
        .count()
        == 2
}

/// A source as compared between announcements: its skeleton without white space, so that
/// `双色球 2026130期` and `双色球2026130期` are one source.
fn source_key(source: &str) -> String {
    skeleton(source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl Index {
    /// The state of the task `task` would be filed under, refusing a look-alike of a task
    /// already logged.
    fn task(&self, task: &TaskId) -> Result<Option<&TaskState>, LogError> {
        match self.tasks.get(&task.skeleton()) {
            Some(state) if &state.id != task => Err(LogError::LookAlike {
                what: "task",
                id: task.to_string(),
                earlier: state.id.to_string(),
                entry: state
                    .announcements
                    .first()
                    .copied()
                    .or(state.draws.first().map(|d| d.1))
                    .or(state.teams)
                    .unwrap_or(0),
            }),
            other => Ok(other),
        }
    }

    /// The entry that supersedes entry `seq`, if any.
    pub(crate) fn superseded_by(&self, seq: u64) -> Option<u64> {
        self.superseded_by.get(&seq).copied()
    }

    /// The draws in force for a task: per member plan, its latest draw or re-draw, in log
    /// order.
    pub(crate) fn current_draws(&self, task: &TaskId) -> Vec<u64> {
        let mut out: Vec<u64> = self
            .tasks
            .get(&task.skeleton())
            .filter(|s| &s.id == task)
            .map(|s| s.draws.iter().map(|d| d.1).collect())
            .unwrap_or_default();
        out.sort_unstable();
        out
    }

    /// The teams in force for a task.
    pub(crate) fn current_teams(&self, task: &TaskId) -> Option<u64> {
        self.tasks
            .get(&task.skeleton())
            .filter(|s| &s.id == task)
            .and_then(|s| s.teams)
    }

    /// The latest announcement of a task.
    pub(crate) fn current_announcement(&self, task: &TaskId) -> Option<u64> {
        self.tasks
            .get(&task.skeleton())
            .filter(|s| &s.id == task)
            .and_then(|s| s.announcements.last().copied())
    }

    /// Every task with teams, with its state's teams entry.
    pub(crate) fn tasks_with_teams(&self) -> Vec<(&TaskId, u64)> {
        let mut out: Vec<(&TaskId, u64)> = self
            .tasks
            .values()
            .filter_map(|s| s.teams.map(|t| (&s.id, t)))
            .collect();
        out.sort();
        out
    }

    /// Files an entry, by its summary (already found admissible, or read from a file
    /// unchecked: filing never fails, the check is [`Index::admit`]).
    pub(crate) fn file(&mut self, entry: &EntrySummary) {
        let task = &entry.task;
        let state = self
            .tasks
            .entry(task.skeleton())
            .or_insert_with(|| TaskState::new(task.clone()));
        match &entry.kind {
            SummaryKind::Announce { plans } => {
                if state.announced_plans.is_none() {
                    state.announced_plans = Some((entry.seq, plans.clone()));
                }
                state.announcements.push(entry.seq);
                state.seed_in_use = None;
            }
            SummaryKind::Draw { plan, seed, .. } => {
                match state.draws.iter_mut().find(|(p, _)| p == plan) {
                    Some(d) => d.1 = entry.seq,
                    None => state.draws.push((plan.clone(), entry.seq)),
                }
                if state.seed_in_use.is_none() {
                    state.seed_in_use = Some((*seed, entry.seq));
                }
            }
            SummaryKind::Teams { .. } => {
                state.teams = Some(entry.seq);
            }
        }
        if let Some(supersedes) = entry.kind.supersedes() {
            self.superseded_by.entry(supersedes).or_insert(entry.seq);
        }
    }

    /// The earlier entries [`Index::admit`] reads to decide on an entry of `kind` carrying
    /// `record`: a front that keeps the log on disk loads these (and only these) first.
    pub(crate) fn consults(&self, kind: &EntryKind, record: &Logged) -> Vec<u64> {
        let task = record.task_id();
        let Some(state) = self.tasks.get(&task.skeleton()).filter(|s| &s.id == task) else {
            return Vec::new();
        };
        let mut out: Vec<u64> = match record {
            Logged::Announce(_) => state.announcements.clone(),
            Logged::Draw(_) => state.announcements.last().copied().into_iter().collect(),
            Logged::Teams(_) => state.draws.iter().map(|d| d.1).collect(),
        };
        if let EntryKind::Redraw { supersedes, .. } | EntryKind::Rematch { supersedes, .. } = kind {
            out.push(*supersedes);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether an entry of `kind` carrying `record` may follow the log `earlier` (indexed by
    /// `self`).
    pub(crate) fn admit(
        &self,
        earlier: &dyn EarlierEntries,
        kind: &EntryKind,
        record: &Logged,
    ) -> Result<(), LogError> {
        let task = record.task_id();
        let fits = matches!(
            (kind, record),
            (EntryKind::Announce, Logged::Announce(_))
                | (EntryKind::Draw | EntryKind::Redraw { .. }, Logged::Draw(_))
                | (
                    EntryKind::Teams | EntryKind::Rematch { .. },
                    Logged::Teams(_)
                )
        );
        if !fits {
            return Err(LogError::WrongRecord {
                task: task.to_string(),
                kind: kind.name(),
            });
        }
        let state = self.task(task)?;
        match record {
            Logged::Announce(a) => {
                announce(state, a)?;
                match source_reused(earlier, self.announcements_of(task), a) {
                    Some((seq, old)) => Err(LogError::BadAnnouncement {
                        task: task.to_string(),
                        problem: format!(
                            "entry {seq} already announced {} for the task; a re-draw needs a \
                             source never used for it, announced before its value is known",
                            old.seed.describe()
                        ),
                    }),
                    None => Ok(()),
                }
            }
            Logged::Draw(r) => self.draw(earlier, state, kind, r),
            Logged::Teams(r) => {
                let visited = staffed(r).map_err(|problem| LogError::TeamsDoNotFitDraws {
                    task: task.to_string(),
                    problem,
                })?;
                self.teams(earlier, state, kind, task, &visited)
            }
        }
    }

    fn draw(
        &self,
        earlier: &dyn EarlierEntries,
        state: Option<&TaskState>,
        kind: &EntryKind,
        r: &DrawRecord,
    ) -> Result<(), LogError> {
        let task = &r.request.task_id;
        let plan = r.request.plan.as_ref();
        let refuse = |problem: String| match kind {
            EntryKind::Redraw { .. } => LogError::BadRedraw {
                task: named(task, plan),
                problem,
            },
            _ => LogError::NotAsAnnounced {
                task: named(task, plan),
                problem,
            },
        };
        let Some(state) = state.filter(|s| !s.announcements.is_empty()) else {
            return Err(LogError::NotAnnounced {
                task: named(task, plan),
            });
        };
        if let Some(p) = plan
            && let Some(other) = state
                .draws
                .iter()
                .filter_map(|(q, _)| q.as_ref())
                .chain(state.announced_plans.iter().flat_map(|(_, ps)| ps))
                .find(|q| *q != p && q.skeleton() == p.skeleton())
        {
            return Err(LogError::LookAlike {
                what: "plan",
                id: p.to_string(),
                earlier: other.to_string(),
                entry: state.announcements[0],
            });
        }
        match kind {
            EntryKind::Redraw { supersedes, reason } => {
                let bad = |problem: String| LogError::BadRedraw {
                    task: named(task, plan),
                    problem,
                };
                if !is_real_reason(reason) {
                    return Err(bad("a re-draw must say why (in words)".into()));
                }
                let Some(old) = earlier.entry(*supersedes) else {
                    return Err(bad(format!("there is no earlier entry {supersedes}")));
                };
                let same = old
                    .record
                    .as_draw()
                    .is_some_and(|o| &o.request.task_id == task && o.request.plan.as_ref() == plan);
                if !same {
                    return Err(bad(format!(
                        "entry {supersedes} is {} of task {}{}, not of this {}",
                        with_article(old.kind.name()),
                        old.record.task_id(),
                        old.record
                            .as_draw()
                            .and_then(|o| o.request.plan.as_ref())
                            .map(|p| format!(" plan {p}"))
                            .unwrap_or_default(),
                        if plan.is_some() {
                            "task and plan"
                        } else {
                            "task"
                        },
                    )));
                }
                if let Some(later) = self.superseded_by(*supersedes) {
                    return Err(bad(format!(
                        "entry {supersedes} was already superseded by entry {later}"
                    )));
                }
                let a_seq = *state.announcements.last().unwrap_or(&0);
                if a_seq < *supersedes {
                    return Err(bad(format!(
                        "a re-draw needs a new announcement after entry {supersedes} (a source \
                         announced before its value is known); the latest is entry {a_seq}"
                    )));
                }
            }
            _ => {
                if let Some(prev) = state.latest_draw(plan) {
                    return Err(LogError::AlreadyDrawn {
                        task: named(task, plan),
                        entry: prev,
                    });
                }
            }
        }
        // The draw must keep the latest announcement: its plans, its pool, its source.
        let a_seq = *state.announcements.last().unwrap_or(&0);
        let Some(Logged::Announce(a)) = earlier.entry(a_seq).map(|e| &e.record) else {
            return Err(refuse(format!("entry {a_seq} is not an announcement")));
        };
        let announced = match plan {
            Some(p) => a.plans.contains(p),
            None => a.plans.is_empty(),
        };
        if !announced {
            let plans = if a.plans.is_empty() {
                "no plans (the task is drawn as one)".to_owned()
            } else {
                let names: Vec<&str> = a.plans.iter().map(PlanId::as_str).collect();
                format!("plans {}", names.join(", "))
            };
            return Err(refuse(format!(
                "{} was not announced: entry {a_seq} announced {plans}",
                match plan {
                    Some(p) => format!("plan {p}"),
                    None => "a draw without a plan".to_owned(),
                }
            )));
        }
        if r.pool != a.pool {
            return Err(refuse(format!(
                "drawn from pool {} ({} targets), but entry {a_seq} announced pool {} ({} targets)",
                r.pool.digest, r.pool.size, a.pool.digest, a.pool.size
            )));
        }
        if !a.seed.kept_by(&r.request.seed, &r.request.seed_origin) {
            return Err(refuse(format!(
                "its seed does not come from the source entry {a_seq} announced ({})",
                a.seed.describe()
            )));
        }
        if let Some(derived) = r.request.seed_origin.derive(task)
            && derived != r.request.seed
        {
            return Err(refuse(
                "its seed does not derive from the public value it names".into(),
            ));
        }
        if let Some((seed, first)) = &state.seed_in_use
            && *seed != r.request.seed
        {
            return Err(refuse(format!(
                "entry {first} drew the task from announcement {a_seq} with another seed; \
                 every plan drawn from one announcement uses the task's one seed"
            )));
        }
        Ok(())
    }

    fn teams(
        &self,
        earlier: &dyn EarlierEntries,
        state: Option<&TaskState>,
        kind: &EntryKind,
        task: &TaskId,
        visited: &BTreeSet<&TargetId>,
    ) -> Result<(), LogError> {
        let current = state.and_then(|s| s.teams);
        match kind {
            EntryKind::Rematch { supersedes, reason } => {
                let bad = |problem: String| LogError::BadRematch {
                    task: task.to_string(),
                    problem,
                };
                if !is_real_reason(reason) {
                    return Err(bad("a re-match must say why (in words)".into()));
                }
                let Some(old) = earlier.entry(*supersedes) else {
                    return Err(bad(format!("there is no earlier entry {supersedes}")));
                };
                if old
                    .record
                    .as_teams()
                    .is_none_or(|t| &t.request.task_id != task)
                {
                    return Err(bad(format!(
                        "entry {supersedes} is {} of task {}, not of this task",
                        with_article(old.kind.name()),
                        old.record.task_id()
                    )));
                }
                if let Some(later) = self.superseded_by(*supersedes) {
                    return Err(bad(format!(
                        "entry {supersedes} was already superseded by entry {later}"
                    )));
                }
            }
            _ => {
                if let Some(prev) = current {
                    return Err(LogError::AlreadyMatched {
                        task: task.to_string(),
                        entry: prev,
                    });
                }
            }
        }
        let bad = |problem: String| LogError::TeamsDoNotFitDraws {
            task: task.to_string(),
            problem,
        };
        let draws: Vec<u64> = state
            .map(|s| {
                let mut d: Vec<u64> = s.draws.iter().map(|d| d.1).collect();
                d.sort_unstable();
                d
            })
            .unwrap_or_default();
        if draws.is_empty() {
            return Err(bad("the log holds no draw of the task".into()));
        }
        let mut drawn: BTreeSet<&TargetId> = BTreeSet::new();
        for seq in draws {
            let selected = earlier
                .entry(seq)
                .and_then(|e| e.record.as_draw())
                .map(|r| r.selected.as_slice())
                .unwrap_or_default();
            for t in selected {
                drawn.insert(&t.id);
                if !visited.contains(&t.id) {
                    return Err(bad(format!(
                        "target {} drawn in entry {seq} has no team",
                        t.id
                    )));
                }
            }
        }
        if let Some(extra) = visited.iter().find(|t| !drawn.contains(*t)) {
            return Err(bad(format!(
                "a team visits target {extra}, which no current draw of the task selected"
            )));
        }
        Ok(())
    }
}

/// The targets a team record's teams go to: each team's visit, looked up in the record's
/// request. A visit of the request without a team leaves its target unstaffed; a team for a
/// visit the request does not hold, or two teams for one visit, make the record unfit.
fn staffed(r: &TeamRecord) -> Result<BTreeSet<&TargetId>, String> {
    let visits: HashMap<&str, &TargetId> = r
        .request
        .visits
        .iter()
        .map(|v| (v.id.as_str(), &v.target))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = BTreeSet::new();
    for t in &r.teams {
        let Some(target) = visits.get(t.visit.as_str()) else {
            return Err(format!(
                "a team is for visit {:?}, which the record's request does not hold",
                t.visit
            ));
        };
        if !seen.insert(t.visit.as_str()) {
            return Err(format!("visit {:?} has two teams", t.visit));
        }
        out.insert(*target);
    }
    Ok(out)
}

/// An announcement may open a task, or follow a draw of it (for a re-draw) with a source never
/// announced for it and only plans announced before.
fn announce(state: Option<&TaskState>, a: &DrawAnnouncement) -> Result<(), LogError> {
    let bad = |problem: String| LogError::BadAnnouncement {
        task: a.task_id.to_string(),
        problem,
    };
    if a.format != super::ANNOUNCEMENT_FORMAT {
        return Err(bad(format!(
            "format is {:?}, not {:?}",
            a.format,
            super::ANNOUNCEMENT_FORMAT
        )));
    }
    let mut seen: HashMap<String, &PlanId> = HashMap::new();
    for p in &a.plans {
        if let Some(q) = seen.insert(p.skeleton(), p) {
            return Err(bad(if q == p {
                format!("plan {p} is listed twice")
            } else {
                format!("plans {q:?} and {p:?} look alike (one plan to a reader)")
            }));
        }
    }
    if let SeedCommitment::PublicEntropy { source } = &a.seed
        && !is_real_reason(source)
    {
        return Err(bad("the entropy source must be named (in words)".into()));
    }
    let Some(state) = state.filter(|s| !s.announcements.is_empty()) else {
        return Ok(());
    };
    let last = *state.announcements.last().unwrap_or(&0);
    if state.seed_in_use.is_none() {
        return Err(bad(format!(
            "entry {last} announced the task and nothing was drawn from it yet: draw from that \
             announcement (a new one is for a re-draw, after the draw it replaces)"
        )));
    }
    if let Some((first, plans)) = &state.announced_plans {
        if plans.is_empty() != a.plans.is_empty() {
            return Err(bad(format!(
                "entry {first} announced the task {}; a later announcement cannot change that",
                if plans.is_empty() {
                    "without plans"
                } else {
                    "with member plans"
                }
            )));
        }
        if let Some(p) = a.plans.iter().find(|p| !plans.contains(p)) {
            return Err(bad(format!(
                "plan {p} was not among the plans entry {first} announced"
            )));
        }
    }
    Ok(())
}

/// The earlier announcement of the task with the same source as `a` (or the same given-seed
/// commitment), if any.
fn source_reused<'a>(
    earlier: &'a dyn EarlierEntries,
    announcements: &[u64],
    a: &DrawAnnouncement,
) -> Option<(u64, &'a DrawAnnouncement)> {
    let key = match &a.seed {
        SeedCommitment::PublicEntropy { source } => Some(source_key(source)),
        SeedCommitment::Given { .. } => None,
    };
    announcements.iter().find_map(|&seq| {
        let Logged::Announce(old) = &earlier.entry(seq)?.record else {
            return None;
        };
        let same = match (&old.seed, &key) {
            (SeedCommitment::PublicEntropy { source }, Some(k)) => &source_key(source) == k,
            (g @ SeedCommitment::Given { .. }, None) => g == &a.seed,
            _ => false,
        };
        same.then_some((seq, &**old))
    })
}

impl Index {
    /// The announcements of a task, oldest first.
    pub(crate) fn announcements_of(&self, task: &TaskId) -> &[u64] {
        self.tasks
            .get(&task.skeleton())
            .map_or(&[], |s| s.announcements.as_slice())
    }
}

/// `a draw`, `an announce`: an entry kind in a sentence.
pub(crate) fn with_article(kind: &str) -> String {
    match kind.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => format!("an {kind} entry"),
        _ => format!("a {kind} entry"),
    }
}
