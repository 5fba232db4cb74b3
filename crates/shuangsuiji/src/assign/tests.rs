use super::*;
use crate::inspector::{Inspector, InspectorPool};
use crate::keys::entity_key;
use crate::target::Inspection;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn dept(s: &str) -> DeptId {
    DeptId::new(s).unwrap()
}
fn pid(s: &str) -> InspectorId {
    InspectorId::new(s).unwrap()
}
fn tid(s: &str) -> TargetId {
    TargetId::new(s).unwrap()
}
fn item(s: &str) -> ItemId {
    ItemId::new(s).unwrap()
}
fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn officer(id: &str, d: &str) -> Inspector {
    Inspector::new(pid(id), dept(d), format!("C-{id}"))
}

fn expert(id: &str) -> Inspector {
    let mut e = Inspector::new(pid(id), dept("专家库"), "");
    e.expert = true;
    e
}

fn frozen(rows: Vec<Inspector>) -> FrozenInspectorPool {
    InspectorPool::from_entries(rows).unwrap().into_frozen()
}

fn visit(id: &str, target: &str, date: &str, needs: &[(&str, &[&str])]) -> Visit {
    Visit {
        id: id.into(),
        target: tid(target),
        date: day(date),
        needs: needs
            .iter()
            .map(|(d, items)| DepartmentNeed {
                department: dept(d),
                items: items.iter().map(|i| item(i)).collect(),
            })
            .collect(),
    }
}

fn facts_for(visits: &[Visit]) -> BTreeMap<TargetId, TargetFacts> {
    visits
        .iter()
        .map(|v| (v.target.clone(), TargetFacts::default()))
        .collect()
}

fn run(
    pool: &FrozenInspectorPool,
    visits: &[Visit],
    policy: &MatchPolicy,
) -> Result<Assignment, AssignError> {
    assign(pool, visits, &facts_for(visits), policy, &Seed([9; 32]))
}

/// The number of officer slots of need `d` (0-based) out of `deps`, recomputed independently.
fn slots(min_team: u32, deps: u32, d: u32) -> u32 {
    let mut per = vec![1u32; deps as usize];
    let mut k = 0;
    while per.iter().sum::<u32>() < min_team {
        per[k % deps as usize] += 1;
        k += 1;
    }
    per[d as usize]
}

/// Checks every rule of the module docs on a successful assignment.
fn check_rules(
    pool: &FrozenInspectorPool,
    visits: &[Visit],
    facts: &BTreeMap<TargetId, TargetFacts>,
    policy: &MatchPolicy,
    a: &Assignment,
) {
    let mut order: Vec<&Visit> = visits.iter().collect();
    order.sort_by(|x, y| (x.date, &x.id).cmp(&(y.date, &y.id)));
    assert_eq!(a.visits.len(), order.len());
    let mut workload: BTreeMap<InspectorId, u32> = BTreeMap::new();
    for (team, v) in a.visits.iter().zip(&order) {
        assert_eq!(team.visit, v.id, "canonical order");
        let f = &facts[&v.target];
        assert!(team.members.len() as u32 >= policy.min_team, "team size");
        assert_eq!(team.experts.len() as u32, policy.experts, "experts");
        assert_eq!(team.leader, team.members[0].0, "leader is the first pick");
        assert_eq!(
            team.members[0].1, v.needs[0].department,
            "leader from lead department"
        );
        let deps = v.needs.len() as u32;
        for (d, need) in v.needs.iter().enumerate() {
            let n = team
                .members
                .iter()
                .filter(|(_, md)| *md == need.department)
                .count() as u32;
            assert_eq!(
                n,
                slots(policy.min_team, deps, d as u32),
                "slots of {}",
                need.department
            );
        }
        let all: Vec<&InspectorId> = team
            .members
            .iter()
            .map(|(p, _)| p)
            .chain(&team.experts)
            .collect();
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "nobody twice on a team");
        for (p, md) in &team.members {
            let e = pool.get(p).unwrap();
            let need = v.needs.iter().find(|n| n.department == *md).unwrap();
            assert!(
                e.active && !e.expert && e.certified_on(v.date),
                "{p} eligible"
            );
            assert_eq!(&e.department, md, "{p} department");
            assert!(need.items.iter().all(|i| e.may_check(i)), "{p} scope");
        }
        for p in &team.experts {
            let e = pool.get(p).unwrap();
            assert!(e.active && e.expert, "{p} expert");
        }
        for p in &all {
            let e = pool.get(p).unwrap();
            assert!(
                !policy
                    .conflicts
                    .iter()
                    .any(|c| &&c.inspector == p && c.target == v.target),
                "{p} conflict"
            );
            if policy.last_inspector_recusal {
                assert!(!f.last_inspectors.contains(p), "{p} was last");
            }
            if policy.same_region_recusal && !f.region.is_empty() {
                assert_ne!(e.region, f.region, "{p} same region");
            }
            *workload.entry((*p).clone()).or_default() += 1;
        }
        for (x, y) in &policy.avoid_pairs {
            assert!(
                !(all.contains(&x) && all.contains(&y)),
                "{x} and {y} together"
            );
        }
    }
    assert_eq!(workload, a.workload, "workload tally");
    if let Some(cap) = policy.max_visits_per_inspector {
        assert!(a.workload.values().all(|&w| w <= cap), "cap");
    }
}

