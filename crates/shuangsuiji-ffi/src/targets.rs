//! Target pools: built row by row or in bulk, adjusted, frozen.

use crate::boundary::{
    borrow, borrow_mut, c_string, ffi, ffi_value, free, impl_handle, json_arg, opt_text, out,
    slice, text, to_handle,
};
use crate::result::{Failure, ssj_result};
use ssj::credit::CreditCode;
use ssj::ids::TargetId;
use ssj::risk::RiskGrade;
use ssj::target::{FrozenPool, Target, TargetPool};
use std::ffi::c_char;

/// A target pool being built or adjusted (动态调整). Not thread-safe: use from one thread at
/// a time.
#[allow(non_camel_case_types)]
pub struct ssj_target_pool {
    _private: [u8; 0],
}
impl_handle!(ssj_target_pool => TargetPool);
/// A frozen target pool: canonical order and SM3 digest. Immutable: may be shared by any
/// number of threads (e.g. drawing concurrently) until it is freed.
#[allow(non_camel_case_types)]
pub struct ssj_frozen_pool {
    _private: [u8; 0],
}
impl_handle!(ssj_frozen_pool => FrozenPool);

/// The columns of many targets, for [`ssj_target_pool_from_columns`]: `len` rows; `ids` is
/// required, every other column may be NULL (absent: every row takes the default), and within
/// a column a NULL element takes the default too. Text columns are arrays of `len`
/// NUL-terminated UTF-8 strings. Defaults: no credit code, empty name/region/industry, kind
/// `enterprise`, ungraded, status `active`, no tags, no risk score, not on the positive list.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ssj_target_columns {
    /// Number of rows.
    pub len: usize,
    /// Ids (required).
    pub ids: *const *const c_char,
    /// Credit codes (validated; empty or NULL for none).
    pub credit_codes: *const *const c_char,
    /// Names.
    pub names: *const *const c_char,
    /// Kinds: `enterprise`, `individual_business`, `farmers_cooperative`, `non_market`,
    /// `product`, `project`, `behaviour`.
    pub kinds: *const *const c_char,
    /// Administrative divisions.
    pub regions: *const *const c_char,
    /// Industries.
    pub industries: *const *const c_char,
    /// Grades `A`–`D` (case-insensitive); empty for ungraded.
    pub grades: *const *const c_char,
    /// Statuses: `active`, `deregistered`, `revoked`, `moved_out`.
    pub statuses: *const *const c_char,
    /// Tags, `;` between tags.
    pub tags: *const *const c_char,
    /// Risk scores 1–1,000,000; 0 for none.
    pub risk_scores: *const u32,
    /// Positive list (正面清单): non-zero for yes.
    pub positive_list: *const u8,
}

/// The main fields of one target as the core reads them.
#[derive(Default)]
struct Fields<'a> {
    id: &'a str,
    credit_code: Option<&'a str>,
    name: Option<&'a str>,
    kind: Option<&'a str>,
    region: Option<&'a str>,
    industry: Option<&'a str>,
    grade: Option<&'a str>,
    status: Option<&'a str>,
    tags: Option<&'a str>,
    risk_score: u32,
    positive_list: bool,
}

impl Fields<'_> {
    fn target(&self) -> Result<Target, Failure> {
        let mut t = Target::new(TargetId::new(self.id)?);
        let id = self.id;
        let field = |name: &str, f: Failure| {
            Failure::new(
                f.code,
                format!("target {id:?}: field {name}: {}", f.message),
            )
        };
        if let Some(c) = self.credit_code.filter(|c| !c.is_empty()) {
            t.credit_code = Some(CreditCode::parse(c).map_err(|e| field("credit_code", e.into()))?);
        }
        t.name = self.name.unwrap_or_default().to_owned();
        if let Some(k) = self.kind.filter(|k| !k.is_empty()) {
            t.kind = k
                .parse()
                .map_err(|e: ssj::target::UnknownName| field("kind", e.into()))?;
        }
        t.region = self.region.unwrap_or_default().to_owned();
        t.industry = self.industry.unwrap_or_default().to_owned();
        if let Some(g) = self.grade.filter(|g| !g.trim().is_empty()) {
            t.grade = Some(
                g.parse::<RiskGrade>()
                    .map_err(|e| field("grade", e.into()))?,
            );
        }
        if let Some(s) = self.status.filter(|s| !s.is_empty()) {
            t.status = s
                .parse()
                .map_err(|e: ssj::target::UnknownName| field("status", e.into()))?;
        }
        if let Some(tags) = self.tags {
            t.tags = tags
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
        }
        t.risk_score = (self.risk_score != 0).then_some(self.risk_score);
        t.positive_list = self.positive_list;
        Ok(t)
    }
}

