//! The draw log against someone who wants a friend's company left out: look-alike task ids,
//! plan swaps, unannounced or re-used entropy, hidden reasons and forged fields are refused,
//! on append and by the chain check of a log whose digests were recomputed by hand.

use proptest::prelude::*;
use shuangsuiji::audit::{
    DrawAnnouncement, DrawLog, EntryKind, LogEntry, LogError, Logged, SeedCommitment, record_digest,
};
use shuangsuiji::digest::Digest;
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{PlanId, TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{DrawRecord, PoolSummary, draw};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::seed::{Seed, SeedOrigin};
use shuangsuiji::target::{FrozenPool, Target, TargetPool};

const SOURCE: &str = "双色球 2026130期";

fn pool() -> FrozenPool {
    TargetPool::from_entries((0..120).map(|i| {
        let mut t = Target::new(TargetId::new(format!("E{i:04}")).unwrap());
        t.grade = Some([RiskGrade::A, RiskGrade::B, RiskGrade::C][i % 3]);
        t
    }))
    .unwrap()
    .freeze()
}

fn summary(pool: &FrozenPool) -> PoolSummary {
    PoolSummary {
        digest: pool.digest(),
        size: pool.len() as u64,
    }
}

fn policy() -> SamplingPolicy {
    let r = |s: &str| s.parse().unwrap();
    SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None)
}

fn announcement(task: &str, plans: &[&str], source: &str) -> DrawAnnouncement {
    DrawAnnouncement::new(
        TaskId::new(task).unwrap(),
        plans.iter().map(|p| PlanId::new(*p).unwrap()).collect(),
        summary(&pool()),
        SeedCommitment::PublicEntropy {
            source: source.into(),
        },
    )
}

fn record(task: &str, plan: Option<&str>, source: &str, value: &str) -> DrawRecord {
    let mut request =
        DrawRequest::with_public_entropy(TaskId::new(task).unwrap(), source, value, policy());
    request.plan = plan.map(|p| PlanId::new(p).unwrap());
    draw(&pool(), &request).unwrap()
}

/// A log whose last entry was appended by someone else's tool: hashed correctly, but never
/// passed through the append rules.
fn forged(log: &DrawLog, kind: EntryKind, record: Logged) -> DrawLog {
    let mut e = LogEntry {
        seq: log.entries().len() as u64,
        previous: log.head(),
        kind,
        record_digest: record_digest(&record),
        record,
        digest: Digest::ZERO,
    };
    e.digest = e.compute_digest();
    let mut text = log.to_jsonl();
    text.push_str(&serde_json::to_string(&e).unwrap());
    text.push('\n');
    DrawLog::from_jsonl(&text).unwrap()
}

fn drawn_once() -> DrawLog {
    let mut log = DrawLog::new();
    log.announce(announcement("2026-SCJG-001", &[], SOURCE))
        .unwrap();
    log.append(record(
        "2026-SCJG-001",
        None,
        SOURCE,
        "03 07 12 19 25 31 + 09",
    ))
    .unwrap();
    log
}

#[test]
fn a_look_alike_task_id_is_the_same_task() {
    // Zero-width space, word joiner: not ids at all.
    for hidden in ["2026-SCJG-001\u{200B}", "2026-SCJG-001\u{2060}"] {
        assert!(TaskId::new(hidden).is_err(), "{hidden:?}");
    }
    // Non-breaking hyphens, full-width digits, letter O for zero: look-alikes, refused.
    for twin in [
        "2026\u{2011}SCJG\u{2011}001",
        "２０２６-SCJG-００１",
        "2026-SCJG-OO1",
    ] {
        let mut log = drawn_once();
        let err = log
            .announce(announcement(twin, &[], "双色球 2026131期"))
            .unwrap_err();
        assert_eq!(
            err,
            LogError::LookAlike {
                what: "task",
                id: twin.into(),
                earlier: "2026-SCJG-001".into(),
                entry: 0
            }
        );
        assert!(err.to_string().contains("use the exact id"), "{err}");
        // A draw entry under the look-alike, hashed by hand, is refused by the chain check.
        let rec = record(twin, None, "双色球 2026131期", "01 02 03 04 05 06 + 07");
        let log = forged(
            &forged(
                &log,
                EntryKind::Announce,
                Logged::Announce(Box::new(announcement(twin, &[], "双色球 2026131期"))),
            ),
            EntryKind::Draw,
            Logged::Draw(Box::new(rec)),
        );
        let err = log.verify_chain().unwrap_err().to_string();
        assert!(
            err.contains("broken link at entry 2") && err.contains("looks like task"),
            "{err}"
        );
    }
}

