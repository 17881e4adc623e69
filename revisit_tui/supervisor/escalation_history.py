"""An escalation's life after it opened, as supervisors read it: every resolution, every
reopen with its reason, and the follow-up's verdict (seed 002 §九.3). The server keeps the
steps in `Escalation.history`; a second resolution never hides the first one here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Escalation,
    EscalationAction,
    EscalationStatus,
    EscalationStep,
)
from revisit_tui.supervisor.background import SideBySide
from revisit_tui.supervisor.messages import Messages

LocalTime = Callable[[datetime], str]

HEADER_KEYS = [
    "id",
    "agent",
    "status",
    "first_resolved",
    "first_resolution",
    "reopened",
    "reopen_reason",
    "satisfied",
]


@dataclass(frozen=True)
class HistoryRow:
    """One escalation's history in a row: the first resolution, how often and (last) why it
    was reopened, and whether the latest follow-up found the customer satisfied."""

    escalation: Escalation
    first_resolution: EscalationStep | None
    reopens: list[EscalationStep]

    @classmethod
    def of(cls, escalation: Escalation) -> HistoryRow:
        steps = escalation.history
        resolutions = [s for s in steps if s.action is EscalationAction.RESOLVED]
        reopens = [s for s in steps if s.action is EscalationAction.REOPENED]
        return cls(escalation, resolutions[0] if resolutions else None, reopens)

    def cells(self, local_time: LocalTime, say: Messages, width: int | None = None) -> list[object]:
        """The row's cells in HEADER_KEYS order; texts cut to `width` for a terminal."""
        first = self.first_resolution
        last_reason = self.reopens[-1].text if self.reopens else ""
        return [
            str(self.escalation.id),
            self.escalation.agent_id,
            say.value("escalation_status", self.escalation.status),
            local_time(first.at) if first else "",
            _cut(first.text, width) if first else "",
            len(self.reopens),
            _cut(last_reason, width),
            _verdict(self.escalation.satisfied, say),
        ]


def step_lines(escalation: Escalation, local_time: LocalTime, say: Messages) -> list[str]:
    """Every step of the escalation's history, oldest first, one line each."""
    return [
        say(
            f"escalations.step_{step.action.value}",
            at=local_time(step.at),
            by=step.by,
            text=step.text,
        )
        for step in escalation.history
    ]


def changed_within(escalation: Escalation, first: date, last: date, zone: str) -> bool:
    """A step of its history fell on a day from `first` to `last` (the centre's days)."""
    tz = ZoneInfo(zone)
    return any(first <= step.at.astimezone(tz).date() <= last for step in escalation.history)


def handled_within(
    api: SupervisorApi, first: date, last: date, zone: str, agent: str | None = None
) -> list[HistoryRow]:
    """The escalations (of `agent`, if given) resolved, reopened or followed up on a day from
    `first` to `last`: only resolved and reopened ones have a history, read side by side."""
    with SideBySide() as calls:
        resolved = calls.start(lambda: list(api.escalations(status=EscalationStatus.RESOLVED)))
        reopened = calls.start(lambda: list(api.escalations(status=EscalationStatus.REOPENED)))
        found = [*resolved.result(), *reopened.result()]
    rows = [
        HistoryRow.of(e)
        for e in found
        if (agent is None or e.agent_id == agent) and changed_within(e, first, last, zone)
    ]
    return sorted(rows, key=lambda row: (row.escalation.opened_at, str(row.escalation.id)))


def _verdict(satisfied: bool | None, say: Messages) -> str:
    if satisfied is None:
        return ""
    return say("escalations.yes") if satisfied else say("escalations.no")


def _cut(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[: width - 1] + "…"
