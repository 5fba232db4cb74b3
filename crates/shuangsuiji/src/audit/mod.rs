//! The append-only draw log: every record chained to the one before by digest.
//!
//! A draw cannot be deleted, reordered or silently replaced: each entry's digest covers the
//! previous entry's digest, its sequence number and its record, so removing or changing any entry
//! breaks every link after it. A re-draw is a new entry that names the entry it supersedes and
//! says why; the superseded draw stays in the log for anyone to see.
//!
//! The log also holds each task's inspector teams ([`TeamRecord`]), so that who was drawn and
//! who was sent are published and chained together. A task's teams entry must staff exactly
//! the targets its current draws selected (each member plan of a joint task is its own draw
//! entry, named by [`DrawRequest::plan`](crate::draw::DrawRequest::plan)); new teams for a task
//! already matched are a re-match that names the entry it supersedes and says why.
//!
//! Before a task is drawn, an `announce` entry ([`DrawAnnouncement`]) commits the log to its
//! pool, its member plans and where its seed will come from; every draw of the task must keep
//! that commitment, all member plans share one seed, and a re-draw needs a new announcement
//! with a new source. Tasks and plans are told apart as a reader tells them: a task id that
//! looks like one already logged ([`crate::ids::skeleton`]) is refused, not taken as a new
//! task.

mod announce;
mod rules;
mod state;

pub use announce::{ANNOUNCEMENT_FORMAT, DrawAnnouncement, SeedCommitment};
pub use state::{EarlierEntries, EntrySummary, LogState, SummaryKind};

use crate::digest::{Digest, Encoder};
use crate::ids::TaskId;
use crate::record::DrawRecord;
use crate::teams::{TEAM_RECORD_FORMAT, TeamRecord};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use state::Prefix;

/// Why an entry is in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// A task's pool, plans and entropy source, committed before its seed is known.
    Announce,
    /// The first draw of a task.
    Draw,
    /// A new draw for a task already drawn.
    Redraw {
        /// Sequence number of the entry it supersedes.
        supersedes: u64,
        /// Why the earlier draw was not used (required, non-empty).
        reason: String,
    },
    /// The inspector teams of a task's visits.
    Teams,
    /// New teams for a task already matched.
    Rematch {
        /// Sequence number of the teams entry it supersedes.
        supersedes: u64,
        /// Why the earlier teams were not used (required, non-empty).
        reason: String,
    },
}

impl EntryKind {
    /// Whether entries of this kind carry a draw record (else a team record).
    pub fn is_draw(&self) -> bool {
        matches!(self, EntryKind::Draw | EntryKind::Redraw { .. })
    }

    /// The name of the kind as the log writes it.
    pub fn name(&self) -> &'static str {
        match self {
            EntryKind::Announce => "announce",
            EntryKind::Draw => "draw",
            EntryKind::Redraw { .. } => "redraw",
            EntryKind::Teams => "teams",
            EntryKind::Rematch { .. } => "rematch",
        }
    }
}

/// What an entry carries: an announcement, a draw record or a team record, told apart by its
/// `format`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Logged {
    /// A task's announcement.
    Announce(Box<DrawAnnouncement>),
    /// A draw or re-draw (boxed, like the team record, to keep entries small to move).
    Draw(Box<DrawRecord>),
    /// A task's teams.
    Teams(Box<TeamRecord>),
}

impl<'de> Deserialize<'de> for Logged {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Logged, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(TEAM_RECORD_FORMAT) => serde_json::from_value(value)
                .map(|r| Logged::Teams(Box::new(r)))
                .map_err(D::Error::custom),
            Some(ANNOUNCEMENT_FORMAT) => serde_json::from_value(value)
                .map(|r| Logged::Announce(Box::new(r)))
                .map_err(D::Error::custom),
            _ => serde_json::from_value(value)
                .map(|r| Logged::Draw(Box::new(r)))
                .map_err(D::Error::custom),
        }
    }
}

