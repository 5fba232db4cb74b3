//! The demo's only source of randomness: ChaCha12 from a fixed key, one stream per part of the
//! county, so that changing how inspectors are generated does not reshuffle the targets.

use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};

/// The fixed key of every demo stream (the bytes of “shuangsuiji demo county 大冶” padded).
const DEMO_KEY: [u8; 32] = *b"shuangsuiji demo county Daye\0\0\0\0";

/// Streams, one per part of the county.
pub(crate) const INSPECTOR_STREAM: u64 = 1;
pub(crate) const TARGET_STREAM: u64 = 2;

/// A deterministic die.
pub(crate) struct Dice(ChaCha12Rng);

impl Dice {
    pub(crate) fn new(stream: u64) -> Dice {
        let mut rng = ChaCha12Rng::from_seed(DEMO_KEY);
        rng.set_stream(stream);
        Dice(rng)
    }

    /// A number in `0..n` (`n > 0`), by the multiply-shift method; the bias, below 2⁻³² for
    /// the small `n` used here, does not matter for invented data.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// One word of a non-empty table.
    pub(crate) fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    /// An index drawn with the given weights (not all zero).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}
