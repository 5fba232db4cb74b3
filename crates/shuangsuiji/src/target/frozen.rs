//! The frozen target pool: the targets in canonical (id) order, held as columns, with the SM3
//! digest of their canonical encoding (`docs/SAMPLING.md` §1).
//!
//! A target is not stored as a [`Target`]: its id and name sit in one buffer each, its region,
//! industry, grid and tag set are codes into dictionaries of the distinct values, and its kind,
//! status, grade and flags are bytes. Memory per target is then about its id and its
//! attributes, and the pool is freed as a few dozen allocations however many targets it holds.
//! [`FrozenPool::target`] gives a borrowed view of one target, [`TargetRef::to_target`] an
//! owned [`Target`] when one is needed.

use super::columns::{Arena, Dict, Lazy, TagSets};
use super::{
    CLASS_HISTORY, CLASS_INACTIVE, CLASS_POSITIVE, CLASS_STRATUM_MASK, Inspection, Target,
    TargetKind, TargetStatus,
};
use crate::credit::CreditCode;
use crate::digest::{Digest, push_count, push_date, push_decimal};
use crate::ids::{ItemId, TargetId};
use crate::pool::{CLASS_BLOCK, PoolError};
use crate::risk::{RiskGrade, Stratum};
use crate::scope::Scope;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The label that starts a target pool's digest.
pub(crate) const TARGET_DIGEST_LABEL: &str = "shuangsuiji/target-pool/v1";

/// The columns of a pool's targets, in one order (file order while building, canonical once
/// frozen).
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub(crate) ids: Arena,
    pub(crate) names: Arena,
    /// The 18 ASCII characters of the credit code; all zero for none.
    pub(crate) credit: Lazy<[u8; 18]>,
    pub(crate) region: Lazy<u32>,
    pub(crate) industry: Lazy<u32>,
    pub(crate) grid: Lazy<u32>,
    pub(crate) tags: Lazy<u32>,
    /// Kind index in the low four bits, status index in the high four.
    pub(crate) kind_status: Lazy<u8>,
    /// 0 for none.
    pub(crate) risk: Lazy<u32>,
    pub(crate) regions: Dict,
    pub(crate) industries: Dict,
    pub(crate) grids: Dict,
    pub(crate) tag_sets: TagSets,
}

impl Columns {
    /// The same targets in the order `order` gives (the input row of each canonical index),
    /// each column gathered and its source freed before the next, the two largest (ids and
    /// names) at once on two threads: the pool is never held twice.
    pub(crate) fn into_gathered(self, order: &[u32]) -> Columns {
        fn gathered<C: Default>(from: C, order: &[u32], extend: fn(&mut C, &C, &[u32])) -> C {
            let mut out = C::default();
            extend(&mut out, &from, order);
            out
        }
        let Columns {
            ids,
            names,
            credit,
            region,
            industry,
            grid,
            tags,
            kind_status,
            risk,
            regions,
            industries,
            grids,
            tag_sets,
        } = self;
        let (ids, names) = std::thread::scope(|s| {
            let ids = s.spawn(move || gathered(ids, order, Arena::extend_gathered));
            let names = gathered(names, order, Arena::extend_gathered);
            let ids = ids.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (ids, names)
        });
        Columns {
            ids,
            names,
            credit: gathered(credit, order, Lazy::extend_gathered),
            region: gathered(region, order, Lazy::extend_gathered),
            industry: gathered(industry, order, Lazy::extend_gathered),
            grid: gathered(grid, order, Lazy::extend_gathered),
            tags: gathered(tags, order, Lazy::extend_gathered),
            kind_status: gathered(kind_status, order, Lazy::extend_gathered),
            risk: gathered(risk, order, Lazy::extend_gathered),
            regions,
            industries,
            grids,
            tag_sets,
        }
    }

