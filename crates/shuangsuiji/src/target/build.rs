//! Building a frozen pool: rows go into columns as they are read (in input order), then the
//! pool as a whole is checked (duplicate and look-alike ids), put into canonical order and
//! digested.
//!
//! Every front that loads a pool in one step goes through here: rows of borrowed cells
//! ([`super::PoolBuilder`], which Arrow tables and other readers use), rows given as
//! [`Target`]s ([`FrozenPool::from_entries`], through the same builder, and the adjustable
//! pool's `freeze`), and CSV text read as a stream ([`crate::pool_csv::read_frozen_pool`]),
//! which puts each cell straight into its column without making a `Target` at all.

use super::columns::TagSets;
use super::frozen::{Columns, FrozenPool, History, Inner, class_blocks, class_of, kind_status};
use super::{CLASS_HISTORY, Inspection, Target, TargetKind, TargetStatus};
use crate::digest::Digest;
use crate::pool::lookalike::{first_look_alike_hashed, skeleton_hash};
use crate::pool::{EntryError, PoolEntry};
use crate::risk::RiskGrade;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The cells of one row besides its id, each already checked.
pub(crate) struct Fields<'a> {
    pub(crate) name: &'a str,
    /// A valid credit code.
    pub(crate) credit: Option<&'a str>,
    pub(crate) kind: TargetKind,
    pub(crate) region: &'a str,
    pub(crate) industry: &'a str,
    pub(crate) grid: &'a str,
    /// A code of [`Rows::tag_sets`].
    pub(crate) tags: u32,
    pub(crate) grade: Option<RiskGrade>,
    pub(crate) risk: Option<u32>,
    pub(crate) status: TargetStatus,
    pub(crate) positive: bool,
}

/// Rows in input order.
pub(crate) struct Rows {
    cols: Columns,
    classes: Vec<u8>,
    /// Skeleton hash of every id, when the rows are to be checked.
    hashes: Option<Vec<u64>>,
    ascending: bool,
    /// Inspections of rows given as targets: (row, inspection).
    history: Vec<(u32, Inspection)>,
}

/// Why rows do not make a pool: the first problem in row order (rows are 0-based).
#[derive(Debug)]
pub(crate) enum Refusal<E> {
    /// The caller's own problem with a row (a cell, a field).
    Row(E),
    /// Row `second` has the id of row `first`.
    Duplicate {
        id: String,
        first: usize,
        second: usize,
    },
    /// Row `second`'s id looks like row `first`'s.
    LookAlike {
        first_id: String,
        first: usize,
        second_id: String,
        second: usize,
    },
}

/// The most rows a pool holds (row numbers are kept in 32 bits).
const MAX_ROWS: usize = u32::MAX as usize;

impl Rows {
    /// Rows to be checked as a whole (`check`), or known to be valid and unique.
    pub(crate) fn new(capacity: usize, check: bool) -> Rows {
        Rows {
            cols: Columns {
                ids: super::columns::Arena::with_capacity(capacity, capacity * 12),
                ..Columns::default()
            },
            classes: Vec::with_capacity(capacity),
            hashes: check.then(|| Vec::with_capacity(capacity)),
            ascending: true,
            history: Vec::new(),
        }
    }

    /// Rows whose id has been pushed.
    pub(crate) fn len(&self) -> usize {
        self.cols.ids.len()
    }

    /// The dictionary of tag sets, for [`Fields::tags`].
    pub(crate) fn tag_sets(&mut self) -> &mut TagSets {
        &mut self.cols.tag_sets
    }

    /// The dictionary of tag sets, to look a cell up.
    pub(crate) fn tag_sets_ref(&self) -> &TagSets {
        &self.cols.tag_sets
    }

    /// Starts a row with its (valid) id.
    pub(crate) fn push_id(&mut self, id: &str) -> Result<(), EntryError> {
        let n = self.cols.ids.len();
        if n >= MAX_ROWS {
            return Err(EntryError {
                field: "id",
                problem: format!("a pool holds at most {MAX_ROWS} targets"),
            });
        }
        if self.ascending && n > 0 && self.cols.ids.get(n - 1) >= id {
            self.ascending = false;
        }
        if let Some(h) = &mut self.hashes {
            h.push(skeleton_hash(id));
        }
        self.cols.ids.push(id);
        Ok(())
    }

