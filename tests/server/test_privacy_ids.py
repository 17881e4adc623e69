"""Idempotency never bypasses authorisation: agent A re-sending agent B's SMS, outcome, reveal
or escalation id is refused before anything stored is compared or answered, and the answer
holds nothing of B's. A task (and an imported transaction) names only its own customer's
account. Role changes are audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from revisit_tui.server.tables import audit_log, escalations, reveals
from revisit_tui.server.tables import tasks as tasks_table
from tests.server.conftest import World, sms_request


def reveal(task_id: str, customer_id: str, field: str = "mobile") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "task_id": task_id,
        "customer_id": customer_id,
        "field": field,
        "at": datetime.now(UTC).isoformat(),
    }


def noon_zone() -> str:
    """A time zone where it is around noon now (SMS are not refused for rest hours)."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def b_and_a(world: World) -> tuple[str, str, str, str]:
    """A's customer and task, and B's (B's customer has distinct numbers)."""
    zone = noon_zone()
    mine = world.add_customer("a-cust", timezone=zone)
    theirs = world.add_customer(
        "b-cust", mobile="+8613911112222", email="b.secret@example.com", timezone=zone
    )
    return mine, world.add_task(mine, "a"), theirs, world.add_task(theirs, "b")


def leaks_nothing_of(answer: Any, *stored: str) -> None:
    """The refusal names no stored value of B's (nor a masked form of B's mobile)."""
    for value in (*stored, "2222", "b.secret"):
        assert value not in answer.text, (value, answer.text)


def test_another_agents_sms_id_is_refused_without_its_stored_message(world: World) -> None:
    _, my_task, _, their_task = b_and_a(world)
    theirs = sms_request(their_task)
    stored = world.call("POST", "/v1/sms", "b", json=theirs)
    assert stored.status_code == 202, stored.text
    for attempt in (theirs, {**theirs, "task_id": my_task, "text": "A 的短信"}):
        answer = world.call("POST", "/v1/sms", "a", json=attempt)
        assert answer.status_code == 403, answer.text
        leaks_nothing_of(answer, stored.json()["text"], stored.json()["requested_at"])
    # B reusing the id for another task is refused too
    assert world.call("POST", "/v1/sms", "b", json={**theirs, "task_id": my_task}).status_code in (
        403,
        409,
    )


def test_another_agents_outcome_id_is_refused_before_the_stored_one_is_answered(
    world: World,
) -> None:
    _, my_task, _, their_task = b_and_a(world)
    theirs = world.outcome(their_task, "b", notes="B 的备注")
    assert world.call("PUT", f"/v1/outcomes/{theirs['id']}", "b", json=theirs).status_code == 201
    stored_task = world.ok("GET", f"/v1/tasks?agent={world.id('b')}", "boss")["items"][0]
    # the exact body of B's outcome, and A's own outcome under B's id
    for attempt in (theirs, {**world.outcome(my_task, "a"), "id": theirs["id"]}):
        put = world.call("PUT", f"/v1/outcomes/{theirs['id']}", "a", json=attempt)
        assert put.status_code == 403, put.text
        [result] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [attempt]})["results"]
        assert result["status"] == 403 and result["task"] is None
        assert result["escalation_ids"] == []
        leaks_nothing_of(put, "B 的备注", stored_task["updated_at"])


def test_another_agents_reveal_id_is_refused_and_a_reused_id_never_answers_silently(
    world: World,
) -> None:
    mine, my_task, theirs, their_task = b_and_a(world)
    first = reveal(their_task, theirs)
    shown = world.call("POST", "/v1/reveals", "b", json=first)
    assert shown.status_code == 201 and shown.json()["value"] == "+8613911112222"
    # A re-sends B's reveal id: for B's task, and for A's own task and customer
    for attempt in (first, {**first, "task_id": my_task, "customer_id": mine}):
        answer = world.call("POST", "/v1/reveals", "a", json=attempt)
        assert answer.status_code == 403, answer.text
        leaks_nothing_of(answer, "+8613911112222", "13911112222")
    # B reuses the id for another field: 409, nothing shown
    other_field = world.call("POST", "/v1/reveals", "b", json={**first, "field": "identity_number"})
    assert other_field.status_code == 409
    assert "value" not in other_field.json()
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(reveals).where(reveals.c.id == first["id"])).all()
    engine.dispose()
    assert [(r.agent_id, r.field) for r in rows] == [(world.id("b"), "mobile")]


