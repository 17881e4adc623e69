"""Do-not-call is a property of the customer (seed 002 §五), enforced by the server."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from revisit_tui.server.tables import audit_log
from tests.server.conftest import World, sms_request


def _task(world: World, customer: str, key: str) -> dict[str, object]:
    return {
        "key": key,
        "kind": "periodic",
        "priority": 5,
        "customer_id": customer,
        "account_number": world.accounts[customer],
        "due": date.today().isoformat(),
        "assigned_agent": world.id("a"),
    }


def _audit(world: World, action: str, customer: str) -> list[dict[str, object]]:
    engine = sa.create_engine(world.server.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(audit_log).where(audit_log.c.action == action)).all()
    finally:
        engine.dispose()
    return [
        dict(row.detail, actor=row.actor) for row in rows if row.detail["customer_id"] == customer
    ]


def test_a_do_not_call_answer_marks_the_customer_and_closes_every_open_task(world: World) -> None:
    customer = world.add_customer("c")
    called, other = world.add_task(customer, "a"), world.add_task(customer, "a")
    outcome = world.outcome(
        called, "a", disposition="do_not_call", satisfaction=None, notes="不要再打了"
    )
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})

    assert world.ok("GET", "/v1/queue", "a")["items"] == []
    statuses = world.ok("GET", f"/v1/tasks?customer={customer}", "boss")["items"]
    assert {t["id"]: t["status"] for t in statuses} == {
        called: "do_not_call",
        other: "do_not_call",
    }
    record = world.ok("GET", f"/v1/customers/{customer}/do-not-call", "boss")
    assert (record["by"], record["source"], record["reason"]) == (
        world.id("a"),
        "call",
        "不要再打了",
    )
    assert record["outcome_id"] == outcome["id"] and record["at"]
    assert world.call("POST", f"/v1/tasks/{other}/start", "a").status_code == 409

    key = world.id("after-dnc")
    built = world.ok(
        "POST", "/v1/tasks/bulk", "boss", json={"tasks": [_task(world, customer, key)]}
    )
    assert (built["created"], built["do_not_call"]) == (0, [key])

    refused = world.call("POST", "/v1/sms", "a", json=sms_request(other))
    assert refused.status_code == 422
    assert refused.json()["code"] == "do_not_call"


def test_an_import_does_not_clear_it_and_only_a_supervisor_lifts_it_audited(world: World) -> None:
    customer = world.add_customer("c")
    world.tokens["gw"] = world.server.add_service(world.id("gw"), "sms_gateway")
    marked = world.call(
        "POST", f"/v1/customers/{customer}/do-not-call", "gw", json={"reason": "回复TD退订"}
    )
    assert marked.status_code == 200 and marked.json()["source"] == "sms"
    assert (
        world.call(
            "POST", f"/v1/customers/{customer}/do-not-call", "a", json={"reason": "x"}
        ).status_code
        == 403
    )

    listed = world.ok("GET", "/v1/customers?branch=b1&limit=1000", "boss")["items"]
    assert next(c for c in listed if c["id"] == customer)["do_not_call"] is True
    again = {"id": customer, "type": "personal", "name": "客户 c", "branch": "b1"}
    world.ok("POST", "/v1/import", "boss", json={"customers": [{**again, "do_not_call": False}]})
    assert world.call("GET", f"/v1/customers/{customer}/do-not-call", "boss").status_code == 200

    lift = {"reason": "客户来电要求恢复回访"}
    path = f"/v1/customers/{customer}/do-not-call/lift"
    assert world.call("POST", path, "a", json=lift).status_code == 403
    world.ok("POST", path, "boss", json=lift)
    assert world.call("GET", f"/v1/customers/{customer}/do-not-call", "boss").status_code == 404
    again = world.call("POST", path, "boss", json=lift)
    assert (again.status_code, again.json()["code"]) == (409, "not_do_not_call")
    [entry] = _audit(world, "do_not_call_lifted", customer)
    assert (entry["actor"], entry["reason"], entry["marked_reason"]) == (
        world.id("boss"),
        "客户来电要求恢复回访",
        "回复TD退订",
    )
    assert len(_audit(world, "do_not_call", customer)) == 1

    key = world.id("after-lift")
    built = world.ok(
        "POST", "/v1/tasks/bulk", "boss", json={"tasks": [_task(world, customer, key)]}
    )
    assert (built["created"], built["do_not_call"]) == (1, [])


def test_imported_do_not_call_customers_get_no_tasks(world: World) -> None:
    customer = world.add_customer("c", do_not_call=True)
    record = world.ok("GET", f"/v1/customers/{customer}/do-not-call", "boss")
    assert (record["source"], record["by"]) == ("import", world.id("boss"))
    key = world.id("imported")
    built = world.ok(
        "POST", "/v1/tasks/bulk", "boss", json={"tasks": [_task(world, customer, key)]}
    )
    assert built["do_not_call"] == [key]
