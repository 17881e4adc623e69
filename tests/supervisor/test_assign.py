"""scripts/assign.py against the real server: capacity, language, skill, continuity,
rebalancing absent agents, branch transfers, dry runs and bad input."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from supervision import Supervisor, customer, load_script

from revisit_tui.domain.models import (
    Agent,
    Assignment,
    CustomerType,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    ImportBatch,
    Language,
    Outcome,
    TaskCreate,
    TaskKind,
    TaskStatus,
    Urgency,
)

TODAY = date(2026, 11, 25)


def task(key: str, customer_id: str, priority: int = 5, **extra) -> TaskCreate:
    return TaskCreate(
        key=key,
        kind=extra.pop("kind", TaskKind.PERIODIC),
        priority=priority,
        customer_id=customer_id,
        due=extra.pop("due", TODAY),
        **extra,
    )


def open_tasks(supervisor: Supervisor) -> list:
    return list(supervisor.api.tasks(status=TaskStatus.OPEN))


def test_tasks_are_spread_within_capacity_language_and_skill(supervisor: Supervisor, capsys):
    server = supervisor.server
    server.add_agent("zh1", capacity=5)
    server.add_agent("zh2", capacity=4, skills=[CustomerType.PERSONAL])
    server.add_agent("en1", capacity=3, languages=[Language.EN])
    server.add_agent("away", capacity=50, on_shift=False)
    customers = [customer(f"p{i}") for i in range(8)]
    customers += [customer(f"corp{i}", kind=CustomerType.CORPORATE) for i in range(4)]
    customers += [customer(f"en{i}", language=Language.EN) for i in range(5)]
    supervisor.api.import_batch(ImportBatch(customers=customers))
    held = [task("held-0", "p0", assigned_agent="zh1"), task("held-1", "p1", assigned_agent="zh1")]
    priority = {"en": 1, "corp": 4, "p": 5}  # English first, then corporate, then personal
    new = [task(f"t-{c.id}", c.id, priority=priority[c.id.rstrip("0123456789")]) for c in customers]
    supervisor.api.create_tasks(held + new)

    assert supervisor.run("assign", "--today", TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    by_customer = {c.id: c for c in customers}
    agents = {a.id: a for a in supervisor.api.agents()}
    tasks = open_tasks(supervisor)
    load = Counter(t.assigned_agent for t in tasks if t.assigned_agent)
    for agent_id, count in load.items():
        assert count <= agents[agent_id].capacity, f"{agent_id} over capacity"
    for t in tasks:
        if t.assigned_agent:
            agent, c = agents[t.assigned_agent], by_customer[t.customer_id]
            assert c.language in agent.languages and c.type in agent.skills
    assert load["away"] == 0
    # zh1 had 2 of 5; zh2 takes personal only; en1 takes 3 of the 5 English customers
    assert load == {"zh1": 5, "zh2": 4, "en1": 3}
    unassigned = [t for t in tasks if t.assigned_agent is None]
    assert len(unassigned) == len(tasks) - 12
    assert "3 left: all 1 suitable agents are at capacity" in out  # 2 English, 1 corporate
    assert "4 left: all 2 suitable agents are at capacity" in out  # personal, Chinese


def test_continuity_keeps_a_customer_with_the_agent_who_holds_them(supervisor: Supervisor):
    supervisor.server.add_agent("known", capacity=10)
    supervisor.server.add_agent("roomy", capacity=100)
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks(
        [
            task("first", "c1", assigned_agent="known"),
            task("follow", "c1", priority=1, kind=TaskKind.FOLLOW_UP),
            task("other", "c2"),
        ]
    )
    assert supervisor.run("assign") == 0
    agent_of = {t.key: t.assigned_agent for t in open_tasks(supervisor)}
    assert agent_of["follow"] == "known"
    assert agent_of["other"] == "roomy"


def test_rebalance_moves_the_tasks_of_absent_agents(supervisor: Supervisor):
    supervisor.server.add_agent("sick", capacity=10)
    supervisor.server.add_agent("here", capacity=10)
    supervisor.api.import_batch(ImportBatch(customers=[customer(f"c{i}") for i in range(3)]))
    supervisor.api.create_tasks([task(f"t{i}", f"c{i}", assigned_agent="sick") for i in range(3)])
    supervisor.api.put_agent(Agent(id="sick", name="Agent sick", capacity=10, on_shift=False))

    assert supervisor.run("assign") == 0
    assert {t.assigned_agent for t in open_tasks(supervisor)} == {"sick"}, "moved without asking"
    assert supervisor.run("assign", "--rebalance") == 0
    assert {t.assigned_agent for t in open_tasks(supervisor)} == {"here"}


def test_a_dry_run_prints_the_plan_and_writes_nothing(supervisor: Supervisor, capsys):
    supervisor.server.add_agent("a1", capacity=10)
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks(
        [
            task("late", "c1", due=TODAY - timedelta(days=3)),
            task("new", "c2", kind=TaskKind.NEW_ACCOUNT, priority=3),
        ]
    )
    assert supervisor.run("assign", "--dry-run", "--today", TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    [row] = [line for line in out.splitlines() if line.startswith("a1 ")]
    assert row.split()[:2] == ["a1", "2"]
    assert "new account 1, periodic 1" in row and row.split()[-2:] == ["1", "2/10"]
    assert "dry run: nothing was written" in out
    assert all(t.assigned_agent is None for t in open_tasks(supervisor))


def test_customers_moving_branch_take_their_open_tasks_along(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    supervisor.server.add_agent("old", capacity=10, branch="b1")
    supervisor.server.add_agent("new", capacity=10, branch="b2")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    supervisor.api.create_tasks([task("t1", "c1"), task("t2", "c2")])
    assert supervisor.run("assign") == 0
    assert {t.assigned_agent for t in open_tasks(supervisor)} == {"old"}

    moving = tmp_path / "moving.txt"
    moving.write_text("# customers of the split-off branch\nc1\n", encoding="utf-8")
    assert supervisor.run("assign", "--transfer", str(moving), "--to-branch", "b2") == 0
    assert "moved 1 customers to branch b2" in capsys.readouterr().out
    agent_of = {t.customer_id: t.assigned_agent for t in open_tasks(supervisor)}
    assert agent_of == {"c1": "new", "c2": "old"}
    assert [c.branch for c in supervisor.api.customers(branch="b2")] == ["b2"]


def test_bad_input_exits_non_zero_with_what_is_wrong(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    assert supervisor.run("assign", "--agent", "ghost") == 2
    assert "--agent: unknown agent ghost" in capsys.readouterr().err
    bad = tmp_path / "ids.txt"
    bad.write_text("c1\nnot an id!\n", encoding="utf-8")
    assert supervisor.run("assign", "--transfer", str(bad), "--to-branch", "b2") == 2
    assert "ids.txt line 2: not a customer id" in capsys.readouterr().err
    bad.write_text("# moving\nghost-customer\n", encoding="utf-8")
    assert supervisor.run("assign", "--transfer", str(bad), "--to-branch", "b2") == 2
    assert "ids.txt line 2: no such customer" in capsys.readouterr().err
    assert supervisor.run("assign", token="expired") == 1
    assert "the token was refused (401)" in capsys.readouterr().err

    token_file = tmp_path / "token"
    token_file.write_text(supervisor.token + "\n", encoding="utf-8")
    token_file.chmod(0o644)
    argv = ["--server", supervisor.server.url, "--token-file", str(token_file), "--dry-run"]
    assign = load_script("assign")
    assert assign.main(argv) == 2
    assert "others can read" in capsys.readouterr().err
    token_file.chmod(0o600)
    assert assign.main(argv) == 0


def test_a_follow_up_goes_back_to_the_agent_who_escalated(supervisor: Supervisor):
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    caller = supervisor.agent_api("caller", capacity=5)
    supervisor.server.add_agent("roomy", capacity=100)
    [task_id] = supervisor.api.create_tasks([task("t1", "c1", assigned_agent="caller")]).task_ids
    now = datetime.now(UTC)
    escalation = EscalationRequest(
        id=uuid.uuid4(),
        category=EscalationCategory.PRODUCT,
        department="个人金融部",
        urgency=Urgency.NORMAL,
        summary="理财产品赎回到账慢",
    )
    outcome = Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id="caller",
        started_at=now,
        ended_at=now,
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        escalations=[escalation],
    )
    assert caller.submit_outcomes([outcome]).results[0].status == 201
    resolved = supervisor.api.resolve_escalation(str(escalation.id), "已加急处理")
    follow_up_id = resolved.follow_up_task_id
    assert follow_up_id is not None
    supervisor.api.assign([Assignment(task_id=follow_up_id, agent_id=None)])

    assert supervisor.run("assign") == 0
    [follow_up] = [t for t in open_tasks(supervisor) if t.id == follow_up_id]
    assert follow_up.assigned_agent == "caller"
