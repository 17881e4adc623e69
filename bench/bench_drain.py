"""How long the sync engine takes to drain 1,000 pending outcomes to a local real server.

Starts `revisit serve` on a fresh SQLite file, gives one agent 1,000 tasks, puts one outcome
per task in the agent's outbox, then times SyncEngine rounds until the outbox is empty.
Target: ≤ 5 s.

    python bench/bench_drain.py [--outcomes 1000] [--batch 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import (
    Customer,
    CustomerType,
    Disposition,
    ImportBatch,
    Outcome,
    Role,
    TaskCreate,
    TaskKind,
)
from revisit_tui.server import admin
from revisit_tui.server.process import ServerProcess

TARGET_SECONDS = 5.0
AGENT = "bench-agent"


def seed(url: str, boss: str, count: int) -> list[str]:
    """`count` customers with one task each, assigned to AGENT; returns the task ids."""
    customers = [
        Customer(id=f"c{i}", type=CustomerType.PERSONAL, name="李四", branch="b1")
        for i in range(count)
    ]
    with ApiClient(url, boss) as client:
        supervisor = SupervisorApi(client)
        supervisor.import_batch(ImportBatch(customers=customers))
        tasks = [
            TaskCreate(
                key=f"bench:{c.id}",
                kind=TaskKind.PERIODIC,
                priority=5,
                customer_id=c.id,
                due=date.today(),
                assigned_agent=AGENT,
            )
            for c in customers
        ]
        return supervisor.create_tasks(tasks).task_ids


def outcome(task_id: str) -> Outcome:
    now = datetime.now(UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id=AGENT,
        started_at=now,
        ended_at=now,
        disposition=Disposition.NO_ANSWER,
        notes="客户未接听。",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=SyncSettings().batch_size)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'revisit.db'}"
        admin.create_schema(db_url)
        token = admin.add_agent(db_url, AGENT, "Bench Agent")
        boss = admin.add_agent(db_url, "bench-boss", "Bench Boss", Role.SUPERVISOR)
        with ServerProcess(db_url) as server:
            task_ids = seed(server.url, boss, args.outcomes)
            with (
                ApiClient(server.url, token) as api,
                AgentStore.open(Path(tmp) / "client", server.url, AGENT) as store,
            ):
                store.submit_many([outcome(task_id) for task_id in task_ids])
                engine = SyncEngine(api, store, SyncSettings(batch_size=args.batch))
                rounds = 0
                start = time.perf_counter()
                while store.pending_count() and rounds < 100:
                    state = engine.sync_once()
                    rounds += 1
                    if not state.online:
                        print(f"offline: {state.last_error}")
                        return 1
                elapsed = time.perf_counter() - start
                left = store.pending_count()
    rate = args.outcomes / elapsed
    print(
        f"drained {args.outcomes - left} of {args.outcomes} outcomes in {elapsed:.2f} s "
        f"({rate:.0f}/s, batches of {args.batch}, {rounds} round(s), queue pulled each round)"
    )
    verdict = "PASS" if left == 0 and elapsed <= TARGET_SECONDS else "FAIL"
    print(f"{verdict}: {elapsed:.2f} s against a target of {TARGET_SECONDS:.0f} s")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
