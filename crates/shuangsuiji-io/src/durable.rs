//! Durable files: atomic replacement, and a draw log that one writer at a time appends to.
//!
//! - [`write_atomic`] (and [`Staged`], its two halves) writes a whole file so that a reader
//!   sees the old content or the new, never a mix: the bytes go to a temporary file in the same
//!   directory, are synced, and the temporary file is renamed over the target (and the
//!   directory synced). When anything fails, the previous file is left exactly as it was.
//! - [`LockedLog`] holds an OS lock on a JSON Lines log for as long as it lives, reads it, tells
//!   its complete lines from a *torn tail* (an append that was interrupted and so never
//!   acknowledged), and appends a line durably: one write, then a sync; a failed append is cut
//!   off again, so the log is either unchanged or holds the whole new line.
//! - [`repair`] drops a torn tail, after keeping a copy of the whole file; it never drops a
//!   complete line.
//!
//! A line counts as *acknowledged* once [`LockedLog::append`] has returned `Ok`: only then is it
//! on disk, and only then may a front tell its user that the entry is logged.

use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long [`LockedLog::open`] waits for another writer by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment variable that changes how long a writer waits for the lock, in seconds
/// (e.g. `0.5`; `0` tries once).
pub const LOCK_TIMEOUT_ENV: &str = "SSJ_LOG_LOCK_TIMEOUT_SECS";

/// How long to sleep between two tries of a lock held by another process.
const LOCK_POLL: Duration = Duration::from_millis(10);

/// What went wrong with a file. Every message names the file and says what state it was left
/// in.
#[derive(Debug, thiserror::Error)]
pub enum DurableError {
    /// A directory could not be created; nothing was written.
    #[error("{}: cannot create directory: {source}; nothing was written", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing or replacing a file failed; the previous file (if there was one) is intact.
    #[error(
        "{}: cannot write: {source}; {}",
        path.display(),
        if *existed { "the previous content is intact" } else { "no file was created" }
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
        /// Whether the file existed before (and so is still there, unchanged).
        existed: bool,
    },
    /// A file could not be opened.
    #[error("{}: cannot open: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The OS refused the lock (not because another process holds it).
    #[error("{}: cannot lock: {source}", path.display())]
    Lock {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Another process held the log's lock for the whole timeout.
    #[error(
        "log busy: {} is locked by another writer (waited {})",
        path.display(),
        Seconds(*waited)
    )]
    Busy {
        /// The log.
        path: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
    /// The lock timeout in the environment is not a number of seconds.
    #[error("{LOCK_TIMEOUT_ENV}={value:?} is not a number of seconds")]
    BadTimeout {
        /// The variable's value.
        value: String,
    },
    /// An append was refused because the log ends in a torn tail.
    #[error(
        "{}: the log ends in an interrupted append ({tail}); nothing was appended",
        path.display()
    )]
    TornTail {
        /// The log.
        path: PathBuf,
        /// The torn tail.
        tail: TornTail,
    },
    /// A line to append holds a line break.
    #[error("{}: an entry to append must be one line; nothing was appended", path.display())]
    NotOneLine {
        /// The log.
        path: PathBuf,
    },
    /// Writing or syncing an appended line failed, and the log was cut back to what it was.
    #[error("{}: cannot append: {source}; the log is unchanged", path.display())]
    Append {
        /// The log.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing an appended line failed and cutting it off again failed too: the log now ends in
    /// an unacknowledged, possibly partial line, which [`repair`] drops.
    #[error(
        "{}: cannot append: {source}; cutting the partial entry off again failed too ({restore}): \
         the log may end in an unacknowledged, torn entry, which a repair drops",
        path.display()
    )]
    AppendNotUndone {
        /// The log.
        path: PathBuf,
        /// Why the append failed.
        source: io::Error,
        /// Why the log could not be cut back.
        restore: io::Error,
    },
    /// A repair kept its copy but could not cut the torn tail off.
    #[error(
        "{}: cannot cut the torn tail off: {source}; the log is unchanged, and a copy of it is at {}",
        path.display(),
        backup.display()
    )]
    Truncate {
        /// The log.
        path: PathBuf,
        /// The copy made before.
        backup: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// A duration in seconds as a person reads it: `60 s`, `0.5 s`.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{} s", d.as_secs())
        } else {
            write!(f, "{:.1} s", d.as_secs_f64())
        }
    }
}

