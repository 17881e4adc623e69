"""Which agent apps are on the floor: each app's latest queue poll and its outbox backlog.

Agents' apps poll GET /v1/queue every few seconds; writing every poll would put a write on
the API's most frequent read. A poll is written when the agent's last written one is older
than WRITE_EVERY_SECONDS or the outbox figure changed, so the stored time lags by at most
that much (the wallboard's "signed in" window is far wider). A write that finds the
database busy is skipped, never the poll.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from revisit_tui.server.tables import agent_presence

WRITE_EVERY_SECONDS = 30
SIGNED_IN_SECONDS = 120  # a poll this recent means the app is open and online

_written: dict[tuple[int, str], tuple[datetime, int | None]] = {}
_lock = threading.Lock()


def note_poll(engine: Engine, agent_id: str, outbox_pending: int | None) -> None:
    """Record that the agent's app polled now (with its outbox backlog, if it said)."""
    now = datetime.now(UTC)
    key = (id(engine), agent_id)
    with _lock:
        last = _written.get(key)
        if (
            last is not None
            and last[1] == outbox_pending
            and now - last[0] < timedelta(seconds=WRITE_EVERY_SECONDS)
        ):
            return
        _written[key] = (now, outbox_pending)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(agent_presence).values(
        agent_id=agent_id, seen_at=now, outbox_pending=outbox_pending
    )
    statement = statement.on_conflict_do_update(
        index_elements=["agent_id"],
        set_={"seen_at": now, "outbox_pending": outbox_pending},
    )
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    except OperationalError:
        # the database is busy (SQLite's one writer): the poll's answer matters more; the
        # next poll writes it
        with _lock:
            _written.pop(key, None)
