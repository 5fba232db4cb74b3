//! Per-entity random keys: the keystream of ChaCha8 keyed by the seed.
//!
//! The key of the entity at canonical index `i` is the `i`-th little-endian 64-bit word of the
//! ChaCha8 keystream with the seed as key, stream (nonce) [`TARGET_STREAM`] and block counter
//! starting at 0: block `i / 8`, bytes `8·(i mod 8)` to `8·(i mod 8) + 7`.
//!
//! Why a keystream position rather than a hash of the id: one ChaCha block serves eight
//! entities, which is what makes a national pool fast to draw, while each key is still the
//! output of a standard stream cipher (a PRF of the position under the secret-until-published
//! seed). The position is fixed by the frozen pool's canonical order, which the pool digest
//! pins, so it can no more be chosen after the seed is known than the pool itself.
//!
//! Why ChaCha8: it is Bernstein's 8-round ChaCha, a recognised construction with a margin over
//! the best published cryptanalysis (7 rounds, far from practical); Aumasson's “Too Much Crypto”
//! (2019) argues 8 rounds suffice, and Go's `math/rand/v2` uses ChaCha8 as its strong generator.
//! It is a third faster than ChaCha12, and key generation is the floor of every draw.

use crate::seed::Seed;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// The ChaCha stream (nonce) used for target draws. Other draws (inspectors) use other streams.
pub const TARGET_STREAM: u64 = 0;

/// Fills `out` with the keys of the entities at canonical indices `first`, `first + 1`, ….
pub fn entity_keys(seed: &Seed, stream: u64, first: u64, out: &mut [u64]) {
    let mut rng = ChaCha8Rng::from_seed(seed.0);
    rng.set_stream(stream);
    rng.set_word_pos(u128::from(first) * 2);
    let mut bytes = [0u8; 8 * KeyStream::BATCH];
    for chunk in out.chunks_mut(KeyStream::BATCH) {
        fill(&mut rng, &mut bytes, chunk);
    }
}

fn fill(rng: &mut ChaCha8Rng, bytes: &mut [u8; 8 * KeyStream::BATCH], out: &mut [u64]) {
    let buf = &mut bytes[..out.len() * 8];
    rng.fill_bytes(buf);
    for (k, b) in out.iter_mut().zip(buf.chunks_exact(8)) {
        *k = u64::from_le_bytes(b.try_into().unwrap_or_default());
    }
}

/// Consecutive keys from a starting index, a batch at a time, without allocating.
pub(crate) struct KeyStream {
    rng: ChaCha8Rng,
    bytes: [u8; 8 * KeyStream::BATCH],
    keys: [u64; KeyStream::BATCH],
}

impl KeyStream {
    /// Keys per batch (4 KiB).
    pub(crate) const BATCH: usize = 512;

    pub(crate) fn new(seed: &Seed, stream: u64, first: u64) -> KeyStream {
        let mut rng = ChaCha8Rng::from_seed(seed.0);
        rng.set_stream(stream);
        rng.set_word_pos(u128::from(first) * 2);
        KeyStream {
            rng,
            bytes: [0; 8 * KeyStream::BATCH],
            keys: [0; KeyStream::BATCH],
        }
    }

    /// The next `n` keys (`n` at most [`KeyStream::BATCH`]).
    pub(crate) fn next_batch(&mut self, n: usize) -> &[u64] {
        let n = n.min(Self::BATCH);
        fill(&mut self.rng, &mut self.bytes, &mut self.keys[..n]);
        &self.keys[..n]
    }
}

/// The key of one entity (slow path, for tests and explanations).
pub fn entity_key(seed: &Seed, stream: u64, index: u64) -> u64 {
    let mut k = [0u64; 1];
    entity_keys(seed, stream, index, &mut k);
    k[0]
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
        let mut tail = vec![0u64; 87];
        entity_keys(&seed, TARGET_STREAM, 13, &mut tail);
        assert_eq!(tail, all[13..]);
        let mut stream = KeyStream::new(&seed, TARGET_STREAM, 13);
        assert_eq!(stream.next_batch(50), &all[13..63]);
        assert_eq!(stream.next_batch(37), &all[63..]);
        assert_ne!(entity_key(&seed, 1, 0), all[0], "streams differ");
    }
}
