"""Reading what the platforms export: pools, inspector pools and KPI tables from any file.

:func:`read_pool`, :func:`read_inspectors` and :func:`read_kpi_input` read the files the
provincial “互联网+监管” platforms and spreadsheets produce, as the command line reads them
(``docs/FORMATS.md``): Excel workbooks (xlsx, xlsm, xlsb, xls, ods, Excel 2003 XML) and CSV/TSV
text in UTF-8, GB18030/GBK or UTF-16, told by their content, never by their name (an xlsx
named ``.xls`` is read as the xlsx it is); the header found below title rows, instruction rows
skipped; the platforms' Chinese headers and values (登记状态 存续, 信用风险分类 低风险, lists
split on ``，`` ``、`` ``；``) known without being told; a province's own through a mapping file
(:class:`Profile`). The library's own CSV is read by the core's readers, with their messages.

A source is a path (``str`` or path-like), the file's bytes (``bytes``, ``bytearray``,
``memoryview``) or a binary file object (``open(path, "rb")``, ``io.BytesIO``, an upload):
messages name a path as given, a file object by its ``name``, bytes as ``pool``, ``history``,
``inspectors`` or the KPI table's name.

**Notes.** What the reading did (the encoding used, the sheet read, title and instruction rows
skipped, columns ignored, every value changed, counted, with where it was first met) is kept on
the result, ``pool.notes`` (a tuple of strings, one note each, the lines the command line
prints on standard error), and logged at level ``INFO`` on the ``shuangsuiji`` logger. A file
in the library's own form has no note.

**Errors.** A refused pool, history or inspector file raises :class:`~shuangsuiji.PoolError`, a
refused KPI table :class:`~shuangsuiji.KpiInputError`, a bad mapping file
:class:`~shuangsuiji.InvalidInputError` (all of them ``ValueError``\\ s); a file that cannot be
opened, the ``OSError`` of its cause. The message is the command line's, naming the file, the
cell and its column, the value and what is accepted (``pool.xlsx: 待抽检库!F7: column F 风险等级
(`grade`): "很高" is not a credit-risk grade the profile knows; accepted: A (A类, A级, 低风险, 低,
… 2 more); …``). The place is in
attributes: ``file``, ``sheet`` (a workbook's; ``None`` for text), ``row`` (the row a person sees:
the workbook's row, the text's line), ``line`` (a text file's line), ``column`` (letters:
``"F"``), ``cell`` (``"F7"``), ``field`` (the library's field: ``"grade"``) and, for a value,
``value``; an attribute the error has not is ``None``.

>>> import shuangsuiji as ssj
>>> text = "待抽检库导入模板\\n序号,统一社会信用代码,企业名称,登记状态,风险等级,监管标签\\n" \\
...        "1,91350100M000100Y43,甲,存续,低风险,\\"食品经营，餐饮服务\\"\\n"
>>> pool = ssj.read_pool(text.encode("gbk"))
>>> pool.to_arrow().column("tags").to_pylist()
['食品经营;餐饮服务']
>>> any("GB18030" in n for n in pool.notes), any("title" in n for n in pool.notes)
(True, True)
"""

from __future__ import annotations

import errno
import logging
import os
from typing import IO, Mapping, Union

from . import _native
from .kpi import KPI_TABLES, KpiInput
from .pool import InspectorPool, TargetPool

__all__ = ["Profile", "read_pool", "read_inspectors", "read_kpi_input", "KPI_EXTENSIONS"]

#: A file to read: a path, its bytes, or a binary file object.
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

#: The extensions a KPI table's file may have besides ``.csv``, in the order they are looked
#: for in a folder (as ``kpi --input DIR``).
KPI_EXTENSIONS = ("xlsx", "xlsm", "xlsb", "xls", "ods", "xml", "tsv", "txt")

#: The KPI tables a folder may lack (taken as empty, with a note); the others must be there.
_OPTIONAL = ("items", "follow_ups", "unplanned")

_log = logging.getLogger("shuangsuiji")


