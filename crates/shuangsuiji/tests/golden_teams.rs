//! Golden vectors of inspector matching (`docs/MATCHING.md`): teams that must never change.
//!
//! Each file under `tests/vectors/teams/` holds an inspector pool (in a scrambled row order, so
//! that a re-implementation must sort it), a match request, and either the team record the
//! library wrote or the exact error it gave. The test re-runs every case from its definition
//! below and requires the identical record (or message), re-runs the request stored in the file,
//! and verifies the stored record against the stored pool with `teams::verify`.
//!
//! `SSJ_BLESS=1` writes the file of a case that has none yet; it never rewrites an existing one,
//! so a changed matching cannot be papered over (delete a file by hand to re-bless it, and only
//! for a case whose definition changed).

use serde_json::{Value, json};
use shuangsuiji::assign::{
    ASSIGN_STREAM, Conflict, DepartmentNeed, MatchPolicy, TargetFacts, Visit,
};
use shuangsuiji::ids::{DeptId, InspectorId, ItemId, TargetId, TaskId};
use shuangsuiji::inspector::{FrozenInspectorPool, Inspector, InspectorPool};
use shuangsuiji::keys::entity_key;
use shuangsuiji::seed::{Seed, SeedOrigin};
use shuangsuiji::teams::{self, MatchRequest, TeamRecord};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/teams")
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

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

const SEED1: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn seed(h: &str) -> Seed {
    h.parse().unwrap()
}

/// An active officer with a certificate that never expires, no region and no item restriction.
fn officer(id: &str, dept: &str) -> Inspector {
    Inspector::new(
        pid(id),
        DeptId::new(dept).unwrap(),
        format!("4202{:08}", id.len() * 7919 % 100_000_000),
    )
}

/// An officer changed by `f`.
fn officer_with(id: &str, dept: &str, f: impl FnOnce(&mut Inspector)) -> Inspector {
    let mut p = officer(id, dept);
    f(&mut p);
    p
}

/// An expert (no certificate) of a department.
fn expert(id: &str, dept: &str) -> Inspector {
    let mut p = officer(id, dept);
    p.certificate.clear();
    p.expert = true;
    p
}

fn expert_with(id: &str, dept: &str, f: impl FnOnce(&mut Inspector)) -> Inspector {
    let mut p = expert(id, dept);
    f(&mut p);
    p
}

