//! The formats layer against files written by the tests (tests/fixture): every workbook kind
//! and text encoding, misnamed files, title and instruction rows, every header, value and date
//! form of docs/FORMATS.md, and the errors at the cells a person sees.

mod fixture;

use fixture::{Grid, X};
use shuangsuiji::credit::CreditCode;
use shuangsuiji::pool_csv;
use shuangsuiji_io::import::{read_inspectors, read_pool, read_table};
use shuangsuiji_io::normalise::FormatError;
use shuangsuiji_io::profile::{Profile, TableKind};
use shuangsuiji_io::table::{Format, ReadOptions, TextEncoding, Value, read_sheet};

fn code(first17: &str) -> String {
    CreditCode::from_first17(first17).unwrap().to_string()
}

fn codes() -> Vec<String> {
    [
        "91330106MA27Y0001",
        "91330106MA27Y0002",
        "92330106MA27Y0003",
        "93330106MA27Y0004",
        "12330106MA27Y0005",
        "91330106MA27Y0006",
        "91330106MA27Y0007",
        "92330106MA27Y0008",
    ]
    .iter()
    .map(|c| code(c))
    .collect()
}

/// A 15-digit registration number with a valid check digit.
const REGNO: &str = "110108000000016";

/// The Zhejiang-style 待抽检库 template: a title, the header, an instruction row, then one row
/// per value form.
fn pool_grid() -> Grid {
    let c = codes();
    let t = |s: &str| X::T(s.to_owned());
    vec![
        vec![X::S("待抽检库导入模板")],
        vec![
            X::S("序号"),
            X::S("统一社会信用代码/注册号*"),
            X::S("企业名称"),
            X::S("主体类型"),
            X::S("登记状态"),
            X::S("信用风险分类"),
            X::S("所属区域"),
            X::S("管辖单位"),
            X::S("监管标签"),
            X::S("备注"),
        ],
        vec![
            X::S("【必填】"),
            X::S("【必填】"),
            X::S("【必填】"),
            X::S("【企业/个体工商户/农民专业合作社】"),
            X::S("【必填】"),
            X::S("【A类/B类/C类/D类】"),
            X::E,
            X::E,
            X::S("【多个以中文逗号分开填写】"),
        ],
        vec![
            X::N(1.0),
            t(&c[0]),
            X::S("甲有限公司"),
            X::S("有限责任公司(自然人投资或控股)"),
            X::S("存续（在营、开业、在册）"),
            X::S("A类"),
            X::S("330106"),
            X::S("西湖所"),
            X::S("食品经营，餐饮服务"),
            X::S("x"),
        ],
        vec![
            X::N(2.0),
            X::S(REGNO),
            X::S("乙小吃店"),
            X::S("个体工商户"),
            X::S("在营"),
            X::S("一般风险"),
            X::S("330106"),
            X::S("西湖所"),
            X::S("餐饮服务、特种设备"),
        ],
        vec![
            X::N(3.0),
            t(&format!(" {} ", c[1].to_lowercase())),
            X::S("丙合作社"),
            X::S("农民专业合作社"),
            X::S("迁入"),
            X::S("中高"),
            X::S("330106"),
            X::S("留下所"),
            X::S("特种设备；餐饮服务"),
        ],
        vec![
            X::N(4.0),
            t(&c[2]),
            X::S("丁学校"),
            X::S("非市场主体"),
            X::S("注销"),
            X::S("Ｄ"),
            X::S("330106"),
            X::S("留下所"),
            X::S(""),
        ],
        vec![
            X::N(5.0),
            t(&c[3]),
            X::S("戊公司"),
            X::S("企业"),
            X::S("吊销，未注销"),
            X::S("高风险"),
            X::S("330106"),
            X::S("留下所"),
            X::S("餐饮服务"),
        ],
        vec![
            X::N(6.0),
            t(&c[4]),
            X::S("己公司"),
            X::S("公司"),
            X::S("迁出"),
            X::E,
            X::S("330106"),
            X::S("西湖所"),
            X::E,
        ],
        vec![
            X::N(7.0),
            t(&c[5]),
            X::S("庚公司"),
            X::S("企业"),
            X::S("注销中"),
            X::S("较高风险"),
            X::S("330106"),
            X::S("西湖所"),
            X::S("食品经营,餐饮服务"),
        ],
        vec![
            X::N(8.0),
            t(&c[6]),
            X::S("辛个体"),
            X::S("个体"),
            X::S("开业"),
            X::S("b"),
            X::S("330106"),
            X::S("西湖所"),
            X::S("食品经营"),
        ],
        vec![
            X::N(9.0),
            t(&c[7]),
            X::S("壬公司"),
            X::S("企业"),
            X::S("存续"),
            X::S("低"),
            X::S("330106"),
            X::S("西湖所"),
            X::S("食品经营"),
        ],
    ]
}

