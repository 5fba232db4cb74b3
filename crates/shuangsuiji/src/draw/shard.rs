//! The two passes of one shard: census and selection.

use super::history::HistoryNames;
use super::merge::BitIter;
use super::{Allocation, Census, DrawError, DrawRequest, ExclusionCounts};
use crate::keys::{KeyStream, TARGET_STREAM};
use crate::policy::{RecentBy, Weighting};
use crate::pool::CLASS_BLOCK;
use crate::risk::{PerStratum, Stratum};
use crate::seed::Seed;
use crate::target::{
    CLASS_HISTORY, CLASS_INACTIVE, CLASS_POSITIVE, CLASS_STRATUM_MASK, FrozenPool, Inspection,
};
use std::ops::Range;

/// Standard deviations between the expected cut-off and each edge of the fast pass's band.
pub(crate) const MARGIN: f64 = 8.0;

// Entity codes of the census: 0–4 a stratum, then the reasons for leaving an entity out.
const OUT_OF_SCOPE: u8 = 5;
const NOT_ACTIVE: u8 = 6;
const POSITIVE_LIST: u8 = 7;
const RECENT: u8 = 8;
const CODES: usize = 9;
const CHECK_HISTORY: u8 = 255;

/// A contiguous range of a frozen pool's canonical order, drawn on its own.
#[derive(Debug, Clone, Copy)]
pub struct PoolShard<'a> {
    first: u64,
    pool: &'a FrozenPool,
    classes: &'a [u8],
    /// The whole pool's class counts per block (see [`CLASS_BLOCK`]).
    class_blocks: &'a [[u32; 64]],
}

impl FrozenPool {
    /// The shard holding canonical indices `range` (clamped to the pool).
    pub fn shard(&self, range: Range<usize>) -> PoolShard<'_> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        PoolShard {
            first: start as u64,
            pool: self,
            classes: &self.classes()[start..end],
            class_blocks: self.class_blocks(),
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
    len: usize,
    /// Class byte → entity code, for entities the class alone decides.
    table: [u8; 64],
    /// Per-entity codes, only when the class alone does not decide (a scope, a recent rule).
    codes: Option<Vec<u8>>,
    /// The shard's counts.
    pub census: Census,
}

/// How the selection pass bounds its band of undecided entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawPass {
    /// A band a few standard deviations either side of the expected cut-off (the usual case);
    /// the merge reports [`DrawError::NeedsExhaustivePass`] in the astronomically rare case that
    /// it missed the cut-off, never a different sample.
    Fast,
    /// Every eligible entity is in the band.
    Exhaustive,
}

/// The undecided entities of one stratum: keys between the band's edges, in canonical order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Band {
    pub(super) key: Vec<u64>,
    pub(super) index: Vec<u64>,
    pub(super) weight: Vec<u32>,
}

impl Band {
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }

    pub(super) fn append(&mut self, other: Band) {
        if self.index.is_empty() {
            *self = other;
        } else {
            self.key.extend(other.key);
            self.index.extend(other.index);
            self.weight.extend(other.weight);
        }
    }
}

/// The result of one shard's selection pass.
#[derive(Debug, Clone)]
pub struct ShardSample {
    /// The seed the keys came from, so that a merge refuses parts of another draw.
    pub(super) seed: Seed,
    pub(super) first: u64,
    pub(super) len: u64,
    pub(super) eligible: PerStratum<u64>,
    /// The band edges `(lo, hi)` per stratum: keys below `lo` are certainly drawn, keys in
    /// `lo..=hi` are in the band, keys above `hi` are certainly not drawn.
    pub(super) edges: [(u64, u64); 5],
    /// Bit `j` set: the entity at `first + j` is certainly drawn.
    pub(super) bits: Vec<u64>,
    /// Entities certainly drawn, per stratum.
    pub(super) certain: [u64; 5],
    pub(super) bands: [Band; 5],
}

