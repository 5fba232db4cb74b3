//! The matching as first written (before the dense-index rewrite), kept for tests only: the
//! rewrite must give the very same teams, workloads and errors (they are audit data), and the
//! property tests compare the two on random cases.

use super::{
    ASSIGN_STREAM, AssignError, Assignment, LEGAL_MIN_TEAM, MatchPolicy, Refusals, TargetFacts,
    Team, Visit,
};
use crate::ids::{DeptId, InspectorId, ItemId, TargetId};
use crate::inspector::FrozenInspectorPool;
use crate::keys::{entity_key, entity_keys};
use crate::seed::Seed;
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const NO_REGION: u32 = u32::MAX;
const MARK_CONFLICT: u8 = 1;
const MARK_LAST: u8 = 2;
const MARK_AVOID: u8 = 3;

/// Matches inspectors to visits; see the module docs for the rules, the keys and the
/// tie-breaking.
///
/// `targets` must hold the recusal facts of every visited target (build them with
/// [`TargetFacts::of`]). Conflicts, avoidance pairs and last inspectors naming inspectors
/// outside the pool are ignored, since such inspectors cannot be drawn anyway.
pub(super) fn assign(
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
    let order = canonical_visits(visits)?;
    let m = Matcher::new(pool, policy)?;
    m.run(&order, targets, seed)
}

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
    pool: &'a FrozenInspectorPool,
    policy: &'a MatchPolicy,
    /// Canonical index of each roster index.
    canon: Vec<u32>,
    /// What eligibility needs of each inspector, in roster order.
    facts: Vec<Facts>,
    /// The runs of the roster (start, len): one per department, then the experts' (last).
    runs: Vec<(u32, u32)>,
    /// The run of each roster index.
    run_of: Vec<u32>,
    /// The run of each department.
    departments: HashMap<&'a DeptId, u32>,
    regions: HashMap<&'a str, u32>,
    /// Items named in restricted scopes, interned; a scoped officer's items as sorted ids.
    items: HashMap<&'a ItemId, u32>,
    scopes: Vec<Vec<u32>>,
    conflicts: HashMap<&'a TargetId, Vec<u32>>,
    avoid: Vec<Vec<u32>>,
    /// Roster index by id: last inspectors are looked up per visit, and hashing an id is
    /// cheaper than a binary search over 10⁴ ids that misses the cache at every step.
    by_id: HashMap<&'a InspectorId, u32>,
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
        let mut departments: HashMap<&DeptId, u32> = HashMap::new();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        let mut run_of = Vec::with_capacity(n);
        let mut regions = HashMap::new();
        let mut items = HashMap::new();
        let mut scopes = vec![Vec::new(); n];
        let mut facts = Vec::with_capacity(n);
        let mut expert_start = n as u32;
        for (r, &i) in canon.iter().enumerate() {
            let e = &entries[i as usize];
            if e.expert {
                expert_start = expert_start.min(r as u32);
            } else {
                let next = runs.len() as u32;
                let run = *departments.entry(&e.department).or_insert(next);
                if run == next {
                    runs.push((r as u32, 0));
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
                    .map(|it| {
                        let next = items.len() as u32;
                        *items.entry(it).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                scopes[r] = ids;
            }
            facts.push(Facts {
                until,
                region: intern(&mut regions, &e.region),
                scoped,
                active: e.active,
            });
        }
        let experts_run = runs.len() as u32;
        runs.push((expert_start, n as u32 - expert_start));
        run_of.resize(n, experts_run);
        let mut conflicts: HashMap<&TargetId, Vec<u32>> = HashMap::new();
        for c in &policy.conflicts {
            if let Some(i) = pool.position(&c.inspector) {
                conflicts.entry(&c.target).or_default().push(roster_pos[i]);
            }
        }
        let mut avoid = vec![Vec::new(); n];
        for (a, b) in &policy.avoid_pairs {
            if a == b {
                return Err(AssignError::SelfAvoidance {
                    inspector: a.clone(),
                });
            }
            if let (Some(i), Some(j)) = (pool.position(a), pool.position(b)) {
                let (i, j) = (roster_pos[i], roster_pos[j]);
                avoid[i as usize].push(j);
                avoid[j as usize].push(i);
            }
        }
        let by_id = entries
            .iter()
            .zip(&roster_pos)
            .map(|(e, &r)| (&e.id, r))
            .collect();
        Ok(Matcher {
            by_id,
            pool,
            policy,
            canon,
            facts,
            runs,
            run_of,
            departments,
            regions,
            items,
            scopes,
            conflicts,
            avoid,
        })
    }

    fn id(&self, r: u32) -> &'a InspectorId {
        &self.pool.entries()[self.canon[r as usize] as usize].id
    }

    fn run(
        &self,
        order: &[&Visit],
        targets: &BTreeMap<TargetId, TargetFacts>,
        seed: &Seed,
    ) -> Result<Assignment, AssignError> {
        let n = self.pool.len();
        // Round 0 keys are positions 0..N: one pass of the keystream. An inspector with prior
        // visits starts at that round instead, with that round's key.
        let mut key = vec![0u64; n];
        entity_keys(seed, ASSIGN_STREAM, 0, &mut key);
        let workload: Vec<u32> = (0..n)
            .map(|r| {
                self.policy
                    .prior_workload
                    .get(self.id(r as u32))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        let mut queues = vec![BTreeSet::new(); self.runs.len()];
        for r in 0..n {
            if workload[r] > 0 {
                let position = u64::from(workload[r]) * n as u64 + r as u64;
                key[r] = entity_key(seed, ASSIGN_STREAM, position);
            }
            // Inactive inspectors never leave that state within a matching: never queued.
            if self.facts[r].active {
                queues[self.run_of[r] as usize].insert(entry(workload[r], key[r], r as u32));
            }
        }
        let mut st = State {
            workload,
            key,
            stamp: vec![0; n],
            mark: vec![0; n],
            queues,
            gone: Vec::new(),
            need: Vec::new(),
        };
        // A hash index of the facts when it costs no more than the visits' own look-ups: a
        // tree look-up compares ~17 ids, each a likely cache miss.
        let hashed: Option<HashMap<&TargetId, &TargetFacts>> =
            (targets.len() <= 4 * order.len()).then(|| targets.iter().collect());
        let mut teams = Vec::with_capacity(order.len());
        for (v, visit) in order.iter().enumerate() {
            let facts = match &hashed {
                Some(h) => h.get(&visit.target).copied(),
                None => targets.get(&visit.target),
            };
            let facts = facts.ok_or_else(|| AssignError::UnknownTarget {
                visit: visit.id.clone(),
                target: visit.target.clone(),
            })?;
            teams.push(self.visit(v as u32 + 1, visit, facts, seed, &mut st)?);
        }
        let workload = st
            .workload
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w > 0)
            .map(|(r, &w)| (self.id(r as u32).clone(), w))
            .collect();
        Ok(Assignment {
            visits: teams,
            workload,
        })
    }

    /// Staffs one visit; `stamp` is unique per visit (its canonical index + 1), so that marks
    /// of earlier visits need no clearing.
    fn visit(
        &self,
        stamp: u32,
        visit: &Visit,
        facts: &TargetFacts,
        seed: &Seed,
        st: &mut State,
    ) -> Result<Team, AssignError> {
        let mark = |st: &mut State, r: u32, why: u8| {
            let r = r as usize;
            if st.stamp[r] != stamp {
                st.stamp[r] = stamp;
                st.mark[r] = why;
            }
        };
        for &r in self.conflicts.get(&visit.target).into_iter().flatten() {
            mark(st, r, MARK_CONFLICT);
        }
        if self.policy.last_inspector_recusal {
            for id in &facts.last_inspectors {
                if let Some(&r) = self.by_id.get(id) {
                    mark(st, r, MARK_LAST);
                }
            }
        }
        let region = match self.policy.same_region_recusal {
            true if !facts.region.is_empty() => self.regions.get(facts.region.as_str()).copied(),
            _ => None,
        };
        let ctx = Slot {
            stamp,
            region: region.unwrap_or(NO_REGION),
            day: visit.date.num_days_from_ce(),
        };

        let deps = visit.needs.len() as u32;
        let extra = self.policy.min_team.saturating_sub(deps);
        let mut picked: Vec<u32> = Vec::new();
        let mut members = Vec::new();
        for (d, need) in visit.needs.iter().enumerate() {
            let d = d as u32;
            let slots = 1 + extra / deps + u32::from(d < extra % deps);
            st.need.clear();
            st.need.extend(
                need.items
                    .iter()
                    .map(|it| self.items.get(it).copied().unwrap_or(NO_ITEM)),
            );
            let run = self.departments.get(&need.department).copied();
            let before = picked.len();
            self.fill(&ctx, run, slots, &mut picked, st)
                .map_err(|(eligible, refused)| AssignError::Shortage {
                    visit: visit.id.clone(),
                    department: Some(need.department.clone()),
                    eligible,
                    needed: slots,
                    refused,
                })?;
            members.extend(
                picked[before..]
                    .iter()
                    .map(|&r| (self.id(r).clone(), need.department.clone())),
            );
        }
        let officers = picked.len();
        st.need.clear();
        let experts = Some(self.runs.len() as u32 - 1);
        self.fill(&ctx, experts, self.policy.experts, &mut picked, st)
            .map_err(|(eligible, refused)| AssignError::Shortage {
                visit: visit.id.clone(),
                department: None,
                eligible,
                needed: self.policy.experts,
                refused,
            })?;
        // Only a complete team counts: each pick moves to its next round with a fresh key.
        let n = self.pool.len() as u64;
        for &r in &picked {
            let ri = r as usize;
            let run = self.run_of[ri] as usize;
            let w = st.workload[ri];
            st.queues[run].remove(&entry(w, st.key[ri], r));
            st.workload[ri] = w + 1;
            st.key[ri] = entity_key(seed, ASSIGN_STREAM, u64::from(w + 1) * n + u64::from(r));
            st.queues[run].insert(entry(w + 1, st.key[ri], r));
        }
        Ok(Team {
            visit: visit.id.clone(),
            leader: members[0].0.clone(),
            members,
            experts: picked[officers..]
                .iter()
                .map(|&r| self.id(r).clone())
                .collect(),
        })
    }

    /// Fills `slots` picks from a run's queue, in (workload, key, index) order; on shortage
    /// returns (eligible, refusals), counted by [`Matcher::shortfall`].
    fn fill(
        &self,
        ctx: &Slot,
        run: Option<u32>,
        slots: u32,
        picked: &mut Vec<u32>,
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
        let before = picked.len();
        let State {
            queues,
            stamp,
            mark,
            gone,
            need,
            ..
        } = st;
        gone.clear();
        for &c in &queues[run as usize] {
            if picked.len() - before == slots as usize {
                break;
            }
            if (c >> 96) as u32 >= cap {
                break; // the queue is by workload: everyone after is capped too
            }
            let r = c as u32 as usize;
            let f = &self.facts[r];
            if ctx.day > f.until {
                // Visits come in date order, so an expired certificate stays expired.
                gone.push(c);
            } else if (f.scoped && !self.covers(r, need))
                || (f.region == ctx.region && ctx.region != NO_REGION)
                || stamp[r] == ctx.stamp
            {
                continue;
            } else {
                picked.push(r as u32);
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
            }
        }
        for c in gone.drain(..) {
            queues[run as usize].remove(&c);
        }
        if picked.len() - before == slots as usize {
            return Ok(());
        }
        Err(self.shortfall(ctx, run, &picked[before..], st))
    }

    /// Counts a run's candidates by first refusal reason (the slow path, only on failure).
    fn shortfall(&self, ctx: &Slot, run: u32, made: &[u32], st: &State) -> (u32, Refusals) {
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
            } else if f.scoped && !self.covers(ri, &st.need) {
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

/// A queue entry: ordered by workload, then key, then roster index.
fn entry(workload: u32, key: u64, r: u32) -> u128 {
    (u128::from(workload) << 96) | (u128::from(key) << 32) | u128::from(r)
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
    /// Each inspector's key for its current round.
    key: Vec<u64>,
    stamp: Vec<u32>,
    mark: Vec<u8>,
    /// Per run, its active, unexpired inspectors as [`entry`] values.
    queues: Vec<BTreeSet<u128>>,
    gone: Vec<u128>,
    /// The interned items of the department being filled.
    need: Vec<u32>,
}

fn intern<'a>(regions: &mut HashMap<&'a str, u32>, region: &'a str) -> u32 {
    if region.is_empty() {
        return NO_REGION;
    }
    let next = regions.len() as u32;
    *regions.entry(region).or_insert(next)
}
