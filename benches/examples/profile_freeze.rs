//! Freezes a synthetic pool many times, for a profiler:
//! `perf record target/release/examples/profile_freeze N RUNS`.

use shuangsuiji_benches::{POOL_SEED, synthetic_pool};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let runs = args.get(1).copied().unwrap_or(5);
    let pool = synthetic_pool(n, POOL_SEED).thaw();
    let mut size = 0;
    for _ in 0..runs {
        size += pool.freeze().len();
    }
    println!("{size}");
}
