//! Runs `record::verify` on a synthetic pool many times, for a profiler:
//! `perf record -D <ms to skip the build> target/release/examples/profile_verify N RUNS`.

use shuangsuiji_benches::{POOL_SEED, standard_request, synthetic_pool};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(3_000_000);
    let runs = args.get(1).copied().unwrap_or(30);
    let pool = synthetic_pool(n, POOL_SEED);
    let record = shuangsuiji::record::draw(&pool, &standard_request()).expect("draw");
    eprintln!("built");
    let mut ok = 0;
    for _ in 0..runs {
        ok += usize::from(shuangsuiji::record::verify(&record, &pool).is_ok());
    }
    println!("{ok}");
}
