"""The central API at bank scale: 1,000,000 tasks for 500 agents, against the real server.

    python bench/bench_api.py                                  # SQLite in a temp dir
    python bench/bench_api.py --db postgresql+psycopg://revisit:revisit@127.0.0.1/revisit_bench

Setup writes the rows directly with SQLAlchemy Core (executemany in chunks): creating a
million tasks through POST /v1/tasks/bulk would take 200 requests and measure the import, not
the queue. Each agent gets ~2,000 tasks (90 % open) over 400 customers with one account each,
every tenth account a flagged transaction, every other customer one past outcome. The
assignment history is not written (only the outcome of a non-assignee needs it).

Then `revisit serve` (a subprocess; --workers, default 1 on SQLite, 2 on PostgreSQL) answers:
1. cold queue: the first full GET /v1/queue of 20 agents, one after the other;
2. polling: 50 agents at once, each re-checking its queue with If-None-Match (as the agent
   app does) every --interval seconds (default 0.5 s, ten times the app's pace) for
   --duration seconds: p50/p95/p99. Target p99 ≤ 30 ms;
   Then the same back to back without pause for 5 s: the capacity (figures only);
3. batches: POST /v1/outcomes with 500 outcomes, 3 times (different agents). Target ≤ 1 s.
Prints the figures and PASS/FAIL. --reuse keeps a filled database for another run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from revisit_tui.server import admin
from revisit_tui.server.db import make_engine
from revisit_tui.server.process import ServerProcess
from revisit_tui.server.tables import (
    accounts,
    customers,
    outcomes,
    principals,
    tasks,
    transactions,
)
from revisit_tui.server.tokens import hash_token

CHUNK = 10_000
TASKS_PER_CUSTOMER = 5
POLL_P99_TARGET_MS = 30.0
BATCH_TARGET_S = 1.0


def token_of(agent_id: str) -> str:
    """Bench tokens are derived from the id so that --reuse can log in again."""
    return f"bench-token-{agent_id}"


def agent_ids(count: int) -> list[str]:
    return [f"agent-{n:04d}" for n in range(count)]


def fill(db_url: str, task_count: int, agent_count: int) -> None:
    """Write agents, customers, accounts, flagged transactions, past outcomes and tasks."""
    admin.create_schema(db_url)
    engine = make_engine(db_url)
    now = datetime.now(UTC)
    rng = random.Random(1)
    ids = agent_ids(agent_count)
    customer_count = task_count // TASKS_PER_CUSTOMER
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            sa.insert(principals),
            [
                {
                    "id": agent_id,
                    "name": f"Agent {agent_id}",
                    "role": "agent",
                    "token_hash": hash_token(token_of(agent_id)),
                    "revoked": False,
                    "profile": {"languages": ["zh-CN"], "capacity": 100, "on_shift": True},
                    "created_at": now,
                }
                for agent_id in ids
            ],
        )
    _insert(engine, customers, (_customer(n, now) for n in range(customer_count)))
    _insert(engine, accounts, (_account(n) for n in range(customer_count)))
    _insert(engine, transactions, (_transaction(n) for n in range(0, customer_count, 10)))
    _insert(
        engine,
        outcomes,
        (_past_outcome(n, ids[n % agent_count], now) for n in range(0, customer_count, 2)),
    )
    _insert(
        engine,
        tasks,
        (
            _task(n, ids[(n // TASKS_PER_CUSTOMER) % agent_count], now, rng)
            for n in range(task_count)
        ),
    )
    engine.dispose()
    print(
        f"setup: {task_count:,} tasks, {agent_count} agents, {customer_count:,} customers "
        f"in {time.perf_counter() - started:.0f} s"
    )


def _insert(engine: sa.Engine, table: sa.Table, rows: Any) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            with engine.begin() as conn:
                conn.execute(sa.insert(table), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(sa.insert(table), batch)


def _customer(n: int, now: datetime) -> dict[str, Any]:
    body = {
        "id": f"c{n:07d}",
        "type": "personal",
        "name": f"客户{n}",
        "mobile": f"+86138{n:08d}",
        "email": f"c{n}@example.com",
        "landline": None,
        "address": f"北京市朝阳区某路{n}号",
        "identity": {"kind": "resident_id", "number": "11010519491231002X", "expires_on": None},
        "risk": "normal",
        "timezone": "Asia/Shanghai",
        "language": "zh-CN",
        "do_not_call": False,
        "sms_opt_out": False,
        "branch": f"b{n % 20}",
    }
    return {"id": body["id"], "branch": body["branch"], "body": body, "updated_at": now}


def _account_number(n: int) -> str:
    return f"62{n:014d}"


def _account(n: int) -> dict[str, Any]:
    body = {
        "number": _account_number(n),
        "customer_id": f"c{n:07d}",
        "type": "personal_savings",
        "opened_on": "2025-06-01",
        "status": "active",
        "branch": f"b{n % 20}",
        "closed_on": None,
    }
    return {
        "number": body["number"],
        "customer_id": body["customer_id"],
        "opened_on": date(2025, 6, 1),
        "body": body,
    }


def _transaction(n: int) -> dict[str, Any]:
    at = datetime(2026, 10, 1, 10, tzinfo=UTC)
    body = {
        "id": f"tx{n:07d}",
        "account_number": _account_number(n),
        "at": at.isoformat(),
        "amount": "88000.00",
        "currency": "CNY",
        "channel": "atm",
        "counterparty": "",
        "flag": "large_abnormal",
        "flag_reason": "large cash withdrawal",
    }
    return {
        "id": body["id"],
        "account_number": body["account_number"],
        "flagged": True,
        "at": at,
        "body": body,
    }


def _past_outcome(n: int, agent_id: str, now: datetime) -> dict[str, Any]:
    started = datetime(2026, 5, 1, 9, tzinfo=UTC) + timedelta(minutes=n % 5000)
    outcome_id = str(uuid.UUID(int=n + 1))
    body = {
        "id": outcome_id,
        "task_id": f"old-{n}",
        "agent_id": agent_id,
        "channel": "phone",
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=4)).isoformat(),
        "disposition": "reached",
        "fraud_warning_delivered": True,
        "satisfaction": 4,
        "task_version": 1,
    }
    return {
        "id": outcome_id,
        "task_id": f"old-{n}",
        "agent_id": agent_id,
        "customer_id": f"c{n:07d}",
        "channel": "phone",
        "disposition": "reached",
        "satisfaction": 4,
        "started_at": started,
        "body": body,
        "body_hash": "0" * 64,
        "escalation_ids": [],
        "flagged_reassigned": False,
        "purged": False,
        "received_at": now,
    }


def _task(n: int, agent_id: str, now: datetime, rng: random.Random) -> dict[str, Any]:
    customer = n // TASKS_PER_CUSTOMER
    return {
        "id": f"t{n:08d}",
        "key": f"bench:{n}",
        "kind": "periodic",
        "reason": "",
        "priority": rng.randint(0, 9),
        "customer_id": f"c{customer:07d}",
        "account_number": _account_number(customer),
        "due": date(2026, 11, 1) + timedelta(days=n % 60),
        "not_before": None,
        "assigned_agent": agent_id,
        "status": "open" if n % 10 else "done",
        "attempts": 0,
        "attempt_limit": 3,
        "next_attempt_at": None,
        "callback_at": None,
        "escalation_id": None,
        "version": 1,
        "assigned_version": 1,
        "created_at": now,
        "updated_at": now,
        "lease_agent": None,
        "lease_expires_at": None,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def cold_queue(url: str, ids: list[str]) -> list[float]:
    """Seconds for each agent's first full snapshot, one agent at a time."""
    timings = []
    with httpx.Client(base_url=url, timeout=120) as http:
        for agent_id in ids:
            headers = {"Authorization": f"Bearer {token_of(agent_id)}"}
            started = time.perf_counter()
            answer = http.get("/v1/queue", headers=headers)
            timings.append(time.perf_counter() - started)
            answer.raise_for_status()
    return timings


