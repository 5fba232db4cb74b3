//! `shuangsuiji log verify`: lists a draw log, checks its hash chain (and, given one, that it
//! holds a published head) and, given the pools, re-runs every draw and matching it holds.
//! `shuangsuiji log repair`: drops an interrupted append from a log's end, keeping a copy.

use crate::csv_io::{load_inspectors, load_pool};
use crate::failure::Failure;
use crate::logfile::{LogFile, kind_text};
use crate::output::Out;
use clap::{Args, Subcommand};
use shuangsuiji::audit::{EntryKind, LogEntry, LogHead, Logged};
use shuangsuiji::inspector::FrozenInspectorPool;
use shuangsuiji::target::FrozenPool;
use shuangsuiji_io::durable::{Repaired, repair};
use std::collections::HashMap;
use std::path::PathBuf;

/// Subcommands of `log`.
#[derive(Debug, Subcommand)]
pub(crate) enum LogCommand {
    /// List the entries of a draw log and check that no entry was removed, reordered or
    /// changed, and that it does not end in an interrupted append.
    Verify(Box<LogVerifyArgs>),
    /// Drop an interrupted, never acknowledged append from the end of a draw log, after
    /// copying the whole file to FILE.torn-<seconds>; complete entries are never dropped.
    Repair(LogRepairArgs),
}

/// Flags of `log repair`.
#[derive(Debug, Args)]
pub(crate) struct LogRepairArgs {
    /// The draw log (JSON Lines).
    #[arg(value_name = "FILE.jsonl")]
    file: PathBuf,
}

fn parse_head(text: &str) -> Result<LogHead, String> {
    text.parse::<LogHead>().map_err(|e| e.to_string())
}

/// Flags of `log verify`.
#[derive(Debug, Args)]
pub(crate) struct LogVerifyArgs {
    /// The draw log (JSON Lines).
    #[arg(value_name = "FILE.jsonl")]
    file: PathBuf,

    /// The target pool (CSV or a workbook): every draw entry drawn from it is re-run and compared.
    #[arg(long, value_name = "FILE.csv")]
    pool: Option<PathBuf>,

    /// The pool's inspection history (CSV or a workbook), part of the pool digest.
    #[arg(long, value_name = "FILE.csv", requires = "pool")]
    history: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,

    /// The inspector pool (CSV or a workbook): every teams entry matched from it is re-run and compared.
    #[arg(long, value_name = "FILE.csv")]
    inspectors: Option<PathBuf>,

    /// A head published earlier, `SEQ:DIGEST` (or a bare 64-hex DIGEST): the log must still
    /// hold it, so that entries cut off its end are caught (an empty log holds no head).
    #[arg(long, value_name = "HEAD", value_parser = parse_head)]
    head: Option<LogHead>,
}

/// What re-running the log's records found.
#[derive(Default)]
pub(crate) struct Rerun {
    /// Records re-run.
    pub(crate) checked: usize,
    /// Records that do not reproduce.
    pub(crate) failed: usize,
    /// Entries drawn or matched from another pool than the one given (a pool changes during
    /// the year): not checked, and said so.
    pub(crate) other_pool: Vec<u64>,
    /// Every difference, naming its entry.
    pub(crate) failures: Vec<String>,
}

/// Re-runs every draw record drawn from `pool` and every team record matched from
/// `inspectors`.
pub(crate) fn rerun(
    entries: &[LogEntry],
    pool: Option<&FrozenPool>,
    inspectors: Option<&FrozenInspectorPool>,
) -> Rerun {
    let mut out = Rerun::default();
    for e in entries {
        let problems = match (&e.record, pool, inspectors) {
            // An announcement is checked for the pool it names.
            (Logged::Announce(a), Some(pool), _) => {
                if a.pool.digest != pool.digest() {
                    out.other_pool.push(e.seq);
                    continue;
                }
                if a.pool.size == pool.len() as u64 {
                    Vec::new()
                } else {
                    vec![format!(
                        "announced pool size {} but the pool has {} targets",
                        a.pool.size,
                        pool.len()
                    )]
                }
            }
            (Logged::Draw(r), Some(pool), _) => {
                if r.pool.digest != pool.digest() {
                    out.other_pool.push(e.seq);
                    continue;
                }
                let v = shuangsuiji::record::verify(r, pool);
                v.mismatches.iter().map(ToString::to_string).collect()
            }
            (Logged::Teams(r), _, Some(inspectors)) => {
                if r.pool.digest != inspectors.digest() {
                    out.other_pool.push(e.seq);
                    continue;
                }
                let v = shuangsuiji::teams::verify(r, inspectors);
                v.mismatches.iter().map(ToString::to_string).collect()
            }
            _ => continue,
        };
        out.checked += 1;
        let problems: Vec<String> = problems;
        out.failed += usize::from(!problems.is_empty());
        for p in problems {
            out.failures.push(format!(
                "entry {} ({} of task {}): {p}",
                e.seq,
                e.kind.name(),
                e.record.task_id()
            ));
        }
    }
    out
}

