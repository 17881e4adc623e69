"""The alembic migrations build exactly the schema of tables.py (indexes included)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from revisit_tui.server.db import make_engine
from revisit_tui.server.migrate import upgrade
from revisit_tui.server.tables import metadata


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
