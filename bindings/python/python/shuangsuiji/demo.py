"""The demo county (a deterministic county of realistic size), to try the library and to
generate the files a platform would export."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from . import _native
from .kpi import KpiInput
from .pool import InspectorPool, TargetPool

__all__ = ["DemoCounty", "demo_county", "write_demo"]


@dataclass(frozen=True)
class DemoCounty:
    """The demo county: pools, departments, item lists and the year's annual plan."""

    targets: TargetPool
    inspectors: InspectorPool
    departments: list[dict[str, str]]
    items: dict[str, Any]
    joint_items: dict[str, Any]
    annual_plan: dict[str, Any]
    merge_config: dict[str, Any]


def demo_county() -> DemoCounty:
    """Builds the demo county (deterministic).

    >>> county = demo_county()
    >>> len(county.targets) > 1000, county.departments[0]["id"]
    (True, 'D01')
    """
    targets, inspectors, doc = _native.demo_county()
    d = json.loads(doc)
    return DemoCounty(
        TargetPool(targets),
        InspectorPool(inspectors),
        d["departments"],
        d["items"],
        d["joint_items"],
        d["annual_plan"],
        d["merge_config"],
    )


def write_demo(out: str | os.PathLike[str]) -> dict[str, str]:
    """Writes what a platform would export for the demo year: ``pool.csv`` and
    ``history.csv`` (the target pool in the CLI's columns), ``inspectors.json`` and the KPI tables under ``kpi/``. Returns the
    paths written, by name."""
    import pyarrow.csv as pacsv

    os.makedirs(out, exist_ok=True)
    county = demo_county()
    paths = {"pool": os.path.join(out, "pool.csv"), "inspectors": os.path.join(out, "inspectors.json")}
    pacsv.write_csv(county.targets.to_arrow(), paths["pool"])
    paths["history"] = os.path.join(out, "history.csv")
    pacsv.write_csv(county.targets.history_to_arrow(), paths["history"])
    with open(paths["inspectors"], "w", encoding="utf-8") as f:
        f.write(county.inspectors.to_json())
    paths["kpi"] = os.path.join(out, "kpi")
    KpiInput.demo().to_dir(paths["kpi"])
    return paths
