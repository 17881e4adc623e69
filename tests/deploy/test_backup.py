"""`revisit db backup` while the server writes, `revisit db restore` into a fresh database: the
restored server holds every outcome acknowledged before the backup began, and nothing torn
(outcomes arrive in whole batches, each with its task's attempt counted)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from revisit_tui.client.api import ApiClient
from revisit_tui.server import backup, migrate
from revisit_tui.server.process import ServerProcess
from tests.client.agent_world import no_answer, seed_tasks, stored_outcome_ids
from tests.conftest import PG_ENV

AGENT = "backup"
TASKS = 1000
BATCH = 5  # outcomes per POST: one transaction each
ACKED_BEFORE_BACKUP = 20  # batches acknowledged before the backup starts


def revisit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVISIT_CONFIG": os.devnull}
    return subprocess.run(
        [sys.executable, "-m", "revisit_tui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The live database and an empty one to restore into."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    names = [f"revisit_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    maintenance = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with maintenance.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = sa.make_url(base)
        yield tuple(  # type: ignore[misc]
            url.set(database=name).render_as_string(hide_password=False) for name in names
        )
    finally:
        with maintenance.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.dispose()


class Writer(threading.Thread):
    """Posts the outcomes batch after batch, counting the batches the server acknowledged."""

    def __init__(self, url: str, token: str, batches: list[list[Any]]) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.batches = url, token, batches
        self.acknowledged = 0
        self.reached = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with ApiClient(self.url, self.token) as api:
                for batch in self.batches:
                    if self.stop.is_set():
                        return
                    results = api.submit_outcomes(batch).results
                    assert all(result.status == 201 for result in results)
                    self.acknowledged += 1
                    if self.acknowledged >= ACKED_BEFORE_BACKUP:
                        self.reached.set()
        except BaseException as exc:
            self.error = exc
            self.reached.set()


def test_a_backup_taken_under_writes_restores_every_acknowledged_outcome(
    two_databases: tuple[str, str], live_server_for: Any, tmp_path: Path
) -> None:
    live_url, restored_url = two_databases
    server = live_server_for(live_url, workers=1 if live_url.startswith("sqlite") else 2)
    backup_file = tmp_path / "backups" / "revisit.backup"
    server.process.start(timeout=60)  # a loaded machine: two workers take a while
    with server.process:
        token, boss, task_ids = seed_tasks(server, AGENT, TASKS)
        outcomes = [no_answer(task_id, AGENT) for task_id in task_ids]
        batches = [outcomes[i : i + BATCH] for i in range(0, TASKS, BATCH)]
        writer = Writer(server.url, token, batches)
        writer.start()
        assert writer.reached.wait(60) and writer.error is None, writer.error
        before = writer.acknowledged
        backup.backup(
            live_url, backup_file
        )  # in-process: the CLI's start-up would outlast the writes
        after = writer.acknowledged
        writer.stop.set()
        writer.join(60)
        assert writer.error is None, writer.error
    assert after < len(batches)  # the server was still writing when the backup ended
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600  # personal data

    loaded = revisit("db", "restore", str(backup_file), "--db", restored_url)
    assert loaded.returncode == 0, loaded.stderr
    assert migrate.current(restored_url) == migrate.head()

    with ServerProcess(restored_url).start(timeout=60) as restored:
        stored = stored_outcome_ids(SimpleNamespace(url=restored.url), boss, AGENT)
    whole_batches, torn = divmod(len(stored), BATCH)
    assert torn == 0
    assert before <= whole_batches <= after + 1  # +1: committed, its answer still on the way
    assert sorted(stored) == sorted(str(o.id) for o in outcomes[: whole_batches * BATCH])
    engine = sa.create_engine(restored_url)
    try:
        with engine.connect() as conn:
            attempts = conn.execute(sa.text("SELECT SUM(attempts) FROM tasks")).scalar_one()
    finally:
        engine.dispose()
    assert attempts == len(stored)  # each outcome's task counted its attempt: no half writes


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    migrate.upgrade(live)
    backup_file = tmp_path / "revisit.backup"
    assert revisit("db", "backup", str(backup_file), "--db", live).returncode == 0
    refused = revisit("db", "restore", str(backup_file), "--db", live)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "new, empty database" in refused.stderr
    missing = revisit("db", "restore", str(tmp_path / "nothing"), "--db", live)
    assert missing.returncode == 1 and "no such backup file" in missing.stderr