class Profile:
    """How columns and values are recognised: the built-in profile (the library's names and
    the platforms' usual headers and values), or a mapping file read over it.

    A mapping file (TOML, ``docs/FORMATS.md`` §6) maps a province's own headers to fields and
    its labels to canonical values, e.g. ``[values.grade] "E" = "D"`` for a five-class scheme:
    a pool read with such grade rules keeps them (:attr:`TargetPool.grade_rules`) and every draw
    from it publishes them in its record (``grade_rules``). The ``profile=`` argument of the
    readers takes a :class:`Profile` or the path of a mapping file; build one with
    :meth:`from_toml` for a mapping held as text.

    >>> p = Profile.from_toml('[values.grade]\\n"E" = "D"\\n"E类" = "D"\\n', name="山东.toml")
    >>> p.grade_rules
    (('E', 'D'), ('E类', 'D'))
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.Profile) -> None:
        self._native = native

    @classmethod
    def builtin(cls) -> Profile:
        """The built-in profile (what the readers use when given no profile)."""
        return cls(_native.Profile.builtin())

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Profile:
        """Reads a mapping file (UTF-8, a byte-order mark allowed); messages name it by
        ``path`` as given. A bad key raises :class:`~shuangsuiji.InvalidInputError` naming it
        (and the line, for a TOML syntax error)."""
        name = os.fspath(path)
        with open(name, encoding="utf-8-sig") as f:
            return cls.from_toml(f.read(), name=name)

    @classmethod
    def from_toml(cls, text: str, name: str = "mapping.toml") -> Profile:
        """A mapping file's text; ``name`` names it in messages."""
        return cls(_native.Profile.from_toml(name, text))

    @property
    def name(self) -> str:
        """The mapping file's name (``"builtin"`` for the built-in profile)."""
        return self._native.name

    @property
    def grade_rules(self) -> tuple[tuple[str, str], ...]:
        """The mapping file's rules for grades outside A–D, as ``(label, stratum)`` pairs."""
        return tuple(self._native.grade_rules)

    def __repr__(self) -> str:
        return repr(self._native)


def _profile(profile: Profile | str | os.PathLike[str] | None) -> _native.Profile | None:
    if profile is None:
        return None
    if isinstance(profile, Profile):
        return profile._native
    if isinstance(profile, (str, os.PathLike)):
        return Profile.read(profile)._native
    raise TypeError(f"profile: a Profile or the path of a mapping file, not {type(profile).__name__}")


