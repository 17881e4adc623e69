"""Reading several lists side by side, so the server answers one while this process parses another.

Every call of a `SideBySide` block is waited for when the block ends, also when one of them (or
the block) failed: a thread still inside the network stack when the interpreter shuts down can
abort the process ("FATAL: exception not rethrown") instead of letting it exit with its message.
Only Ctrl+C leaves at once; the command then ends through `os._exit` (see `script.run`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_abandoned = threading.Event()


def calls_abandoned() -> bool:
    """Whether Ctrl+C left a block while some of its calls were still running."""
    return _abandoned.is_set()


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

    def wait(self) -> None:
        """Wait for the call to end, in short steps so the main thread sees Ctrl+C at once."""
        while self._thread.is_alive():
            self._thread.join(0.1)

    def running(self) -> bool:
        return self._thread.is_alive()

    def result(self) -> T:
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class SideBySide:
    """`with SideBySide() as calls: calls.start(f)`: every call has ended when the block ends."""

    def __init__(self) -> None:
        self._pending: list[Pending[object]] = []

    def start(self, call: Callable[[], T]) -> Pending[T]:
        pending = Pending(call)
        self._pending.append(pending)  # type: ignore[arg-type]
        return pending

    def __enter__(self) -> SideBySide:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            if any(pending.running() for pending in self._pending):
                _abandoned.set()
            return
        for pending in self._pending:
            pending.wait()
