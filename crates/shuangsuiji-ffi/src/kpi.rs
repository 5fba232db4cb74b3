//! The KPI report: the flat tables of `docs/KPI.md` in (as CSV texts, or the input as JSON),
//! the report out as JSON, Annex 1 as CSV, or the text the CLI prints.

use crate::boundary::{
    borrow, c_string, ffi, free, impl_handle, json_arg, opt_json_arg, out, to_handle,
};
use crate::result::ssj_result;
use ssj::kpi::{KpiConfig, KpiCsv, KpiInput, KpiReport};
use std::ffi::c_char;

/// A computed KPI report. Immutable: may be shared by any number of threads.
#[allow(non_camel_case_types)]
pub struct ssj_kpi_report {
    _private: [u8; 0],
}
impl_handle!(ssj_kpi_report => KpiReport);

/// Computes the report from the CSV texts of the tables: `tables_json` is a JSON object whose
/// members `departments`, `items`, `plans`, `tasks`, `drawn`, `results`, `follow_ups` and
/// `unplanned` are each the text of that CSV file (absent: an empty table). `config_json` is
/// NULL for the default configuration. Bad rows give `SSJ_KPI` with the file, line and field in
/// `ssj_last_error()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_from_csv(
    tables_json: *const c_char,
    config_json: *const c_char,
    report_out: *mut *mut ssj_kpi_report,
) -> ssj_result {
    ffi! {
        let report_out = out(report_out, "report_out")?;
        let tables: KpiCsv = unsafe { json_arg(tables_json, "tables_json")? };
        let config: KpiConfig = unsafe { opt_json_arg(config_json, "config_json")? };
        let input = KpiInput::from_csv(&tables)?;
        report_out.write(to_handle(KpiReport::compute(&input, &config)?));
        Ok(())
    }
}

/// Computes the report from the flat input as JSON (the serde form of `KpiInput`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_from_input_json(
    input_json: *const c_char,
    config_json: *const c_char,
    report_out: *mut *mut ssj_kpi_report,
) -> ssj_result {
    ffi! {
        let report_out = out(report_out, "report_out")?;
        let input: KpiInput = unsafe { json_arg(input_json, "input_json")? };
        let config: KpiConfig = unsafe { opt_json_arg(config_json, "config_json")? };
        report_out.write(to_handle(KpiReport::compute(&input, &config)?));
        Ok(())
    }
}

/// The whole report as JSON: every rate with its exact numerator and denominator, per
/// department, period and in total; Annex 1; the findings; the estimate; the assessment.
/// Free the string with `ssj_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_to_json(
    report: *const ssj_kpi_report,
    json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(json_out, "json_out")?;
        let json = unsafe { borrow(report, "report")? }.to_json();
        json_out.write(c_string(json)?);
        Ok(())
    }
}

/// Annex 1 (the per-department table, the total last) as CSV. Free with `ssj_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_annex_csv(
    report: *const ssj_kpi_report,
    csv_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let csv_out = out(csv_out, "csv_out")?;
        let csv = unsafe { borrow(report, "report")? }.annex_csv();
        csv_out.write(c_string(csv)?);
        Ok(())
    }
}

/// The report as the CLI prints it; with `quarters`, every rate of each quarter as well.
/// Free with `ssj_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_text(
    report: *const ssj_kpi_report,
    quarters: bool,
    text_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let text_out = out(text_out, "text_out")?;
        let text = unsafe { borrow(report, "report")? }.text(quarters);
        text_out.write(c_string(text)?);
        Ok(())
    }
}

/// Frees a report; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_kpi_report_free(report: *mut ssj_kpi_report) {
    unsafe { free(report) }
}
