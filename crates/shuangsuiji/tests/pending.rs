//! A record written before the pool's digest is in (`draw_pending`) is, once sealed, the record
//! of `draw`, byte for byte, for pools whose digest is taken behind and for small ones.

use shuangsuiji::digest::Digest;
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{draw, draw_pending, verify};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::target::{FrozenPool, Target};

fn pool(n: usize) -> FrozenPool {
    let grades = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
    // Ids out of canonical order, so that the pool is sorted and digested after it is read.
    let rows = (0..n)
        .map(|i| {
            let k = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) % (n as u64 * 7);
            let mut t = Target::new(TargetId::new(format!("E{k:09}-{i}")).unwrap());
            t.grade = Some(grades[i % 4]);
            t.name = format!("企业{i}");
            t
        })
        .collect();
    FrozenPool::from_entries(rows).unwrap()
}

fn request() -> DrawRequest {
    let r = |s: &str| s.parse().unwrap();
    let policy = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
    DrawRequest::with_public_entropy(
        TaskId::new("2026-PENDING").unwrap(),
        "双色球 2026130期",
        "03 07 12 19 25 31 + 09",
        policy,
    )
}

#[test]
fn a_sealed_record_is_the_record_of_draw() {
    // 100,000 targets: above the size from which the digest is taken on a thread of its own.
    for n in [0, 1, 1000, 100_000] {
        let p = pool(n);
        let req = request();
        let pending = draw_pending(&p, &req).unwrap();
        let (mut text, digits) = pending.json_line();
        assert_eq!(&text[digits.clone()], Digest::ZERO.to_string(), "n = {n}");
        let record = pending.seal();
        let expected = draw(&p, &req).unwrap();
        assert_eq!(record, expected, "n = {n}");
        assert_eq!(record.pool.digest, p.digest());
        text.replace_range(digits, &record.pool.digest.to_string());
        assert_eq!(text, expected.to_json_line(), "n = {n}");
        assert!(verify(&record, &p).is_ok());
    }
}

#[test]
fn what_is_set_before_sealing_is_kept() {
    let p = pool(500);
    let req = request();
    let mut pending = draw_pending(&p, &req).unwrap();
    pending.record_mut().out_of_scope = 7;
    let (text, digits) = pending.json_line();
    assert!(text.contains("\"out_of_scope\": 7"));
    let record = pending.seal();
    assert_eq!(record.out_of_scope, 7);
    // The zeros stand where the sealed record's digest goes.
    let mut patched = text.clone();
    patched.replace_range(digits, &record.pool.digest.to_string());
    assert_eq!(patched, record.to_json_line());
    assert_ne!(text, patched);
}
