//! Golden vectors: draws that must never change between versions.
//!
//! Each file under `tests/vectors/draws/` holds a pool and the record the library wrote for it.
//! The test re-runs every case from its definition below and requires the identical record, and
//! also verifies the stored record against the stored pool. `SSJ_BLESS=1` (re)writes the files;
//! do that only for a new case, never to paper over a changed draw.

use serde_json::{Value, json};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::{DeptId, ItemId, TargetId, TaskId};
use shuangsuiji::keys::{TARGET_STREAM, entity_key};
use shuangsuiji::policy::{Bounds, RecentBy, RecentRule, SampleSize, SamplingPolicy, Weighting};
use shuangsuiji::record::{DrawRecord, draw, verify};
use shuangsuiji::risk::{RiskGrade, Stratum};
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{Inspection, Target, TargetKind, TargetPool, TargetStatus};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// A tiny deterministic generator for test pools (not part of any draw).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn r(s: &str) -> shuangsuiji::policy::Ratio {
    s.parse().unwrap()
}

fn standard_policy() -> SamplingPolicy {
    SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), Some(r("10%")))
}

/// A pool with every field in use, ids in scrambled insertion order.
fn rich_pool(n: usize, salt: u64, unicode: bool) -> Vec<Target> {
    let mut g = Lcg(salt);
    let tags = ["食品经营", "特种设备", "药品零售", "餐饮服务", "学校"];
    let mut out = Vec::new();
    for k in 0..n {
        let i = (k * 7919 + 13) % n; // scrambled order
        let id = if unicode && i % 3 == 0 {
            format!("企业{i:04}")
        } else {
            format!("T{i:04}")
        };
        let mut t = Target::new(TargetId::new(id).unwrap());
        t.name = format!("示例主体{i}");
        t.grade = match g.below(20) {
            0..=5 => Some(RiskGrade::A),
            6..=14 => Some(RiskGrade::B),
            15..=17 => Some(RiskGrade::C),
            18 => Some(RiskGrade::D),
            _ => None,
        };
        t.kind = [
            TargetKind::Enterprise,
            TargetKind::IndividualBusiness,
            TargetKind::NonMarket,
        ][g.below(3) as usize];
        t.region = format!("420281{:03}", 100 + g.below(4));
        t.industry = ["F52", "H62", "C13", "P83"][g.below(4) as usize].into();
        for tag in tags {
            if g.below(4) == 0 {
                t.tags.insert(tag.into());
            }
        }
        t.status = match g.below(40) {
            0 => TargetStatus::Deregistered,
            1 => TargetStatus::Revoked,
            2 => TargetStatus::MovedOut,
            _ => TargetStatus::Active,
        };
        t.positive_list = g.below(30) == 0;
        t.risk_score = Some(1 + g.below(100) as u32);
        if g.below(6) == 0 {
            t.history.push(Inspection {
                date: date(
                    ["2025-06-01", "2026-03-15", "2026-10-30", "2024-01-01"][g.below(4) as usize],
                ),
                department: DeptId::new(["D01", "D02"][g.below(2) as usize]).unwrap(),
                item: if g.below(2) == 0 {
                    Some(ItemId::new("I-FOOD").unwrap())
                } else {
                    None
                },
                inspectors: vec![
                    shuangsuiji::ids::InspectorId::new(format!("P{}", g.below(50))).unwrap(),
                ],
            });
        }
        out.push(t);
    }
    out
}

