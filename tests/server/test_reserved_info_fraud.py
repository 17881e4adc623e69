"""A change of reserved information the customer did not make is suspected fraud (seed 002
§六.3, issue 11 "Fraud escalations"): the server opens an urgent fraud escalation for it, once,
whatever the client sent, and only a revisit of such a change may record the answer."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from revisit_tui.domain.models import (
    AccountEvent,
    Channel,
    Disposition,
    Escalation,
    EscalationCategory,
    Outcome,
    TaskKind,
    TransactionAnswer,
    Urgency,
)
from revisit_tui.server import quality
from revisit_tui.server.tables import outcomes
from tests.server.conftest import World

RESERVED = AccountEvent.RESERVED_INFO_CHANGED.value


def event_task(world: World, customer_id: str, event: str | None) -> str:
    """A special-event task of `event` (a periodic one when None) assigned to agent 'a'."""
    task = {
        "key": world.id(f"task-{uuid.uuid4().hex[:8]}"),
        "kind": "special_event" if event else "periodic",
        "priority": 0,
        "customer_id": customer_id,
        "account_number": world.accounts[customer_id],
        "due": date.today().isoformat(),
        "assigned_agent": world.id("a"),
        **({"event": event, "reason": "预留手机号变更"} if event else {}),
    }
    task_id: str = world.ok("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task]})["task_ids"][0]
    return task_id


def escalations_of(world: World, task_id: str) -> list[dict[str, Any]]:
    page = world.ok("GET", "/v1/escalations?limit=1000", "boss")["items"]
    return [e for e in page if e["task_id"] == task_id]


def test_not_me_on_a_reserved_info_change_opens_one_urgent_fraud_escalation(
    world: World,
) -> None:
    task = event_task(world, world.add_customer("c", flagged=False), RESERVED)
    outcome = world.outcome(task, "a", reserved_info_answer="not_me")
    [result] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
    assert result["status"] == 201, result
    assert len(result["escalation_ids"]) == 1
    [again] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
    assert again["status"] == 200
    assert again["escalation_ids"] == result["escalation_ids"]
    [escalation] = escalations_of(world, task)
    assert escalation["id"] == result["escalation_ids"][0]
    assert (escalation["category"], escalation["urgency"], escalation["event"]) == (
        "fraud",
        "urgent",
        RESERVED,
    )
    assert escalation["transaction_id"] is None
    opened = datetime.fromisoformat(escalation["opened_at"])
    assert datetime.fromisoformat(escalation["deadline"]) - opened == timedelta(hours=2)
    stored = world.ok("GET", f"/v1/escalations/{escalation['id']}", "boss")
    assert stored["category"] == "fraud"


def test_a_confirmed_reserved_info_change_opens_nothing(world: World) -> None:
    task = event_task(world, world.add_customer("c", flagged=False), RESERVED)
    outcome = world.outcome(task, "a", reserved_info_answer="confirmed")
    [result] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
    assert (result["status"], result["escalation_ids"]) == (201, [])
    assert escalations_of(world, task) == []


def test_the_agents_escalation_of_the_change_is_stored_as_fraud_and_urgent(world: World) -> None:
    task = event_task(world, world.add_customer("c", flagged=False), RESERVED)
    own = {
        "id": str(uuid.uuid4()),
        "category": "service",
        "department": "branch",
        "urgency": "normal",
        "summary": "客户称未办理预留手机号变更",
        "event": RESERVED,
    }
    outcome = world.outcome(task, "a", reserved_info_answer="not_me", escalations=[own])
    stored = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert stored.status_code == 201, stored.text
    assert stored.json()["escalation_ids"] == [own["id"]]
    [escalation] = escalations_of(world, task)
    assert (escalation["id"], escalation["category"], escalation["urgency"]) == (
        own["id"],
        "fraud",
        "urgent",
    )
    opened = datetime.fromisoformat(escalation["opened_at"])
    assert datetime.fromisoformat(escalation["deadline"]) - opened == timedelta(hours=2)


def test_the_answer_on_a_task_that_is_not_a_reserved_info_change_is_422_naming_it(
    world: World,
) -> None:
    customer = world.add_customer("c")
    for event in (
        None,
        AccountEvent.COMPLAINT.value,
        AccountEvent.LARGE_ABNORMAL_TRANSACTION.value,
    ):
        task = event_task(world, customer, event)
        outcome = world.outcome(task, "a", reserved_info_answer="not_me")
        refused = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
        assert refused.status_code == 422, refused.text
        assert list(refused.json()["fields"]) == ["reserved_info_answer"]
        [batch] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
        assert batch["status"] == 422 and "reserved_info_answer" in batch["reason"]
        assert escalations_of(world, task) == []


def test_an_escalation_naming_another_event_than_the_tasks_is_422(world: World) -> None:
    task = event_task(world, world.add_customer("c"), AccountEvent.COMPLAINT.value)
    own = {
        "id": str(uuid.uuid4()),
        "category": "service",
        "department": "branch",
        "urgency": "normal",
        "summary": "the complaint is not solved",
        "event": RESERVED,
    }
    outcome = world.outcome(task, "a", escalations=[own])
    refused = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome)
    assert refused.status_code == 422, refused.text
    assert list(refused.json()["fields"]) == ["escalations[0].event"]


def test_an_online_answer_denying_the_change_opens_the_fraud_escalation_too(world: World) -> None:
    world.tokens["web"] = world.server.add_service(world.id("web"), "online_service")
    customer = world.add_customer("c", flagged=False)
    for event, status in ((RESERVED, 201), (None, 422)):
        task = event_task(world, customer, event)
        answer = {
            "id": str(uuid.uuid4()),
            "task_id": task,
            "answered_at": datetime.now(UTC).isoformat(),
            "reserved_info_answer": "not_me",
        }
        stored = world.call("POST", "/v1/online-answers", "web", json=answer)
        assert stored.status_code == status, stored.text
        if status == 201:
            [escalation] = escalations_of(world, task)
            assert (escalation["category"], escalation["urgency"]) == ("fraud", "urgent")
        else:
            assert "reserved_info_answer" in stored.json()["message"]


def test_an_outcome_stored_before_the_field_existed_is_still_the_same_when_resent(
    world: World,
) -> None:
    """An app's outbox may resend, after the upgrade, an outcome a server without
    `reserved_info_answer` stored: it is the same outcome (200), not another body (409)."""
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a")
    [first] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
    assert first["status"] == 201
    engine = sa.create_engine(world.server.db_url)
    with engine.begin() as conn:
        body = dict(conn.scalar(sa.select(outcomes.c.body).where(outcomes.c.id == outcome["id"])))
        del body["reserved_info_answer"]  # as the earlier server stored it, and hashed it
        earlier = json.dumps(body, sort_keys=True, separators=(",", ":"))
        conn.execute(
            sa.update(outcomes)
            .where(outcomes.c.id == outcome["id"])
            .values(body=body, body_hash=hashlib.sha256(earlier.encode()).hexdigest())
        )
    engine.dispose()
    [again] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})["results"]
    assert again["status"] == 200, again
    changed = {**outcome, "notes": "another body"}
    [other] = world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [changed]})["results"]
    assert other["status"] == 409


def _outcome(answer: TransactionAnswer | None) -> Outcome:
    at = datetime(2026, 11, 25, 3, tzinfo=UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id="t1",
        agent_id="a1",
        channel=Channel.PHONE,
        started_at=at,
        ended_at=at,
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        security_tips_delivered=True,
        satisfaction=5,
        contact_checks=[{"field": "mobile", "result": "confirmed"}],
        reserved_info_answer=answer,
    )


def _escalation(outcome: Outcome, category: EscalationCategory) -> Escalation:
    return Escalation(
        id=uuid.uuid4(),
        task_id=outcome.task_id,
        outcome_id=outcome.id,
        customer_id="c1",
        agent_id="a1",
        category=category,
        department="fraud",
        urgency=Urgency.URGENT,
        summary="not me",
        event=AccountEvent.RESERVED_INFO_CHANGED,
        opened_at=outcome.ended_at,
        deadline=outcome.ended_at + timedelta(hours=2),
        status="resolved",
        resolved_at=outcome.ended_at + timedelta(hours=1),
    )


def test_qa_flags_a_denied_reserved_info_change_without_a_fraud_escalation() -> None:
    denied = _outcome(TransactionAnswer.NOT_ME)
    kind = TaskKind.SPECIAL_EVENT
    *_, handled, found = quality.findings(denied, [], kind)
    assert not handled
    assert found == ["reserved information change denied but not escalated as fraud"]
    filed_as_service = [_escalation(denied, EscalationCategory.SERVICE)]
    assert quality.findings(denied, filed_as_service, kind)[2] is False
    assert quality.findings(denied, [_escalation(denied, EscalationCategory.FRAUD)], kind)[2]
    assert quality.findings(_outcome(TransactionAnswer.CONFIRMED), [], kind)[2]


def test_qa_finds_a_reached_reserved_info_revisit_without_the_answer_incomplete() -> None:
    change, kind = AccountEvent.RESERVED_INFO_CHANGED, TaskKind.SPECIAL_EVENT
    complete, *_, found = quality.findings(_outcome(None), [], kind, event=change)
    assert not complete
    assert found == ["no answer recorded on the change of reserved information"]
    assert quality.findings(_outcome(TransactionAnswer.CONFIRMED), [], kind, event=change)[0]
    complaint = AccountEvent.COMPLAINT  # its step asks no such question
    assert quality.findings(_outcome(None), [], kind, event=complaint)[0]


def test_the_qa_sample_finds_a_reserved_info_revisit_without_the_answer_incomplete(
    world: World,
) -> None:
    silent = event_task(world, world.add_customer("c", flagged=False), RESERVED)
    answered = event_task(world, world.add_customer("d", flagged=False), RESERVED)
    outcomes_sent = [
        world.outcome(silent, "a"),
        world.outcome(answered, "a", reserved_info_answer="confirmed"),
    ]
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": outcomes_sent})
    month = outcomes_sent[0]["started_at"][:7]
    sample = world.ok("GET", f"/v1/qa-sample?month={month}&rate=1", "boss")
    by_id = {record["outcome"]["id"]: record for record in sample}
    record = by_id[outcomes_sent[0]["id"]]
    assert record["complete"] is False
    assert "no answer recorded on the change of reserved information" in record["findings"]
    assert by_id[outcomes_sent[1]["id"]]["complete"] is True
