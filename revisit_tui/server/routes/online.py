"""Online answers: the online-banking questionnaire, recorded as an outcome of the same task."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import APIRouter, Response

from revisit_tui.domain.models import Channel, Disposition, OnlineAnswer, Outcome, OutcomeResult
from revisit_tui.server.deps import Context, OnlineService
from revisit_tui.server.disclosure import masked_result
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.recording import record_outcomes
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import outcomes, tasks

router = APIRouter(prefix="/v1", tags=["online"], route_class=StrictJsonRoute)


@router.post(
    "/online-answers",
    response_model=OutcomeResult,
    status_code=201,
    responses={**errors(404, 409), 200: {"model": OutcomeResult, "description": "already stored"}},
)
def online_answer(
    answer: OnlineAnswer, context: Context, service: OnlineService, response: Response
) -> OutcomeResult:
    """Stored as an outcome on the online channel, disposition reached, by the service."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        version = conn.scalar(sa.select(tasks.c.version).where(tasks.c.id == answer.task_id))
        if version is None:
            raise not_found("task", answer.task_id)
        stored = conn.scalar(sa.select(outcomes.c.body).where(outcomes.c.id == str(answer.id)))
        if stored is not None:
            version = stored["task_version"]  # a re-sent answer compares equal to the first
        outcome = Outcome(
            id=answer.id,
            task_id=answer.task_id,
            agent_id=service.id,
            channel=Channel.ONLINE,
            started_at=answer.answered_at,
            ended_at=answer.answered_at,
            disposition=Disposition.REACHED,
            contact_checks=answer.contact_checks,
            transaction_checks=answer.transaction_checks,
            reserved_info_answer=answer.reserved_info_answer,
            features=answer.features,
            needs=answer.needs,
            fraud_warning_delivered=False,  # no call: the warning was not spoken
            satisfaction=answer.satisfaction,
            notes=answer.notes,
            task_version=version,
        )
        (result,) = record_outcomes(conn, service, [outcome], context.policy, now)
    if result.status == 409:
        raise ProblemError(409, "conflict", result.reason)
    if result.status == 422:
        raise ProblemError(422, "invalid", result.reason)
    response.status_code = result.status
    return masked_result(result)
