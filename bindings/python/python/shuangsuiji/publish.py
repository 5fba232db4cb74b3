"""What “一公开” publishes, in the forms the platforms use (docs/FORMATS.md §9).

:meth:`DrawRecord.publication <shuangsuiji.DrawRecord.publication>` gives the 抽取结果 list of a
draw (checked first against the pool: a pool that does not reproduce the record raises
:class:`~shuangsuiji.VerificationError`); :meth:`KpiInput.gongshi <shuangsuiji.KpiInput.gongshi>`
the 检查结果公示 table of the results; :meth:`KpiReport.to_excel <shuangsuiji.KpiReport.to_excel>`
writes Annex 1 and the KPI tables as a workbook laid out like the report. A
:class:`Publication` is written with :meth:`~Publication.to_excel` (xlsx) or
:meth:`~Publication.to_csv` (UTF-8 with a byte-order mark, for Excel on Chinese Windows), and
read as a pyarrow table or a pandas frame.

>>> import shuangsuiji as ssj
>>> pool = ssj.TargetPool.from_frame({"id": ["E1", "E2", "E3", "E4"], "name": ["甲", "乙", "丙", "丁"],
...                                   "grade": ["A", "B", "C", "D"]})
>>> record = ssj.draw(pool, "2026-SCJG-001", ssj.policy_by_grade("5%", "20%", "60%", "100%"),
...                   public_entropy=("双色球 2026130期", "03 07 12 19 25 31 + 09"))
>>> listing = record.publication(pool, task_name="2026年双随机抽查")
>>> listing.to_pandas()[["序号", "主体名称", "随机数来源"]].head(2)
   序号 主体名称        随机数来源
0   1    甲  双色球 2026130期
1   2    乙  双色球 2026130期
>>> listing.to_csv_text()[:12]
'\\ufeff序号,任务编号,任务名称'
"""

from __future__ import annotations

import os
from typing import Any

import pyarrow as pa

from . import _native

__all__ = ["Publication"]


def _write(path: str | os.PathLike[str], data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


class Publication:
    """One table to publish: :attr:`header`, :attr:`rows` (text, as CSV writes them),
    :attr:`title` (the lines above the header in the workbook) and the sheet's name."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Publication) -> None:
        self._native = native

    @property
    def sheet(self) -> str:
        return self._native.sheet

    @property
    def title(self) -> list[str]:
        return self._native.title

    @property
    def header(self) -> list[str]:
        return self._native.header

    @property
    def rows(self) -> list[list[str]]:
        return self._native.rows

    def to_arrow(self) -> pa.Table:
        """The table with the Chinese headers as column names: ``序号`` as integers, every
        other column as text."""
        rows = self.rows
        columns: dict[str, Any] = {}
        for i, name in enumerate(self.header):
            values = [r[i] for r in rows]
            columns[name] = pa.array([int(v) for v in values], pa.int64()) if i == 0 else pa.array(values, pa.string())
        return pa.table(columns)

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a pandas DataFrame."""
        return self.to_arrow().to_pandas()

    def to_excel_bytes(self) -> bytes:
        """The workbook (xlsx) as bytes."""
        return self._native.xlsx()

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Writes the workbook: the title lines, the header, the rows."""
        _write(path, self.to_excel_bytes())

    def to_csv_text(self) -> str:
        """The header and rows as CSV text, starting with a byte-order mark."""
        return self._native.csv()

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Writes the CSV file (UTF-8 with a byte-order mark, ``\\n`` line ends)."""
        _write(path, self.to_csv_text().encode("utf-8"))

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return f"<Publication {self.sheet}: {len(self)} rows>"
