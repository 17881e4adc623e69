"""An agent's day against the real server: queue with ETag, start, outcomes, reveals, SMS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revisit_tui.domain.models import QueueSnapshot
from revisit_tui.server.tables import customers, pending_contact_changes
from tests.server.conftest import FRAUD_WARNING_SMS, World, sms_request


def test_queue_lists_own_open_tasks_with_what_the_call_needs(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    other = world.add_task(world.add_customer("d"), "b")
    snapshot = world.ok("GET", "/v1/queue", "a")
    QueueSnapshot.model_validate(snapshot)  # the wire model the app reads it with
    assert [item["task"]["id"] for item in snapshot["items"]] == [task]
    item = snapshot["items"][0]
    assert item["customer"]["id"] == customer
    assert item["account"]["number"] == "****" + world.accounts[customer][-4:]  # masked
    assert [t["flag"] for t in item["flagged_transactions"]] == ["large_abnormal"]
    assert other not in {i["task"]["id"] for i in world.ok("GET", "/v1/queue", "a")["items"]}


def test_queue_answers_304_until_something_changes(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    first = world.call("GET", "/v1/queue", "a")
    tag = first.headers["ETag"]
    same = world.call("GET", "/v1/queue", "a", headers={"If-None-Match": tag})
    assert same.status_code == 304
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [world.outcome(task, "a")]})
    changed = world.call("GET", "/v1/queue", "a", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json()["items"] == []  # reached: the task is done


def test_outcome_closes_task_and_shows_in_history(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    later = world.add_task(customer, "a")
    outcome = world.outcome(task, "a")
    result = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"][0]
    assert result["status"] == 201
    assert result["task"]["status"] == "done"
    assert result["task"]["version"] == 2
    items = world.ok("GET", "/v1/queue", "a")["items"]
    assert [i["task"]["id"] for i in items] == [later]
    assert items[0]["recent_outcomes"][0]["outcome_id"] == outcome["id"]
    QueueSnapshot.model_validate(world.ok("GET", "/v1/queue", "a"))


def test_same_outcome_twice_is_one_row_other_body_is_409(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", disposition="no_answer", satisfaction=None)
    first = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    again = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["task"]["attempts"] == 1  # applied once
    batch = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome, outcome]})
    assert [r["status"] for r in batch["results"]] == [200, 200]
    other = {**outcome, "notes": "something else"}
    conflict = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=other)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"
    listed = world.ok("GET", f"/v1/outcomes?agent={world.id('a')}", "boss")["items"]
    assert [o["id"] for o in listed] == [outcome["id"]]


def test_batch_of_500_outcomes_is_answered_item_by_item(world: World) -> None:
    customer = world.add_customer("c")
    body = {
        "tasks": [
            {
                "key": world.id(f"bulk-{n}"),
                "kind": "periodic",
                "priority": 5,
                "customer_id": customer,
                "due": "2026-12-01",
                "assigned_agent": world.id("a"),
            }
            for n in range(500)
        ]
    }
    task_ids = world.ok("POST", "/v1/tasks/bulk", "boss", json=body)["task_ids"]
    outcomes = [world.outcome(task_id, "a") for task_id in task_ids[:499]]
    outcomes.append(world.outcome("no-such-task", "a"))
    results = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": outcomes})["results"]
    assert [r["outcome_id"] for r in results] == [o["id"] for o in outcomes]
    assert [r["status"] for r in results] == [201] * 499 + [404]
    too_many = world.call("POST", "/v1/outcomes", "a", json={"outcomes": outcomes + outcomes[:1]})
    assert too_many.status_code == 422
    assert "outcomes" in too_many.json()["fields"]


def test_not_me_opens_an_urgent_escalation_with_a_two_hour_deadline(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    denied = world.id("tx-c")
    outcome = world.outcome(
        task, "a", transaction_checks=[{"transaction_id": denied, "answer": "not_me"}]
    )
    result = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"][0]
    assert len(result["escalation_ids"]) == 1
    page = world.ok("GET", "/v1/escalations?status=open&limit=1000", "boss")["items"]
    escalation = next(e for e in page if e["id"] == result["escalation_ids"][0])
    assert escalation["urgency"] == "urgent"
    assert escalation["transaction_id"] == denied
    opened = datetime.fromisoformat(escalation["opened_at"])
    assert datetime.fromisoformat(escalation["deadline"]) - opened == timedelta(hours=2)


def test_changed_contact_value_is_validated_again(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(
        task, "a", contact_checks=[{"field": "mobile", "result": "changed", "new_value": "12345"}]
    )
    refused = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert refused.status_code == 422
    assert list(refused.json()["fields"]) == ["contact_checks[0].new_value"]


def test_reassigned_task_accepts_the_old_agents_outcome_flagged(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    lease = world.ok("POST", f"/v1/tasks/{task}/start", "a")
    world.ok(
        "POST",
        "/v1/assignments",
        "boss",
        json={"assignments": [{"task_id": task, "agent_id": world.id("b")}]},
    )
    late = world.outcome(task, "a", task_version=lease["task_version"])
    result = world.call("PUT", f"/v1/outcomes/{late['id']}", "a", json=late)
    assert result.status_code == 201
    assert result.json()["flagged_reassigned"] is True
    flagged = world.ok("GET", f"/v1/outcomes?agent={world.id('a')}&flagged=true", "boss")
    assert [o["id"] for o in flagged["items"]] == [late["id"]]
    stranger = world.outcome(task, "boss", task_version=lease["task_version"])
    world.tokens["c"] = world.server.add_agent(world.id("c"))
    foreign = world.outcome(task, "c", task_version=lease["task_version"])
    assert world.call("PUT", f"/v1/outcomes/{foreign['id']}", "c", json=foreign).status_code == 403
    assert (
        world.call("PUT", f"/v1/outcomes/{stranger['id']}", "boss", json=stranger).status_code
        == 201
    )


def test_start_leases_the_task_and_refuses_others(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    lease = world.ok("POST", f"/v1/tasks/{task}/start", "a")
    assert lease["agent_id"] == world.id("a")
    assert world.ok("POST", f"/v1/tasks/{task}/start", "a")["agent_id"] == world.id("a")
    assert world.call("POST", f"/v1/tasks/{task}/start", "b").status_code == 403
    taken = world.call("POST", f"/v1/tasks/{task}/start", "boss")
    assert taken.status_code == 409
    assert taken.json()["code"] == "leased"
    assert world.call("POST", "/v1/tasks/nope/start", "a").status_code == 404


def test_reveal_is_recorded_once(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    reveal = {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "customer_id": customer,
        "field": "identity_number",
        "at": datetime.now(UTC).isoformat(),
    }
    assert world.call("POST", "/v1/reveals", "a", json=reveal).status_code == 201
    assert world.call("POST", "/v1/reveals", "a", json=reveal).status_code == 200
    assert world.call("POST", "/v1/reveals", "b", json=reveal).status_code == 403


def test_sms_is_queued_then_capped_and_the_gateway_delivers(world: World) -> None:
    customer = world.add_customer("c", timezone="Etc/GMT-14")  # UTC+14: rest hours vary
    task = world.add_task(customer, "a")
    world.tokens["gw"] = world.server.add_service(world.id("gw"), "sms_gateway")

    first = world.call("POST", "/v1/sms", "a", json=sms_request(task))
    if first.status_code == 422:  # the customer's rest hours right now
        assert first.json()["code"] == "quiet_hours"
        assert first.json()["next_allowed_at"]
        return
    assert first.status_code == 202
    message = first.json()
    assert message["to"] == "****8000"  # the agent's echo is masked
    assert message["text"] == FRAUD_WARNING_SMS["zh-CN"]  # signed once, as the template is
    second = world.call("POST", "/v1/sms", "a", json=sms_request(task))
    assert second.status_code == 422
    assert second.json()["code"] == "frequency_cap"
    assert second.json()["next_allowed_at"]
    pending = world.ok("GET", "/v1/sms/pending?limit=1000", "gw")
    assert {m["id"]: m["to"] for m in pending}[message["id"]] == "+8613800138000"  # to send
    assert world.ok("POST", f"/v1/sms/{message['id']}/sent", "gw") == {"ok": True}
    assert message["id"] not in {m["id"] for m in world.ok("GET", "/v1/sms/pending", "gw")}


def test_sms_refused_for_opted_out_customer(world: World) -> None:
    task = world.add_task(world.add_customer("c", sms_opt_out=True), "a")
    refused = world.call("POST", "/v1/sms", "a", json=sms_request(task))
    assert refused.status_code == 422
    assert refused.json()["code"] == "sms_opt_out"


def test_online_answer_is_an_online_outcome_of_the_task(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    world.tokens["web"] = world.server.add_service(world.id("web"), "online_service")
    answer = {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "answered_at": datetime.now(UTC).isoformat(),
        "satisfaction": 4,
    }
    stored = world.call("POST", "/v1/online-answers", "web", json=answer)
    assert stored.status_code == 201
    assert stored.json()["task"]["status"] == "done"
    assert world.call("POST", "/v1/online-answers", "web", json=answer).status_code == 200
    assert world.call("POST", "/v1/online-answers", "a", json=answer).status_code == 403


def test_two_attempts_at_one_task_in_one_batch_apply_in_order(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    busy = world.outcome(task, "a", disposition="busy", satisfaction=None)
    reached = world.outcome(task, "a", task_version=2)
    results = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [busy, reached]})["results"]
    assert [r["task"]["status"] for r in results] == ["open", "done"]
    assert [r["task"]["version"] for r in results] == [2, 3]
    assert results[1]["task"]["attempts"] == 2
    listed = world.ok("GET", f"/v1/tasks?customer={results[0]['task']['customer_id']}", "boss")
    assert listed["items"][0]["version"] == 3


def test_changed_contact_waits_as_pending_master_data_untouched(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    outcome = world.outcome(
        task,
        "a",
        contact_checks=[{"field": "mobile", "result": "changed", "new_value": "13912345678"}],
    )
    assert world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome).status_code == 201
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        body = conn.scalar(sa.select(customers.c.body).where(customers.c.id == customer))
        assert body["mobile"] == "+8613800138000"
        pending = conn.execute(
            sa.select(pending_contact_changes.c.field, pending_contact_changes.c.new_value).where(
                pending_contact_changes.c.customer_id == customer
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in pending] == [("mobile", "13912345678")]


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sends=st.lists(st.integers(0, 3), min_size=1, max_size=12),
    cut=st.integers(1, 5),
)
def test_resending_in_any_order_applies_each_outcome_once(
    world: World, sends: list[int], cut: int
) -> None:
    """The outbox may resend anything any number of times, in batches of any size."""
    customer = world.add_customer(f"c{uuid.uuid4().hex[:6]}")
    task = world.add_task(customer, "a")
    attempts = [world.outcome(task, "a", disposition="busy", satisfaction=None) for _ in range(4)]
    bodies = [attempts[index] for index in sends]
    for start in range(0, len(bodies), cut):
        results = world.ok(
            "POST", "/v1/outcomes", "a", json={"outcomes": bodies[start : start + cut]}
        )["results"]
        assert {r["status"] for r in results} <= {200, 201}
    distinct = {attempts[index]["id"] for index in sends}
    stored = world.ok("GET", f"/v1/outcomes?agent={world.id('a')}&limit=1000", "boss")["items"]
    assert sorted(o["id"] for o in stored if o["task_id"] == task) == sorted(distinct)
    (row,) = world.ok("GET", f"/v1/tasks?customer={customer}", "boss")["items"]
    assert row["attempts"] == len(distinct)
    assert row["version"] == 1 + len(distinct)
