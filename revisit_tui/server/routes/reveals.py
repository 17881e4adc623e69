"""Reveals: an agent deliberately unmasked a field; each is kept for audit (idempotent by id)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import APIRouter, Response

from revisit_tui.domain.models import Reveal
from revisit_tui.server.access import task_row_for
from revisit_tui.server.deps import AgentCaller, Context
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import reveals

router = APIRouter(prefix="/v1", tags=["agent"], route_class=StrictJsonRoute)


@router.post(
    "/reveals",
    response_model=Reveal,
    status_code=201,
    responses={**errors(404), 200: {"model": Reveal, "description": "already recorded"}},
)
def post_reveal(
    reveal: Reveal, context: Context, caller: AgentCaller, response: Response
) -> Reveal:
    with context.engine.begin() as conn:
        row = task_row_for(conn, caller, reveal.task_id)
        if row.customer_id != reveal.customer_id:
            raise ProblemError(
                422,
                "invalid",
                "invalid fields: customer_id",
                {"customer_id": "is not the task's customer"},
            )
        exists = conn.scalar(sa.select(reveals.c.id).where(reveals.c.id == str(reveal.id)))
        if exists:
            response.status_code = 200
            return reveal
        conn.execute(
            sa.insert(reveals).values(
                id=str(reveal.id),
                agent_id=caller.id,
                task_id=reveal.task_id,
                customer_id=reveal.customer_id,
                field=reveal.field.value,
                at=reveal.at,
                received_at=datetime.now(UTC),
            )
        )
    response.status_code = 201
    return reveal
