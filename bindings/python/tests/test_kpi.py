"""The KPI report from data frames and CSV (mirrors kpi.rs), checked against the CSV path."""

from __future__ import annotations

import threading

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import shuangsuiji as ssj


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("kpi")
    ssj.KpiInput.demo().to_dir(path)
    return path


def _read(path, name: str) -> pa.Table:
    # Every column as text, as a spreadsheet export would be read without guessing.
    with open(path / f"{name}.csv", encoding="utf-8") as f:
        header = f.readline().strip()
    if not header:
        return pa.table({})
    cols = header.split(",")
    return pacsv.read_csv(path / f"{name}.csv", convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in cols}, strings_can_be_null=False))


def test_frames_and_csv_give_the_same_report(demo_dir) -> None:
    from_dir = ssj.KpiInput.from_dir(demo_dir)
    expected = from_dir.report().to_json()
    tables = {n: _read(demo_dir, n) for n in ssj.KPI_TABLES if (demo_dir / f"{n}.csv").exists()}
    tables = {n: t for n, t in tables.items() if t.num_columns}
    assert ssj.KpiInput.from_frames(**tables).report().to_json() == expected
    assert ssj.KpiInput.from_frames(**{n: t.to_pandas() for n, t in tables.items()}).report().to_json() == expected
    assert ssj.KpiInput.from_frames(**{n: pl.from_arrow(t) for n, t in tables.items()}).report().to_json() == expected
    assert ssj.KpiInput.demo().report().to_json() == expected


def test_typed_columns_are_accepted(demo_dir) -> None:
    # pandas' own type inference: dates stay text, flags become booleans, numbers floats.
    tables = {n: pd.read_csv(demo_dir / f"{n}.csv", keep_default_na=False)
              for n in ("departments", "items", "plans", "tasks", "drawn", "results", "follow_ups")}
    tables["results"]["mobile"] = tables["results"]["mobile"].astype(bool)
    tables["results"]["inspected_on"] = pd.to_datetime(tables["results"]["inspected_on"]).dt.date
    report = ssj.KpiInput.from_frames(**tables).report()
    assert report.year == 2026


def test_report_tables(demo_dir) -> None:
    report = ssj.KpiInput.from_dir(demo_dir).report()
    annex = report.annex
    assert annex.column("department").to_pylist()[-1] is None
    assert annex.column("name").to_pylist()[-1] == "合计"
    assert sum(annex.column("drawn").to_pylist()[:-1]) == annex.column("drawn").to_pylist()[-1]
    rates = report.rates("year")
    assert rates.num_rows == annex.num_rows and "problem_discovery" in rates.column_names
    assert set(report.kpis.column("period").to_pylist()) == {"q1", "q2", "q3", "q4", "year"}
    assert "附件" in report.text() or report.text()
    assert isinstance(report.to_pandas(), pd.DataFrame)
    assert report.to_polars().height == annex.num_rows


def test_bad_rows_name_table_line_and_field(demo_dir) -> None:
    results = _read(demo_dir, "results").to_pandas()
    results.loc[2, "inspected_on"] = "2026-02-30"
    tables = {n: _read(demo_dir, n) for n in ("departments", "plans", "tasks", "drawn")}
    with pytest.raises(ssj.KpiInputError) as e:
        ssj.KpiInput.from_frames(results=results, **tables)
    assert (e.value.table, e.value.line, e.value.field) == ("results.csv", 4, "inspected_on")
    with pytest.raises(ssj.KpiInputError):
        ssj.KpiInput.from_frames(nonsense=results)


def test_report_runs_without_the_gil() -> None:
    kin = ssj.KpiInput.demo()
    out: list[str] = []
    threads = [threading.Thread(target=lambda: out.append(kin.report().to_json())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(out)) == 1
