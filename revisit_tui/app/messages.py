"""Messages between the app shell and its screens: workers post them, handlers change state."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class LocaleChanged(Message):
    """F2 switched the UI language; posted to every screen on the stack to re-render texts."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale


class SyncFinished(Message):
    """A sync round ended (in the sync worker); `state` is the client's SyncState."""

    def __init__(self, state: Any) -> None:
        super().__init__()
        self.state = state
