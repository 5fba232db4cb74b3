//! Team records: what an inspector matching publishes, and the check that it reproduces.
//!
//! A [`TeamRecord`] is to [`crate::assign`] what a [`DrawRecord`](crate::record::DrawRecord) is
//! to the draw: it holds everything the matching depended on besides the frozen inspector pool
//! (the visits, the recusal facts of the visited targets, the policy with its declared
//! conflicts, avoidance pairs and prior workload, the seed and where it came from) and the teams
//! it produced. Anyone holding the inspector pool re-runs it with [`verify`] and gets the same
//! teams, or a list of every difference. Records go into the draw log
//! ([`crate::audit::DrawLog::append_teams`]) next to the task's draws, so that a task's targets
//! and its inspectors are published, chained and checkable together.
//!
//! The seed should be the task's own: derived from public entropy with the task id
//! ([`MatchRequest::with_public_entropy`]), like the task's draw. The matching reads its keys
//! on its own ChaCha stream ([`crate::assign::ASSIGN_STREAM`]), so sharing the draw's seed
//! gives no correlation between the targets drawn and the inspectors drawn.
//!
//! ```
//! use shuangsuiji::assign::{DepartmentNeed, MatchPolicy, TargetFacts, Visit};
//! use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId, TaskId};
//! use shuangsuiji::inspector::{Inspector, InspectorPool};
//! use shuangsuiji::teams::{self, MatchRequest};
//! use std::collections::BTreeMap;
//!
//! let dept = DeptId::new("市场监管局")?;
//! let pool = InspectorPool::from_entries((0..6).map(|i| {
//!     Inspector::new(InspectorId::new(format!("P{i}")).unwrap(), dept.clone(), format!("C{i}"))
//! }))?
//! .into_frozen();
//! let target = TargetId::new("E001")?;
//! let request = MatchRequest::with_public_entropy(
//!     TaskId::new("2026-SCJG-001")?,
//!     "双色球 2026130期",
//!     "03 07 12 19 25 31 + 09",
//!     MatchPolicy::default(),
//!     vec![Visit {
//!         id: "V-1".into(),
//!         target: target.clone(),
//!         date: "2026-05-12".parse()?,
//!         needs: vec![DepartmentNeed { department: dept, items: vec![ItemId::new("食品销售")?] }],
//!     }],
//!     BTreeMap::from([(target, TargetFacts::default())]),
//! );
//! let record = teams::matching(&pool, &request)?;
//! assert_eq!(record.teams[0].members.len(), 2);
//! // Anyone with the pool gets the same teams back.
//! let published = record.to_json();
//! let read = teams::TeamRecord::from_json(&published)?;
//! assert!(teams::verify(&read, &pool).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::assign::{
    self, ASSIGN_STREAM, AssignError, Assignment, MatchPolicy, TargetFacts, Team, Visit,
};
use crate::digest::Digest;
use crate::ids::{InspectorId, TargetId, TaskId};
use crate::inspector::FrozenInspectorPool;
use crate::record::{Algorithm, PoolSummary};
use crate::seed::{Seed, SeedOrigin};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The `format` field of every team record.
pub const TEAM_RECORD_FORMAT: &str = "shuangsuiji/team-record";
/// The id of the matching algorithm of [`crate::assign`].
pub const MATCH_ALGORITHM_ID: &str = "ssj-team-workload-keys";
/// Its version; a record of another version is refused, never re-interpreted.
pub const MATCH_ALGORITHM_VERSION: u32 = 1;

/// The matching algorithm of this library.
pub fn algorithm() -> Algorithm {
    Algorithm {
        id: MATCH_ALGORITHM_ID.into(),
        version: MATCH_ALGORITHM_VERSION,
        prf: format!("chacha8-keystream/stream-{ASSIGN_STREAM}"),
        digest: "sm3".into(),
    }
}