#[test]
fn shortage_names_visit_department_and_reasons() {
    let mut rows: Vec<Inspector> = (0..6).map(|i| officer(&format!("P{i}"), "D01")).collect();
    rows[0].certificate_expiry = Some(day("2026-01-31"));
    rows[1].certificate_expiry = Some(day("2026-02-28"));
    let pool = frozen(rows);
    let policy = MatchPolicy {
        conflicts: ["P2", "P3", "P4"]
            .iter()
            .map(|p| Conflict {
                inspector: pid(p),
                target: tid("E1"),
                reason: "亲属".into(),
            })
            .collect(),
        ..MatchPolicy::default()
    };
    let v = [visit("V-3", "E1", "2026-03-02", &[("D01", &[])])];
    let err = run(&pool, &v, &policy).unwrap_err();
    assert_eq!(
        err.to_string(),
        "visit V-3, department D01: 1 eligible inspector, 2 needed; 2 certificate expired, 3 recused for conflict"
    );
    assert!(matches!(
        err,
        AssignError::Shortage {
            eligible: 1,
            needed: 2,
            ..
        }
    ));
}

#[test]
fn shortage_reasons_each_counted() {
    let mut rows: Vec<Inspector> = (0..8).map(|i| officer(&format!("P{i}"), "D01")).collect();
    rows[0].active = false;
    rows[1].items.insert(item("其他"));
    rows[2].region = "大冶市".into();
    rows[5].region = "大冶市".into();
    let pool = frozen(rows);
    let policy = MatchPolicy {
        same_region_recusal: true,
        avoid_pairs: vec![(pid("P6"), pid("P7"))],
        min_team: 3,
        ..MatchPolicy::default()
    };
    let mut facts = BTreeMap::new();
    facts.insert(
        tid("E1"),
        TargetFacts {
            region: "大冶市".into(),
            last_inspectors: vec![pid("P3")],
        },
    );
    // P4, P6 and P7 remain; whichever of P6/P7 comes first, the other is avoided.
    let v = [visit("V-2", "E1", "2026-03-02", &[("D01", &["食品"])])];
    let err = assign(&pool, &v, &facts, &policy, &Seed([3; 32])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "visit V-2, department D01: 2 eligible inspectors, 3 needed; 1 inactive, 1 out of item scope, \
         2 recused for same region, 1 recused as last inspector, 1 recused for reciprocal avoidance"
    );
}

#[test]
fn avoidance_and_empty_department_and_experts_shortages() {
    let pool = frozen(vec![
        officer("A", "D01"),
        officer("B", "D01"),
        officer("C", "D02"),
        expert("X"),
    ]);
    let policy = MatchPolicy {
        avoid_pairs: vec![(pid("A"), pid("B"))],
        ..MatchPolicy::default()
    };
    let v = [visit("V-1", "E1", "2026-03-02", &[("D01", &[])])];
    assert_eq!(
        run(&pool, &v, &policy).unwrap_err().to_string(),
        "visit V-1, department D01: 1 eligible inspector, 2 needed; 1 recused for reciprocal avoidance"
    );
    let v = [visit("V-1", "E1", "2026-03-02", &[("D09", &[])])];
    assert_eq!(
        run(&pool, &v, &MatchPolicy::default())
            .unwrap_err()
            .to_string(),
        "visit V-1, department D09: 0 eligible inspectors, 2 needed; no other candidates in the pool"
    );
    let policy = MatchPolicy {
        experts: 2,
        ..MatchPolicy::default()
    };
    let v = [visit(
        "V-1",
        "E1",
        "2026-03-02",
        &[("D01", &[]), ("D02", &[])],
    )];
    assert_eq!(
        run(&pool, &v, &policy).unwrap_err().to_string(),
        "visit V-1, experts: 1 eligible expert, 2 needed; no other candidates in the pool"
    );
    // Avoidance across departments: C avoids whoever D01 picked first.
    let policy = MatchPolicy {
        avoid_pairs: vec![(pid("A"), pid("C")), (pid("B"), pid("C"))],
        ..MatchPolicy::default()
    };
    assert_eq!(
        run(&pool, &v, &policy).unwrap_err().to_string(),
        "visit V-1, department D02: 0 eligible inspectors, 1 needed; 1 recused for reciprocal avoidance"
    );
}

#[test]
fn bad_input_errors() {
    let pool = frozen(vec![officer("A", "D01"), officer("B", "D01")]);
    let ok = visit("V-1", "E1", "2026-03-02", &[("D01", &[])]);
    let small = MatchPolicy {
        min_team: 1,
        ..MatchPolicy::default()
    };
    assert_eq!(
        run(&pool, std::slice::from_ref(&ok), &small)
            .unwrap_err()
            .to_string(),
        "min_team is 1; the rules require at least 2 inspectors per visit"
    );
    let selfish = MatchPolicy {
        avoid_pairs: vec![(pid("A"), pid("A"))],
        ..MatchPolicy::default()
    };
    assert_eq!(
        run(&pool, std::slice::from_ref(&ok), &selfish)
            .unwrap_err()
            .to_string(),
        "avoidance pair (A, A) names the same inspector twice"
    );
    let p = MatchPolicy::default();
    let mut dup = ok.clone();
    dup.date = day("2026-04-01");
    assert_eq!(
        run(&pool, &[ok.clone(), dup], &p).unwrap_err().to_string(),
        "visit V-1 appears more than once"
    );
    let none = visit("V-2", "E1", "2026-03-02", &[]);
    assert_eq!(
        run(&pool, &[none], &p).unwrap_err().to_string(),
        "visit V-2 has no department checking anything"
    );
    let twice = visit(
        "V-4",
        "E1",
        "2026-03-02",
        &[("D01", &["a"]), ("D01", &["b"])],
    );
    assert_eq!(
        run(&pool, &[twice], &p).unwrap_err().to_string(),
        "visit V-4: department D01 is listed twice; merge its items"
    );
    let err = assign(
        &pool,
        std::slice::from_ref(&ok),
        &BTreeMap::new(),
        &p,
        &Seed([0; 32]),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "visit V-1: no recusal facts for target E1");
    // A prior workload that one more visit would carry past u32::MAX is refused, not wrapped;
    // one below the edge is fine.
    let at_edge = |w: u32| MatchPolicy {
        prior_workload: BTreeMap::from([(pid("A"), w)]),
        ..MatchPolicy::default()
    };
    assert_eq!(
        run(&pool, std::slice::from_ref(&ok), &at_edge(u32::MAX))
            .unwrap_err()
            .to_string(),
        "prior workload of inspector A is 4294967295: with this matching's visits it could exceed 4294967295"
    );
    let fine = run(&pool, std::slice::from_ref(&ok), &at_edge(u32::MAX - 1)).unwrap();
    assert_eq!(fine.workload[&pid("A")], u32::MAX);
}

