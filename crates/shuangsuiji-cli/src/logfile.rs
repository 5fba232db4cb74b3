//! The draw log on disk: JSON Lines, one entry per line, only ever appended to, by one writer
//! at a time. Reading it to inspect goes through [`LockedLog`] (the whole log, checked);
//! appending through [`IndexedLog`], which keeps an index beside the log so that an append
//! does not read the log again.

use crate::failure::Failure;
use crate::files::decode_text;
use shuangsuiji::audit::{DrawLog, EntryKind, LogError};
use shuangsuiji_io::durable::{DurableError, LockedLog, TornTail, torn_message};
use shuangsuiji_io::indexed::{IndexedLog, LogFileError, broken_link_message};
use std::path::{Path, PathBuf};

/// A log read from a file, with the line each entry is on.
#[derive(Debug)]
pub(crate) struct LogFile {
    /// The entries of its complete lines.
    pub(crate) log: DrawLog,
    /// The 1-based line of each entry (blank lines are skipped by the reader).
    pub(crate) lines: Vec<usize>,
    /// An interrupted append at the end of the file, left out of `log`.
    pub(crate) torn: Option<TornTail>,
    path: PathBuf,
}

impl LogFile {
    /// Reads a log to inspect it: the read waits for a writer half-way through an append (a
    /// shared lock, released once read). A line that is not an entry is an input error naming
    /// the line; a torn tail is kept in `torn`, not read.
    pub(crate) fn read(path: &Path) -> Result<LogFile, Failure> {
        let locked = LockedLog::open_to_read(path).map_err(Failure::input)?;
        LogFile::parse(&locked)
    }

    fn parse(locked: &LockedLog) -> Result<LogFile, Failure> {
        let path = locked.path().to_path_buf();
        let text = decode_text(&path, locked.complete())?;
        let torn = locked.torn_tail();
        let log = DrawLog::from_jsonl(text).map_err(|e| match e {
            LogError::BadLine { line, problem } => Failure::Input(format!(
                "{}:{line}: not a draw-log entry: {problem}",
                path.display()
            )),
            other => Failure::Input(format!("{}: {other}", path.display())),
        })?;
        let lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, _)| i + 1)
            .collect();
        Ok(LogFile {
            log,
            lines,
            torn,
            path,
        })
    }

    /// What to tell the user about a torn tail: which line, how long, and how to recover.
    pub(crate) fn torn_message(&self) -> Option<String> {
        Some(torn_message(&self.path, self.torn.as_ref()?))
    }

    /// Checks the chain; a broken link is described with its line and task.
    pub(crate) fn verify(&self, path: &Path) -> Result<(), String> {
        self.log.verify_chain().map_err(|e| match e {
            LogError::BrokenLink { seq, problem } => {
                let at = usize::try_from(seq).unwrap_or(usize::MAX);
                let line = self.lines.get(at).copied().unwrap_or(0);
                let task = self
                    .log
                    .entries()
                    .get(at)
                    .map(|e| e.record.task_id().to_string());
                broken_link_message(path, seq, line, task.as_deref(), &problem)
            }
            other => format!("{}: {other}", path.display()),
        })
    }
}

/// Opens a log to append to (created if missing), under the writers' lock, and refuses a log
/// that ends in an interrupted append or whose chain is broken (exit 1).
pub(crate) fn open_to_append(path: &Path) -> Result<IndexedLog, Failure> {
    IndexedLog::open(path).map_err(|e| append_failure(e, Failure::input))
}

/// What a failed open or append tells the user; a refusal by the rules of appending is
/// worded by `refused`.
pub(crate) fn append_failure(
    e: LogFileError,
    refused: impl FnOnce(LogError) -> Failure,
) -> Failure {
    match e {
        LogFileError::Torn { .. } => Failure::Check(format!("{e}; refusing to append")),
        LogFileError::Broken { .. } => {
            Failure::Check(format!("{e}; refusing to append to a broken log"))
        }
        LogFileError::Refused { error, .. } => refused(error),
        LogFileError::Durable(DurableError::AppendNotUndone { ref path, .. }) => Failure::Input(
            format!("{e}: run `shuangsuiji log repair {}`", path.display()),
        ),
        other => Failure::input(other),
    }
}

/// `announce`, `draw`, `teams`, or a re-draw or re-match with what it supersedes and why.
pub(crate) fn kind_text(kind: &EntryKind) -> String {
    match kind {
        EntryKind::Announce => "announce".to_owned(),
        EntryKind::Draw => "draw".to_owned(),
        EntryKind::Teams => "teams".to_owned(),
        EntryKind::Redraw { supersedes, reason } => {
            format!("re-draw superseding entry {supersedes}: {reason}")
        }
        EntryKind::Rematch { supersedes, reason } => {
            format!("re-match superseding entry {supersedes}: {reason}")
        }
    }
}
