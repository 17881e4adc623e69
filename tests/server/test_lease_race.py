"""Two people pressing "start" on one task at the same moment: exactly one gets the lease,
on SQLite with one server, and on PostgreSQL with two API processes on the same database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from revisit_tui.domain.models import Role
from revisit_tui.server.process import ServerProcess
from tests.conftest import callable_zone
from tests.server.conftest import World

ROUNDS = 15


def race(urls: list[str], tokens: list[str], task_ids: list[str]) -> list[list[int]]:
    """For each task, both contenders fire start together; their status codes per task."""
    barrier = threading.Barrier(len(tokens))
    statuses: list[list[int]] = [[0] * len(tokens) for _ in task_ids]

    def contender(index: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        with httpx.Client(base_url=urls[index], headers=headers, timeout=30) as http:
            http.get("/v1/me")  # connection open before the race
            for round_index, task_id in enumerate(task_ids):
                barrier.wait()
                statuses[round_index][index] = http.post(f"/v1/tasks/{task_id}/start").status_code

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_one_of_two_simultaneous_starters_wins(world: World) -> None:
    world.tokens["boss2"] = world.server.add_agent(world.id("boss2"), role=Role.SUPERVISOR)
    customer = world.add_customer("c")
    tasks = [world.add_task(customer, "a") for _ in range(ROUNDS)]
    # the assigned agent and a supervisor taking over the call
    tokens = [world.tokens["a"], world.tokens["boss2"]]
    statuses = race([world.server.url] * 2, tokens, tasks)
    assert all(sorted(pair) == [200, 409] for pair in statuses), statuses


@pytest.fixture(scope="module")
def two_processes(pg_url: str, live_server_for: Any) -> Iterator[tuple[Any, ServerProcess]]:
    first = live_server_for(pg_url)
    with first.process, ServerProcess(pg_url) as second:
        yield first, second


@pytest.mark.postgres
def test_two_api_processes_on_postgresql_let_one_starter_win(
    two_processes: tuple[Any, ServerProcess],
) -> None:
    first, second = two_processes
    tokens = [
        first.add_agent("boss-1", role=Role.SUPERVISOR),
        first.add_agent("boss-2", role=Role.SUPERVISOR),
    ]
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    customer = {
        "id": "c1",
        "type": "personal",
        "name": "客户",
        "branch": "b1",
        "timezone": callable_zone(),  # the server leases a task only in the callable window
    }
    with httpx.Client(base_url=first.url, headers=headers) as http:
        assert http.post("/v1/import", json={"customers": [customer]}).status_code == 200
        created = http.post(
            "/v1/tasks/bulk",
            json={
                "tasks": [
                    {
                        "key": f"race-{n}",
                        "kind": "periodic",
                        "priority": 5,
                        "customer_id": "c1",
                        "due": "2026-12-01",
                    }
                    for n in range(ROUNDS)
                ]
            },
        )
    statuses = race([first.url, second.url], tokens, created.json()["task_ids"])
    assert all(sorted(pair) == [200, 409] for pair in statuses), statuses
