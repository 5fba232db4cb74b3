//! The platforms' files on the command line (docs/FORMATS.md): a county's export as it comes
//! (a workbook with a title row and Chinese headers and values, GBK or UTF-16 text, a file
//! named for another format) is drawn from and verified against without conversion; a value
//! that cannot be read is refused at its cell, with the labels accepted. Every file is written
//! by the test.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{Run, expect, p, run};

#[path = "../../shuangsuiji-io/tests/fixture/mod.rs"]
mod fixture;
use fixture::{Grid, X};

const RATIOS: &str = "A=50%,B=50%,C=100%,D=100%,U=100%";

/// Valid unified social credit codes (GB 32100), one per target.
fn code(i: usize) -> String {
    shuangsuiji::credit::CreditCode::from_first17(&format!("91330106MA27Y{i:04}"))
        .unwrap()
        .to_string()
}

/// A 15-digit registration number with a valid check digit (ISO 7064 MOD 11,10).
const REGNO: &str = "110108000000016";

/// The 待抽检库 of a county: a title, the header, an instruction row, then 12 targets written
/// every way the platforms write them.
fn pool_grid(grade_of_last: &'static str) -> Grid {
    let header = [
        "序号",
        "统一社会信用代码/注册号",
        "企业名称",
        "主体类型",
        "登记状态",
        "风险等级",
        "监管标签",
        "风险分值",
    ];
    let mut grid: Grid = vec![
        vec![X::S("待抽检库导入模板")],
        header.iter().map(|h| X::S(h)).collect(),
        vec![
            X::E,
            X::S("【必填】"),
            X::S("【必填】"),
            X::S("【选填】"),
            X::S("【选填】"),
            X::S("【必填】"),
            X::S("【多个以中文逗号分开填写】"),
            X::S("【选填】"),
        ],
    ];
    let rows: [(&str, &str, &str, &str); 12] = [
        (
            "有限责任公司(自然人投资或控股)",
            "存续",
            "A类",
            "食品经营，餐饮服务",
        ),
        ("个体工商户", "在营", "低风险", "食品经营、餐饮服务"),
        ("农民专业合作社", "开业", "Ａ", "食品经营；餐饮服务"),
        ("企业", "迁入", "B", "餐饮服务"),
        ("公司", "存续", "一般风险", "食品经营, 餐饮服务"),
        ("企业", "注销", "B类", "食品经营"),
        ("企业", "吊销", "较高风险", "食品经营"),
        ("企业", "撤销", "C", "食品经营"),
        ("企业", "迁出", "高风险", "食品经营"),
        ("非市场主体", "存续", "D类", "食品经营"),
        ("企业", "注销中", "未分类", "食品经营"),
        ("企业", "存续", grade_of_last, "食品经营"),
    ];
    for (i, (kind, status, grade, tags)) in rows.iter().enumerate() {
        let id = if i == 3 { REGNO.to_owned() } else { code(i) };
        // One code written in lower case, as some exports do.
        let id = if i == 5 { id.to_lowercase() } else { id };
        grid.push(vec![
            X::N((i + 1) as f64),
            X::T(id),
            X::T(format!("企业{i}")),
            X::S(kind),
            X::S(status),
            X::S(grade),
            X::S(tags),
            X::N((10 + i) as f64),
        ]);
    }
    grid
}

/// The inspection history sheet of the same workbook.
fn history_grid() -> Grid {
    vec![
        vec![
            X::S("统一社会信用代码"),
            X::S("检查日期"),
            X::S("检查实施机关"),
            X::S("检查人员"),
        ],
        vec![
            X::T(code(0)),
            X::S("2026年3月5日"),
            X::S("D01"),
            X::S("P1，P2"),
        ],
        vec![X::T(code(1)), X::D(2025, 11, 20), X::S("D01"), X::E],
    ]
}

fn draw(pool: &Path, extra: &[&str], out: &Path) -> Run {
    let mut args = vec![
        "draw",
        "--pool",
        p(pool),
        "--task",
        "T-2026-01",
        "--seed-from",
        "县政府网站公告",
        "--seed-value",
        "20260305",
        "--ratios",
        RATIOS,
        "--out",
        p(out),
    ];
    args.extend(extra);
    run(&args)
}