#[test]
fn a_redraw_cannot_hide_behind_a_plan() {
    // Announced without plans: a draw naming a plan is refused.
    let mut log = drawn_once();
    let err = log
        .append(record(
            "2026-SCJG-001",
            Some("P1"),
            SOURCE,
            "03 07 12 19 25 31 + 09",
        ))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("plan P1 was not announced: entry 0 announced no plans"),
        "{err}"
    );
    // Announced with plans P1 and P2: each is drawn once, and with the one seed of the task.
    let mut log = DrawLog::new();
    log.announce(announcement("T-J", &["P1", "P2"], SOURCE))
        .unwrap();
    let err = log.append(record("T-J", None, SOURCE, "1")).unwrap_err();
    assert!(
        err.to_string()
            .contains("a draw without a plan was not announced"),
        "{err}"
    );
    log.append(record("T-J", Some("P1"), SOURCE, "1")).unwrap();
    let err = log
        .append(record("T-J", Some("P2"), SOURCE, "2"))
        .unwrap_err();
    assert!(
        matches!(&err, LogError::NotAsAnnounced { problem, .. } if problem.contains("entry 1 drew the task from announcement 0 with another seed")),
        "{err}"
    );
    let err = log
        .append(record("T-J", Some("P3"), SOURCE, "1"))
        .unwrap_err();
    assert!(
        err.to_string().contains("plan P3 was not announced"),
        "{err}"
    );
    log.append(record("T-J", Some("P2"), SOURCE, "1")).unwrap();
    log.verify_chain().unwrap();
    assert_eq!(log.current_draws(&TaskId::new("T-J").unwrap()).len(), 2);
}

#[test]
fn a_draw_keeps_its_announcement() {
    let mut log = DrawLog::new();
    // Not announced at all.
    let err = log.append(record("T-1", None, SOURCE, "1")).unwrap_err();
    assert_eq!(err, LogError::NotAnnounced { task: "T-1".into() });
    log.announce(announcement("T-1", &[], SOURCE)).unwrap();
    // Another source.
    let err = log
        .append(record("T-1", None, "双色球 2026131期", "1"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("does not come from the source entry 0 announced"),
        "{err}"
    );
    // Another pool.
    let mut other = record("T-1", None, SOURCE, "1");
    other.pool.size += 1;
    let err = log.append(other).unwrap_err();
    assert!(
        err.to_string().contains("but entry 0 announced pool"),
        "{err}"
    );
    // A seed that does not come from the value it names.
    let mut wrong = record("T-1", None, SOURCE, "1");
    wrong.request.seed = Seed([7; 32]);
    let err = log.append(wrong).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not derive from the public value"),
        "{err}"
    );
    // A given seed where public entropy was announced.
    let mut given = record("T-1", None, SOURCE, "1");
    given.request.seed_origin = SeedOrigin::Given;
    assert!(log.append(given).is_err());
    log.append(record("T-1", None, SOURCE, "1")).unwrap();
    assert_eq!(
        log.entries().len(),
        2,
        "refused appends leave the log unchanged"
    );
}

