//! The KPI input read from CSV text (`KpiInput::from_csv`), and the report computed from it.
//!
//! Input: up to nine texts separated by NUL bytes: the eight tables in the order of
//! `docs/KPI.md` (departments, items, plans, tasks, drawn, results, follow_ups, unplanned) and
//! then, optionally, a `KpiConfig` as JSON (the default when absent or not one).
//!
//! Invariants:
//! - reading, computing, assessing and rendering never panic;
//! - every error that belongs to a table names its file;
//! - an accepted input written back (`to_csv`) reads back equal (the promise of `to_csv`),
//!   and holds no two departments, items, plans or tasks a reader takes for one (the same
//!   TR39 skeleton, `docs/SAMPLING.md` §10);
//! - the report's JSON is written (never the empty text `to_json` falls back to) and reads
//!   back; assessing the report again gives the assessment it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangsuiji::ids::skeleton;
use shuangsuiji::kpi::{KpiConfig, KpiCsv, KpiError, KpiInput, KpiReport, Period, Table};
use std::collections::HashMap;

fn check_error(e: &KpiError) {
    let shown = e.to_string();
    let table = match e {
        KpiError::Csv { table, .. }
        | KpiError::MissingColumn { table, .. }
        | KpiError::BadValue { table, .. }
        | KpiError::Duplicate { table, .. }
        | KpiError::LookAlike { table, .. }
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

/// Panics when two keys of a table have the same confusable skeleton.
fn no_look_alikes<'a>(what: &str, ids: impl Iterator<Item = &'a str>) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for id in ids {
        if let Some(other) = seen.insert(skeleton(id), id) {
            panic!("an input accepted the {what} {other:?} and {id:?}, which look alike");
        }
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
    no_look_alikes(
        "departments",
        input.departments.iter().map(|d| d.id.as_str()),
    );
    no_look_alikes("items", input.items.iter().map(|i| i.id.as_str()));
    no_look_alikes("plans", input.plans.iter().map(|p| p.id.as_str()));
    no_look_alikes("tasks", input.tasks.iter().map(|t| t.id.as_str()));
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