/// The same pool as the library's own CSV: what every form above must read as.
fn expected_pool() -> String {
    let c = codes();
    let rows = [
        (
            c[0].as_str(),
            c[0].as_str(),
            "甲有限公司",
            "enterprise",
            "active",
            "A",
            "西湖所",
            "食品经营;餐饮服务",
        ),
        (
            REGNO,
            "",
            "乙小吃店",
            "individual_business",
            "active",
            "B",
            "西湖所",
            "餐饮服务;特种设备",
        ),
        (
            c[1].as_str(),
            c[1].as_str(),
            "丙合作社",
            "farmers_cooperative",
            "active",
            "C",
            "留下所",
            "特种设备;餐饮服务",
        ),
        (
            c[2].as_str(),
            c[2].as_str(),
            "丁学校",
            "non_market",
            "deregistered",
            "D",
            "留下所",
            "",
        ),
        (
            c[3].as_str(),
            c[3].as_str(),
            "戊公司",
            "enterprise",
            "revoked",
            "D",
            "留下所",
            "餐饮服务",
        ),
        (
            c[4].as_str(),
            c[4].as_str(),
            "己公司",
            "enterprise",
            "moved_out",
            "",
            "西湖所",
            "",
        ),
        (
            c[5].as_str(),
            c[5].as_str(),
            "庚公司",
            "enterprise",
            "active",
            "C",
            "西湖所",
            "食品经营;餐饮服务",
        ),
        (
            c[6].as_str(),
            c[6].as_str(),
            "辛个体",
            "individual_business",
            "active",
            "B",
            "西湖所",
            "食品经营",
        ),
        (
            c[7].as_str(),
            c[7].as_str(),
            "壬公司",
            "enterprise",
            "active",
            "A",
            "西湖所",
            "食品经营",
        ),
    ];
    let mut out = String::from("id,credit_code,name,kind,region,grid,status,grade,tags\n");
    for (id, cc, name, kind, status, grade, grid, tags) in rows {
        out.push_str(&format!(
            "{id},{cc},{name},{kind},330106,{grid},{status},{grade},{tags}\n"
        ));
    }
    out
}

fn expected_digest() -> shuangsuiji::digest::Digest {
    pool_csv::read_target_pool("expected.csv", &expected_pool(), None)
        .unwrap()
        .value
        .freeze()
        .digest()
}

