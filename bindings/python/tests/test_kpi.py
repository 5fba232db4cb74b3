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


def _big_csv(n: int) -> dict[str, str]:
    """CSV text of a valid input with ``n`` drawn targets and results (``n // 1000`` tasks)."""
    tasks = max(1, n // 1000)
    return {
        "departments": "id,name\nD01,市场监管局\n",
        "plans": "id,year,department,kind\n" + "".join(f"P{k:06},2026,D01,single\n" for k in range(tasks)),
        "tasks": "id,plans,lead,joint,graded,created_on,due_on,completed_on\n" + "".join(
            f"T{k:06},P{k:06},D01,false,true,2026-03-01,2026-11-30,2026-06-01\n" for k in range(tasks)),
        "drawn": "task,target,stratum,inclusion_probability\n" + "".join(
            f"T{min(i // 1000, tasks - 1):06},E{i:08},B,0.2\n" for i in range(n)),
        "results": "task,target,codes,inspected_on,entered_on,mobile,published_on\n" + "".join(
            f"T{min(i // 1000, tasks - 1):06},E{i:08},{'发现问题已责令改正' if i % 10 == 0 else '未发现问题'},"
            f"2026-05-10,2026-05-10,true,2026-05-20\n" for i in range(n)),
    }


def _frames_of(texts: dict[str, str]) -> dict[str, pa.Table]:
    """Every table read from its CSV text with every column as text."""
    out = {}
    for name, text in texts.items():
        cols = text.split("\n", 1)[0].split(",")
        out[name] = pacsv.read_csv(pa.BufferReader(text.encode()), convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in cols}, strings_can_be_null=False))
    return out


def _error(f) -> tuple:
    with pytest.raises(ssj.KpiInputError) as e:
        f()
    return (e.value.table, e.value.line, e.value.field, str(e.value))


def test_a_bad_value_in_a_large_frame_is_reported_as_from_csv() -> None:
    # 300,000 results: read in two halves (from 65,536 rows). A bad value in the second half,
    # then one in each half (the first one is reported, as by one reader).
    n = 300_000
    texts = _big_csv(n)
    good = _frames_of(texts)
    assert ssj.KpiInput.from_frames(**good).counts()["results"] == n
    lines = texts["results"].split("\n")
    for bad_rows in ([250_000], [200_000, 100], [n // 2, n // 2 - 1], [n // 2]):
        bad = list(lines)
        for r in bad_rows:
            bad[r + 1] = bad[r + 1].replace("2026-05-10,2026-05-10", "2026-05-10,2026-13-10")
        broken = dict(texts, results="\n".join(bad))
        from_csv = _error(lambda: ssj.KpiInput.from_csv(broken))
        assert from_csv[:3] == ("results.csv", min(bad_rows) + 2, "entered_on")
        frames = _frames_of(broken)
        assert _error(lambda: ssj.KpiInput.from_frames(**frames)) == from_csv
        assert _error(lambda: ssj.KpiInput.from_frames(**{k: pl.from_arrow(v) for k, v in frames.items()})) == from_csv
    # A validation error (a result for a target never drawn), found after reading: same line.
    bad = list(lines)
    bad[280_001] = bad[280_001].replace("E00280000", "E99999999")
    broken = dict(texts, results="\n".join(bad))
    frames = _frames_of(broken)
    assert _error(lambda: ssj.KpiInput.from_frames(**frames)) == _error(lambda: ssj.KpiInput.from_csv(broken))


def test_date32_and_bool_columns_read_as_their_text() -> None:
    texts = _big_csv(3000)
    frames = _frames_of(texts)
    results = frames["results"].to_pandas()
    results["inspected_on"] = pd.to_datetime(results["inspected_on"]).dt.date
    results["mobile"] = results["mobile"] == "true"
    typed = pa.Table.from_pandas(results, preserve_index=False)
    assert typed.schema.field("inspected_on").type == pa.date32()
    assert typed.schema.field("mobile").type == pa.bool_()
    expected = ssj.KpiInput.from_csv(texts).to_csv()
    assert ssj.KpiInput.from_frames(**dict(frames, results=typed)).to_csv() == expected
    assert ssj.KpiInput.from_frames(**dict(frames, results=pl.from_arrow(typed))).to_csv() == expected
    # A pandas frame with an index of its own (Arrow's __index_level_0__ column is skipped).
    indexed = results.set_index(pd.Index(range(10, 3010)))
    assert ssj.KpiInput.from_frames(**dict(frames, results=pa.Table.from_pandas(indexed))).to_csv() == expected
    # Errors in typed columns name the line the row has in the CSV file: a publication before the
    # inspection (a date32 column), a missing flag (a null in a bool column).
    early = results.copy()
    early.loc[2500, "inspected_on"] = pd.Timestamp("2026-06-01").date()
    lines = texts["results"].split("\n")
    lines[2501] = lines[2501].replace("2026-05-10,2026-05-10", "2026-06-01,2026-05-10")
    assert _error(lambda: ssj.KpiInput.from_frames(**dict(frames, results=early))) == _error(
        lambda: ssj.KpiInput.from_csv(dict(texts, results="\n".join(lines))))
    nulls = typed.set_column(typed.schema.get_field_index("mobile"), "mobile",
                             pa.array([None if i == 1234 else True for i in range(3000)], pa.bool_()))
    lines = texts["results"].split("\n")
    lines[1235] = lines[1235].replace(",true,", ",,")
    from_csv = _error(lambda: ssj.KpiInput.from_csv(dict(texts, results="\n".join(lines))))
    assert from_csv[:3] == ("results.csv", 1236, "mobile")
    assert _error(lambda: ssj.KpiInput.from_frames(**dict(frames, results=nulls))) == from_csv


def test_null_elements_of_list_columns_are_left_out(demo_dir) -> None:
    tables = {n: _read(demo_dir, n) for n in ssj.KPI_TABLES if (demo_dir / f"{n}.csv").exists()}
    tables = {n: t for n, t in tables.items() if t.num_columns}
    expected = ssj.KpiInput.from_frames(**tables).report().to_json()
    tasks = tables["tasks"]
    i = tasks.schema.get_field_index("participants")
    parts = [[p for p in s.split(";") if p] for s in tasks.column("participants").to_pylist()]
    assert any(parts), "the demo has joint tasks with participants"
    for lists in (parts, [p + [None] if p else p for p in parts]):
        t = tasks.set_column(i, "participants", pa.array(lists, pa.list_(pa.string())))
        assert ssj.KpiInput.from_frames(**{**tables, "tasks": t}).report().to_json() == expected
