"""Ctrl+Q quits within a second even while a sync round, or a call's lease request, waits on a
hung server; the end of the agent's session (SIGHUP, SIGTERM) quits as Ctrl+Q does."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from revisit_tui.app.callform import CallForm
from revisit_tui.client.store import AgentStore
from tests.app.factory import make_item
from tests.app.hangup_app import AGENT_ID, OWN_HANDLER_STATUS, URL

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


@pytest.mark.parametrize(
    ("hangup", "own_handler"),
    [(signal.SIGHUP, False), (signal.SIGTERM, False), (signal.SIGHUP, True)],
    ids=["SIGHUP", "SIGTERM", "SIGHUP_own_handler"],
)
def test_the_end_of_the_session_keeps_the_time_on_the_call(
    hangup: signal.Signals, own_handler: bool
) -> None:
    """The SSH session drops (SIGHUP) three seconds into a call with no answer yet: the app
    saves what Ctrl+Q saves, then the signal does what it did before (ends the process, or
    runs the handler the process had, as the demo's that stops its API), and the call's
    draft keeps those seconds. The process used to die at once, its draft saying 0 s."""
    command = [sys.executable, "-m", "tests.app.hangup_app"]
    child = subprocess.Popen(
        [*command, "own-handler"] if own_handler else command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        data_dir = child.stdout.readline().strip()
        assert child.stdout.readline().strip() == "calling"
        time.sleep(3)
        child.send_signal(hangup)
        child.wait(timeout=30)
    finally:
        child.kill()
    expected = OWN_HANDLER_STATUS if own_handler else -hangup
    assert child.returncode == expected, child.stderr.read() if child.stderr else ""
    store = AgentStore.open(data_dir, URL, AGENT_ID)
    try:
        draft = store.draft(make_item(0).task.id)
    finally:
        store.close()
    assert draft is not None
    assert CallForm.from_draft(draft).on_call_seconds >= 3
