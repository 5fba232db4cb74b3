//! Synthetic target pools and the standard draw request, shared by the criterion benches
//! (`benches/benches/*.rs`) and the `draw_timing` binary.
//!
//! A synthetic pool has ids `T0000000000`, `T0000000001`, … inserted in a shuffled order, and
//! an exact grade mix (A 30%, B 55%, C 10%, D 5%) spread at random over the canonical order;
//! every other field keeps its default, so a pool of ten million builds in seconds.
//!
//! ```
//! use shuangsuiji_benches::{standard_request, synthetic_pool};
//!
//! let pool = synthetic_pool(1_000, 1);
//! let (_census, sample) = shuangsuiji::draw::sample(&pool, &standard_request()).unwrap();
//! // ceil(300·5%) + ceil(550·20%) + ceil(100·60%) + 50·100%
//! assert_eq!(sample.len(), 15 + 110 + 60 + 50);
//! ```

pub mod abi;
pub mod kpi;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::keys::{TARGET_STREAM, entity_keys};
use shuangsuiji::policy::{Ratio, SamplingPolicy};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Target, TargetPool};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The grade mix of a synthetic pool, in percent; the counts are exact (see [`grade_counts`]).
pub const GRADE_MIX_PERCENT: [(RiskGrade, u64); 4] = [
    (RiskGrade::A, 30),
    (RiskGrade::B, 55),
    (RiskGrade::C, 10),
    (RiskGrade::D, 5),
];

/// The sampling ratio of each grade in the standard request, in percent (A, B, C, D).
pub const STANDARD_RATIOS_PERCENT: [u32; 4] = [5, 20, 60, 100];

/// The seed of the standard request.
pub const STANDARD_SEED: Seed = Seed([0x5a; 32]);

/// The seed of the synthetic pools used by the benches and the timing binary.
pub const POOL_SEED: u64 = 20_260_101;

/// Pool sizes of the benches: 10⁴, 10⁵, 10⁶, and 10⁷ only when `SSJ_BENCH_LARGE=1`.
pub fn bench_sizes() -> Vec<usize> {
    let mut sizes = vec![10_000, 100_000, 1_000_000];
    if std::env::var("SSJ_BENCH_LARGE").is_ok_and(|v| v == "1") {
        sizes.push(10_000_000);
    }
    sizes
}

/// How many targets of each grade (A, B, C, D) a synthetic pool of `n` holds; D takes the
/// rounding remainder.
pub fn grade_counts(n: usize) -> [usize; 4] {
    let part = |pct: u64| usize::try_from(n as u64 * pct / 100).unwrap_or(n);
    let (a, b, c) = (part(30), part(55), part(10));
    [a, b, c, n - a - b - c]
}

/// The `n` synthetic targets in insertion order: ids are a seeded random permutation of
/// `T{:010}`, grades come in exact blocks of [`grade_counts`] in insertion order, so that in
/// canonical (id) order they are randomly mixed.
pub fn synthetic_targets(n: usize, seed: u64) -> Vec<Target> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ids: Vec<u64> = (0..n as u64).collect();
    // Fisher–Yates; the multiply-shift bound has a bias of at most n/2⁶⁴, irrelevant here.
    for i in (1..ids.len()).rev() {
        let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
        ids.swap(i, j);
    }
    let counts = grade_counts(n);
    let grades = GRADE_MIX_PERCENT
        .iter()
        .zip(counts)
        .flat_map(|(&(g, _), c)| std::iter::repeat_n(g, c));
    ids.into_iter()
        .zip(grades)
        .map(|(id, grade)| {
            let id = TargetId::new(format!("T{id:010}")).expect("synthetic ids are valid");
            let mut t = Target::new(id);
            t.grade = Some(grade);
            t
        })
        .collect()
}

/// A frozen synthetic pool of `n` targets (see [`synthetic_targets`]).
pub fn synthetic_pool(n: usize, seed: u64) -> FrozenPool {
    TargetPool::from_entries(synthetic_targets(n, seed))
        .expect("synthetic ids are unique")
        .into_frozen()
}

/// The standard policy: A 5%, B 20%, C 60%, D 100%, no ungraded stratum, default exclusions.
pub fn standard_policy() -> SamplingPolicy {
    let [a, b, c, d] = STANDARD_RATIOS_PERCENT
        .map(|p| Ratio::percent(p).expect("the standard ratios are within 1..=100%"));
    SamplingPolicy::by_grade(a, b, c, d, None)
}

/// The standard request: whole pool, [`standard_policy`], [`STANDARD_SEED`].
pub fn standard_request() -> DrawRequest {
    DrawRequest::new(
        TaskId::new("BENCH-1").expect("a valid task id"),
        STANDARD_SEED,
        standard_policy(),
    )
}

