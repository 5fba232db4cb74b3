//! Records refuse unknown fields at every depth: a field the library does not know is a record
//! it cannot vouch for (docs/C-API.md: "unknown fields are refused"), never silently dropped.
//!
//! Every golden record is read back with one unknown field added to one object at a time (the
//! record itself, its algorithm, pool, request, policy, scope, exclusions, each stratum, the first
//! selected target, …); each must fail and name the field.

use serde_json::Value;
use shuangsuiji::record::{DrawRecord, Verification};
use shuangsuiji::teams::{TeamRecord, TeamVerification};
use std::path::PathBuf;

fn vectors(kind: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(kind);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The JSON pointer of every object in `v` that is a struct (not a map keyed by ids), looking
/// only at the first element of each array: one of each type is enough.
fn struct_objects(v: &Value, path: &str, maps: &[&str], out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let is_map = maps.iter().any(|suffix| path.ends_with(suffix));
            if !is_map {
                out.push(path.to_owned());
            }
            for (k, child) in m {
                struct_objects(child, &format!("{path}/{k}"), maps, out);
            }
        }
        Value::Array(a) => {
            if let Some(first) = a.first() {
                struct_objects(first, &format!("{path}/0"), maps, out);
            }
        }
        _ => {}
    }
}

/// Adds `field` to the object at `pointer` and returns the document as text.
fn with_field(doc: &Value, pointer: &str, field: &str) -> String {
    let mut doc = doc.clone();
    doc.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert(field.into(), Value::Bool(true));
    serde_json::to_string(&doc).unwrap()
}

#[test]
fn draw_records_refuse_unknown_fields_at_every_depth() {
    let mut checked = Vec::new();
    for (name, v) in vectors("draws") {
        let record = &v["record"];
        // The record as stored reads.
        DrawRecord::from_json(&record.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut objects = Vec::new();
        struct_objects(record, "", &[], &mut objects);
        for pointer in objects {
            let field = format!("unknown_at{}", pointer.replace('/', "_"));
            let err = DrawRecord::from_json(&with_field(record, &pointer, &field))
                .map(|_| ())
                .expect_err(&format!(
                    "{name}: a record with {field:?} at {pointer:?} was read"
                ));
            assert!(
                err.to_string()
                    .contains(&format!("unknown field `{field}`")),
                "{name} at {pointer:?}: {err}"
            );
            checked.push(pointer);
        }
    }
    // The golden records reach every nested type of a record.
    for pointer in [
        "",
        "/algorithm",
        "/pool",
        "/exclusions",
        "/strata",
        "/strata/A",
        "/selected/0",
        "/request",
        "/request/seed_origin",
        "/request/scope",
        "/request/policy",
        "/request/policy/ratios",
        "/request/policy/bounds",
        "/request/policy/bounds/A",
        "/request/policy/size",
        "/request/policy/exclusions",
        "/request/policy/exclusions/recent/0",
    ] {
        assert!(
            checked.iter().any(|p| p == pointer),
            "{pointer:?} not checked"
        );
    }
}

#[test]
fn team_records_refuse_unknown_fields_at_every_depth() {
    let mut checked = Vec::new();
    // Maps keyed by ids take any key: a new key there is a new id, not an unknown field.
    let maps = ["/workload", "/request/targets", "/prior_workload"];
    for (name, v) in vectors("teams") {
        let Some(record) = v.get("record").filter(|r| r.is_object()) else {
            continue; // an error case: no record
        };
        TeamRecord::from_json(&record.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut objects = Vec::new();
        struct_objects(record, "", &maps, &mut objects);
        for pointer in objects {
            let field = format!("unknown_at{}", pointer.replace('/', "_"));
            let err = TeamRecord::from_json(&with_field(record, &pointer, &field))
                .map(|_| ())
                .expect_err(&format!(
                    "{name}: a record with {field:?} at {pointer:?} was read"
                ));
            assert!(
                err.to_string()
                    .contains(&format!("unknown field `{field}`")),
                "{name} at {pointer:?}: {err}"
            );
            checked.push(pointer);
        }
    }
    for pointer in [
        "",
        "/algorithm",
        "/pool",
        "/request",
        "/request/policy",
        "/teams/0",
    ] {
        assert!(
            checked.iter().any(|p| p == pointer),
            "{pointer:?} not checked"
        );
    }
    assert!(
        checked.iter().any(|p| p.starts_with("/request/targets/")),
        "no target facts checked"
    );
}

/// serde lets a unit variant of an internally tagged enum carry any field beside its tag; the
/// two in records (`{"method": "given"}`, `{"mode": "by_ratio"}`) are read so that they do not.
#[test]
fn unit_variants_refuse_unknown_fields() {
    use shuangsuiji::policy::SampleSize;
    use shuangsuiji::seed::SeedOrigin;
    let given: SeedOrigin = serde_json::from_str(r#"{"method": "given"}"#).unwrap();
    assert_eq!(given, SeedOrigin::Given);
    let by_ratio: SampleSize = serde_json::from_str(r#"{"mode": "by_ratio"}"#).unwrap();
    assert_eq!(by_ratio, SampleSize::ByRatio);
    let fixed: SampleSize = serde_json::from_str(r#"{"mode": "fixed_total", "total": 3}"#).unwrap();
    assert_eq!(fixed, SampleSize::FixedTotal { total: 3 });
    // Written as before.
    assert_eq!(
        serde_json::to_string(&given).unwrap(),
        r#"{"method":"given"}"#
    );
    assert_eq!(
        serde_json::to_string(&by_ratio).unwrap(),
        r#"{"mode":"by_ratio"}"#
    );
    for err in [
        serde_json::from_str::<SeedOrigin>(r#"{"method": "given", "extra": 1}"#).map(|_| ()),
        serde_json::from_str::<SampleSize>(r#"{"mode": "by_ratio", "extra": 1}"#).map(|_| ()),
        serde_json::from_str::<SampleSize>(r#"{"mode": "fixed_total", "total": 3, "extra": 1}"#)
            .map(|_| ()),
    ] {
        let err = err.unwrap_err();
        assert!(err.to_string().contains("unknown field `extra`"), "{err}");
    }
    assert!(serde_json::from_str::<SampleSize>(r#"{"mode": "by_count"}"#).is_err());
}

#[test]
fn verification_reports_refuse_unknown_fields() {
    let ok: Verification = serde_json::from_str(
        r#"{"mismatches": [{"kind": "pool_size", "recorded": 3, "actual": 4}]}"#,
    )
    .unwrap();
    assert_eq!(ok.mismatches.len(), 1);
    for bad in [
        r#"{"mismatches": [], "extra": 1}"#,
        r#"{"mismatches": [{"kind": "pool_size", "recorded": 3, "actual": 4, "extra": 1}]}"#,
    ] {
        let err = serde_json::from_str::<Verification>(bad).unwrap_err();
        assert!(err.to_string().contains("unknown field `extra`"), "{err}");
    }
    let err = serde_json::from_str::<TeamVerification>(
        r#"{"mismatches": [{"kind": "duplicate_team", "visit": "v1", "extra": 1}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `extra`"), "{err}");
}
