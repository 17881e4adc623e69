"""Contract details that drifted: 405's Allow, 431 for huge headers, a quiet start, and a
queue ETag that changes whenever the body would."""

from __future__ import annotations

import httpx
import pytest

from tests.server.conftest import World


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("DELETE", "/v1/queue", "GET"), ("PATCH", "/v1/tasks/t-1/start", "POST")],
)
def test_405_names_the_allowed_methods(world: World, method: str, path: str, allow: str) -> None:
    answer = world.call(method, path, "a")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allow
    assert answer.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("size", [17_000, 200_000])
def test_huge_headers_get_431(world: World, size: int) -> None:
    answer = httpx.get(world.server.url + "/v1/health", headers={"X-Big": "a" * size})
    assert answer.status_code == 431
    assert answer.json()["code"] == "headers_too_large"


def test_the_server_starts_and_serves_without_warnings(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    outcome = world.outcome(task, "a")
    world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    world.ok("GET", "/v1/queue", "a")
    assert "Warning" not in world.server.process.output()


def test_the_queue_etag_changes_when_another_agent_calls_the_customer(world: World) -> None:
    customer = world.add_customer("c")
    world.add_task(customer, "a")
    other = world.add_task(customer, "b")
    first = world.call("GET", "/v1/queue", "a")
    tag = first.headers["ETag"]
    assert world.call("GET", "/v1/queue", "a", headers={"If-None-Match": tag}).status_code == 304
    outcome = world.outcome(other, "b", disposition="no_answer")
    world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "b", json=outcome)
    again = world.call("GET", "/v1/queue", "a", headers={"If-None-Match": tag})
    assert again.status_code == 200
    assert again.headers["ETag"] != tag
    (item,) = again.json()["items"]
    assert [o["outcome_id"] for o in item["recent_outcomes"]] == [outcome["id"]]
