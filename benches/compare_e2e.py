#!/usr/bin/env python3
"""From the user's file to the written record, as whole processes: shuangsuiji against polars and DuckDB.

Usage (from anywhere):

    python3 benches/compare_e2e.py [--n 1000000] [--runs 3] [--data DIR] [--bin PATH]
                                   [--seed 20260101] [--skip-draw] [--skip-verify]
                                   [--kpi] [--kpi-results 10000000] [--kpi-tasks N]
                                   [--kpi-data-bin PATH] [--python] [--only-python]
                                   [--python-env PY] [--json OUT.json]

e.g. ``--n 10000000`` for 10⁷, ``--skip-draw --kpi`` for the KPI path alone. Figures and the
exact commands of the baseline: benches/RESULTS.md, "Issue 12".

Data (not timed; cached under ``--data``, default ``/tmp/ssj-e2e``, keyed by ``n``):
``pool-<n>.csv`` with the columns ``id,credit_code,name,kind,region,industry,grade,status,tags``
(the target-pool columns of ``crates/shuangsuiji/src/pool_csv.rs``; ``grid``, ``risk_score``
and ``positive_list`` are left out and so empty / false), and ``pool-<n>.parquet``, the same
table written by polars (every column text). Ids ``T0000000000``… are a seeded permutation;
grades come in exact blocks of A 30%, B 55%, C 10%, D 5% (``benches/src/lib.rs``
``grade_counts``: D takes the remainder) in file order, so that in id order they are mixed;
credit codes are valid GB 32100 codes (distinct); every target is active and not on the
positive list, so every target is eligible and the sample size of grade h is
``ceil(N_h * ratio_h)`` with ratios A 5%, B 20%, C 60%, D 100%. Generation is vectorised
(numpy, pyarrow buffers, polars).

What runs (each a whole process under ``/usr/bin/time -v``, for wall time and peak resident
memory; all sides in turn, ``--runs`` rounds, medians; the CSV is read once with ``cat`` first
so that every side finds it in the page cache):

- ours: ``shuangsuiji draw --pool pool.csv --ratios A=5%,B=20%,C=60%,D=100% --seed HEX
  --task E2E --out rec.json`` and ``shuangsuiji verify --record rec.json --pool pool.csv``
  (the binary of ``cargo build --release -p shuangsuiji-cli``, built when ``--bin`` is not
  given);
- polars: ``read_csv`` (every column as text) → per grade ``filter`` + ``sample(n, seed)`` →
  ``write_csv`` of id, stratum, inclusion probability;
- duckdb: ``read_csv`` → ``row_number() over (partition by grade order by hash(id, seed))``
  filter → ``COPY … TO`` CSV of the same columns;
- ``--kpi``: ``shuangsuiji kpi --input DIR --json REPORT.json`` on the synthetic year of
  ``benches/src/kpi.rs`` (written by the ``kpi_data`` bench binary, ``--kpi-results`` results
  over a hundredth as many tasks, as ``compare_kpi.py`` does) against the per-department table
  of ``compare_kpi.py`` in polars and the same table in DuckDB SQL, each from the CSV files;
- ``--python``: Parquet → ``shuangsuiji.TargetPool.from_frame`` → ``shuangsuiji.draw`` →
  Parquet of the selected entries, against polars alone (``read_parquet`` → per-grade
  ``sample`` → ``write_parquet``); needs an interpreter with the ``shuangsuiji`` package built
  in release mode (``--python-env``, default ``benches/.venv/bin/python``; see the message the
  script prints when it is missing); ``--only-python`` times these two alone (no CLI build).

Checks (the script exits non-zero when one fails): every side's output holds, per grade,
exactly ``ceil(N_h * ratio_h)`` entries (ours: the record's ``selected`` list and its
``strata``); ``verify`` exits 0; the three KPI tables are equal, number for number.

Prints a table: wall median, CPU time (user + sys) median, peak memory median, wall / the
baseline's (DuckDB; polars alone for the Python path), peak memory / the input's size (the pool
CSV; the KPI tables' CSV files); on a shared machine the CPU time moves less with the load;
``--json OUT`` writes every run's figures, the load average before and after, the versions
and the commands. The peers run in ``benches/.venv`` (``benches/requirements.txt``), created
on first use. ``/usr/bin/time`` is GNU time: ``apt-get install -y time`` when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_common import ensure_modules  # noqa: E402

BENCHES = Path(__file__).resolve().parent
ROOT = BENCHES.parent
MODULES = ("numpy", "polars", "pyarrow", "duckdb")
GRADES = "ABCD"
MIX_PERCENT = (30, 55, 10, 5)
RATIO_PPM = {"A": 50_000, "B": 200_000, "C": 600_000, "D": 1_000_000}
RATIOS_FLAG = "A=5%,B=20%,C=60%,D=100%"
SEED_HEX = "5a" * 32  # shuangsuiji_benches::STANDARD_SEED
TASK = "E2E"
PEER_SEED = 20_260_101
POOL_COLUMNS = ("id", "credit_code", "name", "kind", "region", "industry", "grade", "status", "tags")
# Bump when the generated files change, so that cached files are not reused.
GEN_VERSION = 1
TIME = "/usr/bin/time"


def grade_counts(n: int) -> list[int]:
    """Exact per-grade counts, as `shuangsuiji_benches::grade_counts` (D takes the remainder)."""
    a, b, c = (n * p // 100 for p in MIX_PERCENT[:3])
    return [a, b, c, n - a - b - c]


def sample_size(eligible: int, ppm: int) -> int:
    """ceil(eligible * ppm / 10^6) in integers."""
    return -(-eligible * ppm // 1_000_000)


def expected_sizes(n: int) -> dict[str, int]:
    return {g: sample_size(c, RATIO_PPM[g]) for g, c in zip(GRADES, grade_counts(n))}


# ---------------------------------------------------------------------------------------------
# The synthetic pool

ALPHABET = b"0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100, crates/shuangsuiji/src/credit.rs
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_PREFIX = b"91620100"  # market regulation, enterprise, Lanzhou
REGIONS = ("620102001", "620102002", "620103001", "620104001", "620105003", "620111002", "620121100",
           "620122101", "620123102", "620402001", "620502004", "620702001")
INDUSTRIES = ("H6210", "F5211", "F5261", "C1391", "O8010", "E4710", "G5430", "L7212", "F5293", "R8710")
NAME_FIRST = ("绿源", "嘉禾", "恒达", "银河", "华泰", "金城", "陇原", "丝路", "黄河", "祁连", "敦煌", "天润")
NAME_TRADE = ("商贸", "餐饮", "建材", "药房", "物流", "超市", "农资", "汽修")
KINDS = (("enterprise", 40), ("individual_business", 45), ("farmers_cooperative", 5), ("non_market", 10))
NAME_SUFFIX = {"enterprise": "有限公司", "individual_business": "店", "farmers_cooperative": "合作社",
               "non_market": "中心"}
TAGS = (("", 40), ("食品经营;餐饮服务", 20), ("烟草零售;食品经营", 15), ("特种设备", 10), ("药品零售", 8),
        ("公共场所", 7))


def fixed_strings(pa, np, mat):
    """A pyarrow large_string array of the rows of a (n, w) uint8 matrix of ASCII characters."""
    n, w = mat.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(mat)))


def pool_frame(n: int, seed: int):
    """The synthetic pool as a polars frame, in file order."""
    import numpy as np
    import polars as pl
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    perm = rng.permutation(n).astype(np.int64)
    # ids T + 10 digits
    ids = np.empty((n, 11), dtype=np.uint8)
    ids[:, 0] = ord("T")
    x = perm.copy()
    for p in range(10, 0, -1):
        ids[:, p] = ord("0") + x % 10
        x //= 10
    # credit codes: the 9-character organisation part is a bijection of the id number modulo
    # 31^9 (7919 is prime to 31), so codes are distinct; position 18 is the check character.
    lut = np.frombuffer(ALPHABET, dtype=np.uint8)
    codes = np.empty((n, 18), dtype=np.uint8)
    for p, c in enumerate(CODE_PREFIX):
        codes[:, p] = c
    total = np.full(n, sum(ALPHABET.index(c) * WEIGHTS[p] for p, c in enumerate(CODE_PREFIX)), dtype=np.int64)
    x = (perm * 7919 + 12_345) % 31**9
    for p in range(16, 7, -1):
        d = x % 31
        x //= 31
        codes[:, p] = lut[d]
        total += d * WEIGHTS[p]
    codes[:, 17] = lut[(31 - total % 31) % 31]
    del x, total, perm

    def pick(options, weights=None):
        if weights is None:
            idx = rng.integers(0, len(options), n, dtype=np.uint32)
        else:
            w = np.asarray(weights, dtype=np.float64)
            idx = rng.choice(len(options), n, p=w / w.sum()).astype(np.uint32)
        return pl.Series(list(options), dtype=pl.String).gather(pl.Series(idx))

    kind = pick([k for k, _ in KINDS], [w for _, w in KINDS])
    suffix = kind.replace_strict(NAME_SUFFIX, return_dtype=pl.String)
    grades = np.repeat(np.frombuffer(GRADES.encode(), dtype=np.uint8), grade_counts(n)).reshape(n, 1)
    df = pl.DataFrame(
        {
            "id": pl.from_arrow(fixed_strings(pa, np, ids)),
            "credit_code": pl.from_arrow(fixed_strings(pa, np, codes)),
            "name": pick(NAME_FIRST) + pick(NAME_TRADE) + suffix,
            "kind": kind,
            "region": pick(REGIONS),
            "industry": pick(INDUSTRIES),
            "grade": pl.from_arrow(fixed_strings(pa, np, grades)),
            "status": pl.repeat("active", n, eager=True, dtype=pl.String),
            "tags": pick([t for t, _ in TAGS], [w for _, w in TAGS]),
        }
    )
    return df.select(POOL_COLUMNS)


def ensure_pool(data: Path, n: int, seed: int) -> tuple[Path, Path]:
    import polars as pl

    data.mkdir(parents=True, exist_ok=True)
    stem = data / f"pool-{n}-s{seed}-v{GEN_VERSION}"
    csv, parquet, meta = stem.with_suffix(".csv"), stem.with_suffix(".parquet"), stem.with_suffix(".json")
    if csv.exists() and parquet.exists() and meta.exists():
        return csv, parquet
    t = time.perf_counter()
    print(f"[setup] generating {n:,} targets into {csv} and {parquet}", file=sys.stderr)
    df = pool_frame(n, seed)
    df.write_csv(csv.with_suffix(".csv.tmp"))
    df.write_parquet(parquet.with_suffix(".parquet.tmp"))
    del df
    csv.with_suffix(".csv.tmp").rename(csv)
    parquet.with_suffix(".parquet.tmp").rename(parquet)
    meta.write_text(json.dumps({"n": n, "seed": seed, "grade_counts": grade_counts(n), "version": GEN_VERSION}))
    print(f"[setup] generated in {time.perf_counter() - t:.1f} s, CSV {csv.stat().st_size / 1e6:.0f} MB",
          file=sys.stderr)
    _ = pl
    return csv, parquet


# ---------------------------------------------------------------------------------------------
# The peers, each run as its own process: `compare_e2e.py worker NAME ARGS...`


def worker_polars_draw(pool: str, out: str) -> None:
    import polars as pl

    df = pl.read_csv(pool, infer_schema=False)
    eligible = df.filter(pl.col("status") == "active")
    parts = []
    for k, g in enumerate(GRADES):
        stratum = eligible.filter(pl.col("grade") == g)
        size = sample_size(stratum.height, RATIO_PPM[g])
        parts.append(
            stratum.sample(n=size, seed=PEER_SEED + k).select(
                "id", stratum=pl.lit(g), inclusion_probability=pl.lit(size / stratum.height)
            )
        )
    pl.concat(parts).write_csv(out)


DUCKDB_DRAW = """
COPY (
  WITH pool AS (
    SELECT id, grade FROM read_csv('{pool}', header = true, all_varchar = true)
    WHERE status = 'active' AND grade IN ('A', 'B', 'C', 'D')
  ),
  ratio(grade, ppm) AS (VALUES ('A', 50000), ('B', 200000), ('C', 600000), ('D', 1000000)),
  size AS (
    SELECT grade, count(*) AS eligible, (count(*) * any_value(ppm) + 999999) // 1000000 AS size
    FROM pool JOIN ratio USING (grade) GROUP BY grade
  ),
  ranked AS (
    SELECT id, grade, row_number() OVER (PARTITION BY grade ORDER BY hash(id, {seed})) AS rank
    FROM pool
  )
  SELECT id, grade AS stratum, size / eligible AS inclusion_probability
  FROM ranked JOIN size USING (grade)
  WHERE rank <= size
) TO '{out}' (HEADER, DELIMITER ',')
"""


def worker_duckdb_draw(pool: str, out: str) -> None:
    import duckdb

    duckdb.sql(DUCKDB_DRAW.format(pool=pool, out=out, seed=PEER_SEED))


# The per-department KPI table of compare_kpi.py (its polars version is reused as is), in SQL.
DUCKDB_KPI = """
WITH
departments AS (SELECT * FROM read_csv('{d}/departments.csv', header = true)),
plans AS (SELECT * FROM read_csv('{d}/plans.csv', header = true,
          types = {{'special': 'BOOLEAN', 'deleted': 'BOOLEAN', 'participants': 'VARCHAR', 'items': 'VARCHAR'}})),
