"""The KPIs of the quarterly and annual reports (docs/KPI.md), from data frames or CSV files.

The input is eight flat tables, named after their CSV files: ``departments``, ``items``,
``plans``, ``tasks``, ``drawn``, ``results``, ``follow_ups``, ``unplanned`` (a missing one is
empty). Data frames go through the same reader as the CSV files, so errors name the same
table, line (the header is line 1) and field.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from typing import TYPE_CHECKING, Any, Mapping

import pyarrow as pa

from . import _arrow, _native
from .publish import Publication, _write

if TYPE_CHECKING:
    from .pool import TargetPool

if TYPE_CHECKING:
    from .formats import Profile

__all__ = ["KPI_TABLES", "KpiInput", "KpiReport", "kpi_report"]

#: The tables of a KPI input, in the order of docs/KPI.md.
KPI_TABLES = ("departments", "items", "plans", "tasks", "drawn", "results", "follow_ups", "unplanned")


class KpiReport:
    """A computed report: Annex 1 (:attr:`annex`), every KPI per department and period
    (:attr:`kpis`), the findings, the design-weighted estimate and the assessment
    (:meth:`to_dict`)."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.KpiReport) -> None:
        self._native = native

    @property
    def year(self) -> int:
        return self._native.year

    @property
    def annex(self) -> pa.Table:
        """Annex 1 (附件1), one row per department and a total row (``department`` null)."""
        return _arrow.table(self._native.annex)

    @property
    def kpis(self) -> pa.Table:
        """Every rate in long form: ``department``, ``name``, ``period`` (``q1``…``q4``,
        ``year``), ``kpi``, ``numerator``, ``denominator``, ``value`` (null: not applicable)."""
        return _arrow.table(self._native.kpis)

    def rates(self, period: str = "year") -> pa.Table:
        """The rates of one period, one row per department (the total last) and one column per
        KPI: what a report's per-department chart shows."""
        import pyarrow.compute as pc

        long = self.kpis.filter(pc.equal(self.kpis.column("period"), period))
        names = long.column("name").to_pylist()[:: len(_KPI_NAMES)]
        depts = long.column("department").to_pylist()[:: len(_KPI_NAMES)]
        values = long.column("value")
        cols: dict[str, Any] = {"department": pa.array(depts, pa.string()), "name": pa.array(names, pa.string())}
        for k, kpi in enumerate(_KPI_NAMES):
            cols[kpi] = values.take(pa.array(range(k, len(long), len(_KPI_NAMES))))
        return pa.table(cols)

    def to_json(self) -> str:
        return self._native.to_json()

    def to_dict(self) -> dict[str, Any]:
        return dict(json.loads(self.to_json()))

    def text(self) -> str:
        """Annex 1, the year's KPIs and the findings, as the CLI prints them."""
        return self._native.text()

    def annex_csv(self) -> str:
        """Annex 1 as CSV text (no byte-order mark: :meth:`to_excel` is the file to open in
        Excel; the command line's ``kpi --csv`` file has one)."""
        return self._native.annex_csv()

    def to_excel_bytes(self, *, title: str | None = None, as_of: _dt.date | str | None = None) -> bytes:
        """:meth:`to_excel`'s workbook as bytes."""
        day = _dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return _native.annex_workbook(self._native, title, day)

    def to_excel(
        self, path: str | os.PathLike[str], *, title: str | None = None, as_of: _dt.date | str | None = None
    ) -> None:
        """Writes Annex 1 laid out like the report (``附件1``: title, ``（截止…）``, the two header
        rows, a row per department, 合计, the headline rates), the KPIs of the year and of each
        quarter (rates as ``0.0%`` numbers, ``不适用`` where they do not apply) and the
        assessment (``附件2 考核结果``) as one xlsx workbook. ``title`` replaces the default
        ``{year}年市场监管领域部门联合“双随机、一公开”监管工作情况表``; ``as_of`` the day of
        ``（截止…）`` (31 December by default)."""
        _write(path, self.to_excel_bytes(title=title, as_of=as_of))

    def to_pandas(self) -> Any:
        """:attr:`annex` as a pandas DataFrame."""
        return self.annex.to_pandas()

    def to_polars(self) -> Any:
        """:attr:`annex` as a polars DataFrame."""
        return _arrow.to_polars(self.annex)

    def __repr__(self) -> str:
        return repr(self._native)


_KPI_NAMES = (
    "joint_task_share", "joint_plan_share", "participation", "publication", "problem_discovery",
    "plan_fulfilment", "item_coverage", "risk_grade_application", "follow_up_disposal",
    "mobile_enforcement", "on_time_publication", "on_time_completion", "joint_target_share",
)


