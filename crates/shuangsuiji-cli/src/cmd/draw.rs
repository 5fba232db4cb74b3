//! `shuangsuiji draw`: a draw from a CSV pool, written as a record and optionally logged.

use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::files::write_text;
use crate::logfile::LogFile;
use crate::output::Out;
use crate::plan_args::{PlanArgs, explain};
use crate::summary::describe;
use clap::Args;
use shuangsuiji::audit::LogError;
use shuangsuiji::draw::DrawError;
use shuangsuiji::record::draw;
use std::path::PathBuf;

/// Flags of `draw`.
#[derive(Debug, Args)]
pub(crate) struct DrawArgs {
    /// The target pool: CSV with at least the columns `id` and `grade`.
    #[arg(long, value_name = "FILE.csv")]
    pool: PathBuf,

    /// The inspection history (target_id,date,department,item,inspectors). It is part of the
    /// pool and of its digest: give it whenever the pool has one.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,

    #[command(flatten)]
    plan: PlanArgs,

    /// Where to write the draw record (JSON).
    #[arg(long, value_name = "RECORD.json")]
    out: PathBuf,

    /// Append the record to this draw log (JSON Lines; created if missing). An existing log's
    /// chain is verified first, and nothing is written if it is broken.
    #[arg(long, value_name = "FILE.jsonl")]
    log: Option<PathBuf>,

    /// Log this draw as a re-draw superseding log entry SEQ of the same task.
    #[arg(long, value_name = "SEQ", requires_all = ["log", "reason"])]
    redraw_of: Option<u64>,

    /// Why the earlier draw is superseded; recorded in the log for everyone to read.
    #[arg(long, value_name = "TEXT", requires = "redraw_of")]
    reason: Option<String>,
}

/// Runs `draw`: nothing is written unless the draw and the log append both succeed, and the
/// log is written before the record, so a record never exists without its log entry.
pub(crate) fn run(args: &DrawArgs, out: &mut Out) -> Result<(), Failure> {
    let request = args.plan.request()?;
    let loaded = load_pool(&args.pool, args.history.as_deref())?;
    let mut log = match &args.log {
        Some(path) if path.exists() => {
            let file = LogFile::read(path)?;
            file.verify(path)
                .map_err(|m| Failure::Check(format!("{m}; refusing to append to a broken log")))?;
            Some((path, file))
        }
        Some(path) => Some((path, LogFile::empty())),
        None => None,
    };
    let lines = &loaded.lines;
    let pool_file = loaded.file.clone();
    let pool = loaded.pool.into_frozen();
    let record = draw(&pool, &request).map_err(|e| match e {
        DrawError::MissingRiskScore { id, stratum } => Failure::Input(format!(
            "{pool_file}:{}: field `risk_score`: --weighted needs a risk score for every \
             eligible target, and target {id} (stratum {stratum}) has none",
            lines.get(&id).copied().unwrap_or(0)
        )),
        other => explain(other),
    })?;

    let mut logged = None;
    if let Some((path, file)) = &mut log {
        let appended = match (args.redraw_of, &args.reason) {
            (Some(seq), Some(reason)) => file.log.append_redraw(record.clone(), seq, reason),
            _ => file.log.append(record.clone()),
        };
        let seq = appended
            .map_err(|e| {
                let hint = match e {
                    LogError::AlreadyDrawn { entry, .. } => {
                        format!("; to draw it again, pass --redraw-of {entry} --reason TEXT")
                    }
                    _ => String::new(),
                };
                Failure::Input(format!("{}: {e}{hint}", path.display()))
            })?
            .seq;
        file.append_last(path)?;
        logged = Some((seq, path.display().to_string()));
    }
    write_text(&args.out, &format!("{}\n", record.to_json()))?;

    describe(
        out,
        &format!(
            "drew {} of {} targets",
            record.selected.len(),
            record.pool.size
        ),
        &record,
    );
    out.line(format!("record written to {}", args.out.display()));
    if let Some((seq, path)) = logged {
        out.line(format!("logged as entry {seq} of {path}"));
    }
    Ok(())
}
