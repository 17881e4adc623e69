"""A branch transfer (seed 003 §四.3 客户沟通, §十一 客户满意度调查) tells each moved customer by
SMS (the branch_transfer template, in their language, outside their rest hours) and creates a
satisfaction revisit that `revisit assign --transfer` gives to the new branch's agents —
through the real server and the supervisors' commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from supervision import Supervisor, customer

from revisit_tui.domain.models import ImportBatch, Language, Role, TaskKind
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.server.tables import sms_messages
from tests.conftest import callable_zone

POLICY = RevisitPolicy()


def zone_at(hour: int) -> str:
    """An IANA zone where it is about `hour` o'clock now."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def test_a_transfer_sends_the_notice_and_leaves_a_satisfaction_revisit_for_the_new_branch(
    supervisor: Supervisor, tmp_path: Path, capsys
) -> None:
    day, night = callable_zone(), zone_at(1)  # 01:00 is in the rest hours (21:00–08:00)
    supervisor.api.import_batch(
        ImportBatch(
            customers=[
                customer("day", mobile="+8613800000001", timezone=day),
                customer("night", mobile="+8613800000002", timezone=night),
                customer("abroad", language=Language.EN, mobile="+447911123456", timezone=day),
                customer("nomobile", timezone=day),
                customer("quiet", mobile="+8613800000003", timezone=day, do_not_call=True),
            ]
        )
    )
    supervisor.server.add_agent("old", branch="b1")
    supervisor.server.add_agent("new", branch="b2", languages=["zh-CN", "en"])
    ids = tmp_path / "ids.txt"
    ids.write_text("day\nnight\nabroad\nnomobile\nquiet\n", encoding="utf-8")
    argv = ["--transfer", str(ids), "--to-branch", "b2"]

    assert supervisor.run("assign", *argv, "--dry-run") == 0
    assert "4 satisfaction revisits and 3 notice SMS would follow" in capsys.readouterr().out
    assert list(supervisor.api.tasks(kind=TaskKind.TRANSFER)) == []

    before = datetime.now(UTC)
    assert supervisor.run("assign", *argv) == 0
    printed = capsys.readouterr().out
    assert "4 satisfaction revisits created for the branch, 3 notice SMS queued" in printed
    surveys = {t.customer_id: t for t in supervisor.api.tasks(kind=TaskKind.TRANSFER)}
    assert set(surveys) == {"day", "night", "abroad", "nomobile"}  # none for do-not-call
    for task in surveys.values():
        assert task.reason == "b1 → b2"
        assert task.assigned_agent == "new"  # the command assigns them: the new branch's agent
        assert task.priority == POLICY.schedule.priority[TaskKind.TRANSFER]
        assert task.due > before.date()

    gateway = supervisor.server.add_service("gw", Role.SMS_GATEWAY)
    with httpx.Client(
        base_url=supervisor.server.url, headers={"Authorization": f"Bearer {gateway}"}
    ) as http:
        pending = {m["task_id"]: m for m in http.get("/v1/sms/pending").json()}
    assert set(pending) == {surveys["day"].id, surveys["abroad"].id}  # night: in rest hours
    chinese, english = pending[surveys["day"].id], pending[surveys["abroad"].id]
    assert "新的服务网点" in chinese["text"] and POLICY.sms.signature in chinese["text"]
    assert english["text"].startswith("Dear customer, your accounts are now served by a new")
    assert english["text"].endswith(POLICY.sms.signature_en)
    assert chinese["to"] == "+8613800000001"  # the gateway gets the number to send to
    engine = sa.create_engine(supervisor.server.db_url)
    with engine.connect() as conn:
        held = conn.execute(
            sa.select(sms_messages.c.not_before, sms_messages.c.agent_id).where(
                sms_messages.c.task_id == surveys["night"].id
            )
        ).one()
    engine.dispose()
    assert held.agent_id == "boss"  # who moved the customers
    wakes = datetime.now(UTC) + timedelta(hours=8)
    assert before + timedelta(hours=6) < held.not_before.replace(tzinfo=UTC) < wakes

    assert supervisor.run("assign", *argv) == 0  # already there: nothing more is sent
    assert "0 satisfaction revisits created for the branch, 0 notice SMS" in capsys.readouterr().out
    assert len(list(supervisor.api.tasks(kind=TaskKind.TRANSFER))) == 4
