"""The one place a supervisor sees a full identifier: quality review of one record, audited
in the transaction that reads the value (a `reveals` row of kind `qa_review`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Response

from revisit_tui.domain.models import Agent, Disclosure, QaDisclosure
from revisit_tui.server import disclosure
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import ProblemError, errors, forbidden, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import outcomes, reveals, tasks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)


@router.post(
    "/disclosures",
    response_model=Disclosure,
    status_code=201,
    responses={
        **errors(404, 409),
        200: {"model": Disclosure, "description": "this disclosure was recorded already"},
    },
)
def post_disclosure(
    request: QaDisclosure, context: Context, caller: Supervisor, response: Response
) -> Disclosure:
    """One field of one reviewed record's customer in full, with the reviewer's reason."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        stored = conn.execute(sa.select(reveals).where(reveals.c.id == str(request.id))).first()
        record = conn.execute(
            sa.select(outcomes.c.task_id, outcomes.c.customer_id, outcomes.c.purged).where(
                outcomes.c.id == str(request.outcome_id)
            )
        ).first()
        if stored is not None:
            _same_disclosure(stored, request, caller)
            response.status_code = 200
        if record is None:
            raise not_found("outcome", str(request.outcome_id))
        if record.purged:
            raise ProblemError(409, "purged", "the record's personal data was purged")
        customer = disclosure.customer_of(conn, record.customer_id)
        task = conn.execute(sa.select(tasks).where(tasks.c.id == record.task_id)).first()
        if customer is None or task is None:
            raise not_found("customer of outcome", str(request.outcome_id))
        value = disclosure.field_value(conn, customer, task, request.field)
        if stored is None:
            disclosure.record(
                conn,
                agent_id=caller.id,
                task_id=record.task_id,
                customer_id=record.customer_id,
                field=request.field,
                kind=disclosure.DisclosureKind.QA_REVIEW,
                reason=request.reason,
                at=now,
                now=now,
                row_id=str(request.id),
                outcome_id=str(request.outcome_id),
            )
    return Disclosure(
        reveal_id=request.id,
        task_id=record.task_id,
        customer_id=record.customer_id,
        field=request.field,
        value=value,
    )


def _same_disclosure(stored: Any, request: QaDisclosure, caller: Agent) -> None:
    """A disclosure id is answered again only to the supervisor who made it, for the same
    field of the same record: 403 / 409 otherwise, before anything is read."""
    if stored.agent_id != caller.id:
        raise forbidden("this disclosure id was recorded for someone else")
    if (stored.kind, stored.outcome_id, stored.field) != (
        disclosure.DisclosureKind.QA_REVIEW,
        str(request.outcome_id),
        request.field.value,
    ):
        raise ProblemError(
            409, "conflict", "this disclosure id was recorded for another field or record"
        )
