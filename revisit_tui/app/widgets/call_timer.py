"""The call's running time: the time the call screen has been open, over every opening of the
call (a draft resumed after the app was closed goes on from where it stopped), read from the
app's clock so a fixed clock gives a fixed display."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.widgets import Static


def elapsed_text(seconds: int) -> str:
    """Minutes and seconds (hours once past one), never negative."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes:02}:{seconds:02}"


class CallClock:
    """Seconds on the call: those counted before this opening plus those since it."""

    def __init__(self, counted: int, clock: Callable[[], datetime]) -> None:
        self.counted = counted
        self.clock = clock
        self.opened_at = clock()

    def seconds(self) -> int:
        return self.counted + max(0, int((self.clock() - self.opened_at).total_seconds()))


class CallTimer(Static):
    """Shows the time on the call, refreshed every second."""

    def __init__(self, call_clock: CallClock, *, id: str | None = None) -> None:
        super().__init__(elapsed_text(call_clock.seconds()), id=id)
        self.call_clock = call_clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.update(elapsed_text(self.call_clock.seconds()))
