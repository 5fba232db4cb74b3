//! # shuangsuiji
//!
//! The pure domain of China's “双随机、一公开” supervision: random spot checks of businesses
//! (targets drawn at random), by random inspectors, with published results.
//!
//! This crate has no I/O and no `unsafe`. It holds:
//!
//! - the item list (一单) and the joint item list: [`catalog`];
//! - the two pools (两库): targets ([`target`]) and inspectors ([`inspector`]), adjustable
//!   ([`pool::Pool`]) and then frozen into canonical, digested snapshots ([`pool::Frozen`]);
//!   their CSV form (target pool, inspection history, inspector pool), read from and written to
//!   text with every error at its file, line and field: [`pool_csv`];
//! - validated unified social credit codes (GB 32100-2015): [`credit`];
//! - credit-risk grades and strata: [`risk`]; scope selectors: [`scope`];
//! - sampling policies (ratio per grade, bounds, fixed total, exclusions): [`policy`];
//! - seeds and their derivation from public entropy: [`seed`];
//! - the verifiable, order-independent, shardable stratified draw: [`keys`], [`draw`];
//! - draw records and their verification: [`record`]; the hash-chained draw log: [`audit`];
//! - annual plans (single and joint, deletions, unplanned checks), validated against the item
//!   lists: [`plan`]; the task and per-target life cycle, result codes, follow-ups and
//!   publication deadlines: [`lifecycle`];
//! - joint-task merging (“相同对象、相近时间”, one visit for many items) with the visit savings
//!   and the reason for every merge and non-merge: [`joint`]; inspector matching with
//!   eligibility, recusal (回避) and even workload, reproducible from the task seed: [`assign`];
//! - China's working-day calendar with holidays and make-up workdays (调休), 2020–2026, and the
//!   20-working-day publication deadline: [`calendar`];
//! - the KPIs of the reports, seed 002's per-department table, findings, design-weighted
//!   estimates and the assessment: [`kpi`];
//! - a deterministic demo county of realistic size: [`demo`].
//!
//! The draw is specified in `docs/SAMPLING.md` precisely enough to be re-implemented elsewhere;
//! `tests/reference/ssj_reference.py` does so in plain Python and reproduces every golden vector.
//!
//! ## Example: draw, publish, verify
//!
//! ```
//! use shuangsuiji::draw::DrawRequest;
//! use shuangsuiji::ids::{TargetId, TaskId};
//! use shuangsuiji::policy::SamplingPolicy;
//! use shuangsuiji::record::{draw, verify, DrawRecord};
//! use shuangsuiji::risk::RiskGrade;
//! use shuangsuiji::target::{Target, TargetPool};
//!
//! // A pool of 1,000 enterprises with credit-risk grades A to D.
//! let grades = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
//! let pool = TargetPool::from_entries((0..1000).map(|i| {
//!     let mut t = Target::new(TargetId::new(format!("E{i:04}")).unwrap());
//!     t.grade = Some(grades[i % 4]);
//!     t
//! }))?;
//! let frozen = pool.freeze(); // canonical order + SM3 digest, published before the seed
//!
//! // Ratios 5% / 20% / 60% / 100% by grade; the seed comes from a public lottery result.
//! let r = |s: &str| s.parse().unwrap();
//! let policy = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
//! let task = TaskId::new("2026-SCJG-001")?;
//! let request = DrawRequest::with_public_entropy(task, "双色球 2026130期", "03 07 12 19 25 31 + 09", policy);
//!
//! let record = draw(&frozen, &request)?;
//! assert_eq!(record.strata.a.sample_size, 13); // ⌈250 × 5%⌉
//! assert_eq!(record.selected.len(), 13 + 50 + 150 + 250);
//!
//! // Anyone holding the pool re-runs the record and gets exactly the same sample.
//! let published = record.to_json();
//! let check = verify(&DrawRecord::from_json(&published)?, &frozen);
//! assert!(check.is_ok(), "{check}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The year's cycle, end to end
//!
//! A platform runs the year in these steps; each is one call, and every result is serde data
//! to store or publish:
//!
//! 1. **Plans** ([`plan::AnnualPlan`]): each department's plans, single or joint.
//!    [`validate`](plan::AnnualPlan::validate) checks them against the item lists;
//!    [`check_pool`](plan::AnnualPlan::check_pool) against the target pool (a plan with no
//!    eligible target must be deleted with an approved reason, a count must be reachable).
//! 2. **Merging** ([`joint::propose`]): plans with common targets, windows within the configured
//!    gap, and departments the joint item list pairs (or one department) become one task with
//!    a lead department and a visit window; every merge and non-merge is explained.
//! 3. **Drawing** ([`joint::draw_task_recorded`]): every member plan is drawn with the task's
//!    one seed, so their samples nest and each target is visited once for all items due there;
//!    each plan still gets its own coverage. Each member's [`record::DrawRecord`] goes into
//!    the [`audit::DrawLog`].
//! 4. **Matching** ([`teams::matching`], the rules in [`assign`]): per visit a team of at least
//!    two, one from each department checking there, a leader from the lead department,
//!    eligibility, recusal (回避) and even workload, reproducible from the task seed. The
//!    [`teams::TeamRecord`] goes into the log after the task's draws; the log refuses teams that
//!    do not staff exactly the drawn targets.
//! 5. **Checks and publication** ([`lifecycle`], [`calendar`]): task and target states with
//!    only legal steps, results as sets of codes, follow-ups, and the deadline of 20 working
//!    days after the check under China's holiday calendar.
//!
//! ```
//! use shuangsuiji::assign::{DepartmentNeed, MatchPolicy, TargetFacts, Visit};
//! use shuangsuiji::audit::{DrawLog, SeedCommitment};
//! use shuangsuiji::calendar::HolidayCalendar;
//! use shuangsuiji::demo::DemoCounty;
//! use shuangsuiji::joint::{self, MergeConfig};
//! use shuangsuiji::plan::{AnnualPlan, Plan, PlanId, PlanKind, PlanSize, Window};
//! use shuangsuiji::scope::Scope;
//! use shuangsuiji::seed::{Seed, SeedOrigin};
//! use shuangsuiji::teams::{self, MatchRequest};
//! use std::collections::BTreeMap;
//!
//! // The demo county's pools and item lists stand in for a platform's own.
//! let county = DemoCounty::build();
//! let pool = county.targets.freeze();
//! let inspectors = county.inspectors.freeze();
//! let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//!
//! // 1. Two plans of one department (市场监管局, D01) on the same targets in the same spring.
//! let dept = county.departments[0].id.clone();
//! let items: Vec<_> = county.items.items_of(&dept).collect();
//! let mut annual = AnnualPlan::new(2026);
//! for (n, item) in items.iter().take(2).enumerate() {
//!     annual.plans.push(Plan {
//!         id: PlanId::new(format!("2026-SC-{n}"))?,
//!         name: format!("抽查计划 {n}"),
//!         year: 2026,
//!         kind: PlanKind::Single { department: dept.clone() },
//!         items: vec![item.id.clone()],
//!         scope: Scope { tags_any: ["餐饮服务".to_owned()].into(), ..Scope::all() },
//!         size: PlanSize::Count { total: 8 + 4 * n as u64 },
//!         window: Window::new(date("2026-04-01"), date("2026-05-31")),
//!         frequency_per_year: 1,
//!         due: None,
//!     });
//! }
//! annual.validate(&county.items, &county.joint_items)?;
//! annual.check_pool(&pool)?;
//!
//! // 2. One task: same targets, same time, same department (部门内联查).
//! let proposal = joint::propose(&annual, &county.joint_items, &pool, &MergeConfig::default());
//! assert_eq!(proposal.tasks.len(), 1);
//! let task = &proposal.tasks[0];
//!
//! // 3. Announce the task in the log (pool, plans, where the seed will come from) before the
//! //    lottery is drawn; then draw both plans with the task's seed (public entropy + task id)
//! //    and log them.
//! let mut log = DrawLog::new();
//! let source = SeedCommitment::PublicEntropy { source: "双色球 2026050期".into() };
//! log.announce(task.announcement(&pool, source))?;
//! let origin = SeedOrigin::PublicEntropy { source: "双色球 2026050期".into(), value: "01 05 11 20 28 33 + 07".into() };
//! let seed = origin.derive(&task.id).unwrap();
//! let (drawn, records) = joint::draw_task_recorded(task, &annual, &pool, &seed, &origin)?;
//! assert_eq!(drawn.without_merging, 8 + 12); // each plan's own sample…
//! assert!(drawn.with_merging <= 12); // …nested: one visit per target for both plans' items
//! for record in records {
//!     log.append(record)?;
//! }
//!
//! // 4. A team per visit, with the same seed (its own key stream), logged after the draws.
//! let cal = HolidayCalendar::china();
//! let visits: Vec<Visit> = drawn.visits.iter().enumerate().map(|(n, v)| Visit {
//!     id: format!("{}-V{n:02}", task.id),
//!     target: v.target.clone(),
//!     date: cal.add_working_days(date("2026-04-07"), n as u32).unwrap(),
//!     needs: vec![DepartmentNeed { department: dept.clone(), items: v.items.clone() }],
//! }).collect();
//! let facts: BTreeMap<_, _> = drawn.visits.iter()
//!     .map(|v| (v.target.clone(), TargetFacts::of(&pool.get(&v.target).unwrap())))
//!     .collect();
//! let request = MatchRequest {
//!     task_id: task.id.clone(), seed, seed_origin: origin,
//!     policy: MatchPolicy::default(), visits, targets: facts,
//! };
//! let record = teams::matching(&inspectors, &request)?;
//! assert!(record.teams.iter().all(|t| t.members.len() >= 2));
//! log.append_teams(record)?;
//! log.verify_chain()?;
//!
//! // 5. Publication is due 20 working days after a check (2026-04-30: before May Day).
//! assert_eq!(cal.publication_deadline(date("2026-04-30"))?, date("2026-06-01"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assign;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod credit;
pub mod demo;
pub mod digest;
pub mod draw;
pub mod ids;
pub mod inspector;
pub mod joint;
pub mod keys;
pub mod kpi;
pub mod lifecycle;
pub mod plan;
pub mod policy;
pub mod pool;
pub mod pool_csv;
pub mod record;
pub mod risk;
pub mod scope;
pub mod seed;
pub mod target;
pub mod teams;

mod error;

// The README's Rust example is compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
pub use error::Error;
