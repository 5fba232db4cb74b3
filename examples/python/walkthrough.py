#!/usr/bin/env python3
"""An analyst's session with shuangsuiji, end to end.

    python examples/python/walkthrough.py [--data DIR] [--out DIR]

1. the platform's exports: the target pool (``pool.csv``, ``history.csv``) and the year's KPI
   tables (``kpi/*.csv``); without ``--data`` the demo county's are written to ``OUT/exports``
   (as ``shuangsuiji demo --out`` would);
2. check the credit codes of the pool column in one call and list the bad rows;
3. build the frozen pool from the data frame and draw a task with ratios by credit-risk grade,
   the seed derived from a public lottery result; publish the record (JSON);
4. verify the published record against the pool as another office would load it (polars);
5. compute the year's KPI report from the CSV folder and print Annex 1;
6. plot the per-department publication and problem-discovery rates to ``OUT/rates.png``.

Needs: ``pip install ./bindings/python pandas polars matplotlib``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

import shuangsuiji as ssj  # noqa: E402

LOTTERY = ("中国福利彩票双色球 第2026040期", "02 09 14 21 26 30 + 11")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="folder with pool.csv, history.csv and kpi/ (default: the demo's)")
    ap.add_argument("--out", type=Path, default=Path("walkthrough-out"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = args.data
    if data is None:
        data = args.out / "exports"
        ssj.write_demo(data)
        print(f"[1] demo exports written to {data}")

    # 2. The pool as a spreadsheet export: every column as text, empty cells as empty strings.
    targets = pd.read_csv(data / "pool.csv", dtype=str, keep_default_na=False)
    history = pd.read_csv(data / "history.csv", dtype=str, keep_default_na=False)
    codes = targets["credit_code"].replace("", None)  # no code is not a bad code
    check = ssj.validate_credit_codes(codes)
    print(f"[2] {len(targets):,} targets, {check.errors.num_rows} bad credit codes")
    if check.errors.num_rows:
        print(check.errors.to_pandas().head(10).to_string(index=False))

    # 3. Freeze and draw: 5% of A, 10% of B, 30% of C, all of D; ungraded 10%.
    pool = ssj.TargetPool.from_frame(targets, history)
    policy = ssj.policy_by_grade("5%", "10%", "30%", "100%", ungraded="10%")
    record = ssj.draw(pool, "2026-SCJG-PY-001", policy, public_entropy=LOTTERY,
                      department="D01", date="2026-04-01")
    published = args.out / "draw-record.json"
    published.write_text(record.to_json(), encoding="utf-8")
    print(f"[3] pool {pool.digest[:16]}…: drew {len(record)} targets; per stratum "
          + ", ".join(f"{k} {v['sample_size']}/{v['eligible']}" for k, v in record.strata.items()))
    print(record.to_pandas().groupby("stratum")["design_weight"].mean().round(2).to_string())

    # 4. Another office loads the same export with polars and checks the published record.
    their_pool = ssj.TargetPool.from_frame(
        pl.read_csv(data / "pool.csv", infer_schema=False).with_columns(pl.col("*").fill_null("")),
        pl.read_csv(data / "history.csv", infer_schema=False).with_columns(pl.col("*").fill_null("")),
    )
    verification = ssj.verify(published.read_text(encoding="utf-8"), their_pool)
    print(f"[4] {verification}")
    verification.raise_if_failed()

    # 5. The year's KPI report from the folder of CSV exports.
    report = ssj.KpiInput.from_dir(data / "kpi").report()
    print(f"[5] KPI report {report.year}:")
    print(report.to_pandas()[["name", "tasks_single", "tasks_joint", "drawn", "problems", "fulfilment"]]
          .to_string(index=False))
    (args.out / "kpi-report.json").write_text(report.to_json(), encoding="utf-8")

    # 6. Per-department rates, as a report's chart shows them (the total as a reference line).
    rates = report.rates("year").to_pandas()
    depts, total = rates[rates["department"].notna()], rates[rates["department"].isna()].iloc[0]
    fig, ax = plt.subplots(figsize=(12, 4.5))
    x = range(len(depts))
    ax.bar([i - 0.2 for i in x], depts["publication"] * 100, width=0.4, label="publication")
    ax.bar([i + 0.2 for i in x], depts["problem_discovery"] * 100, width=0.4, label="problem discovery")
    ax.axhline(total["problem_discovery"] * 100, color="grey", linestyle="--", linewidth=1,
               label=f"problem discovery, all ({total['problem_discovery']:.1%})")
    ax.set_xticks(list(x), depts["department"], rotation=90)
    ax.set_ylabel("%")
    ax.set_ylim(0, 118)  # room above 100% for the legend
    ax.set_title(f"Rates per department, {report.year}")
    ax.legend(loc="upper center", ncol=3, fontsize="small", frameon=False)
    fig.tight_layout()
    png = args.out / "rates.png"
    fig.savefig(png, dpi=100)
    print(f"[6] chart written to {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
