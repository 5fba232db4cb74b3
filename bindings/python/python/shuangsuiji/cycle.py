"""The year's cycle after the pools: annual plans, merging (“相同对象、相近时间”), drawing
tasks, matching inspectors (teams), and the life cycle of tasks and checks.

Plans, item lists, proposals, visits and team records are the core's serde documents, taken
and returned as dicts (or JSON text), so they can be stored or published as they are.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Mapping, Union

from . import _native
from .calendar import add_working_days, working_days_between
from .draw import DrawRecord
from .pool import InspectorPool, TargetPool

__all__ = [
    "validate_plan",
    "propose",
    "draw_task",
    "draw_visits",
    "target_facts",
    "match_request",
    "matching",
    "verify_teams",
    "Task",
    "TargetCheck",
    "check_result",
]

Doc = Union[Mapping[str, Any], str]


def _text(doc: Doc) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, default=str)


def validate_plan(annual_plan: Doc, items: Doc, joint_items: Doc, pool: TargetPool | None = None) -> None:
    """Checks an annual plan against the item lists (and, given a pool, that every plan has
    eligible targets); raises :class:`~shuangsuiji.PlanError` whose ``errors`` lists every
    problem."""
    _native.validate_plan(
        _text(annual_plan), _text(items), _text(joint_items), None if pool is None else pool._native
    )


def propose(
    annual_plan: Doc, joint_items: Doc, pool: TargetPool, config: Doc | None = None
) -> dict[str, Any]:
    """Merges the year's plans into tasks: ``tasks`` (each with its lead department and visit
    window) and ``decisions`` (the reason for every merge and non-merge).

    >>> import shuangsuiji as ssj
    >>> county = ssj.demo_county()
    >>> proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    >>> len(proposal["tasks"]) < len(county.annual_plan["plans"])
    True
    """
    return dict(
        json.loads(
            _native.propose(
                _text(annual_plan), _text(joint_items), pool._native, None if config is None else _text(config)
            )
        )
    )


def draw_task(
    task: Doc, annual_plan: Doc, pool: TargetPool, public_entropy: tuple[str, str]
) -> tuple[dict[str, Any], list[DrawRecord]]:
    """Draws every member plan of a task with the task's one seed (so the samples nest and
    each target is visited once); returns the visits and each member plan's record."""
    source, value = public_entropy
    visits, records = _native.draw_task(_text(task), _text(annual_plan), pool._native, source, value)
    return dict(json.loads(visits)), [DrawRecord(r) for r in records]


def draw_visits(
    proposal: Doc, annual_plan: Doc, pool: TargetPool, public_entropy: tuple[str, str]
) -> dict[str, Any]:
    """Draws every task of a proposal and counts the visits with and without merging.

    >>> import shuangsuiji as ssj
    >>> county = ssj.demo_county()
    >>> proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    >>> report = ssj.draw_visits(proposal, county.annual_plan, county.targets, ("双色球 2026001期", "01 02 03 04 05 06 + 07"))
    >>> report["with_merging"] < report["without_merging"]
    True
    """
    source, value = public_entropy
    return dict(json.loads(_native.draw_visits(_text(proposal), _text(annual_plan), pool._native, source, value)))


def target_facts(pool: TargetPool, target_id: str) -> dict[str, Any]:
    """What matching needs of a target for recusal (region, last inspectors)."""
    return dict(json.loads(_native.target_facts(pool._native, target_id)))


