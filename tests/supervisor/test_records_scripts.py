"""scripts/report.py, qa_sample.py and purge.py on records made by real agents' outcomes."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from supervision import Supervisor, customer

from revisit_tui.domain.models import (
    AccountEvent,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    ImportBatch,
    Outcome,
    QaRecord,
    TaskCreate,
    TaskKind,
    Urgency,
)

NOW = datetime.now(UTC).replace(microsecond=0)
MONTH = f"{NOW.year:04d}-{NOW.month:02d}"

# agent → (kind of task, disposition, satisfaction, escalate?) of each attempt
ATTEMPTS = {
    "a1": [
        (TaskKind.PERIODIC, Disposition.REACHED, 5, False),
        (TaskKind.NEW_ACCOUNT, Disposition.REACHED, 4, False),
    ],
    "a2": [
        (TaskKind.PERIODIC, Disposition.REACHED, 3, True),
        (TaskKind.PERIODIC, Disposition.NO_ANSWER, None, False),
    ],
    "a3": [(TaskKind.SPECIAL_EVENT, Disposition.NO_ANSWER, None, False)],
}


def record_attempts(supervisor: Supervisor, started_at: datetime = NOW) -> int:
    """Create a task per attempt, assigned to its agent, and post the agents' outcomes."""
    supervisor.api.import_batch(ImportBatch(customers=[customer(f"c{i}") for i in range(9)]))
    posted = 0
    for agent_id, attempts in ATTEMPTS.items():
        client = supervisor.agent_api(agent_id)
        tasks = [
            TaskCreate(
                key=f"{agent_id}-{n}-{started_at.date()}",
                kind=kind,
                event=AccountEvent.COMPLAINT if kind is TaskKind.SPECIAL_EVENT else None,
                priority=5,
                customer_id=f"c{posted + n}",
                due=started_at.date(),
                assigned_agent=agent_id,
            )
            for n, (kind, *_) in enumerate(attempts)
        ]
        ids = supervisor.api.create_tasks(tasks).task_ids
        outcomes = [
            Outcome(
                id=uuid.uuid4(),
                task_id=task_id,
                agent_id=agent_id,
                started_at=started_at,
                ended_at=started_at + timedelta(minutes=4),
                disposition=disposition,
                fraud_warning_delivered=True if disposition is Disposition.REACHED else None,
                satisfaction=satisfaction,
                escalations=[
                    EscalationRequest(
                        id=uuid.uuid4(),
                        category=EscalationCategory.SERVICE,
                        department="电子银行部",
                        urgency=Urgency.LOW,
                        summary="手机银行转账卡顿",
                    )
                ]
                if escalate
                else [],
            )
            for task_id, (_, disposition, satisfaction, escalate) in zip(ids, attempts, strict=True)
        ]
        results = client.submit_outcomes(outcomes).results
        assert {r.status for r in results} == {201}, results
        posted += len(outcomes)
    return posted


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_report_ranks_agents_and_counts_kinds_as_recorded(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    record_attempts(supervisor)
    out_file = tmp_path / "report.csv"
    day = NOW.date().isoformat()
    argv = ["--day", day, "--min-ratings", "1", "--csv", str(out_file)]
    assert supervisor.run("report", *argv) == 0
    printed = capsys.readouterr().out
    assert f"{MONTH} by agent" in printed and f"{day} by kind" in printed

    rows = read_rows(out_file)
    month_agents = {r["id"]: r for r in rows if r["period"] == MONTH and r["by"] == "agent"}
    assert (month_agents["a1"]["rank"], month_agents["a2"]["rank"]) == ("1", "2")
    assert month_agents["a3"]["rank"] == "", "an agent without ratings is not ranked"
    assert month_agents["a1"]["avg_satisfaction"] == "4.50"
    assert (month_agents["a2"]["attempts"], month_agents["a2"]["reach_rate"]) == ("2", "50.00")
    assert month_agents["a2"]["escalations_open"] == "1"
    assert month_agents["a2"]["no_answer"] == "1"

    kinds = {r["id"]: r for r in rows if r["period"] == MONTH and r["by"] == "kind"}
    assert kinds["periodic"]["attempts"] == "3" and kinds["periodic"]["reached"] == "2"
    assert kinds["periodic"]["avg_satisfaction"] == "4.00"
    assert kinds["periodic"]["escalations_open"] == "1"
    assert kinds["special_event"]["reach_rate"] == "0.00"
    day_kinds = {r["id"]: r for r in rows if r["period"] == day and r["by"] == "kind"}
    assert day_kinds["new_account"]["attempts"] == "1"

    assert supervisor.run("report", "--agent", "ghost") == 2
    assert "unknown agent ghost" in capsys.readouterr().err


def test_the_qa_sample_is_reproducible_and_carries_the_checks(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    posted = record_attempts(supervisor)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for path in (first, second):
        argv = ["--month", MONTH, "--rate", "0.6", "--seed", "7", "--out", str(path)]
        assert supervisor.run("qa_sample", *argv) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_mode & 0o077 == 0, "the sample holds personal data"
    sampled = read_rows(first)
    assert 0 < len(sampled) < posted
    assert {row["complete"] for row in sampled} <= {"True", "False"}

    everything = tmp_path / "all.jsonl"
    argv = ["--month", MONTH, "--rate", "1", "--seed", "7", "--out", str(everything)]
    assert supervisor.run("qa_sample", *argv) == 0
    records = [QaRecord.model_validate_json(line) for line in everything.read_text().splitlines()]
    assert len(records) == posted
    assert {r.outcome.agent_id for r in records} == set(ATTEMPTS)
    assert f"sampled {posted} records" in capsys.readouterr().out

    with pytest.raises(SystemExit) as exit_info:
        supervisor.run(
            "qa_sample",
            "--month",
            "2026-13",
            "--rate",
            "0.1",
            "--seed",
            "1",
            "--out",
            str(everything),
        )
    assert exit_info.value.code == 2
    assert "'2026-13' is not a month" in capsys.readouterr().err


def test_purge_counts_first_and_purges_only_with_yes(supervisor: Supervisor, capsys):
    old = NOW - timedelta(days=6 * 366)
    posted = record_attempts(supervisor, started_at=old)
    assert supervisor.run("purge", "--years", "5") == 0
    assert f"dry run: {posted} records" in capsys.readouterr().out
    assert supervisor.run("purge", "--years", "5") == 0, "a dry run changed something"
    assert f"dry run: {posted} records" in capsys.readouterr().out

    assert supervisor.run("purge", "--years", "5", "--yes") == 0
    assert f"purged {posted} records" in capsys.readouterr().out
    assert supervisor.run("purge", "--years", "5") == 0
    assert "dry run: 0 records" in capsys.readouterr().out
    assert supervisor.run("purge", "--years", "0") == 2
    assert "--years: 0 is not between 1 and 100" in capsys.readouterr().err


def test_escalations_are_listed_resolved_and_reopened(supervisor: Supervisor, capsys):
    record_attempts(supervisor)
    [escalation] = list(supervisor.api.escalations())
    assert supervisor.run("escalations") == 0
    listed = capsys.readouterr().out
    assert str(escalation.id) in listed and "1 waiting, 0 overdue" in listed

    assert supervisor.run("escalations", "--resolve", str(escalation.id), "--text", "已处理") == 0
    out = capsys.readouterr().out
    assert "is now resolved" in out and "for agent a2" in out
    assert supervisor.run("escalations") == 0
    assert "0 waiting" in capsys.readouterr().out

    again = ["--resolve", str(escalation.id), "--text", "再次处理"]
    assert supervisor.run("escalations", *again) == 2
    assert f"escalation {escalation.id}: the escalation is resolved already" in (
        capsys.readouterr().err
    )
    assert (
        supervisor.run("escalations", "--reopen", str(escalation.id), "--text", "客户不满意") == 0
    )
    assert "is now reopened" in capsys.readouterr().out
    assert supervisor.run("escalations", "--resolve", str(uuid.uuid4()), "--text", "x") == 2
