//! A demo county shaped like Daye (大冶市, Hubei) in its 2022 report: 27 member departments,
//! a 317-item list, a joint list of 84 domains and 136 joint items, 10,464 targets and 1,018
//! enforcement officers plus 20 experts; and six 2026 draws over it.
//!
//! The data are invented but plausible: every credit code is valid, grades, statuses,
//! positive-list flags and past inspections occur at realistic rates, and the laws cited are
//! real. Everything is a pure function of constants (ChaCha12 with a fixed key for the random
//! parts), so two builds are identical down to the pool digest, which is what lets the demo
//! serve as a fixture for tests, benchmarks and documentation.
//!
//! ```
//! use shuangsuiji::demo::DemoCounty;
//! use shuangsuiji::record::{draw, verify};
//!
//! let county = DemoCounty::build();
//! let pool = county.targets.freeze();
//! let plan = &DemoCounty::plans()[0];
//! let record = draw(&pool, &plan.request)?;
//! assert!(!record.selected.is_empty());
//! assert!(verify(&record, &pool).is_ok());
//! # Ok::<(), shuangsuiji::draw::DrawError>(())
//! ```

mod catalog;
mod dice;
mod entities;
mod people;
mod tables;
mod year;

pub use year::{
    DemoYear, GAP_DAYS, NO_TARGETS, YEAR, YEAR_ENTROPY, YEAR_PERIOD, YearResult, YearSummary,
    YearVisit, seed_origin, task_seed,
};

use crate::catalog::{ItemList, JointItemList};
use crate::draw::DrawRequest;
use crate::ids::{DeptId, ItemId, TaskId};
use crate::inspector::InspectorPool;
use crate::policy::{Bounds, Ratio, RecentBy, RecentRule, SampleSize, SamplingPolicy, Weighting};
use crate::scope::Scope;
use crate::target::{TargetKind, TargetPool};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Display;

/// The county's name.
pub const COUNTY_NAME: &str = "大冶市";
/// The county's administrative division code (GB/T 2260); every demo credit code carries it.
pub const COUNTY_DIVISION: &str = "420281";
/// Where the demo plans take their public entropy. The draws are examples: the numbers are
/// invented, not the results of those lottery draws.
pub const ENTROPY_SOURCE: &str = "示例：中国福利彩票双色球";

/// A member department (成员单位) of the county's joint-supervision group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// `D01` … `D27`.
    pub id: DeptId,
    /// The department's name, e.g. `市场监管局`.
    pub name: String,
}

/// The demo county: departments, item lists and the two pools.
#[derive(Debug, Clone)]
pub struct DemoCounty {
    /// The 27 member departments, in the order of the Daye report.
    pub departments: Vec<Department>,
    /// The item list (317 items).
    pub items: ItemList,
    /// The joint item list (84 domains, 136 joint items), valid against `items`.
    pub joint_items: JointItemList,
    /// The target pool (10,464 targets), with inspection history.
    pub targets: TargetPool,
    /// The inspector pool: 1,018 officers (ids `ZF…`) and 20 experts (ids `ZJ…`).
    pub inspectors: InspectorPool,
}

/// A planned draw of the demo county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPlan {
    /// What the plan is, as an annual plan would list it.
    pub name: String,
    /// The draw, with its seed derived from public entropy.
    pub request: DrawRequest,
}

/// Unwraps a value built from the demo's constants, which the tests check; an error is a bug
/// in the tables, never a condition a caller could meet.
fn valid<T, E: Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("demo data are inconsistent: {e}"))
}

/// The id of the department at an index of the department table: `D01` for index 0.
fn dept_id(index: usize) -> DeptId {
    valid(DeptId::new(format!("D{:02}", index + 1)))
}

impl DemoCounty {
    /// Builds the county. Deterministic: every call returns the same data.
    pub fn build() -> DemoCounty {
        let subjects = catalog::subjects();
        let items = catalog::item_list(&subjects);
        let joint_items = catalog::joint_list(&subjects);
        let inspectors = people::inspectors(&subjects);
        let targets = entities::targets(&subjects, &inspectors);
        let departments = tables::DEPARTMENTS
            .iter()
            .enumerate()
            .map(|(i, d)| Department {
                id: dept_id(i),
                name: d.1.to_owned(),
            })
            .collect();
        DemoCounty {
            departments,
            items,
            joint_items,
            targets,
            inspectors,
        }
    }

    /// The name of a department, if it is one of the county's.
    pub fn department_name(&self, id: &DeptId) -> Option<&str> {
        self.departments
            .iter()
            .find(|d| &d.id == id)
            .map(|d| d.name.as_str())
    }

