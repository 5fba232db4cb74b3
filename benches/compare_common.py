"""What the side-by-side comparison scripts share: the pinned peers in benches/.venv, and timing.

The scripts run with any Python 3; when the peers (numpy, pandas, polars, pyarrow) are missing
they create benches/.venv, install benches/requirements.txt (pinned: the figures in RESULTS.md
were taken with exactly those versions) and re-run themselves in it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCHES = Path(__file__).resolve().parent
VENV = BENCHES / ".venv"
REQUIREMENTS = BENCHES / "requirements.txt"


def ensure_modules(modules: tuple[str, ...], script: str) -> None:
    """Import `modules`, or set up benches/.venv and re-run `script` (with its arguments) in it."""
    try:
        for m in modules:
            __import__(m)
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if os.environ.get("SSJ_COMPARE_REEXEC") == "1":
        sys.exit(f"{', '.join(modules)} still missing in {sys.executable}; delete {VENV} and retry")
    if not python.exists():
        print(f"[setup] creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    has = subprocess.run([str(python), "-c", "import " + ", ".join(modules)], capture_output=True)
    if has.returncode != 0:
        print(f"[setup] installing {REQUIREMENTS} into {VENV}", file=sys.stderr)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True
        )
    env = dict(os.environ, SSJ_COMPARE_REEXEC="1")
    os.execve(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]], env)


def timed(fn, runs: int) -> tuple[float, list[float], object]:
    """Median ms of `runs` calls after one warm-up; results are freed outside the timing."""
    last = fn()
    times = []
    for _ in range(runs):
        del last
        start = time.perf_counter()
        last = fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), times, last
