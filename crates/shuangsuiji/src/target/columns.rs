//! The storage of a frozen target pool: one column per field, so that a target costs about its
//! id and its attributes, and a pool of millions is freed as a few dozen allocations.
//!
//! - [`Arena`]: strings one after another in one buffer (ids, names);
//! - [`Lazy`]: a fixed-size value per target, not allocated while every value is the default
//!   (no credit codes, no risk scores, only active enterprises);
//! - [`Dict`]: distinct strings, each target holding a code (regions, industries, grids);
//! - [`TagSets`]: distinct sets of tags, each target holding the code of its set.
//!
//! Dictionary entries keep their canonical encoding (`docs/SAMPLING.md` §1) beside their text, so
//! that the digest copies them instead of encoding them again for every target.

use rustc_hash::FxHashMap;

/// Strings one after another in one buffer: string `i` is `bytes[end(i − 1)..end(i)]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    bytes: String,
    ends: Ends,
    len: usize,
}

/// Where each string of an [`Arena`] ends: nothing while every string is empty, 32-bit offsets
/// while the buffer is below 4 GiB, 64-bit ones beyond.
#[derive(Debug, Clone, Default)]
enum Ends {
    #[default]
    Empty,
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Arena {
    pub(crate) fn with_capacity(strings: usize, bytes: usize) -> Arena {
        Arena {
            bytes: String::with_capacity(bytes),
            ends: if bytes > 0 {
                Ends::Narrow(Vec::with_capacity(strings))
            } else {
                Ends::Empty
            },
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, s: &str) {
        if s.is_empty() && matches!(self.ends, Ends::Empty) {
            self.len += 1;
            return;
        }
        self.bytes.push_str(s);
        let end = self.bytes.len();
        if let Ends::Empty = self.ends {
            self.ends = Ends::Narrow(vec![0; self.len]);
        }
        if let Ends::Narrow(v) = &mut self.ends {
            match u32::try_from(end) {
                Ok(e) => v.push(e),
                Err(_) => {
                    let mut wide: Vec<u64> = v.iter().map(|&e| u64::from(e)).collect();
                    wide.push(end as u64);
                    self.ends = Ends::Wide(wide);
                }
            }
        } else if let Ends::Wide(v) = &mut self.ends {
            v.push(end as u64);
        }
        self.len += 1;
    }

    fn end(&self, i: usize) -> usize {
        match &self.ends {
            Ends::Empty => 0,
            Ends::Narrow(v) => v[i] as usize,
            Ends::Wide(v) => v[i] as usize,
        }
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        &self.bytes[start..self.end(i)]
    }

    /// Appends the strings `rows` of `from`.
    pub(crate) fn extend_gathered(&mut self, from: &Arena, rows: &[u32]) {
        if matches!(from.ends, Ends::Empty) && matches!(self.ends, Ends::Empty) {
            self.len += rows.len();
            return;
        }
        if self.bytes.capacity() == 0 {
            // The whole arena is gathered into this one: reserve it at once.
            self.bytes.reserve(from.bytes.len());
        }
        for &i in rows {
            self.push(from.get(i as usize));
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        match &mut self.ends {
            Ends::Empty => {}
            Ends::Narrow(v) => v.shrink_to_fit(),
            Ends::Wide(v) => v.shrink_to_fit(),
        }
    }

    /// Bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + match &self.ends {
                Ends::Empty => 0,
                Ends::Narrow(v) => v.capacity() * 4,
                Ends::Wide(v) => v.capacity() * 8,
            }
    }
}

/// One value per target, allocated only once a value other than the default appears.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lazy<T> {
    values: Vec<T>,
    len: usize,
}

impl<T: Copy + Default + PartialEq> Lazy<T> {
    pub(crate) fn push(&mut self, v: T) {
        if self.values.is_empty() {
            if v == T::default() {
                self.len += 1;
                return;
            }
            self.values.reserve(self.len.max(1024));
            self.values.resize(self.len, T::default());
        }
        self.values.push(v);
        self.len += 1;
    }

    pub(crate) fn get(&self, i: usize) -> T {
        self.values.get(i).copied().unwrap_or_default()
    }

    /// The value of target `i` in place, `None` while the column holds only defaults.
    pub(crate) fn slot(&self, i: usize) -> Option<&T> {
        self.values.get(i)
    }

