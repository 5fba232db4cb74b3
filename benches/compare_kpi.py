#!/usr/bin/env python3
"""Side by side: the per-department KPI table in pandas, in polars and in shuangsuiji.

Usage (from anywhere):

    python3 benches/compare_kpi.py [--dir DIR] [--tasks 100000] [--results 10000000]
                                   [--seed 20250101] [--runs 3] [--skip-rust]
                                   [--timing-bin PATH] [--data-bin PATH] [--json OUT.json]

Data: ``DIR`` (default ``benches/target/kpi-<tasks>-<results>-<seed>``, git-ignored) holds the
CSV tables of docs/KPI.md written by ``cargo run --release -p shuangsuiji-benches --bin kpi_data
-- DIR TASKS RESULTS SEED`` (run when the directory has no ``results.csv``), and a Parquet copy
of each table made once by polars (``DIR/parquet/``, typed columns: dates as Date, flags as
Boolean). Generating and converting are not timed.

The holiday calendar: pandas and polars have no Chinese working-day calendar, so ``kpi_data``
also writes ``deadlines.csv`` (``inspected_on,deadline``), the library's own
``HolidayCalendar::publication_deadline`` of every day from December 1 of the year before to
March 31 after it; both frameworks join the results on it. The library computes the deadline
itself (cached per inspection day). This favours the peers slightly.

What each side computes, per department and in total, for the year (docs/KPI.md):
Annex 1's plans single/joint (deleted included, special excluded), tasks single/joint (all),
joint tasks joined as participant, targets drawn, inspected and published, problems found; and
the rates as numerator/denominator: joint-task share (special-plan tasks excluded),
participation (leads or joins a joint task; total = departments / 27), publication, problem
discovery (targets with a problem code), on-time publication (published on or before the
deadline / published), plan fulfilment (plans neither deleted nor special carried by a completed
task / such plans), follow-up disposal (problems with a closed follow-up / problems), mobile
enforcement and joint-target share. The script CHECKS that the three tables are equal, number
for number, and exits non-zero otherwise.

The library's ``KpiReport::compute`` does more than this table: it validates the input (unique
ids, every reference, dates in order, codes), computes every KPI per quarter too, the findings,
the design-weighted estimate and the assessment. The peers do only the table, without checks.

What is timed (median of --runs after one untimed warm-up):

- parse: pandas ``read_csv(engine="pyarrow")`` and polars ``read_csv(try_parse_dates=True)`` of
  the tables used; shuangsuiji ``KpiInput::from_csv`` (text already in memory: ``read_ms`` is
  the file read, reported apart). Parquet reads of the same tables for the peers;
- compute: from the frames in memory to the per-department table; shuangsuiji
  ``KpiReport::compute`` on the parsed input (``benches/src/bin/kpi_timing.rs``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_common import ensure_modules, timed  # noqa: E402

BENCHES = Path(__file__).resolve().parent
ROOT = BENCHES.parent
MODULES = ("pandas", "polars", "pyarrow")
TABLES = ("departments", "plans", "tasks", "drawn", "results", "follow_ups", "deadlines")
PROBLEM_CODES = (
    "problem_ordered_to_correct",
    "problem_follow_up_pending",
    "refused_inspection_serious",
    "information_not_published",
    "published_information_false",
)
# The codes are whole `;`-separated names; none of the problem names is part of another code.
PROBLEM_RE = "|".join(PROBLEM_CODES)
RATES = (
    "joint_task_share",
    "participation",
    "publication",
    "problem_discovery",
    "on_time_publication",
    "plan_fulfilment",
    "follow_up_disposal",
    "mobile_enforcement",
    "joint_target_share",
)
COUNTS = (
    "plans_single",
    "plans_joint",
    "tasks_single",
    "tasks_joint",
    "joined_as_participant",
    "drawn",
    "inspected_published",
    "problems",
)
# Columns: the counts above, then (numerator, denominator) of each rate.
PAIRS = {
    "joint_task_share": ("joint_tasks", "tasks"),
    "participation": ("took_part", "one"),
    "publication": ("published", "inspected"),
    "problem_discovery": ("problems", "inspected"),
    "on_time_publication": ("on_time", "published"),
    "plan_fulfilment": ("plans_done", "plans_active"),
    "follow_up_disposal": ("problems_closed", "problems"),
    "mobile_enforcement": ("mobile", "inspected"),
    "joint_target_share": ("drawn_joint", "drawn"),
}
COLUMNS = sorted(set(COUNTS) | {c for p in PAIRS.values() for c in p})


def cargo_bin(name: str, given: str | None) -> list[str]:
    if given:
        return [given]
    return ["cargo", "run", "--release", "-q", "-p", "shuangsuiji-benches", "--bin", name, "--"]


# ---------------------------------------------------------------------------------------------
# polars


def polars_read_csv(pl, d: Path) -> dict:
    return {t: pl.read_csv(d / f"{t}.csv", try_parse_dates=True, infer_schema_length=10_000) for t in TABLES}


def polars_read_parquet(pl, d: Path) -> dict:
    return {t: pl.read_parquet(d / "parquet" / f"{t}.parquet") for t in TABLES}


def polars_table(pl, f: dict) -> dict:
    """The per-department table, in polars, from the frames `f`."""
    depts = f["departments"].select(pl.col("id").alias("dept"))
    plans, tasks = f["plans"], f["tasks"]
    drawn, results, follow_ups, deadlines = f["drawn"], f["results"], f["follow_ups"], f["deadlines"]

    def by(frame, key: str, **aggs):
        return frame.group_by(key).agg(**aggs).rename({key: "dept"})

    plan_cols = by(
        plans.filter(~pl.col("special")),
        "department",
        plans_single=(pl.col("kind") == "single").sum(),
        plans_joint=(pl.col("kind") == "joint").sum(),
    )
    # Plans carried by a completed task; a task is special when all its plans (≥1) are.
    task_plans = tasks.select("id", "completed_on", pl.col("plans").str.split(";")).explode("plans")
    task_plans = task_plans.filter(pl.col("plans").is_not_null() & (pl.col("plans") != ""))
    done = task_plans.filter(pl.col("completed_on").is_not_null()).select(pl.col("plans").alias("id")).unique()
    fulfil = by(
        plans.filter(~pl.col("special") & ~pl.col("deleted")).join(
            done.with_columns(done=pl.lit(True)), on="id", how="left"
        ),
        "department",
        plans_active=pl.len(),
        plans_done=pl.col("done").is_not_null().sum(),
    )
    special_tasks = (
        task_plans.join(plans.select(pl.col("id").alias("plans"), "special"), on="plans")
        .group_by("id")
        .agg(special=pl.col("special").all())
        .filter(pl.col("special"))
        .select("id", pl.lit(True).alias("special_only"))
    )
    tasks = tasks.join(special_tasks, on="id", how="left").with_columns(
        pl.col("special_only").fill_null(False)
    )
    task_cols = by(
        tasks,
        "lead",
        tasks_single=(~pl.col("joint")).sum(),
        tasks_joint=pl.col("joint").sum(),
        tasks=(~pl.col("special_only")).sum(),
        joint_tasks=(pl.col("joint") & ~pl.col("special_only")).sum(),
    )
    parts = tasks.select(pl.col("participants").str.split(";")).explode("participants")
    parts = parts.filter(pl.col("participants").is_not_null() & (pl.col("participants") != ""))
    joined = by(parts, "participants", joined_as_participant=pl.len())
    took = pl.concat(
        [
            tasks.filter(pl.col("joint")).select(pl.col("lead").alias("dept")),
            parts.select(pl.col("participants").alias("dept")),
        ]
    ).unique().with_columns(took_part=pl.lit(1, pl.UInt32))
    lead = tasks.select(pl.col("id").alias("task"), "lead", "joint")
    drawn_cols = by(
        drawn.select("task").join(lead, on="task"),
        "lead",
        drawn=pl.len(),
        drawn_joint=pl.col("joint").sum(),
    )
    closed = follow_ups.filter(pl.col("closed_on").is_not_null()).select("task", "target", pl.lit(True).alias("closed"))
    r = (
        results.select("task", "target", "codes", "inspected_on", "mobile", "published_on")
        .join(lead.select("task", "lead"), on="task")
        .join(deadlines, on="inspected_on", how="left")
        .with_columns(problem=pl.col("codes").str.contains(PROBLEM_RE))
    )
    r = r.join(closed, on=["task", "target"], how="left")
    result_cols = by(
        r,
        "lead",
        inspected=pl.len(),
        published=pl.col("published_on").is_not_null().sum(),
        problems=pl.col("problem").sum(),
        problems_closed=(pl.col("problem") & pl.col("closed").is_not_null()).sum(),
        mobile=pl.col("mobile").sum(),
        on_time=(pl.col("published_on") <= pl.col("deadline")).sum(),
    )
    table = depts
    for part in (plan_cols, fulfil, task_cols, joined, took, drawn_cols, result_cols):
        table = table.join(part, on="dept", how="left")
    table = table.with_columns(one=pl.lit(1), inspected_published=pl.col("published")).fill_null(0)
    return {
        row["dept"]: {c: int(row[c]) for c in COLUMNS} for row in table.iter_rows(named=True)
    }


# ---------------------------------------------------------------------------------------------
# pandas


def pandas_read_csv(pd, d: Path) -> dict:
    return {t: pd.read_csv(d / f"{t}.csv", engine="pyarrow") for t in TABLES}


def pandas_read_parquet(pd, d: Path) -> dict:
    return {t: pd.read_parquet(d / "parquet" / f"{t}.parquet") for t in TABLES}


def pandas_table(pd, f: dict) -> dict:
    """The per-department table, in pandas, from the frames `f`."""
    plans, tasks = f["plans"], f["tasks"]
    drawn, results, follow_ups, deadlines = f["drawn"], f["results"], f["follow_ups"], f["deadlines"]
    out = pd.DataFrame(index=pd.Index(f["departments"]["id"], name="dept"))

    def put(series_or_frame):
        nonlocal out
        out = out.join(series_or_frame, how="left")

    p = plans[~plans["special"].astype(bool)]
    put(
        pd.DataFrame(
            {
                "plans_single": (p["kind"] == "single").groupby(p["department"]).sum(),
                "plans_joint": (p["kind"] == "joint").groupby(p["department"]).sum(),
            }
        )
    )
    tp = tasks[["id", "completed_on", "plans"]].assign(plans=tasks["plans"].str.split(";")).explode("plans")
    tp = tp[tp["plans"].notna() & (tp["plans"] != "")]
    done = set(tp.loc[tp["completed_on"].notna(), "plans"])
    active = plans[~plans["special"].astype(bool) & ~plans["deleted"].astype(bool)]
    put(
        pd.DataFrame(
            {
                "plans_active": active.groupby("department").size(),
                "plans_done": active["id"].isin(done).groupby(active["department"]).sum(),
            }
        )
    )
    special = plans.set_index("id")["special"].astype(bool)
    sp = tp.assign(special=tp["plans"].map(special)).groupby("id")["special"].all()
    special_only = tasks["id"].map(sp).fillna(False).astype(bool)
    joint = tasks["joint"].astype(bool)
    put(
        pd.DataFrame(
            {
                "tasks_single": (~joint).groupby(tasks["lead"]).sum(),
                "tasks_joint": joint.groupby(tasks["lead"]).sum(),
                "tasks": (~special_only).groupby(tasks["lead"]).sum(),
                "joint_tasks": (joint & ~special_only).groupby(tasks["lead"]).sum(),
            }
        )
    )
    parts = tasks["participants"].str.split(";").explode()
    parts = parts[parts.notna() & (parts != "")]
    put(parts.value_counts().rename("joined_as_participant"))
    took = set(tasks.loc[joint, "lead"]) | set(parts)
    out["took_part"] = [int(d in took) for d in out.index]
    lead = tasks.set_index("id")["lead"]
    joint_of = joint.set_axis(tasks["id"])
    dl = drawn["task"].map(lead)
    put(
        pd.DataFrame(
            {
                "drawn": dl.value_counts(),
                "drawn_joint": drawn["task"].map(joint_of).groupby(dl).sum(),
            }
        )
    )
    rl = results["task"].map(lead)
    deadline = results["inspected_on"].map(deadlines.set_index("inspected_on")["deadline"])
    problem = results["codes"].str.contains(PROBLEM_RE, regex=True)
    closed = follow_ups.loc[follow_ups["closed_on"].notna(), ["task", "target"]].assign(closed=True)
    has_closed = (
        results[["task", "target"]].merge(closed, on=["task", "target"], how="left")["closed"].notna().to_numpy()
    )
    published = results["published_on"].notna()
    put(
        pd.DataFrame(
            {
                "inspected": rl.value_counts(),
                "published": published.groupby(rl).sum(),
                "problems": problem.groupby(rl).sum(),
                "problems_closed": (problem & has_closed).groupby(rl).sum(),
                "mobile": results["mobile"].astype(bool).groupby(rl).sum(),
                "on_time": (published & (results["published_on"] <= deadline)).groupby(rl).sum(),
            }
        )
    )
    out = out.fillna(0)
    out["one"] = 1
    out["inspected_published"] = out["published"]
    return {d: {c: int(row[c]) for c in COLUMNS} for d, row in out.iterrows()}


# ---------------------------------------------------------------------------------------------


def rust_table(rust: dict) -> dict:
    """The library's figures in the same shape."""
    out = {}
    for row in rust["departments"]:
        r = {c: row[c] for c in COUNTS}
        for kpi, (num, den) in PAIRS.items():
            r[num], r[den] = row[kpi]
        out[row["id"]] = {c: int(r[c]) for c in COLUMNS}
    return out


