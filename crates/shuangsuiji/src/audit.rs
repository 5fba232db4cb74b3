//! The append-only draw log: every record chained to the one before by digest.
//!
//! A draw cannot be deleted, reordered or silently replaced: each entry's digest covers the
//! previous entry's digest, its sequence number and its record, so removing or changing any entry
//! breaks every link after it. A re-draw is a new entry that names the entry it supersedes and
//! says why; the superseded draw stays in the log for anyone to see.

use crate::digest::{Digest, Encoder};
use crate::ids::TaskId;
use crate::record::DrawRecord;
use serde::{Deserialize, Serialize};

/// Why an entry is in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EntryKind {
    /// The first draw of a task.
    Draw,
    /// A new draw for a task already drawn.
    Redraw {
        /// Sequence number of the entry it supersedes.
        supersedes: u64,
        /// Why the earlier draw was not used (required, non-empty).
        reason: String,
    },
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// 0 for the first entry, then 1, 2, ….
    pub seq: u64,
    /// The digest of the previous entry (all zeros for the first).
    pub previous: Digest,
    /// Draw or re-draw.
    #[serde(flatten)]
    pub kind: EntryKind,
    /// SM3 of the record's compact JSON serialisation.
    pub record_digest: Digest,
    /// The record.
    pub record: DrawRecord,
    /// This entry's digest (see [`LogEntry::compute_digest`]).
    pub digest: Digest,
}

impl LogEntry {
    /// `SM3(str("shuangsuiji/draw-log/v1") ‖ previous ‖ u64be(seq) ‖ str(kind) ‖
    /// str(supersedes or "") ‖ str(reason or "") ‖ record_digest)`.
    pub fn compute_digest(&self) -> Digest {
        let mut e = Encoder::new("shuangsuiji/draw-log/v1");
        e.bytes(&self.previous.0);
        e.u64(self.seq);
        match &self.kind {
            EntryKind::Draw => {
                e.str("draw");
                e.str("");
                e.str("");
            }
            EntryKind::Redraw { supersedes, reason } => {
                e.str("redraw");
                e.str(&supersedes.to_string());
                e.str(reason);
            }
        }
        e.bytes(&self.record_digest.0);
        e.finish()
    }
}

/// The digest of a record as the log takes it.
pub fn record_digest(record: &DrawRecord) -> Digest {
    Digest::sm3(&serde_json::to_vec(record).unwrap_or_default())
}

/// Whether an entry of `kind` for `task` may follow `earlier`: a task is drawn once, and each
/// later draw is a re-draw of its latest entry with a reason.
fn admissible(earlier: &[LogEntry], task: &TaskId, kind: &EntryKind) -> Result<(), LogError> {
    let bad = |problem: String| LogError::BadRedraw {
        task: task.to_string(),
        problem,
    };
    match kind {
        EntryKind::Draw => match earlier.iter().find(|e| &e.record.request.task_id == task) {
            Some(prev) => Err(LogError::AlreadyDrawn {
                task: task.to_string(),
                entry: prev.seq,
            }),
            None => Ok(()),
        },
        EntryKind::Redraw { supersedes, reason } => {
            if reason.trim().is_empty() {
                return Err(bad("a re-draw must say why".into()));
            }
            let Some(old) = earlier.get(usize::try_from(*supersedes).unwrap_or(usize::MAX)) else {
                return Err(bad(format!("there is no earlier entry {supersedes}")));
            };
            if &old.record.request.task_id != task {
                return Err(bad(format!(
                    "entry {supersedes} is a draw of task {}, not of this task",
                    old.record.request.task_id
                )));
            }
            if let Some(later) = earlier.iter().find(
                |e| matches!(&e.kind, EntryKind::Redraw { supersedes: s, .. } if s == supersedes),
            ) {
                return Err(bad(format!(
                    "entry {supersedes} was already superseded by entry {}",
                    later.seq
                )));
            }
            Ok(())
        }
    }
}

