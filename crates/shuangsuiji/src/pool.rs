//! The two pools (两库): a mutable pool that departments adjust (动态调整), and the immutable,
//! canonically ordered snapshot a draw uses.
//!
//! Freezing sorts the entries by id (byte order of the UTF-8 id), so nothing that follows depends
//! on the order in which a platform exported or loaded its rows, and takes the SM3 digest of the
//! canonical encoding, which a [`DrawRecord`](crate::record::DrawRecord) publishes.
//!
//! Ids in a pool are one to a reader as well as to a program: besides a duplicate, a pool
//! refuses two ids that look alike (one confusable skeleton, `docs/SAMPLING.md` §10), on every
//! path that builds or adjusts it.

pub(crate) mod lookalike;

use crate::digest::{Digest, Encoder};
use lookalike::{SkeletonIndex, first_look_alike_hashed, skeleton_hash};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;

/// What a pool holds: targets or inspectors.
pub trait PoolEntry: Clone {
    /// The id type, unique within a pool.
    type Id: Clone + Eq + Hash + Ord + fmt::Display + AsRef<str>;
    /// The snapshot a pool of these entries freezes into: [`Frozen`] for inspectors, the
    /// columnar [`crate::target::FrozenPool`] for targets.
    type Frozen;
    /// The label that starts the pool digest (domain separation between pool kinds).
    const DIGEST_LABEL: &'static str;
    /// The kind of entry, for error messages (“target”, “inspector”).
    const KIND: &'static str;

    /// The entry's id.
    fn id(&self) -> &Self::Id;
    /// Checks the entry's own fields.
    fn validate(&self) -> Result<(), EntryError>;
    /// Puts lists into canonical order, so that equal content encodes equally.
    fn normalize(&mut self);
    /// Writes the canonical encoding (see `docs/SAMPLING.md`).
    #[doc(hidden)]
    fn encode(&self, e: &mut EncoderHandle<'_>);
    /// Freezes entries with unique, valid ids (an adjustable pool's).
    #[doc(hidden)]
    fn freeze_unique(entries: Vec<Self>) -> Self::Frozen;
    /// Moves the entry's id into a fresh allocation (see [`crate::ids::TargetId`]); called in
    /// canonical order when a pool is frozen.
    #[doc(hidden)]
    fn relocate_id(&mut self) {}

    /// Where the id's text lives, compared (never read) to skip the relocation when the ids
    /// already lie in canonical order in memory, as they do when sorted rows were read in order.
    #[doc(hidden)]
    fn id_address(&self) -> *const u8 {
        std::ptr::null()
    }
}

/// Opaque access to the digest encoder for [`PoolEntry::encode`].
pub struct EncoderHandle<'a>(pub(crate) &'a mut Encoder);