impl Logged {
    /// The task the record is for.
    pub fn task_id(&self) -> &TaskId {
        match self {
            Logged::Announce(a) => &a.task_id,
            Logged::Draw(r) => &r.request.task_id,
            Logged::Teams(r) => &r.request.task_id,
        }
    }

    /// The draw record, if it is one.
    pub fn as_draw(&self) -> Option<&DrawRecord> {
        match self {
            Logged::Draw(r) => Some(r),
            Logged::Teams(_) | Logged::Announce(_) => None,
        }
    }

    /// The team record, if it is one.
    pub fn as_teams(&self) -> Option<&TeamRecord> {
        match self {
            Logged::Teams(r) => Some(r),
            Logged::Draw(_) | Logged::Announce(_) => None,
        }
    }

    /// The announcement, if it is one.
    pub fn as_announcement(&self) -> Option<&DrawAnnouncement> {
        match self {
            Logged::Announce(a) => Some(a),
            Logged::Draw(_) | Logged::Teams(_) => None,
        }
    }
}

/// One entry of the log. Reading one refuses unknown fields, and a `supersedes` or `reason`
/// on a kind that has none (a `draw` that names what it "supersedes" is not a re-draw).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawEntry<Logged>")]
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
    /// The record: a draw record for draws and re-draws, a team record for teams and
    /// re-matches.
    pub record: Logged,
    /// This entry's digest (see [`LogEntry::compute_digest`]).
    pub digest: Digest,
}

/// A log entry as written, before its kind's fields are checked; `R` is the record, parsed
/// ([`Logged`]) or as its raw bytes (when reading a log line, whose record digest is taken over
/// those bytes).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry<R> {
    seq: u64,
    previous: Digest,
    kind: String,
    #[serde(default, deserialize_with = "present")]
    supersedes: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    reason: Option<String>,
    record_digest: Digest,
    record: R,
    digest: Digest,
}

/// An optional field that, when present, holds a value (`null` is refused, not read as
/// absent).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl<R> RawEntry<R> {
    /// The entry, with its record read into `record`; the kind's fields are checked.
    fn into_entry(
        self,
        read: impl FnOnce(R) -> Result<Logged, String>,
    ) -> Result<LogEntry, String> {
        let RawEntry {
            seq,
            previous,
            kind,
            supersedes,
            reason,
            record_digest,
            record,
            digest,
        } = self;
        let kind = match (kind.as_str(), supersedes, reason) {
            ("announce", None, None) => EntryKind::Announce,
            ("draw", None, None) => EntryKind::Draw,
            ("teams", None, None) => EntryKind::Teams,
            ("redraw", Some(supersedes), Some(reason)) => EntryKind::Redraw { supersedes, reason },
            ("rematch", Some(supersedes), Some(reason)) => {
                EntryKind::Rematch { supersedes, reason }
            }
            ("announce" | "draw" | "teams", _, _) => {
                return Err(format!(
                    "a `{kind}` entry has no `supersedes` or `reason` (only `redraw` and `rematch` do)"
                ));
            }
            ("redraw" | "rematch", _, _) => {
                return Err(format!("a `{kind}` entry needs `supersedes` and `reason`"));
            }
            (other, _, _) => {
                return Err(format!(
                    "unknown entry kind {other:?} (expected announce, draw, redraw, teams or rematch)"
                ));
            }
        };
        Ok(LogEntry {
            seq,
            previous,
            kind,
            record_digest,
            record: read(record)?,
            digest,
        })
    }
}

impl TryFrom<RawEntry<Logged>> for LogEntry {
    type Error = String;
    fn try_from(raw: RawEntry<Logged>) -> Result<LogEntry, String> {
        raw.into_entry(Ok)
    }
}

