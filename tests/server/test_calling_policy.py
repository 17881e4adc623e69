"""The server holds back what the calling policy forbids (seed 002 §五): a task may not be
started outside the customer's callable window or before its next attempt unless a supervisor
overrides with a reason (audited); a callback time the policy does not allow is moved to the
next allowed time and flagged, never refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from revisit_tui.server.tables import audit_log
from tests.server.conftest import World


def _zone_at(hour: int) -> str:
    """An IANA zone where it is about `hour` o'clock now."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _audits(world: World, action: str) -> list[Any]:
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(audit_log).where(audit_log.c.action == action)).all()
    finally:
        engine.dispose()


def test_start_outside_the_window_is_refused_with_when_it_may(world: World) -> None:
    task = world.add_task(world.add_customer("c", timezone=_zone_at(3)), "a")  # 03:xx there
    refused = world.call("POST", f"/v1/tasks/{task}/start", "a")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "outside_window"
    allowed = _parse(problem["next_allowed_at"])
    assert timedelta(hours=4) < allowed - datetime.now(UTC) < timedelta(hours=7)
    assert allowed.minute == 0  # the window's start (09:00 on the customer's clock)

    lone = world.call(
        "POST", f"/v1/tasks/{task}/start", "a", json={"override_reason": "客户要求现在来电"}
    )
    assert lone.status_code == 403  # an agent may not override
    world.ok("POST", f"/v1/tasks/{task}/start", "boss", json={"override_reason": "客户来电要求"})
    [entry] = [e for e in _audits(world, "start_override") if e.detail["task_id"] == task]
    assert (entry.actor, entry.detail["held_back"], entry.detail["reason"]) == (
        world.id("boss"),
        "outside_window",
        "客户来电要求",
    )


def test_start_before_the_next_attempt_is_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    busy = world.outcome(task, "a", disposition="busy", satisfaction=None)
    result = world.ok("PUT", f"/v1/outcomes/{busy['id']}", "a", json=busy)
    refused = world.call("POST", f"/v1/tasks/{task}/start", "a")
    assert refused.status_code == 422
    assert refused.json()["code"] == "retry_spacing"
    assert refused.json()["next_allowed_at"] == result["task"]["next_attempt_at"]


def test_a_callback_outside_the_window_is_moved_and_flagged(world: World) -> None:
    zone = _zone_at(13)
    task = world.add_task(world.add_customer("c", timezone=zone), "a")
    asked = datetime.now(UTC) + timedelta(hours=10)  # about 23:00 on the customer's clock
    outcome = world.outcome(
        task,
        "a",
        disposition="callback_requested",
        satisfaction=None,
        callback_at=asked.isoformat(),
    )
    result = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert result.status_code == 201
    body = result.json()
    assert body["callback_flag"] == "callback_outside_window"
    planned = _parse(body["task"]["callback_at"])
    assert planned > asked and planned - asked < timedelta(hours=12)
    refused = world.call("POST", f"/v1/tasks/{task}/start", "a")
    assert (refused.json()["code"], refused.json()["next_allowed_at"]) == (
        "callback",
        body["task"]["callback_at"],
    )


def test_callbacks_in_the_past_or_beyond_the_horizon_are_moved(world: World) -> None:
    customer = world.add_customer("c", timezone=_zone_at(13))
    late, far = world.add_task(customer, "a"), world.add_task(customer, "a")
    past = world.outcome(
        late,
        "a",
        disposition="callback_requested",
        satisfaction=None,
        callback_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    )
    first = world.ok("PUT", f"/v1/outcomes/{past['id']}", "a", json=past)
    assert first["callback_flag"] == "callback_in_past"
    assert _parse(first["task"]["callback_at"]) >= _parse(past["ended_at"])
    away = world.outcome(
        far,
        "a",
        disposition="callback_requested",
        satisfaction=None,
        callback_at=(datetime.now(UTC) + timedelta(days=200)).isoformat(),
    )
    second = world.ok("PUT", f"/v1/outcomes/{away['id']}", "a", json=away)
    assert second["callback_flag"] == "callback_beyond_horizon"
    moved = _parse(second["task"]["callback_at"]) - datetime.now(UTC)
    assert timedelta(days=29) < moved < timedelta(days=31)  # calls.callback_horizon_days
