#!/usr/bin/env python3
"""`revisit report` over a month of 1,000,000 outcomes (500 agents, 100,000 tasks) on SQLite.

Set-up (not timed): a fresh database; 500 agents with `revisit_tui.server.admin.add_agent`;
100,000 tasks and 1,000,000 outcomes of this month written directly in the database (a
million outcomes through the API would take the bench far longer than the report).
Timed: the report exactly as `revisit report` reads it (`supervisor.report.gather`: the day's
and the month's figures per agent and per kind, server-side aggregates), three times, and
once with `--agent`. Budget: 10 s.

    python bench/bench_report.py [--outcomes 1000000] [--agents 500] [--tasks 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Disposition, Role, TaskCreate, TaskKind
from revisit_tui.server import admin
from revisit_tui.server.db import make_engine
from revisit_tui.server.process import ServerProcess
from revisit_tui.server.tables import customers, outcomes
from revisit_tui.server.taskstore import create_tasks, task_id_for
from revisit_tui.supervisor.report import gather, month_of

BUDGET_SECONDS = 10.0
CHUNK = 50_000
DISPOSITIONS = [Disposition.REACHED, Disposition.NO_ANSWER, Disposition.BUSY, Disposition.REACHED]


def fill(db_url: str, agents: int, tasks: int, count: int, now: datetime) -> None:
    """Customers and tasks by the store's own insert; outcomes spread over the month so far."""
    engine = make_engine(db_url)
    kinds = list(TaskKind)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(customers),
            [
                {
                    "id": f"c{i}",
                    "branch": "b1",
                    "body": {"id": f"c{i}", "type": "personal", "name": f"客户{i}", "branch": "b1"},
                    "updated_at": now,
                }
                for i in range(tasks)
            ],
        )
        creates = [
            TaskCreate(
                key=f"bench-{i}",
                kind=kinds[i % len(kinds)],
                priority=5,
                customer_id=f"c{i}",
                due=now.date(),
                assigned_agent=f"a{i % agents:03d}",
            )
            for i in range(tasks)
        ]
        create_tasks(conn, creates, now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    span = max((now - month_start).total_seconds(), 3600.0)
    body = {"bench": True}
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(count, start + CHUNK)):
            task = n % tasks
            disposition = DISPOSITIONS[n % len(DISPOSITIONS)]
            rows.append(
                {
                    "id": str(uuid.UUID(int=n + 1)),
                    "task_id": task_id_for(f"bench-{task}"),
                    "agent_id": f"a{task % agents:03d}",
                    "customer_id": f"c{task}",
                    "channel": "phone",
                    "disposition": disposition.value,
                    "satisfaction": 1 + n % 5 if disposition is Disposition.REACHED else None,
                    "started_at": month_start + timedelta(seconds=span * n / count),
                    "body": body,
                    "body_hash": "0" * 64,
                    "escalation_ids": [],
                    "flagged_reassigned": False,
                    "purged": False,
                    "received_at": now,
                }
            )
        with engine.begin() as conn:
            conn.execute(sa.insert(outcomes), rows)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--tasks", type=int, default=100_000)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        admin.create_schema(db_url)
        boss = admin.add_agent(db_url, "boss", "Supervisor", Role.SUPERVISOR)
        started = time.perf_counter()
        for i in range(args.agents):
            admin.add_agent(db_url, f"a{i:03d}", f"Agent {i}", Role.AGENT)
        fill(db_url, args.agents, args.tasks, args.outcomes, now)
        print(
            f"set-up: {args.agents} agents, {args.tasks} tasks, {args.outcomes} outcomes this"
            f" month in {time.perf_counter() - started:.1f} s"
        )
        with ServerProcess(db_url) as server:
            api = SupervisorApi(ApiClient(server.url, boss, timeout=120))
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                figures = gather(api, now.date(), tz="Asia/Shanghai", min_ratings=10)
                runs.append(time.perf_counter() - started)
            month = month_of(now.date())
            month_attempts = sum(
                f.attempts for f in figures if f.by == "kind" and f.period == month
            )
            started = time.perf_counter()
            gather(api, now.date(), tz="Asia/Shanghai", agent="a001")
            one_agent = time.perf_counter() - started
        worst = max(runs)
        verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
        print(
            f"report (day + month, per agent and per kind): {len(figures)} rows, the month's"
            f" kinds count {month_attempts} attempts; runs {', '.join(f'{s:.2f}' for s in runs)} s;"
            f" --agent {one_agent:.2f} s"
        )
        print(
            f"report over {args.outcomes} outcomes: {worst:.2f} s ({verdict} the"
            f" {BUDGET_SECONDS:.0f} s budget: {worst / BUDGET_SECONDS:.2f} of it)"
        )


if __name__ == "__main__":
    main()
