//! A first end-to-end check: draw, JSON round trip, verify.
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{TargetId, TaskId};
use shuangsuiji::policy::SamplingPolicy;
use shuangsuiji::record::{draw, verify};
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{Target, TargetPool};

#[test]
fn smoke() {
    let grades = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
    let pool = TargetPool::from_entries((0..1000).map(|i| {
        let mut t = Target::new(TargetId::new(format!("T{i:05}")).unwrap());
        t.grade = Some(grades[i % 4]);
        t
    }))
    .unwrap()
    .freeze();
    let p = |s: &str| s.parse().unwrap();
    let policy = SamplingPolicy::by_grade(p("5%"), p("20%"), p("60%"), p("100%"), None);
    let req = DrawRequest::new(TaskId::new("t").unwrap(), Seed([1; 32]), policy);
    let rec = draw(&pool, &req).unwrap();
    println!("{}", serde_json::to_string(&rec.strata).unwrap());
    assert_eq!(rec.selected.len(), 13 + 50 + 150 + 250);
    let back = shuangsuiji::record::DrawRecord::from_json(&rec.to_json()).unwrap();
    assert_eq!(back, rec);
    assert!(verify(&back, &pool).is_ok());
}
