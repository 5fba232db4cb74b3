//! The draw: stratified sampling by lowest keys, order-independent and shardable.
//!
//! A draw has two passes, and so does every shard of a draw on a cluster:
//!
//! 1. **Census**: each entity is classified (out of scope, excluded by reason, or eligible in a
//!    stratum); the per-stratum eligible counts of all shards are added and the policy turns them
//!    into sample sizes ([`Allocation`]).
//! 2. **Selection**: each eligible entity's key is the keystream word at its canonical index
//!    ([`crate::keys`]); a stratum's sample is the `n` eligible entities with the lowest keys
//!    (ties, which need equal 64-bit keys, go to the lower index). With risk weights, the
//!    lowest `key / weight` after the take-all units (`docs/SAMPLING.md` §6).
//!
//! Because a key depends only on the seed and the canonical index, and the lowest `n` of a
//! union are among the lowest `n` of each part, shards drawn separately merge into exactly the
//! single-pool sample.
//!
//! How it is fast (none of this changes which entities are drawn): the census of a plain draw
//! only counts a dense byte column; the selection pass streams the keys and decides most
//! entities on the spot, against two thresholds a few standard deviations either side of the
//! expected cut-off: below the lower one an entity is certainly drawn (one bit in a bitmap),
//! above the upper one certainly not; only the thin band between them is kept and settled
//! exactly at the merge. If the band turns out to miss the cut-off (odds far below 10⁻¹⁰), the
//! merge says so and the selection is repeated with every eligible entity in the band.

mod history;
mod merge;
mod shard;

pub(crate) use merge::RatioCache;
pub use merge::{Pick, Sample};
pub use shard::{DrawPass, PoolShard, ShardCensus, ShardSample};

use crate::ids::{DeptId, ItemId, PlanId, TargetId, TaskId};
use crate::policy::{PolicyError, RecentBy, SamplingPolicy};
use crate::risk::{PerStratum, Stratum};
use crate::scope::Scope;
use crate::seed::{Seed, SeedOrigin};
use crate::target::FrozenPool;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Everything a draw depends on besides the frozen pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// The task the draw is for.
    pub task_id: TaskId,
    /// The member plan of a joint task this draw is for: each member plan of a task is drawn
    /// with the task's one seed (so the samples nest, see [`crate::joint::draw_task`]) and
    /// logged as its own entry. `None` for a task of one draw. Informative for the draw
    /// itself, which does not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanId>,
    /// The seed.
    pub seed: Seed,
    /// How the seed was obtained.
    #[serde(default)]
    pub seed_origin: SeedOrigin,
    /// The drawing (lead) department; needed by the same-department exclusion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DeptId>,
    /// The items to be checked; needed by the same-item exclusion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemId>,
    /// The draw date; needed by recent-inspection exclusions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The plan's population.
    #[serde(default)]
    pub scope: Scope,
    /// The sampling rule.
    pub policy: SamplingPolicy,
}

impl DrawRequest {
    /// A request over the whole pool with a given seed.
    pub fn new(task_id: TaskId, seed: Seed, policy: SamplingPolicy) -> DrawRequest {
        DrawRequest {
            task_id,
            plan: None,
            seed,
            seed_origin: SeedOrigin::Given,
            department: None,
            items: Vec::new(),
            date: None,
            scope: Scope::all(),
            policy,
        }
    }

    /// A request whose seed is derived from a public value (see [`Seed::from_public_entropy`]).
    pub fn with_public_entropy(
        task_id: TaskId,
        source: &str,
        value: &str,
        policy: SamplingPolicy,
    ) -> DrawRequest {
        let seed = Seed::from_public_entropy(source, value, &task_id);
        let mut r = DrawRequest::new(task_id, seed, policy);
        r.seed_origin = SeedOrigin::PublicEntropy {
            source: source.into(),
            value: value.into(),
        };
        r
    }

