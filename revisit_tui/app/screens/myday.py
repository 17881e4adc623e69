"""My day: what the agent did today, what waits to sync, and what the server refused — with a
way to fix a refused outcome's disposition or notes and resubmit it."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Input, Select, Static

from revisit_tui.app.screens.base import LocalizedModal, LocalizedScreen
from revisit_tui.app.widgets.status_line import StatusLine, clock_text
from revisit_tui.client.store import ItemKind, OutboxItem, WireItem
from revisit_tui.domain.models import Disposition, Outcome

# (locale key of the header, width in terminal cells)
COLUMNS = (
    ("myday.col_time", 5),
    ("myday.col_task", 8),
    ("myday.col_customer", 12),
    ("myday.col_disposition", 10),
    ("myday.col_reason", 33),
)


class MyDayScreen(LocalizedScreen[None]):
    """Today's counts and the list of refused items (Enter fixes the one under the cursor)."""

    CSS_PATH = "myday.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "fix", "key.resubmit", priority=True, tooltip="hint.fix"),
        Binding("escape", "back", "key.back", tooltip="hint.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.attention: list[OutboxItem] = []

    def compose(self) -> ComposeResult:
        yield Static(id="myday-title")
        yield Static(id="myday-counts")
        yield DataTable(id="myday-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="myday-none")
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch(self.shell, "store_revision", self._store_changed, init=False)
        self.load()

    def _store_changed(self, _revision: int) -> None:
        self.load()

    def load(self) -> None:
        """Re-read the counts and the refused items from the store and the day log."""
        store = self.shell.store
        self.attention = store.needs_attention() if store is not None else []
        self.relabel()

    def relabel(self) -> None:
        store = self.shell.store
        day_log = self.shell.day_log
        done = len(day_log.today(self.shell.today())) if day_log is not None else 0
        waiting = store.pending_count() if store is not None else 0
        self.query_one("#myday-title", Static).update(
            self.t("app.title") + " · " + self.t("myday.title")
        )
        self.query_one("#myday-counts", Static).update(
            "   ".join(
                (
                    self.t("myday.done_today", n=done),
                    self.t("myday.waiting", n=waiting),
                    self.t("myday.attention", n=len(self.attention)),
                )
            )
        )
        table = self.query_one("#myday-table", DataTable)
        table.clear(columns=True)
        for key, width in COLUMNS:
            table.add_column(self.t(key), width=width)
        names = self._customer_names()
        for item in self.attention:
            what = (
                self.t(f"disposition.{item.body.get('disposition', '')}")
                if item.kind is ItemKind.OUTCOME
                else self.t(f"myday.kind_{item.kind.value}")
            )
            cells = (
                clock_text(item.queued_at),
                item.task_id,
                names.get(item.task_id, ""),
                what,
                item.reason,
            )
            table.add_row(*(Text(cell) for cell in cells))
        none = self.query_one("#myday-none", Static)
        none.update(self.t("myday.none"))
        none.display = not self.attention
        table.display = bool(self.attention)

    def _customer_names(self) -> dict[str, str]:
        store = self.shell.store
        snapshot = store.queue() if store is not None else None
        if snapshot is None:
            return {}
        wanted = {item.task_id for item in self.attention}
        return {i.task.id: i.customer.name for i in snapshot.items if i.task.id in wanted}

    def action_fix(self) -> None:
        """Enter: edit the refused outcome under the cursor and resubmit it; a refused SMS or
        reveal record goes again as it is (e.g. once the customer's rest hours are over)."""
        table = self.query_one("#myday-table", DataTable)
        if not self.attention or not 0 <= table.cursor_row < len(self.attention):
            return
        item = self.attention[table.cursor_row]
        if item.unreadable_reason():
            self.notify(self.t("myday.unreadable"), severity="warning")
            return
        if item.kind is ItemKind.OUTCOME:
            self.app.push_screen(ResubmitScreen(item), self._resubmit)
        else:
            self._resubmit(item.model)

    def _resubmit(self, fixed: WireItem | None) -> None:
        if fixed is None or self.shell.store is None:
            return
        self.shell.store.resubmit(fixed)
        self.notify(self.t("myday.resubmitted"))
        self.shell.request_sync()

    def action_back(self) -> None:
        """Escape: back to the queue."""
        self.dismiss(None)


class ResubmitScreen(LocalizedModal[Outcome | None]):
    """Fix the disposition or notes of a refused outcome; dismisses with the corrected one."""

    CSS_PATH = "myday.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "key.resubmit", tooltip="hint.resubmit"),
        Binding("escape", "cancel", "key.back", tooltip="hint.back"),
    ]

    def __init__(self, item: OutboxItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        body = self.item.body
        with Vertical(id="resubmit-box"):
            yield Static(id="resubmit-title")
            yield Static(Content(self.item.reason), id="resubmit-reason")
            yield Static(id="resubmit-disposition-label")
            yield Select(
                [(d.value, d.value) for d in Disposition],
                value=body["disposition"],
                allow_blank=False,
                id="resubmit-disposition",
            )
            yield Static(id="resubmit-notes-label")
            yield Input(body.get("notes", ""), id="resubmit-notes")
            yield Static(id="resubmit-problem")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#resubmit-disposition", Select).focus()

    def relabel(self) -> None:
        self.query_one("#resubmit-title", Static).update(self.t("myday.edit_title"))
        self.query_one("#resubmit-disposition-label", Static).update(self.t("myday.disposition"))
        self.query_one("#resubmit-notes-label", Static).update(self.t("myday.notes"))
        select = self.query_one("#resubmit-disposition", Select)
        chosen = select.value
        select.set_options([(self.t(f"disposition.{d.value}"), d.value) for d in Disposition])
        select.value = chosen

    @on(Input.Submitted, "#resubmit-notes")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Ctrl+S: validate the corrected outcome; stay with a message if it is still wrong."""
        disposition = self.query_one("#resubmit-disposition", Select).value
        notes = self.query_one("#resubmit-notes", Input).value
        body = {**self.item.body, "disposition": disposition, "notes": notes}
        try:
            outcome = Outcome.model_validate(body)
        except ValidationError as exc:
            problem = "; ".join(
                ".".join(str(p) for p in err["loc"]) + ": " + err["msg"]
                if err["loc"]
                else err["msg"]
                for err in exc.errors()
            )
            self.query_one("#resubmit-problem", Static).update(
                Content(self.t("myday.invalid", problem=problem))
            )
            return
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        """Escape: leave it as it is."""
        self.dismiss(None)
