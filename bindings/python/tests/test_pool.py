"""Pools from data frames (mirrors pool.rs, target.rs, inspector.rs)."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import shuangsuiji as ssj
from conftest import grades_pool


def test_same_digest_from_pandas_polars_pyarrow_and_json() -> None:
    data = grades_pool(1000)
    pools = [
        ssj.TargetPool.from_frame(pd.DataFrame(data)),
        ssj.TargetPool.from_frame(pl.DataFrame(data)),
        ssj.TargetPool.from_frame(pa.table(data)),
        ssj.TargetPool.from_frame(pd.DataFrame(data)[::-1]),  # row order does not matter
    ]
    assert len({p.digest for p in pools}) == 1
    assert ssj.TargetPool.from_json(pools[0].to_json()).digest == pools[0].digest


def test_round_trip_through_arrow_keeps_every_field(county: ssj.DemoCounty) -> None:
    table = county.targets.to_arrow()
    assert table.column_names == list(ssj.TARGET_COLUMNS)
    history = county.targets.history_to_arrow()
    assert history.num_rows > 0
    assert ssj.TargetPool.from_frame(table, history).digest == county.targets.digest
    assert ssj.TargetPool.from_frame(county.targets.to_polars(), history.to_pandas()).digest == county.targets.digest
    assert ssj.TargetPool.from_frame(table).digest != county.targets.digest


def test_all_columns_and_history() -> None:
    targets = pd.DataFrame({
        "id": ["E1", "E2"],
        "credit_code": ["91350100M000100Y43", None],
        "name": ["甲", "乙"],
        "kind": ["enterprise", "individual_business"],
        "status": ["active", "revoked"],
        "grade": ["A", ""],
        "risk_score": [3, None],
        "positive_list": ["是", "否"],
        "tags": ["食品经营;餐饮服务", ""],
    })
    history = pl.DataFrame({"target_id": ["E1"], "date": ["2026-03-01"], "department": ["D01"],
                            "item": ["I-1"], "inspectors": ["P1;P2"]})
    pool = ssj.TargetPool.from_frame(targets, history)
    back = pool.to_arrow().to_pylist()
    assert back[0]["tags"] == "食品经营;餐饮服务" and back[0]["positive_list"] is True
    assert back[0]["risk_score"] == 3 and back[1]["grade"] is None
    assert '"inspectors":["P1","P2"]' in pool.to_json()


@pytest.mark.parametrize(
    "column,value,field",
    [("grade", "E", "grade"), ("risk_score", 0, "risk_score"), ("positive_list", "maybe", "positive_list"),
     ("kind", "alien", "kind")],
)
def test_bad_cell_names_row_id_and_field(column: str, value: object, field: str) -> None:
    data = {"id": ["E1", "E2", "E3"], "grade": ["A", "B", "C"], column: [None, value, None]}
    if column == "grade":
        data["grade"] = ["A", value, "C"]
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table(data))
    assert (e.value.row, e.value.id, e.value.field) == (2, "E2", field)
    assert isinstance(e.value, ValueError)


def test_bad_credit_code_is_an_invalid_credit_code_with_row() -> None:
    with pytest.raises(ssj.InvalidCreditCode) as e:
        ssj.TargetPool.from_frame({"id": ["E1"], "credit_code": ["91350100M000100Y44"]})
    assert (e.value.row, e.value.field, e.value.reason) == (1, "credit_code", "check_mismatch")


def test_duplicate_id() -> None:
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame({"id": ["E1", "E2", "E1"]})
    assert (e.value.id, e.value.first_row, e.value.row) == ("E1", 1, 3)


def test_missing_id_column() -> None:
    with pytest.raises(ssj.InvalidInputError) as e:
        ssj.TargetPool.from_frame({"grade": ["A"]})
    assert e.value.field == "id"


def test_csv_file(tmp_path) -> None:
    paths = ssj.write_demo(tmp_path)
    pool = ssj.TargetPool.from_csv(paths["pool"], paths["history"])
    assert pool.digest == ssj.demo_county().targets.digest


def test_csv_errors_name_the_file_line_and_field(tmp_path) -> None:
    # Read as the command line reads it: a value spanning two lines, then a bad grade.
    path = tmp_path / "pool.csv"
    path.write_text('\ufeffID,Grade,name\nT1,a,"two\nlines"\nT2,E,x\n', encoding="utf-8")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_csv(path)
    assert (e.value.file, e.value.line, e.value.field, e.value.row) == (str(path), 4, "grade", 2)
    assert str(e.value).startswith(f"{path}:4: field `grade`: \"E\" is not a credit-risk grade")
    path.write_text("id,grade\nT1,A\nT2,B\nT1,C\n", encoding="utf-8")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_csv(path)
    assert (e.value.line, e.value.first_row, e.value.row) == (4, 1, 3)
    path.write_bytes(b"id,grade\nT1,\xb4\xf3\n")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_csv(path)
    assert e.value.line == 2 and "not valid UTF-8" in str(e.value)
    with pytest.raises(FileNotFoundError):
        ssj.TargetPool.from_csv(tmp_path / "missing.csv")


def test_inspector_pool(county: ssj.DemoCounty) -> None:
    again = ssj.InspectorPool.from_json(county.inspectors.to_json())
    assert again.digest == county.inspectors.digest and len(again) == len(county.inspectors)
    with pytest.raises(ssj.PoolError) as e:
        ssj.InspectorPool.from_frame({"id": ["P1"], "department": ["D01"], "certificate": ["X"], "expert": ["perhaps"]})
    assert e.value.field == "expert"


def test_inspector_pool_round_trips_through_arrow_pandas_and_polars(county: ssj.DemoCounty) -> None:
    pool = county.inspectors
    table = pool.to_arrow()
    assert table.column_names == list(ssj.INSPECTOR_COLUMNS)
    assert table.schema.field("expert").type == pa.bool_()
    for frame in (table, pool.to_pandas(), pool.to_polars()):
        assert ssj.InspectorPool.from_frame(frame).digest == pool.digest
    first = table.column("id")[0].as_py()
    assert first in pool and "nobody" not in pool and 7 not in pool
    # A changed field changes the digest: the columns are really read back.
    changed = table.set_column(table.schema.get_field_index("active"), "active",
                               pa.array([False] * table.num_rows))
    assert ssj.InspectorPool.from_frame(changed).digest != pool.digest


def test_list_columns_are_read_as_lists() -> None:
    as_text = ssj.TargetPool.from_frame(pl.DataFrame({"id": ["E1", "E2"], "tags": ["食品经营;餐饮服务", None]}))
    as_list = ssj.TargetPool.from_frame(pl.DataFrame({"id": ["E1", "E2"], "tags": [["餐饮服务", "食品经营"], None]}))
    assert as_list.digest == as_text.digest
    people = {"id": ["P1"], "department": ["D01"], "certificate": ["C1"]}
    a = ssj.InspectorPool.from_frame(pl.DataFrame({**people, "items": ["I-1;I-2"]}))
    b = ssj.InspectorPool.from_frame(pl.DataFrame({**people, "items": [["I-2", "I-1"]]}))
    assert a.digest == b.digest
    import datetime as dt

    text = ssj.InspectorPool.from_frame(pa.table({**people, "certificate_expiry": ["2027-06-30"], "expert": ["是"]}))
    typed = ssj.InspectorPool.from_frame(pa.table({**people, "certificate_expiry": [dt.date(2027, 6, 30)], "expert": [True]}))
    assert text.digest == typed.digest != a.digest


def test_batches_keep_row_numbers() -> None:
    """A table of several record batches: a bad cell in the third batch names its table row."""
    batches = [pa.record_batch({"id": [f"E{b}{i}" for i in range(4)], "grade": ["A"] * 4}) for b in range(3)]
    bad = pa.record_batch({"id": ["E20", "E21", "E22", "E23"], "grade": ["A", "A", "Z", "A"]})
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.Table.from_batches(batches[:2] + [bad]))
    assert (e.value.row, e.value.id, e.value.field) == (11, "E22", "grade")
    whole = ssj.TargetPool.from_frame(pa.Table.from_batches(batches))
    assert whole.digest == ssj.TargetPool.from_frame(pa.Table.from_batches(batches).combine_chunks()).digest


def test_integer_and_boolean_columns() -> None:
    text = ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": ["3", ""], "positive_list": ["是", "否"]}))
    typed = ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": pa.array([3, None], pa.int32()),
                                                "positive_list": [True, False]}))
    assert text.digest == typed.digest
    with pytest.raises(ssj.InvalidInputError) as e:
        ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": ["3", "three"]}))
    assert (e.value.row, e.value.field) == (2, "risk_score")


def test_the_first_bad_row_of_a_large_table_is_reported() -> None:
    """Rows are converted in parallel; the error is still the first bad row's, in table order."""
    n = 200_000
    grades = ["A"] * n
    grades[150_000] = "X"
    grades[170_000] = "Y"
    grades[60_000] = "Z"
    table = pa.table({"id": [f"E{i:07}" for i in range(n)], "grade": grades})
    for frame in (table, pa.Table.from_batches(table.to_batches(max_chunksize=7_000)), pl.from_arrow(table)):
        with pytest.raises(ssj.PoolError) as e:
            ssj.TargetPool.from_frame(frame)
        assert (e.value.row, e.value.id, e.value.field) == (60_001, "E0060000", "grade")
    grades[60_000] = "B"
    pool = ssj.TargetPool.from_frame(pa.table({"id": table.column("id"), "grade": ["B" if g in "XY" else g for g in grades]}))
    assert len(pool) == n


