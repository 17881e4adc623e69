"""Messages between the app shell and its screens: workers post them, handlers change state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from revisit_tui.client.sync import SyncState


class LocaleChanged(Message):
    """F2 switched the UI language; posted to every screen on the stack to re-render texts."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale


class SyncFinished(Message):
    """A sync round ended (in the sync worker) with this state."""

    def __init__(self, state: SyncState) -> None:
        super().__init__()
        self.state = state
