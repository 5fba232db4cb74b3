//! Announcements: a task's entropy source committed to the log before its value exists.
//!
//! A seed derived from a lottery result cannot be known before the lottery is drawn, but a
//! department could still try several published values (this week's, last week's, another
//! game's) privately and log only the draw it likes. An `announce` entry closes that door: it
//! names the task, its member plans, the frozen pool and *where* the value will come from,
//! and is appended (and published) before the value is out. Every draw of the task must then
//! come from that pool and that source; a re-draw needs a new announcement, with a source
//! never announced for the task before, appended after the draw it replaces.

use crate::digest::{Digest, Encoder};
use crate::draw::DrawRequest;
use crate::ids::{PlanId, TaskId};
use crate::record::PoolSummary;
use crate::seed::{Seed, SeedOrigin};
use crate::target::FrozenPool;
use serde::{Deserialize, Serialize};

/// The `format` field of every announcement.
pub const ANNOUNCEMENT_FORMAT: &str = "shuangsuiji/draw-announcement";

/// Where the seed of a task's draws will come from, committed before it is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum SeedCommitment {
    /// The seed will be derived from a value that `source` publishes later
    /// ([`SeedOrigin::PublicEntropy`] with this `source`, verbatim).
    PublicEntropy {
        /// Where the value will be published, e.g. “中国福利彩票双色球 第2026136期”.
        source: String,
    },
    /// The seed is given (a witnessed hardware generator): the announcement holds
    /// [`SeedCommitment::of_given`] of it. Anyone who knows the seed can try draws in private,
    /// so a given seed is only as good as its witnesses; public entropy is better.
    Given {
        /// `SM3(str("shuangsuiji/seed-commitment/v1") ‖ seed)`.
        commitment: Digest,
    },
}

impl SeedCommitment {
    /// The commitment to a given seed: `SM3(str("shuangsuiji/seed-commitment/v1") ‖ seed)`.
    pub fn of_given(seed: &Seed) -> SeedCommitment {
        let mut e = Encoder::new("shuangsuiji/seed-commitment/v1");
        e.bytes(&seed.0);
        SeedCommitment::Given {
            commitment: e.finish(),
        }
    }

    /// The commitment a draw with this seed and origin keeps: the source of public entropy,
    /// or the commitment to a given seed. (For planning: the announcement is appended before
    /// the value exists, so a caller with public entropy names only the source.)
    pub fn of_origin(origin: &SeedOrigin, seed: &Seed) -> SeedCommitment {
        match origin {
            SeedOrigin::PublicEntropy { source, .. } => SeedCommitment::PublicEntropy {
                source: source.clone(),
            },
            SeedOrigin::Given => SeedCommitment::of_given(seed),
        }
    }

    /// Whether a draw's seed and origin keep this commitment.
    pub fn kept_by(&self, seed: &Seed, origin: &SeedOrigin) -> bool {
        match (self, origin) {
            (
                SeedCommitment::PublicEntropy { source },
                SeedOrigin::PublicEntropy { source: s, .. },
            ) => source == s,
            (SeedCommitment::Given { .. }, SeedOrigin::Given) => {
                &SeedCommitment::of_given(seed) == self
            }
            _ => false,
        }
    }

    /// The commitment as a person reads it.
    pub fn describe(&self) -> String {
        match self {
            SeedCommitment::PublicEntropy { source } => format!("public entropy from {source:?}"),
            SeedCommitment::Given { commitment } => {
                format!("a given seed committed as {commitment}")
            }
        }
    }
}

/// A task announced before its draw: pool, member plans and entropy source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawAnnouncement {
    /// [`ANNOUNCEMENT_FORMAT`].
    pub format: String,
    /// The task.
    pub task_id: TaskId,
    /// The member plans drawn for the task (each its own draw entry, with the task's one
    /// seed); empty for a task drawn as one, without a plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<PlanId>,
    /// The frozen pool every draw of the task is made from.
    pub pool: PoolSummary,
    /// Where the seed comes from.
    pub seed: SeedCommitment,
}

impl DrawAnnouncement {
    /// An announcement of a task drawn from `pool` with a seed from `seed`.
    pub fn new(
        task_id: TaskId,
        plans: Vec<PlanId>,
        pool: PoolSummary,
        seed: SeedCommitment,
    ) -> DrawAnnouncement {
        DrawAnnouncement {
            format: ANNOUNCEMENT_FORMAT.into(),
            task_id,
            plans,
            pool,
            seed,
        }
    }

    /// The announcement a single request keeps: its task and plan (if any), the pool, and
    /// its seed's source (public entropy) or commitment (a given seed). For a joint task,
    /// announce all member plans at once ([`crate::joint::JointTask::announcement`]).
    pub fn for_request(request: &DrawRequest, pool: &FrozenPool) -> DrawAnnouncement {
        DrawAnnouncement::new(
            request.task_id.clone(),
            request.plan.iter().cloned().collect(),
            PoolSummary {
                digest: pool.digest(),
                size: pool.len() as u64,
            },
            SeedCommitment::of_origin(&request.seed_origin, &request.seed),
        )
    }

    /// Compact JSON, as published and logged.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads an announcement (unknown fields are refused).
    pub fn from_json(text: &str) -> Result<DrawAnnouncement, serde_json::Error> {
        serde_json::from_str(text)
    }
}