/// The directory a file is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Syncs a directory, so that a file created or renamed in it survives a crash. (Only Unix can
/// open a directory for this; elsewhere the rename itself is what the file system offers.)
fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

/// Creates a file's directory (and its parents) if missing.
fn create_parent(path: &Path) -> Result<(), DurableError> {
    let dir = parent_of(path);
    fs::create_dir_all(dir).map_err(|source| DurableError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })
}

/// The new content of a file, written and synced to a temporary file beside it but not yet in
/// place: [`Staged::commit`] renames it over the target. Dropped without a commit, the
/// temporary file is removed and the target was never touched.
///
/// Staging lets a writer put the bytes safely on disk first and decide later (e.g. after a log
/// entry for them is acknowledged) to make them visible.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    existed: bool,
}

impl Staged {
    /// Writes `bytes` to a new temporary file in `path`'s directory (created if missing) and
    /// syncs it. The temporary file gets the target's permissions if it exists, else the
    /// permissions a new file gets (0666 less the umask).
    pub fn new(path: &Path, bytes: &[u8]) -> Result<Staged, DurableError> {
        create_parent(path)?;
        let existing = fs::metadata(path).ok();
        let existed = existing.is_some();
        let fail = |source: io::Error| DurableError::Write {
            path: path.to_path_buf(),
            source,
            existed,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder.tempfile_in(parent_of(path)).map_err(fail)?;
        // From here on, dropping `temp` on an error removes the temporary file.
        if let Some(meta) = existing.filter(|m| m.is_file()) {
            fs::set_permissions(temp.path(), meta.permissions()).map_err(fail)?;
        }
        // The File itself, not the NamedTempFile, whose errors would name the temporary path.
        temp.as_file_mut().write_all(bytes).map_err(fail)?;
        temp.as_file().sync_all().map_err(fail)?;
        Ok(Staged {
            temp,
            target: path.to_path_buf(),
            existed,
        })
    }

    /// Overwrites the staged bytes at `offset` with `bytes` (all within what was staged) and
    /// syncs the file again, before [`Staged::commit`]: for a value known only after the bulk
    /// was written and synced (a draw record's pool digest, taken meanwhile). Fails without
    /// writing when the range is outside the staged content.
    pub fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), DurableError> {
        use std::io::{Seek, SeekFrom};
        let fail = |source: io::Error| DurableError::Write {
            path: self.target.clone(),
            source,
            existed: self.existed,
        };
        let file = self.temp.as_file_mut();
        let len = file.metadata().map_err(fail)?.len();
        let end = offset.checked_add(bytes.len() as u64);
        if end.is_none_or(|e| e > len) {
            return Err(fail(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "cannot patch {} bytes at {offset} of {len} staged bytes",
                    bytes.len()
                ),
            )));
        }
        file.seek(SeekFrom::Start(offset)).map_err(fail)?;
        file.write_all(bytes).map_err(fail)?;
        file.sync_data().map_err(fail)
    }

    /// The file this content is for.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary file over the target and syncs the directory. On failure the
    /// temporary file is removed and the target is as it was.
    pub fn commit(self) -> Result<(), DurableError> {
        let Staged {
            temp,
            target,
            existed,
        } = self;
        if let Err(e) = temp.persist(&target) {
            // `e.file` is dropped here, which removes the temporary file.
            return Err(DurableError::Write {
                path: target,
                source: e.error,
                existed,
            });
        }
        // The new content is in place; if the directory cannot be synced the rename may not
        // survive a crash, and the caller must not report the file as written.
        sync_dir(parent_of(&target)).map_err(|source| DurableError::Write {
            path: target.clone(),
            source: io::Error::new(
                source.kind(),
                format!(
                    "the new content is in place but its directory cannot be synced ({source})"
                ),
            ),
            existed,
        })
    }

    /// Links the temporary file at the target only if nothing is there yet (for copies that
    /// must never replace another). Fails with [`io::ErrorKind::AlreadyExists`] inside
    /// [`DurableError::Write`] when the target exists.
    fn commit_new(self) -> Result<(), DurableError> {
        let Staged { temp, target, .. } = self;
        if let Err(e) = temp.persist_noclobber(&target) {
            return Err(DurableError::Write {
                path: target,
                source: e.error,
                existed: true,
            });
        }
        sync_dir(parent_of(&target)).map_err(|source| DurableError::Write {
            path: target,
            source,
            existed: false,
        })
    }
}

