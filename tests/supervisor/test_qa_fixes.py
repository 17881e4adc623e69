"""The monthly QA sample (seed 002 §十.1): stable when late records arrive, fair to follow-up
and closure calls, and checking that escalations were handled in time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from supervision import Supervisor, account, customer
from test_records_scripts import read_rows

from revisit_tui.client.api import ApiClient
from revisit_tui.domain.models import (
    ClosureReason,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    ImportBatch,
    Outcome,
    QaRecord,
    TaskCreate,
    TaskKind,
    Urgency,
)
from revisit_tui.server.tables import escalations

NOW = datetime.now(UTC).replace(microsecond=0)


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def post_calls(
    supervisor: Supervisor,
    client: ApiClient,
    prefix: str,
    count: int,
    *,
    kind: TaskKind = TaskKind.PERIODIC,
    started_at: datetime = NOW,
    **fields,
) -> list[Outcome]:
    """`count` reached calls by agent qa1, each on a task of its own customer."""
    customers = [customer(f"{prefix}{n}") for n in range(count)]
    supervisor.api.import_batch(ImportBatch(customers=customers))
    ids = supervisor.api.create_tasks(
        [
            TaskCreate(
                key=f"{prefix}-{n}",
                kind=kind,
                priority=5,
                customer_id=c.id,
                due=started_at.date(),
                assigned_agent="qa1",
            )
            for n, c in enumerate(customers)
        ]
    ).task_ids
    outcomes = [
        Outcome(
            id=uuid.uuid4(),
            task_id=task_id,
            agent_id="qa1",
            started_at=started_at,
            ended_at=started_at + timedelta(minutes=3),
            disposition=Disposition.REACHED,
            fraud_warning_delivered=True,
            satisfaction=5,
            **fields,
        )
        for task_id in ids
    ]
    assert {r.status for r in client.submit_outcomes(outcomes).results} == {201}
    return outcomes


def sample(supervisor: Supervisor, tmp_path: Path, month: str, rate: str) -> list[QaRecord]:
    out = tmp_path / f"sample-{uuid.uuid4().hex}.jsonl"
    assert (
        supervisor.run(
            "qa_sample", "--month", month, "--rate", rate, "--seed", "7", "--out", str(out)
        )
        == 0
    )
    return [QaRecord.model_validate_json(line) for line in out.read_text().splitlines()]


def test_late_records_leave_the_sample_drawn_with_the_same_seed_almost_unchanged(
    supervisor: Supervisor, tmp_path: Path
):
    client = supervisor.agent_api("qa1")
    post_calls(supervisor, client, "on-time", 40)
    first = {r.outcome.id for r in sample(supervisor, tmp_path, month_of(NOW), "0.25")}
    assert len(first) == 10
    post_calls(supervisor, client, "late", 2, started_at=NOW - timedelta(minutes=30))
    second = {r.outcome.id for r in sample(supervisor, tmp_path, month_of(NOW), "0.25")}
    assert len(second) == 11
    assert len(first & second) >= 9, "two late records may displace at most two drawn ones"


def test_follow_up_and_closure_calls_are_complete_without_contact_checks(
    supervisor: Supervisor, tmp_path: Path
):
    client = supervisor.agent_api("qa1")
    post_calls(supervisor, client, "follow", 2, kind=TaskKind.FOLLOW_UP)
    reason = ClosureReason.BUSINESS_CHANGE
    post_calls(supervisor, client, "close", 2, kind=TaskKind.CLOSURE, closure_reason=reason)
    post_calls(supervisor, client, "periodic", 1)  # a periodic call must check the contact details
    post_calls(supervisor, client, "why", 1, kind=TaskKind.CLOSURE)  # a closure call asks why
    records = sample(supervisor, tmp_path, month_of(NOW), "1")
    by_kind = {r.outcome.task_id: r for r in records}
    assert len(by_kind) == 6
    flagged = sorted((r for r in records if not r.complete), key=lambda r: r.findings)
    assert [r.findings[0] for r in flagged] == [
        "no closure reason recorded",
        "no contact check recorded",
    ]
    assert flagged[0].findings == ["no closure reason recorded"]
    assert all(r.compliant for r in records if r is not flagged[1]), [r.findings for r in records]


def pass_deadline(supervisor: Supervisor, escalation_id: str, deadline: datetime) -> None:
    """Set the escalation's deadline (to one already past: the department took too long)."""
    engine = sa.create_engine(supervisor.server.db_url)
    with engine.begin() as conn:
        body = conn.scalar(sa.select(escalations.c.body).where(escalations.c.id == escalation_id))
        conn.execute(
            sa.update(escalations)
            .where(escalations.c.id == escalation_id)
            .values(deadline=deadline, body={**body, "deadline": deadline.isoformat()})
        )
    engine.dispose()


def test_escalations_past_their_deadline_are_not_handled_in_time(
    supervisor: Supervisor, tmp_path: Path
):
    client = supervisor.agent_api("qa1")
    started = NOW - timedelta(hours=3)  # an urgent escalation is due within 2 hours
    escalation = EscalationRequest(
        id=uuid.uuid4(),
        category=EscalationCategory.SERVICE,
        department="电子银行部",
        urgency=Urgency.URGENT,
        summary="无法登录手机银行",
    )
    post_calls(supervisor, client, "esc", 1, started_at=started, escalations=[escalation])
    pass_deadline(supervisor, str(escalation.id), started + timedelta(hours=2))
    [record] = sample(supervisor, tmp_path, month_of(started), "1")
    assert not record.handled
    assert any("past its deadline" in finding for finding in record.findings)

    supervisor.api.resolve_escalation(str(escalation.id), "已重置登录密码")
    [record] = sample(supervisor, tmp_path, month_of(started), "1")
    assert not record.handled, "resolved, but after its deadline"
    assert any("after its deadline" in finding for finding in record.findings)


def test_account_numbers_stay_text_for_excel(supervisor: Supervisor, tmp_path: Path):
    number = "6222021234567890123"
    supervisor.api.import_batch(
        ImportBatch(customers=[customer("x1")], accounts=[account(number, "x1", NOW.date())])
    )
    client = supervisor.agent_api("qa1")
    [task_id] = supervisor.api.create_tasks(
        [
            TaskCreate(
                key="acct",
                kind=TaskKind.NEW_ACCOUNT,
                priority=3,
                customer_id="x1",
                account_number=number,
                due=NOW.date(),
                assigned_agent="qa1",
            )
        ]
    ).task_ids
    outcome = Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id="qa1",
        started_at=NOW,
        ended_at=NOW,
        disposition=Disposition.NO_ANSWER,
    )
    assert client.submit_outcomes([outcome]).results[0].status == 201
    out = tmp_path / "sample.csv"
    argv = ["--month", month_of(NOW), "--rate", "1", "--seed", "1", "--out", str(out)]
    assert supervisor.run("qa_sample", *argv) == 0
    [row] = read_rows(out)
    # the server masks the number; what is left stays text in Excel, not 6.22E+18
    assert row["account_number"].startswith('="') and row["account_number"].endswith('0123"')
