"""POST /v1/accounts/ids answers the account id of any number, so a supervisor token could
confirm guessed numbers: each caller may look up at most `privacy.account_id_lookups_per_day`
numbers a day, counted atomically on the server (several workers on PostgreSQL, SQLite's one
writer), and every request, refused or not, is in the audit log."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from revisit_tui.domain.models import Role
from revisit_tui.server.tables import audit_log
from tests.conftest import callable_zone
from tests.server.conftest import World

PER_DAY = 50
WAYS = 10
CENTRE = callable_zone()  # the centre's zone, the quota's day: it is midday there now


@pytest.fixture(scope="module")
def quota_server(db_url: str, live_server_for: Any) -> Iterator[Any]:
    """A server with a small quota: two workers on PostgreSQL, one on SQLite."""
    workers = 2 if db_url.startswith("postgresql") else 1
    env = {
        "REVISIT_PRIVACY_ACCOUNT_ID_LOOKUPS_PER_DAY": str(PER_DAY),
        "REVISIT_SUPERVISOR_TIMEZONE": CENTRE,
    }
    live = live_server_for(db_url, workers=workers, env=env)
    with live.process:
        yield live


@pytest.fixture
def world(quota_server: Any) -> Iterator[World]:
    with httpx.Client(base_url=quota_server.url, timeout=60) as http:
        w = World(server=quota_server, http=http, tag=uuid.uuid4().hex[:8])
        w.tokens["boss"] = quota_server.add_agent(w.id("boss"), role=Role.SUPERVISOR)
        w.tokens["other"] = quota_server.add_agent(w.id("other"), role=Role.SUPERVISOR)
        yield w


def numbers(count: int) -> list[str]:
    return [f"62{uuid.uuid4().int % 10**14:014d}" for _ in range(count)]


def audited(world: World, who: str) -> list[tuple[str, dict[str, Any]]]:
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_log.c.action, audit_log.c.detail)
                .where(audit_log.c.actor == world.id(who))
                .order_by(audit_log.c.id)
            ).all()
    finally:
        engine.dispose()
    return [(row.action, row.detail) for row in rows]


def next_midnight() -> datetime:
    local = datetime.now(ZoneInfo(CENTRE))
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)


def test_concurrent_lookups_never_exceed_the_quota_in_total(world: World) -> None:
    """Ten requests of 7 numbers at once against 50 a day: exactly 7 are answered (49), three
    refused, whichever worker took them."""
    barrier = threading.Barrier(WAYS)
    headers = {"Authorization": f"Bearer {world.tokens['boss']}"}

    def one(_: int) -> httpx.Response:
        with httpx.Client(base_url=world.server.url, timeout=60) as http:
            http.get("/v1/health")  # connected before the barrier
            barrier.wait()
            return http.post("/v1/accounts/ids", json={"numbers": numbers(7)}, headers=headers)

    with ThreadPoolExecutor(WAYS) as pool:
        answers = list(pool.map(one, range(WAYS)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 7 + [429] * 3, [a.text for a in answers]
    answered = sum(len(a.json()["ids"]) for a in answers if a.status_code == 200)
    assert answered == 49
    log = audited(world, "boss")
    assert sum(d["numbers"] for action, d in log if action == "account_ids_looked_up") == 49
    assert [d["numbers"] for action, d in log if action == "account_ids_refused"] == [7, 7, 7]


def test_a_lookup_past_the_quota_is_429_with_retry_after_and_names_numbers(world: World) -> None:
    assert (
        len(world.ok("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(45)})["ids"])
        == 45
    )
    refused = world.call("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(10)})
    assert refused.status_code == 429, refused.text
    problem = refused.json()
    assert problem["code"] == "lookup_quota"
    assert list(problem["fields"]) == ["numbers"]
    assert "10 numbers asked" in problem["fields"]["numbers"]
    assert "5 of 50 left today" in problem["fields"]["numbers"]
    assert (problem["limit"], problem["remaining"]) == (PER_DAY, 5)
    midnight = next_midnight()
    assert datetime.fromisoformat(problem["next_allowed_at"]) == midnight.astimezone(UTC)
    wait = (midnight - datetime.now(UTC)).total_seconds()
    assert abs(int(refused.headers["Retry-After"]) - wait) <= 5
    assert refused.headers["Cache-Control"] == "no-store"
    # the refusal took nothing: what is left can still be asked, and then nothing more
    assert (
        len(world.ok("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(5)})["ids"]) == 5
    )
    again = world.call("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(1)})
    assert again.status_code == 429 and again.json()["remaining"] == 0
    # the quota is the caller's: another supervisor still looks up theirs
    assert world.ok("POST", "/v1/accounts/ids", "other", json={"numbers": numbers(3)})["ids"]
    assert [(action, d["numbers"]) for action, d in audited(world, "boss")] == [
        ("account_ids_looked_up", 45),
        ("account_ids_refused", 10),
        ("account_ids_looked_up", 5),
        ("account_ids_refused", 1),
    ]


def test_one_request_larger_than_the_whole_quota_is_refused(world: World) -> None:
    refused = world.call("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(PER_DAY + 1)})
    assert refused.status_code == 429
    assert refused.json()["remaining"] == PER_DAY
    assert world.ok("POST", "/v1/accounts/ids", "boss", json={"numbers": numbers(PER_DAY)})["ids"]
