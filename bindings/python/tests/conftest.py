from __future__ import annotations

import pytest

import shuangsuiji as ssj

ENTROPY = ("双色球 2026130期", "03 07 12 19 25 31 + 09")


@pytest.fixture(scope="session")
def county() -> ssj.DemoCounty:
    return ssj.demo_county()


@pytest.fixture(scope="session")
def policy() -> dict:
    return ssj.policy_by_grade("5%", "20%", "60%", "100%")


def grades_pool(n: int) -> dict:
    return {"id": [f"E{i:06}" for i in range(n)], "grade": ["ABCD"[i % 4] for i in range(n)]}
