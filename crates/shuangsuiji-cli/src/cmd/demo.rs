//! `shuangsuiji demo`: builds the demo county, runs its 2026 plans, writes every file a
//! department would publish, then checks from those files alone that each draw reproduces.
//! Then it runs the county's whole 2026 cycle (plans, merging, draws, teams, results,
//! publication), prints a summary of it and writes it as JSON into `year/`.

use crate::cmd::kpi;
use crate::cmd::log::rerun;
use crate::cmd::verify::read_record;
use crate::csv_io::{
    load_inspectors, load_pool, write_departments, write_history, write_inspectors, write_pool,
};
use crate::failure::Failure;
use crate::files::{write_csv, write_text};
use crate::logfile::LogFile;
use crate::output::Out;
use crate::plan_args::explain;
use crate::summary::describe;
use clap::Args;
use shuangsuiji::audit::{DrawAnnouncement, DrawLog};
use shuangsuiji::catalog::ItemCategory;
use shuangsuiji::demo::{
    COUNTY_DIVISION, COUNTY_NAME, DemoCounty, ENTROPY_SOURCE, GAP_DAYS, NO_TARGETS, YEAR,
};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::kpi::{KpiConfig, KpiInput, KpiReport, Table};
use shuangsuiji::record::{DrawRecord, draw, verify};
use shuangsuiji::risk::Stratum;
use shuangsuiji::seed::{Seed, SeedOrigin};
use shuangsuiji::target::{Target, TargetKind, TargetStatus};
use std::path::{Path, PathBuf};

/// Flags of `demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The directory to write into (created if missing; files of an earlier run are replaced).
    /// `DIR/year/` receives the 2026 cycle as JSON: plans.json, joint_tasks.json, visits.json
    /// and results.json, described in `DIR/year/README.txt`.
    #[arg(long, value_name = "DIR", default_value = "shuangsuiji-demo")]
    out: PathBuf,
}

/// The plan whose first draw is voided and drawn again, to show what a re-draw looks like.
const REDRAWN_TASK: &str = "2026-SCJG-002";
/// The re-draw's seed comes from a lottery period announced after the first draw and before
/// its own result was out: a re-draw may never reuse a source announced for the task.
const REDRAW_PERIOD: &str = "2026067期";
const REDRAW_NUMBERS: &str = "06 12 14 20 29 33 + 11";
const REDRAW_REASON: &str = "首次摇号结果未在规定时限内公示，经审批作废；按新公布的随机数来源（双色球2026067期）重新摇号 \
     (the first draw was not published in time and was voided, as approved; re-drawn from a \
     newly announced source)";