/// Makes an empty target pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_new(pool_out: *mut *mut ssj_target_pool) -> ssj_result {
    ffi! {
        out(pool_out, "pool_out")?.write(to_handle(TargetPool::new()));
        Ok(())
    }
}

/// Frees a target pool; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_free(pool: *mut ssj_target_pool) {
    unsafe { free(pool) }
}

/// Adds one target from its main fields. `id` is required; every other text may be NULL
/// (default, as in [`ssj_target_columns`]); `grade` NULL or `""` is ungraded; `tags` are
/// `;`-separated; `risk_score` 0 is none. `SSJ_POOL` when the id is already in the pool.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the row's columns, as C callers have them
pub unsafe extern "C" fn ssj_target_pool_add(
    pool: *mut ssj_target_pool,
    id: *const c_char,
    credit_code: *const c_char,
    name: *const c_char,
    kind: *const c_char,
    region: *const c_char,
    industry: *const c_char,
    grade: *const c_char,
    status: *const c_char,
    tags: *const c_char,
    risk_score: u32,
    positive_list: bool,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let t = Fields {
            id: text(id, "id")?,
            credit_code: opt_text(credit_code, "credit_code")?,
            name: opt_text(name, "name")?,
            kind: opt_text(kind, "kind")?,
            region: opt_text(region, "region")?,
            industry: opt_text(industry, "industry")?,
            grade: opt_text(grade, "grade")?,
            status: opt_text(status, "status")?,
            tags: opt_text(tags, "tags")?,
            risk_score,
            positive_list,
        }
        .target()?;
        pool.insert(t)?;
        Ok(())
    }
}

/// Adds one target given as a JSON object (the core's `Target`: `id`, `name`, `credit_code`,
/// `kind`, `region`, `industry`, `grid`, `tags`, `grade`, `risk_score`, `status`,
/// `positive_list`, `history`; unknown fields are refused).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_add_json(
    pool: *mut ssj_target_pool,
    row_json: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let t: Target = json_arg(row_json, "row_json")?;
        pool.insert(t)?;
        Ok(())
    }
}

/// Adds or replaces (by id) one target given as JSON; `*replaced_out` (may be NULL) says
/// whether a row was replaced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_upsert_json(
    pool: *mut ssj_target_pool,
    row_json: *const c_char,
    replaced_out: *mut bool,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let t: Target = json_arg(row_json, "row_json")?;
        let replaced = pool.upsert(t)?.is_some();
        if !replaced_out.is_null() {
            replaced_out.write(replaced);
        }
        Ok(())
    }
}

/// Changes the grade of a target (NULL or `""`: ungraded). `SSJ_POOL` when the id is not in
/// the pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_set_grade(
    pool: *mut ssj_target_pool,
    id: *const c_char,
    grade: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let id = TargetId::new(text(id, "id")?)?;
        let grade = match opt_text(grade, "grade")?.filter(|g| !g.trim().is_empty()) {
            Some(g) => Some(g.parse::<RiskGrade>()?),
            None => None,
        };
        pool.update(&id, |t| t.grade = grade)?;
        Ok(())
    }
}

/// Changes the registration status of a target (`active`, `deregistered`, `revoked`,
/// `moved_out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_set_status(
    pool: *mut ssj_target_pool,
    id: *const c_char,
    status: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        let id = TargetId::new(text(id, "id")?)?;
        let status: ssj::target::TargetStatus = text(status, "status")?.parse()?;
        pool.update(&id, |t| t.status = status)?;
        Ok(())
    }
}

/// Removes a target. `SSJ_POOL` when the id is not in the pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_remove(
    pool: *mut ssj_target_pool,
    id: *const c_char,
) -> ssj_result {
    ffi! {
        let pool = borrow_mut(pool, "pool")?;
        pool.remove(&TargetId::new(text(id, "id")?)?)?;
        Ok(())
    }
}

/// Number of targets (0 for NULL or a wrong handle, with the last error set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_len(pool: *const ssj_target_pool) -> usize {
    ffi_value!(0, Ok(borrow(pool, "pool")?.len()))
}

/// Builds a pool from a JSON array of targets (the form of [`ssj_target_pool_add_json`]).
/// Errors name the 1-based row.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_from_json(
    rows_json: *const c_char,
    pool_out: *mut *mut ssj_target_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let rows: Vec<Target> = json_arg(rows_json, "rows_json")?;
        pool_out.write(to_handle(TargetPool::from_entries(rows)?));
        Ok(())
    }
}

