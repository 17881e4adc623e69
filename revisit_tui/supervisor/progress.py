"""A small progress bar on stderr for long supervisor runs, shown only on a terminal.

In cron (stderr not a TTY) it prints nothing, so logs stay quiet.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TextIO, TypeVar

T = TypeVar("T")
BAR_WIDTH = 30
REDRAW_SECONDS = 0.1


class Progress:
    """`with Progress("creating tasks", total) as bar: bar.advance(n)`; silent off a terminal."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled and self.stream.isatty()
        self._drawn_at = 0.0
        self._lock = threading.Lock()  # lists may be read by several threads at once

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._draw(force=True)
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, amount: int = 1) -> None:
        """Count `amount` more items done (from any thread); redraw at most ten times a second."""
        with self._lock:
            self.done += amount
            self._draw()

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield the items, counting each one."""
        for item in items:
            self.advance()
            yield item

    def line(self) -> str:
        """The bar as text: label, bar (when the total is known) and counts."""
        if not self.total:
            return f"{self.label}: {self.done}"
        filled = min(BAR_WIDTH, BAR_WIDTH * self.done // self.total)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total}"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW_SECONDS:
            return
        self._drawn_at = now
        self.stream.write("\r" + self.line())
        self.stream.flush()
