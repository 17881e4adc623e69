"""The wallboard's panes: each renders its part of a Wallboard in the app's locale.

Panes are given the board and a translator (attributes down) and hold no state of their own
beyond what they show; the app decides which pane is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from revisit_tui.domain.wallboard import Wallboard

Translate = Callable[..., str]
BARS = " ▁▂▃▄▅▆▇█"
NAME_WIDTH = 16  # cells for a name: a long one ends with an ellipsis, the row fits 80 columns


def handle_time(seconds: int | None) -> str:
    """Seconds as m:ss; a dash without calls."""
    if seconds is None:
        return "–"
    return f"{seconds // 60}:{seconds % 60:02d}"


def clock_time(moment: datetime | None, zone: tzinfo) -> str:
    """HH:MM in the centre's time zone; a dash for never."""
    return moment.astimezone(zone).strftime("%H:%M") if moment else "–"


def hour_bars(calls: list[int]) -> str:
    """One bar per hour, three cells wide, scaled to the busiest hour."""
    peak = max(calls, default=0)
    cells = []
    for count in calls:
        level = 0 if not peak else max(1 if count else 0, round(count / peak * (len(BARS) - 1)))
        cells.append(BARS[level] * 2 + " ")
    return "".join(cells).rstrip()


HOUR_LABELS = "".join(f"{hour:<3d}" if hour % 3 == 0 else "   " for hour in range(24)).rstrip()


class OverviewPane(Vertical):
    """Progress per kind, escalations per urgency, new accounts at risk, calls per hour."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="kinds", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="overview-lower"):
            yield DataTable(id="urgency", cursor_type="row")
            yield Static(id="risk")
        yield Static(id="hours")
        yield Static(id="floor-summary")

    def show(self, board: Wallboard, t: Translate, zone: tzinfo) -> None:
        kinds = self.query_one("#kinds", DataTable)
        kinds.clear(columns=True)
        kinds.add_columns(
            t("wallboard.kinds.kind"),
            t("wallboard.kinds.attempted"),
            t("wallboard.kinds.done"),
            t("wallboard.kinds.remaining"),
            t("wallboard.kinds.due_today"),
            t("wallboard.kinds.overdue"),
        )
        for line in board.kinds:
            kinds.add_row(
                t(f"kind.{line.kind.value}"),
                *_numbers(line.attempted, line.done, line.remaining, line.due_today),
                _late(line.overdue),
                key=line.kind.value,
            )
        kinds.add_row(
            Text(t("wallboard.kinds.total"), style="bold"),
            *_numbers(
                sum(line.attempted for line in board.kinds),
                sum(line.done for line in board.kinds),
                sum(line.remaining for line in board.kinds),
                sum(line.due_today for line in board.kinds),
            ),
            _late(sum(line.overdue for line in board.kinds)),
            key="total",
        )
        urgency = self.query_one("#urgency", DataTable)
        urgency.clear(columns=True)
        urgency.add_columns(
            t("wallboard.urgency.urgency"),
            t("wallboard.urgency.open"),
            t("wallboard.urgency.overdue"),
            t("wallboard.urgency.next_deadline"),
        )
        for level in board.escalations:
            urgency.add_row(
                t(f"call.urgency.{level.urgency.value}"),
                *_numbers(level.open),
                _late(level.overdue),
                _deadline(level.next_deadline, zone),
                key=level.urgency.value,
            )
        risk = board.new_accounts_at_risk
        self.query_one("#risk", Static).update(
            Text.assemble(
                (t("wallboard.risk.title"), "bold"),
                "\n",
                _late(risk.overdue),
                f" {t('wallboard.risk.overdue')}\n",
                (str(risk.due_today), "bold yellow" if risk.due_today else ""),
                f" {t('wallboard.risk.due_today')}\n",
                str(risk.due_next_working_day),
                f" {t('wallboard.risk.due_next', day=risk.next_working_day.strftime('%m-%d'))}",
            )
        )
        calls = [hour.calls for hour in board.calls_by_hour]
        busiest = max(board.calls_by_hour, key=lambda hour: hour.calls, default=None)
        peak = (
            t("wallboard.hours.peak", calls=busiest.calls, hour=busiest.hour)
            if busiest and busiest.calls
            else t("wallboard.hours.none")
        )
        self.query_one("#hours", Static).update(
            Text.assemble(
                (t("wallboard.hours.title"), "bold"),
                f"  {peak}\n",
                (hour_bars(calls), "green"),
                "\n",
                (HOUR_LABELS, "dim"),
            )
        )
        self.query_one("#floor-summary", Static).update(floor_summary(board, t))


def floor_summary(board: Wallboard, t: Translate) -> str:
    """One line: agents signed in, calls today, the floor's average handle time, outbox."""
    handled = [
        (agent.average_handle_seconds, agent.calls_today)
        for agent in board.agents
        if agent.average_handle_seconds is not None
    ]
    calls = sum(count for _, count in handled)
    average = round(sum(seconds * count for seconds, count in handled) / calls) if calls else None
    return t(
        "wallboard.agents.summary",
        signed_in=sum(agent.signed_in for agent in board.agents),
        agents=len(board.agents),
        calls=sum(agent.calls_today for agent in board.agents),
        handle=handle_time(average),
        outbox=sum(agent.outbox_pending or 0 for agent in board.agents),
    )


