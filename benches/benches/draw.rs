//! The draw: `draw::sample` (census, allocation, selection, merge; index-level picks) and
//! `record::draw` (the same plus the published record with ids, probabilities and weights).

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji_benches::{POOL_SEED, bench_sizes, standard_request, synthetic_pool, time_calls};

fn draw(c: &mut Criterion) {
    let request = standard_request();
    let mut group = c.benchmark_group("draw");
    for n in bench_sizes() {
        let pool = synthetic_pool(n, POOL_SEED);
        common::for_size(&mut group, n);
        group.bench_function(BenchmarkId::new("sample", n), |b| {
            b.iter_custom(|iters| {
                time_calls(iters, || {
                    shuangsuiji::draw::sample(&pool, &request).expect("the draw succeeds")
                })
            });
        });
        group.bench_function(BenchmarkId::new("record", n), |b| {
            b.iter_custom(|iters| {
                time_calls(iters, || {
                    shuangsuiji::record::draw(&pool, &request).expect("the draw succeeds")
                })
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = draw
}
criterion_main!(benches);
