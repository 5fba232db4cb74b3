//! `shuangsuiji verify`: re-runs a record's draw on a pool and reports every difference.

use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::files::read_text;
use crate::output::Out;
use clap::Args;
use shuangsuiji::record::{DrawRecord, Mismatch, verify};
use std::path::PathBuf;

/// Flags of `verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The draw record (JSON) to check.
    #[arg(long, value_name = "RECORD.json")]
    record: PathBuf,

    /// The target pool the record claims to be drawn from (CSV).
    #[arg(long, value_name = "FILE.csv")]
    pool: PathBuf,

    /// The pool's inspection history (CSV), if it has one: it is part of the pool digest.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
}

/// Reads a record file; JSON errors name the line and column.
pub(crate) fn read_record(path: &std::path::Path) -> Result<DrawRecord, Failure> {
    DrawRecord::from_json(&read_text(path)?)
        .map_err(|e| Failure::Input(format!("{}: not a draw record: {e}", path.display())))
}

/// Runs `verify`.
pub(crate) fn run(args: &VerifyArgs, out: &mut Out) -> Result<(), Failure> {
    let record = read_record(&args.record)?;
    let pool = load_pool(&args.pool, args.history.as_deref())?
        .pool
        .into_frozen();
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
        args.pool.display(),
        result.mismatches.len()
    )))
}