def polling(url: str, ids: list[str], duration: float, interval: float) -> tuple[list[float], int]:
    """Latencies (s) of conditional queue requests by len(ids) agents at once; and errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    ready = threading.Barrier(len(ids) + 1)
    stop_at = 0.0

    def agent(agent_id: str, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        headers = {"Authorization": f"Bearer {token_of(agent_id)}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            tag = http.get("/v1/queue").headers.get("ETag", "")  # the app's first fetch
            ready.wait()
            time.sleep(rng.uniform(0, interval))
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    answer = http.get("/v1/queue", headers={"If-None-Match": tag})
                except httpx.TransportError:
                    with lock:
                        errors += 1
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    if answer.status_code in (200, 304):
                        latencies.append(elapsed)
                    else:
                        errors += 1
                tag = answer.headers.get("ETag", tag)
                time.sleep(max(0.0, interval - elapsed) * rng.uniform(0.8, 1.2))

    threads = [threading.Thread(target=agent, args=(a, n)) for n, a in enumerate(ids)]
    for thread in threads:
        thread.start()
    stop_at = time.monotonic() + 3600  # until every agent has its first snapshot
    ready.wait()
    stop_at = time.monotonic() + duration
    for thread in threads:
        thread.join()
    return latencies, errors


def outcome_batches(url: str, ids: list[str], size: int) -> list[float]:
    """Seconds for one POST /v1/outcomes of `size` outcomes, per agent in ids."""
    timings = []
    with httpx.Client(base_url=url, timeout=120) as http:
        for agent_id in ids:
            headers = {"Authorization": f"Bearer {token_of(agent_id)}"}
            queue = http.get("/v1/queue", headers=headers).json()["items"]
            ended = datetime.now(UTC)
            batch = [
                {
                    "id": str(uuid.uuid4()),
                    "task_id": item["task"]["id"],
                    "agent_id": agent_id,
                    "started_at": (ended - timedelta(minutes=3)).isoformat(),
                    "ended_at": ended.isoformat(),
                    "disposition": "reached" if n % 3 else "no_answer",
                    "fraud_warning_delivered": True,
                    "security_tips_delivered": True,
                    "satisfaction": 5 if n % 3 else None,
                    "contact_checks": [{"field": "mobile", "result": "confirmed"}],
                    "task_version": item["task"]["version"],
                }
                for n, item in enumerate(queue[:size])
            ]
            started = time.perf_counter()
            answer = http.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)
            timings.append(time.perf_counter() - started)
            answer.raise_for_status()
            stored = sum(1 for r in answer.json()["results"] if r["status"] == 201)
            if stored != len(batch):
                raise SystemExit(f"only {stored} of {len(batch)} outcomes stored")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, help="API processes (default 1 SQLite, 2 PG)")
    parser.add_argument("--reuse", action="store_true", help="the database is filled already")
    args = parser.parse_args(argv)

    db_url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='revisit-bench-')) / 'bench.db'}"
    postgres = db_url.startswith("postgresql")
    workers = args.workers or (2 if postgres else 1)
    if not args.reuse:
        fill(db_url, args.tasks, args.agents)
    ids = agent_ids(args.agents)
    rng = random.Random(2)
    print(
        f"server: {'PostgreSQL' if postgres else 'SQLite'}, {workers} worker(s); "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    with ServerProcess(db_url, workers=workers) as server:
        cold = cold_queue(server.url, rng.sample(ids, min(20, len(ids))))
        print(
            f"cold queue (full snapshot, ~{args.tasks // args.agents * 9 // 10} tasks): "
            f"p50 {statistics.median(cold) * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms"
        )
        latencies, errors = polling(
            server.url, rng.sample(ids, args.concurrency), args.duration, args.interval
        )
        p50, p95, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
        poll_ok = p99 <= POLL_P99_TARGET_MS and errors == 0
        print(
            f"queue polling, {args.concurrency} agents every {args.interval} s: "
            f"{len(latencies)} requests ({len(latencies) / args.duration:.0f}/s), "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, errors {errors} "
            f"-> {'PASS' if poll_ok else 'FAIL'} (p99 ≤ {POLL_P99_TARGET_MS:.0f} ms)"
        )
        flat_out, flat_errors = polling(server.url, rng.sample(ids, args.concurrency), 5.0, 0.0)
        print(
            f"saturation, {args.concurrency} agents polling back to back (no pause): "
            f"{len(flat_out) / 5.0:.0f} requests/s, p50 {percentile(flat_out, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(flat_out, 0.99) * 1000:.1f} ms, errors {flat_errors}"
        )
        batches = outcome_batches(server.url, rng.sample(ids, 3), args.batch)
        batch_ok = max(batches) <= BATCH_TARGET_S
        print(
            f"outcome batch of {args.batch}: "
            + ", ".join(f"{t:.2f} s" for t in batches)
            + f" -> {'PASS' if batch_ok else 'FAIL'} (≤ {BATCH_TARGET_S:.0f} s)"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0 if poll_ok and batch_ok else 1


if __name__ == "__main__":
    sys.exit(main())
