//! Inspector pools (执法检查人员名录库): JSON rows, adjusted, frozen.

use crate::boundary::{
    borrow, borrow_mut, c_string, ffi, ffi_value, free, impl_handle, json_arg, out, text, to_handle,
};
use crate::result::ssj_result;
use ssj::ids::InspectorId;
use ssj::inspector::{FrozenInspectorPool, Inspector, InspectorPool};
use std::ffi::c_char;

/// An inspector pool being built or adjusted. Not thread-safe: one thread at a time.
#[allow(non_camel_case_types)]
pub struct ssj_inspector_pool {
    _private: [u8; 0],
}
impl_handle!(ssj_inspector_pool => InspectorPool);
/// A frozen inspector pool. Immutable: may be shared by any number of threads.
#[allow(non_camel_case_types)]
pub struct ssj_frozen_inspector_pool {
    _private: [u8; 0],
}
impl_handle!(ssj_frozen_inspector_pool => FrozenInspectorPool);

/// Makes an empty inspector pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_new(
    pool_out: *mut *mut ssj_inspector_pool,
) -> ssj_result {
    ffi! {
        out(pool_out, "pool_out")?.write(to_handle(InspectorPool::new()));
        Ok(())
    }
}

/// Frees an inspector pool; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_free(pool: *mut ssj_inspector_pool) {
    unsafe { free(pool) }
}

/// Builds an inspector pool from a JSON array of inspectors (the core's `Inspector`: `id`,
/// `name`, `department`, `unit`, `certificate`, `certificate_expiry`, `region`, `items`,
/// `tags`, `expert`, `active`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_from_json(
    rows_json: *const c_char,
    pool_out: *mut *mut ssj_inspector_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let rows: Vec<Inspector> = json_arg(rows_json, "rows_json")?;
        pool_out.write(to_handle(InspectorPool::from_entries(rows)?));
        Ok(())
    }
}

/// Builds an inspector pool from CSV text (the CLI's `inspectors.csv`): a header row naming at
/// least `id` and `department` (also `name`, `unit`, `certificate`, `certificate_expiry`
/// (`YYYY-MM-DD`), `region`, `items` and `tags` (`;` between values), `expert`, `active`
/// (`true`/`false`, `1`/`0`, `是`/`否`; an empty `active` is active), in any order, any case;
/// unknown columns are ignored). Failures are `SSJ_POOL_CSV` with the line (the header is line
/// 1) and the field in `ssj_last_error()`, e.g. "inspectors_csv:4: field `certificate`: …".
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_from_csv(
    inspectors_csv: *const c_char,
    pool_out: *mut *mut ssj_inspector_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let csv = text(inspectors_csv, "inspectors_csv")?;
        let read = ssj::pool_csv::parse_inspectors("inspectors_csv", csv)?;
        pool_out.write(to_handle(read.value));
        Ok(())
    }
}

/// Writes an inspector pool as CSV text, in the pool's order, as
/// [`ssj_inspector_pool_from_csv`] reads it (same digest once frozen); free with
/// `ssj_string_free`. `SSJ_POOL_CSV` when an item id holds `;`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_to_csv(
    pool: *const ssj_inspector_pool,
    csv_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let csv_out = out(csv_out, "csv_out")?;
        let text = ssj::pool_csv::write_inspectors("inspectors_csv", borrow(pool, "pool")?.entries())?;
        csv_out.write(c_string(text)?);
        Ok(())
    }
}

/// Adds one inspector given as a JSON object. `SSJ_POOL` when the id is already there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_add_json(
    pool: *mut ssj_inspector_pool,
    row_json: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let row: Inspector = json_arg(row_json, "row_json")?;
        pool.insert(row)?;
        Ok(())
    }
}

/// Adds or replaces (by id) one inspector given as JSON; `*replaced_out` (may be NULL) says
/// whether one was replaced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_upsert_json(
    pool: *mut ssj_inspector_pool,
    row_json: *const c_char,
    replaced_out: *mut bool,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let row: Inspector = json_arg(row_json, "row_json")?;
        let replaced = pool.upsert(row)?.is_some();
        if !replaced_out.is_null() {
            replaced_out.write(replaced);
        }
        Ok(())
    }
}

/// Removes an inspector. `SSJ_POOL` when the id is not in the pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_remove(
    pool: *mut ssj_inspector_pool,
    id: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        pool.remove(&InspectorId::new(text(id, "id")?)?)?;
        Ok(())
    }
}

/// Number of inspectors (0 for NULL or a wrong handle, with the last error set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_len(pool: *const ssj_inspector_pool) -> usize {
    ffi_value!(0, Ok(borrow(pool, "pool")?.len()))
}

/// Freezes the inspector pool (which stays usable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_inspector_pool_freeze(
    pool: *const ssj_inspector_pool,
    frozen_out: *mut *mut ssj_frozen_inspector_pool,
) -> ssj_result {
    ffi! {
        let frozen_out = out(frozen_out, "frozen_out")?;
        let frozen = borrow(pool, "pool")?.freeze();
        frozen_out.write(to_handle(frozen));
        Ok(())
    }
}

/// Frees a frozen inspector pool; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_inspector_pool_free(frozen: *mut ssj_frozen_inspector_pool) {
    unsafe { free(frozen) }
}

/// Number of inspectors in a frozen pool (0 for NULL or a wrong handle).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_inspector_pool_len(
    frozen: *const ssj_frozen_inspector_pool,
) -> usize {
    ffi_value!(0, Ok(borrow(frozen, "frozen")?.len()))
}

/// The SM3 digest of a frozen inspector pool, 64 hex digits (free with `ssj_string_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_inspector_pool_digest(
    frozen: *const ssj_frozen_inspector_pool,
    hex_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let hex_out = out(hex_out, "hex_out")?;
        let hex = borrow(frozen, "frozen")?.digest().to_hex();
        hex_out.write(c_string(hex)?);
        Ok(())
    }
}