def _build_in_child(n: int, queue: Any) -> None:
    table = pa.table({"id": [f"E{i:07}" for i in range(n)], "grade": ["A"] * n})
    queue.put(ssj.TargetPool.from_frame(table).digest)


def test_large_pools_build_in_a_forked_child() -> None:
    """Rows are converted on threads started for the call, not on a pool that a fork would
    leave without workers: a child forked after a parallel build can build in parallel too."""
    import multiprocessing

    n = 100_000  # above the size converted on threads
    table = pa.table({"id": [f"E{i:07}" for i in range(n)], "grade": ["A"] * n})
    expected = ssj.TargetPool.from_frame(table).digest
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_build_in_child, args=(n, queue))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # polars warns about fork in general
        child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung building a pool")
    assert child.exitcode == 0 and queue.get(timeout=5) == expected


def test_fractional_scores_are_refused_not_truncated() -> None:
    from decimal import Decimal

    whole = ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": [3, None]}))
    as_float = ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": [3.0, None]}))
    assert as_float.digest == whole.digest
    for bad in (pa.array([3.0, 1.5]), pa.array([Decimal("3"), Decimal("2.7")]), pa.array([3.0, float("nan")])):
        with pytest.raises(ssj.PoolError) as e:
            ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": bad}))
        assert (e.value.row, e.value.id, e.value.field) == (2, "E2", "risk_score")
    dictionary = pa.array(["3", "x"]).dictionary_encode()
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table({"id": ["E1", "E2"], "risk_score": dictionary}))
    assert (e.value.row, e.value.field) == (2, "risk_score")


