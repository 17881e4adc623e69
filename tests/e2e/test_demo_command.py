"""`revisit demo` says clearly what went wrong before any app starts, and cleans up after; a
kept demo started again at once gets its port back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from revisit_tui.demo.command import STATE_FILE, _kept_port


def test_a_busy_port_is_named_and_the_kept_directory_is_reported(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "revisit_tui.cli", "demo", "--keep", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "REVISIT_DEMO_DIR": str(demo_dir), "REVISIT_CONFIG": os.devnull},
        )
    assert done.returncode == 1
    assert "the API did not start" in done.stderr and str(port) in done.stderr
    assert f"kept in {demo_dir}" in done.stdout
    assert not (demo_dir / "tokens.json").exists(), "nothing loaded: the next run starts afresh"
    assert oct((demo_dir).stat().st_mode & 0o777) == "0o700"


def linger_in_time_wait(port: int) -> None:
    """Leave a connection of `port`'s listener in TIME_WAIT, as the API's connections are
    for a minute after it stops: the listener's side closes first."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        with socket.create_connection(("127.0.0.1", port)) as client:
            served, _ = listener.accept()
            served.close()
            client.recv(1)


def test_the_kept_port_is_reused_while_the_last_runs_connections_linger(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    linger_in_time_wait(port)
    (tmp_path / STATE_FILE).write_text(json.dumps({"port": port, "pid": 2**22 + 1}))
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the old probe did: "busy", a new port
    assert _kept_port(tmp_path) == port


def test_a_second_demo_on_the_same_data_is_refused_with_what_to_do(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    demo_dir.mkdir(mode=0o700)
    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "demo"])
    try:
        (demo_dir / STATE_FILE).write_text(json.dumps({"port": 9, "pid": first.pid}))
        done = subprocess.run(
            [sys.executable, "-m", "revisit_tui.cli", "demo", "--keep"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "REVISIT_DEMO_DIR": str(demo_dir), "REVISIT_CONFIG": os.devnull},
        )
    finally:
        first.kill()
        first.wait()
    assert done.returncode == 1
    assert f"still running (pid {first.pid})" in done.stderr and f"kill {first.pid}" in done.stderr
