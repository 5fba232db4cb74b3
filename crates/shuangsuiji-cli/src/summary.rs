//! A draw record told in a few lines: what a clerk checks before publishing it.

use crate::output::Out;
use shuangsuiji::policy::{SampleSize, Weighting};
use shuangsuiji::record::DrawRecord;
use shuangsuiji::risk::Stratum;
use shuangsuiji::seed::SeedOrigin;

/// Writes the summary of a record, indented under a heading line.
pub(crate) fn describe(out: &mut Out, heading: &str, record: &DrawRecord) {
    let req = &record.request;
    out.line(heading);
    let mut context = Vec::new();
    if let Some(d) = &req.department {
        context.push(format!("department {d}"));
    }
    if let Some(date) = req.date {
        context.push(format!("date {date}"));
    }
    if !req.items.is_empty() {
        let shown: Vec<&str> = req.items.iter().take(4).map(|i| i.as_str()).collect();
        let more = if req.items.len() > 4 { ", …" } else { "" };
        context.push(format!(
            "{} items ({}{more})",
            req.items.len(),
            shown.join(", ")
        ));
    }
    out.line(format!(
        "  task {}{}{}",
        req.task_id,
        if context.is_empty() { "" } else { ": " },
        context.join(", ")
    ));
    match &req.seed_origin {
        SeedOrigin::Given => out.line(format!("  seed given: {}", req.seed)),
        SeedOrigin::PublicEntropy { source, value } => out.line(format!(
            "  seed from public entropy “{source}” = “{value}”: {}",
            req.seed
        )),
    }
    out.line(format!(
        "  pool {} targets, SM3 digest {}",
        record.pool.size, record.pool.digest
    ));
    let in_scope = record.pool.size.saturating_sub(record.out_of_scope);
    out.line(format!(
        "  scope {in_scope} targets ({} out of scope)",
        record.out_of_scope
    ));
    let ex = &record.exclusions;
    out.line(format!(
        "  excluded {} not active, {} positive list, {} recently inspected",
        ex.not_active, ex.positive_list, ex.recently_inspected
    ));
    let mode = match req.policy.size {
        SampleSize::ByRatio => "by ratio (rounded up)".to_owned(),
        SampleSize::FixedTotal { total } => format!("fixed total of {total}"),
    };
    let weighting = match req.policy.weighting {
        Weighting::Uniform => "equal chance within a stratum",
        Weighting::RiskScore => "weighted by risk_score within a stratum",
    };
    out.line(format!("  sampling {mode}, {weighting}"));
    out.line("  stratum     eligible →   drawn   ratio   bounds");
    let (mut eligible, mut drawn) = (0, 0);
    for s in Stratum::ALL {
        let st = record.strata.get(s);
        let ratio = req.policy.ratios.get(s);
        if st.eligible == 0 && ratio.is_none() {
            continue;
        }
        eligible += st.eligible;
        drawn += st.sample_size;
        let b = req.policy.bounds.get(s);
        let bounds = match (b.min, b.max) {
            (None, None) => String::new(),
            (Some(lo), None) => format!("≥{lo}"),
            (None, Some(hi)) => format!("≤{hi}"),
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        };
        let row = format!(
            "  {:<9} {:>9} → {:>7}   {:>5}   {bounds}",
            s.name(),
            st.eligible,
            st.sample_size,
            ratio.map_or_else(|| "-".to_owned(), |r| r.to_string())
        );
        out.line(row.trim_end());
    }
    out.line(format!("  {:<9} {eligible:>9} → {drawn:>7}", "total"));
}
