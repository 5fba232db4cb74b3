//! Annual plans (年度抽查计划): what each department means to check this year, alone or jointly.
//!
//! Every department publishes its plans at the start of the year: which items, which part of
//! the target pool ([`Scope`]), at what ratio or count ([`PlanSize`]), in which time
//! [`Window`], how often. A plan is either a department's own ([`PlanKind::Single`]) or a
//! joint plan led by one department with others taking part ([`PlanKind::Joint`]), as the joint
//! item list allows. A plan may later be **deleted with approval** ([`Deletion`]), typically
//! because the area has no targets (Daye 2022: 4 such deletions); it stays in the annual plan,
//! because the plan fulfilment rate divides by planned minus approved deletions. Checks made
//! outside any plan (计划外检查) are recorded as [`UnplannedCheck`]s so that a report can show them
//! rather than lose them.
//!
//! [`AnnualPlan::validate`] checks the whole year against the item lists in force and reports
//! **every** problem at once ([`PlanErrors`]): a department fixing a spreadsheet of 150 plans
//! should not have to resubmit it once per mistake. [`AnnualPlan::problems`] gives the same
//! list as a plain vector.

use crate::catalog::{ItemList, JointItemList};
use crate::draw::{Allocation, DrawRequest};
use crate::ids::{DeptId, ItemId, TargetId, TaskId};
use crate::policy::{PolicyError, Ratio, SampleSize, SamplingPolicy};
use crate::scope::Scope;
use crate::seed::Seed;
use crate::target::FrozenPool;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[cfg(test)]
mod tests;

pub use crate::ids::PlanId;

/// Who runs a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PlanKind {
    /// One department checks its own items (including the “small union” of several of its
    /// business lines, which is still one department).
    Single {
        /// The department; it must own every item of the plan.
        department: DeptId,
    },
    /// Several departments check the same targets together (部门联合抽查).
    Joint {
        /// The lead (initiating, 发起) department, which draws the targets.
        lead: DeptId,
        /// The participating (配合) departments; each draws its own inspectors.
        participants: Vec<DeptId>,
    },
}

impl PlanKind {
    /// The department that draws the targets: the single department or the lead.
    pub fn lead(&self) -> &DeptId {
        match self {
            PlanKind::Single { department } => department,
            PlanKind::Joint { lead, .. } => lead,
        }
    }

    /// The participating departments; empty for a single-department plan.
    pub fn participants(&self) -> &[DeptId] {
        match self {
            PlanKind::Single { .. } => &[],
            PlanKind::Joint { participants, .. } => participants,
        }
    }

    /// Every department of the plan, the lead first.
    pub fn departments(&self) -> impl Iterator<Item = &DeptId> {
        std::iter::once(self.lead()).chain(self.participants())
    }

    /// Whether a department runs or takes part in the plan.
    pub fn involves(&self, department: &DeptId) -> bool {
        self.departments().any(|d| d == department)
    }

    /// Whether this is a joint plan.
    pub fn is_joint(&self) -> bool {
        matches!(self, PlanKind::Joint { .. })
    }
}

/// How many targets a plan checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PlanSize {
    /// Ratios by credit-risk grade, with bounds and exclusions: the normal case since 2022.
    /// Boxed because a policy is some 30 times the size of a count, and annual plans hold
    /// thousands of plans; the JSON is the same as unboxed.
    Policy(Box<SamplingPolicy>),
    /// A fixed number of targets, as many plans still state it (“抽查 30 户”).
    Count {
        /// The number of targets; at least 1.
        total: u64,
    },
}

/// A closed range of dates, both ends included: when a plan's checks take place.
///
/// The fields are public, so a window may be inverted (`first > last`); such a window contains
/// no date, overlaps nothing, and [`AnnualPlan::validate`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// The first day.
    pub first: NaiveDate,
    /// The last day (included).
    pub last: NaiveDate,
}

