//! The C ABI's overhead on the bulk paths, measured so that a busy machine does not decide
//! the answer: the Rust call and the ABI call alternate (which goes first alternates too), and
//! the fastest of R runs of each is compared, with the medians beside.
//!
//! ```text
//! ffi_timing [N] [R]      N targets (default 10⁶), R runs of each (default 11)
//! ```
//!
//! Cases (see `shuangsuiji_benches::abi`): `load` (id and grade columns into a pool),
//! `draw` (the standard draw), `draw+read` (the draw and every selected id and probability
//! read into arrays). Results are dropped outside the timings.

use shuangsuiji_benches::abi::{CRows, DrawSetup, Rows};
use shuangsuiji_benches::standard_request;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn time<O>(f: &mut impl FnMut() -> O) -> Duration {
    let start = Instant::now();
    let out = black_box(f());
    let t = start.elapsed();
    drop(out);
    t
}

fn compare<A, B>(name: &str, runs: usize, mut rust: impl FnMut() -> A, mut abi: impl FnMut() -> B) {
    let (mut r, mut a) = (Vec::new(), Vec::new());
    for i in 0..runs {
        if i % 2 == 0 {
            r.push(time(&mut rust));
            a.push(time(&mut abi));
        } else {
            a.push(time(&mut abi));
            r.push(time(&mut rust));
        }
    }
    r.sort();
    a.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (rmin, amin, rmed, amed) = (ms(r[0]), ms(a[0]), ms(r[runs / 2]), ms(a[runs / 2]));
    println!(
        "{name:<10} rust {rmin:9.2} ms  abi {amin:9.2} ms  overhead {:+6.1}%   (medians {rmed:.2} / {amed:.2} ms, {:+.1}%)",
        (amin / rmin - 1.0) * 100.0,
        (amed / rmed - 1.0) * 100.0
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let runs = args.get(1).copied().unwrap_or(11).max(1);
    println!("pool of {n} targets, {runs} alternating runs of each; fastest run compared");
    let rows = Rows::new(n);
    let crows = CRows::new(&rows);
    compare("load", runs, || rows.load_rust(), || crows.load_abi());
    drop(crows);
    let setup = DrawSetup::new(&rows, standard_request());
    compare("draw", runs * 3, || setup.draw_rust(), || setup.draw_abi());
    compare(
        "draw+read",
        runs * 3,
        || setup.draw_read_rust(),
        || setup.draw_read_abi(),
    );
}
