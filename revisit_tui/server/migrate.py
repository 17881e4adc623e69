"""Schema migrations with alembic, driven from code (no alembic.ini to find).

Several nodes may start at once: the migrations run under a database-wide lock (a PostgreSQL
advisory lock taken in migrations/env.py, a file lock beside a SQLite file: SQLite's own busy
timeout would give up on a migration that takes longer), so they run once, whole, and the
nodes that waited, however long, find the schema current.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaMismatch(Exception):
    """The database's schema is not the one this code needs; the message says what to do."""


def alembic_config(db_url: str) -> Config:
    """An alembic config pointing at the packaged migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("db_url", db_url)
    return config


def upgrade(db_url: str, revision: str = "head") -> None:
    """Bring the database up to `revision` (default: the newest)."""
    with _sqlite_file_lock(db_url):
        command.upgrade(alembic_config(db_url), revision)


@cache
def head() -> str:
    """The newest revision of the packaged migrations: the schema this code needs."""
    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert revision is not None
    return revision


def current(db_url: str) -> str | None:
    """The database's current revision, None for an empty database."""
    from revisit_tui.server.db import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return current_on(connection)
    finally:
        engine.dispose()


def current_on(connection: sa.Connection) -> str | None:
    """The current revision, read on an open connection."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def require_current(db_url: str) -> None:
    """SchemaMismatch unless the database is at this code's head revision."""
    found, needed = current(db_url), head()
    if found == needed:
        return
    if found is None:
        raise SchemaMismatch(
            f"the database has no schema; this server needs {needed}: run `revisit db upgrade`"
        )
    scripts = ScriptDirectory.from_config(alembic_config(""))
    known = {script.revision for script in scripts.walk_revisions()}
    if found in known:
        raise SchemaMismatch(
            f"the database schema is at {found}, older than {needed} which this server needs: "
            "run `revisit db upgrade` (or start without --no-migrate)"
        )
    raise SchemaMismatch(
        f"the database schema is at {found}, which this server does not know "
        f"(it needs {needed}): the database was upgraded by a newer release; run that release"
    )


@contextmanager
def _sqlite_file_lock(db_url: str) -> Iterator[None]:
    """An exclusive lock on `<database>.migrate.lock` for a SQLite file; nothing otherwise."""
    url = sa.make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    lock_path = Path(f"{url.database}.migrate.lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
