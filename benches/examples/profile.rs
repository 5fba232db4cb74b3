//! Repeats one operation on a synthetic pool, for a profiler:
//! `perf record -D <ms to skip the set-up> target/release/examples/profile sample|verify|freeze N RUNS`.

use shuangsuiji_benches::{POOL_SEED, standard_request, synthetic_pool};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "sample".into());
    let numbers: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    let n = numbers.first().copied().unwrap_or(3_000_000);
    let runs = numbers.get(1).copied().unwrap_or(30);
    let pool = synthetic_pool(n, POOL_SEED);
    let request = standard_request();
    let mut total = 0;
    match what.as_str() {
        "sample" => {
            for _ in 0..runs {
                total += shuangsuiji::draw::sample(&pool, &request)
                    .expect("draw")
                    .1
                    .len();
            }
        }
        "verify" => {
            let record = shuangsuiji::record::draw(&pool, &request).expect("draw");
            for _ in 0..runs {
                total += usize::from(shuangsuiji::record::verify(&record, &pool).is_ok());
            }
        }
        "freeze" => {
            let thawed = pool.thaw();
            for _ in 0..runs {
                total += thawed.freeze().len();
            }
        }
        other => {
            eprintln!("unknown operation {other:?}: expected sample, verify or freeze");
            std::process::exit(2);
        }
    }
    println!("{total}");
}
