//! The draw log: read from any text and checked, and built by appending draws.
//!
//! Input: when the first byte is odd (`{` is 0x7B), the whole input is the text of a JSON
//! Lines log (`DrawLog::from_jsonl`, then `verify_chain`); otherwise the rest of the bytes
//! are a script of appends: announcements, draws and re-draws of fuzzer-chosen tasks
//! (look-alike ids included), member plans and seeds, drawn from the fixed pool.
//!
//! Invariants, for any text:
//! - reading and checking never panic;
//! - a log that was read writes back (`to_jsonl`) to a text that reads back equal;
//! - a log that verifies: so does every prefix of it, it holds its own published head, and no
//!   shorter prefix holds that head (a cut-off tail is detected).
//!
//! For a log built by appending:
//! - `check_append` predicts every append, and a log read back from its text (whose rules'
//!   index is rebuilt) admits exactly the same;
//! - a refused append leaves the log as it was;
//! - the log always verifies, holds its published head, and
//!   `DrawLog::from_jsonl(log.to_jsonl())` verifies and equals it.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shuangsuiji::audit::{DrawAnnouncement, DrawLog, EntryKind, LogError, Logged};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::record::draw;
use shuangsuiji_fuzz::{IdChoice, RequestSpec, SeedSpec, build, pool, seed_of};

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

/// Reasons a re-draw may give (only the first and the last are reasons in words).
const REASONS: [&str; 6] = [
    "首次摇号的随机数来源在开奖后才选定",
    "",
    " ",
    "\u{200B}",
    "x",
    "ok",
];

fn reason(n: u8) -> String {
    REASONS[usize::from(n) % REASONS.len()].to_owned()
}

/// One step of a script.
#[derive(Debug, Arbitrary)]
enum Op {
    /// Announce the task of a request (its plan, the pool, its seed's source), with more
    /// member plans.
    Announce {
        request: RequestSpec,
        more_plans: Vec<IdChoice>,
    },
    /// Draw a request and append it as a first draw.
    Draw(RequestSpec),
    /// Announce a request and append its draw: the way a platform works.
    AnnouncedDraw(RequestSpec),
    /// Draw a request and append it as a re-draw of an entry.
    Redraw {
        request: RequestSpec,
        supersedes: u8,
        reason: u8,
    },
    /// Draw an entry's request again with another seed (announced first, or not) and
    /// append it as its re-draw.
    RedrawOf {
        entry: u8,
        seed: SeedSpec,
        reason: u8,
        announce: bool,
    },
    /// Draw an entry's request for another member plan, with the same seed.
    PlanOf { entry: u8, plan: IdChoice },
    /// The whole story of a re-draw: announce, draw, announce a new source, re-draw with a
    /// reason in words (so that short inputs reach the deep states of the log).
    Story {
        request: RequestSpec,
        again: SeedSpec,
    },
}

/// The draw request of entry `n` (modulo the log's length), if it is a draw.
fn request_of(log: &DrawLog, n: u8) -> Option<(u64, DrawRequest)> {
    let entries = log.entries();
    if entries.is_empty() {
        return None;
    }
    let at = usize::from(n) % entries.len();
    let record = entries[at].record.as_draw()?;
    Some((at as u64, record.request.clone()))
}

/// The entries an op appends, in order (none when its draw is refused).
fn entries_of(op: &Op, log: &DrawLog) -> Vec<(EntryKind, Logged)> {
    let pool = pool();
    let drawn = |request: &DrawRequest| draw(pool, request).ok().map(|r| Logged::Draw(Box::new(r)));
    let announced = |request: &DrawRequest| {
        (
            EntryKind::Announce,
            Logged::Announce(Box::new(DrawAnnouncement::for_request(request, pool))),
        )
    };
    let redraw = |supersedes: u64, reason: u8| EntryKind::Redraw {
        supersedes,
        reason: self::reason(reason),
    };
    match op {
        Op::Announce {
            request,
            more_plans,
        } => {
            let mut a = DrawAnnouncement::for_request(&request.request(), pool);
            a.plans
                .extend(more_plans.iter().take(3).map(IdChoice::plan));
            vec![(EntryKind::Announce, Logged::Announce(Box::new(a)))]
        }
        Op::Draw(spec) => {
            let request = spec.request();
            drawn(&request)
                .map(|r| vec![(EntryKind::Draw, r)])
                .unwrap_or_default()
        }
        Op::AnnouncedDraw(spec) => {
            let request = spec.request();
            match drawn(&request) {
                Some(r) => vec![announced(&request), (EntryKind::Draw, r)],
                None => Vec::new(),
            }
        }
        Op::Redraw {
            request,
            supersedes,
            reason,
        } => drawn(&request.request())
            .map(|r| vec![(redraw(u64::from(*supersedes), *reason), r)])
            .unwrap_or_default(),
        Op::RedrawOf {
            entry,
            seed,
            reason,
            announce,
        } => {
            let Some((at, mut request)) = request_of(log, *entry) else {
                return Vec::new();
            };
            (request.seed, request.seed_origin) = seed_of(seed, &request.task_id);
            let Some(r) = drawn(&request) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if *announce {
                out.push(announced(&request));
            }
            out.push((redraw(at, *reason), r));
            out
        }
        Op::Story { request, again } => {
            let first = request.request();
            let mut second = first.clone();
            (second.seed, second.seed_origin) = seed_of(again, &second.task_id);
            let (Some(a), Some(b)) = (drawn(&first), drawn(&second)) else {
                return Vec::new();
            };
            let supersedes = log.entries().len() as u64 + 1;
            vec![
                announced(&first),
                (EntryKind::Draw, a),
                announced(&second),
                (redraw(supersedes, 0), b),
            ]
        }
        Op::PlanOf { entry, plan } => {
            let Some((_, mut request)) = request_of(log, *entry) else {
                return Vec::new();
            };
            request.plan = Some(plan.plan());
            drawn(&request)
                .map(|r| vec![(EntryKind::Draw, r)])
                .unwrap_or_default()
        }
    }
}

fn script(ops: &[Op]) {
    let mut log = DrawLog::new();
    for op in ops.iter().take(8) {
        for (kind, record) in entries_of(op, &log) {
            let predicted = log.check_append(&kind, &record);
            // A log read back from its text has its rules' index rebuilt from the entries:
            // it must admit exactly what the log built by appending admits.
            let text = log.to_jsonl();
            let read = DrawLog::from_jsonl(&text)
                .unwrap_or_else(|e| panic!("a log built by appending is refused: {e}"));
            assert_eq!(
                read.check_append(&kind, &record),
                predicted,
                "a log read back admits otherwise than the log it was written from"
            );
            let before = log.clone();
            let appended = log.push(kind, record).map(|_| ());
            assert_eq!(appended, predicted, "check_append and push disagree");
            match appended {
                Ok(()) => {
                    if let Err(e) = log.verify_chain() {
                        panic!("a log built by appending fails its check: {e}");
                    }
                }
                Err(e) => {
                    assert!(log == before, "a refused append ({e}) changed the log");
                    assert_eq!(log.head(), before.head());
                    assert_eq!(log.to_jsonl(), text);
                }
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