def _source(source: Source, default_name: str) -> tuple[str, bytes]:
    """The name (for messages) and the bytes of a source."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return default_name, bytes(source)
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        with open(name, "rb") as f:
            return name, f.read()
    read = getattr(source, "read", None)
    if callable(read):
        data = read()
        if isinstance(data, str):
            raise TypeError("a file object opened in text mode: open the file in binary mode (\"rb\")")
        given = getattr(source, "name", None)
        return (given if isinstance(given, str) else default_name), bytes(data)
    raise TypeError(f"a path, bytes or a binary file object, not {type(source).__name__}")


def _logged(notes: list[str]) -> None:
    for note in notes:
        _log.info("%s", note)


def read_pool(
    source: Source,
    history: Source | None = None,
    *,
    profile: Profile | str | os.PathLike[str] | None = None,
    sheet: str | None = None,
    history_sheet: str | None = None,
) -> TargetPool:
    """Reads a target pool (检查对象名录库), and its inspection history if given, from files
    of any supported format, straight into the frozen pool a draw uses (the GIL released).

    ``profile`` is a :class:`Profile` or the path of a mapping file (none: the built-in
    profile). ``sheet`` picks the pool's sheet of a workbook (default: the first non-empty
    one, named in a note when there are several; an unknown name lists the workbook's
    sheets), ``history_sheet`` the history's (which may be another sheet of the pool's own
    workbook: ``read_pool("县局.xlsx", "县局.xlsx", history_sheet="检查记录")``).

    The library's own CSV gives the pool and digest :meth:`TargetPool.from_csv` gives. The
    notes are in :attr:`TargetPool.notes`, a mapping file's grade rules in
    :attr:`TargetPool.grade_rules` (published by every :func:`~shuangsuiji.draw` from the
    pool); errors as the module says (:class:`~shuangsuiji.PoolError` with ``file``,
    ``sheet``, ``row``, ``column``, ``cell``, ``field``).
    """
    native_profile = _profile(profile)
    pool_name, pool_bytes = _source(source, "pool")
    history_name, history_bytes = (None, None) if history is None else _source(history, "history")
    native = _native.read_pool(
        pool_name, pool_bytes, history_name, history_bytes, native_profile, sheet, history_sheet
    )
    _logged(native.notes)
    return TargetPool(native)


def read_inspectors(
    source: Source,
    *,
    profile: Profile | str | os.PathLike[str] | None = None,
    sheet: str | None = None,
) -> InspectorPool:
    """Reads an inspector pool (执法检查人员名录库) from a file of any supported format, as
    :func:`read_pool` reads a target pool: the platforms' headers (单位工号, 姓名, 执法证编号,
    执法证有效期 with 9999-09-09 or 长期 as no expiry, 执法人员状态 在岗/离岗, 执法事项范围
    split on ``，``…) known; notes in :attr:`InspectorPool.notes`."""
    native_profile = _profile(profile)
    name, data = _source(source, "inspectors")
    native = _native.read_inspectors(name, data, native_profile, sheet)
    _logged(native.notes)
    return InspectorPool(native)


def _table_file(folder: str, table: str) -> str | None:
    """A table's file in a folder: ``NAME.csv``, else the first ``NAME.<ext>`` of
    :data:`KPI_EXTENSIONS` that exists."""
    for ext in ("csv", *KPI_EXTENSIONS):
        path = os.path.join(folder, f"{table}.{ext}")
        if os.path.exists(path):
            return path
    return None


def read_kpi_input(
    source: str | os.PathLike[str] | Mapping[str, Source],
    *,
    profile: Profile | str | os.PathLike[str] | None = None,
) -> KpiInput:
    """Reads the KPI tables (``docs/KPI.md``) from files of any supported format.

    ``source`` is a folder, read as ``kpi --input DIR`` reads it: each table from
    ``NAME.csv`` or, failing that, ``NAME.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``,
    ``.xml``, ``.tsv`` or ``.txt`` (:data:`KPI_EXTENSIONS`); ``items``, ``follow_ups`` and
    ``unplanned`` may be missing (empty, with a note), the others not
    (``FileNotFoundError``). Or a mapping of table name to source (``{"results":
    "结果.xlsx", "drawn": data}``); tables not given are empty. The platforms' headers and
    wordings (检查结果 发现问题经责令已改正, …) are known; ``profile`` as for
    :func:`read_pool`. Notes in :attr:`KpiInput.notes`; a refused table raises
    :class:`~shuangsuiji.KpiInputError` at its cell (``file``, ``sheet``, ``row``,
    ``column``, ``cell``, ``field``, ``table``), and so do the report's own errors later
    (:meth:`KpiInput.report`).
    """
    native_profile = _profile(profile)
    files: list[tuple[str, str, bytes]] = []
    notes: list[str] = []
    folder: str | None = None
    if isinstance(source, (str, os.PathLike)):
        folder = os.fspath(source)
        if not os.path.isdir(folder):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder of KPI tables (see docs/KPI.md)", folder)
        for table in KPI_TABLES:
            path = _table_file(folder, table)
            if path is None:
                missing = os.path.join(folder, f"{table}.csv")
                if table in _OPTIONAL:
                    notes.append(f"{missing}: not found, taken as an empty table")
                    continue
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), missing)
            files.append((table, *_source(path, table)))
    elif isinstance(source, Mapping):
        for table, file in source.items():
            files.append((table, *_source(file, table)))
    else:
        raise TypeError(f"a folder or a mapping of table name to file, not {type(source).__name__}")
    native = _native.read_kpi_input(files, native_profile, folder, notes)
    _logged(native.notes)
    return KpiInput(native)