fn pool_of(file: &str, bytes: &[u8]) -> pool_csv::Parsed<shuangsuiji::target::TargetPool> {
    read_pool(
        (file, bytes),
        None,
        &Profile::builtin(),
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Every format and encoding of the same template, under its own name and misnamed.
fn pool_files() -> Vec<(String, Vec<u8>, Format)> {
    let grid = pool_grid();
    let csv = fixture::csv(&grid, ',');
    let tsv = fixture::csv(&grid, '\t');
    let mut files = vec![
        (
            "pool.xlsx".to_owned(),
            fixture::xlsx(&[("待抽检库", &grid)], true),
            Format::Xlsx,
        ),
        (
            "pool.xls".to_owned(),
            fixture::xls("待抽检库", &grid, false),
            Format::Xls,
        ),
        (
            "pool.ods".to_owned(),
            fixture::ods("待抽检库", &grid),
            Format::Ods,
        ),
        (
            "pool-2003.xml".to_owned(),
            fixture::spreadsheetml("待抽检库", &grid).into_bytes(),
            Format::SpreadsheetMl,
        ),
        ("pool.csv".to_owned(), csv.clone().into_bytes(), Format::Csv),
        (
            "pool-bom.csv".to_owned(),
            [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat(),
            Format::Csv,
        ),
        ("pool-gbk.csv".to_owned(), fixture::gbk(&csv), Format::Csv),
        (
            "pool-utf16.txt".to_owned(),
            fixture::utf16le(&tsv),
            Format::Tsv,
        ),
        (
            "pool-utf16be.csv".to_owned(),
            fixture::utf16be(&csv),
            Format::Csv,
        ),
    ];
    // Misnamed as platforms do: OOXML named .xls, Excel 2003 XML named .xlsx, CSV named .xls.
    let misnamed: Vec<(String, Vec<u8>, Format)> = vec![
        ("misnamed.xls".to_owned(), files[0].1.clone(), Format::Xlsx),
        (
            "misnamed.xlsx".to_owned(),
            files[3].1.clone(),
            Format::SpreadsheetMl,
        ),
        (
            "misnamed-csv.xls".to_owned(),
            files[6].1.clone(),
            Format::Csv,
        ),
        (
            "misnamed.xlsx.ods".to_owned(),
            files[2].1.clone(),
            Format::Ods,
        ),
    ];
    files.extend(misnamed);
    files
}

#[test]
fn every_format_and_encoding_of_the_template_reads_as_the_same_pool() {
    let expected = expected_digest();
    for (file, bytes, format) in pool_files() {
        let sheet = read_sheet(&file, &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(sheet.format, format, "{file}");
        let read = pool_of(&file, &bytes);
        let frozen = read.value.freeze();
        assert_eq!(frozen.len(), 9, "{file}");
        assert_eq!(frozen.digest(), expected, "{file}: {:#?}", read.notes);
        let notes = read.notes.join("\n");
        for said in [
            "title row above it skipped: “待抽检库导入模板”",
            "instruction row under the header skipped",
            "leaving out columns the library does not use: column A 序号",
            "ignoring unknown columns column J 备注",
            "no column for `id`: taken from column B 统一社会信用代码/注册号* (`credit_code`)",
            "存续（在营、开业、在册） → active ×1",
            "吊销，未注销 → revoked ×1",
            "注销中 → active ×1",
            "有限责任公司(自然人投资或控股) → enterprise ×1",
            "A类 → A ×1",
            "一般风险 → B ×1",
            "中高 → C ×1",
            "Ｄ → D ×1",
            "b → B ×1",
            "低 → A ×1",
            "list split on `，` ×1",
            "list split on `、` ×1",
            "list split on `；` ×1",
            "list split on `,` ×1",
            "lower case made upper case ×1",
            "surrounding spaces trimmed ×1",
            "15-digit registration number (注册号, checked with ISO 7064 MOD 11,10) kept for the id",
        ] {
            assert!(notes.contains(said), "{file}: {said:?} not in\n{notes}");
        }
        let encoding = match sheet.encoding {
            Some(TextEncoding::Gb18030) => "GB18030",
            Some(TextEncoding::Utf16Le) => "UTF-16 LE",
            Some(TextEncoding::Utf16Be) => "UTF-16 BE",
            Some(TextEncoding::Utf8Bom) => "UTF-8 with a byte-order mark",
            Some(TextEncoding::Utf8) => "UTF-8",
            None => format.name(),
        };
        assert!(
            notes.contains(encoding),
            "{file}: {encoding} not in\n{notes}"
        );
    }
}

#[test]
fn places_are_the_cells_a_person_sees() {
    for (file, bytes, format) in pool_files() {
        let sheet = read_sheet(&file, &bytes, &ReadOptions::default()).unwrap();
        // The grade of 丙合作社 (the sixth row of the grid) is F6 in a workbook; in text, the
        // record is on line 6 too (one line per row).
        let row = sheet.rows.iter().position(|r| r.number == 6).unwrap();
        let place = sheet.place(row, 5);
        if format.is_workbook() {
            assert_eq!(place.to_string(), format!("{file}: 待抽检库!F6"), "{file}");
        } else {
            assert_eq!(place.to_string(), format!("{file}:6"), "{file}");
        }
        assert_eq!(sheet.rows[row].cells[5].text, "中高", "{file}");
    }
}

#[test]
fn workbook_cells_keep_their_types() {
    let grid: Grid = vec![
        vec![X::S("id"), X::S("n"), X::S("d")],
        vec![X::S("E1"), X::N(7.0), X::D(2026, 3, 5)],
        vec![X::S("E2"), X::N(0.05), X::D(1999, 12, 31)],
    ];
    let books = [
        ("t.xlsx", fixture::xlsx(&[("Sheet1", &grid)], false)),
        ("t.xls", fixture::xls("Sheet1", &grid, false)),
        ("t1904.xls", fixture::xls("Sheet1", &grid, true)),
        ("t.ods", fixture::ods("Sheet1", &grid)),
        (
            "t.xml",
            fixture::spreadsheetml("Sheet1", &grid).into_bytes(),
        ),
    ];
    for (file, bytes) in books {
        let sheet = read_sheet(file, &bytes, &ReadOptions::default()).unwrap();
        let r1 = &sheet.rows[1].cells;
        assert_eq!(r1[1].value, Value::Number(7.0), "{file}");
        assert_eq!(r1[1].text, "7", "{file}");
        assert_eq!(r1[2].text, "2026-03-05", "{file}: {:?}", r1[2]);
        assert!(matches!(r1[2].value, Value::Date(_)), "{file}");
        assert_eq!(sheet.rows[2].cells[1].text, "0.05", "{file}");
        assert_eq!(sheet.rows[2].cells[2].text, "1999-12-31", "{file}");
        if file == "t1904.xls" {
            assert_eq!(sheet.date1904, Some(true));
        } else if file.ends_with(".xls") || file.ends_with(".xlsx") {
            assert_eq!(sheet.date1904, Some(false), "{file}");
        }
    }
}

#[test]
fn the_sheet_is_the_first_non_empty_one_or_the_one_named() {
    let empty: Grid = vec![];
    let grid = pool_grid();
    let other: Grid = vec![vec![X::S("id"), X::S("grade")], vec![X::S("E1"), X::S("A")]];
    let bytes = fixture::xlsx(
        &[("说明", &empty), ("待抽检库", &grid), ("其他", &other)],
        true,
    );
    let sheet = read_sheet("p.xlsx", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(sheet.name.as_deref(), Some("待抽检库"));
    assert!(
        sheet.notes.iter().any(|n| n.contains(
            "reading sheet 待抽检库, the first non-empty one of 3 (说明, 待抽检库, 其他)"
        )),
        "{:?}",
        sheet.notes
    );
    let named = ReadOptions {
        sheet: Some("其他".to_owned()),
    };
    let read = read_pool(("p.xlsx", &bytes), None, &Profile::builtin(), &named).unwrap();
    assert_eq!(read.value.freeze().len(), 1);
    let missing = ReadOptions {
        sheet: Some("Sheet9".to_owned()),
    };
    let err = read_sheet("p.xlsx", &bytes, &missing)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "p.xlsx: no sheet named \"Sheet9\"; the workbook has 说明, 待抽检库, 其他"
    );
}

#[test]
fn files_that_are_no_table_say_what_they_are() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, b"<w/>").unwrap();
    let docx = zip.finish().unwrap().into_inner();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a.xlsx",
            docx,
            "a.xlsx: a Word document (docx), not a workbook",
        ),
        (
            "b.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
            "b.xls: an HTML page",
        ),
        (
            "c.xlsx",
            b"<?xml version=\"1.0\"?><root/>".to_vec(),
            "c.xlsx: XML that is not an Excel 2003 workbook",
        ),
        ("d.csv", b"%PDF-1.4 ...".to_vec(), "d.csv: a PDF document"),
        (
            "e.xls",
            b"PK\x03\x04garbage".to_vec(),
            "e.xls: a damaged zip archive",
        ),
        ("f.csv", b"".to_vec(), "f.csv: no rows"),
    ];
    for (file, bytes, said) in cases {
        let err = read_sheet(file, &bytes, &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(said), "{err}");
    }
}

