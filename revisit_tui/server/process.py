"""Run the real API server as a subprocess: for tests, the demo and benchmarks.

    with ServerProcess("sqlite:///x.db") as server:
        httpx.get(server.url + "/v1/health")

The schema is upgraded by `revisit serve` itself before it listens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType


class ServerStartError(RuntimeError):
    """The server did not answer /v1/health in time; the message holds its output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _descendants(pid: int) -> list[int]:
    """The process ids of pid's children, grandchildren, … (Linux /proc; none elsewhere)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


class ServerProcess:
    """`python -m revisit_tui.cli serve` on 127.0.0.1 with the given database."""

    def __init__(
        self,
        db_url: str,
        port: int | None = None,
        workers: int = 1,
        env: dict[str, str] | None = None,
        config: str | os.PathLike[str] | None = None,
    ) -> None:
        self.db_url = db_url
        self._auto_port = port is None
        self._served = False  # restart() keeps the port once it has served
        self._launched_at = 0
        self.port = port or free_port()
        self.workers = workers
        self.env = env or {}
        self.config = config
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        head = [sys.executable, "-m", "revisit_tui.cli"]
        if self.config:
            head += ["--config", str(self.config)]
        return [
            *head,
            *["serve", "--db", self.db_url, "--host", "127.0.0.1", "--port", str(self.port)],
            *["--workers", str(self.workers)],
        ]

    def start(self, timeout: float = 60) -> ServerProcess:
        """Start the server and wait until /v1/health answers (ServerStartError otherwise)."""
        if self.process is not None and self.process.poll() is None:
            return self
        env = {**os.environ, **self.env}
        if self.config is None:
            # without an explicit file the server must not pick up a config.toml from cwd
            env.setdefault("REVISIT_CONFIG", os.devnull)
        log = self._log_file()
        self._launched_at = log.stat().st_size  # where this launch's output begins
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, env=env
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if self._port_lost():
                    # another process took the free port first: take another one
                    self.port = free_port()
                    return self.start(max(1.0, deadline - time.monotonic()))
                raise ServerStartError(
                    f"server exited with {self.process.returncode}:\n{self.output()}"
                )
            if self._healthy():
                self._served = True
                return self
            time.sleep(0.05)
        self.kill()
        raise ServerStartError(f"server did not answer within {timeout} s:\n{self.output()}")

    def _port_lost(self) -> bool:
        """The port was picked here, never served, and is now in use by someone else."""
        this_launch = self.output().encode()[self._launched_at :].decode(errors="replace")
        return self._auto_port and not self._served and "address already in use" in this_launch

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM and wait (SIGKILL if it does not exit in time)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: it dies mid-request, as in a crash (the
        workers of a multi-worker server would otherwise live on, orphaned, holding the port)."""
        if self.process is None or self.process.poll() is not None:
            return
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def restart(self, timeout: float = 60) -> ServerProcess:
        """Stop, then start again on the same port and database."""
        self.stop()
        return self.start(timeout)

    def output(self) -> str:
        """What the server printed so far (it logs no personal data)."""
        log = self._log_file()
        return log.read_text(errors="replace") if log.exists() else ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop; the server's output file is removed unless the block failed."""
        self.stop()
        if exc_type is None and self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/v1/health", timeout=1) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _log_file(self) -> Path:
        if self._log is None:
            import tempfile

            handle, name = tempfile.mkstemp(prefix=f"revisit-serve-{self.port}-", suffix=".log")
            os.close(handle)
            self._log = Path(name)
        return self._log
