//! Merging shards into the sample, and reading the sample back in canonical order.

use super::shard::{Band, ShardSample};
use super::{Allocation, DrawError, DrawRequest};
use crate::policy::Weighting;
use crate::risk::Stratum;
use crate::target::{CLASS_STRATUM_MASK, FrozenPool};

/// One drawn entity: its canonical index and its inclusion probability `num / den` (exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pick {
    /// Canonical index in the frozen pool.
    pub index: u64,
    /// Numerator of the inclusion probability.
    pub num: u64,
    /// Denominator of the inclusion probability.
    pub den: u64,
}

impl Pick {
    /// The inclusion probability as the nearest double (`num` and `den` are below 2⁵³, so
    /// this is one correctly rounded division in every language).
    pub fn inclusion_probability(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The design weight `den / num`, likewise correctly rounded.
    pub fn design_weight(&self) -> f64 {
        self.den as f64 / self.num as f64
    }
}

/// Remembers the doubles of the last ratio seen: in a uniform stratum every pick has the same
/// one, so walking a sample in order divides once per stratum run instead of twice per pick.
#[derive(Debug, Default)]
pub(crate) struct RatioCache {
    last: Option<(u64, u64, f64, f64)>,
}

impl RatioCache {
    /// `(inclusion_probability, design_weight)` of a pick.
    pub(crate) fn of(&mut self, p: &Pick) -> (f64, f64) {
        match self.last {
            Some((num, den, pi, w)) if num == p.num && den == p.den => (pi, w),
            _ => {
                let (pi, w) = (p.inclusion_probability(), p.design_weight());
                self.last = Some((p.num, p.den, pi, w));
                (pi, w)
            }
        }
    }
}

/// A finished sample: which entities of the pool are drawn, as a bitmap over canonical
/// indices, so that it costs one bit per entity and reads back in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The allocation the sample realises.
    pub allocation: Allocation,
    first: u64,
    len: u64,
    bits: Vec<u64>,
    /// For weighted draws, `(num, den)` of each drawn entity in canonical order.
    weighted: Option<Vec<(u64, u64)>>,
}

impl Sample {
    /// Merges the results of all shards of a pool (in any order) into the sample.
    pub fn merge(
        request: &DrawRequest,
        allocation: &Allocation,
        mut parts: Vec<ShardSample>,
    ) -> Result<Sample, DrawError> {
        if parts.iter().any(|p| p.seed != request.seed) {
            return Err(DrawError::Shards(
                "a shard was drawn with another seed".into(),
            ));
        }
        parts.sort_by_key(|p| (p.first, p.len));
        for w in parts.windows(2) {
            let end = w[0].first + w[0].len;
            if end != w[1].first {
                let what = if end > w[1].first {
                    "overlap"
                } else {
                    "leave a gap"
                };
                return Err(DrawError::Shards(format!(
                    "shards {what} at canonical index {}",
                    end.min(w[1].first)
                )));
            }
        }
        for s in Stratum::ALL {
            let held: u64 = parts.iter().map(|p| *p.eligible.get(s)).sum();
            if held != *allocation.eligible.get(s) {
                return Err(DrawError::Shards(format!(
                    "stratum {s}: the allocation counts {} eligible entities but the shards hold {held}",
                    allocation.eligible.get(s)
                )));
            }
        }
        if parts.windows(2).any(|w| w[0].edges != w[1].edges) {
            return Err(DrawError::Shards(
                "shards were drawn for different allocations or passes".into(),
            ));
        }
        let first = parts.first().map_or(0, |p| p.first);
        let len: u64 = parts.iter().map(|p| p.len).sum();
        let weighted = request.policy.weighting == Weighting::RiskScore;
        let mut certain = [0u64; 5];
        let mut bands: [Band; 5] = Default::default();
        let mut bits = Vec::new();
        for p in &mut parts {
            for (s, band) in std::mem::take(&mut p.bands).into_iter().enumerate() {
                certain[s] += p.certain[s];
                bands[s].append(band);
            }
        }
        // The first shard's bitmap grows into the whole sample's; the others are ORed in.
        if let Some((head, rest)) = parts.split_first_mut() {
            bits = std::mem::take(&mut head.bits);
            bits.resize(usize::try_from(len.div_ceil(64)).unwrap_or(usize::MAX), 0);
            for p in rest {
                or_shifted(&mut bits, &p.bits, p.first - first, p.len);
            }
        }
        let mut probabilities = Vec::new();
        for s in Stratum::ALL {
            let size = *allocation.size.get(s);
            let band = &bands[s.index()];
            // Only a fast band can miss; a take-all or exhaustive one holds every eligible entity.
            let fast = parts.first().is_some_and(|p| {
                let e = p.edges[s.index()];
                e != (0, u64::MAX) && e != (u64::MAX, u64::MAX)
            });
            let settled = certain[s.index()];
            let open = band.len() as u64;
            if settled > size || settled + open < size {
                if fast {
                    return Err(DrawError::NeedsExhaustivePass {
                        stratum: s,
                        certain: settled,
                        band: open,
                        needed: size,
                    });
                }
                return Err(DrawError::Shards(format!(
                    "stratum {s}: {settled} entities drawn for certain and {open} undecided cannot make a sample of {size}"
                )));
            }
            let chosen = if weighted {
                let picks = select_weighted(band, size);
                probabilities.extend(picks.iter().copied());
                picks.into_iter().map(|p| p.index).collect()
            } else {
                select_lowest(band, usize::try_from(size - settled).unwrap_or(usize::MAX))
            };
            for i in chosen {
                let j = i - first;
                bits[(j >> 6) as usize] |= 1 << (j & 63);
            }
        }
        let weighted = weighted.then(|| {
            probabilities.sort_unstable_by_key(|p| p.index);
            probabilities.into_iter().map(|p| (p.num, p.den)).collect()
        });
        Ok(Sample {
            allocation: *allocation,
            first,
            len,
            bits,
            weighted,
        })
    }