/// Targets that exercise every rule at its boundary.
fn edge_pool() -> Vec<Target> {
    let mut out = Vec::new();
    let ages = ["2026-11-01", "2026-10-03", "2026-10-02", "2026-11-02"];
    for i in 0..120u32 {
        let mut t = Target::new(TargetId::new(format!("EDGE-{i:03}")).unwrap());
        let first17 = format!("91420281MA4{i:06}");
        t.credit_code = Some(shuangsuiji::credit::CreditCode::from_first17(&first17).unwrap());
        t.grade = Stratum::ALL[(i % 5) as usize].grade();
        t.region = ["420281101", "420281201", "4202811", "420282"][(i % 4) as usize].into();
        t.industry = ["F5211", "F52", "F", "H62"][(i / 4 % 4) as usize].into();
        t.status = [
            TargetStatus::Active,
            TargetStatus::Active,
            TargetStatus::Revoked,
            TargetStatus::Deregistered,
        ][(i / 3 % 4) as usize];
        t.tags = ["食品经营", "餐饮服务", "特种设备"]
            .iter()
            .take(1 + (i % 3) as usize)
            .map(|s| s.to_string())
            .collect();
        if i % 7 == 0 {
            t.tags.remove("食品经营");
        }
        t.grid = format!("网格{}", i % 9);
        for k in 0..(i % 4) {
            t.history.push(Inspection {
                date: date(ages[((i / 5 + k) % 4) as usize]),
                department: DeptId::new(["D01", "D01", "D02"][(k % 3) as usize]).unwrap(),
                item: if k == 1 {
                    None
                } else {
                    Some(ItemId::new(format!("I-{k}")).unwrap())
                },
                inspectors: vec![
                    shuangsuiji::ids::InspectorId::new(format!("P{}", 9 - k)).unwrap(),
                    shuangsuiji::ids::InspectorId::new(format!("P{k}")).unwrap(),
                ],
            });
        }
        out.push(t);
    }
    out
}

/// A pool of the given number of targets per grade.
fn grade_pool(counts: &[(RiskGrade, u32)]) -> Vec<Target> {
    let mut out = Vec::new();
    for &(g, n) in counts {
        for i in 0..n {
            let mut t = Target::new(TargetId::new(format!("G{g}{i:02}")).unwrap());
            t.grade = Some(g);
            out.push(t);
        }
    }
    out
}

/// Stores lists in reverse order, so that a re-implementation must sort them itself.
fn unsorted(mut pool: Value) -> Value {
    for t in pool.as_array_mut().unwrap() {
        for field in ["tags", "history"] {
            if let Some(list) = t[field].as_array_mut() {
                list.reverse();
            }
        }
        if let Some(hist) = t["history"].as_array_mut() {
            for h in hist {
                if let Some(p) = h["inspectors"].as_array_mut() {
                    p.reverse();
                }
            }
        }
    }
    pool
}

fn task(s: &str) -> TaskId {
    TaskId::new(s).unwrap()
}

fn seed_hex(h: &str) -> Seed {
    h.parse().unwrap()
}

