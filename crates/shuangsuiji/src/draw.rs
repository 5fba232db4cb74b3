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

use crate::ids::{DeptId, ItemId, TargetId, TaskId};
use crate::keys::{KeyCursor, TARGET_STREAM};
use crate::policy::{PolicyError, RecentBy, SamplingPolicy, Weighting};
use crate::risk::{PerStratum, Stratum};
use crate::scope::Scope;
use crate::seed::{Seed, SeedOrigin};
use crate::target::{
    CLASS_HISTORY, CLASS_INACTIVE, CLASS_POSITIVE, CLASS_STRATUM_MASK, FrozenPool, Target,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Everything a draw depends on besides the frozen pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// The task the draw is for.
    pub task_id: TaskId,
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
    /// Shards given to a merge overlap or were drawn under another allocation.
    #[error("shards do not fit together: {0}")]
    Shards(String),
    /// A fast selection pass kept too few candidates; re-run the shards with
    /// [`DrawPass::Exhaustive`] (the single-call [`sample`] and [`crate::record::draw`] do this by themselves).
    #[error(
        "stratum {stratum}: the fast pass kept {found} candidates for a sample of {needed}; re-run with DrawPass::Exhaustive"
    )]
    NeedsExhaustivePass {
        /// The stratum.
        stratum: Stratum,
        /// Candidates kept.
        found: u64,
        /// Sample size.
        needed: u64,
    },
}

/// Entities left out of a draw, by reason (each counted once, under the first reason that applies
/// in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct ExclusionCounts {
    /// Not active (deregistered, revoked, moved out).
    pub not_active: u64,
    /// On the positive list.
    pub positive_list: u64,
    /// Inspected within a recent-inspection window.
    pub recently_inspected: u64,
}

impl ExclusionCounts {
    /// All exclusions.
    pub fn total(&self) -> u64 {
        self.not_active + self.positive_list + self.recently_inspected
    }
}

/// The result of the census pass: who is in the draw's population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
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
    /// Adds the census of another shard.
    pub fn add(&mut self, other: &Census) {
        self.population += other.population;
        self.out_of_scope += other.out_of_scope;
        self.excluded.not_active += other.excluded.not_active;
        self.excluded.positive_list += other.excluded.positive_list;
        self.excluded.recently_inspected += other.excluded.recently_inspected;
        for s in Stratum::ALL {
            *self.eligible.get_mut(s) += other.eligible.get(s);
        }
    }
}

/// Eligible counts and sample sizes per stratum: what the selection pass needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

// Entity codes of the census: 0–4 a stratum, then the reasons for leaving an entity out.
const OUT_OF_SCOPE: u8 = 5;
const NOT_ACTIVE: u8 = 6;
const POSITIVE_LIST: u8 = 7;
const RECENT: u8 = 8;
const CHECK_HISTORY: u8 = 255;

/// A contiguous range of a frozen pool's canonical order, drawn on its own.
#[derive(Debug, Clone, Copy)]
pub struct PoolShard<'a> {
    first: u64,
    targets: &'a [Target],
    classes: &'a [u8],
}

impl FrozenPool {
    /// The shard holding canonical indices `range` (clamped to the pool).
    pub fn shard(&self, range: Range<usize>) -> PoolShard<'_> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        PoolShard {
            first: start as u64,
            targets: &self.entries()[start..end],
            classes: &self.classes()[start..end],
        }
    }

    /// The pool cut into `n` contiguous shards of nearly equal size (at least one shard).
    pub fn shards(&self, n: usize) -> Vec<PoolShard<'_>> {
        let n = n.max(1);
        let len = self.len();
        (0..n)
            .map(|i| self.shard(len * i / n..len * (i + 1) / n))
            .collect()
    }
}

/// The census of one shard, kept for its selection pass.
#[derive(Debug, Clone)]
pub struct ShardCensus {
    first: u64,
    codes: Vec<u8>,
    /// The shard's counts.
    pub census: Census,
}

