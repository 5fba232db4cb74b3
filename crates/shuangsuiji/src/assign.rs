//! Inspector matching (匹配执法检查人员): a lawful, randomly drawn team for every visit.
//!
//! [`assign`] staffs each [`Visit`] from a frozen inspector pool. Every team has at least
//! [`MatchPolicy::min_team`] officers, at least one from each department whose items are checked
//! at the visit (each department draws its own), a leader (组长) from the lead department (the
//! first [`DepartmentNeed`]), and [`MatchPolicy::experts`] experts from the expert pool.
//!
//! ## Eligibility and recusal (回避)
//!
//! An officer may fill a slot of department `D` at a visit when, checked in this order (a refused
//! candidate is counted under the *first* reason that applies, which is what a
//! [`AssignError::Shortage`] reports):
//!
//! 1. active; 2. certificate valid on the visit date ([`crate::inspector::Inspector::certified_on`]);
//! 3. item scope covers every item `D` checks there ([`crate::inspector::Inspector::may_check`]);
//! 4. not in the same region as the target, when [`MatchPolicy::same_region_recusal`] is set
//!    (an empty region never matches);
//! 5. no declared [`Conflict`] with the target;
//! 6. not among the inspectors of the target's last inspection, when
//!    [`MatchPolicy::last_inspector_recusal`] is set;
//! 7. not in an [`MatchPolicy::avoid_pairs`] pair with anyone already on the team;
//! 8. fewer visits so far than [`MatchPolicy::max_visits_per_inspector`].
//!
//! Officers of `D` are the non-expert inspectors whose department is `D`. Experts (any
//! department) pass the same rules except 2 and 3: they need no certificate (an expert's
//! certificate, even expired, is not looked at) and are not scoped to items.
//!
//! ## Slots
//!
//! Each department needs one officer; when the departments are fewer than `min_team`, the
//! remaining slots go to the departments in need order, round robin, starting with the lead
//! (one department and `min_team = 2`: two officers of it). A team is never made smaller: if a
//! department cannot fill its slots, [`assign`] fails naming the visit, the department and the
//! counts per reason.
//!
//! ## Randomness and tie-breaking
//!
//! Visits are processed in canonical order: by date, then by visit id; the input order does not
//! matter. The *roster order* lists the pool's officers by (department id, inspector id), then
//! the experts by (department id, inspector id) too; let `r` be an inspector's index in it and
//! `N` the pool size.
//!
//! Every inspector holds a random key for each *round*, its round being the number of visits
//! it has been given so far (`w`, starting from [`MatchPolicy::prior_workload`]): the key is the keystream word at position `w·N + r` of
//! ChaCha8 keyed by the seed on stream [`ASSIGN_STREAM`] ([`crate::keys::entity_key`]). So the
//! round-0 keys of the whole pool are one pass of the keystream, and an inspector draws a fresh
//! key each time it is given a visit.
//!
//! Each slot goes to the eligible candidate that is smallest by
//! **(visits assigned so far, current key, roster index)**: workload first so that the work is
//! spread evenly, the random key second, and the index only if two keys were equal (probability
//! 2⁻⁶⁴; within a department the roster index follows the canonical pool order). In effect each
//! round is a fresh random permutation of the pool, walked in order and skipping whoever is
//! ineligible or recused at the visit at hand. Why keys per round rather than per
//! (visit, inspector): then a visit costs a walk along the front of its department's queue,
//! not a key for every officer of the department (hundreds per visit in a county).
//!
//! Slots are filled one at a time, departments in need order (lead first), then experts; the
//! leader is the lead department's first pick. Workload counts every appearance, expert or
//! officer, and is updated (with the fresh keys) once a visit's team is complete. The choice is
//! greedy: a pick is never revised to make room for a later avoidance pair.
//!
//! The result depends only on the frozen pool (pinned by its digest), the visits as a set, the
//! recusal facts, the policy and the seed.
//!
//! ```
//! use shuangsuiji::assign::{assign, DepartmentNeed, MatchPolicy, TargetFacts, Visit};
//! use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId};
//! use shuangsuiji::inspector::{Inspector, InspectorPool};
//! use shuangsuiji::seed::Seed;
//! use std::collections::BTreeMap;
//!
//! let dept = DeptId::new("市场监管局")?;
//! let pool = InspectorPool::from_entries((0..6).map(|i| {
//!     Inspector::new(InspectorId::new(format!("P{i}")).unwrap(), dept.clone(), format!("C{i}"))
//! }))?
//! .into_frozen();
//! let target = TargetId::new("E001")?;
//! let visit = Visit {
//!     id: "V-1".into(),
//!     target: target.clone(),
//!     date: "2026-05-12".parse()?,
//!     needs: vec![DepartmentNeed { department: dept.clone(), items: vec![ItemId::new("食品销售")?] }],
//! };
//! let mut facts = BTreeMap::new();
//! facts.insert(target, TargetFacts { region: "大冶市".into(), last_inspectors: vec![InspectorId::new("P0")?] });
//!
//! let result = assign(&pool, &[visit], &facts, &MatchPolicy::default(), &Seed([1; 32]))?;
//! let team = &result.visits[0];
//! assert_eq!(team.members.len(), 2);
//! assert_eq!(team.leader, team.members[0].0);
//! assert!(team.members.iter().all(|(p, _)| p.as_str() != "P0")); // last inspector recused
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::ids::{DeptId, InspectorId, ItemId, TargetId};
use crate::inspector::FrozenInspectorPool;
use crate::keys::entity_keys;
use crate::pool::lookalike::PoolSkeletons;
use crate::seed::Seed;
use crate::target::Target;
use chrono::{Datelike, NaiveDate};
use index::Interner;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

mod index;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

/// The ChaCha stream (nonce) of inspector keys, distinct from the target draw's
/// [`crate::keys::TARGET_STREAM`] so that the same seed never gives correlated keys.
pub const ASSIGN_STREAM: u64 = 1;

/// The smallest team the rules allow (“每个检查对象至少2名执法检查人员”).
pub const LEGAL_MIN_TEAM: u32 = 2;

/// One department's part of a visit: the items it checks there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentNeed {
    /// The department, which draws its own officers.
    pub department: DeptId,
    /// The items it checks; its officers must be scoped for every one.
    pub items: Vec<ItemId>,
}