/// Everything a matching depends on besides the frozen inspector pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The task whose visits are staffed.
    pub task_id: TaskId,
    /// The seed.
    pub seed: Seed,
    /// How the seed was obtained.
    #[serde(default)]
    pub seed_origin: SeedOrigin,
    /// The rules: team size, experts, recusal, caps, conflicts, avoidance, prior workload.
    pub policy: MatchPolicy,
    /// The visits to staff.
    pub visits: Vec<Visit>,
    /// The recusal facts of every visited target (region, last inspectors).
    pub targets: BTreeMap<TargetId, TargetFacts>,
}

impl MatchRequest {
    /// A request whose seed is derived from a public value for the task (see
    /// [`Seed::from_public_entropy`]).
    pub fn with_public_entropy(
        task_id: TaskId,
        source: &str,
        value: &str,
        policy: MatchPolicy,
        visits: Vec<Visit>,
        targets: BTreeMap<TargetId, TargetFacts>,
    ) -> MatchRequest {
        MatchRequest {
            seed: Seed::from_public_entropy(source, value, &task_id),
            seed_origin: SeedOrigin::PublicEntropy {
                source: source.to_owned(),
                value: value.to_owned(),
            },
            task_id,
            policy,
            visits,
            targets,
        }
    }
}

/// Why a matching could not be made or recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    /// The seed is not the one its stated origin derives.
    #[error(
        "task {task}: the seed does not match its stated public-entropy origin, which derives {derived}"
    )]
    SeedMismatch {
        /// The task.
        task: TaskId,
        /// The seed the origin derives.
        derived: Seed,
    },
    /// The matching itself failed (a shortage, a bad visit, a bad policy).
    #[error("task {task}: {source}")]
    Assign {
        /// The task.
        task: TaskId,
        /// What went wrong.
        source: AssignError,
    },
}

/// The published record of a matching, enough to reproduce it from the frozen inspector pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRecord {
    /// [`TEAM_RECORD_FORMAT`].
    pub format: String,
    /// The algorithm ([`algorithm`]).
    pub algorithm: Algorithm,
    /// The library version that made the record (informative).
    pub library_version: String,
    /// The request, with only the facts of visited targets kept.
    pub request: MatchRequest,
    /// The frozen inspector pool.
    pub pool: PoolSummary,
    /// One team per visit, in canonical visit order (date, then id).
    pub teams: Vec<Team>,
    /// Visits per inspector after this matching (prior workload included).
    pub workload: BTreeMap<InspectorId, u32>,
}

impl TeamRecord {
    /// The record as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a record from JSON.
    pub fn from_json(text: &str) -> Result<TeamRecord, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The targets visited, each once.
    pub fn targets(&self) -> BTreeSet<&TargetId> {
        self.request.visits.iter().map(|v| &v.target).collect()
    }
}

/// Matches inspectors to a task's visits ([`assign::assign`]) and returns the record to
/// publish. Facts of targets that no visit goes to are left out of the record.
pub fn matching(
    pool: &FrozenInspectorPool,
    request: &MatchRequest,
) -> Result<TeamRecord, TeamError> {
    if let Some(derived) = request.seed_origin.derive(&request.task_id) {
        if derived != request.seed {
            return Err(TeamError::SeedMismatch {
                task: request.task_id.clone(),
                derived,
            });
        }
    }
    let visited: BTreeSet<&TargetId> = request.visits.iter().map(|v| &v.target).collect();
    let targets: BTreeMap<TargetId, TargetFacts> = request
        .targets
        .iter()
        .filter(|(id, _)| visited.contains(id))
        .map(|(id, f)| (id.clone(), f.clone()))
        .collect();
    let Assignment { visits, workload } = assign::assign(
        pool,
        &request.visits,
        &targets,
        &request.policy,
        &request.seed,
    )
    .map_err(|source| TeamError::Assign {
        task: request.task_id.clone(),
        source,
    })?;
    Ok(TeamRecord {
        format: TEAM_RECORD_FORMAT.into(),
        algorithm: algorithm(),
        library_version: env!("CARGO_PKG_VERSION").into(),
        request: MatchRequest {
            targets,
            ..request.clone()
        },
        pool: PoolSummary {
            digest: pool.digest(),
            size: pool.len() as u64,
        },
        teams: visits,
        workload,
    })
}

