"""The supervisors' figures: per agent (the server's ranked report) and per kind of task.

Per-agent rows come from /v1/reports/agents; per-kind rows are counted here from the
period's outcomes, the kinds of their tasks and the open escalations, with the same
definitions (reach rate = reached / attempts; satisfaction averages the rated attempts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    """The day's and its month's figures (UTC periods, as the server counts them), per agent
    and per kind, read through the API side by side."""
    now = now or datetime.now(UTC)
    month = month_of(day)
    with ThreadPoolExecutor(max_workers=len(TaskKind) + 4) as pool:
        kinds = [pool.submit(_task_ids, api, kind) for kind in TaskKind]
        outcomes = pool.submit(lambda: list(api.outcomes(month)))
        escalations = pool.submit(lambda: list(api.escalations()))
        day_rows = pool.submit(api.agent_report, day=day)
        month_rows = pool.submit(api.agent_report, month=month)
        task_kind = {
            task_id: kind
            for kind, ids in zip(TaskKind, kinds, strict=True)
            for task_id in ids.result()
        }
        waiting = [e for e in escalations.result() if e.status is not EscalationStatus.RESOLVED]
        in_month = outcomes.result()
        in_day = [o for o in in_month if o.started_at.astimezone(UTC).date() == day]
        return [
            *agent_figures(day_rows.result(), day.isoformat()),
            *kind_figures(day.isoformat(), in_day, task_kind, waiting, now),
            *agent_figures(month_rows.result(), month),
            *kind_figures(month, in_month, task_kind, waiting, now),
        ]


def _task_ids(api: SupervisorApi, kind: TaskKind) -> list[str]:
    return [task.id for task in api.tasks(kind=kind)]


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
