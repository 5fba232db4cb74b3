//! The publication outputs read back: every workbook is opened with calamine and the cells
//! that matter are checked (headers, a row's values, the digest, the count); every CSV starts
//! with a byte-order mark; a pool that does not reproduce the record is refused; a pool
//! written as a workbook reads back with the same digest.

use calamine::{Data, Reader, Xlsx};
use shuangsuiji::audit::{Logged, record_digest};
use shuangsuiji::demo::DemoCounty;
use shuangsuiji::kpi::{KpiConfig, KpiInput, KpiReport};
use shuangsuiji::record::{DrawRecord, draw};
use shuangsuiji::seed::SeedOrigin;
use shuangsuiji::target::FrozenPool;
use shuangsuiji_io::import::read_pool;
use shuangsuiji_io::profile::Profile;
use shuangsuiji_io::publish::{
    AnnexOptions, BOM, DRAW_LIST_HEADER, DrawListOptions, GONGSHI_HEADER, OutputFormat,
    PublishError, annex_xlsx, draw_list, gongshi, write_history_xlsx, write_pool_xlsx,
};
use shuangsuiji_io::table::ReadOptions;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

struct Demo {
    county: DemoCounty,
    pool: FrozenPool,
    record: DrawRecord,
    input: KpiInput,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let county = DemoCounty::build();
        let pool = county.targets.freeze();
        let plan = DemoCounty::plans().remove(0);
        let record = draw(&pool, &plan.request).unwrap();
        let input = KpiInput::from_year(&county, &county.year()).unwrap();
        Demo {
            county,
            pool,
            record,
            input,
        }
    })
}

/// A sheet of a workbook as text cells (numbers as calamine shows them).
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    // Rows from A1, whatever the first used cell.
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); c0 as usize];
        cells.extend(row.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) => format!("{f}"),
            other => other.to_string(),
        }));
        rows.push(cells);
    }
    rows
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names().to_vec()
}

fn options(d: &Demo) -> DrawListOptions {
    DrawListOptions {
        task_name: Some("2026年食品经营者双随机抽查".into()),
        departments: d
            .county
            .departments
            .iter()
            .map(|x| (x.id.as_str().to_owned(), x.name.clone()))
            .collect(),
    }
}

#[test]
fn the_draw_list_reads_back_cell_by_cell() {
    let d = demo();
    let list = draw_list(&d.record, &d.pool, &options(d)).unwrap();
    let bytes = list.to_xlsx().unwrap();
    assert_eq!(sheet_names(&bytes), ["抽取结果"]);
    let rows = sheet(&bytes, "抽取结果");
    // Three title lines, the header, one row per selected target.
    assert!(rows[0][0].ends_with(" 抽取结果"), "{:?}", rows[0]);
    assert!(rows[0][0].starts_with("2026年食品经营者双随机抽查"));
    let digest = record_digest(&Logged::Draw(Box::new(d.record.clone()))).to_string();
    assert!(rows[2][0].contains(&digest), "{:?}", rows[2]);
    assert_eq!(rows[3], DRAW_LIST_HEADER);
    let data = &rows[4..];
    assert_eq!(data.len(), d.record.selected.len());
    assert!(data.len() > 5, "the demo's first plan draws a handful");
    let req = &d.record.request;
    let dept = req.department.as_ref().unwrap();
    let dept_name = &d
        .county
        .departments
        .iter()
        .find(|x| &x.id == dept)
        .unwrap()
        .name;
    let SeedOrigin::PublicEntropy { source, value } = &req.seed_origin else {
        panic!("the demo's seeds come from public entropy")
    };
    for (i, (row, s)) in data.iter().zip(&d.record.selected).enumerate() {
        let target = d.pool.get(&s.id).unwrap();
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], req.task_id.as_str());
        assert_eq!(row[2], "2026年食品经营者双随机抽查");
        assert_eq!(&row[3], dept_name);
        assert_eq!(row[4], target.name);
        assert_eq!(
            row[5],
            target.credit_code.as_ref().map_or("", |c| c.as_str())
        );
        assert_eq!(row[6], s.id.as_str());
        assert_eq!(row[7], req.date.unwrap().to_string());
        assert_eq!(&row[8], source);
        assert_eq!(&row[9], value);
        assert_eq!(row[10], digest);
        assert_eq!(row[11], d.record.pool.digest.to_string());
    }
    assert!(!data[0][4].is_empty() && !data[0][5].is_empty());

    // The CSV: a byte-order mark, the header, the same rows (the title lines are not in it).
    let csv = list.to_csv();
    assert!(csv.starts_with(BOM));
    let mut reader = csv::Reader::from_reader(&csv.as_bytes()[BOM.len()..]);
    assert_eq!(reader.headers().unwrap(), &DRAW_LIST_HEADER[..]);
    let read: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(read, data);
    // The same tables give the same bytes: a published file can be digested.
    assert_eq!(list.to_xlsx().unwrap(), bytes);
}

