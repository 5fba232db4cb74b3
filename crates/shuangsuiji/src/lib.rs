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
pub mod record;
pub mod risk;
pub mod scope;
pub mod seed;
pub mod target;

mod error;

// The README's Rust example is compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
pub use error::Error;
