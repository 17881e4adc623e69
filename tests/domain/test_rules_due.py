"""Which revisits are due (§六): new accounts, periodic cycles, special events, closures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from revisit_tui.domain.models import (
    AccountEvent,
    AccountRecord,
    AccountStatus,
    AccountType,
    Customer,
    CustomerType,
    Escalation,
    EscalationCategory,
    EventRecord,
    RiskLevel,
    TaskCreate,
    TaskKind,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits, follow_up_task, task_key, task_priority

POLICY = RevisitPolicy()
TODAY = date(2026, 11, 25)


def customer(cid: str = "c1", **changes: object) -> Customer:
    base = Customer(id=cid, type=CustomerType.PERSONAL, name="李娜", branch="b1")
    return base.model_copy(update=changes)


NUMBER = "6222020012345678"  # the account's number: the rules never need it


def account(account_id: str = "ac-one", **changes: object) -> AccountRecord:
    base = AccountRecord(
        id=account_id,
        number=NUMBER,
        customer_id="c1",
        type=AccountType.PERSONAL_SAVINGS,
        opened_on=date(2020, 1, 15),
        branch="b1",
    )
    return base.model_copy(update=changes)


def event(kind: AccountEvent, when: datetime, eid: str = "e1") -> EventRecord:
    return EventRecord(id=eid, account_number=NUMBER, account_id="ac-one", kind=kind, at=when)


def due(
    accounts: list[AccountRecord],
    customers: list[Customer] | None = None,
    events: list[EventRecord] = (),  # type: ignore[assignment]
    last: dict[str, date] | None = None,
    today: date = TODAY,
) -> list[TaskCreate]:
    people = {c.id: c for c in customers or [customer()]}
    return list(due_revisits(accounts, people, events, last or {}, today, POLICY))


def test_new_account_is_due_five_working_days_after_opening_across_national_day() -> None:
    opened = account(opened_on=date(2025, 9, 30))
    (task,) = due([opened], today=date(2025, 10, 2))
    assert task.kind is TaskKind.NEW_ACCOUNT
    assert task.due == date(2025, 10, 14)  # Oct 9, 10, 11 (make-up Saturday), 13, 14 → 5th
    assert task.key == "new_account:ac-one:2025-09-30"
    assert task.priority == task_priority(TaskKind.NEW_ACCOUNT, POLICY)


def test_an_old_account_never_revisited_is_periodic_not_new() -> None:
    (task,) = due([account(opened_on=date(2025, 1, 10))])
    # the cycle under way today, not the first one missed (that key may have ended exhausted)
    assert (task.kind, task.due) == (TaskKind.PERIODIC, date(2026, 7, 10))
    assert task.key == "periodic:ac-one:2026-H2"


def test_periodic_savings_every_six_months_from_the_last_revisit() -> None:
    assert due([account()], last={"ac-one": date(2026, 5, 26)}) == []
    (task,) = due([account()], last={"ac-one": date(2026, 5, 25)})
    assert (task.kind, task.due, task.key) == (
        TaskKind.PERIODIC,
        date(2026, 11, 25),
        "periodic:ac-one:2026-H2",
    )


def test_high_risk_and_abnormal_accounts_are_on_the_short_cycle() -> None:
    last = {"ac-one": date(2026, 10, 20)}
    assert due([account()], last=last) == []
    (risky,) = due([account()], [customer(risk=RiskLevel.HIGH)], last=last)
    assert risky.key == "periodic:ac-one:2026-11" and risky.due == date(2026, 11, 20)
    (abnormal,) = due([account(status=AccountStatus.ABNORMAL)], last=last)
    assert abnormal.due == date(2026, 11, 20)


def test_corporate_accounts_are_quarterly() -> None:
    corporate = account(type=AccountType.CORPORATE_BASIC)
    (task,) = due([corporate], last={"ac-one": date(2026, 8, 25)})
    assert task.key == "periodic:ac-one:2026-Q4"


def test_special_event_is_due_promptly_with_top_priority() -> None:
    complaint = event(AccountEvent.COMPLAINT, datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    tasks = due([account()], events=[complaint], last={"ac-one": date(2026, 10, 1)})
    (task,) = tasks
    assert task.kind is TaskKind.SPECIAL_EVENT
    assert task.priority == 0
    assert task.due == date(2026, 11, 26)  # 17:00 UTC is already the 25th in Shanghai, +1 day
    assert task.key == "special_event:ac-one:e1"


def test_an_event_already_revisited_after_is_not_due_again() -> None:
    old = event(AccountEvent.LARGE_ABNORMAL_TRANSACTION, datetime(2026, 11, 1, tzinfo=UTC))
    assert due([account()], events=[old], last={"ac-one": date(2026, 11, 2)}) == []


def test_closure_by_status_or_event_gives_one_closure_revisit_and_nothing_periodic() -> None:
    closing = account(status=AccountStatus.CLOSING)
    (task,) = due([closing])
    assert (task.kind, task.key, task.due) == (
        TaskKind.CLOSURE,
        "closure:ac-one:final",
        date(2026, 11, 28),
    )
    closed = event(AccountEvent.CLOSURE, datetime(2026, 11, 20, 2, tzinfo=UTC))
    (by_event,) = due([account()], events=[closed])
    assert by_event.key == task.key and by_event.due == date(2026, 11, 23)


def test_do_not_call_and_unknown_customers_are_skipped() -> None:
    assert due([account()], [customer(do_not_call=True)]) == []
    assert due([account(customer_id="nobody")]) == []


def test_a_rerun_the_same_day_gives_the_same_keys() -> None:
    accounts = [account(f"ac-{i}", opened_on=date(2020 + i % 7, 1 + i % 12, 1)) for i in range(50)]
    first = [t.key for t in due(accounts)]
    assert first == [t.key for t in due(accounts)]
    assert len(set(first)) == len(first)


def test_tasks_name_their_account_by_id_never_by_number() -> None:
    """A supervisor builds queues from masked listings: the task's key (and so its id, a plain
    hash of the key) and fields carry the account id; the server resolves the number."""
    (task,) = due([account()])
    assert (task.account_id, task.account_number) == ("ac-one", None)
    assert NUMBER not in task.model_dump_json()


def test_tasks_are_valid_wire_models() -> None:
    (task,) = due([account()])
    assert TaskCreate.model_validate(task.model_dump()) == task
    assert TaskCreate.model_validate_json(task.model_dump_json()) == task
    changed = task.model_copy(update={"assigned_agent": "a1"})
    assert (changed.assigned_agent, task.assigned_agent) == ("a1", None)


def test_follow_up_goes_to_the_same_agent_two_working_days_later() -> None:
    escalation = Escalation(
        id=UUID("00000000-0000-4000-8000-0000000000aa"),
        task_id="t1",
        outcome_id=UUID("00000000-0000-4000-8000-0000000000bb"),
        customer_id="c1",
        agent_id="agent7",
        category=EscalationCategory.SERVICE,
        department="e-banking",
        urgency=Urgency.NORMAL,
        summary="mobile banking freezes",
        opened_at=datetime(2026, 9, 20, tzinfo=UTC),
        deadline=datetime(2026, 9, 23, tzinfo=UTC),
        resolved_at=datetime(2026, 9, 30, 8, tzinfo=UTC),
    )
    task = follow_up_task(escalation, date(2026, 9, 30), POLICY)
    assert (task.kind, task.assigned_agent, task.escalation_id) == (
        TaskKind.FOLLOW_UP,
        "agent7",
        str(escalation.id),
    )
    assert task.due == date(2026, 10, 9)  # Oct 1–7 off, Oct 8 and 9 are working days
    assert task.reason == "mobile banking freezes"
    long = escalation.model_copy(update={"summary": "卡顿" * 150})
    reason = follow_up_task(long, date(2026, 9, 30), POLICY).reason
    assert len(reason) == 200 and reason.endswith("…")
    assert task.key == task_key(TaskKind.FOLLOW_UP, str(escalation.id), "20260930T080000")


def test_an_unknown_customer_time_zone_does_not_stop_the_queue() -> None:
    late = event(AccountEvent.COMPLAINT, datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    tasks = due([account()], [customer(timezone="Mars/Base")], events=[late])
    (task,) = [t for t in tasks if t.kind is TaskKind.SPECIAL_EVENT]
    assert task.due == date(2026, 11, 25)  # the event's own (UTC) day + 1
