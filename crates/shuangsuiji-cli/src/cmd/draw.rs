//! `shuangsuiji draw`: a draw from a CSV pool, written as a record and optionally logged.

use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::logfile::{append_failure, open_to_append};
use crate::output::Out;
use crate::plan_args::{PlanArgs, explain};
use crate::summary::describe;
use clap::Args;
use shuangsuiji::audit::{DrawLog, EntryKind, LogError, Logged, record_digest};
use shuangsuiji::draw::DrawError;
use shuangsuiji::record::draw_pending;
use shuangsuiji_io::durable::Staged;
use std::path::{Path, PathBuf};

/// Flags of `draw`.
#[derive(Debug, Args)]
pub(crate) struct DrawArgs {
    /// The target pool: CSV with at least the columns `id` and `grade`, or a platform's export
    /// (a workbook or CSV with Chinese headers; docs/FORMATS.md).
    #[arg(long, value_name = "FILE.csv")]
    pool: PathBuf,

    /// The inspection history (target_id,date,department,item,inspectors). It is part of the
    /// pool and of its digest: give it whenever the pool has one.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,

    #[command(flatten)]
    plan: PlanArgs,

    #[command(flatten)]
    format: crate::formats::Format,

    /// Where to write the draw record (JSON).
    #[arg(long, value_name = "RECORD.json")]
    out: PathBuf,

    /// Append the record to this draw log (JSON Lines; created if missing). The log is locked
    /// first (other writers wait) and its chain verified, and nothing is written if it is
    /// broken or ends in an interrupted append. A draw the log already holds with exactly this
    /// record only writes the record.
    #[arg(long, value_name = "FILE.jsonl")]
    log: Option<PathBuf>,

    /// Log this draw as a re-draw superseding log entry SEQ of the same task.
    #[arg(long, value_name = "SEQ", requires_all = ["log", "reason"])]
    redraw_of: Option<u64>,

    /// Why the earlier draw is superseded; recorded in the log for everyone to read.
    #[arg(long, value_name = "TEXT", requires = "redraw_of")]
    reason: Option<String>,
}

/// Runs `draw`. Without `--log`, the record is written atomically. With it, the log's lock is
/// taken before the log is read and checked, so concurrent draws take turns; then the record is
/// written to a temporary file and synced, the entry is appended and synced (acknowledged), and
/// only then is the record renamed into place: a record never exists without its log entry, and
/// a crash at any point leaves no half-written file. A draw that the log already holds with
/// exactly this record (a retry after the record was lost) is not logged again: its record is
/// written.
pub(crate) fn run(args: &DrawArgs, out: &mut Out) -> Result<(), Failure> {
    let request = args.plan.request()?;
    let loaded = load_pool(&args.pool, args.history.as_deref(), &args.format)?;
    let pool = loaded.pool();
    let mut pending = draw_pending(pool, &request).map_err(|e| match e {
        DrawError::MissingRiskScore { id, stratum } => Failure::Input(format!(
            "{}: --weighted needs a risk score for every \
             eligible target, and target {id} (stratum {stratum}) has none",
            loaded.place_of(&id, "risk_score")
        )),
        other => explain(other),
    })?;
    pending.record_mut().grade_rules = loaded.grade_rules().to_vec();
    // A large pool's digest is still being taken on a thread of its own: the record is written
    // and synced to its temporary file meanwhile, and the digest's digits put in after.
    let (text, digits) = pending.json_line();
    let nothing_logged = |e: shuangsuiji_io::durable::DurableError| match &args.log {
        Some(log) => Failure::Input(format!("{e}; nothing was logged in {}", log.display())),
        None => Failure::input(e),
    };
    let mut staged = Staged::new(&args.out, text.as_bytes()).map_err(nothing_logged)?;
    drop(text);
    let record = pending.seal();
    let digest = record.pool.digest.to_string();
    staged
        .patch(digits.start as u64, digest.as_bytes())
        .map_err(nothing_logged)?;
    let summary = |out: &mut Out| {
        describe(
            out,
            &format!(
                "drew {} of {} targets",
                record.selected.len(),
                record.pool.size
            ),
            &record,
        );
    };
    let written = format!("record written to {}", args.out.display());

    let Some(path) = &args.log else {
        staged.commit().map_err(Failure::input)?;
        summary(out);
        out.line(written);
        return Ok(());
    };
    let append = |log: &mut DrawLog| {
        let appended = match (args.redraw_of, &args.reason) {
            (Some(seq), Some(reason)) => log.append_redraw(record.clone(), seq, reason),
            _ => log.append(record.clone()),
        };
        appended.map(|e| e.seq).map_err(|e| refused(path, e))
    };
    if !path.exists() {
        // A log that does not exist holds no announcement: refuse as the log would, without
        // creating an empty log file to lock.
        append(&mut DrawLog::new())?;
    }
    let mut log = open_to_append(path)?;
    let logged = Logged::Draw(Box::new(record.clone()));
    if let Some(seq) = log.draw_with_record(&record_digest(&logged)) {
        staged.commit().map_err(Failure::input)?;
        summary(out);
        out.line(written);
        let later = log
            .state()
            .superseded_by(seq)
            .map_or_else(String::new, |s| format!(" (superseded by entry {s})"));
        out.line(format!(
            "already logged as entry {seq}{later} of {}; record written, nothing appended",
            path.display()
        ));
        return Ok(());
    }
    let kind = match (args.redraw_of, &args.reason) {
        (Some(supersedes), Some(reason)) => EntryKind::Redraw {
            supersedes,
            reason: reason.clone(),
        },
        _ => EntryKind::Draw,
    };
    let entry = log
        .prepare(kind, logged)
        .map_err(|e| append_failure(e, |e| refused(path, e)))?;
    let seq = entry.seq;
    log.append(&entry)
        .map_err(|e| append_failure(e, |e| refused(path, e)))?;
    let logged_as = format!("logged as entry {seq} of {}", path.display());
    let committed = staged.commit();
    summary(out);
    if let Err(e) = committed {
        out.line(&logged_as);
        return Err(Failure::Input(format!(
            "{e}; the draw is logged as entry {seq} of {log} all the same: run the same draw \
             again (same pool, seed and flags, with --log {log}) to write its record; it will \
             not be logged twice",
            log = path.display()
        )));
    }
    out.line(written);
    out.line(logged_as);
    Ok(())
}

/// Why the log refuses the draw, with the way to draw a task again.
fn refused(path: &Path, e: LogError) -> Failure {
    let hint = match e {
        LogError::AlreadyDrawn { entry, .. } => {
            format!("; to draw it again, pass --redraw-of {entry} --reason TEXT")
        }
        _ => String::new(),
    };
    Failure::Input(format!("{}: {e}{hint}", path.display()))
}