#[test]
fn picks_follow_the_documented_keys() {
    // Roster: D01 officers (by id), then D02 officers, then experts. Canonical order is by id.
    let rows = vec![
        officer("Z1", "D01"),
        officer("A1", "D02"),
        officer("M1", "D01"),
        officer("B1", "D01"),
        expert("E1"),
        officer("A2", "D02"),
    ];
    let pool = frozen(rows);
    let roster = ["B1", "M1", "Z1", "A1", "A2", "E1"];
    let seed = Seed([42; 32]);
    let n = pool.len() as u64;
    let v = [
        visit("V-c", "T", "2026-05-03", &[("D01", &[])]),
        visit("V-b", "T", "2026-05-02", &[("D01", &[])]),
        visit("V-a", "T", "2026-05-02", &[("D02", &[]), ("D01", &[])]),
    ];
    let policy = MatchPolicy {
        experts: 1,
        last_inspector_recusal: false,
        ..MatchPolicy::default()
    };
    let a = assign(&pool, &v, &facts_for(&v), &policy, &seed).unwrap();
    // The independent model: smallest (workload, key of the current round, roster index).
    let mut load = [0u64; 6];
    let key = |w: u64, r: usize| entity_key(&seed, ASSIGN_STREAM, w * n + r as u64);
    let pick = |load: &[u64; 6], among: &[usize], k: usize| -> Vec<&str> {
        let mut c: Vec<usize> = among.to_vec();
        c.sort_by_key(|&r| (load[r], key(load[r], r), r));
        c.truncate(k);
        c.iter().map(|&r| roster[r]).collect()
    };
    let mut expect = Vec::new();
    for (lead, rest) in [
        (&[3, 4][..], Some(&[0, 1, 2][..])),
        (&[0, 1, 2][..], None),
        (&[0, 1, 2][..], None),
    ] {
        let k = if rest.is_some() { 1 } else { 2 };
        let mut team = pick(&load, lead, k);
        if let Some(rest) = rest {
            team.extend(pick(&load, rest, 1));
        }
        let experts = pick(&load, &[5], 1);
        for p in team.iter().chain(&experts) {
            load[roster.iter().position(|x| x == p).unwrap()] += 1;
        }
        expect.push((team, experts));
    }
    let got: Vec<(Vec<&str>, Vec<&str>)> = a
        .visits
        .iter()
        .map(|t| {
            (
                t.members.iter().map(|(p, _)| p.as_str()).collect(),
                t.experts.iter().map(|p| p.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(got, expect);
    let order: Vec<&str> = a.visits.iter().map(|t| t.visit.as_str()).collect();
    assert_eq!(order, ["V-a", "V-b", "V-c"]);
}

#[test]
fn slots_go_round_robin_from_the_lead() {
    let rows: Vec<Inspector> = ["D1", "D2", "D3"]
        .iter()
        .flat_map(|d| (0..5).map(move |i| officer(&format!("{d}-{i}"), d)))
        .collect();
    let pool = frozen(rows);
    let count = |a: &Assignment, d: &str| {
        a.visits[0]
            .members
            .iter()
            .filter(|(_, x)| x.as_str() == d)
            .count()
    };
    let v = [visit("V", "T", "2026-05-02", &[("D2", &[]), ("D1", &[])])];
    let p5 = MatchPolicy {
        min_team: 5,
        ..MatchPolicy::default()
    };
    let a = run(&pool, &v, &p5).unwrap();
    assert_eq!((count(&a, "D2"), count(&a, "D1")), (3, 2));
    assert!(a.visits[0].leader.as_str().starts_with("D2"));
    let v = [visit(
        "V",
        "T",
        "2026-05-02",
        &[("D3", &[]), ("D1", &[]), ("D2", &[])],
    )];
    let a = run(&pool, &v, &MatchPolicy::default()).unwrap();
    assert_eq!(
        a.visits[0].members.len(),
        3,
        "one per department even above min_team"
    );
}

#[test]
fn workload_is_even_when_nothing_else_constrains() {
    let rows: Vec<Inspector> = (0..37).map(|i| officer(&format!("P{i:02}"), "D")).collect();
    let pool = frozen(rows);
    let visits: Vec<Visit> = (0..101)
        .map(|i| {
            visit(
                &format!("V{i:03}"),
                &format!("T{i}"),
                "2026-06-01",
                &[("D", &[])],
            )
        })
        .collect();
    let a = run(&pool, &visits, &MatchPolicy::default()).unwrap();
    let loads: Vec<u32> = pool
        .ids()
        .iter()
        .map(|p| a.workload.get(p).copied().unwrap_or(0))
        .collect();
    let (min, max) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
    assert!(max - min <= 1, "{min}..{max}");
    assert_eq!(loads.iter().sum::<u32>(), 202);
}

#[test]
fn prior_workload_carries_the_spread_and_the_cap_across_matchings() {
    // A year matched task by task, each with its own seed, stays even when each matching
    // starts from the workload of the ones before.
    let rows: Vec<Inspector> = (0..37).map(|i| officer(&format!("P{i:02}"), "D")).collect();
    let pool = frozen(rows);
    let mut prior = BTreeMap::new();
    for task in 0..5u8 {
        let visits: Vec<Visit> = (0..23)
            .map(|i| {
                let id = format!("V{task}-{i:02}");
                visit(&id, &format!("T{task}-{i}"), "2026-06-01", &[("D", &[])])
            })
            .collect();
        let policy = MatchPolicy {
            prior_workload: prior.clone(),
            ..MatchPolicy::default()
        };
        let a = assign(
            &pool,
            &visits,
            &facts_for(&visits),
            &policy,
            &Seed([task; 32]),
        )
        .unwrap();
        prior = a.workload;
    }
    let loads: Vec<u32> = pool
        .ids()
        .iter()
        .map(|p| prior.get(p).copied().unwrap_or(0))
        .collect();
    let (min, max) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
    assert!(max - min <= 1, "{min}..{max}");
    assert_eq!(loads.iter().sum::<u32>(), 5 * 23 * 2);
    // Without the prior workload each matching starts afresh and the year is uneven.
    let mut fresh: BTreeMap<InspectorId, u32> = BTreeMap::new();
    for task in 0..5u8 {
        let visits: Vec<Visit> = (0..23)
            .map(|i| {
                let id = format!("V{task}-{i:02}");
                visit(&id, &format!("T{task}-{i}"), "2026-06-01", &[("D", &[])])
            })
            .collect();
        let a = assign(
            &pool,
            &visits,
            &facts_for(&visits),
            &MatchPolicy::default(),
            &Seed([task; 32]),
        )
        .unwrap();
        for (p, w) in a.workload {
            *fresh.entry(p).or_default() += w;
        }
    }
    let spread = |m: &BTreeMap<InspectorId, u32>| {
        let l: Vec<u32> = pool
            .ids()
            .iter()
            .map(|p| m.get(p).copied().unwrap_or(0))
            .collect();
        l.iter().max().unwrap() - l.iter().min().unwrap()
    };
    assert!(spread(&fresh) > 1, "the comparison must be able to fail");
    // The cap counts prior visits: an inspector already at the cap is never picked.
    let capped = MatchPolicy {
        prior_workload: [(pid("P00"), 3)].into(),
        max_visits_per_inspector: Some(3),
        ..MatchPolicy::default()
    };
    let visits: Vec<Visit> = (0..40)
        .map(|i| {
            visit(
                &format!("W{i:02}"),
                &format!("U{i}"),
                "2026-06-01",
                &[("D", &[])],
            )
        })
        .collect();
    let a = run(&pool, &visits, &capped).unwrap();
    assert_eq!(a.workload.get(&pid("P00")), Some(&3));
    assert!(
        a.visits
            .iter()
            .all(|t| t.members.iter().all(|(p, _)| p != &pid("P00")))
    );
}

#[test]
fn cap_is_respected_and_enforced() {
    let pool = frozen((0..4).map(|i| officer(&format!("P{i}"), "D")).collect());
    let visits: Vec<Visit> = (0..3)
        .map(|i| visit(&format!("V{i}"), "T", "2026-06-01", &[("D", &[])]))
        .collect();
    let cap = MatchPolicy {
        max_visits_per_inspector: Some(1),
        last_inspector_recusal: false,
        ..MatchPolicy::default()
    };
    let err = run(&pool, &visits, &cap).unwrap_err();
    assert_eq!(
        err.to_string(),
        "visit V2, department D: 0 eligible inspectors, 2 needed; 4 at workload cap"
    );
}

#[test]
fn facts_of_a_target_take_the_latest_inspection() {
    let mut t = Target::new(tid("E1"));
    t.region = "陈贵镇".into();
    let insp = |d: &str, who: &[&str]| Inspection {
        date: day(d),
        department: dept("D"),
        item: None,
        inspectors: who.iter().map(|p| pid(p)).collect(),
    };
    t.history = vec![
        insp("2025-03-01", &["A", "B"]),
        insp("2025-09-01", &["C"]),
        insp("2025-09-01", &["D", "C"]),
    ];
    let f = TargetFacts::of(&t);
    assert_eq!(f.region, "陈贵镇");
    assert_eq!(f.last_inspectors, vec![pid("C"), pid("D")]);
}

#[test]
fn serde_round_trips_and_defaults() {
    let p: MatchPolicy = serde_json::from_str("{}").unwrap();
    assert_eq!(p, MatchPolicy::default());
    assert!(p.last_inspector_recusal && p.min_team == 2);
    let pool = frozen((0..4).map(|i| officer(&format!("P{i}"), "D")).collect());
    let v = [visit("V", "T", "2026-06-01", &[("D", &["x"])])];
    let a = run(&pool, &v, &p).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<Assignment>(&json).unwrap(), a);
    let vj = serde_json::to_string(&v[0]).unwrap();
    assert_eq!(serde_json::from_str::<Visit>(&vj).unwrap(), v[0]);
}

#[test]
fn the_seed_matters() {
    let pool = frozen((0..50).map(|i| officer(&format!("P{i:02}"), "D")).collect());
    let v = [visit("V", "T", "2026-06-01", &[("D", &[])])];
    let f = facts_for(&v);
    let p = MatchPolicy::default();
    let a = assign(&pool, &v, &f, &p, &Seed([1; 32])).unwrap();
    let b = assign(&pool, &v, &f, &p, &Seed([2; 32])).unwrap();
    assert_ne!(a, b);
}

// ---- properties ----

const DEPTS: [&str; 3] = ["D0", "D1", "D2"];
const ITEMS: [&str; 3] = ["I0", "I1", "I2"];
const REGIONS: [&str; 3] = ["", "R1", "R2"];

#[derive(Debug, Clone)]
struct Case {
    pool_rows: Vec<Inspector>,
    visits: Vec<Visit>,
    facts: BTreeMap<TargetId, TargetFacts>,
    policy: MatchPolicy,
    seed: Seed,
    shuffle: u64,
}

fn arb_inspector(i: usize) -> impl Strategy<Value = Inspector> {
    (
        0..3usize,
        prop::bool::weighted(0.9),
        prop::option::weighted(0.2, 0..90u64),
        prop::collection::btree_set(0..3usize, 0..2),
        prop::bool::weighted(0.15),
        0..3usize,
    )
        .prop_map(move |(d, active, exp, items, is_expert, region)| {
            let mut e = officer(&format!("P{i:02}"), DEPTS[d]);
            e.active = active;
            e.certificate_expiry = exp.map(|x| day("2026-01-01") + chrono::Days::new(x));
            e.items = items.into_iter().map(|k| item(ITEMS[k])).collect();
            e.expert = is_expert;
            e.region = REGIONS[region].into();
            e
        })
}

fn arb_case(generous: bool) -> impl Strategy<Value = Case> {
    let n = if generous { 30..=36usize } else { 1..=24usize };
    n.prop_flat_map(move |n| {
        let rows = (0..n).map(arb_inspector).collect::<Vec<_>>();
        let visit = (
            0..60u64,
            0..5usize,
            Just([0usize, 1, 2]).prop_shuffle(),
            1..=3usize,
            prop::collection::vec(prop::collection::btree_set(0..3usize, 0..3), 3),
        );
        let visits = prop::collection::vec(visit, 1..12);
        let facts = prop::collection::vec((0..3usize, prop::collection::vec(0..n, 0..3)), 5);
        let conflicts = prop::collection::vec((0..n, 0..5usize), 0..if generous { 2 } else { 6 });
        let avoid = prop::collection::vec((0..n, 0..n), 0..if generous { 2 } else { 6 });
        let pol = (
            2..=if generous { 3u32 } else { 4 },
            0..=if generous { 0u32 } else { 2 },
            any::<bool>(),
            any::<bool>(),
            prop::option::of(1..8u32),
        );
        (
            rows,
            visits,
            facts,
            conflicts,
            avoid,
            pol,
            any::<[u8; 32]>(),
            any::<u64>(),
        )
    })
    .prop_map(
        move |(
            mut rows,
            vs,
            fs,
            cs,
            avs,
            (min_team, experts, region, last, cap),
            seed,
            shuffle,
        )| {
            if generous {
                // Everyone plain and able; only recusal lists constrain.
                for (i, e) in rows.iter_mut().enumerate() {
                    *e = officer(&format!("P{i:02}"), DEPTS[i % 3]);
                }
            }
            let id = |i: usize| rows[i].id.clone();
            let visits = vs
                .into_iter()
                .enumerate()
                .map(|(k, (d, t, order, nd, items))| Visit {
                    id: format!("V{k:02}"),
                    target: tid(&format!("T{t}")),
                    date: day("2026-03-01") + chrono::Days::new(d),
                    needs: order[..nd]
                        .iter()
                        .map(|&di| DepartmentNeed {
                            department: dept(DEPTS[di]),
                            items: items[di].iter().map(|&x| item(ITEMS[x])).collect(),
                        })
                        .collect(),
                })
                .collect();
            let facts = fs
                .into_iter()
                .enumerate()
                .map(|(t, (r, last))| {
                    let last = if generous {
                        last.into_iter().take(1).collect()
                    } else {
                        last
                    };
                    (
                        tid(&format!("T{t}")),
                        TargetFacts {
                            region: REGIONS[r].into(),
                            last_inspectors: last.into_iter().map(id).collect(),
                        },
                    )
                })
                .collect();
            let policy = MatchPolicy {
                min_team,
                experts,
                same_region_recusal: region && !generous,
                last_inspector_recusal: last,
                max_visits_per_inspector: if generous { None } else { cap },
                conflicts: cs
                    .into_iter()
                    .map(|(i, t)| Conflict {
                        inspector: id(i),
                        target: tid(&format!("T{t}")),
                        reason: String::new(),
                    })
                    .collect(),
                avoid_pairs: avs
                    .into_iter()
                    .filter(|(a, b)| a != b)
                    .map(|(a, b)| (id(a), id(b)))
                    .collect(),
                prior_workload: BTreeMap::new(),
            };
            Case {
                pool_rows: rows,
                visits,
                facts,
                policy,
                seed: Seed(seed),
                shuffle,
            }
        },
    )
}

fn shuffled<T: Clone>(v: &[T], mut s: u64) -> Vec<T> {
    let mut v = v.to_vec();
    for i in (1..v.len()).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        v.swap(i, (s >> 33) as usize % (i + 1));
    }
    v
}

fn check_case(c: &Case) -> Result<Option<Assignment>, TestCaseError> {
    let pool = frozen(c.pool_rows.clone());
    let res = assign(&pool, &c.visits, &c.facts, &c.policy, &c.seed);
    // Same seed, same teams; the order of visits and of pool rows does not matter.
    let again = assign(&pool, &c.visits, &c.facts, &c.policy, &c.seed);
    prop_assert_eq!(&res, &again);
    // The same teams, workloads and errors as the matching as first written.
    let reference = super::reference::assign(&pool, &c.visits, &c.facts, &c.policy, &c.seed);
    prop_assert_eq!(&res, &reference);
    // … also with prior workloads (some far apart), which the cases above leave empty.
    let mut policy = c.policy.clone();
    let mut s = c.shuffle;
    for e in &c.pool_rows {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let w = [0, 0, 1, 2, 3, 7, 1000, 4_000_000_000][(s >> 61) as usize];
        if w > 0 {
            policy.prior_workload.insert(e.id.clone(), w);
        }
    }
    prop_assert_eq!(
        assign(&pool, &c.visits, &c.facts, &policy, &c.seed),
        super::reference::assign(&pool, &c.visits, &c.facts, &policy, &c.seed)
    );
    let pool2 = frozen(shuffled(&c.pool_rows, c.shuffle));
    let visits2 = shuffled(&c.visits, c.shuffle ^ 0x5555);
    prop_assert_eq!(
        &res,
        &assign(&pool2, &visits2, &c.facts, &c.policy, &c.seed)
    );
    match res {
        Ok(a) => {
            check_rules(&pool, &c.visits, &c.facts, &c.policy, &a);
            Ok(Some(a))
        }
        Err(AssignError::Shortage {
            eligible, needed, ..
        }) => {
            prop_assert!(eligible < needed);
            Ok(None)
        }
        Err(e) => Err(TestCaseError::fail(format!("unexpected error {e}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_team_satisfies_every_rule(c in arb_case(false)) {
        check_case(&c)?;
    }

    #[test]
    fn a_generous_pool_always_staffs_every_visit(c in arb_case(true)) {
        prop_assert!(check_case(&c)?.is_some(), "a generous pool must succeed");
    }
}

/// The shape of one golden scenario (see [`golden_results_are_pinned`]).
struct GoldenShape {
    inspectors: usize,
    departments: usize,
    regions: usize,
    visits: usize,
    /// Targets, each visited by several visits (and some never visited).
    targets: usize,
    min_team: u32,
    experts: u32,
    same_region: bool,
    last: bool,
    cap: Option<u32>,
    conflicts: usize,
    avoid: usize,
    prior: usize,
    /// One in `scoped` officers has a restricted item scope (0: none).
    scoped: usize,
    /// One in `expiring` officers has a certificate expiring mid-year (0: none).
    expiring: usize,
    /// A department that no inspector belongs to appears in some visits.
    ghost_department: bool,
    /// Visits list their targets in id order (as a draw does).
    sorted_targets: bool,
    /// Days over which the visits spread.
    date_span: usize,
    /// Prior workloads far apart (up to four billion) rather than 0 to 3.
    far_prior: bool,
    /// Visit ids long and alike (sharing more than their first eight bytes): 1 unique, 2 with
    /// some duplicates.
    long_ids: u8,
}

/// A deterministic, non-trivial matching problem built from `shape` and `salt`.
fn golden_case(
    shape: &GoldenShape,
    salt: u64,
) -> (
    FrozenInspectorPool,
    Vec<Visit>,
    BTreeMap<TargetId, TargetFacts>,
    MatchPolicy,
    Seed,
) {
    let mut s = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut below = move |n: usize| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) % n.max(1) as u64) as usize
    };
    let dname = |d: usize| format!("D{d}");
    let rows: Vec<Inspector> = (0..shape.inspectors)
        .map(|i| {
            let d = below(shape.departments);
            let mut p = if below(9) == 0 {
                expert(&format!("X{i:04}"))
            } else {
                officer(&format!("P{i:04}"), &dname(d))
            };
            p.region = match below(shape.regions + 1) {
                0 => String::new(),
                r => format!("R{r}"),
            };
            p.active = below(25) != 0;
            if shape.scoped > 0 && below(shape.scoped) == 0 {
                p.items = (0..1 + below(3))
                    .map(|k| item(&format!("{}-I{}", dname(d), (k + below(2)) % 4)))
                    .collect();
            }
            if shape.expiring > 0 && below(shape.expiring) == 0 {
                p.certificate_expiry =
                    Some(day("2026-01-01") + chrono::Days::new(below(300) as u64));
            }
            p
        })
        .collect();
    let ids: Vec<InspectorId> = rows.iter().map(|p| p.id.clone()).collect();
    let any_id = |k: usize| -> InspectorId {
        if k % 13 == 12 {
            pid(&format!("OUTSIDER{k}")) // not in the pool: ignored
        } else {
            ids[k % ids.len()].clone()
        }
    };
    let pool = frozen(rows);
    let visits: Vec<Visit> = (0..shape.visits)
        .map(|v| {
            let lead = below(shape.departments);
            let mut deps = vec![lead];
            for _ in 0..below(4).saturating_sub(1) {
                let d = below(shape.departments);
                if !deps.contains(&d) {
                    deps.push(d);
                }
            }
            let mut needs: Vec<DepartmentNeed> = deps
                .into_iter()
                .map(|d| DepartmentNeed {
                    department: dept(&dname(d)),
                    items: (0..below(3))
                        .map(|_| item(&format!("{}-I{}", dname(d), below(5))))
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                })
                .collect();
            if shape.ghost_department && below(40) == 0 {
                needs.push(DepartmentNeed {
                    department: dept("无人部门"),
                    items: Vec::new(),
                });
            }
            Visit {
                id: match shape.long_ids {
                    1 => format!("V{}-检查任务-2026-{:03}-{v}", v % 3, below(1000)),
                    2 => format!("V{}-检查任务-2026-{}", v % 3, below(100_000)),
                    _ => format!("V{v:05}-{}", below(1000)),
                },
                target: tid(&format!(
                    "T{:04}",
                    match shape.sorted_targets {
                        true => v * shape.targets / shape.visits.max(1),
                        false => below(shape.targets),
                    }
                )),
                date: day("2026-01-01") + chrono::Days::new(below(shape.date_span) as u64),
                needs,
            }
        })
        .collect();
    let facts = (0..shape.targets)
        .map(|t| {
            let region = match below(shape.regions + 1) {
                0 => String::new(),
                r => format!("R{r}"),
            };
            let last_inspectors = (0..below(4)).map(|_| any_id(below(1 << 20))).collect();
            (
                tid(&format!("T{t:04}")),
                TargetFacts {
                    region,
                    last_inspectors,
                },
            )
        })
        .collect();
    let policy = MatchPolicy {
        min_team: shape.min_team,
        experts: shape.experts,
        same_region_recusal: shape.same_region,
        last_inspector_recusal: shape.last,
        max_visits_per_inspector: shape.cap,
        conflicts: (0..shape.conflicts)
            .map(|_| Conflict {
                inspector: any_id(below(1 << 20)),
                target: tid(&format!("T{:04}", below(shape.targets))),
                reason: "亲属".into(),
            })
            .collect(),
        avoid_pairs: (0..shape.avoid)
            .filter_map(|_| {
                let (a, b) = (any_id(below(1 << 20)), any_id(below(1 << 20)));
                (a != b).then_some((a, b))
            })
            .collect(),
        prior_workload: (0..shape.prior)
            .map(|_| {
                let id = any_id(below(1 << 20));
                let w = below(4);
                let w = match shape.far_prior {
                    true => [0, 2, 1_000_000, 4_000_000_000][w],
                    false => w as u32,
                };
                (id, w)
            })
            .collect(),
    };
    let mut seed = [0u8; 32];
    for b in &mut seed {
        *b = below(256) as u8;
    }
    (pool, visits, facts, policy, Seed(seed))
}

/// One line per scenario: the SM3 of the JSON of a successful assignment, or the error.
fn golden_line(shape: &GoldenShape, salt: u64) -> String {
    let (pool, visits, facts, policy, seed) = golden_case(shape, salt);
    let res = assign(&pool, &visits, &facts, &policy, &seed);
    assert_eq!(
        res,
        super::reference::assign(&pool, &visits, &facts, &policy, &seed),
        "as first written"
    );
    match res {
        Ok(a) => {
            let json = serde_json::to_vec(&a).unwrap();
            format!(
                "ok {} teams {}",
                a.visits.len(),
                crate::digest::Digest::sm3(&json).to_hex()
            )
        }
        Err(e) => format!("err {e:?}"),
    }
}

/// Pins the results of the matching as computed by the reference implementation: any change of
/// a team, leader, expert, workload or error in these scenarios is a change of the published
/// algorithm (the results are reproducible-from-seed audit data), not an optimisation.
#[test]
fn golden_results_are_pinned() {
    let base = GoldenShape {
        inspectors: 400,
        departments: 6,
        regions: 5,
        visits: 1500,
        targets: 600,
        min_team: 2,
        experts: 1,
        same_region: true,
        last: true,
        cap: None,
        conflicts: 300,
        avoid: 80,
        prior: 60,
        scoped: 4,
        expiring: 8,
        ghost_department: false,
        sorted_targets: false,
        date_span: 330,
        long_ids: 0,
        far_prior: false,
    };
    let scenarios: Vec<(&str, GoldenShape, u64)> = vec![
        ("base", GoldenShape { ..base }, 1),
        (
            "wide teams, two experts, no prior",
            GoldenShape {
                min_team: 4,
                experts: 2,
                prior: 0,
                ..base
            },
            2,
        ),
        (
            "no recusal, unscoped, unexpiring",
            GoldenShape {
                same_region: false,
                last: false,
                conflicts: 0,
                avoid: 0,
                scoped: 0,
                expiring: 0,
                experts: 0,
                ..base
            },
            3,
        ),
        (
            "generous cap",
            GoldenShape {
                cap: Some(40),
                ..base
            },
            4,
        ),
        (
            "tight cap: shortage",
            GoldenShape {
                cap: Some(12),
                ..base
            },
            5,
        ),
        (
            "many facts, few visits (tree look-up)",
            GoldenShape {
                visits: 40,
                targets: 900,
                ..base
            },
            6,
        ),
        (
            "small pool, heavy avoidance",
            GoldenShape {
                inspectors: 60,
                departments: 2,
                regions: 3,
                visits: 300,
                targets: 100,
                conflicts: 100,
                avoid: 150,
                prior: 30,
                cap: Some(30),
                ..base
            },
            7,
        ),
        (
            "department without inspectors",
            GoldenShape {
                ghost_department: true,
                ..base
            },
            8,
        ),
        ("experts short", GoldenShape { experts: 9, ..base }, 9),
        (
            "too few experts",
            GoldenShape {
                experts: 30,
                ..base
            },
            12,
        ),
        (
            "small pool, heavy avoidance, no experts",
            GoldenShape {
                inspectors: 80,
                departments: 2,
                regions: 3,
                visits: 300,
                targets: 100,
                experts: 0,
                conflicts: 100,
                avoid: 150,
                prior: 30,
                cap: Some(30),
                ..base
            },
            13,
        ),
        (
            "certificates run out",
            GoldenShape {
                inspectors: 150,
                departments: 3,
                expiring: 1,
                experts: 0,
                conflicts: 600,
                ..base
            },
            14,
        ),
        (
            "small pool, strict recusal: shortage",
            GoldenShape {
                inspectors: 40,
                departments: 3,
                regions: 2,
                visits: 400,
                targets: 50,
                min_team: 3,
                experts: 0,
                conflicts: 60,
                avoid: 40,
                prior: 10,
                scoped: 2,
                expiring: 3,
                ..base
            },
            10,
        ),
        (
            "targets in id order, some visited twice",
            GoldenShape {
                sorted_targets: true,
                visits: 1200,
                targets: 900,
                ..base
            },
            15,
        ),
        (
            "targets in id order, many facts",
            GoldenShape {
                sorted_targets: true,
                visits: 300,
                targets: 1000,
                experts: 0,
                ..base
            },
            16,
        ),
        (
            "targets in id order, few conflicts",
            GoldenShape {
                sorted_targets: true,
                visits: 1500,
                targets: 1500,
                conflicts: 12,
                ..base
            },
            19,
        ),
        (
            "prior workloads far apart",
            GoldenShape {
                far_prior: true,
                prior: 300,
                ..base
            },
            20,
        ),
        (
            "long, alike visit ids",
            GoldenShape {
                long_ids: 1,
                date_span: 20,
                ..base
            },
            17,
        ),
        (
            "duplicate visit ids",
            GoldenShape {
                long_ids: 2,
                ..base
            },
            17,
        ),
        (
            "visits over twenty years",
            GoldenShape {
                visits: 200,
                date_span: 7300,
                long_ids: 1,
                ..base
            },
            18,
        ),
        (
            "one department, big teams",
            GoldenShape {
                departments: 1,
                min_team: 5,
                experts: 0,
                cap: Some(60),
                ..base
            },
            11,
        ),
    ];
    let expected: &[&str] = &[
        "base: ok 1500 teams 5c1aa10acdb9ff2f1737e715556fb698b4a4e951a8f95edbe521307a0db0197c",
        "wide teams, two experts, no prior: ok 1500 teams 8cf7c8b28708d3ed6b20274323cab3a53d2985811dc7d01793024c0be978b2ac",
        "no recusal, unscoped, unexpiring: ok 1500 teams ef1af769ccdf8ff5d697370fe433dbcfe3ff78d81fd7f3efb4bef124f49c5ec4",
        "generous cap: ok 1500 teams 0e85e1b919164550aff930a7b46eeb2c7738d80aa09b464e65f53f72ade8c07e",
        "tight cap: shortage: err Shortage { visit: \"V01259-512\", department: None, eligible: 0, needed: 1, refused: Refusals { inactive: 3, certificate: 0, scope: 0, same_region: 5, conflict: 0, last_inspector: 1, avoidance: 1, workload_cap: 45 } }",
        "many facts, few visits (tree look-up): ok 40 teams f0afd5ad513df0e02a7f3cf3ae273850866e7ee5aff371ca2ce1f2d99b6a9d21",
        "small pool, heavy avoidance: err Shortage { visit: \"V00076-975\", department: None, eligible: 0, needed: 1, refused: Refusals { inactive: 0, certificate: 0, scope: 0, same_region: 3, conflict: 0, last_inspector: 0, avoidance: 1, workload_cap: 4 } }",
        "department without inspectors: err Shortage { visit: \"V00553-838\", department: Some(DeptId(\"无人部门\")), eligible: 0, needed: 1, refused: Refusals { inactive: 0, certificate: 0, scope: 0, same_region: 0, conflict: 0, last_inspector: 0, avoidance: 0, workload_cap: 0 } }",
        "experts short: ok 1500 teams 2764193afe9c2aaceda269e8c62fd6cf0b7ef6fb21082f375153defc2561453b",
        "too few experts: err Shortage { visit: \"V01027-270\", department: None, eligible: 29, needed: 30, refused: Refusals { inactive: 1, certificate: 0, scope: 0, same_region: 6, conflict: 0, last_inspector: 0, avoidance: 2, workload_cap: 0 } }",
        "small pool, heavy avoidance, no experts: ok 300 teams 7df00fd0bb46b2f8c7e6f75c267a649c6bf0485d2ab0664ff519a853dfe156d2",
        "certificates run out: err Shortage { visit: \"V00760-818\", department: Some(DeptId(\"D1\")), eligible: 1, needed: 2, refused: Refusals { inactive: 0, certificate: 32, scope: 5, same_region: 1, conflict: 0, last_inspector: 0, avoidance: 0, workload_cap: 0 } }",
        "small pool, strict recusal: shortage: err Shortage { visit: \"V00051-415\", department: Some(DeptId(\"D2\")), eligible: 2, needed: 3, refused: Refusals { inactive: 0, certificate: 0, scope: 1, same_region: 2, conflict: 0, last_inspector: 0, avoidance: 0, workload_cap: 0 } }",
        "targets in id order, some visited twice: ok 1200 teams b5689d1d329161a7ac6fcbc8ad24cd2530e9191db28bd69b46aa77f45ce6aafa",
        "targets in id order, many facts: ok 300 teams 24baa5510a8533e41412439090c30086c27f0126e80f473366903d59f11cf77c",
        "targets in id order, few conflicts: ok 1500 teams feaffbb2e1940b9817a9dc72ddf01cd98b5a469f2f018e2710a98889f21398ec",
        "prior workloads far apart: ok 1500 teams 5b58169da733ffda65991c171369c51322dec09b51aea8219e9043ce722e7bc2",
        "long, alike visit ids: ok 1500 teams 5db318ee061bbb06f90e59992d11d7a6a99820907fa86c03f01c3fe8109671f6",
        "duplicate visit ids: err DuplicateVisit { visit: \"V1-检查任务-2026-10037\" }",
        "visits over twenty years: ok 200 teams fffa6cda992ffea7e338311d72185f13daa5e821874f43560dae8999f0e3477d",
        "one department, big teams: ok 1500 teams d485b0f69a8cc3e0135b8e60be6678f70b4a8b458fc826a15f08238f1e4df350",
    ];
    let got: Vec<String> = scenarios
        .iter()
        .map(|(name, shape, salt)| format!("{name}: {}", golden_line(shape, *salt)))
        .collect();
    for line in &got {
        println!("{line:?},"); // shown with --nocapture, to compare by eye
    }
    for (line, want) in got.iter().zip(expected) {
        assert_eq!(line, want);
    }
    assert_eq!(got.len(), expected.len());
}
