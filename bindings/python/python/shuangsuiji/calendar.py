"""China's working-day calendar (with holidays and make-up workdays, 调休) and the
20-working-day publication deadline, on :class:`datetime.date`."""

from __future__ import annotations

import datetime as _dt

from . import _native

__all__ = [
    "is_working_day",
    "holiday_name",
    "add_working_days",
    "working_days_between",
    "publication_deadline",
    "calendar_years",
]


def is_working_day(day: _dt.date) -> bool:
    """Whether ``day`` is a working day; raises :class:`~shuangsuiji.CalendarError` for a year
    the calendar does not cover.

    >>> import datetime
    >>> is_working_day(datetime.date(2026, 10, 1)), is_working_day(datetime.date(2026, 9, 30))
    (False, True)
    """
    return _native.is_working_day(day)


def holiday_name(day: _dt.date) -> str | None:
    """The holiday ``day`` falls in, if any.

    >>> import datetime
    >>> holiday_name(datetime.date(2026, 10, 1)) is not None
    True
    """
    return _native.holiday_name(day)


def add_working_days(start: _dt.date, n: int) -> _dt.date:
    """The working day ``n`` working days after ``start``.

    >>> import datetime
    >>> add_working_days(datetime.date(2026, 4, 30), 1)
    datetime.date(2026, 5, 6)
    """
    return _native.add_working_days(start, n)


def working_days_between(first: _dt.date, last: _dt.date) -> int:
    """Working days after ``first`` up to and including ``last`` (negative when ``last`` is
    earlier)."""
    return _native.working_days_between(first, last)


def publication_deadline(completed: _dt.date) -> _dt.date:
    """The last day to publish the result of a check completed on ``completed`` (20 working
    days later).

    >>> import datetime
    >>> publication_deadline(datetime.date(2026, 4, 30))
    datetime.date(2026, 6, 1)
    """
    return _native.publication_deadline(completed)


def calendar_years() -> tuple[int, int]:
    """The first and last year the calendar covers."""
    return _native.calendar_years()
