"""Policies, draws, records and verification (mirrors policy.rs, draw/, record.rs), against the
golden draw vectors."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import shuangsuiji as ssj
from conftest import ENTROPY, grades_pool

DRAWS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "draws"


@pytest.mark.parametrize("vector", sorted(DRAWS.glob("*.json")), ids=lambda p: p.stem)
def test_golden_draw_vectors(vector: Path) -> None:
    data = json.loads(vector.read_text(encoding="utf-8"))
    pool = ssj.TargetPool.from_json(json.dumps(data["pool"], ensure_ascii=False))
    expected = data["record"]
    assert pool.digest == expected["pool"]["digest"]
    request = expected["request"]
    record = ssj.draw(
        pool, request["task_id"], request["policy"], seed=request["seed"],
        department=request.get("department"), items=request.get("items", ()),
        date=request.get("date"), scope=request.get("scope"), plan=request.get("plan"),
    ) if request.get("seed_origin", {}).get("method") != "public_entropy" else ssj.draw(
        pool, request["task_id"], request["policy"],
        public_entropy=(request["seed_origin"]["source"], request["seed_origin"]["value"]),
        department=request.get("department"), items=request.get("items", ()),
        date=request.get("date"), scope=request.get("scope"), plan=request.get("plan"),
    )
    got = record.to_dict()
    got["library_version"] = expected["library_version"]
    assert got == expected
    assert record.selected.column("id").to_pylist() == [s["id"] for s in expected["selected"]]
    published = json.dumps(expected, ensure_ascii=False)
    assert ssj.verify(published, pool).ok


def test_selected_converts_to_pandas_and_polars(policy: dict) -> None:
    pool = ssj.TargetPool.from_frame(pl.DataFrame(grades_pool(10_000)))
    record = ssj.draw(pool, "T1", policy, public_entropy=ENTROPY)
    assert record.strata["A"] == {"eligible": 2500, "sample_size": 125}
    df = record.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == len(record)
    assert record.to_polars().shape == (len(record), 4)
    assert pa.table(record.selected).num_rows == len(record)
    assert df["design_weight"].min() >= 1.0


def test_verification_reports_a_different_pool(policy: dict) -> None:
    data = grades_pool(100)
    record = ssj.draw(ssj.TargetPool.from_frame(data), "T1", policy, public_entropy=ENTROPY)
    data["grade"][0] = "D"
    other = ssj.TargetPool.from_frame(data)
    v = record.verify(other)
    assert not v.ok and not v
    assert v.mismatches[0]["kind"] == "pool_digest"
    with pytest.raises(ssj.VerificationError) as e:
        v.raise_if_failed()
    assert e.value.mismatches == v.mismatches


def test_tampered_seed_is_found() -> None:
    pool = ssj.TargetPool.from_frame(grades_pool(100))
    record = ssj.draw(pool, "T1", ssj.policy_by_grade(5, 20, 60, 100), public_entropy=ENTROPY)
    doc = record.to_dict()
    doc["request"]["seed_origin"]["value"] = "01 02 03 04 05 06 + 07"
    v = ssj.verify(json.dumps(doc, ensure_ascii=False), pool)
    assert [m["kind"] for m in v.mismatches][0] == "seed"


def test_policy_errors() -> None:
    with pytest.raises(ssj.PolicyError):
        ssj.policy_by_grade("5%", "20%", "60%", "101%")
    with pytest.raises(ssj.PolicyError) as e:
        ssj.check_policy({"ratios": {"A": "5%", "B": "5%", "C": "5%", "D": "5%", "ungraded": None},
                          "bounds": {"A": {"min": 5, "max": 1}}})
    assert e.value.stratum == "A"
    pool = ssj.TargetPool.from_frame({"id": ["E1", "E2"], "grade": ["A", None]})
    with pytest.raises(ssj.PolicyError) as e:
        ssj.draw(pool, "T1", ssj.policy_by_grade(5, 5, 5, 5), seed="00" * 32)
    assert e.value.stratum == "ungraded"
    with pytest.raises(TypeError):
        ssj.draw(pool, "T1", ssj.policy_by_grade(5, 5, 5, 5))


def test_missing_context_is_a_draw_error() -> None:
    pool = ssj.TargetPool.from_frame(grades_pool(10))
    policy = ssj.policy_by_grade(5, 5, 5, 5, exclusions={"recent": [{"within_days": 30, "by": "same_department"}]})
    with pytest.raises(ssj.DrawError):
        ssj.draw(pool, "T1", policy, seed="00" * 32)


def test_draws_run_without_the_gil(policy: dict) -> None:
    pool = ssj.TargetPool.from_frame(grades_pool(200_000))
    results: list[int] = []
    threads = [threading.Thread(target=lambda k=k: results.append(len(ssj.draw(pool, f"T{k}", policy, public_entropy=ENTROPY))))
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4


def test_log(policy: dict) -> None:
    pool = ssj.TargetPool.from_frame(grades_pool(100))
    log = ssj.DrawLog()
    first = ssj.draw(pool, "T1", policy, public_entropy=ENTROPY)
    log.announce("T1", pool, source=ENTROPY[0])
    log.append(first)
    log.announce("T2", pool, source=ENTROPY[0])
    log.append(ssj.draw(pool, "T2", policy, public_entropy=ENTROPY))
    with pytest.raises(ssj.LogError) as e:
        log.append(first)
    assert (e.value.task, e.value.entry) == ("T1", 1)
    again = ssj.draw(pool, "T1", policy, public_entropy=("双色球 2026131期", "01 02 03 04 05 06 + 07"))
    with pytest.raises(ssj.LogError, match="a re-draw needs a new announcement after entry 1"):
        log.append_redraw(again, 1, "抽取后发现对象已注销")
    log.announce("T1", pool, source="双色球 2026131期")
    entry = log.append_redraw(again, 1, "抽取后发现对象已注销")
    assert entry["seq"] == 5 and log.current_draws("T1")[0]["seq"] == 5
    log.verify_chain()
    text = log.to_jsonl()
    assert ssj.DrawLog.from_jsonl(text).head == log.head
    broken = text.replace("抽取后发现对象已注销", "改了理由")
    with pytest.raises(ssj.LogError):
        ssj.DrawLog.from_jsonl(broken).verify_chain()