/// Writes a whole file atomically: its directory is created if missing, the bytes go to a
/// temporary file beside it, which is synced and renamed over `path`, and the directory is
/// synced. On any failure (a full disk, say) the previous file is left exactly as it was, the
/// temporary file is removed, and the error names the file and says so.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DurableError> {
    Staged::new(path, bytes)?.commit()
}

/// The end of a log that an interrupted append left: text after the last line break that is
/// not a complete JSON object. It was never acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TornTail {
    /// The 1-based line it is on.
    pub line: usize,
    /// The byte offset where it starts (the length of the log without it).
    pub offset: u64,
    /// Its length in bytes.
    pub len: u64,
}

impl fmt::Display for TornTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, {} bytes from byte {}, is an incomplete entry",
            self.line, self.len, self.offset
        )
    }
}

/// What to tell a user about a log's torn tail: which line, how long, and how to recover.
pub fn torn_message(path: &Path, tail: &TornTail) -> String {
    let file = path.display();
    format!(
        "{file}:{}: the last entry is incomplete: an interrupted append ({} bytes from byte {}) \
         that was never acknowledged; `shuangsuiji log repair {file}` drops it, keeping a copy \
         of the whole file",
        tail.line, tail.len, tail.offset
    )
}

/// Splits a log into its complete part and a torn tail: the final piece after the last line
/// break is torn unless it is a complete JSON object (a last line whose newline is missing) or
/// only white space.
pub fn split_torn_tail(bytes: &[u8]) -> (usize, Option<TornTail>) {
    let start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let last = &bytes[start..];
    if last.iter().all(u8::is_ascii_whitespace) || is_json_object(last) {
        return (bytes.len(), None);
    }
    let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    let tail = TornTail {
        line,
        offset: start as u64,
        len: last.len() as u64,
    };
    (start, Some(tail))
}

fn is_json_object(bytes: &[u8]) -> bool {
    let opens = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    opens && serde_json::from_slice::<Box<serde_json::value::RawValue>>(bytes).is_ok()
}

/// How long a writer waits for the log's lock: [`LOCK_TIMEOUT_ENV`] if set, else
/// [`DEFAULT_LOCK_TIMEOUT`].
pub fn lock_timeout() -> Result<Duration, DurableError> {
    match std::env::var(LOCK_TIMEOUT_ENV) {
        Err(_) => Ok(DEFAULT_LOCK_TIMEOUT),
        Ok(value) => value
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or(DurableError::BadTimeout { value }),
    }
}

/// Whether a log is opened to append to it (exclusive lock, created if missing) or only to
/// read it (shared lock, so that no append is half-way while it is read; it must exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Exclusive: one writer at a time.
    Write,
    /// Shared with other readers; waits for a writer to finish.
    Read,
}

/// A JSON Lines log, locked for as long as this value lives, and read whole.
#[derive(Debug)]
pub struct LockedLog {
    path: PathBuf,
    file: File,
    access: Access,
    /// The whole file as read, and then as appended to.
    bytes: Vec<u8>,
    /// The length of its complete part (everything but a torn tail).
    complete: usize,
    torn: Option<TornTail>,
}

