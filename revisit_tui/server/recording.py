"""Recording outcomes: idempotency, permission, the domain rules, and what they open.

A batch is decided in memory against its tasks and stored outcomes, read in two queries, then
written with one executemany per table, inside the caller's transaction: every outcome is
stored with its task change, pending contact changes and escalations, or none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from revisit_tui.domain import rules
from revisit_tui.domain.models import (
    AccountEvent,
    Agent,
    Channel,
    ContactCheckResult,
    Customer,
    Disposition,
    Escalation,
    EscalationStatus,
    Language,
    Outcome,
    OutcomeResult,
    Role,
    Task,
    TaskKind,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.validation import validate_outcome
from revisit_tui.server import donotcall, escalating
from revisit_tui.server.donotcall import DoNotCallSource
from revisit_tui.server.problems import ProblemError
from revisit_tui.server.rows import canonical_hash, task_from_row
from revisit_tui.server.tables import (
    customers,
    escalations,
    outcomes,
    pending_contact_changes,
    tasks,
)
from revisit_tui.server.taskstore import agent_when, chunks

TASK_UPDATE_COLUMNS = (
    "status",
    "attempts",
    "next_attempt_at",
    "callback_at",
    "version",
    "updated_at",
    "lease_agent",
    "lease_expires_at",
)


@dataclass
class _Writes:
    """Rows a batch will write, collected while its outcomes are decided."""

    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    contact_changes: list[dict[str, Any]] = field(default_factory=list)
    do_not_call: dict[str, Outcome] = field(default_factory=dict)  # customer → the outcome
    follow_ups: list[tuple[Outcome, str, datetime]] = field(default_factory=list)


def record_outcomes(
    conn: Connection,
    caller: Agent,
    batch: Sequence[Outcome],
    policy: RevisitPolicy,
    now: datetime,
) -> list[OutcomeResult]:
    """Store the outcomes and apply each to its task; one result per outcome, in order."""
    stored = _stored(conn, [str(o.id) for o in batch])
    task_rows = _task_rows(conn, sorted({o.task_id for o in batch}))
    people = _customers(conn, sorted({row.customer_id for row in task_rows.values()}))
    taken = _stored_escalation_ids(conn, batch)
    current: dict[str, Task] = {}
    writes = _Writes()
    results: list[OutcomeResult] = []
    for outcome in batch:
        body_hash = canonical_hash(outcome)
        previous = stored.get(str(outcome.id))
        if previous is not None and previous["agent_id"] != caller.id:
            # checked before anything stored is compared or answered
            results.append(_refused(outcome, 403, "this outcome id belongs to another agent"))
            continue
        if previous is not None:
            results.append(_replay(outcome, previous, body_hash, current, task_rows))
            continue
        row = task_rows.get(outcome.task_id)
        if row is None:
            results.append(_refused(outcome, 404, f"no task with id {outcome.task_id!r}"))
            continue
        refusal = _permission(conn, caller, outcome, row)
        if refusal:
            results.append(_refused(outcome, 403, refusal))
            continue
        clash = _escalation_clash(outcome, taken)
        if clash:
            results.append(_refused(outcome, 409, clash))
            continue
        event = AccountEvent(row.event) if row.event else None
        problems = validate_outcome(outcome, policy, now.date(), TaskKind(row.kind), event)
        if problems:
            reason = "; ".join(f"{p.field}: {p.message(Language.EN)}" for p in problems)
            results.append(_refused(outcome, 422, reason))
            continue
        task = current.get(outcome.task_id) or task_from_row(row)
        flagged = outcome.task_version < row.assigned_version
        called_at, time_flag = rules.call_time(outcome, row.created_at, now, policy)
        planned, callback_flag = _planned_callback(
            outcome, people.get(row.customer_id), called_at, policy
        )
        updated = rules.apply_outcome(task, planned, policy, now, called_at)
        current[task.id] = updated
        earlier = writes.tasks.get(task.id, {})  # an earlier outcome of this batch, same task
        lease_agent = earlier.get("v_lease_agent", row.lease_agent)
        lease_expires = earlier.get("v_lease_expires_at", row.lease_expires_at)
        if lease_agent == outcome.agent_id:  # the attempt is over: its lease ends with it
            lease_agent, lease_expires = None, None
        writes.tasks[task.id] = {
            **{f"v_{name}": getattr(updated, name) for name in TASK_UPDATE_COLUMNS[:-2]},
            "v_lease_agent": lease_agent,
            "v_lease_expires_at": lease_expires,
            "task_key": task.id,
        }
        opened = _escalations(outcome, row.customer_id, policy, called_at, writes)
        taken.update(str(e) for e in opened)
        _contact_changes(outcome, row.customer_id, now, writes)
        if outcome.disposition is Disposition.DO_NOT_CALL:
            writes.do_not_call.setdefault(row.customer_id, outcome)
        if row.escalation_id and outcome.resolution_satisfied is not None:
            writes.follow_ups.append((outcome, row.escalation_id, called_at))
        entry = {
            "id": str(outcome.id),
            "task_id": outcome.task_id,
            "agent_id": outcome.agent_id,
            "customer_id": row.customer_id,
            "channel": outcome.channel.value,
            "disposition": outcome.disposition.value,
            "satisfaction": outcome.satisfaction,
            "closure_reason": outcome.closure_reason,
            "started_at": outcome.started_at,
            "body": outcome.model_dump(mode="json"),
            "body_hash": body_hash,
            "escalation_ids": [str(e) for e in opened],
            "flagged_reassigned": flagged,
            "time_flag": time_flag.value if time_flag else None,
            "callback_flag": callback_flag,
            "purged": False,
            "received_at": now,
        }
        writes.outcomes.append(entry)
        stored[entry["id"]] = entry
        results.append(
            OutcomeResult(
                outcome_id=outcome.id,
                status=201,
                task=updated,
                escalation_ids=opened,
                flagged_reassigned=flagged,
                time_flag=time_flag,
                callback_flag=callback_flag,
            )
        )
    _write(conn, writes)
    for customer_id, outcome in writes.do_not_call.items():
        online = outcome.channel is Channel.ONLINE
        donotcall.mark(
            conn,
            customer_id,
            reason=outcome.notes or "asked not to be called",
            source=DoNotCallSource.ONLINE if online else DoNotCallSource.CALL,
            actor=outcome.agent_id,
            now=now,
            outcome_id=str(outcome.id),
        )
    _close_loops(conn, writes.follow_ups, policy)
    return results


def _close_loops(
    conn: Connection, follow_ups: list[tuple[Outcome, str, datetime]], policy: RevisitPolicy
) -> None:
    """A follow-up's answer about the resolution (§九.3): satisfied closes the loop, not
    satisfied reopens the escalation with a new deadline from the call."""
    for outcome, escalation_id, called_at in follow_ups:
        try:
            escalation = escalating.load(conn, escalation_id)
        except ProblemError:  # the escalation is gone (purged): the answer stays on the outcome
            continue
        if escalation.status is not EscalationStatus.RESOLVED:
            continue
        if outcome.resolution_satisfied:
            escalating.satisfied(conn, escalation, outcome.agent_id, called_at)
        else:
            reason = outcome.notes or "客户对处理结果不满意 / not satisfied with the resolution"
            escalating.reopen(
                conn, escalation, reason, outcome.agent_id, called_at, policy, satisfied=False
            )


def _stored(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(sorted(set(ids))):
        for row in conn.execute(
            sa.select(
                outcomes.c.id,
                outcomes.c.agent_id,
                outcomes.c.body_hash,
                outcomes.c.body,
                outcomes.c.escalation_ids,
                outcomes.c.flagged_reassigned,
                outcomes.c.time_flag,
                outcomes.c.callback_flag,
            ).where(outcomes.c.id.in_(part))
        ):
            found[row.id] = dict(row._mapping)
    return found


def _stored_escalation_ids(conn: Connection, batch: Sequence[Outcome]) -> set[str]:
    """The escalation ids the batch's outcomes ask for that are stored already."""
    wanted = sorted({str(request.id) for o in batch for request in rules.escalations_for(o)})
    found: set[str] = set()
    for part in chunks(wanted):
        found.update(conn.scalars(sa.select(escalations.c.id).where(escalations.c.id.in_(part))))
    return found


