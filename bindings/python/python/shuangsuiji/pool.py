"""The two pools (两库) from data frames, frozen into canonical, digested snapshots."""

from __future__ import annotations

import json
import os
from typing import Any

import pyarrow as pa

from . import _arrow, _native

__all__ = ["TargetPool", "InspectorPool", "TARGET_COLUMNS", "HISTORY_COLUMNS", "INSPECTOR_COLUMNS"]

#: The columns of a target table (``id`` is required; others default as in the CLI's files).
TARGET_COLUMNS = (
    "id", "credit_code", "name", "kind", "region", "industry", "grid",
    "status", "grade", "risk_score", "positive_list", "tags",
)
#: The columns of an inspection-history table (the first three are required).
HISTORY_COLUMNS = ("target_id", "date", "department", "item", "inspectors")
#: The columns of an inspector table (``id`` and ``department`` are required).
INSPECTOR_COLUMNS = (
    "id", "name", "department", "unit", "certificate", "certificate_expiry",
    "region", "items", "tags", "expert", "active",
)


class TargetPool:
    """A frozen target pool (检查对象名录库): canonical id order and its SM3 digest.

    Build it with :meth:`from_frame` from a pandas or polars data frame, a pyarrow table or
    any object with the Arrow PyCapsule interface, in the columns of :data:`TARGET_COLUMNS`
    (as the CLI's pool files): ``grade`` A–D or empty (ungraded), ``tags`` ``;``-separated
    (or a list column), ``positive_list`` boolean or 是/否, ``risk_score`` integer or text.
    The cells are read natively, straight into the frozen pool's columns (no object per row),
    with the GIL released; a bad row (the first in table order) raises :class:`~shuangsuiji.PoolError` naming its ``row`` (1-based), ``id`` and
    ``field``.

    >>> import pandas as pd, shuangsuiji as ssj
    >>> df = pd.DataFrame({"id": ["E1", "E2", "E3"], "grade": ["A", "B", None]})
    >>> pool = ssj.TargetPool.from_frame(df)
    >>> len(pool), "E2" in pool, len(pool.digest)
    (3, True, 64)
    >>> pool.to_arrow().column("grade").to_pylist()
    ['A', 'B', None]
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.TargetPool) -> None:
        self._native = native

    @classmethod
    def from_frame(cls, targets: Any, history: Any = None) -> TargetPool:
        """Builds and freezes the pool; ``history`` is an optional table of past inspections
        (:data:`HISTORY_COLUMNS`; ``inspectors`` ``;``-separated or a list column)."""
        h = None if history is None else _arrow.frame(history)
        return cls(_native.TargetPool.from_arrow(_arrow.frame(targets), h))

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], history: str | os.PathLike[str] | None = None) -> TargetPool:
        """Reads the CLI's pool file (and history file) straight into the frozen pool, as the
        command line reads them (the same columns, leniency and digest), with the GIL released.
        A bad row raises :class:`~shuangsuiji.PoolError` naming its ``file``, ``line`` and
        ``field`` (and its data ``row``; a duplicate or look-alike id also the ``first_row``).
        For the platforms' files (workbooks, GBK, Chinese headers) see
        :func:`~shuangsuiji.read_pool`."""
        h = None if history is None else os.fspath(history)
        return cls(_native.TargetPool.from_csv(os.fspath(path), h))

    @classmethod
    def from_json(cls, text: str) -> TargetPool:
        """The pool of a JSON array of targets (the core's serde form)."""
        return cls(_native.TargetPool.from_json(text))

    def to_json(self) -> str:
        """The targets in canonical order as JSON (history included)."""
        return self._native.to_json()

    @property
    def digest(self) -> str:
        """The SM3 digest a draw record publishes (64 hex characters)."""
        return self._native.digest

    @property
    def notes(self) -> tuple[str, ...]:
        """How the pool's files were read (:func:`~shuangsuiji.read_pool`,
        :meth:`from_csv`), one note each: the encoding, the sheet, rows skipped, columns
        ignored, every value changed; empty for a pool from a data frame or JSON."""
        return tuple(self._native.notes)

    @property
    def grade_rules(self) -> tuple[tuple[str, str], ...]:
        """The mapping file's rules for grades outside A–D the pool was read with, as
        ``(label, stratum)`` pairs (``("E", "D")``); every draw from the pool publishes them
        in its record's ``grade_rules``. Empty unless read with such a :class:`Profile`."""
        return tuple(self._native.grade_rules)

    def to_arrow(self) -> pa.Table:
        """The targets in canonical order, in the columns :meth:`from_frame` reads."""
        return _arrow.table(self._native.to_arrow())

    def to_excel(self, path: str | os.PathLike[str], history: str | os.PathLike[str] | None = None) -> None:
        """Writes the targets as an xlsx workbook in the library's pool columns (and, with
        ``history``, the past inspections as a second workbook): read back by the formats
        layer (``shuangsuiji_io::import::read_pool``) they give the same pool and digest."""
        targets, past = _native.pool_workbooks(self._native)
        with open(path, "wb") as f:
            f.write(targets)
        if history is not None:
            with open(history, "wb") as f:
                f.write(past)

    def history_to_arrow(self) -> pa.Table:
        """The past inspections, one row each, in the columns of :data:`HISTORY_COLUMNS`."""
        return _arrow.table(self._native.history_to_arrow())

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a pandas DataFrame."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a polars DataFrame."""
        return _arrow.to_polars(self.to_arrow())

    def __len__(self) -> int:
        return len(self._native)

    def __contains__(self, target_id: object) -> bool:
        return isinstance(target_id, str) and target_id in self._native

    def __repr__(self) -> str:
        return repr(self._native)


class InspectorPool:
    """A frozen inspector pool (执法检查人员名录库), for :func:`~shuangsuiji.matching`.

    Columns as :data:`INSPECTOR_COLUMNS`: ``items`` and ``tags`` ``;``-separated or list
    columns, ``expert`` and ``active`` booleans or yes/no (``active`` defaults to yes),
    ``certificate_expiry`` a date or ``YYYY-MM-DD`` text.

    >>> import shuangsuiji as ssj
    >>> pool = ssj.InspectorPool.from_frame({"id": ["P1", "P2"], "department": ["D01", "D01"],
    ...                                    "certificate": ["鄂A0001", "鄂A0002"]})
    >>> len(pool)
    2
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.InspectorPool) -> None:
        self._native = native

    @classmethod
    def from_frame(cls, inspectors: Any) -> InspectorPool:
        """Builds and freezes the pool from a data frame or Arrow table."""
        return cls(_native.InspectorPool.from_arrow(_arrow.frame(inspectors)))

    @classmethod
    def from_json(cls, text: str) -> InspectorPool:
        """The pool of a JSON array of inspectors (the core's serde form)."""
        return cls(_native.InspectorPool.from_json(text))

    def to_json(self) -> str:
        """The inspectors in canonical order as JSON."""
        return self._native.to_json()

    def to_dicts(self) -> list[dict[str, Any]]:
        """The inspectors as dicts, in canonical order."""
        return list(json.loads(self.to_json()))

    def to_arrow(self) -> pa.Table:
        """The inspectors in canonical order, in the columns :meth:`from_frame` reads."""
        return _arrow.table(self._native.to_arrow())

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a pandas DataFrame."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a polars DataFrame."""
        return _arrow.to_polars(self.to_arrow())

    def __contains__(self, inspector_id: object) -> bool:
        return isinstance(inspector_id, str) and inspector_id in self._native

    @property
    def digest(self) -> str:
        """The SM3 digest of the canonical encoding."""
        return self._native.digest

    @property
    def notes(self) -> tuple[str, ...]:
        """How the pool's file was read (:func:`~shuangsuiji.read_inspectors`), one note
        each; empty for a pool from a data frame or JSON."""
        return tuple(self._native.notes)

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return repr(self._native)
