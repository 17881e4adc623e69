"""`revisit disclose`: a QA reviewer gets one identifier of one record in full, with a reason,
and the server's audit holds the disclosure (one row) before the value is printed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from supervision import Supervisor, customer

from revisit_tui import cli
from revisit_tui.domain.models import ImportBatch, TaskCreate, TaskKind
from revisit_tui.server.tables import reveals
from tests.conftest import callable_zone

MOBILE = "+8613712345678"


def reviewed_outcome(supervisor: Supervisor) -> str:
    """A call of agent a1 to a customer, recorded; its outcome id."""
    api = supervisor.agent_api("a1")
    supervisor.api.import_batch(
        ImportBatch(customers=[customer("c1", mobile=MOBILE, timezone=callable_zone())])
    )
    [task_id] = supervisor.api.create_tasks(
        [
            TaskCreate(
                key="t1",
                kind=TaskKind.PERIODIC,
                priority=5,
                customer_id="c1",
                due=date.today(),
                assigned_agent="a1",
            )
        ]
    ).task_ids
    started = datetime.now(UTC) - timedelta(minutes=5)
    outcome_id = str(uuid.uuid4())
    outcome = {
        "id": outcome_id,
        "task_id": task_id,
        "agent_id": "a1",
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=3)).isoformat(),
        "disposition": "busy",
    }
    api.request("PUT", f"/v1/outcomes/{outcome_id}", json=outcome)
    return outcome_id


def test_one_field_of_one_record_is_shown_and_audited(
    supervisor: Supervisor, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome_id = reviewed_outcome(supervisor)
    connection = ["--server", supervisor.server.url, f"--token={supervisor.token}"]
    reason = "QA 2026-11: the recording names another number"
    command = ["disclose", *connection, outcome_id, "mobile", "--reason", reason]
    assert cli.main(command) == 0
    out = capsys.readouterr().out
    assert out.startswith("mobile: " + MOBILE) and "audited" in out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli.main(command) == 0
    assert capsys.readouterr().out.startswith("手机号码：" + MOBILE)
    with pytest.raises(SystemExit):  # no reason, no disclosure
        cli.main(["disclose", *connection, outcome_id, "mobile"])
    assert cli.main(["disclose", *connection, str(uuid.uuid4()), "mobile", "--reason", "x"]) == 1
    engine = sa.create_engine(supervisor.server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(reveals).where(reveals.c.kind == "qa_review")).all()
    engine.dispose()
    assert [(r.agent_id, r.outcome_id, r.field, r.reason) for r in rows] == [
        ("boss", outcome_id, "mobile", reason)
    ] * 2
