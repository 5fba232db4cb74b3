//! What the C ABI adds on the bulk paths, against the same work in Rust, for a pool of 10⁶
//! (`SSJ_BENCH_FFI_N` changes it):
//!
//! - `load`: id and grade columns into a target pool: `TargetPool::from_entries` from Rust
//!   strings vs `ssj_target_pool_from_columns` from C string arrays;
//! - `draw`: `record::draw` vs `ssj_draw` (JSON request in, record handle out);
//! - `draw+read`: the draw, then every selected id and probability read into arrays
//!   (`record.selected` vs `ssj_draw_record_copy_selected`).
//!
//! Frees and drops are left out on both sides. On a busy machine the `ffi_timing` binary,
//! which alternates the two sides and keeps the fastest run of each, is the steadier measure.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji_benches::abi::{CRows, DrawSetup, Rows};
use shuangsuiji_benches::{standard_request, time_calls};

fn pool_size() -> usize {
    std::env::var("SSJ_BENCH_FFI_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn ffi(c: &mut Criterion) {
    let n = pool_size();
    let rows = Rows::new(n);
    let crows = CRows::new(&rows);
    let mut group = c.benchmark_group("ffi/load");
    common::for_size(&mut group, n);
    group.bench_function(BenchmarkId::new("rust", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || rows.load_rust()));
    });
    group.bench_function(BenchmarkId::new("abi", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || crows.load_abi()));
    });
    group.finish();
    drop(crows);

    let setup = DrawSetup::new(&rows, standard_request());
    let mut group = c.benchmark_group("ffi/draw");
    common::for_size(&mut group, n);
    group.bench_function(BenchmarkId::new("rust", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || setup.draw_rust()));
    });
    group.bench_function(BenchmarkId::new("abi", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || setup.draw_abi()));
    });
    group.finish();

    let mut group = c.benchmark_group("ffi/draw+read");
    common::for_size(&mut group, n);
    group.bench_function(BenchmarkId::new("rust", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || setup.draw_read_rust()));
    });
    group.bench_function(BenchmarkId::new("abi", n), |b| {
        b.iter_custom(|iters| time_calls(iters, || setup.draw_read_abi()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = ffi
}
criterion_main!(benches);
