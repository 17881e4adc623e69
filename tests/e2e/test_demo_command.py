"""`revisit demo` says clearly what went wrong before any app starts, and cleans up after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


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
