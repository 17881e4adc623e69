"""An escalation's loop (seed 002 §九.3): resolved → a follow-up revisit asks the customer →
satisfied closes it, not satisfied reopens it with a new deadline. Every step is kept in the
escalation's history and the audit log; one follow-up task per escalation is open at a time.
Shared by the supervisors' endpoints and the recording of follow-up outcomes.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain import rules
from revisit_tui.domain.models import (
    Escalation,
    EscalationAction,
    EscalationStatus,
    EscalationStep,
    TaskKind,
    TaskStatus,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.server.problems import not_found
from revisit_tui.server.rows import escalation_from_row
from revisit_tui.server.tables import audit_log, escalations, tasks
from revisit_tui.server.taskstore import create_tasks


def load(conn: Connection, escalation_id: UUID | str) -> Escalation:
    """The escalation, locked for this transaction on PostgreSQL; 404 when unknown."""
    row = conn.execute(
        sa.select(escalations.c.body)
        .where(escalations.c.id == str(escalation_id))
        .with_for_update()
    ).first()
    if row is None:
        raise not_found("escalation", str(escalation_id))
    return escalation_from_row(row)


def resolve(
    conn: Connection,
    escalation: Escalation,
    resolution: str,
    actor: str,
    now: datetime,
    policy: RevisitPolicy,
) -> Escalation:
    """The department's answer; the escalation's agent gets a follow-up revisit, unless one
    is open for it already (it then carries the new answer)."""
    step = EscalationStep(action=EscalationAction.RESOLVED, at=now, by=actor, text=resolution)
    resolved = escalation.model_copy(
        update={
            "status": EscalationStatus.RESOLVED,
            "resolution": resolution,
            "resolved_at": now,
            "satisfied": None,
            "history": [*escalation.history, step],
        }
    )
    task_id = _open_follow_up(conn, escalation.id)
    if task_id is None:
        follow_up = rules.follow_up_task(resolved, now.date(), policy)
        (task_id,), _ = create_tasks(conn, [follow_up], now)
    resolved = resolved.model_copy(update={"follow_up_task_id": task_id})
    save(conn, resolved, actor, "escalation_resolved", now)
    return resolved


def reopen(
    conn: Connection,
    escalation: Escalation,
    reason: str,
    actor: str,
    at: datetime,
    policy: RevisitPolicy,
    *,
    satisfied: bool | None = None,
) -> Escalation:
    """Handling starts again: a new deadline from `at`, the earlier resolutions kept in the
    history, and the open follow-up (if any) cancelled: there is nothing to follow up yet."""
    step = EscalationStep(action=EscalationAction.REOPENED, at=at, by=actor, text=reason)
    reopened = escalation.model_copy(
        update={
            "status": EscalationStatus.REOPENED,
            "resolved_at": None,
            "deadline": rules.escalation_deadline(escalation.urgency, at, policy),
            "satisfied": satisfied,
            "history": [*escalation.history, step],
        }
    )
    conn.execute(
        sa.update(tasks)
        .where(
            tasks.c.escalation_id == str(escalation.id),
            tasks.c.kind == TaskKind.FOLLOW_UP.value,
            tasks.c.status == TaskStatus.OPEN.value,
        )
        .values(
            status=TaskStatus.CANCELLED.value,
            version=tasks.c.version + 1,
            updated_at=at,
            lease_agent=None,
            lease_expires_at=None,
        )
    )
    save(conn, reopened, actor, "escalation_reopened", at)
    return reopened


def satisfied(conn: Connection, escalation: Escalation, actor: str, at: datetime) -> Escalation:
    """The follow-up heard the customer is satisfied: the loop is closed."""
    step = EscalationStep(action=EscalationAction.SATISFIED, at=at, by=actor)
    closed = escalation.model_copy(
        update={"satisfied": True, "history": [*escalation.history, step]}
    )
    save(conn, closed, actor, "escalation_satisfied", at)
    return closed


def save(conn: Connection, escalation: Escalation, actor: str, action: str, now: datetime) -> None:
    conn.execute(
        sa.update(escalations)
        .where(escalations.c.id == str(escalation.id))
        .values(
            status=escalation.status.value,
            deadline=escalation.deadline,
            body=escalation.model_dump(mode="json"),
        )
    )
    conn.execute(
        sa.insert(audit_log).values(
            at=now, actor=actor, action=action, detail={"escalation_id": str(escalation.id)}
        )
    )


def _open_follow_up(conn: Connection, escalation_id: UUID) -> str | None:
    found: str | None = conn.scalar(
        sa.select(tasks.c.id)
        .where(
            tasks.c.escalation_id == str(escalation_id),
            tasks.c.kind == TaskKind.FOLLOW_UP.value,
            tasks.c.status == TaskStatus.OPEN.value,
        )
        .limit(1)
    )
    return found
