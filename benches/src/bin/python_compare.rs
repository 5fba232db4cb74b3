//! The native side of `benches/compare_python.py`: the same work as the Python layer, timed
//! in Rust, as JSON on stdout.
//!
//! ```text
//! python_compare N RUNS [KPI_DIR]
//! ```
//!
//! Builds the pool the script builds (ids `E00000000`…, grade by `i % 20`: 6 A, 11 B, 2 C,
//! 1 D, i.e. 30/55/10/5%), then times, the best of RUNS after one warm-up (as the script does):
//! `FrozenPool::from_entries` (the one-step load) from ready `Target`s, and `record::draw` with the
//! standard policy and the script's public entropy; with KPI_DIR, `KpiInput::from_csv` of its
//! CSV files and `KpiReport::compute`. Prints the pool digest and sample size so the script can check that
//! both sides did the same work.

use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiInput, KpiReport, Table};
use shuangsuiji::record::draw;
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::target::{FrozenPool, Target};
use shuangsuiji_benches::standard_policy;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The entropy `compare_python.py` draws with.
const SOURCE: &str = "双色球 2026130期";
const VALUE: &str = "03 07 12 19 25 31 + 09";

fn grade(i: usize) -> RiskGrade {
    match i % 20 {
        0..=5 => RiskGrade::A,
        6..=16 => RiskGrade::B,
        17..=18 => RiskGrade::C,
        _ => RiskGrade::D,
    }
}

fn targets(n: usize) -> Vec<Target> {
    (0..n)
        .map(|i| {
            let mut t = Target::new(TargetId::new(format!("E{i:08}")).expect("valid id"));
            t.grade = Some(grade(i));
            t
        })
        .collect()
}

/// The least disturbed run: the machine is shared, and other work only ever adds time.
fn best(v: Vec<Duration>) -> f64 {
    v.into_iter().min().unwrap_or_default().as_secs_f64()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(runs)) = (
        args.first()
            .and_then(|a| a.replace('_', "").parse::<usize>().ok()),
        args.get(1).and_then(|a| a.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: python_compare N RUNS [KPI_DIR]");
        return ExitCode::from(2);
    };
    let runs = runs.max(1);
    let request = DrawRequest::with_public_entropy(
        TaskId::new("BENCH-PY").expect("valid id"),
        SOURCE,
        VALUE,
        standard_policy(),
    );
    // As the script times: one untimed warm-up, then RUNS timed calls; the draws all on the
    // last pool built.
    let mut build = Vec::new();
    let mut pool = FrozenPool::from_entries(targets(n)).expect("unique ids");
    for _ in 0..runs {
        let rows = targets(n);
        drop(pool);
        let t = Instant::now();
        pool = FrozenPool::from_entries(rows).expect("unique ids");
        build.push(t.elapsed());
    }
    let mut record = draw(&pool, &request).expect("the draw succeeds");
    let mut drawing = Vec::new();
    for _ in 0..runs {
        drop(record);
        let t = Instant::now();
        record = draw(&pool, &request).expect("the draw succeeds");
        drawing.push(t.elapsed());
    }
    let digest = pool.digest().to_string();
    let selected = record.selected.len();
    drop(record);
    drop(pool);
    let mut out = serde_json::json!({
        "n": n,
        "runs": runs,
        "pool_digest": digest,
        "selected": selected,
        "pool_build_s": best(build),
        "draw_s": best(drawing),
    });
    if let Some(dir) = args.get(2) {
        let mut csv = KpiCsv::default();
        for table in Table::ALL {
            let path = std::path::Path::new(dir).join(table.file_name());
            if let Ok(text) = std::fs::read_to_string(&path) {
                *csv.get_mut(table) = text;
            }
        }
        let (mut read, mut compute) = (Vec::new(), Vec::new());
        let mut drawn = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let input = match KpiInput::from_csv(&csv) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("python_compare: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let read_time = t.elapsed();
            let t = Instant::now();
            let report = KpiReport::compute(&input, &KpiConfig::default()).expect("computes");
            if run > 0 {
                read.push(read_time);
                compute.push(t.elapsed());
            }
            drawn = report.total.annex.drawn;
        }
        out["kpi_drawn"] = drawn.into();
        out["kpi_from_csv_s"] = best(read).into();
        out["kpi_compute_s"] = best(compute).into();
    }
    println!("{out}");
    ExitCode::SUCCESS
}