/// One visit to a target, by one team, for all the items due there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// Unique id of the visit within the matching.
    pub id: String,
    /// The target visited.
    pub target: TargetId,
    /// The day of the visit, on which certificates must be valid.
    pub date: NaiveDate,
    /// The departments checking there; the first is the lead department.
    pub needs: Vec<DepartmentNeed>,
}

/// What recusal needs to know of a target.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFacts {
    /// The target's region, for same-region recusal (empty: unknown, never matches).
    #[serde(default)]
    pub region: String,
    /// The inspectors of the target's last inspection.
    #[serde(default)]
    pub last_inspectors: Vec<InspectorId>,
}

impl TargetFacts {
    /// The facts of a target: its region and the inspectors of its latest inspection (all
    /// inspections on the latest date, since a day may see several checks).
    pub fn of(target: &Target) -> TargetFacts {
        let last = target.history.iter().map(|h| h.date).max();
        let mut last_inspectors: Vec<InspectorId> = target
            .history
            .iter()
            .filter(|h| Some(h.date) == last)
            .flat_map(|h| h.inspectors.iter().cloned())
            .collect();
        last_inspectors.sort();
        last_inspectors.dedup();
        TargetFacts {
            region: target.region.clone(),
            last_inspectors,
        }
    }
}

/// A declared interest of an inspector in a target (利害关系).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// The inspector who must not check the target.
    pub inspector: InspectorId,
    /// The target.
    pub target: TargetId,
    /// Why, as declared (kept for the record).
    #[serde(default)]
    pub reason: String,
}

/// The rules a matching applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchPolicy {
    /// Officers per team at least (not counting experts); at least [`LEGAL_MIN_TEAM`].
    pub min_team: u32,
    /// Experts per team, from inspectors with `expert: true` of any department.
    pub experts: u32,
    /// Recuse inspectors whose region is the target's region.
    pub same_region_recusal: bool,
    /// Recuse the inspectors of the target's last inspection.
    pub last_inspector_recusal: bool,
    /// The most visits any inspector may get in this matching.
    pub max_visits_per_inspector: Option<u32>,
    /// Declared interests.
    pub conflicts: Vec<Conflict>,
    /// Reciprocal avoidance: the two are never on the same team.
    pub avoid_pairs: Vec<(InspectorId, InspectorId)>,
    /// Visits each inspector already made in earlier matchings (e.g. the year's earlier tasks,
    /// each matched with its own seed): they count towards the cap and the even spread, and the
    /// inspector's keys continue from that round, so the year's work is spread evenly too.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub prior_workload: BTreeMap<InspectorId, u32>,
}

impl Default for MatchPolicy {
    fn default() -> Self {
        MatchPolicy {
            min_team: LEGAL_MIN_TEAM,
            experts: 0,
            same_region_recusal: false,
            last_inspector_recusal: true,
            max_visits_per_inspector: None,
            conflicts: Vec::new(),
            avoid_pairs: Vec::new(),
            prior_workload: BTreeMap::new(),
        }
    }
}

/// The team of one visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The visit's id.
    pub visit: String,
    /// The leader (组长), the lead department's first pick.
    pub leader: InspectorId,
    /// The officers with the department each fills, in pick order (leader first).
    pub members: Vec<(InspectorId, DeptId)>,
    /// The experts, in pick order.
    pub experts: Vec<InspectorId>,
}

/// The teams of all visits, in canonical visit order (date, then id), and the resulting
/// workload of every pool inspector with a non-zero workload: visits given here plus
/// [`MatchPolicy::prior_workload`] (an inspector with prior visits only is listed too; prior
/// workloads of ids outside the pool are dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// One team per visit.
    pub visits: Vec<Team>,
    /// Visits per inspector (inspectors with none are absent).
    pub workload: BTreeMap<InspectorId, u32>,
}

/// How many candidates of a slot were refused, per first reason (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Refusals {
    /// Not active.
    pub inactive: u32,
    /// Certificate missing or expired on the visit date.
    pub certificate: u32,
    /// Item scope does not cover the department's items.
    pub scope: u32,
    /// Same region as the target.
    pub same_region: u32,
    /// Declared conflict with the target.
    pub conflict: u32,
    /// Checked the target last time.
    pub last_inspector: u32,
    /// Reciprocal avoidance with a team member.
    pub avoidance: u32,
    /// Workload cap reached.
    pub workload_cap: u32,
}

impl fmt::Display for Refusals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            (self.inactive, "inactive"),
            (self.certificate, "certificate expired"),
            (self.scope, "out of item scope"),
            (self.same_region, "recused for same region"),
            (self.conflict, "recused for conflict"),
            (self.last_inspector, "recused as last inspector"),
            (self.avoidance, "recused for reciprocal avoidance"),
            (self.workload_cap, "at workload cap"),
        ];
        let mut first = true;
        for (n, what) in parts.into_iter().filter(|&(n, _)| n > 0) {
            write!(f, "{}{n} {what}", if first { "" } else { ", " })?;
            first = false;
        }
        if first {
            f.write_str("no other candidates in the pool")?;
        }
        Ok(())
    }
}