def test_an_escalation_id_of_another_outcome_is_refused(world: World) -> None:
    _, my_task, _, their_task = b_and_a(world)
    escalation_id = str(uuid.uuid4())
    request = {
        "id": escalation_id,
        "category": "service",
        "department": "电子银行部",
        "urgency": "high",
        "summary": "B 的升级",
    }
    theirs = world.outcome(their_task, "b", escalations=[request])
    [stored] = world.ok("POST", "/v1/outcomes", "b", json={"outcomes": [theirs]})["results"]
    assert stored["status"] == 201 and stored["escalation_ids"] == [escalation_id]
    mine = world.outcome(my_task, "a", escalations=[{**request, "summary": "A 的升级"}])
    [result] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [mine]})["results"]
    assert result["status"] == 409 and "escalations.0.id" in result["reason"]
    assert result["escalation_ids"] == [] and result["task"] is None
    assert "B 的升级" not in str(result)
    put = world.call("PUT", f"/v1/outcomes/{mine['id']}", "a", json=mine)
    assert put.status_code == 409
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        body = conn.scalar(sa.select(escalations.c.body).where(escalations.c.id == escalation_id))
    engine.dispose()
    assert body["agent_id"] == world.id("b") and body["summary"] == "B 的升级"
    # A's outcome was not stored: the same id with a fresh escalation id goes through
    fresh = {**mine, "escalations": [{**request, "id": str(uuid.uuid4())}]}
    assert world.call("PUT", f"/v1/outcomes/{mine['id']}", "a", json=fresh).status_code == 201


def test_a_task_names_only_an_account_of_its_own_customer(world: World) -> None:
    mine = world.add_customer("own")
    other = world.add_customer("other")
    task = {
        "key": world.id("foreign-account"),
        "kind": "periodic",
        "priority": 5,
        "customer_id": mine,
        "account_number": world.accounts[other],
        "due": "2026-12-01",
    }
    answer = world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task]})
    assert answer.status_code == 422
    assert answer.json()["fields"] == {
        "tasks.0.account_number": "is not an account of the task's customer"
    }
    unknown = {**task, "account_number": "6200000000000001"}
    answer = world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [unknown]})
    assert answer.json()["fields"] == {"tasks.0.account_number": "no such account"}
    own = {**task, "account_number": world.accounts[mine]}
    assert world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [own]}).status_code == 200


def test_an_imported_transaction_names_a_known_account(world: World) -> None:
    transaction = {
        "id": world.id("tx-stray"),
        "account_number": "6200000000000002",
        "at": "2026-11-01T10:00:00+08:00",
        "amount": "10.00",
        "channel": "atm",
        "flag": "large_abnormal",
    }
    answer = world.call("POST", "/v1/import", "boss", json={"transactions": [transaction]})
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"transactions.0.account_number": "no such account"}


def test_a_role_change_is_audited_with_who_and_what_it_was(world: World) -> None:
    agent = world.ok("GET", "/v1/agents", "boss")
    [a] = [entry for entry in agent if entry["id"] == world.id("a")]
    promoted = {**a, "role": "supervisor"}
    assert world.ok("PUT", f"/v1/agents/{a['id']}", "boss", json=promoted)["role"] == "supervisor"
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.detail).where(
                audit_log.c.action == "role_changed"
            )
        ).all()
        added = conn.scalars(
            sa.select(audit_log.c.detail).where(audit_log.c.action == "principal_added")
        ).all()
    engine.dispose()
    [row] = [r for r in rows if r.detail["agent_id"] == a["id"]]
    assert row.actor == world.id("boss")
    assert (row.detail["before"]["role"], row.detail["after"]["role"]) == ("agent", "supervisor")
    assert {"principal_id": a["id"], "role": "agent"} in added  # made by `revisit admin`


