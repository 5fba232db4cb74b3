//! A log's state without its entries: what the rules of appending need, so that a front that
//! keeps a log on disk can append to it without reading it again.
//!
//! [`LogState`] is the length, the head and the per-task index of a log. It is rebuilt from
//! [`EntrySummary`]s (a few hundred bytes per entry, whatever the size of the record), and the
//! few earlier entries that one append is checked against ([`LogState::consults`]) are looked
//! up through [`EarlierEntries`]: for a log in memory its entries, for a log on disk the lines
//! read back at their offsets. [`crate::audit::DrawLog`] is the same state with every entry
//! kept.

use super::rules::Index;
use super::{EntryKind, LogEntry, LogError, LogHead, Logged, record_digest};
use crate::digest::Digest;
use crate::ids::{PlanId, TaskId};
use crate::seed::Seed;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Earlier entries of a log, looked up by sequence number. Only entries before the one being
/// decided on may be returned.
pub trait EarlierEntries {
    /// Entry `seq`, if the log holds it (and it was loaded).
    fn entry(&self, seq: u64) -> Option<&LogEntry>;
}

impl EarlierEntries for Vec<LogEntry> {
    fn entry(&self, seq: u64) -> Option<&LogEntry> {
        self.get(usize::try_from(seq).ok()?)
    }
}

impl EarlierEntries for BTreeMap<u64, LogEntry> {
    fn entry(&self, seq: u64) -> Option<&LogEntry> {
        self.get(&seq)
    }
}

impl<S: std::hash::BuildHasher> EarlierEntries for HashMap<u64, LogEntry, S> {
    fn entry(&self, seq: u64) -> Option<&LogEntry> {
        self.get(&seq)
    }
}

/// The entries of a log up to some point, as a slice.
pub(crate) struct Prefix<'a>(pub(crate) &'a [LogEntry]);

impl EarlierEntries for Prefix<'_> {
    fn entry(&self, seq: u64) -> Option<&LogEntry> {
        self.0.get(usize::try_from(seq).ok()?)
    }
}

/// What the index of a log keeps of one entry: its place in the chain, its task, and what the
/// rules of appending look at (the plans an announcement names; a draw's plan and seed; what
/// a re-draw or re-match supersedes). The record itself is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySummary {
    /// The entry's sequence number.
    pub seq: u64,
    /// The entry's digest.
    pub digest: Digest,
    /// The digest of its record.
    pub record_digest: Digest,
    /// The task it is for.
    pub task: TaskId,
    /// Its kind, with what the rules need of it.
    pub kind: SummaryKind,
}

/// An entry's kind, as its summary keeps it.
// Externally tagged (`{"draw": {...}}`), not flattened: an index of 10⁵ summaries is read by
// every append, and a flattened or internally tagged enum is buffered before it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryKind {
    /// An announcement, with the member plans it announced.
    Announce {
        /// The plans (none for a task drawn as one).
        plans: Vec<PlanId>,
    },
    /// A draw or re-draw.
    Draw {
        /// The member plan drawn, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<PlanId>,
        /// The seed it was drawn with.
        seed: Seed,
        /// For a re-draw, the entry it supersedes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supersedes: Option<u64>,
    },
    /// A teams entry or re-match.
    Teams {
        /// For a re-match, the entry it supersedes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supersedes: Option<u64>,
    },
}

impl SummaryKind {
    /// The entry a re-draw or re-match supersedes.
    pub fn supersedes(&self) -> Option<u64> {
        match self {
            SummaryKind::Announce { .. } => None,
            SummaryKind::Draw { supersedes, .. } | SummaryKind::Teams { supersedes } => *supersedes,
        }
    }
}

impl EntrySummary {
    /// The summary of an entry.
    pub fn of(entry: &LogEntry) -> EntrySummary {
        let supersedes = match &entry.kind {
            EntryKind::Redraw { supersedes, .. } | EntryKind::Rematch { supersedes, .. } => {
                Some(*supersedes)
            }
            EntryKind::Announce | EntryKind::Draw | EntryKind::Teams => None,
        };
        let kind = match &entry.record {
            Logged::Announce(a) => SummaryKind::Announce {
                plans: a.plans.clone(),
            },
            Logged::Draw(r) => SummaryKind::Draw {
                plan: r.request.plan.clone(),
                seed: r.request.seed,
                supersedes,
            },
            Logged::Teams(_) => SummaryKind::Teams { supersedes },
        };
        EntrySummary {
            seq: entry.seq,
            digest: entry.digest,
            record_digest: entry.record_digest,
            task: entry.record.task_id().clone(),
            kind,
        }
    }

    /// Whether this is a draw or re-draw.
    pub fn is_draw(&self) -> bool {
        matches!(self.kind, SummaryKind::Draw { .. })
    }
}

/// A log's length, head and index: everything an append is decided on, apart from the few
/// earlier entries it names ([`LogState::consults`]).
#[derive(Debug, Clone)]
pub struct LogState {
    len: u64,
    head: Digest,
    index: Index,
}

impl Default for LogState {
    fn default() -> LogState {
        LogState {
            len: 0,
            head: Digest::ZERO,
            index: Index::default(),
        }
    }
}

