"""Supervision: per-agent statistics with the satisfaction ranking, and the QA sample."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from revisit_tui.domain.masking import mask_field, masked_outcome
from revisit_tui.domain.models import (
    AccountEvent,
    AgentMonth,
    ClosureReason,
    ClosureReport,
    Customer,
    Disposition,
    Escalation,
    EscalationStatus,
    KindReport,
    MaskedField,
    Outcome,
    QaRecord,
    Role,
    TaskKind,
)
from revisit_tui.server import quality
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.periods import Day, Month, Zone, day_range, month_range, zone
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.routes.escalations import UNRESOLVED
from revisit_tui.server.rows import escalation_from_row, outcome_from_row
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import customers, escalations, outcomes, principals, tasks
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)


MinRatings = Annotated[
    int, Query(ge=1, le=100_000, description="ratings an agent needs to be ranked")
]
AgentFilter = Annotated[str | None, Query(max_length=64, description="only this agent's")]


def _period(month: str | None, day: str | None, tz: str) -> tuple[datetime, datetime]:
    if bool(month) == bool(day):
        raise ProblemError(
            422, "invalid", "give month or day", {"month": "give either month or day"}
        )
    where = zone(tz)
    return month_range(month, where) if month else day_range(day or "", where)


@router.get("/reports/agents", response_model=list[AgentMonth], responses=errors())
def agent_report(
    context: Context,
    _caller: Supervisor,
    month: Month = None,
    day: Day = None,
    tz: Zone = "UTC",
    min_ratings: MinRatings = 1,
) -> list[AgentMonth]:
    """Each agent's attempts, reach rate, dispositions, satisfaction and escalations, ranked
    by average satisfaction (1 is best; equal averages share a rank; fewer than
    `min_ratings` ratings: not ranked). Escalations are those open at the period's end (now
    for the current period), overdue then."""
    start, end = _period(month, day, tz)
    as_of = min(datetime.now(UTC), end)
    with context.read.connect() as conn:
        persons = conn.execute(
            sa.select(
                principals.c.id, principals.c.name, principals.c.role, principals.c.revoked
            ).where(principals.c.role.in_([Role.AGENT.value, Role.SUPERVISOR.value]))
        ).all()
        named = {row.id: row.name for row in persons}
        # every active agent has a row, with or without attempts; supervisors when they called
        people = {row.id for row in persons if row.role == Role.AGENT.value and not row.revoked}
        counts = conn.execute(
            sa.select(
                outcomes.c.agent_id,
                outcomes.c.disposition,
                sa.func.count(),
                sa.func.sum(outcomes.c.satisfaction),
                sa.func.count(outcomes.c.satisfaction),
            )
            .where(outcomes.c.started_at >= start, outcomes.c.started_at < end)
            .group_by(outcomes.c.agent_id, outcomes.c.disposition)
        ).all()
        waiting = open_escalations(conn, as_of)
    dispositions: dict[str, dict[Disposition, int]] = defaultdict(
        lambda: dict.fromkeys(Disposition, 0)
    )
    ratings: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for agent_id, disposition, count, total, rated in counts:
        if agent_id not in named:
            continue  # services (online answers) are not ranked
        dispositions[agent_id][Disposition(disposition)] += count
        ratings[agent_id][0] += total or 0
        ratings[agent_id][1] += rated
    open_by_agent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for escalation in waiting:
        open_by_agent[escalation.agent_id][0] += 1
        open_by_agent[escalation.agent_id][1] += escalation.deadline < as_of
    agent_ids = sorted(set(people) | set(dispositions))
    averages = {
        agent_id: ratings[agent_id][0] / ratings[agent_id][1]
        for agent_id in agent_ids
        if ratings[agent_id][1]
    }
    ranks = _ranks(
        {
            agent_id: average
            for agent_id, average in averages.items()
            if ratings[agent_id][1] >= min_ratings
        }
    )
    rows = []
    for agent_id in agent_ids:
        by_disposition = dispositions[agent_id]
        attempts = sum(by_disposition.values())
        reached = by_disposition[Disposition.REACHED]
        open_count, overdue = open_by_agent.get(agent_id, (0, 0))
        rows.append(
            AgentMonth(
                agent_id=agent_id,
                agent_name=named.get(agent_id, agent_id),
                attempts=attempts,
                reached=reached,
                reach_rate=reached / attempts if attempts else 0.0,
                dispositions=by_disposition,
                average_satisfaction=averages.get(agent_id),
                escalations_open=open_count,
                escalations_overdue=overdue,
                rank=ranks.get(agent_id),
            )
        )
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.agent_id))


@router.get("/reports/kinds", response_model=list[KindReport], responses=errors())
def kind_report(
    context: Context,
    _caller: Supervisor,
    month: Month = None,
    day: Day = None,
    tz: Zone = "UTC",
    agent: AgentFilter = None,
) -> list[KindReport]:
    """Per kind of task: the period's attempts, dispositions and satisfaction, and the
    escalations open (and overdue) at the period's end; `agent` narrows all of it to one."""
    start, end = _period(month, day, tz)
    as_of = min(datetime.now(UTC), end)
    query = (
        sa.select(
            tasks.c.kind,
            outcomes.c.disposition,
            sa.func.count(),
            sa.func.sum(outcomes.c.satisfaction),
            sa.func.count(outcomes.c.satisfaction),
        )
        .join(tasks, tasks.c.id == outcomes.c.task_id)
        .where(outcomes.c.started_at >= start, outcomes.c.started_at < end)
        .group_by(tasks.c.kind, outcomes.c.disposition)
    )
    if agent:
        query = query.where(outcomes.c.agent_id == agent)
    with context.read.connect() as conn:
        counts = conn.execute(query).all()
        waiting = open_escalations(conn, as_of, agent)
        kind_of: dict[str, str] = {}
        for part in chunks(sorted({e.task_id for e in waiting})):
            kind_of.update(
                conn.execute(sa.select(tasks.c.id, tasks.c.kind).where(tasks.c.id.in_(part)))
                .tuples()
                .all()
            )
    dispositions: dict[TaskKind, dict[Disposition, int]] = {
        kind: dict.fromkeys(Disposition, 0) for kind in TaskKind
    }
    ratings: dict[TaskKind, list[int]] = {kind: [0, 0] for kind in TaskKind}
    for kind, disposition, count, total, rated in counts:
        dispositions[TaskKind(kind)][Disposition(disposition)] += count
        ratings[TaskKind(kind)][0] += total or 0
        ratings[TaskKind(kind)][1] += rated
    still_open: dict[TaskKind, list[int]] = {kind: [0, 0] for kind in TaskKind}
    for escalation in waiting:
        if escalation.task_id in kind_of:
            figures = still_open[TaskKind(kind_of[escalation.task_id])]
            figures[0] += 1
            figures[1] += escalation.deadline < as_of
    return [
        KindReport(
            kind=kind,
            attempts=sum(dispositions[kind].values()),
            reached=dispositions[kind][Disposition.REACHED],
            dispositions=dispositions[kind],
            average_satisfaction=(
                round(ratings[kind][0] / ratings[kind][1], 2) if ratings[kind][1] else None
            ),
            escalations_open=still_open[kind][0],
            escalations_overdue=still_open[kind][1],
        )
        for kind in TaskKind
    ]