/// A field of an entry that is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field {field}: {problem}")]
pub struct EntryError {
    /// The field.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

/// Errors from building or adjusting a pool.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Two rows carry the same id.
    #[error("duplicate {kind} id {id:?}: rows {first} and {second}")]
    DuplicateId {
        /// Target or inspector.
        kind: &'static str,
        /// The id.
        id: String,
        /// 1-based row of the first occurrence.
        first: usize,
        /// 1-based row of the second occurrence.
        second: usize,
    },
    /// An id added to the pool is already in it.
    #[error("{kind} {id:?} is already in the pool")]
    AlreadyPresent {
        /// Target or inspector.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// An id to update or remove is not in the pool.
    #[error("{kind} {id:?} is not in the pool")]
    NotFound {
        /// Target or inspector.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A row has a bad field.
    #[error("{kind} {id:?} (row {row}): {error}")]
    BadEntry {
        /// Target or inspector.
        kind: &'static str,
        /// The id.
        id: String,
        /// 1-based row.
        row: usize,
        /// What is wrong.
        error: EntryError,
    },
    /// An update tried to change an entry's id.
    #[error("an update may not change the id of {kind} {id:?}")]
    IdChanged {
        /// Target or inspector.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// Two rows carry different ids that a reader takes for one: they have the same Unicode
    /// TR39 confusable skeleton ([`crate::ids::skeleton`]), e.g. Latin `E` and Cyrillic `Е`,
    /// `0` and `O`, full-width digits.
    #[error(
        "{kind} ids {first_id:?} (row {first_row}) and {second_id:?} (row {second_row}) look alike: they differ at {}, yet a reader takes them for one id (same confusable skeleton, docs/SAMPLING.md §10); give one of them another id or write both alike",
        lookalike::first_difference(first_id, second_id)
    )]
    LookAlikeIds {
        /// Target or inspector.
        kind: &'static str,
        /// The earlier id.
        first_id: String,
        /// 1-based row of the earlier id.
        first_row: usize,
        /// The later id.
        second_id: String,
        /// 1-based row of the later id.
        second_row: usize,
    },
}

impl PoolError {
    fn look_alike<T: PoolEntry>(rows: &[T], first: usize, second: usize) -> PoolError {
        PoolError::LookAlikeIds {
            kind: T::KIND,
            first_id: rows[first].id().to_string(),
            first_row: first + 1,
            second_id: rows[second].id().to_string(),
            second_row: second + 1,
        }
    }
}

/// A pool being adjusted: entries can be added, replaced and removed until it is frozen.
///
/// Rows keep their insertion order here (it is how errors name them); only the frozen snapshot
/// is canonical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Serialize",
    deserialize = "T: Deserialize<'de> + PoolEntry"
))]
#[serde(try_from = "Vec<T>", into = "Vec<T>")]
pub struct Pool<T: PoolEntry> {
    entries: Vec<T>,
    #[serde(skip)]
    index: HashMap<T::Id, usize>,
    #[serde(skip)]
    skeletons: SkeletonIndex<T::Id>,
}

impl<T: PoolEntry> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            entries: Vec::new(),
            index: HashMap::new(),
            skeletons: SkeletonIndex::default(),
        }
    }
}

impl<T: PoolEntry> Pool<T> {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a pool from rows; a duplicate id, or two ids that look alike, name both rows
    /// (1-based, in input order).
    ///
    /// # Errors
    ///
    /// The first problem in row order: a row whose fields are not acceptable
    /// ([`PoolError::BadEntry`]), or whose id an earlier row has ([`PoolError::DuplicateId`])
    /// or looks like ([`PoolError::LookAlikeIds`]).
    pub fn from_entries(rows: impl IntoIterator<Item = T>) -> Result<Self, PoolError> {
        let rows = rows.into_iter();
        let mut pool = Pool::new();
        pool.entries.reserve(rows.size_hint().0);
        pool.index.reserve(rows.size_hint().0);
        let mut stop = None;
        let mut hashes = Vec::with_capacity(rows.size_hint().0);
        for (i, mut row) in rows.enumerate() {
            if let Err(e) = check(&row, i + 1) {
                stop = Some(e);
                break;
            }
            if let Some(&first) = pool.index.get(row.id()) {
                stop = Some(PoolError::DuplicateId {
                    kind: T::KIND,
                    id: row.id().to_string(),
                    first: first + 1,
                    second: i + 1,
                });
                break;
            }
            row.normalize();
            hashes.push(skeleton_hash(row.id().as_ref()));
            pool.index.insert(row.id().clone(), pool.entries.len());
            pool.entries.push(row);
        }
        // Look-alikes among the rows before the first other problem come before it (all at
        // once: one hash per id and a sort, where an index would cost a map insertion per id).
        let rows = &pool.entries;
        if let Some((first, second)) = first_look_alike_hashed(hashes, |i| rows[i].id().as_ref()) {
            return Err(PoolError::look_alike(rows, first, second));
        }
        match stop {
            Some(e) => Err(e),
            None => Ok(pool),
        }
    }