/// Why a matching cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    /// The policy asks for teams smaller than the rules allow.
    #[error(
        "min_team is {min_team}; the rules require at least {LEGAL_MIN_TEAM} inspectors per visit"
    )]
    TeamTooSmall {
        /// The requested minimum.
        min_team: u32,
    },
    /// An avoidance pair names one inspector twice.
    #[error("avoidance pair ({inspector}, {inspector}) names the same inspector twice")]
    SelfAvoidance {
        /// The inspector.
        inspector: InspectorId,
    },
    /// A prior workload that this matching's visits could carry past `u32::MAX`.
    #[error(
        "prior workload of inspector {inspector} is {prior}: with this matching's visits it could exceed {}",
        u32::MAX
    )]
    WorkloadOverflow {
        /// The inspector.
        inspector: InspectorId,
        /// Its prior workload.
        prior: u32,
    },
    /// Two visits share an id.
    #[error("visit {visit} appears more than once")]
    DuplicateVisit {
        /// The id.
        visit: String,
    },
    /// A visit with no department.
    #[error("visit {visit} has no department checking anything")]
    NoDepartment {
        /// The visit.
        visit: String,
    },
    /// A department listed twice in one visit.
    #[error("visit {visit}: department {department} is listed twice; merge its items")]
    DuplicateDepartment {
        /// The visit.
        visit: String,
        /// The department.
        department: DeptId,
    },
    /// A visit to a target without recusal facts (which would silently skip recusal).
    #[error("visit {visit}: no recusal facts for target {target}")]
    UnknownTarget {
        /// The visit.
        visit: String,
        /// The target.
        target: TargetId,
    },
    /// A list of the policy or of a target's facts names an inspector id that is not in the
    /// pool but looks like one that is (same confusable skeleton, `docs/SAMPLING.md` §10): the
    /// recusal (or cap) would silently not apply to the pool's inspector.
    #[error(
        "{list} names inspector {:?}, which is not in the pool but looks like pool inspector {:?} (they differ at {}): the rule would silently not apply; write the id as the pool does (docs/SAMPLING.md §10)",
        id.as_str(),
        pool_id.as_str(),
        crate::pool::lookalike::first_difference(id.as_str(), pool_id.as_str())
    )]
    LookAlikeInspector {
        /// Where the id is named: `conflicts`, `avoid_pairs`, `prior_workload`, or the last
        /// inspectors of a target.
        list: String,
        /// The id as the list names it.
        id: InspectorId,
        /// The pool's id it looks like.
        pool_id: InspectorId,
    },
    /// Not enough eligible candidates for a department's slots (or the experts' slots).
    #[error(
        "visit {visit}, {}: {eligible} eligible {}, {needed} needed; {refused}",
        match department { Some(d) => format!("department {d}"), None => "experts".to_owned() },
        match (department, eligible) { (Some(_), 1) => "inspector", (Some(_), _) => "inspectors", (None, 1) => "expert", (None, _) => "experts" }
    )]
    Shortage {
        /// The visit.
        visit: String,
        /// The department, or `None` for the expert slots.
        department: Option<DeptId>,
        /// Candidates that could be picked.
        eligible: u32,
        /// Slots to fill.
        needed: u32,
        /// The other candidates, by reason.
        refused: Refusals,
    },
}

const NO_REGION: u32 = u32::MAX;
/// The run of a department no officer of the pool belongs to.
const NO_RUN: u32 = u32::MAX;
const MARK_CONFLICT: u8 = 1;
const MARK_LAST: u8 = 2;
const MARK_AVOID: u8 = 3;

/// Matches inspectors to visits; see the module docs for the rules, the keys and the
/// tie-breaking.
///
/// `targets` must hold the recusal facts of every visited target (build them with
/// [`TargetFacts::of`]). Conflicts, avoidance pairs and last inspectors naming inspectors
/// outside the pool are ignored, since such inspectors cannot be drawn anyway, unless the id
/// looks like a pool inspector's ([`AssignError::LookAlikeInspector`]): then the rule would
/// silently miss the inspector it meant.
///
/// Cost: one pass over the visits and the facts in which every id is resolved to an index once
/// (visits listing their targets in id order, as a draw does, spare the hashing of the targets),
/// then for each visit a walk along the front of its departments' queues. The input order of the
/// visits never changes the result, only, a little, the time.
pub fn assign(
    pool: &FrozenInspectorPool,
    visits: &[Visit],
    targets: &BTreeMap<TargetId, TargetFacts>,
    policy: &MatchPolicy,
    seed: &Seed,
) -> Result<Assignment, AssignError> {
    if policy.min_team < LEGAL_MIN_TEAM {
        return Err(AssignError::TeamTooSmall {
            min_team: policy.min_team,
        });
    }
    // Workloads are counted in u32; a prior workload so large that this matching could carry
    // it past u32::MAX is refused rather than wrapped.
    let room = u32::try_from(visits.len()).unwrap_or(u32::MAX);
    if let Some((inspector, &prior)) = policy
        .prior_workload
        .iter()
        .find(|&(_, &w)| w > u32::MAX - room)
    {
        return Err(AssignError::WorkloadOverflow {
            inspector: inspector.clone(),
            prior,
        });
    }
    let m = match Matcher::new(pool, policy) {
        Ok(m) => m,
        Err(e) => {
            // The visits' own errors come first.
            canonical_visits(visits)?;
            return Err(e);
        }
    };
    let plan = m.plan(visits, targets)?;
    m.run(plan, visits, seed)
}

/// An inspector id a list names that is not in the pool: ignored, unless it looks like a pool
/// id ([`AssignError::LookAlikeInspector`]).
fn not_in_pool(
    skeletons: &PoolSkeletons<'_, InspectorId>,
    list: impl FnOnce() -> String,
    id: &InspectorId,
) -> Result<(), AssignError> {
    match skeletons.look_alike(id.as_str()) {
        Some(pool_id) => Err(AssignError::LookAlikeInspector {
            list: list(),
            id: id.clone(),
            pool_id: pool_id.clone(),
        }),
        None => Ok(()),
    }
}

/// The visits in canonical order, checked: the reference for the errors of bad visits, which the
/// fast path only detects.
fn canonical_visits(visits: &[Visit]) -> Result<Vec<&Visit>, AssignError> {
    let mut order: Vec<&Visit> = visits.iter().collect();
    order.sort_unstable_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let mut seen = HashSet::with_capacity(order.len());
    for v in &order {
        if !seen.insert(v.id.as_str()) {
            return Err(AssignError::DuplicateVisit {
                visit: v.id.clone(),
            });
        }
        if v.needs.is_empty() {
            return Err(AssignError::NoDepartment {
                visit: v.id.clone(),
            });
        }
        for (i, n) in v.needs.iter().enumerate() {
            if v.needs[..i].iter().any(|p| p.department == n.department) {
                return Err(AssignError::DuplicateDepartment {
                    visit: v.id.clone(),
                    department: n.department.clone(),
                });
            }
        }
    }
    Ok(order)
}