    /// Appends the values `rows` of `from`.
    pub(crate) fn extend_gathered(&mut self, from: &Lazy<T>, rows: &[u32]) {
        if from.values.is_empty() {
            if !self.values.is_empty() {
                self.values
                    .resize(self.values.len() + rows.len(), T::default());
            }
            self.len += rows.len();
            return;
        }
        if self.values.is_empty() {
            self.values.reserve(from.len);
            self.values.resize(self.len, T::default());
        }
        self.values
            .extend(rows.iter().map(|&i| from.values[i as usize]));
        self.len += rows.len();
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<T>()
    }
}

/// Appends `str(s)` of the canonical encoding: the UTF-8 length (4 bytes, big-endian) and the
/// bytes. (Lengths are bounded far below 2³² by what a pool holds; saturating keeps it total.)
pub(crate) fn encode_str(out: &mut Vec<u8>, s: &str) {
    let n = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Distinct strings; code 0 is always the empty string.
#[derive(Debug, Clone)]
pub(crate) struct Dict {
    strings: Vec<Box<str>>,
    /// `str(s)` of every string, one after another, and where each ends.
    encoded: Vec<u8>,
    encoded_ends: Vec<usize>,
    /// Only while building.
    index: FxHashMap<Box<str>, u32>,
}

impl Default for Dict {
    fn default() -> Self {
        let mut d = Dict {
            strings: Vec::new(),
            encoded: Vec::new(),
            encoded_ends: Vec::new(),
            index: FxHashMap::default(),
        };
        d.code("");
        d
    }
}

impl Dict {
    /// The code of `s`, added if new.
    pub(crate) fn code(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.into());
        encode_str(&mut self.encoded, s);
        self.encoded_ends.push(self.encoded.len());
        self.index.insert(s.into(), c);
        c
    }

    pub(crate) fn get(&self, code: u32) -> &str {
        &self.strings[code as usize]
    }

    pub(crate) fn encoded(&self, code: u32) -> &[u8] {
        let c = code as usize;
        let start = if c == 0 { 0 } else { self.encoded_ends[c - 1] };
        &self.encoded[start..self.encoded_ends[c]]
    }

    /// The strings, by code.
    pub(crate) fn strings(&self) -> impl Iterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }

    /// Drops what only building needs.
    pub(crate) fn seal(&mut self) {
        self.index = FxHashMap::default();
        self.strings.shrink_to_fit();
        self.encoded.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len() + 16).sum::<usize>()
            + self.encoded.capacity()
            + self.encoded_ends.capacity() * 8
            + self.index.capacity() * 24
    }
}

/// Distinct sets of tags; set 0 is always the empty set. A set lists its tags' codes in the
/// canonical order of the tags (byte order of their text).
#[derive(Debug, Clone)]
pub(crate) struct TagSets {
    tags: Dict,
    sets: Vec<Box<[u32]>>,
    /// `u32be(count) ‖ str(tag)…` of every set, one after another, and where each ends.
    encoded: Vec<u8>,
    encoded_ends: Vec<usize>,
    /// Only while building: set by its tags, and by the raw cell it was read from.
    index: FxHashMap<Box<[u32]>, u32>,
    cells: FxHashMap<Box<str>, u32>,
}

impl Default for TagSets {
    fn default() -> Self {
        let mut t = TagSets {
            tags: Dict::default(),
            sets: Vec::new(),
            encoded: Vec::new(),
            encoded_ends: Vec::new(),
            index: FxHashMap::default(),
            cells: FxHashMap::default(),
        };
        t.code_of_codes(Vec::new());
        t
    }
}

impl TagSets {
    /// The set read from a raw cell before, if any.
    pub(crate) fn cached(&self, cell: &str) -> Option<u32> {
        self.cells.get(cell).copied()
    }

    /// Remembers the set a raw cell reads as.
    pub(crate) fn cache(&mut self, cell: &str, code: u32) {
        self.cells.insert(cell.into(), code);
    }

