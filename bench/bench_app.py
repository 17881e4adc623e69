"""The agent app's speed and size on this machine.

1. Start: a fresh interpreter builds the app the way `revisit tui --offline` does (config,
   remembered agent, cached store of 1,000 tasks) and runs it headless at 80×24 until the
   queue is mounted and populated; wall time from process spawn to that moment, median of
   several runs. Baseline: the same method with a minimal Textual app showing one DataTable of
   1,000 rows. Targets: median ≤ 1.0 s and ≤ 1.3× the baseline.
2. Keystroke: cursor down in a queue of 5,000 tasks (pilot.press), timed from the key event
   until the next frame is composed and rendered to terminal output. (pilot.press's own
   wait-for-idle polling is not counted: it sleeps in 20 ms steps.) Target: p95 ≤ 30 ms.
3. Memory: peak RSS (ru_maxrss) of that 5,000-task process. Target: ≤ 120 MB.

    python bench/bench_app.py [--runs 5] [--keys 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = "http://127.0.0.1:9"
SERVER_ID = "bench-server"
MARKER = "READY"

START_TARGET_S = 1.0
RATIO_TARGET = 1.3
KEY_P95_TARGET_MS = 30.0
MEMORY_TARGET_MB = 120.0


def prepare(data_dir: Path, tasks: int) -> None:
    """A data dir as a previous sign-in leaves it: remembered agent and a cached queue."""
    sys.path.insert(0, str(ROOT))
    from revisit_tui.app.session import remember_agent
    from revisit_tui.client.store import AgentStore
    from revisit_tui.domain.models import Agent
    from tests.app.factory import AGENT_ID, make_queue

    remember_agent(data_dir, SERVER, Agent(id=AGENT_ID, name="Bench Agent"), SERVER_ID)
    with AgentStore.open(data_dir, SERVER_ID, AGENT_ID) as store:
        store.save_queue(make_queue(tasks), "bench")


def child_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        REVISIT_CONFIG=str(ROOT / "config.toml"),
        REVISIT_CLIENT_DATA_DIR=str(data_dir),
        REVISIT_CLIENT_SERVER_URL=SERVER,
        PYTHONPATH=str(ROOT),
    )
    return env


def time_to_marker(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawning the process to its READY line, and the CPU seconds it had used."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(MARKER):
            elapsed = time.perf_counter() - started
            cpu = float(line.split()[1])
            break
    else:
        raise SystemExit(f"no {MARKER} line from {argv}")
    process.wait()
    return elapsed, cpu


def ready() -> None:
    """Say the queue is on screen, with the CPU time used since the process started."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(MARKER, usage.ru_utime + usage.ru_stime, flush=True)


# --- children -------------------------------------------------------------------------------


def watch_frames(app: Any) -> list[float]:
    """Record when each frame is composed (and turned into terminal output, as on a tty)."""
    frames: list[float] = []
    display = app._display

    def timed(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = timed
    return frames


async def run_app(keys: int) -> None:
    """Child: the real app, offline on the prepared data dir."""
    from revisit_tui.app.command import build_app
    from revisit_tui.app.screens.queue import QueueScreen
    from revisit_tui.config import load_settings

    app = build_app(load_settings(), "zh-CN", offline=True)
    assert not isinstance(app, int)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.table.row_count > 0
        ready()
        rows = screen.table.row_count
        frames = watch_frames(app)
        timings = []
        for _ in range(keys):
            seen = len(frames)
            started = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            if len(frames) > seen:
                timings.append((frames[seen] - started) * 1000)
        assert screen.table.cursor_row == keys
        seen = len(frames)
        started = time.perf_counter()
        await pilot.press("o")
        await pilot.pause()
        refilter_ms = (frames[seen] - started) * 1000 if len(frames) > seen else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"keys_ms": timings, "refilter_ms": refilter_ms, "rows": rows, "peak_mb": peak_mb}
    print(json.dumps(figures))


async def run_baseline(rows: int) -> None:
    """Child: a minimal Textual app with one DataTable of `rows` rows of 8 columns."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(f"c{i}" for i in range(8)))
            table.add_rows(
                (str(n % 6), "11-25", "定期", f"王伟{n}", "****0012", "1/3", "现在", "—")
                for n in range(rows)
            )

    app = Baseline()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one(DataTable).row_count == rows
        ready()


# --- parent ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--child", choices=["app", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "app":
        asyncio.run(run_app(args.keys))
        return 0
    if args.child == "baseline":
        asyncio.run(run_baseline(1000))
        return 0

    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        prepare(Path(small), 1000)
        prepare(Path(large), 5000)
        app_runs, base_runs = [], []
        for _ in range(args.runs):
            base_runs.append(time_to_marker([*me, "--child", "baseline"], child_env(Path(small))))
            app_runs.append(
                time_to_marker([*me, "--child", "app", "--keys", "0"], child_env(Path(small)))
            )
        result = subprocess.run(
            [*me, "--child", "app", "--keys", str(args.keys)],
            env=child_env(Path(large)),
            capture_output=True,
            text=True,
            check=True,
        )
    figures = json.loads(result.stdout.splitlines()[-1])

    app_times, base_times = [t for t, _ in app_runs], [t for t, _ in base_runs]
    app_median, base_median = statistics.median(app_times), statistics.median(base_times)
    ratio = app_median / base_median
    app_cpu = statistics.median(c for _, c in app_runs)
    base_cpu = statistics.median(c for _, c in base_runs)
    keys = sorted(figures["keys_ms"])
    p50 = statistics.median(keys)
    p95 = keys[max(0, int(len(keys) * 0.95) - 1)]
    peak = figures["peak_mb"]
    print(f"start to interactive queue, 1,000 cached tasks ({args.runs} runs)")
    print(
        f"  app       median {app_median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in app_times)})"
    )
    print(f"  baseline  median {base_median:.3f} s  (one DataTable, 1,000 rows)")
    print(
        f"  CPU used by then: app {app_cpu:.3f} s, baseline {base_cpu:.3f} s "
        f"({app_cpu / base_cpu:.2f}×; less sensitive to other load on the machine)"
    )
    print(f"  median ≤ {START_TARGET_S:.1f} s: {verdict(app_median <= START_TARGET_S)}")
    print(f"  ratio {ratio:.2f}× ≤ {RATIO_TARGET}×: {verdict(ratio <= RATIO_TARGET)}")
    print(f"cursor down in a queue of {figures['rows']:,} tasks ({len(keys)} presses)")
    print(f"  p50 {p50:.1f} ms  p95 {p95:.1f} ms  max {keys[-1]:.1f} ms")
    print(f"  p95 ≤ {KEY_P95_TARGET_MS:.0f} ms: {verdict(p95 <= KEY_P95_TARGET_MS)}")
    print(f"  (filter change, rebuilding the table: {figures['refilter_ms']:.0f} ms)")
    print(
        f"peak memory with 5,000 tasks: {peak:.0f} MB ≤ {MEMORY_TARGET_MB:.0f} MB: "
        f"{verdict(peak <= MEMORY_TARGET_MB)}"
    )
    ok = (
        app_median <= START_TARGET_S
        and ratio <= RATIO_TARGET
        and p95 <= KEY_P95_TARGET_MS
        and peak <= MEMORY_TARGET_MB
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