/// The pool rearranged for matching. Everything per inspector is indexed by *roster* index, so
/// that a department's inspectors are one run of consecutive indices.
struct Matcher<'a> {
    policy: &'a MatchPolicy,
    /// Canonical index of each roster index.
    canon: Vec<u32>,
    /// The id of each roster index.
    ids: Vec<&'a InspectorId>,
    /// What eligibility needs of each inspector, in roster order.
    facts: Vec<Facts>,
    /// The runs of the roster (start, len): one per department, then the experts' (last).
    runs: Vec<(u32, u32)>,
    /// The run of each roster index.
    run_of: Vec<u32>,
    /// The departments, interned: a department's index is its run.
    departments: Interner<'a>,
    /// The department of each officers' run (an officer's id, shared).
    run_dept: Vec<&'a DeptId>,
    regions: Interner<'a>,
    /// Items named in restricted scopes, interned; a scoped officer's items as sorted ids.
    items: Interner<'a>,
    scopes: Vec<Vec<u32>>,
    /// Inspector ids, interned in canonical order, and the roster index of each.
    by_id: Interner<'a>,
    roster_pos: Vec<u32>,
    avoid: Vec<Vec<u32>>,
    /// Visits before this matching, by roster index.
    prior: Vec<u32>,
    /// The pool's ids by skeleton, for ids that lists name outside the pool.
    skeletons: PoolSkeletons<'a, InspectorId>,
}

/// The dense copy of an inspector's eligibility fields.
#[derive(Clone, Copy)]
struct Facts {
    /// Last day (days from CE) the certificate is valid: `i32::MIN` without a certificate,
    /// `i32::MAX` without expiry (and for experts, who need no certificate).
    until: i32,
    region: u32,
    /// The item scope is restricted (see `scopes`).
    scoped: bool,
    active: bool,
}

/// An item no scoped officer may check.
const NO_ITEM: u32 = u32::MAX;

/// The visits of one matching resolved to dense indices, in input order, with their canonical
/// order and the recusal marks of each visited target.
struct Plan {
    /// Copies of the visits' ids, by input index, moved into the teams.
    names: Vec<String>,
    /// The visits in canonical order (date, then id).
    canon: Vec<CanonVisit>,
    /// Every need of every visit: (run or [`NO_RUN`], start and end of its items in `items`).
    needs: Vec<(u32, u32, u32)>,
    items: Vec<u32>,
    /// Roster indices recused at a target's visits, with the reason: conflicts, then last
    /// inspectors.
    marks: Vec<(u32, u8)>,
}

/// A visit as the matching needs it.
#[derive(Clone, Copy)]
struct CanonVisit {
    /// Its index in the input.
    input: u32,
    day: i32,
    /// Start and end of its needs in [`Plan::needs`].
    needs: (u32, u32),
    /// The target's region ([`NO_REGION`] when same-region recusal does not apply), and start
    /// and end of its marks in [`Plan::marks`]; `None` without facts.
    facts: Option<(u32, u32, u32)>,
}

#[derive(Clone, Copy)]
struct PlannedVisit {
    day: i32,
    target: u32,
    /// Start and end of its needs in [`Plan::needs`].
    needs: (u32, u32),
}

