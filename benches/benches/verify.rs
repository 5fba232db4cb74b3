//! Verification: re-running a record's draw on the frozen pool and comparing it entry by entry.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji::record::{draw, verify};
use shuangsuiji_benches::{POOL_SEED, bench_sizes, standard_request, synthetic_pool, time_calls};

fn verification(c: &mut Criterion) {
    let request = standard_request();
    let mut group = c.benchmark_group("verify");
    for n in bench_sizes() {
        let pool = synthetic_pool(n, POOL_SEED);
        let record = draw(&pool, &request).expect("the draw succeeds");
        assert!(verify(&record, &pool).is_ok(), "the record reproduces");
        common::for_size(&mut group, n);
        group.bench_function(BenchmarkId::new("verify", n), |b| {
            b.iter_custom(|iters| time_calls(iters, || verify(&record, &pool)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = verification
}
criterion_main!(benches);
