"""Alembic environment: migrates the database named by the `db_url` main option."""

from __future__ import annotations

from alembic import context

from revisit_tui.server.db import make_engine
from revisit_tui.server.tables import metadata

MIGRATION_LOCK = 7_406_263  # an arbitrary advisory lock key for schema migrations

config = context.config
engine = make_engine(config.get_main_option("db_url") or "")
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # several `revisit serve` processes may start at once: one migrates, the others wait
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        context.run_migrations()
engine.dispose()