/// One way in which a team record does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TeamMismatch {
    /// Not a team record.
    Format {
        /// The `format` found.
        found: String,
    },
    /// An algorithm this library does not implement.
    Algorithm {
        /// The algorithm the record names.
        found: Algorithm,
    },
    /// The seed is not what its public-entropy origin derives.
    Seed {
        /// The seed in the record.
        recorded: Seed,
        /// The seed the origin derives.
        derived: Seed,
    },
    /// The inspector pool is not the one matched from.
    PoolDigest {
        /// In the record.
        recorded: Digest,
        /// Of the pool given.
        actual: Digest,
    },
    /// The pool size differs.
    PoolSize {
        /// In the record.
        recorded: u64,
        /// Of the pool given.
        actual: u64,
    },
    /// The matching re-run from the record failed.
    MatchFailed {
        /// Why.
        error: String,
    },
    /// A visit's team differs (or is missing from one side).
    Team {
        /// The visit.
        visit: String,
        /// The team in the record, as `leader; members; experts`, or empty when missing.
        recorded: String,
        /// The team recomputed, likewise.
        actual: String,
    },
    /// A visit listed twice.
    DuplicateTeam {
        /// The visit.
        visit: String,
    },
    /// The teams are right but not listed in canonical visit order (date, then id).
    Order,
    /// An inspector's resulting workload differs.
    Workload {
        /// The inspector.
        inspector: InspectorId,
        /// In the record (0 when absent).
        recorded: u32,
        /// Recomputed (0 when absent).
        actual: u32,
    },
}

impl fmt::Display for TeamMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TeamMismatch::Format { found } => {
                write!(f, "format is {found:?}, expected {TEAM_RECORD_FORMAT:?}")
            }
            TeamMismatch::Algorithm { found } => f.write_str(&found.not_implemented(&algorithm())),
            TeamMismatch::Seed { recorded, derived } => write!(
                f,
                "seed {recorded} does not match its public-entropy origin, which derives {derived}"
            ),
            TeamMismatch::PoolDigest { recorded, actual } => write!(
                f,
                "inspector pool digest differs: record has {recorded}, the pool given has {actual} (not the pool matched from)"
            ),
            TeamMismatch::PoolSize { recorded, actual } => write!(
                f,
                "inspector pool size differs: record has {recorded}, the pool given has {actual}"
            ),
            TeamMismatch::MatchFailed { error } => {
                write!(f, "the matching could not be re-run: {error}")
            }
            TeamMismatch::Team {
                visit,
                recorded,
                actual,
            } => write!(
                f,
                "visit {visit}: the record has team [{recorded}], the matching gives [{actual}]"
            ),
            TeamMismatch::DuplicateTeam { visit } => {
                write!(f, "visit {visit} has more than one team in the record")
            }
            TeamMismatch::Order => {
                f.write_str("the teams are not listed in canonical visit order (date, then id)")
            }
            TeamMismatch::Workload {
                inspector,
                recorded,
                actual,
            } => write!(
                f,
                "inspector {inspector}: workload {recorded} in the record, recomputed {actual}"
            ),
        }
    }
}

/// The outcome of [`verify`]: empty when the record reproduces exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamVerification {
    /// Every difference found, most fundamental first.
    pub mismatches: Vec<TeamMismatch>,
}

impl TeamVerification {
    /// Whether the record reproduces.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

impl fmt::Display for TeamVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() {
            return f.write_str("the team record reproduces exactly");
        }
        writeln!(
            f,
            "the team record does not reproduce ({} difference{}):",
            self.mismatches.len(),
            if self.mismatches.len() == 1 { "" } else { "s" }
        )?;
        for m in &self.mismatches {
            writeln!(f, "- {m}")?;
        }
        Ok(())
    }
}

