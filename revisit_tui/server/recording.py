"""Recording one outcome: idempotency, permission, the domain rules, and what it opens.

The caller runs it inside a transaction (a savepoint per outcome in a batch), so an outcome
is stored with its task change, pending contact changes and escalations, or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain import rules
from revisit_tui.domain.models import (
    Agent,
    ContactCheckResult,
    Escalation,
    Language,
    Outcome,
    OutcomeResult,
    Role,
    Task,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.validation import validate_outcome
from revisit_tui.server.rows import canonical_hash, task_from_row
from revisit_tui.server.tables import escalations, outcomes, pending_contact_changes, tasks
from revisit_tui.server.taskstore import agent_when


def record_outcome(
    conn: Connection, caller: Agent, outcome: Outcome, policy: RevisitPolicy, now: datetime
) -> OutcomeResult:
    """Store the outcome and apply it to its task; the result says what happened (status)."""
    body_hash = canonical_hash(outcome)
    stored = conn.execute(
        sa.select(
            outcomes.c.body_hash, outcomes.c.escalation_ids, outcomes.c.flagged_reassigned
        ).where(outcomes.c.id == str(outcome.id))
    ).first()
    if stored is not None:
        return _replay(conn, outcome, stored, body_hash)
    row = conn.execute(
        sa.select(tasks).where(tasks.c.id == outcome.task_id).with_for_update()
    ).first()
    if row is None:
        return _refused(outcome, 404, f"no task with id {outcome.task_id!r}")
    refusal = _permission(conn, caller, outcome, row)
    if refusal:
        return _refused(outcome, 403, refusal)
    problems = validate_outcome(outcome, policy, now.date())
    if problems:
        reason = "; ".join(f"{p.field}: {p.message(Language.EN)}" for p in problems)
        return _refused(outcome, 422, reason)
    task = task_from_row(row)
    flagged = outcome.task_version < row.assigned_version
    updated = rules.apply_outcome(task, outcome, policy, now)
    _save_task(conn, updated, caller, outcome)
    opened = _open_escalations(conn, outcome, row.customer_id, policy, now)
    _save_contact_changes(conn, outcome, row.customer_id, now)
    conn.execute(
        sa.insert(outcomes).values(
            id=str(outcome.id),
            task_id=outcome.task_id,
            agent_id=outcome.agent_id,
            customer_id=row.customer_id,
            channel=outcome.channel.value,
            disposition=outcome.disposition.value,
            satisfaction=outcome.satisfaction,
            started_at=outcome.started_at,
            body=outcome.model_dump(mode="json"),
            body_hash=body_hash,
            escalation_ids=[str(e) for e in opened],
            flagged_reassigned=flagged,
            purged=False,
            received_at=now,
        )
    )
    return OutcomeResult(
        outcome_id=outcome.id,
        status=201,
        task=updated,
        escalation_ids=opened,
        flagged_reassigned=flagged,
    )


def _replay(conn: Connection, outcome: Outcome, stored: Any, body_hash: str) -> OutcomeResult:
    if stored.body_hash != body_hash:
        return _refused(outcome, 409, "an outcome with this id and another body is stored")
    row = conn.execute(sa.select(tasks).where(tasks.c.id == outcome.task_id)).first()
    return OutcomeResult(
        outcome_id=outcome.id,
        status=200,
        reason="already stored",
        task=task_from_row(row) if row is not None else None,
        escalation_ids=list(stored.escalation_ids),
        flagged_reassigned=stored.flagged_reassigned,
    )


def _refused(outcome: Outcome, status: int, reason: str) -> OutcomeResult:
    return OutcomeResult(outcome_id=outcome.id, status=status, reason=reason)


def _permission(conn: Connection, caller: Agent, outcome: Outcome, row: Any) -> str:
    """Why the caller may not record this outcome ('' when it may)."""
    if caller.role is Role.ONLINE_SERVICE:
        return ""
    if outcome.agent_id != caller.id:
        return f"agent_id {outcome.agent_id!r} is not the caller"
    if caller.role is Role.SUPERVISOR:
        return ""
    mapping = row._mapping
    if caller.id in (mapping["assigned_agent"], mapping["lease_agent"]):
        return ""
    if agent_when(conn, outcome.task_id, outcome.task_version) == caller.id:
        return ""
    return "the task is not assigned to the caller"


def _save_task(conn: Connection, task: Task, caller: Agent, outcome: Outcome) -> None:
    values = task.model_dump(exclude={"id", "key", "created_at", "assigned_agent"})
    lease: dict[str, Any] = {}
    if caller.role is not Role.ONLINE_SERVICE:
        # the attempt is over: the caller's lease ends with it
        lease = {
            "lease_agent": sa.case(
                (tasks.c.lease_agent == outcome.agent_id, None), else_=tasks.c.lease_agent
            ),
            "lease_expires_at": sa.case(
                (tasks.c.lease_agent == outcome.agent_id, None), else_=tasks.c.lease_expires_at
            ),
        }
    conn.execute(sa.update(tasks).where(tasks.c.id == task.id).values(**values, **lease))


def _open_escalations(
    conn: Connection, outcome: Outcome, customer_id: str, policy: RevisitPolicy, now: datetime
) -> list[UUID]:
    opened: list[UUID] = []
    for request in rules.escalations_for(outcome):
        exists = conn.scalar(sa.select(escalations.c.id).where(escalations.c.id == str(request.id)))
        if exists:
            continue
        escalation = Escalation(
            id=request.id,
            task_id=outcome.task_id,
            outcome_id=outcome.id,
            customer_id=customer_id,
            agent_id=outcome.agent_id,
            category=request.category,
            department=request.department,
            urgency=request.urgency,
            summary=request.summary,
            transaction_id=request.transaction_id,
            opened_at=now,
            deadline=rules.escalation_deadline(request.urgency, now, policy),
        )
        conn.execute(
            sa.insert(escalations).values(
                id=str(escalation.id),
                status=escalation.status.value,
                deadline=escalation.deadline,
                opened_at=now,
                agent_id=escalation.agent_id,
                body=escalation.model_dump(mode="json"),
            )
        )
        opened.append(escalation.id)
    return opened


def _save_contact_changes(
    conn: Connection, outcome: Outcome, customer_id: str, now: datetime
) -> None:
    """Changed contact details wait for the branch to make them official (§四.1)."""
    changes = [
        {
            "outcome_id": str(outcome.id),
            "customer_id": customer_id,
            "field": check.field.value,
            "new_value": check.new_value,
            "created_at": now,
        }
        for check in outcome.contact_checks
        if check.result is ContactCheckResult.CHANGED
    ]
    if changes:
        conn.execute(sa.insert(pending_contact_changes), changes)
