"""The identity check: the agent types the ID number the customer says and learns whether it
is the bank's, from a salted digest (prefetched, or asked of the server), never the number.
Closing answers the last result, which the call records as its ID-number contact check."""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input

from revisit_tui.app.screens.base import LocalizedModal
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.domain import identity
from revisit_tui.domain.models import IdentityCheck, QueueItem


class IdentityCheckScreen(LocalizedModal[bool | None]):
    """Type, Enter: matches or not. Nothing typed is sent or kept; closing answers whether
    the last number checked matched (None: nothing was checked)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../widgets/call_widgets.tcss", "call.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "key.back", tooltip="call.hint.identity_close", id="identity.close"
        ),
    ]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item
        self.result_key = "call.identity.type"
        self.matched: bool | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="identity-box"):
            yield Prose(id="identity-title")
            yield Input(id="identity-input", max_length=32)
            yield Prose(id="identity-result")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.relabel()
        self.set_focus(self.query_one(Input))

    def relabel(self) -> None:
        self.query_one("#identity-title", Prose).update(self.t("call.identity.title"))
        self.query_one("#identity-result", Prose).update(self.t(self.result_key))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._show("call.identity.checking")
            self._verify(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="identity")
    def _verify(self, spoken: str) -> None:
        """The check comes from the prefetch, else from the server; hashing is slow on
        purpose (~0.1 s), so it runs here, off the UI thread."""
        from revisit_tui.app.background import Abandoned, abandonable

        try:
            check = abandonable(self._check, "identity-check")
        except Abandoned:
            return
        if isinstance(check, str):
            self.app.call_from_thread(self._show, check)
            return
        self.app.call_from_thread(self._checked, identity.matches(check, spoken))

    def _check(self) -> IdentityCheck | str:
        """The task's check, or the locale key saying why there is none."""
        from revisit_tui.client.api import ApiError, Unreachable

        store, api = self.shell.store, self.shell.api
        held = store.prefetched(self.item.task.id) if store is not None else None
        if held is not None and held.identity_check is not None:
            return held.identity_check
        if api is None:
            return "call.identity.offline"
        try:
            return api.identity_check(self.item.task.id)
        except Unreachable:
            return "call.identity.offline"
        except ApiError as exc:
            return "call.identity.none" if exc.status == 404 else "call.identity.refused"

    def _checked(self, matched: bool) -> None:
        self.matched = matched
        self._show("call.identity.match" if matched else "call.identity.no_match")

    def _show(self, key: str) -> None:
        self.result_key = key
        self.relabel()

    def action_close(self) -> None:
        self.dismiss(self.matched)
