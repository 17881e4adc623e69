"""Do-not-call is a property of the customer (seed 002 §五): once a customer asks not to be
called — on a call, online, by an SMS opt-out, or in the bank's own data — every open task of
theirs closes, no new task is created for them, and no SMS goes to them, until a supervisor
lifts it. Marking and lifting are both kept in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain.models import TaskStatus
from revisit_tui.server.tables import audit_log, customers, do_not_call, tasks
from revisit_tui.server.taskstore import bump_master_stamp, chunks


class DoNotCallSource(StrEnum):
    """Where the customer's request came from."""

    CALL = "call"
    ONLINE = "online"
    SMS = "sms"
    IMPORT = "import"
    SUPERVISOR = "supervisor"


def marked(conn: Connection, customer_ids: Iterable[str]) -> set[str]:
    """Which of these customers asked not to be called."""
    found: set[str] = set()
    for part in chunks(sorted(set(customer_ids))):
        found.update(
            conn.scalars(
                sa.select(do_not_call.c.customer_id).where(do_not_call.c.customer_id.in_(part))
            )
        )
    return found


def mark(
    conn: Connection,
    customer_id: str,
    *,
    reason: str,
    source: DoNotCallSource,
    actor: str,
    now: datetime,
    outcome_id: str | None = None,
) -> int:
    """Mark the customer (a second mark keeps the first's who and why) and close their open
    tasks as do_not_call; returns how many tasks closed."""
    if not marked(conn, [customer_id]):
        conn.execute(
            sa.insert(do_not_call).values(
                customer_id=customer_id,
                reason=reason[:200],
                source=source.value,
                at=now,
                by=actor,
                outcome_id=outcome_id,
            )
        )
        conn.execute(
            sa.insert(audit_log).values(
                at=now,
                actor=actor,
                action="do_not_call",
                detail={"customer_id": customer_id, "source": source.value, "reason": reason},
            )
        )
    _set_flag(conn, customer_id, True, now)
    closed = conn.execute(
        sa.update(tasks)
        .where(tasks.c.customer_id == customer_id, tasks.c.status == TaskStatus.OPEN.value)
        .values(
            status=TaskStatus.DO_NOT_CALL.value,
            next_attempt_at=None,
            callback_at=None,
            version=tasks.c.version + 1,
            updated_at=now,
            lease_agent=None,
            lease_expires_at=None,
        )
    ).rowcount
    bump_master_stamp(conn)
    return closed


def lift(conn: Connection, customer_id: str, *, reason: str, actor: str, now: datetime) -> bool:
    """A supervisor lifts the mark (the customer agreed to be called again); False when the
    customer was not marked. Closed tasks stay closed: the next queue build plans anew."""
    record = conn.execute(
        sa.select(do_not_call).where(do_not_call.c.customer_id == customer_id)
    ).first()
    if record is None:
        return False
    conn.execute(sa.delete(do_not_call).where(do_not_call.c.customer_id == customer_id))
    _set_flag(conn, customer_id, False, now)
    conn.execute(
        sa.insert(audit_log).values(
            at=now,
            actor=actor,
            action="do_not_call_lifted",
            detail={
                "customer_id": customer_id,
                "reason": reason,
                "marked_at": record.at.isoformat(),
                "marked_by": record.by,
                "marked_reason": record.reason,
            },
        )
    )
    bump_master_stamp(conn)
    return True


def _set_flag(conn: Connection, customer_id: str, value: bool, now: datetime) -> None:
    body = conn.scalar(sa.select(customers.c.body).where(customers.c.id == customer_id))
    if body is None or body.get("do_not_call") is value:
        return
    conn.execute(
        sa.update(customers)
        .where(customers.c.id == customer_id)
        .values(body={**body, "do_not_call": value}, updated_at=now)
    )