fn team_text(team: &Team) -> String {
    let members: Vec<String> = team
        .members
        .iter()
        .map(|(p, d)| format!("{p}@{d}"))
        .collect();
    let experts: Vec<&str> = team.experts.iter().map(|p| p.as_str()).collect();
    format!(
        "leader {}; {}; experts {}",
        team.leader,
        members.join(", "),
        if experts.is_empty() {
            "none".to_owned()
        } else {
            experts.join(", ")
        }
    )
}

/// Re-runs a record's matching on an inspector pool and lists every difference.
pub fn verify(record: &TeamRecord, pool: &FrozenInspectorPool) -> TeamVerification {
    let mut out = Vec::new();
    if record.format != TEAM_RECORD_FORMAT {
        out.push(TeamMismatch::Format {
            found: record.format.clone(),
        });
    }
    if record.algorithm != algorithm() {
        out.push(TeamMismatch::Algorithm {
            found: record.algorithm.clone(),
        });
        return TeamVerification { mismatches: out };
    }
    let req = &record.request;
    if let Some(derived) = req.seed_origin.derive(&req.task_id) {
        if derived != req.seed {
            out.push(TeamMismatch::Seed {
                recorded: req.seed,
                derived,
            });
        }
    }
    if record.pool.digest != pool.digest() {
        out.push(TeamMismatch::PoolDigest {
            recorded: record.pool.digest,
            actual: pool.digest(),
        });
    }
    if record.pool.size != pool.len() as u64 {
        out.push(TeamMismatch::PoolSize {
            recorded: record.pool.size,
            actual: pool.len() as u64,
        });
    }
    // Re-run with the recorded seed even when its derivation failed, so the report also says
    // whether the teams follow from the seed actually used.
    let actual = match assign::assign(pool, &req.visits, &req.targets, &req.policy, &req.seed) {
        Ok(a) => a,
        Err(e) => {
            out.push(TeamMismatch::MatchFailed {
                error: e.to_string(),
            });
            return TeamVerification { mismatches: out };
        }
    };
    let recorded: BTreeMap<&str, &Team> =
        record.teams.iter().map(|t| (t.visit.as_str(), t)).collect();
    let recomputed: BTreeMap<&str, &Team> = actual
        .visits
        .iter()
        .map(|t| (t.visit.as_str(), t))
        .collect();
    let visits: BTreeSet<&str> = recorded.keys().chain(recomputed.keys()).copied().collect();
    for visit in visits {
        let (r, a) = (recorded.get(visit), recomputed.get(visit));
        if r != a {
            out.push(TeamMismatch::Team {
                visit: visit.to_owned(),
                recorded: r.map(|t| team_text(t)).unwrap_or_default(),
                actual: a.map(|t| team_text(t)).unwrap_or_default(),
            });
        }
    }
    let mut seen = BTreeSet::new();
    for t in &record.teams {
        if !seen.insert(t.visit.as_str()) {
            out.push(TeamMismatch::DuplicateTeam {
                visit: t.visit.clone(),
            });
        }
    }
    if out.is_empty() && record.teams != actual.visits {
        out.push(TeamMismatch::Order);
    }
    let inspectors: BTreeSet<&InspectorId> = record
        .workload
        .keys()
        .chain(actual.workload.keys())
        .collect();
    for p in inspectors {
        let (r, a) = (
            record.workload.get(p).copied().unwrap_or(0),
            actual.workload.get(p).copied().unwrap_or(0),
        );
        if r != a {
            out.push(TeamMismatch::Workload {
                inspector: p.clone(),
                recorded: r,
                actual: a,
            });
        }
    }
    TeamVerification { mismatches: out }
}

#[cfg(test)]
mod tests;
