"""Supervision: per-agent statistics with the satisfaction ranking, and the QA sample."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from revisit_tui.domain.masking import mask_field, masked_outcome
from revisit_tui.domain.models import (
    AgentMonth,
    Customer,
    Disposition,
    MaskedField,
    Outcome,
    QaRecord,
    Role,
)
from revisit_tui.server import quality
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.periods import Day, Month, day_range, month_range
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.routes.escalations import UNRESOLVED
from revisit_tui.server.rows import escalation_from_row, outcome_from_row
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import customers, escalations, outcomes, principals, tasks
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)


@router.get("/reports/agents", response_model=list[AgentMonth], responses=errors())
def agent_report(
    context: Context, _caller: Supervisor, month: Month = None, day: Day = None
) -> list[AgentMonth]:
    """Each agent's attempts, reach rate, dispositions, satisfaction and escalations, ranked
    by average satisfaction (1 is best; equal averages share a rank)."""
    if bool(month) == bool(day):
        raise ProblemError(
            422, "invalid", "give month or day", {"month": "give either month or day"}
        )
    start, end = month_range(month) if month else day_range(day or "")
    now = datetime.now(UTC)
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
        open_rows = conn.execute(
            sa.select(
                escalations.c.agent_id,
                sa.func.count(),
                sa.func.sum(sa.case((escalations.c.deadline < now, 1), else_=0)),
            )
            .where(escalations.c.status.in_(UNRESOLVED))
            .group_by(escalations.c.agent_id)
        ).all()
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
    open_by_agent = {row[0]: (row[1], int(row[2] or 0)) for row in open_rows}
    agent_ids = sorted(set(people) | set(dispositions))
    averages = {
        agent_id: ratings[agent_id][0] / ratings[agent_id][1]
        for agent_id in agent_ids
        if ratings[agent_id][1]
    }
    ranks = _ranks(averages)
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
) -> list[QaRecord]:
    """A reproducible sample of the month's outcomes (same seed, same sample) with checks;
    the checks read the stored outcome, the answer carries it masked."""
    start, end = month_range(month)
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
                    outcome, [by_id[e] for e in row.escalation_ids if e in by_id]
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