@pytest.mark.parametrize("n", [10, 100_000])
def test_a_duplicate_before_a_bad_cell_is_the_error(n: int) -> None:
    """The first bad row in table order, whether the pool or a cell refuses it (small tables
    are read on one thread, large ones on several)."""
    ids = [f"E{i:07}" for i in range(n)]
    grades = ["A"] * n
    ids[n - 2] = ids[3]
    grades[n - 1] = "Z"
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table({"id": ids, "grade": grades}))
    assert (e.value.id, e.value.first_row, e.value.row) == (ids[3], 4, n - 1)


def test_null_list_elements_are_left_out_and_nested_lists_refused() -> None:
    plain = ssj.TargetPool.from_frame(pa.table({"id": ["E1"], "tags": [["餐饮服务", "食品经营"]]}))
    with_null = ssj.TargetPool.from_frame(pa.table({"id": ["E1"], "tags": [["餐饮服务", None, "食品经营"]]}))
    assert with_null.digest == plain.digest
    with pytest.raises(ssj.InvalidInputError) as e:
        ssj.TargetPool.from_frame(pa.table({"id": ["E1"], "tags": [[["餐饮服务"]]]}))
    assert e.value.field == "tags"


def test_a_rows_problems_come_in_the_order_they_always_did() -> None:
    """The id, then the credit code, then the other cells, then the tags; an earlier row's
    problem (a bad tag, a duplicate id) before any of them."""
    base = {"id": ["E1", "E2", "E3"], "credit_code": [None, None, None], "kind": [None, None, None],
            "tags": [None, None, None]}
    both = {**base, "credit_code": [None, "91350100M000100Y44", None], "kind": [None, "alien", None]}
    with pytest.raises(ssj.InvalidCreditCode) as c:
        ssj.TargetPool.from_frame(pa.table(both))
    assert (c.value.row, c.value.field) == (2, "credit_code")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table({**both, "id": ["E1", "", "E3"]}))
    assert (e.value.row, e.value.field) == (2, "id")
    tag = {**base, "tags": [None, "食品;bad\x07", None], "kind": [None, None, "alien"]}
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table(tag))
    assert (e.value.row, e.value.id, e.value.field) == (2, "E2", "tags")
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(pa.table({**tag, "id": ["E1", "E2", "E2"], "kind": [None, "alien", None]}))
    assert (e.value.row, e.value.field) == (2, "kind")


def test_history_rows_name_their_row_and_target() -> None:
    targets = {"id": ["E1", "E2"]}
    history = {"target_id": ["E2", "E9"], "date": ["2026-03-01", "2026-03-02"], "department": ["D01", "D01"]}
    with pytest.raises(ssj.PoolError) as e:
        ssj.TargetPool.from_frame(targets, history)
    assert (e.value.row, e.value.id, e.value.field) == (2, "E9", "target_id")
    assert str(e.value) == 'history, row 2, target_id: no target "E9" in the pool'
    pool = ssj.TargetPool.from_frame(targets, {**history, "target_id": ["E2", "E1"]})
    assert pool.history_to_arrow().column("target_id").to_pylist() == ["E1", "E2"]


def test_a_frame_and_the_csv_file_of_it_give_one_pool(tmp_path) -> None:
    data = grades_pool(2000)
    data["tags"] = [["食品经营;餐饮服务", "", "药品"][i % 3] for i in range(2000)]
    data["region"] = [f"4201{i % 7:02}" for i in range(2000)]
    path = tmp_path / "pool.csv"
    pl.DataFrame(data).write_csv(path)
    assert ssj.TargetPool.from_frame(pl.DataFrame(data)).digest == \
        ssj.TargetPool.from_csv(path).digest