    /// Adds a new entry.
    ///
    /// # Errors
    ///
    /// [`PoolError::BadEntry`], [`PoolError::AlreadyPresent`], or
    /// [`PoolError::LookAlikeIds`] when the id looks like one already in the pool.
    pub fn insert(&mut self, mut entry: T) -> Result<(), PoolError> {
        check(&entry, self.entries.len() + 1)?;
        if self.index.contains_key(entry.id()) {
            return Err(PoolError::AlreadyPresent {
                kind: T::KIND,
                id: entry.id().to_string(),
            });
        }
        let ids = self.entries.iter().map(PoolEntry::id);
        if let Some(other) = self.skeletons.look_alike(ids, entry.id()) {
            return Err(PoolError::LookAlikeIds {
                kind: T::KIND,
                first_id: other.to_string(),
                first_row: self.index[other] + 1,
                second_id: entry.id().to_string(),
                second_row: self.entries.len() + 1,
            });
        }
        entry.normalize();
        self.skeletons.add(entry.id());
        self.index.insert(entry.id().clone(), self.entries.len());
        self.entries.push(entry);
        Ok(())
    }

    /// Adds an entry or replaces the one with the same id; returns the replaced one.
    pub fn upsert(&mut self, mut entry: T) -> Result<Option<T>, PoolError> {
        match self.index.get(entry.id()) {
            Some(&i) => {
                check(&entry, i + 1)?;
                entry.normalize();
                Ok(Some(std::mem::replace(&mut self.entries[i], entry)))
            }
            None => self.insert(entry).map(|()| None),
        }
    }

    /// Changes one entry in place (e.g. a new grade or status); the id must stay the same.
    pub fn update(&mut self, id: &T::Id, f: impl FnOnce(&mut T)) -> Result<(), PoolError> {
        let not_found = || PoolError::NotFound {
            kind: T::KIND,
            id: id.to_string(),
        };
        let &i = self.index.get(id).ok_or_else(not_found)?;
        let mut entry = self.entries[i].clone();
        f(&mut entry);
        if entry.id() != id {
            return Err(PoolError::IdChanged {
                kind: T::KIND,
                id: id.to_string(),
            });
        }
        check(&entry, i + 1)?;
        entry.normalize();
        self.entries[i] = entry;
        Ok(())
    }

    /// Removes an entry (e.g. one that moved out of the area).
    pub fn remove(&mut self, id: &T::Id) -> Result<T, PoolError> {
        let i = self.index.remove(id).ok_or_else(|| PoolError::NotFound {
            kind: T::KIND,
            id: id.to_string(),
        })?;
        self.skeletons.remove(id);
        let removed = self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.index.insert(moved.id().clone(), i);
        }
        Ok(removed)
    }

    /// The entry with an id.
    pub fn get(&self, id: &T::Id) -> Option<&T> {
        self.index.get(id).map(|&i| &self.entries[i])
    }

    /// The entries, in insertion order.
    pub fn entries(&self) -> &[T] {
        &self.entries
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Freezes a snapshot: canonical order and digest. The pool itself stays adjustable.
    pub fn freeze(&self) -> T::Frozen {
        T::freeze_unique(self.entries.clone())
    }

    /// Freezes without keeping an adjustable copy (saves the clone for large pools).
    pub fn into_frozen(self) -> T::Frozen {
        T::freeze_unique(self.entries)
    }

    /// A pool of entries known to be valid with unique ids (a snapshot's, thawed).
    pub(crate) fn from_unique_entries(entries: Vec<T>) -> Pool<T> {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id().clone(), i))
            .collect();
        Pool {
            entries,
            index,
            skeletons: SkeletonIndex::default(),
        }
    }
}

fn check<T: PoolEntry>(row: &T, row_no: usize) -> Result<(), PoolError> {
    row.validate().map_err(|error| PoolError::BadEntry {
        kind: T::KIND,
        id: row.id().to_string(),
        row: row_no,
        error,
    })
}

