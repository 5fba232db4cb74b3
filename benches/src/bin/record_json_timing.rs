//! Times writing and reading a draw record as JSON at a pool size: the record of the standard
//! draw (A 5%, B 20%, C 60%, D 100%) from the synthetic pool, to and from pretty JSON text.
//!
//! `cargo run --release -p shuangsuiji-benches --bin record_json_timing -- [N] [RUNS]`

use shuangsuiji::record::{DrawRecord, draw};
use shuangsuiji_benches::{standard_request, synthetic_pool};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000_000);
    let runs = args.get(1).copied().unwrap_or(3);
    let pool = synthetic_pool(n, 20260101);
    let record = draw(&pool, &standard_request()).expect("draw");
    let mut write = Vec::new();
    let mut read = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let text = record.to_json();
        write.push(t.elapsed().as_secs_f64());
        bytes = text.len();
        let t = Instant::now();
        let back = DrawRecord::from_json(&text).expect("read back");
        read.push(t.elapsed().as_secs_f64());
        assert_eq!(back.selected.len(), record.selected.len());
        std::mem::forget(back);
    }
    println!(
        "n {n}: {} selected, {:.1} MB of JSON; to_json {:.3} s, from_json {:.3} s (median of {runs})",
        record.selected.len(),
        bytes as f64 / 1e6,
        median(write),
        median(read)
    );
}
