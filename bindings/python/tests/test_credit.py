"""Credit codes over columns (mirrors credit.rs), with the golden vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import shuangsuiji as ssj

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "credit_codes.json"


def test_column_from_every_kind_of_input() -> None:
    codes = ["91350100M000100Y43", "91350100M000100Y44", None, "9135"]
    for column in (codes, pa.array(codes), pa.chunked_array([codes[:2], codes[2:]]), pl.Series(codes),
                   pd.Series(codes, dtype="string[pyarrow]"), pa.array(codes, pa.large_string()),
                   pa.array(codes, pa.string_view())):
        check = ssj.validate_credit_codes(column)
        assert check.valid.to_pylist() == [True, False, None, False]
        assert check.errors.column("row").to_pylist() == [1, 3]
        assert check.errors.column("position").to_pylist() == [18, None]
        assert not check.all_valid


def test_golden_vectors() -> None:
    if not VECTORS.exists():
        pytest.skip("golden vectors not found")
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    valid = [v["code"] if isinstance(v, dict) else v for v in data.get("valid", [])]
    if valid:
        assert ssj.validate_credit_codes(valid).all_valid
    for first17, check in [(c[:17], c[17]) for c in valid]:
        assert ssj.credit_check_character(first17) == check
    invalid = data["invalid"]
    result = ssj.validate_credit_codes([v["code"] for v in invalid])
    assert result.valid.to_pylist() == [False] * len(invalid)
    assert result.errors.column("reason").to_pylist() == [
        {"length": "length", "character": "invalid_character", "check": "check_mismatch"}.get(v["error"], v["error"])
        for v in invalid
    ]
    assert result.errors.column("position").to_pylist() == [
        18 if v["error"] == "check" and v["position"] is None else v["position"] for v in invalid
    ]


def test_large_column_has_no_python_loop() -> None:
    n = 200_000
    codes = pa.array(["91350100M000100Y43"] * n)
    check = ssj.validate_credit_codes(codes)
    assert len(check) == n and check.all_valid
