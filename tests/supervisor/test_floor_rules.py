"""Assignment on a real floor: agents who leave, who last reached a customer, branch typos in
transfers, and the transfer's plan shown before anything moves."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from supervision import Supervisor, customer

from revisit_tui.domain.models import (
    CustomerType,
    Disposition,
    ImportBatch,
    Language,
    Outcome,
    TaskCreate,
    TaskKind,
    TaskStatus,
)
from revisit_tui.server import admin
from revisit_tui.server.tables import principals

TODAY = date(2026, 11, 25)


def task(key: str, customer_id: str, **extra) -> TaskCreate:
    return TaskCreate(
        key=key,
        kind=extra.pop("kind", TaskKind.PERIODIC),
        priority=extra.pop("priority", 5),
        customer_id=customer_id,
        due=TODAY,
        **extra,
    )


def agent_of(supervisor: Supervisor) -> dict[str, str | None]:
    return {t.key: t.assigned_agent for t in supervisor.api.tasks(status=TaskStatus.OPEN)}


def test_a_revoked_agents_open_tasks_go_back_to_the_pool_and_are_assigned(
    supervisor: Supervisor,
):
    supervisor.server.add_agent("leaver", capacity=10)
    supervisor.server.add_agent("stayer", capacity=10)
    supervisor.api.import_batch(ImportBatch(customers=[customer(f"c{i}") for i in range(3)]))
    supervisor.api.create_tasks([task(f"t{i}", f"c{i}", assigned_agent="leaver") for i in range(3)])

    admin.revoke(supervisor.server.db_url, "leaver")
    assert set(agent_of(supervisor).values()) == {None}, "stranded with a revoked agent"
    assert supervisor.run("assign") == 0
    assert set(agent_of(supervisor).values()) == {"stayer"}


def test_tasks_still_held_by_an_agent_revoked_before_are_placed(supervisor: Supervisor):
    """A database revoked agents left tasks in (revoked before the server returned them to
    the pool): assign places those tasks instead of counting them as a ghost's load."""
    supervisor.server.add_agent("ghost", capacity=10)
    supervisor.server.add_agent("worker", capacity=10)
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks([task("t1", "c1", assigned_agent="ghost"), task("t2", "c2")])
    engine = sa.create_engine(supervisor.server.db_url)
    with engine.begin() as conn:
        conn.execute(sa.update(principals).where(principals.c.id == "ghost").values(revoked=True))
    engine.dispose()

    assert supervisor.run("assign") == 0
    assert agent_of(supervisor) == {"t1": "worker", "t2": "worker"}


def test_continuity_prefers_the_agent_who_last_reached_the_customer(supervisor: Supervisor):
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    # "generalist" speaks both languages: planning keeps them for the customers only they can
    # serve, so without continuity the specialist would get the customer
    caller = supervisor.agent_api(
        "generalist", capacity=10, languages=[Language.ZH_CN, Language.EN]
    )
    supervisor.server.add_agent("specialist", capacity=10, skills=[CustomerType.PERSONAL])
    [done_id] = supervisor.api.create_tasks(
        [task("earlier", "c1", assigned_agent="generalist")]
    ).task_ids
    started = datetime.now(UTC) - timedelta(hours=2)
    reached = Outcome(
        id=uuid.uuid4(),
        task_id=done_id,
        agent_id="generalist",
        started_at=started,
        ended_at=started + timedelta(minutes=5),
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        satisfaction=5,
    )
    assert caller.submit_outcomes([reached]).results[0].status == 201
    supervisor.api.create_tasks([task("again", "c1"), task("stranger", "c2")])

    assert supervisor.run("assign") == 0
    placed = agent_of(supervisor)
    assert placed["again"] == "generalist", "the customer went to someone with no history"
    assert placed["stranger"] == "specialist"


def test_a_transfer_to_an_unknown_branch_is_refused_and_moves_nothing(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    supervisor.server.add_agent("a1", capacity=10, branch="b1")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks([task("t1", "c1", assigned_agent="a1")])
    moving = tmp_path / "moving.txt"
    moving.write_text("c1\nc2\n", encoding="utf-8")

    code = supervisor.run("assign", "--transfer", str(moving), "--to-branch", "SHO1")
    assert code == 2
    assert "unknown branch 'SHO1'" in capsys.readouterr().err
    assert [c.branch for c in supervisor.api.customers()] == ["b1", "b1"]
    assert agent_of(supervisor) == {"t1": "a1"}
    code = supervisor.run("assign", "--transfer", str(moving), "--to-branch", "SHO1", "--dry-run")
    assert code == 2, "the dry run checks the branch too"


def test_a_transfer_dry_run_shows_the_plan_and_moves_nothing(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    supervisor.server.add_agent("a1", capacity=10, branch="b1")
    supervisor.server.add_agent("a2", capacity=10, branch="b2")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks(
        [task("t1", "c1", assigned_agent="a1"), task("t2", "c1", assigned_agent="a1")]
    )
    moving = tmp_path / "moving.txt"
    moving.write_text("c1\nc2\n", encoding="utf-8")

    argv = ["--transfer", str(moving), "--to-branch", "b2", "--dry-run"]
    assert supervisor.run("assign", *argv) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("c")}
    assert rows["c1"][1:] == ["b1", "b2", "2"]
    assert rows["c2"][1:] == ["b1", "b2", "0"]
    assert "would move 2 customers to branch b2; 2 open tasks" in out
    assert [c.branch for c in supervisor.api.customers()] == ["b1", "b1"]
    assert agent_of(supervisor) == {"t1": "a1", "t2": "a1"}
