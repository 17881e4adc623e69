"""A customer's do-not-call: marked by a supervisor, the online channel or the SMS gateway (an
opt-out reply); read and lifted by a supervisor. Calls mark it through their outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends

from revisit_tui.domain.masking import mask_text
from revisit_tui.domain.models import (
    Agent,
    DoNotCallLift,
    DoNotCallRecord,
    DoNotCallRequest,
    Role,
)
from revisit_tui.server import donotcall
from revisit_tui.server.deps import Context, Supervisor, role_required
from revisit_tui.server.donotcall import DoNotCallSource
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import customers, do_not_call

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

Marker = Annotated[
    Agent, Depends(role_required(Role.SUPERVISOR, Role.ONLINE_SERVICE, Role.SMS_GATEWAY))
]
_SOURCE = {
    Role.SUPERVISOR: DoNotCallSource.SUPERVISOR,
    Role.ONLINE_SERVICE: DoNotCallSource.ONLINE,
    Role.SMS_GATEWAY: DoNotCallSource.SMS,
}


@router.post(
    "/customers/{customer_id}/do-not-call", response_model=DoNotCallRecord, responses=errors(404)
)
def mark(
    customer_id: str, request: DoNotCallRequest, context: Context, caller: Marker
) -> DoNotCallRecord:
    """Mark the customer: their open tasks close, builds create none, SMS are refused."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        _customer_exists(conn, customer_id)
        donotcall.mark(
            conn,
            customer_id,
            reason=request.reason,
            source=_SOURCE[caller.role],
            actor=caller.id,
            now=now,
        )
        return _record(conn, customer_id)


@router.get(
    "/customers/{customer_id}/do-not-call", response_model=DoNotCallRecord, responses=errors(404)
)
def read(customer_id: str, context: Context, _caller: Supervisor) -> DoNotCallRecord:
    """Who marked the customer, when and why; 404 when the customer may be called."""
    with context.read.connect() as conn:
        _customer_exists(conn, customer_id)
        return _record(conn, customer_id)


@router.post(
    "/customers/{customer_id}/do-not-call/lift",
    response_model=DoNotCallRecord,
    responses=errors(404, 409),
)
def lift(
    customer_id: str, request: DoNotCallLift, context: Context, caller: Supervisor
) -> DoNotCallRecord:
    """Lift the mark (audited with the reason); answers the record that was lifted."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        _customer_exists(conn, customer_id)
        try:
            record = _record(conn, customer_id)
        except ProblemError:
            raise ProblemError(
                409, "not_do_not_call", f"customer {customer_id!r} is not marked do-not-call"
            ) from None
        donotcall.lift(conn, customer_id, reason=request.reason, actor=caller.id, now=now)
    return record


def _customer_exists(conn: sa.Connection, customer_id: str) -> None:
    if conn.scalar(sa.select(customers.c.id).where(customers.c.id == customer_id)) is None:
        raise not_found("customer", customer_id)


def _record(conn: sa.Connection, customer_id: str) -> DoNotCallRecord:
    row = conn.execute(
        sa.select(do_not_call).where(do_not_call.c.customer_id == customer_id)
    ).first()
    if row is None:
        raise ProblemError(404, "not_found", f"customer {customer_id!r} may be called")
    return DoNotCallRecord(
        customer_id=row.customer_id,
        reason=mask_text(row.reason),  # an opt-out reply may quote the number it came from
        source=row.source,
        at=row.at,
        by=row.by,
        outcome_id=row.outcome_id,
    )
