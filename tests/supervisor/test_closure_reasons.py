"""Why customers close their accounts (seed 000 §一: business change, cost control, service not
meeting needs, other) is recorded by the closure revisit as a structured reason, refused on any
other revisit, counted by GET /v1/reports/closures and printed by `revisit report`."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from supervision import Supervisor, customer

from revisit_tui.client.api import ApiClient
from revisit_tui.domain.models import (
    ClosureReason,
    Disposition,
    ImportBatch,
    Outcome,
    TaskCreate,
    TaskKind,
)

NOW = datetime.now(UTC).replace(microsecond=0)
MONTH = f"{NOW.year:04d}-{NOW.month:02d}"
SAID = [  # what each closure revisit heard (None: reached, no reason recorded)
    ClosureReason.COST_CONTROL,
    ClosureReason.COST_CONTROL,
    ClosureReason.SERVICE_NOT_MEETING_NEEDS,
    None,
]


def outcome(task_id: str, reason: ClosureReason | None) -> Outcome:
    return Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id="a1",
        started_at=NOW - timedelta(minutes=10),
        ended_at=NOW - timedelta(minutes=6),
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        satisfaction=4,
        closure_reason=reason,
    )


def test_closure_reasons_are_recorded_counted_and_reported(supervisor: Supervisor, capsys) -> None:
    supervisor.api.import_batch(ImportBatch(customers=[customer(f"c{i}") for i in range(5)]))
    token = supervisor.server.add_agent("a1")
    agent = ApiClient(supervisor.server.url, token, retries=0)
    kinds = [TaskKind.CLOSURE] * len(SAID) + [TaskKind.PERIODIC]
    ids = supervisor.api.create_tasks(
        [
            TaskCreate(
                key=f"{kind.value}:c{i}",
                kind=kind,
                priority=3,
                customer_id=f"c{i}",
                due=NOW.date(),
                assigned_agent="a1",
            )
            for i, kind in enumerate(kinds)
        ]
    ).task_ids
    results = agent.submit_outcomes(
        [outcome(task_id, reason) for task_id, reason in zip(ids, SAID, strict=False)]
    ).results
    assert [r.status for r in results] == [201] * len(SAID)

    periodic = outcome(ids[-1], ClosureReason.BUSINESS_CHANGE)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=supervisor.server.url, headers=headers) as http:
        refused = http.put(
            f"/v1/outcomes/{periodic.id}",
            content=periodic.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
    assert refused.status_code == 422, refused.text
    assert list(refused.json()["fields"]) == ["closure_reason"]
    [batch] = agent.submit_outcomes([periodic]).results
    assert batch.status == 422 and "closure_reason" in batch.reason

    report = supervisor.api.closure_report(month=MONTH)
    assert report.reached == 4 and report.not_recorded == 1
    assert report.reasons == {
        ClosureReason.BUSINESS_CHANGE: 0,
        ClosureReason.COST_CONTROL: 2,
        ClosureReason.SERVICE_NOT_MEETING_NEEDS: 1,
        ClosureReason.OTHER: 0,
    }
    assert supervisor.api.closure_report(month=MONTH, agent="nobody").reached == 0

    assert supervisor.run("report", "--day", NOW.date().isoformat()) == 0
    printed = capsys.readouterr().out
    assert f"{MONTH}: why customers closed their accounts, from 4 reached" in printed
    assert re.search(r"cost control\s+2\s+50\.0", printed), printed
    assert re.search(r"service not meeting needs\s+1\s+25\.0", printed), printed
    assert re.search(r"not recorded\s+1\s+25\.0", printed), printed
    agent.close()
