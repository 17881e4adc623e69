"""Ctrl+Q quits within a second even while a sync round, or a call's lease request, waits on a
hung server."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("where", ["queue", "call"])
def test_ctrl_q_quits_within_a_second_while_the_server_hangs(where: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.app.quit_app", where],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "quitting"
        pressed = time.monotonic()
        assert child.stdout.readline().strip() == "quit"  # the terminal is the shell's again
        took = time.monotonic() - pressed
        child.wait(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    assert took < 1.0, f"the app took {took:.1f} s to quit"
