"""Disclosures to agents: one field of one customer on request (reveal), the dial numbers of
the next tasks for offline calls (prefetch), and the identity check that discloses nothing.
Each value that leaves is audited in the transaction that reads it (docs/api.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Response
from sqlalchemy.engine import Connection

from revisit_tui.domain.models import (
    Agent,
    Disclosure,
    IdentityCheck,
    MaskedField,
    Prefetch,
    PrefetchItem,
    PrefetchRequest,
    Reveal,
    RevealSource,
    TaskStatus,
)
from revisit_tui.domain.queue import QUEUE_ORDER
from revisit_tui.server import disclosure
from revisit_tui.server.access import task_row_for
from revisit_tui.server.deps import AgentCaller, Context
from revisit_tui.server.problems import ProblemError, errors, forbidden, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import reveals, tasks

router = APIRouter(prefix="/v1", tags=["agent"], route_class=StrictJsonRoute)

DIAL_FIELDS = (MaskedField.MOBILE, MaskedField.LANDLINE)


@router.post(
    "/reveals",
    response_model=Disclosure,
    status_code=201,
    responses={
        **errors(404, 409),
        200: {"model": Disclosure, "description": "this reveal was recorded already"},
    },
)
def post_reveal(
    reveal: Reveal, context: Context, caller: AgentCaller, response: Response
) -> Disclosure:
    """The value of one field of the task's customer, audited; an offline reveal of a
    prefetched value (source `prefetch`) is recorded and answers no value."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        stored = conn.execute(sa.select(reveals).where(reveals.c.id == str(reveal.id))).first()
        if stored is not None:
            _same_reveal(stored, reveal, caller)
            response.status_code = 200
        row = task_row_for(conn, caller, reveal.task_id)
        if row.customer_id != reveal.customer_id:
            raise ProblemError(
                422,
                "invalid",
                "invalid fields: customer_id",
                {"customer_id": "is not the task's customer"},
            )
        offline = reveal.source is RevealSource.PREFETCH
        if not offline and row.status != TaskStatus.OPEN.value:
            raise ProblemError(409, "closed", f"the task is {row.status}, not open")
        customer = disclosure.customer_of(conn, row.customer_id)
        if customer is None:
            raise not_found("customer", row.customer_id)
        value = None if offline else disclosure.field_value(conn, customer, row, reveal.field)
        if stored is None:
            disclosure.record(
                conn,
                agent_id=caller.id,
                task_id=reveal.task_id,
                customer_id=reveal.customer_id,
                field=reveal.field,
                kind=disclosure.DisclosureKind.OFFLINE_REVEAL
                if offline
                else disclosure.DisclosureKind.REVEAL,
                reason=reveal.reason,
                at=reveal.at if offline else now,
                now=now,
                row_id=str(reveal.id),
            )
            response.status_code = 201
    return Disclosure(
        reveal_id=reveal.id,
        task_id=reveal.task_id,
        customer_id=reveal.customer_id,
        field=reveal.field,
        value=value,
    )


def _same_reveal(stored: Any, reveal: Reveal, caller: Agent) -> None:
    """A reveal id is answered again only to the agent who made it, for the same field of the
    same customer and task: 403 / 409 otherwise, before anything is read."""
    if stored.agent_id != caller.id:
        raise forbidden("this reveal id was recorded for another agent")
    kind = (
        disclosure.DisclosureKind.OFFLINE_REVEAL
        if reveal.source is RevealSource.PREFETCH
        else disclosure.DisclosureKind.REVEAL
    )
    if (stored.task_id, stored.customer_id, stored.field, stored.kind) != (
        reveal.task_id,
        reveal.customer_id,
        reveal.field.value,
        kind,
    ):
        raise ProblemError(
            409, "conflict", "this reveal id was recorded for another field, customer or task"
        )


@router.post("/prefetch", response_model=Prefetch, responses=errors())
def prefetch(request: PrefetchRequest, context: Context, caller: AgentCaller) -> Prefetch:
    """Dial numbers of the caller's next open tasks (at most `privacy.prefetch_tasks`) that
    the app does not hold yet, and the identity checks of those whose call requires one
    (`[checks]`); every number sent is audited as a disclosure."""
    bound = context.settings.privacy.prefetch_tasks
    now = datetime.now(UTC)
    cost = context.settings.privacy.identity_check_cost
    have = set(request.have)
    items: list[PrefetchItem] = []
    with context.engine.begin() as conn:
        upcoming = _next_tasks(conn, caller.id, bound)
        for row in upcoming:
            if row.id in have:
                continue
            customer = disclosure.customer_of(conn, row.customer_id)
            if customer is None:
                continue
            numbers = {
                field: disclosure.field_value(conn, customer, row, field) for field in DIAL_FIELDS
            }
            for field, value in numbers.items():
                if value is not None:
                    disclosure.record(
                        conn,
                        agent_id=caller.id,
                        task_id=row.id,
                        customer_id=customer.id,
                        field=field,
                        kind=disclosure.DisclosureKind.PREFETCH,
                        reason="offline_dialling",
                        at=now,
                        now=now,
                    )
            items.append(
                PrefetchItem(
                    task_id=row.id,
                    customer_id=customer.id,
                    mobile=numbers[MaskedField.MOBILE],
                    landline=numbers[MaskedField.LANDLINE],
                    identity_check=disclosure.identity_check(conn, row.id, customer, cost, now)
                    if disclosure.identity_reasons(conn, row, customer, context.policy, now)
                    else None,
                )
            )
    return Prefetch(task_ids=[row.id for row in upcoming], items=items, limit=bound)


def _next_tasks(conn: Connection, agent_id: str, count: int) -> list[Any]:
    if count == 0:
        return []
    return list(
        conn.execute(
            sa.select(tasks)
            .where(tasks.c.assigned_agent == agent_id, tasks.c.status == TaskStatus.OPEN.value)
            .order_by(*(tasks.c[name] for name in QUEUE_ORDER))
            .limit(count)
        ).all()
    )


@router.get("/tasks/{task_id}/identity-check", response_model=IdentityCheck, responses=errors(404))
def get_identity_check(task_id: str, context: Context, caller: AgentCaller) -> IdentityCheck:
    """The check of the identity number the customer will say; 404 when none is on record,
    422 identity_check_not_required when this call does not check identity (§四.1)."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        row = task_row_for(conn, caller, task_id)
        customer = disclosure.customer_of(conn, row.customer_id)
        if customer is None:
            raise not_found("identity number for task", task_id)
        if not disclosure.identity_reasons(conn, row, customer, context.policy, now):
            raise ProblemError(
                422,
                "identity_check_not_required",
                "this call does not check the customer's identity: the account is not abnormal "
                "and no rule of [checks] requires it (seed 002 §四.1)",
            )
        check = disclosure.identity_check(
            conn, row.id, customer, context.settings.privacy.identity_check_cost, now
        )
    if check is None:
        raise not_found("identity number for task", task_id)
    return check
