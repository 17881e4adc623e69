"""Store reports: what agents' apps discarded, handed over or could not recover from a
damaged file, sent through their outboxes; supervisors list them (numbers masked)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from revisit_tui.domain.masking import masked_store_report
from revisit_tui.domain.models import (
    AgentStoreReport,
    Identifier,
    StoreReport,
    StoreReportKind,
    StoreReportPage,
)
from revisit_tui.server.deps import AgentCaller, Context, Supervisor
from revisit_tui.server.paging import Cursor, Limit, cursor_time, decode_cursor, next_cursor
from revisit_tui.server.problems import ProblemError, errors, forbidden
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import store_reports

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute)


@router.post(
    "/store-reports",
    response_model=AgentStoreReport,
    status_code=201,
    tags=["agent"],
    responses={
        **errors(409),
        200: {"model": AgentStoreReport, "description": "this report was recorded already"},
    },
)
def post_store_report(
    report: StoreReport, context: Context, caller: AgentCaller, response: Response
) -> AgentStoreReport:
    """Record a report of the caller's app once; the same report again answers 200. The echo
    is masked like an outcome's: the item may hold contact values the agent typed."""
    body = report.model_dump(mode="json")
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        stored = _stored(conn, report, body, caller.id)
        if stored is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        sa.insert(store_reports).values(
                            id=str(report.id),
                            agent_id=caller.id,
                            kind=report.kind.value,
                            received_at=now,
                            body=body,
                        )
                    )
            except IntegrityError:  # the same report, sent twice at once
                stored = _stored(conn, report, body, caller.id)
    if stored is not None:
        response.status_code = 200
        now = stored
    echo = StoreReport.model_validate(masked_store_report(body))
    return AgentStoreReport(agent_id=caller.id, received_at=now, report=echo)


def _stored(conn: Connection, report: StoreReport, body: dict[str, Any], agent: str) -> Any:
    """When the report was received, if it was; 403 for another agent's id, 409 for the same
    id with another body."""
    row = conn.execute(sa.select(store_reports).where(store_reports.c.id == str(report.id))).first()
    if row is None:
        return None
    if row.agent_id != agent:
        raise forbidden("this report id was recorded for another agent")
    if row.body != body:
        raise ProblemError(409, "conflict", "this report id was recorded with another body")
    return row.received_at


@router.get(
    "/store-reports", response_model=StoreReportPage, tags=["supervisor"], responses=errors()
)
def list_store_reports(
    context: Context,
    _caller: Supervisor,
    agent: Annotated[Identifier | None, Query(description="one agent's reports")] = None,
    kind: Annotated[StoreReportKind | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> StoreReportPage:
    """Newest first; numbers and e-mail addresses in texts and items masked."""
    query = sa.select(store_reports)
    if agent:
        query = query.where(store_reports.c.agent_id == agent)
    if kind:
        query = query.where(store_reports.c.kind == kind.value)
    after = decode_cursor(cursor, 2)
    if after:
        at = cursor_time(after[0])
        query = query.where(
            sa.or_(
                store_reports.c.received_at < at,
                sa.and_(store_reports.c.received_at == at, store_reports.c.id < str(after[1])),
            )
        )
    query = query.order_by(store_reports.c.received_at.desc(), store_reports.c.id.desc())
    with context.read.connect() as conn:
        rows = conn.execute(query.limit(limit)).all()
    return StoreReportPage(
        items=[
            AgentStoreReport(
                agent_id=row.agent_id,
                received_at=row.received_at,
                report=StoreReport.model_validate(masked_store_report(row.body)),
            )
            for row in rows
        ],
        next_cursor=next_cursor(rows, limit, lambda r: [r.received_at.isoformat(), r.id]),
    )
