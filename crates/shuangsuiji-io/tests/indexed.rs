//! The indexed draw log: appends through the index accept and refuse exactly what the log in
//! memory does, write the same bytes, and fall back to a full check whenever the index no
//! longer describes the log.

use shuangsuiji::audit::{DrawLog, EntryKind, LogEntry, LogError, Logged};
use shuangsuiji::demo::DemoCounty;
use shuangsuiji_io::indexed::{IndexedLog, LogFileError, Opened, index_path};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

/// The demo county's year: announcements, draws of member plans, re-draws, teams, re-matches.
fn year_log() -> &'static DrawLog {
    static LOG: OnceLock<DrawLog> = OnceLock::new();
    LOG.get_or_init(|| DemoCounty::build().year().log)
}

fn append(log: &mut IndexedLog, e: &LogEntry) -> Result<u64, LogFileError> {
    let entry = log.prepare(e.kind.clone(), e.record.clone())?;
    log.append(&entry)?;
    Ok(entry.seq)
}

/// Appends the first `n` entries of the year's log to `path`, opening it anew every
/// `every` entries.
fn replay(path: &Path, n: usize, every: usize) {
    let entries = &year_log().entries()[..n];
    for chunk in entries.chunks(every) {
        let mut log = IndexedLog::open(path).unwrap();
        for e in chunk {
            assert_eq!(append(&mut log, e).unwrap(), e.seq);
        }
    }
}

#[test]
fn appends_through_the_index_write_the_log_the_library_writes() {
    let year = year_log();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let n = year.entries().len();
    assert!(n > 10, "the demo year holds {n} entries");
    replay(&path, n, 3);
    assert_eq!(fs::read_to_string(&path).unwrap(), year.to_jsonl());
    // Every open after the first found its state in the index, and the state is the log's.
    let log = IndexedLog::open(&path).unwrap();
    assert_eq!(log.opened(), &Opened::FromIndex);
    assert_eq!(log.state().published_head(), year.published_head());
    for e in year.entries() {
        assert_eq!(log.state().superseded_by(e.seq), year.superseded_by(e.seq));
        let task = e.record.task_id();
        let current: Vec<u64> = year.current_draws(task).iter().map(|d| d.seq).collect();
        assert_eq!(log.state().current_draws(task), current);
    }
}

#[test]
fn appends_through_the_index_refuse_what_the_library_refuses() {
    let year = year_log();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    replay(&path, year.entries().len(), 100);
    let mut log = IndexedLog::open(&path).unwrap();
    assert_eq!(log.opened(), &Opened::FromIndex);
    let mut refused = 0;
    // Every entry again, as a plain entry of its kind: a second draw, announcement or teams of
    // a task. Each is decided as the log in memory decides it, with the same error.
    for e in year.entries() {
        let kind = match &e.record {
            Logged::Announce(_) => EntryKind::Announce,
            Logged::Draw(_) => EntryKind::Draw,
            Logged::Teams(_) => EntryKind::Teams,
        };
        let expected = year.check_append(&kind, &e.record);
        match (log.prepare(kind, e.record.clone()), expected) {
            (Err(LogFileError::Refused { error, .. }), Err(want)) => {
                assert_eq!(error, want);
                refused += 1;
            }
            (Ok(_), Ok(())) => {}
            (got, want) => panic!("entry {}: {got:?} but the library says {want:?}", e.seq),
        }
    }
    assert!(refused > 10, "{refused}");
    // Nothing was appended by preparing.
    assert_eq!(fs::read_to_string(&path).unwrap(), year.to_jsonl());
}

