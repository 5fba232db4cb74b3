//! The golden vectors of the id rule (`tests/vectors/ids.json`, `docs/SAMPLING.md` §10): which
//! ids are accepted, why and where the others are refused, and which pairs look alike.

use serde_json::Value;
use shuangsuiji::ids::{self, IdError, TaskId, UNICODE_VERSION};

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/ids.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn the_unicode_version_is_the_pinned_one() {
    let (a, b, c) = UNICODE_VERSION;
    assert_eq!(s(&vectors(), "unicode_version"), format!("{a}.{b}.{c}"));
}

#[test]
fn accepted_ids_and_their_skeletons() {
    let v = vectors();
    let accepted = v["accepted"].as_array().unwrap();
    assert!(accepted.len() >= 10);
    for case in accepted {
        let id = s(case, "id");
        let task = TaskId::new(id).unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(task.skeleton(), s(case, "skeleton"), "{id:?}");
    }
}

#[test]
fn refused_ids_with_their_reason_and_place() {
    let v = vectors();
    let refused = v["refused"].as_array().unwrap();
    assert!(refused.len() >= 20);
    for case in refused {
        let id = s(case, "id");
        let e = TaskId::new(id).expect_err(id);
        let reason = s(case, "reason");
        match e {
            IdError::Empty { .. } => assert_eq!(reason, "empty"),
            IdError::TooLong { len, .. } => {
                assert_eq!(reason, "too_long", "{id:?}");
                assert_eq!(case["bytes"], len, "{id:?}");
            }
            IdError::BadCharacter { .. } => assert_eq!(reason, "bad_character", "{id:?}"),
            IdError::HiddenCharacter {
                position,
                code_point,
                ..
            } => {
                assert_eq!(reason, "hidden_character", "{id:?}");
                assert_eq!(case["position"], position, "{id:?}");
                assert_eq!(
                    s(case, "code_point"),
                    format!("U+{code_point:04X}"),
                    "{id:?}"
                );
            }
            IdError::NotNormalized { nfc, .. } => {
                assert_eq!(reason, "not_normalized", "{id:?}");
                assert_eq!(s(case, "nfc"), nfc, "{id:?}");
            }
        }
    }
}

#[test]
fn pairs_that_look_alike_and_pairs_that_do_not() {
    let v = vectors();
    for case in v["look_alike"].as_array().unwrap() {
        let (a, b) = (s(case, "a"), s(case, "b"));
        assert!(ids::look_alike(a, b), "{a:?} {b:?}");
        assert_eq!(ids::skeleton(a), s(case, "skeleton"));
        assert_eq!(ids::skeleton(b), s(case, "skeleton"));
    }
    for case in v["different"].as_array().unwrap() {
        let (a, b) = (s(case, "a"), s(case, "b"));
        assert!(!ids::look_alike(a, b), "{a:?} {b:?}");
        assert_eq!(ids::skeleton(a), s(case, "skeleton_a"));
        assert_eq!(ids::skeleton(b), s(case, "skeleton_b"));
    }
}
