#!/usr/bin/env python3
"""Side by side: the 4-grade stratified draw in numpy, in polars and in shuangsuiji.

Usage (from anywhere):

    python3 benches/compare_draw.py [--n 10000000] [--runs 5] [--seed 20260101]
                                    [--rust-bin PATH] [--skip-rust] [--json OUT.json]

numpy and polars: if either cannot be imported, the script creates a virtual environment at
``benches/.venv`` (``python3 -m venv``), installs ``benches/requirements.txt`` into it with pip
and re-runs itself with that interpreter; later runs use the venv directly. ``benches/.venv/``
is git-ignored. Delete it to start over.

What is timed (median of --runs after one untimed warm-up; data creation and the freeing of
results are not timed):

- numpy: per grade, ``np.flatnonzero(grades == g)`` then
  ``np.random.default_rng(seed).choice(idx, size, replace=False)``;
- polars: per grade, ``df.filter(pl.col("grade") == g).sample(n=size, seed=...)``;
- shuangsuiji: ``cargo run --release -p shuangsuiji-benches --bin draw_timing -- N RUNS``
  (or ``--rust-bin``), which builds the same-size synthetic pool (same exact grade mix) and
  reports the keys-only floor, ``draw::sample``, ``record::draw`` and ``record::verify``.

Sample sizes are ceil(N_h * ratio) with ratios A 5%, B 20%, C 60%, D 100%, computed in
integers as the library does; the script checks that all three agree on them.
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
GRADES = "ABCD"
MIX_PERCENT = (30, 55, 10, 5)
RATIO_PPM = (50_000, 200_000, 600_000, 1_000_000)


def grade_counts(n: int) -> list[int]:
    """Exact per-grade counts, as `shuangsuiji_benches::grade_counts` (D takes the remainder)."""
    a, b, c = (n * p // 100 for p in MIX_PERCENT[:3])
    return [a, b, c, n - a - b - c]


def sample_size(eligible: int, ppm: int) -> int:
    """ceil(eligible * ppm / 10^6) in integers."""
    return -(-eligible * ppm // 1_000_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--rust-bin", help="a built draw_timing binary (default: cargo run --release)")
    ap.add_argument("--skip-rust", action="store_true")
    ap.add_argument("--json", help="also write all figures to this file")
    args = ap.parse_args()

    ensure_modules(("numpy", "polars"), __file__)
    import numpy as np
    import polars as pl

    n, runs, seed = args.n, args.runs, args.seed
    counts = grade_counts(n)
    expected = [sample_size(c, r) for c, r in zip(counts, RATIO_PPM)]

    # Data creation (not timed): grade codes 0..3 with the exact mix, shuffled.
    grades = np.repeat(np.arange(4, dtype=np.uint8), counts)
    np.random.default_rng(seed).shuffle(grades)
    df = pl.DataFrame({"grade": grades}).with_row_index("idx")

    def draw_numpy():
        rng = np.random.default_rng(seed)
        out = []
        for g, ppm in enumerate(RATIO_PPM):
            idx = np.flatnonzero(grades == g)
            out.append(rng.choice(idx, sample_size(len(idx), ppm), replace=False))
        return out

    def draw_polars():
        out = []
        for g, ppm in enumerate(RATIO_PPM):
            part = df.filter(pl.col("grade") == g)
            out.append(part.sample(n=sample_size(part.height, ppm), seed=seed + g)["idx"])
        return out

    results: dict[str, dict] = {}
    for name, fn in (("numpy", draw_numpy), ("polars", draw_polars)):
        med, times, picks = timed(fn, runs)
        for g, p in enumerate(picks):
            arr = np.asarray(p)
            assert len(arr) == expected[g], (name, g, len(arr), expected[g])
            assert len(np.unique(arr)) == len(arr), (name, g, "duplicates")
            assert (grades[arr] == g).all(), (name, g, "wrong grade")
        results[name] = {"median_ms": med, "runs_ms": times}
        print(f"[{name}] median {med:.1f} ms  runs {[round(t, 1) for t in times]}", file=sys.stderr)
    del df, grades

    rust = None
    if not args.skip_rust:
        cmd = (
            [args.rust_bin]
            if args.rust_bin
            else ["cargo", "run", "--release", "-q", "-p", "shuangsuiji-benches", "--bin", "draw_timing", "--"]
        ) + [str(n), str(runs)]
        print(f"[rust] {' '.join(cmd)}", file=sys.stderr)
        rust = json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
        got = [rust["sample_size"][g] for g in GRADES]
        assert got == expected, ("sample sizes differ", got, expected)

    best_name = min(("numpy", "polars"), key=lambda k: results[k]["median_ms"])
    best = results[best_name]["median_ms"]
    rows = [
        (f"numpy {np.__version__}: flatnonzero + Generator.choice(replace=False)", results["numpy"]["median_ms"]),
        (f"polars {pl.__version__}: filter + sample(n, seed)", results["polars"]["median_ms"]),
    ]
    if rust:
        m = rust["median_ms"]
        rows += [
            ("shuangsuiji keys-only floor, 2 threads (n-word array)", m["keys_floor_2t"]),
            ("shuangsuiji draw::sample (index-level)", m["sample"]),
            ("shuangsuiji record::draw (record with ids)", m["draw"]),
            ("shuangsuiji record::verify", m["verify"]),
        ]
    print(
        f"\nN = {n:,}, sizes A/B/C/D = {'/'.join(map(str, expected))} "
        f"(total {sum(expected):,}), median of {runs}; best peer: {best_name}\n"
    )
    width = max(len(r[0]) for r in rows)
    print(f"| {'method':<{width}} | {'median ms':>10} | {'speedup vs best peer':>20} |")
    print(f"|{'-' * (width + 2)}|{'-' * 12}|{'-' * 22}|")
    for label, ms in rows:
        print(f"| {label:<{width}} | {ms:>10.1f} | {best / ms:>19.2f}x |")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "n": n,
                    "runs": runs,
                    "expected_sizes": dict(zip(GRADES, expected)),
                    "python": sys.version.split()[0],
                    "numpy": np.__version__,
                    "polars": pl.__version__,
                    "polars_threads": pl.thread_pool_size(),
                    "peers": results,
                    "rust": rust,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
