//! The KPI input read from CSV text (`KpiInput::from_csv`), and the report computed from it.
//!
//! Input: up to nine texts separated by NUL bytes: the eight tables in the order of
//! `docs/KPI.md` (departments, items, plans, tasks, drawn, results, follow_ups, unplanned) and
//! then, optionally, a `KpiConfig` as JSON (the default when absent or not one).
//!
//! Invariants:
//! - reading, computing, assessing and rendering never panic;
//! - every error that belongs to a table names its file;
//! - an accepted input written back (`to_csv`) reads back equal (the promise of `to_csv`);
//! - the report's JSON is written (never the empty text `to_json` falls back to) and reads
//!   back; assessing the report again gives the assessment it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiError, KpiInput, KpiReport, Period, Table};

fn check_error(e: &KpiError) {
    let shown = e.to_string();
    let table = match e {
        KpiError::Csv { table, .. }
        | KpiError::MissingColumn { table, .. }
        | KpiError::BadValue { table, .. }
        | KpiError::Duplicate { table, .. }
        | KpiError::Unknown { table, .. }
        | KpiError::NotDrawn { table, .. }
        | KpiError::Inconsistent { table, .. }
        | KpiError::Calendar { table, .. } => Some(*table),
        KpiError::NoYear | KpiError::Config(_) => None,
    };
    if let Some(table) = table {
        assert!(
            shown.starts_with(table.file_name()),
            "{shown:?} does not name {table}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let mut csv = KpiCsv::default();
    for table in Table::ALL {
        *csv.get_mut(table) = parts.next().unwrap_or("").to_owned();
    }
    let config: KpiConfig = parts
        .next()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default();

    let input = match KpiInput::from_csv(&csv) {
        Ok(input) => input,
        Err(e) => return check_error(&e),
    };
    let written = input.to_csv();
    match KpiInput::from_csv(&written) {
        Ok(again) => assert!(again == input, "an input written and read back differs"),
        Err(e) => panic!("an input as written is refused: {e}\n{written:#?}"),
    }

    let report = match KpiReport::compute(&input, &config) {
        Ok(report) => report,
        Err(e) => return check_error(&e),
    };
    for period in Period::ALL {
        let _ = report.kpis_text(period);
    }
    let _ = report.annex_text();
    let _ = report.annex_csv();
    let _ = report.text(true);
    let _ = report.findings_text();
    assert!(
        config.assessment.assess(&report) == report.assessment,
        "assessing the report again gives another assessment"
    );
    let json = report.to_json();
    assert!(!json.is_empty(), "the report cannot be written as JSON");
    if let Err(e) = serde_json::from_str::<KpiReport>(&json) {
        panic!("the report as written is refused: {e}\n{json}");
    }
});
