"""The supervisors' figures: per agent (ranked by satisfaction) and per kind of task.

Both come from the server's aggregates (/v1/reports/agents and /v1/reports/kinds), counted in
the centre's days: a report over a million outcomes reads a few dozen rows. Escalations are
those open at the end of the period (now, for today and this month).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import AgentMonth, Disposition, KindReport
from revisit_tui.supervisor.background import SideBySide

# `reached` has its own column; the other dispositions follow it
OTHER_DISPOSITIONS = [d for d in Disposition if d is not Disposition.REACHED]
HEADERS = [
    "period",
    "by",
    "id",
    "name",
    "attempts",
    "reached",
    "reach_rate",
    *[d.value for d in OTHER_DISPOSITIONS],
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
            *[self.dispositions.get(d, 0) for d in OTHER_DISPOSITIONS],
            self.average_satisfaction,
            self.escalations_open,
            self.escalations_overdue,
            self.rank,
        ]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def agent_figures(rows: Iterable[AgentMonth], period: str) -> list[Figures]:
    """The server's per-agent rows, ranked first (1 is the best satisfaction), unranked last."""
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


def kind_figures(rows: Iterable[KindReport], period: str) -> list[Figures]:
    """The server's per-kind rows."""
    return [
        Figures(
            period=period,
            by="kind",
            id=row.kind.value,
            name=row.kind.value.replace("_", " "),
            attempts=row.attempts,
            reached=row.reached,
            dispositions=dict(row.dispositions),
            average_satisfaction=row.average_satisfaction,
            escalations_open=row.escalations_open,
            escalations_overdue=row.escalations_overdue,
        )
        for row in rows
    ]


def gather(
    api: SupervisorApi,
    day: date,
    *,
    tz: str = "UTC",
    min_ratings: int = 1,
    agent: str | None = None,
) -> list[Figures]:
    """The day's and its month's figures (days of time zone `tz`), per agent and per kind,
    read side by side; with `agent` every row is that agent's alone."""
    month = month_of(day)
    with SideBySide() as calls:
        day_agents = calls.start(lambda: api.agent_report(day=day, tz=tz, min_ratings=min_ratings))
        month_agents = calls.start(
            lambda: api.agent_report(month=month, tz=tz, min_ratings=min_ratings)
        )
        day_kinds = calls.start(lambda: api.kind_report(day=day, tz=tz, agent=agent))
        month_kinds = calls.start(lambda: api.kind_report(month=month, tz=tz, agent=agent))

        def mine(rows: list[AgentMonth]) -> list[AgentMonth]:
            return [row for row in rows if agent is None or row.agent_id == agent]

        return [
            *agent_figures(mine(day_agents.result()), day.isoformat()),
            *kind_figures(day_kinds.result(), day.isoformat()),
            *agent_figures(mine(month_agents.result()), month),
            *kind_figures(month_kinds.result(), month),
        ]


def table_rows(
    figures: Sequence[Figures], name: Callable[[Figures], str] = lambda f: f.name
) -> list[list[object]]:
    """Short rows for the terminal: the dispositions folded into reach figures; `name` gives
    a row's name (a kind's in the reader's language)."""
    return [
        [
            f.id,
            name(f),
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
