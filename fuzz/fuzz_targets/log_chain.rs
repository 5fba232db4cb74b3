//! The draw log: read from any text and checked, and built by appending draws.
//!
//! Input: when the first byte is odd (`{` is 0x7B), the whole input is the text of a JSON
//! Lines log (`DrawLog::from_jsonl`, then `verify_chain`); otherwise the rest of the bytes
//! are a script of appends: draws and re-draws of fuzzer-chosen tasks (look-alike ids
//! included), member plans and seeds, drawn from the fixed pool.
//!
//! Invariants, for any text:
//! - reading and checking never panic;
//! - a log that was read writes back (`to_jsonl`) to a text that reads back equal;
//! - a log that verifies: so does every prefix of it, it holds its own published head, and no
//!   shorter prefix holds that head (a cut-off tail is detected).
//!
//! For a log built by appending:
//! - a refused append leaves the log as it was;
//! - the log always verifies, holds its published head, and
//!   `DrawLog::from_jsonl(log.to_jsonl())` verifies and equals it.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shuangsuiji::audit::{DrawLog, LogError};
use shuangsuiji::record::draw;
use shuangsuiji_fuzz::{RequestSpec, SeedSpec, build, pool, seed_of};

/// Checks what holds for every log that verifies, given the text it was read from (or, for a
/// log built in memory, its `to_jsonl`): prefixes are cut from that text, since a log written
/// by another tool verifies only in its own bytes.
fn verified(log: &DrawLog, text: &str) {
    let Some(head) = log.published_head() else {
        // An empty log publishes no head.
        assert!(log.entries().is_empty());
        return;
    };
    assert_eq!(
        log.verify_head(&head),
        Ok(head.seq.expect("published with its seq"))
    );
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), log.entries().len());
    for cut in 0..lines.len() {
        let prefix: String = lines[..cut].iter().flat_map(|l| [*l, "\n"]).collect();
        let prefix = DrawLog::from_jsonl(&prefix)
            .unwrap_or_else(|e| panic!("a prefix of a log that was read is refused: {e}"));
        assert_eq!(prefix.entries(), &log.entries()[..cut]);
        if let Err(e) = prefix.verify_chain() {
            panic!("the first {cut} entries of a log that verifies do not: {e}");
        }
        match prefix.verify_head(&head) {
            Err(LogError::HeadNotFound { entries, .. }) => assert_eq!(entries, cut as u64),
            other => panic!("a log cut to {cut} entries holds the head: {other:?}"),
        }
    }
}

fn from_text(text: &str) {
    let Ok(log) = DrawLog::from_jsonl(text) else {
        return;
    };
    let written = log.to_jsonl();
    let again = DrawLog::from_jsonl(&written)
        .unwrap_or_else(|e| panic!("a log as written is refused: {e}\n{written}"));
    assert!(again == log, "a log written and read back differs");
    if log.verify_chain().is_ok() {
        verified(&log, text);
    }
}

/// Reasons a re-draw may give (the empty and invisible ones must be refused).
const REASONS: [&str; 4] = ["首次摇号的随机数来源在开奖后才选定", "", " ", "\u{200B}"];

/// One step of a script.
#[derive(Debug, Arbitrary)]
enum Op {
    /// Draw a request and append it as a first draw.
    Draw(RequestSpec),
    /// Draw a request and append it as a re-draw of an entry.
    Redraw {
        request: RequestSpec,
        supersedes: u8,
        reason: u8,
    },
    /// Draw an entry's request again with another seed and append it as its re-draw.
    RedrawOf {
        entry: u8,
        seed: SeedSpec,
        reason: u8,
    },
}

fn script(ops: &[Op]) {
    let pool = pool();
    let mut log = DrawLog::new();
    for op in ops.iter().take(8) {
        let (request, redraw) = match op {
            Op::Draw(spec) => (spec.request(), None),
            Op::Redraw {
                request,
                supersedes,
                reason,
            } => (request.request(), Some((u64::from(*supersedes), *reason))),
            Op::RedrawOf {
                entry,
                seed,
                reason,
            } => {
                let n = log.entries().len();
                if n == 0 {
                    continue;
                }
                let at = usize::from(*entry) % n;
                let Some(old) = log.entries()[at].record.as_draw() else {
                    continue;
                };
                let mut request = old.request.clone();
                (request.seed, request.seed_origin) = seed_of(seed, &request.task_id);
                (request, Some((at as u64, *reason)))
            }
        };
        let Ok(record) = draw(pool, &request) else {
            continue;
        };
        let before = log.clone();
        let appended = match redraw {
            None => log.append(record).map(|_| ()),
            Some((supersedes, reason)) => {
                let reason = REASONS[usize::from(reason) % REASONS.len()];
                log.append_redraw(record, supersedes, reason).map(|_| ())
            }
        };
        match appended {
            Ok(()) => {
                if let Err(e) = log.verify_chain() {
                    panic!("a log built by appending fails its check: {e}");
                }
            }
            Err(e) => {
                assert!(log == before, "a refused append ({e}) changed the log");
                assert_eq!(log.head(), before.head());
            }
        }
    }
    let text = log.to_jsonl();
    let again =
        DrawLog::from_jsonl(&text).unwrap_or_else(|e| panic!("a log as written is refused: {e}"));
    assert!(again == log, "a log written and read back differs");
    if let Err(e) = again.verify_chain() {
        panic!("a log built by appending, written and read back, fails its check: {e}");
    }
    verified(&log, &text);
    verified(&again, &text);
}

fuzz_target!(|data: &[u8]| {
    match data.first() {
        Some(b) if b & 1 == 1 => from_text(&String::from_utf8_lossy(data)),
        Some(_) => {
            if let Some(ops) = build::<Vec<Op>>(&data[1..]) {
                script(&ops);
            }
        }
        None => {}
    }
});