impl Logged {
    /// Reads a record from its JSON text, choosing its type by `format` without building a
    /// generic JSON tree first.
    fn from_json_text(text: &str) -> Result<Logged, serde_json::Error> {
        #[derive(Deserialize)]
        struct Format<'a> {
            #[serde(borrow, default)]
            format: Option<std::borrow::Cow<'a, str>>,
        }
        let format: Format<'_> = serde_json::from_str(text)?;
        Ok(match format.format.as_deref() {
            Some(TEAM_RECORD_FORMAT) => Logged::Teams(Box::new(serde_json::from_str(text)?)),
            Some(ANNOUNCEMENT_FORMAT) => Logged::Announce(Box::new(serde_json::from_str(text)?)),
            _ => Logged::Draw(Box::new(serde_json::from_str(text)?)),
        })
    }
}

impl LogEntry {
    /// Reads one line of a JSON Lines log, with the SM3 of its record's bytes exactly as
    /// written (what the chain check compares `record_digest` with, `docs/SAMPLING.md` §9).
    pub fn from_json_line(line: &str) -> Result<(LogEntry, Digest), String> {
        // One parse of the line: the record's bytes, as written, are digested and then read.
        let raw: RawEntry<&serde_json::value::RawValue> =
            serde_json::from_str(line).map_err(|e| e.to_string())?;
        let read = Digest::sm3(raw.record.get().as_bytes());
        let entry =
            raw.into_entry(|r| Logged::from_json_text(r.get()).map_err(|e| e.to_string()))?;
        Ok((entry, read))
    }

    /// `SM3(str("shuangsuiji/draw-log/v1") ‖ previous ‖ u64be(seq) ‖ str(kind) ‖
    /// str(supersedes or "") ‖ str(reason or "") ‖ record_digest)`.
    pub fn compute_digest(&self) -> Digest {
        let mut e = Encoder::new("shuangsuiji/draw-log/v1");
        e.bytes(&self.previous.0);
        e.u64(self.seq);
        e.str(self.kind.name());
        match &self.kind {
            EntryKind::Announce | EntryKind::Draw | EntryKind::Teams => {
                e.str("");
                e.str("");
            }
            EntryKind::Redraw { supersedes, reason }
            | EntryKind::Rematch { supersedes, reason } => {
                e.str(&supersedes.to_string());
                e.str(reason);
            }
        }
        e.bytes(&self.record_digest.0);
        e.finish()
    }
}

