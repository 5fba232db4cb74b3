//! The same rows loaded and drawn in Rust and through the C ABI (`shuangsuiji-ffi`), for the
//! `ffi` bench and the `ffi_timing` binary. The ABI is called from Rust exactly as C calls it.
#![allow(unsafe_code)] // calling the extern "C" functions is the point

use crate::{POOL_SEED, synthetic_targets};
use shuangsuiji::draw::DrawRequest;
use shuangsuiji::ids::TargetId;
use shuangsuiji::record::DrawRecord;
use shuangsuiji::risk::RiskGrade;
use shuangsuiji::target::{FrozenPool, Target, TargetPool};
use shuangsuiji_ffi as ffi;
use std::ffi::{CString, c_char};
use std::ptr;

/// The rows as a platform holds them: id and grade text (the synthetic pool's).
#[derive(Debug)]
pub struct Rows {
    ids: Vec<String>,
    grades: Vec<&'static str>,
}

impl Rows {
    /// The `n` rows of the synthetic pool, in its insertion order.
    pub fn new(n: usize) -> Rows {
        let targets = synthetic_targets(n, POOL_SEED);
        let grade = |t: &Target| match t.grade {
            Some(RiskGrade::A) => "A",
            Some(RiskGrade::B) => "B",
            Some(RiskGrade::C) => "C",
            Some(RiskGrade::D) => "D",
            None => "",
        };
        Rows {
            grades: targets.iter().map(grade).collect(),
            ids: targets
                .into_iter()
                .map(|t| t.id.as_str().to_owned())
                .collect(),
        }
    }

    /// The pool as a Rust caller builds it from the text.
    pub fn load_rust(&self) -> TargetPool {
        TargetPool::from_entries(self.ids.iter().zip(&self.grades).map(|(id, g)| {
            let mut t = Target::new(TargetId::new(id.as_str()).expect("valid id"));
            if !g.is_empty() {
                t.grade = Some(g.parse().expect("valid grade"));
            }
            t
        }))
        .expect("unique ids")
    }
}

/// The same rows as C string columns: one C string per id, and grades pointing to five shared
/// constants, as the Rust rows hold `&'static str` (and as a C caller would write them).
#[derive(Debug)]
pub struct CRows {
    _ids: Vec<CString>,
    id_ptrs: Vec<*const c_char>,
    grade_ptrs: Vec<*const c_char>,
}

impl CRows {
    /// Copies the rows into C strings (not timed).
    pub fn new(rows: &Rows) -> CRows {
        let ids: Vec<CString> = rows
            .ids
            .iter()
            .map(|s| CString::new(s.as_str()).expect("no NUL"))
            .collect();
        let grade = |g: &str| -> *const c_char {
            match g {
                "A" => c"A",
                "B" => c"B",
                "C" => c"C",
                "D" => c"D",
                _ => c"",
            }
            .as_ptr()
        };
        CRows {
            id_ptrs: ids.iter().map(|s| s.as_ptr()).collect(),
            grade_ptrs: rows.grades.iter().map(|g| grade(g)).collect(),
            _ids: ids,
        }
    }

    /// `ssj_target_pool_from_columns`.
    pub fn load_abi(&self) -> Handle<ffi::ssj_target_pool> {
        let cols = ffi::ssj_target_columns {
            len: self.id_ptrs.len(),
            ids: self.id_ptrs.as_ptr(),
            credit_codes: ptr::null(),
            names: ptr::null(),
            kinds: ptr::null(),
            regions: ptr::null(),
            industries: ptr::null(),
            grades: self.grade_ptrs.as_ptr(),
            statuses: ptr::null(),
            tags: ptr::null(),
            risk_scores: ptr::null(),
            positive_list: ptr::null(),
        };
        let mut pool = ptr::null_mut();
        let r = unsafe { ffi::ssj_target_pool_from_columns(&cols, &mut pool) };
        assert_eq!(r, ffi::ssj_result::SSJ_OK);
        Handle(pool, |p| unsafe { ffi::ssj_target_pool_free(p) })
    }
}