fn pool_err(grid: &Grid, profile: &Profile) -> String {
    let bytes = fixture::xlsx(&[("Sheet1", grid)], true);
    read_pool(("p.xlsx", &bytes), None, profile, &ReadOptions::default())
        .unwrap_err()
        .to_string()
}

fn small(grade: &'static str, status: &'static str) -> Grid {
    vec![
        vec![
            X::S("统一社会信用代码"),
            X::S("企业名称"),
            X::S("登记状态"),
            X::S("风险等级"),
        ],
        vec![
            X::T(codes()[0].clone()),
            X::S("甲"),
            X::S("存续"),
            X::S("A"),
        ],
        vec![
            X::T(codes()[1].clone()),
            X::S("乙"),
            X::S(status),
            X::S(grade),
        ],
    ]
}

#[test]
fn unmappable_values_name_the_cell_the_value_and_the_accepted_labels() {
    let builtin = Profile::builtin();
    let err = pool_err(&small("X级", "存续"), &builtin);
    assert!(err.starts_with("p.xlsx: Sheet1!D3: column D 风险等级 (`grade`): \"X级\" is not a credit-risk grade the profile knows; accepted: A (A类, A级, 低风险, 低, … 2 more); B ("), "{err}");
    assert!(
        err.contains("add it under [values.grade] in a mapping file"),
        "{err}"
    );
    // A five-class grade: what the core lacks, and what to do.
    let err = pool_err(&small("E类", "存续"), &builtin);
    assert!(err.starts_with("p.xlsx: Sheet1!D3: column D 风险等级 (`grade`): \"E类\" is the fifth class of a five-class (A–E) scheme"), "{err}");
    // 撤销 is the core's `cancelled`.
    let bytes = fixture::xlsx(&[("Sheet1", &small("B", "撤销"))], true);
    let read = read_pool(("p.xlsx", &bytes), None, &builtin, &ReadOptions::default()).unwrap();
    assert_eq!(
        read.value.freeze().to_targets()[1].status.to_string(),
        "cancelled"
    );
    // A mapping file states the rule, and the same file reads (and may still say otherwise
    // of 撤销).
    let mapping = "[values.grade]\n\"E类\" = \"D\"\n[values.status]\n\"撤销\" = \"revoked\"\n";
    let profile = Profile::with_mapping("shandong.toml", mapping).unwrap();
    let bytes = fixture::xlsx(&[("Sheet1", &small("E类", "撤销"))], true);
    let read = read_pool(("p.xlsx", &bytes), None, &profile, &ReadOptions::default()).unwrap();
    let t = &read.value.freeze().to_targets()[1].clone();
    assert_eq!(
        (t.grade.map(|g| g.to_string()), t.status.to_string()),
        (Some("D".into()), "revoked".into())
    );
    assert!(
        read.notes
            .iter()
            .any(|n| n.contains("E类 → D ×1 (first Sheet1!D3)")),
        "{:?}",
        read.notes
    );
}

#[test]
fn bad_codes_and_numbers_stored_as_numbers_name_their_cells() {
    let mut grid = small("A", "存续");
    grid[2][0] = X::T(format!("{}4", &codes()[1][..17]));
    let err = pool_err(&grid, &Profile::builtin());
    assert!(
        err.starts_with("p.xlsx: Sheet1!A3: column A 统一社会信用代码 (`credit_code`):"),
        "{err}"
    );
    assert!(
        err.contains(
            "is not a valid unified social credit code: wrong check character at position 18"
        ),
        "{err}"
    );
    grid[2][0] = X::S("110108000000017");
    let err = pool_err(&grid, &Profile::builtin());
    assert!(err.contains("is not a valid 15-digit registration number (注册号): wrong check digit at position 15: expected '6', found '7'"), "{err}");
    grid[2][0] = X::N(913_301_060_000_000_000.0);
    let err = pool_err(&grid, &Profile::builtin());
    assert!(err.contains("is stored as a number (913301060000000000), so the workbook kept only 15 significant digits"), "{err}");
    grid[2][0] = X::S("9133");
    let err = pool_err(&grid, &Profile::builtin());
    assert!(err.contains("neither an 18-character unified social credit code nor a 15-digit registration number (注册号): it has 4 characters"), "{err}");
}

#[test]
fn the_cores_own_refusals_are_moved_to_the_rows_a_person_sees() {
    let mut grid = small("A", "存续");
    grid.insert(0, vec![X::S("标题")]);
    grid.push(vec![
        X::T(codes()[0].to_lowercase()),
        X::S("甲again"),
        X::S("存续"),
        X::S("B"),
    ]);
    let err = pool_err(&grid, &Profile::builtin());
    assert_eq!(
        err,
        format!(
            "p.xlsx: Sheet1!A5: column A 统一社会信用代码 (`credit_code`, read as `id`): duplicate id {:?}: first on Sheet1 row 3, again on Sheet1 row 5",
            codes()[0]
        )
    );
}

