"""My day: what the agent did today, what waits to sync, and what the server refused — and a
way out for every refusal: fix any field the server named and send it again under a new id
(recording the one it replaces), or discard it / hand it to a supervisor with a reason."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Select, Static

from revisit_tui.app.screens.base import LocalizedModal, LocalizedScreen
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.status_line import StatusLine, clock_text
from revisit_tui.client.durable import DiskError
from revisit_tui.client.store import AgentStore, ItemKind, OutboxItem, WireItem
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
        Binding("enter", "fix", "key.resubmit", priority=True, tooltip="hint.fix", id="myday.fix"),
        Binding("x", "discard(False)", "key.discard", tooltip="hint.discard", id="myday.discard"),
        Binding(
            "h", "discard(True)", "key.hand_over", tooltip="hint.hand_over", id="myday.hand_over"
        ),
        Binding("escape", "back", "key.back", tooltip="hint.back", id="myday.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.attention: list[OutboxItem] = []

    def compose(self) -> ComposeResult:
        yield Static(id="myday-title")
        yield Static(id="myday-counts")
        yield DataTable(id="myday-table", cursor_type="row", zebra_stripes=True)
        yield Prose(id="myday-none")
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
        none = self.query_one("#myday-none", Prose)
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

    def _selected(self) -> OutboxItem | None:
        table = self.query_one("#myday-table", DataTable)
        if not self.attention or not 0 <= table.cursor_row < len(self.attention):
            return None
        return self.attention[table.cursor_row]

    def action_fix(self) -> None:
        """Enter: edit the refused outcome under the cursor and send it under a new id; a
        refused SMS or reveal record goes again as it is (e.g. once rest hours are over)."""
        item = self._selected()
        if item is None:
            return
        if item.unreadable_reason():
            self.notify(self.t("myday.unreadable"), severity="warning")
            return
        if item.kind is ItemKind.OUTCOME:
            self.app.push_screen(ResubmitScreen(item), partial(self._replace, item))
        else:
            self._resubmit(item.model)

    def _replace(self, item: OutboxItem, fixed: Outcome | None) -> None:
        if fixed is None or self.shell.store is None:
            return
        self._write(lambda store: store.replace(item.id, fixed), "myday.resubmitted")

    def _resubmit(self, fixed: WireItem | None) -> None:
        if fixed is None or self.shell.store is None:
            return
        self._write(lambda store: store.resubmit(fixed), "myday.resubmitted")

    def action_discard(self, hand_over: bool) -> None:
        """x: discard the refused item; h: hand it to a supervisor (e.g. its task is gone).
        Either asks why; the item and the reason go to the store's discarded.log."""
        item = self._selected()
        if item is None:
            return
        self.app.push_screen(
            DiscardScreen(item, hand_over), partial(self._discarded, item, hand_over)
        )

    def _discarded(self, item: OutboxItem, hand_over: bool, reason: str | None) -> None:
        if not reason:
            return
        done = "myday.handed_over" if hand_over else "myday.discarded"
        self._write(lambda store: store.discard(item.id, reason, handed_over=hand_over), done)

    class Written(Message):
        """A change to the outbox is durably written; `done_key` says which."""

        def __init__(self, done_key: str) -> None:
            super().__init__()
            self.done_key = done_key

    class WriteFailed(Message):
        """A change to the outbox could not be written: nothing changed."""

        def __init__(self, error: DiskError) -> None:
            super().__init__()
            self.error = error

    @work(thread=True, exit_on_error=False, group="outbox_fix")
    def _write(self, change: Callable[[AgentStore], object], done_key: str) -> None:
        """Apply a change to the outbox (a durable write, off the UI thread); the handlers say
        what happened. Keys typed meanwhile wait for it (`KEY_HOLD_GROUPS`): the next Enter
        acts on the list as it is after this change."""
        store = self.shell.store
        assert store is not None
        try:
            change(store)
        except DiskError as error:
            self.post_message(self.WriteFailed(error))
            return
        self.post_message(self.Written(done_key))

    def on_my_day_screen_written(self, message: Written) -> None:
        self.notify(self.t(message.done_key))
        self.shell.request_sync()  # the list reloads with the store's revision

    def on_my_day_screen_write_failed(self, message: WriteFailed) -> None:
        self.shell.report_disk_error(message.error, "disk.sync")

    def action_back(self) -> None:
        """Escape: back to the queue."""
        self.dismiss(None)


