"""Shared fixtures: a real API server on a fresh database, and a fresh PostgreSQL database.

    def test_x(live_server):            # fresh SQLite file, migrated, server started
        token = live_server.add_agent("a1")                     # role agent
        boss = live_server.add_agent("s1", role=Role.SUPERVISOR)
        httpx.get(live_server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})

`module_live_server` is the same, shared by a test module. `pg_url` gives a fresh PostgreSQL
database per test module (skipped unless REVISIT_TEST_PG_URL is set). `live_server_for` is
the LiveServer class, for a server on a database of your own (e.g. pg_url, two workers).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from revisit_tui.domain.models import Role
from revisit_tui.server import admin, serverkeys
from revisit_tui.server.db import make_engine
from revisit_tui.server.process import ServerProcess

PG_ENV = "REVISIT_TEST_PG_URL"


def callable_zone() -> str:
    """An IANA zone where it is about 13:00 now: inside the default callable window (09–20),
    so a test's customer may be called (leased) whenever the test runs."""
    offset = (13 - datetime.now(UTC).hour + 12) % 24 - 12  # UTC-12 … UTC+11
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # Etc/GMT-8 is UTC+8


class LiveServer:
    """A started server on its own database, with helpers to add principals."""

    def __init__(self, db_url: str, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        admin.create_schema(db_url)
        self.process = ServerProcess(db_url, workers=workers, env=env)

    @property
    def url(self) -> str:
        return self.process.url

    def add_agent(self, agent_id: str, role: Role = Role.AGENT, **profile: Any) -> str:
        """Add an agent (or supervisor) named after its id; returns its bearer token."""
        return admin.add_agent(self.db_url, agent_id, f"Agent {agent_id}", role, **profile)

    def add_service(self, name: str, role: Role) -> str:
        return admin.add_service(self.db_url, name, role)

    @property
    def server_id(self) -> str:
        """The id GET /v1/me answers with (the database's)."""
        engine = make_engine(self.db_url)
        try:
            return serverkeys.server_id(engine)
        finally:
            engine.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'revisit.db'}"


@pytest.fixture(scope="session")
def live_server_for() -> type[LiveServer]:
    """LiveServer itself, for suites that start servers on their own databases:
    `live_server_for(db_url, workers=2)` migrates; use `.process` as a context manager."""
    return LiveServer


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server on a fresh SQLite file, for one test."""
    server = LiveServer(sqlite_url(tmp_path))
    with server.process:
        yield server


@pytest.fixture(scope="module")
def module_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on a fresh SQLite file, shared by the tests of one module."""
    server = LiveServer(sqlite_url(tmp_path_factory.mktemp("server")))
    with server.process:
        yield server


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test module, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    name = f"revisit_test_{uuid.uuid4().hex[:12]}"
    maintenance = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with maintenance.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.dispose()