tasks AS (SELECT * FROM read_csv('{d}/tasks.csv', header = true,
          types = {{'plans': 'VARCHAR', 'participants': 'VARCHAR', 'joint': 'BOOLEAN', 'completed_on': 'DATE'}})),
drawn AS (SELECT task FROM read_csv('{d}/drawn.csv', header = true)),
results AS (SELECT * FROM read_csv('{d}/results.csv', header = true,
            types = {{'codes': 'VARCHAR', 'inspected_on': 'DATE', 'mobile': 'BOOLEAN', 'published_on': 'DATE'}})),
follow_ups AS (SELECT * FROM read_csv('{d}/follow_ups.csv', header = true, types = {{'closed_on': 'DATE'}})),
deadlines AS (SELECT * FROM read_csv('{d}/deadlines.csv', header = true,
              types = {{'inspected_on': 'DATE', 'deadline': 'DATE'}})),
plan_cols AS (
  SELECT department AS dept, count(*) FILTER (kind = 'single') AS plans_single,
         count(*) FILTER (kind = 'joint') AS plans_joint
  FROM plans WHERE NOT special GROUP BY department),
task_plans AS (
  SELECT id, completed_on, plan FROM (SELECT id, completed_on, unnest(string_split(plans, ';')) AS plan FROM tasks)
  WHERE plan IS NOT NULL AND plan <> ''),
