//! What several fuzz targets share: the fixed pool draws are made from, and draw requests
//! and sampling policies built from the fuzzer's bytes.
//!
//! Requests are built from [`arbitrary`] so that a mutation changes a field of a request
//! (a ratio, a bound, the seed, the scope) instead of breaking the JSON it would be written
//! in. Ids come mostly from small fixed lists, look-alikes included, so that the log target
//! meets the same task twice, under other plans and in another spelling.

use arbitrary::{Arbitrary, Unstructured};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{DeptId, ItemId, PlanId, TaskId};
use shuangsuiji::policy::{
    Bounds, Exclusions, Ratio, RecentBy, RecentRule, SampleSize, SamplingPolicy, Weighting,
};
use shuangsuiji::risk::{PerStratum, Stratum};
use shuangsuiji::scope::Scope;
use shuangsuiji::seed::{Seed, SeedOrigin};
use shuangsuiji::target::{FrozenPool, Target, TargetKind, TargetPool, TargetStatus};
use std::sync::OnceLock;

/// The golden vector whose pool every draw of the fuzz targets is made from: 300 targets of
/// every grade, with risk scores, inactive and positive-list targets, tags, regions and an
/// inspection history, so that every exclusion and scope condition has something to act on.
pub const POOL_VECTOR: &str = include_str!("../../tests/vectors/draws/uniform-basic.json");

/// The pool of [`POOL_VECTOR`], frozen once.
pub fn pool() -> &'static FrozenPool {
    static POOL: OnceLock<FrozenPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let vector: serde_json::Value =
            serde_json::from_str(POOL_VECTOR).expect("the golden vector is JSON");
        let targets: Vec<Target> = serde_json::from_value(vector["pool"].clone())
            .expect("the golden vector's pool is a list of targets");
        TargetPool::from_entries(targets)
            .expect("the golden vector's pool is valid")
            .freeze()
    })
}

/// Task ids the fuzzer picks from: plain ones, and look-alikes of the first (full-width
/// digits, non-breaking hyphens, Cyrillic letters), which a reader takes for the same task.
pub const TASKS: [&str; 6] = [
    "2026-SCJG-001",
    "2026-SCJG-002",
    "２０２６-SCJG-001",
    "2026\u{2011}SCJG\u{2011}001",
    "2026-SСJG-001", // Cyrillic С
    "T",
];
/// Plan ids the fuzzer picks from.
pub const PLANS: [&str; 3] = ["P1", "P2", "Р1"]; // the last with a Cyrillic Р
/// Departments of the pool's history, and one without any.
pub const DEPARTMENTS: [&str; 3] = ["D01", "D02", "D09"];
/// Items of the pool's history, and one without any.
pub const ITEMS: [&str; 2] = ["I-FOOD", "I-DRUG"];
/// Tags of the pool.
pub const TAGS: [&str; 6] = ["学校", "特种设备", "药品零售", "食品经营", "餐饮服务", "无"];
/// Region prefixes (the pool's regions are `4202811xx`).
pub const REGIONS: [&str; 4] = ["4202", "420281100", "420281103", "9"];
/// Industry prefixes.
pub const INDUSTRIES: [&str; 4] = ["C", "H", "P8", "Z"];
/// Public entropy sources and values.
pub const SOURCES: [&str; 3] = ["双色球 2026130期", "beacon", ""];
/// Published values.
pub const VALUES: [&str; 3] = ["03 07 12 19 25 31 + 09", "0", "值"];

/// An id: one of a fixed list, or any text (refused ids fall back to the list).
#[derive(Debug, Clone, Arbitrary)]
pub enum IdChoice {
    /// The n-th of the list (modulo its length).
    Listed(u8),
    /// Any text.
    Text(String),
}