impl LockedLog {
    /// Opens a log to append to (creating it if missing), waiting up to [`lock_timeout`] for
    /// another writer, and reads it.
    pub fn open(path: &Path) -> Result<LockedLog, DurableError> {
        LockedLog::open_with(path, Access::Write, lock_timeout()?)
    }

    /// Opens an existing log to read, waiting up to [`lock_timeout`] for a writer to finish.
    pub fn open_to_read(path: &Path) -> Result<LockedLog, DurableError> {
        LockedLog::open_with(path, Access::Read, lock_timeout()?)
    }

    /// Opens a log with the access and lock timeout given.
    pub fn open_with(
        path: &Path,
        access: Access,
        timeout: Duration,
    ) -> Result<LockedLog, DurableError> {
        let mut file = open_locked(path, access, timeout)?;
        let read = |source| DurableError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0)).map_err(read)?;
        file.read_to_end(&mut bytes).map_err(read)?;
        let (complete, torn) = split_torn_tail(&bytes);
        Ok(LockedLog {
            path: path.to_path_buf(),
            file,
            access,
            bytes,
            complete,
            torn,
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The complete part of the log: every byte but a torn tail.
    pub fn complete(&self) -> &[u8] {
        &self.bytes[..self.complete]
    }

    /// The torn tail, if the log ends in one.
    pub fn torn_tail(&self) -> Option<TornTail> {
        self.torn
    }

    /// The file's length in bytes, a torn tail included.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Appends one line (given without its line break) with a single write and syncs it. When
    /// this returns `Ok` the line is on disk: acknowledged. When the write or the sync fails,
    /// the file is cut back to its previous length, and the error says the log is unchanged.
    /// Refused for a log opened to read, for a log that ends in a torn tail and for text with
    /// a line break.
    pub fn append(&mut self, line: &str) -> Result<(), DurableError> {
        if let Some(tail) = self.torn {
            return Err(DurableError::TornTail {
                path: self.path.clone(),
                tail,
            });
        }
        if line.contains(['\n', '\r']) {
            return Err(DurableError::NotOneLine {
                path: self.path.clone(),
            });
        }
        if self.access == Access::Read {
            return Err(DurableError::Append {
                path: self.path.clone(),
                source: io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the log was opened to read only",
                ),
            });
        }
        let newline_first = self.bytes.last().is_some_and(|&b| b != b'\n');
        let text = append_line(
            &mut self.file,
            &self.path,
            self.bytes.len() as u64,
            newline_first,
            line,
        )?;
        self.bytes.extend_from_slice(&text);
        self.complete = self.bytes.len();
        Ok(())
    }
}

/// Opens a log with the access given (for writing: created if missing, with its directory,
/// and opened to append) and takes its lock, waiting up to `timeout`.
pub(crate) fn open_locked(
    path: &Path,
    access: Access,
    timeout: Duration,
) -> Result<File, DurableError> {
    let open = |source| DurableError::Open {
        path: path.to_path_buf(),
        source,
    };
    let file = match access {
        Access::Write => {
            create_parent(path)?;
            let mut options = OpenOptions::new();
            options.read(true).append(true);
            match options.clone().create_new(true).open(path) {
                Ok(file) => {
                    // A new log's name must survive a crash as its first entry will.
                    sync_dir(parent_of(path)).map_err(open)?;
                    file
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    options.open(path).map_err(open)?
                }
                Err(e) => return Err(open(e)),
            }
        }
        Access::Read => File::open(path).map_err(open)?,
    };
    lock(&file, path, access, timeout)?;
    Ok(file)
}