def _escalation_clash(outcome: Outcome, taken: set[str]) -> str:
    """Why a new outcome may not open its escalations ('' when it may): an id that belongs
    to another outcome (or is named twice) is refused, never answered as this one's."""
    seen: set[str] = set()
    for index, request in enumerate(rules.escalations_for(outcome)):
        key = str(request.id)
        if key in taken or key in seen:
            if index < len(outcome.escalations):
                where = f"escalations.{index}.id"
            elif request.transaction_id:
                where = f"transaction {request.transaction_id}"
            else:
                where = "reserved_info_answer"
            return f"{where}: the escalation id belongs to another outcome"
        seen.add(key)
    return ""


def _task_rows(conn: Connection, task_ids: list[str]) -> dict[str, Any]:
    """The batch's tasks, locked for this transaction on PostgreSQL."""
    found: dict[str, Any] = {}
    for part in chunks(task_ids):
        for row in conn.execute(
            sa.select(tasks).where(tasks.c.id.in_(part)).order_by(tasks.c.id).with_for_update()
        ):
            found[row.id] = row
    return found


def _customers(conn: Connection, customer_ids: list[str]) -> dict[str, Customer]:
    found: dict[str, Customer] = {}
    for part in chunks(customer_ids):
        for row in conn.execute(
            sa.select(customers.c.id, customers.c.body).where(customers.c.id.in_(part))
        ):
            found[row.id] = Customer.model_validate(row.body)
    return found


