"""Escalations for supervisors: listing (open, overdue), resolve → follow-up task, reopen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Query

from revisit_tui.domain.masking import masked_escalation
from revisit_tui.domain.models import (
    Escalation,
    EscalationPage,
    EscalationStatus,
    Resolution,
)
from revisit_tui.server import escalating
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.paging import Cursor, Limit, cursor_time, decode_cursor, next_cursor
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import escalations

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
    """By deadline, earliest first; numbers in summaries and resolutions masked."""
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
        items=[Escalation.model_validate(masked_escalation(row.body)) for row in rows],
        next_cursor=next_cursor(rows, limit, lambda r: [r.deadline.isoformat(), r.id]),
    )


@router.get("/escalations/{escalation_id}", response_model=Escalation, responses=errors(404))
def get_escalation(escalation_id: UUID, context: Context, _caller: Supervisor) -> Escalation:
    """One escalation with its whole history (resolutions, reopen reasons), numbers masked."""
    with context.read.connect() as conn:
        body = conn.scalar(
            sa.select(escalations.c.body).where(escalations.c.id == str(escalation_id))
        )
    if body is None:
        raise not_found("escalation", str(escalation_id))
    return Escalation.model_validate(masked_escalation(body))


@router.post(
    "/escalations/{escalation_id}/resolve", response_model=Escalation, responses=errors(404, 409)
)
def resolve(
    escalation_id: UUID, resolution: Resolution, context: Context, caller: Supervisor
) -> Escalation:
    """The department's answer; the original agent gets a follow-up revisit task (§九.3)."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        escalation = escalating.load(conn, escalation_id)
        if escalation.status is EscalationStatus.RESOLVED:
            raise ProblemError(409, "resolved", "the escalation is resolved already")
        changed = escalating.resolve(
            conn, escalation, resolution.resolution, caller.id, now, context.policy
        )
    return Escalation.model_validate(masked_escalation(changed.model_dump(mode="json")))


@router.post(
    "/escalations/{escalation_id}/reopen", response_model=Escalation, responses=errors(404, 409)
)
def reopen(
    escalation_id: UUID, resolution: Resolution, context: Context, caller: Supervisor
) -> Escalation:
    """The customer was not satisfied: handling starts again with a new deadline; the earlier
    resolution and this reason stay in the history."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        escalation = escalating.load(conn, escalation_id)
        if escalation.status is not EscalationStatus.RESOLVED:
            raise ProblemError(409, "not_resolved", "only a resolved escalation can be reopened")
        changed = escalating.reopen(
            conn, escalation, resolution.resolution, caller.id, now, context.policy
        )
    return Escalation.model_validate(masked_escalation(changed.model_dump(mode="json")))