/// Appends `line` and its line break (after one that ends the last line, if `newline_first`)
/// to a log `before` bytes long, opened to append, with one write and a sync. Returns the
/// bytes written. On failure the file is cut back to `before` bytes, and the error says
/// whether that worked.
pub(crate) fn append_line(
    file: &mut File,
    path: &Path,
    before: u64,
    newline_first: bool,
    line: &str,
) -> Result<Vec<u8>, DurableError> {
    if line.contains(['\n', '\r']) {
        return Err(DurableError::NotOneLine {
            path: path.to_path_buf(),
        });
    }
    let mut text = Vec::with_capacity(line.len() + 2);
    // A last line without its newline (accepted as complete) gets one first.
    if newline_first {
        text.push(b'\n');
    }
    text.extend_from_slice(line.as_bytes());
    text.push(b'\n');
    let written = file.write_all(&text).and_then(|()| file.sync_data());
    if let Err(source) = written {
        let undone = file.set_len(before).and_then(|()| file.sync_all());
        return Err(match undone {
            Ok(()) => DurableError::Append {
                path: path.to_path_buf(),
                source,
            },
            Err(restore) => DurableError::AppendNotUndone {
                path: path.to_path_buf(),
                source,
                restore,
            },
        });
    }
    Ok(text)
}

