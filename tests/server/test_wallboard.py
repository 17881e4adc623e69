"""GET /v1/wallboard against the real server (SQLite and PostgreSQL): the floor's day in
aggregates, for supervisors only, polled with ETags.

Tests share one server per database, so each compares the board before and after its own
changes (other tests' data only ever adds to both)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import Outcome
from revisit_tui.domain.wallboard import Wallboard
from tests.conftest import callable_zone
from tests.server.conftest import World, now

ZONE = callable_zone()  # about 13:00 there: "today" holds the last hours whenever this runs
BOARD = f"/v1/wallboard?tz={quote(ZONE)}"  # Etc/GMT+1: a bare "+" in a query is a space


def board(world: World, **headers: str) -> dict[str, Any]:
    answer = world.ok("GET", BOARD, "boss", headers=headers)
    Wallboard.model_validate(answer)  # the wire model the wallboard app reads it with
    return answer


def kind(answer: dict[str, Any], name: str) -> dict[str, Any]:
    return next(line for line in answer["kinds"] if line["kind"] == name)


def agent(answer: dict[str, Any], agent_id: str) -> dict[str, Any]:
    return next(line for line in answer["agents"] if line["agent_id"] == agent_id)


def urgency(answer: dict[str, Any], level: str) -> dict[str, Any]:
    return next(line for line in answer["escalations"] if line["urgency"] == level)


def tasks(
    world: World, customer: str, agent_id: str, *kinds_and_dues: tuple[str, date]
) -> list[str]:
    body = {
        "tasks": [
            {
                "key": world.id(f"wb-{uuid.uuid4().hex[:8]}"),
                "kind": task_kind,
                "priority": 5,
                "customer_id": customer,
                "due": due.isoformat(),
                "assigned_agent": world.id(agent_id),
                **({"event": "complaint"} if task_kind == "special_event" else {}),
            }
            for task_kind, due in kinds_and_dues
        ]
    }
    ids: list[str] = world.ok("POST", "/v1/tasks/bulk", "boss", json=body)["task_ids"]
    return ids


def test_the_board_counts_the_day_as_it_happens(world: World) -> None:
    before = board(world)
    today = date.fromisoformat(before["day"])
    next_day = date.fromisoformat(before["new_accounts_at_risk"]["next_working_day"])
    assert today == datetime.now(ZoneInfo(ZONE)).date()
    assert next_day > today
    customer = world.add_customer("c")
    reached, missed, overdue, tomorrow = tasks(
        world,
        customer,
        "a",
        ("new_account", today),
        ("new_account", today),
        ("periodic", today - timedelta(days=3)),
        ("new_account", next_day),
    )
    polled = world.call("GET", "/v1/queue", "a", headers={"X-Outbox-Pending": "3"})
    assert polled.status_code == 200
    escalation = {
        "id": str(uuid.uuid4()),
        "category": "service",
        "department": "个人金融部",
        "urgency": "urgent",
        "summary": "客户投诉网点服务",
    }
    started = now() - timedelta(minutes=10)
    calls = [
        world.outcome(
            reached,
            "a",
            started_at=started.isoformat(),
            ended_at=(started + timedelta(seconds=300)).isoformat(),
            escalations=[escalation],
        ),
        world.outcome(
            missed,
            "a",
            started_at=(started + timedelta(minutes=6)).isoformat(),
            ended_at=(started + timedelta(minutes=6, seconds=60)).isoformat(),
            disposition="no_answer",
            satisfaction=None,
            contact_checks=[],
        ),
    ]
    results = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": calls})["results"]
    assert [r["status"] for r in results] == [201, 201]

    after = board(world)
    new_before, new_after = kind(before, "new_account"), kind(after, "new_account")
    assert new_after["attempted"] - new_before["attempted"] == 2
    assert new_after["done"] - new_before["done"] == 1
    # the reached one is closed; the missed one is still due today
    assert new_after["due_today"] - new_before["due_today"] == 1
    assert new_after["remaining"] - new_before["remaining"] == 1
    periodic_before, periodic_after = kind(before, "periodic"), kind(after, "periodic")
    assert periodic_after["overdue"] - periodic_before["overdue"] == 1
    assert periodic_after["remaining"] - periodic_before["remaining"] == 1
    risk_before, risk_after = before["new_accounts_at_risk"], after["new_accounts_at_risk"]
    assert risk_after["due_today"] - risk_before["due_today"] == 1
    assert risk_after["due_next_working_day"] - risk_before["due_next_working_day"] == 1
    assert tomorrow and overdue

    line = agent(after, world.id("a"))
    assert line["signed_in"] is True
    assert line["outbox_pending"] == 3
    assert (line["calls_today"], line["reached_today"]) == (2, 1)
    assert line["average_handle_seconds"] == 180  # (300 + 60) / 2
    idle = agent(after, world.id("b"))
    assert (idle["signed_in"], idle["last_sync_at"], idle["calls_today"]) == (False, None, 0)
    assert idle["average_handle_seconds"] is None

    urgent_before, urgent_after = urgency(before, "urgent"), urgency(after, "urgent")
    assert urgent_after["open"] - urgent_before["open"] == 1
    nearest = {line["escalation_id"]: line for line in after["nearest_deadlines"]}
    assert escalation["id"] in nearest or len(nearest) == 10
    if escalation["id"] in nearest:
        assert nearest[escalation["id"]]["department"] == "个人金融部"
        assert nearest[escalation["id"]]["agent_id"] == world.id("a")

    hour = started.astimezone(ZoneInfo(ZONE)).hour
    by_hour_before = {line["hour"]: line for line in before["calls_by_hour"]}
    by_hour_after = {line["hour"]: line for line in after["calls_by_hour"]}
    calls_added = sum(by_hour_after[h]["calls"] - by_hour_before[h]["calls"] for h in range(24))
    assert calls_added == 2
    assert by_hour_after[hour]["reached"] - by_hour_before[hour]["reached"] >= 1


def test_a_late_outcome_counts_in_the_hour_it_was_called_and_yesterday_s_not_at_all(
    world: World,
) -> None:
    before = board(world)
    customer = world.add_customer("c")
    early, yesterday = tasks(
        world, customer, "a", ("periodic", date(2026, 12, 31)), ("periodic", date(2026, 12, 31))
    )
    local_now = datetime.now(ZoneInfo(ZONE))
    morning = local_now.replace(hour=9, minute=15, second=0, microsecond=0)
    the_day_before = morning - timedelta(days=1)
    calls = [
        world.outcome(
            task_id,
            "a",
            started_at=moment.isoformat(),
            ended_at=(moment + timedelta(minutes=3)).isoformat(),
        )
        for task_id, moment in ((early, morning), (yesterday, the_day_before))
    ]
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": calls})
    after = board(world)
    nine_before = next(line for line in before["calls_by_hour"] if line["hour"] == 9)
    nine_after = next(line for line in after["calls_by_hour"] if line["hour"] == 9)
    assert nine_after["calls"] - nine_before["calls"] == 1
    line = agent(after, world.id("a"))
    assert line["calls_today"] - agent(before, world.id("a"))["calls_today"] == 1


def test_the_board_answers_304_until_the_floor_changes(world: World) -> None:
    first = world.call("GET", BOARD, "boss")
    tag = first.headers["ETag"]
    again = world.call("GET", BOARD, "boss", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    customer = world.add_customer("c")
    (task,) = tasks(
        world, customer, "a", ("special_event", date.fromisoformat(first.json()["day"]))
    )
    changed = world.call("GET", BOARD, "boss", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert task


def test_only_supervisors_see_the_board(world: World) -> None:
    refused = world.call("GET", "/v1/wallboard", "a")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert world.call("GET", "/v1/wallboard").status_code == 401
    unknown_zone = world.call("GET", "/v1/wallboard?tz=Mars/Olympus", "boss")
    assert unknown_zone.status_code == 422
    assert "tz" in unknown_zone.json()["fields"]


def test_an_outbox_figure_that_is_not_a_count_is_refused_naming_the_header(world: World) -> None:
    answer = world.call("GET", "/v1/queue", "a", headers={"X-Outbox-Pending": "-1"})
    assert answer.status_code == 422
    assert any("outbox" in name.lower() for name in answer.json()["fields"])


def test_the_agent_app_s_sync_reports_its_outbox_to_the_board(world: World, tmp_path: Path) -> None:
    agent_id = world.id("a")
    assert agent(board(world), agent_id)["outbox_pending"] is None
    customer = world.add_customer("c")
    (task,) = tasks(world, customer, "a", ("periodic", date(2026, 12, 31)))
    with (
        ApiClient(world.server.url, world.tokens["a"]) as api,
        AgentStore.open(tmp_path, world.server.url, agent_id) as store,
    ):
        store.submit(Outcome.model_validate(world.outcome(task, "a", disposition="no_answer")))
        assert store.pending_count() == 1
        state = SyncEngine(api, store, SyncSettings()).sync_once()
        assert state.online and state.pending == 0
    line = agent(board(world), agent_id)
    assert line["outbox_pending"] == 0  # reported by the sync's poll, after the push
    assert line["signed_in"] is True


def test_a_poll_is_answered_while_another_writer_holds_the_database(live_server: Any) -> None:
    token = live_server.add_agent("busy-agent")
    path = live_server.db_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # SQLite's one writer: the presence write cannot start
    try:
        answer = httpx.get(
            f"{live_server.url}/v1/queue",
            headers={"Authorization": f"Bearer {token}", "X-Outbox-Pending": "1"},
            timeout=30,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 200, answer.text
    with sqlite3.connect(path) as conn:
        seen = conn.execute("SELECT * FROM agent_presence WHERE agent_id = 'busy-agent'")
        assert seen.fetchall() == []  # skipped, and written by the next poll
    again = httpx.get(
        f"{live_server.url}/v1/queue", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert again.status_code == 200
    with sqlite3.connect(path) as conn:
        seen = conn.execute("SELECT agent_id FROM agent_presence WHERE agent_id = 'busy-agent'")
        assert seen.fetchall() == [("busy-agent",)]