fn record(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn digest(path: &Path) -> String {
    record(path)["pool"]["digest"].as_str().unwrap().to_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_county_workbook_with_chinese_headers_is_drawn_and_verified_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pool = pool_grid("D");
    let history = history_grid();
    // OOXML named .xls, as the platforms ship it; the pool and its history on two sheets.
    let book = write(
        d,
        "randomentinfo.xls",
        &fixture::xlsx(&[("待抽检库", &pool), ("检查记录", &history)], true),
    );
    let out = d.join("r.json");
    let r = draw(
        &book,
        &[
            "--history",
            p(&book),
            "--sheet",
            "待抽检库",
            "--history-sheet",
            "检查记录",
            "--tags-all",
            "餐饮服务",
        ],
        &out,
    );
    expect(&r, 0);
    // Notes on standard error: the title row, the instruction row, labels mapped, lists split,
    // the registration number.
    for note in [
        "待抽检库导入模板",
        "【多个以中文逗号分开填写】",
        "存续 → active",
        "撤销 → cancelled",
        "list split on `，`",
        "registration number",
    ] {
        assert!(r.stderr.contains(note), "{note:?} not in\n{}", r.stderr);
    }
    let rec = record(&out);
    assert_eq!(rec["pool"]["size"], 12);
    // --tags-all 餐饮服务: the five targets whose lists hold it, however separated.
    assert_eq!(rec["out_of_scope"], 7, "{}", r.stdout);
    assert!(rec.get("grade_rules").is_none(), "{rec}");

    // The record verifies against the same workbook.
    let r = run(&[
        "verify",
        "--record",
        p(&out),
        "--pool",
        p(&book),
        "--history",
        p(&book),
        "--sheet",
        "待抽检库",
        "--history-sheet",
        "检查记录",
    ]);
    expect(&r, 0);
    assert!(r.stdout.starts_with("OK: "), "{}", r.stdout);

    // The same pool as GBK CSV, as UTF-16 TSV (Excel's “Unicode text”) and as Excel 2003 XML
    // named .xlsx: the same digest, without a history (the workbook's sheet alone).
    let alone = d.join("alone.json");
    expect(&draw(&book, &["--sheet", "待抽检库"], &alone), 0);
    let want = digest(&alone);
    let text = fixture::csv(&pool, ',');
    let tsv = fixture::csv(&pool, '\t');
    for (name, bytes) in [
        ("pool-gbk.csv", fixture::gbk(&text)),
        ("pool-utf16.txt", fixture::utf16le(&tsv)),
        ("pool-bom.csv", format!("\u{feff}{text}").into_bytes()),
        (
            "pool-2003.xlsx",
            fixture::spreadsheetml("待抽检库", &pool).into_bytes(),
        ),
        ("pool-ods.csv", fixture::ods("待抽检库", &pool)),
        ("pool-biff.xlsx", fixture::xls("待抽检库", &pool, false)),
    ] {
        let file = write(d, name, &bytes);
        let out = d.join(format!("{name}.json"));
        let r = draw(&file, &[], &out);
        expect(&r, 0);
        assert_eq!(digest(&out), want, "{name}: {}", r.stderr);
    }
    let r = run(&[
        "verify",
        "--record",
        p(&alone),
        "--pool",
        p(&write(d, "again.csv", &fixture::gbk(&text))),
    ]);
    expect(&r, 0);
}

#[test]
fn a_refused_value_names_its_cell_and_the_accepted_labels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let book = write(
        d,
        "pool.xlsx",
        &fixture::xlsx(&[("待抽检库", &pool_grid("X级"))], true),
    );
    let out = d.join("r.json");
    let r = draw(&book, &[], &out);
    expect(&r, 2);
    assert!(
        r.stderr.contains(
            "pool.xlsx: 待抽检库!F15: column F 风险等级 (`grade`): \"X级\" is not a credit-risk grade"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("accepted: A (A类, A级, 低风险"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());

    // In a text file, the line.
    let gbk = write(
        d,
        "pool.csv",
        &fixture::gbk(&fixture::csv(&pool_grid("X级"), ',')),
    );
    let r = draw(&gbk, &[], &out);
    expect(&r, 2);
    assert!(
        r.stderr
            .contains("pool.csv:15: column F 风险等级 (`grade`): \"X级\""),
        "{}",
        r.stderr
    );
}

#[test]
fn a_five_class_scheme_is_read_by_the_users_rule_and_the_rule_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let book = write(
        d,
        "shandong.xlsx",
        &fixture::xlsx(&[("Sheet1", &pool_grid("E"))], true),
    );
    let out = d.join("r.json");
    // Without a rule: what the library lacks and the line that would read it.
    let r = draw(&book, &[], &out);
    expect(&r, 2);
    assert!(r.stderr.contains("Sheet1!F15"), "{}", r.stderr);
    assert!(
        r.stderr.contains("[values.grade] \"E\" = \"D\""),
        "{}",
        r.stderr
    );
    // With the county's rule.
    let mapping = write(
        d,
        "shandong.toml",
        "# 山东五级分类：E 类按 D 类抽取\n[values.grade]\n\"E\" = \"D\"\n".as_bytes(),
    );
    let r = draw(&book, &["--profile", p(&mapping)], &out);
    expect(&r, 0);
    let rec = record(&out);
    assert_eq!(
        rec["grade_rules"],
        serde_json::json!([{"label": "E", "stratum": "D"}])
    );
    let r = run(&[
        "verify",
        "--record",
        p(&out),
        "--pool",
        p(&book),
        "--profile",
        p(&mapping),
    ]);
    expect(&r, 0);
    // A bad mapping file names its key.
    let bad = write(d, "bad.toml", b"[values.grade]\n\"E\" = \"F\"\n");
    let r = draw(&book, &["--profile", p(&bad)], &out);
    expect(&r, 2);
    assert!(r.stderr.contains("bad.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("\"E\" = \"F\""), "{}", r.stderr);
}

#[test]
fn the_librarys_own_csv_keeps_its_reader_and_a_platform_label_in_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The library's header with a platform's values: read through the formats layer, noted.
    let pool = write(
        d,
        "pool.csv",
        "id,grade,status,tags\nT1,A类,存续,食品经营，餐饮服务\nT2,B,active,x\n".as_bytes(),
    );
    let out = d.join("r.json");
    let r = draw(&pool, &["--tags-all", "餐饮服务"], &out);
    expect(&r, 0);
    assert!(r.stderr.contains("存续 → active"), "{}", r.stderr);
    assert_eq!(record(&out)["out_of_scope"], 1);
    // A value neither reads: the core's own message, as before.
    let pool = write(d, "pool.csv", b"id,grade\nT1,A\nT2,X\n");
    let r = draw(&pool, &[], &out);
    expect(&r, 2);
    assert!(
        r.stderr
            .contains("pool.csv:3: field `grade`: \"X\" is not a credit-risk grade"),
        "{}",
        r.stderr
    );
}