impl IdChoice {
    fn pick<'a>(&'a self, list: &[&'a str]) -> &'a str {
        match self {
            IdChoice::Listed(n) => list[usize::from(*n) % list.len()],
            IdChoice::Text(s) => s,
        }
    }

    fn listed(&self, list: &[&str]) -> String {
        match self {
            IdChoice::Listed(n) => list[usize::from(*n) % list.len()].to_owned(),
            IdChoice::Text(s) => list[s.len() % list.len()].to_owned(),
        }
    }

    /// A task id.
    pub fn task(&self) -> TaskId {
        TaskId::new(self.pick(&TASKS))
            .or_else(|_| TaskId::new(self.listed(&TASKS)))
            .expect("listed task ids are valid")
    }

    /// A plan id.
    pub fn plan(&self) -> PlanId {
        PlanId::new(self.pick(&PLANS))
            .or_else(|_| PlanId::new(self.listed(&PLANS)))
            .expect("listed plan ids are valid")
    }
}

/// Where a request's seed comes from.
#[derive(Debug, Clone, Arbitrary)]
pub enum SeedSpec {
    /// A given seed.
    Given([u8; 32]),
    /// Derived from a public value (of the lists, or any text).
    Public {
        /// The source.
        source: IdChoice,
        /// The value.
        value: IdChoice,
    },
    /// A public origin that does not derive the seed (the draw must refuse it).
    Mismatched([u8; 32]),
}

/// A stratum's bounds, small so that they bind.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct BoundsSpec {
    /// The minimum.
    pub min: Option<u8>,
    /// The maximum.
    pub max: Option<u8>,
}

/// A recent-inspection rule.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct RecentSpec {
    /// Window length in days (0 is refused by the policy).
    pub within_days: u16,
    /// Same item (else same department).
    pub same_item: bool,
}

/// A sampling policy.
#[derive(Debug, Clone, Arbitrary)]
pub struct PolicySpec {
    /// Ratios per stratum, in ppm before reduction to 1..=1,000,000; `None` leaves the
    /// stratum without a ratio.
    pub ratios: [Option<u32>; 5],
    /// Bounds per stratum.
    pub bounds: [BoundsSpec; 5],
    /// A fixed total, else by ratio.
    pub total: Option<u16>,
    /// Leave out inactive targets.
    pub inactive: bool,
    /// Leave out positive-list targets.
    pub positive_list: bool,
    /// Recent-inspection rules (at most three are used).
    pub recent: Vec<RecentSpec>,
    /// Weighted by risk score.
    pub weighted: bool,
}

fn ratio(raw: u32) -> Ratio {
    // Half of the values are whole percent (the usual case), half any ppm.
    let ppm = if raw & 1 == 0 {
        (raw >> 1) % 100 * 10_000 + 10_000
    } else {
        (raw >> 1) % 1_000_000 + 1
    };
    Ratio::from_ppm(ppm).expect("reduced into 1..=1,000,000")
}

impl PolicySpec {
    /// The policy.
    pub fn policy(&self) -> SamplingPolicy {
        let bound = |i: usize| Bounds {
            min: self.bounds[i].min.map(u64::from),
            max: self.bounds[i].max.map(u64::from),
        };
        SamplingPolicy {
            ratios: PerStratum::from_fn(|s| self.ratios[index(s)].map(ratio)),
            bounds: PerStratum::from_fn(|s| bound(index(s))),
            size: match self.total {
                Some(total) => SampleSize::FixedTotal {
                    total: u64::from(total % 400),
                },
                None => SampleSize::ByRatio,
            },
            exclusions: Exclusions {
                inactive: self.inactive,
                positive_list: self.positive_list,
                recent: self
                    .recent
                    .iter()
                    .take(3)
                    .map(|r| RecentRule {
                        within_days: u32::from(r.within_days % 1000),
                        by: if r.same_item {
                            RecentBy::SameItem
                        } else {
                            RecentBy::SameDepartment
                        },
                    })
                    .collect(),
            },
            weighting: if self.weighted {
                Weighting::RiskScore
            } else {
                Weighting::Uniform
            },
        }
    }
}

/// The position of a stratum in [`Stratum::ALL`].
pub fn index(s: Stratum) -> usize {
    Stratum::ALL
        .iter()
        .position(|&t| t == s)
        .expect("every stratum is in ALL")
}

/// A scope over the fixed pool.
#[derive(Debug, Clone, Arbitrary)]
pub struct ScopeSpec {
    /// Tags every target must carry (indices into [`TAGS`]).
    pub tags_all: Vec<u8>,
    /// Tags of which a target must carry one.
    pub tags_any: Vec<u8>,
    /// Kinds, as bits of `TargetKind`'s seven kinds.
    pub kinds: u8,
    /// Region prefixes (indices into [`REGIONS`]).
    pub regions: Vec<u8>,
    /// Industry prefixes.
    pub industries: Vec<u8>,
    /// Statuses, as bits.
    pub statuses: u8,
    /// Strata, as bits.
    pub grades: u8,
}