#[test]
fn a_given_seed_and_no_names_are_shown_as_such() {
    let d = demo();
    let mut request = d.record.request.clone();
    request.seed_origin = SeedOrigin::Given;
    request.department = None;
    let record = draw(&d.pool, &request).unwrap();
    let list = draw_list(&record, &d.pool, &DrawListOptions::default()).unwrap();
    let row = &list.rows[0];
    assert_eq!(row[2].csv_text(), "", "no task name given");
    assert_eq!(row[3].csv_text(), "");
    assert_eq!(row[8].csv_text(), "直接给定的种子");
    assert_eq!(row[9].csv_text(), record.request.seed.to_string());
    assert!(list.title[0].starts_with(record.request.task_id.as_str()));
}

#[test]
fn a_pool_that_does_not_reproduce_the_record_is_refused() {
    let d = demo();
    // One target fewer: another pool, another digest, maybe another sample.
    let mut targets = d.pool.to_targets();
    let gone = d.record.selected[0].id.clone();
    targets.retain(|t| t.id != gone);
    let other = FrozenPool::from_entries(targets.clone()).unwrap();
    let err = draw_list(&d.record, &other, &DrawListOptions::default()).unwrap_err();
    let PublishError::DoesNotReproduce {
        count,
        differences,
        pool_digest_differs,
    } = &err
    else {
        panic!("{err}")
    };
    assert!(*count >= 2 && *pool_digest_differs, "{err}");
    assert_eq!(differences.len(), *count);
    assert!(
        differences.iter().any(|m| m.contains(gone.as_str())),
        "the missing target is named: {differences:?}"
    );
    let text = err.to_string();
    assert!(text.contains("does not reproduce from this pool"), "{text}");
    assert!(text.contains("  - pool digest differs"), "{text}");
    // The first ten differences are shown, and how many more `verify` lists.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("  - ")).count(),
        count.min(&10).to_owned()
    );
    if *count > 10 {
        assert!(
            text.ends_with(&format!(
                "… and {} more (`shuangsuiji verify` lists them all)",
                count - 10
            )),
            "{text}"
        );
    }

    // The same ids with another name: the digest says so, no list with the wrong name.
    let mut renamed = d.pool.to_targets();
    let i = renamed.iter().position(|t| t.id == gone).unwrap();
    renamed[i].name = "另一家公司".into();
    let other = FrozenPool::from_entries(renamed).unwrap();
    assert!(matches!(
        draw_list(&d.record, &other, &DrawListOptions::default()),
        Err(PublishError::DoesNotReproduce { .. })
    ));
}

