//! The floor a draw is compared against: computing every entity's key and nothing else, on one
//! thread and split over two (each half seeking to its own offset, as a draw's shards do);
//! into an n-word array (`1_thread`, `2_threads`) and streamed through a small buffer
//! (`stream_*`).

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji_benches::{STANDARD_SEED, bench_sizes, keys_floor, keys_stream};
use std::hint::black_box;

fn keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("keys_floor");
    for n in bench_sizes() {
        let mut out = vec![0u64; n];
        common::for_size(&mut group, n);
        for threads in [1, 2] {
            let name = if threads == 1 {
                "1_thread"
            } else {
                "2_threads"
            };
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| {
                    keys_floor(&STANDARD_SEED, &mut out, threads);
                    black_box(out[n - 1])
                });
            });
        }
        // The same keys without an n-word array: what a draw's selection pass consumes.
        for threads in [1, 2] {
            let name = if threads == 1 {
                "stream_1_thread"
            } else {
                "stream_2_threads"
            };
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| keys_stream(&STANDARD_SEED, black_box(n), threads));
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = keys
}
criterion_main!(benches);