/// Takes the lock, polling `try_lock` until `timeout`.
fn lock(file: &File, path: &Path, access: Access, timeout: Duration) -> Result<(), DurableError> {
    let start = Instant::now();
    loop {
        let tried = match access {
            Access::Write => file.try_lock(),
            Access::Read => file.try_lock_shared(),
        };
        match tried {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(source)) => {
                return Err(DurableError::Lock {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(DurableError::Busy {
                path: path.to_path_buf(),
                waited: timeout,
            });
        }
        std::thread::sleep(LOCK_POLL.min(timeout - waited));
    }
}

/// What [`repair`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repaired {
    /// The log had no torn tail and was left untouched.
    NothingToRepair {
        /// Its length in bytes.
        len: u64,
    },
    /// The torn tail was cut off after the whole file was copied.
    Dropped {
        /// What was dropped.
        tail: TornTail,
        /// Where the copy of the whole file (torn tail included) is.
        backup: PathBuf,
    },
}

/// Drops a log's torn tail, under the writers' lock: the whole file is first copied (atomically,
/// never over another file) to `FILE.torn-<unix seconds>` (with `-2`, `-3`, … if that exists),
/// then the log is cut back to the end of its last complete line and synced. A log without a
/// torn tail is left untouched. A complete line is never dropped.
pub fn repair(path: &Path) -> Result<Repaired, DurableError> {
    // The log must exist: a repair that creates an empty log would hide a wrong path.
    if let Err(source) = fs::metadata(path) {
        return Err(DurableError::Open {
            path: path.to_path_buf(),
            source,
        });
    }
    let log = LockedLog::open(path)?;
    let Some(tail) = log.torn else {
        return Ok(Repaired::NothingToRepair { len: log.len() });
    };
    let backup = keep_copy(path, &log.bytes)?;
    let cut = log
        .file
        .set_len(tail.offset)
        .and_then(|()| log.file.sync_all());
    cut.map_err(|source| DurableError::Truncate {
        path: path.to_path_buf(),
        backup: backup.clone(),
        source,
    })?;
    Ok(Repaired::Dropped { tail, backup })
}

/// Writes `bytes` to the first free `PATH.torn-<seconds>[-N]`.
fn keep_copy(path: &Path, bytes: &[u8]) -> Result<PathBuf, DurableError> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = format!("{}.torn-{secs}", path.display());
    for n in 1u32.. {
        let candidate = PathBuf::from(if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        if candidate.exists() {
            continue;
        }
        match Staged::new(&candidate, bytes)?.commit_new() {
            Ok(()) => return Ok(candidate),
            Err(DurableError::Write { source, .. })
                if source.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    unreachable!("u32 suffixes run out")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn write_atomic_creates_directories_and_replaces_whole_files() {
        let dir = temp();
        let p = dir.path().join("a/b/c.json");
        write_atomic(&p, b"first\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"first\n");
        write_atomic(&p, b"second, longer\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second, longer\n");
        // No temporary file is left beside it.
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["c.json"]);
    }

    #[test]
    fn staged_bytes_are_patched_in_place_and_only_within_them() {
        let dir = temp();
        let p = dir.path().join("r.json");
        write_atomic(&p, b"old").unwrap();
        let mut staged = Staged::new(&p, b"digest: 0000, rest\n").unwrap();
        staged.patch(8, b"beef").unwrap();
        // Outside the staged bytes: refused, nothing written.
        let err = staged.patch(17, b"xyz").unwrap_err().to_string();
        assert!(err.contains("cannot patch 3 bytes at 17 of 19"), "{err}");
        assert!(staged.patch(u64::MAX, b"x").is_err());
        // Not visible before the commit.
        assert_eq!(fs::read(&p).unwrap(), b"old");
        staged.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"digest: beef, rest\n");
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let p = dir.path().join("r.json");
        write_atomic(&p, b"x").unwrap();
        // A new file is readable by others (as fs::write makes it), not 0600 like a temp file.
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o600, 0o600, "{mode:o}");
        assert_ne!(mode, 0o600, "{mode:o}");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"y").unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_file_and_no_temporary_file() {
        let dir = temp();
        // The target is a directory: the rename over it fails after the temporary file was
        // written, and the error says the previous content is intact.
        let p = dir.path().join("taken");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("inside"), b"keep").unwrap();
        let err = write_atomic(&p, b"new").unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: cannot write: ", p.display())),
            "{err}"
        );
        assert!(err.ends_with("; the previous content is intact"), "{err}");
        assert_eq!(fs::read(p.join("inside")).unwrap(), b"keep");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["taken"]);
        // A file whose directory cannot be made: nothing is written, and that is said.
        let blocked = dir.path().join("taken/inside/x.json");
        let err = write_atomic(&blocked, b"x").unwrap_err().to_string();
        assert!(err.contains("cannot create directory"), "{err}");
        assert!(err.ends_with("nothing was written"), "{err}");
    }

    #[test]
    fn a_staged_file_is_invisible_until_committed_and_gone_when_dropped() {
        let dir = temp();
        let p = dir.path().join("r.json");
        fs::write(&p, b"old").unwrap();
        let staged = Staged::new(&p, b"new").unwrap();
        assert_eq!(staged.target(), p);
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        drop(staged);
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        Staged::new(&p, b"new").unwrap().commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn torn_tails_are_told_from_last_lines_without_newline() {
        assert_eq!(split_torn_tail(b""), (0, None));
        assert_eq!(split_torn_tail(b"{\"a\":1}\n"), (8, None));
        // A complete last line without its newline is accepted.
        assert_eq!(split_torn_tail(b"{\"a\":1}\n{\"b\":2}"), (15, None));
        // Trailing blanks are not an append.
        assert_eq!(split_torn_tail(b"{\"a\":1}\n  "), (10, None));
        // A cut-off object is torn: line 2, from byte 8, 6 bytes.
        let (complete, tail) = split_torn_tail(b"{\"a\":1}\n{\"b\":2");
        assert_eq!(complete, 8);
        assert_eq!(
            tail,
            Some(TornTail {
                line: 2,
                offset: 8,
                len: 6
            })
        );
        assert_eq!(
            tail.unwrap().to_string(),
            "line 2, 6 bytes from byte 8, is an incomplete entry"
        );
        // A JSON value that is not an object is not an entry either.
        assert_eq!(split_torn_tail(b"42").1.map(|t| t.len), Some(2));
        // A torn first line, even one cut inside a UTF-8 character.
        let cut = "{\"任务\":\"大冶".as_bytes();
        let cut = &cut[..cut.len() - 1];
        let (complete, tail) = split_torn_tail(cut);
        assert_eq!(complete, 0);
        assert_eq!(tail.unwrap().line, 1);
        // An object followed by the start of another on the same line is not one object.
        assert!(split_torn_tail(b"{\"a\":1}{\"b\"").1.is_some());
    }

    #[test]
    fn appends_add_whole_lines_and_refuse_a_torn_log() {
        let dir = temp();
        let p = dir.path().join("logs/log.jsonl");
        {
            let mut log = LockedLog::open_with(&p, Access::Write, Duration::ZERO).unwrap();
            assert!(log.is_empty());
            log.append("{\"seq\":0}").unwrap();
            log.append("{\"seq\":1}").unwrap();
            assert_eq!(log.complete(), b"{\"seq\":0}\n{\"seq\":1}\n");
            let err = log.append("{\n}").unwrap_err().to_string();
            assert!(err.contains("must be one line"), "{err}");
        }
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1}\n");
        // A last line without newline gets one before the next line.
        fs::write(&p, b"{\"seq\":0}").unwrap();
        let mut log = LockedLog::open_with(&p, Access::Write, Duration::ZERO).unwrap();
        log.append("{\"seq\":1}").unwrap();
        drop(log);
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1}\n");
        // A torn log is not appended to.
        fs::write(&p, b"{\"seq\":0}\n{\"seq\":1,\"rec").unwrap();
        let mut log = LockedLog::open_with(&p, Access::Write, Duration::ZERO).unwrap();
        assert_eq!(log.torn_tail().map(|t| (t.line, t.offset)), Some((2, 10)));
        assert_eq!(log.complete(), b"{\"seq\":0}\n");
        let err = log.append("{\"seq\":1}").unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{}: the log ends in an interrupted append (line 2, 13 bytes from byte 10, \
                 is an incomplete entry); nothing was appended",
                p.display()
            )
        );
        drop(log);
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1,\"rec");
    }

    #[test]
    fn a_reader_cannot_append_and_a_missing_log_is_not_created_to_read() {
        let dir = temp();
        let p = dir.path().join("log.jsonl");
        let err = LockedLog::open_with(&p, Access::Read, Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("{}: cannot open: ", p.display())),
            "{err}"
        );
        assert!(!p.exists());
        fs::write(&p, b"{}\n").unwrap();
        let mut log = LockedLog::open_with(&p, Access::Read, Duration::ZERO).unwrap();
        assert!(log.append("{}").is_err());
        // Readers share the lock.
        let other = LockedLog::open_with(&p, Access::Read, Duration::ZERO).unwrap();
        drop((log, other));
        assert_eq!(fs::read(&p).unwrap(), b"{}\n");
    }

    #[test]
    fn a_second_writer_waits_then_reports_the_log_busy() {
        let dir = temp();
        let p = dir.path().join("log.jsonl");
        let held = LockedLog::open_with(&p, Access::Write, Duration::ZERO).unwrap();
        let start = Instant::now();
        let err = LockedLog::open_with(&p, Access::Write, Duration::from_millis(300))
            .unwrap_err()
            .to_string();
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert_eq!(
            err,
            format!(
                "log busy: {} is locked by another writer (waited 0.3 s)",
                p.display()
            )
        );
        // A reader waits for the writer too.
        assert!(matches!(
            LockedLog::open_with(&p, Access::Read, Duration::ZERO),
            Err(DurableError::Busy { .. })
        ));
        // Released when the holder is dropped; a waiting writer then gets it.
        let waiter = std::thread::spawn({
            let p = p.clone();
            move || {
                let mut log = LockedLog::open_with(&p, Access::Write, Duration::from_secs(10))?;
                log.append("{\"from\":\"waiter\"}")
            }
        });
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
        waiter.join().unwrap().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{\"from\":\"waiter\"}\n");
    }

    #[test]
    fn the_lock_timeout_is_shown_in_whole_or_tenth_seconds() {
        assert_eq!(Seconds(Duration::from_secs(60)).to_string(), "60 s");
        assert_eq!(Seconds(Duration::from_millis(1500)).to_string(), "1.5 s");
    }

    #[test]
    fn repair_drops_only_the_torn_tail_and_keeps_a_copy() {
        let dir = temp();
        let p = dir.path().join("log.jsonl");
        let torn = b"{\"seq\":0}\n{\"seq\":1}\n{\"seq\":2,\"rec";
        fs::write(&p, torn).unwrap();
        let Repaired::Dropped { tail, backup } = repair(&p).unwrap() else {
            panic!("nothing repaired")
        };
        assert_eq!(
            tail,
            TornTail {
                line: 3,
                offset: 20,
                len: 13
            }
        );
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1}\n");
        assert_eq!(fs::read(&backup).unwrap(), torn);
        let name = backup.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("log.jsonl.torn-"), "{name}");
        // A second repair finds nothing and leaves the log alone.
        assert_eq!(repair(&p).unwrap(), Repaired::NothingToRepair { len: 20 });
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1}\n");
        // A second torn tail in the same second gets its own copy; the first is not replaced.
        fs::write(&p, b"{\"seq\":0}\n{\"se").unwrap();
        let Repaired::Dropped { backup: again, .. } = repair(&p).unwrap() else {
            panic!("nothing repaired")
        };
        assert_ne!(again, backup);
        assert_eq!(fs::read(&backup).unwrap(), torn);
        assert_eq!(fs::read(&again).unwrap(), b"{\"seq\":0}\n{\"se");
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n");
        // A complete last line without newline is never dropped.
        fs::write(&p, b"{\"seq\":0}\n{\"seq\":1}").unwrap();
        assert_eq!(repair(&p).unwrap(), Repaired::NothingToRepair { len: 19 });
        assert_eq!(fs::read(&p).unwrap(), b"{\"seq\":0}\n{\"seq\":1}");
    }

    #[test]
    fn repair_of_a_missing_log_creates_nothing() {
        let dir = temp();
        let p = dir.path().join("nope.jsonl");
        let err = repair(&p).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: cannot open: ", p.display())),
            "{err}"
        );
        assert!(!p.exists());
    }

    /// Run by [`a_full_disk_leaves_the_log_and_the_file_as_they_were`] in a child process whose
    /// file size limit is 1 KiB (and whose SIGXFSZ is ignored, so a write past it fails with
    /// EFBIG, as on a full disk); skipped otherwise.
    #[test]
    #[ignore = "run in a child process with a file size limit"]
    fn full_disk_child() {
        let Ok(dir) = std::env::var("SSJ_FULL_DISK_DIR") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let p = dir.join("log.jsonl");
        let mut log = LockedLog::open_with(&p, Access::Write, Duration::ZERO).unwrap();
        let line = format!("{{\"pad\":\"{}\"}}", "x".repeat(100));
        let err = log.append(&line).unwrap_err();
        assert!(matches!(err, DurableError::Append { .. }), "{err:?}");
        println!("APPEND: {err}");
        let err = write_atomic(&dir.join("record.json"), &[b'y'; 2000]).unwrap_err();
        println!("WRITE: {err}");
        let err = write_atomic(&dir.join("new.json"), &[b'y'; 2000]).unwrap_err();
        println!("NEW: {err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_full_disk_leaves_the_log_and_the_file_as_they_were() {
        let dir = temp();
        let p = dir.path().join("log.jsonl");
        let before = format!("{{\"pad\":\"{}\"}}\n", "x".repeat(1000));
        fs::write(&p, &before).unwrap();
        fs::write(dir.path().join("record.json"), b"old record\n").unwrap();
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" --exact durable::tests::full_disk_child --ignored --nocapture --test-threads 1")
            .arg(std::env::current_exe().unwrap())
            .env("SSJ_FULL_DISK_DIR", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!(
                "APPEND: {}: cannot append: File too large (os error 27); the log is unchanged",
                p.display()
            )),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!(
                "WRITE: {}: cannot write: File too large (os error 27); the previous content is intact",
                dir.path().join("record.json").display()
            )),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!(
                "NEW: {}: cannot write: File too large (os error 27); no file was created",
                dir.path().join("new.json").display()
            )),
            "{stdout}"
        );
        assert_eq!(fs::read_to_string(&p).unwrap(), before);
        assert_eq!(
            fs::read(dir.path().join("record.json")).unwrap(),
            b"old record\n"
        );
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["log.jsonl", "record.json"]);
    }

    #[test]
    fn a_bad_timeout_in_the_environment_is_named() {
        let e = DurableError::BadTimeout {
            value: "soon".into(),
        };
        assert_eq!(
            e.to_string(),
            "SSJ_LOG_LOCK_TIMEOUT_SECS=\"soon\" is not a number of seconds"
        );
    }
}
