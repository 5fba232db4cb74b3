//! `shuangsuiji._native`: the private extension module behind the `shuangsuiji` Python
//! package. Nothing but translation: Arrow columns and JSON documents in, core calls (with the
//! GIL released around long work), Arrow tables, JSON and Python exceptions out. The public,
//! documented API is the pure-Python package in `python/shuangsuiji/`.

use pyo3::prelude::*;

mod columns;
mod cycle;
mod draws;
mod errors;
mod formats;
mod kpi;
mod pools;
mod publish;

/// The demo county: its target and inspector pools and, as JSON, its departments, item lists
/// and the year's annual plan.
#[pyfunction]
fn demo_county(py: Python<'_>) -> (pools::PyTargetPool, pools::PyInspectorPool, String) {
    py.detach(|| {
        let county = shuangsuiji::demo::DemoCounty::build();
        let year = county.year();
        let doc = serde_json::json!({
            "departments": county.departments.iter()
                .map(|d| serde_json::json!({"id": d.id.as_str(), "name": d.name}))
                .collect::<Vec<_>>(),
            "items": county.items,
            "joint_items": county.joint_items,
            "annual_plan": year.annual,
            "merge_config": year.config,
        });
        (
            pools::PyTargetPool::new(county.targets.freeze()),
            pools::PyInspectorPool {
                pool: county.inspectors.freeze(),
                notes: Vec::new(),
            },
            doc.to_string(),
        )
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "CORE_VERSION",
        shuangsuiji::record::Algorithm::current()
            .version
            .to_string(),
    )?;
    m.add_class::<pools::PyTargetPool>()?;
    m.add_class::<pools::PyInspectorPool>()?;
    m.add_class::<draws::PyDrawRecord>()?;
    m.add_class::<draws::PyDrawLog>()?;
    m.add_class::<cycle::PyTask>()?;
    m.add_class::<cycle::PyTargetCheck>()?;
    m.add_class::<kpi::PyKpiInput>()?;
    m.add_class::<kpi::PyKpiReport>()?;
    m.add_class::<publish::PyPublication>()?;
    m.add_function(wrap_pyfunction!(publish::draw_list_of, m)?)?;
    m.add_function(wrap_pyfunction!(publish::gongshi_of, m)?)?;
    m.add_function(wrap_pyfunction!(publish::annex_workbook, m)?)?;
    m.add_function(wrap_pyfunction!(publish::pool_workbooks, m)?)?;
    m.add_class::<formats::PyProfile>()?;
    m.add_function(wrap_pyfunction!(formats::read_pool, m)?)?;
    m.add_function(wrap_pyfunction!(formats::read_inspectors, m)?)?;
    m.add_function(wrap_pyfunction!(formats::read_kpi_input, m)?)?;
    m.add_function(wrap_pyfunction!(draws::validate_credit_codes, m)?)?;
    m.add_function(wrap_pyfunction!(draws::parse_credit_code, m)?)?;
    m.add_function(wrap_pyfunction!(draws::credit_check_character, m)?)?;
    m.add_function(wrap_pyfunction!(draws::seed_from_public_entropy, m)?)?;
    m.add_function(wrap_pyfunction!(draws::check_policy, m)?)?;
    m.add_function(wrap_pyfunction!(draws::draw, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::validate_plan, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::propose, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::draw_task, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::draw_visits, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::matching, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::verify_teams, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::target_facts, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::check_result, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::is_working_day, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::holiday_name, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::add_working_days, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::working_days_between, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::publication_deadline, m)?)?;
    m.add_function(wrap_pyfunction!(cycle::calendar_years, m)?)?;
    m.add_function(wrap_pyfunction!(kpi::demo_kpi_input, m)?)?;
    m.add_function(wrap_pyfunction!(demo_county, m)?)?;
    Ok(())
}
