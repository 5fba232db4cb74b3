//! Finding ids a reader takes for one (different text, one TR39 skeleton, see
//! [`crate::ids::skeleton`]) among the millions of a pool, without a map of skeleton strings.
//!
//! Every id gets a 64-bit hash of its skeleton: ASCII ids (the usual case: credit codes,
//! database keys) through a table of each ASCII character's skeleton, other ids through the
//! Unicode tables. The hashes are sorted once; only ids whose hashes tie have their skeletons
//! built and compared, so a pool without look-alikes costs one hash per id and one sort.

use crate::ids;
use rustc_hash::{FxBuildHasher, FxHasher};
use std::collections::HashMap;
use std::hash::Hasher;

/// The skeleton of each ASCII character as UTF-8 bytes in a little-endian word, with the number
/// of bytes (at most 6: `%` is `°/₀`). Checked against the Unicode tables for every character in
/// the tests.
static ASCII_SKELETON: [(u64, u32); 128] = ascii_table();

const fn entry(skeleton: &str) -> (u64, u32) {
    let bytes = skeleton.as_bytes();
    let mut word = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        word |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    (word, bytes.len() as u32)
}

const fn ascii_table() -> [(u64, u32); 128] {
    let mut t = [(0u64, 1u32); 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u64, 1);
        b += 1;
    }
    // The ASCII characters whose skeleton is not themselves (Unicode 18.0.0 confusables).
    t[b'"' as usize] = entry("''");
    t[b'%' as usize] = entry("°/₀");
    t[b'0' as usize] = entry("O");
    t[b'1' as usize] = entry("l");
    t[b'I' as usize] = entry("l");
    t[b'`' as usize] = entry("'");
    t[b'm' as usize] = entry("rn");
    t[b'|' as usize] = entry("l");
    t
}

/// Hashes a stream of bytes eight at a time, however the stream is cut into pieces: the
/// table's pieces for ASCII ids and the skeleton's for others give one hash for one skeleton.
struct StreamHasher {
    hasher: FxHasher,
    /// Bytes not hashed yet, the first in the lowest byte.
    pending: u128,
    pending_bits: u32,
    len: u64,
}

impl StreamHasher {
    fn new() -> Self {
        StreamHasher {
            hasher: FxHasher::default(),
            pending: 0,
            pending_bits: 0,
            len: 0,
        }
    }

    /// Appends `n` (at most 8) bytes, held in the low bytes of `word` (the rest zero).
    #[inline]
    fn push(&mut self, word: u64, n: u32) {
        self.pending |= u128::from(word) << self.pending_bits;
        self.pending_bits += 8 * n;
        self.len += u64::from(n);
        if self.pending_bits >= 64 {
            self.hasher.write_u64(self.pending as u64);
            self.pending >>= 64;
            self.pending_bits -= 64;
        }
    }

    fn finish(mut self) -> u64 {
        self.hasher.write_u64(self.pending as u64);
        self.hasher.write_u64(self.len);
        self.hasher.finish()
    }
}

/// A 64-bit hash of the skeleton of `id`: equal skeletons hash equally, whichever path built
/// them.
pub(crate) fn skeleton_hash(id: &str) -> u64 {
    let mut h = StreamHasher::new();
    if id.is_ascii() {
        for &b in id.as_bytes() {
            let (word, n) = ASCII_SKELETON[usize::from(b)];
            h.push(word, n);
        }
    } else {
        for chunk in ids::skeleton(id).as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h.push(u64::from_le_bytes(word), chunk.len() as u32);
        }
    }
    h.finish()
}

/// The first row, in row order, whose id looks like an earlier row's different id, with that
/// earlier row: `(earlier, later)`, 0-based, for rows `0..n` whose ids `id_of` gives.
///
/// Rows may repeat an id (a duplicate is another error, reported by whoever calls this); the
/// answer is then still right wherever it is the first error of the rows: in each group of
/// rows with one skeleton, the pair is the group's first row and its first row with another id.
pub(crate) fn first_look_alike<'a>(
    n: usize,
    id_of: impl Fn(usize) -> &'a str,
) -> Option<(usize, usize)> {
    let hashes = (0..n).map(|i| skeleton_hash(id_of(i))).collect();
    first_look_alike_hashed(hashes, id_of)
}

/// [`first_look_alike`] given the [`skeleton_hash`] of every row's id, in row order (for callers
/// that hash each id while they have its row at hand).
pub(crate) fn first_look_alike_hashed<'a>(
    mut hashes: Vec<u64>,
    id_of: impl Fn(usize) -> &'a str,
) -> Option<(usize, usize)> {
    let n = hashes.len();
    if n < 2 {
        return None;
    }
    // On every core: at 10⁷ ids this sort is a large part of checking a pool.
    crate::target::sort_parallel(&mut hashes, &|a: &u64, b: &u64| a.cmp(b));
    let mut tied: Vec<u64> = hashes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    drop(hashes);
    if tied.is_empty() {
        return None;
    }
    tied.dedup();
    // Ties are look-alikes, duplicates or (rarely) two skeletons with one hash: only these
    // rows are looked at again, and only their skeletons are built.
    let mut rows: Vec<(u64, usize)> = (0..n)
        .filter_map(|i| {
            let h = skeleton_hash(id_of(i));
            tied.binary_search(&h).is_ok().then_some((h, i))
        })
        .collect();
    rows.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let mut members: Vec<(String, usize)> = group
            .iter()
            .map(|&(_, i)| (ids::skeleton(id_of(i)), i))
            .collect();
        members.sort_unstable();
        for same in members.chunk_by(|a, b| a.0 == b.0) {
            let first = same[0].1;
            let other = same.iter().find(|&&(_, i)| id_of(i) != id_of(first));
            if let Some(&(_, second)) = other {
                if best.is_none_or(|(_, s)| second < s) {
                    best = Some((first, second));
                }
            }
        }
    }
    best
}

