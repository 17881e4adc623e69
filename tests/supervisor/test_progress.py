"""The progress bar draws on a terminal and stays silent in cron (stderr not a TTY)."""

from __future__ import annotations

import io

from revisit_tui.supervisor.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_drawn_on_a_terminal():
    screen = Terminal()
    with Progress("queue.progress", 4, stream=screen, delay=0) as bar:
        list(bar.track(range(4)))
    assert screen.getvalue().endswith("\rcreating tasks [" + "#" * 30 + "] 4/4  0 s\x1b[K\n")


def test_nothing_is_written_off_a_terminal_or_when_disabled():
    log = io.StringIO()
    with Progress("queue.progress", 4, stream=log, delay=0) as bar:
        bar.advance(4)
    screen = Terminal()
    with Progress("common.reading", stream=screen, enabled=False, delay=0) as bar:
        bar.advance()
    assert log.getvalue() == "" and screen.getvalue() == ""
