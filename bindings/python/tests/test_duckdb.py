"""duckdb results (relations, with the Arrow PyCapsule interface) as pool and KPI input."""

from __future__ import annotations

import duckdb
import pyarrow as pa

import shuangsuiji as ssj


def test_pool_from_a_duckdb_query() -> None:
    con = duckdb.connect()
    rel = con.sql(
        "select 'E' || lpad(i::varchar, 6, '0') as id,"
        " case when i % 20 < 6 then 'A' when i % 20 < 17 then 'B' when i % 20 < 19 then 'C' else 'D' end as grade,"
        " (i % 9 + 1)::integer as risk_score, i % 50 = 0 as positive_list"
        " from range(5000) t(i)"
    )
    from_duckdb = ssj.TargetPool.from_frame(rel)
    from_arrow = ssj.TargetPool.from_frame(pa.table(rel))
    assert len(from_duckdb) == 5000 and from_duckdb.digest == from_arrow.digest
    # Typed columns are really read: the same pool without the scores is another pool.
    assert ssj.TargetPool.from_frame(con.sql("select id, grade, positive_list from rel")).digest != from_duckdb.digest


def test_kpi_input_from_duckdb_tables(tmp_path) -> None:
    demo = ssj.KpiInput.demo()
    demo.to_dir(tmp_path)
    expected = demo.report().to_json()
    con = duckdb.connect()
    tables = {}
    for name in ssj.KPI_TABLES:
        path = tmp_path / f"{name}.csv"
        if path.exists() and path.read_text(encoding="utf-8").strip():
            # duckdb's own type detection: dates become DATE, flags BOOLEAN.
            tables[name] = con.read_csv(str(path))
    assert any(pa.types.is_date(f.type) for f in pa.table(tables["results"]).schema)
    assert ssj.KpiInput.from_frames(**tables).report().to_json() == expected
