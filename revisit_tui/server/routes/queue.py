"""The agent's queue (with ETag / 304) and starting a task (the lease)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Body, Header, Response
from sqlalchemy.engine import Connection

from revisit_tui.domain import rules
from revisit_tui.domain.masking import (
    mask_text,
    masked_account,
    masked_customer,
    masked_task,
    masked_transaction,
)
from revisit_tui.domain.models import (
    MAX_INT,
    Customer,
    Lease,
    QueueSnapshot,
    Role,
    StartRequest,
    TaskStatus,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.queue import QUEUE_ORDER
from revisit_tui.server import presence
from revisit_tui.server.deps import AgentCaller, Context
from revisit_tui.server.problems import ProblemError, errors, forbidden, not_found
from revisit_tui.server.rows import task_dict, task_from_row
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import (
    accounts,
    audit_log,
    customers,
    escalations,
    master_stamp,
    outcomes,
    tasks,
    transactions,
)
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["agent"], route_class=StrictJsonRoute)

RECENT_OUTCOMES = 3  # past attempts shown per customer


@router.get(
    "/queue",
    response_model=QueueSnapshot,
    responses={**errors(), 304: {"description": "not modified since the ETag given"}},
)
def queue(
    context: Context,
    caller: AgentCaller,
    if_none_match: Annotated[str | None, Header()] = None,
    x_outbox_pending: Annotated[
        int | None, Header(ge=0, le=MAX_INT, description="items waiting in the app's outbox")
    ] = None,
) -> Response:
    """The caller's open tasks, most urgent first, with what each call needs; identifiers
    masked (a full value only through POST /v1/reveals or /v1/prefetch). The poll is the
    app's presence on the wallboard, with its outbox backlog when it sends one."""
    presence.note_poll(context.engine, caller.id, x_outbox_pending)
    with context.read.connect() as conn:
        tag = _etag(conn, caller.id)
        if if_none_match and tag in {t.strip() for t in if_none_match.split(",")}:
            return Response(status_code=304, headers={"ETag": tag})
        body = _snapshot(conn, caller.id, context.settings.server.queue_limit)
    return Response(content=body, media_type="application/json", headers={"ETag": tag})


# built once: the 304 path is the most frequent request of the whole API
_OPEN_OF_AGENT = (
    tasks.c.assigned_agent == sa.bindparam("agent"),
    tasks.c.status == TaskStatus.OPEN.value,
)
_ETAG_QUERY = sa.select(
    sa.func.count(),
    sa.func.coalesce(sa.func.sum(tasks.c.version), 0),
    sa.func.max(tasks.c.updated_at),
    sa.select(master_stamp.c.stamp).scalar_subquery(),
).where(*_OPEN_OF_AGENT)
# the body shows each customer's recent outcomes, other agents' included: a new outcome for
# one of the queue's customers must change the tag (outcomes are only ever added)
_OUTCOMES_QUERY = sa.select(sa.func.count(), sa.func.max(outcomes.c.received_at)).where(
    outcomes.c.customer_id.in_(sa.select(tasks.c.customer_id).where(*_OPEN_OF_AGENT))
)


def _etag(conn: Connection, agent_id: str) -> str:
    """Changes whenever the body would: a task of the queue, master data, or an outcome of
    one of the queue's customers by anyone (index-only queries)."""
    row = conn.execute(_ETAG_QUERY, {"agent": agent_id}).one()
    seen = conn.execute(_OUTCOMES_QUERY, {"agent": agent_id}).one()
    parts = (agent_id, *row, *seen)
    digest = hashlib.sha256("|".join(map(str, parts)).encode())
    return f'"{digest.hexdigest()[:32]}"'


def _snapshot(conn: Connection, agent_id: str, limit: int) -> bytes:
    task_rows = conn.execute(
        sa.select(tasks)
        .where(tasks.c.assigned_agent == agent_id, tasks.c.status == TaskStatus.OPEN.value)
        .order_by(*(tasks.c[name] for name in QUEUE_ORDER))
        .limit(limit)
    ).all()
    customer_ids = sorted({row.customer_id for row in task_rows})
    numbers = sorted({row.account_number for row in task_rows if row.account_number})
    people = {
        key: masked_customer(body)
        for key, body in _bodies(conn, customers, customers.c.id, customer_ids).items()
    }
    books = {
        key: masked_account(body)
        for key, body in _bodies(conn, accounts, accounts.c.number, numbers).items()
    }
    flagged: dict[str, list[Any]] = defaultdict(list)
    for part in chunks(numbers):
        for row in conn.execute(
            sa.select(transactions.c.account_number, transactions.c.body)
            .where(transactions.c.account_number.in_(part), transactions.c.flagged)
            .order_by(transactions.c.at)
        ):
            flagged[row.account_number].append(masked_transaction(row.body))
    history = _recent_outcomes(conn, customer_ids)
    cases = _bodies(
        conn,
        escalations,
        escalations.c.id,
        sorted({row.escalation_id for row in task_rows if row.escalation_id}),
    )
    items = [
        {
            "task": masked_task(task_dict(row)),
            "customer": people[row.customer_id],
            "account": books.get(row.account_number),
            "flagged_transactions": flagged.get(row.account_number, []),
            "recent_outcomes": history.get(row.customer_id, []),
            "escalation": _note(cases.get(row.escalation_id)),
        }
        for row in task_rows
        if row.customer_id in people
    ]
    snapshot = {
        "agent_id": agent_id,
        "generated_at": datetime.now(UTC).isoformat(),
        "items": items,
    }
    return json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()


