"""The call screen: customer card beside the script stepper; the agent records as they talk."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from revisit_tui.domain.models import Outcome, QueueItem


class CallScreen(Screen[Outcome | None]):
    """One attempt at a task; dismisses with the submitted Outcome, or None when left."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back", show=True)]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        yield Static(self.item.customer.name, id="call-header")
        yield Footer()

    def action_leave(self) -> None:
        """Leave the call; the draft stays for a later resume."""
        self.dismiss(None)