def test_supervisors_list_accounts_masked_and_build_tasks_by_account_id(world: World) -> None:
    """Queue building needs no full number: listings name accounts by id beside the masked
    number, a task names its account by id, and the server stores the number itself."""
    mine, other = world.add_customer("by-id"), world.add_customer("not-by-id")
    number = world.accounts[mine]
    listed = {
        a["customer_id"]: a for a in world.ok("GET", "/v1/accounts?limit=1000", "boss")["items"]
    }
    account = listed[mine]
    assert account["number"] == "****" + number[-4:]
    assert world.ok("POST", "/v1/accounts/ids", "boss", json={"numbers": [number]}) == {
        "ids": [account["id"]]
    }
    masked = world.call("POST", "/v1/accounts/ids", "boss", json={"numbers": [account["number"]]})
    assert masked.status_code == 422 and list(masked.json()["fields"]) == ["numbers.0"]
    task = {
        "key": f"periodic:{account['id']}:{world.tag}",
        "kind": "periodic",
        "priority": 5,
        "customer_id": mine,
        "account_id": listed[other]["id"],
        "due": "2026-12-01",
    }
    answer = world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task]})
    assert answer.status_code == 422
    assert answer.json()["fields"] == {
        "tasks.0.account_id": "is not an account of the task's customer"
    }
    clash = {**task, "account_id": account["id"], "account_number": world.accounts[other]}
    answer = world.call("POST", "/v1/tasks/bulk", "boss", json={"tasks": [clash]})
    assert list(answer.json()["fields"]) == ["tasks.0.account_id"]
    [by_id] = world.ok(
        "POST", "/v1/tasks/bulk", "boss", json={"tasks": [{**task, "account_id": account["id"]}]}
    )["task_ids"]
    # a task keyed on the number (made by a caller holding it) is listed with the key masked
    by_number = world.add_task(mine, None, key=f"periodic:{number}:{world.tag}")
    tasks = world.ok("GET", f"/v1/tasks?customer={mine}", "boss")["items"]
    tasks += world.ok("POST", "/v1/tasks/by-id", "boss", json={"task_ids": [by_id, by_number]})
    assert len(tasks) == 4 and number not in str(tasks)
    assert {(t["account_id"], t["account_number"]) for t in tasks} == {
        (account["id"], account["number"])
    }
    events = world.ok("GET", "/v1/events?limit=1000", "boss")["items"]
    assert number not in str(events)
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(tasks_table.c.account_number).where(tasks_table.c.id == by_id)
        )
        assert stored.scalar_one() == number
        looked_up = conn.execute(
            sa.select(audit_log.c.detail).where(
                audit_log.c.action == "account_ids_looked_up", audit_log.c.actor == world.id("boss")
            )
        ).all()
    engine.dispose()
    assert [row.detail["numbers"] for row in looked_up][-1] == 1


def test_an_escalations_numbers_stay_masked_through_resolve_reopen_and_the_follow_up(
    world: World,
) -> None:
    customer = world.add_customer("escalated")
    number = world.accounts[customer]
    request = {
        "id": str(uuid.uuid4()),
        "category": "fraud",
        "department": "风险管理部",
        "urgency": "high",
        "summary": f"客户称账户 {number} 有一笔非本人交易",
    }
    outcome = world.outcome(world.add_task(customer, "a"), "a", escalations=[request])
    world.ok("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    path = f"/v1/escalations/{request['id']}"
    said = {"resolution": f"已冻结账户 {number}，退款 3 个工作日内到账"}
    resolved = world.call("POST", f"{path}/resolve", "boss", json=said)
    reopened = world.call("POST", f"{path}/reopen", "boss", json={"resolution": f"仍有 {number}"})
    resolved_again = world.call("POST", f"{path}/resolve", "boss", json=said)
    queue = world.call("GET", "/v1/queue", "a")
    for answer in (resolved, reopened, resolved_again, queue):
        assert answer.status_code == 200, answer.text
        assert number not in answer.text and "****" + number[-4:] in answer.text


def test_a_do_not_call_reason_quoting_a_number_is_masked_in_every_answer(world: World) -> None:
    customer = world.add_customer("opted-out")
    world.tokens["gw"] = world.server.add_service(world.id("gw"), "sms_gateway")
    reason = {"reason": "+8613912345678 回复 TD 退订"}
    path = f"/v1/customers/{customer}/do-not-call"
    for answer in (world.call("POST", path, "gw", json=reason), world.call("GET", path, "boss")):
        assert answer.status_code == 200, answer.text
        assert answer.json()["reason"] == "+****5678 回复 TD 退订"
