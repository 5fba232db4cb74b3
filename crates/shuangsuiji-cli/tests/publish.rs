//! `publish` and `kpi --xlsx` on the demo's files: the workbooks read back with calamine, the
//! CSV with its byte-order mark, and the refusals.

use calamine::{Data, Reader, Xlsx, open_workbook};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;
use common::{expect, p, run};

fn demo() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let r = run(&["demo", "--out", p(dir.path())]);
        expect(&r, 0);
        dir
    })
    .path()
}

fn record() -> PathBuf {
    demo().join("records/2026-SCJG-001.json")
}

fn cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut v = vec![String::new(); c0 as usize];
        v.extend(row.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) => format!("{f}"),
            other => other.to_string(),
        }));
        rows.push(v);
    }
    rows
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn publish_writes_the_draw_list_as_a_workbook_and_as_csv() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("抽取结果.xlsx");
    let (rec_path, pool_path) = (record(), d.join("pool.csv"));
    let (history, departments) = (d.join("history.csv"), d.join("departments.csv"));
    let base = [
        "publish",
        "--record",
        p(&rec_path),
        "--pool",
        p(&pool_path),
        "--history",
        p(&history),
        "--departments",
        p(&departments),
        "--task-name",
        "2026年餐饮服务食品安全抽查",
    ];
    let r = run(&[&base[..], &["--out", p(&xlsx)]].concat());
    expect(&r, 0);
    let rec = json(&record());
    let selected = rec["selected"].as_array().unwrap();
    assert!(
        r.stderr.contains(&format!(
            "wrote {} ({} rows)",
            xlsx.display(),
            selected.len()
        )),
        "{}",
        r.stderr
    );
    let rows = cells(&xlsx, "抽取结果");
    assert_eq!(rows[0][0], "2026年餐饮服务食品安全抽查 抽取结果");
    assert_eq!(
        rows[3],
        [
            "序号",
            "任务编号",
            "任务名称",
            "检查机关",
            "主体名称",
            "统一社会信用代码/注册号",
            "主体标识",
            "抽取日期",
            "随机数来源",
            "随机数值",
            "抽取记录摘要(SM3)",
            "检查对象名录库摘要(SM3)"
        ]
    );
    assert_eq!(rows.len() - 4, selected.len());
    // The first row against the record and the pool file.
    let first = &rows[4];
    let id = selected[0]["id"].as_str().unwrap();
    let pool = fs::read_to_string(d.join("pool.csv")).unwrap();
    let line = pool
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(first[0], "1");
    assert_eq!(first[1], rec["request"]["task_id"].as_str().unwrap());
    assert_eq!(first[2], "2026年餐饮服务食品安全抽查");
    assert_eq!(first[3], "市场监管局", "the department's name, not its id");
    assert_eq!(first[4], fields[2], "the name from the pool");
    assert_eq!(first[5], fields[1], "the credit code from the pool");
    assert_eq!(first[6], id);
    assert_eq!(first[7], rec["request"]["date"].as_str().unwrap());
    let origin = &rec["request"]["seed_origin"];
    assert_eq!(first[8], origin["source"].as_str().unwrap());
    assert_eq!(first[9], origin["value"].as_str().unwrap());
    assert_eq!(first[11], rec["pool"]["digest"].as_str().unwrap());
    // The record's digest is the one its log entry holds.
    let log = fs::read_to_string(d.join("draw-log.jsonl")).unwrap();
    let entry = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["record"] == rec)
        .expect("the record is logged");
    assert_eq!(first[10], entry["record_digest"].as_str().unwrap());

    // As CSV: the same rows behind a byte-order mark.
    let csv = dir.path().join("list.csv");
    expect(&run(&[&base[..], &["--out", p(&csv)]].concat()), 0);
    let text = fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("\u{feff}序号,任务编号,任务名称,检查机关,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), selected.len() + 1);
    let second: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(second, first.iter().map(String::as_str).collect::<Vec<_>>());

    // Without --out: printed, without a byte-order mark.
    let r = run(&base);
    expect(&r, 0);
    assert_eq!(r.stdout, text.trim_start_matches('\u{feff}'));
}

