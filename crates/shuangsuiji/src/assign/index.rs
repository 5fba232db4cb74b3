//! Interning of string ids into dense indices, for the matching's one pass over its inputs.
//!
//! A matching looks up a few strings per visit (target, departments, items, last inspectors);
//! SipHash over a `HashMap` of `&str` costs more than the rest of a visit. This table hashes
//! eight bytes at a time with a multiplicative hash (as rustc's `FxHash`), keeps each key's full
//! hash beside its index so that a probe compares the text only on a hash match, and hands out
//! dense indices in insertion order. Results never depend on the hash: it only finds equal
//! strings, which are then compared in full.

/// A map from strings to dense indices `0..len`, in order of first insertion.
pub(super) struct Interner<'a> {
    /// Open addressing: `(high half of the hash, index + 1)`, zero index for an empty slot.
    slots: Vec<(u32, u32)>,
    /// `slots.len() - 1`.
    mask: usize,
    keys: Vec<&'a str>,
    /// The fingerprint of each key, which is the key itself up to 16 bytes.
    prints: Vec<Print>,
}

/// A string's length and two words of it: its first and last eight bytes (four when shorter
/// than eight, all of them when shorter than four), which determine any string of at most 16
/// bytes. Comparing fingerprints is three integer comparisons and no call to `memcmp`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Print {
    head: u64,
    tail: u64,
    len: u64,
}

const EXACT: u64 = 16;

#[inline]
fn word8(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

#[inline]
fn word4(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(w))
}

#[inline]
fn print(s: &str) -> Print {
    let b = s.as_bytes();
    let n = b.len();
    let (head, tail) = if n >= 8 {
        let end = n.min(EXACT as usize);
        (word8(b), word8(&b[end - 8..]))
    } else if n >= 4 {
        (word4(b), word4(&b[n - 4..]))
    } else {
        let mut x = 0u64;
        for (i, &c) in b.iter().enumerate() {
            x |= u64::from(c) << (8 * i);
        }
        (x, 0)
    };
    Print {
        head,
        tail,
        len: n as u64,
    }
}

/// The hash of a key with its fingerprint: from the fingerprint alone when that is exact.
#[inline]
fn hash_print(s: &str, p: &Print) -> u64 {
    if p.len > EXACT {
        return hash(s);
    }
    let h = (p.head ^ p.len.rotate_left(40)).wrapping_mul(K);
    let h = (h.rotate_left(26) ^ p.tail).wrapping_mul(K);
    h ^ (h >> 29) ^ (h >> 47)
}

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// A fast, non-cryptographic hash of a string (only for finding equal strings).
#[inline]
pub(super) fn hash(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(26) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(26) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    // Fold the well-mixed high bits down, since the slot is taken from the low ones.
    h ^ (h >> 29) ^ (h >> 47)
}

impl<'a> Interner<'a> {
    /// An empty table sized for about `n` keys.
    pub(super) fn with_capacity(n: usize) -> Interner<'a> {
        let cap = (n.max(4) * 2).next_power_of_two();
        Interner {
            slots: vec![(0, 0); cap],
            mask: cap - 1,
            keys: Vec::with_capacity(n),
            prints: Vec::with_capacity(n),
        }
    }

    /// The keys, by index.
    pub(super) fn keys(&self) -> &[&'a str] {
        &self.keys
    }

    /// The index of a key.
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<u32> {
        let p = print(key);
        self.find(hash_print(key, &p), &p, key).err()
    }

    /// The index of a key, inserting it (with the next index) if new; `true` when inserted.
    #[inline]
    pub(super) fn insert(&mut self, key: &'a str) -> (u32, bool) {
        let p = print(key);
        let h = hash_print(key, &p);
        match self.find(h, &p, key) {
            Err(i) => (i, false),
            Ok(slot) => {
                let i = self.keys.len() as u32;
                self.slots[slot] = ((h >> 32) as u32, i + 1);
                self.keys.push(key);
                self.prints.push(p);
                if self.keys.len() * 2 > self.slots.len() {
                    self.grow();
                }
                (i, true)
            }
        }
    }

    /// `Err(index)` of a present key, or `Ok(slot)` of the empty slot where it would go.
    #[inline]
    fn find(&self, h: u64, p: &Print, key: &str) -> Result<usize, u32> {
        let mut slot = h as usize & self.mask;
        loop {
            let (sh, i) = self.slots[slot];
            if i == 0 {
                return Ok(slot);
            }
            let k = i as usize - 1;
            if sh == (h >> 32) as u32
                && self.prints[k] == *p
                && (p.len <= EXACT || self.keys[k] == key)
            {
                return Err(i - 1);
            }
            slot = (slot + 1) & self.mask;
        }
    }

    fn grow(&mut self) {
        let cap = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); cap]);
        self.mask = cap - 1;
        for (tag, i) in old.into_iter().filter(|&(_, i)| i != 0) {
            let k = i as usize - 1;
            let mut slot = hash_print(self.keys[k], &self.prints[k]) as usize & self.mask;
            while self.slots[slot].1 != 0 {
                slot = (slot + 1) & self.mask;
            }
            self.slots[slot] = (tag, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_in_insertion_order() {
        let words: Vec<String> = (0..1000).map(|i| format!("id-{}", i % 700)).collect();
        let mut t = Interner::with_capacity(1);
        for (k, w) in words.iter().enumerate() {
            let (i, new) = t.insert(w);
            assert_eq!(new, k < 700);
            assert_eq!(i as usize, k % 700);
        }
        assert_eq!(t.keys().len(), 700);
        assert_eq!(t.get("id-699"), Some(699));
        assert_eq!(t.get("id-700"), None);
        assert_eq!(t.get(""), None);
        assert_eq!(t.keys()[5], "id-5");
    }

    #[test]
    fn fingerprints_tell_short_strings_apart() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abce",
            "bbcd",
            "abcde",
            "abcdf",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "bbcdefgh",
            "abcdefghi",
            "abcdefghij",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "bbcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
            "abcdefghijklmnopqq",
            "a\u{0}",
            "检查",
            "检查任务",
        ];
        let mut t = Interner::with_capacity(4);
        for (k, w) in words.iter().enumerate() {
            assert_eq!(t.insert(w), (k as u32, true), "{w:?}");
        }
        for (k, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), Some(k as u32), "{w:?}");
            assert_eq!(t.insert(w), (k as u32, false), "{w:?}");
        }
        assert_eq!(t.get("abcdefghijklmnops"), None);
        assert_eq!(t.get("abcdefghijklmnopqr"), None);
    }
}
