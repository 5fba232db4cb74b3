//! Verification says exactly what does not match; the draw log finds the first broken link;
//! pools refuse duplicates and freeze independently of load order.

use shuangsuiji::audit::{DrawAnnouncement, DrawLog, EntryKind, LogError, SeedCommitment};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::pool::PoolError;
use shuangsuiji::record::{DrawRecord, Mismatch, PoolSummary, draw, verify};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Target, TargetPool, TargetStatus};

fn targets(n: u32) -> Vec<Target> {
    (0..n)
        .map(|i| {
            let mut t = Target::new(TargetId::new(format!("R{i:04}")).unwrap());
            t.grade = shuangsuiji::risk::Stratum::ALL[(i % 5) as usize].grade();
            t
        })
        .collect()
}

fn frozen(n: u32) -> FrozenPool {
    TargetPool::from_entries(targets(n)).unwrap().freeze()
}

fn request(task: &str, value: &str) -> DrawRequest {
    let r = |s: &str| s.parse().unwrap();
    let p = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), Some(r("10%")));
    DrawRequest::with_public_entropy(TaskId::new(task).unwrap(), "双色球 2026130期", value, p)
}

fn record() -> (FrozenPool, DrawRecord) {
    let pool = frozen(500);
    let rec = draw(&pool, &request("T-1", "01 02 03 04 05 06 + 07")).unwrap();
    (pool, rec)
}

#[test]
fn an_untouched_record_verifies() {
    let (pool, rec) = record();
    let back = DrawRecord::from_json(&rec.to_json()).unwrap();
    let v = verify(&back, &pool);
    assert!(v.is_ok(), "{v}");
    assert_eq!(v.to_string(), "the record reproduces exactly");
}

#[test]
fn a_dropped_or_added_target_is_named() {
    let (pool, mut rec) = record();
    let dropped = rec.selected.remove(3);
    let v = verify(&rec, &pool);
    assert!(
        v.mismatches.contains(&Mismatch::Missing {
            id: dropped.id.clone()
        }),
        "{v}"
    );
    assert!(
        v.to_string()
            .contains(&format!("target {} was drawn but is missing", dropped.id))
    );

    let (pool, mut rec) = record();
    let outsider = pool
        .iter()
        .map(|t| t.to_target())
        .find(|t| t.grade == Some(RiskGrade::A) && !rec.selected.iter().any(|s| s.id == t.id))
        .unwrap();
    let mut fake = rec.selected[0].clone();
    fake.id = outsider.id.clone();
    rec.selected.push(fake);
    rec.selected.sort_by(|a, b| a.id.cmp(&b.id));
    let v = verify(&rec, &pool);
    assert!(
        v.mismatches.contains(&Mismatch::Unexpected {
            id: outsider.id.clone()
        }),
        "{v}"
    );
}

#[test]
fn a_changed_probability_or_stratum_is_named() {
    let (pool, mut rec) = record();
    rec.selected[0].inclusion_probability = 0.5;
    let v = verify(&rec, &pool);
    assert!(
        matches!(&v.mismatches[..], [Mismatch::Entry { field, .. }] if field == "inclusion_probability"),
        "{v}"
    );
}

#[test]
fn a_changed_pool_is_caught_by_its_digest() {
    let (_, rec) = record();
    let mut changed = targets(500);
    changed[7].status = TargetStatus::Revoked;
    let pool = TargetPool::from_entries(changed).unwrap().freeze();
    let v = verify(&rec, &pool);
    assert!(
        matches!(v.mismatches[0], Mismatch::PoolDigest { .. }),
        "{v}"
    );
    assert!(v.mismatches.iter().any(|m| matches!(m, Mismatch::Count { field, recorded: 0, actual: 1 } if field == "exclusions.not_active")), "{v}");
}