/// Builds a pool from columns (the bulk path: no JSON). Errors name the 0-based index of the
/// row (and for duplicates, the 1-based rows).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_from_columns(
    columns: *const ssj_target_columns,
    pool_out: *mut *mut ssj_target_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        if columns.is_null() {
            return Err(Failure::new(ssj_result::SSJ_NULL_POINTER, "columns is NULL"));
        }
        let c = &*columns;
        let n = c.len;
        if c.ids.is_null() && n > 0 {
            return Err(Failure::new(ssj_result::SSJ_NULL_POINTER, "columns->ids is NULL"));
        }
        let ids = slice(c.ids, n, "columns->ids")?;
        let opt = |p: *const *const c_char, what: &str| -> Result<Option<&[*const c_char]>, Failure> {
            if p.is_null() { Ok(None) } else { slice(p, n, what).map(Some) }
        };
        let credit_codes = opt(c.credit_codes, "columns->credit_codes")?;
        let names = opt(c.names, "columns->names")?;
        let kinds = opt(c.kinds, "columns->kinds")?;
        let regions = opt(c.regions, "columns->regions")?;
        let industries = opt(c.industries, "columns->industries")?;
        let grades = opt(c.grades, "columns->grades")?;
        let statuses = opt(c.statuses, "columns->statuses")?;
        let tags = opt(c.tags, "columns->tags")?;
        let scores = if c.risk_scores.is_null() { None } else { Some(slice(c.risk_scores, n, "columns->risk_scores")?) };
        let positive = if c.positive_list.is_null() { None } else { Some(slice(c.positive_list, n, "columns->positive_list")?) };
        let cell = |col: Option<&[*const c_char]>, i: usize, what: &str| -> Result<Option<&str>, Failure> {
            match col {
                None => Ok(None),
                Some(col) => opt_text(col[i], what).map_err(|f| Failure::new(f.code, format!("index {i}: {}", f.message))),
            }
        };
        let row = |i: usize| -> Result<Target, Failure> {
            let at = |f: Failure| Failure::new(f.code, format!("index {i}: {}", f.message));
            Fields {
                id: text(ids[i], "ids").map_err(at)?,
                credit_code: cell(credit_codes, i, "credit_codes")?,
                name: cell(names, i, "names")?,
                kind: cell(kinds, i, "kinds")?,
                region: cell(regions, i, "regions")?,
                industry: cell(industries, i, "industries")?,
                grade: cell(grades, i, "grades")?,
                status: cell(statuses, i, "statuses")?,
                tags: cell(tags, i, "tags")?,
                risk_score: scores.map_or(0, |s| s[i]),
                positive_list: positive.is_some_and(|p| p[i] != 0),
            }
            .target()
            .map_err(at)
        };
        // The rows stream into the pool: collecting them first would write every row twice.
        let mut bad_row = None;
        let built = TargetPool::from_entries((0..n).map_while(|i| match row(i) {
            Ok(t) => Some(t),
            Err(f) => {
                bad_row = Some(f);
                None
            }
        }));
        // The rows before a bad one may hold look-alike ids, which the pool finds only once it
        // has them all: those come first, in row order.
        if let Some(f) = bad_row
            && !matches!(built, Err(ssj::pool::PoolError::LookAlikeIds { .. }))
        {
            return Err(f);
        }
        pool_out.write(to_handle(built?));
        Ok(())
    }
}

/// Builds a pool from CSV text as a platform or spreadsheet exports it (the CLI's `pool.csv`
/// and `history.csv`, `docs/CLI.md`): `pool_csv` with a header row naming at least `id` and
/// `grade` (also `credit_code`, `name`, `kind`, `region`, `industry`, `grid`, `status`,
/// `risk_score`, `positive_list`, `tags`, in any order, any case; unknown columns are ignored);
/// `history_csv` (may be NULL: no history) with `target_id`, `date`, `department` and
/// optionally `item`, `inspectors`. Failures are `SSJ_POOL_CSV` with the text (`pool_csv` or
/// `history_csv`), the line (the header is line 1) and the field in `ssj_last_error()`, e.g.
/// pool_csv:3: field `grade`: "E" is not a credit-risk grade: …; a duplicate id names both
/// lines. Freeze the pool to draw from it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_from_csv(
    pool_csv: *const c_char,
    history_csv: *const c_char,
    pool_out: *mut *mut ssj_target_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let pool_text = text(pool_csv, "pool_csv")?;
        let history = opt_text(history_csv, "history_csv")?.map(|h| ("history_csv", h));
        let read = ssj::pool_csv::read_target_pool("pool_csv", pool_text, history)?;
        pool_out.write(to_handle(read.value));
        Ok(())
    }
}

