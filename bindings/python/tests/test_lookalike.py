"""Ids a reader takes for one (same confusable skeleton, docs/SAMPLING.md §10) are refused by
the pool readers, with both rows and both ids as attributes (mirrors pool.rs)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

import shuangsuiji as ssj

CYRILLIC_E = "\u0415"


def test_a_cyrillic_e_is_refused_with_both_rows_and_ids() -> None:
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame({"id": ["ACME-E1", "B-2", f"ACME-{CYRILLIC_E}1"]})
    assert (e.value.first_id, e.value.first_row, e.value.id, e.value.row) == (
        "ACME-E1",
        1,
        f"ACME-{CYRILLIC_E}1",
        3,
    )
    assert e.value.kind == "target"
    assert isinstance(e.value, ValueError)
    message = str(e.value)
    assert "(row 1)" in message and "(row 3)" in message
    assert "character 6 (U+0045 against U+0415)" in message


@pytest.mark.parametrize(
    "twin",
    [
        "2026\u2011SCJG\u2011001",  # non-breaking hyphens
        "\uff12\uff10\uff12\uff16-SCJG-\uff10\uff10\uff11",  # full-width digits
        "2026-SCJG-OO1",  # letter O for zero
        "2026-SCJG-00l",  # letter l for one
    ],
)
def test_look_alikes_of_a_task_style_id(twin: str) -> None:
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame({"id": ["2026-SCJG-001", twin]})
    assert (e.value.first_id, e.value.id, e.value.first_row, e.value.row) == ("2026-SCJG-001", twin, 1, 2)


@pytest.mark.parametrize("n", [10, 100_000])
def test_a_look_alike_before_a_bad_cell_is_the_error(n: int) -> None:
    """The first bad row in table order, on one thread and on several."""
    ids = [f"E{i:07}" for i in range(n)]
    grades = ["A"] * n
    ids[n - 2] = ids[3].replace("0", "O")
    grades[n - 1] = "Z"
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table({"id": ids, "grade": grades}))
    assert (e.value.first_id, e.value.first_row, e.value.id, e.value.row) == (ids[3], 4, ids[n - 2], n - 1)


def test_json_and_inspector_pools_refuse_look_alikes() -> None:
    rows = [{"id": "E1"}, {"id": "El"}]
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_json(json.dumps(rows))
    assert (e.value.first_row, e.value.row) == (1, 2)
    people = {"id": ["P0", "PO"], "department": ["D1", "D1"], "certificate": ["C1", "C2"]}
    with pytest.raises(ssj.PoolError) as e:
        ssj.InspectorPool.from_frame(people)
    assert (e.value.kind, e.value.first_id, e.value.id) == ("inspector", "P0", "PO")


def test_the_csv_reader_names_both_rows(tmp_path: Path) -> None:
    path = tmp_path / "pool.csv"
    path.write_text(f"id,grade\nACME-E1,A\nB-2,B\nACME-{CYRILLIC_E}1,A\n", encoding="utf-8")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_csv(str(path))
    assert (e.value.first_row, e.value.row) == (1, 3)


def test_ids_that_only_look_different_are_accepted() -> None:
    pool = ssj.TargetPool.from_frame({"id": ["E1", "E2", "市场监管局", "卫生健康局"]})
    assert len(pool) == 4
