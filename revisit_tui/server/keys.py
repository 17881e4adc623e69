"""The server's secret keys: random values made once per database (so every worker and every
restart uses the same), kept in `server_keys`, never sent to any client."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from revisit_tui.server.tables import server_keys


def server_key(conn: Connection, name: str, now: datetime) -> bytes:
    """The database's key called `name`, made on first use (the same for every worker)."""
    query = sa.select(server_keys.c.value).where(server_keys.c.name == name)
    found = conn.scalar(query)
    if found is None:
        try:
            with conn.begin_nested():
                conn.execute(
                    sa.insert(server_keys).values(
                        name=name, value=secrets.token_hex(32), created_at=now
                    )
                )
        except IntegrityError:
            pass  # another worker made it first: use theirs
        found = conn.scalar(query)
    return bytes.fromhex(str(found))