    /// Six 2026 draws: a food-business plan by credit grade with a one-year same-item
    /// exclusion, a fixed-total plan, a plan scoped by region and tags, a risk-score-weighted
    /// plan, an off-site plan that keeps positive-list entities, and a fire-safety plan with a
    /// same-department exclusion and a stratum cap.
    ///
    /// Every seed is derived from a (fictitious) lottery result, so each record says where its
    /// seed came from and anyone can recompute it.
    pub fn plans() -> Vec<DemoPlan> {
        let subjects = catalog::subjects();
        let items_of = |domain: &str| -> Vec<ItemId> {
            subjects
                .iter()
                .filter(|s| s.domain == domain)
                .flat_map(|s| s.items.iter().cloned())
                .collect()
        };
        let dept = |code: &str| {
            dept_id(
                tables::DEPARTMENTS
                    .iter()
                    .position(|d| d.0 == code)
                    .unwrap_or(0),
            )
        };
        let tags = |t: &[&str]| -> BTreeSet<String> { t.iter().map(|s| (*s).to_owned()).collect() };

        let mut plans = Vec::new();
        let mut add = |spec: PlanSpec, scope: Scope, policy: SamplingPolicy| {
            let mut request = DrawRequest::with_public_entropy(
                valid(TaskId::new(spec.task)),
                &format!("{ENTROPY_SOURCE} {}期", spec.period),
                spec.numbers,
                policy,
            );
            request.department = Some(dept(spec.dept));
            request.items = spec.items;
            request.date = Some(valid(
                NaiveDate::parse_from_str(spec.date, "%Y-%m-%d").map_err(|e| e.to_string()),
            ));
            request.scope = scope;
            plans.push(DemoPlan {
                name: spec.name.to_owned(),
                request,
            });
        };

        let mut food = by_grade(["5%", "20%", "60%", "100%", "10%"]);
        food.exclusions.recent.push(RecentRule {
            within_days: 365,
            by: RecentBy::SameItem,
        });
        let mut food_items = items_of("食品销售");
        food_items.extend(items_of("餐饮服务"));
        add(
            PlanSpec {
                task: "2026-SCJG-001",
                name: "市场监管局 2026年食品经营者（食品销售、餐饮服务）监督抽查",
                dept: "SC",
                items: food_items,
                date: "2026-05-12",
                period: "2026054",
                numbers: "03 09 14 21 27 31 + 08",
            },
            Scope {
                tags_any: tags(&["食品经营", "餐饮服务"]),
                kinds: BTreeSet::from([TargetKind::Enterprise, TargetKind::IndividualBusiness]),
                ..Scope::default()
            },
            food,
        );

        let mut equipment = by_grade(["5%", "10%", "30%", "100%", "10%"]);
        equipment.size = SampleSize::FixedTotal { total: 60 };
        equipment.bounds.d = Bounds {
            min: Some(3),
            max: None,
        };
        add(
            PlanSpec {
                task: "2026-SCJG-002",
                name: "市场监管局 特种设备使用单位安全监督抽查（固定抽取 60 户）",
                dept: "SC",
                items: items_of("特种设备"),
                date: "2026-06-16",
                period: "2026069",
                numbers: "02 11 16 19 25 33 + 04",
            },
            Scope {
                tags_all: tags(&["特种设备"]),
                ..Scope::default()
            },
            equipment,
        );

        add(
            PlanSpec {
                task: "2026-WJ-001",
                name: "卫健局 城区四街道公共场所卫生监督抽查",
                dept: "WJ",
                items: items_of("公共场所卫生"),
                date: "2026-05-20",
                period: "2026058",
                numbers: "05 07 12 20 24 30 + 13",
            },
            Scope {
                tags_any: tags(&["公共场所", "住宿"]),
                regions: tags(&["420281111", "420281112", "420281113", "420281114"]),
                ..Scope::default()
            },
            by_grade(["5%", "10%", "30%", "100%", "10%"]),
        );

        let mut chemicals = by_grade(["10%", "20%", "50%", "100%", "20%"]);
        chemicals.weighting = Weighting::RiskScore;
        add(
            PlanSpec {
                task: "2026-YJ-001",
                name: "应急管理局 危险化学品经营单位安全生产抽查（按风险分值加权）",
                dept: "YJ",
                items: items_of("危险化学品"),
                date: "2026-07-08",
                period: "2026078",
                numbers: "01 06 15 22 28 32 + 10",
            },
            Scope {
                tags_any: tags(&["危险化学品"]),
                kinds: BTreeSet::from([TargetKind::Enterprise]),
                ..Scope::default()
            },
            chemicals,
        );

        let mut annual = by_grade(["1%", "3%", "5%", "10%", "3%"]);
        // An online check of published information does not disturb the business, so the
        // positive list (正面清单) stays in the population.
        annual.exclusions.positive_list = false;
        add(
            PlanSpec {
                task: "2026-SCJG-003",
                name: "市场监管局 企业年度报告公示信息网络检查（正面清单企业参加）",
                dept: "SC",
                items: items_of("企业公示信息"),
                date: "2026-08-03",
                period: "2026089",
                numbers: "04 10 13 18 26 29 + 02",
            },
            Scope {
                kinds: BTreeSet::from([TargetKind::Enterprise, TargetKind::FarmersCooperative]),
                ..Scope::default()
            },
            annual,
        );

        let mut fire = by_grade(["5%", "10%", "30%", "100%", "15%"]);
        fire.exclusions.recent.push(RecentRule {
            within_days: 180,
            by: RecentBy::SameDepartment,
        });
        fire.bounds.ungraded = Bounds {
            min: None,
            max: Some(40),
        };
        add(
            PlanSpec {
                task: "2026-XF-001",
                name: "消防救援大队 消防安全重点单位和人员密集场所监督抽查",
                dept: "XF",
                items: items_of("消防重点单位"),
                date: "2026-09-10",
                period: "2026105",
                numbers: "08 09 17 23 27 31 + 15",
            },
            Scope {
                tags_any: tags(&["消防重点单位", "人员密集场所"]),
                ..Scope::default()
            },
            fire,
        );
        plans
    }
}

