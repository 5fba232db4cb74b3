"""Every docstring example of the package, and the README's Python example, are run."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

MODULES = ["shuangsuiji", "shuangsuiji._errors", "shuangsuiji.credit", "shuangsuiji.pool",
           "shuangsuiji.draw", "shuangsuiji.cycle", "shuangsuiji.calendar", "shuangsuiji.kpi",
           "shuangsuiji.demo", "shuangsuiji.formats"]
README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "shuangsuiji.calendar"


def test_readme_python_example(tmp_path, monkeypatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has a Python example"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})
