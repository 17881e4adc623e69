"""The call floor as supervisors plan and watch it: aggregates, never raw rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from revisit_tui.domain.models import Disposition, Identifier, Task, TaskStatus, UtcTime
from revisit_tui.server.accountids import listed_tasks
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import outcomes, tasks
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)


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


class TaskIds(BaseModel):
    task_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]


class Park(BaseModel):
    task_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]
    until: UtcTime


class Updated(BaseModel):
    updated: int


@router.post("/tasks/by-id", response_model=list[Task], responses=errors())
def tasks_by_id(request: TaskIds, context: Context, _caller: Supervisor) -> list[dict[str, Any]]:
    """The tasks with these ids (unknown ids are left out), by id, masked as /v1/tasks."""
    found: list[dict[str, Any]] = []
    ids = context.account_ids
    with context.read.connect() as conn:
        for part in chunks(sorted(set(request.task_ids))):
            rows = conn.execute(sa.select(tasks).where(tasks.c.id.in_(part)).order_by(tasks.c.id))
            found += listed_tasks(rows.all(), ids)
    return found


@router.post("/tasks/park", response_model=Updated, responses=errors())
def park(request: Park, context: Context, _caller: Supervisor) -> Updated:
    """Hold open tasks until a moment: nobody may start them before it (`not_before`); each
    gets a new version, so the agents' queues show the change. Unknown or closed tasks: 422
    naming `task_ids.N`, nothing changes."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        status: dict[str, str] = {}
        for part in chunks(sorted(set(request.task_ids))):
            status.update(
                conn.execute(
                    sa.select(tasks.c.id, tasks.c.status)
                    .where(tasks.c.id.in_(part))
                    .with_for_update()
                )
                .tuples()
                .all()
            )
        bad = {
            f"task_ids.{index}": "no such task"
            if task_id not in status
            else f"the task is {status[task_id]}, not open"
            for index, task_id in enumerate(request.task_ids)
            if status.get(task_id) != TaskStatus.OPEN.value
        }
        if bad:
            raise ProblemError(422, "invalid", f"invalid fields: {', '.join(bad)}", bad)
        updated = 0
        for part in chunks(sorted(set(request.task_ids))):
            updated += conn.execute(
                sa.update(tasks)
                .where(tasks.c.id.in_(part))
                .values(not_before=request.until, version=tasks.c.version + 1, updated_at=now)
            ).rowcount
    return Updated(updated=updated)