    /// Gives the columns back the memory they reserved beyond their length.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.names.shrink_to_fit();
        self.credit.shrink_to_fit();
        self.region.shrink_to_fit();
        self.industry.shrink_to_fit();
        self.grid.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.kind_status.shrink_to_fit();
        self.risk.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.ids.heap_bytes()
            + self.names.heap_bytes()
            + self.credit.heap_bytes()
            + self.region.heap_bytes()
            + self.industry.heap_bytes()
            + self.grid.heap_bytes()
            + self.tags.heap_bytes()
            + self.kind_status.heap_bytes()
            + self.risk.heap_bytes()
            + self.regions.heap_bytes()
            + self.industries.heap_bytes()
            + self.grids.heap_bytes()
            + self.tag_sets.heap_bytes()
    }

    pub(crate) fn kind(&self, i: usize) -> TargetKind {
        TargetKind::ALL[usize::from(self.kind_status.get(i) & 0x0f).min(6)]
    }

    pub(crate) fn status(&self, i: usize) -> TargetStatus {
        TargetStatus::ALL
            [usize::from(self.kind_status.get(i) >> 4).min(TargetStatus::ALL.len() - 1)]
    }

    pub(crate) fn credit_code(&self, i: usize) -> Option<&str> {
        self.credit
            .slot(i)
            .filter(|c| c[0] != 0)
            .and_then(|c| std::str::from_utf8(c).ok())
    }
}

/// The byte of a kind and a status (see [`Columns::kind_status`]).
pub(crate) fn kind_status(kind: TargetKind, status: TargetStatus) -> u8 {
    kind as u8 | (status as u8) << 4
}

/// Past inspections of the targets that have any, in canonical order.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    /// Canonical indices of the targets with a history, ascending.
    pub(crate) targets: Vec<u32>,
    /// Where each one's inspections end in `inspections`.
    pub(crate) ends: Vec<usize>,
    pub(crate) inspections: Vec<Inspection>,
}

impl History {
    fn of(&self, i: usize) -> &[Inspection] {
        let Ok(k) = self.targets.binary_search(&(i as u32)) else {
            return &[];
        };
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.inspections[start..self.ends[k]]
    }
}

/// What a frozen pool shares between its clones.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) cols: Columns,
    /// Stratum and exclusion flags per target (see [`crate::pool::PoolEntry::class`]).
    pub(crate) classes: Vec<u8>,
    /// Class counts per block of [`CLASS_BLOCK`] targets.
    pub(crate) class_blocks: Vec<[u32; 64]>,
    pub(crate) history: History,
    /// Taken once, by whoever needs it first: a thread of its own started when a large pool
    /// is frozen, or the first caller of [`FrozenPool::digest`] (which otherwise waits for that
    /// thread). A draw needs the digest only for its record, so the draw runs meanwhile.
    pub(crate) digest: OnceLock<Digest>,
}

impl Inner {
    fn digest(&self) -> Digest {
        *self
            .digest
            .get_or_init(|| digest_of(&self.cols, &self.classes, &self.history))
    }
}

/// From this many targets on, freezing starts the digest on a thread of its own.
const DIGEST_BEHIND_FROM: usize = 1 << 16;

impl FrozenPool {
    /// A pool of frozen columns whose digest is `digest` if known, else taken on a thread of
    /// its own (large pools) or when first asked for.
    pub(crate) fn of_inner(mut inner: Inner, digest: Option<Digest>) -> FrozenPool {
        if let Some(d) = digest {
            inner.digest = OnceLock::from(d);
        }
        let pool = FrozenPool {
            inner: Arc::new(inner),
        };
        if pool.inner.digest.get().is_none() && pool.len() >= DIGEST_BEHIND_FROM {
            let behind = Arc::clone(&pool.inner);
            // If no thread can be started, the first caller of `digest` takes it.
            let _ = std::thread::Builder::new()
                .name("pool digest".into())
                .spawn(move || {
                    behind.digest();
                });
        }
        pool
    }
}