def match_request(
    task: Mapping[str, Any],
    task_visits: Mapping[str, Any],
    pool: TargetPool,
    items: Mapping[str, Any],
    public_entropy: tuple[str, str],
    policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A matching request for a drawn task: one visit per drawn target, spread evenly over
    the working days of the task's visit window, each department checking the items it owns
    (the lead first), the targets' recusal facts, and the task's public-entropy seed."""
    owner = {i["id"]: i["department"] for i in items["items"]}
    first = _date(task["visit_window"]["first"])
    last = _date(task["visit_window"]["last"])
    days = max(1, working_days_between(first, last))
    per_day = max(1, -(-len(task_visits["visits"]) // days))
    visits = []
    for n, v in enumerate(task_visits["visits"]):
        by_dept: dict[str, list[str]] = {}
        for item in v["items"]:
            by_dept.setdefault(owner.get(item, task["lead"]), []).append(item)
        needs = []
        if task["lead"] in by_dept:
            needs.append({"department": task["lead"], "items": by_dept.pop(task["lead"])})
        needs += [{"department": d, "items": i} for d, i in sorted(by_dept.items())]
        visits.append(
            {
                "id": f"{task['id']}-V{n + 1:04}",
                "target": v["target"],
                "date": add_working_days(first, 1 + n // per_day).isoformat(),
                "needs": needs,
            }
        )
    source, value = public_entropy
    request: dict[str, Any] = {
        "task_id": task["id"],
        "seed_origin": {"method": "public_entropy", "source": source, "value": value},
        "visits": visits,
        "targets": {v["target"]: target_facts(pool, v["target"]) for v in visits},
    }
    if policy is not None:
        request["policy"] = dict(policy)
    return request


def matching(inspectors: InspectorPool, request: Doc) -> dict[str, Any]:
    """Matches inspectors to a task's visits (teams.matching): a team of at least two per
    visit, one from each department checking there, a leader from the lead department,
    eligibility, recusal (回避) and even workload, reproducible from the task's seed. Returns
    the team record (a dict) to publish and log; raises :class:`~shuangsuiji.AssignError`
    (with ``visit``, ``department``) when a visit cannot be staffed.

    ``request`` is the core's ``MatchRequest``; ``policy`` may be left out (the defaults) and
    ``seed`` too when ``seed_origin`` is a public value. See :func:`match_request`.

    >>> import shuangsuiji as ssj
    >>> county = ssj.demo_county()
    >>> proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    >>> task = proposal["tasks"][2]
    >>> entropy = ("双色球 2026050期", "01 05 11 20 28 33 + 07")
    >>> visits, records = ssj.draw_task(task, county.annual_plan, county.targets, entropy)
    >>> request = ssj.match_request(task, visits, county.targets, county.items, entropy)
    >>> record = ssj.matching(county.inspectors, request)
    >>> all(len(t["members"]) >= 2 for t in record["teams"])
    True
    >>> ssj.verify_teams(county.inspectors, record).ok
    True
    """
    return dict(json.loads(_native.matching(inspectors._native, _text(request))))


def verify_teams(inspectors: InspectorPool, record: Doc) -> Any:
    """Re-runs a team record on the inspector pool; a :class:`~shuangsuiji.Verification`."""
    from .draw import Verification

    data, text = _native.verify_teams(inspectors._native, _text(record))
    return Verification(list(json.loads(data)["mismatches"]), text)


def _date(d: _dt.date | str) -> _dt.date:
    return d if isinstance(d, _dt.date) else _dt.date.fromisoformat(d)


class Task:
    """A task's state machine: ``created`` → ``targets_drawn`` → ``inspectors_matched`` →
    ``in_progress`` → ``results_entered`` → ``reviewed`` → ``published``; an illegal step raises
    :class:`~shuangsuiji.LifecycleError`.

    >>> import datetime
    >>> t = Task("2026-001", datetime.date(2026, 3, 1))
    >>> t.transition("targets_drawn", datetime.date(2026, 3, 2))
    >>> t.state
    'targets_drawn'
    >>> t.transition("published", datetime.date(2026, 3, 3))
    Traceback (most recent call last):
    ...
    shuangsuiji._errors.LifecycleError: task 2026-001: cannot go from targets_drawn to published
    """

    __slots__ = ("_native",)

    def __init__(self, task_id: str, created_on: _dt.date | str) -> None:
        self._native = _native.Task(task_id, _date(created_on))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def state(self) -> str:
        return self._native.state

    def transition(self, state: str, on: _dt.date | str) -> None:
        """Moves to ``state`` on day ``on``."""
        self._native.transition(state, _date(on))

    def entered_on(self, state: str) -> _dt.date | None:
        """The day the task entered ``state``, if it did."""
        return self._native.entered_on(state)

    def history(self) -> list[dict[str, Any]]:
        """The dated steps (``from``, ``to``, ``on``)."""
        return list(json.loads(self._native.history_json()))

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.state}>"


class TargetCheck:
    """One drawn target's check: ``drawn`` → ``inspected`` → ``result_entered`` →
    ``reviewed`` → ``published``.

    >>> c = TargetCheck("2026-001", "E1", "2026-03-02")
    >>> c.transition("inspected", "2026-03-10")
    >>> c.state
    'inspected'
    """

    __slots__ = ("_native",)

    def __init__(self, task_id: str, target_id: str, drawn_on: _dt.date | str) -> None:
        self._native = _native.TargetCheck(task_id, target_id, _date(drawn_on))

    @property
    def state(self) -> str:
        return self._native.state

    def transition(self, state: str, on: _dt.date | str) -> None:
        """Moves to ``state`` on day ``on``."""
        self._native.transition(state, _date(on))

    def history(self) -> list[dict[str, Any]]:
        return list(json.loads(self._native.history_json()))


def check_result(result: Doc) -> bool:
    """Checks an inspection result (``target``, ``codes``, ``inspected_on``, ``entered_on``,
    ``mobile``, ``published_on``) and returns whether it found a problem; raises
    :class:`~shuangsuiji.LifecycleError` for an inconsistent one.

    >>> check_result({"target": "E1", "codes": ["未发现问题"], "inspected_on": "2026-04-20",
    ...               "entered_on": "2026-04-20", "mobile": True})
    False
    """
    return _native.check_result(_text(result))


