"""Nodes starting at once migrate the schema once, whole; a node whose schema is not current
refuses to serve and says what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from revisit_tui.server import migrate
from revisit_tui.server.db import make_engine
from revisit_tui.server.process import free_port
from revisit_tui.server.tables import metadata

NODES = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def revisit_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "revisit_tui.cli", *args]


def run_all_at_once(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "REVISIT_CONFIG": os.devnull}
    started = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        for c in commands
    ]
    results = []
    for process, command in zip(started, commands, strict=True):
        out, _ = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(command, process.returncode, out))
    return results


def test_nodes_upgrading_at_once_migrate_once_and_whole(empty_db: str) -> None:
    if empty_db.startswith("postgresql"):
        engine = sa.create_engine(empty_db)
        with engine.begin() as conn:  # the module's database may hold another test's schema
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    results = run_all_at_once(
        [revisit_command("db", "upgrade", "--db", empty_db) for _ in range(NODES)]
    )
    for result in results:
        assert result.returncode == 0, result.stdout
        assert f"schema at {migrate.head()}" in result.stdout
    engine = make_engine(empty_db)
    try:
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert versions == [(migrate.head(),)]
    assert diff == []


def serve_no_migrate(db_url: str) -> subprocess.CompletedProcess[str]:
    command = revisit_command("serve", "--db", db_url, "--port", str(free_port()), "--no-migrate")
    env = {**os.environ, "REVISIT_CONFIG": os.devnull}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_a_node_on_an_older_schema_refuses_to_serve(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
    previous = script.get_revision(migrate.head()).down_revision
    assert isinstance(previous, str)
    migrate.upgrade(db_url, previous)

    refused = serve_no_migrate(db_url)
    assert refused.returncode == 3
    assert f"schema is at {previous}, older than {migrate.head()}" in refused.stderr
    assert "run `revisit db upgrade`" in refused.stderr


def test_a_node_refuses_a_schema_newer_than_it_knows_or_none(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    empty = serve_no_migrate(db_url)
    assert empty.returncode == 3 and "has no schema" in empty.stderr

    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    refused = serve_no_migrate(db_url)
    assert refused.returncode == 3
    assert "9999_from_the_future, which this server does not know" in refused.stderr
    assert "upgraded by a newer release" in refused.stderr


def test_readiness_says_whether_the_schema_is_current(live_server) -> None:
    ready = httpx.get(live_server.url + "/v1/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "schema_revision": migrate.head()}

    engine = make_engine(live_server.db_url)
    with engine.begin() as conn:  # another release moved the schema on under this node
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_next'"))
    engine.dispose()
    not_ready = httpx.get(live_server.url + "/v1/ready")
    assert not_ready.status_code == 503
    assert not_ready.headers["Retry-After"] == "5"
    assert not_ready.json()["code"] == "not_ready"
    assert "schema is at 9999_next, this node needs" in not_ready.json()["message"]
    assert httpx.get(live_server.url + "/v1/health").status_code == 200  # alive, not ready