/// Where two look-alike ids first differ, for messages: `character 6 (U+0045 against
/// U+0415)`, the characters escaped as code points so that a message shows what a reader
/// cannot see.
pub(crate) fn first_difference(a: &str, b: &str) -> String {
    let mut ca = a.chars();
    let mut cb = b.chars();
    let mut pos = 1;
    loop {
        match (ca.next(), cb.next()) {
            (Some(x), Some(y)) if x == y => pos += 1,
            (Some(x), Some(y)) => {
                return format!(
                    "character {pos} (U+{:04X} against U+{:04X})",
                    u32::from(x),
                    u32::from(y)
                );
            }
            (Some(x), None) => {
                return format!("character {pos} (U+{:04X} against the end)", u32::from(x));
            }
            (None, Some(y)) => {
                return format!("character {pos} (the end against U+{:04X})", u32::from(y));
            }
            (None, None) => return "nowhere (the ids are equal)".to_owned(),
        }
    }
}

/// The skeleton hashes of an adjustable pool's ids, built on its first insertion (a pool that
/// is only built and frozen never needs them): hash to id, with the ids of the rare second
/// skeleton of a hash kept aside.
#[derive(Debug, Clone)]
pub(crate) struct SkeletonIndex<I> {
    built: Option<Built<I>>,
}

/// Hash to id, and the ids whose hash another id already has.
type Built<I> = (HashMap<u64, I, FxBuildHasher>, Vec<(u64, I)>);

/// Files `id` under its hash, or aside when the hash is taken.
fn file_id<I: Clone>(
    map: &mut HashMap<u64, I, FxBuildHasher>,
    aside: &mut Vec<(u64, I)>,
    h: u64,
    id: &I,
) {
    match map.entry(h) {
        std::collections::hash_map::Entry::Occupied(_) => aside.push((h, id.clone())),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(id.clone());
        }
    }
}

impl<I> Default for SkeletonIndex<I> {
    fn default() -> Self {
        SkeletonIndex { built: None }
    }
}

/// The index is derived from the pool's ids: two pools with the same entries are equal
/// whether or not either has built it.
impl<I> PartialEq for SkeletonIndex<I> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<I: Clone + Eq + AsRef<str>> SkeletonIndex<I> {
    /// An id already indexed (built from `ids` if not yet) that looks like `id`.
    pub(crate) fn look_alike<'a>(&mut self, ids: impl Iterator<Item = &'a I>, id: &I) -> Option<&I>
    where
        I: 'a,
    {
        let (map, aside) = self.built.get_or_insert_with(|| {
            let mut map = HashMap::with_capacity_and_hasher(ids.size_hint().0, FxBuildHasher);
            let mut aside = Vec::new();
            for i in ids {
                file_id(&mut map, &mut aside, skeleton_hash(i.as_ref()), i);
            }
            (map, aside)
        });
        let h = skeleton_hash(id.as_ref());
        // The skeleton is built only when another id has its hash.
        let mut skeleton = None;
        map.get(&h)
            .into_iter()
            .chain(aside.iter().filter(|(k, _)| *k == h).map(|(_, i)| i))
            .find(|other| {
                *other != id
                    && ids::skeleton(other.as_ref())
                        == *skeleton.get_or_insert_with(|| ids::skeleton(id.as_ref()))
            })
    }

    /// Adds an id (to a built index; an index not built yet will be built with it).
    pub(crate) fn add(&mut self, id: &I) {
        if let Some((map, aside)) = &mut self.built {
            file_id(map, aside, skeleton_hash(id.as_ref()), id);
        }
    }

    /// Removes an id.
    pub(crate) fn remove(&mut self, id: &I) {
        if let Some((map, aside)) = &mut self.built {
            let h = skeleton_hash(id.as_ref());
            if map.get(&h) == Some(id) {
                map.remove(&h);
                if let Some(k) = aside.iter().position(|(k, _)| *k == h) {
                    let (_, moved) = aside.swap_remove(k);
                    map.insert(h, moved);
                }
            } else {
                aside.retain(|(k, i)| !(*k == h && i == id));
            }
        }
    }
}