    /// Finishes the row started by [`Rows::push_id`].
    pub(crate) fn push_fields(&mut self, f: Fields<'_>) {
        let c = &mut self.cols;
        c.names.push(f.name);
        let mut code = [0u8; 18];
        if let Some(s) = f.credit {
            if s.len() == 18 {
                code.copy_from_slice(s.as_bytes());
            }
        }
        c.credit.push(code);
        let region = c.regions.code(f.region);
        c.region.push(region);
        let industry = c.industries.code(f.industry);
        c.industry.push(industry);
        let grid = c.grids.code(f.grid);
        c.grid.push(grid);
        c.tags.push(f.tags);
        c.kind_status.push(kind_status(f.kind, f.status));
        c.risk.push(f.risk.unwrap_or(0));
        self.classes.push(class_of(f.grade, f.status, f.positive));
    }

    /// Whether every id so far came after the one before (the rows are in canonical order).
    pub(crate) fn ascending(&self) -> bool {
        self.ascending
    }

    /// Appends the canonical encoding of the last full row (without a history).
    pub(crate) fn encode_last(&self, out: &mut Vec<u8>) {
        if let Some(row) = self.classes.len().checked_sub(1) {
            super::frozen::encode_target(&self.cols, row, self.classes[row], &[], out);
        }
    }

    /// A whole row given as a target, checked as [`PoolEntry::validate`] checks it; on a bad
    /// field the target comes back with the error.
    pub(crate) fn push_target(&mut self, t: Target) -> Result<(), Box<(EntryError, Target)>> {
        if let Err(e) = t.validate() {
            return Err(Box::new((e, t)));
        }
        if let Err(e) = self.push_id(t.id.as_str()) {
            return Err(Box::new((e, t)));
        }
        let row = (self.len() - 1) as u32;
        let tags = self.cols.tag_sets.code(t.tags.iter().map(String::as_str));
        self.push_fields(Fields {
            name: &t.name,
            credit: t.credit_code.as_ref().map(|c| c.as_str()),
            kind: t.kind,
            region: &t.region,
            industry: &t.industry,
            grid: &t.grid,
            tags,
            grade: t.grade,
            risk: t.risk_score,
            status: t.status,
            positive: t.positive_list,
        });
        self.history.extend(t.history.into_iter().map(|h| (row, h)));
        Ok(())
    }

    /// Checks the rows as a whole and puts them into canonical order.
    ///
    /// `stop` is the caller's first problem with a row (its 0-based row and error), after which
    /// no row was pushed; the rows up to it may still hold an earlier duplicate or look-alike
    /// id, which is then the problem. At the stop row itself, `ids_first` says whether its id
    /// was compared with earlier ids before the problem was found (the CSV reader checks the
    /// id before the other cells; a target's fields are checked before its id is compared).
    pub(crate) fn check<E>(
        self,
        stop: Option<(usize, E)>,
        ids_first: bool,
    ) -> Result<Sorted, Refusal<E>> {
        let Rows {
            cols,
            classes,
            hashes,
            ascending,
            history,
        } = self;
        let ids = &cols.ids;
        let n = ids.len();
        let mut first: Option<(usize, Refusal<E>)> = stop.map(|(row, e)| (row, Refusal::Row(e)));
        let better = |first: &Option<(usize, Refusal<E>)>, later: usize| {
            first
                .as_ref()
                .is_none_or(|&(row, _)| later < row || (ids_first && later == row))
        };
        let look_alike = hashes.and_then(|h| first_look_alike_hashed(h, |i| ids.get(i)));
        let order = if ascending {
            None
        } else {
            let keys = canonical_keys(ids);
            // In (id, row) order equal ids stand together in row order; the duplicate to
            // report is the one whose second row comes first.
            let duplicate = keys
                .windows(2)
                .filter(|w| {
                    w[0].prefix == w[1].prefix && ids.get(w[0].row()) == ids.get(w[1].row())
                })
                .map(|w| (w[0].row(), w[1].row()))
                .min_by_key(|&(_, second)| second);
            if let Some((earlier, later)) = duplicate {
                if better(&first, later) {
                    let refusal = Refusal::Duplicate {
                        id: ids.get(later).to_owned(),
                        first: earlier,
                        second: later,
                    };
                    first = Some((later, refusal));
                }
            }
            Some(keys.into_iter().map(|k| k.row).collect::<Vec<u32>>())
        };
        if let Some((earlier, later)) = look_alike {
            if better(&first, later) {
                let refusal = Refusal::LookAlike {
                    first_id: ids.get(earlier).to_owned(),
                    first: earlier,
                    second_id: ids.get(later).to_owned(),
                    second: later,
                };
                first = Some((later, refusal));
            }
        }
        if let Some((_, refusal)) = first {
            return Err(refusal);
        }
        debug_assert_eq!(n, classes.len());
        Ok(Sorted::new(cols, classes, order, history))
    }