/// What is wrong with an append or with a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// A second plain draw for a task.
    #[error(
        "task {task} was already drawn in entry {entry}; a new draw must be a re-draw with a reason"
    )]
    AlreadyDrawn {
        /// The task.
        task: String,
        /// The entry that drew it.
        entry: u64,
    },
    /// A re-draw that names no earlier draw of the same task, or gives no reason.
    #[error("re-draw of task {task}: {problem}")]
    BadRedraw {
        /// The task.
        task: String,
        /// What is wrong.
        problem: String,
    },
    /// The first entry whose link does not hold.
    #[error("broken link at entry {seq}: {problem}")]
    BrokenLink {
        /// The sequence number (position) of the entry.
        seq: u64,
        /// What does not hold.
        problem: String,
    },
    /// A line of a JSON Lines log that cannot be read.
    #[error("log line {line}: {problem}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The parse error.
        problem: String,
    },
}

/// An append-only, hash-chained log of draw records.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DrawLog {
    entries: Vec<LogEntry>,
}

impl DrawLog {
    /// An empty log.
    pub fn new() -> DrawLog {
        DrawLog::default()
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    /// The digest a new entry must link to.
    pub fn head(&self) -> Digest {
        self.entries.last().map_or(Digest::ZERO, |e| e.digest)
    }

    /// Appends the first draw of a task.
    pub fn append(&mut self, record: DrawRecord) -> Result<&LogEntry, LogError> {
        admissible(&self.entries, &record.request.task_id, &EntryKind::Draw)?;
        Ok(self.push(EntryKind::Draw, record))
    }

    /// Appends a re-draw of a task, superseding entry `supersedes`, with a reason.
    pub fn append_redraw(
        &mut self,
        record: DrawRecord,
        supersedes: u64,
        reason: &str,
    ) -> Result<&LogEntry, LogError> {
        let kind = EntryKind::Redraw {
            supersedes,
            reason: reason.to_owned(),
        };
        admissible(&self.entries, &record.request.task_id, &kind)?;
        Ok(self.push(kind, record))
    }

    fn push(&mut self, kind: EntryKind, record: DrawRecord) -> &LogEntry {
        let mut entry = LogEntry {
            seq: self.entries.len() as u64,
            previous: self.head(),
            kind,
            record_digest: record_digest(&record),
            record,
            digest: Digest::ZERO,
        };
        entry.digest = entry.compute_digest();
        self.entries.push(entry);
        &self.entries[self.entries.len() - 1]
    }

    /// The entry in force for a task: its latest draw or re-draw.
    pub fn current(&self, task: &TaskId) -> Option<&LogEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| &e.record.request.task_id == task)
    }

    /// Checks every link; returns the first broken one.
    pub fn verify_chain(&self) -> Result<(), LogError> {
        let mut previous = Digest::ZERO;
        for (i, e) in self.entries.iter().enumerate() {
            let broken = |problem: String| LogError::BrokenLink {
                seq: i as u64,
                problem,
            };
            if e.seq != i as u64 {
                return Err(broken(format!(
                    "sequence number is {}, expected {i} (an entry was removed or moved)",
                    e.seq
                )));
            }
            if e.previous != previous {
                return Err(broken(
                    "does not link to the entry before it (removed, reordered or replaced)".into(),
                ));
            }
            if e.record_digest != record_digest(&e.record) {
                return Err(broken("the record was changed after it was logged".into()));
            }
            if e.digest != e.compute_digest() {
                return Err(broken(
                    "the entry's digest does not match its content".into(),
                ));
            }
            // The rules of appending hold for every entry, so that a log hashed correctly by
            // someone else's tool is still refused if it hides a second draw.
            admissible(&self.entries[..i], &e.record.request.task_id, &e.kind)
                .map_err(|rule| broken(rule.to_string()))?;
            previous = e.digest;
        }
        Ok(())
    }

    /// The log as JSON Lines, one entry per line.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Reads a JSON Lines log (without checking the chain: call [`DrawLog::verify_chain`]).
    pub fn from_jsonl(text: &str) -> Result<DrawLog, LogError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(line).map_err(|e| LogError::BadLine {
                line: i + 1,
                problem: e.to_string(),
            })?;
            entries.push(entry);
        }
        Ok(DrawLog { entries })
    }
}