    /// The drawn entities in canonical order, with their strata and probabilities. `pool` must
    /// be the pool the sample was drawn from (the strata are read from it).
    pub fn iter<'a>(&'a self, pool: &'a FrozenPool) -> impl Iterator<Item = (Stratum, Pick)> + 'a {
        let classes = pool.classes();
        let mut weighted = self.weighted.as_deref().unwrap_or(&[]).iter();
        self.bits
            .iter()
            .enumerate()
            .flat_map(move |(w, &word)| {
                let base = self.first + (w as u64) * 64;
                BitIter(word).map(move |b| base + u64::from(b))
            })
            .map(move |index| {
                let class = classes.get(index as usize).copied().unwrap_or(0);
                let s = Stratum::from_index(usize::from(class & CLASS_STRATUM_MASK))
                    .unwrap_or(Stratum::Ungraded);
                let (num, den) = match self.weighted {
                    Some(_) => weighted.next().copied().unwrap_or((1, 1)),
                    None => (
                        *self.allocation.size.get(s),
                        *self.allocation.eligible.get(s),
                    ),
                };
                (s, Pick { index, num, den })
            })
    }

    /// All drawn entities in canonical order (see [`Sample::iter`]).
    pub fn picks(&self, pool: &FrozenPool) -> Vec<(Stratum, Pick)> {
        self.iter(pool).collect()
    }

    /// The canonical indices the sample covers: `(first, count)`.
    pub fn span(&self) -> (u64, u64) {
        (self.first, self.len)
    }

    /// Whether the entity at a canonical index is drawn.
    pub fn contains(&self, index: u64) -> bool {
        index
            .checked_sub(self.first)
            .filter(|&j| j < self.len)
            .is_some_and(|j| {
                self.bits
                    .get((j >> 6) as usize)
                    .is_some_and(|w| w >> (j & 63) & 1 == 1)
            })
    }

    /// The number of entities drawn.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }
}

/// The set bits of a word, lowest first.
pub(super) struct BitIter(pub(super) u64);

impl Iterator for BitIter {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let b = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(b)
    }
}

