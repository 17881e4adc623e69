"""The wallboard's wire format: GET /v1/wallboard, the call floor's day in aggregates.

Only counts, times and ids: no customer appears on a wallboard, so nothing here is personal
data and nothing needs masking.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool

from revisit_tui.domain.models import (
    Count,
    Day,
    EscalationCategory,
    Identifier,
    Model,
    Name,
    ShortText,
    TaskKind,
    TimeZoneName,
    Urgency,
    UtcTime,
    Uuid,
)

MAX_AGENTS = 5000  # the roster of the largest centre the board lists
NEAREST_DEADLINES = 10  # unresolved escalations listed one by one, soonest deadline first
HOURS = 24


class KindProgress(Model):
    """One kind of task today: what was tried and completed, and what is left of the day."""

    kind: TaskKind
    attempted: Count  # tasks with an attempt that started today
    done: Count  # tasks whose customer was reached today
    remaining: Count  # open tasks due by the end of today, overdue ones included
    due_today: Count  # open tasks due today
    overdue: Count  # open tasks due before today


class AgentOnFloor(Model):
    """An agent's day as the server sees it; `signed_in` when the app synced lately."""

    agent_id: Identifier
    name: Name
    on_shift: StrictBool
    signed_in: StrictBool
    last_sync_at: UtcTime | None  # the app's latest queue poll
    calls_today: Count  # attempts that started today
    reached_today: Count
    average_handle_seconds: Count | None  # of today's calls; None without one
    outbox_pending: Count | None  # items waiting in the app's outbox at its last poll


class UrgencyLine(Model):
    """Unresolved escalations of one urgency: how many, how many past their deadline."""

    urgency: Urgency
    open: Count
    overdue: Count
    next_deadline: UtcTime | None


class EscalationDeadline(Model):
    """One unresolved escalation near (or past) its deadline; the department it waits on."""

    escalation_id: Uuid
    urgency: Urgency
    category: EscalationCategory
    department: ShortText
    agent_id: Identifier
    deadline: UtcTime


class NewAccountsAtRisk(Model):
    """Open new-account revisits by their working-day limit (§六: within N working days of
    the opening): past it, reached today, or reached on the next working day."""

    overdue: Count
    due_today: Count
    due_next_working_day: Count
    next_working_day: Day


class HourCalls(Model):
    """Calls that started in one hour of the centre's day (0–23, local time)."""

    hour: Annotated[int, Field(strict=True, ge=0, le=HOURS - 1)]
    calls: Count
    reached: Count


class Wallboard(Model):
    """GET /v1/wallboard. Sent with an ETag (of everything but `generated_at`);
    If-None-Match gives 304."""

    day: Day  # today in `time_zone`
    time_zone: TimeZoneName
    generated_at: UtcTime
    signed_in_seconds: Count  # an agent counts as signed in this long after a poll
    kinds: Annotated[list[KindProgress], Field(max_length=len(TaskKind))]
    agents: Annotated[list[AgentOnFloor], Field(max_length=MAX_AGENTS)]
    escalations: Annotated[list[UrgencyLine], Field(max_length=len(Urgency))]
    nearest_deadlines: Annotated[list[EscalationDeadline], Field(max_length=NEAREST_DEADLINES)]
    new_accounts_at_risk: NewAccountsAtRisk
    calls_by_hour: Annotated[list[HourCalls], Field(max_length=HOURS)]
