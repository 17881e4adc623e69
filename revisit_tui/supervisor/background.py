"""Reading several lists side by side on daemon threads, so Ctrl+C stops a run at once.

A thread pool's workers are joined when the pool closes and again when the interpreter exits,
so an interrupted run would wait for every list still being read; daemon threads are not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """A call running on its own daemon thread; `result()` waits for it (re-raising its error)."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> T:
        while self._thread.is_alive():
            self._thread.join(0.1)  # short waits: the main thread sees Ctrl+C at once
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def background(call: Callable[[], T]) -> Pending[T]:
    """Start `call` on a daemon thread."""
    return Pending(call)
