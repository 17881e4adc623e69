"""Deadlines and retry spacing count from the call, not from when the outcome reached the
server; implausible call times are stored and flagged, never refused. A "not me" answer is
filed as an urgent fraud escalation whatever the client asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from revisit_tui.server.tables import tasks
from tests.server.conftest import World


def backdate(world: World, task_id: str, hours: int) -> None:
    """The task was created `hours` ago (the agent took it then and went offline)."""
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.update(tasks)
                .where(tasks.c.id == task_id)
                .values(created_at=datetime.now(UTC) - timedelta(hours=hours))
            )
    finally:
        engine.dispose()


def _at(hours_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()


def _escalations(world: World) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.ok("GET", "/v1/escalations?limit=1000", "boss")["items"]
    return [e for e in items if e["agent_id"] == world.id("a")]


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_offline_agents_urgent_escalation_is_due_two_hours_after_the_call(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    backdate(world, task, 8)
    transaction = world.id("tx-c")
    outcome = world.outcome(
        task,
        "a",
        started_at=_at(6.1),
        ended_at=_at(6),
        transaction_checks=[{"transaction_id": transaction, "answer": "not_me"}],
        escalations=[
            {  # the agent tried to file it as a low-urgency service matter
                "id": "6f1d6c52-2d0e-4a48-9a53-0a4a1c0de001",
                "category": "service",
                "department": "电子银行部",
                "urgency": "low",
                "summary": "客户说不是他",
                "transaction_id": transaction,
            }
        ],
    )
    result = world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert result["time_flag"] is None
    [escalation] = _escalations(world)
    assert (escalation["category"], escalation["urgency"]) == ("fraud", "urgent")
    deadline = _parse(escalation["deadline"])
    assert deadline == _parse(outcome["ended_at"]) + timedelta(hours=2)
    overdue = world.ok("GET", "/v1/escalations?overdue=true&limit=1000", "boss")["items"]
    assert escalation["id"] in {e["id"] for e in overdue}


def test_retry_spacing_counts_from_the_call(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    backdate(world, task, 8)
    outcome = world.outcome(
        task, "a", disposition="no_answer", satisfaction=None, started_at=_at(6.1), ended_at=_at(6)
    )
    result = world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    next_attempt = _parse(result["task"]["next_attempt_at"])
    assert next_attempt == _parse(outcome["ended_at"]) + timedelta(minutes=120)


def test_a_call_in_the_future_is_stored_flagged_and_counts_from_receipt(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(
        task,
        "a",
        started_at=_at(-24),
        ended_at=_at(-24.1),
        transaction_checks=[{"transaction_id": world.id("tx-c"), "answer": "not_me"}],
    )
    before = datetime.now(UTC)
    result = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert result.status_code == 201
    assert result.json()["time_flag"] == "future"
    [escalation] = _escalations(world)
    deadline = _parse(escalation["deadline"])
    assert before + timedelta(hours=2) <= deadline <= datetime.now(UTC) + timedelta(hours=2)
    flagged = world.ok("GET", f"/v1/outcomes?agent={world.id('a')}&implausible_time=true", "boss")
    assert [o["id"] for o in flagged["items"]] == [outcome["id"]]


def test_a_call_before_its_task_existed_is_stored_flagged(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", started_at=_at(48), ended_at=_at(47.9))
    result = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert result.status_code == 201
    assert result.json()["time_flag"] == "before_task"
    again = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert (again.status_code, again.json()["time_flag"]) == (200, "before_task")
