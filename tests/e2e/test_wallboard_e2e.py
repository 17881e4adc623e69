"""`revisit wallboard` in an 80×24 tmux pane beside the real `revisit demo`: a supervisor
watches the demo agent's call arrive, then the API stop, with the board kept and dated."""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_EXIT, Tmux, demo_command
from tests.e2e.test_demo_e2e import no_answer_call, open_queue, quit_app

pytestmark = pytest.mark.e2e

DEMO_AGENT = "李晓雯"
SUPERVISOR = "supervisor"
# the demo agent's row on the agents pane: name, on shift, signed in, last sync, calls
AGENT_ROW = re.compile(rf"{DEMO_AGENT}\s+yes\s+yes\s+\d\d:\d\d\s+(\d+)\s")


def wallboard_command(demo_dir: Path, refresh: int) -> str:
    """`revisit wallboard` on the demo's API with the demo supervisor's token file, in its
    own data directory, as a supervisor would run it."""
    state = json.loads((demo_dir / "demo.json").read_text())
    tokens = json.loads((demo_dir / "tokens.json").read_text())
    token_file = demo_dir / "supervisor.token"
    token_file.write_text(tokens[SUPERVISOR])
    os.chmod(token_file, 0o600)
    home = demo_dir / "supervisor-home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "REVISIT_CONFIG": os.devnull,
        "LANG": "C.UTF-8",
    }
    wallboard = [
        sys.executable, "-m", "revisit_tui.cli", "wallboard",
        "--server", f"http://127.0.0.1:{state['port']}",
        "--token-file", str(token_file), "--lang", "en", "--refresh", str(refresh),
    ]  # fmt: skip
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f"env {assignments} {shlex.join(wallboard)}"


def calls_of_the_demo_agent(tmux: Tmux) -> int:
    match = AGENT_ROW.search(tmux.wait_for(AGENT_ROW.pattern))
    assert match, tmux.screen()
    return int(match.group(1))


def test_the_wallboard_follows_the_demo_live_then_keeps_its_last_board(
    tmux: Tmux, demo_dir: Path
) -> None:
    tmux.start(demo_command(demo_dir, "--locale", "en"))
    open_queue(tmux, "en")
    demo = tmux.target

    tmux.start(wallboard_command(demo_dir, refresh=2))
    board = tmux.target
    screen = tmux.wait_for(r"as of \d\d:\d\d:\d\d  ·  live", timeout=30)
    assert "Traceback" not in screen
    assert re.search(r"New acct\s+\d+\s+\d+\s+\d+", screen), screen
    tmux.send("2")
    before = calls_of_the_demo_agent(tmux)  # the demo agent's app is polling: signed in

    tmux.target = demo
    no_answer_call(tmux, "en")
    tmux.target = board
    tmux.wait_for(rf"{DEMO_AGENT}\s+yes\s+yes\s+\d\d:\d\d\s+{before + 1}\s", timeout=20)

    tmux.target = demo
    quit_app(tmux, demo_dir)  # the demo stops its API
    tmux.target = board
    screen = tmux.wait_for(r"OFFLINE", timeout=20)
    assert re.search(r"as of \d\d:\d\d:\d\d", screen), screen
    assert AGENT_ROW.search(screen), "the last board stays on screen"
    tmux.send("1")
    assert re.search(r"New acct\s+\d+", tmux.wait_for("New acct")), tmux.screen()
    tmux.send("q")
    assert DEMO_EXIT + "0" in tmux.wait_for(DEMO_EXIT + r"\d+")