/// Runs a `log` subcommand.
pub(crate) fn run(command: &LogCommand, out: &mut Out) -> Result<(), Failure> {
    match command {
        LogCommand::Verify(args) => verify(args, out),
        LogCommand::Repair(args) => run_repair(args, out),
    }
}

/// Runs `log repair`.
fn run_repair(args: &LogRepairArgs, out: &mut Out) -> Result<(), Failure> {
    let file = args.file.display();
    match repair(&args.file).map_err(Failure::input)? {
        Repaired::NothingToRepair { len } => out.line(format!(
            "{file}: nothing to repair: the log does not end in an interrupted append \
             ({len} bytes, left untouched)"
        )),
        Repaired::Dropped { tail, backup } => {
            out.line(format!(
                "{file}: repaired: dropped the interrupted last entry, line {} ({} bytes from \
                 byte {}), which was never acknowledged; every complete entry is kept",
                tail.line, tail.len, tail.offset
            ));
            out.line(format!(
                "a copy of the whole file as it was is at {}",
                backup.display()
            ));
            out.line(format!("check it with: shuangsuiji log verify {file}"));
        }
    }
    Ok(())
}

/// Runs `log verify`.
fn verify(args: &LogVerifyArgs, out: &mut Out) -> Result<(), Failure> {
    let file = LogFile::read(&args.file)?;
    let entries = file.log.entries();
    let superseded_by: HashMap<u64, u64> = entries
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Redraw { supersedes, .. } | EntryKind::Rematch { supersedes, .. } => {
                Some((supersedes, e.seq))
            }
            EntryKind::Announce | EntryKind::Draw | EntryKind::Teams => None,
        })
        .collect();
    out.line(format!(
        "{}: {} entries",
        args.file.display(),
        entries.len()
    ));
    out.line("  seq  line  task                  plan                 count  kind");
    for (e, line) in entries.iter().zip(&file.lines) {
        let later = superseded_by
            .get(&e.seq)
            .map_or_else(String::new, |s| format!(" [superseded by entry {s}]"));
        // A draw counts the targets drawn, a teams entry the teams formed, an announcement
        // the plans it announced.
        let (plan, count) = match &e.record {
            Logged::Announce(a) => (
                a.plans
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                a.plans.len(),
            ),
            Logged::Draw(r) => (
                r.request
                    .plan
                    .as_ref()
                    .map_or(String::new(), |p| p.to_string()),
                r.selected.len(),
            ),
            Logged::Teams(r) => (String::new(), r.teams.len()),
        };
        out.line(format!(
            "{:>5} {:>5}  {:<20} {:<20} {:>6}  {}{later}",
            e.seq,
            line,
            e.record.task_id().as_str(),
            plan,
            count,
            kind_text(&e.kind)
        ));
    }
    let broken = file.verify(&args.file).err();
    let torn = file.torn_message();
    match (broken, torn) {
        (Some(broken), Some(torn)) => return Err(Failure::Check(format!("{broken}\n{torn}"))),
        (Some(problem), None) | (None, Some(problem)) => return Err(Failure::Check(problem)),
        (None, None) => {}
    }
    match file.log.published_head() {
        None => out.line(format!(
            "{}: the log is empty: it holds no entry, so there is nothing to verify",
            args.file.display()
        )),
        Some(head) => {
            out.line(format!(
                "OK: every link holds; head digest {}",
                file.log.head()
            ));
            out.line(format!("head to publish: {head}"));
        }
    }
    if let Some(head) = &args.head {
        let seq = file
            .log
            .verify_head(head)
            .map_err(|e| Failure::Check(format!("{}: {e}", args.file.display())))?;
        out.line(format!("OK: the log holds head {head} (entry {seq})"));
    }
    if args.pool.is_none() && args.inspectors.is_none() {
        return Ok(());
    }
    let pool = match &args.pool {
        Some(p) => Some(load_pool(p, args.history.as_deref(), &args.format)?.into_pool()),
        None => None,
    };
    let inspectors = match &args.inspectors {
        Some(p) => Some(load_inspectors(p, &args.format)?.pool.into_frozen()),
        None => None,
    };
    let r = rerun(entries, pool.as_ref(), inspectors.as_ref());
    if !r.other_pool.is_empty() {
        let seqs: Vec<String> = r.other_pool.iter().map(u64::to_string).collect();
        out.line(format!(
            "note: {} entries were drawn or matched from another pool than the one given and were not re-run: {}",
            r.other_pool.len(),
            seqs.join(", ")
        ));
    }
    if !r.failures.is_empty() {
        return Err(Failure::Check(format!(
            "{} of {} records re-run do not reproduce:\n{}",
            r.failed,
            r.checked,
            r.failures.join("\n")
        )));
    }
    if r.checked == 0 {
        return Err(Failure::Check(
            "no record of the log was drawn or matched from the pools given, so none was re-run"
                .into(),
        ));
    }
    out.line(format!(
        "OK: all {} records re-run reproduce exactly",
        r.checked
    ));
    Ok(())
}