/// How the selection pass bounds its candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawPass {
    /// Keep only keys below a threshold set well above the expected cut-off (the usual case);
    /// the merge reports [`DrawError::NeedsExhaustivePass`] in the astronomically rare case it
    /// was not enough, never a different sample.
    Fast,
    /// Keep every eligible entity as a candidate.
    Exhaustive,
}

/// One stratum's candidates from one shard, in canonical order.
#[derive(Debug, Clone, Default)]
struct Candidates {
    index: Vec<u64>,
    key: Vec<u64>,
    weight: Vec<u32>,
}

/// The candidates of one shard.
#[derive(Debug, Clone)]
pub struct ShardSample {
    first: u64,
    end: u64,
    eligible: PerStratum<u64>,
    thresholds: PerStratum<u64>,
    strata: PerStratum<Candidates>,
}

impl<'a> PoolShard<'a> {
    /// The first canonical index in the shard.
    pub fn first_index(&self) -> u64 {
        self.first
    }

    /// The number of entities in the shard.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether the shard is empty.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Pass 1: classifies every entity of the shard.
    pub fn census(&self, request: &DrawRequest) -> Result<ShardCensus, DrawError> {
        request.validate()?;
        let excl = &request.policy.exclusions;
        let weighted = request.policy.weighting == Weighting::RiskScore;
        // Most entities are classified from their class byte alone; targets are read only when
        // the scope, a recent-inspection rule or a risk weight needs them.
        let mut table = [0u8; 64];
        for (c, slot) in table.iter_mut().enumerate() {
            let c = c as u8;
            *slot = if excl.inactive && c & CLASS_INACTIVE != 0 {
                NOT_ACTIVE
            } else if excl.positive_list && c & CLASS_POSITIVE != 0 {
                POSITIVE_LIST
            } else if !excl.recent.is_empty() && c & CLASS_HISTORY != 0 {
                CHECK_HISTORY
            } else {
                c & CLASS_STRATUM_MASK
            };
        }
        let scope_all = request.scope.is_all();
        let mut codes = Vec::with_capacity(self.targets.len());
        let mut census = Census {
            population: self.targets.len() as u64,
            ..Census::default()
        };
        let mut counts = [0u64; 9];
        for (t, &class) in self.targets.iter().zip(self.classes) {
            let mut code = if scope_all || request.scope.matches(t) {
                table[usize::from(class & 0x3f)]
            } else {
                OUT_OF_SCOPE
            };
            if code == CHECK_HISTORY {
                code = if recently_inspected(t, request) {
                    RECENT
                } else {
                    class & CLASS_STRATUM_MASK
                };
            }
            if weighted && code < OUT_OF_SCOPE && t.risk_score.is_none() {
                return Err(DrawError::MissingRiskScore {
                    id: t.id.clone(),
                    stratum: t.stratum(),
                });
            }
            counts[usize::from(code)] += 1;
            codes.push(code);
        }
        for s in Stratum::ALL {
            *census.eligible.get_mut(s) = counts[s.index()];
        }
        census.out_of_scope = counts[usize::from(OUT_OF_SCOPE)];
        census.excluded = ExclusionCounts {
            not_active: counts[usize::from(NOT_ACTIVE)],
            positive_list: counts[usize::from(POSITIVE_LIST)],
            recently_inspected: counts[usize::from(RECENT)],
        };
        Ok(ShardCensus {
            first: self.first,
            codes,
            census,
        })
    }

    /// Pass 2: the shard's candidates for the merged allocation.
    pub fn draw(
        &self,
        request: &DrawRequest,
        census: &ShardCensus,
        allocation: &Allocation,
        pass: DrawPass,
    ) -> Result<ShardSample, DrawError> {
        self.draw_with_margin(request, census, allocation, pass, 8.0)
    }

