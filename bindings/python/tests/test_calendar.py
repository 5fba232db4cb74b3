"""The working-day calendar (mirrors calendar.rs) against the golden vectors."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import shuangsuiji as ssj

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "calendar.json"


def test_holidays_and_makeup_days() -> None:
    assert not ssj.is_working_day(datetime.date(2026, 5, 1))
    assert ssj.publication_deadline(datetime.date(2026, 4, 30)) == datetime.date(2026, 6, 1)
    assert ssj.working_days_between(datetime.date(2026, 4, 30), datetime.date(2026, 6, 1)) == 20
    assert ssj.calendar_years() == (2020, 2026)


def test_outside_the_calendar() -> None:
    with pytest.raises(ssj.CalendarError) as e:
        ssj.is_working_day(datetime.date(2027, 1, 4))
    assert e.value.year == 2027


def test_golden_vectors() -> None:
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    for year in data["years"].values():
        for day, name in year["holidays"].items():
            assert not ssj.is_working_day(datetime.date.fromisoformat(day)), day
            assert ssj.holiday_name(datetime.date.fromisoformat(day)) is not None
        for day in year["makeup_workdays"]:
            assert ssj.is_working_day(datetime.date.fromisoformat(day)), day
    deadlines = data["publication_deadlines"]
    for done, due in list(deadlines.items())[::7]:
        assert ssj.publication_deadline(datetime.date.fromisoformat(done)).isoformat() == due