/// The cases: name, description, pool, request.
fn cases() -> Vec<(&'static str, &'static str, Vec<Target>, DrawRequest)> {
    let seed1 = seed_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    let mut v = Vec::new();

    v.push((
        "uniform-basic",
        "300 targets, ratios A=5% B=20% C=60% D=100% ungraded=10%, default exclusions",
        rich_pool(300, 1, false),
        DrawRequest::new(task("V-UNIFORM"), seed1, standard_policy()),
    ));

    let mut req = DrawRequest::new(task("V-EXCLUSIONS"), seed1, standard_policy());
    req.department = Some(DeptId::new("D01").unwrap());
    req.items = vec![ItemId::new("I-FOOD").unwrap()];
    req.date = Some(date("2026-11-01"));
    req.policy.exclusions.recent = vec![
        RecentRule {
            within_days: 365,
            by: RecentBy::SameItem,
        },
        RecentRule {
            within_days: 90,
            by: RecentBy::SameDepartment,
        },
    ];
    v.push((
        "exclusions",
        "recent-inspection rules (same item 365 days, same department 90 days), inactive and positive-list exclusions",
        rich_pool(400, 2, false),
        req,
    ));

    let mut req = DrawRequest::new(task("V-SCOPE"), seed1, standard_policy());
    req.scope.tags_any = ["食品经营".to_string(), "餐饮服务".to_string()].into();
    req.scope.regions = ["420281100".to_string(), "420281102".to_string()].into();
    req.scope.kinds = [TargetKind::Enterprise, TargetKind::IndividualBusiness].into();
    req.policy.exclusions.positive_list = false;
    v.push((
        "scope",
        "scope by tags (any), regions (prefix) and kinds; positive-list entities kept (off-site check)",
        rich_pool(500, 3, false),
        req,
    ));

    let mut policy = standard_policy();
    policy.size = SampleSize::FixedTotal { total: 37 };
    policy.bounds.a = Bounds {
        min: Some(4),
        max: None,
    };
    policy.bounds.d = Bounds {
        min: None,
        max: Some(3),
    };
    v.push((
        "fixed-total",
        "fixed total 37 allocated by largest remainder over eligible x ratio, A at least 4, D at most 3",
        rich_pool(400, 4, false),
        DrawRequest::new(task("V-FIXED"), seed1, policy),
    ));

    let mut policy = standard_policy();
    policy.weighting = Weighting::RiskScore;
    policy.ratios.d = Some(r("50%"));
    v.push((
        "weighted",
        "risk-score weighted within strata (take-all units, then sequential Poisson sampling)",
        rich_pool(400, 5, false),
        DrawRequest::new(task("V-WEIGHTED"), seed1, policy),
    ));

    v.push((
        "unicode-public-entropy",
        "Chinese ids (byte order), seed derived from a public value",
        rich_pool(300, 6, true),
        DrawRequest::with_public_entropy(
            task("2026-SCJG-001"),
            "示例：中国福利彩票双色球 2026130期",
            "03 07 12 19 25 31 + 09",
            standard_policy(),
        ),
    ));

    let mut policy = standard_policy();
    policy.ratios = shuangsuiji::risk::PerStratum {
        a: Some(r("2.5%")),
        b: Some(r("12.3456%")),
        c: Some(r("33.3333%")),
        d: Some(r("99.9999%")),
        ungraded: Some(r("0.0001%")),
    };
    v.push((
        "fine-ratios",
        "5000 targets (the fast candidate threshold is in use), ratios with four decimals",
        rich_pool(5000, 7, false),
        DrawRequest::new(task("V-FINE"), seed1, policy),
    ));

    let mut req = DrawRequest::new(task("V-EDGES"), seed1, standard_policy());
    req.department = Some(DeptId::new("D01").unwrap());
    req.items = vec![ItemId::new("I-FOOD").unwrap()];
    req.date = Some(date("2026-11-01"));
    req.policy.exclusions.recent = vec![RecentRule {
        within_days: 30,
        by: RecentBy::SameDepartment,
    }];
    req.scope.tags_all = ["食品经营".to_string()].into();
    req.scope.industries = ["F5".to_string()].into();
    req.scope.regions = ["4202811".to_string()].into();
    req.scope.statuses = [TargetStatus::Active, TargetStatus::Revoked].into();
    req.scope.grades = [Stratum::B, Stratum::C, Stratum::Ungraded].into();
    v.push((
        "edge-cases",
        "credit codes; several inspections and inspectors per target, stored unsorted; tags stored unsorted; window ages 0, 29, 30 and -1 days; scope by tags_all, industry and region prefixes, statuses and grades",
        edge_pool(),
        req,
    ));

    let mut policy = standard_policy();
    policy.ratios.a = Some(r("10%"));
    policy.size = SampleSize::FixedTotal { total: 2 };
    v.push((
        "fixed-total-cap",
        "fixed total 2 over A (3 eligible, 10%) and D (1 eligible, 100%): D's leftover unit would pass its cap, so it is capped and the unit goes to A",
        grade_pool(&[(RiskGrade::A, 3), (RiskGrade::D, 1)]),
        DrawRequest::new(task("V-FIXED-CAP"), seed1, policy),
    ));

    let mut policy = standard_policy();
    policy.ratios = shuangsuiji::risk::PerStratum {
        a: Some(r("10%")),
        b: Some(r("10%")),
        c: Some(r("10%")),
        d: Some(r("10%")),
        ungraded: None,
    };
    policy.size = SampleSize::FixedTotal { total: 10 };
    v.push((
        "fixed-total-ties",
        "fixed total 10 over four equal strata of 5: equal remainders, the two extra units go to D then C",
        grade_pool(&[(RiskGrade::A, 5), (RiskGrade::B, 5), (RiskGrade::C, 5), (RiskGrade::D, 5)]),
        DrawRequest::new(task("V-FIXED-TIES"), seed1, policy),
    ));

    v.push((
        "empty-pool",
        "an empty pool draws nothing",
        Vec::new(),
        DrawRequest::new(task("V-EMPTY"), seed1, standard_policy()),
    ));
    v
}

fn record_value(rec: &DrawRecord) -> Value {
    let mut v = serde_json::to_value(rec).unwrap();
    // The library version is informative only; vectors hold for every version.
    v["library_version"] = json!("*");
    v
}

