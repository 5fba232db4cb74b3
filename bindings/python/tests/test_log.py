"""The draw log from Python: announcements, look-alike tasks, published heads."""

from __future__ import annotations

import pytest

import shuangsuiji as ssj

SOURCE = "双色球 2026130期"
VALUE = "03 07 12 19 25 31 + 09"


@pytest.fixture()
def pool() -> ssj.TargetPool:
    return ssj.TargetPool.from_frame({"id": [f"E{i:03}" for i in range(60)], "grade": ["ABCD"[i % 4] for i in range(60)]})


def policy() -> dict:
    return ssj.policy_by_grade("5%", "20%", "60%", "100%")


def test_a_draw_must_be_announced_and_keep_its_source(pool: ssj.TargetPool) -> None:
    log = ssj.DrawLog()
    rec = ssj.draw(pool, "2026-SCJG-001", policy(), public_entropy=(SOURCE, VALUE))
    with pytest.raises(ssj.LogError, match="was not announced") as e:
        log.append(rec)
    assert e.value.task == "2026-SCJG-001"
    log.announce("2026-SCJG-001", pool, source="双色球 2026131期")
    with pytest.raises(ssj.LogError, match="does not come from the source entry 0 announced"):
        log.append(rec)
    with pytest.raises(ssj.ShuangsuijiError, match="either source="):
        log.announce("T2", pool)


def test_look_alike_task_ids_are_one_task(pool: ssj.TargetPool) -> None:
    log = ssj.DrawLog()
    log.announce("2026-SCJG-001", pool, source=SOURCE)
    log.append(ssj.draw(pool, "2026-SCJG-001", policy(), public_entropy=(SOURCE, VALUE)))
    for twin in ["2026\u2011SCJG\u2011001", "２０２６-SCJG-００１"]:
        with pytest.raises(ssj.LogError, match="looks like task") as e:
            log.announce(twin, pool, source="双色球 2026131期")
        assert (e.value.id, e.value.earlier, e.value.entry) == (twin, "2026-SCJG-001", 0)
    with pytest.raises(ValueError, match="U\\+200B"):
        log.announce("2026-SCJG-001\u200b", pool, source="双色球 2026131期")
    assert len(log) == 2


def test_member_plans_share_the_tasks_seed(pool: ssj.TargetPool) -> None:
    log = ssj.DrawLog()
    log.announce("T-J", pool, source=SOURCE, plans=["P1", "P2"])
    p1 = ssj.draw(pool, "T-J", policy(), public_entropy=(SOURCE, VALUE), plan="P1")
    log.append(p1)
    other = ssj.draw(pool, "T-J", policy(), public_entropy=(SOURCE, "01 02 03 04 05 06 + 07"), plan="P2")
    with pytest.raises(ssj.LogError, match="with another seed"):
        log.append(other)


def test_a_published_head_catches_a_cut_off_tail(pool: ssj.TargetPool) -> None:
    log = ssj.DrawLog()
    assert log.published_head is None
    for k in range(3):
        log.announce(f"T{k}", pool, source=SOURCE)
        log.append(ssj.draw(pool, f"T{k}", policy(), public_entropy=(SOURCE, VALUE)))
    head = log.published_head
    assert head is not None and head.startswith("5:")
    text = log.to_jsonl()
    assert ssj.DrawLog.from_jsonl(text).verify_head(head) == 5
    cut = "".join(line + "\n" for line in text.splitlines()[:4])
    with pytest.raises(ssj.LogError, match="cut off") as e:
        ssj.DrawLog.from_jsonl(cut).verify_head(head)
    assert e.value.entries == 4
    with pytest.raises(ssj.LogError, match="the log is empty"):
        ssj.DrawLog().verify_head(head)
    with pytest.raises(ValueError):
        log.verify_head("5:not-hex")