impl<'a> Matcher<'a> {
    fn new(
        pool: &'a FrozenInspectorPool,
        policy: &'a MatchPolicy,
    ) -> Result<Matcher<'a>, AssignError> {
        let entries = pool.entries();
        let n = entries.len();
        let mut canon: Vec<u32> = (0..n as u32).collect();
        // Stable, so each run keeps canonical (id) order: comparing roster indices within a run
        // is comparing canonical indices, as the tie-break rule says.
        canon.sort_by(|&a, &b| {
            let (x, y) = (&entries[a as usize], &entries[b as usize]);
            (x.expert, &x.department).cmp(&(y.expert, &y.department))
        });
        let mut roster_pos = vec![0u32; n];
        for (r, &i) in canon.iter().enumerate() {
            roster_pos[i as usize] = r as u32;
        }
        let mut departments = Interner::with_capacity(16);
        let mut run_dept = Vec::new();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        let mut run_of = Vec::with_capacity(n);
        let mut regions = Interner::with_capacity(16);
        let mut items = Interner::with_capacity(16);
        let mut scopes = vec![Vec::new(); n];
        let mut facts = Vec::with_capacity(n);
        let mut expert_start = n as u32;
        for (r, &i) in canon.iter().enumerate() {
            let e = &entries[i as usize];
            if e.expert {
                expert_start = expert_start.min(r as u32);
            } else {
                let (run, new) = departments.insert(e.department.as_str());
                if new {
                    runs.push((r as u32, 0));
                    run_dept.push(&e.department);
                }
                runs[run as usize].1 += 1;
                run_of.push(run);
            }
            let until = if e.expert {
                i32::MAX
            } else if e.certificate.is_empty() {
                i32::MIN
            } else {
                e.certificate_expiry
                    .map_or(i32::MAX, |d| d.num_days_from_ce())
            };
            let scoped = !e.expert && !e.items.is_empty();
            if scoped {
                let mut ids: Vec<u32> = e
                    .items
                    .iter()
                    .map(|it| items.insert(it.as_str()).0)
                    .collect();
                ids.sort_unstable();
                scopes[r] = ids;
            }
            let region = match e.region.is_empty() {
                true => NO_REGION,
                false => regions.insert(e.region.as_str()).0,
            };
            facts.push(Facts {
                until,
                region,
                scoped,
                active: e.active,
            });
        }
        let experts_run = runs.len() as u32;
        runs.push((expert_start, n as u32 - expert_start));
        run_of.resize(n, experts_run);
        let mut by_id = Interner::with_capacity(n);
        for id in pool.ids() {
            by_id.insert(id.as_str());
        }
        let roster = |id: &InspectorId| by_id.get(id.as_str()).map(|i| roster_pos[i as usize]);
        let mut avoid = vec![Vec::new(); n];
        for (a, b) in &policy.avoid_pairs {
            if a == b {
                return Err(AssignError::SelfAvoidance {
                    inspector: a.clone(),
                });
            }
            if let (Some(i), Some(j)) = (roster(a), roster(b)) {
                avoid[i as usize].push(j);
                avoid[j as usize].push(i);
            }
        }
        let mut prior = vec![0u32; n];
        for (id, &w) in &policy.prior_workload {
            if let Some(r) = roster(id) {
                prior[r as usize] = w;
            }
        }
        let ids = canon.iter().map(|&i| &pool.ids()[i as usize]).collect();
        // An id outside the pool is ignored, unless it looks like a pool id: then the rule
        // meant that inspector.
        let skeletons = PoolSkeletons::new(pool.ids());
        let named = policy
            .conflicts
            .iter()
            .map(|c| ("conflicts", &c.inspector))
            .chain(
                (policy.avoid_pairs.iter())
                    .flat_map(|(a, b)| [("avoid_pairs", a), ("avoid_pairs", b)]),
            )
            .chain(
                policy
                    .prior_workload
                    .keys()
                    .map(|id| ("prior_workload", id)),
            );
        for (list, id) in named {
            if by_id.get(id.as_str()).is_none() {
                not_in_pool(&skeletons, || list.to_owned(), id)?;
            }
        }
        Ok(Matcher {
            policy,
            canon,
            ids,
            facts,
            runs,
            run_of,
            departments,
            run_dept,
            regions,
            items,
            scopes,
            by_id,
            roster_pos,
            avoid,
            prior,
            skeletons,
        })
    }

    fn roster(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).map(|i| self.roster_pos[i as usize])
    }

    /// Resolves the visits and their targets' facts to dense indices, in one pass over them in
    /// input order, and puts the visits in canonical order. Bad visits are reported by
    /// [`canonical_visits`], as the first bad one in canonical order.
    fn plan(
        &self,
        visits: &'a [Visit],
        targets: &BTreeMap<TargetId, TargetFacts>,
    ) -> Result<Plan, AssignError> {
        let mut hashes = Vec::with_capacity(visits.len());
        let mut names = Vec::with_capacity(visits.len());
        // Visits usually list their targets in id order (as a draw does): then the distinct
        // targets are had by comparing neighbours, without hashing.
        let mut distinct: Vec<&'a str> = Vec::new();
        let mut sorted = true;
        let mut planned = Vec::with_capacity(visits.len());
        let mut needs = Vec::with_capacity(visits.len() * 2);
        let mut items = Vec::with_capacity(visits.len() * 2);
        let mut bad = false;
        for v in visits {
            bad |= v.needs.is_empty();
            hashes.push(index::hash(&v.id));
            // The team's copy of the id, made while the visit is at hand.
            names.push(v.id.clone());
            let start = needs.len() as u32;
            for (i, need) in v.needs.iter().enumerate() {
                bad |= v.needs[..i].iter().any(|p| p.department == need.department);
                let run = self
                    .departments
                    .get(need.department.as_str())
                    .unwrap_or(NO_RUN);
                let first = items.len() as u32;
                items.extend(
                    need.items
                        .iter()
                        .map(|it| self.items.get(it.as_str()).unwrap_or(NO_ITEM)),
                );
                needs.push((run, first, items.len() as u32));
            }
            let t = v.target.as_str();
            let target = match distinct.last().map(|&p| p.cmp(t)) {
                _ if !sorted => 0,
                Some(Ordering::Equal) => distinct.len() as u32 - 1,
                Some(Ordering::Greater) => {
                    sorted = false;
                    0
                }
                _ => {
                    distinct.push(t);
                    distinct.len() as u32 - 1
                }
            };
            planned.push(PlannedVisit {
                day: v.date.num_days_from_ce(),
                target,
                needs: (start, needs.len() as u32),
            });
        }
        // Equal ids have equal hashes: sorted, they are neighbours (a collision of distinct
        // ids only sends us to the exact check).
        hashes.sort_unstable();
        bad |= hashes.windows(2).any(|w| w[0] == w[1]);
        drop(hashes);
        if bad {
            canonical_visits(visits)?;
        }
        let tids = if sorted {
            Targets::Sorted(distinct)
        } else {
            drop(distinct);
            let mut tids = Interner::with_capacity(visits.len());
            for (p, v) in planned.iter_mut().zip(visits) {
                p.target = tids.insert(v.target.as_str()).0;
            }
            Targets::Hashed(tids)
        };
        let order = canonical_order(visits, &planned);

        // The facts of each visited target, looked up from whichever side is smaller.
        let mut facts: Vec<Option<&TargetFacts>> = vec![None; tids.len()];
        let keys = tids.keys();
        let ascending = match &tids {
            Targets::Sorted(_) => true,
            Targets::Hashed(_) => keys.windows(2).all(|w| w[0] < w[1]),
        };
        if targets.len() <= 4 * tids.len() && ascending {
            // Targets visited in id order (as a draw lists them): a merge of two sorted lists.
            let mut t = 0;
            for (id, f) in targets {
                while t < keys.len() && keys[t] < id.as_str() {
                    t += 1;
                }
                if t == keys.len() {
                    break;
                }
                if keys[t] == id.as_str() {
                    facts[t] = Some(f);
                    t += 1;
                }
            }
        } else if targets.len() <= 4 * tids.len() {
            for (id, f) in targets {
                if let Some(t) = tids.get(id.as_str()) {
                    facts[t as usize] = Some(f);
                }
            }
        } else {
            for (slot, id) in facts.iter_mut().zip(tids.keys()) {
                *slot = targets.get(*id);
            }
        }
        // (visited target, roster index) of each conflict, in declaration order.
        let declared = &self.policy.conflicts;
        let mut conflicts: Vec<(u32, u32)> = match &tids {
            Targets::Sorted(keys) if declared.len() * 64 >= keys.len() => {
                // Many conflicts: intern their targets, then look every visited target up
                // among them (a binary search over the visited ones would miss the cache at
                // every step).
                let mut named = Interner::with_capacity(declared.len());
                let by_named: Vec<(u32, u32)> = declared
                    .iter()
                    .filter_map(|c| {
                        let r = self.roster(c.inspector.as_str())?;
                        Some((named.insert(c.target.as_str()).0, r))
                    })
                    .collect();
                let mut visited = vec![u32::MAX; named.keys().len()];
                for (t, key) in keys.iter().enumerate() {
                    if let Some(c) = named.get(key) {
                        visited[c as usize] = t as u32;
                    }
                }
                by_named
                    .into_iter()
                    .map(|(c, r)| (visited[c as usize], r))
                    .filter(|&(t, _)| t != u32::MAX)
                    .collect()
            }
            _ => declared
                .iter()
                .filter_map(|c| {
                    Some((
                        tids.get(c.target.as_str())?,
                        self.roster(c.inspector.as_str())?,
                    ))
                })
                .collect(),
        };
        conflicts.sort_by_key(|&(t, _)| t);
        let mut conflicts = conflicts.into_iter().peekable();
        let mut marks = Vec::new();
        let mut resolved = Vec::with_capacity(tids.len());
        for (t, f) in facts.iter().enumerate() {
            let start = marks.len() as u32;
            while let Some((_, r)) = conflicts.next_if(|&(ct, _)| ct == t as u32) {
                marks.push((r, MARK_CONFLICT));
            }
            let Some(f) = f else {
                resolved.push(None);
                continue;
            };
            if self.policy.last_inspector_recusal {
                for id in &f.last_inspectors {
                    match self.roster(id.as_str()) {
                        Some(r) => marks.push((r, MARK_LAST)),
                        None => not_in_pool(
                            &self.skeletons,
                            || format!("the last inspectors of target {}", keys[t]),
                            id,
                        )?,
                    }
                }
            }
            let region = match self.policy.same_region_recusal {
                true if !f.region.is_empty() => self.regions.get(&f.region).unwrap_or(NO_REGION),
                _ => NO_REGION,
            };
            resolved.push(Some((region, start, marks.len() as u32)));
        }
        // The visits in canonical order, with all the matching needs of each at hand.
        let canon = order
            .iter()
            .map(|&i| {
                let p = planned[i as usize];
                CanonVisit {
                    input: i,
                    day: p.day,
                    needs: p.needs,
                    facts: resolved[p.target as usize],
                }
            })
            .collect();
        Ok(Plan {
            names,
            canon,
            needs,
            items,
            marks,
        })
    }

    fn run(
        &self,
        mut plan: Plan,
        visits: &[Visit],
        seed: &Seed,
    ) -> Result<Assignment, AssignError> {
        let n = self.ids.len();
        let workload = self.prior.clone();
        // Inactive inspectors never leave that state within a matching: never queued.
        let gone: Vec<bool> = self.facts.iter().map(|f| !f.active).collect();
        let queues: Vec<Queue> = self
            .runs
            .iter()
            .map(|&(start, len)| {
                let mut ws: Vec<u32> = (start..start + len)
                    .filter(|&r| !gone[r as usize])
                    .map(|r| workload[r as usize])
                    .collect();
                ws.sort_unstable();
                let mut rounds: Vec<(u32, Level)> = Vec::new();
                for w in ws {
                    match rounds.last_mut() {
                        Some((l, level)) if *l == w => level.count += 1,
                        _ => rounds.push((w, Level::new(1))),
                    }
                }
                Queue { rounds }
            })
            .collect();
        let mut st = State {
            workload,
            gone,
            stamp: vec![0; n],
            mark: vec![0; n],
            queues,
            seed: *seed,
            scratch: Vec::new(),
        };
        // The picks of every visit, in canonical order: (end in `picks`, officers among them).
        let mut picks: Vec<u32> = Vec::with_capacity(plan.canon.len() * 3);
        let mut teams: Vec<(u32, u32)> = Vec::with_capacity(plan.canon.len());
        for (k, v) in plan.canon.iter().enumerate() {
            let officers = self.visit(k as u32 + 1, &plan, v, visits, &mut picks, &mut st)?;
            teams.push((picks.len() as u32, officers));
        }
        let mut out = Vec::with_capacity(teams.len());
        let mut start = 0;
        for (v, &(end, officers)) in plan.canon.iter().zip(&teams) {
            let (mine, experts) = picks[start..end as usize].split_at(officers as usize);
            start = end as usize;
            let members: Vec<(InspectorId, DeptId)> = mine
                .iter()
                .map(|&r| {
                    let dept = self.run_dept[self.run_of[r as usize] as usize];
                    (self.ids[r as usize].clone(), dept.clone())
                })
                .collect();
            out.push(Team {
                visit: std::mem::take(&mut plan.names[v.input as usize]),
                leader: members[0].0.clone(),
                members,
                experts: experts
                    .iter()
                    .map(|&r| self.ids[r as usize].clone())
                    .collect(),
            });
        }
        let mut workload: Vec<(u32, u32)> = (0..n as u32)
            .filter(|&r| st.workload[r as usize] > 0)
            .map(|r| (r, st.workload[r as usize]))
            .collect();
        // By id, which is canonical order: the tree is then built from sorted entries.
        workload.sort_unstable_by_key(|&(r, _)| self.canon[r as usize]);
        let workload = workload
            .into_iter()
            .map(|(r, w)| (self.ids[r as usize].clone(), w))
            .collect();
        Ok(Assignment {
            visits: out,
            workload,
        })
    }

    /// Staffs the visit of input index `i`, appending its picks (officers, then experts) to
    /// `picks`; returns the number of officers. `stamp` is unique per visit (its canonical
    /// index + 1), so that marks of earlier visits need no clearing.
    fn visit(
        &self,
        stamp: u32,
        plan: &Plan,
        v: &CanonVisit,
        visits: &[Visit],
        picks: &mut Vec<u32>,
        st: &mut State,
    ) -> Result<u32, AssignError> {
        let i = v.input;
        let Some((region, m0, m1)) = v.facts else {
            let visit = &visits[i as usize];
            return Err(AssignError::UnknownTarget {
                visit: visit.id.clone(),
                target: visit.target.clone(),
            });
        };
        for &(r, why) in &plan.marks[m0 as usize..m1 as usize] {
            let r = r as usize;
            if st.stamp[r] != stamp {
                st.stamp[r] = stamp;
                st.mark[r] = why;
            }
        }
        let ctx = Slot {
            stamp,
            region,
            day: v.day,
        };
        let needs = &plan.needs[v.needs.0 as usize..v.needs.1 as usize];
        let deps = needs.len() as u32;
        let extra = self.policy.min_team.saturating_sub(deps);
        let before = picks.len();
        for (d, &(run, i0, i1)) in needs.iter().enumerate() {
            let slots = 1 + extra / deps + u32::from((d as u32) < extra % deps);
            let need = &plan.items[i0 as usize..i1 as usize];
            let run = (run != NO_RUN).then_some(run);
            self.fill(&ctx, run, need, slots, picks, st)
                .map_err(|(eligible, refused)| {
                    let visit = &visits[i as usize];
                    AssignError::Shortage {
                        visit: visit.id.clone(),
                        department: Some(visit.needs[d].department.clone()),
                        eligible,
                        needed: slots,
                        refused,
                    }
                })?;
        }
        let officers = (picks.len() - before) as u32;
        let experts = Some(self.runs.len() as u32 - 1);
        self.fill(&ctx, experts, &[], self.policy.experts, picks, st)
            .map_err(|(eligible, refused)| AssignError::Shortage {
                visit: visits[i as usize].id.clone(),
                department: None,
                eligible,
                needed: self.policy.experts,
                refused,
            })?;
        // Only a complete team counts: each pick moves to its next round (and so to its key
        // of that round). Its entry in the old round's order is dropped when next walked over.
        for &r in &picks[before..] {
            let ri = r as usize;
            let q = &mut st.queues[self.run_of[ri] as usize];
            let w = st.workload[ri];
            st.workload[ri] = w + 1;
            let i = q.rounds.partition_point(|&(l, _)| l < w);
            if let Some((_, level)) = q.rounds.get_mut(i) {
                level.count -= 1;
            }
            match q.rounds.get_mut(i + 1) {
                Some((l, level)) if *l == w + 1 => level.count += 1,
                _ => q.rounds.insert(i + 1, (w + 1, Level::new(1))),
            }
        }
        Ok(officers)
    }

    /// Fills `slots` picks from a run's queue, in (workload, key, index) order; on shortage
    /// returns (eligible, refusals), counted by [`Matcher::shortfall`].
    fn fill(
        &self,
        ctx: &Slot,
        run: Option<u32>,
        need: &[u32],
        slots: u32,
        picks: &mut Vec<u32>,
        st: &mut State,
    ) -> Result<(), (u32, Refusals)> {
        let Some(run) = run else {
            return if slots == 0 {
                Ok(())
            } else {
                Err((0, Refusals::default()))
            };
        };
        let cap = self.policy.max_visits_per_inspector.unwrap_or(u32::MAX);
        let before = picks.len();
        let full = |picks: &Vec<u32>| picks.len() - before == slots as usize;
        let (start, len) = self.runs[run as usize];
        let State {
            queues,
            workload,
            gone,
            stamp,
            mark,
            seed,
            scratch,
        } = st;
        let q = &mut queues[run as usize];
        // Nobody enters the lowest round again once it is empty (workloads only grow).
        let empty = q.rounds.iter().take_while(|(_, l)| l.count == 0).count();
        q.rounds.drain(..empty);
        // The queue is by workload first: walk the rounds up from the lowest, below the cap.
        for &mut (w_level, ref mut level) in &mut q.rounds {
            if full(picks) || w_level >= cap {
                break;
            }
            if level.count == 0 {
                continue;
            }
            let round = level.round.get_or_insert_with(|| {
                Round::new(
                    seed,
                    self.ids.len(),
                    w_level,
                    (start, len),
                    workload,
                    gone,
                    scratch,
                )
            });
            let mut i = round.find(0);
            while i < round.order.len() {
                let r = round.order[i] as usize;
                let w = workload[r];
                if gone[r] || w > w_level {
                    // Left this round for good.
                    i = round.remove(i);
                    continue;
                }
                if w < w_level {
                    i = round.find(i + 1); // not yet in this round
                    continue;
                }
                let f = &self.facts[r];
                if ctx.day > f.until {
                    // Visits come in date order, so an expired certificate stays expired.
                    gone[r] = true;
                    level.count -= 1;
                    i = round.remove(i);
                    continue;
                }
                i = round.find(i + 1);
                if (f.scoped && !self.covers(r, need))
                    || (f.region == ctx.region && ctx.region != NO_REGION)
                    || stamp[r] == ctx.stamp
                {
                    continue;
                }
                picks.push(r as u32);
                // A pick is stamped like an avoided inspector (never counted as refused),
                // and their avoidance partners are marked for the rest of the visit.
                stamp[r] = ctx.stamp;
                mark[r] = MARK_AVOID;
                for &j in &self.avoid[r] {
                    if stamp[j as usize] != ctx.stamp {
                        stamp[j as usize] = ctx.stamp;
                        mark[j as usize] = MARK_AVOID;
                    }
                }
                if full(picks) {
                    break;
                }
            }
        }
        if picks.len() - before == slots as usize {
            return Ok(());
        }
        Err(self.shortfall(ctx, run, need, &picks[before..], st))
    }

    /// Counts a run's candidates by first refusal reason (the slow path, only on failure).
    fn shortfall(
        &self,
        ctx: &Slot,
        run: u32,
        need: &[u32],
        made: &[u32],
        st: &State,
    ) -> (u32, Refusals) {
        let cap = self.policy.max_visits_per_inspector.unwrap_or(u32::MAX);
        let (start, len) = self.runs[run as usize];
        let mut refused = Refusals::default();
        let mut eligible = made.len() as u32;
        for r in start..start + len {
            let (ri, f) = (r as usize, &self.facts[r as usize]);
            let count = if !f.active {
                &mut refused.inactive
            } else if ctx.day > f.until {
                &mut refused.certificate
            } else if f.scoped && !self.covers(ri, need) {
                &mut refused.scope
            } else if f.region == ctx.region && ctx.region != NO_REGION {
                &mut refused.same_region
            } else if made.contains(&r) {
                continue;
            } else if st.stamp[ri] == ctx.stamp {
                match st.mark[ri] {
                    MARK_CONFLICT => &mut refused.conflict,
                    MARK_LAST => &mut refused.last_inspector,
                    _ => &mut refused.avoidance,
                }
            } else if st.workload[ri] >= cap {
                &mut refused.workload_cap
            } else {
                &mut eligible
            };
            *count += 1;
        }
        (eligible, refused)
    }

    /// Whether a scoped officer may check every needed item (interned ids).
    fn covers(&self, r: usize, need: &[u32]) -> bool {
        need.iter()
            .all(|&it| it != NO_ITEM && self.scopes[r].binary_search(&it).is_ok())
    }
}