impl<T: PoolEntry> TryFrom<Vec<T>> for Pool<T> {
    type Error = PoolError;
    fn try_from(rows: Vec<T>) -> Result<Self, PoolError> {
        Pool::from_entries(rows)
    }
}

impl<T: PoolEntry> From<Pool<T>> for Vec<T> {
    fn from(p: Pool<T>) -> Vec<T> {
        p.entries
    }
}

/// An immutable snapshot of a pool in canonical (id) order, with its digest.
///
/// Cloning is cheap (the entries are shared).
#[derive(Debug, Clone)]
pub struct Frozen<T: PoolEntry> {
    /// (An `Arc<Vec<_>>`, not an `Arc<[_]>`: the rows are moved in, never copied.)
    entries: Arc<Vec<T>>,
    /// The ids again, densely: look-ups walk these, not the entries.
    ids: Arc<[T::Id]>,
    digest: Digest,
}

/// Entries per block of a frozen target pool's class counts: how many entries of each class
/// every block holds, so that counting the classes of a large range reads a few hundred
/// numbers, not every entry.
pub(crate) const CLASS_BLOCK: usize = 1 << 16;

impl<T: PoolEntry> Frozen<T> {
    /// Builds and freezes in one step, from rows in any order: the result and the errors are
    /// those of [`Pool::from_entries`] then [`Pool::into_frozen`], without the adjustable
    /// pool's id index (for large pools loaded once, e.g. from a data frame).
    ///
    /// # Errors
    ///
    /// The first problem in row order, as [`Pool::from_entries`] reports it: a row whose fields
    /// are not acceptable, or a row whose id an earlier row has or looks like.
    pub fn from_entries(mut rows: Vec<T>) -> Result<Frozen<T>, PoolError> {
        // The first row that is not acceptable, normalising the rest and hashing every id's
        // skeleton while the row is at hand.
        let mut first_bad = None;
        let mut hashes = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter_mut().enumerate() {
            if first_bad.is_none() {
                if let Err(e) = check(row, i + 1) {
                    first_bad = Some((i, e));
                }
            }
            row.normalize();
            hashes.push(skeleton_hash(row.id().as_ref()));
        }
        // The first look-alike pair by its later row (see `first_look_alike` for why this is
        // the pair the adjustable pool reports where it is the first problem).
        let look_alike = first_look_alike_hashed(hashes, |i| rows[i].id().as_ref());
        let ascending = rows.windows(2).all(|w| w[0].id() < w[1].id());
        let (order, duplicate) = if ascending {
            (None, None)
        } else {
            // Rows out of order: in (id, row) order equal ids stand together in row order; the
            // duplicate to report is the one whose second row comes first.
            let order = canonical_order(&rows);
            let duplicate = order
                .windows(2)
                .filter(|w| w[0].0 == w[1].0 && rows[w[0].1].id() == rows[w[1].1].id())
                .map(|w| (w[0].1, w[1].1))
                .min_by_key(|&(_, second)| second);
            (Some(order), duplicate)
        };
        // The problem of the earliest row; at one row, its own fields are checked before its
        // id is compared with earlier rows' (and a row cannot both repeat one earlier id and
        // look like another: those two would have clashed first).
        let mut first: Option<(usize, PoolError)> = first_bad;
        if let Some((earlier, later)) = duplicate {
            if first.as_ref().is_none_or(|&(row, _)| later < row) {
                let e = PoolError::DuplicateId {
                    kind: T::KIND,
                    id: rows[later].id().to_string(),
                    first: earlier + 1,
                    second: later + 1,
                };
                first = Some((later, e));
            }
        }
        if let Some((earlier, later)) = look_alike {
            if first.as_ref().is_none_or(|&(row, _)| later < row) {
                first = Some((later, PoolError::look_alike(&rows, earlier, later)));
            }
        }
        if let Some((_, e)) = first {
            return Err(e);
        }
        Ok(Frozen::from_sorted_unique(match order {
            Some(order) => permute(rows, &order),
            None => rows,
        }))
    }

