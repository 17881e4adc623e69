"""Lists read side by side: a refusal of one read ends the command only after the others ended.

A reader thread still inside the network stack at interpreter exit aborted `build_queue.py`
after a 403 ("FATAL: exception not rethrown", exit -6) instead of exit 1 with the message.
"""

from __future__ import annotations

import threading
import time

import pytest

from revisit_tui.supervisor.background import SideBySide


def test_a_failing_call_leaves_the_block_only_after_the_others_ended():
    ended = threading.Event()

    def slow() -> int:
        time.sleep(0.5)
        ended.set()
        return 1

    def refused() -> int:
        raise PermissionError("403")

    with pytest.raises(PermissionError), SideBySide() as calls:
        calls.start(slow)
        calls.start(refused).result()
    assert ended.is_set(), "the block ended while a call was still running"


def test_results_come_back_in_the_order_asked():
    with SideBySide() as calls:
        first = calls.start(lambda: "a")
        second = calls.start(lambda: "b")
        assert (first.result(), second.result()) == ("a", "b")