#[test]
fn a_redraw_needs_a_new_source_announced_after_the_draw() {
    let mut log = drawn_once();
    let redo = |source: &str| record("2026-SCJG-001", None, source, "11 12 13 14 15 16 + 01");
    // Without a new announcement.
    let err = log
        .append_redraw(redo(SOURCE), 1, "公示前发现抽取范围有误")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("a re-draw needs a new announcement after entry 1"),
        "{err}"
    );
    // Announcing the same source again (even spaced differently) is refused.
    for same in [SOURCE, "双色球2026130期", " 双色球  2026130期"] {
        let err = log
            .announce(announcement("2026-SCJG-001", &[], same))
            .unwrap_err();
        assert!(
            err.to_string().contains("entry 0 already announced"),
            "{same:?}: {err}"
        );
    }
    log.announce(announcement("2026-SCJG-001", &[], "双色球 2026131期"))
        .unwrap();
    // Announcing twice before drawing is refused: one source per draw.
    let err = log
        .announce(announcement("2026-SCJG-001", &[], "双色球 2026132期"))
        .unwrap_err();
    assert!(
        err.to_string().contains("nothing was drawn from it yet"),
        "{err}"
    );
    // A reason of invisible characters or one mark is no reason.
    for empty in ["", "  ", "\u{200B}", "\u{200B}\u{2060}", ".", "x"] {
        assert!(
            matches!(
                log.append_redraw(redo("双色球 2026131期"), 1, empty),
                Err(LogError::BadRedraw { ref problem, .. }) if problem.contains("must say why")
            ),
            "{empty:?}"
        );
    }
    // The plain draw of the re-announced task is still a second draw.
    assert!(matches!(
        log.append(redo("双色球 2026131期")),
        Err(LogError::AlreadyDrawn { entry: 1, .. })
    ));
    log.append_redraw(redo("双色球 2026131期"), 1, "公示前发现抽取范围有误")
        .unwrap();
    log.verify_chain().unwrap();
    assert_eq!(log.superseded_by(1), Some(3));
}