@router.get("/reports/closures", response_model=ClosureReport, responses=errors())
def closure_report(
    context: Context,
    _caller: Supervisor,
    month: Month = None,
    day: Day = None,
    tz: Zone = "UTC",
    agent: AgentFilter = None,
) -> ClosureReport:
    """Why customers closed their accounts (seed 000 §一): the period's reached closure
    revisits counted by the reason recorded (every reason listed); `agent` narrows it."""
    start, end = _period(month, day, tz)
    query = (
        sa.select(outcomes.c.closure_reason, sa.func.count())
        .join(tasks, tasks.c.id == outcomes.c.task_id)
        .where(
            outcomes.c.started_at >= start,
            outcomes.c.started_at < end,
            outcomes.c.disposition == Disposition.REACHED.value,
            tasks.c.kind == TaskKind.CLOSURE.value,
        )
        .group_by(outcomes.c.closure_reason)
    )
    if agent:
        query = query.where(outcomes.c.agent_id == agent)
    with context.read.connect() as conn:
        counts: dict[str | None, int] = dict(conn.execute(query).tuples().all())
    reasons = {reason: counts.get(reason.value, 0) for reason in ClosureReason}
    return ClosureReport(
        reached=sum(counts.values()), reasons=reasons, not_recorded=counts.get(None, 0)
    )