/// The canonical order (date, then id) of the visits, as input indices. Sorts packed keys of
/// (day, eight bytes of the id after the prefix all ids share, index), then orders the rare
/// runs of equal (day, eight bytes) by the whole id.
fn canonical_order(visits: &[Visit], planned: &[PlannedVisit]) -> Vec<u32> {
    let Some(first) = visits.first() else {
        return Vec::new();
    };
    let first = first.id.as_bytes();
    let shared = visits.iter().fold(first.len(), |l, v| {
        let id = v.id.as_bytes();
        first[..l]
            .iter()
            .zip(id)
            .take_while(|(a, b)| a == b)
            .count()
    });
    let key = |i: usize, v: &Visit, p: &PlannedVisit| {
        let rest = &v.id.as_bytes()[shared..];
        let mut w = [0u8; 8];
        let k = rest.len().min(8);
        w[..k].copy_from_slice(&rest[..k]);
        // Zero padding keeps the byte order: a prefix sorts before its extensions.
        let day = (i64::from(p.day) - i64::from(i32::MIN)) as u32;
        (u128::from(day) << 96) | (u128::from(u64::from_be_bytes(w)) << 32) | i as u128
    };
    let lo = planned.iter().map(|p| p.day).min().unwrap_or(0);
    let hi = planned.iter().map(|p| p.day).max().unwrap_or(0);
    let span = (i64::from(hi) - i64::from(lo)) as usize + 1;
    let keys = if span <= 4 * visits.len() + 1024 {
        // Bucketed by day first (a counting sort), then each day's few visits sorted.
        let mut start = vec![0usize; span + 1];
        for p in planned {
            start[(p.day - lo) as usize + 1] += 1;
        }
        for d in 0..span {
            start[d + 1] += start[d];
        }
        let mut fill = start.clone();
        let mut keys = vec![0u128; visits.len()];
        for (i, (v, p)) in visits.iter().zip(planned).enumerate() {
            let d = (p.day - lo) as usize;
            keys[fill[d]] = key(i, v, p);
            fill[d] += 1;
        }
        for d in 0..span {
            keys[start[d]..start[d + 1]].sort_unstable();
        }
        keys
    } else {
        let mut keys: Vec<u128> = visits
            .iter()
            .zip(planned)
            .enumerate()
            .map(|(i, (v, p))| key(i, v, p))
            .collect();
        keys.sort_unstable();
        keys
    };
    let mut order: Vec<u32> = keys.iter().map(|&k| k as u32).collect();
    let mut a = 0;
    while a < keys.len() {
        let mut b = a + 1;
        while b < keys.len() && keys[b] >> 32 == keys[a] >> 32 {
            b += 1;
        }
        if b - a > 1 {
            order[a..b]
                .sort_unstable_by(|&x, &y| visits[x as usize].id.cmp(&visits[y as usize].id));
        }
        a = b;
    }
    order
}