impl Window {
    /// A window from its first to its last day.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Window {
        Window { first, last }
    }

    /// Whether `first > last`, i.e. the window holds no day.
    pub fn is_empty(&self) -> bool {
        self.first > self.last
    }

    /// Whether the date lies in the window (both ends included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The least number of days between a day of `self` and a day of `other`: 0 when they share
    /// a day, 1 when one ends the day before the other begins (touching windows), and so on.
    /// `None` when either window is empty. Merging explains a refusal with this number.
    pub fn distance_days(&self, other: &Window) -> Option<u64> {
        if self.is_empty() || other.is_empty() {
            return None;
        }
        let days = if self.last < other.first {
            (other.first - self.last).num_days()
        } else if other.last < self.first {
            (self.first - other.last).num_days()
        } else {
            0
        };
        // Both branches subtract an earlier date from a later one, so `days` is positive.
        Some(days.unsigned_abs())
    }

    /// Whether the windows share a day, or would if one were moved by at most `gap_days` days
    /// (“相近时间”). With `gap_days = 0` they must share a day: a joint visit needs a date that
    /// is inside every member plan's window, so touching windows (one ends on the 31st, the
    /// other begins on the 1st) need a gap of 1.
    pub fn overlaps(&self, other: &Window, gap_days: u32) -> bool {
        self.distance_days(other)
            .is_some_and(|d| d <= u64::from(gap_days))
    }
}

/// One plan of one department (or of a lead department with participants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's id, unique within the annual plan.
    pub id: PlanId,
    /// The plan's name as published.
    pub name: String,
    /// The year the plan belongs to; its window and due date must lie in it.
    pub year: i32,
    /// Single-department or joint.
    pub kind: PlanKind,
    /// The items checked, from the item list; at least one.
    pub items: Vec<ItemId>,
    /// Which targets the plan covers.
    pub scope: Scope,
    /// Ratio policy or fixed count.
    pub size: PlanSize,
    /// When the checks take place.
    pub window: Window,
    /// How many times a year the plan is carried out; at least 1.
    pub frequency_per_year: u32,
    /// The date by which the plan's tasks must be completed, when one is set (e.g. 30 November,
    /// so that checks are not crammed into December).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

impl Plan {
    /// The plan's draw rule. A fixed count is drawn as a fixed total over ratios of 100%, i.e.
    /// in proportion to each stratum's eligible targets.
    pub fn sampling_policy(&self) -> SamplingPolicy {
        match &self.size {
            PlanSize::Policy(policy) => (**policy).clone(),
            PlanSize::Count { total } => {
                let all = Ratio::from_ppm(1_000_000).expect("100% is a ratio");
                let mut policy = SamplingPolicy::by_grade(all, all, all, all, Some(all));
                policy.size = SampleSize::FixedTotal { total: *total };
                policy
            }
        }
    }

    /// The request that draws this plan's targets for `task` with `seed`, naming the plan: drawn by the plan's
    /// lead department, for its items, over its scope, on the first day of its window (the
    /// date recent-inspection exclusions count back from).
    pub fn draw_request(&self, task: TaskId, seed: Seed) -> DrawRequest {
        DrawRequest {
            plan: Some(self.id.clone()),
            department: Some(self.kind.lead().clone()),
            items: self.items.clone(),
            date: Some(self.window.first),
            scope: self.scope.clone(),
            ..DrawRequest::new(task, seed, self.sampling_policy())
        }
    }

