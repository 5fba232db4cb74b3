"""The exception hierarchy: everything the library raises derives from :class:`ShuangsuijiError`.

Bad input (a malformed code, a bad pool row, a policy that cannot apply, …) is also a
:class:`ValueError`, so ``except ValueError`` keeps working for callers that do not know this
library. Each exception carries the details the core error has as attributes (``row``, ``id``,
``field``, ``department``, ``table``, ``line``, …); ``details`` holds them all as a dict, and an
attribute the error does not have is ``None``.

>>> import shuangsuiji as ssj
>>> try:
...     ssj.parse_credit_code("91350100M000100Y44")
... except ssj.InvalidCreditCode as e:
...     (e.reason, e.position, e.expected, isinstance(e, ValueError))
('check_mismatch', 18, '3', True)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ShuangsuijiError",
    "InvalidInputError",
    "IdError",
    "InvalidCreditCode",
    "CatalogError",
    "PoolError",
    "PolicyError",
    "DrawError",
    "LogError",
    "PlanError",
    "JointError",
    "AssignError",
    "LifecycleError",
    "CalendarError",
    "KpiInputError",
    "VerificationError",
]


class ShuangsuijiError(Exception):
    """The root of every exception this library raises."""

    details: dict[str, Any]
    row: int | None
    id: str | None
    field: str | None
    department: str | None

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        for key, value in details.items():
            setattr(self, key, value)

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set: a detail this error does not have.
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.details))


def _rebuild(cls: type[ShuangsuijiError], message: str, details: dict[str, Any]) -> ShuangsuijiError:
    return cls(message, **details)


class InvalidInputError(ShuangsuijiError, ValueError):
    """Input the library cannot use: a missing column, malformed JSON, a bad value."""


class IdError(InvalidInputError):
    """An empty, over-long or badly formed id."""


class InvalidCreditCode(InvalidInputError):
    """Not a valid unified social credit code (GB 32100-2015): ``reason`` is ``length``,
    ``invalid_character`` or ``check_mismatch``; ``position`` is 1-based."""


class CatalogError(InvalidInputError):
    """A bad item list or joint item list."""


class PoolError(InvalidInputError):
    """A bad pool row (``row`` is 1-based, with ``id`` and ``field``), or a duplicate or
    look-alike id: then ``id`` and ``row`` are the later row's and ``first_row`` the earlier
    one's; a look-alike also has ``first_id``, the earlier id (different text that a reader
    takes for the same: the same confusable skeleton, ``docs/SAMPLING.md`` §10)."""


class PolicyError(InvalidInputError):
    """A sampling policy that cannot be applied (``stratum`` names the stratum)."""


class DrawError(InvalidInputError):
    """A draw that cannot be made from this request and pool."""


class LogError(InvalidInputError):
    """A draw-log operation refused, or a broken log (``entry`` or ``line`` says where)."""


class PlanError(InvalidInputError):
    """An annual plan with problems; ``errors`` lists every one of them."""


class JointError(InvalidInputError):
    """A joint task that cannot be drawn (``task``, ``plan``)."""


class AssignError(InvalidInputError):
    """Inspector teams that cannot be formed (``visit``, ``department``, ``eligible``, …)."""


class LifecycleError(InvalidInputError):
    """An illegal life-cycle step, or an inconsistent result or follow-up."""


class CalendarError(InvalidInputError):
    """A date the working-day calendar does not cover (``year``)."""


class KpiInputError(InvalidInputError):
    """A KPI input that cannot be read (``table``, ``line``, ``field``, ``id``)."""


class VerificationError(ShuangsuijiError):
    """A record that does not reproduce; ``mismatches`` lists the differences."""
