//! Joint-task merging: `joint::propose` over 10⁴ plans of 27 departments and a pool of 10⁴
//! targets in 20 towns × 10 industries.
//!
//! The plans' scopes are drawn from 230 distinct selectors (a town, an industry, or both), so
//! the bitmaps are built once per selector, not per plan; windows are one to three months
//! anywhere in the year, and the joint list pairs each department with two others. The cost is
//! `O(S·N + S²·N/64 + P·T·k)` (see the `joint` module docs): here the last term dominates.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shuangsuiji::catalog::{JointDomain, JointItem, JointItemList};
use shuangsuiji::ids::{DeptId, ItemId};
use shuangsuiji::joint::{MergeConfig, propose};
use shuangsuiji::plan::{AnnualPlan, Plan, PlanId, PlanKind, PlanSize, Window};
use shuangsuiji::scope::Scope;
use shuangsuiji::target::{FrozenPool, TargetPool};
use shuangsuiji_benches::{POOL_SEED, synthetic_targets, time_calls};

const TOWNS: usize = 20;
const INDUSTRIES: usize = 10;
const DEPARTMENTS: usize = 27;

fn pool(n: usize) -> FrozenPool {
    let targets = synthetic_targets(n, POOL_SEED)
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            t.region = format!("420281{:03}", i % TOWNS);
            t.industry = format!("F{:02}", (i / TOWNS) % INDUSTRIES);
            t
        });
    TargetPool::from_entries(targets)
        .expect("synthetic ids are unique")
        .into_frozen()
}

fn dept(d: usize) -> DeptId {
    DeptId::new(format!("D{d:02}")).expect("a valid id")
}

fn item(d: usize) -> ItemId {
    ItemId::new(format!("I{d:02}")).expect("a valid id")
}

/// Department `d` initiates its item with departments `d + 1` and `d + 2` taking part.
fn joint_list() -> JointItemList {
    let items = (0..DEPARTMENTS)
        .map(|d| JointItem {
            item: item(d),
            initiating: dept(d),
            participating: vec![dept((d + 1) % DEPARTMENTS), dept((d + 2) % DEPARTMENTS)],
            level: "县级".into(),
        })
        .collect();
    JointItemList {
        name: "bench".into(),
        version: "1".into(),
        domains: vec![JointDomain {
            name: "all".into(),
            items,
        }],
    }
}

fn plans(count: usize) -> AnnualPlan {
    // A fixed LCG: the bench must see the same plans on every run.
    let mut x: u64 = 0x2026;
    let mut next = |m: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % m
    };
    let mut year = AnnualPlan::new(2026);
    for i in 0..count {
        let d = next(DEPARTMENTS);
        let mut scope = Scope::all();
        match next(3) {
            0 => {
                scope.regions.insert(format!("420281{:03}", next(TOWNS)));
            }
            1 => {
                scope.industries.insert(format!("F{:02}", next(INDUSTRIES)));
            }
            _ => {
                scope.regions.insert(format!("420281{:03}", next(TOWNS)));
                scope.industries.insert(format!("F{:02}", next(INDUSTRIES)));
            }
        }
        let first = 1 + next(9);
        let last = (first + next(3)).min(12);
        // chrono is not a dependency of the benches; a window reads from JSON as well.
        let window: Window = serde_json::from_str(&format!(
            r#"{{"first": "2026-{first:02}-01", "last": "2026-{last:02}-28"}}"#
        ))
        .expect("a valid window");
        year.plans.push(Plan {
            id: PlanId::new(format!("P{i:05}")).expect("a valid id"),
            name: format!("plan {i}"),
            year: 2026,
            kind: PlanKind::Single {
                department: dept(d),
            },
            items: vec![item(d)],
            scope,
            size: PlanSize::Count { total: 5 },
            window,
            frequency_per_year: 1,
            due: None,
        });
    }
    year
}

fn joint(c: &mut Criterion) {
    let pool = pool(10_000);
    let list = joint_list();
    let config = MergeConfig::default();
    let mut group = c.benchmark_group("joint");
    for count in [1_000, 10_000] {
        let year = plans(count);
        let proposal = propose(&year, &list, &pool, &config);
        eprintln!(
            "joint: {count} plans -> {} tasks ({} joint), {} decisions",
            proposal.tasks.len(),
            proposal.joint_tasks().count(),
            proposal.decisions.len()
        );
        common::for_size(&mut group, count);
        group.bench_function(BenchmarkId::new("propose", count), |b| {
            b.iter_custom(|iters| time_calls(iters, || propose(&year, &list, &pool, &config)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = joint
}
criterion_main!(benches);