    /// Rows known to be valid with unique ids, in canonical order.
    pub(crate) fn into_sorted(self) -> Sorted {
        match self.check::<std::convert::Infallible>(None, false) {
            Ok(sorted) => sorted,
            // Unique ids were promised; a duplicate or look-alike is not looked for.
            Err(_) => Sorted::new(Columns::default(), Vec::new(), None, Vec::new()),
        }
    }
}

/// The first 16 bytes of an id (big-endian, zero-padded, so they sort as the ids do: ids hold
/// no control characters, so padding never ties with a real byte) and its row.
#[derive(Clone, Copy)]
struct Key {
    prefix: [u64; 2],
    row: u32,
}

impl Key {
    fn row(&self) -> usize {
        self.row as usize
    }
}

/// The rows in canonical order, as keys sorted by (id, row): the sort reads the whole id only
/// where two prefixes are equal. Sorting whole ids, or the rows themselves, followed pointers
/// to every id at random (2–3× slower for a shuffled pool of 10⁶).
fn canonical_keys(ids: &super::columns::Arena) -> Vec<Key> {
    let mut keys: Vec<Key> = (0..ids.len())
        .map(|row| {
            let id = ids.get(row).as_bytes();
            let mut b = [0u8; 16];
            let k = id.len().min(16);
            b[..k].copy_from_slice(&id[..k]);
            let (hi, lo) = b.split_at(8);
            Key {
                prefix: [
                    u64::from_be_bytes(hi.try_into().unwrap_or([0; 8])),
                    u64::from_be_bytes(lo.try_into().unwrap_or([0; 8])),
                ],
                row: row as u32,
            }
        })
        .collect();
    sort_parallel(&mut keys, &|a: &Key, b: &Key| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| ids.get(a.row()).cmp(ids.get(b.row())))
            .then(a.row.cmp(&b.row))
    });
    keys
}

/// Below this many elements a sort stays on the calling thread.
const PARALLEL_SORT_FROM: usize = 1 << 16;

/// Sorts on every core (the order of equal elements is unspecified, as for
/// `sort_unstable_by`): the slice is split around its median, found in place, and the halves
/// are sorted at once, recursively, so no second buffer is needed.
pub(crate) fn sort_parallel<T: Send>(v: &mut [T], cmp: &(impl Fn(&T, &T) -> Ordering + Sync)) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    sort_on(v, cmp, threads);
}

fn sort_on<T: Send>(v: &mut [T], cmp: &(impl Fn(&T, &T) -> Ordering + Sync), threads: usize) {
    if threads < 2 || v.len() < PARALLEL_SORT_FROM {
        v.sort_unstable_by(cmp);
        return;
    }
    let mid = v.len() / 2;
    v.select_nth_unstable_by(mid, cmp);
    let (low, high) = v.split_at_mut(mid);
    std::thread::scope(|s| {
        let t = s.spawn(|| sort_on(low, cmp, threads / 2));
        sort_on(high, cmp, threads - threads / 2);
        t.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
    });
}

/// Rows checked and put into canonical order (as a permutation: the columns stay in input
/// order until the pool is frozen), before the digest: the inspection history of a CSV text is
/// added here.
pub(crate) struct Sorted {
    /// In input order.
    cols: Columns,
    /// In input order.
    classes: Vec<u8>,
    /// The input row of each canonical index, `None` when the rows came in canonical order.
    order: Option<Vec<u32>>,
    /// (canonical index, inspection).
    history: Vec<(u32, Inspection)>,
    /// The digest, when it was taken while the rows were read.
    digest: Option<Digest>,
}

impl Sorted {
    fn new(
        cols: Columns,
        classes: Vec<u8>,
        order: Option<Vec<u32>>,
        history: Vec<(u32, Inspection)>,
    ) -> Sorted {
        let history = match &order {
            Some(order) if !history.is_empty() => {
                let mut canonical = vec![0u32; order.len()];
                for (c, &row) in order.iter().enumerate() {
                    canonical[row as usize] = c as u32;
                }
                history
                    .into_iter()
                    .map(|(row, h)| (canonical[row as usize], h))
                    .collect()
            }
            _ => history,
        };
        Sorted {
            cols,
            classes,
            order,
            history,
            digest: None,
        }
    }