def _note(escalation: dict[str, Any] | None) -> dict[str, Any] | None:
    """A follow-up's escalation as its call needs it: the problem and the answer to read out,
    numbers in them masked."""
    if escalation is None:
        return None
    return {
        "escalation_id": escalation["id"],
        "summary": mask_text(escalation["summary"]),
        "resolution": mask_text(escalation["resolution"]),
        "resolved_at": escalation["resolved_at"],
    }


def _bodies(conn: Connection, table: sa.Table, key: Any, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in chunks(ids):
        for row in conn.execute(sa.select(key, table.c.body).where(key.in_(part))):
            out[row[0]] = row[1]
    return out


def _recent_outcomes(conn: Connection, customer_ids: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for part in chunks(customer_ids):
        ranked = (
            sa.select(
                outcomes.c.id,
                outcomes.c.customer_id,
                outcomes.c.started_at,
                outcomes.c.agent_id,
                outcomes.c.channel,
                outcomes.c.disposition,
                outcomes.c.satisfaction,
                sa.func.row_number()
                .over(partition_by=outcomes.c.customer_id, order_by=outcomes.c.started_at.desc())
                .label("n"),
            )
            .where(outcomes.c.customer_id.in_(part))
            .subquery()
        )
        rows = conn.execute(
            sa.select(ranked).where(ranked.c.n <= RECENT_OUTCOMES).order_by(ranked.c.n)
        )
        for row in rows:
            out[row.customer_id].append(
                {
                    "outcome_id": row.id,
                    "at": row.started_at.replace(tzinfo=UTC).isoformat(),
                    "agent_id": row.agent_id,
                    "channel": row.channel,
                    "disposition": row.disposition,
                    "satisfaction": row.satisfaction,
                }
            )
    return out


@router.post("/tasks/{task_id}/start", response_model=Lease, responses=errors(404, 409))
def start(
    task_id: str,
    context: Context,
    caller: AgentCaller,
    request: Annotated[StartRequest | None, Body()] = None,
) -> Lease:
    """Hold the task for the caller for calls.lease_minutes; exactly one starter wins. Outside
    the customer's callable window or before the task's next attempt it is refused (422 with
    next_allowed_at) unless a supervisor overrides with a reason (audited)."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=context.policy.calls.lease_minutes)
    override = request.override_reason if request is not None else None
    if override and caller.role is not Role.SUPERVISOR:
        raise forbidden("only a supervisor may override the calling policy")
    with context.engine.begin() as conn:
        row = conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).first()
        if row is None:
            raise not_found("task", task_id)
        if caller.role is not Role.SUPERVISOR and row.assigned_agent != caller.id:
            raise forbidden("the task is not assigned to you")
        if row.status != TaskStatus.OPEN.value:
            raise ProblemError(409, "closed", f"the task is {row.status}, not open")
        block = _start_block(conn, row, now, context.policy)
        if block is not None and not override:
            raise ProblemError(
                422,
                block.code,
                _HELD_BACK.get(block.code, "the task may not be started now"),
                next_allowed_at=block.allowed_at,
            )
        # the WHERE makes the claim atomic: of two simultaneous starters one updates the row
        claimed = conn.execute(
            sa.update(tasks)
            .where(
                tasks.c.id == task_id,
                tasks.c.status == TaskStatus.OPEN.value,
                sa.or_(
                    tasks.c.lease_agent.is_(None),
                    tasks.c.lease_expires_at <= now,
                    tasks.c.lease_agent == caller.id,
                ),
            )
            .values(lease_agent=caller.id, lease_expires_at=expires)
        )
        if claimed.rowcount != 1:
            raise ProblemError(409, "leased", "another agent is working on this task")
        if block is not None:
            conn.execute(
                sa.insert(audit_log).values(
                    at=now,
                    actor=caller.id,
                    action="start_override",
                    detail={
                        "task_id": task_id,
                        "held_back": block.code,
                        "next_allowed_at": block.allowed_at.isoformat()
                        if block.allowed_at
                        else None,
                        "reason": override,
                    },
                )
            )
    return Lease(
        task_id=task_id,
        agent_id=caller.id,
        started_at=now,
        expires_at=expires,
        task_version=row.version,
    )


_HELD_BACK = {
    "outside_window": "it is outside the customer's callable hours; see next_allowed_at",
    "retry_spacing": "the next attempt is not due yet; see next_allowed_at",
    "callback": "the customer asked to be called back later; see next_allowed_at",
    "not_before": "the task may not be started before next_allowed_at",
    "do_not_call": "the customer asked not to be called",
}


def _start_block(
    conn: Connection, row: Any, now: datetime, policy: RevisitPolicy
) -> rules.StartBlock | None:
    body = conn.scalar(sa.select(customers.c.body).where(customers.c.id == row.customer_id))
    if body is None:
        return None
    try:
        return rules.start_block(task_from_row(row), Customer.model_validate(body), now, policy)
    except ValueError:  # an unknown time zone: the window cannot be judged, the call can go on
        return None
