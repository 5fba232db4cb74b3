"""The publication outputs from Python: the 抽取结果 list, the 检查结果公示 table and Annex 1,
read back with openpyxl (through pandas.read_excel) cell by cell; CSV with a byte-order mark;
a pool that does not reproduce the record is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import shuangsuiji as ssj


@pytest.fixture(scope="module")
def county() -> ssj.DemoCounty:
    return ssj.demo_county()


def _record(pool: ssj.TargetPool) -> ssj.DrawRecord:
    return ssj.draw(
        pool,
        "2026-SCJG-001",
        ssj.policy_by_grade("5%", "20%", "60%", "100%", ungraded="10%"),
        public_entropy=("双色球 2026130期", "03 07 12 19 25 31 + 09"),
        department="D01",
        date="2026-05-12",
    )


def test_draw_list_to_excel_and_csv(county: ssj.DemoCounty, tmp_path: Path) -> None:
    pool = county.targets
    record = _record(pool)
    listing = record.publication(pool, task_name="2026年食品抽查", departments={"D01": "市场监管局"})
    assert len(listing) == len(record)
    xlsx = tmp_path / "抽取结果.xlsx"
    listing.to_excel(xlsx)
    df = pd.read_excel(xlsx, sheet_name="抽取结果", header=3, dtype=str)
    assert list(df.columns) == listing.header
    assert len(df) == len(record)
    selected = record.selected.column("id").to_pylist()
    assert df["主体标识"].tolist() == selected
    targets = pool.to_arrow().to_pandas().set_index("id")
    first = df.iloc[0]
    assert first["序号"] == "1"
    assert first["任务编号"] == "2026-SCJG-001"
    assert first["任务名称"] == "2026年食品抽查"
    assert first["检查机关"] == "市场监管局"
    assert first["主体名称"] == targets.loc[selected[0], "name"]
    assert first["统一社会信用代码/注册号"] == targets.loc[selected[0], "credit_code"]
    assert first["抽取日期"] == "2026-05-12"
    assert first["随机数来源"] == "双色球 2026130期"
    assert first["随机数值"] == "03 07 12 19 25 31 + 09"
    assert first["检查对象名录库摘要(SM3)"] == record.pool_digest
    assert len(first["抽取记录摘要(SM3)"]) == 64
    title = pd.read_excel(xlsx, header=None, nrows=1).iloc[0, 0]
    assert title == "2026年食品抽查 抽取结果"

    csv = tmp_path / "list.csv"
    listing.to_csv(csv)
    raw = csv.read_bytes()
    assert raw.startswith("\ufeff序号,任务编号".encode())
    back = pd.read_csv(csv, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert back.equals(df.fillna(""))
    # As a frame: 序号 is a number, the rest text.
    frame = listing.to_pandas()
    assert frame["序号"].tolist() == list(range(1, len(record) + 1))
    # Department names may also come as a frame.
    named = record.publication(pool, departments=pd.DataFrame({"id": ["D01"], "name": ["局"]}))
    assert named.rows[0][3] == "局" and named.rows[0][2] == ""


def test_a_pool_that_does_not_reproduce_is_refused(county: ssj.DemoCounty) -> None:
    pool = county.targets
    record = _record(pool)
    frame = pool.to_arrow().to_pandas()
    other = ssj.TargetPool.from_frame(frame[frame["id"] != record.selected.column("id")[0].as_py()])
    with pytest.raises(ssj.VerificationError) as e:
        record.publication(other)
    assert "does not reproduce from this pool" in str(e.value)
    assert any("pool digest differs" in m for m in e.value.mismatches)


def test_gongshi_and_annex_workbooks(county: ssj.DemoCounty, tmp_path: Path) -> None:
    kin = ssj.KpiInput.demo()
    table = kin.gongshi(county.targets)
    assert table.header == ["序号", "任务编号", "主体名称", "统一社会信用代码/注册号", "主体标识", "检查实施机关", "类型", "日期", "结果"]
    results = kin.to_csv()["results.csv"].splitlines()
    assert len(table) == len(results) - 1
    out = tmp_path / "gongshi.xlsx"
    table.to_excel(out)
    df = pd.read_excel(out, header=1, dtype=str)
    assert len(df) == len(table)
    assert set(df["类型"]) <= {"双随机抽查", "部门联合双随机抽查"}
    assert df["结果"].notna().all() and df["主体名称"].notna().all()

    report = kin.report()
    annex = tmp_path / "annex.xlsx"
    report.to_excel(annex, title="2026年全县情况表", as_of="2026-06-30")
    sheets = pd.read_excel(annex, sheet_name=None, header=None, dtype=str)
    assert list(sheets) == ["附件1", "指标（全年）", "指标（第一季度）", "指标（第二季度）", "指标（第三季度）", "指标（第四季度）", "附件2 考核结果"]
    a = sheets["附件1"]
    assert a.iloc[1, 0] == "2026年全县情况表"
    assert a.iloc[2, 0] == "（截止2026年6月30日）"
    assert a.iloc[3, 2] == "2026年抽查计划" and a.iloc[4, 4] == "发起单部门检查"
    annex_rows = report.annex.to_pandas()
    assert a.iloc[5, 1] == annex_rows["name"].iloc[0] if "name" in annex_rows else True
    n = len(annex_rows) - 1
    assert a.iloc[5 + n, 0] == "合计"
    assert int(a.iloc[5 + n, 8]) == int(annex_rows["drawn"].iloc[-1])


def test_a_pool_workbook_reads_back(county: ssj.DemoCounty, tmp_path: Path) -> None:
    pool, history = tmp_path / "pool.xlsx", tmp_path / "history.xlsx"
    county.targets.to_excel(pool, history)
    df = pd.read_excel(pool, dtype=str, keep_default_na=False)
    assert list(df.columns)[:3] == ["id", "credit_code", "name"]
    assert len(df) == len(county.targets)
    hist = pd.read_excel(history, dtype=str, keep_default_na=False)
    back = ssj.TargetPool.from_frame(df, history=hist)
    assert back.digest == county.targets.digest