    /// The number of targets.
    pub(crate) fn len(&self) -> usize {
        self.classes.len()
    }

    /// The canonical index of an id.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.cols.ids.get(self.row_of(mid)).cmp(id) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The id of input row `row` (0-based).
    pub(crate) fn id_of_row(&self, row: usize) -> &str {
        self.cols.ids.get(row)
    }

    /// The input row (0-based) of canonical index `i`.
    pub(crate) fn row_of(&self, i: usize) -> usize {
        self.order.as_ref().map_or(i, |o| o[i] as usize)
    }

    /// Adds an inspection to the target at canonical index `i`.
    pub(crate) fn add_inspection(&mut self, i: usize, h: Inspection) {
        self.history.push((i as u32, h));
    }

    /// The digest of these rows without a history, taken while they were read (in canonical
    /// order): freezing uses it unless an inspection was added.
    pub(crate) fn set_digest(&mut self, digest: Digest) {
        self.digest = Some(digest);
    }

    /// The inspection of the earliest input row whose date is outside the years 0–9999, with
    /// its row, as [`PoolEntry::validate`] would refuse it.
    pub(crate) fn first_bad_history_year(&self) -> Option<(usize, EntryError)> {
        self.history
            .iter()
            .filter_map(|(i, h)| {
                super::check_year("history.date", h.date)
                    .err()
                    .map(|e| (self.row_of(*i as usize), e))
            })
            .min_by_key(|(row, _)| *row)
    }

    /// The frozen pool: history in canonical order, class counts, digest.
    pub(crate) fn freeze(self) -> FrozenPool {
        self.freeze_keeping_rows().0
    }

    /// [`Sorted::freeze`], with the input row of each canonical index (`None`: the rows came
    /// in canonical order), for messages about a target after the pool is frozen. The digest
    /// is taken on a thread of its own while the columns are put in canonical order.
    pub(crate) fn freeze_keeping_rows(self) -> (FrozenPool, Option<Vec<u32>>) {
        let Sorted {
            mut cols,
            classes,
            order,
            mut history,
            digest,
        } = self;
        let mut classes = match &order {
            Some(order) => order.iter().map(|&r| classes[r as usize]).collect(),
            None => classes,
        };
        for (_, h) in &mut history {
            h.inspectors.sort();
        }
        history.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut h = History::default();
        for (i, inspection) in history {
            if h.targets.last() != Some(&i) {
                if !h.targets.is_empty() {
                    h.ends.push(h.inspections.len());
                }
                h.targets.push(i);
                classes[i as usize] |= CLASS_HISTORY;
            }
            h.inspections.push(inspection);
        }
        if !h.targets.is_empty() {
            h.ends.push(h.inspections.len());
        }
        cols.regions.seal();
        cols.industries.seal();
        cols.grids.seal();
        cols.tag_sets.seal();
        // Gathering first and digesting the gathered columns holds the pool once, not twice
        // (at 10⁷ targets, 1.2 GB at most instead of 1.7); the digest then reads memory in order.
        let precomputed = digest.filter(|_| order.is_none() && h.targets.is_empty());
        let mut cols = match &order {
            Some(order) => cols.into_gathered(order),
            None => cols,
        };
        cols.shrink_to_fit();
        classes.shrink_to_fit();
        let class_blocks = class_blocks(&classes);
        // Without a digest taken while reading, a large pool's digest is taken behind, on a
        // thread of its own, while the caller draws.
        let inner = Inner {
            cols,
            classes,
            class_blocks,
            history: h,
            digest: OnceLock::new(),
        };
        let pool = FrozenPool::of_inner(inner, precomputed);
        (pool, order)
    }
}

/// Freezes targets known to be valid with unique ids (an adjustable pool's).
pub(crate) fn from_unique_targets(rows: Vec<Target>) -> FrozenPool {
    let mut b = Rows::new(rows.len(), false);
    for t in rows {
        // The adjustable pool validated every entry: nothing here can fail.
        let _ = b.push_target(t);
    }
    b.into_sorted().freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parallel_sort_sorts() {
        let mut v: Vec<u64> = (0..200_000u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 7)
            .collect();
        let mut expected = v.clone();
        expected.sort_unstable();
        sort_on(&mut v, &|a: &u64, b: &u64| a.cmp(b), 3);
        assert_eq!(v, expected);
    }
}