#[test]
fn draws_match_golden_vectors() {
    let dir = vectors_dir().join("draws");
    let bless = std::env::var("SSJ_BLESS").is_ok();
    for (name, description, targets, request) in cases() {
        let pool = TargetPool::from_entries(targets.clone()).unwrap().freeze();
        let rec = draw(&pool, &request).unwrap();
        let path = dir.join(format!("{name}.json"));
        if bless {
            let file = json!({
                "name": name,
                "description": description,
                "pool": if name == "edge-cases" { unsorted(json!(targets)) } else { json!(targets) },
                "record": record_value(&rec),
            });
            std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
        }
        let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            stored["record"],
            record_value(&rec),
            "vector {name} changed"
        );
        // The stored pool, loaded in its stored order, has the same digest, and the stored
        // record verifies against it.
        let stored_pool: TargetPool = serde_json::from_value(stored["pool"].clone()).unwrap();
        let stored_pool = stored_pool.freeze();
        assert_eq!(
            stored_pool.digest(),
            pool.digest(),
            "vector {name}: pool digest"
        );
        let mut stored_rec = stored["record"].clone();
        stored_rec["library_version"] = json!(env!("CARGO_PKG_VERSION"));
        let stored_rec: DrawRecord = serde_json::from_value(stored_rec).unwrap();
        let v = verify(&stored_rec, &stored_pool);
        assert!(v.is_ok(), "vector {name}: {v}");
    }
}

#[test]
fn vectors_cover_every_feature() {
    // Guards against a vector that silently exercises nothing.
    let dir = vectors_dir().join("draws");
    let load = |n: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{n}.json"))).unwrap())
            .unwrap()
    };
    let ex = load("exclusions");
    assert!(
        ex["record"]["exclusions"]["recently_inspected"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(ex["record"]["exclusions"]["not_active"].as_u64().unwrap() > 0);
    assert!(
        ex["record"]["exclusions"]["positive_list"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(load("scope")["record"]["out_of_scope"].as_u64().unwrap() > 0);
    let w = load("weighted");
    let probs: Vec<f64> = w["record"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["inclusion_probability"].as_f64().unwrap())
        .collect();
    assert!(probs.contains(&1.0) && probs.iter().any(|&p| p < 1.0));
    let edges = load("edge-cases");
    assert!(
        edges["record"]["exclusions"]["recently_inspected"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        edges["record"]["exclusions"]["not_active"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(edges["record"]["out_of_scope"].as_u64().unwrap() > 0);
    let cap = load("fixed-total-cap");
    assert_eq!(cap["record"]["strata"]["A"]["sample_size"], 1);
    assert_eq!(cap["record"]["strata"]["D"]["sample_size"], 1);
    let ties = load("fixed-total-ties");
    let sizes: Vec<u64> = ["A", "B", "C", "D"]
        .iter()
        .map(|g| ties["record"]["strata"][g]["sample_size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [2, 2, 3, 3]);
    let fixed = load("fixed-total");
    assert_eq!(fixed["record"]["selected"].as_array().unwrap().len(), 37);
    assert!(
        load("empty-pool")["record"]["selected"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for s in Stratum::ALL {
        let sizes = &load("fine-ratios")["record"]["strata"][s.name()];
        assert!(sizes["sample_size"].as_u64().unwrap() > 0, "{s}");
    }
}

#[test]
fn keys_and_seeds_match_golden_vectors() {
    let path = vectors_dir().join("keys.json");
    let seeds = [
        Seed([0; 32]),
        seed_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
    ];
    let indices = [
        0u64,
        1,
        2,
        7,
        8,
        9,
        15,
        16,
        31,
        32,
        33,
        1000,
        123_456_789,
        (1 << 40) + 5,
    ];
    let derived = [
        (
            "示例：中国福利彩票双色球 2026130期",
            "03 07 12 19 25 31 + 09",
            "2026-SCJG-001",
        ),
        ("beacon", "", "t"),
        ("", "", "x"),
    ];
    let computed = json!({
        "description": "key_i for (seed, index) per docs/SAMPLING.md section 5 (stream 0), as 16 hex digits; seeds derived per section 2",
        "keys": seeds.iter().map(|s| json!({
            "seed": s.to_hex(),
            "keys": indices.iter().map(|&i| json!({"index": i, "key": format!("{:016x}", entity_key(s, TARGET_STREAM, i))})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "seeds": derived.iter().map(|(source, value, t)| json!({
            "source": source, "value": value, "task_id": t,
            "seed": Seed::from_public_entropy(source, value, &task(t)).to_hex(),
        })).collect::<Vec<_>>(),
    });
    if std::env::var("SSJ_BLESS").is_ok() {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&computed).unwrap() + "\n",
        )
        .unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(stored, computed);
}
