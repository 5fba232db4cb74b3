//! Ids a reader takes for one (docs/SAMPLING.md §10) through the C ABI: every way a pool enters
//! the library returns `SSJ_POOL` (`SSJ_POOL_CSV` for CSV text) with both ids, both rows (or
//! lines) and the code points that differ in `ssj_last_error()`. Calls the exported functions
//! as a C caller does.

// The test is a C caller: every call crosses the ABI.
#![allow(unsafe_code)]

use shuangsuiji_ffi::*;
use std::ffi::{CStr, CString, c_char};
use std::ptr;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    // SAFETY: the library's last error is a NUL-terminated string valid until the next failure
    // on this thread.
    unsafe { CStr::from_ptr(ssj_last_error()) }
        .to_string_lossy()
        .into_owned()
}

const TWINS_JSON: &str = r#"[{"id":"ACME-E1"},{"id":"B-2"},{"id":"ACME-Е1"}]"#;
const WANT: &str = "target ids \"ACME-E1\" (row 1) and \"ACME-Е1\" (row 3) look alike: they differ \
                    at character 6 (U+0045 against U+0415)";

#[test]
fn a_pool_from_json_refuses_look_alikes() {
    let mut pool = ptr::null_mut();
    let json = c(TWINS_JSON);
    // SAFETY: valid C string and out-pointer.
    let r = unsafe { ssj_target_pool_from_json(json.as_ptr(), &mut pool) };
    assert_eq!(r, ssj_result::SSJ_POOL);
    assert!(pool.is_null(), "out-parameters are written only on success");
    assert!(last_error().starts_with(WANT), "{}", last_error());
}

#[test]
fn adding_a_look_alike_to_a_pool_is_refused() {
    let mut pool = ptr::null_mut();
    let json = c(r#"[{"id":"ACME-E1"},{"id":"B-2"}]"#);
    // SAFETY: valid C strings and handles throughout; the pool is freed once.
    unsafe {
        assert_eq!(
            ssj_target_pool_from_json(json.as_ptr(), &mut pool),
            ssj_result::SSJ_OK
        );
        let row = c(r#"{"id":"ACME-Е1"}"#);
        assert_eq!(
            ssj_target_pool_add_json(pool, row.as_ptr()),
            ssj_result::SSJ_POOL
        );
        assert!(last_error().starts_with(WANT), "{}", last_error());
        let mut replaced = false;
        assert_eq!(
            ssj_target_pool_upsert_json(pool, row.as_ptr(), &mut replaced),
            ssj_result::SSJ_POOL
        );
        assert_eq!(ssj_target_pool_len(pool), 2);
        ssj_target_pool_free(pool);
    }
}

#[test]
fn a_pool_from_columns_reports_a_look_alike_before_a_later_bad_row() {
    let ids = [c("T1"), c("Tl"), c("T3")];
    let grades = [c("A"), c("B"), c("X")];
    let id_ptrs: Vec<*const c_char> = ids.iter().map(|s| s.as_ptr()).collect();
    let grade_ptrs: Vec<*const c_char> = grades.iter().map(|s| s.as_ptr()).collect();
    let columns = ssj_target_columns {
        len: 3,
        ids: id_ptrs.as_ptr(),
        credit_codes: ptr::null(),
        names: ptr::null(),
        kinds: ptr::null(),
        regions: ptr::null(),
        industries: ptr::null(),
        grades: grade_ptrs.as_ptr(),
        statuses: ptr::null(),
        tags: ptr::null(),
        risk_scores: ptr::null(),
        positive_list: ptr::null(),
    };
    let mut pool = ptr::null_mut();
    // SAFETY: the columns hold `len` valid C strings each, or are NULL.
    let r = unsafe { ssj_target_pool_from_columns(&columns, &mut pool) };
    assert_eq!(r, ssj_result::SSJ_POOL);
    assert!(
        last_error().starts_with("target ids \"T1\" (row 1) and \"Tl\" (row 2) look alike"),
        "{}",
        last_error()
    );
}

#[test]
fn csv_texts_name_both_lines() {
    let mut pool = ptr::null_mut();
    let text = c("id,grade\nACME-E1,A\nB-2,B\nACME-Е1,A\n");
    // SAFETY: valid C strings and out-pointer; history NULL is allowed.
    let r = unsafe { ssj_target_pool_from_csv(text.as_ptr(), ptr::null(), &mut pool) };
    assert_eq!(r, ssj_result::SSJ_POOL_CSV);
    assert!(
        last_error().starts_with(
            "pool_csv:4: field `id`: id \"ACME-Е1\" looks like id \"ACME-E1\" on line 2"
        ),
        "{}",
        last_error()
    );
    let mut inspectors = ptr::null_mut();
    let text = c("id,department,certificate\nP0,D1,C1\nPO,D1,C2\n");
    // SAFETY: as above.
    let r = unsafe { ssj_inspector_pool_from_csv(text.as_ptr(), &mut inspectors) };
    assert_eq!(r, ssj_result::SSJ_POOL_CSV);
    assert!(
        last_error().starts_with(
            "inspectors_csv:3: field `id`: id \"PO\" looks like id \"P0\" on line 2: they differ at character 2 (U+004F against U+0030)"
        ),
        "{}",
        last_error()
    );
    let json = c(
        r#"[{"id":"P0","department":"D1","certificate":"C1"},{"id":"PO","department":"D1","certificate":"C2"}]"#,
    );
    // SAFETY: as above.
    let r = unsafe { ssj_inspector_pool_from_json(json.as_ptr(), &mut inspectors) };
    assert_eq!(r, ssj_result::SSJ_POOL);
    assert!(
        last_error().starts_with("inspector ids \"P0\" (row 1) and \"PO\" (row 2) look alike"),
        "{}",
        last_error()
    );
}