    /// Every problem of this plan on its own, against the item lists, in a fixed order
    /// (departments, items, dates, size). Problems between plans (duplicate ids, a plan of the
    /// wrong year) are found by [`AnnualPlan::problems`].
    pub fn problems(&self, items: &ItemList, joint: &JointItemList) -> Vec<PlanError> {
        let mut out = Vec::new();
        let plan = || self.id.clone();
        if self.name.trim().is_empty() {
            out.push(PlanError::BlankName { plan: plan() });
        }
        if let PlanKind::Joint { lead, participants } = &self.kind {
            if participants.is_empty() {
                out.push(PlanError::NoParticipants {
                    plan: plan(),
                    lead: lead.clone(),
                });
            }
            let mut seen = BTreeSet::new();
            for p in participants {
                if p == lead {
                    out.push(PlanError::LeadParticipates {
                        plan: plan(),
                        lead: lead.clone(),
                    });
                } else if !seen.insert(p) {
                    out.push(PlanError::DuplicateParticipant {
                        plan: plan(),
                        department: p.clone(),
                    });
                } else if joint.joint_items_between(lead, p).is_empty() {
                    out.push(PlanError::JointNotAllowed {
                        plan: plan(),
                        lead: lead.clone(),
                        participant: p.clone(),
                        list: format!("{} {}", joint.name, joint.version),
                    });
                }
            }
        }
        if self.items.is_empty() {
            out.push(PlanError::NoItems { plan: plan() });
        }
        let mut seen = BTreeSet::new();
        for id in &self.items {
            if !seen.insert(id) {
                out.push(PlanError::DuplicateItem {
                    plan: plan(),
                    item: id.clone(),
                });
                continue;
            }
            let Some(item) = items.get(id) else {
                out.push(PlanError::UnknownItem {
                    plan: plan(),
                    item: id.clone(),
                    list: format!("{} {}", items.name(), items.version()),
                });
                continue;
            };
            match &self.kind {
                PlanKind::Single { department } if &item.department != department => {
                    out.push(PlanError::NotOwner {
                        plan: plan(),
                        item: id.clone(),
                        owner: item.department.clone(),
                        department: department.clone(),
                    });
                }
                PlanKind::Joint { lead, .. } if !self.kind.involves(&item.department) => {
                    out.push(PlanError::NotOwnedByJointDepartments {
                        plan: plan(),
                        item: id.clone(),
                        owner: item.department.clone(),
                        lead: lead.clone(),
                    });
                }
                _ => {}
            }
        }
        let w = self.window;
        if w.is_empty() {
            out.push(PlanError::WindowInverted {
                plan: plan(),
                first: w.first,
                last: w.last,
            });
        }
        if w.first.year() != self.year || w.last.year() != self.year {
            out.push(PlanError::WindowOutsideYear {
                plan: plan(),
                first: w.first,
                last: w.last,
                year: self.year,
            });
        }
        if let Some(due) = self.due {
            if due.year() != self.year {
                out.push(PlanError::DueOutsideYear {
                    plan: plan(),
                    due,
                    year: self.year,
                });
            } else if due < w.first {
                out.push(PlanError::DueBeforeWindow {
                    plan: plan(),
                    due,
                    first: w.first,
                });
            }
        }
        if self.frequency_per_year == 0 {
            out.push(PlanError::ZeroFrequency { plan: plan() });
        }
        match &self.size {
            PlanSize::Count { total: 0 } => out.push(PlanError::ZeroCount { plan: plan() }),
            PlanSize::Count { .. } => {}
            PlanSize::Policy(policy) => {
                if policy.size == (SampleSize::FixedTotal { total: 0 }) {
                    out.push(PlanError::ZeroCount { plan: plan() });
                }
                if let Err(source) = policy.validate() {
                    out.push(PlanError::Policy {
                        plan: plan(),
                        source,
                    });
                }
            }
        }
        out
    }
}

/// An approved deletion of a plan (计划删除), e.g. “本区域内无检查对象”.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deletion {
    /// The deleted plan; it stays in [`AnnualPlan::plans`] so that the count of planned
    /// checks and the fulfilment rate's denominator can both be reported.
    pub plan: PlanId,
    /// Why, e.g. “本区域内无该类检查对象”; must not be blank, since deletions are published.
    pub reason: String,
    /// Who approved it; must not be blank, since a deletion without approval is not one.
    pub approved_by: String,
    /// The date of approval.
    pub date: NaiveDate,
}

/// A check made outside any plan (计划外检查), recorded so that reports surface it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnplannedCheck {
    /// The platform's id of the check; unique within the annual plan.
    pub id: String,
    /// The department that made it.
    pub department: DeptId,
    /// The items checked; each must be on the item list (“清单之外无检查”).
    pub items: Vec<ItemId>,
    /// When; within the annual plan's year.
    pub date: NaiveDate,
    /// Why it was made outside a plan (complaint, referral, …); must not be blank.
    pub reason: String,
    /// The targets checked.
    pub targets: Vec<TargetId>,
}

