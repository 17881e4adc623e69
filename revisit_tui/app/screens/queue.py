"""The queue: the agent's tasks, what to call next first; filters, search, open a call or SMS."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Input, Static

from revisit_tui.app.queue_rows import (
    QueueFilter,
    QueueRow,
    build_rows,
    cells,
    select,
    start_notice,
    sync_marks,
)
from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.widgets.queue_table import QueueHeader, QueueTable
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.domain.models import Outcome


class QueueScreen(LocalizedScreen[None]):
    """The agent's home screen."""

    CSS_PATH = "queue.tcss"
    AUTO_FOCUS = "#queue-table"  # not the (hidden) search box: one focus change at start
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "open_call", "key.open", priority=True, tooltip="hint.open", id="queue.open"
        ),
        Binding("s", "open_sms", "key.sms", tooltip="hint.sms", id="queue.sms"),
        Binding("k", "cycle_kind", "key.kind", tooltip="hint.kind", id="queue.kind"),
        Binding("o", "toggle_overdue", "key.overdue", tooltip="hint.overdue", id="queue.overdue"),
        Binding(
            "c", "toggle_callable", "key.callable", tooltip="hint.callable", id="queue.callable"
        ),
        Binding("slash", "search", "key.search", tooltip="hint.search", id="queue.search"),
        Binding("f5,r", "refresh", "key.refresh", tooltip="hint.refresh", id="queue.refresh"),
        Binding("d", "app.my_day", "key.myday", tooltip="hint.myday", id="queue.my_day"),
        Binding(
            "escape",
            "clear_search",
            "key.clear",
            show=False,
            tooltip="hint.clear",
            id="queue.clear_search",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.queue_filter = QueueFilter()
        self.rows: list[QueueRow] = []
        self.shown: list[QueueRow] = []
        self._marks: dict[str, str] = {}
        self._dirty = False
        self._revision = -1  # the app's store_revision the rows were built from

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title")
        yield Input(id="queue-search")
        yield Static(id="queue-filters")
        yield QueueHeader(id="queue-header")
        yield QueueTable(id="queue-table")
        yield Static(id="queue-empty")
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(QueueHeader).show(self.t)
        self.load()
        self.watch(self.shell, "store_revision", self._store_changed, init=False)

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    @property
    def current(self) -> QueueRow | None:
        """The task under the cursor."""
        return self.table.current

    def load(self) -> None:
        """Re-read the cached queue and the outbox marks from the store, then refilter."""
        self._dirty = False
        self._revision = self.shell.store_revision
        store = self.shell.store
        snapshot = store.queue() if store is not None else None
        items = snapshot.items if snapshot is not None else []
        self.rows = build_rows(items, self.shell.clock(), self.shell.policy)
        if store is not None:
            self._marks = dict(
                sync_marks(
                    (item.task_id for item in store.pending()),
                    (item.task_id for item in store.needs_attention()),
                )
            )
        self.refilter()

    def refilter(self) -> None:
        """Show the rows the filters accept (no recomputation of the rows themselves)."""
        now = self.shell.clock()
        self.shown = select(self.rows, self.queue_filter)
        self.table.show(
            self.shown, lambda row: cells(row, now, self._marks.get(row.task_id), self.t)
        )
        self.relabel_bars()

    def relabel_bars(self) -> None:
        agent = self.shell.agent
        title = self.t("app.title") + " · " + self.t("queue.title")
        self.query_one("#queue-title", Static).update(
            Content(title + (f" · {agent.name}" if agent else ""))
        )
        parts = [self.t("queue.count", shown=len(self.shown), total=len(self.rows))]
        f = self.queue_filter
        if f.kind is not None:
            parts.append(self.t("queue.filter_kind", kind=self.t(f"kind.{f.kind.value}")))
        if f.overdue_only:
            parts.append(self.t("queue.filter_overdue"))
        if f.callable_only:
            parts.append(self.t("queue.filter_callable"))
        if f.search:
            parts.append(self.t("queue.filter_search", text=f.search))
        self.query_one("#queue-filters", Static).update(Content(" · ".join(parts)))
        empty = self.query_one("#queue-empty", Static)
        empty.update(self.t("queue.empty"))
        empty.display = not self.shown
        self.query_one("#queue-search", Input).placeholder = self.t("queue.search_placeholder")

    def relabel(self) -> None:
        self.query_one(QueueHeader).show(self.t)
        self.refilter()

    def _store_changed(self, revision: int) -> None:
        if revision == self._revision:
            return
        if self.is_current:
            self.load()
        else:
            self._dirty = True

    def on_screen_resume(self) -> None:
        if self._dirty:
            self.load()

    # --- actions ---------------------------------------------------------------------------

    def action_open_call(self) -> None:
        """Enter: the call screen for the task under the cursor (or leave the search box)."""
        if self.query_one("#queue-search", Input).has_focus:
            self.set_focus(self.table)
            return
        row = self.current
        if row is None:
            self.notify(self.t("queue.no_selection"))
            return
        held = start_notice(row, self.shell.clock(), self.shell.policy, self.t)
        if held is not None:
            self.notify(held, severity="warning", timeout=8)
            return
        from revisit_tui.app.screens.call import CallScreen

        self.app.push_screen(CallScreen(row.item), self._back_from_task)

    def action_open_sms(self) -> None:
        """s: the SMS screen for the task under the cursor."""
        row = self.current
        if row is None:
            self.notify(self.t("queue.no_selection"))
            return
        from revisit_tui.app.screens.sms import SmsScreen

        self.app.push_screen(SmsScreen(row.item), self._back_from_task)

    def _back_from_task(self, result: Any) -> None:
        """Back from a call or SMS; after a submitted call the cursor goes to the next task to
        call (the rows below it first), never to the one just recorded."""
        self.load()
        if isinstance(result, Outcome):
            self.table.move_to(self._next_after(result.task_id))

    def _next_after(self, task_id: str) -> int:
        ids = [row.task_id for row in self.shown]
        start = ids.index(task_id) + 1 if task_id in ids else self.table.cursor_row
        order = list(range(start, len(ids))) + list(range(start))
        waiting = (i for i in order if ids[i] != task_id and ids[i] not in self._marks)
        return next(waiting, self.table.cursor_row)

    def action_cycle_kind(self) -> None:
        """k: all kinds → each kind → all."""
        self._set_filter(kind=self.queue_filter.next_kind())

    def action_toggle_overdue(self) -> None:
        """o: overdue tasks only, or all."""
        self._set_filter(overdue_only=not self.queue_filter.overdue_only)

    def action_toggle_callable(self) -> None:
        """c: tasks callable now only, or all."""
        self._set_filter(callable_only=not self.queue_filter.callable_only)

    def action_search(self) -> None:
        """/: search by name, last 4 digits of the phone, or task id."""
        search = self.query_one("#queue-search", Input)
        search.display = True
        self.set_focus(search)

    def action_clear_search(self) -> None:
        """Escape: clear the search and go back to the table."""
        search = self.query_one("#queue-search", Input)
        search.value = ""
        search.display = False
        self.set_focus(self.table)

    def action_refresh(self) -> None:
        """F5: pull the queue now (through the sync worker)."""
        self.shell.action_sync_now()

    @on(Input.Changed, "#queue-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_filter(search=event.value.strip())

    def _set_filter(self, **changes: Any) -> None:
        self.queue_filter = replace(self.queue_filter, **changes)
        self.refilter()
