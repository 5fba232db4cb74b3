#!/usr/bin/env python3
"""The Python layer against native Rust: pools from pandas and polars, the draw, the KPI table.

Usage (from the repository root, after ``pip install ./bindings/python`` in release mode, e.g.
``maturin develop --release -m bindings/python/Cargo.toml`` or ``pip install ./bindings/python``):

    python benches/compare_python.py [--sizes 1000000 10000000] [--runs 3] [--rust-bin PATH]

For each size N the script makes the pool the Rust side makes (ids ``E00000000``…, grade by
``i % 20``: 30% A, 55% B, 10% C, 5% D) as a pandas and as a polars data frame, and a KPI input
of N drawn targets with their results (N/1000 tasks of 1000 targets, one plan each) as polars
and pandas data frames and as CSV files. The best of ``--runs`` (after one warm-up; the
machine may be shared, and other work only ever adds time) of:

- Python: ``TargetPool.from_frame(pandas)``, ``TargetPool.from_frame(polars)``, ``draw``
  (A 5%, B 20%, C 60%, D 100%, public entropy), ``KpiInput.from_frames(**polars)`` and
  ``.report()`` (the same from pandas);
- Rust (``cargo run --release -p shuangsuiji-benches --bin python_compare -- N RUNS KPI_DIR``):
  ``FrozenPool::from_entries`` from ready targets, ``record::draw``,
  ``KpiInput::from_csv`` of the same files and ``KpiReport::compute``.

The script checks that both sides built the same pool (digest) and drew the same number of
targets. It prints a table and, with ``--json``, writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl

import shuangsuiji as ssj

ROOT = Path(__file__).resolve().parent.parent
ENTROPY = ("双色球 2026130期", "03 07 12 19 25 31 + 09")
GRADE_OF_MOD20 = ["A"] * 6 + ["B"] * 11 + ["C"] * 2 + ["D"]


def timed(f: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The best wall time of ``runs`` calls after a warm-up; the last result."""
    result = f()
    times = []
    for _ in range(runs):
        del result
        t = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t)
    return min(times), result


def pool_frame(n: int) -> pl.DataFrame:
    i = pl.int_range(0, n, eager=True)
    grades = pl.Series(GRADE_OF_MOD20)
    return pl.DataFrame({
        "id": "E" + i.cast(pl.String).str.zfill(8),
        "grade": grades.gather(i % 20),
    })


