"""Values made once per database and shared by every API process on it (`server_keys`): the
identity-check and account-id keys, and the server's id, by which agents' apps tell one
central API from another whatever URL reaches it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from revisit_tui.server.tables import server_keys

IDENTITY_CHECK_KEY = "identity_check"
ACCOUNT_ID_KEY = "account_id"
SERVER_ID = "server_id"


def stored_value(conn: Connection, name: str, make: Callable[[], str], now: datetime) -> str:
    """The value stored under `name`, made with `make` on first use (another process making
    it at the same moment wins: both then use the one stored)."""
    query = sa.select(server_keys.c.value).where(server_keys.c.name == name)
    found = conn.scalar(query)
    if found is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(server_keys).values(name=name, value=make(), created_at=now))
        except IntegrityError:
            pass
        found = conn.scalar(query)
    return str(found)


def identity_check_key(conn: Connection, now: datetime) -> bytes:
    """The secret from which each task's identity-check salt is derived."""
    return bytes.fromhex(stored_value(conn, IDENTITY_CHECK_KEY, lambda: secrets.token_hex(32), now))


def account_id_key(conn: Connection, now: datetime) -> bytes:
    """The secret account ids are made with (`accountids`)."""
    return bytes.fromhex(stored_value(conn, ACCOUNT_ID_KEY, lambda: secrets.token_hex(32), now))


def server_id(engine: Engine) -> str:
    """This database's id (a UUID's hex digits): the same for every process serving it, kept
    by backups and restores, different for any other database."""
    with engine.begin() as conn:
        return stored_value(conn, SERVER_ID, lambda: uuid.uuid4().hex, datetime.now(UTC))
