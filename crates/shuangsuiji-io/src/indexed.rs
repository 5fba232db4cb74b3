//! A draw log opened to append, with an index beside it so that an append does not read the
//! log again.
//!
//! The rules of appending (`docs/SAMPLING.md` §9) need the whole log's state: which tasks were
//! announced and drawn, under which skeletons, with which seeds. Reading and checking the log
//! for every append makes each one cost as much as `log verify`. So the log `FILE` gets an
//! index, `FILE.index`: one line per entry with its byte range in the log and its
//! [`EntrySummary`] (a few hundred bytes, whatever the size of its record), and, after each
//! append, the log's length, modification time and inode as they were when the append was
//! acknowledged (its *stamp*).
//!
//! Opening the log to append (under the writers' lock) trusts the index only when the log is
//! still exactly as that stamp says and its last entry is the one the index names; then the
//! state is rebuilt from the summaries alone, and the few earlier entries one append is checked
//! against ([`LogState::consults`]) are read back at their offsets and compared with their
//! summaries. In every other case (no index, a torn or foreign index, a log written or changed
//! by anything else) the whole log is read and its chain checked, as before, and the index is
//! written again. The index is derived data: deleting it costs one full check, nothing else.
//!
//! What an append trusts: the index covers the log up to its stamp; a change *inside* that
//! prefix that keeps the log's length, modification time and inode is not seen by an append
//! (an entry it consults that no longer matches its summary is, and sends it to the full
//! check). `log verify` never reads the index: it checks every link, and a published head
//! catches a log rewritten as a whole.

use crate::durable::{
    Access, DurableError, TornTail, append_line, lock_timeout, open_locked, split_torn_tail,
    torn_message, write_atomic,
};
use serde::{Deserialize, Serialize};
use shuangsuiji::audit::{EntryKind, EntrySummary, LogEntry, LogError, LogState, Logged};
use shuangsuiji::digest::Digest;
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The first line of an index file.
pub const INDEX_FORMAT: &str = "shuangsuiji/draw-log-index/v1";

/// The index file of a log: `FILE.index` beside `FILE`.
pub fn index_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".index");
    PathBuf::from(name)
}

/// Why a log cannot be appended to, or an append was refused.
#[derive(Debug, thiserror::Error)]
pub enum LogFileError {
    /// Opening, locking, reading or writing the log failed.
    #[error(transparent)]
    Durable(#[from] DurableError),
    /// The log ends in an interrupted append.
    #[error("{}", torn_message(path, tail))]
    Torn {
        /// The log.
        path: PathBuf,
        /// Its torn tail.
        tail: TornTail,
    },
    /// The log is not UTF-8.
    #[error(
        "{}:{line}: not valid UTF-8 (byte {byte}); if the file was saved as GBK, save it again as “CSV UTF-8”",
        path.display()
    )]
    NotUtf8 {
        /// The log.
        path: PathBuf,
        /// The line of the first bad byte.
        line: usize,
        /// Its offset.
        byte: usize,
    },
    /// A line of the log is not an entry.
    #[error("{}:{line}: not a draw-log entry: {problem}", path.display())]
    BadLine {
        /// The log.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The chain is broken at an entry.
    #[error("{}", broken_link_message(path, *seq, *line, task.as_deref(), problem))]
    Broken {
        /// The log.
        path: PathBuf,
        /// The first entry whose link does not hold.
        seq: u64,
        /// Its line.
        line: usize,
        /// Its task, if it could be read.
        task: Option<String>,
        /// What does not hold.
        problem: String,
    },
    /// The rules of appending refuse the entry.
    #[error("{}: {error}", path.display())]
    Refused {
        /// The log.
        path: PathBuf,
        /// Which rule.
        error: LogError,
    },
    /// An entry to append is not the log's next one (it was prepared for another state).
    #[error(
        "{}: entry {seq} is not the log's next entry (that is entry {next}); nothing was appended",
        path.display()
    )]
    NotNext {
        /// The log.
        path: PathBuf,
        /// The entry's sequence number.
        seq: u64,
        /// The next one.
        next: u64,
    },
}