/// The distinct targets of the visits, indexed.
enum Targets<'a> {
    /// In ascending order (the visits listed them so).
    Sorted(Vec<&'a str>),
    /// In order of first appearance.
    Hashed(Interner<'a>),
}

impl Targets<'_> {
    fn keys(&self) -> &[&str] {
        match self {
            Targets::Sorted(keys) => keys,
            Targets::Hashed(t) => t.keys(),
        }
    }

    fn len(&self) -> usize {
        self.keys().len()
    }

    fn get(&self, id: &str) -> Option<u32> {
        match self {
            Targets::Sorted(keys) => keys.binary_search(&id).ok().map(|i| i as u32),
            Targets::Hashed(t) => t.get(id),
        }
    }
}

/// What every slot of one visit shares.
struct Slot {
    stamp: u32,
    /// The target's region id, or [`NO_REGION`] when same-region recusal does not apply.
    region: u32,
    day: i32,
}

/// Running totals and scratch, indexed by roster index.
struct State {
    workload: Vec<u32>,
    /// Never to be picked again in this matching: inactive, or certificate expired.
    gone: Vec<bool>,
    stamp: Vec<u32>,
    mark: Vec<u8>,
    /// Per run, its queue.
    queues: Vec<Queue>,
    seed: Seed,
    scratch: Vec<u64>,
}

