//! The publication outputs (`shuangsuiji_io::publish`): the 抽取结果 list of a draw, the
//! 检查结果公示 table of the KPI tables' results, Annex 1 and the KPI tables as a workbook, a
//! pool as a workbook. Each returns the bytes of the file (`.xlsx`, or CSV in UTF-8 with a
//! byte-order mark), allocated by the library: free them with `ssj_bytes_free`.

use crate::boundary::{borrow, ffi, json_arg, opt_json_arg, opt_text, out};
use crate::draw::ssj_draw_record;
use crate::kpi::ssj_kpi_report;
use crate::result::{Failure, ssj_result};
use crate::targets::ssj_frozen_pool;
use shuangsuiji_io::publish::{
    AnnexOptions, DrawListOptions, OutputFormat, PublishError, annex_xlsx, draw_list, gongshi,
    write_pool_xlsx,
};
use ssj::kpi::{KpiConfig, KpiCsv, KpiInput, KpiReport};
use std::collections::BTreeMap;
use std::ffi::c_char;

/// `format` of the publication functions: an Office Open XML workbook (`.xlsx`).
pub const SSJ_FORMAT_XLSX: u32 = 1;
/// `format` of the publication functions: CSV, UTF-8 with a byte-order mark.
pub const SSJ_FORMAT_CSV: u32 = 2;

impl From<PublishError> for Failure {
    fn from(e: PublishError) -> Failure {
        Failure::new(ssj_result::SSJ_PUBLISH, e.to_string())
    }
}

fn format_arg(format: u32) -> Result<OutputFormat, Failure> {
    match format {
        SSJ_FORMAT_XLSX => Ok(OutputFormat::Xlsx),
        SSJ_FORMAT_CSV => Ok(OutputFormat::Csv),
        other => Err(Failure::new(
            ssj_result::SSJ_PUBLISH,
            format!(
                "format {other} is neither SSJ_FORMAT_XLSX ({SSJ_FORMAT_XLSX}) nor \
                 SSJ_FORMAT_CSV ({SSJ_FORMAT_CSV})"
            ),
        )),
    }
}

/// Hands bytes to C: `*bytes_out` (NULL for none) and `*len_out`.
fn give(bytes: Vec<u8>, bytes_out: *mut *mut u8, len_out: *mut usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    let p = if len == 0 {
        std::ptr::null_mut()
    } else {
        Box::into_raw(boxed).cast::<u8>()
    };
    // Both out-parameters were checked non-NULL before any work.
    unsafe {
        bytes_out.write(p);
        len_out.write(len);
    }
}

/// Frees bytes returned by a publication function, with the length it gave (`*len_out`).
/// NULL is a no-op. Only bytes the library handed out may be passed, once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_bytes_free(bytes: *mut u8, len: usize) {
    if !bytes.is_null() {
        let slice = std::ptr::slice_from_raw_parts_mut(bytes, len);
        drop(unsafe { Box::from_raw(slice) });
    }
}

/// The 抽取结果 list of a draw record (one row per selected target: task, department, name
/// and code from `pool`, date, the seed's source and value, the record's and the pool's
/// digests) in `format`. The pool is first checked exactly as `ssj_draw_record_verify` does:
/// a pool that does not reproduce the record gives `SSJ_PUBLISH`, with the differences in
/// `ssj_last_error()`, and no bytes. `task_name` (NULL: none) is the task's published name;
/// `departments_json` (NULL: none) maps department ids to names, `{"D01": "市场监管局"}`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_list(
    record: *const ssj_draw_record,
    pool: *const ssj_frozen_pool,
    task_name: *const c_char,
    departments_json: *const c_char,
    format: u32,
    bytes_out: *mut *mut u8,
    len_out: *mut usize,
) -> ssj_result {
    ffi! {
        let bytes_out = out(bytes_out, "bytes_out")?;
        let len_out = out(len_out, "len_out")?;
        let format = format_arg(format)?;
        let record = &unsafe { borrow(record, "record")? }.record;
        let pool = unsafe { borrow(pool, "pool")? };
        let departments: BTreeMap<String, String> =
            unsafe { opt_json_arg(departments_json, "departments_json")? };
        let options = DrawListOptions {
            task_name: unsafe { opt_text(task_name, "task_name")? }.map(str::to_owned),
            departments: departments.into_iter().collect(),
        };
        let table = draw_list(record, pool, &options)?;
        give(table.to_bytes(format)?, bytes_out, len_out);
        Ok(())
    }
}

/// The 检查结果公示 table (序号, 任务编号, 主体名称, 统一社会信用代码/注册号, 主体标识, 检查实施机关,
/// 类型, 日期, 结果: one row per result) of the KPI tables given as in
/// `ssj_kpi_report_from_csv` (checked as the report checks them: bad tables give `SSJ_KPI`),
/// names and codes from `pool` (NULL: none), in `format`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_gongshi(
    tables_json: *const c_char,
    pool: *const ssj_frozen_pool,
    format: u32,
    bytes_out: *mut *mut u8,
    len_out: *mut usize,
) -> ssj_result {
    ffi! {
        let bytes_out = out(bytes_out, "bytes_out")?;
        let len_out = out(len_out, "len_out")?;
        let format = format_arg(format)?;
        let tables: KpiCsv = unsafe { json_arg(tables_json, "tables_json")? };
        let pool = if pool.is_null() { None } else { Some(unsafe { borrow(pool, "pool")? }) };
        let input = KpiInput::from_csv(&tables)?;
        KpiReport::compute(&input, &KpiConfig::default())?;
        give(gongshi(&input, pool)?.to_bytes(format)?, bytes_out, len_out);
        Ok(())
    }
}

/// The options of `ssj_kpi_report_annex_xlsx`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AnnexJson {
    title: Option<String>,
    as_of: Option<chrono::NaiveDate>,
}

/// Annex 1 laid out like the report, the KPIs of the year and of each quarter and the
/// assessment, as one `.xlsx` workbook. `options_json` is NULL or
/// `{"title": "…", "as_of": "YYYY-MM-DD"}` (both optional).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_annex_xlsx(
    report: *const ssj_kpi_report,
    options_json: *const c_char,
    bytes_out: *mut *mut u8,
    len_out: *mut usize,
) -> ssj_result {
    ffi! {
        let bytes_out = out(bytes_out, "bytes_out")?;
        let len_out = out(len_out, "len_out")?;
        let report = unsafe { borrow(report, "report")? };
        let o: AnnexJson = unsafe { opt_json_arg(options_json, "options_json")? };
        let options = AnnexOptions { title: o.title, as_of: o.as_of };
        give(annex_xlsx(report, &options)?, bytes_out, len_out);
        Ok(())
    }
}

/// A frozen pool as a `.xlsx` workbook in the library's pool columns (history left out):
/// read back by the formats layer it gives the same pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_frozen_pool_to_xlsx(
    pool: *const ssj_frozen_pool,
    bytes_out: *mut *mut u8,
    len_out: *mut usize,
) -> ssj_result {
    ffi! {
        let bytes_out = out(bytes_out, "bytes_out")?;
        let len_out = out(len_out, "len_out")?;
        let pool = unsafe { borrow(pool, "pool")? };
        give(write_pool_xlsx(&pool.to_targets())?, bytes_out, len_out);
        Ok(())
    }
}
