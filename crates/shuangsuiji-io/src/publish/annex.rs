//! Annex 1 (情况表) laid out as the reports print it, the KPI tables of each period and the
//! assessment (Annex 2), as one workbook.

use super::xlsx::{Formats, at, cell, display_width, widths, workbook, write_table};
use super::{Out, PublishError, Table};
use chrono::NaiveDate;
use shuangsuiji::kpi::{AnnexRow, KpiReport, Kpis, Period};

/// What the report does not hold and Annex 1's title shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnexOptions {
    /// The title (default `{year}年市场监管领域部门联合“双随机、一公开”监管工作情况表`; Daye
    /// writes `2022年全市市场监管领域部门联合“双随机、一公开”监管工作情况表`).
    pub title: Option<String>,
    /// The day the counts run to, `（截止YYYY年M月D日）` (default 31 December of the year).
    pub as_of: Option<NaiveDate>,
}

/// The KPI columns of a period's sheet, as `KpiReport::kpis_text` heads them.
const KPI_HEADER: [&str; 15] = [
    "序号",
    "部门",
    "部门联合抽查占比",
    "部门联合抽查计划占比",
    "部门参与率",
    "检查结果公示率",
    "问题发现率",
    "计划落实率",
    "抽查事项覆盖率",
    "信用风险分类结果应用率",
    "后续处置率",
    "掌上执法率",
    "按时公示率",
    "到期任务按时完成率",
    "联合抽查检查对象数量占比",
];

fn kpi_cells(k: &Kpis) -> [Out; 13] {
    k.rates().map(Out::Rate)
}

fn period_name(p: Period) -> &'static str {
    match p {
        Period::Q1 => "第一季度",
        Period::Q2 => "第二季度",
        Period::Q3 => "第三季度",
        Period::Q4 => "第四季度",
        Period::Year => "全年",
    }
}

/// The cells of an Annex 1 row after 序号 and 部门: plans single and joint; tasks launched
/// single and joint, joined as participant, fulfilment (empty when not applicable); targets
/// drawn, inspected and published, problems found; notes.
fn annex_cells(a: &AnnexRow) -> Vec<Out> {
    let notes: Vec<String> = a.notes.iter().map(ToString::to_string).collect();
    vec![
        Out::Count(a.plans_single),
        Out::Count(a.plans_joint),
        Out::Count(a.tasks_single),
        Out::Count(a.tasks_joint),
        Out::Count(a.joined_as_participant),
        if a.fulfilment.is_not_applicable() {
            Out::Empty
        } else {
            Out::Rate(a.fulfilment)
        },
        Out::Count(a.drawn),
        Out::Count(a.inspected_published),
        Out::Count(a.problems),
        Out::Text(notes.join("；")),
    ]
}

/// The tables of the workbook besides Annex 1 itself: the KPIs of the year, of each quarter,
/// and the assessment (名次, 部门, 得分, 等次), each as a [`Table`] (so also as CSV).
pub fn annex_tables(report: &KpiReport) -> Vec<Table> {
    let mut tables = Vec::new();
    for p in [Period::Year, Period::Q1, Period::Q2, Period::Q3, Period::Q4] {
        let of = |periods: &[shuangsuiji::kpi::PeriodKpis]| {
            periods
                .iter()
                .find(|x| x.period == p)
                .map(|x| x.kpis)
                .unwrap_or_default()
        };
        let mut t = Table::new(&format!("指标（{}）", period_name(p)), &KPI_HEADER);
        t.title.push(format!(
            "{}年{}各项指标（分子/分母见 --json 报告）",
            report.year,
            period_name(p)
        ));
        for (i, d) in report.departments.iter().enumerate() {
            let mut row = vec![Out::Count(i as u64 + 1), Out::text(&d.name)];
            row.extend(kpi_cells(&of(&d.periods)));
            t.rows.push(row);
        }
        let mut row = vec![Out::Empty, Out::text("合计")];
        row.extend(kpi_cells(&of(&report.total.periods)));
        t.rows.push(row);
        tables.push(t);
    }
    let mut t = Table::new("附件2 考核结果", &["名次", "部门", "得分", "等次"]);
    t.title.push(format!(
        "{}年部门联合“双随机、一公开”监管工作考核结果（以考核名次为序）",
        report.year
    ));
    for s in &report.assessment.ranking {
        t.rows.push(vec![
            Out::Count(u64::from(s.rank)),
            Out::text(&s.name),
            Out::Score(s.score),
            Out::text(&s.label),
        ]);
    }
    tables.push(t);
    tables
}

