//! Times `KpiInput::from_csv` and `KpiReport::compute` on the CSV tables of a directory (as
//! written by `kpi_data`), and prints the per-department table that `compare_kpi.py` checks
//! against pandas and polars, as JSON on stdout.
//!
//! ```text
//! kpi_timing DIR [RUNS]      RUNS timed runs (default 5) after one untimed warm-up
//! ```
//!
//! Reading the files into memory is timed apart (`read_ms`): `from_csv` parses text in memory.
//! Each parse and compute result is dropped outside the timing.

use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiInput, KpiReport, Kpis, Rate, Table};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: kpi_timing DIR [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = match args.get(1).map_or(Ok(5), |a| a.parse()) {
        Ok(r) if r > 0 => r,
        _ => {
            eprintln!("kpi_timing: RUNS must be a positive count");
            return ExitCode::from(2);
        }
    };
    match run(&dir, runs) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kpi_timing: {e}");
            ExitCode::FAILURE
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn rate(r: Rate) -> [u64; 2] {
    [r.numerator, r.denominator]
}

fn row(k: &Kpis) -> serde_json::Value {
    serde_json::json!({
        "joint_task_share": rate(k.joint_task_share),
        "participation": rate(k.participation),
        "publication": rate(k.publication),
        "problem_discovery": rate(k.problem_discovery),
        "on_time_publication": rate(k.on_time_publication),
        "plan_fulfilment": rate(k.plan_fulfilment),
        "follow_up_disposal": rate(k.follow_up_disposal),
        "mobile_enforcement": rate(k.mobile_enforcement),
        "joint_target_share": rate(k.joint_target_share),
    })
}

fn run(dir: &std::path::Path, runs: usize) -> Result<serde_json::Value, String> {
    let start = Instant::now();
    let mut csv = KpiCsv::default();
    for t in Table::ALL {
        let path = dir.join(t.file_name());
        match std::fs::read_to_string(&path) {
            Ok(text) => *csv.get_mut(t) = text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    let read = start.elapsed();
    let config = KpiConfig::default();
    let input = KpiInput::from_csv(&csv).map_err(|e| e.to_string())?;
    let report = KpiReport::compute(&input, &config).map_err(|e| e.to_string())?;
    let (mut parse_ms, mut compute_ms) = (Vec::new(), Vec::new());
    // SSJ_KPI_ONLY=compute: time the computation only (for profiling it).
    let compute_only = std::env::var("SSJ_KPI_ONLY").is_ok_and(|v| v == "compute");
    for _ in 0..runs {
        if compute_only {
            let t = Instant::now();
            let r = std::hint::black_box(
                KpiReport::compute(&input, &config).map_err(|e| e.to_string())?,
            );
            compute_ms.push(ms(t.elapsed()));
            parse_ms.push(0.0);
            drop(r);
            continue;
        }
        let t = Instant::now();
        let parsed = std::hint::black_box(KpiInput::from_csv(&csv).map_err(|e| e.to_string())?);
        parse_ms.push(ms(t.elapsed()));
        drop(parsed);
        let t = Instant::now();
        let r =
            std::hint::black_box(KpiReport::compute(&input, &config).map_err(|e| e.to_string())?);
        compute_ms.push(ms(t.elapsed()));
        drop(r);
    }
    let departments: Vec<serde_json::Value> = report
        .departments
        .iter()
        .map(|d| {
            let a = &d.annex;
            let mut v = row(d.year());
            v["id"] = d.id.as_str().into();
            v["plans_single"] = a.plans_single.into();
            v["plans_joint"] = a.plans_joint.into();
            v["tasks_single"] = a.tasks_single.into();
            v["tasks_joint"] = a.tasks_joint.into();
            v["joined_as_participant"] = a.joined_as_participant.into();
            v["drawn"] = a.drawn.into();
            v["inspected_published"] = a.inspected_published.into();
            v["problems"] = a.problems.into();
            v
        })
        .collect();
    Ok(serde_json::json!({
        "rows": {
            "tasks": input.tasks.len(),
            "drawn": input.drawn.len(),
            "results": input.results.len(),
            "follow_ups": input.follow_ups.len(),
        },
        "threads": std::thread::available_parallelism().map_or(1, usize::from),
        "read_ms": ms(read),
        "median_ms": {"parse": median(parse_ms.clone()), "compute": median(compute_ms.clone())},
        "runs_ms": {"parse": parse_ms, "compute": compute_ms},
        "departments": departments,
        "total": row(report.total.year()),
    }))
}