def _planned_callback(
    outcome: Outcome, customer: Customer | None, called_at: datetime, policy: RevisitPolicy
) -> tuple[Outcome, str | None]:
    """The outcome to apply to its task, with a callback time the policy allows, and the code
    of why the customer's requested time was moved (the stored outcome keeps what was said)."""
    if outcome.callback_at is None or customer is None:
        return outcome, None
    try:
        planned, flag = rules.normalise_callback(customer, outcome.callback_at, called_at, policy)
    except ValueError:  # an unknown time zone: the requested time stands
        return outcome, None
    if planned == outcome.callback_at:
        return outcome, flag
    return outcome.model_copy(update={"callback_at": planned}), flag


def _replay(
    outcome: Outcome,
    previous: dict[str, Any],
    body_hash: str,
    current: dict[str, Task],
    task_rows: dict[str, Any],
) -> OutcomeResult:
    if previous["body_hash"] != body_hash and not _same_body(previous["body"], body_hash):
        return _refused(outcome, 409, "an outcome with this id and another body is stored")
    row = task_rows.get(outcome.task_id)
    task = current.get(outcome.task_id) or (task_from_row(row) if row is not None else None)
    return OutcomeResult(
        outcome_id=outcome.id,
        status=200,
        reason="already stored",
        task=task,
        escalation_ids=[UUID(e) for e in previous["escalation_ids"]],
        flagged_reassigned=previous["flagged_reassigned"],
        time_flag=previous["time_flag"],
        callback_flag=previous["callback_flag"],
    )


def _same_body(stored: dict[str, Any], body_hash: str) -> bool:
    """Whether a stored body whose hash differs is still this outcome: one stored before the
    Outcome gained a field (e.g. `reserved_info_answer`) was hashed without it, and an app's
    outbox may resend it after the upgrade; read with today's model it hashes the same."""
    try:
        return canonical_hash(Outcome.model_validate(stored)) == body_hash
    except ValidationError:
        return False


def _refused(outcome: Outcome, status: int, reason: str) -> OutcomeResult:
    return OutcomeResult(outcome_id=outcome.id, status=status, reason=reason)


def _permission(conn: Connection, caller: Agent, outcome: Outcome, row: Any) -> str:
    """Why the caller may not record this outcome ('' when it may)."""
    if caller.role is Role.ONLINE_SERVICE:
        return ""
    if outcome.agent_id != caller.id:
        return f"agent_id {outcome.agent_id!r} is not the caller"
    if caller.role is Role.SUPERVISOR or caller.id in (row.assigned_agent, row.lease_agent):
        return ""
    if agent_when(conn, outcome.task_id, outcome.task_version) == caller.id:
        return ""
    return "the task is not assigned to the caller"


def _escalations(
    outcome: Outcome,
    customer_id: str,
    policy: RevisitPolicy,
    called_at: datetime,
    writes: _Writes,
) -> list[UUID]:
    """Open the outcome's escalations (its ids are new: the outcome is new); the deadline
    counts from the call, not from when an offline agent's outcome reached the server."""
    opened: list[UUID] = []
    for request in rules.escalations_for(outcome):
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
            event=request.event,
            opened_at=called_at,
            deadline=rules.escalation_deadline(request.urgency, called_at, policy),
        )
        writes.escalations.append(
            {
                "id": str(escalation.id),
                "status": escalation.status.value,
                "deadline": escalation.deadline,
                "opened_at": called_at,
                "agent_id": escalation.agent_id,
                "body": escalation.model_dump(mode="json"),
            }
        )
        opened.append(escalation.id)
    return opened


def _contact_changes(outcome: Outcome, customer_id: str, now: datetime, writes: _Writes) -> None:
    """Changed contact details wait for the branch to make them official (§四.1)."""
    writes.contact_changes += [
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


def _write(conn: Connection, writes: _Writes) -> None:
    if writes.tasks:
        statement = (
            sa.update(tasks)
            .where(tasks.c.id == sa.bindparam("task_key"))
            .values({name: sa.bindparam(f"v_{name}") for name in TASK_UPDATE_COLUMNS})
        )
        conn.execute(statement, list(writes.tasks.values()))
    for table, rows in (
        (outcomes, writes.outcomes),
        (escalations, writes.escalations),
        (pending_contact_changes, writes.contact_changes),
    ):
        if rows:
            conn.execute(sa.insert(table), rows)
