//! The report as text: Annex 1 as a fixed-width table and as CSV, and the findings.
//!
//! Widths count display columns, not bytes or chars: a Chinese character takes two columns in
//! a terminal, so padding by `char` count would break the alignment of every name column.

use super::rate::Rate;
use super::report::{AnnexRow, KpiReport};
use std::fmt::Write as _;

/// The display width of a character: 2 for East Asian wide and full-width ones.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn pad(out: &mut String, s: &str, w: usize, right: bool) {
    let fill = w.saturating_sub(width(s));
    if right {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(s);
    } else {
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', fill));
    }
}

const HEADERS: [&str; 13] = [
    "序号",
    "部门",
    "单部门计划",
    "联合计划",
    "发起单部门",
    "发起联合",
    "配合参与",
    "落实率",
    "抽查对象数",
    "已查并公示",
    "发现问题",
    "联合抽查占比",
    "备注",
];

fn cells(n: &str, name: &str, a: &AnnexRow, share: Rate) -> [String; 13] {
    let notes: Vec<String> = a.notes.iter().map(ToString::to_string).collect();
    [
        n.to_owned(),
        name.to_owned(),
        a.plans_single.to_string(),
        a.plans_joint.to_string(),
        a.tasks_single.to_string(),
        a.tasks_joint.to_string(),
        a.joined_as_participant.to_string(),
        if a.fulfilment.is_not_applicable() {
            String::new()
        } else {
            a.fulfilment.to_string()
        },
        a.drawn.to_string(),
        a.inspected_published.to_string(),
        a.problems.to_string(),
        share.to_string(),
        notes.join("；"),
    ]
}

/// A fixed-width table: numbers right-aligned, the `name_col` and the last column left-aligned,
/// no trailing spaces.
fn fixed_width<R: AsRef<[String]>>(headers: &[&str], rows: &[R], name_col: usize) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r.as_ref()) {
            *w = (*w).max(width(c));
        }
    }
    let mut out = String::new();
    let mut line = |r: &[String]| {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            if i + 1 == r.len() {
                out.push_str(c);
            } else {
                pad(&mut out, c, widths[i], i != name_col);
            }
        }
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    };
    line(&headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    for r in rows {
        line(r.as_ref());
    }
    out
}

/// The KPI columns of [`KpiReport::kpis_text`].
const KPI_HEADERS: [&str; 15] = [
    "序号",
    "部门",
    "联合任务占比",
    "联合计划占比",
    "参与率",
    "公示率",
    "问题发现率",
    "计划落实率",
    "事项覆盖率",
    "信用分类应用率",
    "后续处置率",
    "掌上执法率",
    "按时公示率",
    "按时完成率",
    "联合对象占比",
];

fn kpi_cells(n: &str, name: &str, k: &super::report::Kpis) -> Vec<String> {
    let mut v = vec![n.to_owned(), name.to_owned()];
    v.extend(k.rates().iter().map(ToString::to_string));
    v
}

