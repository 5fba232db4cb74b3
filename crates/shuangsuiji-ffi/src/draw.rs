//! The draw, its record and its verification.

use crate::boundary::{
    borrow, c_string, ffi, ffi_value, free, impl_handle, json_arg, out, slice_out, text, to_handle,
    to_json,
};
use crate::result::{Failure, ssj_result};
use crate::targets::ssj_frozen_pool;
use ssj::draw::DrawRequest;
use ssj::ids::TaskId;
use ssj::record::{DrawRecord, Verification, draw, verify};
use ssj::risk::Stratum;
use ssj::seed::Seed;
use std::ffi::c_char;
use std::sync::OnceLock;

/// A draw record and, made on first use, the selected ids as C strings.
pub(crate) struct RecordBox {
    pub(crate) record: DrawRecord,
    ids: OnceLock<IdTable>,
}

impl RecordBox {
    pub(crate) fn new(record: DrawRecord) -> RecordBox {
        RecordBox {
            record,
            ids: OnceLock::new(),
        }
    }

    /// The ids one after the other, each NUL-terminated, and where each starts.
    fn ids(&self) -> &IdTable {
        self.ids.get_or_init(|| {
            let mut bytes = Vec::new();
            let mut starts = Vec::with_capacity(self.record.selected.len());
            for s in &self.record.selected {
                starts.push(bytes.len());
                bytes.extend_from_slice(s.id.as_str().as_bytes());
                bytes.push(0);
            }
            IdTable { bytes, starts }
        })
    }
}

struct IdTable {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl IdTable {
    fn get(&self, i: usize) -> *const c_char {
        self.bytes[self.starts[i]..].as_ptr().cast()
    }
}

/// A draw record (the published result of a draw). Immutable once made: may be read from
/// several threads at once.
#[allow(non_camel_case_types)]
pub struct ssj_draw_record {
    _private: [u8; 0],
}
impl_handle!(ssj_draw_record => RecordBox);

/// The counts of a draw record. Strata are in the canonical order A, B, C, D, ungraded.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct ssj_draw_counts {
    /// Targets in the frozen pool.
    pub pool_size: u64,
    /// Targets outside the request's scope.
    pub out_of_scope: u64,
    /// Targets in scope but excluded (all reasons).
    pub excluded: u64,
    /// Eligible targets per stratum.
    pub eligible: [u64; 5],
    /// Targets drawn per stratum.
    pub sample_size: [u64; 5],
    /// Targets drawn in all.
    pub selected: u64,
}

/// Draws from a frozen pool. `request_json` is the core's `DrawRequest` (the `request` of a
/// record): `task_id`, `seed` (64 hex digits), `seed_origin`, `policy`, and optionally `plan`,
/// `department`, `items`, `date`, `scope`. The frozen pool may be shared: draws from several
/// threads at once are safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw(
    frozen: *const ssj_frozen_pool,
    request_json: *const c_char,
    record_out: *mut *mut ssj_draw_record,
) -> ssj_result {
    ffi! {
        let record_out = out(record_out, "record_out")?;
        let pool = borrow(frozen, "frozen")?;
        let request: DrawRequest = json_arg(request_json, "request_json")?;
        let record = draw(pool, &request)?;
        record_out.write(to_handle(RecordBox::new(record)));
        Ok(())
    }
}

/// Frees a draw record; NULL is a no-op. Ids borrowed from it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_free(record: *mut ssj_draw_record) {
    unsafe { free(record) }
}

/// Reads a published record (JSON) into a handle, e.g. to append it to a draw log.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_from_json(
    record_json: *const c_char,
    record_out: *mut *mut ssj_draw_record,
) -> ssj_result {
    ffi! {
        let record_out = out(record_out, "record_out")?;
        let record: DrawRecord = json_arg(record_json, "record_json")?;
        record_out.write(to_handle(RecordBox::new(record)));
        Ok(())
    }
}

