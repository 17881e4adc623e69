"""The SMS screen: a templated message for a customer the phone did not reach."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from revisit_tui.domain.models import QueueItem, SmsRequest


class SmsScreen(Screen[SmsRequest | None]):
    """Compose and queue one SMS; dismisses with the SmsRequest stored, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back", show=True)]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        yield Static(self.item.customer.name, id="sms-header")
        yield Footer()

    def action_leave(self) -> None:
        """Go back without sending."""
        self.dismiss(None)