/// The keys-only floor of a draw: fills `out` with the keys of canonical indices
/// `0..out.len()`, split into `threads` contiguous parts computed in parallel, each part
/// starting at its own offset (as the shards of a draw do).
pub fn keys_floor(seed: &Seed, out: &mut [u64], threads: usize) {
    let threads = threads.max(1);
    if threads == 1 {
        entity_keys(seed, TARGET_STREAM, 0, out);
        return;
    }
    let per = out.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (i, part) in out.chunks_mut(per).enumerate() {
            let first = (i * per) as u64;
            scope.spawn(move || entity_keys(seed, TARGET_STREAM, first, part));
        }
    });
}

/// The keys-only floor without storing the keys: computes the keys of canonical indices
/// `0..n` 4096 at a time into a reused buffer (as a draw consumes them) and returns their XOR,
/// so that memory bandwidth for an `n`-word array does not enter the figure.
pub fn keys_stream(seed: &Seed, n: usize, threads: usize) -> u64 {
    let threads = threads.max(1);
    let per = n.div_ceil(threads).max(1);
    let run = |start: usize| {
        let end = (start + per).min(n);
        let mut buf = [0u64; 4096];
        let mut acc = 0;
        let mut first = start;
        while first < end {
            let part = &mut buf[..(end - first).min(4096)];
            entity_keys(seed, TARGET_STREAM, first as u64, part);
            acc = part.iter().fold(acc, |a, &k| a ^ k);
            first += part.len();
        }
        acc
    };
    if threads == 1 {
        return run(0);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| scope.spawn(move || run(start)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .fold(0, |a, b| a ^ b)
    })
}

/// Criterion samples per benchmark for a pool of `n`: fewer for the large pools, whose
/// single iterations take long enough to measure well.
pub fn samples_for(n: usize) -> usize {
    match n {
        0..100_000 => 50,
        100_000..1_000_000 => 20,
        _ => 10,
    }
}

/// Runs `f` `iters` times and returns the time spent inside `f`, leaving out the drop of its
/// results (a 10⁷ pool or record takes long to free, and that is not what is measured).
pub fn time_calls<O>(iters: u64, mut f: impl FnMut() -> O) -> Duration {
    time_batched(iters, || (), |()| f())
}

/// Like [`time_calls`], with an untimed `setup` making each call's input (e.g. a clone of a
/// pool that the call consumes).
pub fn time_batched<I, O>(
    iters: u64,
    mut setup: impl FnMut() -> I,
    mut f: impl FnMut(I) -> O,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let input = setup();
        let start = Instant::now();
        let out = black_box(f(input));
        total += start.elapsed();
        drop(out);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use shuangsuiji::risk::Stratum;

    #[test]
    fn pool_has_the_exact_mix_and_all_ids() {
        let pool = synthetic_pool(10_001, 3);
        assert_eq!(pool.len(), 10_001);
        assert_eq!(pool.id(0), "T0000000000");
        assert_eq!(pool.id(10_000), "T0000010000");
        let mut counts = [0usize; 4];
        for t in pool.iter() {
            counts[t.stratum().index()] += 1;
        }
        assert_eq!(counts, grade_counts(10_001));
        assert_eq!(counts, [3000, 5500, 1000, 501]);
    }

    #[test]
    fn insertion_order_is_shuffled() {
        let t = synthetic_targets(1000, 3);
        let in_order = t
            .windows(2)
            .filter(|w| w[0].id.as_str() < w[1].id.as_str())
            .count();
        assert!((300..700).contains(&in_order), "{in_order}");
    }

    #[test]
    fn standard_draw_sizes_round_up() {
        let pool = synthetic_pool(10_000, 1);
        let (census, sample) = shuangsuiji::draw::sample(&pool, &standard_request()).unwrap();
        assert_eq!(*census.eligible.get(Stratum::D), 500);
        let sizes = Stratum::ALL.map(|s| *sample.allocation.size.get(s));
        assert_eq!(sizes, [150, 1100, 600, 500, 0]);
    }

    #[test]
    fn split_keys_equal_the_single_pass() {
        let mut one = vec![0u64; 1001];
        let mut two = vec![0u64; 1001];
        keys_floor(&STANDARD_SEED, &mut one, 1);
        keys_floor(&STANDARD_SEED, &mut two, 2);
        assert_eq!(one, two);
        let xor = one.iter().fold(0, |a, &k| a ^ k);
        assert_eq!(keys_stream(&STANDARD_SEED, 1001, 1), xor);
        assert_eq!(keys_stream(&STANDARD_SEED, 1001, 2), xor);
        assert_eq!(keys_stream(&STANDARD_SEED, 9001, 2), {
            let mut k = vec![0u64; 9001];
            keys_floor(&STANDARD_SEED, &mut k, 1);
            k.iter().fold(0, |a, &k| a ^ k)
        });
    }
}
