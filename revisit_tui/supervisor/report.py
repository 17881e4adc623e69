"""The supervisors' figures: per agent (the server's ranked report) and per kind of task.

Per-agent rows come from /v1/reports/agents; per-kind rows are counted here from the
period's outcomes, the kinds of their tasks and the open escalations, with the same
definitions (reach rate = reached / attempts; satisfaction averages the rated attempts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    AgentMonth,
    Disposition,
    Escalation,
    EscalationStatus,
    Outcome,
    TaskKind,
)

DISPOSITIONS = list(Disposition)
HEADERS = [
    "period",
    "by",
    "id",
    "name",
    "attempts",
    "reached",
    "reach_rate",
    *[d.value for d in DISPOSITIONS],
    "avg_satisfaction",
    "escalations_open",
    "escalations_overdue",
    "rank",
]


@dataclass(frozen=True)
class Figures:
    """One row: a period's figures for one agent or one kind of task."""

    period: str  # YYYY-MM or YYYY-MM-DD
    by: str  # "agent" or "kind"
    id: str
    name: str
    attempts: int
    reached: int
    dispositions: dict[Disposition, int]
    average_satisfaction: float | None
    escalations_open: int
    escalations_overdue: int
    rank: int | None = None

    @property
    def reach_rate(self) -> float:
        return self.reached / self.attempts if self.attempts else 0.0

    def row(self) -> list[object]:
        """The values in the order of HEADERS (reach rate as a percentage)."""
        return [
            self.period,
            self.by,
            self.id,
            self.name,
            self.attempts,
            self.reached,
            100 * self.reach_rate,
            *[self.dispositions.get(d, 0) for d in DISPOSITIONS],
            self.average_satisfaction,
            self.escalations_open,
            self.escalations_overdue,
            self.rank,
        ]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def agent_figures(rows: Iterable[AgentMonth], period: str) -> list[Figures]:
    """The server's per-agent rows, ranked first (1 is the best satisfaction), unrated last."""
    figures = [
        Figures(
            period=period,
            by="agent",
            id=row.agent_id,
            name=row.agent_name,
            attempts=row.attempts,
            reached=row.reached,
            dispositions=dict(row.dispositions),
            average_satisfaction=row.average_satisfaction,
            escalations_open=row.escalations_open,
            escalations_overdue=row.escalations_overdue,
            rank=row.rank,
        )
        for row in rows
    ]
    return sorted(figures, key=lambda f: (f.rank is None, f.rank or 0, f.id))


def kind_figures(
    period: str,
    outcomes: Iterable[Outcome],
    task_kind: dict[str, TaskKind],
    escalations: Iterable[Escalation],
    now: datetime,
) -> list[Figures]:
    """Per kind of task: the period's attempts and the escalations still open (and overdue)."""
    attempts: Counter[TaskKind] = Counter()
    dispositions: dict[TaskKind, Counter[Disposition]] = {}
    ratings: dict[TaskKind, list[int]] = {}
    for outcome in outcomes:
        kind = task_kind.get(outcome.task_id)
        if kind is None:
            continue
        attempts[kind] += 1
        dispositions.setdefault(kind, Counter())[outcome.disposition] += 1
        if outcome.satisfaction is not None:
            ratings.setdefault(kind, []).append(outcome.satisfaction)
    still_open: Counter[TaskKind] = Counter()
    overdue: Counter[TaskKind] = Counter()
    for escalation in escalations:
        kind = task_kind.get(escalation.task_id)
        if kind is None or escalation.status is EscalationStatus.RESOLVED:
            continue
        still_open[kind] += 1
        overdue[kind] += escalation.deadline < now
    figures = []
    for kind in TaskKind:
        counted = dispositions.get(kind, Counter())
        rated = ratings.get(kind, [])
        figures.append(
            Figures(
                period=period,
                by="kind",
                id=kind.value,
                name=kind.value.replace("_", " "),
                attempts=attempts[kind],
                reached=counted[Disposition.REACHED],
                dispositions=dict(counted),
                average_satisfaction=round(sum(rated) / len(rated), 2) if rated else None,
                escalations_open=still_open[kind],
                escalations_overdue=overdue[kind],
            )
        )
    return figures


def gather(api: SupervisorApi, day: date, now: datetime | None = None) -> list[Figures]:
    """The day's and its month's figures, per agent and per kind, read through the API."""
    now = now or datetime.now(UTC)
    month = month_of(day)
    task_kind = {task.id: kind for kind in TaskKind for task in api.tasks(kind=kind)}
    outcomes = list(api.outcomes(month))
    open_escalations = [e for e in api.escalations() if e.status is not EscalationStatus.RESOLVED]
    day_outcomes = [o for o in outcomes if o.started_at.astimezone(UTC).date() == day]
    return [
        *agent_figures(api.agent_report(day=day), day.isoformat()),
        *kind_figures(day.isoformat(), day_outcomes, task_kind, open_escalations, now),
        *agent_figures(api.agent_report(month=month), month),
        *kind_figures(month, outcomes, task_kind, open_escalations, now),
    ]


def table_rows(figures: Sequence[Figures]) -> list[list[object]]:
    """Short rows for the terminal: the dispositions folded into reach figures."""
    return [
        [
            f.id,
            f.name,
            f.attempts,
            f.reached,
            100 * f.reach_rate,
            f.average_satisfaction,
            f.escalations_open,
            f.escalations_overdue,
            f.rank,
        ]
        for f in figures
    ]


TABLE_HEADERS = [
    "id",
    "name",
    "attempts",
    "reached",
    "reach %",
    "satisfaction",
    "esc. open",
    "esc. overdue",
    "rank",
]
