"""The follow-up closes the loop (seed 002 §九.3): the department's resolution reaches the
follow-up call, the customer's answer about it is recorded, "not satisfied" reopens the
escalation with a new deadline and its history kept; one open follow-up per escalation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.server.conftest import World


def _escalated(world: World) -> tuple[str, dict[str, Any]]:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    request = {
        "id": str(uuid.uuid4()),
        "category": "product",
        "department": "电子银行部",
        "urgency": "high",
        "summary": "手机银行转账卡顿",
    }
    world.ok(
        "POST",
        "/v1/outcomes",
        "a",
        json={"outcomes": [world.outcome(task, "a", escalations=[request])]},
    )
    return customer, request


def _escalation(world: World, escalation_id: str) -> dict[str, Any]:
    items = world.ok("GET", "/v1/escalations?limit=1000", "boss")["items"]
    found: dict[str, Any] = next(e for e in items if e["id"] == escalation_id)
    return found


def _follow_up_item(world: World, task_id: str) -> dict[str, Any]:
    queue = world.ok("GET", "/v1/queue", "a")["items"]
    found: dict[str, Any] = next(i for i in queue if i["task"]["id"] == task_id)
    return found


def test_not_satisfied_reopens_with_a_new_deadline_and_the_history_kept(world: World) -> None:
    _, request = _escalated(world)
    path = f"/v1/escalations/{request['id']}"
    resolved = world.ok("POST", f"{path}/resolve", "boss", json={"resolution": "已升级客户端版本"})
    item = _follow_up_item(world, resolved["follow_up_task_id"])
    assert item["escalation"]["resolution"] == "已升级客户端版本"
    assert item["escalation"]["summary"] == "手机银行转账卡顿"

    follow_up = world.outcome(
        resolved["follow_up_task_id"], "a", resolution_satisfied=False, notes="还是卡"
    )
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [follow_up]})
    reopened = _escalation(world, request["id"])
    assert (reopened["status"], reopened["satisfied"]) == ("reopened", False)
    deadline = datetime.fromisoformat(reopened["deadline"])
    assert deadline == datetime.fromisoformat(follow_up["ended_at"]) + timedelta(hours=24)
    assert [(h["action"], h["text"]) for h in reopened["history"]] == [
        ("resolved", "已升级客户端版本"),
        ("reopened", "还是卡"),
    ]
    assert reopened["history"][1]["by"] == world.id("a")

    again = world.ok("POST", f"{path}/resolve", "boss", json={"resolution": "已修复网络问题"})
    assert again["follow_up_task_id"] != resolved["follow_up_task_id"]
    happy = world.outcome(again["follow_up_task_id"], "a", resolution_satisfied=True)
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [happy]})
    closed = _escalation(world, request["id"])
    assert (closed["status"], closed["satisfied"]) == ("resolved", True)
    assert [h["action"] for h in closed["history"]] == [
        "resolved",
        "reopened",
        "resolved",
        "satisfied",
    ]


def test_one_open_follow_up_per_escalation(world: World) -> None:
    customer, request = _escalated(world)
    path = f"/v1/escalations/{request['id']}"
    first = world.ok("POST", f"{path}/resolve", "boss", json={"resolution": "第一次答复"})
    world.ok("POST", f"{path}/reopen", "boss", json={"resolution": "部门要求补充材料"})
    second = world.ok("POST", f"{path}/resolve", "boss", json={"resolution": "第二次答复"})
    follow_ups = [
        t
        for t in world.ok("GET", f"/v1/tasks?customer={customer}&kind=follow_up", "boss")["items"]
        if t["status"] == "open"
    ]
    assert [t["id"] for t in follow_ups] == [second["follow_up_task_id"]]
    listed = world.ok("GET", f"/v1/tasks?customer={customer}&kind=follow_up", "boss")["items"]
    assert {t["id"]: t["status"] for t in listed}[first["follow_up_task_id"]] == "cancelled"
    assert _follow_up_item(world, second["follow_up_task_id"])["escalation"]["resolution"] == (
        "第二次答复"
    )
    reopened = _escalation(world, request["id"])
    assert [h["text"] for h in reopened["history"]] == [
        "第一次答复",
        "部门要求补充材料",
        "第二次答复",
    ]
    assert datetime.fromisoformat(reopened["deadline"]) > datetime.now(UTC)
