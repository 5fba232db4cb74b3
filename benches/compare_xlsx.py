#!/usr/bin/env python3
"""A pool workbook read and drawn, as whole processes: shuangsuiji against polars and pandas.

Usage (from anywhere):

    python3 benches/compare_xlsx.py [--n 1000000] [--runs 3] [--pandas-runs 1] [--data DIR]
                                    [--bin PATH] [--json OUT.json]

Issue 13's benchmark: a county's pool as the platforms export it, an ``.xlsx`` workbook, read
and drawn. The workbook (generated once, cached under ``--data``, default ``/tmp/ssj-e2e``) is
``compare_e2e.py``'s pool of ``n`` targets (the library's columns ``id, credit_code, name, kind,
region, industry, grade, status, tags``, every cell text) written by polars' ``write_excel``
(XlsxWriter), one sheet.

What runs, each a whole process under ``/usr/bin/time -v`` (all sides in turn, medians):

- ours: ``shuangsuiji draw --pool pool.xlsx --ratios A=5%,B=20%,C=60%,D=100% --seed HEX --task
  E2E --out rec.json`` (the workbook told by its content, read through the formats layer into
  the frozen pool, digested, drawn, the record written);
- polars: ``read_excel`` (calamine, through fastexcel; every column as text) → per grade
  ``sample`` → ``write_csv`` of id, stratum, inclusion probability;
- pandas + openpyxl: ``read_excel(engine="openpyxl", dtype=str)`` → per grade ``sample`` →
  ``to_csv`` (``--pandas-runs`` rounds only: it is slow).

Checks: every side's sample holds ``ceil(N_h * ratio_h)`` per grade. Goals (issue 13): ours
within 1.2× of polars' wall time, and at least 5× faster than pandas + openpyxl.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

BENCHES = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHES))

import compare_e2e as e2e  # noqa: E402
from compare_common import ensure_modules  # noqa: E402

MODULES = ("numpy", "polars", "pyarrow", "pandas", "fastexcel", "openpyxl", "xlsxwriter")


def ensure_workbook(data: Path, n: int, seed: int) -> Path:
    import polars as pl

    csv, _ = e2e.ensure_pool(data, n, seed)
    xlsx = csv.with_suffix(".xlsx")
    if not xlsx.exists():
        print(f"[setup] writing {xlsx} (XlsxWriter, not timed)", file=sys.stderr)
        tmp = xlsx.with_suffix(".tmp.xlsx")
        pl.read_csv(csv, infer_schema=False).write_excel(tmp, worksheet="pool", autofit=False)
        tmp.rename(xlsx)
    return xlsx


def worker_polars(xlsx: str, out: str) -> None:
    import polars as pl

    df = pl.read_excel(xlsx, engine="calamine", infer_schema_length=0)
    eligible = df.filter(pl.col("status") == "active")
    parts = []
    for k, g in enumerate(e2e.GRADES):
        stratum = eligible.filter(pl.col("grade") == g)
        size = e2e.sample_size(stratum.height, e2e.RATIO_PPM[g])
        parts.append(
            stratum.sample(n=size, seed=e2e.PEER_SEED + k).select(
                "id", stratum=pl.lit(g), inclusion_probability=pl.lit(size / stratum.height)
            )
        )
    pl.concat(parts).write_csv(out)


def worker_pandas(xlsx: str, out: str) -> None:
    import pandas as pd

    df = pd.read_excel(xlsx, engine="openpyxl", dtype=str)
    eligible = df[df["status"] == "active"]
    parts = []
    for k, g in enumerate(e2e.GRADES):
        stratum = eligible[eligible["grade"] == g]
        size = e2e.sample_size(len(stratum), e2e.RATIO_PPM[g])
        part = stratum.sample(n=size, random_state=e2e.PEER_SEED + k)[["id"]].copy()
        part["stratum"] = g
        part["inclusion_probability"] = size / len(stratum)
        parts.append(part)
    pd.concat(parts).to_csv(out, index=False)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        {"polars": worker_polars, "pandas": worker_pandas}[sys.argv[2]](*sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pandas-runs", type=int, default=1)
    ap.add_argument("--data", default="/tmp/ssj-e2e")
    ap.add_argument("--seed", type=int, default=20_260_101)
    ap.add_argument("--bin", help="a built shuangsuiji binary (default: cargo build --release)")
    ap.add_argument("--json", help="also write all figures to this file")
    args = ap.parse_args()
    ensure_modules(MODULES, __file__)
    import polars as pl

    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    xlsx = ensure_workbook(data, args.n, args.seed)
    out = data / f"out-xlsx-{args.n}"
    out.mkdir(exist_ok=True)
    binary = e2e.build_cli(args.bin)
    want = e2e.expected_sizes(args.n)
    me = [sys.executable, str(Path(__file__).resolve()), "worker"]
    rec = out / "rec.json"
    sides = [
        ("shuangsuiji draw --pool pool.xlsx",
         [binary, "draw", "--pool", str(xlsx), "--ratios", e2e.RATIOS_FLAG, "--seed", e2e.SEED_HEX,
          "--task", e2e.TASK, "--out", str(rec)],
         lambda: e2e.check_sizes("ours", e2e.stratum_counts_record(rec), want), args.runs),
        (f"polars {pl.__version__}: read_excel (calamine) → sample → write_csv",
         [*me, "polars", str(xlsx), str(out / "polars.csv")],
         lambda: e2e.check_sizes("polars", e2e.stratum_counts_csv(out / "polars.csv"), want), args.runs),
        ("pandas + openpyxl: read_excel → sample → to_csv",
         [*me, "pandas", str(xlsx), str(out / "pandas.csv")],
         lambda: e2e.check_sizes("pandas", e2e.stratum_counts_csv(out / "pandas.csv"), want),
         args.pandas_runs),
    ]
    subprocess.run(["cat", str(xlsx)], stdout=subprocess.DEVNULL, check=True)
    load_before = e2e.uptime()
    runs: dict[str, list[dict]] = {label: [] for label, *_ in sides}
    for r in range(max(args.runs, args.pandas_runs)):
        for label, cmd, check, rounds in sides:
            if r >= rounds:
                continue
            m = e2e.measured(cmd, label)
            check()
            runs[label].append(m)
            print(f"[run {r + 1}] {label}: {m['wall_s']:.2f} s, {m['peak_rss_bytes'] / 1e9:.2f} GB",
                  file=sys.stderr)
    load_after = e2e.uptime()
    med = {k: {f: statistics.median(x[f] for x in v) for f in ("wall_s", "peak_rss_bytes")}
           | {"cpu_s": statistics.median(x["user_s"] + x["sys_s"] for x in v)} for k, v in runs.items()}
    polars_wall = med[sides[1][0]]["wall_s"]
    ours_wall = med[sides[0][0]]["wall_s"]
    size = xlsx.stat().st_size
    print(f"\nWhole processes, medians; workbook {size / 1e6:.1f} MB, n = {args.n:,}")
    print(f"load: before `{load_before}`, after `{load_after}`\n")
    print("| command | runs | wall | CPU user + sys | peak memory | wall / polars |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, *_ in sides:
        m = med[label]
        print(f"| {label} | {len(runs[label])} | {m['wall_s']:.2f} s | {m['cpu_s']:.2f} s | "
              f"{m['peak_rss_bytes'] / 1e9:.2f} GB | {m['wall_s'] / polars_wall:.2f}× |")
    pandas_wall = med[sides[2][0]]["wall_s"]
    print(f"\nours / polars: {ours_wall / polars_wall:.2f}× (goal ≤ 1.2×); "
          f"pandas / ours: {pandas_wall / ours_wall:.1f}× (goal ≥ 5×)")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "median": med, "load_before": load_before,
                                               "load_after": load_after, "n": args.n,
                                               "workbook_bytes": size}, indent=2, default=str))


if __name__ == "__main__":
    main()