const KINDS: [TargetKind; 7] = [
    TargetKind::Enterprise,
    TargetKind::IndividualBusiness,
    TargetKind::FarmersCooperative,
    TargetKind::NonMarket,
    TargetKind::Product,
    TargetKind::Project,
    TargetKind::Behaviour,
];

fn pick_all<T: Clone>(list: &[T], picks: &[u8]) -> Vec<T> {
    picks
        .iter()
        .take(3)
        .map(|&n| list[usize::from(n) % list.len()].clone())
        .collect()
}

fn bits<T: Clone>(list: &[T], bits: u8) -> Vec<T> {
    list.iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, t)| t.clone())
        .collect()
}

impl ScopeSpec {
    /// The scope.
    pub fn scope(&self) -> Scope {
        let strings = |list: &[&str], picks: &[u8]| {
            pick_all(list, picks)
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        Scope {
            tags_all: strings(&TAGS, &self.tags_all),
            tags_any: strings(&TAGS, &self.tags_any),
            kinds: bits(&KINDS, self.kinds).into_iter().collect(),
            regions: strings(&REGIONS, &self.regions),
            industries: strings(&INDUSTRIES, &self.industries),
            statuses: bits(&TargetStatus::ALL, self.statuses)
                .into_iter()
                .collect(),
            grades: bits(&Stratum::ALL, self.grades).into_iter().collect(),
        }
    }
}

/// A draw request over the fixed pool.
#[derive(Debug, Clone, Arbitrary)]
pub struct RequestSpec {
    /// The task.
    pub task: IdChoice,
    /// The member plan, if any.
    pub plan: Option<IdChoice>,
    /// The seed.
    pub seed: SeedSpec,
    /// The drawing department (index into [`DEPARTMENTS`]).
    pub department: Option<u8>,
    /// Items (indices into [`ITEMS`]).
    pub items: Vec<u8>,
    /// The draw date, in days from 2024-01-01 (the history spans 2024 to 2026).
    pub date: Option<u16>,
    /// The scope, or the whole pool.
    pub scope: Option<ScopeSpec>,
    /// The policy.
    pub policy: PolicySpec,
}

impl RequestSpec {
    /// The request (which the draw may still refuse, e.g. for a missing ratio).
    pub fn request(&self) -> DrawRequest {
        let task_id = self.task.task();
        let (seed, seed_origin) = seed_of(&self.seed, &task_id);
        DrawRequest {
            plan: self.plan.as_ref().map(IdChoice::plan),
            seed,
            seed_origin,
            department: self.department.map(|d| {
                DeptId::new(DEPARTMENTS[usize::from(d) % DEPARTMENTS.len()])
                    .expect("listed departments are valid")
            }),
            items: pick_all(&ITEMS, &self.items)
                .into_iter()
                .map(|i| ItemId::new(i).expect("listed items are valid"))
                .collect(),
            date: self.date.map(|d| {
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date")
                    + chrono::Days::new(u64::from(d % 1200))
            }),
            scope: self
                .scope
                .as_ref()
                .map(ScopeSpec::scope)
                .unwrap_or_default(),
            policy: self.policy.policy(),
            task_id,
        }
    }
}

/// The seed and its stated origin for a task.
pub fn seed_of(spec: &SeedSpec, task: &TaskId) -> (Seed, SeedOrigin) {
    match spec {
        SeedSpec::Given(bytes) => (Seed(*bytes), SeedOrigin::Given),
        SeedSpec::Public { source, value } => {
            let (source, value) = (source.pick(&SOURCES), value.pick(&VALUES));
            (
                Seed::from_public_entropy(source, value, task),
                SeedOrigin::PublicEntropy {
                    source: source.to_owned(),
                    value: value.to_owned(),
                },
            )
        }
        SeedSpec::Mismatched(bytes) => (
            Seed(*bytes),
            SeedOrigin::PublicEntropy {
                source: SOURCES[0].to_owned(),
                value: VALUES[0].to_owned(),
            },
        ),
    }
}

/// Builds a value from bytes, or `None` when they run out before it is complete.
pub fn build<'a, T: Arbitrary<'a>>(data: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(Unstructured::new(data)).ok()
}