/// The digest of a record as the log takes it.
pub fn record_digest(record: &Logged) -> Digest {
    Digest::sm3(&serde_json::to_vec(record).unwrap_or_default())
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
    /// A draw of a task the log holds no announcement of.
    #[error(
        "task {task} was not announced: append an announcement (pool, plans, entropy source) before the value that seeds the draw is known"
    )]
    NotAnnounced {
        /// The task (and plan).
        task: String,
    },
    /// A draw that does not keep its task's announcement (another pool, plan or source, or
    /// another seed than the task's other plans).
    #[error("draw of task {task}: {problem}")]
    NotAsAnnounced {
        /// The task (and plan).
        task: String,
        /// What does not match.
        problem: String,
    },
    /// An announcement that may not be made.
    #[error("announcement of task {task}: {problem}")]
    BadAnnouncement {
        /// The task.
        task: String,
        /// What is wrong.
        problem: String,
    },
    /// A task or plan id that looks like one already logged but is other text.
    #[error(
        "{what} {id:?} looks like {what} {earlier:?} of entry {entry} (the same to a reader: same confusable skeleton); use the exact id {earlier:?}"
    )]
    LookAlike {
        /// `task` or `plan`.
        what: &'static str,
        /// The new id.
        id: String,
        /// The id already logged.
        earlier: String,
        /// An entry that holds it.
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
    /// A second teams entry for a task.
    #[error(
        "task {task} was already matched in entry {entry}; new teams must be a re-match with a reason"
    )]
    AlreadyMatched {
        /// The task.
        task: String,
        /// The entry that matched it.
        entry: u64,
    },
    /// A re-match that names no earlier teams entry of the same task, or gives no reason.
    #[error("re-match of task {task}: {problem}")]
    BadRematch {
        /// The task.
        task: String,
        /// What is wrong.
        problem: String,
    },
    /// Teams that do not staff exactly the targets the task's draws selected.
    #[error("teams of task {task}: {problem}")]
    TeamsDoNotFitDraws {
        /// The task.
        task: String,
        /// What is wrong.
        problem: String,
    },
    /// An entry whose record is not of its kind (a team record in a draw entry, or back).
    #[error("task {task}: {} must carry a {}", rules::with_article(kind), match *kind { "draw" | "redraw" => "draw record", "announce" => "draw announcement", _ => "team record" })]
    WrongRecord {
        /// The task.
        task: String,
        /// The entry's kind.
        kind: &'static str,
    },
    /// The first entry whose link does not hold.
    #[error("broken link at entry {seq}: {problem}")]
    BrokenLink {
        /// The sequence number (position) of the entry.
        seq: u64,
        /// What does not hold.
        problem: String,
    },
    /// The log does not hold the head a verifier was given: entries were cut off its end
    /// (or it is another log).
    #[error("{}", head_not_found(head, *entries))]
    HeadNotFound {
        /// The published head.
        head: LogHead,
        /// How many entries the log holds.
        entries: u64,
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

fn head_not_found(head: &LogHead, entries: u64) -> String {
    let what = match entries {
        0 => "the log is empty".to_owned(),
        1 => "the log holds 1 entry".to_owned(),
        n => format!("the log holds {n} entries"),
    };
    match head.seq {
        Some(seq) if seq >= entries => format!(
            "head {head} not found: {what}, so entry {seq} and every entry after the log's end were cut off (or this is another log)"
        ),
        Some(seq) => format!(
            "head {head} not found: entry {seq} of the log has another digest (the log was rewritten, or this is another log)"
        ),
        None => format!(
            "head {head} not found: no entry of the log has that digest ({what}; entries were cut off its end, or this is another log)"
        ),
    }
}

/// A published head of the log (`docs/SAMPLING.md` §9): the digest of its last entry at the
/// time of publication, with that entry's sequence number. Written `SEQ:DIGEST`
/// (`41:9f3c…`); a bare `DIGEST` is read too, and then matches an entry at any position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogHead {
    /// The sequence number of the entry, when published with it.
    pub seq: Option<u64>,
    /// The entry's digest.
    pub digest: Digest,
}

impl std::fmt::Display for LogHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "{seq}:{}", self.digest),
            None => write!(f, "{}", self.digest),
        }
    }
}

/// A head that is not `SEQ:DIGEST` or `DIGEST`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a log head is SEQ:DIGEST (a sequence number and 64 hex characters) or DIGEST, got {0:?}")]
pub struct BadHead(pub String);

impl std::str::FromStr for LogHead {
    type Err = BadHead;
    fn from_str(s: &str) -> Result<LogHead, BadHead> {
        let bad = || BadHead(s.chars().take(100).collect());
        let s = s.trim();
        let (seq, digest) = match s.split_once(':') {
            Some((seq, digest)) => {
                if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                (Some(seq.parse().map_err(|_| bad())?), digest)
            }
            None => (None, s),
        };
        let digest = digest.parse().map_err(|_| bad())?;
        Ok(LogHead { seq, digest })
    }
}

/// An append-only, hash-chained log of draw records.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct DrawLog {
    entries: Vec<LogEntry>,
    /// What the rules of appending need, per task, kept up to date by every append (so an
    /// append and a chain check do not scan the log).
    #[serde(skip)]
    state: LogState,
    /// For a log read from JSON Lines, the SM3 of each entry's `record` bytes exactly as they
    /// appear in its line: the chain check compares `record_digest` with these, as
    /// `docs/SAMPLING.md` §9 says, so a log written by another tool (another field order, other
    /// white space) verifies without being re-serialised. Empty for a log built in memory.
    #[serde(skip)]
    read_digests: Vec<Digest>,
}