class AgentsPane(Vertical):
    """Every agent: on shift, signed in, last sync, calls, reached, handle time, outbox."""

    def compose(self) -> ComposeResult:
        yield Static(id="agents-summary")
        yield DataTable(id="agents", cursor_type="row", zebra_stripes=True)

    def show(self, board: Wallboard, t: Translate, zone: tzinfo) -> None:
        self.query_one("#agents-summary", Static).update(floor_summary(board, t))
        table = self.query_one("#agents", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column(t("wallboard.agents.name"), width=NAME_WIDTH)
        table.add_columns(
            t("wallboard.agents.on_shift"),
            t("wallboard.agents.signed_in"),
            t("wallboard.agents.last_sync"),
            t("wallboard.agents.calls"),
            t("wallboard.agents.reached"),
            t("wallboard.agents.handle"),
            t("wallboard.agents.outbox"),
        )
        yes, no = t("wallboard.agents.yes"), t("wallboard.agents.no")
        for agent in board.agents:
            pending = agent.outbox_pending
            table.add_row(
                Text(agent.name, overflow="ellipsis", no_wrap=True),
                yes if agent.on_shift else no,
                Text(yes, style="bold green") if agent.signed_in else Text(no, style="dim"),
                clock_time(agent.last_sync_at, zone),
                *_numbers(agent.calls_today, agent.reached_today),
                Text(handle_time(agent.average_handle_seconds), justify="right"),
                Text(
                    "–" if pending is None else str(pending),
                    justify="right",
                    style="bold yellow" if pending else "",
                ),
                key=agent.agent_id,
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))


class EscalationsPane(Vertical):
    """Unresolved escalations nearest their deadline (past ones marked)."""

    def compose(self) -> ComposeResult:
        yield Static(id="deadlines-title")
        yield DataTable(id="deadlines", cursor_type="row", zebra_stripes=True)

    def show(self, board: Wallboard, t: Translate, zone: tzinfo, now: datetime) -> None:
        waiting = sum(level.open for level in board.escalations)
        title = t("wallboard.deadlines.title") if waiting else t("wallboard.deadlines.none")
        self.query_one("#deadlines-title", Static).update(Text(title, style="bold"))
        table = self.query_one("#deadlines", DataTable)
        table.clear(columns=True)
        table.add_columns(
            t("wallboard.deadlines.deadline"),
            t("wallboard.deadlines.urgency"),
            t("wallboard.deadlines.category"),
        )
        table.add_column(t("wallboard.deadlines.department"), width=NAME_WIDTH)
        table.add_column(t("wallboard.deadlines.agent"), width=NAME_WIDTH)
        table.add_column("")
        names = {agent.agent_id: agent.name for agent in board.agents}
        for case in board.nearest_deadlines:
            late = case.deadline < now
            table.add_row(
                _deadline(case.deadline, zone),
                t(f"call.urgency.{case.urgency.value}"),
                t(f"call.category.{case.category.value}"),
                Text(case.department, overflow="ellipsis", no_wrap=True),
                Text(names.get(case.agent_id, case.agent_id), overflow="ellipsis", no_wrap=True),
                Text(t("wallboard.deadlines.late"), style="bold red") if late else "",
                key=str(case.escalation_id),
            )


def _numbers(*values: int) -> list[Text]:
    return [Text(str(value), justify="right") for value in values]


def _late(count: int) -> Text:
    return Text(str(count), justify="right", style="bold red" if count else "")


def _deadline(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%m-%d %H:%M") if moment else "–"
