"""What an attempt does to its task, and which escalations an outcome opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4, uuid5

import pytest

from revisit_tui.domain.models import (
    AccountEvent,
    Channel,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    Outcome,
    Task,
    TaskKind,
    TaskStatus,
    TransactionAnswer,
    TransactionCheck,
    Urgency,
)
from revisit_tui.domain.policy import CallPolicy, RevisitPolicy
from revisit_tui.domain.rules import apply_outcome, escalation_deadline, escalations_for

POLICY = RevisitPolicy()
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def make_task(**changes: object) -> Task:
    base = Task(
        id="t1",
        key="periodic:ACC1:2026-H2",
        kind=TaskKind.PERIODIC,
        priority=5,
        customer_id="c1",
        due=NOW.date(),
        attempt_limit=3,
    )
    return base.model_copy(update=changes)


def make_outcome(disposition: Disposition, **fields: object) -> Outcome:
    values: dict[str, object] = {
        "id": uuid4(),
        "task_id": "t1",
        "agent_id": "a1",
        "started_at": NOW - timedelta(minutes=5),
        "ended_at": NOW,
        "disposition": disposition,
    }
    if disposition is Disposition.REACHED:
        values["fraud_warning_delivered"] = True
    values.update(fields)
    return Outcome.model_validate(values)


def test_reached_closes_the_task_as_done() -> None:
    task = apply_outcome(make_task(), make_outcome(Disposition.REACHED), POLICY, NOW)
    assert (task.status, task.attempts, task.version, task.updated_at) == (
        TaskStatus.DONE,
        1,
        1,
        NOW,
    )
    assert task.next_attempt_at is None


def test_no_answer_retries_after_the_policy_spacing() -> None:
    task = apply_outcome(make_task(), make_outcome(Disposition.NO_ANSWER), POLICY, NOW)
    assert task.status is TaskStatus.OPEN
    assert task.next_attempt_at == NOW + timedelta(minutes=120)
    busy = apply_outcome(make_task(), make_outcome(Disposition.BUSY), POLICY, NOW)
    assert busy.next_attempt_at == NOW + timedelta(minutes=30)


def test_spacing_missing_from_a_partial_config_table_falls_back_to_the_default() -> None:
    policy = RevisitPolicy(calls=CallPolicy(retry_spacing_minutes={"busy": 5}))
    task = apply_outcome(make_task(), make_outcome(Disposition.NO_ANSWER), policy, NOW)
    assert task.next_attempt_at == NOW + timedelta(minutes=120)
    busy = apply_outcome(make_task(), make_outcome(Disposition.BUSY), policy, NOW)
    assert busy.next_attempt_at == NOW + timedelta(minutes=5)


def test_the_last_allowed_attempt_exhausts_the_task() -> None:
    second = make_task(attempts=1)
    assert apply_outcome(second, make_outcome(Disposition.BUSY), POLICY, NOW).status is (
        TaskStatus.OPEN
    )
    last = make_task(attempts=2)
    task = apply_outcome(last, make_outcome(Disposition.REFUSED), POLICY, NOW)
    assert (task.status, task.attempts, task.next_attempt_at) == (TaskStatus.EXHAUSTED, 3, None)


def test_a_callback_keeps_the_task_open_at_the_customers_time_without_using_an_attempt() -> None:
    at = NOW + timedelta(days=1)
    task = apply_outcome(
        make_task(attempts=2),
        make_outcome(Disposition.CALLBACK_REQUESTED, callback_at=at),
        POLICY,
        NOW,
    )
    assert (task.status, task.attempts, task.callback_at, task.next_attempt_at) == (
        TaskStatus.OPEN,
        2,
        at,
        at,
    )
    assert task.version == 1


def test_no_answer_at_the_callback_time_clears_the_callback() -> None:
    task = make_task(callback_at=NOW, next_attempt_at=NOW)
    after = apply_outcome(task, make_outcome(Disposition.NO_ANSWER), POLICY, NOW)
    assert after.callback_at is None
    assert after.next_attempt_at == NOW + timedelta(minutes=120)


def test_do_not_call_closes_the_task() -> None:
    task = apply_outcome(make_task(), make_outcome(Disposition.DO_NOT_CALL), POLICY, NOW)
    assert task.status is TaskStatus.DO_NOT_CALL


def test_an_online_answer_counts_as_reached() -> None:
    outcome = make_outcome(Disposition.NO_ANSWER, channel=Channel.ONLINE)
    assert apply_outcome(make_task(), outcome, POLICY, NOW).status is TaskStatus.DONE


def test_a_closed_task_is_never_reopened_but_an_exhausted_one_can_end_done() -> None:
    done = make_task(status=TaskStatus.DONE, attempts=1, version=4)
    after = apply_outcome(done, make_outcome(Disposition.NO_ANSWER), POLICY, NOW)
    assert (after.status, after.attempts, after.version) == (TaskStatus.DONE, 2, 5)
    exhausted = make_task(status=TaskStatus.EXHAUSTED, attempts=3)
    late = make_outcome(Disposition.NO_ANSWER, channel=Channel.ONLINE)
    assert apply_outcome(exhausted, late, POLICY, NOW).status is TaskStatus.DONE
    busy = apply_outcome(exhausted, make_outcome(Disposition.BUSY), POLICY, NOW)
    assert busy.status is TaskStatus.EXHAUSTED


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply_outcome(make_task(), make_outcome(Disposition.BUSY), POLICY, datetime(2026, 1, 1))


def test_escalation_deadline_by_urgency() -> None:
    assert escalation_deadline(Urgency.URGENT, NOW, POLICY) == NOW + timedelta(hours=2)
    assert escalation_deadline(Urgency.LOW, NOW, POLICY) == NOW + timedelta(hours=168)


def test_not_me_opens_one_urgent_fraud_escalation_with_a_stable_id() -> None:
    outcome_id = UUID("00000000-0000-4000-8000-000000000001")
    checks = [
        TransactionCheck(transaction_id="tx1", answer=TransactionAnswer.NOT_ME),
        TransactionCheck(transaction_id="tx1", answer=TransactionAnswer.NOT_ME),
        TransactionCheck(transaction_id="tx2", answer=TransactionAnswer.CONFIRMED),
    ]
    outcome = make_outcome(Disposition.REACHED, id=outcome_id, transaction_checks=checks)
    first = escalations_for(outcome)
    again = escalations_for(outcome)
    assert len(first) == 1
    assert first == again
    (request,) = first
    assert (request.urgency, request.department, request.transaction_id) == (
        Urgency.URGENT,
        "fraud",
        "tx1",
    )


def test_a_not_me_already_escalated_by_the_agent_is_not_doubled_nor_downgraded() -> None:
    own = EscalationRequest(
        id=uuid4(),
        category=EscalationCategory.SERVICE,
        department="security",
        urgency=Urgency.HIGH,
        summary="customer lost the card",
        transaction_id="tx9",
    )
    outcome = make_outcome(
        Disposition.REACHED,
        escalations=[own],
        transaction_checks=[
            TransactionCheck(transaction_id="tx9", answer=TransactionAnswer.NOT_ME)
        ],
    )
    fraud = own.model_copy(update={"category": EscalationCategory.FRAUD, "urgency": Urgency.URGENT})
    assert escalations_for(outcome) == [fraud]


def test_a_denied_reserved_info_change_opens_one_urgent_fraud_escalation_with_a_stable_id() -> None:
    """Seed 002 §六.3: a change of reserved information the customer did not make is suspected
    fraud exactly like a denied transaction; the id is stable, so a resubmit opens nothing new."""
    outcome_id = UUID("00000000-0000-4000-8000-000000000002")
    outcome = make_outcome(
        Disposition.REACHED, id=outcome_id, reserved_info_answer=TransactionAnswer.NOT_ME
    )
    first = escalations_for(outcome)
    assert first == escalations_for(outcome)
    (request,) = first
    assert (request.category, request.urgency, request.department, request.event) == (
        EscalationCategory.FRAUD,
        Urgency.URGENT,
        "fraud",
        AccountEvent.RESERVED_INFO_CHANGED,
    )
    assert request.transaction_id is None
    assert request.id == uuid5(outcome_id, "event/reserved_info_changed")


@pytest.mark.parametrize("answer", [TransactionAnswer.CONFIRMED, TransactionAnswer.UNSURE, None])
def test_a_reserved_info_change_the_customer_made_or_is_unsure_of_opens_nothing(
    answer: TransactionAnswer | None,
) -> None:
    outcome = make_outcome(Disposition.REACHED, reserved_info_answer=answer)
    assert escalations_for(outcome) == []


def test_the_agents_own_escalation_of_a_denied_reserved_info_change_is_forced_to_fraud() -> None:
    own = EscalationRequest(
        id=uuid4(),
        category=EscalationCategory.SERVICE,
        department="branch",
        urgency=Urgency.NORMAL,
        summary="customer did not change the phone number",
        event=AccountEvent.RESERVED_INFO_CHANGED,
    )
    outcome = make_outcome(
        Disposition.REACHED, escalations=[own], reserved_info_answer=TransactionAnswer.NOT_ME
    )
    fraud = own.model_copy(update={"category": EscalationCategory.FRAUD, "urgency": Urgency.URGENT})
    assert escalations_for(outcome) == [fraud]
