"""QA review of one record is the one place a supervisor sees a full identifier: one field of
the record's customer, with a reason, audited by exactly one row in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from revisit_tui.domain.models import Role
from revisit_tui.server.tables import reveals
from tests.server.conftest import World

MOBILE = "+8613955556666"


def reviewed(world: World) -> tuple[str, dict[str, Any]]:
    """A customer and the outcome of A's call to them."""
    customer = world.add_customer("reviewed", mobile=MOBILE)
    task = world.add_task(customer, "a")
    outcome = world.outcome(task, "a")
    world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    return customer, outcome


def audit(world: World, **where: str) -> list[Any]:
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.connect() as conn:
            query = sa.select(reveals).where(*(reveals.c[k] == v for k, v in where.items()))
            return list(conn.execute(query).all())
    finally:
        engine.dispose()


def test_a_supervisor_sees_one_field_of_one_record_and_each_disclosure_is_one_audit_row(
    world: World,
) -> None:
    customer, outcome = reviewed(world)
    listed = world.ok("GET", f"/v1/outcomes?agent={world.id('a')}&limit=1000", "boss")["items"]
    assert MOBILE not in str(listed)  # the listing is masked; the review discloses
    request = {
        "id": str(uuid.uuid4()),
        "outcome_id": outcome["id"],
        "field": "mobile",
        "reason": "QA 2026-11: recording 17 names a different number",
    }
    answer = world.call("POST", "/v1/disclosures", "boss", json=request)
    assert answer.status_code == 201 and answer.json()["value"] == MOBILE
    assert answer.headers["Cache-Control"] == "no-store"
    again = world.call("POST", "/v1/disclosures", "boss", json=request)
    assert again.status_code == 200 and again.json()["value"] == MOBILE
    account = {**request, "id": str(uuid.uuid4()), "field": "account_number"}
    assert (
        world.ok("POST", "/v1/disclosures", "boss", json=account)["value"]
        == (world.accounts[customer])
    )
    rows = audit(world, agent_id=world.id("boss"))
    assert sorted((r.kind, r.field, r.outcome_id, r.customer_id) for r in rows) == [
        ("qa_review", field, outcome["id"], customer) for field in ("account_number", "mobile")
    ]
    assert {r.reason for r in rows} == {request["reason"]}
    assert {r.task_id for r in rows} == {outcome["task_id"]}


def test_a_disclosure_needs_a_reason_a_supervisor_and_its_own_id(world: World) -> None:
    _, outcome = reviewed(world)
    request = {
        "id": str(uuid.uuid4()),
        "outcome_id": outcome["id"],
        "field": "mobile",
        "reason": "QA review",
    }
    assert world.call("POST", "/v1/disclosures", "a", json=request).status_code == 403
    no_reason = world.call("POST", "/v1/disclosures", "boss", json={**request, "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    missing = {**request, "outcome_id": str(uuid.uuid4())}
    assert world.call("POST", "/v1/disclosures", "boss", json=missing).status_code == 404
    world.ok("POST", "/v1/disclosures", "boss", json=request)
    world.tokens["boss2"] = world.server.add_agent(world.id("boss2"), role=Role.SUPERVISOR)
    theirs = world.call("POST", "/v1/disclosures", "boss2", json=request)
    assert theirs.status_code == 403 and MOBILE not in theirs.text
    other_field = world.call(
        "POST", "/v1/disclosures", "boss", json={**request, "field": "identity_number"}
    )
    assert other_field.status_code == 409 and MOBILE not in other_field.text
    as_reveal = world.call(
        "POST",
        "/v1/reveals",
        "a",
        json={
            "id": request["id"],
            "task_id": outcome["task_id"],
            "customer_id": world.id("reviewed"),
            "field": "mobile",
            "at": outcome["started_at"],
        },
    )
    assert as_reveal.status_code == 403  # an agent cannot replay a supervisor's disclosure
    assert len(audit(world, id=request["id"])) == 1
