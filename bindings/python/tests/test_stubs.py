"""The stubs match the native module (mypy.stubtest), and the package type-checks strictly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import shuangsuiji

CONFIG = Path(__file__).resolve().parents[1] / "pyproject.toml"


def run(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stubtest() -> None:
    run("mypy.stubtest", "shuangsuiji", "--mypy-config-file", str(CONFIG))


def test_mypy_strict() -> None:
    run("mypy", "--config-file", str(CONFIG), "-p", "shuangsuiji")


def test_typed_marker_and_stubs_ship() -> None:
    package = Path(shuangsuiji.__file__).parent
    assert (package / "py.typed").exists() and (package / "_native.pyi").exists()
