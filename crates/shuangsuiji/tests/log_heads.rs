//! A published head catches a log cut back after publication; an empty log holds no head.

use shuangsuiji::audit::{DrawAnnouncement, DrawLog, LogError, LogHead, SeedCommitment};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{PoolSummary, draw};
use shuangsuiji::target::{FrozenPool, Target, TargetPool};

fn pool() -> FrozenPool {
    let rows = (0..50).map(|i| {
        let mut t = Target::new(TargetId::new(format!("H{i:03}")).unwrap());
        t.grade = Some(shuangsuiji::risk::RiskGrade::B);
        t
    });
    TargetPool::from_entries(rows).unwrap().freeze()
}

fn log_of(n: usize) -> DrawLog {
    let pool = pool();
    let r = |s: &str| s.parse().unwrap();
    let policy = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
    let mut log = DrawLog::new();
    for i in 0..n {
        let request = DrawRequest::with_public_entropy(
            TaskId::new(format!("T-{i}")).unwrap(),
            "双色球 2026130期",
            "01 02 03 04 05 06 + 07",
            policy.clone(),
        );
        log.announce(DrawAnnouncement::new(
            request.task_id.clone(),
            vec![],
            PoolSummary {
                digest: pool.digest(),
                size: pool.len() as u64,
            },
            SeedCommitment::PublicEntropy {
                source: "双色球 2026130期".into(),
            },
        ))
        .unwrap();
        log.append(draw(&pool, &request).unwrap()).unwrap();
    }
    log
}

#[test]
fn a_log_holds_its_published_heads_and_fails_when_cut_back() {
    // Five tasks, each announced and drawn: entries 0–9.
    let log = log_of(5);
    let head = log.published_head().unwrap();
    assert_eq!(head.seq, Some(9));
    assert_eq!(log.verify_head(&head), Ok(9));
    // Bare digests and earlier heads are held too: the log went on after them.
    let earlier = LogHead {
        seq: Some(2),
        digest: log.entries()[2].digest,
    };
    assert_eq!(log.verify_head(&earlier), Ok(2));
    assert_eq!(
        log.verify_head(&LogHead {
            seq: None,
            digest: head.digest
        }),
        Ok(9)
    );
    // Cut back to three entries: the published head is gone.
    let cut = DrawLog::from_jsonl(
        &log.to_jsonl()
            .lines()
            .take(3)
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    )
    .unwrap();
    assert!(cut.verify_chain().is_ok(), "a cut-off chain still links");
    let err = cut.verify_head(&head).unwrap_err();
    assert_eq!(err, LogError::HeadNotFound { head, entries: 3 });
    assert!(err.to_string().contains("cut off"), "{err}");
    // A head at the right position with another digest: a rewritten log.
    let wrong = LogHead {
        seq: Some(1),
        digest: log.entries()[2].digest,
    };
    assert!(log.verify_head(&wrong).is_err());
}

#[test]
fn an_empty_log_holds_no_head() {
    let head = log_of(1).published_head().unwrap();
    let err = DrawLog::new().verify_head(&head).unwrap_err();
    assert!(err.to_string().contains("the log is empty"), "{err}");
    assert_eq!(DrawLog::new().published_head(), None);
}

#[test]
fn heads_are_read_as_seq_colon_digest_or_a_bare_digest() {
    let head = log_of(2).published_head().unwrap();
    let text = head.to_string();
    assert!(text.starts_with("3:"), "{text}");
    assert_eq!(text.parse::<LogHead>(), Ok(head));
    let bare: LogHead = head.digest.to_string().parse().unwrap();
    assert_eq!(bare.seq, None);
    for bad in ["", "1:", ":abc", "x:00", "-1:00", "12"] {
        assert!(bad.parse::<LogHead>().is_err(), "{bad:?}");
    }
}