impl PoolShard<'_> {
    /// The first canonical index in the shard.
    pub fn first_index(&self) -> u64 {
        self.first
    }

    /// The number of entities in the shard.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// Whether the shard is empty.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// Pass 1: classifies every entity of the shard.
    pub fn census(&self, request: &DrawRequest) -> Result<ShardCensus, DrawError> {
        request.validate()?;
        let excl = &request.policy.exclusions;
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
        let mut counts = [0u64; CODES];
        let codes = if request.scope.is_all() && excl.recent.is_empty() {
            // The usual case reads nothing but the dense class column.
            for (c, n) in self.count_classes().iter().enumerate() {
                counts[usize::from(table[c])] += n;
            }
            None
        } else {
            let mut codes = Vec::with_capacity(self.classes.len());
            let mut names = HistoryNames::of(request);
            let scope = self.pool.scope_matcher(&request.scope);
            let first = self.first as usize;
            for (k, &class) in self.classes.iter().enumerate() {
                let i = first + k;
                let mut code = if scope.matches(i) {
                    table[usize::from(class & 0x3f)]
                } else {
                    OUT_OF_SCOPE
                };
                if code == CHECK_HISTORY {
                    let history = self.pool.history(i);
                    if let Some(names) = &mut names {
                        names.check(self.pool, i, history)?;
                    }
                    code = if recently_inspected(history, request) {
                        RECENT
                    } else {
                        class & CLASS_STRATUM_MASK
                    };
                }
                counts[usize::from(code)] += 1;
                codes.push(code);
            }
            Some(codes)
        };
        let shard = ShardCensus {
            first: self.first,
            len: self.classes.len(),
            table,
            codes,
            census: Census::default(),
        };
        if request.policy.weighting == Weighting::RiskScore {
            for k in 0..self.classes.len() {
                let i = self.first as usize + k;
                if shard.code(self.classes, k) < OUT_OF_SCOPE && self.pool.risk_score(i).is_none() {
                    return Err(DrawError::MissingRiskScore {
                        id: self.pool.target_id(i),
                        stratum: self.pool.target(i).stratum(),
                    });
                }
            }
        }
        let census = Census {
            population: self.classes.len() as u64,
            out_of_scope: counts[usize::from(OUT_OF_SCOPE)],
            excluded: ExclusionCounts {
                not_active: counts[usize::from(NOT_ACTIVE)],
                positive_list: counts[usize::from(POSITIVE_LIST)],
                recently_inspected: counts[usize::from(RECENT)],
            },
            eligible: PerStratum::from_fn(|s| counts[s.index()]),
        };
        Ok(ShardCensus { census, ..shard })
    }

    /// Pass 2: decides every entity it can, keeps the band for the merge.
    pub fn draw(
        &self,
        request: &DrawRequest,
        census: &ShardCensus,
        allocation: &Allocation,
        pass: DrawPass,
    ) -> Result<ShardSample, DrawError> {
        self.draw_with_margin(request, census, allocation, pass, MARGIN)
    }

    /// `margin` is the band's half-width in standard deviations; tests narrow it to exercise
    /// the exhaustive fallback.
    pub(crate) fn draw_with_margin(
        &self,
        request: &DrawRequest,
        census: &ShardCensus,
        allocation: &Allocation,
        pass: DrawPass,
        margin: f64,
    ) -> Result<ShardSample, DrawError> {
        if census.first != self.first || census.len != self.classes.len() {
            return Err(DrawError::Shards(
                "the census was taken on another shard".into(),
            ));
        }
        let weighted = request.policy.weighting == Weighting::RiskScore;
        let mut edges = [(0u64, 0u64); 5];
        // Indexed by entity code (a byte); codes that are not wanted strata keep (0, 0) and
        // are never tracked.
        let mut lo = [0u64; 256];
        let mut hi = [0u64; 256];
        let mut track = [false; 256];
        for s in Stratum::ALL {
            let (n, size) = (*allocation.eligible.get(s), *allocation.size.get(s));
            let e = if size == 0 {
                (0, 0)
            } else if weighted {
                // The weighted rule needs every eligible entity with its weight.
                (0, u64::MAX)
            } else if size >= n {
                // Take all: everything is below the band (a key of exactly 2⁶⁴−1 lands in the
                // band and is taken there, so even that case needs no special rule).
                (u64::MAX, u64::MAX)
            } else if pass == DrawPass::Exhaustive {
                (0, u64::MAX)
            } else {
                band_edges(size, n, margin)
            };
            edges[s.index()] = e;
            (lo[s.index()], hi[s.index()]) = e;
            track[s.index()] = size > 0;
        }
        let len = self.classes.len();
        let mut bits = vec![0u64; len.div_ceil(64)];
        let mut certain = [0u64; 256];
        // Bands sized for their expected fill, so that they are not grown (and freed) step by step.
        let mut bands: [Band; 5] = std::array::from_fn(|h| {
            let eligible = Stratum::from_index(h).map_or(0, |s| *census.census.eligible.get(s));
            let width = hi[h].saturating_sub(lo[h]) as f64 / 18_446_744_073_709_551_616.0;
            let expected = (eligible as f64 * width * 1.1) as usize + 16;
            let expected = expected.min(usize::try_from(eligible).unwrap_or(usize::MAX));
            Band {
                key: Vec::with_capacity(expected),
                index: Vec::with_capacity(expected),
                weight: Vec::with_capacity(if weighted { expected } else { 0 }),
            }
        });
        let mut keys = KeyStream::new(&request.seed, TARGET_STREAM, self.first);
        // The loop reads one byte per entity: its code, or, in the usual case where the class
        // alone decides, its class byte with the tables translated through the class → code map.
        let (bytes, to_code): (&[u8], [u8; 256]) = match &census.codes {
            Some(codes) => (codes, std::array::from_fn(|b| b as u8)),
            None => (
                self.classes,
                std::array::from_fn(|b| census.table[b & 0x3f]),
            ),
        };
        let lo_of: [u64; 256] = std::array::from_fn(|b| lo[usize::from(to_code[b])]);
        let hi_of: [u64; 256] = std::array::from_fn(|b| hi[usize::from(to_code[b])]);
        let mut certain_of = [0u64; 256];
        for (b, words) in bits.chunks_mut(KeyStream::BATCH / 64).enumerate() {
            let start = b * KeyStream::BATCH;
            let m = KeyStream::BATCH.min(len - start);
            let batch = keys.next_batch(m);
            let codes = &bytes[start..start + m];
            for (w, (word, (ks, cs))) in words
                .iter_mut()
                .zip(batch.chunks(64).zip(codes.chunks(64)))
                .enumerate()
            {
                let mut below = 0u64;
                let mut open = 0u64;
                for (bit, (&k, &c)) in ks.iter().zip(cs).enumerate() {
                    let c = usize::from(c);
                    below |= u64::from(k < lo_of[c]) << bit;
                    open |= u64::from(k <= hi_of[c]) << bit;
                }
                *word = below;
                // Counting per drawn entity rather than per entity keeps the hot loop to two
                // comparisons; the band is rarer still.
                for bit in BitIter(below) {
                    certain_of[usize::from(cs[bit as usize])] += 1;
                }
                for bit in BitIter(open & !below) {
                    let c = usize::from(to_code[usize::from(cs[bit as usize])]);
                    if track[c] {
                        let i = start + w * 64 + bit as usize;
                        let band = &mut bands[c];
                        band.key.push(ks[bit as usize]);
                        band.index.push(self.first + i as u64);
                        if weighted {
                            let score = self.pool.risk_score(self.first as usize + i);
                            band.weight.push(score.unwrap_or(1));
                        }
                    }
                }
            }
        }
        for (b, n) in certain_of.iter().enumerate() {
            certain[usize::from(to_code[b])] += n;
        }
        let certain = std::array::from_fn(|c| certain[c]);
        Ok(ShardSample {
            seed: request.seed,
            first: self.first,
            len: len as u64,
            eligible: census.census.eligible,
            edges,
            bits,
            certain,
            bands,
        })
    }
}

