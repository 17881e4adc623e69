"""Writer contention never becomes a 5xx: one big (but allowed) outcome while ten agents
write, an outcome too big to be allowed refused before the database, and a database that
stays locked answered 503 with Retry-After."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from revisit_tui.domain import models
from tests.server.conftest import World

AGENTS = 10


def maximal_outcome(world: World, task: str, who: str) -> dict[str, Any]:
    """An outcome with every list and text at its largest allowed size."""
    address = "北京市海淀区中关村大街" + "一" * (models.SHORT_TEXT_MAX - 11)
    return world.outcome(
        task,
        who,
        contact_checks=[{"field": "address", "result": "changed", "new_value": address}]
        * (2 * len(models.ContactField)),
        transaction_checks=[
            {"transaction_id": f"t{i}", "answer": "confirmed", "note": "注" * 200}
            for i in range(models.MAX_TRANSACTION_CHECKS)
        ],
        features=[
            {"feature": f.value, "in_use": True, "problem": "问" * 200} for f in models.Feature
        ],
        needs=[{"product": "loan", "note": "需" * 200}] * (2 * len(models.LeadProduct)),
        escalations=[
            {
                "id": str(uuid.uuid4()),
                "category": "service",
                "department": "部" * 100,
                "urgency": "normal",
                "summary": "摘" * models.NOTES_MAX,
            }
            for _ in range(models.MAX_ESCALATIONS)
        ],
        notes="记" * models.NOTES_MAX,
        script_version="v" * models.SHORT_TEXT_MAX,
    )


def test_a_maximal_outcome_while_ten_agents_write_gives_no_5xx(world: World) -> None:
    agents = [f"w{i}" for i in range(AGENTS)]
    for name in agents:
        world.tokens[name] = world.server.add_agent(world.id(name))
    customer = world.add_customer("c")
    big_tasks = [world.add_task(customer, "a") for _ in range(3)]
    small_tasks = {name: [world.add_task(customer, name) for _ in range(5)] for name in agents}

    def write_big() -> list[int]:
        statuses = []
        with httpx.Client(base_url=world.server.url, timeout=60) as http:
            for task in big_tasks:
                outcome = maximal_outcome(world, task, "a")
                answer = http.put(
                    f"/v1/outcomes/{outcome['id']}",
                    json=outcome,
                    headers={"Authorization": f"Bearer {world.tokens['a']}"},
                )
                statuses.append(answer.status_code)
        return statuses

    def write_small(name: str) -> list[int]:
        statuses = []
        with httpx.Client(base_url=world.server.url, timeout=60) as http:
            for task in small_tasks[name]:
                outcome = world.outcome(task, name)
                answer = http.post(
                    "/v1/outcomes",
                    json={"outcomes": [outcome]},
                    headers={"Authorization": f"Bearer {world.tokens[name]}"},
                )
                statuses.append(answer.status_code)
                if answer.status_code == 200:
                    statuses.append(answer.json()["results"][0]["status"])
        return statuses

    with ThreadPoolExecutor(AGENTS + 1) as pool:
        big = pool.submit(write_big)
        small = [pool.submit(write_small, name) for name in agents]
        assert big.result() == [201, 201, 201]
        for future in small:
            assert future.result() == [200, 201] * 5


def test_an_outcome_over_the_bounds_is_refused_at_once(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    huge = maximal_outcome(world, task, "a")
    huge["transaction_checks"] = huge["transaction_checks"] * 95
    # ~6.3 MB as UTF-8 JSON without spaces, whatever httpx's own JSON encoding
    body = json.dumps(huge, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(body) < 8_000_000  # under 413's limit: the bounds, not the size, refuse it
    started = time.monotonic()
    answer = world.call(
        "PUT",
        f"/v1/outcomes/{huge['id']}",
        "a",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert "transaction_checks" in answer.json()["fields"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # holds SQLite's write lock
def test_a_database_locked_for_long_is_503_with_retry_after(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    holder = sqlite3.connect(world.server.db_url.removeprefix("sqlite:///"), timeout=30)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = world.call(
            "PUT", "/v1/outcomes/" + (o := world.outcome(task, "a"))["id"], "a", json=o
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["code"] == "busy"
    again = world.call("PUT", f"/v1/outcomes/{o['id']}", "a", json=o)
    assert again.status_code == 201, again.text
