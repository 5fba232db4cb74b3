//! The registration statuses: `cancelled` (撤销), added after the first four, is excluded from
//! draws like every inactive status, is read and written by its name, and changed no other
//! status's encoding (the golden vectors, untouched, pin the first four).

use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::{Ratio, SamplingPolicy};
use shuangsuiji::pool_csv::{read_frozen_pool, write_pool};
use shuangsuiji::record::draw;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{FrozenPool, Target, TargetStatus};

fn r(s: &str) -> Ratio {
    s.parse().unwrap()
}

fn pool(statuses: &[TargetStatus]) -> FrozenPool {
    let rows = statuses.iter().enumerate().map(|(i, s)| {
        let mut t = Target::new(TargetId::new(format!("T{i}")).unwrap());
        t.status = *s;
        t
    });
    FrozenPool::from_entries(rows.collect()).unwrap()
}

#[test]
fn cancelled_is_last_and_named() {
    assert_eq!(TargetStatus::ALL.len(), 5);
    assert_eq!(TargetStatus::ALL[4], TargetStatus::Cancelled);
    assert_eq!(TargetStatus::Cancelled.name(), "cancelled");
    assert_eq!(
        "cancelled".parse::<TargetStatus>().unwrap(),
        TargetStatus::Cancelled
    );
    // The earlier statuses keep their places (the frozen pool stores the index).
    let names: Vec<&str> = TargetStatus::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "active",
            "deregistered",
            "revoked",
            "moved_out",
            "cancelled"
        ]
    );
    assert_eq!(
        serde_json::to_string(&TargetStatus::Cancelled).unwrap(),
        "\"cancelled\""
    );
    let err = "closed".parse::<TargetStatus>().unwrap_err().to_string();
    assert!(err.contains("moved_out, cancelled"), "{err}");
}

#[test]
fn cancelled_targets_are_excluded_and_kept_through_freezing_and_csv() {
    let frozen = pool(&[
        TargetStatus::Active,
        TargetStatus::Cancelled,
        TargetStatus::Revoked,
        TargetStatus::Active,
    ]);
    assert_eq!(frozen.target(1).status(), TargetStatus::Cancelled);
    let policy =
        SamplingPolicy::by_grade(r("100%"), r("100%"), r("100%"), r("100%"), Some(r("100%")));
    let request = DrawRequest::new(TaskId::new("t").unwrap(), Seed([7; 32]), policy);
    let record = draw(&frozen, &request).unwrap();
    assert_eq!(record.exclusions.not_active, 2);
    let ids: Vec<&str> = record.selected.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["T0", "T3"]);

    // Written and read back as CSV: the same status, the same digest.
    let text = write_pool("p.csv", &frozen.to_targets()).unwrap();
    assert!(text.contains(",cancelled,"), "{text}");
    let again = read_frozen_pool("p.csv", &text, None).unwrap();
    assert_eq!(again.value.pool().digest(), frozen.digest());
    assert_eq!(
        again.value.pool().target(1).status(),
        TargetStatus::Cancelled
    );

    // The status is in the digest by its name: cancelled is not revoked.
    let revoked = pool(&[
        TargetStatus::Active,
        TargetStatus::Revoked,
        TargetStatus::Revoked,
        TargetStatus::Active,
    ]);
    assert_ne!(revoked.digest(), frozen.digest());
}

#[test]
fn a_scope_can_name_cancelled() {
    let frozen = pool(&[TargetStatus::Cancelled, TargetStatus::Active]);
    let policy =
        SamplingPolicy::by_grade(r("100%"), r("100%"), r("100%"), r("100%"), Some(r("100%")));
    let mut request = DrawRequest::new(TaskId::new("t").unwrap(), Seed([7; 32]), policy);
    request.scope.statuses = [TargetStatus::Cancelled].into();
    let record = draw(&frozen, &request).unwrap();
    assert_eq!(record.out_of_scope, 1);
    assert_eq!(record.exclusions.not_active, 1);
    assert!(record.selected.is_empty());
}
