//! Writes a synthetic KPI input (`shuangsuiji_benches::kpi::kpi_input`) as the CSV tables of
//! `docs/KPI.md`, plus `deadlines.csv`, to a directory.
//!
//! ```text
//! kpi_data DIR [TASKS] [RESULTS] [SEED]     defaults: 10⁵ tasks, 10⁷ results, KPI_SEED
//! ```
//!
//! `deadlines.csv` (`inspected_on,deadline`) holds the library's publication deadline (the 20th
//! working day after the inspection, China's holidays and make-up workdays included) of every
//! day from December 1 of the year before to March 31 after it: pandas and polars have no such
//! calendar, so `compare_kpi.py` joins on it. It is not a KPI input table.

use shuangsuiji::kpi::Table;
use shuangsuiji_benches::kpi::{KPI_SEED, deadline_table, kpi_input};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: kpi_data DIR [TASKS] [RESULTS] [SEED]");
        return ExitCode::from(2);
    };
    let num = |i: usize, default: u64| -> Result<u64, String> {
        args.get(i).map_or(Ok(default), |a| {
            a.replace('_', "")
                .parse()
                .map_err(|_| format!("argument {a:?} is not a number"))
        })
    };
    let (tasks, results, seed) = match (num(1, 100_000), num(2, 10_000_000), num(3, KPI_SEED)) {
        (Ok(t), Ok(r), Ok(s)) if t >= 2 => (t as usize, r as usize, s),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => {
            eprintln!("kpi_data: {e}");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("kpi_data: at least two tasks");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let input = kpi_input(tasks, results, seed);
    eprintln!("[kpi_data] built the input in {:.1?}", start.elapsed());
    let csv = input.to_csv();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("kpi_data: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut deadlines = String::from("inspected_on,deadline\n");
    for (d, x) in deadline_table(input.year) {
        let _ = writeln!(deadlines, "{d},{x}");
    }
    let files = Table::ALL
        .iter()
        .map(|t| (t.file_name(), csv.get(*t)))
        .chain([("deadlines.csv", deadlines.as_str())]);
    for (name, text) in files {
        if let Err(e) = std::fs::write(dir.join(name), text) {
            eprintln!("kpi_data: {}: {e}", dir.join(name).display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "[kpi_data] wrote {} tasks, {} drawn, {} results, {} follow-ups to {} in {:.1?}",
        input.tasks.len(),
        input.drawn.len(),
        input.results.len(),
        input.follow_ups.len(),
        dir.display(),
        start.elapsed()
    );
    ExitCode::SUCCESS
}