/// The fixed parts of a demo plan.
struct PlanSpec {
    task: &'static str,
    name: &'static str,
    dept: &'static str,
    items: Vec<ItemId>,
    date: &'static str,
    period: &'static str,
    numbers: &'static str,
}

/// A ratio policy from `[A, B, C, D, ungraded]` percentages, with the default exclusions
/// (inactive and positive-list entities left out).
fn by_grade(ratios: [&str; 5]) -> SamplingPolicy {
    let r = |i: usize| -> Ratio { valid(ratios[i].parse()) };
    SamplingPolicy::by_grade(r(0), r(1), r(2), r(3), Some(r(4)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::CreditCode;
    use crate::record::{draw, verify};
    use crate::risk::RiskGrade;
    use crate::target::TargetStatus;
    use std::collections::HashSet;

    fn share(part: usize, whole: usize) -> f64 {
        part as f64 / whole as f64
    }

    #[test]
    fn build_is_deterministic() {
        let (a, b) = (DemoCounty::build(), DemoCounty::build());
        assert_eq!(a.targets.freeze().digest(), b.targets.freeze().digest());
        assert_eq!(
            a.inspectors.freeze().digest(),
            b.inspectors.freeze().digest()
        );
        assert_eq!(a.items, b.items);
        assert_eq!(a.joint_items, b.joint_items);
        assert_eq!(a.departments, b.departments);
        assert_eq!(DemoCounty::plans(), DemoCounty::plans());
    }

    #[test]
    fn departments_and_lists_have_the_daye_shape() {
        let c = DemoCounty::build();
        assert_eq!(c.departments.len(), 27);
        assert_eq!(c.departments[0].id.as_str(), "D01");
        assert_eq!(c.departments[0].name, "市场监管局");
        assert_eq!(c.departments[26].id.as_str(), "D27");
        assert_eq!(c.department_name(&dept_id(16)), Some("消防救援大队"));
        assert_eq!(c.items.len(), 317);
        for d in &c.departments {
            assert!(c.items.items_of(&d.id).count() >= 2, "{}", d.name);
        }
        assert_eq!(c.joint_items.domains.len(), 84);
        assert_eq!(c.joint_items.rows().count(), 136);
        assert_eq!(c.joint_items.validate(&c.items), Ok(()));
        // 26 of the 27 units are on the joint list, as in Daye.
        assert_eq!(c.joint_items.departments().len(), 26);
        let names: HashSet<&str> = c
            .joint_items
            .domains
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names.len(), 84, "joint domain names are unique");
        let key = c
            .items
            .items()
            .iter()
            .filter(|i| i.category == crate::catalog::ItemCategory::Key)
            .count();
        assert!((80..=200).contains(&key), "{key} key items");
    }

    #[test]
    fn target_pool_has_the_stated_mix() {
        let c = DemoCounty::build();
        let t = c.targets.entries();
        assert_eq!(t.len(), 10_464);
        let market: Vec<_> = t
            .iter()
            .filter(|t| t.kind != TargetKind::NonMarket)
            .collect();
        assert_eq!(market.len(), 5_347);
        let grade_share = |g: Option<RiskGrade>| {
            share(market.iter().filter(|t| t.grade == g).count(), market.len())
        };
        assert!((0.27..0.33).contains(&grade_share(Some(RiskGrade::A))));
        assert!((0.47..0.53).contains(&grade_share(Some(RiskGrade::B))));
        assert!((0.13..0.17).contains(&grade_share(Some(RiskGrade::C))));
        assert!((0.02..0.04).contains(&grade_share(Some(RiskGrade::D))));
        assert!((0.01..0.03).contains(&grade_share(None)));
        let non_market_ungraded = t
            .iter()
            .filter(|t| t.kind == TargetKind::NonMarket && t.grade.is_none())
            .count();
        assert!(share(non_market_ungraded, t.len() - market.len()) > 0.85);

        let inactive = t
            .iter()
            .filter(|t| t.status != TargetStatus::Active)
            .count();
        assert!(
            (0.01..0.03).contains(&share(inactive, t.len())),
            "{inactive}"
        );
        let positive = t.iter().filter(|t| t.positive_list).count();
        assert!(
            (0.005..0.015).contains(&share(positive, t.len())),
            "{positive}"
        );
        let history = t.iter().filter(|t| !t.history.is_empty()).count();
        assert!((0.13..0.17).contains(&share(history, t.len())), "{history}");
        assert!(t.iter().flat_map(|t| &t.history).all(|h| {
            h.date >= NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
                && h.date < NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
                && h.item.as_ref().is_some_and(|i| c.items.get(i).is_some())
                && h.inspectors.len() == 2
        }));
        let scored = t.iter().filter(|t| t.risk_score.is_some()).count();
        assert!(scored > 1000 && scored < t.len());
        assert!(
            t.iter()
                .filter_map(|t| t.risk_score)
                .all(|s| (1..=100).contains(&s))
        );
        let regions: BTreeSet<&str> = t.iter().map(|t| t.region.as_str()).collect();
        assert_eq!(regions.len(), 16);
        assert!(regions.iter().all(|r| r.starts_with("420281")));
    }

    #[test]
    fn every_credit_code_is_valid_and_unique() {
        let c = DemoCounty::build();
        let codes: Vec<&CreditCode> = c
            .targets
            .entries()
            .iter()
            .filter_map(|t| t.credit_code.as_ref())
            .collect();
        assert!(codes.len() > 9_000);
        let mut seen = HashSet::new();
        for code in codes {
            assert_eq!(CreditCode::parse(code.as_str()).as_ref(), Ok(code));
            assert_eq!(code.division_code(), COUNTY_DIVISION);
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }

    #[test]
    fn inspector_pool_has_officers_and_experts() {
        let c = DemoCounty::build();
        let p = c.inspectors.entries();
        let experts = p.iter().filter(|p| p.expert).count();
        assert_eq!(experts, 20);
        assert_eq!(p.len() - experts, 1_018);
        let day = NaiveDate::from_ymd_opt(2026, 5, 12).unwrap();
        let expired = p.iter().filter(|p| !p.certified_on(day)).count();
        assert!(expired > 20 && expired < 300, "{expired}");
        for d in &c.departments {
            assert!(p.iter().any(|p| p.department == d.id && !p.expert));
        }
        assert!(p.iter().filter(|p| !p.expert).all(|p| {
            !p.certificate.is_empty()
                && p.items
                    .iter()
                    .all(|i| c.items.get(i).is_some_and(|i| i.department == p.department))
        }));
    }

    #[test]
    fn every_plan_draws_and_verifies() {
        let c = DemoCounty::build();
        let pool = c.targets.freeze();
        let plans = DemoCounty::plans();
        assert!((4..=6).contains(&plans.len()));
        let tasks: HashSet<&TaskId> = plans.iter().map(|p| &p.request.task_id).collect();
        assert_eq!(tasks.len(), plans.len());
        let mut records = Vec::new();
        for plan in &plans {
            let req = &plan.request;
            assert!(!req.items.is_empty(), "{}", plan.name);
            for item in &req.items {
                let item = c.items.get(item).expect("plan item is on the list");
                assert_eq!(Some(&item.department), req.department.as_ref());
            }
            let record = draw(&pool, req).unwrap_or_else(|e| panic!("{}: {e}", plan.name));
            assert!(!record.selected.is_empty(), "{}", plan.name);
            assert!(verify(&record, &pool).is_ok(), "{}", plan.name);
            records.push(record);
        }
        // The first plan leaves out positive-list and recently inspected businesses; the
        // off-site plan keeps the positive list; the fixed total is met exactly.
        assert!(records[0].exclusions.positive_list > 0);
        assert!(records[0].exclusions.recently_inspected > 0);
        assert_eq!(records[1].selected.len(), 60);
        assert_eq!(records[4].exclusions.positive_list, 0);
        assert!(records[5].exclusions.recently_inspected > 0);
        assert!(records[5].strata.ungraded.sample_size <= 40);
    }
}