/// The frozen target pool a draw uses: the targets in canonical (id) order and the SM3 digest
/// of their canonical encoding, which a [`DrawRecord`](crate::record::DrawRecord) publishes.
///
/// Cloning is cheap (the columns are shared). Build one with [`TargetPool::freeze`]
/// (`crate::target::TargetPool`), in one step from rows with [`FrozenPool::from_entries`], or
/// from CSV text with [`crate::pool_csv::read_frozen_pool`].
///
/// [`TargetPool::freeze`]: crate::pool::Pool::freeze
#[derive(Clone)]
pub struct FrozenPool {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for FrozenPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrozenPool")
            .field("len", &self.len())
            .field("digest", &self.digest())
            .finish_non_exhaustive()
    }
}

impl PartialEq for FrozenPool {
    fn eq(&self, other: &Self) -> bool {
        self.digest() == other.digest() && self.len() == other.len()
    }
}

impl FrozenPool {
    /// Builds and freezes in one step, from rows in any order: the result and the errors are
    /// those of [`crate::pool::Pool::from_entries`] then [`crate::pool::Pool::into_frozen`],
    /// without the adjustable pool (for large pools loaded once, e.g. from a data frame). Each
    /// row is moved into the columns as it is read.
    ///
    /// # Errors
    ///
    /// The first problem in row order, as [`crate::pool::Pool::from_entries`] reports it: a row
    /// whose fields are not acceptable, or a row whose id an earlier row has or looks like.
    pub fn from_entries(rows: Vec<Target>) -> Result<FrozenPool, PoolError> {
        super::builder::from_targets(rows)
    }

    pub(crate) fn cols(&self) -> &Columns {
        &self.inner.cols
    }

    /// The number of targets.
    pub fn len(&self) -> usize {
        self.inner.classes.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The SM3 digest of the canonical encoding.
    ///
    /// For a large pool the digest is taken on a thread of its own from the moment the pool is
    /// frozen; this waits for it.
    pub fn digest(&self) -> Digest {
        self.inner.digest()
    }

    /// The target at canonical index `i` (panics if `i >= len()`, as slice indexing does).
    pub fn target(&self, i: usize) -> TargetRef<'_> {
        assert!(
            i < self.len(),
            "canonical index {i} of a pool of {}",
            self.len()
        );
        TargetRef { pool: self, i }
    }