/// All plans of one year, with their approved deletions and the year's unplanned checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualPlan {
    /// The year.
    pub year: i32,
    /// Every plan of the year, deleted ones included, in published order.
    pub plans: Vec<Plan>,
    /// Approved deletions.
    #[serde(default)]
    pub deletions: Vec<Deletion>,
    /// Checks made outside any plan.
    #[serde(default)]
    pub unplanned: Vec<UnplannedCheck>,
}

impl AnnualPlan {
    /// An empty annual plan for a year.
    pub fn new(year: i32) -> AnnualPlan {
        AnnualPlan {
            year,
            plans: Vec::new(),
            deletions: Vec::new(),
            unplanned: Vec::new(),
        }
    }

    /// Checks the year against the item lists in force; `Err` holds every problem found, in
    /// the order of [`AnnualPlan::problems`], never an empty list.
    ///
    /// Every problem rather than the first, because plans are prepared in bulk by departments
    /// and returned to them for correction: one round trip per mistake would be a round trip
    /// too many. [`PlanErrors::first`] is there for callers that want just one.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shuangsuiji::catalog::{InspectionMethod, Item, ItemCategory, ItemList, JointItemList};
    /// use shuangsuiji::ids::{DeptId, ItemId};
    /// use shuangsuiji::plan::{AnnualPlan, Plan, PlanId, PlanKind, PlanSize, Window};
    /// use shuangsuiji::scope::Scope;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let scjg = DeptId::new("市场监管局")?;
    /// let item = Item {
    ///     id: ItemId::new("SJ-001")?,
    ///     name: "营业执照规范使用情况的检查".into(),
    ///     department: scjg.clone(),
    ///     legal_basis: "《市场主体登记管理条例》".into(),
    ///     content: "营业执照是否规范悬挂".into(),
    ///     target_kinds: vec!["企业".into()],
    ///     category: ItemCategory::General,
    ///     method: InspectionMethod::OnSite,
    ///     default_ratio_ppm: Some(50_000),
    ///     frequency_per_year: Some(1),
    ///     inspector_requirements: String::new(),
    /// };
    /// let items = ItemList::new("事项清单", "2026版", vec![item]).unwrap();
    /// let joint = JointItemList { name: "联合清单".into(), version: "2026版".into(), domains: vec![] };
    ///
    /// let mut year = AnnualPlan::new(2026);
    /// year.plans.push(Plan {
    ///     id: PlanId::new("2026-SCJG-01")?,
    ///     name: "营业执照规范使用情况抽查".into(),
    ///     year: 2026,
    ///     kind: PlanKind::Single { department: scjg.clone() },
    ///     items: vec![ItemId::new("SJ-001")?],
    ///     scope: Scope::all(),
    ///     size: PlanSize::Count { total: 30 },
    ///     window: Window::new(d(4, 1), d(10, 31)),
    ///     frequency_per_year: 1,
    ///     due: Some(d(11, 30)),
    /// });
    /// assert_eq!(year.validate(&items, &joint), Ok(()));
    ///
    /// // A window running into next year is refused, naming the plan, the dates and the year.
    /// year.plans[0].window.last = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    /// let errors = year.validate(&items, &joint).unwrap_err();
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "plan 2026-SCJG-01: window 2026-04-01 to 2027-01-15 is not inside the plan year 2026"
    /// );
    /// # Ok::<(), shuangsuiji::ids::IdError>(())
    /// ```
    pub fn validate(&self, items: &ItemList, joint: &JointItemList) -> Result<(), PlanErrors> {
        let errors = self.problems(items, joint);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PlanErrors { errors })
        }
    }

    /// Checks every active plan against the target pool before anything is drawn, and returns
    /// every problem found: a plan with no eligible target (it should be deleted with an
    /// approved reason such as “本地区无检查对象”, or its scope widened), and a count or policy
    /// that the eligible targets cannot meet (e.g. 30 targets asked of a scope of 12).
    ///
    /// [`AnnualPlan::validate`] checks the plans against the item lists; this checks them
    /// against the pool, which changes during the year, so a platform runs it again before
    /// each round of draws. The counts are the draw's own census (scope, then exclusions).
    pub fn check_pool(&self, pool: &FrozenPool) -> Result<(), PlanErrors> {
        let errors: Vec<PlanError> = self
            .active_plans()
            .filter_map(|plan| plan.pool_problem(pool))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PlanErrors { errors })
        }
    }

    /// Every problem of the year, empty when it is valid: for each plan in order, a duplicate
    /// id or wrong year and then the plan's own problems ([`Plan::problems`]); then the
    /// deletions in order; then the unplanned checks in order.
    pub fn problems(&self, items: &ItemList, joint: &JointItemList) -> Vec<PlanError> {
        let mut out = Vec::new();
        let mut rows: BTreeMap<&PlanId, usize> = BTreeMap::new();
        for (i, plan) in self.plans.iter().enumerate() {
            if let Some(&first) = rows.get(&plan.id) {
                out.push(PlanError::DuplicatePlan {
                    plan: plan.id.clone(),
                    first_row: first + 1,
                    second_row: i + 1,
                });
            } else {
                rows.insert(&plan.id, i);
            }
            if plan.year != self.year {
                out.push(PlanError::WrongYear {
                    plan: plan.id.clone(),
                    year: plan.year,
                    annual_year: self.year,
                });
            }
            out.extend(plan.problems(items, joint));
        }

        let mut deleted: BTreeMap<&PlanId, usize> = BTreeMap::new();
        for (i, del) in self.deletions.iter().enumerate() {
            let plan = || del.plan.clone();
            if !rows.contains_key(&del.plan) {
                out.push(PlanError::DeletionOfUnknownPlan {
                    plan: plan(),
                    row: i + 1,
                });
            }
            if let Some(&first) = deleted.get(&del.plan) {
                out.push(PlanError::DeletedTwice {
                    plan: plan(),
                    first_row: first + 1,
                    second_row: i + 1,
                });
            } else {
                deleted.insert(&del.plan, i);
            }
            if del.reason.trim().is_empty() {
                out.push(PlanError::DeletionWithoutReason { plan: plan() });
            }
            if del.approved_by.trim().is_empty() {
                out.push(PlanError::DeletionWithoutApproval { plan: plan() });
            }
        }

        let mut checks: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, check) in self.unplanned.iter().enumerate() {
            let id = || check.id.clone();
            let department = || check.department.clone();
            if let Some(&first) = checks.get(check.id.as_str()) {
                out.push(PlanError::DuplicateUnplanned {
                    check: id(),
                    first_row: first + 1,
                    second_row: i + 1,
                });
            } else {
                checks.insert(&check.id, i);
            }
            if check.id.trim().is_empty() {
                out.push(PlanError::UnplannedWithoutId {
                    row: i + 1,
                    department: department(),
                });
            }
            if check.reason.trim().is_empty() {
                out.push(PlanError::UnplannedWithoutReason {
                    check: id(),
                    department: department(),
                });
            }
            if check.date.year() != self.year {
                out.push(PlanError::UnplannedOutsideYear {
                    check: id(),
                    department: department(),
                    date: check.date,
                    year: self.year,
                });
            }
            for item in &check.items {
                if items.get(item).is_none() {
                    out.push(PlanError::UnplannedUnknownItem {
                        check: id(),
                        department: department(),
                        item: item.clone(),
                        list: format!("{} {}", items.name(), items.version()),
                    });
                }
            }
        }
        out
    }

    /// The plan with this id (the first, if the id is repeated).
    pub fn plan(&self, id: &PlanId) -> Option<&Plan> {
        self.plans.iter().find(|p| &p.id == id)
    }

    /// Whether an approved deletion names this plan.
    pub fn is_deleted(&self, id: &PlanId) -> bool {
        self.deletions.iter().any(|d| &d.plan == id)
    }

    /// The plans not deleted, in published order: what merging and drawing work on.
    pub fn active_plans(&self) -> impl Iterator<Item = &Plan> {
        let deleted: BTreeSet<&PlanId> = self.deletions.iter().map(|d| &d.plan).collect();
        self.plans.iter().filter(move |p| !deleted.contains(&p.id))
    }

    /// The plans a department runs (alone or as lead) or takes part in, deleted ones included,
    /// in published order: a department's row in the report counts its deleted plans too.
    pub fn plans_of<'a>(&'a self, department: &'a DeptId) -> impl Iterator<Item = &'a Plan> {
        self.plans
            .iter()
            .filter(move |p| p.kind.involves(department))
    }

    /// Every department named by a plan (lead, single or participant) or an unplanned check,
    /// sorted: the rows of a per-department report.
    pub fn departments(&self) -> BTreeSet<&DeptId> {
        self.plans
            .iter()
            .flat_map(|p| p.kind.departments())
            .chain(self.unplanned.iter().map(|c| &c.department))
            .collect()
    }

    /// The number of single-department plans, deleted ones included (the reports count plans
    /// as published and subtract deletions only in the fulfilment rate).
    pub fn count_single(&self) -> usize {
        self.plans.iter().filter(|p| !p.kind.is_joint()).count()
    }

    /// The number of joint plans, deleted ones included: the numerator of the joint-plan share.
    pub fn count_joint(&self) -> usize {
        self.plans.iter().filter(|p| p.kind.is_joint()).count()
    }

    /// The number of plans with an approved deletion; a plan deleted twice, or a deletion of an
    /// unknown plan (both errors), does not inflate it.
    pub fn count_deleted(&self) -> usize {
        let ids: BTreeSet<&PlanId> = self.plans.iter().map(|p| &p.id).collect();
        self.deletions
            .iter()
            .map(|d| &d.plan)
            .filter(|id| ids.contains(id))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// One problem of an annual plan; each says which plan (or deletion, or unplanned check) and
/// which item or department it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Two plans share an id, so deletions and tasks could not say which one they mean.
    #[error("plan {plan} appears twice in the annual plan: rows {first_row} and {second_row}")]
    DuplicatePlan {
        /// The repeated id.
        plan: PlanId,
        /// 1-based row of its first occurrence.
        first_row: usize,
        /// 1-based row of its second occurrence.
        second_row: usize,
    },
    /// A plan of another year was put into this year's annual plan.
    #[error("plan {plan} is for year {year} but the annual plan is for {annual_year}")]
    WrongYear {
        /// The plan.
        plan: PlanId,
        /// The plan's year.
        year: i32,
        /// The annual plan's year.
        annual_year: i32,
    },
    /// A plan without a name cannot be published.
    #[error("plan {plan} has an empty name")]
    BlankName {
        /// The plan.
        plan: PlanId,
    },
    /// A plan checks nothing.
    #[error("plan {plan} has no items")]
    NoItems {
        /// The plan.
        plan: PlanId,
    },
    /// A plan lists an item twice.
    #[error("plan {plan} lists item {item} twice")]
    DuplicateItem {
        /// The plan.
        plan: PlanId,
        /// The repeated item.
        item: ItemId,
    },
    /// A plan names an item that the item list does not have (“清单之外无检查”).
    #[error("plan {plan}: item {item} is not in the item list {list:?}")]
    UnknownItem {
        /// The plan.
        plan: PlanId,
        /// The unknown item.
        item: ItemId,
        /// Name and edition of the item list checked against.
        list: String,
    },
    /// A single-department plan names another department's item.
    #[error(
        "plan {plan}: item {item} belongs to department {owner}, \
         not to the plan's department {department}"
    )]
    NotOwner {
        /// The plan.
        plan: PlanId,
        /// The item.
        item: ItemId,
        /// The department that owns the item.
        owner: DeptId,
        /// The plan's department.
        department: DeptId,
    },
    /// A joint plan names an item owned by a department that is neither lead nor participant.
    #[error(
        "joint plan {plan}: item {item} belongs to department {owner}, \
         which is neither the lead {lead} nor a participant"
    )]
    NotOwnedByJointDepartments {
        /// The plan.
        plan: PlanId,
        /// The item.
        item: ItemId,
        /// The department that owns the item.
        owner: DeptId,
        /// The plan's lead department.
        lead: DeptId,
    },
    /// A joint plan with no participating department is not joint.
    #[error("joint plan {plan} (lead {lead}) has no participating department")]
    NoParticipants {
        /// The plan.
        plan: PlanId,
        /// Its lead department.
        lead: DeptId,
    },
    /// The lead department is also listed as a participant.
    #[error("joint plan {plan}: lead department {lead} is also listed as a participant")]
    LeadParticipates {
        /// The plan.
        plan: PlanId,
        /// The lead department.
        lead: DeptId,
    },
    /// A participant is listed twice.
    #[error("joint plan {plan}: participating department {department} is listed twice")]
    DuplicateParticipant {
        /// The plan.
        plan: PlanId,
        /// The repeated department.
        department: DeptId,
    },
    /// The joint item list has no row under which the lead and this participant check together.
    #[error(
        "joint plan {plan}: departments {lead} (lead) and {participant} share no joint item \
         in the joint item list {list:?}"
    )]
    JointNotAllowed {
        /// The plan.
        plan: PlanId,
        /// The lead department.
        lead: DeptId,
        /// The participant not allowed with it.
        participant: DeptId,
        /// Name and edition of the joint item list checked against.
        list: String,
    },
    /// The window ends before it begins.
    #[error("plan {plan}: window starts on {first}, after it ends on {last}")]
    WindowInverted {
        /// The plan.
        plan: PlanId,
        /// The window's first day.
        first: NaiveDate,
        /// The window's last day.
        last: NaiveDate,
    },
    /// The window reaches outside the plan's year.
    #[error("plan {plan}: window {first} to {last} is not inside the plan year {year}")]
    WindowOutsideYear {
        /// The plan.
        plan: PlanId,
        /// The window's first day.
        first: NaiveDate,
        /// The window's last day.
        last: NaiveDate,
        /// The plan's year.
        year: i32,
    },
    /// The due date lies outside the plan's year.
    #[error("plan {plan}: due date {due} is not in the plan year {year}")]
    DueOutsideYear {
        /// The plan.
        plan: PlanId,
        /// The due date.
        due: NaiveDate,
        /// The plan's year.
        year: i32,
    },
    /// The plan is due before its window even opens.
    #[error("plan {plan}: due date {due} is before the window opens on {first}")]
    DueBeforeWindow {
        /// The plan.
        plan: PlanId,
        /// The due date.
        due: NaiveDate,
        /// The window's first day.
        first: NaiveDate,
    },
    /// A plan carried out zero times a year is no plan.
    #[error("plan {plan}: frequency per year is 0; it must be at least 1")]
    ZeroFrequency {
        /// The plan.
        plan: PlanId,
    },
    /// A fixed count of 0 targets (as `Count` or as a policy's fixed total).
    #[error("plan {plan}: a fixed count of 0 targets; it must be at least 1")]
    ZeroCount {
        /// The plan.
        plan: PlanId,
    },
    /// The plan's sampling policy is inconsistent on its own.
    #[error("plan {plan}: sampling policy: {source}")]
    Policy {
        /// The plan.
        plan: PlanId,
        /// What is wrong with the policy.
        source: PolicyError,
    },
    /// A deletion names a plan the annual plan does not have.
    #[error("deletion {row}: plan {plan} is not in the annual plan")]
    DeletionOfUnknownPlan {
        /// The plan named.
        plan: PlanId,
        /// 1-based row of the deletion.
        row: usize,
    },
    /// A deletion without a reason cannot be published.
    #[error("deletion of plan {plan} gives no reason")]
    DeletionWithoutReason {
        /// The plan.
        plan: PlanId,
    },
    /// A deletion without an approver is not an approved deletion.
    #[error("deletion of plan {plan} names no approver")]
    DeletionWithoutApproval {
        /// The plan.
        plan: PlanId,
    },
    /// The same plan is deleted twice, which would count it twice in the fulfilment rate.
    #[error("plan {plan} is deleted twice: deletions {first_row} and {second_row}")]
    DeletedTwice {
        /// The plan.
        plan: PlanId,
        /// 1-based row of the first deletion.
        first_row: usize,
        /// 1-based row of the second deletion.
        second_row: usize,
    },
    /// Two unplanned checks share an id.
    #[error("unplanned check {check:?} appears twice: rows {first_row} and {second_row}")]
    DuplicateUnplanned {
        /// The repeated id.
        check: String,
        /// 1-based row of its first occurrence.
        first_row: usize,
        /// 1-based row of its second occurrence.
        second_row: usize,
    },
    /// An unplanned check without an id cannot be referred to.
    #[error("unplanned check in row {row} (department {department}) has an empty id")]
    UnplannedWithoutId {
        /// 1-based row of the check.
        row: usize,
        /// The department that made it.
        department: DeptId,
    },
    /// An unplanned check must say why it was made outside a plan.
    #[error("unplanned check {check:?} by department {department} gives no reason")]
    UnplannedWithoutReason {
        /// The check.
        check: String,
        /// The department that made it.
        department: DeptId,
    },
    /// An unplanned check dated outside the annual plan's year.
    #[error(
        "unplanned check {check:?} by department {department}: date {date} is not in the year {year}"
    )]
    UnplannedOutsideYear {
        /// The check.
        check: String,
        /// The department that made it.
        department: DeptId,
        /// Its date.
        date: NaiveDate,
        /// The annual plan's year.
        year: i32,
    },
    /// An unplanned check names an item that the item list does not have.
    #[error(
        "unplanned check {check:?} by department {department}: \
         item {item} is not in the item list {list:?}"
    )]
    UnplannedUnknownItem {
        /// The check.
        check: String,
        /// The department that made it.
        department: DeptId,
        /// The unknown item.
        item: ItemId,
        /// Name and edition of the item list checked against.
        list: String,
    },
    /// An active plan without a single eligible target in the pool.
    #[error(
        "plan {plan} (department {department}): no eligible target in the pool \
         ({out_of_scope} outside its scope, {excluded} excluded); delete it with an approved \
         reason such as 本地区无检查对象, or widen its scope"
    )]
    NoEligibleTargets {
        /// The plan.
        plan: PlanId,
        /// Its lead department.
        department: DeptId,
        /// Targets of the pool outside the plan's scope.
        out_of_scope: u64,
        /// Targets in scope but excluded (inactive, positive list, recently inspected).
        excluded: u64,
    },
    /// An active plan whose count or policy the pool's eligible targets cannot meet.
    #[error("plan {plan} (department {department}) cannot be drawn: {problem}")]
    CannotDraw {
        /// The plan.
        plan: PlanId,
        /// Its lead department.
        department: DeptId,
        /// What the draw would report.
        problem: String,
    },
}

