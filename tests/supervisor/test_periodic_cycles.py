"""Periodic revisits continue cycle after cycle (seed 002 §六.2 "全体存量客户"): a cycle whose
task ended without a revisit (exhausted) does not block the account's later cycles."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from supervision import Supervisor, account, customer

from revisit_tui.domain.models import (
    Disposition,
    ImportBatch,
    Outcome,
    OutcomeBatch,
    TaskKind,
    TaskStatus,
)


def _exhaust(supervisor: Supervisor, task_id: str, attempts: int) -> None:
    """The supervisor (who may record on any task) calls it `attempts` times, unanswered."""
    now = datetime.now(UTC)
    outcomes = [
        Outcome(
            id=uuid.uuid4(),
            task_id=task_id,
            agent_id="boss",
            started_at=now - timedelta(minutes=2),
            ended_at=now - timedelta(minutes=1),
            disposition=Disposition.NO_ANSWER,
        )
        for _ in range(attempts)
    ]
    body = OutcomeBatch(outcomes=outcomes).model_dump(mode="json")
    answer = supervisor.api.client.request("POST", "/v1/outcomes", json=body).json()
    assert [r["status"] for r in answer["results"]] == [201] * attempts


def test_an_exhausted_cycle_does_not_block_the_next_ones(supervisor: Supervisor) -> None:
    supervisor.api.import_batch(
        ImportBatch(
            customers=[customer("old")],
            accounts=[account("6200000077", "old", date(2025, 1, 10))],
        )
    )
    periods = []
    for today in ("2025-08-01", "2026-01-15", "2026-07-12", "2027-01-11"):
        assert supervisor.run("build_queue", "--today", today) == 0
        open_tasks = [
            t for t in supervisor.api.tasks(status=TaskStatus.OPEN) if t.kind is TaskKind.PERIODIC
        ]
        assert len(open_tasks) == 1, f"build of {today} created no periodic revisit"
        periods.append(open_tasks[0].key.rsplit(":", 1)[1])
        _exhaust(supervisor, open_tasks[0].id, open_tasks[0].attempt_limit)
    assert periods == ["2025-H2", "2026-H1", "2026-H2", "2027-H1"]