#[test]
fn a_seed_that_does_not_follow_from_its_public_value_is_caught() {
    let (pool, mut rec) = record();
    if let shuangsuiji::seed::SeedOrigin::PublicEntropy { value, .. } = &mut rec.request.seed_origin
    {
        *value = "01 02 03 04 05 06 + 08".into();
    }
    let v = verify(&rec, &pool);
    assert!(matches!(v.mismatches[..], [Mismatch::Seed { .. }]), "{v}");
    // A seed swapped for another one: the origin no longer derives it, and the sample differs.
    let (pool, mut rec) = record();
    rec.request.seed = Seed([1; 32]);
    let v = verify(&rec, &pool);
    assert!(matches!(v.mismatches[0], Mismatch::Seed { .. }));
    assert!(
        v.mismatches
            .iter()
            .any(|m| matches!(m, Mismatch::Missing { .. })),
        "{v}"
    );
}

#[test]
fn an_unknown_algorithm_is_refused_not_reinterpreted() {
    let (pool, mut rec) = record();
    rec.algorithm.version = 2;
    let v = verify(&rec, &pool);
    assert!(
        matches!(&v.mismatches[..], [Mismatch::Algorithm { found }] if found.version == 2),
        "{v}"
    );
    let (pool, mut rec) = record();
    rec.algorithm.prf = "sha256".into();
    let v = verify(&rec, &pool);
    assert!(v.to_string().contains("keys sha256"), "{v}");
}

#[test]
fn a_reordered_selected_list_is_reported() {
    let (pool, mut rec) = record();
    rec.selected.swap(0, 1);
    let second = rec.selected[1].id.clone();
    rec.out_of_scope += 1; // another difference must not hide the order one
    let v = verify(&rec, &pool);
    assert!(
        v.mismatches.contains(&Mismatch::Order {
            position: 1,
            id: second
        }),
        "{v}"
    );
    assert!(v.to_string().contains("out of canonical (id) order"), "{v}");
    let (pool, mut rec) = record();
    let twice = rec.selected[4].clone();
    rec.selected.insert(5, twice.clone());
    let v = verify(&rec, &pool);
    assert!(
        v.mismatches.contains(&Mismatch::Duplicate { id: twice.id }),
        "{v}"
    );
}

/// Announces `task` from `pool` with the entropy source of [`request_from`].
fn announce(log: &mut DrawLog, pool: &FrozenPool, task: &str, source: &str) {
    log.announce(DrawAnnouncement::new(
        TaskId::new(task).unwrap(),
        vec![],
        PoolSummary {
            digest: pool.digest(),
            size: pool.len() as u64,
        },
        SeedCommitment::PublicEntropy {
            source: source.into(),
        },
    ))
    .unwrap();
}

fn request_from(task: &str, source: &str, value: &str) -> DrawRequest {
    let mut r = request(task, value);
    r.seed_origin = shuangsuiji::seed::SeedOrigin::PublicEntropy {
        source: source.into(),
        value: value.into(),
    };
    r.seed = r.seed_origin.derive(&r.task_id).unwrap();
    r
}

/// Entries: 0 announce A, 1 draw A, 2 announce B, 3 draw B, 4 announce A anew, 5 re-draw A.
fn log_of_three() -> DrawLog {
    let pool = frozen(200);
    let mut log = DrawLog::new();
    announce(&mut log, &pool, "A", "双色球 2026130期");
    log.append(draw(&pool, &request("A", "1")).unwrap())
        .unwrap();
    announce(&mut log, &pool, "B", "双色球 2026130期");
    log.append(draw(&pool, &request("B", "2")).unwrap())
        .unwrap();
    announce(&mut log, &pool, "A", "双色球 2026131期");
    let redo = draw(&pool, &request_from("A", "双色球 2026131期", "3")).unwrap();
    log.append_redraw(redo, 1, "the announced lottery issue was postponed")
        .unwrap();
    log
}

#[test]
fn the_log_chains_and_round_trips() {
    let log = log_of_three();
    assert_eq!(log.verify_chain(), Ok(()));
    let back = DrawLog::from_jsonl(&log.to_jsonl()).unwrap();
    assert_eq!(back, log);
    assert_eq!(back.verify_chain(), Ok(()));
    assert_eq!(log.current(&TaskId::new("A").unwrap()).unwrap().seq, 5);
    assert!(matches!(
        log.entries()[5].kind,
        EntryKind::Redraw { supersedes: 1, .. }
    ));
    assert_eq!(log.superseded_by(1), Some(5));
}