/// ORs the `len` bits of `src` into `dst` starting at bit `at`.
fn or_shifted(dst: &mut [u64], src: &[u64], at: u64, len: u64) {
    let (word, shift) = ((at >> 6) as usize, (at & 63) as u32);
    for (k, &w) in src.iter().enumerate() {
        let valid = len.saturating_sub(k as u64 * 64).min(64);
        let w = if valid < 64 {
            w & ((1u64 << valid) - 1)
        } else {
            w
        };
        if w == 0 {
            continue;
        }
        dst[word + k] |= w << shift;
        if shift > 0 {
            if let Some(next) = dst.get_mut(word + k + 1) {
                *next |= w >> (64 - shift);
            }
        }
    }
}

/// The `need` band entities with the lowest (key, index).
fn select_lowest(band: &Band, need: usize) -> Vec<u64> {
    if need >= band.len() {
        return band.index.clone();
    }
    if need == 0 {
        return Vec::new();
    }
    let mut order: Vec<(u64, u64)> = band
        .key
        .iter()
        .copied()
        .zip(band.index.iter().copied())
        .collect();
    order.select_nth_unstable(need - 1);
    order.truncate(need);
    order.into_iter().map(|(_, i)| i).collect()
}

/// Sequential Poisson sampling with take-all units (`docs/SAMPLING.md` §6); the band holds
/// every eligible entity of the stratum.
fn select_weighted(c: &Band, size: u64) -> Vec<Pick> {
    let len = c.len();
    let mut certain = vec![false; len];
    let mut k = size.min(len as u64);
    let mut total: u64 = c.weight.iter().map(|&w| u64::from(w)).sum();
    // A unit whose target probability k·w/total reaches 1 is taken with certainty; repeat
    // until none does, so that every probability below is under 1.
    while k > 0 {
        let (mut removed_k, mut removed_w) = (0, 0);
        for (flag, &w) in certain.iter_mut().zip(&c.weight) {
            let w = u64::from(w);
            if !*flag && u128::from(k) * u128::from(w) >= u128::from(total) {
                *flag = true;
                removed_k += 1;
                removed_w += w;
            }
        }
        if removed_k == 0 {
            break;
        }
        k = k.saturating_sub(removed_k);
        total -= removed_w;
    }
    let mut rest: Vec<usize> = (0..len).filter(|&j| !certain[j]).collect();
    let k_us = usize::try_from(k).unwrap_or(usize::MAX).min(rest.len());
    let mut chosen = vec![false; len];
    if k_us > 0 {
        // Lowest key/weight first: key_i·w_j < key_j·w_i, exact in 128 bits; ties by index.
        let cmp = |&a: &usize, &b: &usize| {
            (u128::from(c.key[a]) * u128::from(c.weight[b]))
                .cmp(&(u128::from(c.key[b]) * u128::from(c.weight[a])))
                .then(c.index[a].cmp(&c.index[b]))
        };
        rest.select_nth_unstable_by(k_us - 1, cmp);
        for &j in &rest[..k_us] {
            chosen[j] = true;
        }
    }
    (0..len)
        .filter_map(|j| {
            let w = u64::from(c.weight[j]);
            if certain[j] {
                Some(Pick {
                    index: c.index[j],
                    num: 1,
                    den: 1,
                })
            } else if chosen[j] {
                Some(Pick {
                    index: c.index[j],
                    num: k * w,
                    den: total,
                })
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_bitmaps_concatenate() {
        // Two shards of 70 and 100 bits, every bit set, land as 170 consecutive bits.
        let mut dst = vec![0u64; 3];
        or_shifted(&mut dst, &[u64::MAX, u64::MAX], 0, 70);
        or_shifted(&mut dst, &[u64::MAX, u64::MAX], 70, 100);
        let ones: u32 = dst.iter().map(|w| w.count_ones()).sum();
        assert_eq!(ones, 170);
        assert_eq!(dst[2], (1u64 << 42) - 1);
    }

    #[test]
    fn bits_iterate_lowest_first() {
        assert_eq!(BitIter(0b1010_0001).collect::<Vec<_>>(), [0, 5, 7]);
        assert_eq!(BitIter(1 << 63).collect::<Vec<_>>(), [63]);
    }
}
