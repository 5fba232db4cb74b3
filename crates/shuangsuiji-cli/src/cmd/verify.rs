//! `shuangsuiji verify`: re-runs a record's draw on a pool (or a team record's matching on an
//! inspector pool) and reports every difference.

use crate::csv_io::{load_inspectors, load_pool};
use crate::failure::Failure;
use crate::files::read_text;
use crate::output::Out;
use clap::Args;
use shuangsuiji::record::{DrawRecord, Mismatch, verify};
use shuangsuiji::teams::{self, TeamRecord};
use std::path::PathBuf;

/// Flags of `verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The draw record or team record (JSON) to check.
    #[arg(long, value_name = "RECORD.json")]
    record: PathBuf,

    /// The target pool a draw record claims to be drawn from (CSV or a workbook).
    #[arg(long, value_name = "FILE.csv", required_unless_present = "inspectors")]
    pool: Option<PathBuf>,

    /// The inspector pool a team record claims to be matched from (CSV or a workbook).
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["pool", "history"])]
    inspectors: Option<PathBuf>,

    /// The pool's inspection history (CSV or a workbook), if it has one: it is part of the pool digest.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,
}

/// Reads a record file; JSON errors name the line and column.
pub(crate) fn read_record(path: &std::path::Path) -> Result<DrawRecord, Failure> {
    let text = read_text(path)?;
    DrawRecord::from_json(&text).map_err(|e| {
        let hint = if text.contains(teams::TEAM_RECORD_FORMAT) {
            " (it looks like a team record: check it with --inspectors)"
        } else {
            ""
        };
        Failure::Input(format!("{}: not a draw record: {e}{hint}", path.display()))
    })
}

/// Checks a team record against an inspector pool.
fn run_teams(
    record: &std::path::Path,
    inspectors: &std::path::Path,
    format: &crate::formats::Format,
    out: &mut Out,
) -> Result<(), Failure> {
    let text = read_text(record)?;
    let r = TeamRecord::from_json(&text)
        .map_err(|e| Failure::Input(format!("{}: not a team record: {e}", record.display())))?;
    let pool = load_inspectors(inspectors, format)?.pool.into_frozen();
    let result = teams::verify(&r, &pool);
    if result.is_ok() {
        out.line(format!(
            "OK: {} reproduces: task {}, {} teams from {} inspectors, pool digest {}",
            record.display(),
            r.request.task_id,
            r.teams.len(),
            pool.len(),
            pool.digest()
        ));
        return Ok(());
    }
    out.line(result.to_string().trim_end());
    Err(Failure::Check(format!(
        "FAILED: {} does not reproduce from {} ({} differences)",
        record.display(),
        inspectors.display(),
        result.mismatches.len()
    )))
}

/// Runs `verify`.
pub(crate) fn run(args: &VerifyArgs, out: &mut Out) -> Result<(), Failure> {
    let pool_path = match (&args.pool, &args.inspectors) {
        (_, Some(inspectors)) => return run_teams(&args.record, inspectors, &args.format, out),
        (Some(pool), None) => pool,
        (None, None) => {
            return Err(Failure::Input(
                "give --pool for a draw record or --inspectors for a team record".into(),
            ));
        }
    };
    // The record (hundreds of MB for a large draw) is read on a thread of its own while the
    // pool is loaded; a bad record is still reported first.
    let (record, pool) = std::thread::scope(|s| {
        let record = s.spawn(|| read_record(&args.record));
        let pool = load_pool(pool_path, args.history.as_deref(), &args.format);
        let record = record
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (record, pool)
    });
    let record = record?;
    let pool = pool?.into_pool();
    let result = verify(&record, &pool);
    if result.is_ok() {
        out.line(format!(
            "OK: {} reproduces: task {}, {} of {} targets drawn, pool digest {}",
            args.record.display(),
            record.request.task_id,
            record.selected.len(),
            pool.len(),
            pool.digest()
        ));
        return Ok(());
    }
    out.line(result.to_string().trim_end());
    // The history is part of the pool digest; forgetting it is the usual reason for a digest
    // mismatch on honest files, so say so.
    let hint = if args.history.is_none()
        && result
            .mismatches
            .iter()
            .any(|m| matches!(m, Mismatch::PoolDigest { .. }))
    {
        "; no --history was given: if the pool was drawn with an inspection history, pass it"
    } else {
        ""
    };
    Err(Failure::Check(format!(
        "FAILED: {} does not reproduce from {} ({} differences){hint}",
        args.record.display(),
        pool_path.display(),
        result.mismatches.len()
    )))
}
