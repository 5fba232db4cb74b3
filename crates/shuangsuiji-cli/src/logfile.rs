//! The draw log on disk: JSON Lines, one entry per line, only ever appended to.

use crate::failure::Failure;
use crate::files::read_text;
use shuangsuiji::audit::{DrawLog, EntryKind, LogEntry, LogError};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// A log read from a file, with the line each entry is on.
#[derive(Debug)]
pub(crate) struct LogFile {
    /// The entries.
    pub(crate) log: DrawLog,
    /// The 1-based line of each entry (blank lines are skipped by the reader).
    pub(crate) lines: Vec<usize>,
    /// Whether the file's last byte is a newline (or the file is empty).
    ends_with_newline: bool,
}

impl LogFile {
    /// An empty log, for a file that does not exist yet.
    pub(crate) fn empty() -> LogFile {
        LogFile {
            log: DrawLog::new(),
            lines: Vec::new(),
            ends_with_newline: true,
        }
    }

    /// Reads a log; a line that is not an entry is an input error naming the line.
    pub(crate) fn read(path: &Path) -> Result<LogFile, Failure> {
        let text = read_text(path)?;
        let log = DrawLog::from_jsonl(&text).map_err(|e| match e {
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
            ends_with_newline: text.is_empty() || text.ends_with('\n'),
        })
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
                    .map_or_else(String::new, |e| format!(", task {}", e.record.task_id()));
                format!(
                    "{}: broken link at entry {seq} (line {line}{task}): {problem}",
                    path.display()
                )
            }
            other => format!("{}: {other}", path.display()),
        })
    }

    /// Appends the log's last entry to the file, which must hold the entries before it.
    pub(crate) fn append_last(&self, path: &Path) -> Result<(), Failure> {
        let Some(entry) = self.log.entries().last() else {
            return Ok(());
        };
        let mut line = if self.ends_with_newline {
            String::new()
        } else {
            "\n".to_owned()
        };
        line.push_str(&entry_json(path, entry)?);
        line.push('\n');
        let fail =
            |e: std::io::Error| Failure::Input(format!("{}: cannot write: {e}", path.display()));
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(fail)?;
        file.write_all(line.as_bytes()).map_err(fail)
    }
}

fn entry_json(path: &Path, entry: &LogEntry) -> Result<String, Failure> {
    serde_json::to_string(entry)
        .map_err(|e| Failure::Input(format!("{}: cannot encode entry: {e}", path.display())))
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
