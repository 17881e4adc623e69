"""The call's running time, read from the app's clock so a fixed clock gives a fixed display."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.widgets import Static


def elapsed_text(started_at: datetime, now: datetime) -> str:
    """Minutes and seconds since the call started (hours once past one), never negative."""
    seconds = max(0, int((now - started_at).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes:02}:{seconds:02}"


class CallTimer(Static):
    """Shows the elapsed time of the call, refreshed every second."""

    def __init__(
        self, started_at: datetime, clock: Callable[[], datetime], *, id: str | None = None
    ) -> None:
        super().__init__(elapsed_text(started_at, clock()), id=id)
        self.started_at = started_at
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.update(elapsed_text(self.started_at, self.clock()))