impl<'de> Deserialize<'de> for DrawLog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DrawLog, D::Error> {
        Ok(DrawLog::from_entries(Vec::deserialize(d)?, Vec::new()))
    }
}

/// Logs are equal when their entries are; how they were read does not matter.
impl PartialEq for DrawLog {
    fn eq(&self, other: &DrawLog) -> bool {
        self.entries == other.entries
    }
}

/// The state of a log's entries, filed as they are (unchecked: [`DrawLog::verify_chain`]
/// checks), so that the queries work on a log read from a file before it is verified.
fn state_of(entries: &[LogEntry]) -> LogState {
    let mut state = LogState::new();
    for e in entries {
        let mut summary = EntrySummary::of(e);
        // Filed at its position whatever its sequence number says.
        summary.seq = state.len();
        let _ = state.file(&summary);
    }
    state
}

impl DrawLog {
    /// An empty log.
    pub fn new() -> DrawLog {
        DrawLog::default()
    }

    fn from_entries(entries: Vec<LogEntry>, read_digests: Vec<Digest>) -> DrawLog {
        DrawLog {
            state: state_of(&entries),
            entries,
            read_digests,
        }
    }

    /// Appends a task's announcement: the pool it will be drawn from, its member plans and
    /// where its seed will come from. Made (and published) before that seed's value is
    /// known; every draw of the task must keep it.
    pub fn announce(&mut self, announcement: DrawAnnouncement) -> Result<&LogEntry, LogError> {
        self.push(
            EntryKind::Announce,
            Logged::Announce(Box::new(announcement)),
        )
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    /// The digest a new entry must link to.
    pub fn head(&self) -> Digest {
        self.entries.last().map_or(Digest::ZERO, |e| e.digest)
    }

    /// The log's state: its length, head and index, without its entries (what a front that
    /// keeps the log on disk holds instead).
    pub fn state(&self) -> &LogState {
        &self.state
    }

    /// Appends the first draw of a task (or of a member plan of a joint task).
    pub fn append(&mut self, record: DrawRecord) -> Result<&LogEntry, LogError> {
        self.push(EntryKind::Draw, Logged::Draw(Box::new(record)))
    }

    /// Appends a re-draw of a task (or member plan), superseding entry `supersedes`, with a
    /// reason.
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
        self.push(kind, Logged::Draw(Box::new(record)))
    }

    /// Appends a task's teams; they must visit exactly the targets of the task's current
    /// draws.
    pub fn append_teams(&mut self, record: TeamRecord) -> Result<&LogEntry, LogError> {
        self.push(EntryKind::Teams, Logged::Teams(Box::new(record)))
    }

    /// Appends new teams for a task, superseding teams entry `supersedes`, with a reason
    /// (e.g. an inspector fell ill, or a target was re-drawn).
    pub fn append_rematch(
        &mut self,
        record: TeamRecord,
        supersedes: u64,
        reason: &str,
    ) -> Result<&LogEntry, LogError> {
        let kind = EntryKind::Rematch {
            supersedes,
            reason: reason.to_owned(),
        };
        self.push(kind, Logged::Teams(Box::new(record)))
    }

    /// Whether an entry of `kind` carrying `record` could be appended now (the rules of
    /// [`DrawLog::append`] and its siblings, without appending).
    pub fn check_append(&self, kind: &EntryKind, record: &Logged) -> Result<(), LogError> {
        self.state
            .check_append(&Prefix(&self.entries), kind, record)
    }