/// The queue of a run: its inspectors by (visits so far, key of that round, roster index).
///
/// Since an inspector's key in round `w` is fixed by `w` and its roster index, each round's order
/// of the whole run is computed once (when the round is first walked), and the queue is walked
/// round by round in those orders, skipping who is not in that round. A pick moves on by its
/// workload alone; entries that left a round are unlinked when next walked over.
struct Queue {
    /// The rounds with queued inspectors (and some emptied ones), by workload: a short sorted
    /// list rather than one slot per workload, since prior workloads may be far apart.
    rounds: Vec<(u32, Level)>,
}

/// One round of a run's queue.
struct Level {
    /// Queued (active, unexpired) inspectors in this round.
    count: u32,
    /// The round's order, made when first walked.
    round: Option<Round>,
}

impl Level {
    fn new(count: u32) -> Level {
        Level { count, round: None }
    }
}

/// One round's order of a run.
struct Round {
    /// Roster indices by (key, index).
    order: Vec<u32>,
    /// `next[i]` leads (by path halving) to the first entry at or after `i` not yet unlinked;
    /// `next[i] == i` for linked entries, and the end is `order.len()`.
    next: Vec<u32>,
}

impl Round {
    fn new(
        seed: &Seed,
        pool: usize,
        w: u32,
        (start, len): (u32, u32),
        workload: &[u32],
        gone: &[bool],
        keys: &mut Vec<u64>,
    ) -> Round {
        keys.clear();
        keys.resize(len as usize, 0);
        // Keystream positions w·N + r for the run's roster indices r: one stretch.
        let first = u64::from(w) * pool as u64 + u64::from(start);
        entity_keys(seed, ASSIGN_STREAM, first, keys);
        let mut sorted: Vec<u128> = keys
            .iter()
            .zip(start..)
            .map(|(&k, r)| (u128::from(k) << 32) | u128::from(r))
            .collect();
        sorted.sort_unstable();
        let order: Vec<u32> = sorted.iter().map(|&e| e as u32).collect();
        let mut next: Vec<u32> = (0..=len).collect();
        for (i, &r) in order.iter().enumerate().rev() {
            let r = r as usize;
            if gone[r] || workload[r] > w {
                next[i] = next[i + 1];
            }
        }
        Round { order, next }
    }

    /// The first linked entry at or after `i`.
    fn find(&mut self, mut i: usize) -> usize {
        while self.next[i] as usize != i {
            let j = self.next[i] as usize;
            self.next[i] = self.next[j];
            i = j;
        }
        i
    }

    /// Unlinks entry `i`; the first linked entry after it.
    fn remove(&mut self, i: usize) -> usize {
        let j = self.find(i + 1);
        self.next[i] = j as u32;
        j
    }
}
