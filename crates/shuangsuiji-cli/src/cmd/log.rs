//! `shuangsuiji log verify`: lists a draw log and checks its hash chain.

use crate::failure::Failure;
use crate::logfile::{LogFile, kind_text};
use crate::output::Out;
use clap::{Args, Subcommand};
use shuangsuiji::audit::{EntryKind, Logged};
use std::collections::HashMap;
use std::path::PathBuf;

/// Subcommands of `log`.
#[derive(Debug, Subcommand)]
pub(crate) enum LogCommand {
    /// List the entries of a draw log and check that no entry was removed, reordered or
    /// changed.
    Verify(LogVerifyArgs),
}

/// Flags of `log verify`.
#[derive(Debug, Args)]
pub(crate) struct LogVerifyArgs {
    /// The draw log (JSON Lines).
    #[arg(value_name = "FILE.jsonl")]
    file: PathBuf,
}

/// Runs a `log` subcommand.
pub(crate) fn run(command: &LogCommand, out: &mut Out) -> Result<(), Failure> {
    let LogCommand::Verify(args) = command;
    let file = LogFile::read(&args.file)?;
    let entries = file.log.entries();
    let superseded_by: HashMap<u64, u64> = entries
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Redraw { supersedes, .. } | EntryKind::Rematch { supersedes, .. } => {
                Some((supersedes, e.seq))
            }
            EntryKind::Draw | EntryKind::Teams => None,
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
        // A draw counts the targets drawn, a teams entry the teams formed.
        let (plan, count) = match &e.record {
            Logged::Draw(r) => (
                r.request.plan.as_ref().map_or("", |p| p.as_str()),
                r.selected.len(),
            ),
            Logged::Teams(r) => ("", r.teams.len()),
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
    file.verify(&args.file).map_err(Failure::Check)?;
    out.line(format!(
        "OK: every link holds; head digest {}",
        file.log.head()
    ));
    Ok(())
}
