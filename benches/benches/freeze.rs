//! Building and freezing a pool: `from_entries` (validation, id index) apart from `freeze`
//! (clone, canonical sort, class column, SM3 digest) and `into_frozen` (the same without the
//! clone), and `FrozenPool::from_entries`, the one-step load (validation and duplicates
//! without an id index, then the same freeze) from the same rows, which are in random order.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji::target::{FrozenPool, TargetPool};
use shuangsuiji_benches::{POOL_SEED, bench_sizes, synthetic_targets, time_batched, time_calls};

fn freeze(c: &mut Criterion) {
    let mut group = c.benchmark_group("freeze");
    for n in bench_sizes() {
        let targets = synthetic_targets(n, POOL_SEED);
        let pool = TargetPool::from_entries(targets.clone()).expect("unique ids");
        common::for_size(&mut group, n);
        group.bench_with_input(BenchmarkId::new("from_entries", n), &targets, |b, t| {
            b.iter_custom(|iters| time_batched(iters, || t.clone(), TargetPool::from_entries));
        });
        group.bench_with_input(BenchmarkId::new("one_step", n), &targets, |b, t| {
            b.iter_custom(|iters| time_batched(iters, || t.clone(), FrozenPool::from_entries));
        });
        group.bench_with_input(BenchmarkId::new("freeze", n), &pool, |b, p| {
            b.iter_custom(|iters| time_calls(iters, || p.freeze()));
        });
        group.bench_with_input(BenchmarkId::new("into_frozen", n), &pool, |b, p| {
            b.iter_custom(|iters| time_batched(iters, || p.clone(), TargetPool::into_frozen));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = freeze
}
criterion_main!(benches);