/// `FILE: broken link at entry SEQ (line LINE, task TASK): PROBLEM`, as every front words it.
pub fn broken_link_message(
    path: &Path,
    seq: u64,
    line: usize,
    task: Option<&str>,
    problem: &str,
) -> String {
    let task = task.map_or_else(String::new, |t| format!(", task {t}"));
    format!(
        "{}: broken link at entry {seq} (line {line}{task}): {problem}",
        path.display()
    )
}

/// How the log's state was found when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The log is new or empty.
    Empty,
    /// From the index: the log was not read.
    FromIndex,
    /// The whole log was read and checked (and the index written again), for the reason given.
    Checked {
        /// Why the index could not be used.
        why: String,
    },
}

/// The log's length, modification time and file identity, as they were when its index was
/// last written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified_s: i64,
    modified_ns: i64,
    inode: u64,
    device: u64,
}

impl Stamp {
    fn of(file: &File) -> io::Result<Stamp> {
        let meta = file.metadata()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Stamp {
                len: meta.len(),
                modified_s: meta.mtime(),
                modified_ns: meta.mtime_nsec(),
                inode: meta.ino(),
                device: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let since = meta
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            Ok(Stamp {
                len: meta.len(),
                modified_s: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                modified_ns: i64::from(since.subsec_nanos()),
                inode: 0,
                device: 0,
            })
        }
    }
}

/// The first line of the index.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
}

/// One line of the index: where an entry is in the log, its summary, and (after an append)
/// the log's stamp.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexLine {
    offset: u64,
    len: u64,
    entry: EntrySummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stamp: Option<Stamp>,
}

/// Where an entry's line is in the log (without its line break).
#[derive(Debug, Clone, Copy)]
struct Place {
    offset: u64,
    len: u64,
}

/// A draw log opened to append: locked for as long as this value lives, with its state.
#[derive(Debug)]
pub struct IndexedLog {
    path: PathBuf,
    file: File,
    state: LogState,
    places: Vec<Place>,
    summaries: Vec<EntrySummary>,
    draws_by_record: HashMap<Digest, u64>,
    /// The log's length, and whether it ends in a line break.
    len: u64,
    ends_in_newline: bool,
    /// The entries, when the whole log was read (so that appends need not read them back).
    entries: Option<Vec<LogEntry>>,
    /// The index, open to append to; `None` once writing it failed (the next open rebuilds it).
    index: Option<File>,
    opened: Opened,
}