class ResubmitScreen(LocalizedModal[Outcome | None]):
    """Fix a refused outcome: its disposition, notes and every other field the server named
    (a changed contact value, a callback time…); dismisses with the corrected one."""

    CSS_PATH = "myday.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "key.resubmit", tooltip="hint.resubmit", id="resubmit.save"),
        Binding("escape", "cancel", "key.back", tooltip="hint.back", id="resubmit.back"),
    ]

    def __init__(self, item: OutboxItem) -> None:
        super().__init__()
        self.item = item
        self.named = named_fields(item.body, item.reason)

    def compose(self) -> ComposeResult:
        body = self.item.body
        with Vertical(id="resubmit-box"):
            yield Prose(id="resubmit-title")
            yield Prose(self.item.reason, id="resubmit-reason")
            yield Prose(id="resubmit-disposition-label")
            yield Select(
                [(d.value, d.value) for d in Disposition],
                value=body["disposition"],
                allow_blank=False,
                id="resubmit-disposition",
            )
            yield Prose(id="resubmit-notes-label")
            yield Input(body.get("notes", ""), id="resubmit-notes")
            for n, (path, value) in enumerate(self.named):
                yield Static(Content(path), classes="resubmit-field-label")
                yield Input("" if value is None else str(value), id=f"resubmit-field-{n}")
            yield Prose(id="resubmit-problem")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#resubmit-disposition", Select).focus()

    def relabel(self) -> None:
        self.query_one("#resubmit-title", Prose).update(self.t("myday.edit_title"))
        self.query_one("#resubmit-disposition-label", Prose).update(self.t("myday.disposition"))
        self.query_one("#resubmit-notes-label", Prose).update(self.t("myday.notes"))
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
        body = json.loads(json.dumps(self.item.body))
        body.update(disposition=disposition, notes=notes)
        for n, (path, value) in enumerate(self.named):
            typed = self.query_one(f"#resubmit-field-{n}", Input).value
            _set_path(body, path, _like(value, typed))
        try:
            outcome = Outcome.model_validate(body)
        except ValidationError as exc:
            problem = "; ".join(
                ".".join(str(p) for p in err["loc"]) + ": " + err["msg"]
                if err["loc"]
                else err["msg"]
                for err in exc.errors()
            )
            self.query_one("#resubmit-problem", Prose).update(
                self.t("myday.invalid", problem=problem)
            )
            return
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        """Escape: leave it as it is."""
        self.dismiss(None)


class DiscardScreen(LocalizedModal[str | None]):
    """Asks why a refused item is discarded (or handed to a supervisor); dismisses with the
    reason, or None when the agent goes back."""

    CSS_PATH = "myday.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.back", tooltip="hint.back", id="discard.back"),
    ]

    def __init__(self, item: OutboxItem, hand_over: bool) -> None:
        super().__init__()
        self.item = item
        self.hand_over = hand_over

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-box"):
            yield Prose(id="discard-title")
            yield Prose(self.item.reason, id="discard-server-reason")
            yield Prose(id="discard-label")
            yield Input(id="discard-reason")
            yield Prose(id="discard-problem")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#discard-reason", Input).focus()

    def relabel(self) -> None:
        title = "myday.hand_over_title" if self.hand_over else "myday.discard_title"
        self.query_one("#discard-title", Prose).update(self.t(title))
        self.query_one("#discard-label", Prose).update(self.t("myday.discard_reason"))

    @on(Input.Submitted, "#discard-reason")
    def _submitted(self) -> None:
        reason = self.query_one("#discard-reason", Input).value.strip()
        if not reason:
            self.query_one("#discard-problem", Prose).update(self.t("myday.need_reason"))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Escape: keep the item."""
        self.dismiss(None)


_PATH = re.compile(r"[a-z_]+(?:\.(?:[0-9]+|[a-z_]+))+|[a-z_]+")


def named_fields(body: dict[str, Any], reason: str) -> list[tuple[str, Any]]:
    """The body's scalar fields the server's reason names (e.g. contact_checks.0.new_value,
    callback_at), with their values; disposition and notes have their own inputs."""
    found: dict[str, Any] = {}
    for match in _PATH.finditer(reason):
        path = re.sub(r"^outcomes\.[0-9]+\.", "", match.group())
        if path in ("disposition", "notes") or path in found:
            continue
        value = _get_path(body, path)
        if value is not _MISSING and not isinstance(value, dict | list):
            found[path] = value
    return list(found.items())


_MISSING = object()


def _get_path(body: Any, path: str) -> Any:
    node = body
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _set_path(body: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _like(old: Any, typed: str) -> Any:
    """What the agent typed, as the kind of value the field held (a number stays a number,
    an empty text clears an optional field)."""
    if isinstance(old, bool):
        return typed.strip().lower() in ("true", "yes", "1")
    if isinstance(old, int):
        try:
            return int(typed)
        except ValueError:
            return typed
    if old is None and not typed.strip():
        return None
    return typed
