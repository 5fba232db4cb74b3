//! Runs `draw::sample` on a synthetic pool many times, for a profiler:
//! `perf record -D <ms to skip the build> target/release/examples/profile_sample N RUNS`.

use shuangsuiji_benches::{POOL_SEED, standard_request, synthetic_pool};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(3_000_000);
    let runs = args.get(1).copied().unwrap_or(30);
    let pool = synthetic_pool(n, POOL_SEED);
    let request = standard_request();
    eprintln!("built");
    let mut drawn = 0;
    for _ in 0..runs {
        let (_, s) = shuangsuiji::draw::sample(&pool, &request).expect("draw");
        drawn += s.len();
    }
    println!("{drawn}");
}
