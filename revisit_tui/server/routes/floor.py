"""The call floor as supervisors plan and watch it: aggregates, never raw rows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from revisit_tui.domain.models import Disposition, Identifier
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import errors
from revisit_tui.server.tables import outcomes
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["supervisor"])


class CustomerIds(BaseModel):
    customer_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]


@router.post("/customers/last-reached", response_model=dict[str, str], responses=errors())
def last_reached(request: CustomerIds, context: Context, _caller: Supervisor) -> dict[str, str]:
    """Customer → the agent who last reached them (their latest reached attempt), for the
    customers asked about that were ever reached: assignment keeps the customer with them."""
    latest: dict[str, tuple[datetime, str]] = {}
    with context.read.connect() as conn:
        for part in chunks(sorted(set(request.customer_ids))):
            rows = conn.execute(
                sa.select(outcomes.c.customer_id, outcomes.c.started_at, outcomes.c.agent_id).where(
                    outcomes.c.customer_id.in_(part),
                    outcomes.c.disposition == Disposition.REACHED.value,
                )
            )
            for customer_id, started_at, agent_id in rows:
                seen = latest.get(customer_id)
                if seen is None or (started_at, agent_id) > seen:
                    latest[customer_id] = (started_at, agent_id)
    return {customer_id: agent_id for customer_id, (_, agent_id) in latest.items()}