def open_escalations(
    conn: sa.Connection, as_of: datetime, agent: str | None = None
) -> list[Escalation]:
    """The escalations that were open (or reopened) at `as_of`: opened before it and not
    resolved by then. For `as_of` now that is simply every unresolved one."""
    query = sa.select(escalations.c.id, escalations.c.body).where(escalations.c.opened_at < as_of)
    if agent:
        query = query.where(escalations.c.agent_id == agent)
    if as_of >= datetime.now(UTC) - timedelta(seconds=1):
        query = query.where(escalations.c.status.in_(UNRESOLVED))
        return [escalation_from_row(row) for row in conn.execute(query)]
    found = []
    for row in conn.execute(query):
        escalation = escalation_from_row(row)
        resolved_at = escalation.resolved_at
        if escalation.status in (EscalationStatus.OPEN, EscalationStatus.REOPENED) or (
            resolved_at is not None and resolved_at >= as_of
        ):
            found.append(escalation)
    return found


def _ranks(averages: dict[str, float]) -> dict[str, int]:
    ordered = sorted(averages.items(), key=lambda item: -item[1])
    ranks: dict[str, int] = {}
    for position, (agent_id, average) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and previous[1] == average
        ranks[agent_id] = ranks[previous[0]] if same and previous else position
    return ranks


@router.get("/qa-sample", response_model=list[QaRecord], responses=errors())
def qa_sample(
    context: Context,
    _caller: Supervisor,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
    rate: Annotated[float, Query(gt=0, le=1)] = 0.05,
    seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    tz: Zone = "UTC",
) -> list[QaRecord]:
    """A reproducible sample of the month's outcomes (same seed, same sample; late records
    displace at most their share) with checks; the checks read the stored outcome, the answer
    carries it masked."""
    start, end = month_range(month, zone(tz))
    now = datetime.now(UTC)
    with context.read.connect() as conn:
        ids = conn.scalars(
            sa.select(outcomes.c.id).where(
                outcomes.c.started_at >= start, outcomes.c.started_at < end
            )
        ).all()
        chosen = quality.sample_ids(list(ids), rate, seed)
        records: list[QaRecord] = []
        for part in chunks(chosen):
            rows = conn.execute(
                sa.select(
                    outcomes.c.body,
                    outcomes.c.escalation_ids,
                    tasks.c.account_number,
                    tasks.c.kind,
                    tasks.c.event,
                    customers.c.body.label("customer"),
                )
                .join(tasks, tasks.c.id == outcomes.c.task_id)
                .join(customers, customers.c.id == outcomes.c.customer_id, isouter=True)
                .where(outcomes.c.id.in_(part))
                .order_by(outcomes.c.id)
            ).all()
            opened = [e for row in rows for e in row.escalation_ids]
            by_id = {
                r.id: escalation_from_row(r)
                for r in conn.execute(
                    sa.select(escalations.c.id, escalations.c.body).where(
                        escalations.c.id.in_(opened)
                    )
                )
            }
            for row in rows:
                outcome = outcome_from_row(row)
                complete, compliant, handled, found = quality.findings(
                    outcome,
                    [by_id[e] for e in row.escalation_ids if e in by_id],
                    TaskKind(row.kind),
                    now,
                    AccountEvent(row.event) if row.event else None,
                )
                name = Customer.model_validate(row.customer).name if row.customer else ""
                records.append(
                    QaRecord(
                        outcome=Outcome.model_validate(masked_outcome(row.body)),
                        customer_name=name,
                        account_number=mask_field(MaskedField.ACCOUNT_NUMBER, row.account_number)
                        if row.account_number
                        else None,
                        complete=complete,
                        compliant=compliant,
                        handled=handled,
                        findings=found,
                    )
                )
    return records
