"""The supervisors' commands as installed: `revisit <command>`, in English and Chinese, with
the roster and moving, unassigning and parking tasks by hand."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime

import pytest
from supervision import Supervisor, customer

from revisit_tui import cli
from revisit_tui.domain.models import (
    ImportBatch,
    StoreReport,
    StoreReportKind,
    TaskCreate,
    TaskKind,
    TaskStatus,
)

COMMANDS = [
    "queue",
    "assign",
    "report",
    "qa",
    "disclose",
    "purge",
    "escalations",
    "agents",
    "tasks",
    "store-reports",
]


def revisit(supervisor: Supervisor, *argv: str) -> int:
    """`revisit <argv>` in-process against the supervisor's server."""
    command, *rest = argv
    connection = ["--server", supervisor.server.url, f"--token={supervisor.token}"]
    if command in ("queue", "tasks", "agents") and rest and not rest[0].startswith("-"):
        return cli.main([command, rest[0], *connection, *rest[1:]])
    return cli.main([command, *connection, *rest])


def tasks_for(supervisor: Supervisor, count: int, **extra) -> list[str]:
    supervisor.api.import_batch(ImportBatch(customers=[customer(f"c{n}") for n in range(count)]))
    creates = [
        TaskCreate(
            key=f"t{n}",
            kind=TaskKind.PERIODIC,
            priority=5,
            customer_id=f"c{n}",
            due=date(2026, 11, 25),
            **extra,
        )
        for n in range(count)
    ]
    return supervisor.api.create_tasks(creates).task_ids


def test_every_command_is_a_revisit_sub_command_without_textual():
    for command in COMMANDS:
        code = (
            "import sys; from revisit_tui import cli\n"
            f"try: cli.main([{command!r}, '--help'])\n"
            "except SystemExit: pass\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n"
        )
        english = {**os.environ, "LANG": "en_US.UTF-8", "REVISIT_CONFIG": os.devnull}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=english
        )
        assert done.returncode == 0, done.stderr
        assert "usage: revisit" in done.stdout


def test_assign_speaks_the_terminals_language(
    supervisor: Supervisor, monkeypatch: pytest.MonkeyPatch, capsys
):
    supervisor.server.add_agent("a1", capacity=5)
    tasks_for(supervisor, 2)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert revisit(supervisor, "assign", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "负荷/容量" in out and "试运行：未写入任何内容" in out
    assert revisit(supervisor, "assign", "--lang", "en") == 0
    assert "assigned 2 tasks" in capsys.readouterr().out
    assert revisit(supervisor, "assign", "--agent", "ghost") == 2
    assert capsys.readouterr().err.startswith("错误：")


def test_the_dry_run_previews_the_plan_task_by_task(supervisor: Supervisor, capsys):
    supervisor.server.add_agent("a1", capacity=1)
    ids = tasks_for(supervisor, 2)
    assert revisit(supervisor, "assign", "--dry-run", "--show-tasks") == 0
    rows = {
        line.split()[0]: line.split()
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("t-")
    }
    assert sorted(rows) == sorted(ids)
    assert sorted(row[-1] for row in rows.values()) == ["-", "a1"]


def test_the_roster_is_listed_and_changed(supervisor: Supervisor, capsys):
    supervisor.server.add_agent("wang", capacity=50)
    assert revisit(supervisor, "agents") == 0
    out = capsys.readouterr().out
    assert "wang" in out and "50" in out
    argv = ["agents", "set", "wang", "--capacity", "80", "--off-shift", "--languages", "zh-CN,en"]
    assert revisit(supervisor, *argv) == 0
    assert "capacity=80" in capsys.readouterr().out
    [wang] = [a for a in supervisor.api.agents() if a.id == "wang"]
    assert (wang.capacity, wang.on_shift, [lang.value for lang in wang.languages]) == (
        80,
        False,
        ["zh-CN", "en"],
    )
    with pytest.raises(SystemExit) as refused:
        revisit(supervisor, "agents", "set", "wang", "--languages", "fr")
    assert refused.value.code == 2
    assert "fr: choose from zh-CN, en" in capsys.readouterr().err
    assert revisit(supervisor, "agents", "set", "ghost", "--capacity", "1") == 2


def test_tasks_are_moved_unassigned_and_parked_by_hand(supervisor: Supervisor, capsys):
    supervisor.server.add_agent("wang", capacity=5)
    supervisor.server.add_agent("li", capacity=1)
    ids = tasks_for(supervisor, 3, assigned_agent="wang")

    assert revisit(supervisor, "tasks", "move", ids[0], "--to", "li") == 0
    assert "1 tasks moved to li" in capsys.readouterr().out
    assert revisit(supervisor, "tasks", "move", ids[1], "--to", "li") == 2, "li is full"
    assert "over capacity" in capsys.readouterr().err
    assert revisit(supervisor, "tasks", "unassign", "--from", "wang", "--dry-run") == 0
    assert ids[1] in capsys.readouterr().out
    assert revisit(supervisor, "tasks", "unassign", "--from", "wang") == 0
    held = {t.id: t.assigned_agent for t in supervisor.api.tasks(status=TaskStatus.OPEN)}
    assert held == {ids[0]: "li", ids[1]: None, ids[2]: None}

    assert revisit(supervisor, "tasks", "park", ids[2], "--until", "2026-12-01") == 0
    [parked] = [t for t in supervisor.api.tasks() if t.id == ids[2]]
    assert parked.not_before is not None and parked.not_before.date() == date(2026, 12, 1)
    assert revisit(supervisor, "tasks", "park", "t-nothing", "--until", "2026-12-01") == 2


def test_store_reports_lists_discards_and_recoveries_in_the_readers_language(
    supervisor: Supervisor, capsys
):
    now = datetime.now(UTC)
    handed = StoreReport(
        id=uuid.uuid4(),
        kind=StoreReportKind.HANDED_OVER,
        at=now,
        reason="task moved to branch BJ02",
        item_id=uuid.uuid4(),
        item_kind="outcome",
        task_id="t-gone",
        refusal="task t-gone not found",
        refusal_status=404,
        item={"notes": "card 6222020200112233445"},
    )
    recovery = StoreReport(
        id=uuid.uuid4(),
        kind=StoreReportKind.RECOVERY,
        at=now,
        reason="not valid JSON",
        file="outbox.json",
        aside="/home/a1/outbox.json.corrupt-20261129T101500Z",
        recovered=5,
        lost=1,
    )
    with supervisor.agent_api("a1") as agent:
        agent.store_report(handed)
        agent.store_report(recovery)
    assert revisit(supervisor, "store-reports", "--lang", "en") == 0
    english = capsys.readouterr().out
    assert "handed over" in english and "outcome of task t-gone, refused 404" in english
    assert "outbox.json: 5 recovered, 1 lost" in english and "2 report(s)" in english
    assert revisit(supervisor, "store-reports", "--kind", "recovery", "--lang", "zh-CN") == 0
    chinese = capsys.readouterr().out
    assert "文件恢复" in chinese and "恢复 5 条，丢失 1 条" in chinese and "已移交" not in chinese
