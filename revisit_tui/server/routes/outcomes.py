"""Outcomes: the agents' batch upload and single PUT (idempotent by id), supervisors' listing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from revisit_tui.domain.masking import masked_outcome
from revisit_tui.domain.models import (
    AccountEvent,
    Agent,
    Language,
    Outcome,
    OutcomeBatch,
    OutcomeBatchResult,
    OutcomeResult,
    TaskKind,
)
from revisit_tui.domain.validation import validate_outcome
from revisit_tui.server import metrics
from revisit_tui.server.deps import AgentCaller, Context, ServerContext, Supervisor
from revisit_tui.server.disclosure import masked_result
from revisit_tui.server.paging import Cursor, Limit, cursor_time, decode_cursor, next_cursor
from revisit_tui.server.periods import Month, month_range
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.recording import record_outcomes
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import outcomes, tasks

router = APIRouter(prefix="/v1", tags=["outcomes"], route_class=StrictJsonRoute)

PROBLEM_CODES = {403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid"}


class OutcomePage(BaseModel):
    items: list[Outcome]
    next_cursor: str | None = None


@router.post("/outcomes", response_model=OutcomeBatchResult, responses=errors())
def post_outcomes(batch: OutcomeBatch, context: Context, caller: AgentCaller) -> OutcomeBatchResult:
    """Store up to 500 outcomes in one transaction; one result per outcome, in order."""
    results = _record(context, caller, batch.outcomes)
    return OutcomeBatchResult(results=[masked_result(result) for result in results])


@router.put(
    "/outcomes/{outcome_id}",
    response_model=OutcomeResult,
    status_code=201,
    responses={**errors(404, 409), 200: {"model": OutcomeResult, "description": "already stored"}},
)
def put_outcome(
    outcome_id: UUID, outcome: Outcome, context: Context, caller: AgentCaller, response: Response
) -> OutcomeResult:
    """Store one outcome: 201 stored, 200 the same body was stored before, 409 another body."""
    if outcome.id != outcome_id:
        raise ProblemError(
            422, "invalid", "invalid fields: id", {"id": "differs from the id in the path"}
        )
    (result,) = _record(context, caller, [outcome])
    if result.status == 422:
        with context.read.connect() as conn:
            row = conn.execute(
                sa.select(tasks.c.kind, tasks.c.event).where(tasks.c.id == outcome.task_id)
            ).first()
        problems = validate_outcome(
            outcome,
            context.policy,
            datetime.now(UTC).date(),
            TaskKind(row.kind) if row else None,
            AccountEvent(row.event) if row and row.event else None,
        )
        fields = {p.field: p.message(Language.EN) for p in problems}
        raise ProblemError(422, "invalid", result.reason, fields)
    if result.status >= 400:
        raise ProblemError(result.status, PROBLEM_CODES[result.status], result.reason)
    response.status_code = result.status
    return masked_result(result)


def _record(context: ServerContext, caller: Agent, batch: list[Outcome]) -> list[OutcomeResult]:
    """One transaction; if a concurrent request stored one of these ids first, once again
    (the second pass answers that outcome as already stored)."""
    try:
        return _record_once(context, caller, batch)
    except IntegrityError:
        return _record_once(context, caller, batch)


def _record_once(
    context: ServerContext, caller: Agent, batch: list[Outcome]
) -> list[OutcomeResult]:
    with context.engine.begin() as conn:
        results = record_outcomes(conn, caller, batch, context.policy, datetime.now(UTC))
    metrics.observe_stored_outcomes(
        outcome.ended_at
        for outcome, result in zip(batch, results, strict=True)
        if result.status == 201
    )
    return results


@router.get("/outcomes", response_model=OutcomePage, responses=errors())
def list_outcomes(
    context: Context,
    _caller: Supervisor,
    month: Month = None,
    agent: Annotated[str | None, Query(max_length=64)] = None,
    flagged: Annotated[
        bool | None, Query(description="only outcomes recorded after the task was reassigned")
    ] = None,
    implausible_time: Annotated[
        bool | None, Query(description="only outcomes whose call times were not believed")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> OutcomePage:
    """Outcomes by start time (oldest first), for quality review and complaint tracing;
    changed contact values and numbers in texts masked."""
    query = sa.select(outcomes.c.id, outcomes.c.started_at, outcomes.c.body)
    if month:
        start, end = month_range(month)
        query = query.where(outcomes.c.started_at >= start, outcomes.c.started_at < end)
    if agent:
        query = query.where(outcomes.c.agent_id == agent)
    if flagged is not None:
        query = query.where(outcomes.c.flagged_reassigned == flagged)
    if implausible_time is not None:
        flag = outcomes.c.time_flag
        query = query.where(flag.is_not(None) if implausible_time else flag.is_(None))
    after = decode_cursor(cursor, 2)
    if after:
        at = cursor_time(after[0])
        query = query.where(
            sa.or_(
                outcomes.c.started_at > at,
                sa.and_(outcomes.c.started_at == at, outcomes.c.id > after[1]),
            )
        )
    query = query.order_by(outcomes.c.started_at, outcomes.c.id).limit(limit)
    with context.read.connect() as conn:
        rows = conn.execute(query).all()
    return OutcomePage(
        items=[Outcome.model_validate(masked_outcome(row.body)) for row in rows],
        next_cursor=next_cursor(rows, limit, lambda r: [r.started_at.isoformat(), r.id]),
    )
