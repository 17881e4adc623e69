"""The deployment shape under a call centre's load: 500 agents polling their queues (and
writing outcomes) through nginx with TLS in front of two `revisit serve` nodes (two workers
each) on one PostgreSQL with 1,000,000 tasks, beside the same load sent straight to one node.

    createdb -O revisit revisit_bench_proxy
    python bench/bench_proxy.py --db postgresql+psycopg://revisit:revisit@127.0.0.1/revisit_bench_proxy
    python bench/bench_proxy.py --db ... --reuse        # the database is filled already

The data is bench_api.py's (500 agents, ~2,000 tasks each). nginx, the nodes and the test CA
come from docs/deploy/ exactly as tests/deploy/test_deployment.py starts them. Each agent
keeps one connection (as the app's httpx client does), polls its queue with If-None-Match
every --interval seconds (the app's 5 s by default) and ends a call every --call seconds
(120 s by default, faster than a real call), storing its outcome (PUT /v1/outcomes/{id}, a
no-answer attempt), whose changed queue it then fetches in full, as the app does. Printed
per run: p50/p99 of conditional polls (304), of outcome writes and of the full fetches; then
the ratio of the p99s through the proxy to straight to one node.
"""

from __future__ import annotations

import argparse
import os
import random
import ssl
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from bench_api import agent_ids, fill, percentile, token_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from revisit_tui.server.process import free_port  # noqa: E402
from tests.deploy.stack import Nginx, UnitNode, make_certificates  # noqa: E402

FIRST_FETCHES = threading.BoundedSemaphore(8)  # agents fetching their full queue at once


@dataclass
class Figures:
    polls: list[float] = field(default_factory=list)  # 304: queue unchanged
    fetches: list[float] = field(default_factory=list)  # 200: the full queue after a change
    writes: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: list[float], seconds: float) -> None:
        with self.lock:
            kind.append(seconds)

    def failed(self) -> None:
        with self.lock:
            self.errors += 1


def agent_load(
    url: str,
    verify: ssl.SSLContext | bool,
    agent_id: str,
    seed: int,
    start: threading.Barrier,
    stop_at: list[float],
    interval: float,
    call: float,
    figures: Figures,
) -> None:
    """One agent's app: its first full fetch, then conditional polls and now and then an
    outcome, until stop_at[0]."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token_of(agent_id)}"}
    with httpx.Client(base_url=url, headers=headers, verify=verify, timeout=60) as http:
        try:
            with FIRST_FETCHES:  # sign-ins spread out; the storm of 500 at once is not measured
                first = http.get("/v1/queue")
            first.raise_for_status()
        except httpx.HTTPError:
            figures.failed()
            start.wait()
            return
        tag = first.headers.get("ETag", "")
        tasks = [item["task"] for item in first.json()["items"]]
        rng.shuffle(tasks)
        start.wait()
        time.sleep(rng.uniform(0, interval))
        call_ends = time.monotonic() + rng.uniform(0, call)  # agents are mid-call at the start
        while time.monotonic() < stop_at[0]:
            try:
                if time.monotonic() >= call_ends and tasks:
                    call_ends += call
                    _write(http, agent_id, tasks.pop(), figures)
                began = time.perf_counter()
                answer = http.get("/v1/queue", headers={"If-None-Match": tag})
            except httpx.TransportError:
                figures.failed()
                continue
            elapsed = time.perf_counter() - began
            if answer.status_code == 304:
                figures.add(figures.polls, elapsed)
            elif answer.status_code == 200:
                figures.add(figures.fetches, elapsed)
                tag = answer.headers.get("ETag", tag)
            else:
                figures.failed()
            time.sleep(max(0.0, interval - elapsed) * rng.uniform(0.9, 1.1))


def _write(http: httpx.Client, agent_id: str, task: dict[str, object], figures: Figures) -> None:
    ended = datetime.now(UTC)
    outcome_id = str(uuid.uuid4())
    body = {
        "id": outcome_id,
        "task_id": task["id"],
        "agent_id": agent_id,
        "started_at": (ended - timedelta(seconds=40)).isoformat(),
        "ended_at": ended.isoformat(),
        "disposition": "no_answer",
        "task_version": task["version"],
    }
    began = time.perf_counter()
    answer = http.put(f"/v1/outcomes/{outcome_id}", json=body)
    elapsed = time.perf_counter() - began
    if answer.status_code in (200, 201):
        figures.add(figures.writes, elapsed)
    else:
        figures.failed()


def run_load(
    url: str,
    verify: ssl.SSLContext | bool,
    ids: list[str],
    duration: float,
    interval: float,
    call: float,
) -> Figures:
    figures = Figures()
    start = threading.Barrier(len(ids) + 1)
    stop_at = [time.monotonic() + 3600]  # until every agent has its first snapshot
    threads = [
        threading.Thread(
            target=agent_load, args=(url, verify, a, n, start, stop_at, interval, call, figures)
        )
        for n, a in enumerate(ids)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    stop_at[0] = time.monotonic() + duration
    for thread in threads:
        thread.join()
    return figures


def report(label: str, figures: Figures) -> None:
    def line(name: str, values: list[float]) -> str:
        if not values:
            return f"{name}: none"
        p50, p99 = (percentile(values, q) * 1000 for q in (0.5, 0.99))
        return f"{name} {len(values)}: p50 {p50:.1f} ms, p99 {p99:.1f} ms"

    print(
        f"{label}: {line('conditional polls', figures.polls)}; "
        f"{line('outcome writes', figures.writes)}; "
        f"{line('full fetches', figures.fetches)}; errors {figures.errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", required=True, help="a PostgreSQL database URL (empty, or filled)")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
    parser.add_argument("--call", type=float, default=120.0, help="seconds between outcomes")
    parser.add_argument("--reuse", action="store_true", help="the database is filled already")
    args = parser.parse_args(argv)
    if not args.db.startswith("postgresql"):
        parser.error("--db: the deployment shape runs on PostgreSQL")
    if not args.reuse:
        fill(args.db, args.tasks, args.agents)
    ids = agent_ids(args.agents)
    home = Path(tempfile.mkdtemp(prefix="revisit-bench-proxy-"))
    certificates = make_certificates(home / "tls", "bank")
    ports = (free_port(), free_port())
    nodes = [UnitNode(args.db, port, home / "run") for port in ports]
    proxy = Nginx(home / "nginx", certificates, ports, worker_connections=4096)
    print(
        f"{args.agents} agents polling every {args.interval} s for {args.duration} s, an outcome "
        f"every {args.call} s each; load average before: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    try:
        for node in nodes:
            node.start(timeout=120)
        direct = run_load(nodes[0].url, False, ids, args.duration, args.interval, args.call)
        report("straight to one node (HTTP, 2 workers)", direct)
        with proxy:
            context = ssl.create_default_context(cafile=str(certificates.ca))
            proxied = run_load(proxy.url, context, ids, args.duration, args.interval, args.call)
        report("through nginx + TLS to two nodes (2 workers each)", proxied)
    finally:
        for node in nodes:
            node.stop()
    for name, a, b in (
        ("conditional poll", direct.polls, proxied.polls),
        ("outcome write", direct.writes, proxied.writes),
    ):
        if a and b:
            ratio = percentile(b, 0.99) / percentile(a, 0.99)
            print(f"proxy/direct p99 of {name}s: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