done AS (SELECT DISTINCT plan AS id FROM task_plans WHERE completed_on IS NOT NULL),
fulfil AS (
  SELECT p.department AS dept, count(*) AS plans_active, count(done.id) AS plans_done
  FROM plans p LEFT JOIN done ON p.id = done.id WHERE NOT p.special AND NOT p.deleted GROUP BY p.department),
special_tasks AS (
  SELECT tp.id FROM task_plans tp JOIN plans p ON p.id = tp.plan GROUP BY tp.id HAVING bool_and(p.special)),
t AS (SELECT tasks.*, s.id IS NOT NULL AS special_only FROM tasks LEFT JOIN special_tasks s USING (id)),
task_cols AS (
  SELECT lead AS dept, count(*) FILTER (NOT joint) AS tasks_single, count(*) FILTER (joint) AS tasks_joint,
         count(*) FILTER (NOT special_only) AS tasks, count(*) FILTER (joint AND NOT special_only) AS joint_tasks
  FROM t GROUP BY lead),
parts AS (
  SELECT dept FROM (SELECT unnest(string_split(participants, ';')) AS dept FROM tasks)
  WHERE dept IS NOT NULL AND dept <> ''),
joined AS (SELECT dept, count(*) AS joined_as_participant FROM parts GROUP BY dept),
took AS (SELECT DISTINCT dept, 1 AS took_part FROM (SELECT lead AS dept FROM tasks WHERE joint UNION ALL
                                                     SELECT dept FROM parts)),