#[test]
fn a_log_written_by_another_tool_verifies_from_its_bytes() {
    // Another writer orders the keys differently (here: sorted, as a generic JSON map does).
    // The record digest is over the record's bytes as written, so the chain still holds.
    let log = log_of_three();
    let mut previous = shuangsuiji::digest::Digest::ZERO;
    let mut lines = Vec::new();
    for line in log.to_jsonl().lines() {
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        let record_bytes = serde_json::to_string(&value["record"]).unwrap();
        assert!(!line.contains(&record_bytes), "the test needs other bytes");
        let mut entry: shuangsuiji::audit::LogEntry = serde_json::from_str(line).unwrap();
        entry.previous = previous;
        entry.record_digest = shuangsuiji::digest::Digest::sm3(record_bytes.as_bytes());
        entry.digest = entry.compute_digest();
        previous = entry.digest;
        value["previous"] = serde_json::to_value(entry.previous).unwrap();
        value["record_digest"] = serde_json::to_value(entry.record_digest).unwrap();
        value["digest"] = serde_json::to_value(entry.digest).unwrap();
        lines.push(serde_json::to_string(&value).unwrap());
    }
    let theirs = DrawLog::from_jsonl(&lines.join("\n")).unwrap();
    assert_eq!(theirs.verify_chain(), Ok(()));
    for (a, b) in theirs.entries().iter().zip(log.entries()) {
        assert_eq!(a.record, b.record);
    }
    // A changed byte inside a record is still caught.
    let tampered = lines[1].replacen("\"size\":200", "\"size\":201", 1);
    assert_ne!(tampered, lines[1]);
    lines[1] = tampered;
    assert!(matches!(
        DrawLog::from_jsonl(&lines.join("\n"))
            .unwrap()
            .verify_chain(),
        Err(LogError::BrokenLink { seq: 1, .. })
    ));
}

#[test]
fn a_second_draw_needs_a_redraw_with_a_reason() {
    let pool = frozen(200);
    let mut log = log_of_three();
    let again = draw(&pool, &request("B", "9")).unwrap();
    assert!(matches!(
        log.append(again.clone()),
        Err(LogError::AlreadyDrawn { entry: 3, .. })
    ));
    announce(&mut log, &pool, "B", "双色球 2026140期");
    let again = draw(&pool, &request_from("B", "双色球 2026140期", "9")).unwrap();
    assert!(matches!(
        log.append(again.clone()),
        Err(LogError::AlreadyDrawn { entry: 3, .. })
    ));
    assert!(matches!(
        log.append_redraw(again.clone(), 3, "  "),
        Err(LogError::BadRedraw { .. })
    ));
    assert!(
        matches!(
            log.append_redraw(again.clone(), 1, "抽错了"),
            Err(LogError::BadRedraw { .. })
        ),
        "entry 1 is task A"
    );
    assert!(matches!(
        log.append_redraw(again.clone(), 9, "抽错了"),
        Err(LogError::BadRedraw { .. })
    ));
    announce(&mut log, &pool, "A", "双色球 2026141期");
    let a_again = draw(&pool, &request_from("A", "双色球 2026141期", "4")).unwrap();
    let err = log.append_redraw(a_again, 1, "抽错了").unwrap_err();
    assert!(
        err.to_string().contains("already superseded by entry 5"),
        "{err}"
    );
    assert_eq!(
        log.entries().len(),
        8,
        "refused appends leave the log unchanged"
    );
}

