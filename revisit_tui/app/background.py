"""Network calls from thread workers that a quitting app does not wait for.

A thread worker's own thread is joined when the process exits, so one waiting on a hung server
would hold the terminal for the request's whole timeout. `abandonable` runs the call on a
daemon thread instead and waits for it only while the worker is not cancelled (the app
cancels its workers when it quits). What such a call writes locally is crash-safe (journal,
atomic replace), so the process may end in the middle of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from textual.worker import get_current_worker

T = TypeVar("T")

POLL_SECONDS = 0.05


class Abandoned(Exception):
    """The worker was cancelled (the app is quitting) while the call was still running."""


def abandonable(call: Callable[[], T], name: str) -> T:
    """`call()`'s result (or its exception), from a daemon thread named `name`; raises
    Abandoned as soon as the current worker is cancelled."""
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the waiting worker as it is
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    worker = get_current_worker()
    while not done.wait(POLL_SECONDS):
        if worker.is_cancelled:
            raise Abandoned(name)
    if failure:
        raise failure[0]
    return outcome[0]