/// Scrambles the row order (a fixed permutation), so that files are not in canonical order.
fn scrambled(mut rows: Vec<Inspector>) -> Vec<Inspector> {
    let n = rows.len();
    if n > 2 {
        let mut out = Vec::with_capacity(n);
        let step = (1..n)
            .rev()
            .find(|s| gcd(*s, n) == 1 && *s > 1)
            .unwrap_or(1);
        for k in 0..n {
            out.push(rows[(k * step + 3) % n].clone());
        }
        rows = out;
    } else {
        rows.reverse();
    }
    rows
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn visit(id: &str, target: &str, day: &str, needs: &[(&str, &[&str])]) -> Visit {
    Visit {
        id: id.into(),
        target: tid(target),
        date: date(day),
        needs: needs
            .iter()
            .map(|(d, items)| DepartmentNeed {
                department: DeptId::new(*d).unwrap(),
                items: items.iter().map(|i| item(i)).collect(),
            })
            .collect(),
    }
}

fn facts(region: &str, last: &[&str]) -> TargetFacts {
    TargetFacts {
        region: region.into(),
        last_inspectors: last.iter().map(|p| pid(p)).collect(),
    }
}

fn request<S: AsRef<str>>(
    task: &str,
    policy: MatchPolicy,
    visits: Vec<Visit>,
    targets: Vec<(S, TargetFacts)>,
) -> MatchRequest {
    MatchRequest {
        task_id: TaskId::new(task).unwrap(),
        seed: seed(SEED1),
        seed_origin: SeedOrigin::Given,
        policy,
        visits,
        targets: targets
            .into_iter()
            .map(|(t, f)| (tid(t.as_ref()), f))
            .collect(),
    }
}

/// Every target of the visits, with no region and no last inspectors.
fn blank_facts(visits: &[Visit]) -> Vec<(String, TargetFacts)> {
    let mut out: Vec<(String, TargetFacts)> = Vec::new();
    for v in visits {
        if !out.iter().any(|(x, _)| x == v.target.as_str()) {
            out.push((v.target.to_string(), TargetFacts::default()));
        }
    }
    out
}

/// The cases: name, description, pool rows, request.
fn cases() -> Vec<(&'static str, &'static str, Vec<Inspector>, MatchRequest)> {
    let mut v = Vec::new();

    // 1. Several departments, round-robin extra slots, visit order by (date, id bytes).
    let mut rows = Vec::new();
    for (dept, n) in [("D01", 7), ("D02", 6), ("D03", 6)] {
        for i in 0..n {
            rows.push(officer(&format!("{dept}-P{i}"), dept));
        }
    }
    let visits = vec![
        visit(
            "V9",
            "T04",
            "2026-05-12",
            &[("D02", &["I-HEALTH"]), ("D01", &["I-FOOD"])],
        ),
        visit(
            "V10",
            "T05",
            "2026-05-12",
            &[
                ("D01", &["I-FOOD"]),
                ("D02", &["I-HEALTH"]),
                ("D03", &["I-SAFETY"]),
            ],
        ),
        visit("V01", "T01", "2026-05-13", &[("D03", &["I-SAFETY"])]),
        visit(
            "V02",
            "T02",
            "2026-05-11",
            &[("D01", &["I-FOOD", "I-PRICE"]), ("D03", &[])],
        ),
        visit(
            "V03",
            "T03",
            "2026-05-11",
            &[("D02", &[]), ("D03", &[]), ("D01", &[])],
        ),
        visit(
            "V04",
            "T01",
            "2026-05-14",
            &[("D01", &["I-FOOD"]), ("D02", &["I-HEALTH"])],
        ),
        visit(
            "V05",
            "T06",
            "2026-05-14",
            &[("D03", &["I-SAFETY"]), ("D01", &["I-FOOD"])],
        ),
        visit("V06", "T07", "2026-05-15", &[("D02", &["I-HEALTH"])]),
    ];
    let targets = blank_facts(&visits);
    v.push((
        "departments-round-robin",
        "three departments, min_team 5: slots 3+2 (lead first), 2+2+1, 5 for one department, 2+2+1 for three; \
         visits given out of order, V10 before V9 (byte order of ids) on the same date; workload and keys advance visit by visit",
        scrambled(rows),
        request(
            "V-ROUND-ROBIN",
            MatchPolicy {
                min_team: 5,
                ..MatchPolicy::default()
            },
            visits,
            targets,
        ),
    ));

    // 2. Experts and same-region recusal.
    let mut rows = Vec::new();
    for (i, region) in [
        "大冶市",
        "黄石港区",
        "",
        "大冶",
        "大冶市",
        "下陆区",
        "",
        "黄石港区",
    ]
    .iter()
    .enumerate()
    {
        rows.push(officer_with(&format!("P{i}"), "D01", |p| {
            p.region = (*region).into()
        }));
    }
    rows.push(expert_with("E1", "Z-专家库", |p| {
        p.region = "下陆区".into()
    }));
    rows.push(expert("E2", "A-质检院"));
    rows.push(expert_with("E3", "D01", |p| p.region = "大冶市".into()));
    rows.push(expert("E4", "A-质检院"));
    rows.push(expert_with("E5", "D01", |p| p.active = false));
    rows.push(expert_with("E6", "Z-专家库", |p| {
        // An expert's certificate is not checked, even when it has expired.
        p.certificate = "EXP-6".into();
        p.certificate_expiry = Some(date("2020-01-01"));
    }));
    rows.push(expert_with("E7", "D02", |p| {
        p.items.insert(item("I-NOTHING"));
    }));
    let visits = vec![
        visit("V-1", "T-大冶", "2026-06-01", &[("D01", &["I-FOOD"])]),
        visit("V-2", "T-黄石港", "2026-06-01", &[("D01", &["I-FOOD"])]),
        visit("V-3", "T-无区划", "2026-06-02", &[("D01", &["I-FOOD"])]),
        visit("V-4", "T-大冶", "2026-06-03", &[("D01", &["I-FOOD"])]),
        visit("V-5", "T-下陆", "2026-06-03", &[("D01", &["I-FOOD"])]),
        visit("V-6", "T-大冶", "2026-06-04", &[("D01", &["I-FOOD"])]),
    ];
    v.push((
        "experts-same-region",
        "two experts per team from a mixed expert pool (roster order of experts is by department, then id); \
         same-region recusal for officers and experts (exact region match; an empty region never matches; \
         \"大冶\" is not \"大冶市\"); an inactive expert, an expert with an expired certificate (not checked), \
         an expert with an item scope (ignored)",
        scrambled(rows),
        request(
            "V-EXPERTS",
            MatchPolicy {
                experts: 2,
                same_region_recusal: true,
                ..MatchPolicy::default()
            },
            visits,
            vec![
                ("T-大冶", facts("大冶市", &[])),
                ("T-黄石港", facts("黄石港区", &[])),
                ("T-无区划", facts("", &[])),
                ("T-下陆", facts("下陆区", &[])),
            ],
        ),
    ));

    // 3. Conflicts, last inspectors, avoidance pairs.
    let mut rows = Vec::new();
    for i in 0..8 {
        rows.push(officer(&format!("A{i}"), "D01"));
    }
    for i in 0..5 {
        rows.push(officer(&format!("B{i}"), "D02"));
    }
    for i in 0..4 {
        rows.push(expert(&format!("X{i}"), "专家"));
    }
    let conflict = |p: &str, t: &str, why: &str| Conflict {
        inspector: pid(p),
        target: tid(t),
        reason: why.into(),
    };
    let policy = MatchPolicy {
        min_team: 3,
        experts: 1,
        conflicts: vec![
            conflict("A1", "T1", "近亲属任法定代表人"),
            conflict("A2", "T1", ""),
            conflict("X0", "T2", "曾任该企业顾问"),
            conflict("B3", "T3", "持股"),
            conflict("NOT-IN-POOL", "T1", "ignored"),
        ],
        avoid_pairs: vec![
            (pid("A0"), pid("A5")),
            (pid("A3"), pid("B0")),
            (pid("A4"), pid("X1")),
            (pid("B1"), pid("B2")),
            (pid("A6"), pid("GHOST")),
        ],
        ..MatchPolicy::default()
    };
    let visits = vec![
        visit(
            "V-1",
            "T1",
            "2026-07-01",
            &[("D01", &["I-FOOD"]), ("D02", &["I-HEALTH"])],
        ),
        visit(
            "V-2",
            "T2",
            "2026-07-01",
            &[("D01", &["I-FOOD"]), ("D02", &["I-HEALTH"])],
        ),
        visit(
            "V-3",
            "T3",
            "2026-07-02",
            &[("D02", &["I-HEALTH"]), ("D01", &["I-FOOD"])],
        ),
        visit("V-4", "T1", "2026-07-03", &[("D01", &["I-FOOD"])]),
        visit(
            "V-5",
            "T4",
            "2026-07-03",
            &[("D01", &["I-FOOD"]), ("D02", &["I-HEALTH"])],
        ),
        visit(
            "V-6",
            "T2",
            "2026-07-04",
            &[("D02", &["I-HEALTH"]), ("D01", &["I-FOOD"])],
        ),
        visit(
            "V-7",
            "T3",
            "2026-07-04",
            &[("D01", &["I-FOOD"]), ("D02", &["I-HEALTH"])],
        ),
    ];
    v.push((
        "conflicts-last-avoidance",
        "declared conflicts (one naming an inspector outside the pool, ignored), last-inspector recusal \
         (including an id outside the pool), avoidance pairs within a department, across departments and \
         with an expert (one naming an id outside the pool, ignored); facts of an unvisited target are \
         dropped from the record",
        scrambled(rows),
        request(
            "V-RECUSAL",
            policy,
            visits,
            vec![
                ("T1", facts("", &["A3", "B4", "OUT-9"])),
                ("T2", facts("", &["A0"])),
                ("T3", facts("", &[])),
                ("T4", facts("", &["X2", "X3", "A7"])),
                ("T-UNVISITED", facts("某区", &["A0", "A1"])),
            ],
        ),
    ));

    // 4. Prior workload.
    let rows: Vec<Inspector> = (0..9).map(|i| officer(&format!("W{i}"), "D01")).collect();
    let prior: BTreeMap<InspectorId, u32> = [
        ("W0", 4),
        ("W1", 2),
        ("W2", 1),
        ("W5", 1),
        ("W8", 3),
        ("LEFT-THE-POOL", 5),
    ]
    .into_iter()
    .map(|(p, n)| (pid(p), n))
    .collect();
    let visits: Vec<Visit> = (0..10)
        .map(|k| {
            visit(
                &format!("V-{k:02}"),
                &format!("T{}", k % 4),
                &format!("2026-08-{:02}", 3 + k / 3),
                &[("D01", &["I-FOOD"])],
            )
        })
        .collect();
    let targets = blank_facts(&visits);
    v.push((
        "prior-workload-cap",
        "prior workload from earlier matchings (an inspector with prior visits starts at that round, key at \
         position prior*N + r; an id outside the pool is ignored), a cap of 4 visits in force (W0 starts at \
         it; a cap never changes a pick, it can only cause a shortage); the record's workload lists \
         prior-only inspectors too",
        scrambled(rows),
        request(
            "V-PRIOR",
            MatchPolicy {
                max_visits_per_inspector: Some(4),
                prior_workload: prior,
                ..MatchPolicy::default()
            },
            visits,
            targets,
        ),
    ));

    // 5. Certificates around the visit dates, item scopes, inactive officers.
    let mut rows = vec![
        officer_with("C-exp-0510", "D01", |p| {
            p.certificate_expiry = Some(date("2026-05-10"))
        }),
        officer_with("C-exp-0511", "D01", |p| {
            p.certificate_expiry = Some(date("2026-05-11"))
        }),
        officer_with("C-exp-0512", "D01", |p| {
            p.certificate_expiry = Some(date("2026-05-12"))
        }),
        officer_with("C-exp-0513", "D01", |p| {
            p.certificate_expiry = Some(date("2026-05-13"))
        }),
        officer_with("S-food", "D01", |p| {
            p.items.insert(item("I-FOOD"));
        }),
        officer_with("S-food-drug", "D01", |p| {
            p.items.insert(item("I-FOOD"));
            p.items.insert(item("I-DRUG"));
        }),
        officer_with("S-drug", "D01", |p| {
            p.items.insert(item("I-DRUG"));
        }),
        officer_with("S-drug-exp", "D01", |p| {
            p.items.insert(item("I-DRUG"));
            p.certificate_expiry = Some(date("2026-05-12"));
        }),
        officer_with("Z-inactive", "D01", |p| p.active = false),
        officer("U-1", "D01"),
        officer("U-2", "D01"),
        officer("U-3", "D01"),
    ];
    rows.push(officer_with("D02-S", "D02", |p| {
        p.items.insert(item("I-FOOD"));
    }));
    rows.push(officer("D02-U", "D02"));
    let mut visits = Vec::new();
    for (k, day) in ["2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14"]
        .iter()
        .enumerate()
    {
        visits.push(visit(
            &format!("V-{k}-a"),
            &format!("T{k}a"),
            day,
            &[("D01", &["I-FOOD", "I-DRUG"])],
        ));
        visits.push(visit(
            &format!("V-{k}-b"),
            &format!("T{k}b"),
            day,
            &[("D01", &["I-DRUG"])],
        ));
        visits.push(visit(
            &format!("V-{k}-c"),
            &format!("T{k}c"),
            day,
            &[("D01", &[]), ("D02", &["I-FOOD"])],
        ));
        visits.push(visit(
            &format!("V-{k}-d"),
            &format!("T{k}d"),
            day,
            &[("D01", &["I-SPECIAL"])],
        ));
    }
    let targets = blank_facts(&visits);
    v.push((
        "certificates-and-scope",
        "certificates expiring the day before, on and after visit days (valid through the expiry date \
         inclusive), item-scoped officers (all of the department's items needed; an empty item list needs \
         nothing; an item in no scope excludes every scoped officer), an inactive officer; min_team 3",
        scrambled(rows),
        request(
            "V-CERTS",
            MatchPolicy {
                min_team: 3,
                ..MatchPolicy::default()
            },
            visits,
            targets,
        ),
    ));

    // 6. Unicode ids everywhere, seed from public entropy.
    let mut rows = Vec::new();
    let region = |i: usize| {
        if i % 2 == 0 {
            "大冶市"
        } else {
            "黄石港区"
        }
    };
    for (i, name) in [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "Zhao-01", "赵敏",
    ]
    .iter()
    .enumerate()
    {
        rows.push(officer_with(name, "市场监管局", |p| {
            p.region = region(i).into()
        }));
    }
    for (i, name) in ["周杰", "吴刚", "郑爽", "孙丽", "钱多", "冯雪", "褚明"]
        .iter()
        .enumerate()
    {
        rows.push(officer_with(name, "卫生健康委员会", |p| {
            p.region = region(i + 1).into()
        }));
    }
    rows.push(expert("专家甲", "质量技术监督研究院"));
    rows.push(expert("专家乙", "疾控中心"));
    rows.push(expert_with("专家丙", "疾控中心", |p| {
        p.region = "大冶市".into()
    }));
    let visits = vec![
        visit(
            "检查-003",
            "企业-湖北某食品公司",
            "2026-09-02",
            &[
                ("卫生健康委员会", &["公共场所卫生"]),
                ("市场监管局", &["食品销售"]),
            ],
        ),
        visit(
            "检查-001",
            "企业-大冶某超市",
            "2026-09-01",
            &[("市场监管局", &["食品销售", "价格行为"])],
        ),
        visit(
            "检查-002",
            "个体-黄石港某诊所",
            "2026-09-01",
            &[("卫生健康委员会", &["医疗机构"])],
        ),
        visit(
            "检查-004",
            "企业-大冶某超市",
            "2026-09-03",
            &[
                ("市场监管局", &["食品销售"]),
                ("卫生健康委员会", &["公共场所卫生"]),
            ],
        ),
    ];
    let mut req = request(
        "2026-双随机-联合-001",
        MatchPolicy {
            min_team: 3,
            experts: 1,
            same_region_recusal: true,
            avoid_pairs: vec![(pid("张伟"), pid("周杰"))],
            conflicts: vec![Conflict {
                inspector: pid("专家乙"),
                target: tid("个体-黄石港某诊所"),
                reason: "曾在该诊所执业".into(),
            }],
            ..MatchPolicy::default()
        },
        visits,
        vec![
            ("企业-湖北某食品公司", facts("黄石港区", &["王芳"])),
            ("企业-大冶某超市", facts("大冶市", &["吴刚", "孙丽"])),
            ("个体-黄石港某诊所", facts("黄石港区", &[])),
        ],
    );
    let source = "示例：中国福利彩票双色球 2026130期";
    let value = "03 07 12 19 25 31 + 09";
    req.seed = Seed::from_public_entropy(source, value, &req.task_id);
    req.seed_origin = SeedOrigin::PublicEntropy {
        source: source.into(),
        value: value.into(),
    };
    v.push((
        "unicode-public-entropy",
        "Chinese inspector, department, target, item and visit ids (byte order of UTF-8); a joint visit \
         of two departments with same-region recusal making each team cross-region; seed derived from a \
         public value",
        scrambled(rows),
        req,
    ));

    // Errors.
    let rows = vec![
        officer_with("P1-inactive", "D01", |p| p.active = false),
        officer_with("P2-expired", "D01", |p| {
            p.certificate_expiry = Some(date("2026-03-01"))
        }),
        officer_with("P3-scoped", "D01", |p| {
            p.items.insert(item("I-DRUG"));
        }),
        officer_with("P4-region", "D01", |p| p.region = "大冶市".into()),
        officer("P5-conflict", "D01"),
        officer("P6-last", "D01"),
        officer("P7-ok", "D01"),
        officer("P8-avoided", "D01"),
        officer("P9-capped", "D01"),
    ];
    let mut prior = BTreeMap::new();
    prior.insert(pid("P9-capped"), 2);
    v.push((
        "error-shortage-every-reason",
        "a department shortage with one candidate refused for each reason, counted under its first reason; \
         the one eligible officer is picked, and its avoidance partner is then refused",
        scrambled(rows),
        request(
            "V-SHORT",
            MatchPolicy {
                min_team: 3,
                same_region_recusal: true,
                max_visits_per_inspector: Some(2),
                prior_workload: prior,
                conflicts: vec![Conflict {
                    inspector: pid("P5-conflict"),
                    target: tid("T1"),
                    reason: String::new(),
                }],
                avoid_pairs: vec![(pid("P8-avoided"), pid("P7-ok"))],
                ..MatchPolicy::default()
            },
            vec![visit("V-1", "T1", "2026-03-02", &[("D01", &["I-FOOD"])])],
            vec![("T1", facts("大冶市", &["P6-last"]))],
        ),
    ));

    let rows: Vec<Inspector> = (0..3).map(|i| officer(&format!("P{i}"), "D01")).collect();
    let visits: Vec<Visit> = (1..=4)
        .map(|k| {
            visit(
                &format!("V-{k}"),
                &format!("T{k}"),
                "2026-03-02",
                &[("D01", &[])],
            )
        })
        .collect();
    let targets = blank_facts(&visits);
    v.push((
        "error-workload-cap",
        "three officers, a cap of 2 visits: three visits use every allowance, the fourth cannot be staffed",
        scrambled(rows),
        request(
            "V-CAP",
            MatchPolicy {
                max_visits_per_inspector: Some(2),
                ..MatchPolicy::default()
            },
            visits,
            targets,
        ),
    ));

    let rows = vec![
        officer("P1", "D01"),
        officer("P2", "D01"),
        officer("P3", "D01"),
        expert_with("X1", "专家", |p| p.region = "大冶市".into()),
        expert_with("X2", "专家", |p| p.active = false),
        expert("X3", "专家"),
        expert("X4", "D02"),
    ];
    v.push((
        "error-experts-shortage",
        "two experts needed, one eligible: one inactive, one recused for the region, one for a conflict",
        scrambled(rows),
        request(
            "V-EXPERTS-SHORT",
            MatchPolicy {
                experts: 2,
                same_region_recusal: true,
                conflicts: vec![Conflict {
                    inspector: pid("X4"),
                    target: tid("T1"),
                    reason: String::new(),
                }],
                ..MatchPolicy::default()
            },
            vec![visit("V-1", "T1", "2026-03-02", &[("D01", &[])])],
            vec![("T1", facts("大冶市", &[]))],
        ),
    ));

    let rows = vec![
        officer("P1", "D01"),
        officer("P2", "D01"),
        expert("X1", "D09"),
    ];
    v.push((
        "error-no-officers",
        "a department with no officers in the pool (an expert of that department is not an officer of it)",
        scrambled(rows),
        request(
            "V-NONE",
            MatchPolicy::default(),
            vec![visit("V-1", "T1", "2026-03-02", &[("D09", &[])])],
            vec![("T1", TargetFacts::default())],
        ),
    ));

    let rows = vec![officer("P1", "D01"), officer("P2", "D01")];
    let mut req = request(
        "V-SEED",
        MatchPolicy::default(),
        vec![visit("V-1", "T1", "2026-03-02", &[("D01", &[])])],
        vec![("T1", TargetFacts::default())],
    );
    req.seed_origin = SeedOrigin::PublicEntropy {
        source: "beacon".into(),
        value: "42".into(),
    };
    v.push((
        "error-seed-mismatch",
        "a seed that is not the one its public-entropy origin derives",
        rows.clone(),
        req,
    ));

    let bad_inputs: [(&'static str, &'static str, MatchRequest); 5] = [
        (
            "error-team-too-small",
            "min_team below the legal minimum of 2",
            request(
                "V-SMALL",
                MatchPolicy {
                    min_team: 1,
                    ..MatchPolicy::default()
                },
                vec![visit("V-1", "T1", "2026-03-02", &[("D01", &[])])],
                vec![("T1", TargetFacts::default())],
            ),
        ),
        (
            "error-duplicate-visit",
            "two visits with one id (on different dates)",
            request(
                "V-DUP",
                MatchPolicy::default(),
                vec![
                    visit("V-1", "T1", "2026-03-03", &[("D01", &[])]),
                    visit("V-1", "T2", "2026-03-02", &[("D01", &[])]),
                ],
                vec![
                    ("T1", TargetFacts::default()),
                    ("T2", TargetFacts::default()),
                ],
            ),
        ),
        (
            "error-duplicate-department",
            "a department listed twice in one visit",
            request(
                "V-DUPDEPT",
                MatchPolicy::default(),
                vec![visit(
                    "V-1",
                    "T1",
                    "2026-03-02",
                    &[("D01", &["a"]), ("D01", &["b"])],
                )],
                vec![("T1", TargetFacts::default())],
            ),
        ),
        (
            "error-self-avoidance",
            "an avoidance pair naming one inspector twice",
            request(
                "V-SELF",
                MatchPolicy {
                    avoid_pairs: vec![(pid("P1"), pid("P1"))],
                    ..MatchPolicy::default()
                },
                vec![visit("V-1", "T1", "2026-03-02", &[("D01", &[])])],
                vec![("T1", TargetFacts::default())],
            ),
        ),
        (
            "error-unknown-target",
            "a visit to a target without recusal facts (after an earlier visit was staffed)",
            request(
                "V-UNKNOWN",
                MatchPolicy::default(),
                vec![
                    visit("V-2", "T2", "2026-03-03", &[("D01", &[])]),
                    visit("V-1", "T1", "2026-03-02", &[("D01", &[])]),
                ],
                vec![("T1", TargetFacts::default())],
            ),
        ),
    ];
    for (name, description, req) in bad_inputs {
        v.push((name, description, rows.clone(), req));
    }
    v
}

fn record_value(rec: &TeamRecord) -> Value {
    let mut v = serde_json::to_value(rec).unwrap();
    // The library version is informative only; vectors hold for every version.
    v["library_version"] = json!("*");
    v
}

fn frozen(rows: &[Inspector]) -> FrozenInspectorPool {
    InspectorPool::from_entries(rows.iter().cloned())
        .unwrap()
        .into_frozen()
}

#[test]
fn teams_match_golden_vectors() {
    let dir = vectors_dir();
    let bless = std::env::var("SSJ_BLESS").is_ok();
    let mut names = Vec::new();
    for (name, description, rows, request) in cases() {
        assert!(!names.contains(&name), "case {name} twice");
        names.push(name);
        let pool = frozen(&rows);
        let outcome = teams::matching(&pool, &request);
        let path = dir.join(format!("{name}.json"));
        if bless && !path.exists() {
            let mut file = json!({
                "name": name,
                "description": description,
                "pool": json!(rows),
                "pool_digest": pool.digest().to_hex(),
                "request": json!(request),
            });
            match &outcome {
                Ok(rec) => file["record"] = record_value(rec),
                Err(e) => file["error"] = json!(e.to_string()),
            }
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("vector {name}: {e} (new case? run with SSJ_BLESS=1)"));
        let stored: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(stored["name"], json!(name), "vector {name}: name");
        // The stored pool, loaded in its stored (scrambled) order, is the case's pool.
        let stored_pool: InspectorPool = serde_json::from_value(stored["pool"].clone()).unwrap();
        let stored_pool = stored_pool.into_frozen();
        assert_eq!(
            stored_pool.digest(),
            pool.digest(),
            "vector {name}: pool digest"
        );
        assert_eq!(
            stored["pool_digest"],
            json!(pool.digest().to_hex()),
            "vector {name}: stored pool digest"
        );
        // The stored request is the case's request, and re-running it gives the same outcome.
        let stored_req: MatchRequest = serde_json::from_value(stored["request"].clone()).unwrap();
        assert_eq!(stored_req, request, "vector {name}: request");
        let rerun = teams::matching(&stored_pool, &stored_req);
        match outcome {
            Ok(rec) => {
                assert!(
                    stored.get("error").is_none(),
                    "vector {name}: expected an error"
                );
                assert_eq!(
                    stored["record"],
                    record_value(&rec),
                    "vector {name} changed"
                );
                assert_eq!(rerun.as_ref().ok(), Some(&rec), "vector {name}: re-run");
                let mut stored_rec = stored["record"].clone();
                stored_rec["library_version"] = json!(env!("CARGO_PKG_VERSION"));
                let stored_rec: TeamRecord = serde_json::from_value(stored_rec).unwrap();
                let check = teams::verify(&stored_rec, &stored_pool);
                assert!(check.is_ok(), "vector {name}: {check}");
                // The record is what the library publishes, and it reads back.
                assert_eq!(TeamRecord::from_json(&rec.to_json()).unwrap(), rec);
            }
            Err(e) => {
                assert!(
                    stored.get("record").is_none(),
                    "vector {name}: expected a record"
                );
                assert_eq!(
                    stored["error"],
                    json!(e.to_string()),
                    "vector {name} changed"
                );
                assert_eq!(
                    rerun.err().map(|e| e.to_string()),
                    Some(e.to_string()),
                    "vector {name}: re-run"
                );
            }
        }
    }
}

/// Guards against a vector that silently exercises nothing.
#[test]
fn vectors_cover_every_feature() {
    let load = |n: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(vectors_dir().join(format!("{n}.json"))).unwrap(),
        )
        .unwrap()
    };
    let members = |rec: &Value, visit: &str| -> Vec<(String, String)> {
        let team = rec["record"]["teams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["visit"] == json!(visit))
            .unwrap();
        team["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m[0].as_str().unwrap().to_owned(),
                    m[1].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let count = |m: &[(String, String)], dept: &str| m.iter().filter(|(_, d)| d == dept).count();

    let rr = load("departments-round-robin");
    let order: Vec<&str> = rr["record"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["visit"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["V02", "V03", "V10", "V9", "V01", "V04", "V05", "V06"]
    );
    let m = members(&rr, "V9");
    assert_eq!((count(&m, "D02"), count(&m, "D01")), (3, 2));
    assert_eq!(m[0].1, "D02", "leader from the lead department");
    let m = members(&rr, "V10");
    assert_eq!(
        (count(&m, "D01"), count(&m, "D02"), count(&m, "D03")),
        (2, 2, 1)
    );
    assert_eq!(members(&rr, "V01").len(), 5);

    let ex = load("experts-same-region");
    for t in ex["record"]["teams"].as_array().unwrap() {
        let experts = t["experts"].as_array().unwrap();
        assert_eq!(experts.len(), 2);
        assert!(!experts.contains(&json!("E5")), "inactive expert");
        if t["visit"] == json!("V-1") || t["visit"] == json!("V-4") || t["visit"] == json!("V-6") {
            assert!(!experts.contains(&json!("E3")), "same-region expert");
            for (p, _) in members(&ex, t["visit"].as_str().unwrap()) {
                assert!(p != "P0" && p != "P4", "same-region officer {p}");
            }
        }
    }
    assert!(
        ex["record"]["workload"]["E6"].as_u64().unwrap_or(0) > 0,
        "an expert with an expired certificate serves"
    );

    let rc = load("conflicts-last-avoidance");
    assert!(
        rc["record"]["request"]["targets"]
            .get("T-UNVISITED")
            .is_none()
    );
    for t in rc["record"]["teams"].as_array().unwrap() {
        let all: Vec<String> = members(&rc, t["visit"].as_str().unwrap())
            .into_iter()
            .map(|(p, _)| p)
            .chain(
                t["experts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned()),
            )
            .collect();
        for (a, b) in [("A0", "A5"), ("A3", "B0"), ("A4", "X1"), ("B1", "B2")] {
            assert!(
                !(all.contains(&a.to_owned()) && all.contains(&b.to_owned())),
                "{a} with {b}"
            );
        }
    }

    let pw = load("prior-workload-cap");
    let w = &pw["record"]["workload"];
    assert!(w.get("LEFT-THE-POOL").is_none());
    assert_eq!(w["W0"], json!(4), "prior-only inspector listed");
    assert!(
        w.as_object()
            .unwrap()
            .values()
            .all(|n| n.as_u64().unwrap() <= 4)
    );

    let cert = load("certificates-and-scope");
    for t in cert["record"]["teams"].as_array().unwrap() {
        let visit = t["visit"].as_str().unwrap();
        for (p, _) in members(&cert, visit) {
            if visit.ends_with("-d") {
                assert!(!p.starts_with("S-"), "{visit}: scoped {p}");
            }
        }
    }

    let short = load("error-shortage-every-reason");
    let err = short["error"].as_str().unwrap();
    for reason in [
        "inactive",
        "certificate expired",
        "out of item scope",
        "same region",
        "conflict",
        "last inspector",
        "reciprocal avoidance",
        "workload cap",
    ] {
        assert!(err.contains(reason), "{reason}: {err}");
    }
}

#[test]
fn stream_one_keys_match_golden_vectors() {
    let path = vectors_dir().join("keys-stream-1.json");
    let seeds = [Seed([0; 32]), seed(SEED1)];
    let positions = [0u64, 1, 7, 8, 9, 15, 16, 19, 38, 1000, (1 << 40) + 5];
    let computed = json!({
        "description": "key at keystream position p on stream (nonce) 1, the stream of inspector matching (docs/MATCHING.md section 5): little-endian u64 of bytes 8*(p mod 8)..8*(p mod 8)+7 of ChaCha8_block(seed, counter = p div 8, nonce = 1); 16 hex digits",
        "stream": ASSIGN_STREAM,
        "keys": seeds.iter().map(|s| json!({
            "seed": s.to_hex(),
            "keys": positions.iter().map(|&p| json!({"position": p, "key": format!("{:016x}", entity_key(s, ASSIGN_STREAM, p))})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if std::env::var("SSJ_BLESS").is_ok() && !path.exists() {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&computed).unwrap() + "\n",
        )
        .unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(stored, computed);
}

/// `str(s)` of the specs: u32be(byte length) ‖ bytes.
fn enc_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The `teams` and `rematch` log entries follow docs/MATCHING.md §10, recomputed here from the
/// log's own lines: the line layout, `record_digest` over the record's bytes as they appear in
/// the line, and the entry digest.
#[test]
fn teams_log_entries_follow_the_spec() {
    use shuangsuiji::audit::{DrawAnnouncement, DrawLog, LogError, SeedCommitment};
    use shuangsuiji::digest::Digest;
    use shuangsuiji::draw::DrawRequest;
    use shuangsuiji::policy::SamplingPolicy;
    use shuangsuiji::record::draw;
    use shuangsuiji::risk::RiskGrade;
    use shuangsuiji::target::{Target, TargetPool};

    let targets = TargetPool::from_entries((0..40).map(|i| {
        let mut t = Target::new(tid(&format!("T{i:02}")));
        t.grade = Some(RiskGrade::C);
        t
    }))
    .unwrap()
    .into_frozen();
    let ratio = |s: &str| s.parse().unwrap();
    let policy =
        SamplingPolicy::by_grade(ratio("5%"), ratio("5%"), ratio("10%"), ratio("5%"), None);
    let drawn = draw(
        &targets,
        &DrawRequest::new(TaskId::new("V-LOG").unwrap(), seed(SEED1), policy),
    )
    .unwrap();
    assert_eq!(drawn.selected.len(), 4);
    let pool = frozen(
        &(0..6)
            .map(|i| officer(&format!("P{i}"), "D01"))
            .collect::<Vec<_>>(),
    );
    let visits: Vec<Visit> = drawn
        .selected
        .iter()
        .enumerate()
        .map(|(k, s)| {
            visit(
                &format!("V-{k}"),
                s.id.as_str(),
                "2026-04-01",
                &[("D01", &["I-FOOD"])],
            )
        })
        .collect();
    let req = request(
        "V-LOG",
        MatchPolicy::default(),
        visits.clone(),
        blank_facts(&visits),
    );
    let record = teams::matching(&pool, &req).unwrap();

    let mut log = DrawLog::new();
    // Teams before any draw of the task are refused.
    assert!(matches!(
        log.append_teams(record.clone()),
        Err(LogError::TeamsDoNotFitDraws { .. })
    ));
    // A given seed is announced by its commitment.
    log.announce(DrawAnnouncement::new(
        TaskId::new("V-LOG").unwrap(),
        vec![],
        drawn.pool,
        SeedCommitment::of_given(&seed(SEED1)),
    ))
    .unwrap();
    log.append(drawn).unwrap();
    // Teams that miss a drawn target are refused.
    let mut short = req.clone();
    short.visits.pop();
    let err = log
        .append_teams(teams::matching(&pool, &short).unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("has no team"), "{err}");
    log.append_teams(record.clone()).unwrap();
    assert!(matches!(
        log.append_teams(record.clone()),
        Err(LogError::AlreadyMatched { entry: 2, .. })
    ));
    let mut again = req.clone();
    again.seed = seed(&"ab".repeat(32));
    log.append_rematch(
        teams::matching(&pool, &again).unwrap(),
        2,
        "组员因病无法到岗",
    )
    .unwrap();
    assert!(
        log.append_rematch(record, 2, "again").is_err(),
        "entry 2 already superseded"
    );
    log.verify_chain().unwrap();

    let mut previous = [0u8; 32];
    for (seq, line) in log.to_jsonl().lines().enumerate() {
        let (kind, tail) = match seq {
            0 => ("announce", String::new()),
            1 => ("draw", String::new()),
            2 => ("teams", String::new()),
            _ => (
                "rematch",
                r#","supersedes":2,"reason":"组员因病无法到岗""#.to_owned(),
            ),
        };
        let head = format!(
            r#"{{"seq":{seq},"previous":"{}","kind":"{kind}"{tail},"record_digest":""#,
            hex(&previous)
        );
        assert!(line.starts_with(&head), "line {seq}: {line:.200}");
        let record_at = line.find(r#","record":"#).unwrap() + r#","record":"#.len();
        let digest_at = line.rfind(r#","digest":""#).unwrap();
        let record_bytes = &line[record_at..digest_at];
        let record_digest = Digest::sm3(record_bytes.as_bytes());
        let stated = &line[head.len()..head.len() + 64];
        assert_eq!(stated, record_digest.to_hex(), "line {seq}: record_digest");
        if seq == 0 {
            // SM3(str("shuangsuiji/seed-commitment/v1") ‖ seed), as SAMPLING.md §9 says.
            let mut c = Vec::new();
            enc_str(&mut c, "shuangsuiji/seed-commitment/v1");
            c.extend_from_slice(&seed(SEED1).0);
            assert!(
                record_bytes.starts_with(&format!(
                    r#"{{"format":"shuangsuiji/draw-announcement","task_id":"V-LOG","pool":{{"digest":"{}","size":40}},"seed":{{"method":"given","commitment":"{}"}}}}"#,
                    targets.digest(),
                    Digest::sm3(&c).to_hex()
                )),
                "{record_bytes}"
            );
        }
        if seq > 1 {
            assert!(record_bytes.starts_with(r#"{"format":"shuangsuiji/team-record","algorithm":{"id":"ssj-team-workload-keys","version":1,"prf":"chacha8-keystream/stream-1","digest":"sm3"},"library_version":"#));
        }
        let mut data = Vec::new();
        enc_str(&mut data, "shuangsuiji/draw-log/v1");
        data.extend_from_slice(&previous);
        data.extend_from_slice(&(seq as u64).to_be_bytes());
        enc_str(&mut data, kind);
        enc_str(&mut data, if seq == 3 { "2" } else { "" });
        enc_str(
            &mut data,
            if seq == 3 {
                "组员因病无法到岗"
            } else {
                ""
            },
        );
        data.extend_from_slice(&record_digest.0);
        let digest = Digest::sm3(&data);
        assert!(
            line.ends_with(&format!(r#","digest":"{}"}}"#, digest.to_hex())),
            "line {seq}: digest"
        );
        previous = digest.0;
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
