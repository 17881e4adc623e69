#!/usr/bin/env python3
"""How long the one-command demo takes to be usable, and where the time goes.

1. Generate: `revisit_tui.demo.data.generate` for 300 and 3,000 customers (median of 3).
2. Load: a fresh SQLite database, the demo's principals, `revisit serve` started, then the
   300-customer data set posted through the API (import, tasks, past calls, a resolution).
3. First queue: `revisit demo` spawned in tmux at 80×24 until its queue is on the screen
   (skipped without tmux). Target: ≤ 15 s on this 2-core machine.

    python bench/bench_demo.py [--customers 300]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from revisit_tui.demo.data import generate
from revisit_tui.demo.load import load
from revisit_tui.server.admin import add_agent, create_schema
from revisit_tui.server.process import ServerProcess

FIRST_QUEUE_TARGET = 15.0
QUEUE_ON_SCREEN = re.compile(r"显示 [1-9]\d* / 共 [1-9]\d* 个任务")


def time_generate(customers: int) -> float:
    runs = []
    for seed in range(3):
        start = time.perf_counter()
        generate(seed, customers=customers)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def time_load(customers: int) -> tuple[float, float, float]:
    """(schema + principals, server start, load through the API) in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        data = generate(2024, customers=customers)
        start = time.perf_counter()
        create_schema(url)
        tokens = {
            agent.id: add_agent(
                url,
                agent.id,
                agent.name,
                agent.role,
                **agent.model_dump(exclude={"id", "name", "role"}),
            )
            for agent in data.agents
        }
        prepared = time.perf_counter()
        with ServerProcess(url) as server:
            started = time.perf_counter()
            load(data, server.url, tokens)
            loaded = time.perf_counter()
    return prepared - start, started - prepared, loaded - started


def time_first_queue(customers: int) -> float | None:
    """Seconds from spawning `revisit demo` in tmux until its queue shows; None without tmux."""
    if shutil.which("tmux") is None:
        return None
    socket_name = f"bench-demo-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket_name, "-f", "/dev/null"]
    command = (
        f"env REVISIT_CONFIG={os.devnull} {sys.executable} -m revisit_tui.cli demo "
        f"--customers {customers} --locale zh-CN; sleep 60"
    )
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", command], check=True)
    try:
        while time.perf_counter() - start < 120:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], capture_output=True, text=True
            ).stdout
            if QUEUE_ON_SCREEN.search(screen):
                return time.perf_counter() - start
            time.sleep(0.05)
        raise SystemExit(f"the demo showed no queue within 120 s; the screen:\n{screen}")
    finally:
        subprocess.run([*tmux, "send-keys", "C-q"], capture_output=True)
        _wait_for_exit(tmux)  # the demo stops its API and removes its directory
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def _wait_for_exit(tmux: list[str], timeout: float = 20) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        shown = subprocess.run(
            [*tmux, "display-message", "-p", "#{pane_current_command}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if shown == "sleep":
            return
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300)
    args = parser.parse_args()

    for count in (args.customers, args.customers * 10):
        print(f"generate {count:>6} customers: {time_generate(count) * 1000:8.0f} ms (median of 3)")
    prepared, started, loaded = time_load(args.customers)
    print(f"schema + principals:        {prepared:8.2f} s")
    print(f"revisit serve to healthy:   {started:8.2f} s")
    print(f"load through the API:       {loaded:8.2f} s ({args.customers} customers)")
    first = time_first_queue(args.customers)
    if first is None:
        print("first queue: skipped (tmux is not installed)")
        return 0
    verdict = "PASS" if first <= FIRST_QUEUE_TARGET else "FAIL"
    print(
        f"revisit demo to its queue:  {first:8.2f} s "
        f"(target ≤ {FIRST_QUEUE_TARGET:.0f} s) {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
