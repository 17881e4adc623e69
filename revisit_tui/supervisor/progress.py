"""A progress line on stderr for every step of a supervisor command that takes over a second.

A step names itself by a message key (`Progress("queue.progress", total)`), printed in the
command's language (`speak`, set by `script.run`). The line appears once the step has run
for `DELAY_SECONDS` and is redrawn by a ticker thread, so a step that only waits for the
server (a report's aggregates) still shows it is alive, with the seconds spent. Off a
terminal (cron) it prints nothing, so logs stay quiet.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TextIO, TypeVar

from revisit_tui.supervisor.messages import FALLBACK, Messages

T = TypeVar("T")
BAR_WIDTH = 30
DELAY_SECONDS = 1.0  # a step quicker than this draws nothing
REDRAW_SECONDS = 0.2
CLEAR_TO_END = "\x1b[K"  # a shorter line leaves nothing of the longer one before it

_messages = [Messages(FALLBACK)]


def speak(say: Messages) -> None:
    """Print the steps' labels in `say`'s language from now on."""
    _messages[0] = say


class Progress:
    """`with Progress("queue.progress", total) as bar: bar.advance(n)`; silent off a terminal
    and for steps that end within DELAY_SECONDS."""

    def __init__(
        self,
        key: str,
        total: int | None = None,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        delay: float | None = None,
    ) -> None:
        self.label = _messages[0](key)
        self.total = total
        self.done = 0
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled and self.stream.isatty()
        self.delay = DELAY_SECONDS if delay is None else delay
        self._started = 0.0
        self._drawn = False
        self._lock = threading.Lock()  # counted from several threads, drawn by the ticker
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.enabled:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self._drawn or (self.enabled and time.monotonic() - self._started >= self.delay):
                self.stream.write(f"\r{self.line()}{CLEAR_TO_END}\n")
                self.stream.flush()

    def advance(self, amount: int = 1) -> None:
        """Count `amount` more items done (from any thread)."""
        with self._lock:
            self.done += amount

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield the items, counting each one."""
        for item in items:
            self.advance()
            yield item

    def line(self) -> str:
        """The step as text: label, bar (when the total is known), counts, seconds spent."""
        seconds = f"{time.monotonic() - self._started:.0f} s"
        if not self.total:
            counted = f" {self.done}" if self.done else ""
            return f"{self.label}…{counted}  {seconds}"
        filled = min(BAR_WIDTH, BAR_WIDTH * self.done // self.total)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total}  {seconds}"

    def _tick(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            with self._lock:
                self.stream.write(f"\r{self.line()}{CLEAR_TO_END}")
                self.stream.flush()
                self._drawn = True
            if self._stop.wait(REDRAW_SECONDS):
                return