/// A handle of the C ABI, freed on drop (outside the timings, as Rust values are dropped
/// outside them).
pub struct Handle<T>(pub *mut T, fn(*mut T));

impl<T> std::fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({:p})", self.0)
    }
}

impl<T> Drop for Handle<T> {
    fn drop(&mut self) {
        (self.1)(self.0);
    }
}

/// A frozen pool on both sides of the ABI, and the request as Rust value and JSON text.
#[derive(Debug)]
pub struct DrawSetup {
    /// The Rust frozen pool.
    pub frozen: FrozenPool,
    /// The same pool loaded and frozen through the ABI.
    pub frozen_abi: Handle<ffi::ssj_frozen_pool>,
    /// The request.
    pub request: DrawRequest,
    /// The request as the JSON `ssj_draw` reads.
    pub request_json: CString,
}

impl DrawSetup {
    /// Loads and freezes `rows` both ways; the two digests must agree.
    pub fn new(rows: &Rows, request: DrawRequest) -> DrawSetup {
        let frozen = rows.load_rust().into_frozen();
        let pool = CRows::new(rows).load_abi();
        let mut f = ptr::null_mut();
        assert_eq!(
            unsafe { ffi::ssj_target_pool_freeze(pool.0, &mut f) },
            ffi::ssj_result::SSJ_OK
        );
        let frozen_abi = Handle(f, |p| unsafe { ffi::ssj_frozen_pool_free(p) });
        let mut hex = ptr::null_mut();
        assert_eq!(
            unsafe { ffi::ssj_frozen_pool_digest(frozen_abi.0, &mut hex) },
            ffi::ssj_result::SSJ_OK
        );
        let digest = unsafe { std::ffi::CStr::from_ptr(hex) }
            .to_str()
            .unwrap()
            .to_owned();
        unsafe { ffi::ssj_string_free(hex) };
        assert_eq!(digest, frozen.digest().to_hex(), "the same pool both ways");
        let request_json = CString::new(serde_json::to_string(&request).unwrap()).unwrap();
        DrawSetup {
            frozen,
            frozen_abi,
            request,
            request_json,
        }
    }

    /// `record::draw`.
    pub fn draw_rust(&self) -> DrawRecord {
        shuangsuiji::record::draw(&self.frozen, &self.request).expect("the draw succeeds")
    }

    /// `ssj_draw`.
    pub fn draw_abi(&self) -> Handle<ffi::ssj_draw_record> {
        let mut record = ptr::null_mut();
        let r =
            unsafe { ffi::ssj_draw(self.frozen_abi.0, self.request_json.as_ptr(), &mut record) };
        assert_eq!(r, ffi::ssj_result::SSJ_OK);
        Handle(record, |p| unsafe { ffi::ssj_draw_record_free(p) })
    }

    /// The draw, then every selected id and probability read into arrays, in Rust.
    pub fn draw_read_rust(&self) -> (DrawRecord, usize) {
        let record = self.draw_rust();
        let ids: Vec<&str> = record.selected.iter().map(|s| s.id.as_str()).collect();
        let probabilities: Vec<f64> = record
            .selected
            .iter()
            .map(|s| s.inclusion_probability)
            .collect();
        let n = std::hint::black_box((ids, probabilities)).0.len();
        (record, n)
    }

    /// The same through `ssj_draw` and `ssj_draw_record_copy_selected`.
    pub fn draw_read_abi(&self) -> (Handle<ffi::ssj_draw_record>, usize) {
        let record = self.draw_abi();
        let len = unsafe { ffi::ssj_draw_record_selected_len(record.0) };
        let empty = ffi::ssj_str {
            data: ptr::null(),
            len: 0,
        };
        let mut ids = vec![empty; len];
        let mut probabilities = vec![0.0; len];
        let r = unsafe {
            ffi::ssj_draw_record_copy_selected(
                record.0,
                0,
                len,
                ids.as_mut_ptr(),
                probabilities.as_mut_ptr(),
                ptr::null_mut(),
            )
        };
        assert_eq!(r, ffi::ssj_result::SSJ_OK);
        let n = std::hint::black_box((ids, probabilities)).0.len();
        (record, n)
    }
}
