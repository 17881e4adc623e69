"""The wire contract at its edges: strict types, bounds, duplicate keys, canonical UTC,
plausible dates, crafted cursors. Each answer is a 4xx naming the field, never a 5xx."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest

from tests.server.conftest import World


def problem_fields(answer: Any) -> dict[str, str]:
    assert answer.status_code == 422, (answer.status_code, answer.text)
    fields: dict[str, str] = answer.json()["fields"]
    return fields


def put_outcome(world: World, outcome: dict[str, Any], who: str = "a") -> Any:
    return world.call("PUT", f"/v1/outcomes/{outcome['id']}", who, json=outcome)


def raw(world: World, method: str, path: str, who: str, body: str) -> Any:
    headers = {"Content-Type": "application/json"}
    return world.call(method, path, who, content=body.encode(), headers=headers)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("satisfaction", "5"),
        ("satisfaction", 5.0),
        ("task_version", True),
        ("fraud_warning_delivered", 1),
        ("started_at", 1_700_000_000),
        ("started_at", "1700000000"),
        ("id", "0" * 32),
    ],
)
def test_no_coercion_of_outcome_fields(world: World, field: str, value: Any) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", **{field: value})
    assert field in problem_fields(put_outcome(world, outcome))


def test_dry_run_must_be_a_boolean(world: World) -> None:
    answer = world.call(
        "POST", "/v1/retention/purge", "boss", json={"older_than_years": 5, "dry_run": "no"}
    )
    assert "dry_run" in problem_fields(answer)


def test_duplicate_keys_are_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", satisfaction=1)
    text = json.dumps(outcome)[:-1] + ', "satisfaction": 5}'
    answer = raw(world, "PUT", f"/v1/outcomes/{outcome['id']}", "a", text)
    assert list(problem_fields(answer)) == ["body"]
    assert "satisfaction" in answer.json()["fields"]["body"]


def test_json_syntax_error_names_the_body(world: World) -> None:
    answer = raw(world, "POST", "/v1/outcomes", "a", '{"outcomes": [}')
    assert list(problem_fields(answer)) == ["body"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_times_near_the_ends_of_the_calendar(world: World, moment: str) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", started_at=moment, ended_at=moment)
    assert "started_at" in problem_fields(put_outcome(world, outcome))
    answer = world.call("GET", "/v1/events", "boss", params={"since": moment})
    assert "since" in problem_fields(answer)
    sms = {
        "id": outcome["id"],
        "task_id": task,
        "template": "t1",
        "text": "hello",
        "requested_at": moment,
    }
    assert "requested_at" in problem_fields(world.call("POST", "/v1/sms", "a", json=sms))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_days_near_the_ends_of_the_calendar(world: World, day: str) -> None:
    answer = world.call("GET", "/v1/tasks", "boss", params={"due_before": day})
    assert "due_before" in problem_fields(answer)
    answer = world.call("GET", "/v1/accounts", "boss", params={"opened_since": day})
    assert "opened_since" in problem_fields(answer)
    task = {"key": world.id("k"), "kind": "periodic", "priority": 1, "customer_id": "x", "due": day}
    answer = world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task]})
    assert "tasks.0.due" in problem_fields(answer)


def cursor_of(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/v1/events", ["0001-01-01T00:00:00+08:00", "e1"]),
        ("/v1/escalations", ["9999-12-31T23:59:59-05:00", "x"]),
        ("/v1/events", [1, 2]),
        ("/v1/tasks", [12]),
        ("/v1/tasks", ["a\u0000b"]),
        ("/v1/customers", [None]),
        ("/v1/accounts", ["x" * 300]),
    ],
)
def test_crafted_cursors_are_422_naming_cursor(world: World, path: str, key: Any) -> None:
    answer = world.call("GET", path, "boss", params={"cursor": cursor_of(key)})
    assert list(problem_fields(answer)) == ["cursor"]


def test_outcome_cursor_with_a_crafted_time(world: World) -> None:
    cursor = cursor_of(["0001-01-01T00:00:00+08:00", "x"])
    answer = world.call(
        "GET", "/v1/outcomes", "boss", params={"month": "2026-11", "cursor": cursor}
    )
    assert list(problem_fields(answer)) == ["cursor"]


def test_big_integers_are_422(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", task_version=2**63)
    assert "task_version" in problem_fields(put_outcome(world, outcome))
    outcome = world.outcome(task, "a", task_version=2**31)
    assert "task_version" in problem_fields(put_outcome(world, outcome))


def test_nul_in_a_changed_address_is_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    check = {"field": "address", "result": "changed", "new_value": "北京市\u0000海淀区"}
    outcome = world.outcome(task, "a", contact_checks=[check])
    assert "contact_checks.0.new_value" in problem_fields(put_outcome(world, outcome))


def test_over_long_values_are_refused_before_the_database(world: World) -> None:
    customer = {"id": world.id("long"), "type": "personal", "name": "x", "branch": "b1"}
    for field, value in [("mobile", "+86" + "1" * 40), ("email", "a" * 250 + "@x.cn")]:
        answer = world.call(
            "POST", "/v1/import", "boss", json={"customers": [{**customer, field: value}]}
        )
        assert f"customers.0.{field}" in problem_fields(answer)


def test_outcome_lists_are_bounded(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    checks = [{"field": "mobile", "result": "confirmed"}] * 13
    outcome = world.outcome(task, "a", contact_checks=checks)
    assert "contact_checks" in problem_fields(put_outcome(world, outcome))
    needs = [{"product": "loan", "note": "x"}] * 11
    outcome = world.outcome(task, "a", needs=needs)
    assert "needs" in problem_fields(put_outcome(world, outcome))


def test_times_come_back_in_utc_and_one_instant_has_one_spelling(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    queue = world.ok("GET", "/v1/queue", "a")
    (item,) = [i for i in queue["items"] if i["task"]["id"] == task]
    assert item["flagged_transactions"][0]["at"] == "2026-11-01T02:00:00Z"
    outcome = world.outcome(
        task, "a", started_at="2026-11-20T09:00:00+08:00", ended_at="2026-11-20T09:04:00+08:00"
    )
    assert put_outcome(world, outcome).status_code == 201
    again = {**outcome, "started_at": "2026-11-20T01:00:00Z", "ended_at": "2026-11-20T01:04:00Z"}
    answer = put_outcome(world, again)
    assert answer.status_code == 200, answer.text


def test_plausible_days_still_work(world: World) -> None:
    answer = world.call("GET", "/v1/tasks", "boss", params={"due_before": date.today().isoformat()})
    assert answer.status_code == 200
