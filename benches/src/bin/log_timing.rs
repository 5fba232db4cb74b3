//! Times the draw log at 10³–10⁵ entries: reading a log (`from_jsonl`), checking it
//! (`verify_chain`) and appending to it, each from the same log of announced tasks, each drawn
//! once (half the entries announcements, half draws of 21 targets from a 200-target pool: about
//! 1.5 kB a line, as for a county's plan).
//! With `--write DIR` it also writes each log to `DIR/log-N.jsonl`, for timing the command
//! line's `log verify` as a whole process.
//!
//! `cargo run --release -p shuangsuiji-benches --bin log_timing -- [--write DIR] [N ...]`

use shuangsuiji::audit::{DrawAnnouncement, DrawLog};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{DrawRecord, draw};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::target::{FrozenPool, Target, TargetPool};

fn policy() -> SamplingPolicy {
    let r = |s: &str| s.parse().expect("ratio");
    SamplingPolicy::by_grade(r("5%"), r("5%"), r("10%"), r("20%"), None)
}
use std::time::Instant;

const SOURCE: &str = "双色球 2026130期";

fn pool() -> FrozenPool {
    TargetPool::from_entries((0..200).map(|i| {
        let mut t = Target::new(TargetId::new(format!("91420281MA49{i:06}")).expect("id"));
        t.grade = Some([RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D][i % 4]);
        t
    }))
    .expect("unique ids")
    .freeze()
}

fn task(k: usize) -> TaskId {
    TaskId::new(format!("2026-SCJG-{k:06}")).expect("id")
}

/// The announcement and the draw record of task `k`.
fn entries_of(pool: &FrozenPool, k: usize) -> (DrawAnnouncement, DrawRecord) {
    let request =
        DrawRequest::with_public_entropy(task(k), SOURCE, "03 07 12 19 25 31 + 09", policy());
    (
        DrawAnnouncement::for_request(&request, pool),
        draw(pool, &request).expect("draw"),
    )
}

fn append(log: &mut DrawLog, (a, r): (DrawAnnouncement, DrawRecord)) {
    log.announce(a).expect("announce");
    log.append(r).expect("append");
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let write = match args.iter().position(|a| a == "--write") {
        Some(i) => {
            let dir = args.remove(i + 1);
            args.remove(i);
            Some(std::path::PathBuf::from(dir))
        }
        None => None,
    };
    let sizes: Vec<usize> = if args.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        args.iter()
            .map(|a| a.parse().expect("a number of entries"))
            .collect()
    };
    let pool = pool();
    println!("entries    MB   read s  verify s  append µs (mean of 1000, at that size)");
    for n in sizes {
        let mut log = DrawLog::new();
        for k in 0..n / 2 {
            append(&mut log, entries_of(&pool, k));
        }
        let text = log.to_jsonl();
        if let Some(dir) = &write {
            std::fs::create_dir_all(dir).expect("dir");
            std::fs::write(dir.join(format!("log-{n}.jsonl")), &text).expect("write");
        }
        let t = Instant::now();
        let read = DrawLog::from_jsonl(&text).expect("reads");
        let read_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        read.verify_chain().expect("verifies");
        let verify_s = t.elapsed().as_secs_f64();
        // Appends to the log as read from the file (announce + draw = 2 entries each); the
        // records are drawn beforehand, so only the appends are timed.
        let more: Vec<_> = (0..500).map(|k| entries_of(&pool, n + k)).collect();
        let mut grown = read;
        let t = Instant::now();
        for e in more {
            append(&mut grown, e);
        }
        let append_us = t.elapsed().as_secs_f64() * 1e6 / 1000.0;
        println!(
            "{n:>7} {:>6.1} {read_s:>8.3} {verify_s:>9.3} {append_us:>10.1}",
            text.len() as f64 / 1e6
        );
    }
}