class KpiInput:
    """The flat KPI input.

    >>> import shuangsuiji as ssj
    >>> kin = ssj.KpiInput.from_frames(
    ...     departments={"id": ["D1", "D2"], "name": ["市场监管局", "卫健局"]},
    ...     plans={"id": ["P1"], "year": [2026], "department": ["D1"], "kind": ["joint"], "participants": ["D2"]},
    ...     tasks={"id": ["T1"], "plans": ["P1"], "lead": ["D1"], "participants": ["D2"], "joint": [True],
    ...            "graded": [True], "created_on": ["2026-04-01"], "due_on": ["2026-11-30"], "completed_on": ["2026-05-10"]},
    ...     drawn={"task": ["T1", "T1"], "target": ["E1", "E2"], "stratum": ["B", "D"], "inclusion_probability": [0.1, 1.0]},
    ...     results={"task": ["T1", "T1"], "target": ["E1", "E2"], "codes": ["未发现问题", "发现问题已责令改正"],
    ...              "inspected_on": ["2026-04-20", "2026-04-21"], "entered_on": ["2026-04-20", "2026-04-21"],
    ...              "mobile": [True, True], "published_on": ["2026-04-22", "2026-04-23"]},
    ... )
    >>> report = ssj.kpi_report(kin)
    >>> report.to_dict()["total"]["periods"][-1]["kpis"]["problem_discovery"]["display"]
    '50.0%'
    >>> report.annex.column("drawn").to_pylist()
    [2, 0, 2]
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.KpiInput) -> None:
        self._native = native

    @classmethod
    def from_frames(cls, **tables: Any) -> KpiInput:
        """From data frames (pandas, polars, pyarrow, duckdb, or dicts of columns), one per
        table by keyword; dates may be date columns or ``YYYY-MM-DD`` text, flags booleans,
        multi-valued fields ``;``-separated text or list columns."""
        return cls(_native.KpiInput.from_arrow({name: _arrow.frame(t) for name, t in tables.items()}))

    @classmethod
    def from_csv(cls, tables: Mapping[str, str]) -> KpiInput:
        """From CSV text per table name."""
        return cls(_native.KpiInput.from_csv(dict(tables)))

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> KpiInput:
        """From a folder of the library's ``<table>.csv`` files (UTF-8); missing files are
        empty tables. :meth:`read` reads a folder as the CLI's ``kpi --input DIR`` does (any
        format, the platforms' headers and wordings)."""
        texts = {}
        for name in KPI_TABLES:
            file = os.path.join(path, f"{name}.csv")
            if os.path.exists(file):
                with open(file, encoding="utf-8-sig") as f:
                    texts[name] = f.read()
        return cls.from_csv(texts)

    @classmethod
    def read(
        cls,
        source: str | os.PathLike[str] | Mapping[str, Any],
        *,
        profile: Profile | str | os.PathLike[str] | None = None,
    ) -> KpiInput:
        """From the tables' files in any supported format (a folder, as ``kpi --input DIR``
        reads it, or a mapping of table name to file): :func:`~shuangsuiji.read_kpi_input`."""
        from .formats import read_kpi_input

        return read_kpi_input(source, profile=profile)

    @classmethod
    def demo(cls) -> KpiInput:
        """The demo county's year."""
        return cls(_native.demo_kpi_input())

    def to_csv(self) -> dict[str, str]:
        """The CSV text of every table, by file name (``results.csv``, …)."""
        return dict(self._native.to_csv())

    def to_dir(self, path: str | os.PathLike[str]) -> None:
        """Writes every table as ``<table>.csv`` into ``path`` (created if needed)."""
        os.makedirs(path, exist_ok=True)
        for name, text in self.to_csv().items():
            with open(os.path.join(path, name), "w", encoding="utf-8") as f:
                f.write(text)

    @property
    def year(self) -> int:
        return self._native.year

    @property
    def notes(self) -> tuple[str, ...]:
        """How the tables' files were read (:meth:`read`), one note each; empty otherwise."""
        return tuple(self._native.notes)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return dict(self._native.counts())

    def gongshi(self, pool: TargetPool | None = None) -> Publication:
        """The 检查结果公示 table: one row per result (序号, 任务编号, 主体名称,
        统一社会信用代码/注册号, 主体标识, 检查实施机关, 类型, 日期, 结果), names and codes from
        ``pool`` when given. The tables are checked as :meth:`report` checks them."""
        return Publication(_native.gongshi_of(self._native, None if pool is None else pool._native))

    def report(self, config: Mapping[str, Any] | None = None) -> KpiReport:
        """Computes the report (the GIL is released); ``config`` is the core's ``KpiConfig``
        (``as_of``, ``year_end``, ``max_listed``, ``assessment``)."""
        text = None if config is None else json.dumps(config, ensure_ascii=False, default=str)
        return KpiReport(self._native.report(text))


def kpi_report(data: KpiInput, config: Mapping[str, Any] | None = None) -> KpiReport:
    """The KPI report of an input (see :class:`KpiInput`)."""
    return data.report(config)