    /// The targets in canonical order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TargetRef<'_>> + '_ {
        (0..self.len()).map(move |i| TargetRef { pool: self, i })
    }

    /// Every target as an owned [`Target`], in canonical order (for writers and small pools;
    /// a large pool is better read through [`FrozenPool::iter`]).
    pub fn to_targets(&self) -> Vec<Target> {
        self.iter().map(|t| t.to_target()).collect()
    }

    /// The id at canonical index `i`.
    pub fn id(&self, i: usize) -> &str {
        self.inner.cols.ids.get(i)
    }

    /// The ids in canonical order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.id(i))
    }

    /// The id at canonical index `i` as a [`TargetId`] (a new allocation).
    pub fn target_id(&self, i: usize) -> TargetId {
        TargetId::trusted(self.id(i))
    }

    /// The canonical index of an id (binary search).
    pub fn position(&self, id: &TargetId) -> Option<usize> {
        self.position_of(id.as_str())
    }

    /// The canonical index of an id given as text.
    pub fn position_of(&self, id: &str) -> Option<usize> {
        position_in(&self.inner.cols.ids, self.len(), id)
    }

    /// The target with an id, as an owned [`Target`].
    pub fn get(&self, id: &TargetId) -> Option<Target> {
        self.position(id).map(|i| self.target(i).to_target())
    }

    /// The dense class column, in canonical order.
    pub(crate) fn classes(&self) -> &[u8] {
        &self.inner.classes
    }

    /// The class counts per block of [`CLASS_BLOCK`] entries.
    pub(crate) fn class_blocks(&self) -> &[[u32; 64]] {
        &self.inner.class_blocks
    }

    /// The inspections of the target at canonical index `i`.
    pub(crate) fn history(&self, i: usize) -> &[Inspection] {
        if self.inner.classes[i] & CLASS_HISTORY == 0 {
            return &[];
        }
        self.inner.history.of(i)
    }

    /// The risk score of the target at canonical index `i`.
    pub(crate) fn risk_score(&self, i: usize) -> Option<u32> {
        Some(self.inner.cols.risk.get(i)).filter(|&s| s != 0)
    }

    /// Bytes the pool holds on the heap (columns, dictionaries, history), for measurements.
    pub fn heap_bytes(&self) -> usize {
        let i = &self.inner;
        i.cols.heap_bytes()
            + i.classes.capacity()
            + i.class_blocks.capacity() * 256
            + i.history.targets.capacity() * 4
            + i.history.ends.capacity() * 8
            + i.history.inspections.capacity() * std::mem::size_of::<Inspection>()
    }

    /// A pool to adjust, starting from this snapshot.
    pub fn thaw(&self) -> super::TargetPool {
        crate::pool::Pool::from_unique_entries(self.to_targets())
    }

    /// A test of scope membership for this pool: each distinct region, industry and tag set
    /// is matched once, a target then costs a few look-ups.
    pub(crate) fn scope_matcher(&self, scope: &Scope) -> ScopeMatcher<'_> {
        ScopeMatcher::new(self, scope)
    }
}

/// Binary search of `id` among the first `len` strings of a sorted arena.
pub(crate) fn position_in(ids: &Arena, len: usize, id: &str) -> Option<usize> {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match ids.get(mid).cmp(id) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// One target of a [`FrozenPool`], borrowed.
#[derive(Clone, Copy)]
pub struct TargetRef<'a> {
    pool: &'a FrozenPool,
    i: usize,
}

impl fmt::Debug for TargetRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TargetRef")
            .field("index", &self.i)
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

impl<'a> TargetRef<'a> {
    fn cols(&self) -> &'a Columns {
        &self.pool.inner.cols
    }

    /// The canonical index.
    pub fn index(&self) -> usize {
        self.i
    }

    /// The id.
    pub fn id(&self) -> &'a str {
        self.cols().ids.get(self.i)
    }

    /// The registered name.
    pub fn name(&self) -> &'a str {
        self.cols().names.get(self.i)
    }

    /// The credit code, if any.
    pub fn credit_code(&self) -> Option<&'a str> {
        self.cols().credit_code(self.i)
    }

    /// The kind.
    pub fn kind(&self) -> TargetKind {
        self.cols().kind(self.i)
    }

    /// The administrative division.
    pub fn region(&self) -> &'a str {
        let c = self.cols();
        c.regions.get(c.region.get(self.i))
    }

    /// The industry.
    pub fn industry(&self) -> &'a str {
        let c = self.cols();
        c.industries.get(c.industry.get(self.i))
    }

    /// The responsibility grid.
    pub fn grid(&self) -> &'a str {
        let c = self.cols();
        c.grids.get(c.grid.get(self.i))
    }

    /// The tags, in canonical order.
    pub fn tags(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let c = self.cols();
        c.tag_sets.tags(c.tags.get(self.i))
    }

    /// The stratum.
    pub fn stratum(&self) -> Stratum {
        Stratum::from_index(usize::from(
            self.pool.inner.classes[self.i] & CLASS_STRATUM_MASK,
        ))
        .unwrap_or(Stratum::Ungraded)
    }

    /// The credit-risk grade.
    pub fn grade(&self) -> Option<RiskGrade> {
        RiskGrade::ALL.get(self.stratum().index()).copied()
    }

    /// The risk score.
    pub fn risk_score(&self) -> Option<u32> {
        self.pool.risk_score(self.i)
    }

    /// The registration status.
    pub fn status(&self) -> TargetStatus {
        self.cols().status(self.i)
    }

    /// Whether the target is on the positive list.
    pub fn positive_list(&self) -> bool {
        self.pool.inner.classes[self.i] & CLASS_POSITIVE != 0
    }

    /// The past inspections, in canonical order.
    pub fn history(&self) -> &'a [Inspection] {
        self.pool.history(self.i)
    }

    /// The target as an owned [`Target`].
    pub fn to_target(&self) -> Target {
        let mut t = Target::new(TargetId::trusted(self.id()));
        t.name = self.name().to_owned();
        t.credit_code = self.credit_code().map(CreditCode::trusted);
        t.kind = self.kind();
        t.region = self.region().to_owned();
        t.industry = self.industry().to_owned();
        t.grid = self.grid().to_owned();
        t.tags = self.tags().map(str::to_owned).collect();
        t.grade = self.grade();
        t.risk_score = self.risk_score();
        t.status = self.status();
        t.positive_list = self.positive_list();
        t.history = self.history().to_vec();
        t
    }
}

