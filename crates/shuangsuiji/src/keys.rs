//! Per-entity random keys: the keystream of ChaCha12 keyed by the seed.
//!
//! The key of the entity at canonical index `i` is the `i`-th little-endian 64-bit word of the
//! ChaCha12 keystream with the seed as key, stream (nonce) [`TARGET_STREAM`] and block counter
//! starting at 0: block `i / 8`, bytes `8·(i mod 8)` to `8·(i mod 8) + 7`.
//!
//! Why a keystream position rather than a hash of the id: one ChaCha block serves eight
//! entities, which is what makes a national pool fast to draw, while each key is still the
//! output of a standard stream cipher (a PRF of the position under the secret-until-published
//! seed). The position is fixed by the frozen pool's canonical order, which the pool digest
//! pins, so it can no more be chosen after the seed is known than the pool itself.

use crate::seed::Seed;
use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};

/// The ChaCha stream (nonce) used for target draws. Other draws (inspectors) use other streams.
pub const TARGET_STREAM: u64 = 0;

/// Fills `out` with the keys of the entities at canonical indices `first`, `first + 1`, ….
pub fn entity_keys(seed: &Seed, stream: u64, first: u64, out: &mut [u64]) {
    let mut rng = ChaCha12Rng::from_seed(seed.0);
    rng.set_stream(stream);
    rng.set_word_pos(u128::from(first) * 2);
    let mut bytes = [0u8; 256];
    for chunk in out.chunks_mut(32) {
        let buf = &mut bytes[..chunk.len() * 8];
        rng.fill_bytes(buf);
        for (k, b) in chunk.iter_mut().zip(buf.chunks_exact(8)) {
            *k = u64::from_le_bytes(b.try_into().unwrap_or_default());
        }
    }
}

/// The key of one entity (slow path, for tests and explanations).
pub fn entity_key(seed: &Seed, stream: u64, index: u64) -> u64 {
    let mut k = [0u64; 1];
    entity_keys(seed, stream, index, &mut k);
    k[0]
}

/// Keys of a long range, generated block by block without allocating.
pub(crate) struct KeyCursor {
    rng: ChaCha12Rng,
    buf: [u64; 32],
    pos: usize,
}

impl KeyCursor {
    pub(crate) fn new(seed: &Seed, stream: u64, first: u64) -> KeyCursor {
        let mut rng = ChaCha12Rng::from_seed(seed.0);
        rng.set_stream(stream);
        rng.set_word_pos(u128::from(first) * 2);
        KeyCursor {
            rng,
            buf: [0; 32],
            pos: 32,
        }
    }

    #[inline]
    pub(crate) fn next_key(&mut self) -> u64 {
        if self.pos == 32 {
            self.refill();
        }
        let k = self.buf[self.pos];
        self.pos += 1;
        k
    }

    #[inline(never)]
    fn refill(&mut self) {
        let mut bytes = [0u8; 256];
        self.rng.fill_bytes(&mut bytes);
        for (k, b) in self.buf.iter_mut().zip(bytes.chunks_exact(8)) {
            *k = u64::from_le_bytes(b.try_into().unwrap_or_default());
        }
        self.pos = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_positional_and_seekable() {
        let seed = Seed([7; 32]);
        let mut all = vec![0u64; 100];
        entity_keys(&seed, TARGET_STREAM, 0, &mut all);
        for i in [0u64, 1, 7, 8, 9, 31, 32, 33, 63, 64, 99] {
            assert_eq!(
                entity_key(&seed, TARGET_STREAM, i),
                all[i as usize],
                "index {i}"
            );
        }
        let mut cursor = KeyCursor::new(&seed, TARGET_STREAM, 13);
        for &k in &all[13..] {
            assert_eq!(cursor.next_key(), k);
        }
        assert_ne!(entity_key(&seed, 1, 0), all[0], "streams differ");
    }
}