impl LogState {
    /// The state of an empty log.
    pub fn new() -> LogState {
        LogState::default()
    }

    /// How many entries the log holds (the sequence number of the next).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest the next entry links to (all zeros for an empty log).
    pub fn head(&self) -> Digest {
        self.head
    }

    /// The head a platform publishes (`SEQ:DIGEST` of the last entry); `None` for an empty log.
    pub fn published_head(&self) -> Option<LogHead> {
        self.len.checked_sub(1).map(|seq| LogHead {
            seq: Some(seq),
            digest: self.head,
        })
    }

    /// The earlier entries that deciding on an entry of `kind` carrying `record` reads: pass
    /// at least these to [`LogState::check_append`] and [`LogState::next_entry`].
    pub fn consults(&self, kind: &EntryKind, record: &Logged) -> Vec<u64> {
        self.index
            .consults(kind, record)
            .into_iter()
            .filter(|&seq| seq < self.len)
            .collect()
    }

    /// Whether an entry of `kind` carrying `record` may be appended, given the entries it
    /// consults.
    pub fn check_append(
        &self,
        earlier: &dyn EarlierEntries,
        kind: &EntryKind,
        record: &Logged,
    ) -> Result<(), LogError> {
        self.index.admit(earlier, kind, record)
    }

    /// The entry an append of `kind` carrying `record` would add, after checking it; the state
    /// is not changed until the entry is [filed](LogState::file) (once it is stored).
    pub fn next_entry(
        &self,
        earlier: &dyn EarlierEntries,
        kind: EntryKind,
        record: Logged,
    ) -> Result<LogEntry, LogError> {
        self.check_append(earlier, &kind, &record)?;
        let mut entry = LogEntry {
            seq: self.len,
            previous: self.head,
            kind,
            record_digest: record_digest(&record),
            record,
            digest: Digest::ZERO,
        };
        entry.digest = entry.compute_digest();
        Ok(entry)
    }

    /// Files the summary of the next entry, already checked (by [`LogState::next_entry`] or
    /// [`LogState::verify_next`], now or when the summary was stored). Refused unless it is
    /// the next entry.
    pub fn file(&mut self, summary: &EntrySummary) -> Result<(), LogError> {
        if summary.seq != self.len {
            return Err(LogError::BrokenLink {
                seq: self.len,
                problem: format!(
                    "the entry filed next is entry {}, expected {}",
                    summary.seq, self.len
                ),
            });
        }
        self.index.file(summary);
        self.len += 1;
        self.head = summary.digest;
        Ok(())
    }

    /// Checks that `entry` is the log's next entry (its sequence number, its link, its
    /// digests) and that the rules of appending admit it, then files it. `read_digest` is the
    /// SM3 of its record's bytes as read from a file (else the record is re-serialised).
    pub fn verify_next(
        &mut self,
        earlier: &dyn EarlierEntries,
        entry: &LogEntry,
        read_digest: Option<Digest>,
    ) -> Result<(), LogError> {
        let seq = self.len;
        let broken = |problem: String| LogError::BrokenLink { seq, problem };
        if entry.seq != seq {
            return Err(broken(format!(
                "sequence number is {}, expected {seq} (an entry was removed or moved)",
                entry.seq
            )));
        }
        if entry.previous != self.head {
            return Err(broken(
                "does not link to the entry before it (removed, reordered or replaced)".into(),
            ));
        }
        let actual = read_digest.unwrap_or_else(|| record_digest(&entry.record));
        if entry.record_digest != actual {
            return Err(broken("the record was changed after it was logged".into()));
        }
        if entry.digest != entry.compute_digest() {
            return Err(broken(
                "the entry's digest does not match its content".into(),
            ));
        }
        // The rules of appending hold for every entry, so that a log hashed correctly by
        // someone else's tool is still refused if it hides a second draw.
        self.index
            .admit(earlier, &entry.kind, &entry.record)
            .map_err(|rule| broken(rule.to_string()))?;
        self.file(&EntrySummary::of(entry))
    }

    /// The entry that superseded entry `seq`, if one did.
    pub fn superseded_by(&self, seq: u64) -> Option<u64> {
        self.index.superseded_by(seq)
    }

    /// The draws in force for a task: per member plan, its latest draw or re-draw, in log
    /// order.
    pub fn current_draws(&self, task: &TaskId) -> Vec<u64> {
        self.index.current_draws(task)
    }

    /// The announcement in force for a task: its latest.
    pub fn current_announcement(&self, task: &TaskId) -> Option<u64> {
        self.index.current_announcement(task)
    }

    /// The teams in force for a task.
    pub fn current_teams(&self, task: &TaskId) -> Option<u64> {
        self.index.current_teams(task)
    }

    /// Tasks whose teams in force predate one of their current draws: `(task, teams entry,
    /// later draw entry)` (see [`crate::audit::DrawLog::stale_teams`]).
    pub fn stale_teams(&self) -> Vec<(TaskId, u64, u64)> {
        self.index
            .tasks_with_teams()
            .into_iter()
            .filter_map(|(task, teams)| {
                let later = self
                    .index
                    .current_draws(task)
                    .into_iter()
                    .find(|&d| d > teams)?;
                Some((task.clone(), teams, later))
            })
            .collect()
    }
}
