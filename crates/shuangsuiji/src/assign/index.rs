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
        }
    }

    /// The number of keys.
    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The keys, by index.
    pub(super) fn keys(&self) -> &[&'a str] {
        &self.keys
    }

    /// The index of a key.
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<u32> {
        self.find(hash(key), key).err()
    }

    /// The index of a key, inserting it (with the next index) if new; `true` when inserted.
    #[inline]
    pub(super) fn insert(&mut self, key: &'a str) -> (u32, bool) {
        let h = hash(key);
        match self.find(h, key) {
            Err(i) => (i, false),
            Ok(slot) => {
                let i = self.keys.len() as u32;
                self.slots[slot] = ((h >> 32) as u32, i + 1);
                self.keys.push(key);
                if self.keys.len() * 2 > self.slots.len() {
                    self.grow();
                }
                (i, true)
            }
        }
    }

    /// `Err(index)` of a present key, or `Ok(slot)` of the empty slot where it would go.
    #[inline]
    fn find(&self, h: u64, key: &str) -> Result<usize, u32> {
        let mut slot = h as usize & self.mask;
        loop {
            let (sh, i) = self.slots[slot];
            if i == 0 {
                return Ok(slot);
            }
            if sh == (h >> 32) as u32 && self.keys[i as usize - 1] == key {
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
            let mut slot = hash(self.keys[i as usize - 1]) as usize & self.mask;
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
        assert_eq!(t.len(), 700);
        assert_eq!(t.get("id-699"), Some(699));
        assert_eq!(t.get("id-700"), None);
        assert_eq!(t.get(""), None);
        assert_eq!(t.keys()[5], "id-5");
    }
}
