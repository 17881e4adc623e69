"""The end-to-end harness: a private tmux server to type into, an sshd of our own, the demo's
database to check.

Everything waits for what it expects with a deadline (polling), never a fixed sleep, and a
failure shows the captured screen.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
DEMO_EXIT = "DEMO-EXIT="  # printed by the pane's shell when the demo (or ssh) returns


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(
    check: Callable[[], Any], timeout: float, what: str, screen: Callable[[], str]
) -> Any:
    """Poll `check` until it returns something truthy; fail with the screen after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}; the screen:\n{screen()}")
        time.sleep(0.1)


class Tmux:
    """One tmux session at 80×24 on a private server socket (safe beside any other tmux)."""

    def __init__(self, name: str) -> None:
        self.socket = f"revisit-e2e-{name}-{uuid.uuid4().hex[:8]}"
        self.runs = 0
        self.target = "run0"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def start(self, command: str, env: dict[str, str] | None = None) -> None:
        """Run `command` in a shell in a new session's pane; the shell prints
        DEMO-EXIT=<status> after it."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        line = f"{('export ' + exports + '; ') if exports else ''}{command}; echo {DEMO_EXIT}$?"
        self.runs += 1
        self.target = f"run{self.runs}"  # an earlier run's pane stays, idle, until kill()
        self.tmux(
            "new-session", "-d", "-s", self.target, "-x", "80", "-y", "24",
            f"sh -c {shlex.quote(line + '; sleep 600')}",
        )  # fmt: skip

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def send(self, *keys: str) -> None:
        """tmux key names: 'Enter', 'PageDown', 'F10', 'C-q', or literal text."""
        for key in keys:
            self.tmux("send-keys", "-t", self.target, key)

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        """The screen once `pattern` (a regex) is on it."""
        regex = re.compile(pattern)
        return str(
            wait_until(
                lambda: (lambda s: s if regex.search(s) else "")(self.screen()),
                timeout,
                f"{pattern!r} on the screen",
                self.screen,
            )
        )

    def shows(self, pattern: str, timeout: float) -> bool:
        """Whether `pattern` appears on the screen within `timeout` seconds."""
        regex, deadline = re.compile(pattern), time.monotonic() + timeout
        while not regex.search(self.screen()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def answer(self, key: str, shown: str, tries: int = 4) -> None:
        """Press `key` until `shown` is on the screen: a key typed while a step is still being
        built can be lost (typing ahead), so the agent, like this test, types it again."""
        for _ in range(tries):
            self.send(key)
            if self.shows(shown, timeout=5):
                return
        pytest.fail(f"{key!r} never showed {shown!r}; the screen:\n{self.screen()}")

    def kill(self) -> None:
        """Hang up the pane (the demo stops its API on SIGHUP) and end our tmux server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(request: pytest.FixtureRequest) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    session = Tmux(re.sub(r"\W+", "-", request.node.name)[:30])
    yield session
    session.kill()


@dataclass(frozen=True)
class Sshd:
    """An sshd of the test's own on 127.0.0.1, accepting one generated key."""

    port: int
    key: Path
    user: str

    def command(self, remote: str, term: str) -> str:
        """A shell command that runs `remote` over a real SSH session with this TERM."""
        ssh = [
            "ssh", "-F", "/dev/null", "-tt", "-p", str(self.port), "-i", str(self.key),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            f"{self.user}@127.0.0.1", remote,
        ]  # fmt: skip
        return f"TERM={shlex.quote(term)} {shlex.join(ssh)}"


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    if not (os.access(SSHD, os.X_OK) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        pytest.skip("openssh-server / ssh are not installed (.ci/run installs them)")
    home = tmp_path_factory.mktemp("sshd")
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)], check=True
        )
    (home / "authorized_keys").write_text((home / "client.pub").read_text())
    (home / "authorized_keys").chmod(0o600)
    port = free_port()
    (home / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home / 'host'}\n"
        f"AuthorizedKeysFile {home / 'authorized_keys'}\nPidFile {home / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\nPrintMotd no\nPrintLastLog no\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    log = (home / "sshd.log").open("wb")
    process = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(home / "sshd_config")], stdout=log, stderr=log
    )
    try:
        wait_until(
            lambda: process.poll() is not None or _banner(port),
            10,
            "sshd to listen",
            lambda: (home / "sshd.log").read_text(errors="replace"),
        )
        if process.poll() is not None:
            pytest.fail("sshd exited:\n" + (home / "sshd.log").read_text(errors="replace"))
        yield Sshd(port=port, key=home / "client", user=getpass.getuser())
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _banner(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            return conn.recv(4).startswith(b"SSH-")
    except OSError:
        return False


def demo_command(demo_dir: Path, *flags: str) -> str:
    """`revisit demo --keep` on this interpreter, its data in `demo_dir`, ready for a shell
    (locally or on the far side of ssh, where nothing of this environment is inherited)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(demo_dir / "home"),
        "REVISIT_DEMO_DIR": str(demo_dir),
        "REVISIT_CONFIG": os.devnull,  # the defaults, whatever the working directory holds
        "LANG": "C.UTF-8",
    }
    demo = [sys.executable, "-m", "revisit_tui.cli", "demo", "--keep", "--customers", "60"]
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f"cd {shlex.quote(str(demo_dir))} && env {assignments} {shlex.join([*demo, *flags])}"


class DemoDatabase:
    """Read-only queries on the kept demo's SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        if not self.path.exists():
            return []
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5) as conn:
            conn.row_factory = sqlite3.Row
            try:
                return list(conn.execute(sql, params))
            except sqlite3.OperationalError:  # not created yet
                return []


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    path = tmp_path / "demo"
    (path / "home").mkdir(parents=True)
    return path