#[test]
fn the_gongshi_table_has_one_row_per_result() {
    let d = demo();
    let t = gongshi(&d.input, Some(&d.pool)).unwrap();
    assert_eq!(t.rows.len(), d.input.results.len());
    let bytes = t.to_xlsx().unwrap();
    let rows = sheet(&bytes, "检查结果公示");
    assert_eq!(rows[0][0], "2026年度抽查检查结果公示");
    assert_eq!(rows[1], GONGSHI_HEADER);
    assert_eq!(rows.len() - 2, d.input.results.len());
    let name = |id: &str| {
        d.input
            .departments
            .iter()
            .find(|x| x.id.as_str() == id)
            .unwrap()
            .name
            .clone()
    };
    let mut joint_seen = false;
    for (row, r) in rows[2..].iter().zip(&d.input.results) {
        let task = d.input.tasks.iter().find(|t| t.id == r.task).unwrap();
        let target = d.pool.get(&r.target).unwrap();
        assert_eq!(row[1], r.task.as_str());
        assert_eq!(row[2], target.name);
        assert_eq!(row[4], r.target.as_str());
        let mut agencies = vec![name(task.lead.as_str())];
        agencies.extend(task.participants.iter().map(|p| name(p.as_str())));
        assert_eq!(row[5], agencies.join("、"));
        let kind = if task.joint {
            joint_seen = true;
            "部门联合双随机抽查"
        } else {
            "双随机抽查"
        };
        assert_eq!(row[6], kind);
        assert_eq!(row[7], r.inspected_on.to_string());
        let labels: Vec<&str> = r.codes.iter().map(|c| c.label()).collect();
        assert_eq!(row[8], labels.join("；"));
    }
    assert!(joint_seen, "the demo year has joint tasks");
    assert_eq!(rows[2][0], "1");

    // Without a pool: no names; the id is the code when it is one.
    let t = gongshi(&d.input, None).unwrap();
    assert_eq!(t.rows[0][2].csv_text(), "");
    assert!(
        t.to_csv()
            .starts_with(&format!("{BOM}序号,任务编号,主体名称"))
    );

    // A result of a task the tasks table does not hold is refused with its line.
    let mut input = d.input.clone();
    input.tasks.retain(|t| t.id != input.results[3].task);
    let err = gongshi(&input, None).unwrap_err().to_string();
    assert!(err.starts_with("results.csv, line "), "{err}");
    assert!(err.contains("is not in tasks.csv"), "{err}");
}