/// Appends the canonical encoding `enc(t)` (`docs/SAMPLING.md` §1) of the target in row `row`
/// of `cols`, whose class byte is `class` and whose inspections are `history`.
pub(crate) fn encode_target(
    cols: &Columns,
    row: usize,
    class: u8,
    history: &[Inspection],
    out: &mut Vec<u8>,
) {
    use super::columns::encode_str;
    encode_str(out, cols.ids.get(row));
    encode_str(out, cols.names.get(row));
    match cols.credit.slot(row).filter(|c| c[0] != 0) {
        Some(code) => {
            push_count(out, code.len());
            out.extend_from_slice(code);
        }
        None => push_count(out, 0),
    }
    encode_str(out, cols.kind(row).name());
    out.extend_from_slice(cols.regions.encoded(cols.region.get(row)));
    out.extend_from_slice(cols.industries.encoded(cols.industry.get(row)));
    out.extend_from_slice(cols.grids.encoded(cols.grid.get(row)));
    out.extend_from_slice(cols.tag_sets.encoded(cols.tags.get(row)));
    let stratum = usize::from(class & CLASS_STRATUM_MASK);
    encode_str(out, ["A", "B", "C", "D", ""][stratum.min(4)]);
    match cols.risk.get(row) {
        0 => push_count(out, 0),
        score => push_decimal(out, u64::from(score)),
    }
    encode_str(out, cols.status(row).name());
    encode_str(
        out,
        if class & CLASS_POSITIVE != 0 {
            "1"
        } else {
            "0"
        },
    );
    push_count(out, history.len());
    for h in history {
        push_date(out, h.date);
        encode_str(out, h.department.as_str());
        encode_str(out, h.item.as_ref().map_or("", ItemId::as_str));
        push_count(out, h.inspectors.len());
        for p in &h.inspectors {
            encode_str(out, p.as_str());
        }
    }
}

/// The digest of a pool in canonical order: one SM3 stream over the label, the count and
/// every target's encoding, hashed on a thread of its own while this one encodes.
pub(crate) fn digest_of(cols: &Columns, classes: &[u8], history: &History) -> Digest {
    let mut pipe = crate::digest::HashPipe::start(TARGET_DIGEST_LABEL, classes.len() as u64);
    let mut h = 0;
    for (i, &class) in classes.iter().enumerate() {
        let own = if class & CLASS_HISTORY != 0 {
            while history.targets[h] < i as u32 {
                h += 1;
            }
            let from = if h == 0 { 0 } else { history.ends[h - 1] };
            &history.inspections[from..history.ends[h]]
        } else {
            &[]
        };
        pipe.append(|buf| encode_target(cols, i, class, own, buf));
    }
    pipe.finish()
}