/// The re-draw of the re-drawn plan: the same request with the newly announced source.
fn redraw_request(request: &DrawRequest) -> DrawRequest {
    let source = format!("{ENTROPY_SOURCE} {REDRAW_PERIOD}");
    let mut again = request.clone();
    again.seed = Seed::from_public_entropy(&source, REDRAW_NUMBERS, &request.task_id);
    again.seed_origin = SeedOrigin::PublicEntropy {
        source,
        value: REDRAW_NUMBERS.into(),
    };
    again
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "n/a".into();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

fn grade_mix(targets: &[&Target]) -> String {
    Stratum::ALL
        .iter()
        .map(|&s| {
            let n = targets.iter().filter(|t| t.stratum() == s).count();
            format!("{} {n} ({})", s.name(), percent(n, targets.len()))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_county(out: &mut Out, county: &DemoCounty) {
    let t: Vec<&Target> = county.targets.entries().iter().collect();
    let of_kind = |k: TargetKind| t.iter().filter(|t| t.kind == k).count();
    let (market, other): (Vec<&Target>, Vec<&Target>) =
        t.iter().partition(|t| t.kind != TargetKind::NonMarket);
    let key = county
        .items
        .items()
        .iter()
        .filter(|i| i.category == ItemCategory::Key)
        .count();
    let officers = county.inspectors.entries().iter().filter(|p| !p.expert);
    let first_day = DemoCounty::plans()
        .iter()
        .filter_map(|p| p.request.date)
        .min();
    let expired = first_day.map_or(0, |day| {
        officers.clone().filter(|p| !p.certified_on(day)).count()
    });
    out.line(format!(
        "{COUNTY_NAME} ({COUNTY_DIVISION}) demo county: invented data shaped like Daye's 2022 report"
    ));
    out.line(format!(
        "  {} member departments; item list {} items ({key} key, {} general); joint list {} domains, {} joint items over {} departments",
        county.departments.len(),
        county.items.len(),
        county.items.len() - key,
        county.joint_items.domains.len(),
        county.joint_items.rows().count(),
        county.joint_items.departments().len()
    ));
    out.line(format!(
        "  {} targets: {} market entities ({} enterprises, {} individual businesses, {} farmers' cooperatives), {} non-market",
        t.len(),
        market.len(),
        of_kind(TargetKind::Enterprise),
        of_kind(TargetKind::IndividualBusiness),
        of_kind(TargetKind::FarmersCooperative),
        other.len()
    ));
    out.line(format!("  grade mix, market:     {}", grade_mix(&market)));
    out.line(format!("  grade mix, non-market: {}", grade_mix(&other)));
    out.line(format!(
        "  not active {}, positive list {}, inspected in 2025-2026 {}",
        t.iter()
            .filter(|t| t.status != TargetStatus::Active)
            .count(),
        t.iter().filter(|t| t.positive_list).count(),
        t.iter().filter(|t| !t.history.is_empty()).count()
    ));
    out.line(format!(
        "  inspectors: {} officers ({expired} certificates lapsed before the first draw), {} experts",
        officers.count(),
        county.inspectors.entries().iter().filter(|p| p.expert).count()
    ));
}

/// Writes one published file and remembers its name for the listing.
struct Writer<'a> {
    dir: &'a Path,
    written: Vec<String>,
}

impl Writer<'_> {
    /// Writes a file of the demo; a CSV file gets a byte-order mark (`write_csv`).
    fn write(&mut self, name: &str, text: &str) -> Result<PathBuf, Failure> {
        let path = self.dir.join(name);
        if name.ends_with(".csv") {
            write_csv(&path, text)?;
        } else {
            write_text(&path, text)?;
        }
        self.written.push(name.to_owned());
        Ok(path)
    }
}

fn json<T: serde::Serialize>(name: &str, value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Failure::Input(format!("{name}: cannot encode: {e}")))
}

const YEAR_README: &str = "\
The demo county's whole 2026 cycle (shuangsuiji::demo::DemoCounty::year), as JSON:

plans.json        the annual plan: plans (single and joint: id, name, kind with lead and
                  participants, items, scope, size, window, frequency, due), approved
                  deletions with their reasons, unplanned checks
joint_tasks.json  the merging proposal: config (gap_days), tasks (plans, kind, lead and why,
                  departments, common and visit windows) and decisions (why each merge and
                  each non-merge),
                  plus the draws: per task the seed, each plan's coverage (required, visited),
                  the visits, and visits without and with merging
visits.json       every visit: task, plans, visit (id, target, date, departments with items)
                  and its team (leader, members with departments, experts); conflicts declared
results.json      per visit the result (codes, inspected, entered, mobile, published), the
                  publication deadline (20 working days), on_time, the follow-up, the target's
                  life cycle; and every task's life cycle, ending published
kpi/*.csv         the year as the flat KPI tables of docs/KPI.md (departments, items, plans,
                  tasks, drawn, results, follow_ups, unplanned): what a platform exports;
                  shuangsuiji kpi --input year/kpi prints kpi-report.txt from them
kpi-report.txt    the KPI report: Annex 1 per department, every rate, findings, estimate
draw-log.jsonl    the year's hash-chained draw log: every member plan's draw record (request
                  with task and plan, seed from public entropy, counts, selected targets), and
                  after a task's draws its team record (visits, recusal facts, policy, teams,
                  workload); check it with
                  shuangsuiji log verify year/draw-log.jsonl --pool pool.csv --history history.csv --inspectors inspectors.csv
";

/// What the year wrote that the checks read back.
struct YearFiles {
    /// `year/draw-log.jsonl`.
    log: PathBuf,
    /// `year/kpi/`, the KPI tables.
    kpi: PathBuf,
    /// The KPI report as printed.
    kpi_text: String,
}

/// Runs the year, prints its summary and its KPIs, and writes `year/`.
fn year(out: &mut Out, county: &DemoCounty, files: &mut Writer<'_>) -> Result<YearFiles, Failure> {
    let y = county.year();
    let s = y.summary();
    let percent_u = |a: u64, b: u64| percent(a as usize, b as usize);
    out.line("");
    out.line(format!(
        "year {}: {} plans of {} departments ({} single, {} joint), {} deleted ({NO_TARGETS}), {} unplanned checks",
        YEAR,
        s.single + s.joint + s.deleted,
        y.annual.departments().len(),
        s.single,
        s.joint,
        s.deleted,
        s.unplanned
    ));
    out.line(format!(
        "  merging (gap {GAP_DAYS} days): {} tasks, {} of them joint; visits {} without merging, {} with: {} saved ({})",
        s.tasks,
        s.merged_tasks,
        s.without_merging,
        s.with_merging,
        s.without_merging - s.with_merging,
        percent_u(s.without_merging - s.with_merging, s.without_merging)
    ));
    out.line(format!(
        "  teams: {} formed ({} inspectors served, {} declared conflicts honoured)",
        s.teams,
        s.inspectors,
        y.conflicts.len()
    ));
    out.line(format!(
        "  results: {} problems found ({}), {} entered on mobile ({}); follow-ups {} closed of {}",
        s.problems,
        percent(s.problems, s.teams),
        s.mobile,
        percent(s.mobile, s.teams),
        s.follow_ups_closed,
        s.follow_ups
    ));
    out.line(format!(
        "  published: {} on time, {} late (deadline 20 working days after the check); {} tasks with visits published, {} drew no target",
        s.on_time,
        s.late,
        y.tasks.len(),
        s.tasks - y.tasks.len()
    ));
    let joint_tasks = serde_json::json!({ "proposal": &y.proposal, "draws": &y.draws });
    let visits = serde_json::json!({ "conflicts": &y.conflicts, "visits": &y.visits });
    let results = serde_json::json!({ "results": &y.results, "tasks": &y.tasks });
    files.write("year/plans.json", &json("year/plans.json", &y.annual)?)?;
    files.write(
        "year/joint_tasks.json",
        &json("year/joint_tasks.json", &joint_tasks)?,
    )?;
    files.write("year/visits.json", &json("year/visits.json", &visits)?)?;
    files.write("year/results.json", &json("year/results.json", &results)?)?;
    let log = files.write("year/draw-log.jsonl", &y.log.to_jsonl())?;
    files.write("year/README.txt", YEAR_README)?;

    // The year's KPIs, from the same flat tables an exported spreadsheet gives.
    let input = KpiInput::from_year(county, &y).map_err(Failure::input)?;
    let csv = input.to_csv();
    for table in Table::ALL {
        files.write(&format!("year/kpi/{}", table.file_name()), csv.get(table))?;
    }
    let report = KpiReport::compute(&input, &KpiConfig::default()).map_err(Failure::input)?;
    let text = kpi::report_text(&report, kpi::Periods::Year);
    files.write("year/kpi-report.txt", &text)?;
    out.line("");
    out.line(format!(
        "KPIs of {YEAR} (the same as `shuangsuiji kpi --input DIR/year/kpi`):"
    ));
    out.line(text.trim_end());
    Ok(YearFiles {
        log,
        kpi: files.dir.join("year/kpi"),
        kpi_text: text,
    })
}

/// Runs `demo`.
pub(crate) fn run(args: &DemoArgs, out: &mut Out) -> Result<(), Failure> {
    let county = DemoCounty::build();
    let pool = county.targets.freeze();
    let mut files = Writer {
        dir: &args.out,
        written: Vec::new(),
    };
    describe_county(out, &county);

    // Draw every plan and log it; one plan is drawn twice, the first draw staying on record.
    let mut log = DrawLog::new();
    let mut records: Vec<PathBuf> = Vec::new();
    let record_name = |task: &str, suffix: &str| format!("records/{task}{suffix}.json");
    let save = |files: &mut Writer<'_>, name: &str, r: &DrawRecord| {
        files.write(name, &format!("{}\n", r.to_json()))
    };
    for plan in DemoCounty::plans() {
        let req = &plan.request;
        let task = req.task_id.as_str();
        out.line("");
        // Each task is announced (pool, source) before the lottery value that seeds it is out.
        log.announce(DrawAnnouncement::for_request(req, &pool))
            .map_err(Failure::input)?;
        if task == REDRAWN_TASK {
            let first = draw(&pool, req).map_err(explain)?;
            let seq = log.append(first.clone()).map_err(Failure::input)?.seq;
            records.push(save(
                &mut files,
                &record_name(task, &format!(".entry{seq}-superseded")),
                &first,
            )?);
            let again = redraw_request(req);
            let announced = log
                .announce(DrawAnnouncement::for_request(&again, &pool))
                .map_err(Failure::input)?
                .seq;
            let record = draw(&pool, &again).map_err(explain)?;
            let redo = log
                .append_redraw(record.clone(), seq, REDRAW_REASON)
                .map_err(Failure::input)?
                .seq;
            describe(out, &plan.name, &record);
            out.line(format!(
                "  re-drawn: log entry {redo} supersedes entry {seq}, with a seed from {REDRAW_PERIOD}, \
                 a source announced in entry {announced} after the first draw; both draws stay in the log"
            ));
            records.push(save(&mut files, &record_name(task, ""), &record)?);
        } else {
            let record = draw(&pool, req).map_err(explain)?;
            log.append(record.clone()).map_err(Failure::input)?;
            describe(out, &plan.name, &record);
            records.push(save(&mut files, &record_name(task, ""), &record)?);
        }
    }

    let year_files = year(out, &county, &mut files)?;
    let year_log = year_files.log.clone();

    let entries = &pool.to_targets();
    let csv = |r: Result<String, crate::csv_io::CsvError>| r.map_err(Failure::input);
    let pool_csv = files.write("pool.csv", &csv(write_pool("pool.csv", entries))?)?;
    let history_csv = files.write("history.csv", &csv(write_history("history.csv", entries))?)?;
    let inspectors = county.inspectors.freeze();
    let inspectors_csv = files.write(
        "inspectors.csv",
        &csv(write_inspectors("inspectors.csv", inspectors.entries()))?,
    )?;
    files.write(
        "departments.csv",
        &write_departments("departments.csv", &county.departments)?,
    )?;
    files.write("items.json", &json("items.json", &county.items)?)?;
    files.write(
        "joint_items.json",
        &json("joint_items.json", &county.joint_items)?,
    )?;
    let log_path = files.write("draw-log.jsonl", &log.to_jsonl())?;

    out.line("");
    out.line(format!(
        "wrote into {}: {}",
        args.out.display(),
        files.written.join(", ")
    ));

    // Everything below uses the files only, as an outside verifier would.
    let mut problems = Vec::new();
    let reread = load_pool(
        &pool_csv,
        Some(&history_csv),
        &crate::formats::Format::default(),
    )?
    .into_pool();
    if reread.digest() == pool.digest() {
        out.line(format!(
            "check: pool.csv + history.csv freeze to the drawn pool's digest {}: OK",
            pool.digest()
        ));
    } else {
        problems.push(format!(
            "pool.csv + history.csv freeze to digest {}, the drawn pool had {}",
            reread.digest(),
            pool.digest()
        ));
    }
    for path in &records {
        let v = verify(&read_record(path)?, &reread);
        if !v.is_ok() {
            problems.push(format!("{}: {}", path.display(), v.to_string().trim_end()));
        }
    }
    if problems.is_empty() {
        out.line(format!(
            "check: all {} records reproduce from pool.csv + history.csv: OK",
            records.len()
        ));
    }
    let log_file = LogFile::read(&log_path)?;
    match log_file.verify(&log_path) {
        Ok(()) => out.line(format!(
            "check: draw-log.jsonl, {} entries, every link holds: OK",
            log_file.log.entries().len()
        )),
        Err(m) => problems.push(m),
    }
    // The year's log: its chain, and every draw and matching re-run from the CSV files.
    let year_file = LogFile::read(&year_log)?;
    let reread_inspectors = load_inspectors(&inspectors_csv, &crate::formats::Format::default())?
        .pool
        .into_frozen();
    match year_file.verify(&year_log) {
        Ok(()) => {
            let entries = year_file.log.entries();
            let r = rerun(entries, Some(&reread), Some(&reread_inspectors));
            problems.extend(r.failures);
            if r.checked != entries.len() {
                problems.push(format!(
                    "year/draw-log.jsonl: only {} of {} entries were drawn from pool.csv and inspectors.csv",
                    r.checked,
                    entries.len()
                ));
            } else if r.failed == 0 {
                let draws = entries.iter().filter(|e| e.kind.is_draw()).count();
                let announced = entries
                    .iter()
                    .filter(|e| e.record.as_announcement().is_some())
                    .count();
                out.line(format!(
                    "check: year/draw-log.jsonl, {} entries, every link holds; {announced} announcements name pool.csv + history.csv, {draws} draws reproduce from them, {} team records from inspectors.csv: OK",
                    entries.len(),
                    entries.len() - draws - announced
                ));
            }
        }
        Err(m) => problems.push(m),
    }
    // The KPI tables give the printed report back, as `shuangsuiji kpi --input` would.
    let input = KpiInput::from_csv(&kpi::read_tables(&year_files.kpi)?).map_err(Failure::input)?;
    let report = KpiReport::compute(&input, &KpiConfig::default()).map_err(Failure::input)?;
    if kpi::report_text(&report, kpi::Periods::Year) == year_files.kpi_text {
        out.line("check: year/kpi/*.csv give the same KPI report: OK");
    } else {
        problems.push("year/kpi/*.csv give another KPI report than the one printed".into());
    }
    if !problems.is_empty() {
        for p in &problems {
            out.line(format!("FAILED: {p}"));
        }
        return Err(Failure::Check(format!(
            "the demo's own files do not verify ({} problems)",
            problems.len()
        )));
    }
    let first = records
        .iter()
        .find(|p| !p.to_string_lossy().contains("superseded"))
        .unwrap_or(&pool_csv);
    out.line(format!(
        "verify by hand: shuangsuiji verify --record {} --pool {} --history {}",
        first.display(),
        pool_csv.display(),
        history_csv.display()
    ));
    out.line(format!(
        "           and: shuangsuiji log verify {} --pool {} --history {} --inspectors {}",
        year_log.display(),
        pool_csv.display(),
        history_csv.display(),
        inspectors_csv.display()
    ));
    Ok(())
}