#[test]
fn headers_that_cannot_be_found_or_completed_say_what_was_expected() {
    let no_grade: Grid = vec![
        vec![X::S("统一社会信用代码"), X::S("企业名称")],
        vec![X::T(codes()[0].clone()), X::S("甲")],
    ];
    let err = pool_err(&no_grade, &Profile::builtin());
    assert!(err.starts_with("p.xlsx: Sheet1 row 1 (the header): no column for `grade`, which a target pool needs: head a column with one of 信用风险分类, "), "{err}");
    assert!(err.contains("or set [pool.defaults] grade = \"…\" in a mapping file (the header has: 统一社会信用代码, 企业名称)"), "{err}");
    let profile = Profile::with_mapping("m.toml", "[pool.defaults]\ngrade = \"\"\n").unwrap();
    let bytes = fixture::xlsx(&[("Sheet1", &no_grade)], true);
    let read = read_pool(("p.xlsx", &bytes), None, &profile, &ReadOptions::default()).unwrap();
    assert_eq!(read.value.freeze().to_targets()[0].grade, None);
    let nothing: Grid = vec![vec![X::S("甲"), X::S("乙")], vec![X::S("1"), X::S("2")]];
    let err = pool_err(&nothing, &Profile::builtin());
    assert!(err.starts_with("p.xlsx: no header row in the first 2 rows of sheet Sheet1: expected a row naming at least 2 columns of a target pool, such as "), "{err}");
    let twice: Grid = vec![vec![
        X::S("统一社会信用代码"),
        X::S("信用风险分类"),
        X::S("风险等级"),
    ]];
    let err = pool_err(&twice, &Profile::builtin());
    assert_eq!(
        err,
        "p.xlsx: columns Sheet1!B1 (column B 信用风险分类) and Sheet1!C1 (column C 风险等级) both mean `grade`; keep one, or map one to \"ignore\" in a mapping file"
    );
}

/// The inspector template: every date form, long-term, states, a department from the mapping.
fn inspector_grid() -> Grid {
    let s = X::S;
    vec![
        vec![s("市场监管领域执法人员数据库")],
        vec![
            s("序号"),
            s("单位工号"),
            s("姓名"),
            s("性别"),
            s("所在业务部门（机构）"),
            s("执法证编号"),
            s("执法证有效期"),
            s("执法人员状态"),
            s("执法事项范围"),
            s("是否专家"),
        ],
        vec![
            s("示例"),
            s("0001"),
            s("张三"),
            s("男"),
            s("XX所"),
            s("33000000"),
            s("2029-12-31"),
            s("在岗"),
            s("【多个以中文逗号分开填写】"),
            s("否"),
        ],
        vec![
            X::N(1.0),
            s("P001"),
            s("张一"),
            s("男"),
            s("西湖所"),
            s("33010001"),
            s("2029-07-19 00:00:00"),
            s("在岗"),
            s("SC-001，SC-002"),
            s("否"),
        ],
        vec![
            X::N(2.0),
            s("P002"),
            s("李二"),
            s("女"),
            s("执法大队"),
            s("33010002"),
            s("20270810"),
            s("在岗"),
            s("SC-001、SC-003"),
            s("否"),
        ],
        vec![
            X::N(3.0),
            s("P003"),
            s("王三"),
            s("男"),
            s("西湖所"),
            s("33010003"),
            s("2026/3/5"),
            s("离岗"),
            X::E,
            s("否"),
        ],
        vec![
            X::N(4.0),
            s("P004"),
            s("赵四"),
            s("女"),
            s("西湖所"),
            s("33010004"),
            s("2026年3月5日"),
            s("在岗"),
            X::E,
            s("否"),
        ],
        vec![
            X::N(5.0),
            s("P005"),
            s("钱五"),
            s("男"),
            s("执法大队"),
            s("33010005"),
            s("9999-09-09"),
            s("在岗"),
            X::E,
            s("否"),
        ],
        vec![
            X::N(6.0),
            s("P006"),
            s("孙六"),
            s("男"),
            s("执法大队"),
            s("33010006"),
            X::D(2028, 12, 31),
            s("在岗"),
            X::E,
            s("否"),
        ],
        vec![
            X::N(7.0),
            s("P007"),
            s("周七"),
            s("女"),
            s("执法大队"),
            s("33010007"),
            X::N(46086.0),
            s("在岗"),
            X::E,
            s("否"),
        ],
        vec![
            X::N(8.0),
            s("E001"),
            s("吴八"),
            s("女"),
            s("专家库"),
            X::E,
            s("长期"),
            s("在岗"),
            X::E,
            s("是"),
        ],
    ]
}

const EXPECTED_INSPECTORS: &str = "id,name,department,unit,certificate,certificate_expiry,items,expert,active\n\
    P001,张一,D01,西湖所,33010001,2029-07-19,SC-001;SC-002,false,true\n\
    P002,李二,D01,执法大队,33010002,2027-08-10,SC-001;SC-003,false,true\n\
    P003,王三,D01,西湖所,33010003,2026-03-05,,false,false\n\
    P004,赵四,D01,西湖所,33010004,2026-03-05,,false,true\n\
    P005,钱五,D01,执法大队,33010005,,,false,true\n\
    P006,孙六,D01,执法大队,33010006,2028-12-31,,false,true\n\
    P007,周七,D01,执法大队,33010007,2026-03-05,,false,true\n\
    E001,吴八,D01,专家库,,,,true,true\n";

