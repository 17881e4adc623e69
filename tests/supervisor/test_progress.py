"""The progress bar draws on a terminal and stays silent in cron (stderr not a TTY)."""

from __future__ import annotations

import io

from revisit_tui.supervisor.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_drawn_on_a_terminal():
    screen = Terminal()
    with Progress("creating tasks", 4, stream=screen) as bar:
        list(bar.track(range(4)))
    assert screen.getvalue().endswith("\rcreating tasks [" + "#" * 30 + "] 4/4\n")


def test_nothing_is_written_off_a_terminal_or_when_disabled():
    log = io.StringIO()
    with Progress("creating tasks", 4, stream=log) as bar:
        bar.advance(4)
    screen = Terminal()
    with Progress("reading", stream=screen, enabled=False) as bar:
        bar.advance()
    assert log.getvalue() == "" and screen.getvalue() == ""