    /// Checks the request on its own, before any pool is read.
    pub fn validate(&self) -> Result<(), DrawError> {
        self.policy.validate()?;
        if let Some(derived) = self.seed_origin.derive(&self.task_id) {
            if derived != self.seed {
                return Err(DrawError::SeedMismatch { derived });
            }
        }
        for rule in &self.policy.exclusions.recent {
            if self.date.is_none() {
                return Err(DrawError::MissingContext(
                    "a recent-inspection exclusion needs the draw date",
                ));
            }
            match rule.by {
                RecentBy::SameDepartment if self.department.is_none() => {
                    return Err(DrawError::MissingContext(
                        "a same-department exclusion needs the drawing department",
                    ));
                }
                RecentBy::SameItem if self.items.is_empty() => {
                    return Err(DrawError::MissingContext(
                        "a same-item exclusion needs the task's items",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Why a draw could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// The policy cannot be applied.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The request lacks something its exclusions need.
    #[error("{0}")]
    MissingContext(&'static str),
    /// The seed is not the one its stated origin derives.
    #[error("the seed does not match its stated public-entropy origin, which derives {derived}")]
    SeedMismatch {
        /// The seed the origin derives.
        derived: Seed,
    },
    /// A weighted draw met an eligible target without a risk score.
    #[error("weighted draw: eligible target {id:?} (stratum {stratum}) has no risk_score")]
    MissingRiskScore {
        /// The target.
        id: TargetId,
        /// Its stratum.
        stratum: Stratum,
    },
    /// A recent-inspection exclusion would compare the request's department (or item) with a
    /// history entry whose department (or item) looks like it but is not it (same confusable
    /// skeleton, `docs/SAMPLING.md` §10): the entry's target would silently stay in the draw.
    #[error(
        "the request's {what} {requested:?} is not the history's {in_history:?} but looks like it (they differ at {}): target {target} was inspected under {in_history:?} on {date}, and a recent-inspection exclusion would not count it; write the {what} as the history does (docs/SAMPLING.md §10)",
        crate::pool::lookalike::first_difference(requested, in_history)
    )]
    LookAlikeInHistory {
        /// `"department"` or `"item"`.
        what: &'static str,
        /// The request's department or item.
        requested: String,
        /// The look-alike in the history.
        in_history: String,
        /// A target whose history holds it.
        target: TargetId,
        /// The date of that inspection.
        date: NaiveDate,
    },
    /// Shards given to a merge overlap or were drawn under another allocation.
    #[error("shards do not fit together: {0}")]
    Shards(String),
    /// The fast selection pass's band missed the cut-off; re-run the shards with
    /// [`DrawPass::Exhaustive`] (the single-call [`sample`] and [`crate::record::draw`] do this by themselves).
    #[error(
        "stratum {stratum}: the fast pass settled {certain} and kept {band} in its band for a sample of {needed}; re-run with DrawPass::Exhaustive"
    )]
    NeedsExhaustivePass {
        /// The stratum.
        stratum: Stratum,
        /// Entities certainly drawn (below the band).
        certain: u64,
        /// Entities in the band.
        band: u64,
        /// Sample size.
        needed: u64,
    },
}

/// Entities left out of a draw, by reason (each counted once, under the first reason that applies
/// in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionCounts {
    /// Not active (deregistered, revoked, moved out).
    pub not_active: u64,
    /// On the positive list.
    pub positive_list: u64,
    /// Inspected within a recent-inspection window.
    pub recently_inspected: u64,
}

impl ExclusionCounts {
    /// All exclusions. Saturates at `u64::MAX` instead of wrapping: a real draw's counts are
    /// bounded by its pool, but a record read from JSON can hold any (it then fails to
    /// verify).
    pub fn total(&self) -> u64 {
        self.not_active
            .saturating_add(self.positive_list)
            .saturating_add(self.recently_inspected)
    }
}

/// The result of the census pass: who is in the draw's population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Census {
    /// Entities examined (the pool, or the shard).
    pub population: u64,
    /// Entities outside the scope.
    pub out_of_scope: u64,
    /// Entities in scope but excluded.
    pub excluded: ExclusionCounts,
    /// Eligible entities per stratum.
    pub eligible: PerStratum<u64>,
}

impl Census {
    /// Adds the census of another shard. Counts saturate at `u64::MAX` instead of wrapping:
    /// the shards of one pool never come near, and a census that does (made up, or of shards
    /// of different pools) is refused further on, by [`SamplingPolicy::allocate`] (eligible
    /// counts must sum below 2⁶⁴) or by the merge (which recounts the shards' eligible
    /// entities).
    pub fn add(&mut self, other: &Census) {
        let add = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        add(&mut self.population, other.population);
        add(&mut self.out_of_scope, other.out_of_scope);
        add(&mut self.excluded.not_active, other.excluded.not_active);
        add(
            &mut self.excluded.positive_list,
            other.excluded.positive_list,
        );
        add(
            &mut self.excluded.recently_inspected,
            other.excluded.recently_inspected,
        );
        for s in Stratum::ALL {
            add(self.eligible.get_mut(s), *other.eligible.get(s));
        }
    }
}

/// Eligible counts and sample sizes per stratum: what the selection pass needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Eligible entities per stratum, over the whole pool.
    pub eligible: PerStratum<u64>,
    /// Sample size per stratum.
    pub size: PerStratum<u64>,
}