impl Plan {
    /// The plan's problem with the pool, if any (see [`AnnualPlan::check_pool`]).
    fn pool_problem(&self, pool: &FrozenPool) -> Option<PlanError> {
        let task = TaskId::new(self.id.as_str()).ok()?;
        let request = self.draw_request(task, Seed([0; 32]));
        let department = self.kind.lead().clone();
        let census = match pool.shard(0..pool.len()).census(&request) {
            Ok(c) => c.census,
            Err(e) => {
                return Some(PlanError::CannotDraw {
                    plan: self.id.clone(),
                    department,
                    problem: e.to_string(),
                });
            }
        };
        let eligible: u64 = census.eligible.iter().map(|(_, &n)| n).sum();
        if eligible == 0 {
            return Some(PlanError::NoEligibleTargets {
                plan: self.id.clone(),
                department,
                out_of_scope: census.out_of_scope,
                excluded: census.excluded.total(),
            });
        }
        Allocation::new(&request, &census)
            .err()
            .map(|e| PlanError::CannotDraw {
                plan: self.id.clone(),
                department,
                problem: e.to_string(),
            })
    }
}

/// Every problem [`AnnualPlan::validate`] found; never empty.
///
/// `Display` gives a lone problem as it is, and several as a count followed by each on its own
/// line, so that a CLI can print it as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanErrors {
    errors: Vec<PlanError>,
}

impl PlanErrors {
    /// The problems, in the order of [`AnnualPlan::problems`].
    pub fn errors(&self) -> &[PlanError] {
        &self.errors
    }

    /// The first problem.
    pub fn first(&self) -> &PlanError {
        // `validate` never builds an empty `PlanErrors`.
        &self.errors[0]
    }

    /// The problems, by value.
    pub fn into_errors(self) -> Vec<PlanError> {
        self.errors
    }
}

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [one] = self.errors.as_slice() {
            return write!(f, "{one}");
        }
        write!(f, "{} problems in the annual plan:", self.errors.len())?;
        for e in &self.errors {
            write!(f, "\n- {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanErrors {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.first())
    }
}
