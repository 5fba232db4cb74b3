"""Plans, merging, task draws, matching and the life cycle (mirrors plan.rs, joint.rs,
teams.rs, lifecycle.rs), on the demo county."""

from __future__ import annotations

import copy
import datetime

import pytest

import shuangsuiji as ssj

ENTROPY = ("双色球 2026050期", "01 05 11 20 28 33 + 07")


def test_plan_validation(county: ssj.DemoCounty) -> None:
    ssj.validate_plan(county.annual_plan, county.items, county.joint_items, county.targets)
    bad = copy.deepcopy(county.annual_plan)
    bad["plans"][0]["items"] = ["NO-SUCH-ITEM"]
    with pytest.raises(ssj.PlanError) as e:
        ssj.validate_plan(bad, county.items, county.joint_items)
    assert e.value.errors and "NO-SUCH-ITEM" in e.value.errors[0]


def test_merge_draw_match_log(county: ssj.DemoCounty) -> None:
    proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    assert proposal["decisions"]
    log = ssj.DrawLog()
    for task in proposal["tasks"][:3]:
        log.announce(task["id"], county.targets, source=ENTROPY[0], plans=task["plans"])
        visits, records = ssj.draw_task(task, county.annual_plan, county.targets, ENTROPY)
        assert visits["with_merging"] <= visits["without_merging"]
        for r in records:
            assert r.verify(county.targets).ok
            log.append(r)
        request = ssj.match_request(task, visits, county.targets, county.items, ENTROPY)
        record = ssj.matching(county.inspectors, request)
        assert {t["visit"] for t in record["teams"]} == {v["id"] for v in request["visits"]}
        assert ssj.verify_teams(county.inspectors, record).ok
        log.append_teams(record)
    log.verify_chain()
    report = ssj.draw_visits(proposal, county.annual_plan, county.targets, ENTROPY)
    assert report["with_merging"] < report["without_merging"]


def test_teams_that_do_not_fit_the_draw_are_refused(county: ssj.DemoCounty) -> None:
    proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    task = proposal["tasks"][2]
    visits, records = ssj.draw_task(task, county.annual_plan, county.targets, ENTROPY)
    log = ssj.DrawLog()
    log.announce(task["id"], county.targets, source=ENTROPY[0], plans=task["plans"])
    for r in records:
        log.append(r)
    request = ssj.match_request(task, visits, county.targets, county.items, ENTROPY)
    request["visits"] = request["visits"][1:]
    with pytest.raises(ssj.LogError):
        log.append_teams(ssj.matching(county.inspectors, request))


def test_shortage_names_visit_and_department(county: ssj.DemoCounty) -> None:
    proposal = ssj.propose(county.annual_plan, county.joint_items, county.targets, county.merge_config)
    task = proposal["tasks"][2]
    visits, _ = ssj.draw_task(task, county.annual_plan, county.targets, ENTROPY)
    request = ssj.match_request(task, visits, county.targets, county.items, ENTROPY)
    lone = ssj.InspectorPool.from_frame({"id": ["P1"], "department": [task["lead"]], "certificate": ["C1"]})
    with pytest.raises(ssj.AssignError) as e:
        ssj.matching(lone, request)
    assert e.value.visit and e.value.task == task["id"]


def test_lifecycle() -> None:
    t = ssj.Task("T1", datetime.date(2026, 3, 1))
    for n, state in enumerate(["targets_drawn", "inspectors_matched", "in_progress", "results_entered",
                               "reviewed", "published"]):
        t.transition(state, datetime.date(2026, 3, 2 + n))
    assert t.state == "published" and t.entered_on("reviewed") == datetime.date(2026, 3, 6)
    assert len(t.history()) == 6
    with pytest.raises(ssj.LifecycleError):
        t.transition("created", "2026-04-01")
    with pytest.raises(ssj.LifecycleError):
        t.transition("nonsense", "2026-04-01")
    with pytest.raises(ssj.LifecycleError):
        ssj.check_result({"target": "E1", "codes": [], "inspected_on": "2026-04-20",
                          "entered_on": "2026-04-20", "mobile": True})
    assert ssj.check_result({"target": "E1", "codes": ["发现问题已责令改正"], "inspected_on": "2026-04-20",
                             "entered_on": "2026-04-21", "mobile": False})
