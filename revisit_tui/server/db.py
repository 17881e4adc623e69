"""Engines for the central database: SQLite (WAL, busy timeout) or PostgreSQL via psycopg."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 2_500  # a writer waits this long, RetryContention then retries
READ_ONLY = "revisit_read_only"


def make_engine(db_url: str, pool_size: int = 10) -> Engine:
    """An engine for db_url; SQLite connections get WAL mode and a busy timeout. Error
    messages leave out statement parameters (they may be personal data)."""
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        event.listen(engine, "commit", _sqlite_end)
        event.listen(engine, "rollback", _sqlite_end)
        return engine
    return sa.create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is turned off so that BEGIN IMMEDIATE below takes
    # the write lock up front: two writers then queue on the busy timeout instead of failing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MiB of pages per connection (the default is 2 MiB): writing 100,000 tasks updates
    # eight indexes at random places, which with the default cache re-reads pages all the time
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


# SQLite has one writer at a time. Writers of this process queue on this lock, woken the
# moment the last one ends, instead of polling the file lock (whose busy handler sleeps up to
# 100 ms between tries, so a stream of big writes could keep a small one waiting for long).
_WRITER = threading.Lock()
_HOLDS_WRITER = "revisit_holds_writer"


def _sqlite_begin_immediate(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    if _WRITER.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        connection.info[_HOLDS_WRITER] = True
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _sqlite_end(connection)
        raise


def _sqlite_end(connection: Any) -> None:
    if connection.info.pop(_HOLDS_WRITER, False):
        _WRITER.release()


def reader(engine: Engine) -> Engine:
    """The same engine for read-only work: on SQLite its transactions take no write lock, on
    PostgreSQL it runs in autocommit (no BEGIN / ROLLBACK round trips around each read)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})
