"""Rules with the default policy (config.toml): the attempt limit a planned revisit carries,
the category of a fraud escalation, the end of quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

from revisit_tui.domain.models import (
    AccountRecord,
    AccountType,
    Customer,
    CustomerType,
    Disposition,
    EscalationCategory,
    Outcome,
    Task,
    TaskStatus,
    TransactionAnswer,
    TransactionCheck,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy, SmsPolicy
from revisit_tui.domain.rules import (
    apply_outcome,
    check_callback,
    due_revisits,
    escalations_for,
    sms_decision,
)

POLICY = RevisitPolicy()
TODAY = date(2026, 11, 25)


def test_the_third_unanswered_call_exhausts_a_planned_revisit() -> None:
    customer = Customer(id="c1", type=CustomerType.PERSONAL, name="王芳", branch="b1")
    account = AccountRecord(
        id="ac-one",
        number="62220001",
        customer_id="c1",
        type=AccountType.PERSONAL_SAVINGS,
        opened_on=date(2025, 1, 10),
        branch="b1",
    )
    (planned,) = due_revisits([account], {"c1": customer}, [], {}, TODAY, POLICY)
    task = Task(id="t1", **planned.model_dump())
    now = datetime(2026, 11, 25, 3, tzinfo=UTC)
    for attempt in range(3):
        assert task.status is TaskStatus.OPEN, f"closed before attempt {attempt + 1}"
        unanswered = Outcome(
            id=uuid4(),
            task_id="t1",
            agent_id="a1",
            started_at=now,
            ended_at=now + timedelta(minutes=1),
            disposition=Disposition.NO_ANSWER,
        )
        task = apply_outcome(task, unanswered, POLICY, now)
        now += timedelta(hours=3)
    assert task.status is TaskStatus.EXHAUSTED


def test_a_not_me_answer_alone_opens_an_urgent_fraud_escalation() -> None:
    now = datetime(2026, 11, 25, 3, tzinfo=UTC)
    outcome = Outcome(
        id=uuid4(),
        task_id="t1",
        agent_id="a1",
        started_at=now,
        ended_at=now + timedelta(minutes=4),
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        transaction_checks=[
            TransactionCheck(transaction_id="tx1", answer=TransactionAnswer.NOT_ME)
        ],
    )
    (request,) = escalations_for(outcome)
    assert (request.category, request.urgency) == (EscalationCategory.FRAUD, Urgency.URGENT)


def test_quiet_hours_that_do_not_cross_midnight_end_at_their_end() -> None:
    lunch = RevisitPolicy(sms=SmsPolicy(quiet_start=time(12), quiet_end=time(14)))
    customer = Customer(
        id="c1", type=CustomerType.PERSONAL, name="王芳", branch="b1", mobile="+8613800138000"
    )
    two_pm = datetime(2026, 11, 25, 6, tzinfo=UTC)  # 14:00 in Shanghai
    assert sms_decision(customer, two_pm, [], lunch).allowed
    blocked = sms_decision(customer, two_pm - timedelta(seconds=1), [], lunch)
    assert (blocked.code, blocked.next_allowed_at) == ("quiet_hours", two_pm)


def test_a_callback_at_the_moment_it_is_asked_for_is_in_the_past() -> None:
    customer = Customer(id="c1", type=CustomerType.PERSONAL, name="王芳", branch="b1")
    now = datetime(2026, 11, 25, 3, tzinfo=UTC)  # 11:00 in Shanghai
    problem = check_callback(customer, now, now, POLICY)
    assert problem is not None and problem.code == "callback_in_past"
    assert check_callback(customer, now + timedelta(minutes=1), now, POLICY) is None