#[test]
fn tampering_breaks_the_first_link_after_it() {
    // Deleting an entry.
    let mut lines: Vec<String> = log_of_three()
        .to_jsonl()
        .lines()
        .map(String::from)
        .collect();
    lines.remove(1);
    let log = DrawLog::from_jsonl(&lines.join("\n")).unwrap();
    assert!(matches!(
        log.verify_chain(),
        Err(LogError::BrokenLink { seq: 1, .. })
    ));
    // Reordering entries.
    let mut lines: Vec<String> = log_of_three()
        .to_jsonl()
        .lines()
        .map(String::from)
        .collect();
    lines.swap(0, 1);
    let log = DrawLog::from_jsonl(&lines.join("\n")).unwrap();
    assert!(matches!(
        log.verify_chain(),
        Err(LogError::BrokenLink { seq: 0, .. })
    ));
    // Silently replacing a record's sample.
    let text = log_of_three().to_jsonl();
    let mut entries: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    entries[1]["record"]["selected"]
        .as_array_mut()
        .unwrap()
        .pop();
    // Only the changed line is rewritten; the others keep their bytes.
    let mut text: Vec<String> = text.lines().map(String::from).collect();
    text[1] = entries[1].to_string();
    let log = DrawLog::from_jsonl(&text.join("\n")).unwrap();
    let err = log.verify_chain().unwrap_err();
    assert_eq!(
        err,
        LogError::BrokenLink {
            seq: 1,
            problem: "the record was changed after it was logged".into()
        }
    );
    // Re-hashing the changed entry does not help: the next entry no longer links to it.
    let mut e1 = log.entries()[1].clone();
    e1.record_digest = shuangsuiji::audit::record_digest(&e1.record);
    e1.digest = e1.compute_digest();
    let mut text: Vec<String> = log.to_jsonl().lines().map(String::from).collect();
    text[1] = serde_json::to_string(&e1).unwrap();
    let log = DrawLog::from_jsonl(&text.join("\n")).unwrap();
    assert!(matches!(
        log.verify_chain(),
        Err(LogError::BrokenLink { seq: 2, .. })
    ));
    // Unreadable lines name the line.
    assert!(matches!(
        DrawLog::from_jsonl("{}\n"),
        Err(LogError::BadLine { line: 1, .. })
    ));
}

#[test]
fn duplicate_ids_name_both_rows() {
    let mut rows = targets(10);
    rows[7].id = rows[2].id.clone();
    let err = TargetPool::from_entries(rows).unwrap_err();
    assert_eq!(
        err,
        PoolError::DuplicateId {
            kind: "target",
            id: "R0002".into(),
            first: 3,
            second: 8
        }
    );
    assert_eq!(
        err.to_string(),
        "duplicate target id \"R0002\": rows 3 and 8"
    );
}

#[test]
fn pools_adjust_then_freeze_independently_of_load_order() {
    let mut pool = TargetPool::from_entries(targets(20)).unwrap();
    let before = pool.freeze();
    let id = TargetId::new("R0004").unwrap();
    pool.update(&id, |t| t.grade = Some(RiskGrade::D)).unwrap();
    assert_ne!(
        pool.freeze().digest(),
        before.digest(),
        "a grade change changes the digest"
    );
    pool.update(&id, |t| t.grade = None).unwrap();
    assert_eq!(
        pool.freeze().digest(),
        before.digest(),
        "and changing it back restores it"
    );
    let removed = pool.remove(&id).unwrap();
    assert!(pool.get(&id).is_none());
    assert!(matches!(pool.insert(removed.clone()), Ok(())));
    assert!(matches!(
        pool.insert(removed.clone()),
        Err(PoolError::AlreadyPresent { .. })
    ));
    assert_eq!(
        pool.freeze().digest(),
        before.digest(),
        "insertion order does not matter"
    );
    assert!(matches!(
        pool.update(&id, |t| t.id = TargetId::new("other").unwrap()),
        Err(PoolError::IdChanged { .. })
    ));
    assert!(matches!(
        pool.remove(&TargetId::new("none").unwrap()),
        Err(PoolError::NotFound { .. })
    ));
    let mut bad = removed;
    bad.tags.insert("a;b".into());
    let err = pool.upsert(bad).unwrap_err();
    assert!(err.to_string().contains("field tags"), "{err}");
    // A frozen snapshot is immutable; thawing gives an adjustable copy with the same content.
    let thawed = before.thaw();
    assert_eq!(thawed.freeze().digest(), before.digest());
    // JSON round trip of a pool is lossless.
    let json = serde_json::to_string(&pool).unwrap();
    let back: TargetPool = serde_json::from_str(&json).unwrap();
    assert_eq!(back.freeze().digest(), pool.freeze().digest());
    let dup = format!(
        "[{0},{0}]",
        serde_json::to_string(&pool.entries()[0]).unwrap()
    );
    let err = serde_json::from_str::<TargetPool>(&dup).unwrap_err();
    assert!(err.to_string().contains("rows 1 and 2"), "{err}");
}

