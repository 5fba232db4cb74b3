//! Criterion settings shared by the bench files.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use shuangsuiji_benches::samples_for;
use std::time::Duration;

/// Short warm-up and measurement, so that a default run (10⁴–10⁶) stays within minutes.
pub(crate) fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// Sets a group up for pools of `n`: fewer samples for large pools, and flat sampling there
/// (linear sampling would run 55 iterations for 10 samples, minutes at 10⁷).
pub(crate) fn for_size(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    group.sample_size(samples_for(n));
    group.sampling_mode(if n >= 1_000_000 {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    });
    group.throughput(Throughput::Elements(n as u64));
}
