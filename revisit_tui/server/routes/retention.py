"""Retention (§八.3): records older than N years lose their personal content; audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter

from revisit_tui.domain.models import PurgeRequest, PurgeResult
from revisit_tui.domain.rules import add_months
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import (
    audit_log,
    escalations,
    outcomes,
    pending_contact_changes,
    reveals,
    sms_messages,
)

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

PURGED_TEXT = "(purged)"


@router.post("/retention/purge", response_model=PurgeResult, responses=errors())
def purge(request: PurgeRequest, context: Context, caller: Supervisor) -> PurgeResult:
    """Dry run: counts only. Real: outcomes keep what reports count (agent, times,
    disposition, satisfaction) and lose notes, contact values and answers; escalations keep
    their dates, category and status and lose their texts; reveals and SMS older than the
    cutoff are deleted; an audit row records the purge. An age below `retention.years` (the
    period records must be kept, §八.3) is refused."""
    kept = context.policy.retention.years
    if request.older_than_years < kept:
        raise ProblemError(
            422,
            "below_retention",
            f"records are kept {kept} years (retention.years); a purge of younger ones is refused",
            {"older_than_years": f"must be at least {kept}"},
        )
    now = datetime.now(UTC)
    cutoff = add_months(now.date(), -12 * request.older_than_years)
    moment = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
    old_outcomes = sa.and_(outcomes.c.started_at < moment, sa.not_(outcomes.c.purged))
    old_escalations = escalations.c.opened_at < moment
    with context.engine.begin() as conn:
        counts = {
            "outcomes": _count(conn, outcomes, old_outcomes),
            "escalations": _count(conn, escalations, old_escalations),
            "reveals": _count(conn, reveals, reveals.c.at < moment),
            "sms": _count(conn, sms_messages, sms_messages.c.requested_at < moment),
        }
        if not request.dry_run:
            _purge_outcomes(conn, old_outcomes)
            _purge_escalations(conn, old_escalations)
            conn.execute(sa.delete(reveals).where(reveals.c.at < moment))
            conn.execute(sa.delete(sms_messages).where(sms_messages.c.requested_at < moment))
            conn.execute(
                sa.insert(audit_log).values(
                    at=now,
                    actor=caller.id,
                    action="retention_purge",
                    detail={"cutoff": cutoff.isoformat(), **counts},
                )
            )
    return PurgeResult(cutoff=cutoff, dry_run=request.dry_run, **counts)


def _count(conn: sa.Connection, table: sa.Table, where: Any) -> int:
    return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(where)) or 0)


def _purge_outcomes(conn: sa.Connection, where: Any) -> None:
    rows = conn.execute(sa.select(outcomes.c.id, outcomes.c.body).where(where)).all()
    for row in rows:
        conn.execute(
            sa.update(outcomes)
            .where(outcomes.c.id == row.id)
            .values(body=_without_personal(row.body), purged=True)
        )
        conn.execute(
            sa.delete(pending_contact_changes).where(pending_contact_changes.c.outcome_id == row.id)
        )


def _purge_escalations(conn: sa.Connection, where: Any) -> None:
    """Escalations keep dates, category, urgency and status (reports count them) and lose
    every text: the problem, the resolutions and what each step said."""
    rows = conn.execute(sa.select(escalations.c.id, escalations.c.body).where(where)).all()
    for row in rows:
        body = {
            **row.body,
            "summary": PURGED_TEXT,
            "resolution": PURGED_TEXT if row.body.get("resolution") else "",
            "history": [{**step, "text": ""} for step in row.body.get("history", [])],
        }
        conn.execute(sa.update(escalations).where(escalations.c.id == row.id).values(body=body))


def _without_personal(body: dict[str, Any]) -> dict[str, Any]:
    """The outcome as reports still need it: no values, notes or free text."""
    return {
        **body,
        "contact_checks": [],
        "transaction_checks": [
            {**check, "note": ""} for check in body.get("transaction_checks", [])
        ],
        "features": [{**feature, "problem": ""} for feature in body.get("features", [])],
        "needs": [{**need, "note": ""} for need in body.get("needs", [])],
        "escalations": [
            {**request, "summary": PURGED_TEXT} for request in body.get("escalations", [])
        ],
        "notes": "",
    }
