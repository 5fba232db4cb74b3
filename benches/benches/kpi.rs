//! The KPI report: `KpiReport::compute` (validation, every KPI per department and quarter,
//! Annex 1, findings, the design-weighted estimate, the assessment) over a synthetic input of
//! 10⁵ tasks (`shuangsuiji_benches::kpi::kpi_input`), and parsing the same input from its CSV
//! tables (`KpiInput::from_csv`).
//!
//! Sizes (result rows): 10⁶ by default, 10⁷ with `SSJ_BENCH_LARGE=1` (the 10⁷ input takes
//! about 3 GB in memory, its CSV text 1.3 GB more).

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji::kpi::{KpiConfig, KpiInput, KpiReport};
use shuangsuiji_benches::kpi::{KPI_SEED, kpi_input};
use shuangsuiji_benches::time_calls;

const TASKS: usize = 100_000;

fn sizes() -> Vec<usize> {
    let mut sizes = vec![1_000_000];
    if std::env::var("SSJ_BENCH_LARGE").is_ok_and(|v| v == "1") {
        sizes.push(10_000_000);
    }
    sizes
}

fn kpi(c: &mut Criterion) {
    let config = KpiConfig::default();
    let mut group = c.benchmark_group("kpi");
    for n in sizes() {
        let input = kpi_input(TASKS, n, KPI_SEED);
        common::for_size(&mut group, n);
        group.bench_function(BenchmarkId::new("compute", n), |b| {
            b.iter_custom(|iters| {
                time_calls(iters, || {
                    KpiReport::compute(&input, &config).expect("a valid input")
                })
            });
        });
        let csv = input.to_csv();
        drop(input);
        group.bench_function(BenchmarkId::new("from_csv", n), |b| {
            b.iter_custom(|iters| {
                time_calls(iters, || KpiInput::from_csv(&csv).expect("a valid input"))
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = kpi
}
criterion_main!(benches);