    /// Entries must have unique ids (guaranteed by [`Pool`]).
    pub(crate) fn from_sorted_unique(mut entries: Vec<T>) -> Frozen<T> {
        if !entries.is_sorted_by(|a, b| a.id() < b.id()) {
            let order = canonical_order(&entries);
            entries = permute(entries, &order);
        }
        // Walking a sample in canonical order should read memory in order: give the ids fresh
        // allocations in that order, unless they already lie so.
        if !entries
            .windows(2)
            .all(|w| w[0].id_address() < w[1].id_address())
        {
            entries.iter_mut().for_each(PoolEntry::relocate_id);
        }
        let digest = digest_of(&entries);
        let ids = entries.iter().map(|e| e.id().clone()).collect();
        Frozen {
            entries: Arc::new(entries),
            ids,
            digest,
        }
    }

    /// The entries in canonical order; the position of an entry is its canonical index.
    pub fn entries(&self) -> &[T] {
        &self.entries
    }

    /// The ids in canonical order (shared with the entries).
    pub fn ids(&self) -> &[T::Id] {
        &self.ids
    }

    /// The SM3 digest of the canonical encoding.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the snapshot is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The canonical index of an id (binary search).
    pub fn position(&self, id: &T::Id) -> Option<usize> {
        self.ids.binary_search(id).ok()
    }

    /// The entry with an id.
    pub fn get(&self, id: &T::Id) -> Option<&T> {
        self.position(id).map(|i| &self.entries[i])
    }

    /// A pool to adjust, starting from this snapshot.
    pub fn thaw(&self) -> Pool<T> {
        let entries = self.entries.to_vec();
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id().clone(), i))
            .collect();
        Pool {
            entries,
            index,
            skeletons: SkeletonIndex::default(),
        }
    }
}

impl<T: PoolEntry> PartialEq for Frozen<T> {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest && self.entries.len() == other.entries.len()
    }
}

/// The rows in canonical order, as `(prefix, row)` pairs sorted by (id, row).
///
/// The first 16 bytes of each id, big-endian and zero-padded, sort as the ids do (ids hold no
/// control characters, so padding never ties with a real byte), and sit inline: the sort reads
/// the whole id only where two prefixes are equal. Sorting whole ids, or the rows themselves,
/// followed pointers to every id at random (2–3× slower for a shuffled pool of 10⁶).
fn canonical_order<T: PoolEntry>(rows: &[T]) -> Vec<(u128, usize)> {
    let prefix = |id: &str| {
        let mut b = [0u8; 16];
        let k = id.len().min(16);
        b[..k].copy_from_slice(&id.as_bytes()[..k]);
        u128::from_be_bytes(b)
    };
    let mut order: Vec<(u128, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (prefix(r.id().as_ref()), i))
        .collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| rows[a.1].id().cmp(rows[b.1].id()))
            .then(a.1.cmp(&b.1))
    });
    order
}

/// The rows in the order of [`canonical_order`] (each moved once).
fn permute<T>(rows: Vec<T>, order: &[(u128, usize)]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = rows.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&(_, i)| slots[i].take().expect("every row is taken once"))
        .collect()
}

fn digest_of<T: PoolEntry>(sorted: &[T]) -> Digest {
    let mut e = Encoder::new(T::DIGEST_LABEL);
    e.u64(sorted.len() as u64);
    let mut handle = EncoderHandle(&mut e);
    for entry in sorted {
        entry.encode(&mut handle);
    }
    e.finish()
}

impl<T: PoolEntry + Serialize> Serialize for Frozen<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(s)
    }
}

impl<'de, T: PoolEntry + Deserialize<'de>> Deserialize<'de> for Frozen<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let rows = Vec::<T>::deserialize(d)?;
        Frozen::from_entries(rows).map_err(serde::de::Error::custom)
    }
}
