use super::*;
use crate::assign::DepartmentNeed;
use crate::audit::{
    DrawAnnouncement, DrawLog, EntryKind, LogEntry, LogError, Logged, SeedCommitment, record_digest,
};
use crate::ids::{DeptId, ItemId};
use crate::inspector::{Inspector, InspectorPool};
use crate::joint::{JointTask, MergeConfig, draw_task_recorded, propose};
use crate::plan::{AnnualPlan, Plan, PlanId, PlanKind, PlanSize, Window};
use crate::policy::{Ratio, SamplingPolicy};
use crate::risk::RiskGrade;
use crate::scope::Scope;
use crate::target::{FrozenPool, Target, TargetPool};
use chrono::NaiveDate;

const SOURCE: &str = "双色球 2026130期";
const VALUE: &str = "03 07 12 19 25 31 + 09";

fn dept(s: &str) -> DeptId {
    DeptId::new(s).unwrap()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// Twelve officers in each of SC and WJ.
fn inspectors() -> FrozenInspectorPool {
    InspectorPool::from_entries(["SC", "WJ"].iter().flat_map(|&dp| {
        (0..12).map(move |i| {
            Inspector::new(
                InspectorId::new(format!("{dp}-P{i:02}")).unwrap(),
                dept(dp),
                format!("{dp}-C{i}"),
            )
        })
    }))
    .unwrap()
    .into_frozen()
}

fn targets(n: usize) -> FrozenPool {
    let grades = [RiskGrade::A, RiskGrade::B, RiskGrade::C, RiskGrade::D];
    TargetPool::from_entries((0..n).map(|i| {
        let mut t = Target::new(TargetId::new(format!("T{i:03}")).unwrap());
        t.grade = Some(grades[i % 4]);
        t
    }))
    .unwrap()
    .into_frozen()
}

fn plan(id: &str, department: &str, item: &str) -> Plan {
    let r = |p| Ratio::percent(p).unwrap();
    Plan {
        id: PlanId::new(id).unwrap(),
        name: id.into(),
        year: 2026,
        kind: PlanKind::Single {
            department: dept(department),
        },
        items: vec![ItemId::new(item).unwrap()],
        scope: Scope::all(),
        size: PlanSize::Policy(Box::new(SamplingPolicy::by_grade(
            r(5),
            r(10),
            r(20),
            r(40),
            None,
        ))),
        window: Window::new(d(4, 1), d(5, 31)),
        frequency_per_year: 1,
        due: None,
    }
}

/// One task of two SC plans (within one department), drawn and recorded.
fn drawn_task() -> (JointTask, Vec<crate::record::DrawRecord>, Vec<Visit>) {
    let pool = targets(80);
    let mut annual = AnnualPlan::new(2026);
    annual.plans = vec![plan("A", "SC", "SC-1"), plan("B", "SC", "SC-2")];
    let list = crate::catalog::JointItemList {
        name: "联合清单".into(),
        version: "2026".into(),
        domains: Vec::new(),
    };
    let proposal = propose(&annual, &list, &pool, &MergeConfig::default());
    assert_eq!(proposal.tasks.len(), 1);
    let task = proposal.tasks[0].clone();
    let origin = SeedOrigin::PublicEntropy {
        source: SOURCE.into(),
        value: VALUE.into(),
    };
    let seed = Seed::from_public_entropy(SOURCE, VALUE, &task.id);
    let (drawn, records) = draw_task_recorded(&task, &annual, &pool, &seed, &origin).unwrap();
    assert_eq!(records.len(), 2);
    let visits = drawn
        .visits
        .iter()
        .enumerate()
        .map(|(n, v)| Visit {
            id: format!("V{n:03}"),
            target: v.target.clone(),
            date: d(4, 7 + (n % 20) as u32),
            needs: vec![DepartmentNeed {
                department: dept("SC"),
                items: v.items.clone(),
            }],
        })
        .collect();
    (task, records, visits)
}

/// The announcement of the drawn task: its plans, the pool, [`SOURCE`].
fn announced(task: &JointTask) -> DrawAnnouncement {
    task.announcement(
        &targets(80),
        SeedCommitment::PublicEntropy {
            source: SOURCE.into(),
        },
    )
}

fn request(task: &TaskId, visits: Vec<Visit>) -> MatchRequest {
    let facts = visits
        .iter()
        .map(|v| (v.target.clone(), TargetFacts::default()))
        .collect();
    MatchRequest::with_public_entropy(
        task.clone(),
        SOURCE,
        VALUE,
        MatchPolicy::default(),
        visits,
        facts,
    )
}

fn small() -> (FrozenInspectorPool, TeamRecord) {
    let (task, _, visits) = drawn_task();
    let pool = inspectors();
    let record = matching(&pool, &request(&task.id, visits)).unwrap();
    (pool, record)
}

#[test]
fn a_matching_reproduces_from_its_published_record() {
    let (pool, record) = small();
    assert!(!record.teams.is_empty());
    assert_eq!(record.format, TEAM_RECORD_FORMAT);
    let read = TeamRecord::from_json(&record.to_json()).unwrap();
    assert_eq!(read, record);
    assert_eq!(verify(&read, &pool), TeamVerification::default());
    // Workload adds up to the team sizes.
    let total: u32 = record.workload.values().sum();
    let seats: usize = record.teams.iter().map(|t| t.members.len()).sum();
    assert_eq!(total as usize, seats);
}

#[test]
fn facts_of_targets_not_visited_are_left_out() {
    let (task, _, visits) = drawn_task();
    let mut req = request(&task.id, visits);
    req.targets
        .insert(TargetId::new("ELSEWHERE").unwrap(), TargetFacts::default());
    let record = matching(&inspectors(), &req).unwrap();
    assert!(
        !record
            .request
            .targets
            .contains_key(&TargetId::new("ELSEWHERE").unwrap())
    );
    assert_eq!(record.request.targets.len(), record.targets().len());
}

#[test]
fn every_change_to_a_record_is_named() {
    let (pool, record) = small();
    let check = |r: &TeamRecord| verify(r, &pool).mismatches;

    let mut r = record.clone();
    let other = if r.teams[0].members[1].0.as_str() == "SC-P11" {
        "SC-P10"
    } else {
        "SC-P11"
    };
    r.teams[0].members[1].0 = InspectorId::new(other).unwrap();
    let m = check(&r);
    assert!(
        matches!(&m[0], TeamMismatch::Team { visit, .. } if visit == &record.teams[0].visit),
        "{m:?}"
    );
    assert!(m[0].to_string().contains(other), "{}", m[0]);

    let mut r = record.clone();
    *r.workload.values_mut().next().unwrap() += 1;
    assert!(matches!(check(&r)[..], [TeamMismatch::Workload { .. }]));

    let mut r = record.clone();
    r.teams.swap(0, 1);
    assert_eq!(check(&r), [TeamMismatch::Order]);

    let mut r = record.clone();
    let dup = r.teams[0].clone();
    r.teams.push(dup);
    assert!(matches!(
        check(&r)[..],
        [TeamMismatch::DuplicateTeam { .. }]
    ));

    let mut r = record.clone();
    r.teams.pop();
    assert!(
        matches!(check(&r)[..], [TeamMismatch::Team { ref recorded, .. }] if recorded.is_empty())
    );

    let mut r = record.clone();
    r.request.seed_origin = SeedOrigin::PublicEntropy {
        source: SOURCE.into(),
        value: "another value".into(),
    };
    assert!(matches!(check(&r)[0], TeamMismatch::Seed { .. }));

    let mut r = record.clone();
    r.algorithm.version = 2;
    assert!(matches!(check(&r)[..], [TeamMismatch::Algorithm { .. }]));

    let mut r = record.clone();
    r.format = "something/else".into();
    assert!(matches!(check(&r)[0], TeamMismatch::Format { .. }));

    // Another pool: caught by its digest and size.
    let smaller = InspectorPool::from_entries(pool.entries()[..20].iter().cloned())
        .unwrap()
        .into_frozen();
    let m = verify(&record, &smaller).mismatches;
    assert!(matches!(m[0], TeamMismatch::PoolDigest { .. }), "{m:?}");
    assert!(matches!(m[1], TeamMismatch::PoolSize { .. }), "{m:?}");
}

#[test]
fn bad_requests_are_refused_with_the_task_named() {
    let (task, _, visits) = drawn_task();
    let mut req = request(&task.id, visits.clone());
    req.seed = Seed([9; 32]);
    assert!(matches!(
        matching(&inspectors(), &req),
        Err(TeamError::SeedMismatch { .. })
    ));
    // Only two WJ officers: a shortage, naming the task, the visit and the department.
    let mut req = request(&task.id, visits);
    req.policy.min_team = 3;
    let tiny = InspectorPool::from_entries(inspectors().entries()[..2].iter().cloned())
        .unwrap()
        .into_frozen();
    let err = matching(&tiny, &req).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("task {}: visit V", task.id)) && err.contains("department SC"),
        "{err}"
    );
}

