"""What a call checks (seed 002 §四.1): the identity document only where the account is
abnormal or a rule of `[checks]` requires it — the server sends no identity check otherwise;
the account's status reaches the agent with the queue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from revisit_tui.domain.validation import id_check_digit
from tests.server.conftest import World


def resident_id(serial: int) -> dict[str, Any]:
    first17 = f"11010519800101{serial % 1000:03d}"
    return {"kind": "resident_id", "number": first17 + id_check_digit(first17)}


def test_an_ordinary_call_gets_no_identity_check_from_the_server(world: World) -> None:
    customer = world.add_customer("plain", flagged=False, identity=resident_id(1))
    task = world.add_task(customer, "a")
    refused = world.call("GET", f"/v1/tasks/{task}/identity-check", "a")
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "identity_check_not_required"
    [item] = world.ok("POST", "/v1/prefetch", "a", json={"have": []})["items"]
    assert item["task_id"] == task and item["identity_check"] is None


@pytest.mark.parametrize(
    ("why", "customer_fields"),
    [
        ("abnormal account", {"account_status": "abnormal"}),
        ("high risk", {"risk": "high"}),
        ("flagged transactions", {"flagged": True}),
        ("document expiring", {"expires_in": 10}),
    ],
)
def test_the_identity_check_is_sent_where_a_rule_requires_it(
    world: World, why: str, customer_fields: dict[str, Any]
) -> None:
    fields = {"flagged": False, **customer_fields}
    document = resident_id(2)
    expires_in = fields.pop("expires_in", None)
    if expires_in is not None:
        document["expires_on"] = (date.today() + timedelta(days=expires_in)).isoformat()
    customer = world.add_customer("needs-id", identity=document, **fields)
    task = world.add_task(customer, "a")
    check = world.call("GET", f"/v1/tasks/{task}/identity-check", "a")
    assert check.status_code == 200, (why, check.text)
    assert check.json()["task_id"] == task
    [item] = world.ok("POST", "/v1/prefetch", "a", json={"have": []})["items"]
    assert item["identity_check"] is not None, why


def test_a_document_valid_beyond_the_configured_days_needs_no_check(world: World) -> None:
    document = {**resident_id(3), "expires_on": (date.today() + timedelta(days=400)).isoformat()}
    customer = world.add_customer("valid-id", flagged=False, identity=document)
    task = world.add_task(customer, "a")
    refused = world.call("GET", f"/v1/tasks/{task}/identity-check", "a")
    assert refused.json()["code"] == "identity_check_not_required"


def test_the_queue_tells_the_agent_the_accounts_status(world: World) -> None:
    customer = world.add_customer("dormant", account_status="dormant", flagged=False)
    task = world.add_task(customer, "a")
    [item] = [i for i in world.ok("GET", "/v1/queue", "a")["items"] if i["task"]["id"] == task]
    assert item["account"]["status"] == "dormant"
    assert item["account"]["number"].startswith("****")
