"""The platforms' files in Python (docs/FORMATS.md): a county's export as it comes (a workbook
with a title row and Chinese headers and values, GBK or UTF-16 text, a file named for another
format, bytes or a file object) read into the pool a draw uses, with the notes; a value that
cannot be read refused at its cell, the place in the exception's attributes and the message the
command line prints. Every file is written by the test: xlsx by openpyxl, Excel 2003 XML and
OpenDocument by hand, GBK and UTF-16 by Python's codecs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any, Union
from xml.sax.saxutils import escape

import openpyxl
import pytest

import shuangsuiji as ssj
from conftest import ENTROPY

RATIOS = ssj.policy_by_grade("50%", "50%", "100%", "100%", "100%")

#: A cell: text, a number, a date, or None (empty).
Cell = Union[str, int, float, dt.date, None]
Grid = list[list[Cell]]

#: A 15-digit registration number with a valid check digit (ISO 7064 MOD 11,10).
REGNO = "110108000000016"


def code(i: int) -> str:
    """A valid unified social credit code (GB 32100), one per target."""
    first17 = f"91330106MA27Y{i:04}"
    return first17 + ssj.credit_check_character(first17)


def pool_grid(grade_of_last: str = "D") -> Grid:
    """The 待抽检库 of a county: a title, the header, an instruction row, then 12 targets
    written every way the platforms write them (as the command line's tests)."""
    grid: Grid = [
        ["待抽检库导入模板"],
        ["序号", "统一社会信用代码/注册号", "企业名称", "主体类型", "登记状态", "风险等级", "监管标签", "风险分值"],
        [None, "【必填】", "【必填】", "【选填】", "【选填】", "【必填】", "【多个以中文逗号分开填写】", "【选填】"],
    ]
    rows = [
        ("有限责任公司(自然人投资或控股)", "存续", "A类", "食品经营，餐饮服务"),
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
    ]
    for i, (kind, status, grade, tags) in enumerate(rows):
        ident = REGNO if i == 3 else code(i)
        # One code written in lower case, as some exports do.
        ident = ident.lower() if i == 5 else ident
        grid.append([i + 1, ident, f"企业{i}", kind, status, grade, tags, 10 + i])
    return grid


def history_grid() -> Grid:
    return [
        ["统一社会信用代码", "检查日期", "检查实施机关", "检查人员"],
        [code(0), "2026年3月5日", "D01", "P1，P2"],
        [code(1), dt.date(2025, 11, 20), "D01", None],
    ]


def xlsx(sheets: list[tuple[str, Grid]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in sheets:
        sheet = book.create_sheet(name)
        for row in grid:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_of(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def delimited(grid: Grid, sep: str = ",") -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    for row in grid:
        w.writerow([text_of(c) for c in row])
    return out.getvalue()


def spreadsheetml(name: str, grid: Grid) -> bytes:
    """Excel 2003 XML, as platforms export it (and name it .xls or .xlsx)."""
    rows = []
    for row in grid:
        cells = []
        for c in row:
            if c is None:
                cells.append("<Cell/>")
            elif isinstance(c, (int, float)):
                cells.append(f'<Cell><Data ss:Type="Number">{c}</Data></Cell>')
            elif isinstance(c, dt.date):
                cells.append(f'<Cell><Data ss:Type="DateTime">{c.isoformat()}T00:00:00.000</Data></Cell>')
            else:
                cells.append(f'<Cell><Data ss:Type="String">{escape(c)}</Data></Cell>')
        rows.append("<Row>" + "".join(cells) + "</Row>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="{escape(name)}"><Table>' + "".join(rows) + "</Table></Worksheet></Workbook>\n"
    ).encode("utf-8")


def ods(name: str, grid: Grid) -> bytes:
    """An OpenDocument spreadsheet."""
    rows = []
    for row in grid:
        cells = []
        for c in row:
            if c is None:
                cells.append("<table:table-cell/>")
            elif isinstance(c, (int, float)):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{c}"><text:p>{c}</text:p></table:table-cell>'
                )
            elif isinstance(c, dt.date):
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{c.isoformat()}">'
                    f"<text:p>{c.year}/{c.month}/{c.day}</text:p></table:table-cell>"
                )
            else:
                cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>')
        rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(name)}">'
        + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write(d: Path, name: str, data: bytes) -> str:
    path = d / name
    path.write_bytes(data)
    return str(path)


def record_of(pool: ssj.TargetPool, task: str = "2026-SCJG-001", **kw: Any) -> dict[str, Any]:
    return dict(json.loads(ssj.draw(pool, task, RATIOS, public_entropy=ENTROPY, **kw).to_json()))


def test_a_county_workbook_with_chinese_headers_is_read_as_it_is(tmp_path: Path) -> None:
    # OOXML named .xls, as the platforms ship it; the pool and its history on two sheets.
    book = write(tmp_path, "randomentinfo.xls", xlsx([("待抽检库", pool_grid()), ("检查记录", history_grid())]))
    pool = ssj.read_pool(book, book, sheet="待抽检库", history_sheet="检查记录")
    assert len(pool) == 12
    notes = "\n".join(pool.notes)
    for note in ["待抽检库导入模板", "【多个以中文逗号分开填写】", "存续 → active", "撤销 → cancelled",
                 "list split on `，`", "registration number"]:
        assert note in notes, (note, notes)
    rows = {r["name"]: r for r in pool.to_arrow().to_pylist()}
    # Every status, kind and grade form, and every list separator.
    assert [rows[f"企业{i}"]["status"] for i in range(12)] == [
        "active", "active", "active", "active", "active", "deregistered", "revoked", "cancelled",
        "moved_out", "active", "active", "active",
    ]
    assert [rows[f"企业{i}"]["kind"] for i in (0, 1, 2, 4, 9)] == [
        "enterprise", "individual_business", "farmers_cooperative", "enterprise", "non_market",
    ]
    assert [rows[f"企业{i}"]["grade"] for i in range(12)] == [
        "A", "A", "A", "B", "B", "B", "C", "C", "D", "D", None, "D",
    ]
    assert {rows[f"企业{i}"]["tags"] for i in (0, 1, 2, 4)} == {"食品经营;餐饮服务"}
    # The registration number is the id and no credit code; the lower-case code made upper.
    assert rows["企业3"]["id"] == REGNO and rows["企业3"]["credit_code"] is None
    assert rows["企业5"]["credit_code"] == code(5)
    assert rows["企业6"]["risk_score"] == 16
    history = pool.history_to_arrow().to_pylist()
    assert {(h["target_id"], h["date"], h["inspectors"]) for h in history} == {
        (code(0), "2026-03-05", "P1;P2"), (code(1), "2025-11-20", ""),
    }
    # --tags-all 餐饮服务: the five targets whose lists hold it, however separated.
    rec = record_of(pool, scope={"tags_all": ["餐饮服务"]})
    assert rec["pool"]["size"] == 12 and rec["out_of_scope"] == 7
    assert "grade_rules" not in rec and pool.grade_rules == ()
    assert ssj.verify(json.dumps(rec), ssj.read_pool(book, book, sheet="待抽检库", history_sheet="检查记录")).ok


def test_every_format_and_source_gives_the_same_pool(tmp_path: Path) -> None:
    grid = pool_grid()
    want = ssj.read_pool(xlsx([("待抽检库", grid)])).digest
    text = delimited(grid)
    sources: dict[str, Any] = {
        "pool-gbk.csv": text.encode("gbk"),
        "pool-gb18030.csv": text.encode("gb18030"),
        "pool-utf16.txt": delimited(grid, "\t").encode("utf-16"),
        "pool-utf16be.csv": b"\xfe\xff" + text.encode("utf-16-be"),
        "pool-bom.csv": text.encode("utf-8-sig"),
        "pool-2003.xlsx": spreadsheetml("待抽检库", grid),
        "pool-ods.csv": ods("待抽检库", grid),
    }
    for name, data in sources.items():
        path = write(tmp_path, name, data)
        pool = ssj.read_pool(path)
        assert pool.digest == want, (name, pool.notes)
        # As a pathlib.Path, as bytes, as a file object.
        assert ssj.read_pool(Path(path)).digest == want
        assert ssj.read_pool(data).digest == want
        with open(path, "rb") as f:
            assert ssj.read_pool(f).digest == want
    gbk = ssj.read_pool(write(tmp_path, "g.csv", text.encode("gbk")))
    assert any("GB18030" in n for n in gbk.notes), gbk.notes
    utf16 = ssj.read_pool(io.BytesIO(sources["pool-utf16.txt"]))
    assert any("UTF-16" in n for n in utf16.notes), utf16.notes
    with pytest.raises(TypeError, match="binary mode"):
        ssj.read_pool(io.StringIO(text))  # type: ignore[arg-type]


def test_the_librarys_own_csv_and_the_platforms_copy_of_it_have_one_digest(tmp_path: Path) -> None:
    paths = ssj.write_demo(tmp_path / "demo")
    library = ssj.TargetPool.from_csv(paths["pool"], paths["history"])
    read = ssj.read_pool(paths["pool"], paths["history"])
    assert read.digest == library.digest == ssj.demo_county().targets.digest
    assert read.notes == () and read.grade_rules == ()
    # The same pool as a platform writes it: Chinese headers and values, lists with ，, a
    # workbook with a title row, and the history as GBK text.
    headers = {"id": "主体标识", "credit_code": "统一社会信用代码", "name": "企业名称", "kind": "主体类型",
               "region": "所属区域", "industry": "所属行业", "grid": "管辖单位", "status": "登记状态",
               "grade": "信用风险分类", "risk_score": "风险分值", "positive_list": "是否纳入正面清单",
               "tags": "监管标签"}
    kinds = {"enterprise": "企业", "individual_business": "个体工商户", "farmers_cooperative": "农民专业合作社",
             "non_market": "非市场主体"}
    statuses = {"active": "存续", "deregistered": "注销", "revoked": "吊销", "cancelled": "撤销", "moved_out": "迁出"}
    grades = {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险", None: "未分类"}
    targets = library.to_arrow().to_pylist()
    grid: Grid = [["检查对象名录库"], list(headers.values())]
    for t in targets:
        grid.append([
            t["id"], t["credit_code"], t["name"], kinds.get(t["kind"], t["kind"]), t["region"], t["industry"],
            t["grid"], statuses[t["status"]], grades[t["grade"]], t["risk_score"],
            "是" if t["positive_list"] else "否", "，".join(t["tags"].split(";")) if t["tags"] else None,
        ])
    book = write(tmp_path, "名录库.xlsx", xlsx([("Sheet1", grid)]))
    history = Path(paths["history"]).read_text(encoding="utf-8")
    history = history.replace('"target_id","date","department","item","inspectors"',
                              "主体标识,检查日期,检查实施机关,抽查事项,检查人员")
    gbk_history = write(tmp_path, "history-gbk.csv", history.encode("gbk"))
    platform = ssj.read_pool(book, gbk_history)
    assert platform.digest == library.digest, platform.notes
    assert any("存续 → active" in n for n in platform.notes)
    assert record_of(platform)["selected"] == record_of(library)["selected"]


def test_a_refused_value_names_its_cell_and_the_accepted_labels(tmp_path: Path) -> None:
    book = write(tmp_path, "pool.xlsx", xlsx([("待抽检库", pool_grid("X级"))]))
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(book)
    message = str(e.value)
    # The command line's message (crates/shuangsuiji-cli/tests/formats.rs).
    assert message.startswith(
        f'{book}: 待抽检库!F15: column F 风险等级 (`grade`): "X级" is not a credit-risk grade'
    ), message
    assert "accepted: A (A类, A级, 低风险" in message
    v = e.value
    assert (v.file, v.sheet, v.row, v.column, v.cell, v.field, v.value) == (
        book, "待抽检库", 15, "F", "F15", "grade", "X级",
    )
    assert isinstance(v, ValueError) and v.line is None

    # In a text file, the line.
    gbk = write(tmp_path, "pool.csv", delimited(pool_grid("X级")).encode("gbk"))
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(gbk)
    assert str(e.value).startswith(f'{gbk}:15: column F 风险等级 (`grade`): "X级"'), str(e.value)
    assert (e.value.file, e.value.sheet, e.value.line, e.value.row, e.value.cell) == (gbk, None, 15, 15, "F15")

    # The core's refusal of a row (a duplicate id), at its cell too.
    grid = pool_grid()
    grid[-1][1] = code(0)
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(xlsx([("待抽检库", grid)]))
    assert (e.value.file, e.value.sheet, e.value.cell, e.value.field) == ("pool", "待抽检库", "B15", "id")
    assert "duplicate id" in str(e.value) and "待抽检库 row 4" in str(e.value), str(e.value)


def test_a_five_class_scheme_is_read_by_the_users_rule_and_the_rule_is_published(tmp_path: Path) -> None:
    book = write(tmp_path, "shandong.xlsx", xlsx([("Sheet1", pool_grid("E"))]))
    # Without a rule: what the library lacks and the line that would read it.
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(book)
    assert e.value.cell == "F15" and '[values.grade] "E" = "D"' in str(e.value)
    mapping = tmp_path / "山东.toml"
    mapping.write_text('# 五级分类：E 类按 D 类抽取\n[values.grade]\n"E" = "D"\n', encoding="utf-8")
    for profile in (str(mapping), mapping, ssj.Profile.read(mapping)):
        pool = ssj.read_pool(book, profile=profile)
        assert pool.grade_rules == (("E", "D"),)
        rec = record_of(pool)
        assert rec["grade_rules"] == [{"label": "E", "stratum": "D"}]
        # The rule is informative: the record verifies, and the grade is in the digest.
        assert ssj.verify(json.dumps(rec), pool).ok
    assert ssj.Profile.read(mapping).name == str(mapping)
    rows = ssj.read_pool(book, profile=mapping).to_arrow().to_pylist()
    assert rows[-1]["grade"] == "D"


def test_the_librarys_csv_keeps_its_reader_and_a_platform_label_in_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "pool.csv", b"id,status,grade\nT1,active,A\nT2,\xe5\xad\x98\xe7\xbb\xad,B\n")
    pool = ssj.read_pool(path)
    assert [r["status"] for r in pool.to_arrow().to_pylist()] == ["active", "active"]
    assert any("存续 → active" in n for n in pool.notes)
    # A value neither reads: the core's own message, as TargetPool.from_csv gives it.
    bad = write(tmp_path, "bad.csv", b"id,status,grade\nT1,active,A\nT2,active,Q\n")
    with pytest.raises(ssj.PoolError) as core:
        ssj.TargetPool.from_csv(bad)
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(bad)
    assert str(e.value) == str(core.value)
    assert (e.value.file, e.value.line, e.value.row, e.value.field, e.value.cell) == (bad, 3, 3, "grade", "C3")


def inspectors_grid(pool: ssj.InspectorPool) -> Grid:
    """The demo's inspectors with the platform's headers and values, under a title row."""
    names = {"id": "单位工号", "name": "姓名", "department": "所属部门", "unit": "所在业务部门（机构）",
             "certificate": "执法证编号", "certificate_expiry": "执法证有效期", "region": "所属区域",
             "items": "执法事项范围", "tags": "专业领域", "expert": "是否专家", "active": "执法人员状态"}
    grid: Grid = [["市场监管领域执法人员数据库"], [*names.values(), "性别"]]
    for p in pool.to_arrow().to_pylist():
        grid.append([
            p["id"], p["name"], p["department"], p["unit"], p["certificate"],
            p["certificate_expiry"] or "9999-09-09", p["region"], "，".join(p["items"].split(";")),
            "、".join(p["tags"].split(";")), "是" if p["expert"] else "否", "在岗" if p["active"] else "离岗", "男",
        ])
    return grid


def test_inspectors_from_a_platform_workbook(tmp_path: Path) -> None:
    county = ssj.demo_county()
    book = write(tmp_path, "randomscagent.xlsx", xlsx([("执法人员", inspectors_grid(county.inspectors))]))
    pool = ssj.read_inspectors(book)
    assert pool.digest == county.inspectors.digest
    assert any("市场监管领域执法人员数据库" in n for n in pool.notes), pool.notes
    assert any("long-term" in n or "长期" in n or "9999" in n for n in pool.notes), pool.notes
    grid = inspectors_grid(county.inspectors)
    grid[4][10] = "休假"
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_inspectors(xlsx([("执法人员", grid)]), sheet="执法人员")
    assert (e.value.file, e.value.sheet, e.value.cell, e.value.field) == ("inspectors", "执法人员", "K5", "active")
    assert "休假" in str(e.value) and "在岗" in str(e.value)


def test_kpi_tables_from_workbooks_and_gbk_give_the_csv_report(tmp_path: Path) -> None:
    folder = tmp_path / "kpi"
    ssj.KpiInput.demo().to_dir(folder)
    want = ssj.KpiInput.from_dir(folder).report().text()
    library = ssj.KpiInput.read(folder)
    assert library.report().text() == want
    # results as a workbook, drawn as GBK text: the same report.
    results = (folder / "results.csv").read_text(encoding="utf-8")
    grid: Grid = [list(r) for r in csv.reader(io.StringIO(results))]
    (folder / "results.xlsx").write_bytes(xlsx([("Sheet1", grid)]))
    (folder / "results.csv").unlink()
    departments = (folder / "departments.csv").read_text(encoding="utf-8")
    (folder / "departments.csv").write_bytes(departments.encode("gbk"))
    read = ssj.read_kpi_input(folder)
    assert read.report().text() == want
    assert any("departments.csv: not UTF-8, read as GB18030" in n for n in read.notes), read.notes
    assert any("results.xlsx: read as an Excel workbook" in n for n in read.notes), read.notes
    # A mapping of table name to file, bytes among them.
    tables = {name: folder / f"{name}.csv" for name in ssj.KPI_TABLES if (folder / f"{name}.csv").exists()}
    tables["results"] = (folder / "results.xlsx").read_bytes()  # type: ignore[assignment]
    assert ssj.KpiInput.read(tables).report().text() == want


def test_kpi_tables_in_zhejiangs_wording_and_a_refused_one(tmp_path: Path) -> None:
    folder = tmp_path / "kpi"
    ssj.KpiInput.demo().to_dir(folder)
    want = ssj.KpiInput.from_dir(folder).report().text()
    results = list(csv.reader(io.StringIO((folder / "results.csv").read_text(encoding="utf-8"))))
    header = results[0]
    codes = header.index("codes")
    wording = {"problem_ordered_to_correct": "发现问题经责令已改正", "no_problem_found": "正常（符合信息公示相关规定）"}
    for row in results[1:]:
        row[codes] = "，".join(wording.get(c, c) for c in row[codes].split(";"))
    (folder / "results.csv").unlink()
    (folder / "results.xlsx").write_bytes(xlsx([("检查结果", [["检查结果录入"], *results])]))
    read = ssj.KpiInput.read(folder)
    assert read.report().text() == want
    assert any("发现问题经责令已改正" in n for n in read.notes), read.notes
    results[3][codes] = "查无此码"
    (folder / "results.xlsx").write_bytes(xlsx([("检查结果", [["检查结果录入"], *results])]))
    with pytest.raises(ssj.KpiInputError) as e:
        ssj.KpiInput.read(folder)
    letter = chr(ord("A") + codes)
    v = e.value
    assert (v.file, v.sheet, v.row, v.cell, v.field) == (str(folder / "results.xlsx"), "检查结果", 5, f"{letter}5", "codes")
    assert str(v).startswith(f"{folder / 'results.xlsx'}: 检查结果!{letter}5"), str(v)
    assert "查无此码" in str(v) and "未发现问题" in str(v)


def test_a_kpi_folder_lacking_a_table(tmp_path: Path) -> None:
    folder = tmp_path / "kpi"
    ssj.KpiInput.demo().to_dir(folder)
    (folder / "unplanned.csv").unlink()
    read = ssj.KpiInput.read(folder)
    assert f"{os.path.join(folder, 'unplanned.csv')}: not found, taken as an empty table" in read.notes
    (folder / "plans.csv").unlink()
    with pytest.raises(FileNotFoundError):
        ssj.KpiInput.read(folder)
    with pytest.raises(NotADirectoryError):
        ssj.KpiInput.read(folder / "nothing")


def test_bad_profiles_sheets_and_files(tmp_path: Path) -> None:
    with pytest.raises(ssj.InvalidInputError) as e:
        ssj.Profile.from_toml('[pool.columns]\n"风险类别" = "no_such_field"\n', name="m.toml")
    assert e.value.file == "m.toml" and "no_such_field" in str(e.value)
    book = xlsx([("待抽检库", pool_grid()), ("检查记录", history_grid())])
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(book, sheet="无此表")
    assert e.value.file == "pool" and "待抽检库" in str(e.value) and "检查记录" in str(e.value)
    with pytest.raises(ssj.PoolError) as e:
        ssj.read_pool(b"%PDF-1.4 not a table")
    assert e.value.file == "pool"
    with pytest.raises(FileNotFoundError):
        ssj.read_pool(tmp_path / "missing.xlsx")
    with pytest.raises(TypeError):
        ssj.read_pool(book, profile=3)  # type: ignore[arg-type]


def test_notes_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="shuangsuiji"):
        pool = ssj.read_pool(delimited(pool_grid()).encode("gbk"))
    assert [r.getMessage() for r in caplog.records] == list(pool.notes)
    assert pool.notes


def test_a_joint_tasks_records_publish_the_pools_grade_rules(tmp_path: Path) -> None:
    county = ssj.demo_county()
    paths = ssj.write_demo(tmp_path / "demo")
    rule = ssj.Profile.from_toml('[values.grade]\n"E" = "D"\n', name="五级.toml")
    pool = ssj.read_pool(paths["pool"], paths["history"], profile=rule)
    # The demo has no E: the same pool, read with the rule, which its records publish.
    assert pool.digest == county.targets.digest and pool.grade_rules == (("E", "D"),)
    proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    task = proposal["tasks"][0]
    _, records = ssj.draw_task(task, county.annual_plan, pool, ENTROPY)
    _, plain = ssj.draw_task(task, county.annual_plan, county.targets, ENTROPY)
    assert records and len(records) == len(plain)
    for r, p in zip(records, plain):
        assert json.loads(r.to_json())["grade_rules"] == [{"label": "E", "stratum": "D"}]
        assert "grade_rules" not in json.loads(p.to_json())
        assert r.verify(pool).ok and r.verify(county.targets).ok