impl IndexedLog {
    /// Opens a log to append to (created if missing), taking the writers' lock (waiting up to
    /// [`lock_timeout`]), and finds its state: from its index when that still describes the
    /// log, else by reading and checking the whole log. A log that ends in an interrupted
    /// append, holds a line that is not an entry or whose chain is broken is refused.
    pub fn open(path: &Path) -> Result<IndexedLog, LogFileError> {
        let file = open_locked(path, Access::Write, lock_timeout()?)?;
        let mut log = IndexedLog {
            path: path.to_path_buf(),
            file,
            state: LogState::new(),
            places: Vec::new(),
            summaries: Vec::new(),
            draws_by_record: HashMap::new(),
            len: 0,
            ends_in_newline: true,
            entries: None,
            index: None,
            opened: Opened::Empty,
        };
        let stamp = Stamp::of(&log.file).map_err(|source| log.read_error(source))?;
        if stamp.len == 0 {
            // A new or empty log: its first append writes a new index.
            log.entries = Some(Vec::new());
            return Ok(log);
        }
        match log.load_index(stamp) {
            Ok(()) => {
                log.opened = Opened::FromIndex;
                Ok(log)
            }
            Err(why) => {
                log.check_whole(why)?;
                Ok(log)
            }
        }
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The log's state: its length, head and index.
    pub fn state(&self) -> &LogState {
        &self.state
    }

    /// How the state was found.
    pub fn opened(&self) -> &Opened {
        &self.opened
    }

    /// The draw or re-draw entry whose record has this digest, if the log holds one.
    pub fn draw_with_record(&self, record_digest: &Digest) -> Option<u64> {
        self.draws_by_record.get(record_digest).copied()
    }

    /// The summary of entry `seq`.
    pub fn summary(&self, seq: u64) -> Option<&EntrySummary> {
        self.summaries.get(usize::try_from(seq).ok()?)
    }

    /// Entry `seq`, read back from the log (and compared with its summary).
    pub fn entry(&mut self, seq: u64) -> Result<Option<LogEntry>, LogFileError> {
        Ok(self.load(&[seq])?.remove(&seq))
    }

    /// The entry an append of `kind` carrying `record` would add, checked against the rules
    /// of appending; nothing is written until [`IndexedLog::append`].
    pub fn prepare(&mut self, kind: EntryKind, record: Logged) -> Result<LogEntry, LogFileError> {
        let seqs = self.state.consults(&kind, &record);
        let earlier = self.load(&seqs)?;
        self.state
            .next_entry(&earlier, kind, record)
            .map_err(|error| LogFileError::Refused {
                path: self.path.clone(),
                error,
            })
    }

    /// Appends an entry made by [`IndexedLog::prepare`] with one synced write. When this
    /// returns `Ok` the entry is acknowledged; on failure the log is as it was, and the error
    /// says so. The index is then extended (a failure there only costs the next open a full
    /// check).
    pub fn append(&mut self, entry: &LogEntry) -> Result<(), LogFileError> {
        if entry.seq != self.state.len() || entry.previous != self.state.head() {
            return Err(LogFileError::NotNext {
                path: self.path.clone(),
                seq: entry.seq,
                next: self.state.len(),
            });
        }
        let line = serde_json::to_string(entry).map_err(|e| DurableError::Append {
            path: self.path.clone(),
            source: io::Error::other(format!("cannot encode the entry: {e}")),
        })?;
        let newline_first = !self.ends_in_newline;
        let written = append_line(&mut self.file, &self.path, self.len, newline_first, &line)?;
        let place = Place {
            offset: self.len + u64::from(newline_first),
            len: line.len() as u64,
        };
        self.len += written.len() as u64;
        self.ends_in_newline = true;
        let summary = EntrySummary::of(entry);
        self.file_summary(summary.clone(), place);
        if let Some(entries) = &mut self.entries {
            entries.push(entry.clone());
        }
        self.extend_index(place, summary);
        Ok(())
    }

    fn read_error(&self, source: io::Error) -> LogFileError {
        LogFileError::Durable(DurableError::Read {
            path: self.path.clone(),
            source,
        })
    }

    fn file_summary(&mut self, summary: EntrySummary, place: Place) {
        if summary.is_draw() {
            self.draws_by_record
                .entry(summary.record_digest)
                .or_insert(summary.seq);
        }
        // Filing an entry just checked, or a summary whose sequence number was checked, holds.
        let _ = self.state.file(&summary);
        self.places.push(place);
        self.summaries.push(summary);
    }

    /// The state from the index, if the index still describes the log; else why not.
    fn load_index(&mut self, now: Stamp) -> Result<(), String> {
        let index = index_path(&self.path);
        let text = match fs::read(&index) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err("it has no index".into()),
            Err(e) => return Err(format!("its index cannot be read ({e})")),
        };
        let text = std::str::from_utf8(&text).map_err(|_| "its index is not UTF-8".to_owned())?;
        let mut lines = text.split('\n');
        let header: Header = lines
            .next()
            .and_then(|l| serde_json::from_str(l).ok())
            .ok_or("its index has no header")?;
        if header.format != INDEX_FORMAT {
            return Err(format!("its index is {:?}", header.format));
        }
        let mut stamp = None;
        let mut end = 0u64;
        for line in lines.filter(|l| !l.is_empty()) {
            let l: IndexLine = serde_json::from_str(line)
                .map_err(|e| format!("its index holds a line that cannot be read ({e})"))?;
            if l.entry.seq != self.state.len() || l.offset < end {
                return Err("its index is out of order".into());
            }
            end = l.offset.saturating_add(l.len);
            stamp = l.stamp;
            self.file_summary(
                l.entry,
                Place {
                    offset: l.offset,
                    len: l.len,
                },
            );
        }
        if stamp != Some(now) {
            self.forget_state();
            return Err("the log was changed since its index was written".into());
        }
        self.len = now.len;
        self.ends_in_newline = self.last_byte_is_newline().map_err(|e| e.to_string())?;
        // The log must still end in the entry the index names last.
        let last = self.state.len().saturating_sub(1);
        if self.state.is_empty() || self.read_back(&[last]).is_err() {
            self.forget_state();
            return Err("its last entry is not the one its index names".into());
        }
        self.index = OpenOptions::new().append(true).open(&index).ok();
        Ok(())
    }

