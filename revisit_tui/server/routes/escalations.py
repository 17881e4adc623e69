"""Escalations for supervisors: listing (open, overdue), resolve → follow-up task, reopen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Query

from revisit_tui.domain import rules
from revisit_tui.domain.models import (
    Escalation,
    EscalationPage,
    EscalationStatus,
    Resolution,
)
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.paging import Cursor, Limit, cursor_time, decode_cursor, next_cursor
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.rows import escalation_from_row
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import audit_log, escalations
from revisit_tui.server.taskstore import create_tasks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

UNRESOLVED = [EscalationStatus.OPEN.value, EscalationStatus.REOPENED.value]


@router.get("/escalations", response_model=EscalationPage, responses=errors())
def list_escalations(
    context: Context,
    _caller: Supervisor,
    status: Annotated[EscalationStatus | None, Query()] = None,
    overdue: Annotated[bool | None, Query(description="true: unresolved past deadline")] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> EscalationPage:
    """By deadline, earliest first."""
    now = datetime.now(UTC)
    query = sa.select(escalations.c.id, escalations.c.deadline, escalations.c.body)
    if status:
        query = query.where(escalations.c.status == status.value)
    if overdue is True:
        query = query.where(escalations.c.status.in_(UNRESOLVED), escalations.c.deadline < now)
    elif overdue is False:
        query = query.where(
            sa.or_(escalations.c.status.not_in(UNRESOLVED), escalations.c.deadline >= now)
        )
    after = decode_cursor(cursor, 2)
    if after:
        at = cursor_time(after[0])
        query = query.where(
            sa.or_(
                escalations.c.deadline > at,
                sa.and_(escalations.c.deadline == at, escalations.c.id > str(after[1])),
            )
        )
    query = query.order_by(escalations.c.deadline, escalations.c.id).limit(limit)
    with context.read.connect() as conn:
        rows = conn.execute(query).all()
    return EscalationPage(
        items=[escalation_from_row(row) for row in rows],
        next_cursor=next_cursor(rows, limit, lambda r: [r.deadline.isoformat(), r.id]),
    )


@router.post(
    "/escalations/{escalation_id}/resolve", response_model=Escalation, responses=errors(404, 409)
)
def resolve(
    escalation_id: UUID, resolution: Resolution, context: Context, caller: Supervisor
) -> Escalation:
    """The department's answer; the original agent gets a follow-up revisit task (§九.3)."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        escalation = _load(conn, escalation_id)
        if escalation.status is EscalationStatus.RESOLVED:
            raise ProblemError(409, "resolved", "the escalation is resolved already")
        resolved = escalation.model_copy(
            update={
                "status": EscalationStatus.RESOLVED,
                "resolution": resolution.resolution,
                "resolved_at": now,
            }
        )
        follow_up = rules.follow_up_task(resolved, now.date(), context.policy)
        (task_id,), _ = create_tasks(conn, [follow_up], now)
        resolved = resolved.model_copy(update={"follow_up_task_id": task_id})
        _save(conn, resolved, caller.id, "escalation_resolved", now)
    return resolved


@router.post(
    "/escalations/{escalation_id}/reopen", response_model=Escalation, responses=errors(404, 409)
)
def reopen(
    escalation_id: UUID, resolution: Resolution, context: Context, caller: Supervisor
) -> Escalation:
    """The customer was not satisfied: handling starts again (the reason is kept)."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        escalation = _load(conn, escalation_id)
        if escalation.status is not EscalationStatus.RESOLVED:
            raise ProblemError(409, "not_resolved", "only a resolved escalation can be reopened")
        reopened = escalation.model_copy(
            update={
                "status": EscalationStatus.REOPENED,
                "resolution": resolution.resolution,
                "resolved_at": None,
            }
        )
        _save(conn, reopened, caller.id, "escalation_reopened", now)
    return reopened


def _load(conn: sa.Connection, escalation_id: UUID) -> Escalation:
    row = conn.execute(
        sa.select(escalations.c.body)
        .where(escalations.c.id == str(escalation_id))
        .with_for_update()
    ).first()
    if row is None:
        raise not_found("escalation", str(escalation_id))
    return escalation_from_row(row)


def _save(
    conn: sa.Connection, escalation: Escalation, actor: str, action: str, now: datetime
) -> None:
    conn.execute(
        sa.update(escalations)
        .where(escalations.c.id == str(escalation.id))
        .values(status=escalation.status.value, body=escalation.model_dump(mode="json"))
    )
    conn.execute(
        sa.insert(audit_log).values(
            at=now, actor=actor, action=action, detail={"escalation_id": str(escalation.id)}
        )
    )