    /// Appends an entry of any kind (the typed `append*` methods are shorthands).
    pub fn push(&mut self, kind: EntryKind, record: Logged) -> Result<&LogEntry, LogError> {
        // The state files entries by position (`state_of`), so the new entry's sequence number
        // is its position even in a log read from a file whose numbers are wrong.
        let entry = self
            .state
            .next_entry(&Prefix(&self.entries), kind, record)?;
        self.state.file(&EntrySummary::of(&entry))?;
        if !self.read_digests.is_empty() {
            self.read_digests.push(entry.record_digest);
        }
        self.entries.push(entry);
        Ok(&self.entries[self.entries.len() - 1])
    }

    fn at(&self, seq: u64) -> Option<&LogEntry> {
        self.entries.get(usize::try_from(seq).ok()?)
    }

    /// The latest draw or re-draw of a task (of any member plan).
    pub fn current(&self, task: &TaskId) -> Option<&LogEntry> {
        self.state
            .current_draws(task)
            .last()
            .and_then(|&seq| self.at(seq))
    }

    /// The draws in force for a task: per member plan, its latest draw or re-draw, in log
    /// order.
    pub fn current_draws(&self, task: &TaskId) -> Vec<&LogEntry> {
        self.state
            .current_draws(task)
            .into_iter()
            .filter_map(|seq| self.at(seq))
            .collect()
    }

    /// The announcement in force for a task: its latest.
    pub fn current_announcement(&self, task: &TaskId) -> Option<&LogEntry> {
        self.state
            .current_announcement(task)
            .and_then(|seq| self.at(seq))
    }

    /// The entry that superseded entry `seq`, if one did.
    pub fn superseded_by(&self, seq: u64) -> Option<u64> {
        self.state.superseded_by(seq)
    }

    /// Tasks whose teams in force predate one of their current draws (a member plan was
    /// re-drawn after the task was matched): `(task, teams entry, later draw entry)`. Such
    /// teams no longer fit the draws; the task needs a re-match. The log allows this state,
    /// since the re-draw must come first, and reports it here.
    pub fn stale_teams(&self) -> Vec<(TaskId, u64, u64)> {
        self.state.stale_teams()
    }

    /// The teams in force for a task: its latest teams or re-match entry.
    pub fn current_teams(&self, task: &TaskId) -> Option<&LogEntry> {
        self.state.current_teams(task).and_then(|seq| self.at(seq))
    }

    /// The head a platform publishes (`SEQ:DIGEST` of the last entry); `None` for an empty log.
    pub fn published_head(&self) -> Option<LogHead> {
        self.entries.last().map(|e| LogHead {
            seq: Some(e.seq),
            digest: e.digest,
        })
    }

    /// Checks the chain ([`DrawLog::verify_chain`]) and that the log holds a head published
    /// earlier: the entry of that sequence number (or, for a bare digest, some entry) has that
    /// digest. A log cut back before the head fails, and so does an empty log; entries after
    /// the head are fine (the log went on). Returns the head entry's sequence number.
    pub fn verify_head(&self, head: &LogHead) -> Result<u64, LogError> {
        self.verify_chain()?;
        let found = match head.seq {
            Some(seq) => usize::try_from(seq)
                .ok()
                .and_then(|i| self.entries.get(i))
                .filter(|e| e.digest == head.digest),
            None => self.entries.iter().find(|e| e.digest == head.digest),
        };
        found.map(|e| e.seq).ok_or(LogError::HeadNotFound {
            head: *head,
            entries: self.entries.len() as u64,
        })
    }

    /// Checks every link; returns the first broken one.
    pub fn verify_chain(&self) -> Result<(), LogError> {
        let mut state = LogState::new();
        for (i, e) in self.entries.iter().enumerate() {
            state.verify_next(
                &Prefix(&self.entries[..i]),
                e,
                self.read_digests.get(i).copied(),
            )?;
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
        let mut read_digests = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (entry, read) =
                LogEntry::from_json_line(line).map_err(|problem| LogError::BadLine {
                    line: i + 1,
                    problem,
                })?;
            read_digests.push(read);
            entries.push(entry);
        }
        Ok(DrawLog::from_entries(entries, read_digests))
    }
}