#[test]
fn publish_refuses_a_pool_that_does_not_reproduce_the_record() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("list.xlsx");
    // The pool without its history: another digest, and the hint to pass it.
    let r = run(&[
        "publish",
        "--record",
        p(&record()),
        "--pool",
        p(&d.join("pool.csv")),
        "--out",
        p(&out),
    ]);
    expect(&r, 1);
    assert!(r.stderr.contains("does not reproduce from"), "{}", r.stderr);
    assert!(r.stderr.contains("so no list is published"), "{}", r.stderr);
    assert!(r.stderr.contains("no --history was given"), "{}", r.stderr);
    assert!(r.stderr.contains("  - pool digest differs"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is written");

    // An adversary's pool: one name changed, the same ids.
    let pool = fs::read_to_string(d.join("pool.csv")).unwrap();
    let id = json(&record())["selected"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged: Vec<String> = pool
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{id},")) {
                let mut f: Vec<&str> = l.split(',').collect();
                f[2] = "另一家公司";
                f.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let forged_path = dir.path().join("forged.csv");
    fs::write(&forged_path, forged.join("\n") + "\n").unwrap();
    let r = run(&[
        "publish",
        "--record",
        p(&record()),
        "--pool",
        p(&forged_path),
        "--history",
        p(&d.join("history.csv")),
        "--out",
        p(&out),
    ]);
    expect(&r, 1);
    assert!(r.stderr.contains("pool digest differs"), "{}", r.stderr);
    assert!(!r.stderr.contains("no --history"), "{}", r.stderr);
    assert!(!out.exists());

    // An output that is neither .xlsx nor .csv, before any file is read.
    let r = run(&[
        "publish",
        "--record",
        p(&record()),
        "--pool",
        p(&d.join("pool.csv")),
        "--out",
        "list.xls",
    ]);
    expect(&r, 2);
    assert!(r.stderr.contains("name it .xlsx"), "{}", r.stderr);
    // Neither a record nor results.
    expect(&run(&["publish", "--pool", p(&d.join("pool.csv"))]), 2);
}

#[test]
fn publish_results_writes_the_gongshi_table() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gongshi.xlsx");
    let r = run(&[
        "publish",
        "--results",
        p(&d.join("year/kpi")),
        "--pool",
        p(&d.join("pool.csv")),
        "--history",
        p(&d.join("history.csv")),
        "--out",
        p(&out),
    ]);
    expect(&r, 0);
    let rows = cells(&out, "检查结果公示");
    assert_eq!(rows[0][0], "2026年度抽查检查结果公示");
    assert_eq!(
        rows[1],
        [
            "序号",
            "任务编号",
            "主体名称",
            "统一社会信用代码/注册号",
            "主体标识",
            "检查实施机关",
            "类型",
            "日期",
            "结果"
        ]
    );
    let text = fs::read_to_string(d.join("year/kpi/results.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let results: Vec<&str> = lines.collect();
    assert_eq!(rows.len() - 2, results.len());
    // The first result: its task, target, date and codes.
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let first: Vec<&str> = results[0].split(',').collect();
    assert_eq!(rows[2][0], "1");
    assert_eq!(rows[2][1], first[at("task")]);
    assert_eq!(rows[2][4], first[at("target")]);
    assert_eq!(rows[2][7], first[at("inspected_on")]);
    assert!(!rows[2][2].is_empty(), "the name from the pool");
    assert!(
        rows[2][6] == "双随机抽查" || rows[2][6] == "部门联合双随机抽查",
        "{:?}",
        rows[2]
    );
    assert_eq!(rows[2][8], "未发现问题", "{:?} / {}", rows[2], results[0]);
    assert!(rows[2][5].starts_with("市场监管局"), "{:?}", rows[2]);

    // As CSV on standard output, without names when no pool is given.
    let r = run(&["publish", "--results", p(&d.join("year/kpi"))]);
    expect(&r, 0);
    assert_eq!(r.stdout.lines().count(), results.len() + 1);
    assert!(
        r.stdout.starts_with("序号,任务编号,主体名称,"),
        "{}",
        r.stdout
    );
}

#[test]
fn kpi_writes_annex_1_and_the_kpi_tables_as_a_workbook() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("annex.xlsx");
    let json_path = dir.path().join("report.json");
    let r = run(&[
        "kpi",
        "--input",
        p(&d.join("year/kpi")),
        "--xlsx",
        p(&xlsx),
        "--json",
        p(&json_path),
        "--title",
        "2026年全县市场监管领域部门联合“双随机、一公开”监管工作情况表",
    ]);
    expect(&r, 0);
    let report = json(&json_path);
    let a = cells(&xlsx, "附件1");
    assert_eq!(a[0][0], "附件1");
    assert_eq!(
        a[1][0],
        "2026年全县市场监管领域部门联合“双随机、一公开”监管工作情况表"
    );
    assert_eq!(a[3][..2], ["序号", "部门"]);
    assert_eq!(a[4][2], "单部门");
    let departments = report["departments"].as_array().unwrap();
    assert_eq!(a.len(), 5 + departments.len() + 3);
    let first = &departments[0];
    assert_eq!(a[5][1], first["name"].as_str().unwrap());
    assert_eq!(a[5][2], first["annex"]["plans_single"].to_string());
    assert_eq!(a[5][8], first["annex"]["drawn"].to_string());
    let total = &a[5 + departments.len()];
    assert_eq!(total[0], "合计");
    assert_eq!(total[8], report["total"]["annex"]["drawn"].to_string());
    assert_eq!(total[10], report["total"]["annex"]["problems"].to_string());
    let k = cells(&xlsx, "指标（全年）");
    assert_eq!(k[1][2], "部门联合抽查占比");
    assert_eq!(k[2][1], first["name"].as_str().unwrap());

    // Not a workbook's name: refused before the tables are read.
    let r = run(&[
        "kpi",
        "--input",
        p(&d.join("year/kpi")),
        "--xlsx",
        p(&dir.path().join("annex.csv")),
    ]);
    expect(&r, 2);
    assert!(r.stderr.contains("name it .xlsx"), "{}", r.stderr);
}