def kpi_frames(n: int) -> dict[str, pl.DataFrame]:
    tasks = max(1, n // 1000)
    i = pl.int_range(0, n, eager=True)
    k = pl.int_range(0, tasks, eager=True)
    task_of = "T" + (i // 1000).clip(0, tasks - 1).cast(pl.String).str.zfill(6)
    strata = pl.Series(GRADE_OF_MOD20).gather(i % 20)
    prob = pl.Series([0.05] * 6 + [0.2] * 11 + [0.6] * 2 + [1.0]).gather(i % 20)
    problem = (i % 10) == 0
    return {
        "departments": pl.DataFrame({"id": ["D01", "D02"], "name": ["市场监管局", "卫健局"]}),
        "plans": pl.DataFrame({
            "id": "P" + k.cast(pl.String).str.zfill(6), "year": pl.repeat(2026, tasks, eager=True),
            "department": pl.repeat("D01", tasks, eager=True), "kind": pl.repeat("single", tasks, eager=True),
        }),
        "tasks": pl.DataFrame({
            "id": "T" + k.cast(pl.String).str.zfill(6), "plans": "P" + k.cast(pl.String).str.zfill(6),
            "lead": pl.repeat("D01", tasks, eager=True), "joint": pl.repeat(False, tasks, eager=True),
            "graded": pl.repeat(True, tasks, eager=True),
            "created_on": pl.repeat("2026-03-01", tasks, eager=True),
            "due_on": pl.repeat("2026-11-30", tasks, eager=True),
            "completed_on": pl.repeat("2026-06-01", tasks, eager=True),
        }),
        "drawn": pl.DataFrame({
            "task": task_of, "target": "E" + i.cast(pl.String).str.zfill(8),
            "stratum": strata, "inclusion_probability": prob,
        }),
        "results": pl.DataFrame({
            "task": task_of, "target": "E" + i.cast(pl.String).str.zfill(8),
            "codes": pl.Series(["未发现问题", "发现问题已责令改正"]).gather(problem.cast(pl.UInt32)),
            "inspected_on": pl.repeat("2026-05-10", n, eager=True),
            "entered_on": pl.repeat("2026-05-10", n, eager=True),
            "mobile": pl.repeat(True, n, eager=True),
            "published_on": pl.repeat("2026-05-20", n, eager=True),
        }),
    }


def rust(n: int, runs: int, kpi_dir: str, rust_bin: str | None) -> dict[str, Any]:
    cmd = [rust_bin] if rust_bin else ["cargo", "run", "--quiet", "--release", "-p", "shuangsuiji-benches",
                                       "--bin", "python_compare", "--"]
    out = subprocess.run(cmd + [str(n), str(runs), kpi_dir], cwd=ROOT, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def measure(n: int, runs: int, rust_bin: str | None) -> dict[str, Any]:
    policy = ssj.policy_by_grade("5%", "20%", "60%", "100%")
    plf = pool_frame(n)
    pdf = plf.to_pandas()  # pandas' default string columns (pyarrow-backed with pandas ≥ 3)
    py: dict[str, Any] = {"n": n, "pandas_id_dtype": str(pdf["id"].dtype)}
    py["pool_pandas_s"], pool = timed(lambda: ssj.TargetPool.from_frame(pdf), runs)
    py["pool_polars_s"], pool = timed(lambda: ssj.TargetPool.from_frame(plf), runs)
    py["draw_s"], record = timed(lambda: ssj.draw(pool, "BENCH-PY", policy, public_entropy=ENTROPY), runs)
    py["pool_digest"], py["selected"] = pool.digest, len(record)
    del pdf, plf, record, pool

    frames = kpi_frames(n)
    with tempfile.TemporaryDirectory() as kpi_dir:
        for name, df in frames.items():
            df.write_csv(os.path.join(kpi_dir, f"{name}.csv"))
        py["kpi_polars_input_s"], kin = timed(lambda: ssj.KpiInput.from_frames(**frames), runs)
        py["kpi_report_s"], report = timed(kin.report, runs)
        py["kpi_drawn"] = report.annex.column("drawn").to_pylist()[-1]
        del kin, report
        pframes = {k: v.to_pandas() for k, v in frames.items()}
        py["kpi_pandas_input_s"], _ = timed(lambda: ssj.KpiInput.from_frames(**pframes), runs)
        del pframes, frames
        native = rust(n, runs, kpi_dir, rust_bin)
    assert native["pool_digest"] == py["pool_digest"], "the two sides built different pools"
    assert native["selected"] == py["selected"] and native["kpi_drawn"] == py["kpi_drawn"]
    return {"python": py, "rust": native}


def report(rows: list[dict[str, Any]]) -> None:
    print(f"{'N':>11} {'step':<28} {'Python (s)':>11} {'Rust (s)':>9} {'+%':>7}")
    for r in rows:
        p, q, n = r["python"], r["rust"], r["python"]["n"]
        lines = [
            ("pool from pandas", p["pool_pandas_s"], q["pool_build_s"]),
            ("pool from polars", p["pool_polars_s"], q["pool_build_s"]),
            ("draw", p["draw_s"], q["draw_s"]),
            ("KPI input (polars | CSV)", p["kpi_polars_input_s"], q["kpi_from_csv_s"]),
            ("KPI input (pandas | CSV)", p["kpi_pandas_input_s"], q["kpi_from_csv_s"]),
            ("KPI report", p["kpi_report_s"], q["kpi_compute_s"]),
        ]
        for name, a, b in lines:
            print(f"{n:>11,} {name:<28} {a:>11.3f} {b:>9.3f} {100 * (a - b) / b:>+6.1f}%")
        total_py = p["pool_polars_s"] + p["draw_s"] + p["kpi_polars_input_s"] + p["kpi_report_s"]
        total_rs = q["pool_build_s"] + q["draw_s"] + q["kpi_from_csv_s"] + q["kpi_compute_s"]
        print(f"{n:>11,} {'all (polars)':<28} {total_py:>11.3f} {total_rs:>9.3f} {100 * (total_py - total_rs) / total_rs:>+6.1f}%")
        for src in ("pandas", "polars"):
            ns = 1e9 * (p[f"pool_{src}_s"] - q["pool_build_s"]) / n
            print(f"{n:>11,} {'frame→pool, ns/row (' + src + ')':<28} {ns:>11.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description="The Python layer of shuangsuiji against native Rust.")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rust-bin", help="a built python_compare binary (default: cargo run --release)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        print(f"[N = {n:,}] measuring…", file=sys.stderr)
        rows.append(measure(n, args.runs, args.rust_bin))
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
