"""An escalation's history — the first resolution, each reopen and its reason — is shown by
`revisit escalations` and in `revisit report` (terminal and CSV), in English and Chinese."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from supervision import Supervisor, customer

from revisit_tui.client.api import ApiError
from revisit_tui.domain.models import (
    Disposition,
    EscalationCategory,
    EscalationRequest,
    ImportBatch,
    Outcome,
    TaskCreate,
    TaskKind,
    Urgency,
)

NOW = datetime.now(UTC).replace(microsecond=0)
FIRST = "已重置登录密码"
REASON = "客户仍无法登录"
SECOND = "已更换U盾"


def escalate(supervisor: Supervisor) -> str:
    """One reached call by agent a1 that escalated a problem; the escalation's id."""
    agent = supervisor.agent_api("a1")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    [task_id] = supervisor.api.create_tasks(
        [
            TaskCreate(
                key="t1",
                kind=TaskKind.PERIODIC,
                priority=5,
                customer_id="c1",
                due=NOW.date(),
                assigned_agent="a1",
            )
        ]
    ).task_ids
    escalation = EscalationRequest(
        id=uuid.uuid4(),
        category=EscalationCategory.SERVICE,
        department="电子银行部",
        urgency=Urgency.HIGH,
        summary="手机银行无法登录",
    )
    outcome = Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id="a1",
        started_at=NOW - timedelta(minutes=10),
        ended_at=NOW - timedelta(minutes=5),
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        escalations=[escalation],
    )
    [result] = agent.submit_outcomes([outcome]).results
    assert result.status == 201, result
    return str(escalation.id)


def test_the_first_resolution_and_the_reopen_reason_stay_visible(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    escalation_id = escalate(supervisor)
    assert supervisor.run("escalations", "--resolve", escalation_id, "--text", FIRST) == 0
    assert supervisor.run("escalations", "--reopen", escalation_id, "--text", REASON) == 0
    capsys.readouterr()

    assert supervisor.run("escalations") == 0  # waiting again: what was tried, and why again
    listed = capsys.readouterr().out
    assert f"resolved by boss: {FIRST}" in listed and f"reopened by boss: {REASON}" in listed
    assert "1 waiting" in listed

    assert supervisor.run("escalations", "--resolve", escalation_id, "--text", SECOND) == 0
    capsys.readouterr()
    assert supervisor.run("escalations", "--show", escalation_id) == 0
    fields, history = capsys.readouterr().out.split("history:")
    assert f"latest resolution  {SECOND}" in fields
    steps = [history.index(text) for text in (FIRST, REASON, SECOND)]
    assert steps == sorted(steps), history
    assert supervisor.run("escalations", "--all") == 0
    assert FIRST in capsys.readouterr().out

    assert supervisor.run("escalations", "--show", escalation_id, "--lang", "zh-CN") == 0
    chinese = capsys.readouterr().out
    assert f"boss 重开：{REASON}" in chinese and "已办结" in chinese

    history_csv = tmp_path / "escalations.csv"
    assert supervisor.run("report", "--escalations-csv", str(history_csv)) == 0
    report = capsys.readouterr().out
    assert "escalation history" in report and escalation_id in report
    with history_csv.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["id"] == escalation_id and row["first_resolution"] == FIRST
    assert row["reopened"] == "1" and row["reopen_reason"] == REASON

    last_month = (NOW.replace(day=1) - timedelta(days=1)).date().isoformat()
    assert supervisor.run("report", "--day", last_month) == 0
    assert escalation_id not in capsys.readouterr().out, "a past month shows its own history"


def test_show_names_an_unknown_escalation_and_agents_may_not_read_one(
    supervisor: Supervisor, capsys
):
    unknown = str(uuid.uuid4())
    assert supervisor.run("escalations", "--show", unknown) == 2
    assert f"--show {unknown}: no escalation with id" in capsys.readouterr().err
    escalation_id = escalate(supervisor)
    with pytest.raises(ApiError) as refused:
        supervisor.agent_api("a2").request("GET", f"/v1/escalations/{escalation_id}")
    assert refused.value.status == 403