#[test]
fn annex_1_and_the_kpi_tables_are_laid_out_like_the_report() {
    let d = demo();
    let report = KpiReport::compute(&d.input, &KpiConfig::default()).unwrap();
    let bytes = annex_xlsx(&report, &AnnexOptions::default()).unwrap();
    assert_eq!(
        sheet_names(&bytes),
        [
            "附件1",
            "指标（全年）",
            "指标（第一季度）",
            "指标（第二季度）",
            "指标（第三季度）",
            "指标（第四季度）",
            "附件2 考核结果"
        ]
    );
    let a = sheet(&bytes, "附件1");
    assert_eq!(a[0][0], "附件1");
    assert_eq!(
        a[1][0],
        "2026年市场监管领域部门联合“双随机、一公开”监管工作情况表"
    );
    assert_eq!(a[2][0], "（截止2026年12月31日）");
    // The two header rows, merged cells holding their text in the first cell.
    assert_eq!(a[3][0], "序号");
    assert_eq!(a[3][1], "部门");
    assert_eq!(a[3][2], "2026年抽查计划");
    assert_eq!(a[3][4], "2026年抽查计划完成情况");
    assert_eq!(a[3][8], "抽查对象数");
    assert_eq!(a[3][9], "已查并公示检查对象数");
    assert_eq!(a[3][10], "发现问题个数");
    assert_eq!(a[3][11], "备注");
    assert_eq!(
        a[4][2..8],
        [
            "单部门",
            "部门联合",
            "发起单部门检查",
            "发起部门联合检查",
            "配合参与其他部门联查",
            "落实率"
        ]
    );
    let n = report.departments.len();
    assert_eq!(n, 27);
    for (row, dept) in a[5..5 + n].iter().zip(&report.departments) {
        let x = &dept.annex;
        assert_eq!(row[1], dept.name);
        let counts: Vec<String> = [
            x.plans_single,
            x.plans_joint,
            x.tasks_single,
            x.tasks_joint,
            x.joined_as_participant,
        ]
        .iter()
        .map(u64::to_string)
        .collect();
        assert_eq!(row[2..7], counts);
        match x.fulfilment.value() {
            Some(v) => assert_eq!(row[7], format!("{v}")),
            None => assert_eq!(row[7], ""),
        }
        assert_eq!(row[8], x.drawn.to_string());
        assert_eq!(row[9], x.inspected_published.to_string());
        assert_eq!(row[10], x.problems.to_string());
        let notes: Vec<String> = x.notes.iter().map(ToString::to_string).collect();
        assert_eq!(row.get(11).cloned().unwrap_or_default(), notes.join("；"));
    }
    let total = &a[5 + n];
    assert_eq!(total[0], "合计");
    let t = &report.total.annex;
    assert_eq!(total[2], t.plans_single.to_string());
    assert_eq!(total[8], t.drawn.to_string());
    assert_eq!(total[10], t.problems.to_string());
    let y = report.total.year();
    assert!(
        a[7 + n][0].starts_with(&format!(
            "部门联合抽查占比 {} ({}/{})",
            y.joint_task_share, y.joint_task_share.numerator, y.joint_task_share.denominator
        )),
        "{:?}",
        a[7 + n]
    );

    // The year's KPIs: a rate is its exact fraction, `不适用` when it does not apply.
    let k = sheet(&bytes, "指标（全年）");
    assert_eq!(k[1][2], "部门联合抽查占比");
    assert_eq!(k[1][14], "联合抽查检查对象数量占比");
    assert_eq!(k[2][1], report.departments[0].name);
    let share = report.departments[0].year().joint_task_share;
    assert_eq!(
        k[2][2],
        share.value().map_or("不适用".into(), |v| format!("{v}"))
    );
    let coverage = report.departments[0].year().item_coverage;
    assert_eq!(
        k[2][8],
        coverage.value().map_or("不适用".into(), |v| format!("{v}"))
    );
    assert_eq!(k[2 + n][1], "合计");
    let ranking = sheet(&bytes, "附件2 考核结果");
    assert_eq!(ranking[1], ["名次", "部门", "得分", "等次"]);
    assert_eq!(ranking.len() - 2, report.assessment.ranking.len());
    assert_eq!(ranking[2][1], report.assessment.ranking[0].name);
    assert_eq!(ranking[2][3], report.assessment.ranking[0].label);

    // A title and a day of one's own.
    let own = AnnexOptions {
        title: Some("2026年全县情况表".into()),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
    };
    let a = sheet(&annex_xlsx(&report, &own).unwrap(), "附件1");
    assert_eq!(a[1][0], "2026年全县情况表");
    assert_eq!(a[2][0], "（截止2026年6月30日）");
}

#[test]
fn a_pool_written_as_a_workbook_reads_back_with_the_same_digest() {
    let d = demo();
    let targets = d.pool.to_targets();
    let pool = write_pool_xlsx(&targets).unwrap();
    let history = write_history_xlsx(&targets).unwrap();
    assert_eq!(sheet_names(&pool), ["检查对象名录库"]);
    let read = read_pool(
        ("pool.xlsx", &pool),
        Some(("history.xlsx", &history)),
        &Profile::builtin(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(read.value.freeze().digest(), d.pool.digest());
    // Nothing was normalised: the file is in the library's own form.
    assert!(
        read.notes.iter().all(|n| !n.contains(" → ")),
        "{:?}",
        read.notes
    );
    // And the record drawn from the pool publishes from the pool read back.
    let back = read.value.freeze();
    assert!(draw_list(&d.record, &back, &DrawListOptions::default()).is_ok());
}

#[test]
fn the_extension_chooses_the_format() {
    assert_eq!(
        OutputFormat::from_path(Path::new("a/列表.XLSX")).unwrap(),
        OutputFormat::Xlsx
    );
    assert_eq!(
        OutputFormat::from_path(Path::new("list.csv")).unwrap(),
        OutputFormat::Csv
    );
    let err = OutputFormat::from_path(Path::new("list.xls"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("list.xls: the output's extension"), "{err}");
    assert!(err.contains("name it .xlsx"), "{err}");
    assert!(OutputFormat::from_path(Path::new("list")).is_err());
}