/// Class counts per block of [`CLASS_BLOCK`] targets.
pub(crate) fn class_blocks(classes: &[u8]) -> Vec<[u32; 64]> {
    classes
        .chunks(CLASS_BLOCK)
        .map(|block| {
            let mut counts = [0u32; 64];
            for &c in block {
                counts[usize::from(c & 0x3f)] += 1;
            }
            counts
        })
        .collect()
}

/// The class byte of a target's own fields (the history bit is set when the pool is frozen).
pub(crate) fn class_of(grade: Option<RiskGrade>, status: TargetStatus, positive: bool) -> u8 {
    let mut c = Stratum::from(grade).index() as u8;
    if status != TargetStatus::Active {
        c |= CLASS_INACTIVE;
    }
    if positive {
        c |= CLASS_POSITIVE;
    }
    c
}

/// Scope membership against one pool's dictionaries.
pub(crate) struct ScopeMatcher<'a> {
    pool: &'a FrozenPool,
    all: bool,
    regions: Vec<bool>,
    industries: Vec<bool>,
    tag_sets: Vec<bool>,
    kinds: u8,
    statuses: u8,
    grades: u8,
}

impl<'a> ScopeMatcher<'a> {
    fn new(pool: &'a FrozenPool, scope: &Scope) -> ScopeMatcher<'a> {
        let c = pool.cols();
        let prefixes = |set: &std::collections::BTreeSet<String>, dict: &Dict| -> Vec<bool> {
            dict.strings()
                .map(|s| set.is_empty() || set.iter().any(|p| s.starts_with(p.as_str())))
                .collect()
        };
        let tags = c.tag_sets.tag_dict();
        let tag_sets = (0..c.tag_sets.len())
            .map(|k| {
                let set = c.tag_sets.set(k as u32);
                let has = |tag: &String| set.iter().any(|&t| tags.get(t) == tag.as_str());
                scope.tags_all.iter().all(has)
                    && (scope.tags_any.is_empty() || scope.tags_any.iter().any(has))
            })
            .collect();
        let mask = |n: usize, yes: &dyn Fn(usize) -> bool| -> u8 {
            (0..n).filter(|&k| yes(k)).map(|k| 1u8 << k).sum()
        };
        ScopeMatcher {
            pool,
            all: scope.is_all(),
            regions: prefixes(&scope.regions, &c.regions),
            industries: prefixes(&scope.industries, &c.industries),
            tag_sets,
            kinds: mask(7, &|k| {
                scope.kinds.is_empty() || scope.kinds.contains(&TargetKind::ALL[k])
            }),
            statuses: mask(TargetStatus::ALL.len(), &|k| {
                scope.statuses.is_empty() || scope.statuses.contains(&TargetStatus::ALL[k])
            }),
            grades: mask(5, &|k| {
                scope.grades.is_empty() || scope.grades.contains(&Stratum::ALL[k])
            }),
        }
    }

    /// Whether the target at canonical index `i` is in scope.
    pub(crate) fn matches(&self, i: usize) -> bool {
        if self.all {
            return true;
        }
        let c = self.pool.cols();
        let ks = c.kind_status.get(i);
        let stratum = self.pool.inner.classes[i] & CLASS_STRATUM_MASK;
        self.kinds >> (ks & 0x0f) & 1 == 1
            && self.statuses >> (ks >> 4) & 1 == 1
            && self.grades >> stratum & 1 == 1
            && self.regions[c.region.get(i) as usize]
            && self.industries[c.industry.get(i) as usize]
            && self.tag_sets[c.tags.get(i) as usize]
    }
}

impl Serialize for FrozenPool {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|t| t.to_target()))
    }
}

impl<'de> Deserialize<'de> for FrozenPool {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let rows = Vec::<Target>::deserialize(d)?;
        FrozenPool::from_entries(rows).map_err(serde::de::Error::custom)
    }
}