/// The record as JSON, the document to publish (free with `ssj_string_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_to_json(
    record: *const ssj_draw_record,
    json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(json_out, "json_out")?;
        let json = borrow(record, "record")?.record.to_json();
        json_out.write(c_string(json)?);
        Ok(())
    }
}

/// The counts of a record: pool size, out of scope, excluded, eligible and drawn per stratum.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_counts(
    record: *const ssj_draw_record,
    counts_out: *mut ssj_draw_counts,
) -> ssj_result {
    ffi! {
        let counts_out = out(counts_out, "counts_out")?;
        let r = &borrow(record, "record")?.record;
        let mut c = ssj_draw_counts {
            pool_size: r.pool.size,
            out_of_scope: r.out_of_scope,
            excluded: r.exclusions.total(),
            selected: r.selected.len() as u64,
            ..Default::default()
        };
        for (s, summary) in r.strata.iter() {
            c.eligible[s.index()] = summary.eligible;
            c.sample_size[s.index()] = summary.sample_size;
        }
        counts_out.write(c);
        Ok(())
    }
}

/// Number of selected targets (0 for NULL or a wrong handle, with the last error set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_selected_len(record: *const ssj_draw_record) -> usize {
    ffi_value!(0, Ok(borrow(record, "record")?.record.selected.len()))
}

/// The `index`-th selected target (canonical id order): its id (borrowed from the record,
/// NUL-terminated, valid until the record is freed), inclusion probability, design weight and
/// stratum (0–4: A, B, C, D, ungraded). Any of the out-parameters may be NULL when not wanted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_selected(
    record: *const ssj_draw_record,
    index: usize,
    id_out: *mut *const c_char,
    probability_out: *mut f64,
    weight_out: *mut f64,
    stratum_out: *mut u32,
) -> ssj_result {
    ffi! {
        let b = borrow(record, "record")?;
        let s = b.record.selected.get(index).ok_or_else(|| {
            Failure::new(
                ssj_result::SSJ_INDEX_OUT_OF_RANGE,
                format!("index {index}: the record has {} selected targets", b.record.selected.len()),
            )
        })?;
        if !id_out.is_null() {
            id_out.write(b.ids().get(index));
        }
        if !probability_out.is_null() {
            probability_out.write(s.inclusion_probability);
        }
        if !weight_out.is_null() {
            weight_out.write(s.design_weight);
        }
        if !stratum_out.is_null() {
            stratum_out.write(stratum_index(s.stratum));
        }
        Ok(())
    }
}

fn stratum_index(s: Stratum) -> u32 {
    s.index() as u32
}

/// A borrowed view of UTF-8 text: `len` bytes at `data`, **not** NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ssj_str {
    /// The first byte.
    pub data: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

/// The bulk path: copies `count` selected targets from `start` into caller arrays of at least
/// `count` elements: ids as [`ssj_str`] views into the record (no copy, **not**
/// NUL-terminated, valid until the record is freed; [`ssj_draw_record_selected`] gives
/// NUL-terminated ids one at a time), probabilities, weights. Any of the arrays may be NULL when
/// not wanted. `SSJ_INDEX_OUT_OF_RANGE` when `start + count` passes the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_copy_selected(
    record: *const ssj_draw_record,
    start: usize,
    count: usize,
    ids: *mut ssj_str,
    probabilities: *mut f64,
    weights: *mut f64,
) -> ssj_result {
    ffi! {
        let b = borrow(record, "record")?;
        let len = b.record.selected.len();
        let end = start.checked_add(count).filter(|&e| e <= len).ok_or_else(|| {
            Failure::new(
                ssj_result::SSJ_INDEX_OUT_OF_RANGE,
                format!("{start} + {count} passes the {len} selected targets"),
            )
        })?;
        let part = &b.record.selected[start..end];
        if !ids.is_null() {
            for (o, s) in slice_out(ids, count, "ids")?.iter_mut().zip(part) {
                let id = s.id.as_str();
                *o = ssj_str {
                    data: id.as_ptr().cast(),
                    len: id.len(),
                };
            }
        }
        if !probabilities.is_null() {
            for (o, s) in slice_out(probabilities, count, "probabilities")?.iter_mut().zip(part) {
                *o = s.inclusion_probability;
            }
        }
        if !weights.is_null() {
            for (o, s) in slice_out(weights, count, "weights")?.iter_mut().zip(part) {
                *o = s.design_weight;
            }
        }
        Ok(())
    }
}