impl KpiReport {
    /// Every KPI of one period, per department and in total, as a fixed-width table (`n/a`
    /// where a rate does not apply).
    pub fn kpis_text(&self, period: super::report::Period) -> String {
        let of = |periods: &[super::report::PeriodKpis]| {
            periods
                .iter()
                .find(|p| p.period == period)
                .map(|p| p.kpis)
                .unwrap_or_default()
        };
        let mut rows: Vec<Vec<String>> = self
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| kpi_cells(&(i + 1).to_string(), &d.name, &of(&d.periods)))
            .collect();
        rows.push(kpi_cells(
            &(self.departments.len() + 1).to_string(),
            "合计",
            &of(&self.total.periods),
        ));
        // The last column is a rate too: pad it by appending an empty notes column.
        for r in &mut rows {
            r.push(String::new());
        }
        let mut headers = KPI_HEADERS.to_vec();
        headers.push("");
        fixed_width(&headers, &rows, 1)
    }

    fn annex_cells(&self) -> Vec<[String; 13]> {
        let mut rows: Vec<[String; 13]> = self
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| {
                cells(
                    &(i + 1).to_string(),
                    &d.name,
                    &d.annex,
                    d.year().joint_task_share,
                )
            })
            .collect();
        rows.push(cells(
            &(self.departments.len() + 1).to_string(),
            "合计",
            &self.total.annex,
            self.total.year().joint_task_share,
        ));
        rows
    }

    /// Annex 1 as a fixed-width text table (Chinese headers, a total row), then the headline
    /// rates: what the CLI prints.
    pub fn annex_text(&self) -> String {
        let rows = self.annex_cells();
        let mut out = fixed_width(&HEADERS, &rows, 1);
        let y = self.total.year();
        let _ = writeln!(
            out,
            "\n部门联合抽查占比 {} ({}/{})；联合计划占比 {} ({}/{})；部门参与率 {} ({}/{})；\
             检查结果公示率 {} ({}/{})；问题发现率 {} ({}/{})；计划落实率 {} ({}/{})",
            y.joint_task_share,
            y.joint_task_share.numerator,
            y.joint_task_share.denominator,
            y.joint_plan_share,
            y.joint_plan_share.numerator,
            y.joint_plan_share.denominator,
            y.participation,
            y.participation.numerator,
            y.participation.denominator,
            y.publication,
            y.publication.numerator,
            y.publication.denominator,
            y.problem_discovery,
            y.problem_discovery.numerator,
            y.problem_discovery.denominator,
            y.plan_fulfilment,
            y.plan_fulfilment.numerator,
            y.plan_fulfilment.denominator,
        );
        out
    }

    /// Annex 1 as CSV (UTF-8, header row, the total last).
    pub fn annex_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = w.write_record(HEADERS);
        for r in self.annex_cells() {
            let _ = w.write_record(&r);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The whole report as the CLI prints it (and the C and Python layers return it): Annex 1
    /// with the headline rates, every KPI of each quarter when `quarters` is set, every KPI of
    /// the year, then the findings, the estimate and the assessment.
    pub fn text(&self, quarters: bool) -> String {
        use super::report::Period;
        let mut text = self.annex_text();
        if quarters {
            for q in [Period::Q1, Period::Q2, Period::Q3, Period::Q4] {
                text.push('\n');
                text.push_str(&self.kpis_text(q));
            }
        }
        text.push('\n');
        text.push_str(&self.kpis_text(Period::Year));
        text.push('\n');
        text.push_str(&self.findings_text());
        text
    }

    /// The findings and the estimate, as plain text.
    pub fn findings_text(&self) -> String {
        let name = |id: &crate::ids::DeptId| {
            self.departments
                .iter()
                .find(|d| &d.id == id)
                .map_or(id.as_str(), |d| d.name.as_str())
                .to_owned()
        };
        let f = &self.findings;
        let mut out = String::new();
        let _ = writeln!(out, "计划外检查: {}", f.unplanned.len());
        for u in &f.unplanned {
            let _ = writeln!(
                out,
                "  {} {} {} ({})",
                name(&u.department),
                u.id,
                u.date,
                u.source
            );
        }
        let _ = writeln!(out, "年底集中检查（第四季度占比 / 12月占比）:");
        for y in f.year_end.iter().filter(|y| y.flagged) {
            let _ = writeln!(out, "  {} {} / {}", name(&y.department), y.q4, y.december);
        }
        let names = |v: &[crate::ids::DeptId]| v.iter().map(&name).collect::<Vec<_>>().join("、");
        let _ = writeln!(out, "未牵头部门联合抽查: {}", names(&f.no_joint_led));
        let _ = writeln!(out, "发现问题数为0: {}", names(&f.zero_problems));
        let _ = writeln!(
            out,
            "超期公示（20个工作日）: {}；未公示: {}",
            f.late_publications, f.unpublished
        );
        if let Some(t) = &self.estimate.total {
            let pct = |x: Option<f64>| x.map_or("n/a".to_owned(), |x| format!("{:.1}%", 100.0 * x));
            let _ = writeln!(
                out,
                "问题发现率 {}（原始）；加权估计总体违法率 {}，95%置信区间 [{}, {}]",
                t.raw,
                pct(t.estimate),
                pct(t.ci_low),
                pct(t.ci_high)
            );
        }
        let _ = writeln!(out, "考核:");
        for s in &self.assessment.ranking {
            let _ = writeln!(out, "  {:>2} {} {:.1} {}", s.rank, s.name, s.score, s.label);
        }
        out
    }
}
