//! The draw log on disk: JSON Lines, one entry per line, only ever appended to, by one writer
//! at a time ([`shuangsuiji_io::durable::LockedLog`]).

use crate::failure::Failure;
use crate::files::decode_text;
use shuangsuiji::audit::{DrawLog, EntryKind, LogEntry, LogError};
use shuangsuiji_io::durable::{DurableError, LockedLog, TornTail};
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
    /// The writers' lock, held for as long as this value lives when opened to append.
    locked: Option<LockedLog>,
}

impl LogFile {
    /// Reads a log to inspect it: the read waits for a writer half-way through an append (a
    /// shared lock, released once read). A line that is not an entry is an input error naming
    /// the line; a torn tail is kept in `torn`, not read.
    pub(crate) fn read(path: &Path) -> Result<LogFile, Failure> {
        let locked = LockedLog::open_to_read(path).map_err(Failure::input)?;
        LogFile::parse(locked, false)
    }

    /// Opens a log to append to (created if missing), taking the writers' lock first, so that
    /// what is read and checked is what the next entry links to, and refuses a log that ends
    /// in an interrupted append or whose chain is broken (exit 1).
    pub(crate) fn open_to_append(path: &Path) -> Result<LogFile, Failure> {
        let locked = LockedLog::open(path).map_err(Failure::input)?;
        let file = LogFile::parse(locked, true)?;
        if let Some(message) = file.torn_message() {
            return Err(Failure::Check(format!("{message}; refusing to append")));
        }
        file.verify(path)
            .map_err(|m| Failure::Check(format!("{m}; refusing to append to a broken log")))?;
        Ok(file)
    }

    fn parse(locked: LockedLog, keep_lock: bool) -> Result<LogFile, Failure> {
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
            locked: keep_lock.then_some(locked),
        })
    }

    /// What to tell the user about a torn tail: which line, how long, and how to recover.
    pub(crate) fn torn_message(&self) -> Option<String> {
        let tail = self.torn?;
        let file = self.path.display();
        Some(format!(
            "{file}:{}: the last entry is incomplete: an interrupted append ({} bytes from byte {}) \
             that was never acknowledged; `shuangsuiji log repair {file}` drops it, keeping a copy \
             of the whole file",
            tail.line, tail.len, tail.offset
        ))
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

    /// Appends the log's last entry to the file (opened with [`LogFile::open_to_append`], so
    /// it holds the entries before it) with one synced write. When this returns `Ok` the entry
    /// is acknowledged; on failure the file is as it was, and the error says so.
    pub(crate) fn append_last(&mut self) -> Result<(), Failure> {
        let Some(entry) = self.log.entries().last() else {
            return Ok(());
        };
        let line = entry_json(&self.path, entry)?;
        let Some(locked) = &mut self.locked else {
            return Err(Failure::Input(format!(
                "{}: the log was opened to read, not to append",
                self.path.display()
            )));
        };
        locked.append(&line).map_err(|e| match e {
            DurableError::AppendNotUndone { .. } => Failure::Input(format!(
                "{e}: run `shuangsuiji log repair {}`",
                self.path.display()
            )),
            other => Failure::input(other),
        })?;
        // The line just written ends the file.
        let line_no = locked.complete().iter().filter(|&&b| b == b'\n').count();
        self.lines.push(line_no);
        Ok(())
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
