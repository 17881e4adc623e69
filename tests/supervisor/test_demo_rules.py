"""The demo's own data follows the rules it demonstrates: the first `revisit queue build` on the
loaded demo finds every revisit made already (no second open task of a kind for an account),
and `revisit assign` places what the demo left in the pool within each agent's branch,
languages, skills and capacity."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from revisit_tui import cli
from revisit_tui.demo.data import SUPERVISOR_ID, generate
from revisit_tui.demo.load import load
from revisit_tui.domain.models import TaskKind, TaskStatus
from revisit_tui.server.tables import tasks
from revisit_tui.supervisor.planning import is_available, suits


def test_build_then_assign_on_the_loaded_demo_breaks_no_rule(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REVISIT_SUPERVISOR_TOKEN", raising=False)
    monkeypatch.setenv("REVISIT_CONFIG", os.devnull)
    monkeypatch.setenv("REVISIT_SUPERVISOR_TIMEZONE", "UTC")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    data = generate(seed=3, customers=120, timezone="UTC")
    tokens = {
        agent.id: live_server.add_agent(
            agent.id, role=agent.role, **agent.model_dump(exclude={"id", "name", "role"})
        )
        for agent in data.agents
    }
    summary = load(data, live_server.url, tokens)
    assert summary.follow_ups == 1
    connection = ["--server", live_server.url, f"--token={tokens[SUPERVISOR_ID]}"]

    assert cli.main(["queue", "build", *connection]) == 0
    built = capsys.readouterr().out
    assert "created 0 tasks" in built, built
    assert cli.main(["assign", *connection]) == 0
    assigned = capsys.readouterr().out
    assert "fit nobody" in assigned and " 0 fit nobody" in assigned, assigned

    engine = sa.create_engine(live_server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tasks).where(tasks.c.status == TaskStatus.OPEN)).all()
    engine.dispose()
    per_kind = Counter(
        (row.account_number, row.kind) for row in rows if row.kind != TaskKind.SPECIAL_EVENT
    )
    assert per_kind and max(per_kind.values()) == 1, "a second open task of the same kind"
    agents = {agent.id: agent for agent in data.agents}
    customers = {customer.id: customer for customer in data.batch.customers}
    for row in rows:
        agent = agents[row.assigned_agent]
        assert is_available(agent) and suits(agent, customers[row.customer_id]), row
    held = Counter(row.assigned_agent for row in rows)
    assert all(count <= agents[agent_id].capacity for agent_id, count in held.items()), held