impl Allocation {
    /// Applies a request's policy to a (merged) census.
    pub fn new(request: &DrawRequest, census: &Census) -> Result<Allocation, DrawError> {
        let size = request.policy.allocate(&census.eligible)?;
        Ok(Allocation {
            eligible: census.eligible,
            size,
        })
    }
}

/// Draws a sample from a frozen pool, using every core (the result never depends on how many).
pub fn sample(pool: &FrozenPool, request: &DrawRequest) -> Result<(Census, Sample), DrawError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // Below this size a second thread costs more than it saves.
    let threads = if pool.len() < 200_000 { 1 } else { threads };
    sample_sharded(&pool.shards(threads), request)
}

/// Draws from shards in parallel (one thread per shard) and merges; repeats the selection with
/// [`DrawPass::Exhaustive`] if the fast pass's band missed the cut-off.
pub fn sample_sharded(
    shards: &[PoolShard<'_>],
    request: &DrawRequest,
) -> Result<(Census, Sample), DrawError> {
    sample_sharded_with_margin(shards, request, shard::MARGIN)
}

pub(crate) fn sample_sharded_with_margin(
    shards: &[PoolShard<'_>],
    request: &DrawRequest,
    margin: f64,
) -> Result<(Census, Sample), DrawError> {
    request.validate()?;
    let censuses = parallel(shards, |_, s| s.census(request))?;
    let mut census = Census::default();
    for c in &censuses {
        census.add(&c.census);
    }
    let allocation = Allocation::new(request, &census)?;
    let run = |pass| {
        let parts = parallel(shards, |i, s| {
            s.draw_with_margin(request, &censuses[i], &allocation, pass, margin)
        })?;
        Sample::merge(request, &allocation, parts)
    };
    let sample = match run(DrawPass::Fast) {
        Err(DrawError::NeedsExhaustivePass { .. }) => run(DrawPass::Exhaustive)?,
        other => other?,
    };
    Ok((census, sample))
}

/// Runs `f` on every shard, one scoped thread each (in place when there is only one).
fn parallel<T: Send>(
    shards: &[PoolShard<'_>],
    f: impl Fn(usize, &PoolShard<'_>) -> Result<T, DrawError> + Sync,
) -> Result<Vec<T>, DrawError> {
    if shards.len() <= 1 {
        return shards.iter().enumerate().map(|(i, s)| f(i, s)).collect();
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(i, s)| scope.spawn(move || f(i, s)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TargetId;
    use crate::policy::Ratio;
    use crate::risk::RiskGrade;
    use crate::target::{Target, TargetPool};

    fn pool(n: u32) -> FrozenPool {
        let grades = [
            Some(RiskGrade::A),
            Some(RiskGrade::B),
            Some(RiskGrade::C),
            Some(RiskGrade::D),
        ];
        TargetPool::from_entries((0..n).map(|i| {
            let mut t = Target::new(TargetId::new(format!("X{i:07}")).unwrap());
            t.grade = grades[(i % 4) as usize];
            t
        }))
        .unwrap()
        .into_frozen()
    }

    fn request() -> DrawRequest {
        let r = |s: &str| s.parse::<Ratio>().unwrap();
        let policy = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
        DrawRequest::new(TaskId::new("t").unwrap(), Seed([5; 32]), policy)
    }

    #[test]
    fn a_band_that_misses_falls_back_to_the_same_sample() {
        let pool = pool(20_000);
        let req = request();
        let normal = sample_sharded(&pool.shards(3), &req).unwrap();
        // A negative margin turns the band inside out: too many entities are settled as drawn.
        // The merge must notice, and the exhaustive pass must give the identical sample.
        let shards = pool.shards(3);
        let censuses: Vec<_> = shards.iter().map(|s| s.census(&req).unwrap()).collect();
        let mut census = Census::default();
        censuses.iter().for_each(|c| census.add(&c.census));
        let alloc = Allocation::new(&req, &census).unwrap();
        for margin in [-30.0, 0.0] {
            let parts = shards
                .iter()
                .zip(&censuses)
                .map(|(s, c)| {
                    s.draw_with_margin(&req, c, &alloc, DrawPass::Fast, margin)
                        .unwrap()
                })
                .collect();
            assert!(
                matches!(
                    Sample::merge(&req, &alloc, parts),
                    Err(DrawError::NeedsExhaustivePass { .. })
                ),
                "margin {margin}"
            );
            let fallback = sample_sharded_with_margin(&shards, &req, margin).unwrap();
            assert_eq!(normal, fallback);
        }
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let huge = ExclusionCounts {
            not_active: u64::MAX - 1,
            positive_list: 5,
            recently_inspected: 1,
        };
        assert_eq!(huge.total(), u64::MAX);
        assert_eq!(
            ExclusionCounts {
                not_active: 1,
                positive_list: 2,
                recently_inspected: 3
            }
            .total(),
            6
        );
        let mut census = Census {
            population: u64::MAX,
            out_of_scope: 1,
            excluded: huge,
            eligible: PerStratum::from_fn(|_| u64::MAX - 2),
        };
        census.add(&census.clone());
        assert_eq!(census.population, u64::MAX);
        assert_eq!(census.out_of_scope, 2);
        assert_eq!(census.excluded.recently_inspected, 2);
        assert_eq!(census.excluded.total(), u64::MAX);
        assert_eq!(census.eligible, PerStratum::from_fn(|_| u64::MAX));
        // Such counts cannot be allocated.
        assert!(matches!(
            Allocation::new(&request(), &census),
            Err(DrawError::Policy(PolicyError::EligibleOverflow { .. }))
        ));
    }

    #[test]
    fn the_band_is_thin() {
        // The speed of a national draw rests on this: a 5% stratum of 10⁶ settles all but a
        // band of about 0.36% of its entities.
        let n = 1_000_000u64;
        let (lo, hi) = shard::band_edges(n / 20, n, 8.0);
        let frac = |k: u64| k as f64 / 18_446_744_073_709_551_616.0;
        assert!(frac(lo) > 0.048 && frac(lo) < 0.05, "{}", frac(lo));
        assert!(frac(hi) > 0.05 && frac(hi) < 0.052, "{}", frac(hi));
        assert_eq!(shard::band_edges(90, 100, 8.0).1, u64::MAX);
        assert_eq!(shard::band_edges(3, 100, 8.0).0, 0);
    }
}
