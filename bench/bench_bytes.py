"""Bytes the agent app writes to a thin client's terminal: a real PTY at 80×24.

1. Cursor move: the app offline on a cached queue of 1,000 tasks; Down pressed N times, the
   bytes written after each (until the terminal is quiet) averaged. Baseline, in the same run:
   a bare Textual DataTable with the same 1,000 rows' texts. Target: ≤ 1.1× the baseline.
2. Idle: bytes per second written while nobody types, on the queue (target ≤ 50 B/s) and on
   a call screen (its timer ticking; target ≤ 100 B/s).

    python bench/bench_bytes.py [--moves 40] [--idle 10]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_app import child_env, prepare  # noqa: E402

TASKS = 1000
RATIO_TARGET = 1.1
IDLE_QUEUE_TARGET = 50.0
IDLE_CALL_TARGET = 100.0
DOWN = b"\x1b[B"
ENTER = b"\r"
QUIET_S = 0.4


class Terminal:
    """A child process on a PTY of 80×24; everything it writes is read and counted."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        env = {**env, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def read_for(self, seconds: float) -> int:
        """Bytes written during `seconds`."""
        total, deadline = 0, time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                total += len(os.read(self.fd, 65536))
        return total

    def read_until_quiet(self, quiet: float = QUIET_S, limit: float = 30.0) -> int:
        """Bytes written until nothing has come for `quiet` seconds."""
        total, deadline = 0, time.monotonic() + limit
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                break
            total += len(os.read(self.fd, 65536))
        return total

    def press(self, key: bytes) -> int:
        """Bytes written in answer to one key."""
        self.read_until_quiet()
        os.write(self.fd, key)
        return self.read_until_quiet()

    def first_paint(self, at_least: int = 4000) -> None:
        """Wait for the first screen (a few KB), then for the output to settle."""
        total, deadline = 0, time.monotonic() + 120
        while total < at_least and time.monotonic() < deadline:
            total += self.read_for(0.2)
        self.read_until_quiet(quiet=1.5)

    def close(self) -> None:
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def per_move(terminal: Terminal, moves: int) -> list[int]:
    """The bytes written for each of `moves` presses of Down."""
    terminal.first_paint()
    return [terminal.press(DOWN) for _ in range(moves)]


def run_baseline() -> None:
    """Child: a bare DataTable with the queue's 1,000 rows' texts."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from revisit_tui.app.i18n import translate
    from revisit_tui.app.queue_rows import build_rows, cells
    from revisit_tui.app.widgets.queue_table import COLUMNS
    from revisit_tui.config import Settings
    from tests.app.factory import NOW, make_queue

    rows = build_rows(make_queue(TASKS, NOW).items, NOW, Settings().policy)

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(f"c{i}" for i in range(len(COLUMNS))))
            table.add_rows(
                cells(row, NOW, None, lambda key, **p: translate("zh-CN", key, **p)) for row in rows
            )

    Baseline().run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--child", choices=["baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        run_baseline()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        prepare(data_dir, TASKS)
        env = child_env(data_dir)
        base = Terminal([sys.executable, str(Path(__file__).resolve()), "--child", "baseline"], env)
        try:
            base_moves = per_move(base, args.moves)
        finally:
            base.close()
        app = Terminal([sys.executable, "-m", "revisit_tui.cli", "tui", "--offline"], env)
        try:
            app_moves = per_move(app, args.moves)
            app.read_until_quiet(quiet=2.0)
            queue_idle = app.read_for(args.idle) / args.idle
            app.press(ENTER)
            app.read_until_quiet(quiet=2.0)
            call_idle = app.read_for(args.idle) / args.idle
        finally:
            app.close()
    app_move = sum(app_moves) / len(app_moves)
    base_move = sum(base_moves) / len(base_moves)
    ratio = app_move / base_move
    print(f"bytes per cursor move, {TASKS:,} tasks, 80×24 PTY ({args.moves} moves)")
    print(f"  app {app_move:,.0f} B   bare DataTable {base_move:,.0f} B   ratio {ratio:.2f}×")
    print(f"  app per move: {app_moves}")
    print(f"  DataTable per move: {base_moves}")
    print(f"  ratio ≤ {RATIO_TARGET}×: {'PASS' if ratio <= RATIO_TARGET else 'FAIL'}")
    print(f"idle bytes per second ({args.idle:.0f} s each)")
    ok_queue, ok_call = queue_idle <= IDLE_QUEUE_TARGET, call_idle <= IDLE_CALL_TARGET
    print(
        f"  queue {queue_idle:.0f} B/s ≤ {IDLE_QUEUE_TARGET:.0f}: {'PASS' if ok_queue else 'FAIL'}"
    )
    print(f"  call  {call_idle:.0f} B/s ≤ {IDLE_CALL_TARGET:.0f}: {'PASS' if ok_call else 'FAIL'}")
    return 0 if ratio <= RATIO_TARGET and ok_queue and ok_call else 1


if __name__ == "__main__":
    raise SystemExit(main())