def totals(table: dict) -> dict:
    t = {c: sum(r[c] for r in table.values()) for c in COLUMNS}
    t["one"] = len(table)  # participation: departments taking part / member departments
    return t


def check_equal(name: str, got: dict, want: dict, want_name: str) -> None:
    if got == want:
        return
    for d in sorted(set(got) | set(want)):
        if got.get(d) != want.get(d):
            diff = {c: (got.get(d, {}).get(c), want.get(d, {}).get(c)) for c in COLUMNS if got.get(d, {}).get(c) != want.get(d, {}).get(c)}
            print(f"[check] {name} vs {want_name}, department {d}: {diff}", file=sys.stderr)
    sys.exit(f"{name} and {want_name} disagree")


def write_parquet(pl, d: Path) -> None:
    out = d / "parquet"
    if all((out / f"{t}.parquet").exists() for t in TABLES):
        return
    out.mkdir(exist_ok=True)
    print(f"[setup] writing Parquet copies to {out}", file=sys.stderr)
    for t in TABLES:
        pl.read_csv(d / f"{t}.csv", try_parse_dates=True, infer_schema_length=10_000).write_parquet(out / f"{t}.parquet")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir")
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--results", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=20_250_101)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-rust", action="store_true")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--timing-bin", help="a built kpi_timing binary (default: cargo run --release)")
    ap.add_argument("--data-bin", help="a built kpi_data binary (default: cargo run --release)")
    ap.add_argument("--json", help="also write all figures to this file")
    args = ap.parse_args()

    ensure_modules(MODULES, __file__)
    import pandas as pd
    import polars as pl
    import pyarrow

    d = Path(args.dir) if args.dir else BENCHES / "target" / f"kpi-{args.tasks}-{args.results}-{args.seed}"
    if not (d / "results.csv").exists():
        cmd = cargo_bin("kpi_data", args.data_bin) + [str(d), str(args.tasks), str(args.results), str(args.seed)]
        print(f"[setup] {' '.join(cmd)}", file=sys.stderr)
        subprocess.run(cmd, cwd=ROOT, check=True)
    write_parquet(pl, d)
    runs = args.runs

    figures: dict[str, dict] = {}
    tables: dict[str, dict] = {}

    def side(name, read_csv, read_parquet, compute):
        med_p, times_p, frames = timed(read_csv, runs)
        med_q, times_q, frames_q = timed(read_parquet, runs)
        del frames_q
        med_c, times_c, table = timed(lambda: compute(frames), runs)
        del frames
        figures[name] = {
            "parse_csv_ms": med_p,
            "read_parquet_ms": med_q,
            "compute_ms": med_c,
            "runs_ms": {"parse_csv": times_p, "read_parquet": times_q, "compute": times_c},
        }
        tables[name] = table
        print(f"[{name}] csv {med_p:.0f} ms, parquet {med_q:.0f} ms, compute {med_c:.0f} ms", file=sys.stderr)

    side("polars", lambda: polars_read_csv(pl, d), lambda: polars_read_parquet(pl, d), lambda f: polars_table(pl, f))
    if not args.skip_pandas:
        side("pandas", lambda: pandas_read_csv(pd, d), lambda: pandas_read_parquet(pd, d), lambda f: pandas_table(pd, f))
        check_equal("pandas", tables["pandas"], tables["polars"], "polars")

    rust = None
    if not args.skip_rust:
        cmd = cargo_bin("kpi_timing", args.timing_bin) + [str(d), str(runs)]
        print(f"[rust] {' '.join(cmd)}", file=sys.stderr)
        rust = json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
        tables["shuangsuiji"] = rust_table(rust)
        check_equal("shuangsuiji", tables["shuangsuiji"], tables["polars"], "polars")
        t = totals(tables["shuangsuiji"])
        for kpi, (num, den) in PAIRS.items():
            assert [t[num], t[den]] == rust["total"][kpi], (kpi, rust["total"][kpi], t[num], t[den])
    print(f"[check] {' = '.join(tables)}: equal for all {len(tables['polars'])} departments", file=sys.stderr)

    t = totals(tables["polars"])
    print(f"\nKPI table, {args.tasks:,} tasks, {args.results:,} results ({d}), median of {runs}")
    print(
        "totals: "
        + ", ".join(f"{k} {t[n]}/{t[m]} = {100 * t[n] / t[m]:.1f}%" for k, (n, m) in PAIRS.items() if t[m])
        + "\n"
    )
    rows = []
    for name in ("pandas", "polars"):
        if name in figures:
            f = figures[name]
            ver = (pd if name == "pandas" else pl).__version__
            rows.append((f"{name} {ver}", f["parse_csv_ms"], f["read_parquet_ms"], f["compute_ms"]))
    if rust:
        m = rust["median_ms"]
        rows.append(("shuangsuiji (from_csv, compute)", m["parse"], None, m["compute"]))
    base = figures["polars"]
    print(
        "| side | parse CSV ms | read Parquet ms | compute ms | CSV + compute ms "
        "| compute vs polars | CSV+compute vs polars |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, p, q, c in rows:
        e2e = p + c
        qs = f"{q:.0f}" if q is not None else "–"
        print(
            f"| {label} | {p:.0f} | {qs} | {c:.0f} | {e2e:.0f} | "
            f"{base['compute_ms'] / c:.2f}x | {(base['parse_csv_ms'] + base['compute_ms']) / e2e:.2f}x |"
        )
    if rust:
        print(f"\n(shuangsuiji: reading the files into memory took {rust['read_ms']:.0f} ms, not included)")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "dir": str(d),
                    "tasks": args.tasks,
                    "results": args.results,
                    "seed": args.seed,
                    "runs": runs,
                    "python": sys.version.split()[0],
                    "pandas": pd.__version__,
                    "polars": pl.__version__,
                    "pyarrow": pyarrow.__version__,
                    "polars_threads": pl.thread_pool_size(),
                    "peers": figures,
                    "rust": rust,
                    "totals": t,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