/// The demo's inspectors.csv with the platform's headers and values, as a workbook.
fn platform_inspectors(csv: &str) -> Grid {
    let names = [
        ("id", "单位工号"),
        ("name", "姓名"),
        ("department", "所属部门"),
        ("unit", "所在业务部门（机构）"),
        ("certificate", "执法证编号"),
        ("certificate_expiry", "执法证有效期"),
        ("region", "所属区域"),
        ("items", "执法事项范围"),
        ("tags", "专业领域"),
        ("expert", "是否专家"),
        ("active", "执法人员状态"),
    ];
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut grid: Grid = vec![
        vec![X::S("市场监管领域执法人员数据库")],
        header
            .iter()
            .map(|h| {
                X::S(
                    names
                        .iter()
                        .find(|(n, _)| n == h)
                        .map_or("备注", |(_, c)| c),
                )
            })
            .collect(),
    ];
    for row in reader.records() {
        let row = row.unwrap();
        grid.push(
            header
                .iter()
                .zip(row.iter())
                .map(|(h, v)| {
                    X::T(match (h.as_str(), v) {
                        ("expert" | "active", "true") if h == "expert" => "是".into(),
                        ("expert", _) => "否".into(),
                        ("active", "true") => "在岗".into(),
                        ("active", _) => "离岗".into(),
                        ("certificate_expiry", "") => "9999-09-09".into(),
                        (_, v) => v.replace(';', "，"),
                    })
                })
                .collect(),
        );
    }
    grid
}

/// A CSV file the demo wrote, without the byte-order mark every CSV file of the command line
/// starts with (for Excel): the text to re-encode as a platform would.
fn demo_text(path: &std::path::Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "{} has no byte-order mark",
        path.display()
    );
    text.trim_start_matches('\u{feff}').to_owned()
}

#[test]
fn the_demo_year_verifies_from_platform_workbooks_and_kpi_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    expect(&run(&["demo", "--out", p(d)]), 0);
    let log = d.join("year/draw-log.jsonl");
    let inspectors = demo_text(&d.join("inspectors.csv"));
    let book = write(
        d,
        "randomscagent.xlsx",
        &fixture::xlsx(&[("执法人员", &platform_inspectors(&inspectors))], true),
    );
    let gbk_pool = write(
        d,
        "pool-gbk.csv",
        &fixture::gbk(&demo_text(&d.join("pool.csv"))),
    );
    let r = run(&[
        "log",
        "verify",
        p(&log),
        "--pool",
        p(&gbk_pool),
        "--history",
        p(&d.join("history.csv")),
        "--inspectors",
        p(&book),
    ]);
    expect(&r, 0);
    assert!(r.stdout.contains("reproduce exactly"), "{}", r.stdout);
    assert!(
        r.stderr.contains("市场监管领域执法人员数据库"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("GB18030"), "{}", r.stderr);

    // KPI tables: results as a workbook, drawn as GBK text: the demo's report.
    let kpi = d.join("year/kpi");
    let want = fs::read_to_string(d.join("year/kpi-report.txt")).unwrap();
    let results = demo_text(&kpi.join("results.csv"));
    let grid: Grid = results
        .lines()
        .map(|l| l.split(',').map(|c| X::T(c.to_owned())).collect())
        .collect();
    fs::write(
        kpi.join("results.xlsx"),
        fixture::xlsx(&[("Sheet1", &grid)], false),
    )
    .unwrap();
    fs::remove_file(kpi.join("results.csv")).unwrap();
    let drawn = demo_text(&kpi.join("drawn.csv"));
    fs::write(kpi.join("drawn.csv"), fixture::gbk(&drawn)).unwrap();
    let r = run(&["kpi", "--input", p(&kpi)]);
    expect(&r, 0);
    assert_eq!(r.stdout.trim_end(), want.trim_end());
}
