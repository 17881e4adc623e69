"""scripts/build_queue.py against the real server: every due revisit is created once."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from supervision import SCRIPTS, Supervisor, account, customer

from revisit_tui.domain.models import (
    AccountEvent,
    AccountStatus,
    AccountType,
    CustomerType,
    Event,
    ImportBatch,
    Language,
    RiskLevel,
    TaskCreate,
    TaskKind,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits
from revisit_tui.server import tables

TODAY = date(2026, 11, 25)
MANY = 1100  # more than one page of accounts


def master_data() -> ImportBatch:
    """Accounts of every kind of revisit, plus many long-standing ones (periodic)."""
    customers = [customer(f"c{i}") for i in range(MANY)]
    customers += [
        customer("corp", kind=CustomerType.CORPORATE),
        customer("risky", risk=RiskLevel.HIGH),
        customer("quiet", do_not_call=True),
    ]
    accounts = [account(f"62{i:08d}", f"c{i}", date(2024, 3, 1)) for i in range(MANY)]
    accounts += [
        account("NEW0001", "c1", TODAY - timedelta(days=2)),
        account("CORP0001", "corp", date(2026, 7, 1), kind=AccountType.CORPORATE_BASIC),
        account("RISK0001", "risky", date(2026, 9, 20)),
        account("QUIET001", "quiet", date(2020, 1, 1)),
        account("CLOSE001", "c2", date(2022, 1, 1), status=AccountStatus.CLOSING),
    ]
    events = [
        Event(
            id="ev-complaint",
            account_number="6200000003",
            kind=AccountEvent.COMPLAINT,
            at=datetime(2026, 11, 24, 3, tzinfo=UTC),
        )
    ]
    return ImportBatch(customers=customers, accounts=accounts, events=events)


def test_every_due_revisit_is_created_once_and_a_rerun_creates_nothing(
    supervisor: Supervisor, capsys
):
    data = master_data()
    supervisor.api.import_batch(data)
    customers = {c.id: c for c in data.customers}
    accounts, events = list(supervisor.api.accounts()), list(supervisor.api.events())
    numbers = {a.number for a in data.accounts}
    listed = {a.number for a in accounts} | {e.account_number for e in events}
    assert not numbers & listed
    expected = {
        t.key: t for t in due_revisits(accounts, customers, events, {}, TODAY, RevisitPolicy())
    }

    assert supervisor.run("build_queue", "--today", TODAY.isoformat()) == 0
    tasks = list(supervisor.api.tasks())
    assert Counter(t.key for t in tasks) == Counter(list(expected))
    # built from masked listings, the tasks still name their customer's own full account
    stored = stored_accounts(supervisor)
    owner = {a.number: a.customer_id for a in data.accounts}
    assert len(stored) == len(tasks) and all(owner[stored[t.id]] == t.customer_id for t in tasks)
    assert not any(number in t.model_dump_json() for t in tasks for number in numbers)
    kinds = Counter(t.kind for t in tasks)
    assert kinds[TaskKind.PERIODIC] >= MANY
    for kind in (TaskKind.NEW_ACCOUNT, TaskKind.SPECIAL_EVENT, TaskKind.CLOSURE):
        assert kinds[kind] >= 1, kind
    assert not any(t.customer_id == "quiet" for t in tasks), "do-not-call customer got a task"
    assert f"created {len(expected)} tasks" in capsys.readouterr().out

    assert supervisor.run("build_queue", "--today", TODAY.isoformat()) == 0
    assert f"created 0 tasks; {len(expected)} existed already" in capsys.readouterr().out
    assert len(list(supervisor.api.tasks())) == len(tasks)


def stored_accounts(supervisor: Supervisor) -> dict[str, str]:
    """Task id → its full account number, as the server's database holds it."""
    engine = sa.create_engine(supervisor.server.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(tables.tasks.c.id, tables.tasks.c.account_number))
            return {row.id: row.account_number for row in rows if row.account_number}
    finally:
        engine.dispose()


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    columns = ["record", "number", "customer_id", "type", "opened_on", "status", "branch"]
    columns += ["id", "account_number", "kind", "at", "detail"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def test_an_export_file_is_read_and_a_malformed_line_is_named(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1"), customer("c2")]))
    rows = [
        {
            "record": "account",
            "number": "NEW0001",
            "customer_id": "c1",
            "type": "personal_savings",
            "opened_on": "2026-11-23",
            "branch": "b1",
        },
        {
            "record": "account",
            "number": "OLD0001",
            "customer_id": "c2",
            "type": "personal_current",
            "opened_on": "2025-01-10",
            "branch": "b1",
        },
        {
            "record": "event",
            "id": "e1",
            "account_number": "OLD0001",
            "kind": "large_abnormal_transaction",
            "at": "2026-11-24T08:00:00+08:00",
        },
    ]
    export = tmp_path / "export.csv"
    write_csv(export, rows)
    assert supervisor.run("build_queue", "--from-file", str(export), "--today", "2026-11-25") == 0
    assert Counter(t.kind for t in supervisor.api.tasks()) == {
        TaskKind.NEW_ACCOUNT: 1,
        TaskKind.PERIODIC: 1,
        TaskKind.SPECIAL_EVENT: 1,
    }
    assert sorted(stored_accounts(supervisor).values()) == ["NEW0001", "OLD0001", "OLD0001"]
    capsys.readouterr()
    # the same accounts read back from the central database build the same keys: nothing new
    assert supervisor.run("build_queue", "--today", "2026-11-25") == 0
    assert "created 0 tasks; 3 existed already" in capsys.readouterr().out

    rows.insert(1, {**rows[0], "number": "NEW0002", "opened_on": "2026-13-01"})
    write_csv(export, rows)
    assert supervisor.run("build_queue", "--from-file", str(export)) == 2
    error = capsys.readouterr().err
    assert "export.csv line 3: opened_on" in error

    lines = tmp_path / "export.jsonl"
    good = {
        "record": "account",
        "number": "NEW0003",
        "customer_id": "c1",
        "type": "personal_savings",
        "opened_on": "2026-11-23",
        "branch": "b1",
    }
    lines.write_text(json.dumps(good) + "\n\n{not json\n", encoding="utf-8")
    assert supervisor.run("build_queue", "--from-file", str(lines)) == 2
    assert "export.jsonl line 3: not valid JSON" in capsys.readouterr().err

    lines.write_text(json.dumps({**good, "customer_id": "nobody"}) + "\n", encoding="utf-8")
    assert supervisor.run("build_queue", "--from-file", str(lines)) == 2
    assert "export.jsonl line 1: customer_id: no such customer" in capsys.readouterr().err
    assert len(list(supervisor.api.tasks())) == 3, "a refused file created tasks"


def test_as_a_subprocess_with_a_token_in_the_environment(supervisor: Supervisor):
    supervisor.api.import_batch(
        ImportBatch(
            customers=[customer("c1")],
            accounts=[account("NEW0001", "c1", TODAY - timedelta(days=1))],
        )
    )
    command = [sys.executable, str(SCRIPTS / "build_queue.py"), "--server", supervisor.server.url]
    env = {**os.environ, "REVISIT_SUPERVISOR_TOKEN": supervisor.token}
    done = subprocess.run(
        [*command, "--today", TODAY.isoformat()], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "created 1 tasks" in done.stdout
    assert done.stderr == "", "progress bars must stay quiet off a terminal"

    env["REVISIT_SUPERVISOR_TOKEN"] = "not-a-token"
    refused = subprocess.run(command, env=env, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "the token was refused (401)" in refused.stderr

    env["REVISIT_SUPERVISOR_TOKEN"] = supervisor.server.add_agent("a1")
    forbidden = subprocess.run(command, env=env, capture_output=True, text=True)
    assert forbidden.returncode == 1
    assert "not a supervisor's (403)" in forbidden.stderr


def test_with_assign_the_new_tasks_are_created_assigned_within_capacity(
    supervisor: Supervisor, capsys
):
    server = supervisor.server
    server.add_agent("zh", capacity=4)
    server.add_agent("en", capacity=10, languages=[Language.EN])
    customers = [customer(f"c{i}") for i in range(6)]
    customers += [customer(f"e{i}", language=Language.EN) for i in range(2)]
    # c0's revisit is the most urgent (opened first): continuity places tasks in urgency order,
    # and among equals the order follows the keys, which name opaque account ids
    accounts = [
        account(f"ACC{c.id.upper():0>5}", c.id, date(2025, 1, 5 if c.id == "c0" else 6))
        for c in customers
    ]
    supervisor.api.import_batch(ImportBatch(customers=customers, accounts=accounts))
    held = TaskCreate(
        key="held",
        kind=TaskKind.PERIODIC,
        priority=5,
        customer_id="c0",
        due=TODAY,
        assigned_agent="zh",
    )
    supervisor.api.create_tasks([held])

    assert supervisor.run("build_queue", "--assign", "--today", TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    assert "created 8 tasks" in out and "3 left unassigned" in out
    tasks = [t for t in supervisor.api.tasks() if t.key != "held"]
    agent_of = {t.customer_id: t.assigned_agent for t in tasks}
    assert agent_of["c0"] == "zh", "the customer's agent keeps them"
    assert Counter(agent_of.values()) == {"zh": 3, "en": 2, None: 3}
    assert {agent_of["e0"], agent_of["e1"]} == {"en"}

    assert supervisor.run("build_queue", "--assign", "--today", TODAY.isoformat()) == 0
    assert "created 0 tasks" in capsys.readouterr().out
    assert len(list(supervisor.api.tasks(unassigned=True))) == 3, "a re-run moved tasks"