#[test]
fn without_its_index_or_after_another_writer_the_whole_log_is_checked() {
    let year = year_log();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let n = year.entries().len();
    replay(&path, n - 2, 50);

    // No index: the log is read and checked, and the index written again.
    fs::remove_file(index_path(&path)).unwrap();
    let mut log = IndexedLog::open(&path).unwrap();
    assert_eq!(
        log.opened(),
        &Opened::Checked {
            why: "it has no index".into()
        }
    );
    append(&mut log, &year.entries()[n - 2]).unwrap();
    drop(log);
    assert_eq!(
        IndexedLog::open(&path).unwrap().opened(),
        &Opened::FromIndex
    );

    // Another writer appends a line: the index no longer describes the log.
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str(&serde_json::to_string(&year.entries()[n - 1]).unwrap());
    text.push('\n');
    fs::write(&path, &text).unwrap();
    let log = IndexedLog::open(&path).unwrap();
    assert_eq!(
        log.opened(),
        &Opened::Checked {
            why: "the log was changed since its index was written".into()
        }
    );
    assert_eq!(log.state().len(), n as u64);
    drop(log);
    assert_eq!(fs::read_to_string(&path).unwrap(), year.to_jsonl());

    // A torn index: checked again.
    let index = fs::read_to_string(index_path(&path)).unwrap();
    fs::write(index_path(&path), &index[..index.len() - 20]).unwrap();
    let log = IndexedLog::open(&path).unwrap();
    assert!(
        matches!(log.opened(), Opened::Checked { .. }),
        "{:?}",
        log.opened()
    );
}

#[test]
fn a_log_changed_under_its_index_is_refused_as_broken() {
    let year = year_log();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    replay(&path, 6, 6);
    let first = year.entries()[0].clone();
    let Logged::Announce(a) = &first.record else {
        panic!("the year opens with an announcement");
    };
    // Entry 0 edited in place, keeping the log's length and its modification time: the
    // index still looks right, but an append that consults entry 0 reads it back, sees the
    // change, checks the whole log and refuses it.
    let task = a.task_id.to_string();
    let text = fs::read_to_string(&path).unwrap();
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let edited = change_first_size(&text);
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    {
        use std::io::{Seek, Write};
        let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        f.write_all(edited.as_bytes()).unwrap();
        f.set_modified(modified).unwrap();
    }
    let mut log = IndexedLog::open(&path).unwrap();
    assert_eq!(log.opened(), &Opened::FromIndex);
    // Entry 0 is consulted by a re-announcement of its task.
    let again = Logged::Announce(a.clone());
    match log.prepare(EntryKind::Announce, again) {
        Err(LogFileError::Broken {
            seq, task: Some(t), ..
        }) => {
            assert_eq!(seq, 0);
            assert_eq!(t, task);
        }
        other => panic!("{other:?}"),
    }
}

/// The text with the first digit of its first `"size":` changed (the pool size of the first
/// announcement): the same length, another record.
fn change_first_size(text: &str) -> String {
    let at = text.find("\"size\":").expect("an announced pool size") + "\"size\":".len();
    let digit = text.as_bytes()[at];
    assert!(digit.is_ascii_digit(), "{}", &text[at..at + 10]);
    let other = if digit == b'9' {
        '8'
    } else {
        char::from(digit + 1)
    };
    format!("{}{other}{}", &text[..at], &text[at + 1..])
}

#[test]
fn a_torn_tail_is_refused_with_the_way_to_repair_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    replay(&path, 3, 3);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"seq\":3,\"prev");
    fs::write(&path, &bytes).unwrap();
    let err = IndexedLog::open(&path).unwrap_err();
    assert!(matches!(err, LogFileError::Torn { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(":4: the last entry is incomplete"),
        "{message}"
    );
    assert!(message.contains("shuangsuiji log repair"), "{message}");
}

#[test]
fn a_second_draw_is_refused_after_reopening_even_when_the_first_was_read_back() {
    // The rule that a task is drawn once holds across processes: the index, not the entries,
    // carries it.
    let year = year_log();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let first_draw = year
        .entries()
        .iter()
        .position(|e| e.kind == EntryKind::Draw)
        .unwrap();
    replay(&path, first_draw + 1, 1);
    let mut log = IndexedLog::open(&path).unwrap();
    assert_eq!(log.opened(), &Opened::FromIndex);
    let e = &year.entries()[first_draw];
    match log.prepare(EntryKind::Draw, e.record.clone()) {
        Err(LogFileError::Refused {
            error: LogError::AlreadyDrawn { entry, .. },
            ..
        }) => assert_eq!(entry, e.seq),
        other => panic!("{other:?}"),
    }
}