lead AS (SELECT id AS task, lead, joint FROM tasks),
drawn_cols AS (
  SELECT lead AS dept, count(*) AS drawn, count(*) FILTER (joint) AS drawn_joint
  FROM drawn JOIN lead USING (task) GROUP BY lead),
closed AS (SELECT DISTINCT task, target FROM follow_ups WHERE closed_on IS NOT NULL),
r AS (
  SELECT l.lead, res.published_on, res.mobile, regexp_matches(res.codes, '{problems}') AS problem,
         c.task IS NOT NULL AS closed, dl.deadline
  FROM results res JOIN lead l ON l.task = res.task
  LEFT JOIN deadlines dl ON dl.inspected_on = res.inspected_on
  LEFT JOIN closed c ON c.task = res.task AND c.target = res.target),
result_cols AS (
  SELECT lead AS dept, count(*) AS inspected, count(published_on) AS published,
         count(*) FILTER (problem) AS problems, count(*) FILTER (problem AND closed) AS problems_closed,
         count(*) FILTER (mobile) AS mobile, count(*) FILTER (published_on <= deadline) AS on_time
  FROM r GROUP BY lead)
SELECT departments.id AS dept, * EXCLUDE (dept, id, name)
FROM departments
LEFT JOIN plan_cols ON plan_cols.dept = departments.id
LEFT JOIN fulfil ON fulfil.dept = departments.id
LEFT JOIN task_cols ON task_cols.dept = departments.id
LEFT JOIN joined ON joined.dept = departments.id
LEFT JOIN took ON took.dept = departments.id
LEFT JOIN drawn_cols ON drawn_cols.dept = departments.id
LEFT JOIN result_cols ON result_cols.dept = departments.id
ORDER BY departments.id
"""


def worker_duckdb_kpi(d: str, out: str) -> None:
    import duckdb
    from compare_kpi import COLUMNS, PROBLEM_RE

    rel = duckdb.sql(DUCKDB_KPI.format(d=d, problems=PROBLEM_RE))
    names = rel.columns
    table = {}
    for row in rel.fetchall():
        r = {c: int(v or 0) for c, v in zip(names, row) if c != "dept"}
        r["one"] = 1
        r["inspected_published"] = r["published"]
        table[row[0]] = {c: r[c] for c in COLUMNS}
    Path(out).write_text(json.dumps(table))


def worker_polars_kpi(d: str, out: str) -> None:
    import polars as pl
    from compare_kpi import polars_read_csv, polars_table

    Path(out).write_text(json.dumps(polars_table(pl, polars_read_csv(pl, Path(d)))))


def kpi_table_of_report(path: Path) -> dict:
    """The CLI's `kpi --json` report in the shape of compare_kpi.py's table."""
    from compare_kpi import COLUMNS, COUNTS, PAIRS

    report = json.loads(path.read_text(encoding="utf-8"))
    table = {}
    for d in report["departments"]:
        year = next(p for p in d["periods"] if p["period"] == "year")["kpis"]
        r = {c: d["annex"][c] for c in COUNTS}
        for kpi, (num, den) in PAIRS.items():
            r[num], r[den] = year[kpi]["numerator"], year[kpi]["denominator"]
        table[d["id"]] = {c: int(r[c]) for c in COLUMNS}
    return table


def worker_ours_python(parquet: str, out: str) -> None:
    import polars as pl
    import shuangsuiji as ssj

    pool = ssj.TargetPool.from_frame(pl.read_parquet(parquet))
    policy = ssj.policy_by_grade("5%", "20%", "60%", "100%")
    record = ssj.draw(pool, TASK, policy, seed=SEED_HEX)
    pl.from_arrow(record.selected).write_parquet(out)


def worker_polars_parquet(parquet: str, out: str) -> None:
    import polars as pl

    df = pl.read_parquet(parquet)
    eligible = df.filter(pl.col("status") == "active")
    parts = []
    for k, g in enumerate(GRADES):
        stratum = eligible.filter(pl.col("grade") == g)
        size = sample_size(stratum.height, RATIO_PPM[g])
        parts.append(
            stratum.sample(n=size, seed=PEER_SEED + k).select(
                "id", stratum=pl.lit(g), inclusion_probability=pl.lit(size / stratum.height)
            )
        )
    pl.concat(parts).write_parquet(out)


def worker(argv: list[str]) -> None:
    name, *rest = argv
    {
        "polars-draw": worker_polars_draw,
        "duckdb-draw": worker_duckdb_draw,
        "polars-kpi": worker_polars_kpi,
        "duckdb-kpi": worker_duckdb_kpi,
        "ours-python": worker_ours_python,
        "polars-parquet": worker_polars_parquet,
    }[name](*rest)


# ---------------------------------------------------------------------------------------------
# Running and measuring


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def measured(cmd: list[str], label: str, expect_rc: int = 0) -> dict:
    """Runs `cmd` under /usr/bin/time -v; wall seconds and peak RSS bytes."""
    start = time.perf_counter()
    p = subprocess.run([TIME, "-v", *cmd], capture_output=True, text=True, cwd=ROOT)
    wall_py = time.perf_counter() - start
    err = p.stderr
    m_wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err)
    m_rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    m_user = re.search(r"User time \(seconds\): (\S+)", err)
    m_sys = re.search(r"System time \(seconds\): (\S+)", err)
    if p.returncode != expect_rc or not (m_wall and m_rss):
        sys.stderr.write(p.stdout[-4000:] + err[-4000:])
        sys.exit(f"[{label}] {' '.join(cmd)} exited {p.returncode} (expected {expect_rc})")
    parts = [float(x) for x in m_wall.group(1).split(":")]
    wall = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    return {
        "wall_s": wall,
        "wall_perf_counter_s": wall_py,
        "peak_rss_bytes": int(m_rss.group(1)) * 1024,
        "user_s": float(m_user.group(1)) if m_user else None,
        "sys_s": float(m_sys.group(1)) if m_sys else None,
        "stdout": p.stdout[-2000:],
    }


def build_cli(given: str | None) -> str:
    if given:
        return given
    cmd = ["cargo", "build", "--release", "--locked", "-q", "-p", "shuangsuiji-cli"]
    print(f"[setup] {' '.join(cmd)}", file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "release" / "shuangsuiji")


def stratum_counts_csv(path: Path) -> dict[str, int]:
    import polars as pl

    df = pl.read_csv(path, schema_overrides={"id": pl.String, "stratum": pl.String})
    return {r["stratum"]: r["len"] for r in df.group_by("stratum").len().iter_rows(named=True)}


def stratum_counts_record(path: Path) -> dict[str, int]:
    record = json.loads(path.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for e in record["selected"]:
        counts[e["stratum"]] = counts.get(e["stratum"], 0) + 1
    strata = {g: s["sample_size"] for g, s in record["strata"].items() if s["sample_size"]}
    if strata != counts:
        sys.exit(f"[check] {path}: strata {strata} but selected entries per stratum {counts}")
    return counts


def check_sizes(label: str, got: dict[str, int], want: dict[str, int]) -> None:
    if got != want:
        sys.exit(f"[check] {label}: per-grade sample sizes {got}, expected {want}")


def stratum_counts_parquet(path: Path) -> dict[str, int]:
    import polars as pl

    df = pl.read_parquet(path)
    return {r["stratum"]: r["len"] for r in df.group_by("stratum").len().iter_rows(named=True)}


def check_tables(label: str, got: dict, want: dict) -> None:
    if got != want:
        for d in sorted(set(got) | set(want)):
            if got.get(d) != want.get(d):
                print(f"[check] {label}, department {d}: {got.get(d)} vs {want.get(d)}", file=sys.stderr)
        sys.exit(f"[check] {label}: the KPI tables disagree")


def ensure_kpi_data(data: Path, tasks: int, results: int, given: str | None) -> Path:
    """The synthetic year of compare_kpi.py (kpi_data), cached under `data`."""
    d = data / f"kpi-{tasks}-{results}"
    if (d / "results.csv").exists() and (d / "done").exists():
        return d
    if given:
        cmd = [given]
    else:
        build = ["cargo", "build", "--release", "--locked", "-q", "-p", "shuangsuiji-benches", "--bin", "kpi_data"]
        print(f"[setup] {' '.join(build)}", file=sys.stderr)
        subprocess.run(build, cwd=ROOT, check=True)
        cmd = [str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "kpi_data")]
    cmd += [str(d), str(tasks), str(results)]
    print(f"[setup] {' '.join(cmd)}", file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True)
    (d / "done").write_text("")
    return d


def python_has_shuangsuiji(python: str) -> bool:
    return subprocess.run([python, "-c", "import shuangsuiji, polars"], capture_output=True).returncode == 0


PYTHON_HOWTO = """the --python path needs the shuangsuiji package (release build) in {py}; e.g.:
  python3 -m venv bindings/python/.venv && bindings/python/.venv/bin/pip install -r bindings/python/requirements-dev.txt
  bindings/python/.venv/bin/maturin build --release --manifest-path bindings/python/Cargo.toml --locked --out /tmp/ssj-wheel
  {py} -m pip install --force-reinstall --no-deps /tmp/ssj-wheel/shuangsuiji-*.whl"""


class Side:
    """One whole-process command: what work it does, its label, command, check and input."""

    def __init__(self, work: str, label: str, cmd: list[str], check, baseline: bool = False):
        self.work, self.label, self.cmd, self.check, self.baseline = work, label, cmd, check, baseline


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/ssj-e2e", help="where the generated files are cached")
    ap.add_argument("--seed", type=int, default=20_260_101, help="seed of the generated pool")
    ap.add_argument("--bin", help="a built shuangsuiji binary (default: cargo build --release)")
    ap.add_argument("--skip-draw", action="store_true", help="leave out the draw from the CSV (and verify)")
    ap.add_argument("--skip-verify", action="store_true", help="do not time shuangsuiji verify")
    ap.add_argument("--kpi", action="store_true", help="also time kpi --input against polars and duckdb")
    ap.add_argument("--kpi-results", type=int, default=10_000_000)
    ap.add_argument("--kpi-tasks", type=int, help="default: a hundredth of --kpi-results")
    ap.add_argument("--kpi-data-bin", help="a built kpi_data binary (default: cargo build --release)")
    ap.add_argument("--python", action="store_true", help="also time Parquet → TargetPool → draw → Parquet")
    ap.add_argument("--only-python", action="store_true",
                    help="time only the --python pair (implies --python --skip-draw; no CLI is built)")
    ap.add_argument("--python-env", default=str(BENCHES / ".venv" / "bin" / "python"),
                    help="the interpreter with the shuangsuiji package for --python")
    ap.add_argument("--json", help="also write all figures to this file")
    args = ap.parse_args()
    if args.only_python:
        args.python, args.skip_draw = True, True

    if not Path(TIME).exists():
        sys.exit(f"{TIME} (GNU time) is missing: install it with `apt-get install -y time` (as root)")
    ensure_modules(MODULES, __file__)
    import duckdb
    import polars as pl

    if args.python and not python_has_shuangsuiji(args.python_env):
        sys.exit(PYTHON_HOWTO.format(py=args.python_env))
    data = Path(args.data)
    csv, parquet = ensure_pool(data, args.n, args.seed)
    csv_bytes, parquet_bytes = csv.stat().st_size, parquet.stat().st_size
    out = data / f"out-{args.n}"
    out.mkdir(exist_ok=True)
    binary = build_cli(args.bin) if not args.skip_draw or args.kpi else ""
    want = expected_sizes(args.n)
    me = [sys.executable, str(Path(__file__).resolve()), "worker"]
    inputs = {"draw": (csv_bytes, "pool CSV"), "verify": (csv_bytes, "pool CSV"),
              "python": (csv_bytes, "pool CSV")}
    warm = [csv]
    rec = out / "rec.json"
    sides: list[Side] = []
    if not args.skip_draw:
        sides.append(Side(
            "draw", "shuangsuiji draw",
            [binary, "draw", "--pool", str(csv), "--ratios", RATIOS_FLAG, "--seed", SEED_HEX, "--task", TASK,
             "--out", str(rec)],
            lambda: check_sizes("shuangsuiji draw", stratum_counts_record(rec), want)))
        if not args.skip_verify:
            sides.append(Side("verify", "shuangsuiji verify",
                              [binary, "verify", "--record", str(rec), "--pool", str(csv)], None))
        sides += [
            Side("draw", f"polars {pl.__version__}: read_csv → sample → write_csv",
                 [*me, "polars-draw", str(csv), str(out / "polars.csv")],
                 lambda: check_sizes("polars", stratum_counts_csv(out / "polars.csv"), want)),
            Side("draw", f"duckdb {duckdb.__version__}: read_csv → row_number() over (… hash) → CSV",
                 [*me, "duckdb-draw", str(csv), str(out / "duckdb.csv")],
                 lambda: check_sizes("duckdb", stratum_counts_csv(out / "duckdb.csv"), want), baseline=True),
        ]
    kpi_dir = None
    if args.kpi:
        tasks = args.kpi_tasks or max(2, args.kpi_results // 100)
        kpi_dir = ensure_kpi_data(data, tasks, args.kpi_results, args.kpi_data_bin)
        kpi_csvs = sorted(kpi_dir.glob("*.csv"))
        inputs["kpi"] = (sum(f.stat().st_size for f in kpi_csvs), "KPI CSV tables")
        warm += kpi_csvs
        tables: dict[str, dict] = {}

        def kpi_check(name: str, path: Path, of_report: bool = False):
            def check():
                tables[name] = kpi_table_of_report(path) if of_report else json.loads(path.read_text())
                if name != "polars" and "polars" in tables:
                    check_tables(f"{name} vs polars", tables[name], tables["polars"])
            return check

        sides += [
            Side("kpi", f"polars {pl.__version__}: read_csv → per-department table",
                 [*me, "polars-kpi", str(kpi_dir), str(out / "kpi-polars.json")],
                 kpi_check("polars", out / "kpi-polars.json")),
            Side("kpi", "shuangsuiji kpi --input",
                 [binary, "kpi", "--input", str(kpi_dir), "--json", str(out / "kpi-report.json")],
                 kpi_check("shuangsuiji", out / "kpi-report.json", of_report=True)),
            Side("kpi", f"duckdb {duckdb.__version__}: read_csv → per-department table (SQL)",
                 [*me, "duckdb-kpi", str(kpi_dir), str(out / "kpi-duckdb.json")],
                 kpi_check("duckdb", out / "kpi-duckdb.json"), baseline=True),
        ]
    if args.python:
        warm.append(parquet)
        py_me = [args.python_env, str(Path(__file__).resolve()), "worker"]
        sides += [
            Side("python", "Python: Parquet → TargetPool.from_frame → draw → Parquet",
                 [*py_me, "ours-python", str(parquet), str(out / "python.parquet")],
                 lambda: check_sizes("python", stratum_counts_parquet(out / "python.parquet"), want)),
            Side("python", "polars alone: read_parquet → sample → write_parquet",
                 [*py_me, "polars-parquet", str(parquet), str(out / "polars.parquet")],
                 lambda: check_sizes("polars parquet", stratum_counts_parquet(out / "polars.parquet"), want),
                 baseline=True),
        ]
    if not sides:
        sys.exit("nothing to run")

    for f in warm:
        subprocess.run(["cat", str(f)], stdout=subprocess.DEVNULL, check=True)
    load_before = uptime()
    print(f"[load] {load_before}", file=sys.stderr)
    runs: dict[str, list[dict]] = {s.label: [] for s in sides}
    for r in range(args.runs):
        for s in sides:
            m = measured(s.cmd, s.label)
            if s.check is not None:
                s.check()
            runs[s.label].append(m)
            print(f"[run {r + 1}/{args.runs}] {s.label}: {m['wall_s']:.2f} s, {m['peak_rss_bytes'] / 1e9:.2f} GB, "
                  f"load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    load_after = uptime()
    print(f"[load] {load_after}", file=sys.stderr)
    if not args.skip_draw or args.python:
        print(f"[check] per-grade sample sizes agree: {want}", file=sys.stderr)
    if args.kpi:
        print(f"[check] KPI tables equal: {', '.join(tables)}", file=sys.stderr)

    summary: dict[str, dict] = {}
    base_of = {}
    for s in sides:
        rs = runs[s.label]
        summary[s.label] = {
            "work": s.work,
            "wall_median_s": statistics.median(m["wall_s"] for m in rs),
            "peak_rss_median_bytes": statistics.median(m["peak_rss_bytes"] for m in rs),
            "cpu_median_s": statistics.median(m["user_s"] + m["sys_s"] for m in rs),
            "command": s.cmd,
        }
        if s.baseline:
            base_of[s.work] = s.label
    if "draw" in base_of:
        base_of["verify"] = base_of["draw"]
    print(f"\nWhole processes, median of {args.runs}, {os.cpu_count()} cores")
    if not args.skip_draw or args.python:
        print(f"pool: n = {args.n:,}, CSV {csv_bytes / 1e9:.3f} GB ({csv}), Parquet {parquet_bytes / 1e9:.3f} GB")
    if kpi_dir:
        print(f"KPI year: {kpi_dir}, CSV tables {inputs['kpi'][0] / 1e9:.3f} GB")
    print(f"load: before `{load_before}`, after `{load_after}`\n")
    print("| command | wall (median) | CPU, user + sys (median) | peak memory | wall / baseline | peak memory / input |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, s in summary.items():
        base = summary[base_of[s["work"]]]
        s["baseline"] = base_of[s["work"]]
        s["wall_vs_baseline"] = s["wall_median_s"] / base["wall_median_s"]
        size, what = inputs[s["work"]]
        s["input"], s["input_bytes"] = what, size
        s["peak_rss_vs_input"] = s["peak_rss_median_bytes"] / size
        base_name = base_of[s["work"]].split(":")[0]
        print(f"| {label} | {s['wall_median_s']:.2f} s | {s['cpu_median_s']:.2f} s | "
              f"{s['peak_rss_median_bytes'] / 1e9:.2f} GB | "
              f"{s['wall_vs_baseline']:.2f}× {base_name} | {s['peak_rss_vs_input']:.2f}× {what} |")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "n": args.n,
                    "csv": str(csv),
                    "csv_bytes": csv_bytes,
                    "parquet": str(parquet),
                    "parquet_bytes": parquet_bytes,
                    "kpi_dir": str(kpi_dir) if kpi_dir else None,
                    "runs": args.runs,
                    "expected_sizes": want,
                    "load_before": load_before,
                    "load_after": load_after,
                    "nproc": os.cpu_count(),
                    "python": platform.python_version(),
                    "polars": pl.__version__,
                    "duckdb": duckdb.__version__,
                    "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                             text=True).stdout.strip(),
                    "argv": sys.argv,
                    "summary": summary,
                    "all_runs": runs,
                },
                indent=2,
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