    fn forget_state(&mut self) {
        self.state = LogState::new();
        self.places.clear();
        self.summaries.clear();
        self.draws_by_record.clear();
    }

    fn last_byte_is_newline(&mut self) -> io::Result<bool> {
        if self.len == 0 {
            return Ok(true);
        }
        let mut byte = [0u8];
        self.file.seek(SeekFrom::Start(self.len - 1))?;
        self.file.read_exact(&mut byte)?;
        Ok(byte[0] == b'\n')
    }

    /// Reads and checks the whole log, then writes its index again.
    fn check_whole(&mut self, why: String) -> Result<(), LogFileError> {
        self.forget_state();
        let mut bytes = Vec::new();
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.read_to_end(&mut bytes))
            .map_err(|source| self.read_error(source))?;
        let (complete, torn) = split_torn_tail(&bytes);
        if let Some(tail) = torn {
            return Err(LogFileError::Torn {
                path: self.path.clone(),
                tail,
            });
        }
        let text = std::str::from_utf8(&bytes[..complete]).map_err(|e| {
            let byte = e.valid_up_to();
            LogFileError::NotUtf8 {
                path: self.path.clone(),
                line: 1 + bytes[..byte].iter().filter(|&&b| b == b'\n').count(),
                byte,
            }
        })?;
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut entries: Vec<LogEntry> = Vec::new();
        let mut offset = 0u64;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let start = offset + if i == 0 { bom } else { 0 };
            offset += raw.len() as u64;
            let raw = if i == 0 { &raw[bom as usize..] } else { raw };
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let (entry, read) =
                LogEntry::from_json_line(line).map_err(|problem| LogFileError::BadLine {
                    path: self.path.clone(),
                    line: i + 1,
                    problem,
                })?;
            if let Err(e) = self.state.verify_next(&entries, &entry, Some(read)) {
                let problem = match e {
                    LogError::BrokenLink { problem, .. } => problem,
                    other => other.to_string(),
                };
                return Err(LogFileError::Broken {
                    path: self.path.clone(),
                    seq: entries.len() as u64,
                    line: i + 1,
                    task: Some(entry.record.task_id().to_string()),
                    problem,
                });
            }
            // `verify_next` filed it; the rest of the bookkeeping follows.
            let summary = EntrySummary::of(&entry);
            if summary.is_draw() {
                self.draws_by_record
                    .entry(summary.record_digest)
                    .or_insert(summary.seq);
            }
            self.places.push(Place {
                offset: start,
                len: line.len() as u64,
            });
            self.summaries.push(summary);
            entries.push(entry);
        }
        self.len = bytes.len() as u64;
        self.ends_in_newline = bytes.last().is_none_or(|&b| b == b'\n');
        self.entries = Some(entries);
        self.opened = Opened::Checked { why };
        self.write_index();
        Ok(())
    }

    /// Writes the whole index again (atomically); on failure there is none, and the next open
    /// checks the whole log again.
    fn write_index(&mut self) {
        let index = index_path(&self.path);
        let stamp = Stamp::of(&self.file).ok();
        let mut out = serde_json::to_string(&Header {
            format: INDEX_FORMAT.to_owned(),
        })
        .unwrap_or_default();
        out.push('\n');
        let last = self.summaries.len().saturating_sub(1);
        for (i, (place, summary)) in self.places.iter().zip(&self.summaries).enumerate() {
            let line = IndexLine {
                offset: place.offset,
                len: place.len,
                entry: summary.clone(),
                stamp: if i == last { stamp } else { None },
            };
            if let Ok(text) = serde_json::to_string(&line) {
                out.push_str(&text);
                out.push('\n');
            }
        }
        self.index = match write_atomic(&index, out.as_bytes()) {
            Ok(()) => OpenOptions::new().append(true).open(&index).ok(),
            Err(_) => {
                let _ = fs::remove_file(&index);
                None
            }
        };
    }

    /// Adds the line of an entry just appended to the index, with the log's stamp.
    fn extend_index(&mut self, place: Place, entry: EntrySummary) {
        if self.state.len() == 1 && self.index.is_none() {
            // The first entry of a new log: a new index.
            self.write_index();
            return;
        }
        let Some(index) = &mut self.index else {
            return;
        };
        let line = IndexLine {
            offset: place.offset,
            len: place.len,
            entry,
            stamp: Stamp::of(&self.file).ok(),
        };
        let written = serde_json::to_string(&line)
            .map_err(io::Error::other)
            .and_then(|mut text| {
                text.push('\n');
                index.write_all(text.as_bytes())
            });
        if written.is_err() {
            // A partial line makes the index unreadable, which the next open sees; removing it
            // says the same sooner.
            self.index = None;
            let _ = fs::remove_file(index_path(&self.path));
        }
    }

    /// Entries `seqs`, from memory or read back at their places and compared with their
    /// summaries. An entry that no longer matches means the log was changed under its index:
    /// the whole log is then checked (and the entries come from that check).
    fn load(&mut self, seqs: &[u64]) -> Result<BTreeMap<u64, LogEntry>, LogFileError> {
        if self.entries.is_none() {
            match self.read_back(seqs) {
                Ok(found) => return Ok(found),
                Err(why) => self.check_whole(why)?,
            }
        }
        let entries = self.entries.as_deref().unwrap_or_default();
        Ok(seqs
            .iter()
            .filter_map(|&s| Some((s, entries.get(usize::try_from(s).ok()?)?.clone())))
            .collect())
    }

    fn read_back(&mut self, seqs: &[u64]) -> Result<BTreeMap<u64, LogEntry>, String> {
        let mut out = BTreeMap::new();
        for &seq in seqs {
            let Some(i) = usize::try_from(seq).ok().filter(|&i| i < self.places.len()) else {
                continue;
            };
            let place = self.places[i];
            let changed = || {
                format!(
                    "entry {seq} (byte {}) is not the entry the log's index recorded there",
                    place.offset
                )
            };
            let len = usize::try_from(place.len).map_err(|_| changed())?;
            let mut bytes = vec![0u8; len];
            self.file
                .seek(SeekFrom::Start(place.offset))
                .and_then(|_| self.file.read_exact(&mut bytes))
                .map_err(|_| changed())?;
            let line = std::str::from_utf8(&bytes).map_err(|_| changed())?;
            let (entry, read) = LogEntry::from_json_line(line).map_err(|_| changed())?;
            if EntrySummary::of(&entry) != self.summaries[i] || read != entry.record_digest {
                return Err(changed());
            }
            out.insert(seq, entry);
        }
        Ok(out)
    }
}
