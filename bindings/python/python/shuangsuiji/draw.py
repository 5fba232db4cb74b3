"""Sampling policies, the verifiable stratified draw, its record and verification, and the
hash-chained draw log."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterator, Mapping, Sequence, Union

import pyarrow as pa

from . import _arrow, _native
from ._errors import VerificationError
from .pool import TargetPool
from .publish import Publication

__all__ = [
    "policy_by_grade",
    "check_policy",
    "seed_from_public_entropy",
    "draw",
    "DrawRecord",
    "Verification",
    "verify",
    "DrawLog",
]

Ratio = Union[str, float, int]


def _ratio(r: Ratio | None) -> str | None:
    """A ratio as the core writes it: ``"5%"``; a float ≤ 1 is a fraction (0.05 → ``"5%"``)."""
    if r is None or isinstance(r, str):
        return r
    pct = r * 100 if isinstance(r, float) and r <= 1 else r
    text = f"{pct:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def policy_by_grade(
    a: Ratio,
    b: Ratio,
    c: Ratio,
    d: Ratio,
    ungraded: Ratio | None = None,
    *,
    total: int | None = None,
    bounds: Mapping[str, Mapping[str, int]] | None = None,
    exclusions: Mapping[str, Any] | None = None,
    weighting: str = "uniform",
) -> dict[str, Any]:
    """A sampling policy (抽查比例 by credit-risk grade) as a dict, checked by the core.

    Ratios are percentages (``"5%"``, ``"12.5%"``), fractions (``0.05``) or whole percents
    (``5``). ``total`` switches to a fixed total allocated across grades; ``bounds`` maps a
    stratum (``"A"`` … ``"ungraded"``) to ``{"min": …, "max": …}``.

    >>> p = policy_by_grade("5%", 0.2, 60, "100%")
    >>> p["ratios"]
    {'A': '5%', 'B': '20%', 'C': '60%', 'D': '100%', 'ungraded': None}
    >>> policy_by_grade("5%", "20%", "60%", "100%", total=100)["size"]
    {'mode': 'fixed_total', 'total': 100}
    """
    policy: dict[str, Any] = {
        "ratios": {
            "A": _ratio(a),
            "B": _ratio(b),
            "C": _ratio(c),
            "D": _ratio(d),
            "ungraded": _ratio(ungraded),
        },
        "size": {"mode": "by_ratio"} if total is None else {"mode": "fixed_total", "total": total},
        "weighting": weighting,
    }
    if bounds:
        policy["bounds"] = dict(bounds)
    if exclusions:
        policy["exclusions"] = dict(exclusions)
    return check_policy(policy)


def check_policy(policy: Mapping[str, Any] | str) -> dict[str, Any]:
    """Checks a policy (dict or JSON) on its own and returns it in the core's normal form;
    raises :class:`~shuangsuiji.PolicyError`.

    >>> check_policy({"ratios": {"A": "5%", "B": "20%", "C": "60%", "D": "100%", "ungraded": None}})["exclusions"]
    {'inactive': True, 'positive_list': True}
    """
    text = policy if isinstance(policy, str) else json.dumps(policy, ensure_ascii=False)
    return dict(json.loads(_native.check_policy(text)))


def seed_from_public_entropy(source: str, value: str, task_id: str) -> str:
    """The seed (64 hex characters) a published value derives for a task (SAMPLING.md §2).

    >>> len(seed_from_public_entropy("双色球 2026130期", "03 07 12 19 25 31 + 09", "T1"))
    64
    """
    return _native.seed_from_public_entropy(source, value, task_id)


class Verification:
    """The outcome of re-running a record: ``ok`` when it reproduces exactly, else
    ``mismatches`` (dicts with a ``kind``) say what differs, most fundamental first."""

    __slots__ = ("mismatches", "_text")

    def __init__(self, mismatches: list[dict[str, Any]], text: str) -> None:
        self.mismatches = mismatches
        self._text = text

    @property
    def ok(self) -> bool:
        """Whether the record reproduces exactly."""
        return not self.mismatches

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"<Verification ok={self.ok} mismatches={len(self.mismatches)}>"

    def raise_if_failed(self) -> None:
        """Raises :class:`~shuangsuiji.VerificationError` unless the record reproduces."""
        if not self.ok:
            raise VerificationError(self._text.strip(), mismatches=self.mismatches)


class DrawRecord:
    """The published record of a draw: enough to reproduce it from the frozen pool.

    >>> import shuangsuiji as ssj
    >>> pool = ssj.TargetPool.from_frame({"id": [f"E{i:03}" for i in range(100)], "grade": ["ABCD"[i % 4] for i in range(100)]})
    >>> rec = ssj.draw(pool, "2026-001", ssj.policy_by_grade("5%", "20%", "60%", "100%"),
    ...                public_entropy=("双色球 2026130期", "03 07 12 19 25 31 + 09"))
    >>> len(rec), rec.strata["D"]
    (47, {'eligible': 25, 'sample_size': 25})
    >>> rec.selected.column_names
    ['id', 'stratum', 'inclusion_probability', 'design_weight']
    >>> ssj.DrawRecord.from_json(rec.to_json()).verify(pool).ok
    True
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.DrawRecord) -> None:
        self._native = native

    @classmethod
    def from_json(cls, text: str) -> DrawRecord:
        """Reads a published record."""
        return cls(_native.DrawRecord.from_json(text))

    def to_json(self) -> str:
        """The record as published (pretty JSON, deterministic)."""
        return self._native.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The record as a dict."""
        return dict(json.loads(self.to_json()))

    @property
    def task_id(self) -> str:
        return self._native.task_id

    @property
    def seed(self) -> str:
        return self._native.seed

    @property
    def pool_digest(self) -> str:
        return self._native.pool_digest

    @property
    def pool_size(self) -> int:
        return self._native.pool_size

    @property
    def strata(self) -> dict[str, dict[str, int]]:
        """Eligible count and sample size per stratum."""
        return dict(self.to_dict()["strata"])

    @property
    def selected(self) -> pa.Table:
        """The drawn targets in canonical order: ``id``, ``stratum``,
        ``inclusion_probability``, ``design_weight``."""
        return _arrow.table(self._native.selected)

    def to_pandas(self) -> Any:
        """:attr:`selected` as a pandas DataFrame."""
        return self.selected.to_pandas()

    def to_polars(self) -> Any:
        """:attr:`selected` as a polars DataFrame."""
        return _arrow.to_polars(self.selected)

    def verify(self, pool: TargetPool) -> Verification:
        """Re-runs the draw on ``pool`` (GIL released) and says what does not match."""
        return verify(self, pool)

    def publication(
        self,
        pool: TargetPool,
        *,
        task_name: str | None = None,
        departments: Mapping[str, str] | Any | None = None,
    ) -> Publication:
        """The 抽取结果 list to publish: one row per selected target with its name and code
        from ``pool``, the task (``task_name``: the record holds only its id), the department
        (named from ``departments``: a mapping id → name, or a frame with ``id`` and ``name``
        columns), the draw date, the seed's public source and value, and the record's and the
        pool's digests. ``pool`` is checked first as :meth:`verify` checks it: a pool that does
        not reproduce the record raises :class:`~shuangsuiji.VerificationError` (GIL
        released)."""
        return Publication(_native.draw_list_of(self._native, pool._native, task_name, _names(departments)))

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return repr(self._native)


def _names(departments: Mapping[str, str] | Any | None) -> list[tuple[str, str]] | None:
    """Department names as (id, name) pairs, from a mapping or a frame with ``id``, ``name``."""
    if departments is None:
        return None
    if isinstance(departments, Mapping):
        return [(str(k), str(v)) for k, v in departments.items()]
    t = pa.table(_arrow.frame(departments))
    return list(zip((str(x) for x in t.column("id").to_pylist()), (str(x) for x in t.column("name").to_pylist())))


def _day(d: _dt.date | str | None) -> str | None:
    return d.isoformat() if isinstance(d, _dt.date) else d


def draw(
    pool: TargetPool,
    task_id: str,
    policy: Mapping[str, Any],
    *,
    public_entropy: tuple[str, str] | None = None,
    seed: str | None = None,
    department: str | None = None,
    items: Sequence[str] = (),
    date: _dt.date | str | None = None,
    scope: Mapping[str, Any] | None = None,
    plan: str | None = None,
) -> DrawRecord:
    """Draws a task's targets from a frozen pool (the GIL is released while it runs).

    The seed comes from a published value, ``public_entropy=(source, value)``, which anyone
    can re-derive, or is given as 64 hex characters (``seed=``). ``department``, ``items`` and
    ``date`` feed the policy's exclusions; ``scope`` restricts the population (the core's
    ``Scope``). See :class:`DrawRecord` for an example.
    """
    if (public_entropy is None) == (seed is None):
        raise TypeError("give exactly one of public_entropy=(source, value) and seed=")
    request: dict[str, Any] = {"task_id": task_id, "policy": dict(policy)}
    if public_entropy is not None:
        source, value = public_entropy
        request["seed"] = seed_from_public_entropy(source, value, task_id)
        request["seed_origin"] = {"method": "public_entropy", "source": source, "value": value}
    else:
        request["seed"] = seed
    if plan is not None:
        request["plan"] = plan
    if department is not None:
        request["department"] = department
    if items:
        request["items"] = list(items)
    if date is not None:
        request["date"] = _day(date)
    if scope is not None:
        request["scope"] = dict(scope)
    return DrawRecord(_native.draw(pool._native, json.dumps(request, ensure_ascii=False)))


def verify(record: DrawRecord | str, pool: TargetPool) -> Verification:
    """Re-runs a record (object or published JSON) on ``pool`` and lists every mismatch."""
    rec = DrawRecord.from_json(record) if isinstance(record, str) else record
    data, text = rec._native.verify(pool._native)
    return Verification(list(json.loads(data)["mismatches"]), text)


class DrawLog:
    """The append-only, hash-chained draw log: announcements, draws, re-draws with a reason,
    and teams.

    Each task is announced first (:meth:`announce`: its pool, member plans and where its seed
    will come from), before the value that seeds it is published; every draw must keep that
    announcement, and a re-draw needs a new one with a source never announced for the task.

    >>> import shuangsuiji as ssj
    >>> pool = ssj.TargetPool.from_frame({"id": ["E1", "E2", "E3"], "grade": ["A", "A", "B"]})
    >>> log = ssj.DrawLog()
    >>> log.announce("T1", pool, source="双色球 2026130期")["seq"]
    0
    >>> rec = ssj.draw(pool, "T1", ssj.policy_by_grade(1, 1, 1, 1),
    ...                public_entropy=("双色球 2026130期", "03 07 12 19 25 31 + 09"))
    >>> log.append(rec)["seq"]
    1
    >>> log.append(rec)
    Traceback (most recent call last):
    ...
    shuangsuiji._errors.LogError: task T1 was already drawn in entry 1; a new draw must be a re-draw with a reason
    >>> log.verify_chain()
    >>> head = log.published_head            # publish it, e.g. monthly
    >>> head.startswith("1:")
    True
    >>> ssj.DrawLog.from_jsonl(log.to_jsonl()).verify_head(head)
    1
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.DrawLog | None = None) -> None:
        self._native = native if native is not None else _native.DrawLog()

    @classmethod
    def from_jsonl(cls, text: str) -> DrawLog:
        """Reads a log (one JSON entry per line); each record's digest is checked."""
        return cls(_native.DrawLog.from_jsonl(text))

    def to_jsonl(self) -> str:
        return self._native.to_jsonl()

    @property
    def head(self) -> str:
        """The digest of the last entry (the chain's head)."""
        return self._native.head

    @property
    def published_head(self) -> str | None:
        """The head to publish, ``"SEQ:DIGEST"`` of the last entry; ``None`` for an empty log."""
        return self._native.published_head

    def verify_head(self, head: str) -> int:
        """Checks the chain and that the log holds ``head`` (``"SEQ:DIGEST"`` or a bare digest)
        published earlier; returns its entry's number. Raises :class:`~shuangsuiji.LogError`
        when entries were cut off the end (an empty log holds no head)."""
        return self._native.verify_head(head)

    def announce(
        self,
        task_id: str,
        pool: TargetPool,
        *,
        source: str | None = None,
        seed: str | None = None,
        plans: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Announces a task before its draw: the pool it is drawn from, its member ``plans``
        (none for a task drawn as one) and where its seed comes from: ``source``, where the
        public value will be published (the draw must name it verbatim), or ``seed``, a given
        seed in hex (only its commitment is logged)."""
        return dict(json.loads(self._native.announce(task_id, pool._native, list(plans), source, seed)))

    def append(self, record: DrawRecord) -> dict[str, Any]:
        """Appends a draw; a task already drawn needs :meth:`append_redraw`."""
        return dict(json.loads(self._native.append(record._native)))

    def append_redraw(self, record: DrawRecord, supersedes: int, reason: str) -> dict[str, Any]:
        """Appends a re-draw superseding entry ``supersedes``, with its reason."""
        return dict(json.loads(self._native.append_redraw(record._native, supersedes, reason)))

    def append_teams(self, team_record: Mapping[str, Any] | str) -> dict[str, Any]:
        """Appends a :func:`~shuangsuiji.matching` record; its teams must visit exactly the
        task's drawn targets."""
        text = team_record if isinstance(team_record, str) else json.dumps(team_record, ensure_ascii=False)
        return dict(json.loads(self._native.append_teams(text)))

    def verify_chain(self) -> None:
        """Checks every link; raises :class:`~shuangsuiji.LogError` at the first broken one."""
        self._native.verify_chain()

    def entries(self) -> list[dict[str, Any]]:
        """Every entry as a dict."""
        return list(json.loads(self._native.entries_json()))

    def current_draws(self, task_id: str) -> list[dict[str, Any]]:
        """The entries of a task's current draws (re-draws replace earlier ones)."""
        return list(json.loads(self._native.current_draws_json(task_id)))

    def __len__(self) -> int:
        return len(self._native)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.entries())