#[test]
fn entries_refuse_fields_their_kind_does_not_have() {
    let log = drawn_once();
    let lines: Vec<String> = log.to_jsonl().lines().map(String::from).collect();
    // A plain draw that names what it "supersedes" is not a re-draw.
    let draw_line = lines[1].replacen(
        r#""kind":"draw""#,
        r#""kind":"draw","supersedes":0,"reason":"x""#,
        1,
    );
    let err = DrawLog::from_jsonl(&format!("{}\n{draw_line}\n", lines[0])).unwrap_err();
    assert!(
        err.to_string().contains("log line 2") && err.to_string().contains("has no `supersedes`"),
        "{err}"
    );
    // Nor does it carry them as null.
    let nulls = lines[1].replacen(
        r#""kind":"draw""#,
        r#""kind":"draw","supersedes":null,"reason":null"#,
        1,
    );
    assert!(DrawLog::from_jsonl(&format!("{}\n{nulls}\n", lines[0])).is_err());
    // A record with a key twice is refused, not read by its last value.
    let twice = lines[0].replacen(r#""task_id":"#, r#""task_id":"2026-OTHER","task_id":"#, 1);
    let err = DrawLog::from_jsonl(&twice).unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `task_id`"),
        "{err}"
    );
    // Unknown fields, in the entry and in its record, are refused.
    let extra = lines[1].replacen(r#""seq":1"#, r#""seq":1,"note":"ok""#, 1);
    let err = DrawLog::from_jsonl(&extra).unwrap_err();
    assert!(err.to_string().contains("unknown field `note`"), "{err}");
    let extra = lines[0].replacen(r#""task_id":"#, r#""comment":"","task_id":"#, 1);
    let err = DrawLog::from_jsonl(&extra).unwrap_err();
    assert!(err.to_string().contains("unknown field `comment`"), "{err}");
    let err = DrawLog::from_jsonl(&lines[1].replacen(r#""kind":"draw""#, r#""kind":"redraw""#, 1))
        .unwrap_err();
    assert!(
        err.to_string().contains("needs `supersedes` and `reason`"),
        "{err}"
    );
}

#[test]
fn a_forged_plain_redraw_under_a_plan_fails_the_chain_check() {
    // The finding: one task drawn three times (no plan, P1, P2), each from another value.
    let log = drawn_once();
    let p1 = forged(
        &log,
        EntryKind::Draw,
        Logged::Draw(Box::new(record("2026-SCJG-001", Some("P1"), SOURCE, "2"))),
    );
    let err = p1.verify_chain().unwrap_err().to_string();
    assert!(
        err.contains("broken link at entry 2") && err.contains("plan P1 was not announced"),
        "{err}"
    );
}

/// One step of a random session at the log: what an operator (honest or not) may try.
#[derive(Debug, Clone)]
enum Step {
    Announce {
        task: u8,
        source: u8,
        planned: bool,
    },
    Draw {
        task: u8,
        plan: u8,
        source: u8,
        value: u8,
    },
    Redraw {
        task: u8,
        plan: u8,
        source: u8,
        value: u8,
        of: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3u8, 0..4u8, any::<bool>()).prop_map(|(task, source, planned)| Step::Announce {
            task,
            source,
            planned
        }),
        (0..3u8, 0..3u8, 0..4u8, 0..3u8).prop_map(|(task, plan, source, value)| Step::Draw {
            task,
            plan,
            source,
            value
        }),
        (0..3u8, 0..3u8, 0..4u8, 0..3u8, 0..12u8).prop_map(|(task, plan, source, value, of)| {
            Step::Redraw {
                task,
                plan,
                source,
                value,
                of,
            }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever is tried, what the log accepts is a log its own chain check accepts, that
    /// reads back equal; every (task, plan) has at most one plain draw; every draw came from
    /// its task's latest announcement at the time, with that announcement's source; and a
    /// re-draw's source was never announced for the task before.
    #[test]
    fn every_accepted_log_keeps_the_rules(steps in proptest::collection::vec(step(), 1..24)) {
        let tasks = ["T-0", "T-1", "T-2"];
        let plans = ["P0", "P1", "P2"];
        let mut log = DrawLog::new();
        for s in &steps {
            let _ = match *s {
                Step::Announce { task, source, planned } => {
                    let ps: &[&str] = if planned { &plans } else { &[] };
                    log.announce(announcement(tasks[task as usize], ps, &format!("S{source}"))).map(|_| ())
                }
                Step::Draw { task, plan, source, value } => {
                    let plan = (plan > 0).then(|| plans[plan as usize]);
                    log.append(record(tasks[task as usize], plan, &format!("S{source}"), &value.to_string())).map(|_| ())
                }
                Step::Redraw { task, plan, source, value, of } => {
                    let plan = (plan > 0).then(|| plans[plan as usize]);
                    log.append_redraw(record(tasks[task as usize], plan, &format!("S{source}"), &value.to_string()), u64::from(of), "重新抽取的理由").map(|_| ())
                }
            };
        }
        prop_assert_eq!(log.verify_chain(), Ok(()));
        let back = DrawLog::from_jsonl(&log.to_jsonl()).unwrap();
        prop_assert_eq!(&back, &log);
        prop_assert_eq!(back.verify_chain(), Ok(()));
        let mut plain = std::collections::HashSet::new();
        let mut announced: std::collections::HashMap<&TaskId, Vec<String>> = Default::default();
        let mut latest: std::collections::HashMap<&TaskId, &DrawAnnouncement> = Default::default();
        for e in log.entries() {
            match (&e.kind, &e.record) {
                (EntryKind::Announce, Logged::Announce(a)) => {
                    let SeedCommitment::PublicEntropy { source } = &a.seed else { unreachable!() };
                    let sources = announced.entry(&a.task_id).or_default();
                    prop_assert!(!sources.contains(source));
                    sources.push(source.clone());
                    latest.insert(&a.task_id, a);
                }
                (kind, Logged::Draw(r)) => {
                    let a = latest.get(&r.request.task_id).expect("announced before drawn");
                    let SeedOrigin::PublicEntropy { source, .. } = &r.request.seed_origin else { unreachable!() };
                    let SeedCommitment::PublicEntropy { source: announced_source } = &a.seed else { unreachable!() };
                    prop_assert_eq!(source, announced_source);
                    if *kind == EntryKind::Draw {
                        prop_assert!(plain.insert((r.request.task_id.clone(), r.request.plan.clone())));
                    }
                }
                _ => prop_assert!(false, "only announcements and draws were tried"),
            }
        }
    }
}
