"""The alembic migrations build exactly the schema of tables.py (indexes included)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from revisit_tui.domain.models import TaskCreate, TaskKind
from revisit_tui.server import tables
from revisit_tui.server.accountids import AccountIds
from revisit_tui.server.db import make_engine
from revisit_tui.server.migrate import alembic_config, upgrade
from revisit_tui.server.serverkeys import account_id_key
from revisit_tui.server.tables import metadata
from revisit_tui.server.taskstore import create_tasks


def test_migrated_sqlite_schema_equals_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_task_keys_naming_an_account_number_name_its_account_id_after_0012(
    tmp_path: Path,
) -> None:
    """A task built before account ids keeps its id, and a re-run of the queue builder (keys
    now name the account id) finds it instead of creating it twice."""
    url = f"sqlite:///{tmp_path / 'central.db'}"
    upgrade(url, "0011")
    number = "6222020012345678"
    now = datetime.now(UTC)
    legacy = {
        "id": "t-legacy",
        "key": f"periodic:{number}:2026-H2",
        "kind": "periodic",
        "reason": "",
        "priority": 5,
        "customer_id": "c1",
        "account_number": number,
        "due": date(2026, 11, 25),
        "status": "open",
        "attempts": 0,
        "attempt_limit": 3,
        "version": 1,
        "assigned_version": 0,
        "created_at": now,
        "updated_at": now,
    }
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(tables.tasks), [legacy, {**legacy, "id": "t-own", "key": "own"}])
        upgrade(url)
        with engine.begin() as conn:
            ids = AccountIds(account_id_key(conn, now))
            rows = conn.execute(sa.select(tables.tasks.c.id, tables.tasks.c.key))
            keys = {row.id: row.key for row in rows}
            rerun = TaskCreate(
                key=f"periodic:{ids.of(number)}:2026-H2",
                kind=TaskKind.PERIODIC,
                priority=5,
                customer_id="c1",
                account_number=number,
                due=date(2026, 11, 25),
            )
            assert create_tasks(conn, [rerun], now) == (["t-legacy"], 0)
        assert keys == {"t-legacy": rerun.key, "t-own": "own"}
        command.downgrade(alembic_config(url), "0011")
        with engine.connect() as conn:
            restored = conn.scalar(
                sa.select(tables.tasks.c.key).where(tables.tasks.c.id == "t-legacy")
            )
        assert restored == legacy["key"]
    finally:
        engine.dispose()