    /// `margin` is the number of standard deviations the fast threshold lies above the
    /// expected cut-off; tests lower it to exercise the exhaustive fallback.
    pub(crate) fn draw_with_margin(
        &self,
        request: &DrawRequest,
        census: &ShardCensus,
        allocation: &Allocation,
        pass: DrawPass,
        margin: f64,
    ) -> Result<ShardSample, DrawError> {
        if census.first != self.first || census.codes.len() != self.targets.len() {
            return Err(DrawError::Shards(
                "the census was taken on another shard".into(),
            ));
        }
        let weighted = request.policy.weighting == Weighting::RiskScore;
        let thresholds = PerStratum::from_fn(|s| {
            let (n, size) = (*allocation.eligible.get(s), *allocation.size.get(s));
            if size == 0 {
                0
            } else if weighted || pass == DrawPass::Exhaustive || size >= n {
                u64::MAX
            } else {
                fast_threshold(size, n, margin)
            }
        });
        let thr = [
            thresholds.a,
            thresholds.b,
            thresholds.c,
            thresholds.d,
            thresholds.ungraded,
        ];
        let wanted = [
            *allocation.size.get(Stratum::A) > 0,
            *allocation.size.get(Stratum::B) > 0,
            *allocation.size.get(Stratum::C) > 0,
            *allocation.size.get(Stratum::D) > 0,
            *allocation.size.get(Stratum::Ungraded) > 0,
        ];
        let mut cands: [Candidates; 5] = Default::default();
        let mut keys = KeyCursor::new(&request.seed, TARGET_STREAM, self.first);
        for (i, &code) in census.codes.iter().enumerate() {
            let key = keys.next_key();
            let c = usize::from(code);
            if c < 5 && wanted[c] && key <= thr[c] {
                let cand = &mut cands[c];
                cand.index.push(self.first + i as u64);
                cand.key.push(key);
                if weighted {
                    cand.weight.push(self.targets[i].risk_score.unwrap_or(1));
                }
            }
        }
        let [a, b, c, d, ungraded] = cands;
        Ok(ShardSample {
            first: self.first,
            end: self.first + self.targets.len() as u64,
            eligible: census.census.eligible,
            thresholds,
            strata: PerStratum {
                a,
                b,
                c,
                d,
                ungraded,
            },
        })
    }
}

/// A threshold on 64-bit keys that the `size`-th lowest of `n` uniform keys stays below except
/// with negligible probability (`margin` standard deviations, plus slack for small strata).
/// Only speed depends on it: a too-low threshold is detected by the merge.
fn fast_threshold(size: u64, n: u64, margin: f64) -> u64 {
    let size_f = size as f64;
    let frac = (size_f + margin * size_f.sqrt() + 2.0 * margin) / n as f64;
    if frac >= 1.0 {
        u64::MAX
    } else {
        (frac * 18_446_744_073_709_551_616.0) as u64
    }
}

fn recently_inspected(t: &Target, request: &DrawRequest) -> bool {
    let Some(day) = request.date else {
        return false;
    };
    request.policy.exclusions.recent.iter().any(|rule| {
        t.history.iter().any(|h| {
            let age = (day - h.date).num_days();
            (0..i64::from(rule.within_days)).contains(&age)
                && match rule.by {
                    RecentBy::SameDepartment => request.department.as_ref() == Some(&h.department),
                    RecentBy::SameItem => {
                        h.item.as_ref().is_some_and(|i| request.items.contains(i))
                    }
                }
        })
    })
}

/// One drawn entity: its canonical index and its inclusion probability `num / den` (exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pick {
    /// Canonical index in the frozen pool.
    pub index: u64,
    /// Numerator of the inclusion probability.
    pub num: u64,
    /// Denominator of the inclusion probability.
    pub den: u64,
}

impl Pick {
    /// The inclusion probability as the nearest double (`num` and `den` are below 2⁵³, so
    /// this is one correctly rounded division in every language).
    pub fn inclusion_probability(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The design weight `den / num`, likewise correctly rounded.
    pub fn design_weight(&self) -> f64 {
        self.den as f64 / self.num as f64
    }
}

/// A finished sample: per stratum, the picks in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Allocation the sample realises.
    pub allocation: Allocation,
    /// Picks per stratum, in canonical order.
    pub strata: PerStratum<Vec<Pick>>,
}

