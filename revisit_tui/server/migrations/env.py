"""Alembic environment: migrates the database named by the `db_url` main option."""

from __future__ import annotations

from alembic import context

from revisit_tui.server.db import make_engine
from revisit_tui.server.tables import metadata

config = context.config
engine = make_engine(config.get_main_option("db_url") or "")
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