#[test]
fn a_misspelt_field_is_refused_not_ignored() {
    // A pool row with "grdae" would otherwise silently become an ungraded target.
    let err = serde_json::from_str::<TargetPool>(r#"[{"id": "X1", "grdae": "D"}]"#).unwrap_err();
    assert!(err.to_string().contains("grdae"), "{err}");
    let ok: TargetPool = serde_json::from_str(r#"[{"id": "X1", "grade": "D"}]"#).unwrap();
    assert_eq!(ok.entries()[0].grade, Some(RiskGrade::D));
}

#[test]
fn a_sample_of_another_pool_is_refused_not_a_panic() {
    let small = frozen(50);
    let large = frozen(500);
    let req = request("T-9", "1");
    let (census, sample) = shuangsuiji::draw::sample(&large, &req).unwrap();
    let err = DrawRecord::from_sample(&small, &req, &census, &sample).unwrap_err();
    assert!(err.to_string().contains("the pool has 50 targets"), "{err}");
}

#[test]
fn a_correctly_hashed_log_that_breaks_the_rules_is_refused() {
    // Anyone can recompute digests; the chain check must also enforce the append rules.
    let pool = frozen(60);
    let forge = |log: &DrawLog, kind: EntryKind, record: DrawRecord| {
        let record = shuangsuiji::audit::Logged::Draw(Box::new(record));
        let mut e = shuangsuiji::audit::LogEntry {
            seq: log.entries().len() as u64,
            previous: log.head(),
            kind,
            record_digest: shuangsuiji::audit::record_digest(&record),
            record: record.clone(),
            digest: shuangsuiji::digest::Digest::ZERO,
        };
        e.digest = e.compute_digest();
        let mut text = log.to_jsonl();
        text.push_str(&serde_json::to_string(&e).unwrap());
        DrawLog::from_jsonl(&text).unwrap()
    };
    let mut log = DrawLog::new();
    announce(&mut log, &pool, "T1", "双色球 2026130期");
    log.append(draw(&pool, &request("T1", "1")).unwrap())
        .unwrap();
    let second_draw = forge(
        &log,
        EntryKind::Draw,
        draw(&pool, &request("T1", "2")).unwrap(),
    );
    let err = second_draw.verify_chain().unwrap_err();
    assert!(
        matches!(&err, LogError::BrokenLink { seq: 2, problem } if problem.contains("already drawn")),
        "{err}"
    );
    announce(&mut log, &pool, "T1", "双色球 2026131期");
    let silent = forge(
        &log,
        EntryKind::Redraw {
            supersedes: 1,
            reason: "\u{200B}".into(),
        },
        draw(&pool, &request_from("T1", "双色球 2026131期", "2")).unwrap(),
    );
    assert!(
        silent
            .verify_chain()
            .unwrap_err()
            .to_string()
            .contains("must say why")
    );
    let twice = forge(
        &log,
        EntryKind::Redraw {
            supersedes: 1,
            reason: "late seed".into(),
        },
        draw(&pool, &request_from("T1", "双色球 2026131期", "2")).unwrap(),
    );
    assert_eq!(twice.verify_chain(), Ok(()));
    let again = forge(
        &twice,
        EntryKind::Redraw {
            supersedes: 1,
            reason: "once more".into(),
        },
        draw(&pool, &request_from("T1", "双色球 2026131期", "3")).unwrap(),
    );
    let err = again.verify_chain().unwrap_err();
    assert!(
        matches!(&err, LogError::BrokenLink { seq: 4, problem } if problem.contains("already superseded by entry 3")),
        "{err}"
    );
}

#[test]
fn dates_beyond_four_digit_years_are_refused() {
    let mut t = targets(1).remove(0);
    t.history.push(shuangsuiji::target::Inspection {
        date: chrono::NaiveDate::from_ymd_opt(-5, 1, 1).unwrap(),
        department: shuangsuiji::ids::DeptId::new("D1").unwrap(),
        item: None,
        inspectors: vec![],
    });
    let err = TargetPool::from_entries([t]).unwrap_err();
    assert!(err.to_string().contains("history.date"), "{err}");
}
