"""Backups of the central database: `revisit db backup` and `revisit db restore`.

SQLite is copied through its online backup API, a consistent snapshot taken while the server
goes on writing; PostgreSQL through `pg_dump` (custom format, one snapshot transaction) and
`pg_restore`. A backup holds personal data: the file is written mode 0600, completely or not
at all (a temporary file renamed into place after fsync). A restore goes only into an empty
database, so a mistyped target never mixes two databases.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SQLITE_PAGES_PER_STEP = 1024  # copied per step of the online backup; writers go on in between


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


def backup(db_url: str, target: Path) -> None:
    """Write a consistent copy of the database at db_url to target (replaced atomically)."""
    url = sa.make_url(db_url)
    with _atomic_file(target) as temporary:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), temporary)
        elif url.get_backend_name() == "postgresql":
            _pg_run("pg_dump", ["--format=custom", "--no-owner", f"--file={temporary}"], url)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")


def restore(source: Path, db_url: str) -> None:
    """Load a backup made by `backup` into the empty database at db_url."""
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    url = sa.make_url(db_url)
    _require_empty(db_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(source, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        _pg_run(
            "pg_restore",
            ["--no-owner", "--exit-on-error", "--single-transaction", str(source)],
            url,
        )
    else:
        raise BackupError(f"cannot restore into a {url.get_backend_name()} database")


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_backup(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"{database}: no such database file")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=SQLITE_PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if backup_file.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{source}: the backup file is damaged (SQLite quick_check)")
        database.touch(mode=0o600)
        os.chmod(database, 0o600)
        target = sqlite3.connect(database)
        try:
            backup_file.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source}: not a SQLite backup ({exc})") from None
    finally:
        backup_file.close()


def _require_empty(db_url: str) -> None:
    from revisit_tui.server.db import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
    except sa.exc.OperationalError as exc:
        raise BackupError(f"cannot open the target database: {exc.orig}") from None
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the target database is not empty ({len(tables)} tables); "
            "restore into a new, empty database"
        )


def _pg_run(tool: str, arguments: list[str], url: sa.URL) -> None:
    """Run pg_dump / pg_restore on the database at url; the password travels in PGPASSWORD,
    never on the command line (where `ps` would show it)."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = sa.URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    ).render_as_string()
    result = subprocess.run(
        [program, f"--dbname={libpq}", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")


@contextmanager
def _atomic_file(target: Path) -> Iterator[Path]:
    """A temporary path beside target, mode 0600; on success fsynced and renamed to target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    temporary = Path(name)  # the tools write into it, keeping its mode 0600 throughout
    try:
        yield temporary
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.replace(target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        temporary.unlink(missing_ok=True)