    /// The code of a set of tags (in any order, repeats allowed).
    pub(crate) fn code<'a>(&mut self, tags: impl IntoIterator<Item = &'a str>) -> u32 {
        let mut named: Vec<&str> = tags.into_iter().collect();
        named.sort_unstable();
        named.dedup();
        let codes = named.iter().map(|t| self.tags.code(t)).collect();
        self.code_of_codes(codes)
    }

    fn code_of_codes(&mut self, codes: Vec<u32>) -> u32 {
        if let Some(&c) = self.index.get(codes.as_slice()) {
            return c;
        }
        let c = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        let n = u32::try_from(codes.len()).unwrap_or(u32::MAX);
        self.encoded.extend_from_slice(&n.to_be_bytes());
        for &t in &codes {
            self.encoded.extend_from_slice(self.tags.encoded(t));
        }
        self.encoded_ends.push(self.encoded.len());
        let codes: Box<[u32]> = codes.into();
        self.sets.push(codes.clone());
        self.index.insert(codes, c);
        c
    }

    /// The tags of set `code`, in canonical order.
    pub(crate) fn tags(&self, code: u32) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.sets[code as usize].iter().map(|&t| self.tags.get(t))
    }

    pub(crate) fn encoded(&self, code: u32) -> &[u8] {
        let c = code as usize;
        let start = if c == 0 { 0 } else { self.encoded_ends[c - 1] };
        &self.encoded[start..self.encoded_ends[c]]
    }

    pub(crate) fn len(&self) -> usize {
        self.sets.len()
    }

    /// The distinct tags (by tag code) and, per set, its tag codes.
    pub(crate) fn tag_dict(&self) -> &Dict {
        &self.tags
    }

    pub(crate) fn set(&self, code: u32) -> &[u32] {
        &self.sets[code as usize]
    }

    pub(crate) fn seal(&mut self) {
        self.tags.seal();
        self.index = FxHashMap::default();
        self.cells = FxHashMap::default();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.tags.heap_bytes()
            + self.sets.iter().map(|s| s.len() * 4 + 16).sum::<usize>()
            + self.encoded.capacity()
            + self.encoded_ends.capacity() * 8
            + self.index.capacity() * 24
            + self.cells.capacity() * 24
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arenas_hold_empty_and_long_strings() {
        let mut a = Arena::default();
        a.push("");
        a.push("");
        assert_eq!((a.len(), a.get(1)), (2, ""));
        a.push("企业");
        a.push("");
        a.push("x");
        assert_eq!(
            (0..5).map(|i| a.get(i)).collect::<Vec<_>>(),
            ["", "", "企业", "", "x"]
        );
        let mut g = Arena::default();
        g.extend_gathered(&a, &[4, 2]);
        g.extend_gathered(&a, &[0]);
        assert_eq!((g.get(0), g.get(1), g.get(2)), ("x", "企业", ""));
    }

    #[test]
    fn lazy_columns_allocate_only_for_other_values() {
        let mut l = Lazy::<u32>::default();
        l.push(0);
        l.push(0);
        assert!(l.slot(0).is_none());
        l.push(7);
        assert_eq!(l.slot(0), Some(&0));
        assert_eq!((l.get(0), l.get(2), l.get(9)), (0, 7, 0));
        let mut g = Lazy::default();
        g.extend_gathered(&Lazy::<u32>::default(), &[0, 1]);
        g.extend_gathered(&l, &[2, 2, 0]);
        assert_eq!((g.get(1), g.get(3), g.get(4)), (0, 7, 0));
    }

    #[test]
    fn dictionaries_encode_their_entries() {
        let mut d = Dict::default();
        assert_eq!((d.code(""), d.code("4202"), d.code("4202")), (0, 1, 1));
        assert_eq!(d.encoded(1), [0, 0, 0, 4, b'4', b'2', b'0', b'2']);
        assert_eq!(d.encoded(0), [0, 0, 0, 0]);
        let mut t = TagSets::default();
        let a = t.code(["餐饮", "食品", "餐饮"]);
        assert_eq!(t.code(["食品", "餐饮"]), a);
        assert_eq!(t.code([]), 0);
        let mut expected = vec![0, 0, 0, 2];
        for tag in ["食品", "餐饮"] {
            encode_str(&mut expected, tag);
        }
        assert_eq!(t.encoded(a), expected);
        assert_eq!(t.tags(a).collect::<Vec<_>>(), ["食品", "餐饮"]);
        assert_eq!(t.encoded(0), [0, 0, 0, 0]);
    }
}