#[test]
fn teams_enter_the_log_after_the_draws_of_their_task() {
    let (task, records, visits) = drawn_task();
    let pool = inspectors();
    let teams = matching(&pool, &request(&task.id, visits.clone())).unwrap();
    let teams_again = teams.clone();

    // No draw yet: refused.
    let mut log = DrawLog::new();
    assert!(matches!(
        log.append_teams(teams.clone()),
        Err(LogError::TeamsDoNotFitDraws { .. })
    ));
    // Both member plans are drawn under the one task; a plan twice is refused.
    log.announce(announced(&task)).unwrap();
    log.append(records[0].clone()).unwrap();
    assert!(matches!(
        log.append(records[0].clone()),
        Err(LogError::AlreadyDrawn { ref task, entry: 1 }) if task.contains("plan A")
    ));
    // Teams before the second plan's draw miss nothing only if plan B added no target.
    log.append(records[1].clone()).unwrap();
    assert_eq!(log.current_draws(&task.id).len(), 2);

    // Teams that leave a drawn target without a visit are refused, naming it.
    let mut short = request(&task.id, visits[1..].to_vec());
    short.targets.clear();
    for v in &short.visits {
        short
            .targets
            .insert(v.target.clone(), TargetFacts::default());
    }
    let short = matching(&pool, &short).unwrap();
    let err = log.append_teams(short).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("target {} drawn in entry", visits[0].target)),
        "{err}"
    );

    // A record whose request keeps a visit but whose teams leave it out staffs nobody there.
    let mut dropped = teams.clone();
    let gone = dropped.teams.remove(0);
    let err = log.append_teams(dropped).unwrap_err().to_string();
    let target = &teams
        .request
        .visits
        .iter()
        .find(|v| v.id == gone.visit)
        .unwrap()
        .target;
    assert!(
        err.contains(&format!("target {target} drawn in entry")) && err.contains("has no team"),
        "{err}"
    );
    // A team for a visit the request does not hold.
    let mut stray = teams.clone();
    stray.teams[0].visit = "V-NONE".into();
    let err = log.append_teams(stray).unwrap_err().to_string();
    assert!(
        err.contains("visit \"V-NONE\", which the record's request does not hold"),
        "{err}"
    );

    let entry = log.append_teams(teams.clone()).unwrap().seq;
    assert_eq!(entry, 3);
    assert_eq!(log.current_teams(&task.id).unwrap().seq, 3);
    assert!(matches!(
        log.append_teams(teams.clone()),
        Err(LogError::AlreadyMatched { entry: 3, .. })
    ));
    assert!(matches!(
        log.append_rematch(teams.clone(), 3, "  "),
        Err(LogError::BadRematch { .. })
    ));
    assert!(matches!(
        log.append_rematch(teams.clone(), 1, "组员生病"),
        Err(LogError::BadRematch { .. })
    ));
    log.append_rematch(teams.clone(), 3, "组员生病").unwrap();
    assert_eq!(log.current_teams(&task.id).unwrap().seq, 4);
    assert!(matches!(
        log.append_rematch(teams, 3, "again"),
        Err(LogError::BadRematch { ref problem, .. }) if problem.contains("already superseded by entry 4")
    ));

    assert!(log.stale_teams().is_empty());
    // A member plan re-drawn after the matching (from a newly announced source) leaves the
    // teams stale until a re-match.
    let mut later = log.clone();
    let mut again = announced(&task);
    again.seed = SeedCommitment::PublicEntropy {
        source: "双色球 2026131期".into(),
    };
    later.announce(again).unwrap();
    let origin = SeedOrigin::PublicEntropy {
        source: "双色球 2026131期".into(),
        value: "01 02 03 04 05 06 + 07".into(),
    };
    let seed = origin.derive(&task.id).unwrap();
    let mut annual = AnnualPlan::new(2026);
    annual.plans = vec![plan("A", "SC", "SC-1"), plan("B", "SC", "SC-2")];
    let (_, redrawn) = draw_task_recorded(&task, &annual, &targets(80), &seed, &origin).unwrap();
    later
        .append_redraw(redrawn[1].clone(), 2, "抽取结果公示前发现主体已注销")
        .unwrap();
    assert_eq!(later.stale_teams(), [(task.id.clone(), 4, 6)]);
    // The old teams no longer fit the draws in force; teams for plan A's old and plan B's new
    // targets do.
    assert_ne!(
        redrawn[1].selected, records[1].selected,
        "a new source, a new sample"
    );
    assert!(matches!(
        later
            .clone()
            .append_rematch(teams_again.clone(), 4, "重新抽取后重新匹配"),
        Err(LogError::TeamsDoNotFitDraws { .. })
    ));
    let targets_now: BTreeSet<TargetId> = records[0]
        .selected
        .iter()
        .chain(&redrawn[1].selected)
        .map(|t| t.id.clone())
        .collect();
    let items: Vec<ItemId> = vec![ItemId::new("SC-1").unwrap(), ItemId::new("SC-2").unwrap()];
    let visits_now: Vec<Visit> = targets_now
        .into_iter()
        .enumerate()
        .map(|(n, target)| Visit {
            id: format!("V{n:03}"),
            target,
            date: d(4, 7 + (n % 20) as u32),
            needs: vec![DepartmentNeed {
                department: dept("SC"),
                items: items.clone(),
            }],
        })
        .collect();
    let rematched = matching(&pool, &request(&task.id, visits_now)).unwrap();
    later
        .append_rematch(rematched, 4, "重新抽取后重新匹配")
        .unwrap();
    assert!(later.stale_teams().is_empty());
    later.verify_chain().unwrap();

    // The log round-trips through JSON Lines and its chain holds.
    let read = DrawLog::from_jsonl(&log.to_jsonl()).unwrap();
    assert_eq!(read, log);
    read.verify_chain().unwrap();
    assert!(matches!(read.entries()[3].kind, EntryKind::Teams));
    assert!(read.entries()[3].record.as_teams().is_some());
}

#[test]
fn a_forged_entry_with_the_wrong_record_is_refused_by_the_chain_check() {
    let (task, records, visits) = drawn_task();
    let teams = matching(&inspectors(), &request(&task.id, visits)).unwrap();
    let mut log = DrawLog::new();
    log.announce(announced(&task)).unwrap();
    log.append(records[0].clone()).unwrap();
    log.append(records[1].clone()).unwrap();
    // A teams entry carrying a draw record, correctly hashed.
    for (kind, record) in [
        (EntryKind::Teams, Logged::Draw(Box::new(records[0].clone()))),
        (EntryKind::Draw, Logged::Teams(Box::new(teams))),
    ] {
        let mut e = LogEntry {
            seq: 3,
            previous: log.head(),
            kind,
            record_digest: record_digest(&record),
            record,
            digest: crate::digest::Digest::ZERO,
        };
        e.digest = e.compute_digest();
        let mut text = log.to_jsonl();
        text.push_str(&serde_json::to_string(&e).unwrap());
        let forged = DrawLog::from_jsonl(&text).unwrap();
        let err = forged.verify_chain().unwrap_err().to_string();
        assert!(err.contains("entry must carry a"), "{err}");
    }
}