impl PoolShard<'_> {
    /// How many entities of each class the shard holds: whole blocks from the pool's block
    /// counts, only the ragged ends entity by entity.
    fn count_classes(&self) -> [u64; 64] {
        let mut counts = [0u64; 64];
        let (start, end) = (
            self.first as usize,
            self.first as usize + self.classes.len(),
        );
        let (first_block, end_block) = (start.div_ceil(CLASS_BLOCK), end / CLASS_BLOCK);
        let mut scan = |range: Range<usize>| {
            for &c in &self.classes[range.start - start..range.end - start] {
                counts[usize::from(c & 0x3f)] += 1;
            }
        };
        if first_block >= end_block {
            scan(start..end);
            return counts;
        }
        scan(start..first_block * CLASS_BLOCK);
        scan(end_block * CLASS_BLOCK..end);
        for block in &self.class_blocks[first_block..end_block] {
            for (total, &n) in counts.iter_mut().zip(block) {
                *total += u64::from(n);
            }
        }
        counts
    }
}

impl ShardCensus {
    /// The code of the entity at shard position `i`.
    #[inline]
    fn code(&self, classes: &[u8], i: usize) -> u8 {
        match &self.codes {
            Some(codes) => codes[i],
            None => self.table[usize::from(classes[i] & 0x3f)],
        }
    }
}

/// The band `(lo, hi)` of 64-bit keys around the expected cut-off of the `size` lowest of `n`
/// uniform keys: `(size ∓ margin·√size ∓ 2·margin) / n` of the key range. Only speed depends on
/// it: the merge detects a band that missed the cut-off.
pub(super) fn band_edges(size: u64, n: u64, margin: f64) -> (u64, u64) {
    let to_key = |frac: f64| {
        if frac <= 0.0 {
            0
        } else if frac >= 1.0 {
            u64::MAX
        } else {
            (frac * 18_446_744_073_709_551_616.0) as u64
        }
    };
    let (size, n) = (size as f64, n as f64);
    let spread = margin * size.sqrt() + 2.0 * margin;
    (to_key((size - spread) / n), to_key((size + spread) / n))
}

fn recently_inspected(history: &[Inspection], request: &DrawRequest) -> bool {
    let Some(day) = request.date else {
        return false;
    };
    request.policy.exclusions.recent.iter().any(|rule| {
        history.iter().any(|h| {
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