/// The verification outcome as JSON: `[{"message": "...", "mismatch": {...}}, ...]`.
fn mismatches_json(v: &Verification) -> Result<String, Failure> {
    let list: Vec<serde_json::Value> = v
        .mismatches
        .iter()
        .map(|m| serde_json::json!({ "message": m.to_string(), "mismatch": m }))
        .collect();
    to_json(&list)
}

/// Writes a verification outcome to the out-parameters.
pub(crate) unsafe fn report(
    count: usize,
    json: impl FnOnce() -> Result<String, Failure>,
    count_out: *mut usize,
    json_out: *mut *mut c_char,
) -> Result<(), Failure> {
    let text = if json_out.is_null() {
        None
    } else {
        Some(c_string(json()?)?)
    };
    unsafe {
        count_out.write(count);
        if let Some(t) = text {
            json_out.write(t);
        }
    }
    Ok(())
}

/// Re-runs a record's draw on a frozen pool. The call succeeds (`SSJ_OK`) whenever the check
/// could be made; `*mismatches_out` is the number of differences (0: the record reproduces
/// exactly) and `*mismatches_json_out` (may be NULL if not wanted; free with
/// `ssj_string_free`) lists them, most fundamental first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_record_verify(
    record: *const ssj_draw_record,
    frozen: *const ssj_frozen_pool,
    mismatches_out: *mut usize,
    mismatches_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let count_out = out(mismatches_out, "mismatches_out")?;
        let r = &borrow(record, "record")?.record;
        let v = verify(r, borrow(frozen, "frozen")?);
        report(v.mismatches.len(), || mismatches_json(&v), count_out, mismatches_json_out)
    }
}

/// Like [`ssj_draw_record_verify`] for a record given as JSON (as published).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_verify_record_json(
    frozen: *const ssj_frozen_pool,
    record_json: *const c_char,
    mismatches_out: *mut usize,
    mismatches_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let count_out = out(mismatches_out, "mismatches_out")?;
        let pool = borrow(frozen, "frozen")?;
        let r: DrawRecord = json_arg(record_json, "record_json")?;
        let v = verify(&r, pool);
        report(v.mismatches.len(), || mismatches_json(&v), count_out, mismatches_json_out)
    }
}

/// The seed of a task derived from a published value (`SM3(label ‖ source ‖ value ‖ task)`),
/// as 64 hex digits (free with `ssj_string_free`): the `seed` of a request whose
/// `seed_origin` is `{"method": "public_entropy", "source": ..., "value": ...}`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_seed_from_public_entropy(
    source: *const c_char,
    value: *const c_char,
    task_id: *const c_char,
    hex_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let hex_out = out(hex_out, "hex_out")?;
        let task = TaskId::new(text(task_id, "task_id")?)?;
        let seed = Seed::from_public_entropy(text(source, "source")?, text(value, "value")?, &task);
        hex_out.write(c_string(seed.to_hex())?);
        Ok(())
    }
}

/// Checks a sampling policy (JSON, the core's `SamplingPolicy`, as in a request's `policy`).
/// `SSJ_OK`, `SSJ_BAD_JSON` or `SSJ_POLICY` with the reason.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_policy_validate(policy_json: *const c_char) -> ssj_result {
    ffi! {
        let p: ssj::policy::SamplingPolicy = json_arg(policy_json, "policy_json")?;
        p.validate()?;
        Ok(())
    }
}