/// The sheet `附件1`: `附件1`, the title, `（截止…）`, the two header rows of the report
/// (序号 | 部门 | {year}年抽查计划: 单部门, 部门联合 | {year}年抽查计划完成情况: 发起单部门检查, 发起部门联合
/// 检查, 配合参与其他部门联查, 落实率 | 抽查对象数 | 已查并公示检查对象数 | 发现问题个数 | 备注), a row per
/// department, the 合计 row, then the headline rates.
fn write_annex(
    ws: &mut rust_xlsxwriter::Worksheet,
    report: &KpiReport,
    options: &AnnexOptions,
    f: &Formats,
) -> Result<(), PublishError> {
    let year = report.year;
    ws.set_name("附件1")?;
    let last: u16 = 11;
    ws.write_string_with_format(0, 0, "附件1", &f.line)?;
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| format!("{year}年市场监管领域部门联合“双随机、一公开”监管工作情况表"));
    ws.merge_range(1, 0, 1, last, &title, &f.title)?;
    ws.set_row_height(1, 24)?;
    let as_of = options
        .as_of
        .or_else(|| NaiveDate::from_ymd_opt(year, 12, 31))
        .map(|d| {
            use chrono::Datelike;
            format!("（截止{}年{}月{}日）", d.year(), d.month(), d.day())
        })
        .unwrap_or_default();
    let centred = f
        .line
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    ws.merge_range(2, 0, 2, last, &as_of, &centred)?;
    let h = &f.header;
    let (top, sub) = (3u32, 4u32);
    for (col, text) in [
        (0u16, "序号".to_owned()),
        (1, "部门".to_owned()),
        (8, "抽查对象数".to_owned()),
        (9, "已查并公示检查对象数".to_owned()),
        (10, "发现问题个数".to_owned()),
        (11, "备注".to_owned()),
    ] {
        ws.merge_range(top, col, sub, col, &text, h)?;
    }
    ws.merge_range(top, 2, top, 3, &format!("{year}年抽查计划"), h)?;
    ws.merge_range(top, 4, top, 7, &format!("{year}年抽查计划完成情况"), h)?;
    for (col, text) in [
        (2u16, "单部门"),
        (3, "部门联合"),
        (4, "发起单部门检查"),
        (5, "发起部门联合检查"),
        (6, "配合参与其他部门联查"),
        (7, "落实率"),
    ] {
        ws.write_string_with_format(sub, col, text, h)?;
    }
    ws.set_freeze_panes(sub + 1, 2)?;
    let mut w = vec![4usize, 4, 6, 8, 8, 8, 10, 6, 6, 10, 6, 8];
    let mut row = sub + 1;
    for (i, d) in report.departments.iter().enumerate() {
        let mut cells = vec![Out::Count(i as u64 + 1), Out::text(&d.name)];
        cells.extend(annex_cells(&d.annex));
        for (c, v) in cells.iter().enumerate() {
            cell(ws, row, c as u16, v, f)?;
            w[c] = w[c].max(display_width(&v.csv_text()));
        }
        row += 1;
    }
    ws.merge_range(row, 0, row, 1, "合计", &f.text)?;
    for (c, v) in annex_cells(&report.total.annex).iter().enumerate() {
        cell(ws, row, c as u16 + 2, v, f)?;
    }
    row += 2;
    let y = report.total.year();
    let rate = |name: &str, r: shuangsuiji::kpi::Rate| {
        format!(
            "{name} {} ({}/{})",
            r.display_zh(),
            r.numerator,
            r.denominator
        )
    };
    let line = [
        rate("部门联合抽查占比", y.joint_task_share),
        rate("联合计划占比", y.joint_plan_share),
        rate("部门参与率", y.participation),
        rate("检查结果公示率", y.publication),
        rate("问题发现率", y.problem_discovery),
        rate("计划落实率", y.plan_fulfilment),
    ]
    .join("；");
    ws.write_string_with_format(at(row as usize), 0, &line, &f.line)?;
    w[11] = w[11].min(40);
    widths(ws, &w)
}

/// Annex 1 and the KPI tables as one workbook: the sheet `附件1` laid out like the report,
/// then [`annex_tables`] (the KPIs of the year and of each quarter, rates as `0.0%` numbers,
/// `不适用` where not applicable; the assessment).
///
/// # Errors
///
/// [`PublishError::Xlsx`].
pub fn annex_xlsx(report: &KpiReport, options: &AnnexOptions) -> Result<Vec<u8>, PublishError> {
    let mut book = workbook();
    let f = Formats::new();
    write_annex(book.add_worksheet(), report, options, &f)?;
    for t in annex_tables(report) {
        write_table(book.add_worksheet(), &t, &f)?;
    }
    Ok(book.save_to_buffer()?)
}
