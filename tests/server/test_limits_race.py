"""Limits two requests can race on hold exactly under load: PostgreSQL, two server workers,
each request fired ten times at once (a barrier releases the ten threads together)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from revisit_tui.domain.models import Role
from revisit_tui.server import admin
from revisit_tui.server.tables import outcomes, reveals, sms_messages, tasks
from tests.server.conftest import World, sms_request

WAYS = 10


@pytest.fixture(scope="module")
def two_workers(pg_url: str, live_server_for: Any) -> Iterator[Any]:
    live = live_server_for(pg_url, workers=2)
    with live.process:
        yield live


@pytest.fixture
def world(two_workers: Any) -> Iterator[World]:
    with httpx.Client(base_url=two_workers.url, timeout=60) as http:
        w = World(server=two_workers, http=http, tag=uuid.uuid4().hex[:8])
        w.tokens["boss"] = two_workers.add_agent(w.id("boss"), role=Role.SUPERVISOR)
        w.tokens["a"] = two_workers.add_agent(w.id("a"))
        w.tokens["online"] = two_workers.add_service(w.id("online"), Role.ONLINE_SERVICE)
        yield w


def at_once(
    world: World, who: str, send: Callable[[httpx.Client, dict[str, str]], Any]
) -> list[Any]:
    """`send` run by WAYS threads released together, each on its own connection."""
    barrier = threading.Barrier(WAYS)
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}

    def one(_: int) -> Any:
        with httpx.Client(base_url=world.server.url, timeout=60) as http:
            http.get("/v1/health")  # connected before the barrier
            barrier.wait()
            return send(http, headers)

    with ThreadPoolExecutor(WAYS) as pool:
        return list(pool.map(one, range(WAYS)))


def count(world: World, table: sa.Table, *where: Any) -> int:
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(*where)))
    finally:
        engine.dispose()


def daytime_zone() -> str:
    """A fixed-offset zone where it is about noon now (the SMS rest hours are 21:00-08:00)."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def test_ten_sms_to_one_customer_at_once_send_exactly_the_cap(world: World) -> None:
    customer = world.add_customer("c", timezone=daytime_zone())
    task = world.add_task(customer, "a")
    answers = at_once(
        world, "a", lambda http, h: http.post("/v1/sms", json=sms_request(task), headers=h)
    )
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {202: 1, 422: WAYS - 1}, [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 422} == {"frequency_cap"}
    assert count(world, sms_messages, sms_messages.c.customer_id == customer) == 1


def test_ten_retries_of_one_sms_store_one_and_answer_it_to_all(world: World) -> None:
    customer = world.add_customer("c", timezone=daytime_zone())
    task = world.add_task(customer, "a")
    body = sms_request(task)
    answers = at_once(world, "a", lambda http, h: http.post("/v1/sms", json=body, headers=h))
    assert [a.status_code for a in answers] == [202] * WAYS, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert count(world, sms_messages, sms_messages.c.id == body["id"]) == 1


def test_ten_copies_of_one_reveal_store_one(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    reveal = {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "customer_id": customer,
        "field": "mobile",
        "at": datetime.now(UTC).isoformat(),
    }
    answers = at_once(world, "a", lambda http, h: http.post("/v1/reveals", json=reveal, headers=h))
    assert sorted(a.status_code for a in answers) == [200] * (WAYS - 1) + [201], [
        a.text for a in answers
    ]
    assert count(world, reveals, reveals.c.id == reveal["id"]) == 1


def test_ten_copies_of_one_online_answer_store_one(world: World) -> None:
    task = world.add_task(world.add_customer("c"), None)
    answer = {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "answered_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "satisfaction": 4,
    }
    answers = at_once(
        world, "online", lambda http, h: http.post("/v1/online-answers", json=answer, headers=h)
    )
    assert sorted(a.status_code for a in answers) == [200] * (WAYS - 1) + [201], [
        a.text for a in answers
    ]
    assert len({a.json()["outcome_id"] for a in answers}) == 1
    assert count(world, outcomes, outcomes.c.id == answer["id"]) == 1


def test_ten_creations_of_one_new_key_make_one_task(world: World) -> None:
    customer = world.add_customer("c")
    key = world.id("same-key")
    batch = {
        "tasks": [
            {
                "key": key,
                "kind": "periodic",
                "priority": 5,
                "customer_id": customer,
                "due": date.today().isoformat(),
            }
        ]
    }
    answers = at_once(
        world, "boss", lambda http, h: http.post("/v1/tasks/bulk", json=batch, headers=h)
    )
    assert [a.status_code for a in answers] == [200] * WAYS, [a.text for a in answers]
    assert sorted(a.json()["created"] for a in answers) == [0] * (WAYS - 1) + [1]
    assert len({a.json()["task_ids"][0] for a in answers}) == 1
    assert count(world, tasks, tasks.c.key == key) == 1


def test_assignment_runs_at_once_never_exceed_capacity(world: World) -> None:
    agent = world.id("cap")
    world.tokens["cap"] = world.server.add_agent(agent, capacity=100)
    customer = world.add_customer("c")
    ids = [world.add_task(customer, None) for _ in range(150)]
    runs = [ids[i * 15 : (i + 1) * 15] for i in range(WAYS)]  # 10 runs of 15: 150 > 100
    remaining = iter(runs)
    lock = threading.Lock()

    def run(http: httpx.Client, headers: dict[str, str]) -> Any:
        with lock:
            part = next(remaining)
        body = {"assignments": [{"task_id": t, "agent_id": agent} for t in part]}
        return http.post("/v1/assignments", json=body, headers=headers)

    answers = at_once(world, "boss", run)
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {200: 6, 422: 4}, [a.text for a in answers]  # 6 x 15 = 90 <= 100
    assert {a.json()["code"] for a in answers if a.status_code == 422} == {"over_capacity"}
    held = count(world, tasks, tasks.c.assigned_agent == agent, tasks.c.status == "open")
    assert held == 90


def test_no_assignment_to_a_revoked_agent(world: World) -> None:
    gone = world.id("gone")
    world.server.add_agent(gone)
    admin.revoke(world.server.db_url, gone)
    task = world.add_task(world.add_customer("c"), None)
    body = {"assignments": [{"task_id": task, "agent_id": gone}]}
    answer = world.call("POST", "/v1/assignments", "boss", json=body)
    assert answer.status_code == 422, answer.text
    assert "revoked" in answer.json()["fields"]["assignments.0.agent_id"]
