//! `shuangsuiji announce`: commits a task's pool, member plans and entropy source to the draw
//! log before the value that will seed its draw is published.

use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::files::write_text;
use crate::logfile::{append_failure, open_to_append};
use crate::output::Out;
use crate::plan_args::{parse_plan, parse_task};
use clap::Args;
use shuangsuiji::audit::{DrawAnnouncement, DrawLog, EntryKind, Logged, SeedCommitment};
use shuangsuiji::ids::{PlanId, TaskId};
use shuangsuiji::record::PoolSummary;
use shuangsuiji::seed::Seed;
use std::path::PathBuf;

/// Flags of `announce`.
#[derive(Debug, Args)]
pub(crate) struct AnnounceArgs {
    /// The task to be drawn.
    #[arg(long, value_name = "ID", value_parser = parse_task)]
    task: TaskId,

    /// The member plans of a joint task, each drawn later with `draw --plan` (omit for a task
    /// drawn as one).
    #[arg(long, value_name = "ID,...", value_delimiter = ',', value_parser = parse_plan)]
    plans: Vec<PlanId>,

    /// The target pool (CSV or a workbook) the task will be drawn from; its digest is announced.
    #[arg(long, value_name = "FILE.csv")]
    pool: PathBuf,

    /// The pool's inspection history (CSV or a workbook), part of the pool digest.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,

    /// Where the public value will be published (e.g. "中国福利彩票双色球 2026130期"):
    /// the draw must then use `--seed-from` with exactly this text.
    #[arg(
        long,
        value_name = "SOURCE",
        required_unless_present = "seed",
        conflicts_with = "seed"
    )]
    seed_from: Option<String>,

    /// A given seed (64 hex characters): only its commitment is logged; the draw must use it.
    #[arg(long, value_name = "HEX", value_parser = |s: &str| s.parse::<Seed>().map_err(|e| e.to_string()))]
    seed: Option<Seed>,

    /// The draw log (JSON Lines; created if missing).
    #[arg(long, value_name = "FILE.jsonl")]
    log: PathBuf,

    /// Also write the announcement (JSON) here, to publish.
    #[arg(long, value_name = "FILE.json")]
    out: Option<PathBuf>,
}

/// Runs `announce`.
pub(crate) fn run(args: &AnnounceArgs, out: &mut Out) -> Result<(), Failure> {
    let pool = load_pool(&args.pool, args.history.as_deref(), &args.format)?.into_pool();
    let seed = match (&args.seed_from, &args.seed) {
        (Some(source), None) => SeedCommitment::PublicEntropy {
            source: source.trim().to_owned(),
        },
        (None, Some(seed)) => SeedCommitment::of_given(seed),
        _ => {
            return Err(Failure::input(
                "give either --seed-from SOURCE or --seed HEX",
            ));
        }
    };
    let announcement = DrawAnnouncement::new(
        args.task.clone(),
        args.plans.clone(),
        PoolSummary {
            digest: pool.digest(),
            size: pool.len() as u64,
        },
        seed,
    );
    let path = &args.log;
    let refused = |e| Failure::Input(format!("{}: {e}", path.display()));
    if !path.exists() {
        // Refused on an empty log: say so without creating the file to lock it.
        DrawLog::new()
            .announce(announcement.clone())
            .map_err(refused)?;
    }
    let mut log = open_to_append(path)?;
    let entry = log
        .prepare(
            EntryKind::Announce,
            Logged::Announce(Box::new(announcement.clone())),
        )
        .map_err(|e| append_failure(e, refused))?;
    log.append(&entry).map_err(|e| append_failure(e, refused))?;
    let seq = entry.seq;
    if let Some(o) = &args.out {
        // The entry is acknowledged by now: a failure here must not read as a failed announce.
        write_text(o, &format!("{}\n", announcement.to_json())).map_err(|e| {
            Failure::Input(format!(
                "{e}; the announcement is logged as entry {seq} of {} all the same",
                path.display()
            ))
        })?;
    }
    out.line(format!(
        "announced task {} ({}) from pool {} ({} targets), seed from {}",
        args.task,
        if args.plans.is_empty() {
            "drawn as one".to_owned()
        } else {
            let names: Vec<&str> = args.plans.iter().map(PlanId::as_str).collect();
            format!("plans {}", names.join(", "))
        },
        pool.digest(),
        pool.len(),
        announcement.seed.describe()
    ));
    out.line(format!("logged as entry {seq} of {}", path.display()));
    if let Some(head) = log.state().published_head() {
        out.line(format!(
            "publish this head now, before the value is out: {head}"
        ));
    }
    Ok(())
}