/// Builds a frozen pool straight from CSV text, the texts of [`ssj_target_pool_from_csv`]:
/// the cells go into the frozen pool's columns as the text is read, without an adjustable pool
/// (the path for large pools loaded once: a fraction of the time and memory of
/// `ssj_target_pool_from_csv` then [`ssj_target_pool_freeze`], with the same digest). Failures
/// are those of `ssj_target_pool_from_csv`, with the same messages (`SSJ_POOL_CSV`, the text,
/// line and field in `ssj_last_error()`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_from_csv(
    pool_csv: *const c_char,
    history_csv: *const c_char,
    frozen_out: *mut *mut ssj_frozen_pool,
) -> ssj_result {
    ffi! {
        let frozen_out = out(frozen_out, "frozen_out")?;
        let pool_text = text(pool_csv, "pool_csv")?;
        let history = opt_text(history_csv, "history_csv")?.map(|h| ("history_csv", h));
        let read = ssj::pool_csv::read_frozen_pool("pool_csv", pool_text, history)?;
        frozen_out.write(to_handle(read.value.into_pool()));
        Ok(())
    }
}

/// Writes a pool as CSV text, in the pool's order: `*pool_csv_out` the targets (all columns of
/// [`ssj_target_pool_from_csv`]), `*history_csv_out` (may be NULL: not written) their
/// inspection history, one row per inspection. Read back with [`ssj_target_pool_from_csv`], the
/// pool freezes to the same digest. Free both with `ssj_string_free`. `SSJ_POOL_CSV` when a
/// value could not be read back (an id holding `;` in a `;`-separated cell, e.g. an inspector
/// id in the history).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_to_csv(
    pool: *const ssj_target_pool,
    pool_csv_out: *mut *mut c_char,
    history_csv_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let pool_csv_out = out(pool_csv_out, "pool_csv_out")?;
        let targets = borrow(pool, "pool")?.entries();
        let pool_text = ssj::pool_csv::write_pool("pool_csv", targets)?;
        let history_text = if history_csv_out.is_null() {
            None
        } else {
            Some(ssj::pool_csv::write_history("history_csv", targets)?)
        };
        let pool_c = c_string(pool_text)?;
        if let Some(h) = history_text {
            match c_string(h) {
                Ok(h) => history_csv_out.write(h),
                Err(f) => {
                    crate::ssj_string_free(pool_c);
                    return Err(f);
                }
            }
        }
        pool_csv_out.write(pool_c);
        Ok(())
    }
}

/// Freezes the pool (the pool itself stays usable): canonical order and SM3 digest.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_pool_freeze(
    pool: *const ssj_target_pool,
    frozen_out: *mut *mut ssj_frozen_pool,
) -> ssj_result {
    ffi! {
        let frozen_out = out(frozen_out, "frozen_out")?;
        let frozen = borrow(pool, "pool")?.freeze();
        frozen_out.write(to_handle(frozen));
        Ok(())
    }
}

/// Frees a frozen pool; NULL is a no-op. No other thread may still be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_free(frozen: *mut ssj_frozen_pool) {
    unsafe { free(frozen) }
}

/// Number of targets in a frozen pool (0 for NULL or a wrong handle, with the last error set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_len(frozen: *const ssj_frozen_pool) -> usize {
    ffi_value!(0, Ok(borrow(frozen, "frozen")?.len()))
}

/// The SM3 digest of a frozen pool as 64 lower-case hex digits (free with `ssj_string_free`):
/// what a draw record publishes as `pool.digest`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_digest(
    frozen: *const ssj_frozen_pool,
    hex_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let hex_out = out(hex_out, "hex_out")?;
        let hex = borrow(frozen, "frozen")?.digest().to_hex();
        hex_out.write(c_string(hex)?);
        Ok(())
    }
}

/// A new, adjustable pool with the frozen pool's targets (e.g. for the next adjustment).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_thaw(
    frozen: *const ssj_frozen_pool,
    pool_out: *mut *mut ssj_target_pool,
) -> ssj_result {
    ffi! {
        let pool_out = out(pool_out, "pool_out")?;
        let pool = borrow(frozen, "frozen")?.thaw();
        pool_out.write(to_handle(pool));
        Ok(())
    }
}