impl Sample {
    /// Merges the candidates of all shards of a pool (in any order) into the sample.
    pub fn merge(
        request: &DrawRequest,
        allocation: &Allocation,
        mut parts: Vec<ShardSample>,
    ) -> Result<Sample, DrawError> {
        parts.sort_by_key(|p| (p.first, p.end));
        for w in parts.windows(2) {
            if w[0].end > w[1].first {
                return Err(DrawError::Shards(format!(
                    "shards overlap at canonical index {}",
                    w[1].first
                )));
            }
        }
        for s in Stratum::ALL {
            let held: u64 = parts.iter().map(|p| *p.eligible.get(s)).sum();
            if held != *allocation.eligible.get(s) {
                return Err(DrawError::Shards(format!(
                    "stratum {s}: the allocation counts {} eligible entities but the shards hold {held}",
                    allocation.eligible.get(s)
                )));
            }
        }
        let weighted = request.policy.weighting == Weighting::RiskScore;
        let mut pooled: Vec<(Stratum, Candidates)> = Vec::new();
        for s in Stratum::ALL {
            let (n, size) = (*allocation.eligible.get(s), *allocation.size.get(s));
            if size == 0 {
                continue;
            }
            let threshold = parts.first().map_or(u64::MAX, |p| *p.thresholds.get(s));
            let mut all = Candidates::default();
            for p in &mut parts {
                if *p.thresholds.get(s) != threshold {
                    return Err(DrawError::Shards(
                        "shards were drawn for different allocations or passes".into(),
                    ));
                }
                let c = std::mem::take(p.strata.get_mut(s));
                if all.index.is_empty() {
                    all = c;
                } else {
                    all.index.extend(c.index);
                    all.key.extend(c.key);
                    all.weight.extend(c.weight);
                }
            }
            let found = all.index.len() as u64;
            if found < size || (threshold == u64::MAX && found != n) {
                if threshold != u64::MAX {
                    return Err(DrawError::NeedsExhaustivePass {
                        stratum: s,
                        found,
                        needed: size,
                    });
                }
                return Err(DrawError::Shards(format!(
                    "stratum {s}: the census counted {n} eligible entities but the shards hold {found}"
                )));
            }
            pooled.push((s, all));
        }
        let select = |(s, all): &(Stratum, Candidates)| {
            let (n, size) = (*allocation.eligible.get(*s), *allocation.size.get(*s));
            let picks = if weighted {
                select_weighted(all, size)
            } else {
                select_lowest(all, size, n)
            };
            (*s, picks)
        };
        // Strata are independent: large ones are selected on their own threads.
        let big = pooled
            .iter()
            .filter(|(_, c)| c.index.len() > 100_000)
            .count();
        let selected: Vec<(Stratum, Vec<Pick>)> = if big >= 2 {
            std::thread::scope(|scope| {
                let handles: Vec<_> = pooled
                    .iter()
                    .map(|p| scope.spawn(move || select(p)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        } else {
            pooled.iter().map(select).collect()
        };
        let mut strata: PerStratum<Vec<Pick>> = PerStratum::default();
        for (s, picks) in selected {
            *strata.get_mut(s) = picks;
        }
        Ok(Sample {
            allocation: *allocation,
            strata,
        })
    }

    /// All picks in canonical order, with their strata (a merge of the sorted strata).
    pub fn picks(&self) -> Vec<(Stratum, Pick)> {
        let mut heads = [0usize; Stratum::COUNT];
        let mut out = Vec::with_capacity(self.len());
        loop {
            let next = Stratum::ALL
                .into_iter()
                .filter_map(|s| self.strata.get(s).get(heads[s.index()]).map(|p| (s, *p)))
                .min_by_key(|(_, p)| p.index);
            let Some((s, p)) = next else { break };
            heads[s.index()] += 1;
            out.push((s, p));
        }
        out
    }

    /// The number of entities drawn.
    pub fn len(&self) -> usize {
        self.strata.iter().map(|(_, p)| p.len()).sum()
    }

    /// Whether nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `size` candidates with the lowest (key, index), kept in canonical order.
fn select_lowest(c: &Candidates, size: u64, n: u64) -> Vec<Pick> {
    let pick = |index| Pick {
        index,
        num: size,
        den: n,
    };
    let size_us = usize::try_from(size).unwrap_or(usize::MAX);
    if size_us >= c.index.len() {
        return c.index.iter().map(|&i| pick(i)).collect();
    }
    let (cut, below) = nth_lowest_key(&c.key, size_us);
    // Keys equal to the cut-off (a 64-bit collision) are taken in index order, which is the
    // order of the candidates: the same as ordering by (key, index).
    let mut equal_left = size_us - below;
    let mut out = Vec::with_capacity(size_us);
    for (&k, &i) in c.key.iter().zip(&c.index) {
        if k < cut {
            out.push(pick(i));
        } else if k == cut && equal_left > 0 {
            equal_left -= 1;
            out.push(pick(i));
        }
    }
    out
}

/// The `rank`-th lowest key (1-based) and how many keys lie strictly below it.
///
/// A radix select: one histogram pass over the top 16 significant bits, then an exact
/// selection inside the one bucket that holds the answer. Candidate keys are nearly uniform,
/// so that bucket is tiny; any distribution still gives the exact answer.
fn nth_lowest_key(keys: &[u64], rank: usize) -> (u64, usize) {
    let max = keys.iter().copied().max().unwrap_or(0);
    let shift = (64 - max.leading_zeros()).saturating_sub(16);
    let mut hist = vec![0usize; (max >> shift) as usize + 1];
    for &k in keys {
        hist[(k >> shift) as usize] += 1;
    }
    let mut before = 0;
    let mut bucket = 0;
    for (b, &count) in hist.iter().enumerate() {
        if before + count >= rank {
            bucket = b as u64;
            break;
        }
        before += count;
    }
    let mut inside: Vec<u64> = keys
        .iter()
        .copied()
        .filter(|&k| k >> shift == bucket)
        .collect();
    let (_, &mut cut, _) = inside.select_nth_unstable(rank - before - 1);
    let below = before + inside.iter().filter(|&&k| k < cut).count();
    (cut, below)
}

/// Sequential Poisson sampling with take-all units (`docs/SAMPLING.md` §6).
fn select_weighted(c: &Candidates, size: u64) -> Vec<Pick> {
    let len = c.index.len();
    let mut certain = vec![false; len];
    let mut k = size.min(len as u64);
    let mut total: u64 = c.weight.iter().map(|&w| u64::from(w)).sum();
    // A unit whose target probability k·w/total reaches 1 is taken with certainty; repeat
    // until none does, so that every probability below is under 1.
    loop {
        if k == 0 {
            break;
        }
        let mut changed = false;
        let mut removed_k = 0;
        let mut removed_w = 0;
        for (flag, &w) in certain.iter_mut().zip(&c.weight) {
            let w = u64::from(w);
            if !*flag && u128::from(k) * u128::from(w) >= u128::from(total) {
                *flag = true;
                removed_k += 1;
                removed_w += w;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        k = k.saturating_sub(removed_k);
        total -= removed_w;
    }
    let mut rest: Vec<usize> = (0..len).filter(|&j| !certain[j]).collect();
    let k_us = usize::try_from(k).unwrap_or(usize::MAX).min(rest.len());
    let mut chosen = vec![false; len];
    if k_us > 0 {
        // Lowest key/weight first: key_i·w_j < key_j·w_i, exact in 128 bits; ties by index.
        let cmp = |&a: &usize, &b: &usize| {
            (u128::from(c.key[a]) * u128::from(c.weight[b]))
                .cmp(&(u128::from(c.key[b]) * u128::from(c.weight[a])))
                .then(c.index[a].cmp(&c.index[b]))
        };
        rest.select_nth_unstable_by(k_us - 1, cmp);
        for &j in &rest[..k_us] {
            chosen[j] = true;
        }
    }
    (0..len)
        .filter_map(|j| {
            let w = u64::from(c.weight[j]);
            if certain[j] {
                Some(Pick {
                    index: c.index[j],
                    num: 1,
                    den: 1,
                })
            } else if chosen[j] {
                Some(Pick {
                    index: c.index[j],
                    num: k * w,
                    den: total,
                })
            } else {
                None
            }
        })
        .collect()
}

/// Draws a sample from a frozen pool, using every core (the result never depends on how many).
pub fn sample(pool: &FrozenPool, request: &DrawRequest) -> Result<(Census, Sample), DrawError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // Below this size threads cost more than they save.
    let threads = if pool.len() < 200_000 { 1 } else { threads };
    sample_sharded(&pool.shards(threads), request)
}

/// Draws from shards in parallel (one thread per shard) and merges; falls back to the
/// exhaustive pass if the fast one kept too few candidates.
pub fn sample_sharded(
    shards: &[PoolShard<'_>],
    request: &DrawRequest,
) -> Result<(Census, Sample), DrawError> {
    sample_sharded_with_margin(shards, request, 8.0)
}

pub(crate) fn sample_sharded_with_margin(
    shards: &[PoolShard<'_>],
    request: &DrawRequest,
    margin: f64,
) -> Result<(Census, Sample), DrawError> {
    request.validate()?;
    let censuses = parallel(shards, |s| s.census(request))?;
    let mut census = Census::default();
    for c in &censuses {
        census.add(&c.census);
    }
    let allocation = Allocation::new(request, &census)?;
    let run = |pass| {
        let parts = parallel_zip(shards, &censuses, |s, c| {
            s.draw_with_margin(request, c, &allocation, pass, margin)
        })?;
        Sample::merge(request, &allocation, parts)
    };
    let sample = match run(DrawPass::Fast) {
        Err(DrawError::NeedsExhaustivePass { .. }) => run(DrawPass::Exhaustive)?,
        other => other?,
    };
    Ok((census, sample))
}

fn parallel<T: Send>(
    shards: &[PoolShard<'_>],
    f: impl Fn(&PoolShard<'_>) -> Result<T, DrawError> + Sync,
) -> Result<Vec<T>, DrawError> {
    if shards.len() <= 1 {
        return shards.iter().map(f).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = shards.iter().map(|s| scope.spawn(|| f(s))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

fn parallel_zip<T: Send>(
    shards: &[PoolShard<'_>],
    censuses: &[ShardCensus],
    f: impl Fn(&PoolShard<'_>, &ShardCensus) -> Result<T, DrawError> + Sync,
) -> Result<Vec<T>, DrawError> {
    if shards.len() <= 1 {
        return shards.iter().zip(censuses).map(|(s, c)| f(s, c)).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = shards
            .iter()
            .zip(censuses)
            .map(|(s, c)| scope.spawn(|| f(s, c)))
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
    use crate::policy::Ratio;
    use crate::risk::RiskGrade;
    use crate::target::TargetPool;

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
    fn a_too_tight_threshold_falls_back_to_the_same_sample() {
        let pool = pool(20_000);
        let req = request();
        let normal = sample_sharded(&pool.shards(3), &req).unwrap();
        // A negative margin puts the threshold below the expected cut-off: the fast pass must
        // be detected as short, and the exhaustive pass must give the identical sample.
        let shards = pool.shards(3);
        let censuses: Vec<_> = shards.iter().map(|s| s.census(&req).unwrap()).collect();
        let mut census = Census::default();
        censuses.iter().for_each(|c| census.add(&c.census));
        let alloc = Allocation::new(&req, &census).unwrap();
        let parts = shards
            .iter()
            .zip(&censuses)
            .map(|(s, c)| {
                s.draw_with_margin(&req, c, &alloc, DrawPass::Fast, -30.0)
                    .unwrap()
            })
            .collect();
        assert!(matches!(
            Sample::merge(&req, &alloc, parts),
            Err(DrawError::NeedsExhaustivePass { .. })
        ));
        let tight = sample_sharded_with_margin(&shards, &req, -30.0).unwrap();
        assert_eq!(normal, tight);
    }

    #[test]
    fn the_fast_threshold_keeps_few_candidates() {
        // The speed of a national draw rests on this: a 5% stratum keeps little more than 5%.
        let n = 1_000_000u64;
        let t = fast_threshold(n / 20, n, 8.0);
        let kept = t as f64 / 18_446_744_073_709_551_616.0;
        assert!(kept > 0.05 && kept < 0.052, "{kept}");
        assert_eq!(fast_threshold(90, 100, 8.0), u64::MAX);
    }
}