/// The ids of a frozen pool, to tell whether an id a list names outside the pool looks like
/// one of them: their skeleton hashes are sorted on the first question, since most lists name
/// only pool ids and never ask.
pub(crate) struct PoolSkeletons<'p, I> {
    ids: &'p [I],
    hashes: std::cell::OnceCell<Vec<(u64, u32)>>,
}

impl<'p, I: AsRef<str>> PoolSkeletons<'p, I> {
    pub(crate) fn new(ids: &'p [I]) -> Self {
        PoolSkeletons {
            ids,
            hashes: std::cell::OnceCell::new(),
        }
    }

    /// A pool id that looks like `id` (and is not `id`).
    pub(crate) fn look_alike(&self, id: &str) -> Option<&'p I> {
        let hashes = self.hashes.get_or_init(|| {
            let mut h: Vec<(u64, u32)> = (0..self.ids.len())
                .map(|i| (skeleton_hash(self.ids[i].as_ref()), i as u32))
                .collect();
            h.sort_unstable();
            h
        });
        let h = skeleton_hash(id);
        let from = hashes.partition_point(|&(k, _)| k < h);
        let skeleton = ids::skeleton(id);
        hashes[from..]
            .iter()
            .take_while(|&&(k, _)| k == h)
            .map(|&(_, i)| &self.ids[i as usize])
            .find(|other| other.as_ref() != id && ids::skeleton(other.as_ref()) == skeleton)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_ascii_table_is_the_unicode_tables() {
        for b in 0u8..128 {
            let c = char::from(b);
            let (word, n) = ASCII_SKELETON[usize::from(b)];
            let bytes = &word.to_le_bytes()[..n as usize];
            assert!(
                word.to_le_bytes()[n as usize..].iter().all(|&x| x == 0),
                "{c:?}"
            );
            assert_eq!(
                std::str::from_utf8(bytes).unwrap(),
                ids::skeleton(&c.to_string()),
                "{c:?}"
            );
        }
        // A skeleton of ASCII text is the skeletons of its characters, one after another.
        let printable: String = (0x20u8..0x7f).map(char::from).collect();
        let joined: String = printable
            .chars()
            .map(|c| ids::skeleton(&c.to_string()))
            .collect();
        assert_eq!(ids::skeleton(&printable), joined);
    }

    /// The hash of a skeleton fed one byte at a time.
    fn slow_hash(id: &str) -> u64 {
        let skeleton = ids::skeleton(id);
        let mut h = StreamHasher::new();
        for &b in skeleton.as_bytes() {
            h.push(u64::from(b), 1);
        }
        h.finish()
    }

    proptest! {
        #[test]
        fn the_fast_hash_is_the_hash_of_the_skeleton(id in "[ -~]{0,128}") {
            prop_assert_eq!(skeleton_hash(&id), slow_hash(&id));
        }
    }

    #[test]
    fn long_and_non_ascii_ids_hash_as_their_skeletons() {
        for id in ["ACME-\u{415}1", "２０２６", &"m".repeat(200), "大冶市%"] {
            assert_eq!(skeleton_hash(id), slow_hash(id), "{id}");
        }
        assert_eq!(skeleton_hash("ACME-E1"), skeleton_hash("ACME-\u{415}1"));
        assert_eq!(skeleton_hash("rn0"), skeleton_hash("mO"));
    }

    #[test]
    fn the_first_look_alike_in_row_order() {
        let find = |ids: &[&str]| first_look_alike(ids.len(), |i| ids[i]);
        assert_eq!(find(&[]), None);
        assert_eq!(find(&["E1", "E2", "E3"]), None);
        assert_eq!(find(&["E1", "E2", "E1"]), None); // a duplicate only
        assert_eq!(
            find(&["E1", "x", "E\u{415}", "\u{415}1", "El"]),
            Some((0, 3))
        );
        assert_eq!(find(&["m1", "B", "C", "A0", "rnl", "AO"]), Some((0, 4)));
        // The group's first row and its first row with another id.
        assert_eq!(find(&["E1", "E1", "El"]), Some((0, 2)));
    }

    #[test]
    fn differences_are_code_points() {
        assert_eq!(
            first_difference("ACME-E1", "ACME-\u{415}1"),
            "character 6 (U+0045 against U+0415)"
        );
        assert_eq!(
            first_difference("rn", "r"),
            "character 2 (U+006E against the end)"
        );
        assert_eq!(
            first_difference("a", "ab"),
            "character 2 (the end against U+0062)"
        );
    }

    #[test]
    fn an_index_finds_look_alikes_and_forgets_removed_ids() {
        let pool = ["E1".to_owned(), "B2".to_owned()];
        let mut index = SkeletonIndex::default();
        assert_eq!(
            index.look_alike(pool.iter(), &"El".to_owned()),
            Some(&pool[0])
        );
        assert_eq!(index.look_alike(pool.iter(), &"E1".to_owned()), None);
        index.add(&"C\u{415}".to_owned());
        assert_eq!(
            index.look_alike(pool.iter(), &"CE".to_owned()),
            Some(&"C\u{415}".to_owned())
        );
        index.remove(&"C\u{415}".to_owned());
        assert_eq!(index.look_alike(pool.iter(), &"CE".to_owned()), None);
    }
}