#[test]
fn inspector_templates_read_with_every_date_form_in_every_format() {
    let grid = inspector_grid();
    let expected = pool_csv::parse_inspectors("expected.csv", EXPECTED_INSPECTORS)
        .unwrap()
        .value
        .freeze()
        .digest();
    let profile = Profile::with_mapping(
        "county.toml",
        "[inspectors.defaults]\ndepartment = \"D01\"\n",
    )
    .unwrap();
    let csv = fixture::csv(&grid, ',');
    let files = [
        ("i.xlsx", fixture::xlsx(&[("执法人员", &grid)], true)),
        ("i.xls", fixture::xls("执法人员", &grid, false)),
        ("i1904.xls", fixture::xls("执法人员", &grid, true)),
        ("i.ods", fixture::ods("执法人员", &grid)),
        (
            "i.xml",
            fixture::spreadsheetml("执法人员", &grid).into_bytes(),
        ),
        ("i.csv", fixture::gbk(&csv)),
    ];
    for (file, bytes) in files {
        let read = read_inspectors((file, &bytes), &profile, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let notes = read.notes.join("\n");
        if file != "i1904.xls" {
            assert_eq!(read.value.freeze().digest(), expected, "{file}:\n{notes}");
        } else {
            // The plain number 46086 is a serial in the workbook's 1904 system: 2030-03-06.
            let p7 = read
                .value
                .freeze()
                .entries()
                .iter()
                .find(|p| p.id.as_str() == "P007")
                .unwrap()
                .clone();
            assert_eq!(
                p7.certificate_expiry.unwrap().to_string(),
                "2030-03-06",
                "{notes}"
            );
            assert!(
                notes.contains(
                    "number read as an Excel serial date (1904 system, the workbook's) ×1"
                ),
                "{notes}"
            );
        }
        for said in [
            "instruction row under the header skipped",
            "“示例 | 0001 | 张三",
            "leaving out columns the library does not use: column A 序号, column D 性别",
            "no column for `department`: every row takes the mapping file's default \"D01\"",
            "YYYY-MM-DD hh:mm:ss → YYYY-MM-DD ×1",
            "YYYYMMDD → YYYY-MM-DD ×1",
            "YYYY/M/D → YYYY-MM-DD ×1",
            "YYYY年M月D日 → YYYY-MM-DD ×1",
            "long-term 9999-09-09 → no expiry (empty) ×1",
            "long-term 长期 → no expiry (empty) ×1",
            "在岗 → true ×7",
            "离岗 → false ×1",
            "list split on `，` ×1",
        ] {
            assert!(notes.contains(said), "{file}: {said:?} not in\n{notes}");
        }
        if file == "i.csv" {
            assert!(
                notes.contains("an Excel serial number (1900 system) → YYYY-MM-DD ×1"),
                "{notes}"
            );
        } else if file != "i1904.xls" {
            assert!(
                notes.contains("number read as an Excel serial date (1900 system"),
                "{notes}"
            );
        }
    }
    // Without the mapping file, the missing department is an error that says what to do.
    let bytes = fixture::xlsx(&[("执法人员", &grid)], true);
    let err = read_inspectors(
        ("i.xlsx", &bytes),
        &Profile::builtin(),
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("i.xlsx: 执法人员 row 2 (the header): no column for `department`, which an inspector pool needs"), "{err}");
    assert!(err.contains("[inspectors.defaults] department"), "{err}");
}

#[test]
fn a_history_links_by_code_and_reads_with_the_pool() {
    let c = codes();
    let history: Grid = vec![
        vec![
            X::S("统一社会信用代码"),
            X::S("检查日期"),
            X::S("检查实施机关"),
            X::S("抽查事项"),
            X::S("检查人员"),
        ],
        vec![
            X::T(c[0].clone()),
            X::D(2026, 3, 1),
            X::S("D01"),
            X::S("SC-001"),
            X::S("P001，P002"),
        ],
        vec![
            X::S(REGNO),
            X::S("20251201"),
            X::S("D02"),
            X::E,
            X::S("P003"),
        ],
        vec![
            X::T(c[1].to_lowercase()),
            X::S("2025/6/30"),
            X::S("D01"),
            X::E,
            X::E,
        ],
    ];
    let pool = fixture::xlsx(&[("待抽检库", &pool_grid())], true);
    let hist = fixture::xlsx(&[("检查记录", &history)], false);
    let read = read_pool(
        ("pool.xlsx", &pool),
        Some(("history.xlsx", &hist)),
        &Profile::builtin(),
        &ReadOptions::default(),
    )
    .unwrap();
    let all = read.value.freeze().to_targets();
    let with: Vec<usize> = all.iter().map(|t| t.history.len()).collect();
    assert_eq!(with.iter().sum::<usize>(), 3);
    let first = all.iter().find(|t| t.id.as_str() == c[0]).unwrap();
    assert_eq!(first.history[0].inspectors.len(), 2);
    // A target the pool does not have: the history's cell, the pool's file.
    let bad: Grid = vec![
        vec![
            X::S("统一社会信用代码"),
            X::S("检查日期"),
            X::S("检查实施机关"),
        ],
        vec![
            X::T(code("91330106MA27Y0099")),
            X::S("2026-01-01"),
            X::S("D01"),
        ],
    ];
    let hist = fixture::xlsx(&[("检查记录", &bad)], false);
    let err = read_pool(
        ("pool.xlsx", &pool),
        Some(("history.xlsx", &hist)),
        &Profile::builtin(),
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("history.xlsx: 检查记录!A2: column A 统一社会信用代码 (`target_code`, read as `target_id`): no target"), "{err}");
    assert!(err.ends_with("in the pool file pool.xlsx"), "{err}");
}

#[test]
fn the_cores_pool_written_as_a_workbook_reads_back_to_the_same_digest() {
    let county = shuangsuiji::demo::DemoCounty::build();
    let frozen = county.targets.freeze();
    // The first 2,000 targets keep the test quick in debug builds; the whole pool would do.
    let all = frozen.to_targets();
    let some = &all[..2000];
    let text = pool_csv::write_pool("pool.csv", some).unwrap();
    let history = pool_csv::write_history("history.csv", some).unwrap();
    let expected = pool_csv::read_target_pool("pool.csv", &text, Some(("history.csv", &history)))
        .unwrap()
        .value
        .freeze()
        .digest();
    let grid_of = |text: &str| -> Grid {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        r.records()
            .map(|rec| {
                rec.unwrap()
                    .iter()
                    .map(|c| {
                        if c.is_empty() {
                            X::E
                        } else {
                            X::T(c.to_owned())
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let (pool_grid, history_grid) = (grid_of(&text), grid_of(&history));
    for (pool_bytes, history_bytes, file) in [
        (
            fixture::xlsx(&[("pool", &pool_grid)], false),
            fixture::xlsx(&[("history", &history_grid)], false),
            "pool.xlsx",
        ),
        (fixture::gbk(&text), fixture::gbk(&history), "pool-gbk.csv"),
    ] {
        let read = read_pool(
            (file, &pool_bytes),
            Some(("history", &history_bytes)),
            &Profile::builtin(),
            &ReadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(read.value.freeze().digest(), expected, "{file}");
        // The library's own files change nothing: no note of a changed value.
        assert!(
            !read.notes.iter().any(|n| n.contains(" ×")),
            "{file}: {:#?}",
            read.notes
        );
    }
}

#[test]
fn kpi_results_in_zhejiang_wordings_reach_the_kpi_reader() {
    use shuangsuiji::kpi::{KpiInput, Table};
    let c = codes();
    let s = X::S;
    let departments: Grid = vec![
        vec![s("部门编号"), s("部门名称")],
        vec![s("D01"), s("市场监管局")],
    ];
    let tasks: Grid = vec![
        vec![
            s("任务编号"),
            s("计划编号"),
            s("发起部门"),
            s("是否联合"),
            s("创建日期"),
        ],
        vec![s("T1"), X::E, s("D01"), s("否"), s("2026/4/1")],
    ];
    let drawn: Grid = vec![
        vec![s("任务编号"), s("统一社会信用代码"), s("信用风险分类")],
        vec![s("T1"), X::T(c[0].clone()), s("A类")],
        vec![s("T1"), s("110108000000016"), s("未分级")],
        vec![s("T1"), X::T(c[1].clone()), s("高风险")],
    ];
    let results: Grid = vec![
        vec![
            s("任务编号"),
            s("统一社会信用代码"),
            s("检查结果"),
            s("检查日期"),
            s("录入日期"),
            s("是否掌上执法"),
            s("公示日期"),
        ],
        vec![
            s("T1"),
            X::T(c[0].clone()),
            s("发现问题经责令已改正；未按规定公示年报信息"),
            s("2026年5月6日"),
            s("2026-05-07 00:00:00"),
            s("是"),
            s("20260510"),
        ],
        vec![
            s("T1"),
            s("110108000000016"),
            s("正常（符合信息公示相关规定）"),
            X::D(2026, 5, 6),
            X::D(2026, 5, 6),
            s("否"),
            X::E,
        ],
        vec![
            s("T1"),
            X::T(c[1].clone()),
            s("通过登记的住所(经营场所)无法联系"),
            s("2026-05-08"),
            s("2026-05-08"),
            s("√"),
            s("2026-05-09"),
        ],
    ];
    let profile = Profile::builtin();
    let read = |file: &str, grid: &Grid, table| {
        let bytes = fixture::xlsx(&[("Sheet1", grid)], false);
        read_table(
            file,
            &bytes,
            TableKind::Kpi(table),
            &profile,
            &ReadOptions::default(),
        )
        .unwrap()
    };
    let t = [
        read("departments.xlsx", &departments, Table::Departments),
        read("tasks.xlsx", &tasks, Table::Tasks),
        read("drawn.xlsx", &drawn, Table::Drawn),
        read("results.xlsx", &results, Table::Results),
    ];
    let refs: Vec<&_> = t.iter().collect();
    let csv = shuangsuiji_io::import::kpi_csv(&refs);
    assert!(
        csv.results
            .contains("problem_ordered_to_correct;information_not_published"),
        "{}",
        csv.results
    );
    let input = KpiInput::from_csv(&csv)
        .unwrap_or_else(|e| panic!("{}", shuangsuiji_io::import::locate_kpi(&refs, &e)));
    assert_eq!((input.year, input.results.len()), (2026, 3));
    // 其他 and a Rust type's name: refused with the cell and the accepted labels.
    let mut bad = results.clone();
    bad[2][2] = s("其他");
    let bytes = fixture::xlsx(&[("Sheet1", &bad)], false);
    let err = read_table(
        "results.xlsx",
        &bytes,
        TableKind::Kpi(Table::Results),
        &profile,
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("results.xlsx: Sheet1!C3: column C 检查结果 (`codes`): \"其他\" is 其他, a code the library does not know"), "{err}");
    bad[2][2] = s("查无此码");
    let bytes = fixture::xlsx(&[("Sheet1", &bad)], false);
    let err = read_table(
        "results.xlsx",
        &bytes,
        TableKind::Kpi(Table::Results),
        &profile,
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "is not a result code the profile knows; accepted: no_problem_found (未发现问题"
        ),
        "{err}"
    );
    assert!(!err.contains("lifecycle::ResultCode"), "{err}");
}

#[test]
fn a_mapping_file_adds_columns_and_refuses_what_it_cannot_mean() {
    let m = "# 某省\n[pool.columns]\n\"企业统一代码\" = \"credit_code\"\n\"风险类别\" = \"grade\"\n\"联系电话\" = \"ignore\"\n\n[lists]\nseparators = [\"|\"]\n";
    let profile = Profile::with_mapping("m.toml", m).unwrap();
    let grid: Grid = vec![
        vec![
            X::S("企业统一代码"),
            X::S("风险类别"),
            X::S("联系电话"),
            X::S("监管标签"),
        ],
        vec![
            X::T(codes()[0].clone()),
            X::S("C类"),
            X::S("123"),
            X::S("食品|餐饮"),
        ],
    ];
    let bytes = fixture::xlsx(&[("Sheet1", &grid)], false);
    let read = read_pool(("p.xlsx", &bytes), None, &profile, &ReadOptions::default()).unwrap();
    assert_eq!(read.value.freeze().to_targets()[0].tags.len(), 2);
    for (text, said) in [
        (
            "[pool.columns]\n\"x\" = \"nope\"\n",
            "m.toml: [pool.columns] \"x\" = \"nope\": pool has no field \"nope\"",
        ),
        (
            "[values.grade]\n\"E\" = \"F\"\n",
            "m.toml: [values.grade] \"E\" = \"F\": \"F\" is not a credit-risk grade (use one of: \"A\", \"B\", \"C\", \"D\", \"\")",
        ),
        (
            "[values.colour]\n\"红\" = \"red\"\n",
            "m.toml: [values.colour]: no such vocabulary",
        ),
        ("[pol.columns]\n", "m.toml: line 1: unknown field `pol`"),
        (
            "[pool.defaults]\nx = \"1\"\n",
            "m.toml: [pool.defaults] \"x\": pool has no field \"x\"",
        ),
        (
            "[lists]\nseparators = [\"ab\"]\n",
            "m.toml: [lists] separators: \"ab\" is not one character",
        ),
    ] {
        let err = Profile::with_mapping("m.toml", text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(said), "{err}");
    }
    // A grade may be mapped to another label, which is resolved.
    let p = Profile::with_mapping("m.toml", "[values.grade]\n\"E\" = \"高风险\"\n").unwrap();
    assert_eq!(
        p.value(shuangsuiji_io::profile::Vocab::Grade, "E"),
        Some("D")
    );
    // `builtin = false`: only the library's names and this file's.
    let p = Profile::with_mapping("m.toml", "builtin = false\n").unwrap();
    let bytes = fixture::xlsx(&[("Sheet1", &pool_grid())], true);
    let err = read_pool(("p.xlsx", &bytes), None, &p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, FormatError::NoHeader { .. }), "{err}");
}

#[test]
fn the_mapping_file_of_docs_formats_reads_and_means_what_it_says() {
    let doc = include_str!("../../../docs/FORMATS.md");
    let start = doc.find("```toml\n").expect("a TOML example") + 8;
    let end = start + doc[start..].find("```").unwrap();
    let profile = Profile::with_mapping("example.toml", &doc[start..end]).unwrap();
    use shuangsuiji_io::profile::{ColumnTarget, Vocab};
    assert_eq!(profile.header.scan_rows, 40);
    assert_eq!(profile.value(Vocab::Grade, "E类"), Some("D"));
    assert_eq!(profile.value(Vocab::Status, "撤销"), Some("revoked"));
    assert_eq!(
        profile.value(Vocab::ResultCode, "其他"),
        Some("no_problem_found")
    );
    assert_eq!(
        profile.column(TableKind::Pool, "联系电话"),
        Some(&ColumnTarget::Ignore)
    );
    assert_eq!(
        profile.column(TableKind::Pool, "风险类别"),
        Some(&ColumnTarget::Field("grade"))
    );
    assert_eq!(
        profile.default_of(TableKind::Inspectors, "department"),
        Some("市场监管局")
    );
    assert!(profile.separators.contains(&'|'));
}
